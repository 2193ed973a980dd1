/*
 * fault-shim.c: an LD_PRELOAD shim for the fault-injection tests of `smtls apply'.
 * SMTLS_FAULT=write:N, fsync:N or rename:N makes the Nth such call on a file whose name
 * holds ".smtls-" (smtls's temp files and backups) fail with EIO; SMTLS_FAULT=m4 makes
 * the exec of m4 fail, SMTLS_FAULT=m4-stderr runs a stand-in that exits 0 but complains
 * on stderr, SMTLS_FAULT=sendmail-bC runs one for `sendmail -bC' that rejects the cf as
 * Debian's sendmail rejects confDANE. Each injected fault appends a line to $SMTLS_FAULT_LOG.
 * Several faults: SMTLS_FAULT=rename:2,rename:3 (the 2nd and the 3rd rename fail).
 * SMTLS_FAULT=kill:N kills the process (SIGKILL) just before its Nth call that changes a
 * file under $SMTLS_FAULT_DIR (open for writing, write, fsync, rename, link, unlink, chmod,
 * chown, mkdir, ...): the crash-consistency test (tests/journal-kill.test) tries every N.
 * With SMTLS_FAULT_TRACE set, each such call is logged as "call N op(path)" (kill:0: none dies).
 * SMTLS_FAULT=kill-rename:N kills it at the Nth rename of a temp file or backup.
 * (rename covers renameat2 too; an exec, execvp or posix_spawnp.)
 * Only the process that first loaded the shim acts (not m4 nor sendmail it runs).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int counts[3];
static int kill_count, in_shim;
static int active = 1;

/* The shim acts in the process that loaded it first (exec keeps the pid: sh -c 'exec smtls'). */
__attribute__((constructor)) static void
shim_init(void)
{
	const char *p = getenv("SMTLS_FAULT_PID");
	char buf[32];

	if (p == NULL) {
		snprintf(buf, sizeof(buf), "%ld", (long)getpid());
		setenv("SMTLS_FAULT_PID", buf, 1);
	} else
		active = atol(p) == (long)getpid();
}

static void
note(const char *what, const char *path)
{
	const char *log = getenv("SMTLS_FAULT_LOG");
	int fd;
	char line[4200];
	int n;

	if (log == NULL)
		return;
	n = snprintf(line, sizeof(line), "%s %s\n", what, path);
	fd = (int)syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd != -1) {
		ssize_t (*real_write)(int, const void *, size_t) =
		    (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");

		if (n > 0)
			(void)real_write(fd, line, (size_t)n);
		close(fd);
	}
}

/* True when SMTLS_FAULT's comma-separated list holds "op:n". */
static int
listed(const char *op, int n)
{
	const char *f = getenv("SMTLS_FAULT");
	size_t ol = strlen(op);

	for (; f != NULL && *f; f = strchr(f, ',') ? strchr(f, ',') + 1 : NULL)
		if (strncmp(f, op, ol) == 0 && f[ol] == ':' && atoi(f + ol + 1) == n)
			return 1;
	return 0;
}

/* True when this call (op index k, named op) is the one to fail. */
static int
hit(int k, const char *op, const char *path)
{
	const char *f = getenv("SMTLS_FAULT");

	if (f == NULL || !active || strstr(path, ".smtls-") == NULL || strstr(f, op) == NULL)
		return 0;
	if (!listed(op, ++counts[k]))
		return 0;
	note(op, path);
	return 1;
}

/* kill:N: dies before the Nth call that changes a file under $SMTLS_FAULT_DIR. */
static void
kill_point(const char *op, const char *path)
{
	const char *f = getenv("SMTLS_FAULT"), *dir = getenv("SMTLS_FAULT_DIR");
	char line[4200];

	if (f == NULL || !active || in_shim || strncmp(f, "kill:", 5) != 0 || dir == NULL ||
	    path == NULL || strncmp(path, dir, strlen(dir)) != 0)
		return;
	++kill_count;
	if (getenv("SMTLS_FAULT_TRACE") != NULL) {
		/* kill:0 with SMTLS_FAULT_TRACE: logs each such call with its number, kills none */
		snprintf(line, sizeof(line), "%d %s(%s)", kill_count, op, path);
		note("call", line);
	}
	if (kill_count != atoi(f + 5))
		return;
	snprintf(line, sizeof(line), "%s(%s)", op, path);
	note("kill", line);
	raise(SIGKILL);
}

