/* apply.h: merge the fragment into sendmail.mc, rebuild and verify sendmail.cf, install both with backups, or undo. */
#ifndef SMTLS_APPLY_H
#define SMTLS_APPLY_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "smtls/emit.h"
#include "smtls/finding.h"
#include "smtls/plan.h"
#include "smtls/prove.h"
#include "smtls/sendmail.h"

/* The named steps, in order; the wizard shows each with its state. */
enum apply_step {
	APPLY_STEP_EMIT,	/* the fragment */
	APPLY_STEP_MERGE,	/* the new sendmail.mc text */
	APPLY_STEP_M4,		/* m4 on the new mc */
	APPLY_STEP_VERIFY,	/* every TLS option read back from the new cf */
	APPLY_STEP_CHECK,	/* check_plan on the settings of the new cf: refuse on errors unless forced */
	APPLY_STEP_SENDMAIL,	/* sendmail -C new.cf -bC */
	APPLY_STEP_PROVE,	/* prove_run on the new cf: refuse when it fails unless forced */
	APPLY_STEP_BACKUP,	/* FILE.smtls-YYYYMMDDTHHMMSSZ */
	APPLY_STEP_INSTALL,	/* rename the new files into place */
	APPLY_STEP_RESTART,	/* systemctl, service or the rc script */
	APPLY_STEP_COUNT
};

enum apply_state {
	APPLY_ST_PENDING,
	APPLY_ST_RUNNING,
	APPLY_ST_DONE,
	APPLY_ST_FAILED,
	APPLY_ST_SKIPPED,
};

/* Why the proof did not run (the core decides it once; the front ends only show it). */
enum apply_prove_skip {
	APPLY_PROVE_NOT_SKIPPED,	/* it ran, or the apply stopped before it */
	APPLY_PROVE_SKIP_ASKED,		/* --no-prove */
	APPLY_PROVE_SKIP_MSP,		/* the MSP's cf: no daemon to prove */
	APPLY_PROVE_SKIP_NO_SENDMAIL,	/* wanted, but no sendmail binary: the cf is NOT proven */
	APPLY_PROVE_SKIP_NOT_ROOT,	/* only root can prove */
};

struct apply_request {
	const struct tls_plan		*plan;
	const struct emit_options	*emit;
	const struct sendmail_info	*sm;		/* inspected binary, or NULL: no -bC, no DANE test */
	const char			*mc_path;
	const char			*cf_path;	/* NULL: sendmail.cf beside the mc */
	const char			*cf_m4_dir;	/* --cf-m4, or NULL to locate it */
	const char			*m4_path;
	int				 sendmail_timeout_ms;	/* plus 60 s on an unqualified host */
	/* the demo's sandbox: on a host whose name is not fully qualified, sendmail -bC runs
	 * under this dotted name (a private UTS namespace) instead of sleeping 60 s first; and
	 * when not root, -bC (which sendmail refuses to other users) is skipped */
	const char			*sandbox_hostname;
	bool				 dry_run;
	bool				 force;		/* install despite error findings of check or proof */
	bool				 restart;
	/* a shell command (/bin/sh -c) that restarts the live daemon instead of the
	 * distribution's way (--restart-command), or NULL */
	const char			*restart_command;
	/* the suffix of this run's backups (apply_backup_suffix(), e.g. for a timed
	 * rollback that must know it before the install), or NULL: chosen by the run */
	const char			*backup_suffix;
	/*
	 * The proof (src/core/prove.c) runs on the new cf before anything is installed, also
	 * for a dry run, when a sendmail binary is known and smtls runs as root; no_prove skips
	 * it. Its own steps are reported through prove_progress (with progress_arg).
	 */
	bool				 no_prove;
	/* no mc_diff and cf_diff (NULL) for a change that is installed: the CLI shows them
	 * only for --dry-run and --json (the cf's diff alone cost milliseconds) */
	bool				 no_diff;
	const char			*prove_workdir;	/* its temporary directory's parent (NULL: /run) */
	int				 prove_port;	/* the first port to try (0: prove's default) */
	void				(*prove_progress)(const struct prove_result *r,
					    enum prove_step_id step, void *arg);
	/* set (by a signal handler) to stop: the proof stops early, nothing is installed */
	volatile sig_atomic_t		*cancel;
	time_t				 now;		/* the backups' time stamp */
	/*
	 * The MSP's pair in the same transaction (--submit-mc), or NULL: msp_plan (plan->msp,
	 * see plan_msp_from()) is merged into msp_mc_path, rebuilt into msp_cf_path (NULL:
	 * beside it), verified, checked (and its relay with check_msp_relay() against the
	 * new sendmail.cf) and sendmail -bC'd; it is not proved (the MSP runs no daemon).
	 * Both pairs are installed together, with one backup suffix, or neither.
	 */
	const struct tls_plan		*msp_plan;
	const char			*msp_mc_path;
	const char			*msp_cf_path;
	/*
	 * Without msp_plan: the MSP's submit.mc that this apply does not change (the one beside
	 * the mc), or NULL. It is judged (check_msp_file) against the new sendmail.cf, its
	 * relay, after the check step; its findings go to res->msp_findings and never refuse.
	 */
	const char			*msp_judge_mc;
	/* called on every state change (detail may be NULL), never after apply_run returns;
	 * why: for the prove step when skipped, the core's reason (else APPLY_PROVE_NOT_SKIPPED) */
	void				(*progress)(enum apply_step step, enum apply_state state,
					    enum apply_prove_skip why, const char *detail, void *arg);
	void				*progress_arg;
};

