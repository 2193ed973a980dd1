/* wizard.h: the wizard's model (the admin's choices), its screens and the form items they show. */
#ifndef SMTLS_UI_WIZARD_H
#define SMTLS_UI_WIZARD_H

#include <stdbool.h>
#include <stddef.h>

#include "smtls/confirm.h"
#include "smtls/finding.h"
#include "smtls/plan.h"
#include "smtls/sendmail.h"
#include "smtls/xmalloc.h"

/* Where the certificate comes from (screen "Certificate source"). */
enum wiz_source {
	SRC_LETSENCRYPT,
	SRC_SELFSIGNED,
	SRC_OWN_CA,
	SRC_COMMERCIAL,
	SRC_EXISTING,
	SRC_COUNT
};

enum wiz_store {
	STORE_SYSTEM,		/* the system's hashed directory (/etc/ssl/certs) */
	STORE_OTHER,		/* a directory the admin names */
	STORE_BUNDLE,		/* a directory built from a bundle (rehash) */
};

/* A Let's Encrypt lineage found under the live directory. */
struct wiz_lineage {
	char	*name;
	char	*dir;
	char	*summary;	/* "expires 2026-12-01, EC 256" or why it cannot be read */
	bool	 usable;
};

/* What smtls found on this machine before any change (screen "Start"). */
struct wiz_env {
	bool			 demo;
	char			*demo_dir;	/* the sandbox, or NULL */
	bool			 keep_demo;	/* --demo-dir: the admin named it; keep it */
	bool			 at_given;	/* --at: judge at that time, else at each check */
	struct sendmail_info	 sm;
	char			*sm_err;	/* why the binary could not be inspected */
	struct sendmail_host	 host;		/* is this host's name qualified for sendmail */
	char			*mc_path;
	char			*cf_path;
	char			*cf_dir;	/* --cf-m4, or NULL */
	char			*cf_found;	/* the sendmail-cf directory in use, or NULL */
	bool			 mc_loaded;	/* m4 built a cf from the mc */
	char			*mc_err;	/* m4's complaint, or why the mc is missing */
	struct tls_plan		 current;	/* the settings in force now (from the mc) */
	struct findings		 load_findings;	/* about the mc/cf as they are (dnl, m4, stale cf) */
	size_t			 now_errors;	/* findings before any change */
	size_t			 now_warnings;
	char			*le_live;	/* the Let's Encrypt live directory */
	struct wiz_lineage	*lineages;
	size_t			 n_lineages;
	char			*system_roots;	/* /etc/ssl/certs, or the demo's roots */
	char			*hostname;
	char			*restart_command;	/* --restart-command, or NULL */
	char			*submit_mc;	/* --submit-mc, else the MSP's submit.mc beside mc_path
						 * (check_submit_beside), or NULL */
	bool			 submit_on;	/* the admin's choice: configure it too (Apply screen;
						 * on with --submit-mc) */
	bool			 update_tls_cert;	/* the certificate in force is Debian's
						 * update_tls's (check_cert_is_update_tls) */
	struct tls_plan		 submit_plan;	/* its settings (plan_msp_from) for the apply */
};

#define WIZ_MAX_STEPS	16

/* After an apply that restarted sendmail: the live check, and the timed rollback's countdown
 * (screen-confirm.c; the core decides, the state file says what happened). */
struct wiz_countdown {
	bool			 on;		/* the admin chose a timed rollback */
	char			*within;	/* its duration as typed ("120", "2m") */
	bool			 armed;		/* the last apply armed one: the countdown runs */
	bool			 ended;		/* kept, reverted or gone: see outcome */
	bool			 kept;		/* Keep came in time */
	bool			 reverted;	/* the helper restored the previous files */
	bool			 failed;	/* the revert could not complete (outcome says why) */
	bool			 asked;		/* Revert now asked the helper to revert */
	struct confirm_state	 st;		/* as the state file said last */
	char			*outcome;	/* what the state file says happened, or NULL */
	char			*error;		/* the state file cannot be written or read */
	char			*live_text;	/* the live check, one line a listener, or NULL */
	bool			 live_passed;
	bool			 live_shown;	/* the text front end printed it */
};

