/* engine-step.c: the wizard's runner of long steps in a child process (job.h): an apply
 * (apply-child.h), making a key (certmake.h), m4's preview, the live check. The front end's
 * loop goes on while they run: the progress is shown, and q or Ctrl-C aborts cleanly (the
 * preview, a step of the Review screen itself: q quits the wizard, as on any screen). The
 * core stops the work and says what became of the files; this only asks, waits and notes.
 * No curses. */
#include "config.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtls/apply-child.h"
#include "smtls/i18n.h"
#include "smtls/job.h"
#include "wizard.h"

/* Seconds the child gets to stop cleanly (the proof stops its daemons) before it is killed. */
#define ABORT_PATIENCE	30

const char *
engine_running_step(const struct wizard *w)
{
	const struct wiz_apply *ap = &w->ap;
	int i;

	if (!ap->running)
		return w->job.what;
	for (i = 0; i < ap->n_steps; i++) {
		if (ap->state[i] != 1)
			continue;
		if (engine_step_is_proof(i)) {
			int k;

			for (k = 0; k < ap->n_prove; k++)
				if (ap->prove_state[k] == 1 && ap->prove_title[k] != NULL)
					return _(ap->prove_title[k]);
		}
		return engine_step_title(i);
	}
	return w->job.running ? w->job.what : NULL;	/* after the steps: the live check */
}

static int
wait_fd(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	(void)poll(&p, 1, 1000);
	return 0;
}

/* A step other than the apply's: its line on the status line, redrawn as the seconds go. */
static void
job_status_line(struct wizard *w)
{
	long long secs = (long long)time(NULL) - w->job.at;

	if (w->ap.running)
		return;		/* the Apply screen shows its own */
	if (secs < 0)
		secs = 0;
	if (w->job.aborting)
		wiz_set_status(w, _("Aborting: stopping \"%s\"... %s"), w->job.what,
		    w->job.stopping ? w->job.stopping : "");
	else if (w->job.ask == NULL)
		wiz_set_status(w, _("Running: %s, %lld s so far. Keys typed now act when it is "
		    "done; q quits"), w->job.what, secs);
	else
		wiz_set_status(w, _("Running: %s, %lld s so far. q or Ctrl-C: abort"), w->job.what,
		    secs);
}

bool
engine_run_job(struct wizard *w, const char *what, const char *ask, const char *stopping,
    struct job *j, int (*read)(void *ctx), void *ctx)
{
	long long abort_at = 0;
	bool killed = false;

	w->job.running = true;
	w->job.what = what;
	w->job.ask = ask;
	w->job.stopping = stopping;
	w->job.aborting = w->job.aborted = false;
	w->job.at = (long long)time(NULL);
	while (read(ctx) == 0) {
		int a;

		job_status_line(w);
		a = w->step_wait != NULL ? w->step_wait(w, job_fd(j)) : wait_fd(job_fd(j));
		if (a == 1 && !w->job.aborting) {
			w->job.aborting = true;
			abort_at = (long long)time(NULL);
			job_cancel(j);
			job_status_line(w);
			if (w->progress != NULL)
				w->progress(w);
		}
		if (w->job.aborting && !killed && (long long)time(NULL) - abort_at > ABORT_PATIENCE) {
			job_kill(j);	/* with the programs it runs, and waits for them */
			killed = true;
		}
	}
	if (w->step_wait != NULL)
		(void)w->step_wait(w, -1);
	if (!w->ap.running)
		xfree(w->status);
	w->job.running = false;
	w->job.aborted = w->job.aborting;
	return w->job.aborting;
}

/* A job whose records are read by on_record into ctx (making a key, the live check). */
struct job_records {
	struct job	*j;
	void		(*on_record)(void *ctx, char type, struct job_rd *r);
	void		*ctx;
};

static int
job_records_read(void *arg)
{
	struct job_records *jr = arg;

	return job_read(jr->j, jr->on_record, jr->ctx);
}

bool
engine_run_records(struct wizard *w, const char *what, const char *ask, const char *stopping,
    struct job *j, void (*on_record)(void *ctx, char type, struct job_rd *r), void *ctx)
{
	struct job_records jr;

	jr.j = j;
	jr.on_record = on_record;
	jr.ctx = ctx;
	return engine_run_job(w, what, ask, stopping, j, job_records_read, &jr);
}

struct apply_read {
	struct apply_child	*c;
	struct apply_result	*res;
	char			**text;
};

static int
apply_read(void *ctx)
{
	struct apply_read *ar = ctx;

	return apply_child_read(ar->c, ar->res, ar->text);
}

/* apply_run in a child through engine_run_job: -1 (res->error) when it could not start, 1
 * aborted, 0 it ended (res as its result). */
static int
run_apply_child(struct wizard *w, const char *what, const char *ask, const char *stopping,
    const struct apply_request *rq, struct apply_result *res,
    char *(*summary)(const struct apply_result *res, void *arg), char **text)
{
	struct apply_read ar;
	struct apply_child *c;
	char *err = NULL;
	bool aborted;

	*text = NULL;
	memset(res, 0, sizeof(*res));
	if (apply_child_start(rq, summary, NULL, &c, &err) == -1) {
		res->outcome = APPLY_FAILED;
		res->error = err;
		return -1;
	}
	ar.c = c;
	ar.res = res;
	ar.text = text;
	aborted = engine_run_job(w, what, ask, stopping, apply_child_job(c), apply_read, &ar);
	apply_child_free(c);
	return aborted ? 1 : 0;
}

int
engine_run_apply(struct wizard *w, const struct apply_request *rq, struct apply_result *res,
    char *(*summary)(const struct apply_result *res, void *arg), char **text)
{
	struct wiz_apply *ap = &w->ap;
	int r;

	ap->aborted = ap->abort_late = false;
	xfree(ap->stopped);
	ap->step_at = (long long)time(NULL);
	r = run_apply_child(w, NULL, _("Abort the apply? The running step is stopped and "
	    "nothing is installed: sendmail.mc and sendmail.cf stay as they were. (An install "
	    "already begun is finished instead; the screen then says so.)"),
	    _("Nothing is installed unless the install has begun."), rq, res, summary, text);
	if (r == -1)
		return -1;
	if (res->recovered != NULL)
		ap->stopped = xstrdup(res->recovered);
	if (r == 1) {
		/* what the core's result says became of the files, never more */
		ap->abort_late = res->outcome == APPLY_CHANGED;
		ap->aborted = !ap->abort_late && !res->journal_kept && res->recovered == NULL;
	}
	return res->outcome == APPLY_CHANGED || res->outcome == APPLY_UNCHANGED ||
	    res->outcome == APPLY_PREVIEW ? 0 : -1;
}

bool
engine_run_dry(struct wizard *w, const struct apply_request *rq, struct apply_result *res)
{
	char *text = NULL;
	int r;

	/* the Review screen's own step: no question of its own, q quits the wizard */
	r = run_apply_child(w, _("m4 for the preview of the changes"), NULL,
	    _("m4 writes no file."), rq, res, NULL, &text);
	free(text);
	return r == 1;
}