enum apply_outcome {
	APPLY_CHANGED,		/* files installed */
	APPLY_UNCHANGED,	/* nothing to do; no backup made */
	APPLY_PREVIEW,		/* --dry-run: diffs only */
	APPLY_REFUSED,		/* error findings of check or proof (failed_step) and no --force */
	APPLY_FAILED,		/* a step failed; no file changed (see error) */
	APPLY_BAD_VALUE,	/* a value cannot be written (exit 2) */
};

struct apply_result {
	enum apply_outcome	 outcome;
	enum apply_step		 failed_step;
	char			*error;		/* what failed, naming the file */
	struct findings		 findings;	/* from the check step */
	char			*mc_path, *cf_path;
	char			*mc_diff, *cf_diff;	/* unified diffs ("" when equal) */
	char			*mc_backup, *cf_backup;	/* backups made (undo: restored), or NULL */
	/* the file did not exist before the apply: apply created it (sendmail.cf.smtls-SUFFIX.absent
	 * says so), undo removed it */
	bool			 mc_absent, cf_absent;
	/* the install failed and so did putting the old files back: the journal is kept and the
	 * next smtls command completes or rolls back the set (not "nothing was changed") */
	bool			 journal_kept;
	size_t			 commented;	/* definitions commented out in the mc */
	char			*restart_command;
	enum apply_state	 state[APPLY_STEP_COUNT];
	/* apply_child (apply-child.h): the child was killed before it reported; what the
	 * recovery of its journal did (one line), or NULL */
	char			*recovered;
	bool			 proved;	/* the proof ran: prove holds what it saw */
	enum apply_prove_skip	 prove_skip;	/* why it did not run */
	/* the MSP's pair (rq->msp_plan): its paths, diffs, backups, cf_absent and commented;
	 * its findings are in findings (they name submit.mc/submit.cf); NULL without one */
	struct apply_result	*msp;
	/* rq->msp_judge_mc, as judged (NULL when it was not), and its findings */
	char			*msp_judged_mc;
	struct findings		 msp_findings;
	struct prove_result	 prove;		/* with its own findings (not in findings) */
};

#define APPLY_SENDMAIL_TIMEOUT_MS	20000

/* Fills rq with the defaults, for `smtls apply' and the wizard alike: the m4 of SMTLS_M4, else
 * the one found at build time; -bC under 20 s; no hook, no flag. */
void apply_request_init(struct apply_request *rq, const struct tls_plan *plan,
    const struct emit_options *eo, const struct sendmail_info *sm, const char *mc_path);

const char *apply_step_name(enum apply_step step);	/* "m4", "verify", ... (not translated) */
const char *apply_step_title(enum apply_step step);	/* a short phrase (mark with N_) */

/* Runs every step; returns 0 for CHANGED, UNCHANGED and PREVIEW, else -1. */
int apply_run(const struct apply_request *rq, struct apply_result *res);

/*
 * Restores the latest backups (the newest time stamp among mc_path's and cf_path's
 * backups; cf_path NULL: beside the mc), and removes a file that did not exist before
 * that apply (FILE.smtls-SUFFIX.absent), as one transaction, and removes the backups used.
 * Returns -1 with res->error when there is none or a write fails (then no file changed,
 * unless res->journal_kept).
 */
int apply_undo(const char *mc_path, const char *cf_path, struct apply_result *res);

/*
 * apply_undo, and the MSP's pair of an apply --submit-mc (msp_cf_path NULL: beside
 * msp_mc_path) restored from the backups of the same run, in the same transaction
 * (res->msp says what). A pair without backups of that run is left alone.
 */
int apply_undo_msp(const char *mc_path, const char *cf_path, const char *msp_mc_path,
    const char *msp_cf_path, struct apply_result *res);

/*
 * Restores the backups of the run whose suffix is suffix (FILE.smtls-SUFFIX, or removes a
 * file whose FILE.smtls-SUFFIX.absent says it was new), as apply_undo does; a file without
 * such a backup is left alone. Returns -1 with res->error when a write fails.
 */
int apply_undo_suffix(const char *mc_path, const char *cf_path, const char *suffix,
    struct apply_result *res);
/* The suffix a run at now would give its backups of these files (cf_path NULL: beside the mc). */
char *apply_backup_suffix(const char *mc_path, const char *cf_path, time_t now);
/* The sendmail.cf that belongs to mc_path: X.mc -> X.cf beside it (else sendmail.cf there);
 * apply_mc_beside is the other way round. Caller frees. */
char *apply_cf_beside(const char *mc_path);
char *apply_mc_beside(const char *cf_path);

/* The argv of the command that restarts sendmail on this system (NULL-terminated, static), or NULL. */
const char *const *apply_restart_argv(void);
/* Runs it (under a timeout); *command is what ran (caller frees); -1 with *err on failure. */
int apply_restart(char **command, char **err);
/* apply_restart, or shell_command (not NULL) through /bin/sh -c. */
int apply_restart_with(const char *shell_command, char **command, char **err);

void apply_result_free(struct apply_result *res);

/*
 * The `smtls apply ...' command of rq: emitted (emit_command_line with "apply" and the mc)
 * and the apply's own flags: --cf when not beside the mc, --cf-m4, --force, --no-prove,
 * --restart, --restart-command, --confirm-within (confirm_within: the duration as given, or
 * NULL). Caller frees.
 */
char *apply_command_line(const char *emitted, const struct apply_request *rq,
    const char *restart_command, const char *confirm_within);

/* The `smtls apply --undo --mc MC [--cf CF]' command (--cf when not beside the mc). Caller
 * frees. */
char *apply_undo_command(const char *mc_path, const char *cf_path);

#endif