/* The state of the Apply screen: the preview (fragment, diffs) and the steps as they run. */
struct wiz_apply {
	bool	 preview_valid;		/* fragment and diffs are for the current plan */
	char	*fragment;		/* the .mc block, or NULL */
	char	*mc_diff, *cf_diff;	/* what apply would change ("" when nothing) */
	/* the same for the MSP's pair when its box is ticked (NULL otherwise), and its paths */
	char	*msp_mc_diff, *msp_cf_diff, *msp_mc_path, *msp_cf_path;
	char	*preview_err;		/* why there is no preview */
	bool	 preview_aborted;	/* its m4 was stopped: run again when Review is entered */
	bool	 ran;			/* apply ran (this session) */
	bool	 restart;		/* the admin agreed to restart sendmail */
	bool	 running;		/* apply_run is under way (progress redraws) */
	long long step_at;		/* when the running step began (time()) */
	bool	 aborted;		/* it stopped before the install: nothing was changed */
	bool	 abort_late;		/* the install had begun: the new files are in place */
	char	*stopped;		/* the child was killed: what its journal's recovery did */
	bool	 changed, unchanged, failed, undone;
	bool	 journal_kept;	/* failed half-way: the next start completes or undoes it */
	int	 n_steps;
	int	 state[WIZ_MAX_STEPS];	/* 0 pending, 1 running, 2 done, 3 failed, 4 skipped */
	int	 shown[WIZ_MAX_STEPS];	/* the state the text front end printed last */
	char	*detail[WIZ_MAX_STEPS];
	char	*error;
	char	*mc_backup, *cf_backup;
	/* the MSP's pair of an apply --submit-mc as the core's result says: submit.mc,
	 * submit.cf and their backups (NULL: none) */
	char	*msp_mc, *msp_cf, *msp_mc_backup, *msp_cf_backup;
	char	*restart_command;
	size_t	 rehash_done, rehash_total;	/* rehash progress (total 0: not running) */
	/* the proof of the new sendmail.cf: its steps as they run, what it saw, its fix */
	int	 n_prove;			/* its steps (0: it has not started) */
	int	 prove_state[WIZ_MAX_STEPS];	/* as state[] */
	const char *prove_title[WIZ_MAX_STEPS];	/* untranslated (N_) */
	char	*prove_detail[WIZ_MAX_STEPS];
	char	*prove_text;		/* what it saw: TLS, chain, verification, verify= */
	bool	 prove_refused;		/* the install was refused because the proof failed */
	char	*prove_fix;		/* the fix of its first error, or NULL */
	struct wiz_countdown cd;	/* the live check and the timed rollback */
};

/* A long step running in a child process (engine-step.c): the apply, making a key, m4's
 * preview, the live check. */
struct wiz_job {
	bool		 running;
	const char	*what;		/* what runs (translated); NULL: the apply's running step */
	const char	*ask;		/* the question q asks: "Abort ...?" (translated); NULL:
					 * the screen's own step (the preview): q quits */
	const char	*stopping;	/* what an abort leaves, said while it stops */
	long long	 at;		/* when it began (time()) */
	bool		 aborting;	/* the admin asked to abort: the child was told to stop */
	bool		 aborted;	/* the last one was aborted (until the next begins) */
};

