/*
 * confirm.h: after an install, confirm what the live daemon serves, and take back a change
 * nobody confirmed in time.
 *
 * The live check: the listening addresses of a sendmail.cf (its DaemonPortOptions) are
 * probed over STARTTLS (or TLS from the first byte for M=s) and the chain each serves is
 * compared with the planned leaf and issuer by SHA-256 (prove_chain_served()).
 *
 * The timed rollback ("apply --confirm-within"): before the install, confirm_arm() chooses
 * the suffix of the install's backups, writes a state file in the state directory (what to
 * revert, the deadline, the restart command) and starts a detached helper (`smtls
 * confirm-helper ID`, double-forked, its own session) that does not depend on the process
 * that armed it. After the install, confirm_installed() records the backups and the
 * deadline. Unless confirm_keep() removes the state in time, the helper's confirm_tick()
 * restores the backups at the deadline (a journal transaction, as apply --undo) and
 * restarts sendmail with the recorded command; a revert that cannot complete leaves the
 * backups, and says why in the state file and in STATEDIR/confirm.log. Every change of the
 * state happens under a lock (STATEDIR/confirm.lock). One change awaits confirmation at a time.
 *
 * The core never reads the clock: callers pass the time.
 */
#ifndef SMTLS_CONFIRM_H
#define SMTLS_CONFIRM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "smtls/apply.h"
#include "smtls/cert.h"
#include "smtls/plan.h"
#include "smtls/probe.h"

/* --- the live check ------------------------------------------------------------------------ */

/* One DaemonPortOptions line, and how it is probed. */
struct confirm_listener {
	char		*name;		/* Name=, or NULL */
	char		*addr;		/* Addr= as configured, or NULL (every address) */
	char		*family;	/* Family=, or NULL (inet) */
	int		 port;		/* 25 when not given */
	bool		 smtps;		/* M=s: TLS from the first byte */
	int		 line;		/* in the cf, 0 = sendmail's default listener */
	char		*target;	/* the address probed (127.0.0.1 for 0.0.0.0), or NULL */
	char		*skipped;	/* why it is not probed, or NULL */
	/* the probe */
	bool		 probed;	/* TLS was established */
	struct probe_result probe;
	bool		 leaf_served, issuer_served;
	bool		 ok;		/* serves the planned leaf, and its issuer unless a root */
};

struct confirm_live_opts {
	const char		*cf_path;	/* the installed sendmail.cf */
	const struct tls_plan	*plan;		/* the planned certificates, hostname, public roots, now */
	int			 wait_ms;	/* how long the restarted daemon may take to listen */
	/* called before (done false) and after (done true) each listener is probed */
	void			(*progress)(const struct confirm_listener *l, bool done, void *arg);
	void			*progress_arg;
};

struct confirm_live_result {
	struct confirm_listener	*v;
	size_t			 n;
	struct cert		 planned_leaf, planned_issuer;
	bool			 has_planned_leaf, has_planned_issuer;
	size_t			 probed, matched;	/* listeners probed, and serving the plan */
	bool			 passed;	/* at least one probed, and every probed one ok */
	char			*error;		/* the cf or the planned certificate cannot be read */
	char			*skipped;	/* why nothing was probed (no server certificate) */
};

#define CONFIRM_WAIT_MS	30000

/* The listeners of a cf's text (sendmail's one default listener when it names none). */
void confirm_listeners(const char *cf_text, struct confirm_listener **v, size_t *n);
/*
 * Probes every listener of o->cf_path; returns 0 when r->passed (or r->skipped: nothing to
 * confirm), else -1. Never prints.
 */
int confirm_live(const struct confirm_live_opts *o, struct confirm_live_result *r);
void confirm_live_free(struct confirm_live_result *r);

/* --- the timed rollback -------------------------------------------------------------------- */

enum confirm_phase {
	CONFIRM_INSTALLING,	/* armed; the install is under way (or was killed) */
	CONFIRM_PENDING,	/* installed; reverts at the deadline unless kept */
	CONFIRM_REVERTED,	/* the helper restored the backups and restarted sendmail */
	CONFIRM_NOTHING,	/* the deadline came, but the install had changed no file */
	CONFIRM_FAILED,		/* the revert could not complete: error says why */
};

struct confirm_state {
	enum confirm_phase	 phase;
	char			*id;		/* this arming's name: the helper it started carries it */
	char			*mc_path, *cf_path;
	char			*suffix;	/* of the install's backups (FILE.smtls-SUFFIX) */
	char			*restart_command;	/* a shell command, or NULL: the distribution's way */
	long long		 seconds;	/* --confirm-within */
	long long		 deadline;	/* when it reverts (seconds since the epoch) */
	long long		 finished;	/* when the revert ran, or 0 */
	pid_t			 apply_pid, helper_pid;
	char			*mc_backup, *cf_backup;	/* the backups the install made, or NULL */
	bool			 cf_absent;	/* the install created the cf (the revert removes it) */
	char			*note;		/* what the revert did */
	char			*error;		/* CONFIRM_FAILED: why */
};

struct confirm_arm_opts {
	const char	*mc_path;
	const char	*cf_path;		/* NULL: beside the mc */
	const char	*restart_command;	/* NULL: the distribution's way */
	long long	 seconds;
	time_t		 now;			/* the wall clock */
	time_t		 stamp;			/* the backups' time stamp (apply_request.now) */
	const char	*self;			/* the smtls binary the helper runs */
};

