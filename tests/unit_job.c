/* unit_job.c: the runner of work in a child process (job.h): records travel back in order,
 * and job_kill() leaves no process behind: neither the child nor the programs it runs (a
 * shell in its own process group, with a child of its own, as the wrapper of m4 in
 * tests/ui-abort.test). */
#include "config.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smtls/job.h"
#include "smtls/proc.h"
#include "tap.h"

static char pids_file[256];

static void
run_records(void *arg)
{
	struct buf b = { 0 };

	(void)arg;
	job_put_int(&b, 42);
	job_put_str(&b, "forty-two");
	job_put_str(&b, NULL);
	job_put_mem(&b, "a\0b\0c", 5);	/* a file's bytes: NUL bytes too (a DER file) */
	job_send('x', &b);
	job_put_int(&b, 7);
	job_send('y', &b);
}

struct got {
	int	 n, first, second;
	char	*s, *null, *mem;
	size_t	 mem_len;
};

static void
on_record(void *ctx, char type, struct job_rd *r)
{
	struct got *g = ctx;

	g->n++;
	if (type == 'x') {
		g->first = job_get_int(r);
		g->s = job_get_str(r);
		g->null = job_get_str(r);
		g->mem = job_get_mem(r, &g->mem_len);
	} else if (type == 'y')
		g->second = job_get_int(r);
}

/* In the child: a program that runs for minutes, with a child of its own, as proc runs it. */
static void
run_program(void *arg)
{
	char script[1024];
	char *argv[] = { "sh", "-c", script, NULL };
	struct proc_result pr;

	(void)arg;
	snprintf(script, sizeof(script), "sleep 300 & echo $$ $! > %s.tmp && mv %s.tmp %s; "
	    "wait", pids_file, pids_file, pids_file);
	(void)proc_run(argv, NULL, 0, 600000, 1024, &pr);
	proc_result_free(&pr);
}

/*
 * A job that starts a daemon in a session of its own (as sendmail -bd does: its starter exits,
 * its process group is not the job's nor the starter's), tells of its group as the proof does,
 * and waits.
 */