/* The admin's choices; the plan is what check_plan() judges. */
struct wiz_model {
	struct tls_plan	 plan;
	enum wiz_source	 source;
	size_t		 lineage;	/* index into env.lineages */
	enum wiz_store	 store;
	bool		 client_cert;	/* present our certificate when delivering */
	bool		 ask_client;	/* ask clients for a certificate */
	int		 min_tls;	/* 0 keep, 1 TLS 1.2 or newer */
	int		 log_level;	/* 0 keep, 9, 14 */
	bool		 override;	/* apply despite error findings */
	bool		 group_readable;	/* keys 0640 with GroupReadableKeyFile */
	char		*gen_names;	/* names for a new certificate or CSR */
	int		 gen_key;	/* 0 EC P-256, 1 RSA 3072 */
	char		*gen_dir;	/* where new files go */
	char		*ca_dir;	/* own CA: its directory (ca.pem, ca-key.pem) */
	int		 commercial;	/* 0 import what the CA sent, 1 make a key and CSR */
	char		*import_bundle;	/* the file(s) the CA sent */
	char		*import_key;	/* the key the CSR was made with */
	char		*hook_path;	/* the installed certbot hook, or NULL */
	char		*store_bundle;	/* a PEM bundle of roots to build a CACertPath from */
	char		*store_dir;	/* the directory to build */
	bool		 smtps;		/* also listen on port 465 */
	int		 start;		/* what the admin chose on the start screen */
	bool		 dirty;		/* choices not yet written */
	/* what the files hold, read by each re-check (never while drawing) */
	char		*described[PF_COUNT];	/* a path field's file, as the screens describe it */
	int		 client_auth;	/* the server cert allows clientAuth: 1, 0, -1 unknown */
	int		 key_mode;	/* the key's mode, -1 when it cannot be read */
	char		 key_owner[128];	/* its owner:group */
};

enum wiz_item_kind {
	WI_LABEL,	/* text only, not focusable */
	WI_CHOICE,	/* one of a group (radio) */
	WI_TOGGLE,	/* on / off */
	WI_PATH,	/* a file or directory, bound to a plan field */
	WI_TEXT,	/* free text bound to a string of the model */
	WI_ACTION,	/* does something when activated */
};

struct wiz_item {
	enum wiz_item_kind	 kind;
	int			 id;		/* the screen's own id */
	int			 group;		/* Tab moves between groups */
	char			*label;		/* translated; owned */
	char			*note;		/* shown after the value; owned, may be NULL */
	char			 hotkey;	/* a letter of the label, or 0 */
	bool			 on;		/* choice selected / toggle set */
	char			*disabled;	/* why it cannot be chosen, or NULL (owned) */
	int			 field;		/* WI_PATH: enum plan_field; else -1 */
	char			**text;		/* WI_TEXT: the model's string */
	bool			 browse;	/* WI_TEXT: a path; Enter opens the file chooser */
	const char		*help;		/* untranslated (N_), or NULL */
};

struct wizard;

/* What a key handler did. */
enum wiz_key_result {
	WK_UNHANDLED = 0,
	WK_HANDLED,
	WK_NEXT,	/* go to the next screen (after the check hook) */
	WK_BACK,
	WK_QUIT,	/* leave the wizard (no confirmation needed) */
	WK_HELP,	/* show the help (the TLS files picture) */
	WK_STAY,	/* handled; a choice that opens more fields: Enter does not go on */
	WK_EXPLAIN,	/* ask for a log line and explain it */
};

/* One screen: a table entry with small hooks. */
struct wiz_screen {
	const char	*name;		/* marked with N_, e.g. "Certificate source" */
	const char	*help;		/* what this screen decides (marked with N_) */
	/* called when the screen is entered going forward: fills in defaults */
	void		(*enter)(struct wizard *w);
	/* fills w->items (and w->body) from the model */
	void		(*build)(struct wizard *w);
	/* an item was chosen (Enter/Space on a choice, toggle or action) */
	enum wiz_key_result (*activate)(struct wizard *w, struct wiz_item *it);
	/* returns the screen index to go to next, or -1 for the following one */
	int		(*next)(struct wizard *w);
	/* the label of the forward button, or NULL for "Next" */
	const char	*next_label;
	/* the items come before the body (the body may be long) */
	bool		 items_first;
	/* the choices are things to do (a menu): Enter does the focused one; elsewhere Space
	 * selects and Enter goes on with the selection, never changing it */
	bool		 menu;
};

extern const struct wiz_screen screen_start, screen_source, screen_details,
    screen_store, screen_key, screen_options, screen_review, screen_apply;

enum wiz_screen_id {
	SCR_START, SCR_SOURCE, SCR_DETAILS, SCR_STORE, SCR_KEY, SCR_OPTIONS, SCR_REVIEW,
	SCR_APPLY, SCR_COUNT
};

/* Per-screen view state (kept while moving back and forth). */
struct wiz_view {
	int	focus_id;	/* id of the focused item; -1: the selected choice, or the first */
	int	scroll;		/* first body line shown */
};