static void
fd_path(int fd, char *buf, size_t n);

static void
kill_point_fd(const char *op, int fd)
{
	char path[4096];

	if (getenv("SMTLS_FAULT") == NULL || !active || fd < 0)
		return;
	fd_path(fd, path, sizeof(path));
	kill_point(op, path);
}

/* dir-relative names: the directory's path and the name */
static void
kill_point_at(const char *op, int dirfd, const char *name)
{
	char path[4096], full[8300];

	if (getenv("SMTLS_FAULT") == NULL || !active)
		return;
	if (name[0] == '/' || dirfd == AT_FDCWD) {
		kill_point(op, name);
		return;
	}
	fd_path(dirfd, path, sizeof(path));
	snprintf(full, sizeof(full), "%s/%s", path, name);
	kill_point(op, full);
}

#define REAL(name) static __typeof__(&name) real_##name; \
	if (real_##name == NULL) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

int
open(const char *path, int flags, ...)
{
	REAL(open);
	va_list ap;
	mode_t mode = 0;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	if (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC))
		kill_point("open", path);
	return real_open(path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	REAL(openat);
	va_list ap;
	mode_t mode = 0;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	if (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC))
		kill_point_at("openat", dirfd, path);
	return real_openat(dirfd, path, flags, mode);
}

int
mkstemp(char *tmpl)
{
	REAL(mkstemp);

	kill_point("mkstemp", tmpl);
	return real_mkstemp(tmpl);
}

char *
mkdtemp(char *tmpl)
{
	REAL(mkdtemp);

	kill_point("mkdtemp", tmpl);
	return real_mkdtemp(tmpl);
}

int
fdatasync(int fd)
{
	REAL(fdatasync);

	kill_point_fd("fdatasync", fd);
	return real_fdatasync(fd);
}

int
renameat(int od, const char *from, int nd, const char *to)
{
	REAL(renameat);

	kill_point_at("renameat", od, from);
	kill_point_at("renameat", nd, to);
	return real_renameat(od, from, nd, to);
}

int
link(const char *from, const char *to)
{
	REAL(link);

	kill_point("link", to);
	return real_link(from, to);
}

int
linkat(int od, const char *from, int nd, const char *to, int flags)
{
	REAL(linkat);

	kill_point_at("linkat", nd, to);
	return real_linkat(od, from, nd, to, flags);
}

int
unlink(const char *path)
{
	REAL(unlink);

	kill_point("unlink", path);
	return real_unlink(path);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	REAL(unlinkat);

	kill_point_at("unlinkat", dirfd, path);
	return real_unlinkat(dirfd, path, flags);
}

int
symlink(const char *target, const char *path)
{
	REAL(symlink);

	kill_point("symlink", path);
	return real_symlink(target, path);
}

int
symlinkat(const char *target, int dirfd, const char *path)
{
	REAL(symlinkat);

	kill_point_at("symlinkat", dirfd, path);
	return real_symlinkat(target, dirfd, path);
}

int
mkdir(const char *path, mode_t mode)
{
	REAL(mkdir);

	kill_point("mkdir", path);
	return real_mkdir(path, mode);
}

int
fchmod(int fd, mode_t mode)
{
	REAL(fchmod);

	kill_point_fd("fchmod", fd);
	return real_fchmod(fd, mode);
}

int
chmod(const char *path, mode_t mode)
{
	REAL(chmod);

	kill_point("chmod", path);
	return real_chmod(path, mode);
}

int
fchown(int fd, uid_t u, gid_t g)
{
	REAL(fchown);

	kill_point_fd("fchown", fd);
	return real_fchown(fd, u, g);
}

int
lchown(const char *path, uid_t u, gid_t g)
{
	REAL(lchown);

	kill_point("lchown", path);
	return real_lchown(path, u, g);
}

int
ftruncate(int fd, off_t len)
{
	REAL(ftruncate);

	kill_point_fd("ftruncate", fd);
	return real_ftruncate(fd, len);
}

static void
fd_path(int fd, char *buf, size_t n)
{
	char link[64];
	ssize_t l;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	l = readlink(link, buf, n - 1);
	buf[l > 0 ? l : 0] = '\0';
}

