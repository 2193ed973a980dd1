/* job.c: work in a child process; its records come back over a pipe, each one type byte, a
 * length and the fields (ints and length-prefixed strings). The runner's own records tell
 * the caller of the process groups of the programs the child runs. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/job.h"
#include "smtls/proc.h"

enum { REC_GROUP = '1', REC_GROUP_END = '2' };

#define JOB_GROUPS	8	/* programs running at once (one at a time in practice) */
#define JOB_GONE_WAITS	500	/* 10 ms each: how long job_kill waits for its processes */

struct job {
	pid_t	 pid;			/* 0 once reaped */
	pid_t	 pgid;			/* its process group: the child's pid */
	int	 fd;			/* the read end, -1 at its end */
	int	 status;
	bool	 killed;
	bool	 catch_stop;		/* SIGTERM asks it to stop (else it is killed) */
	struct buf in;			/* read, not yet parsed */
	int	 groups[JOB_GROUPS];	/* the programs' process groups, 0: free */
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

volatile sig_atomic_t *
job_cancel_flag(void)
{
	return &child_cancel;
}

void
job_put_int(struct buf *b, int v)
{
	int32_t x = v;

	buf_append(b, &x, sizeof(x));
}

void
job_put_mem(struct buf *b, const void *p, size_t len)
{
	job_put_int(b, (int)len);
	buf_append(b, p ? p : "", len);
}

void
job_put_str(struct buf *b, const char *s)
{
	if (s == NULL)
		job_put_int(b, -1);
	else
		job_put_mem(b, s, strlen(s));
}

void
job_send(char type, struct buf *payload)
{
	struct buf b = { 0 };
	size_t off = 0;
	ssize_t n;

	buf_append(&b, &type, 1);
	job_put_int(&b, (int)payload->len);
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

/* proc.c's hook in the child: each program's process group, as it starts and ends. */
static void
child_group(int pgid, bool started)
{
	struct buf b = { 0 };

	job_put_int(&b, pgid);
	job_send(started ? REC_GROUP : REC_GROUP_END, &b);
}

int
job_start(void (*run)(void *arg), void *arg, bool catch_stop, struct job **out, char **err)
{
	struct sigaction sa;
	struct job *j;
	int p[2];
	pid_t pid;

	*out = NULL;
	if (pipe2(p, O_CLOEXEC) == -1) {
		err_set(err, _("cannot start a child process: %s"), strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		err_set(err, _("cannot start a child process: %s"), strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		close(p[0]);
		child_fd = p[1];
		memset(&sa, 0, sizeof(sa));
		/* no SA_RESTART: a wait in poll() sees it at once */
		sa.sa_handler = catch_stop ? on_stop : SIG_DFL;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
		proc_set_group_hook(child_group);
		if (catch_stop)
			(void)proc_set_cancel(&child_cancel);
		run(arg);
		_exit(0);
	}
	setpgid(pid, pid);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	j = xcalloc(1, sizeof(*j));
	j->pid = j->pgid = pid;
	j->fd = p[0];
	j->catch_stop = catch_stop;
	*out = j;
	return 0;
}

/* --- in the caller --- */

int
job_fd(const struct job *j)
{
	return j->fd;
}

int
job_get_int(struct job_rd *r)
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

char *
job_get_mem(struct job_rd *r, size_t *len)
{
	int l = job_get_int(r);
	char *s;

	*len = 0;
	if (l < 0 || r->bad)
		return NULL;
	if ((size_t)l > r->left) {
		r->bad = true;
		return NULL;
	}
	s = xmalloc((size_t)l + 1);	/* all of it, NUL bytes too (not xstrndup), and a NUL after */
	memcpy(s, r->p, (size_t)l);
	s[l] = '\0';
	r->p += l;
	r->left -= (size_t)l;
	*len = (size_t)l;
	return s;
}

char *
job_get_str(struct job_rd *r)
{
	size_t len;

	return job_get_mem(r, &len);
}

static void
note_group(struct job *j, int pgid, bool started)
{
	int i;

	for (i = 0; i < JOB_GROUPS; i++)
		if (started ? j->groups[i] == 0 : j->groups[i] == pgid) {
			j->groups[i] = started ? pgid : 0;
			return;
		}
}

static void
reap(struct job *j)
{
	if (j->pid == 0)
		return;
	while (waitpid(j->pid, &j->status, 0) == -1 && errno == EINTR)
		;
	j->pid = 0;
}

/* Appends what the pipe holds to j->in; true at its end. */
static bool
read_in(struct job *j)
{
	char chunk[16384];
	ssize_t n;

	for (;;) {
		n = read(j->fd, chunk, sizeof(chunk));
		if (n > 0) {
			buf_append(&j->in, chunk, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
	}
}

size_t
job_record_at(const char *data, size_t len, char *type, struct job_rd *r)
{
	int32_t n;

	if (len < 5)
		return 0;
	memcpy(&n, data + 1, sizeof(n));
	if (n < 0 || len - 5 < (size_t)n)
		return 0;
	*type = data[0];
	r->p = data + 5;
	r->left = (size_t)n;
	r->bad = false;
	return 5 + (size_t)n;
}

/* A record of the runner's own (a program's process group): noted; true when it was one. */
static bool
group_record(struct job *j, char type, struct job_rd *r)
{
	int g;

	if (type != REC_GROUP && type != REC_GROUP_END)
		return false;
	g = job_get_int(r);
	if (!r->bad && g > 1)
		note_group(j, g, type == REC_GROUP);
	return true;
}

int
job_read(struct job *j, void (*on_record)(void *ctx, char type, struct job_rd *r), void *ctx)
{
	struct job_rd r;
	size_t used;
	char type;
	bool eof;

	if (j->fd == -1)
		return 1;
	eof = read_in(j);
	while ((used = job_record_at(j->in.data, j->in.len, &type, &r)) > 0) {
		if (!group_record(j, type, &r))
			on_record(ctx, type, &r);
		memmove(j->in.data, j->in.data + used, j->in.len - used);
		j->in.len -= used;
	}
	if (!eof)
		return 0;
	close(j->fd);
	j->fd = -1;
	reap(j);
	return 1;
}

int
job_status(const struct job *j)
{
	return j->status;
}

bool
job_killed(const struct job *j)
{
	return j->killed;
}

void
job_cancel(struct job *j)
{
	if (j->pid != 0 && j->catch_stop)
		kill(j->pid, SIGTERM);
	else if (j->pid != 0)
		kill(-j->pgid, SIGKILL);	/* nothing to clean up: at once */
}

/* Whether a process of group pgid is alive (a zombie is not: only its reaper is late). */
static bool
group_alive(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool alive = false;

	if (d == NULL)
		return kill(-pgid, 0) == 0;
	while (!alive && (e = readdir(d)) != NULL) {
		char path[300], line[512], *close_paren, state;
		long ppid, pgrp;
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(line, sizeof(line), f) != NULL &&
		    (close_paren = strrchr(line, ')')) != NULL &&
		    sscanf(close_paren + 1, " %c %ld %ld", &state, &ppid, &pgrp) == 3)
			alive = pgrp == (long)pgid && state != 'Z' && state != 'X';
		fclose(f);
	}
	closedir(d);
	return alive;
}

/* The process groups named in what was read but not yet handed on (the records stay). */
static void
scan_groups(struct job *j)
{
	struct job_rd r;
	size_t off = 0, used;
	char type;

	if (j->fd != -1)
		(void)read_in(j);
	while ((used = job_record_at(j->in.data + off, j->in.len - off, &type, &r)) > 0) {
		(void)group_record(j, type, &r);
		off += used;
	}
}

void
job_kill(struct job *j)
{
	struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
	int i, waits;
	bool alive = true;

	if (j->pid != 0) {
		kill(-j->pgid, SIGKILL);
		kill(j->pid, SIGKILL);
		j->killed = true;
	}
	reap(j);
	scan_groups(j);		/* a program started just before the kill */
	for (i = 0; i < JOB_GROUPS; i++)
		if (j->groups[i] != 0)
			kill(-j->groups[i], SIGKILL);
	for (waits = 0; alive && waits < JOB_GONE_WAITS; waits++) {
		alive = group_alive(j->pgid);
		for (i = 0; !alive && i < JOB_GROUPS; i++)
			alive = j->groups[i] != 0 && group_alive(j->groups[i]);
		if (alive)
			nanosleep(&ten_ms, NULL);
	}
	memset(j->groups, 0, sizeof(j->groups));
}

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->pid != 0)
		job_kill(j);
	if (j->fd != -1)
		close(j->fd);
	buf_free(&j->in);
	free(j);
}