struct wiz_ui;	/* curses state, only in the curses front end */

struct wizard {
	struct wiz_env		 env;
	struct wiz_model	 m;
	struct findings		 live;		/* findings for the current plan */
	unsigned long long	 files_key;	/* stat data of the plan's files at that check */
	unsigned long long	 mc_key;	/* and of sendmail.mc and .cf */
	int			 screen;
	struct wiz_view		 view[SCR_COUNT];
	struct wiz_item		*items;
	size_t			 n_items;
	struct buf		 body;		/* read-only text of the screen, or empty */
	char			*status;	/* a one-line message for the admin, or NULL */
	char			*result;	/* what to print to scrollback at the end */
	bool			 wrote;		/* something was written */
	struct buf		 written;	/* the files this session wrote, one a line */
	struct buf		 replay;	/* the smtls command of each action done, one a line */
	int			 exit_code;
	struct wiz_apply	 ap;
	struct wiz_job		 job;		/* the long step running, if any */
	struct wiz_ui		*ui;		/* NULL in text mode */
	/* redraws while a long step runs (the front end's), or NULL */
	void			(*progress)(struct wizard *w);
	/* while a long step runs in a child (engine-step.c): waits up to about a second for
	 * fd (the child's reports) or a key; returns 1 when the step is to stop (the admin
	 * aborts it, or quits). Called once with fd -1 when the step has ended (keys typed
	 * meanwhile act then). NULL: just waits for fd */
	int			(*step_wait)(struct wizard *w, int fd);
	/* asks a yes/no question in the current front end; def is the answer on Enter */
	bool			(*confirm)(struct wizard *w, const char *question, bool def);
};

extern const struct wiz_screen *const wiz_screens[SCR_COUNT];

/* model.c: items, the plan; model-check.c: live checking, the picture */
void wiz_items_clear(struct wizard *w);
struct wiz_item *wiz_item_add(struct wizard *w, enum wiz_item_kind kind, int id, int group,
    char hotkey, const char *label);
