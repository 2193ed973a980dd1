/* apply-child.c: apply_run in a child process (job.h); its progress and result come back as
 * the job's records. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smtls/apply-child.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/job.h"
#include "smtls/journal.h"
#include "smtls/xmalloc.h"

enum { REC_STEP = 's', REC_PROVE = 'p', REC_RESULT = 'r' };

struct apply_child {
	struct job		*job;
	bool			 ended;		/* its result came */
	const struct apply_request *rq;		/* the callbacks */
	char			*(*summary)(const struct apply_result *res, void *arg);
	void			*arg;
	char			*mc_path, *cf_path;
	struct prove_result	 prove;		/* the proof's steps as reported */
	int			 last_step;	/* the last step reported running */
	struct apply_result	*res;		/* where job_read's records go */
	char			**text;
};

/* --- in the child --- */

#define put_int job_put_int
#define put_str job_put_str

static void
put_findings(struct buf *b, const struct findings *fs)
{
	size_t i;

	put_int(b, (int)fs->n);
	for (i = 0; i < fs->n; i++) {
		put_str(b, fs->v[i].id);
		put_int(b, (int)fs->v[i].severity);
		put_str(b, fs->v[i].file);
		put_str(b, fs->v[i].message);
		put_str(b, fs->v[i].fix);
		put_str(b, fs->v[i].reproduce);
	}
}

static void
child_step(enum apply_step step, enum apply_state state, enum apply_prove_skip why,
    const char *detail, void *arg)
{
	struct buf b = { 0 };

	(void)arg;
	put_int(&b, (int)step);
	put_int(&b, (int)state);
	put_str(&b, detail);
	put_int(&b, (int)why);
	job_send(REC_STEP, &b);
}

static void
child_prove(const struct prove_result *r, enum prove_step_id step, void *arg)
{
	struct buf b = { 0 };

	(void)arg;
	put_int(&b, (int)step);
	put_int(&b, (int)r->steps[step].state);
	put_str(&b, r->steps[step].detail);
	job_send(REC_PROVE, &b);
}

/* The files' part of a result (the MSP's pair has only this). */
static void
put_pair(struct buf *b, const struct apply_result *res)
{
	put_str(b, res->mc_path);
	put_str(b, res->cf_path);
	put_str(b, res->mc_diff);
	put_str(b, res->cf_diff);
	put_str(b, res->mc_backup);
	put_str(b, res->cf_backup);
	put_int(b, res->mc_absent | res->cf_absent << 1 | res->journal_kept << 2 |
	    res->proved << 3);
	put_int(b, (int)res->commented);
	put_int(b, (int)res->prove_skip);
}

static void
child_result(const struct apply_result *res, const char *summary)
{
	const struct prove_result *p = &res->prove;
	struct buf b = { 0 };
	int i;

	put_int(&b, (int)res->outcome);
	put_int(&b, (int)res->failed_step);
	put_str(&b, res->error);
	put_findings(&b, &res->findings);
	put_pair(&b, res);
	put_str(&b, res->restart_command);
	for (i = 0; i < APPLY_STEP_COUNT; i++)
		put_int(&b, (int)res->state[i]);
	for (i = 0; i < PROVE_STEPS; i++) {
		put_int(&b, (int)p->steps[i].state);
		put_str(&b, p->steps[i].detail);
	}
	put_str(&b, p->hostname);
	put_int(&b, p->port);
	put_int(&b, p->passed | p->interrupted << 1 | p->leaf_served << 2 |
	    p->issuer_served << 3 | p->delivered << 4 | p->cleaned << 5 | p->own_uts << 6);
	put_findings(&b, &p->findings);
	put_int(&b, res->msp != NULL);
	if (res->msp != NULL)
		put_pair(&b, res->msp);
	put_str(&b, summary);
	job_send(REC_RESULT, &b);
}

static void
child_main(void *arg)
{
	struct apply_child *c = arg;
	struct apply_request r = *c->rq;
	struct apply_result res;
	char *text;

	r.progress = child_step;
	r.prove_progress = child_prove;
	r.progress_arg = NULL;
	r.cancel = job_cancel_flag();
	(void)apply_run(&r, &res);
	text = c->summary != NULL ? c->summary(&res, c->arg) : NULL;
	child_result(&res, text);
}

int
apply_child_start(const struct apply_request *rq,
    char *(*summary)(const struct apply_result *res, void *arg), void *arg,
    struct apply_child **out, char **err)
{
	struct apply_child *c = xcalloc(1, sizeof(*c));

