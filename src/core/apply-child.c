/* apply-child.c: apply_run in a child process; its progress and result come back over a pipe,
 * as records of one type byte, a length and the fields (ints and length-prefixed strings). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smtls/apply-child.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/journal.h"
#include "smtls/xmalloc.h"

enum { REC_STEP = 's', REC_PROVE = 'p', REC_RESULT = 'r' };

struct apply_child {
	pid_t			 pid;		/* 0 once reaped */
	int			 fd;		/* the read end, -1 at its end */
	int			 status;	/* the child's wait status */
	bool			 ended;		/* its result came */
	bool			 killed;
	struct buf		 in;		/* read, not yet parsed */
	const struct apply_request *rq;		/* the callbacks */
	char			*mc_path, *cf_path;
	struct prove_result	 prove;		/* the proof's steps as reported */
	int			 last_step;	/* the last step reported running */
};

/* --- in the child --- */

static volatile sig_atomic_t child_cancel;
static int child_fd = -1;

static void
on_stop(int sig)
{
	(void)sig;
	child_cancel = 1;
}

static void
put_int(struct buf *b, int v)
{
	int32_t x = v;

	buf_append(b, &x, sizeof(x));
}

static void
put_str(struct buf *b, const char *s)
{
	size_t l = s ? strlen(s) : 0;

	put_int(b, s ? (int)l : -1);
	if (s != NULL)
		buf_append(b, s, l);
}

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

