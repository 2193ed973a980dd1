/* fileio.h: careful reading of the user's files, and new files (a set of changes: journal.h). */
#ifndef SMTLS_FILEIO_H
#define SMTLS_FILEIO_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

enum file_status {
	FILE_OK = 0,
	FILE_MISSING,		/* ENOENT or a dangling symlink */
	FILE_UNREADABLE,	/* EACCES, ELOOP, ENOTDIR, I/O error, ... (see err) */
	FILE_NOT_REGULAR,	/* a directory, FIFO, socket or device */
	FILE_TOO_LARGE,		/* larger than the caller's limit */
};

/*
 * Reads a whole regular file of at most max bytes. Never blocks on a FIFO (opened
 * O_NONBLOCK, then refused by fstat). On failure returns -1, sets *status and, when err is
 * not NULL, a message naming the file (caller frees). *data is NUL-terminated.
 */
int file_read(const char *path, size_t max, char **data, size_t *len,
    enum file_status *status, char **err);

/* strerror(e), except that ELOOP is called a symbolic link loop. */
const char *file_strerror(int e);
/*
 * Why path cannot be read as a regular file, in words ("No such file or directory", "a
 * symbolic link loop ...", "is a directory, not a file", "Permission denied", ...), or NULL
 * when it can.
 * Only stat()s it: never opens it, so a FIFO never blocks.
 */
const char *file_problem(const char *path);

/*
 * Creates a new file exclusively (O_CREAT|O_EXCL|O_NOFOLLOW) with mode from its first
 * byte, writes data and fsyncs. Fails when path exists. On failure the file is removed.
 */
int file_write_new(const char *path, const void *data, size_t len, mode_t mode, char **err);

/* Writes all of data to fd, retrying on EINTR and short writes. */
int file_write_all(int fd, const void *data, size_t len);
/* fsyncs the directory that holds path, so a rename in it is durable (errors ignored). */
void file_fsync_dir(const char *path);

/* Directory part of path (caller frees); "." when there is none. */
char *path_dirname(const char *path);

/*
 * The suffix of a set of backups made at `now': its UTC time stamp (YYYYMMDDTHHMMSSZ), or
 * STAMP-N when NAME.smtls-SUFFIX or its absence marker NAME.smtls-SUFFIX.absent exists for
 * any of the n names (as anything, even a dangling link), looked up relative to dirfd
 * (AT_FDCWD for paths). One suffix for the whole set, so that it is restored together.
 * Caller frees.
 */
char *backup_suffix_for(int dirfd, const char *const *names, size_t n, time_t now);

#endif
