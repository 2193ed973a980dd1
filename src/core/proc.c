/* proc.c: fork/exec with pipes, poll and a deadline; the child gets its own process group. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smtls/proc.h"
#include "smtls/xmalloc.h"

/* proc_set_cancel(): set by a signal handler to stop the program being run */
static volatile sig_atomic_t *proc_cancel;

volatile sig_atomic_t *
proc_set_cancel(volatile sig_atomic_t *flag)
{
	volatile sig_atomic_t *old = proc_cancel;

	proc_cancel = flag;
	return old;
}

/* proc_set_group_hook(): told of each program's process group as it starts and ends */
static void (*group_hook)(int pgid, bool started);

void
proc_set_group_hook(void (*fn)(int pgid, bool started))
{
	group_hook = fn;
}

void
proc_tell_group(int pgid, bool started)
{
	if (group_hook != NULL && pgid > 1)
		group_hook(pgid, started);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Starts argv with posix_spawnp(): in its own process group, SIGPIPE back to the default,
 * stdin/stdout/stderr from the pipes. glibc starts the child without copying this
 * process's page tables (fork() copies them, and smtls maps all of libcrypto: a fork
 * cost more than a millisecond). Returns the pid, or -1 with the exec's errno in *e.
 */
static pid_t
spawn(char *const argv[], int in, int out, int err, int *e)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t def;
	extern char **environ;
	pid_t pid = -1;

	if ((*e = posix_spawn_file_actions_init(&fa)) != 0)
		return -1;
	if ((*e = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	if ((*e = posix_spawn_file_actions_adddup2(&fa, in, 0)) == 0 &&
	    (*e = posix_spawn_file_actions_adddup2(&fa, out, 1)) == 0 &&
	    (*e = posix_spawn_file_actions_adddup2(&fa, err, 2)) == 0 &&
	    (*e = posix_spawnattr_setpgroup(&at, 0)) == 0 &&
	    (*e = posix_spawnattr_setsigdefault(&at, &def)) == 0 &&
	    (*e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGDEF)) == 0 &&
	    (*e = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ)) != 0)
		pid = -1;
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

/* In the child: a private UTS namespace with its own host name (needs CAP_SYS_ADMIN). */
static int
enter_uts(const char *hostname)
{
	if (unshare(CLONE_NEWUTS) == -1)
		return -1;
	return sethostname(hostname, strlen(hostname));
}