/* Sends one record; a parent that is gone ends the child. */
static void
send_record(char type, struct buf *payload)
{
	struct buf b = { 0 };
	size_t off = 0;
	ssize_t n;

	buf_append(&b, &type, 1);
	put_int(&b, (int)payload->len);
	buf_append(&b, payload->data ? payload->data : "", payload->len);
	while (off < b.len) {
		n = write(child_fd, b.data + off, b.len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		off += (size_t)n;
	}
	buf_free(&b);
	buf_free(payload);
}

static void
child_step(enum apply_step step, enum apply_state state, const char *detail, void *arg)
{
	struct buf b = { 0 };

	(void)arg;
	put_int(&b, (int)step);
	put_int(&b, (int)state);
	put_str(&b, detail);
	send_record(REC_STEP, &b);
}

static void
child_prove(const struct prove_result *r, enum prove_step_id step, void *arg)
{
	struct buf b = { 0 };

	(void)arg;
	put_int(&b, (int)step);
	put_int(&b, (int)r->steps[step].state);
	put_str(&b, r->steps[step].detail);
	send_record(REC_PROVE, &b);
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
	put_str(&b, res->mc_diff);
	put_str(&b, res->cf_diff);
	put_str(&b, res->mc_backup);
	put_str(&b, res->cf_backup);
	put_int(&b, res->mc_absent | res->cf_absent << 1 | res->journal_kept << 2 |
	    res->proved << 3);
	put_int(&b, (int)res->commented);
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
	put_str(&b, summary);
	send_record(REC_RESULT, &b);
}

static void __attribute__((noreturn))
child_main(const struct apply_request *rq,
    char *(*summary)(const struct apply_result *res, void *arg), void *arg)
{
	struct apply_request r = *rq;
	struct apply_result res;
	struct sigaction sa;
	char *text;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: a wait in poll() sees it at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	r.progress = child_step;
	r.prove_progress = child_prove;
	r.progress_arg = NULL;
	r.cancel = &child_cancel;
	(void)apply_run(&r, &res);
	text = summary != NULL ? summary(&res, arg) : NULL;
	child_result(&res, text);
	_exit(0);
}

int
apply_child_start(const struct apply_request *rq,
    char *(*summary)(const struct apply_result *res, void *arg), void *arg,
    struct apply_child **out, char **err)
{
	struct apply_child *c;
	int p[2];
	pid_t pid;

	*out = NULL;
	if (pipe2(p, O_CLOEXEC) == -1) {
		err_set(err, _("cannot start the apply: %s"), strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		err_set(err, _("cannot start the apply: %s"), strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		close(p[0]);
		child_fd = p[1];
		child_main(rq, summary, arg);
	}
	setpgid(pid, pid);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	c = xcalloc(1, sizeof(*c));
	c->pid = pid;
	c->fd = p[0];
	c->rq = rq;
	c->mc_path = xstrdup(rq->mc_path);
	c->cf_path = rq->cf_path ? xstrdup(rq->cf_path) : apply_cf_beside(rq->mc_path);
	c->last_step = -1;
	prove_result_init(&c->prove);
	*out = c;
	return 0;
}

int
apply_child_fd(const struct apply_child *c)
{
	return c->fd;
}

/* --- in the caller --- */

struct rd {
	const char	*p;
	size_t		 left;
	bool		 bad;
};

static int
get_int(struct rd *r)
{
	int32_t x = 0;

	if (r->left < sizeof(x)) {
		r->bad = true;
		return 0;
	}
	memcpy(&x, r->p, sizeof(x));
	r->p += sizeof(x);
	r->left -= sizeof(x);
	return x;
}

static char *
get_str(struct rd *r)
{
	int l = get_int(r);
	char *s;

	if (l < 0 || r->bad)
		return NULL;
	if ((size_t)l > r->left) {
		r->bad = true;
		return NULL;
	}
	s = xstrndup(r->p, (size_t)l);
	r->p += l;
	r->left -= (size_t)l;
	return s;
}

static void
get_findings(struct rd *r, struct findings *fs)
{
	int n = get_int(r), i;

	for (i = 0; i < n && !r->bad; i++) {
		char *id = get_str(r), *file, *msg, *fix, *rep;
		int sev = get_int(r);
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
get_result(struct apply_child *c, struct rd *r, struct apply_result *res, char **summary)
{
	struct prove_result *p = &res->prove;
	int i, bits;

	memset(res, 0, sizeof(*res));
	res->outcome = (enum apply_outcome)get_int(r);
	res->failed_step = (enum apply_step)get_int(r);
	res->error = get_str(r);
	get_findings(r, &res->findings);
	res->mc_path = xstrdup(c->mc_path);
	res->cf_path = xstrdup(c->cf_path);
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
	res->restart_command = get_str(r);
	for (i = 0; i < APPLY_STEP_COUNT; i++)
		res->state[i] = (enum apply_state)get_int(r);
	prove_result_init(p);
	for (i = 0; i < PROVE_STEPS; i++) {
		p->steps[i].state = (enum prove_state)get_int(r);
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
	*summary = get_str(r);
}

/* One record: the progress callbacks, or the result. */
static void
record(struct apply_child *c, char type, struct rd *r, struct apply_result *res,
    char **summary)
{
	const struct apply_request *rq = c->rq;
	int step, state;
	char *detail;

	if (type == REC_RESULT) {
		get_result(c, r, res, summary);
		c->ended = true;
		return;
	}
	step = get_int(r);
	state = get_int(r);
	detail = get_str(r);
	if (type == REC_STEP && step >= 0 && step < APPLY_STEP_COUNT && !r->bad) {
		if (state == APPLY_ST_RUNNING)
			c->last_step = step;
		if (rq->progress != NULL)
			rq->progress((enum apply_step)step, (enum apply_state)state, detail,
			    rq->progress_arg);
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
	res->error = WIFSIGNALED(c->status) ? xstrprintf(_("the apply was stopped (signal %d)"),
	    WTERMSIG(c->status)) : xstrdup(_("the apply ended without a result"));
	recover(c, res);
}

static void
reap(struct apply_child *c)
{
	if (c->pid == 0)
		return;
	while (waitpid(c->pid, &c->status, 0) == -1 && errno == EINTR)
		;
	c->pid = 0;
}

int
apply_child_read(struct apply_child *c, struct apply_result *res, char **summary)
{
	char chunk[16384];
	ssize_t n;
	bool eof = false;

	*summary = NULL;
	if (c->fd == -1)
		return 1;
	for (;;) {
		n = read(c->fd, chunk, sizeof(chunk));
		if (n > 0) {
			buf_append(&c->in, chunk, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		eof = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
		break;
	}
	while (!c->ended && c->in.len >= 5) {
		int32_t len;
		struct rd r;
		size_t used;

		memcpy(&len, c->in.data + 1, sizeof(len));
		if (len < 0 || c->in.len < 5 + (size_t)len)
			break;
		r.p = c->in.data + 5;
		r.left = (size_t)len;
		r.bad = false;
		record(c, c->in.data[0], &r, res, summary);
		used = 5 + (size_t)len;
		memmove(c->in.data, c->in.data + used, c->in.len - used);
		c->in.len -= used;
	}
	if (!c->ended && !eof)
		return 0;
	close(c->fd);
	c->fd = -1;
	reap(c);
	if (!c->ended)
		lost(c, res);
	return 1;
}

void
apply_child_cancel(struct apply_child *c)
{
	if (c->pid != 0)
		kill(c->pid, SIGTERM);
}

void
apply_child_kill(struct apply_child *c)
{
	if (c->pid != 0) {
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL);
		c->killed = true;
	}
}

void
apply_child_free(struct apply_child *c)
{
	if (c == NULL)
		return;
	if (c->pid != 0) {
		apply_child_kill(c);
		reap(c);
	}
	if (c->fd != -1)
		close(c->fd);
	buf_free(&c->in);
	prove_result_free(&c->prove);
	free(c->mc_path);
	free(c->cf_path);
	free(c);
}
