/* apply.h: merge the fragment into sendmail.mc, rebuild and verify sendmail.cf, install both with backups, or undo. */
#ifndef SMTLS_APPLY_H
#define SMTLS_APPLY_H

#include <stdbool.h>
#include <time.h>

#include "smtls/emit.h"
#include "smtls/finding.h"
#include "smtls/plan.h"
#include "smtls/sendmail.h"

/* The named steps, in order; the wizard shows each with its state. */
enum apply_step {
	APPLY_STEP_EMIT,	/* the fragment */
	APPLY_STEP_MERGE,	/* the new sendmail.mc text */
	APPLY_STEP_M4,		/* m4 on the new mc */
	APPLY_STEP_VERIFY,	/* every TLS option read back from the new cf */
	APPLY_STEP_CHECK,	/* check_plan on the settings of the new cf: refuse on errors unless forced */
	APPLY_STEP_SENDMAIL,	/* sendmail -C new.cf -bC */
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
	bool				 force;
	bool				 restart;
	time_t				 now;		/* the backups' time stamp */
	/* called on every state change (detail may be NULL), never after apply_run returns */
	void				(*progress)(enum apply_step step, enum apply_state state,
					    const char *detail, void *arg);
	void				*progress_arg;
};

enum apply_outcome {
	APPLY_CHANGED,		/* files installed */
	APPLY_UNCHANGED,	/* nothing to do; no backup made */
	APPLY_PREVIEW,		/* --dry-run: diffs only */
	APPLY_REFUSED,		/* error findings and no --force */
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
};

#define APPLY_SENDMAIL_TIMEOUT_MS	20000

/* Fills rq with the defaults: the m4 found at build time, -bC under 20 s, no hook, no flag. */
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
/* The sendmail.cf that belongs to mc_path: X.mc -> X.cf beside it (else sendmail.cf there);
 * apply_mc_beside is the other way round. Caller frees. */
char *apply_cf_beside(const char *mc_path);
char *apply_mc_beside(const char *cf_path);
int apply_undo(const char *mc_path, const char *cf_path, struct apply_result *res);

/* The argv of the command that restarts sendmail on this system (NULL-terminated, static), or NULL. */
const char *const *apply_restart_argv(void);
/* Runs it (under a timeout); *command is what ran (caller frees); -1 with *err on failure. */
int apply_restart(char **command, char **err);

void apply_result_free(struct apply_result *res);

#endif
