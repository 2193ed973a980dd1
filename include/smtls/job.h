/*
 * job.h: work in a child process, so that a front end stays responsive while it runs (an
 * apply, making a key, m4's preview, the live check): the child, the leader of its own
 * process group, reports as records over a pipe; the caller polls job_fd() with its keyboard
 * and reads them with job_read(); job_cancel() asks the child to stop, job_kill() kills it
 * with every program it runs (proc.h) and waits until none of them is left.
 *
 * Use:	job_start(run, arg, true, &j, &err);
 *	while (job_read(j, on_record, ctx) == 0) { poll job_fd(j) and the keyboard;
 *	    job_cancel(j) when the admin aborts, job_kill(j) when it does not end }
 *	job_free(j);
 */
#ifndef SMTLS_JOB_H
#define SMTLS_JOB_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "smtls/xmalloc.h"

struct job;

/* A record being read: its fields in order (job_get_*); bad once one was missing. */
struct job_rd {
	const char	*p;
	size_t		 left;
	bool		 bad;
};

/*
 * Forks; the child runs run(arg) and ends. With catch_stop, SIGTERM, SIGINT and SIGHUP set the
 * child's job_cancel_flag() (which proc_set_cancel() watches: a program being run is killed at
 * once) and run decides how to end; without, they end the child at once. Returns 0, or -1
 * with *err (nothing ran).
 */
int job_start(void (*run)(void *arg), void *arg, bool catch_stop, struct job **out,
    char **err);

/* In the child: the flag SIGTERM sets (catch_stop), and sending one record (payload is
 * freed; a parent that is gone ends the child). The types '0'..'9' are the runner's own. */
volatile sig_atomic_t *job_cancel_flag(void);
void job_send(char type, struct buf *payload);
void job_put_int(struct buf *b, int v);
void job_put_str(struct buf *b, const char *s);	/* NULL travels as NULL */
void job_put_mem(struct buf *b, const void *p, size_t len);

/* The descriptor to poll for POLLIN: the child's records. */
int job_fd(const struct job *j);

/*
 * Reads what the child sent so far, without blocking, and calls on_record for each record,
 * in the caller's process. Returns 0 while the child runs; 1 once it ended (and was reaped:
 * job_status()).
 */
int job_read(struct job *j, void (*on_record)(void *ctx, char type, struct job_rd *r),
    void *ctx);
/* The record at the start of data (len bytes) as job_read() takes it from the pipe: its type
 * and fields; returns its size, or 0 when not all of it is there. */
size_t job_record_at(const char *data, size_t len, char *type, struct job_rd *r);
int job_get_int(struct job_rd *r);
char *job_get_str(struct job_rd *r);		/* caller frees; NULL as sent */
char *job_get_mem(struct job_rd *r, size_t *len);	/* caller frees */

/* The child's wait status, once job_read() returned 1. */
int job_status(const struct job *j);
/* Whether job_kill() killed it. */
bool job_killed(const struct job *j);

/* Asks the child to stop: SIGTERM with catch_stop; else its process group is killed at once. */
void job_cancel(struct job *j);
/*
 * Kills the child's process group and the process group of each program it was running
 * (proc.h starts each in its own), then waits until no process of them is left (at most a
 * few seconds: one kept alive by nothing but a slow reaper counts as gone).
 */
void job_kill(struct job *j);
/* Frees j; a child still running is killed first (job_kill). */
void job_free(struct job *j);

#endif
