/* confirm-job.c: the live check after a restart in a child process (job.h); the listener
 * being probed and the verdict come back as the job's records. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/confirm-job.h"

enum { REC_LISTENER = 'l', REC_END = 'e' };

struct checker {
	struct confirm_apply		*ca;
	const struct apply_request	*rq;
	const struct apply_result	*res;
	char				*(*summary)(const struct confirm_live_result *r, void *arg);
	void				*arg;
};

static void
child_listener(const struct confirm_listener *l, bool done, void *arg)
{
	struct buf b = { 0 };

	(void)arg;
	job_put_str(&b, l->target);
	job_put_int(&b, l->port);
	job_put_str(&b, l->name);
	job_put_int(&b, done);
	job_send(REC_LISTENER, &b);
}

static void
child_check(void *arg)
{
	const struct checker *ck = arg;
	struct buf b = { 0 };
	char *text;

	ck->ca->progress = child_listener;
	ck->ca->progress_arg = NULL;
	(void)confirm_apply_live(ck->ca, ck->rq, ck->res);
	text = ck->ca->live_ran && ck->summary != NULL ? ck->summary(&ck->ca->live, ck->arg) :
	    NULL;
	job_put_int(&b, ck->ca->live_ran | (ck->ca->live_ran && ck->ca->live.passed) << 1);
	job_put_str(&b, text);
	job_send(REC_END, &b);
	free(text);
}

int
confirm_live_job_start(struct confirm_apply *ca, const struct apply_request *rq,
    const struct apply_result *res,
    char *(*summary)(const struct confirm_live_result *r, void *arg), void *arg,
    struct job **out, char **err)
{
	struct checker ck = { ca, rq, res, summary, arg };

	/* the child has its own copy of ck from the fork; the probe writes no file: a stop
	 * ends it at once */
	return job_start(child_check, &ck, false, out, err);
}

void
confirm_live_job_record(void *ctx, char type, struct job_rd *r)
{
	struct confirm_live_made *m = ctx;

	if (type == REC_LISTENER && !m->ended) {
		struct confirm_listener l;
		bool done;

		memset(&l, 0, sizeof(l));
		l.target = job_get_str(r);
		l.port = job_get_int(r);
		l.name = job_get_str(r);
		done = job_get_int(r) != 0;
		if (!r->bad && l.target != NULL && m->progress != NULL)
			m->progress(&l, done, m->progress_arg);
		free(l.target);
		free(l.name);
	} else if (type == REC_END && !m->ended) {
		int bits = job_get_int(r);

		free(m->text);		/* a bad end record before this one */
		m->text = job_get_str(r);
		m->ran = bits & 1;
		m->passed = bits >> 1 & 1;
		m->ended = !r->bad;
	}
}

void
confirm_live_made_free(struct confirm_live_made *m)
{
	free(m->text);
	m->text = NULL;
}
