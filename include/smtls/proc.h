/* proc.h: running helper programs (m4, sendmail) with a timeout and captured output. */
#ifndef SMTLS_PROC_H
#define SMTLS_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct proc_result {
	char	*out;		/* captured stdout, NUL-terminated */
	size_t	 out_len;
	char	*err;		/* captured stderr, NUL-terminated */
	size_t	 err_len;
	int	 status;	/* exit code, or 128+signal */
	bool	 timed_out;	/* killed after timeout_ms */
	bool	 interrupted;	/* killed because the cancel flag was set (proc_set_cancel) */
	bool	 exec_failed;	/* the program could not be started (errno_exec) */
	bool	 ns_failed;	/* ... because its private host name could not be set */
	int	 errno_exec;
};

/*
 * Runs argv[0] (a path, or a name looked up in PATH) with argv, stdin from in (may be NULL:
 * /dev/null), capturing stdout and stderr (each at most max_out bytes; more is discarded).
 * Kills the whole process group after timeout_ms. Returns 0 when the program ran (see
 * status), -1 when it could not be started or timed out.
 */
int proc_run(char *const argv[], const char *in, size_t in_len, int timeout_ms,
    size_t max_out, struct proc_result *res);
/*
 * proc_run with stdin from /dev/null, the program in a private UTS namespace whose host name
 * is hostname; nothing outside the child sees the name. It needs root (CAP_SYS_ADMIN): when
 * the namespace cannot be made, -1 with exec_failed and ns_failed set.
 */
int proc_run_as_host(char *const argv[], const char *hostname, int timeout_ms, size_t max_out,
    struct proc_result *res);
/* proc_run_as_host with stdin from in (hostname NULL: no namespace, as proc_run). */
int proc_run_as_host_input(char *const argv[], const char *hostname, const char *in,
    size_t in_len, int timeout_ms, size_t max_out, struct proc_result *res);
void proc_result_free(struct proc_result *res);
/*
 * While *flag is set (by a signal handler), a program run by proc_run* is killed with its
 * process group and the call returns -1 with interrupted set. NULL: never (the default).
 * Returns the previous flag.
 */
volatile sig_atomic_t *proc_set_cancel(volatile sig_atomic_t *flag);
/*
 * fn (NULL: none) is told of the process group of each program proc_run* starts (started
 * true, just after the start) and when it ended (false): a job (job.h) passes them on, so
 * that killing the job kills them too.
 */
void proc_set_group_hook(void (*fn)(int pgid, bool started));
/*
 * Tells that hook of a process group no program of proc_run* made: a daemon that left its
 * starter's group for a session of its own (sendmail -bd), so that killing the job kills it too;
 * started false once it is gone.
 */
void proc_tell_group(int pgid, bool started);
/*
 * A file name made safe as a child's operand (caller frees): a name that starts with '-'
 * (an option to the child, or "-", standard input) gets "./" in front. Callers pass "--"
 * too where the child accepts it.
 */
char *proc_operand(const char *path);

#endif