/* "installing", "pending", "reverted", "nothing", "failed" (stable, for JSON). */
const char *confirm_phase_name(enum confirm_phase p);
/* Parses "120", "120s", "2m", "1h" (1 s to 24 h); -1 when not such a duration. */
int confirm_parse_duration(const char *s, long long *seconds);
/* STATEDIR/confirm (journal_state_dir()). */
char *confirm_state_path(void);

/*
 * Writes the state (phase installing, deadline now + seconds) and starts the helper. *st
 * is filled (st->suffix: give it to apply_request.backup_suffix). -1 with *err when another
 * change awaits confirmation, an earlier revert failed unacknowledged, or the state or the
 * helper cannot be made (nothing then changed).
 */
int confirm_arm(const struct confirm_arm_opts *o, struct confirm_state *st, char **err);
/*
 * After apply_run: a change (res->outcome APPLY_CHANGED) becomes pending with its backups
 * and the deadline now + seconds; anything else removes the state (nothing to revert, and
 * the helper stops). -1 with *err when the state cannot be written.
 */
int confirm_installed(struct confirm_state *st, const struct apply_result *res, time_t now,
    char **err);
/*
 * Keeps the change: removes the state whatever its phase, and returns it in *st (the caller
 * tells a kept change from a revert that came first). 0, 1 when there is none, -1 with *err.
 */
int confirm_keep(struct confirm_state *st, char **err);
/*
 * 0 when no change awaits confirmation; -1 with *err when one does (another apply or an
 * undo would mix with its revert: keep it first) or the state cannot be read.
 */
int confirm_idle(char **err);
/* Reads the state under the lock: 0, 1 when there is none, -1 with *err. */
int confirm_status(struct confirm_state *st, char **err);

enum confirm_tick {
	CONFIRM_TICK_WAIT,	/* before the deadline (or the install still runs): call again */
	CONFIRM_TICK_DONE,	/* nothing for this helper to do any more: it exits */
	CONFIRM_TICK_REVERTED,	/* the revert ran: *st says how (phase reverted, nothing or failed) */
};
/*
 * One look by the helper id at now: at the deadline, reverts (under the lock, so that a
 * confirmation waits for it), writes the outcome into the state and a line into
 * STATEDIR/confirm.log. *err: the state cannot be read.
 */
enum confirm_tick confirm_tick(const char *id, time_t now, struct confirm_state *st, char **err);
/*
 * When a change awaits confirmation but its helper is gone (the machine restarted, or the
 * helper was killed), starts a new one (self: the smtls binary), which reverts at once when
 * the deadline has passed. 1 when it did (*st says what awaits), 0 when nothing was to do,
 * -1 with *err.
 */
int confirm_resume(const char *self, struct confirm_state *st, char **err);
void confirm_state_free(struct confirm_state *st);
/* True while the change awaits confirmation (installing or pending): it may still revert. */
bool confirm_awaits(const struct confirm_state *st);
/*
 * Asks the helper of the arming id to revert at once (the deadline moved to now); the helper
 * reverts on its next look, and confirm_status() then says what it did. 0, 1 when that
 * change no longer awaits confirmation, -1 with *err.
 */
int confirm_revert_now(const char *id, time_t now, char **err);

/* --- around one apply (smtls apply, and the wizard's Apply) -------------------------------- */

struct confirm_apply {
	/* the caller's choices */
	const char		*restart_command;	/* NULL: the distribution's way */
	long long		 seconds;	/* the timed rollback, 0: none */
	int			 wait_ms;	/* the live check's wait for the restarted daemon */
	void			(*progress)(const struct confirm_listener *l, bool done, void *arg);
	void			*progress_arg;
	/* what happened */
	bool			 armed;		/* a timed rollback was armed (st) */
	struct confirm_state	 st;
	bool			 live_ran;	/* the live check ran (live) */
	struct confirm_live_result live;
	char			*refused;	/* why the apply must not run (nothing changed) */
	char			*error;		/* the timed rollback could not be recorded */
};

void confirm_apply_init(struct confirm_apply *ca);
/*
 * Before apply_run (rq filled in): a restart command or a timed rollback restarts sendmail;
 * while another change awaits confirmation the apply is refused (-1, ca->refused: nothing
 * was changed); with ca->seconds the timed rollback is armed (rq->backup_suffix: the helper
 * restores those backups). now: the wall clock. A dry run arms nothing.
 */
int confirm_apply_before(struct confirm_apply *ca, struct apply_request *rq, time_t now);
/*
 * After apply_run: when sendmail was restarted after a change, the live check of the
 * installed cf's listeners (ca->live). 0 (also when it did not run), -1 when it did not pass.
 */
int confirm_apply_live(struct confirm_apply *ca, const struct apply_request *rq,
    const struct apply_result *res);
/* Whether confirm_apply_live() would probe: sendmail was restarted after a change. */
bool confirm_apply_live_due(const struct apply_request *rq, const struct apply_result *res);
/* Then the deadline counts from now (pending, or nothing to revert). -1: ca->error. */
int confirm_apply_installed(struct confirm_apply *ca, const struct apply_result *res,
    time_t now);
void confirm_apply_free(struct confirm_apply *ca);

#endif
