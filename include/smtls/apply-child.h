/*
 * apply-child.h: apply_run in a child process, so that a front end stays responsive while m4,
 * sendmail -bC, the proof and the restart run: it polls the job's descriptor with its keyboard,
 * apply_child_read() calls the request's progress callbacks as the child reports, and
 * job_cancel() stops the run cleanly.
 *
 * Use:	apply_child_start(&rq, summary, arg, &c, &err);
 *	while (apply_child_read(c, &res) == 0) { poll job_fd(apply_child_job(c)) and the
 *	    keyboard; job_cancel(apply_child_job(c)) when the admin aborts }
 *	apply_child_free(c); ... apply_result_free(&res);
 */
#ifndef SMTLS_APPLY_CHILD_H
#define SMTLS_APPLY_CHILD_H

#include "smtls/apply.h"

struct apply_child;

/*
 * Runs apply_run(rq) in a child process (the leader of its own process group). In the child,
 * after the run, summary (when not NULL) renders what the caller needs of the full result
 * (e.g. the proof's observations: probe, certificates, log lines, which do not travel back);
 * its text comes back with the result (malloc'd by summary, or NULL). Returns 0, or -1 with
 * *err (nothing ran).
 */
int apply_child_start(const struct apply_request *rq,
    char *(*summary)(const struct apply_result *res, void *arg), void *arg,
    struct apply_child **out, char **err);

/* The job it runs in (job.h): its descriptor to poll, job_cancel() to ask it to stop (apply_run's
 * cancel: m4, sendmail -bC or the proof is stopped at once and nothing is installed; an
 * install or restart already begun runs to its end, and the result says which), job_kill()
 * when it does not end (the next apply_child_read() returns 1 with what the journal's
 * recovery did). */
struct job *apply_child_job(struct apply_child *c);

/*
 * Reads what the child reported so far, without blocking; rq's progress and prove_progress
 * are called here, in the caller's process. Returns 0 while the run goes on; 1 when it ended:
 * res holds the child's result (its steps, error, findings, backups, the proof's steps, verdict
 * and findings; res->prove has no observations), or, when the child ended without one (it was
 * killed), what the recovery of its journal did (res->recovered). The summary's text, if any,
 * is put in *summary when the result comes (caller sets it to NULL first, and frees it).
 */
int apply_child_read(struct apply_child *c, struct apply_result *res, char **summary);

/* Frees c; a child still running is killed first (job_kill). */
void apply_child_free(struct apply_child *c);

/*
 * The records in data (what a child sent down the pipe) read as apply_child_read() reads them,
 * without a child (for the fuzz target): 1 when a result came (res and *summary hold it, as
 * from apply_child_read; caller frees them), 0 when none did (res untouched).
 */
int apply_child_decode(const char *data, size_t len, struct apply_result *res, char **summary);

#endif
