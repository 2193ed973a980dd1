/* engine-step.c: the apply run in a child process (apply-child.h), so that the front end's
 * loop goes on while m4, sendmail -bC, the proof and the restart run: the progress is shown,
 * and q or Ctrl-C aborts cleanly. The core stops the run and says what became of the files;
 * this only asks, waits and notes. No curses. */
#include "config.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtls/apply-child.h"
#include "smtls/i18n.h"
#include "wizard.h"

/* Seconds the child gets to stop cleanly (the proof stops its daemons) before it is killed. */
#define ABORT_PATIENCE	30

const char *
engine_running_step(const struct wizard *w)
{
	const struct wiz_apply *ap = &w->ap;
	int i;

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
	return NULL;
}

static int
wait_fd(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	(void)poll(&p, 1, 1000);
	return 0;
}

int
engine_run_apply(struct wizard *w, const struct apply_request *rq, struct apply_result *res,
    char *(*summary)(const struct apply_result *res, void *arg), char **text)
{
	struct wiz_apply *ap = &w->ap;
	struct apply_child *c;
	long long abort_at = 0;
	bool killed = false;
	char *err = NULL;

	*text = NULL;
	ap->aborting = ap->aborted = ap->abort_late = false;
	xfree(ap->stopped);
	ap->step_at = (long long)time(NULL);
	memset(res, 0, sizeof(*res));
	if (apply_child_start(rq, summary, NULL, &c, &err) == -1) {
		res->outcome = APPLY_FAILED;
		res->error = err;
		return -1;
	}
	while (apply_child_read(c, res, text) == 0) {
		int a = w->step_wait != NULL ? w->step_wait(w, apply_child_fd(c)) :
		    wait_fd(apply_child_fd(c));

		if (a == 1 && !ap->aborting) {
			ap->aborting = true;
			abort_at = (long long)time(NULL);
			apply_child_cancel(c);
			if (w->progress != NULL)
				w->progress(w);
		}
		if (ap->aborting && !killed && (long long)time(NULL) - abort_at > ABORT_PATIENCE) {
			apply_child_kill(c);
			killed = true;
		}
	}
	apply_child_free(c);
	if (w->step_wait != NULL)
		(void)w->step_wait(w, -1);
	if (res->recovered != NULL)
		ap->stopped = xstrdup(res->recovered);
	if (ap->aborting) {
		/* what the core's result says became of the files, never more */
		ap->abort_late = res->outcome == APPLY_CHANGED;
		ap->aborted = !ap->abort_late && !res->journal_kept && res->recovered == NULL;
	}
	return res->outcome == APPLY_CHANGED || res->outcome == APPLY_UNCHANGED ||
	    res->outcome == APPLY_PREVIEW ? 0 : -1;
}