void wiz_item_note(struct wiz_item *it, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void wiz_item_disable(struct wiz_item *it, const char *why);
struct wiz_item *wiz_item_by_id(struct wizard *w, int id);
void wiz_body(struct wizard *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void wiz_set_status(struct wizard *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets a plan field from the admin's input (NULL or "" unsets it) and re-checks. */
void wiz_set_field(struct wizard *w, enum plan_field f, const char *value);
/* Back to the value in force and where it comes from (a value m4 computes stays unwritten,
 * so the block does not freeze it). */
void wiz_keep_field(struct wizard *w, enum plan_field f);
/* Re-runs the core's checks on the current plan (and notes the files' stat data). */
void wiz_recheck(struct wizard *w);
/* Re-checks when a file changed since the last check (its dev, inode, size, mtime, ctime or
 * mode; sendmail.mc or .cf: reloaded first); true when it did. */
bool wiz_refresh(struct wizard *w);
/* Why apply refuses (the first error of fs) and the way on in the wizard; caller frees. */
char *wiz_refusal(const struct findings *fs);
/* Builds the current screen's items and body. */
void wiz_build(struct wizard *w);
/* The underlined letter of Back (button 0) or Next (1) on this screen. */
int wiz_button_key(const struct wizard *w, int button);
/* The worst finding about file path (or NULL). */
const struct finding *wiz_finding_for(const struct wizard *w, const char *path);
/* The first error finding that concerns a path field of the current screen (its item). */
struct wiz_item *wiz_first_bad_item(struct wizard *w, const struct finding **f);
/* The equivalent non-interactive command line (caller frees). */
char *wiz_command_line(const struct wizard *w);
/* A short translated word for a severity: "ERROR", "WARNING", "INFO", "OK". */
/* Adds a path item bound to plan field f (id 1000 + f). */
void wiz_path_item(struct wizard *w, enum plan_field f, int group, char key, const char *label,
    const char *help);
/* Why a typed path cannot go into sendmail.mc as field f (the emitter's rule; caller
 * frees), or NULL. */
char *wiz_path_problem(enum plan_field f, const char *path);
void wiz_free(struct wizard *w);
/* Notes that the session wrote (or changed) a file: path, then what happened to it. */
void wiz_wrote(struct wizard *w, const char *path, const char *what);
/* Notes the `smtls ...' command that does what the session just did (cmd: the core's
 * builder's, freed here). */
void wiz_replay(struct wizard *w, char *cmd);
/* Every file the session wrote, the apply's included, one "  path (what)" a line (caller
 * frees), or NULL when none was written. */
char *wiz_written_list(const struct wizard *w);
/* Help text of the TLS files picture (translated, caller frees). */
char *wiz_picture(const struct wizard *w);

/* engine.c: the adapter to the core engines (no curses) */
struct wiz_options {
	bool		 demo;
	char		*demo_dir;
	struct tls_plan	*flags;		/* settings given on the command line, or NULL */
	char		*cf_m4;
	bool		 at_given;	/* --at: judge at that time, else now */
	const char	*restart_command;	/* --restart-command, or NULL */
	const char	*submit_mc;		/* --submit-mc, or NULL */
};
int engine_init(struct wizard *w, const struct wiz_options *o, char **err);
/* A one-line description of what a file holds (caller frees). */
char *engine_describe_file(const char *path, time_t now);
/* mode of the file, or -1 */
int engine_file_mode(const char *path, char *owner, size_t owner_size);
/* chmod 600 on a key file; 0 or -1 with *err. */
int engine_chmod_key(const char *path, char **err);
/* Reads sendmail.mc/.cf again (they changed), then re-checks. */
void engine_reload(struct wizard *w);
/*
 * The fragment and the diffs for the current plan (cached in w->ap until the plan changes);
 * m4's dry run goes through engine_run_job as the screen's own step (q quits the wizard;
 * stopped, preview_err says so). Never from inside the runner (a redraw while a step runs).
 * True when it ran a step: the screen was redrawn meanwhile, so a build that calls it first
 * starts again (wiz_items_clear).
 */
bool engine_preview(struct wizard *w);
/* Whether sendmail can be restarted here (never in the demo). */
bool engine_can_restart(const struct wizard *w);
/* The title of apply step i (translated), or NULL past the last. */
const char *engine_step_title(int i);
/* True for the apply step that proves the new sendmail.cf (its own steps: ap.prove_*). */
bool engine_step_is_proof(int i);
/* Runs apply (progress through w->progress); fills w->ap. 0 or -1. */
int engine_apply(struct wizard *w);
/*
 * engine-step.c: a long step in a child process (job.h), with the front end's step_wait
 * between its reports (read: 0 while it runs, 1 once it ended): w->job says what runs; the
 * status line (not on the Apply screen) its seconds; q asks ask and job_cancel()s it, and
 * while it stops, the line says stopping (translated, as what). With ask NULL it is a step
 * of the screen itself: q and Ctrl-C mean what they mean on the screen (quit, interrupt),
 * and the step is stopped when the wizard ends. Keys typed meanwhile act once it ended.
 * True when it was aborted.
 */
struct job;
struct job_rd;
bool engine_run_job(struct wizard *w, const char *what, const char *ask, const char *stopping,
    struct job *j, int (*read)(void *ctx), void *ctx);
/* engine_run_job with job_read(j, on_record, ctx) as the read: a job's records into ctx. */
bool engine_run_records(struct wizard *w, const char *what, const char *ask,
    const char *stopping, struct job *j, void (*on_record)(void *ctx, char type,
    struct job_rd *r), void *ctx);
/* apply_run in a child process through engine_run_job; an abort stops it cleanly
 * (ap.aborted, ap.abort_late, ap.stopped say what became of the files). The return value
 * and res as apply_run's; *summary: summary's text. */
int engine_run_apply(struct wizard *w, const struct apply_request *rq, struct apply_result *res,
    char *(*summary)(const struct apply_result *res, void *arg), char **text);
/* apply_run's dry run (rq->dry_run) in a child process through engine_run_job, as the
 * preview's m4 (the screen's own step); res as apply_run's. True when it was stopped. */
bool engine_run_dry(struct wizard *w, const struct apply_request *rq, struct apply_result *res);
/* What the running step is (translated), for the progress line, or NULL. */
const char *engine_running_step(const struct wizard *w);
/* Restores the backups of the last apply. 0 or -1 (w->ap.error). */
int engine_undo(struct wizard *w);
/* The certificate engine: each writes new files in m.gen_dir and sets the plan's fields. */
int engine_make_selfsigned(struct wizard *w, char **err);
int engine_make_csr(struct wizard *w, char **err);
/*
 * Commercial CA: engine_import_prepare reads and sorts what the CA sent, and notes what
 * writing it into m.gen_dir would replace (NULL with err: it cannot be imported);
 * engine_import_replacing lists those files, each "  NAME -> its backup" a line ("" when
 * every file is new; caller frees); engine_import_write writes the set, replacing only
 * those (each kept as its backup), and uses the files.
 */
struct wiz_import;
struct wiz_import *engine_import_prepare(struct wizard *w, char **err);
char *engine_import_replacing(const struct wiz_import *im);
int engine_import_write(struct wizard *w, const struct wiz_import *im, char **err);
void engine_import_free(struct wiz_import *im);
/* Own CA: whether m.ca_dir holds one; make it there; issue this server's certificate from it. */
bool engine_ca_present(const struct wizard *w);
int engine_make_ca(struct wizard *w, char **err);
int engine_issue_from_ca(struct wizard *w, char **err);
/* Builds m.store_dir into a CACertPath from m.store_bundle (progress through w->progress). */
int engine_rehash(struct wizard *w, char **err);
/* The certbot deploy hook for the chosen lineage; *path is where it went. */
bool engine_can_hook(const struct wizard *w);
int engine_hook_install(struct wizard *w, char **path, char **err);
/* The chain peers receive, leaf to root, and whether peers verify it (caller frees), or NULL. */
char *engine_chain_map(const struct wizard *w);
/* The log explainer: one log line explained (translated text, caller frees). */
char *engine_explain(const char *line);
/* The emitter's equivalent `smtls apply ...` line (caller frees), or NULL without it. */
char *engine_command_line(const struct wizard *w);
/* engine-confirm.c: the core's live check and timed rollback around engine_apply. */
struct confirm_apply;
struct apply_request;
struct apply_result;
/* Before apply_run: -1 when the apply must not run (w->ap.error says why). */
int engine_confirm_before(struct wizard *w, struct apply_request *rq, struct confirm_apply *ca);
/* After apply_run: the live check (progress through w->progress), then the deadline. */
void engine_confirm_after(struct wizard *w, const struct apply_request *rq,
    const struct apply_result *res, struct confirm_apply *ca);
/* Reads the state file again: what became of the change (sets w->ap.cd). */
void engine_countdown_poll(struct wizard *w);
/* Keep: confirm_keep(); Revert now: the helper reverts at once. 0 or -1 (w->status). */
int engine_countdown_keep(struct wizard *w);
int engine_countdown_revert(struct wizard *w);
void engine_countdown_free(struct wiz_countdown *cd);

/* screen-confirm.c: the countdown ("Keep these settings? Reverting in N s") on the Apply screen */
/* True while the change awaits Keep or the revert. */
bool wiz_countdown_running(const struct wizard *w);
/* Seconds until the revert (0 once the deadline passed). */
long long wiz_countdown_left(const struct wizard *w);
/* The countdown's items and body (while it runs), or its outcome's lines (after). */
void wiz_countdown_build(struct wizard *w);
void wiz_countdown_outcome(struct wizard *w);
enum wiz_key_result wiz_countdown_activate(struct wizard *w, struct wiz_item *it);
/* Once a second: reads the state file; true while the countdown runs (redraw it). */
bool wiz_countdown_tick(struct wizard *w);
/* Said when the wizard ends while the revert is armed (when it fires), or NULL; caller frees. */
char *wiz_countdown_note(const struct wizard *w);

/* Removes the demo sandbox (unless kept). */
void engine_cleanup(struct wizard *w);

/* text.c: the line-based front end (--text) */
int wiz_run_text(struct wizard *w);
/* curses.c: the full-screen front end */
int wiz_run_curses(struct wizard *w);
/* Whether the curses front end can run here; else *why says why. */
bool wiz_curses_possible(const char **why);

#endif
