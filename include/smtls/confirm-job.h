/* confirm-job.h: the live check after a restart (confirm_apply_live) in a child process
 * (job.h), so that the wizard stays responsive while it waits on the restarted daemon; the
 * listener being probed and the verdict come back as the job's records. */
#ifndef SMTLS_CONFIRM_JOB_H
#define SMTLS_CONFIRM_JOB_H

#include <stdbool.h>

#include "smtls/apply.h"
#include "smtls/confirm.h"
#include "smtls/job.h"

/* What came back. */
struct confirm_live_made {
	/* the caller's: called for each listener as the child probes it (only its target, port
	 * and name are filled in) and when it is done */
	void	(*progress)(const struct confirm_listener *l, bool done, void *arg);
	void	*progress_arg;
	bool	 ended;		/* the check ended (else the child was stopped or died) */
	bool	 ran;		/* ca->live_ran in the child */
	bool	 passed;	/* its live.passed */
	char	*text;		/* summary's text of its result (when it ran), or NULL */
};

/*
 * Forks; the child runs confirm_apply_live(ca, rq, res) and sends summary(&ca->live, arg)
 * (computed there) with the verdict. Returns 0, or -1 with *err (nothing ran).
 */
int confirm_live_job_start(struct confirm_apply *ca, const struct apply_request *rq,
    const struct apply_result *res,
    char *(*summary)(const struct confirm_live_result *r, void *arg), void *arg,
    struct job **out, char **err);
/* job_read()'s handler for its job; ctx is a struct confirm_live_made. */
void confirm_live_job_record(void *ctx, char type, struct job_rd *r);
void confirm_live_made_free(struct confirm_live_made *m);

#endif