ssize_t
write(int fd, const void *buf, size_t count)
{
	static ssize_t (*real)(int, const void *, size_t);
	char path[4096];

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (getenv("SMTLS_FAULT") != NULL && fd > 2 && !in_shim) {
		fd_path(fd, path, sizeof(path));
		kill_point("write", path);
		if (hit(0, "write", path)) {
			errno = EIO;
			return -1;
		}
	}
	return real(fd, buf, count);
}

int
fsync(int fd)
{
	static int (*real)(int);
	char path[4096];

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (getenv("SMTLS_FAULT") != NULL) {
		fd_path(fd, path, sizeof(path));
		kill_point("fsync", path);
		if (hit(1, "fsync", path)) {
			errno = EIO;
			return -1;
		}
	}
	return real(fd);
}

/* rename() and renameat2() (smtls puts a new file in place with RENAME_NOREPLACE). */
static int
rename_fault(const char *from, const char *to)
{
	kill_point("rename", to);
	if (active && getenv("SMTLS_FAULT") != NULL && strstr(from, ".smtls-") != NULL &&
	    listed("kill-rename", counts[2] + 1)) {
		note("kill-rename", from);
		raise(SIGKILL);
	}
	if (hit(2, "rename", from)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int
rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);

	if (real == NULL)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	return rename_fault(from, to) == -1 ? -1 : real(from, to);
}

int
renameat2(int od, const char *from, int nd, const char *to, unsigned int flags)
{
	static int (*real)(int, const char *, int, const char *, unsigned int);

	if (real == NULL)
		real = (int (*)(int, const char *, int, const char *, unsigned int))dlsym(RTLD_NEXT,
		    "renameat2");
	return rename_fault(from, to) == -1 ? -1 : real(od, from, nd, to, flags);
}

static char *const m4_complains[] = { (char *)"sh", (char *)"-c",
	(char *)"echo 'm4: injected complaint' >&2; exit 0", NULL };
static char *const sendmail_refuses[] = { (char *)"sh", (char *)"-c",
	(char *)"echo '/x/sendmail.cf: line 590: readcf: unknown option name DANE' >&2; exit 70",
	NULL };

/*
 * What runs instead of file (execvp() or posix_spawnp()): NULL for file itself, a stand-in
 * shell command, or *fail set (the exec fails with EIO).
 */
static char *const *
stand_in(const char *file, int *fail)
{
	const char *f = getenv("SMTLS_FAULT"), *base = strrchr(file, '/');

	*fail = 0;
	base = base ? base + 1 : file;
	if (f != NULL && strcmp(base, "m4") == 0) {
		if (strcmp(f, "m4") == 0) {
			note("m4", file);
			*fail = 1;
			return NULL;
		}
		if (strcmp(f, "m4-stderr") == 0) {
			note("m4-stderr", file);
			return m4_complains;
		}
	}
	if (f != NULL && strcmp(f, "sendmail-bC") == 0 && strcmp(base, "sendmail") == 0) {
		note("sendmail-bC", file);
		return sendmail_refuses;
	}
	return NULL;
}

int
execvp(const char *file, char *const argv[])
{
	static int (*real)(const char *, char *const[]);
	char *const *sh;
	int fail;

	if (real == NULL)
		real = (int (*)(const char *, char *const[]))dlsym(RTLD_NEXT, "execvp");
	sh = stand_in(file, &fail);
	if (fail) {
		errno = EIO;
		return -1;
	}
	return sh ? real("/bin/sh", sh) : real(file, argv);
}

int
posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
    const posix_spawnattr_t *at, char *const argv[], char *const envp[])
{
	static int (*real)(pid_t *, const char *, const posix_spawn_file_actions_t *,
	    const posix_spawnattr_t *, char *const[], char *const[]);
	char *const *sh;
	int fail;

	if (real == NULL)
		real = (int (*)(pid_t *, const char *, const posix_spawn_file_actions_t *,
		    const posix_spawnattr_t *, char *const[], char *const[]))dlsym(RTLD_NEXT,
		    "posix_spawnp");
	sh = stand_in(file, &fail);
	if (fail)
		return EIO;
	return sh ? real(pid, "/bin/sh", fa, at, sh, envp) : real(pid, file, fa, at, argv, envp);
}
