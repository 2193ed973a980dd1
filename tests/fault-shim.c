/*
 * fault-shim.c: an LD_PRELOAD shim for the fault-injection tests of `smtls apply'.
 * SMTLS_FAULT=write:N, fsync:N or rename:N makes the Nth such call on a file whose name
 * holds ".smtls-" (smtls's temp files and backups) fail with EIO; SMTLS_FAULT=m4 makes
 * the exec of m4 fail, SMTLS_FAULT=m4-stderr runs a stand-in that exits 0 but complains
 * on stderr, SMTLS_FAULT=sendmail-bC runs one for `sendmail -bC' that rejects the cf as
 * Debian's sendmail rejects confDANE. Each injected fault appends a line to $SMTLS_FAULT_LOG.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int counts[3];

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
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd != -1) {
		ssize_t (*real_write)(int, const void *, size_t) =
		    (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");

		if (n > 0)
			(void)real_write(fd, line, (size_t)n);
		close(fd);
	}
}

/* True when this call (op index k, named op) is the one to fail. */
static int
hit(int k, const char *op, const char *path)
{
	const char *f = getenv("SMTLS_FAULT");
	size_t ol = strlen(op);

	if (f == NULL || strstr(path, ".smtls-") == NULL)
		return 0;
	if (strncmp(f, op, ol) != 0 || f[ol] != ':')
		return 0;
	if (++counts[k] != atoi(f + ol + 1))
		return 0;
	note(op, path);
	return 1;
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
	if (getenv("SMTLS_FAULT") != NULL && fd > 2) {
		fd_path(fd, path, sizeof(path));
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
		if (hit(1, "fsync", path)) {
			errno = EIO;
			return -1;
		}
	}
	return real(fd);
}

int
rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);

	if (real == NULL)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (hit(2, "rename", from)) {
		errno = EIO;
		return -1;
	}
	return real(from, to);
}

int
execvp(const char *file, char *const argv[])
{
	static int (*real)(const char *, char *const[]);
	const char *f = getenv("SMTLS_FAULT"), *base = strrchr(file, '/');

	if (real == NULL)
		real = (int (*)(const char *, char *const[]))dlsym(RTLD_NEXT, "execvp");
	base = base ? base + 1 : file;
	if (f != NULL && strcmp(base, "m4") == 0) {
		if (strcmp(f, "m4") == 0) {
			note("m4", file);
			errno = EIO;
			return -1;
		}
		if (strcmp(f, "m4-stderr") == 0) {
			char *const sh[] = { (char *)"sh", (char *)"-c",
				(char *)"echo 'm4: injected complaint' >&2; exit 0", NULL };

			note("m4-stderr", file);
			return real("/bin/sh", sh);
		}
	}
	if (f != NULL && strcmp(f, "sendmail-bC") == 0 && strcmp(base, "sendmail") == 0) {
		char *const sh[] = { (char *)"sh", (char *)"-c", (char *)"echo '/x/sendmail.cf: line 590: "
			"readcf: unknown option name DANE' >&2; exit 70", NULL };

		note("sendmail-bC", file);
		return real("/bin/sh", sh);
	}
	return real(file, argv);
}
