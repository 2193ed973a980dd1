/* statcache.c: results keyed on a file's identity and change times, in-process and on disk. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smtls/fileio.h"
#include "smtls/hindex.h"
#include "smtls/statcache.h"
#include "smtls/xmalloc.h"

#define CACHE_MAX	(8u * 1024 * 1024)
#define RACY_SECONDS	2	/* coarse time stamps: FAT's are 2 s */

struct centry {
	char		*id;	/* kind, path and extra, tab-separated */
	struct file_key	 k;
	char		*blob;
	size_t		 len;
};

static struct centry *cache;
static size_t n_cache;

int
file_key_of(const char *path, struct file_key *k)
{
	struct stat st;

	memset(k, 0, sizeof(*k));
	if (stat(path, &st) == -1)
		return -1;
	k->dev = st.st_dev;
	k->ino = st.st_ino;
	k->size = st.st_size;
	k->mtime = st.st_mtim;
	k->ctime = st.st_ctim;
	return 0;
}

static bool
ts_eq(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

bool
file_key_eq(const struct file_key *a, const struct file_key *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    ts_eq(a->mtime, b->mtime) && ts_eq(a->ctime, b->ctime);
}

static char *
make_id(const char *kind, const char *path, const char *extra)
{
	return xstrprintf("%s\t%s\t%s", kind, path, extra ? extra : "");
}

/* The first line of a cache file: what it is for, the key, the blob's length. */
static char *
header(const char *id, const struct file_key *k, size_t len)
{
	return xstrprintf("smtls-cache 1\t%s\t%llu %llu %lld %lld.%09ld %lld.%09ld %zu\n", id,
	    (unsigned long long)k->dev, (unsigned long long)k->ino, (long long)k->size,
	    (long long)k->mtime.tv_sec, k->mtime.tv_nsec, (long long)k->ctime.tv_sec,
	    k->ctime.tv_nsec, len);
}

/* $SMTLS_CACHE_DIR, else localstatedir/cache/smtls; made (not its parents) when missing. */
static char *
cache_dir(bool make)
{
	const char *env = getenv("SMTLS_CACHE_DIR");
	struct stat st;
	char *d = xstrdup(env != NULL && *env != '\0' ? env : SMTLS_CACHE_DIR_DEFAULT);

	if (make)
		(void)mkdir(d, 0700);
	if (lstat(d, &st) == -1 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) != 0) {
		free(d);
		return NULL;
	}
	return d;
}

static char *
cache_file(const char *dir, const char *id)
{
	const char *tab = strchr(id, '\t');

	return xstrprintf("%s/%.*s-%016llx", dir, (int)(tab - id), id,
	    (unsigned long long)hash_str(id));
}

static struct centry *
find(const char *id)
{
	size_t i;

	for (i = 0; i < n_cache; i++)
		if (strcmp(cache[i].id, id) == 0)
			return &cache[i];
	return NULL;
}

static void
remember(const char *id, const struct file_key *k, const char *blob, size_t len)
{
	struct centry *e = find(id);

	if (e == NULL) {
		cache = xreallocarray(cache, n_cache + 1, sizeof(*cache));
		e = &cache[n_cache++];
		e->id = xstrdup(id);
	} else
		free(e->blob);
	e->k = *k;
	e->blob = xmalloc(len + 1);
	memcpy(e->blob, blob, len);
	e->blob[len] = '\0';
	e->len = len;
}

char *
statcache_get(const char *kind, const char *path, const char *extra,
    const struct file_key *k, size_t *len)
{
	char *id = make_id(kind, path, extra), *dir, *file, *data = NULL, *head, *r = NULL;
	struct centry *e = find(id);
	enum file_status fst;
	size_t dlen = 0, hlen;

	if (e != NULL) {
		if (file_key_eq(&e->k, k)) {
			r = xmalloc(e->len + 1);
			memcpy(r, e->blob, e->len + 1);
			*len = e->len;
		}
		free(id);
		return r;
	}
	if ((dir = cache_dir(false)) == NULL) {
		free(id);
		return NULL;
	}
	file = cache_file(dir, id);
	if (file_read(file, CACHE_MAX, &data, &dlen, &fst, NULL) == 0) {
		char *nl = memchr(data, '\n', dlen);
		size_t blen;

		hlen = nl ? (size_t)(nl - data) + 1 : 0;
		blen = dlen - hlen;
		head = header(id, k, blen);
		if (nl != NULL && strlen(head) == hlen && memcmp(head, data, hlen) == 0) {
			remember(id, k, data + hlen, blen);
			r = xmalloc(blen + 1);
			memcpy(r, data + hlen, blen);
			r[blen] = '\0';
			*len = blen;
		}
		free(head);
	}
	free(data);
	free(file);
	free(dir);
	free(id);
	return r;
}

/* Whether t is at least RACY_SECONDS before now. */
static bool
settled(struct timespec t, struct timespec now)
{
	return t.tv_sec + RACY_SECONDS < now.tv_sec;
}

/*
 * The file system's clock, from a file made for it: the key's times come from the same
 * clock. (This is not the time anything is judged at: that stays the caller's.)
 */
static int
fs_now(const char *dir, struct timespec *now)
{
	struct stat st;
	int fd;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd != -1) {
		int r = fstat(fd, &st);

		close(fd);
		*now = st.st_ctim;
		return r;
	}
#endif
	(void)dir;
	(void)st;
	return -1;
}

void
statcache_put(const char *kind, const char *path, const char *extra,
    const struct file_key *k, const char *blob, size_t len)
{
	char *id, *dir, *file, *tmp, *head;
	struct file_key again;
	struct timespec now;
	int fd;

	if (file_key_of(path, &again) == -1 || !file_key_eq(&again, k))
		return;
	dir = cache_dir(true);
	if (fs_now(dir ? dir : P_tmpdir, &now) == -1 || !settled(k->mtime, now) ||
	    !settled(k->ctime, now)) {
		free(dir);
		return;
	}
	id = make_id(kind, path, extra);
	if (strchr(path, '\n') != NULL || (extra != NULL && strchr(extra, '\n') != NULL)) {
		free(dir);
		free(id);
		return;
	}
	remember(id, k, blob, len);
	if (dir == NULL) {
		free(id);
		return;
	}
	file = cache_file(dir, id);
	tmp = xstrprintf("%s/.tmp-XXXXXX", dir);
	head = header(id, k, len);
	fd = mkstemp(tmp);
	if (fd != -1) {
		bool ok = file_write_all(fd, head, strlen(head)) == 0 &&
		    file_write_all(fd, blob, len) == 0;

		/* no fsync: a file cut short by a crash fails the length in its header */
		if (close(fd) == -1 || !ok || rename(tmp, file) == -1)
			(void)unlink(tmp);
	}
	free(head);
	free(tmp);
	free(file);
	free(dir);
	free(id);
}
