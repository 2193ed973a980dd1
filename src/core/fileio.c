/* fileio.c: reading files without blocking or crashing, and creating new files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

const char *
file_strerror(int e)
{
	/* strerror(ELOOP) reads "Too many levels of symbolic links": say what it means */
	if (e == ELOOP)
		return _("a symbolic link loop (too many levels of symbolic links)");
	return strerror(e);
}

const char *
file_problem(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		int e = errno;

		if (e == ENOENT && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			return _("a symbolic link to a file that does not exist");
		return file_strerror(e);
	}
	if (S_ISDIR(st.st_mode))
		return _("is a directory, not a file");
	if (S_ISFIFO(st.st_mode))
		return _("is a FIFO, not a regular file");
	if (S_ISSOCK(st.st_mode))
		return _("is a socket, not a regular file");
	if (!S_ISREG(st.st_mode))
		return _("is a device, not a regular file");
	if (access(path, R_OK) == -1)
		return file_strerror(errno);
	return NULL;
}

int
file_read(const char *path, size_t max, char **data, size_t *len, enum file_status *status,
    char **err)
{
	struct stat st;
	struct buf b = { 0 };
	char chunk[65536];
	ssize_t n;
	int fd;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		int e = errno;

		/* ENOTDIR (a file where the path needs a directory) is said as such: sendmail
		 * logs "Not a directory", not "No such file or directory" */
		*status = e == ENOENT ? FILE_MISSING : FILE_UNREADABLE;
		if (e == ENOENT && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			err_set(err, _("%s: a symbolic link to a file that does not exist"), path);
		else
			err_set(err, "%s: %s", path, file_strerror(e));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		*status = FILE_UNREADABLE;
		err_set(err, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*status = FILE_NOT_REGULAR;
		err_set(err, S_ISDIR(st.st_mode) ? _("%s: is a directory, not a file") :
		    _("%s: not a regular file"), path);
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size > max) {
		*status = FILE_TOO_LARGE;
		err_set(err, _("%s: too large (%lld bytes; at most %zu expected)"), path,
		    (long long)st.st_size, max);
		close(fd);
		return -1;
	}
	/* a regular file never blocks; clear O_NONBLOCK anyway for odd file systems */
	(void)fcntl(fd, F_SETFL, 0);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*status = FILE_UNREADABLE;
			err_set(err, "%s: %s", path, strerror(errno));
			buf_free(&b);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			*status = FILE_TOO_LARGE;
			err_set(err, _("%s: too large (more than %zu bytes)"), path, max);
			buf_free(&b);
			close(fd);
			return -1;
		}
		buf_append(&b, chunk, (size_t)n);
	}
	close(fd);
	*len = b.len;
	*data = buf_release(&b);
	*status = FILE_OK;
	return 0;
}

char *
path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int
file_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void
file_fsync_dir(const char *path)
{
	char *dir = path_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int
file_write_new(const char *path, const void *data, size_t len, mode_t mode, char **err)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd == -1) {
		if (errno == EEXIST)
			err_set(err, _("%s: already exists"), path);
		else
			err_set(err, _("%s: cannot create: %s"), path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) == -1 || file_write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		err_set(err, _("%s: cannot write: %s"), path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) == -1) {
		err_set(err, _("%s: cannot write: %s"), path, strerror(errno));
		unlink(path);
		return -1;
	}
	file_fsync_dir(path);
	return 0;
}

/* True when NAME.smtls-SUFFIX or its absence marker exists (as anything, even a dangling link). */
static bool
backup_taken(int dirfd, const char *name, const char *suffix)
{
	struct stat st;
	char *b = xstrprintf("%s.smtls-%s", name, suffix);
	char *m = xstrprintf("%s.absent", b);
	bool taken = fstatat(dirfd, b, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT ||
	    fstatat(dirfd, m, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;

	free(b);
	free(m);
	return taken;
}

char *
backup_suffix_for(int dirfd, const char *const *names, size_t n, time_t now)
{
	char stamp[32], *sfx = NULL;
	struct tm tm;
	size_t i;
	int k;

	if (gmtime_r(&now, &tm) == NULL || strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ",
	    &tm) == 0)
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
	for (k = 0; k < 1000; k++) {
		bool taken = false;

		free(sfx);
		sfx = k == 0 ? xstrdup(stamp) : xstrprintf("%s-%d", stamp, k);
		for (i = 0; i < n && !taken; i++)
			taken = backup_taken(dirfd, names[i], sfx);
		if (!taken)
			break;
	}
	return sfx;
}
