/* statcache.h: what smtls learned from a file or directory, kept while it is unchanged. */
#ifndef SMTLS_STATCACHE_H
#define SMTLS_STATCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* A file's identity and change times: any change to it (or, for a directory, to its
 * entries) changes one of them. */
struct file_key {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime, ctime;
};

/* stat() (following links); -1 when path cannot be stat()ed. */
int file_key_of(const char *path, struct file_key *k);
bool file_key_eq(const struct file_key *a, const struct file_key *b);

/*
 * What was stored for (kind, path, extra) while path had key k: in this process, else in
 * the cache directory ($SMTLS_CACHE_DIR, else localstatedir/cache/smtls, when it is ours
 * and not writable by others). NULL when
 * nothing matches; else a NUL-terminated copy (caller frees), its length in *len.
 * A directory's key changes when an entry is added, removed or renamed, not when a file in
 * it is rewritten in place: callers cache from a directory only what its names decide, or
 * accept that (smtls(8) FILES says so).
 */
char *statcache_get(const char *kind, const char *path, const char *extra,
    const struct file_key *k, size_t *len);
/*
 * Stores blob for (kind, path, extra) under key k, read before what blob says was learned;
 * nothing is stored when path changed since (its key now is not k), or when k's times are
 * within two seconds of the file system's clock: a change in the same clock tick would
 * leave the key as it was (the "racy" case), so such an entry could outlive a change.
 */
void statcache_put(const char *kind, const char *path, const char *extra,
    const struct file_key *k, const char *blob, size_t len);

#endif