	*out = NULL;
	c->rq = rq;
	c->summary = summary;
	c->arg = arg;
	c->mc_path = xstrdup(rq->mc_path);
	c->cf_path = rq->cf_path ? xstrdup(rq->cf_path) : apply_cf_beside(rq->mc_path);
	c->last_step = -1;
	prove_result_init(&c->prove);
	if (job_start(child_main, c, true, &c->job, err) == -1) {
		apply_child_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

struct job *
apply_child_job(struct apply_child *c)
{
	return c->job;
}

/* --- in the caller --- */

#define get_int job_get_int
#define get_str job_get_str

/* An enumeration's value, one of n: anything else makes the record bad (and reads as 0), so
 * that no table is indexed with it. */
static int
get_enum(struct job_rd *r, int n)
{
	int v = get_int(r);

	if (v < 0 || v >= n) {
		r->bad = true;
		return 0;
	}
	return v;
}

static void
get_findings(struct job_rd *r, struct findings *fs)
{
	int n = get_int(r), i;

	for (i = 0; i < n && !r->bad; i++) {
		char *id = get_str(r), *file, *msg, *fix, *rep;
		int sev = get_enum(r, SEV_ERROR + 1);
		struct finding *f;

		file = get_str(r);
		msg = get_str(r);
		fix = get_str(r);
		rep = get_str(r);
		f = findings_add(fs, id ? id : "?", (enum severity)sev, file, "%s", msg ? msg : "");
		if (fix != NULL)
			finding_set_fix(f, "%s", fix);
		if (rep != NULL)
			finding_set_reproduce(f, "%s", rep);
		free(id);
		free(file);
		free(msg);
		free(fix);
		free(rep);
	}
}

static void
get_pair(struct job_rd *r, struct apply_result *res)
{
	int bits;

	res->mc_path = get_str(r);
	res->cf_path = get_str(r);
	res->mc_diff = get_str(r);
	res->cf_diff = get_str(r);
	res->mc_backup = get_str(r);
	res->cf_backup = get_str(r);
	bits = get_int(r);
	res->mc_absent = bits & 1;
	res->cf_absent = bits >> 1 & 1;
	res->journal_kept = bits >> 2 & 1;
	res->proved = bits >> 3 & 1;
	res->commented = (size_t)get_int(r);
	res->prove_skip = (enum apply_prove_skip)get_enum(r, APPLY_PROVE_SKIP_NOT_ROOT + 1);
}

static void
get_result(struct job_rd *r, struct apply_result *res, char **summary)
{
	struct prove_result *p = &res->prove;
	int i, bits;

	memset(res, 0, sizeof(*res));
	res->outcome = (enum apply_outcome)get_enum(r, APPLY_BAD_VALUE + 1);
	res->failed_step = (enum apply_step)get_enum(r, APPLY_STEP_COUNT);
	res->error = get_str(r);
	get_findings(r, &res->findings);
	get_pair(r, res);
	res->restart_command = get_str(r);
	for (i = 0; i < APPLY_STEP_COUNT; i++)
		res->state[i] = (enum apply_state)get_enum(r, APPLY_ST_SKIPPED + 1);
	prove_result_init(p);
	for (i = 0; i < PROVE_STEPS; i++) {
		p->steps[i].state = (enum prove_state)get_enum(r, PROVE_SKIPPED + 1);
		p->steps[i].detail = get_str(r);
	}
	p->hostname = get_str(r);
	p->port = get_int(r);
	bits = get_int(r);
	p->passed = bits & 1;
	p->interrupted = bits >> 1 & 1;
	p->leaf_served = bits >> 2 & 1;
	p->issuer_served = bits >> 3 & 1;
	p->delivered = bits >> 4 & 1;
	p->cleaned = bits >> 5 & 1;
	p->own_uts = bits >> 6 & 1;
	get_findings(r, &p->findings);
	if (get_int(r) == 1 && !r->bad) {
		res->msp = xcalloc(1, sizeof(*res->msp));
		prove_result_init(&res->msp->prove);
		get_pair(r, res->msp);
	}
	*summary = get_str(r);
}

/* One record: the progress callbacks, or the result. */
static void
record(void *ctx, char type, struct job_rd *r)
{
	struct apply_child *c = ctx;
	const struct apply_request *rq = c->rq;
	int step, state, why = APPLY_PROVE_NOT_SKIPPED;
	char *detail;

	if (type == REC_RESULT && !c->ended) {
		get_result(r, c->res, c->text);
		if (c->res->mc_path == NULL)
			c->res->mc_path = xstrdup(c->mc_path);
		if (c->res->cf_path == NULL)
			c->res->cf_path = xstrdup(c->cf_path);
		c->ended = true;
		return;
	}
	if (type != REC_STEP && type != REC_PROVE)
		return;
	step = get_int(r);
	state = get_enum(r, type == REC_STEP ? APPLY_ST_SKIPPED + 1 : PROVE_SKIPPED + 1);
	detail = get_str(r);
	if (type == REC_STEP)
		why = get_enum(r, APPLY_PROVE_SKIP_NOT_ROOT + 1);
	if (type == REC_STEP && step >= 0 && step < APPLY_STEP_COUNT && !r->bad) {
		if (state == APPLY_ST_RUNNING)
			c->last_step = step;
		if (rq->progress != NULL)
			rq->progress((enum apply_step)step, (enum apply_state)state,
			    (enum apply_prove_skip)why, detail, rq->progress_arg);
	} else if (type == REC_PROVE && step >= 0 && step < PROVE_STEPS && !r->bad) {
		c->prove.steps[step].state = (enum prove_state)state;
		free(c->prove.steps[step].detail);
		c->prove.steps[step].detail = detail;
		detail = NULL;
		if (rq->prove_progress != NULL)
			rq->prove_progress(&c->prove, (enum prove_step_id)step, rq->progress_arg);
	}
	free(detail);
}

/* Adds to res what recovering the journals of the dead child did (the state directory's, and
 * those beside the files). */
static void
recover(struct apply_child *c, struct apply_result *res)
{
	struct journal_report rep;
	struct buf b = { 0 };
	char *dir = path_dirname(c->mc_path);
	size_t i, k;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		memset(&rep, 0, sizeof(rep));
		(void)journal_recover(pass == 0 ? NULL : dir, &rep);
		for (i = 0; i < rep.n; i++) {
			const struct journal_recovered *jr = &rep.v[i];
			bool ours = false;
			char *t;

			for (k = 0; k < jr->nfiles; k++)
				ours |= strcmp(jr->files[k], c->mc_path) == 0 ||
				    strcmp(jr->files[k], c->cf_path) == 0;
			if (!ours)
				continue;
			if (jr->outcome == JOURNAL_COMPLETED)
				res->outcome = APPLY_CHANGED;
			else if (jr->outcome == JOURNAL_STUCK)
				res->journal_kept = true;
			t = journal_recovered_text(jr);
			buf_printf(&b, "%s%s", b.len ? "; " : "", t);
			free(t);
		}
		journal_report_free(&rep);
	}
	free(dir);
	res->recovered = b.len ? buf_release(&b) : xstrdup(_("it had changed no file"));
}

/* The child ended without a result: what it was doing, and what the journal's recovery did. */
static void
lost(struct apply_child *c, struct apply_result *res)
{
	int i;

	memset(res, 0, sizeof(*res));
	res->outcome = APPLY_FAILED;
	res->failed_step = c->last_step >= 0 ? (enum apply_step)c->last_step : APPLY_STEP_EMIT;
	res->mc_path = xstrdup(c->mc_path);
	res->cf_path = xstrdup(c->cf_path);
	for (i = 0; i < APPLY_STEP_COUNT; i++)
		res->state[i] = APPLY_ST_PENDING;
	if (c->last_step >= 0)
		res->state[c->last_step] = APPLY_ST_FAILED;
	prove_result_init(&res->prove);
	res->error = WIFSIGNALED(job_status(c->job)) ? xstrprintf(_("the apply was stopped "
	    "(signal %d)"), WTERMSIG(job_status(c->job))) : xstrdup(_("the apply ended without a result"));
	recover(c, res);
}

int
apply_child_read(struct apply_child *c, struct apply_result *res, char **summary)
{
	c->res = res;		/* *summary is set once the result comes */
	c->text = summary;
	if (job_read(c->job, record, c) == 0)
		return 0;
	if (!c->ended) {
		lost(c, res);
		c->ended = true;
	}
	return 1;
}

void
apply_child_free(struct apply_child *c)
{
	if (c == NULL)
		return;
	job_free(c->job);
	prove_result_free(&c->prove);
	free(c->mc_path);
	free(c->cf_path);
	free(c);
}

int
apply_child_decode(const char *data, size_t len, struct apply_result *res, char **summary)
{
	struct apply_request rq = { 0 };
	struct apply_child c = { 0 };
	struct job_rd r;
	size_t used;
	char type;

	c.rq = &rq;
	c.mc_path = xstrdup("sendmail.mc");
	c.cf_path = xstrdup("sendmail.cf");
	c.last_step = -1;
	c.res = res;
	c.text = summary;
	prove_result_init(&c.prove);
	while ((used = job_record_at(data, len, &type, &r)) > 0) {
		record(&c, type, &r);
		data += used;
		len -= used;
	}
	prove_result_free(&c.prove);
	free(c.mc_path);
	free(c.cf_path);
	return c.ended;
}