static int
run(char *const argv[], const char *uts_hostname, const char *in, size_t in_len,
    int timeout_ms, size_t max_out, struct proc_result *res)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 }, pexec[2] = { -1, -1 };
	struct buf out = { 0 }, err = { 0 };
	long long deadline = now_ms() + timeout_ms;
	size_t in_off = 0;
	pid_t pid;
	int wstatus = 0, e;
	ssize_t n;

	memset(res, 0, sizeof(*res));
	if (pipe2(pin, O_CLOEXEC) == -1 || pipe2(pout, O_CLOEXEC) == -1 ||
	    pipe2(perr, O_CLOEXEC) == -1 || pipe2(pexec, O_CLOEXEC) == -1) {
		res->exec_failed = true;
		res->errno_exec = errno;
		goto close_all;
	}
	if (uts_hostname == NULL) {
		/* no namespace to enter in the child: no fork */
		pid = spawn(argv, pin[0], pout[1], perr[1], &e);
		if (pid == -1) {
			res->exec_failed = true;
			res->errno_exec = e;
			goto close_all;
		}
	} else if ((pid = fork()) == -1) {
		res->exec_failed = true;
		res->errno_exec = errno;
		goto close_all;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		if (uts_hostname != NULL && enter_uts(uts_hostname) == -1) {
			e = -errno;	/* negative: the namespace, not exec */
			(void)!write(pexec[1], &e, sizeof(e));
			_exit(127);
		}
		execvp(argv[0], argv);
		e = errno;
		(void)!write(pexec[1], &e, sizeof(e));
		_exit(127);
	}
	setpgid(pid, pid);
	if (group_hook != NULL)
		group_hook((int)pid, true);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	close(pexec[1]);
	pin[0] = pout[1] = perr[1] = pexec[1] = -1;
	n = read(pexec[0], &e, sizeof(e));
	if (n == (ssize_t)sizeof(e)) {
		res->exec_failed = true;
		res->ns_failed = e < 0;
		res->errno_exec = e < 0 ? -e : e;
		waitpid(pid, NULL, 0);
		if (group_hook != NULL)
			group_hook((int)pid, false);
		goto close_all;
	}
	if (in == NULL || in_len == 0) {
		close(pin[1]);
		pin[1] = -1;
	} else
		fcntl(pin[1], F_SETFL, O_NONBLOCK);
	while (pout[0] != -1 || perr[0] != -1) {
		struct pollfd pfd[3];
		int nfd = 0, left = (int)(deadline - now_ms()), i;
		char chunk[16384];

		if (left <= 0) {
			res->timed_out = true;
			break;
		}
		if (proc_cancel != NULL && *proc_cancel) {
			res->interrupted = true;
			break;
		}
		if (proc_cancel != NULL && left > 100)
			left = 100;	/* a signal just before poll() is seen within 0.1 s */
		if (pout[0] != -1)
			pfd[nfd++] = (struct pollfd){ .fd = pout[0], .events = POLLIN };
		if (perr[0] != -1)
			pfd[nfd++] = (struct pollfd){ .fd = perr[0], .events = POLLIN };
		if (pin[1] != -1)
			pfd[nfd++] = (struct pollfd){ .fd = pin[1], .events = POLLOUT };
		if (poll(pfd, (nfds_t)nfd, left) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < nfd; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == pin[1]) {
				n = write(pin[1], in + in_off, in_len - in_off);
				if (n > 0)
					in_off += (size_t)n;
				if ((n == -1 && errno != EAGAIN) || in_off == in_len) {
					close(pin[1]);
					pin[1] = -1;
				}
				continue;
			}
			n = read(pfd[i].fd, chunk, sizeof(chunk));
			if (n == -1 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				if (pfd[i].fd == pout[0]) {
					close(pout[0]);
					pout[0] = -1;
				} else {
					close(perr[0]);
					perr[0] = -1;
				}
				continue;
			}
			if (pfd[i].fd == pout[0]) {
				if (out.len < max_out)
					buf_append(&out, chunk, (size_t)n);
			} else if (err.len < max_out)
				buf_append(&err, chunk, (size_t)n);
		}
	}
	if (res->timed_out || res->interrupted) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &wstatus, 0) == -1 && errno == EINTR)
		;
	if (group_hook != NULL)
		group_hook((int)pid, false);
	if (WIFEXITED(wstatus))
		res->status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		res->status = 128 + WTERMSIG(wstatus);
close_all:
	for (int *fd = (int[]){ pin[0], pin[1], pout[0], pout[1], perr[0], perr[1], pexec[0],
	    pexec[1] }, i = 0; i < 8; i++)
		if (fd[i] != -1)
			close(fd[i]);
	res->out_len = out.len;
	res->out = buf_release(&out);
	res->err_len = err.len;
	res->err = buf_release(&err);
	if (res->interrupted)
		res->errno_exec = EINTR;
	return (res->exec_failed || res->timed_out || res->interrupted) ? -1 : 0;
}

int
proc_run(char *const argv[], const char *in, size_t in_len, int timeout_ms, size_t max_out,
    struct proc_result *res)
{
	return run(argv, NULL, in, in_len, timeout_ms, max_out, res);
}

int
proc_run_as_host(char *const argv[], const char *hostname, int timeout_ms, size_t max_out,
    struct proc_result *res)
{
	return run(argv, hostname, NULL, 0, timeout_ms, max_out, res);
}

int
proc_run_as_host_input(char *const argv[], const char *hostname, const char *in, size_t in_len,
    int timeout_ms, size_t max_out, struct proc_result *res)
{
	return run(argv, hostname, in, in_len, timeout_ms, max_out, res);
}

char *
proc_operand(const char *path)
{
	return path[0] == '-' ? xstrprintf("./%s", path) : xstrdup(path);
}

void
proc_result_free(struct proc_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}