static void
run_daemon(void *arg)
{
	char script[1024], tmp_file[sizeof(pids_file) + 4];
	char *argv[] = { "sh", "-c", script, NULL };
	struct proc_result pr;
	long pid = 0;
	FILE *f;
	int i;

	(void)arg;
	snprintf(tmp_file, sizeof(tmp_file), "%s.tmp", pids_file);
	/* the daemon writes its pid file itself, once in its session (as sendmail does) */
	snprintf(script, sizeof(script), "setsid sh -c 'echo $$ > %s.w && mv %s.w %s; "
	    "exec sleep 300' < /dev/null > /dev/null 2>&1 &", tmp_file, tmp_file, tmp_file);
	(void)proc_run(argv, NULL, 0, 600000, 1024, &pr);
	proc_result_free(&pr);
	for (i = 0; i < 200 && access(tmp_file, F_OK) == -1; i++)
		usleep(10000);
	if ((f = fopen(tmp_file, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	if (pid > 1 && getpgid((pid_t)pid) == (pid_t)pid)
		proc_tell_group((int)pid, true);
	(void)rename(tmp_file, pids_file);	/* after the record: the test reads both */
	for (;;)
		pause();
}

/* Whether pid runs (a zombie does not: only its reaper is late). */
static bool
running(long pid)
{
	char path[64], line[512], *p;
	FILE *f;
	bool r = false;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	if (fgets(line, sizeof(line), f) != NULL && (p = strrchr(line, ')')) != NULL)
		r = p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return r;
}

static void
noop(void *ctx, char type, struct job_rd *r)
{
	(void)ctx;
	(void)type;
	(void)r;
}

int
main(void)
{
	struct got g = { 0 };
	struct job *j = NULL;
	char *err = NULL;
	long sh = 0, sleeper = 0, child;
	int i, rc = 0;
	const char *tmp = getenv("SMTLS_SCRATCH");
	FILE *f;

	/* records come back in order, a NULL string as NULL; the end is seen */
	ok(job_start(run_records, NULL, false, &j, &err) == 0, "a job starts");
	for (i = 0; i < 1000 && (rc = job_read(j, on_record, &g)) == 0; i++) {
		struct pollfd p = { job_fd(j), POLLIN, 0 };

		(void)poll(&p, 1, 100);
	}
	okf(rc == 1, "its end is seen");
	okf(g.n == 2 && g.first == 42 && g.second == 7, "both records came, in order (%d)", g.n);
	okf(g.s != NULL && strcmp(g.s, "forty-two") == 0, "a string travels (%s)", g.s ? g.s : "-");
	ok(g.null == NULL, "NULL travels as NULL");
	okf(g.mem != NULL && g.mem_len == 5 && memcmp(g.mem, "a\0b\0c", 5) == 0 && g.mem[5] == '\0',
	    "bytes with NUL bytes among them travel whole (%zu of 5)", g.mem_len);
	ok(WIFEXITED(job_status(j)) && WEXITSTATUS(job_status(j)) == 0, "the child exited 0");
	free(g.s);
	free(g.mem);
	job_free(j);

	/* a record is taken only once all of it is there */
	{
		struct buf b = { 0 };
		struct job_rd r;
		char type = 0, rec[64];
		size_t len, used;

		job_put_int(&b, 9);
		rec[0] = 'z';
		len = b.len;
		memcpy(rec + 1, &(int32_t){ (int32_t)len }, 4);
		memcpy(rec + 5, b.data, len);
		ok(job_record_at(rec, 5 + len - 1, &type, &r) == 0, "a record cut short is not taken");
		used = job_record_at(rec, 5 + len, &type, &r);
		okf(used == 5 + len && type == 'z' && job_get_int(&r) == 9 && !r.bad,
		    "a whole one is (%zu bytes, type %c)", used, type ? type : '-');
		ok(job_get_int(&r) == 0 && r.bad, "reading past its end makes it bad");
		buf_free(&b);
	}

	/* a job killed while its program runs: nothing of it is left */
	snprintf(pids_file, sizeof(pids_file), "%s/unit_job.%ld", tmp ? tmp : "/tmp",
	    (long)getpid());
	unlink(pids_file);
	ok(job_start(run_program, NULL, true, &j, &err) == 0, "a job running a program starts");
	for (i = 0; i < 200 && access(pids_file, F_OK) == -1; i++) {
		struct pollfd p = { job_fd(j), POLLIN, 0 };

		(void)job_read(j, noop, NULL);
		(void)poll(&p, 1, 50);
	}
	if ((f = fopen(pids_file, "r")) != NULL) {
		if (fscanf(f, "%ld %ld", &sh, &sleeper) != 2)
			sh = sleeper = 0;
		fclose(f);
	}
	unlink(pids_file);
	okf(sh > 1 && sleeper > 1 && running(sh) && running(sleeper),
	    "its program and the program's child run (%ld, %ld)", sh, sleeper);
	(void)job_read(j, noop, NULL);	/* the program's process group is told */
	child = 0;
	{
		/* the child's pid is its process group's: the shell's parent */
		char path[64];

		snprintf(path, sizeof(path), "/proc/%ld/stat", sh);
		if ((f = fopen(path, "r")) != NULL) {
			char line[512], *p;

			if (fgets(line, sizeof(line), f) && (p = strrchr(line, ')')) != NULL)
				(void)sscanf(p + 2, "%*c %ld", &child);
			fclose(f);
		}
	}
	job_kill(j);
	ok(job_killed(j), "job_kill killed it");
	okf(child > 1 && !running(child), "the job's child is gone (%ld)", child);
	okf(!running(sh), "its program is gone (%ld)", sh);
	okf(!running(sleeper), "the program's own child is gone too (%ld)", sleeper);
	ok(job_read(j, noop, NULL) == 1, "then its end is seen");
	job_free(j);

	/* a daemon in a session of its own, told of: killing the job kills it too */
	ok(job_start(run_daemon, NULL, true, &j, &err) == 0, "a job starting a daemon starts");
	sleeper = 0;
	for (i = 0; i < 200 && sleeper == 0; i++) {
		struct pollfd p = { job_fd(j), POLLIN, 0 };

		if ((f = fopen(pids_file, "r")) != NULL) {
			if (fscanf(f, "%ld", &sleeper) != 1)
				sleeper = 0;
			fclose(f);
		}
		(void)job_read(j, noop, NULL);
		(void)poll(&p, 1, 50);
	}
	(void)job_read(j, noop, NULL);	/* its group record, sent before the file was there */
	unlink(pids_file);
	okf(sleeper > 1 && running(sleeper) && getsid((pid_t)sleeper) == (pid_t)sleeper,
	    "the daemon runs in a session of its own (%ld)", sleeper);
	job_kill(j);
	okf(sleeper > 1 && !running(sleeper), "job_kill killed the daemon too (%ld)", sleeper);
	if (sleeper > 1 && running(sleeper))
		kill((pid_t)sleeper, SIGKILL);
	job_free(j);
	return tap_done();
}
