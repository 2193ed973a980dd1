/*
 * journal.c: a transaction over a set of files, its journal, and recovery.
 *
 * Order of a set: a registry file in the state directory names the journal (so that any
 * later command finds it); the journal (beside the first target, .smtls-journal-ID) is
 * created and each entry line is written and fsynced before its temp file
 * (.NAME.smtls-ID) is; at the commit the old versions are hard-linked to their backups,
 * then one record (the inodes, "commit") is appended and fsynced, then the renames, the
 * directory fsyncs, the dropped backups, and last the journal and the registry file are
 * removed. A journal without "commit" changed nothing: recovery removes its temp files.
 * With "commit", recovery completes the set when every new file is in place or staged,
 * else (or after "rollback") puts the backups back and removes what was absent before.
 * Inodes tell what is where: a rename keeps the inode, so a target whose inode is the
 * staged file's is the new version, and a backup whose inode is the old target's is ours.
 * A lazy set (many public files: rehash) writes its registry file, journal head, entry
 * lines and temp files without an fsync each and makes them all durable before the commit
 * record (sync_lazy()); after a power cut before that point, temp files of public data may
 * stay behind, but no target has changed. An entry that is not lazy first makes what came
 * before it durable (undefer()).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#ifdef __linux__
#include <linux/magic.h>
#include <sys/vfs.h>
#endif
#include <unistd.h>

#include "smtls/fileio.h"
#include "smtls/hindex.h"
#include "smtls/i18n.h"
#include "smtls/journal.h"
#include "smtls/xmalloc.h"

#define JOURNAL_PREFIX	".smtls-journal-"
#define REG_PREFIX	"journal-"
#define JOURNAL_MAX	(1024 * 1024)
#define SYNC_THREADS	8	/* lazy temp files are fsynced by this many threads at once */
#define SYNC_THREADED	32	/* from this many entries on (fewer: one after the other) */

enum ent_kind {
	ENT_REPLACE = 'R',	/* the target exists: backup, rename over it */
	ENT_CREATE = 'C',	/* the target is absent: link into place (never over a file) */
	ENT_DELETE = 'D',	/* backup, then unlink the target */
};

struct ent {
	char		 kind;
	bool		 keep;		/* the backup stays after the commit */
	char		*target, *tmp, *backup;
	dev_t		 dev;
	ino_t		 new_ino, old_ino;
	bool		 linked;	/* in-process: the backup link is ours */
	bool		 lazy;		/* in-process: staged without an fsync (journal_file.lazy) */
};

struct journal {
	char			*label;
	char			 id[17];
	struct ent		*e;
	size_t			 n, cap;
	char			*path, *reg;
	int			 fd, regfd;
	enum journal_state	 state;
	bool			 broken, prepared, lazy;
	bool			 deferred;	/* the registry and the journal's head not yet fsynced */
	bool			 in_memory;	/* the journal is on tmpfs or ramfs */
	struct hindex		 by_target, by_dir;	/* entries by target, by its directory */
};

static void (*notice_fn)(const char *, void *);
static void *notice_arg;

void
journal_set_notice(void (*fn)(const char *msg, void *arg), void *arg)
{
	notice_fn = fn;
	notice_arg = arg;
}

static void recover_dir(const char *dir);
static bool in_memory(int fd);
static void notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
notice(const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (notice_fn == NULL)
		return;
	va_start(ap, fmt);
	m = xvstrprintf(fmt, ap);
	va_end(ap);
	notice_fn(m, notice_arg);
	free(m);
}

const char *
journal_state_dir(void)
{
	const char *s = getenv("SMTLS_STATE_DIR");

	return s != NULL && *s != '\0' ? s : SMTLS_STATE_DIR_DEFAULT;
}

static const char *
base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static char *
abs_path(const char *path)
{
	char cwd[4096];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	return xstrprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
}

static char *
sibling(const char *target, const char *id, const char *suffix)
{
	char *d = path_dirname(target), *r;

	r = xstrprintf("%s/.%s.smtls-%s%s", d, base_of(target), id, suffix);
	free(d);
	return r;
}

static bool
same_dir(const char *a, const char *b)
{
	char *da = path_dirname(a), *db = path_dirname(b);
	bool r = strcmp(da, db) == 0;

	free(da);
	free(db);
	return r;
}

/* lstat's inode, or 0 when path is absent (or unreadable). */
static ino_t
ino_of(const char *path, dev_t *dev)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return 0;
	if (dev != NULL)
		*dev = st.st_dev;
	return st.st_ino;
}

static int
unlink_quiet(const char *path, bool *removed)
{
	if (unlink(path) == 0) {
		if (removed != NULL)
			*removed = true;
		return 0;
	}
	return errno == ENOENT ? 0 : -1;
}

static void
fsync_dirs(const struct ent *e, size_t n, const char *also)
{
	struct hindex seen = { 0 };
	char **dirs = xreallocarray(NULL, n + 1, sizeof(*dirs));
	size_t i, k, it;

	/* each directory once: a rehash stages thousands of files in one */
	for (i = 0; i < n; i++) {
		uint64_t h;
		bool dup = false;

		dirs[i] = path_dirname(e[i].target);
		h = hash_str(dirs[i]);
		for (it = 0; !dup && hindex_next(&seen, h, &it, &k); )
			dup = strcmp(dirs[k], dirs[i]) == 0;
		if (!dup) {
			hindex_add(&seen, h, i);
			file_fsync_dir(e[i].target);
		}
	}
	strv_free(dirs, n);
	hindex_free(&seen);
	if (also != NULL)
		file_fsync_dir(also);
}

/* --- the three ways an entry can end --- */

/* Puts entry e's new version in place (or removes its target); idempotent. */
static int
ent_forward(struct ent *e, char **err)
{
	dev_t dev = 0;
#ifdef RENAME_NOREPLACE
	int en;
#endif

	switch (e->kind) {
	case ENT_REPLACE:
		if (ino_of(e->target, &dev) == e->new_ino && dev == e->dev)
			return 0;
		if (rename(e->tmp, e->target) == -1) {
			err_set(err, _("%s: cannot rename %s over it: %s"), e->target, e->tmp,
			    strerror(errno));
			return -1;
		}
		return 0;
	case ENT_CREATE:
#ifdef RENAME_NOREPLACE
		/* one call instead of link + unlink (and no lstat first: an existing target
		 * makes it fail, then the inode says whether it is ours, from an earlier try) */
		if (renameat2(AT_FDCWD, e->tmp, AT_FDCWD, e->target, RENAME_NOREPLACE) == 0)
			return 0;
		en = errno;
		if (en != EINVAL && en != ENOSYS && en != ENOTSUP &&
		    !(ino_of(e->target, &dev) == e->new_ino && dev == e->dev)) {
			err_set(err, en == EEXIST ? _("%s: appeared while smtls was writing it; "
			    "not replaced") : _("%s: cannot put the new file in place: %s"),
			    e->target, strerror(en));
			return -1;
		}
#endif
		if (!(ino_of(e->target, &dev) == e->new_ino && dev == e->dev) &&
		    link(e->tmp, e->target) == -1) {
			err_set(err, errno == EEXIST ? _("%s: appeared while smtls was writing it; "
			    "not replaced") : _("%s: cannot put the new file in place: %s"),
			    e->target, strerror(errno));
			return -1;
		}
		if (unlink_quiet(e->tmp, NULL) == -1) {
			err_set(err, "%s: %s", e->tmp, strerror(errno));
			return -1;
		}
		return 0;
	default:
		if (unlink_quiet(e->target, NULL) == -1) {
			err_set(err, _("%s: cannot remove it: %s"), e->target, strerror(errno));
			return -1;
		}
		return 0;
	}
}

/* Puts entry e's old state back (a committed set); idempotent. */
static int
ent_rollback(struct ent *e, char **err)
{
	dev_t dev = 0;
	ino_t t;

	if (e->tmp != NULL && unlink_quiet(e->tmp, NULL) == -1) {
		err_set(err, "%s: %s", e->tmp, strerror(errno));
		return -1;
	}
	if (e->kind == ENT_CREATE) {
		t = ino_of(e->target, &dev);
		if (t == e->new_ino && dev == e->dev && unlink(e->target) == -1) {
			err_set(err, _("%s: cannot remove the new file: %s"), e->target,
			    strerror(errno));
			return -1;
		}
		return 0;
	}
	if (e->old_ino == 0 || ino_of(e->backup, NULL) != e->old_ino)
		return 0;	/* nothing to back up, not taken, or already put back */
	t = ino_of(e->target, NULL);
	if (t == e->old_ino) {
		/* never replaced (rename of two links of one file does nothing) */
		if (unlink(e->backup) == -1) {
			err_set(err, "%s: %s", e->backup, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (rename(e->backup, e->target) == -1) {
		err_set(err, _("%s: cannot put the old version back from %s: %s"), e->target,
		    e->backup, strerror(errno));
		return -1;
	}
	return 0;
}

/* An uncommitted set: nothing was renamed; removes its temp files and backup links. */
static int
ent_cleanup(struct ent *e, bool in_process, bool *removed)
{
	dev_t d1 = 0, d2 = 0;
	ino_t b;
	int r = 0;

	if (e->tmp != NULL && unlink_quiet(e->tmp, removed) == -1)
		r = -1;
	if (e->backup != NULL && (!in_process || e->linked) && (b = ino_of(e->backup, &d1)) != 0 &&
	    b == ino_of(e->target, &d2) && d1 == d2 && unlink_quiet(e->backup, removed) == -1)
		r = -1;
	return r;
}

static bool
ent_forwardable(const struct ent *e)
{
	dev_t dev = 0;

	if (e->kind == ENT_DELETE)
		return ino_of(e->target, NULL) == 0 || ino_of(e->backup, NULL) == e->old_ino;
	if (ino_of(e->target, &dev) == e->new_ino && dev == e->dev)
		return true;
	return ino_of(e->tmp, &dev) == e->new_ino && dev == e->dev;
}

/* 1 when a backup was removed, 0 when none was (nothing to fsync), -1 with *err. */
static int
drop_backups(struct ent *e, size_t n, char **err)
{
	size_t i;
	bool removed = false;

	for (i = 0; i < n; i++)
		if (e[i].backup != NULL && !e[i].keep &&
		    unlink_quiet(e[i].backup, &removed) == -1) {
			err_set(err, "%s: %s", e[i].backup, strerror(errno));
			return -1;
		}
	return removed ? 1 : 0;
}

static int
roll_forward(struct ent *e, size_t n, char **err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ent_forward(&e[i], err) == -1)
			return -1;
	fsync_dirs(e, n, NULL);
	switch (drop_backups(e, n, err)) {
	case -1:
		return -1;
	case 1:
		fsync_dirs(e, n, NULL);
		break;
	}
	return 0;
}

static int
roll_back(struct ent *e, size_t n, char **err)
{
	size_t i;
	int r = 0;

	for (i = n; i-- > 0; ) {
		char *e1 = NULL;

		/* go on with the others: put back as much as can be */
		if (ent_rollback(&e[i], &e1) == -1) {
			if (r == 0)
				err_set(err, "%s", e1);
			free(e1);
			r = -1;
		}
	}
	fsync_dirs(e, n, NULL);
	return r;
}

static void
ents_free(struct ent *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].target);
		free(e[i].tmp);
		free(e[i].backup);
	}
	free(e);
}

/* --- the journal and the registry --- */

static int
append(int fd, const char *s)
{
	return file_write_all(fd, s, strlen(s)) == -1 || fsync(fd) == -1 ? -1 : 0;
}

static int
mkdirs(const char *dir, mode_t mode)
{
	char *p = xstrdup(dir), *s, c;
	int r = 0;

	for (s = p + 1; r == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, mode) == -1 && errno != EEXIST)
			r = -1;
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return r;
}

/* Creates the registry file (locked) naming j->path; a notice (once) when it cannot. */
static void
registry_write(struct journal *j, bool lazy)
{
	static bool told;
	const char *sd = journal_state_dir();
	char *line;
	int fd, e;

	if (mkdirs(sd, 0700) == -1) {
		e = errno;
		goto fail;
	}
	j->reg = xstrprintf("%s/%s%s", sd, REG_PREFIX, j->id);
	fd = open(j->reg, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		e = errno;
		xfree(j->reg);
		goto fail;
	}
	(void)flock(fd, LOCK_EX | LOCK_NB);
	line = xstrprintf("%s\n", j->path);
	if ((lazy ? file_write_all(fd, line, strlen(line)) : append(fd, line)) == -1) {
		e = errno;
		free(line);
		close(fd);
		unlink(j->reg);
		xfree(j->reg);
		goto fail;
	}
	free(line);
	if (!lazy)
		file_fsync_dir(j->reg);
	j->regfd = fd;
	return;
fail:
	if (!told)
		notice(_("cannot use the state directory %s (%s): an interrupted change is "
		    "recovered only when smtls next writes in the same directory"), sd,
		    strerror(e));
	told = true;
}

static void
registry_remove(struct journal *j)
{
	/*
	 * No fsync of the state directory: a registry file that comes back after a power
	 * cut names a journal that is gone (journal_close() made its removal durable), and
	 * recovery just removes it.
	 */
	if (j->reg != NULL) {
		unlink(j->reg);
		xfree(j->reg);
	}
	if (j->regfd != -1)
		close(j->regfd);
	j->regfd = -1;
}

/* Removes the journal and its registry file: the set is over. */
static int
journal_close(struct journal *j)
{
	int r = 0;

	if (j->path != NULL) {
		r = unlink(j->path) == -1 && errno != ENOENT ? -1 : 0;
		file_fsync_dir(j->path);
	}
	if (j->fd != -1)
		close(j->fd);
	j->fd = -1;
	if (r == 0)
		registry_remove(j);
	return r;
}

struct journal *
journal_begin(const char *label)
{
	struct journal *j = xcalloc(1, sizeof(*j));
	unsigned char r[8];
	size_t i;

	j->label = xstrdup(label);
	j->fd = j->regfd = -1;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		/* the id only has to differ from other runs' */
		unsigned long x = (unsigned long)getpid() * 2654435761u ^ (unsigned long)(size_t)j;

		memcpy(r, &x, sizeof(r) < sizeof(x) ? sizeof(r) : sizeof(x));
	}
	for (i = 0; i < sizeof(r); i++)
		snprintf(j->id + 2 * i, 3, "%02x", r[i]);
	j->state = JOURNAL_OPEN;
	return j;
}

/* The first entry: the registry file, then the journal beside target. */
static int
journal_open(struct journal *j, const char *target, bool lazy, char **err)
{
	char *d = path_dirname(target), *head;

	j->path = xstrprintf("%s/%s%s", d, JOURNAL_PREFIX, j->id);
	free(d);
	registry_write(j, lazy);
	j->fd = open(j->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC,
	    0600);
	if (j->fd == -1) {
		err_set(err, _("%s: cannot write: %s (the journal %s)"), target, strerror(errno),
		    j->path);
		xfree(j->path);
		registry_remove(j);
		return -1;
	}
	(void)flock(j->fd, LOCK_EX | LOCK_NB);
	j->in_memory = in_memory(j->fd);
	head = xstrprintf("smtls-journal 1\t%s\n", j->label);
	if ((lazy ? file_write_all(j->fd, head, strlen(head)) : append(j->fd, head)) == -1) {
		err_set(err, _("%s: cannot write: %s (the journal %s)"), target, strerror(errno),
		    j->path);
		free(head);
		journal_close(j);
		xfree(j->path);
		return -1;
	}
	free(head);
	if (lazy)
		j->deferred = true;	/* made durable with the files (sync_lazy()) */
	else
		file_fsync_dir(j->path);
	return 0;
}

/*
 * The registry file and the journal's head made durable, when a lazy first entry left
 * that for later: before the commit record, or before an entry that is not lazy (its
 * temp file must never outlive a journal that names it).
 */
static int
undefer(struct journal *j, bool with_dir)
{
	if (!j->deferred)
		return 0;
	if (j->regfd != -1 && fsync(j->regfd) == -1)
		return -1;
	if (j->reg != NULL)
		file_fsync_dir(j->reg);
	if (fsync(j->fd) == -1)
		return -1;
	/* with_dir false: journal_backup() fsyncs every target's directory next, and the
	 * journal is beside the first target */
	if (with_dir)
		file_fsync_dir(j->path);
	j->deferred = false;
	return 0;
}

/* Checks target and adds its entry line to the journal (before any file is made). */
static struct ent *
entry_new(struct journal *j, const char *path, char kind_if_absent, bool new_only,
    const char *backup, bool lazy, bool *existed, struct stat *old, char **err)
{
	struct ent *e;
	char *target, *line, *dir;
	bool seen = false;
	size_t i, it;

	if (j->broken || j->state != JOURNAL_OPEN) {
		err_set(err, "%s: %s", path, _("the set of files was already abandoned"));
		return NULL;
	}
	if (strpbrk(path, "\t\n") != NULL || (backup != NULL && strpbrk(backup, "\t\n"))) {
		err_set(err, _("%s: a file name with a tab or a line break cannot be written "
		    "safely"), path);
		return NULL;
	}
	*existed = lstat(path, old) == 0;
	if (!*existed && errno != ENOENT) {
		err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (*existed && S_ISLNK(old->st_mode)) {
		err_set(err, _("%s: is a symbolic link; refusing to write through it"), path);
		return NULL;
	}
	if (*existed && !S_ISREG(old->st_mode)) {
		err_set(err, _("%s: exists and is not a regular file"), path);
		return NULL;
	}
	if (*existed && new_only) {
		err_set(err, _("%s: already exists"), path);
		return NULL;
	}
	target = abs_path(path);
	for (it = 0; hindex_next(&j->by_target, hash_str(target), &it, &i); )
		if (strcmp(j->e[i].target, target) == 0) {
			err_set(err, _("%s: named twice in one set"), path);
			free(target);
			return NULL;
		}
	dir = path_dirname(target);
	for (it = 0; !seen && hindex_next(&j->by_dir, hash_str(dir), &it, &i); )
		seen = same_dir(j->e[i].target, target);
	if (!seen)
		recover_dir(dir);
	if (backup != NULL && !same_dir(backup, path)) {
		err_set(err, _("%s: its backup %s must be in the same directory"), path, backup);
		free(target);
		free(dir);
		return NULL;
	}
	if (j->fd == -1 && journal_open(j, target, lazy, err) == -1) {
		free(target);
		free(dir);
		return NULL;
	}
	if (j->n == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 16;
		j->e = xreallocarray(j->e, j->cap, sizeof(*j->e));
	}
	e = &j->e[j->n];
	memset(e, 0, sizeof(*e));
	e->target = target;
	e->kind = *existed ? (kind_if_absent == ENT_DELETE ? ENT_DELETE : ENT_REPLACE) :
	    kind_if_absent;
	if (e->kind != ENT_DELETE)
		e->tmp = sibling(target, j->id, "");
	if (e->kind != ENT_CREATE) {
		e->keep = backup != NULL;
		e->backup = backup ? abs_path(backup) : sibling(target, j->id, ".old");
	}
	e->lazy = lazy;
	line = xstrprintf("E\t%c\t%d\t%s\t%s\t%s\n", e->kind, e->keep, e->target,
	    e->tmp ? e->tmp : "-", e->backup ? e->backup : "-");
	if ((!lazy && undefer(j, true) == -1) ||
	    (lazy ? file_write_all(j->fd, line, strlen(line)) : append(j->fd, line)) == -1) {
		err_set(err, _("%s: cannot write: %s (the journal %s)"), path, strerror(errno),
		    j->path);
		free(line);
		free(e->target);
		free(e->tmp);
		free(e->backup);
		free(dir);
		j->broken = true;
		return NULL;
	}
	free(line);
	hindex_add(&j->by_target, hash_str(target), j->n);
	hindex_add(&j->by_dir, hash_str(dir), j->n);
	free(dir);
	j->n++;
	return e;
}

/*
 * The process's umask, read once: from /proc (umask() can only be read by setting it,
 * which another thread creating a file at that moment would see); else by umask().
 */
static mode_t
umask_of(void)
{
	static mode_t um = (mode_t)-1;
	char buf[2048], *p;
	ssize_t n;
	int fd;

	if (um != (mode_t)-1)
		return um;
	if ((fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if ((p = strstr(buf, "\nUmask:\t")) != NULL)
			um = (mode_t)strtoul(p + 8, NULL, 8) & 0777;
	}
	if (um == (mode_t)-1) {
		um = umask(022);
		(void)umask(um);
	}
	return um;
}

int
journal_add(struct journal *j, const struct journal_file *f, char **err)
{
	struct stat old, st;
	const struct stat *like;
	struct ent *e;
	bool existed, public;
	int fd, en;

	e = entry_new(j, f->target, ENT_CREATE, f->new_only, f->backup, f->lazy, &existed, &old,
	    err);
	if (e == NULL)
		return -1;
	like = f->like ? f->like : (f->keep_owner && existed ? &old : NULL);
	/*
	 * 0600 from the first byte, the final mode once the content is written; but a file
	 * for everyone to read (a certificate) holds nothing to hide while it is written: it
	 * is created with its mode, and the fchmod() is left out when the umask kept it.
	 */
	public = like == NULL && (f->mode & 0004) != 0;
	fd = open(e->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    public ? f->mode & 0777 : 0600);
	if (fd == -1) {
		err_set(err, _("%s: cannot create a temporary file beside it: %s"), f->target,
		    strerror(errno));
		j->broken = true;
		return -1;
	}
	if (file_write_all(fd, f->data, f->len) == -1 ||
	    (like != NULL && fchown(fd, like->st_uid, like->st_gid) == -1 && errno != EPERM) ||
	    ((!public || (f->mode & (07000 | umask_of()))) &&
	    fchmod(fd, like ? like->st_mode & 07777 : f->mode) == -1) ||
	    (!f->lazy && fsync(fd) == -1) || fstat(fd, &st) == -1) {
		en = errno;
		close(fd);
		goto fail;
	}
#ifdef SYNC_FILE_RANGE_WRITE
	/* a lazy file's write-back starts now, while the next ones are written; the fsync
	 * in sync_lazy() then mostly waits for what is already under way */
	if (f->lazy && !j->in_memory)
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
	if (close(fd) == -1) {
		en = errno;
		goto fail;
	}
	e->dev = st.st_dev;
	e->new_ino = st.st_ino;
	j->lazy |= f->lazy;
	return (int)(e - j->e);
fail:
	err_set(err, _("%s: cannot write: %s (the new file %s)"), f->target, strerror(en), e->tmp);
	j->broken = true;
	return -1;
}

int
journal_remove(struct journal *j, const char *path, const char *backup, char **err)
{
	struct stat old;
	struct ent *e;
	bool existed;

	e = entry_new(j, path, ENT_DELETE, false, backup, false, &existed, &old, err);
	if (e == NULL)
		return -1;
	if (!existed) {
		/* nothing to remove: the entry stays in the journal, harmless (ENT_DELETE of an
		 * absent file with no backup taken) */
		e->kind = ENT_DELETE;
	}
	return (int)(e - j->e);
}

const char *
journal_staged(const struct journal *j, int i)
{
	return i >= 0 && (size_t)i < j->n ? j->e[i].tmp : NULL;
}

bool
journal_existed(const struct journal *j, int i)
{
	return i >= 0 && (size_t)i < j->n && j->e[i].kind != ENT_CREATE;
}

enum journal_state
journal_state(const struct journal *j)
{
	return j->state;
}

/* Discards an uncommitted set. */
static void
discard(struct journal *j)
{
	size_t i;


	for (i = 0; i < j->n; i++)
		(void)ent_cleanup(&j->e[i], true, NULL);
	fsync_dirs(j->e, j->n, NULL);
	journal_close(j);
	j->state = JOURNAL_ROLLED_BACK;
}

/* The hard links to the old versions; records their inodes. */
static int
take_backups(struct journal *j, char **err)
{
	struct stat st;
	size_t i;

	for (i = 0; i < j->n; i++) {
		struct ent *e = &j->e[i];

		if (e->kind == ENT_CREATE) {
			/* (a lazy set of many new files leaves this to the rename, which never
			 * replaces a file either: the set is then rolled back) */
			if (!e->lazy && lstat(e->target, &st) == 0) {
				err_set(err, _("%s: appeared while smtls was writing it; not "
				    "replaced"), e->target);
				return -1;
			}
			continue;
		}
		if (lstat(e->target, &st) == -1 && errno == ENOENT && e->kind == ENT_DELETE)
			continue;	/* nothing to remove */
		if (link(e->target, e->backup) == -1) {
			err_set(err, errno == EEXIST ? _("%s: cannot back it up: %s already "
			    "exists") : _("%s: cannot back it up as %s: %s"), e->target, e->backup,
			    strerror(errno));
			return -1;
		}
		e->linked = true;
		if (lstat(e->backup, &st) == -1 || !S_ISREG(st.st_mode)) {
			err_set(err, _("%s: changed while smtls was writing it"), e->target);
			return -1;
		}
		e->old_ino = st.st_ino;
	}
	return 0;
}

/* One of the threads that fsync the temp files: entries k, k + SYNC_THREADS, ... */
struct sync_job {
	const struct journal	*j;
	size_t			 k, step;
	size_t			 failed;	/* the entry whose fsync failed, or SIZE_MAX */
	int			 err;
};

static void *
sync_some(void *arg)
{
	struct sync_job *s = arg;
	size_t i;
	int fd;

	for (i = s->k; i < s->j->n && s->failed == SIZE_MAX; i += s->step) {
		if (s->j->e[i].tmp == NULL)
			continue;
		fd = open(s->j->e[i].tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1 || fsync(fd) == -1) {
			s->failed = i;
			s->err = errno;
		}
		if (fd != -1)
			close(fd);
	}
	return NULL;
}

/* On a file system in memory an fsync has nothing to write. */
static bool
in_memory(int fd)
{
#ifdef __linux__
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC);
#else
	(void)fd;
	return false;
#endif
}

/*
 * The lazily written temp files and entry lines made durable: an fsync of each and of the
 * journal (their directory is fsynced before the commit record). Not syncfs(), which waits
 * for every other process's writes too; the fsyncs run in a few threads at once, so that
 * the file system commits and flushes for many of them together.
 */
static int
sync_lazy(struct journal *j, char **err)
{
	struct sync_job job[SYNC_THREADS];
	pthread_t th[SYNC_THREADS];
	bool started[SYNC_THREADS];
	size_t k, nt = j->in_memory ? 0 : j->n < SYNC_THREADED ? 1 : SYNC_THREADS;
	int r = 0;

	for (k = 0; k < nt; k++) {
		job[k] = (struct sync_job){ .j = j, .k = k, .step = nt, .failed = SIZE_MAX };
		started[k] = nt > 1 && pthread_create(&th[k], NULL, sync_some, &job[k]) == 0;
		if (!started[k])
			(void)sync_some(&job[k]);
	}
	for (k = 0; k < nt; k++) {
		if (started[k])
			(void)pthread_join(th[k], NULL);
		if (r == 0 && job[k].failed != SIZE_MAX) {
			err_set(err, _("%s: cannot write: %s (the new file %s)"),
			    j->e[job[k].failed].target, strerror(job[k].err),
			    j->e[job[k].failed].tmp);
			r = -1;
		}
	}
	if (r == 0 && ((j->deferred ? undefer(j, false) : fsync(j->fd)) == -1)) {
		err_set(err, _("%s: cannot write: %s (the journal)"), j->path, strerror(errno));
		r = -1;
	}
	return r;
}

int
journal_backup(struct journal *j, char **err)
{
	struct buf b = { 0 };
	size_t i;
	int r;

	if (j->state != JOURNAL_OPEN || j->broken) {
		err_set(err, "%s", _("the set of files was already abandoned"));
		return -1;
	}
	if (j->prepared || j->n == 0)
		return 0;
	if (j->lazy && sync_lazy(j, err) == -1) {
		discard(j);
		return -1;
	}
	if (take_backups(j, err) == -1) {
		discard(j);
		return -1;
	}
	fsync_dirs(j->e, j->n, NULL);
	for (i = 0; i < j->n; i++)
		buf_printf(&b, "I\t%zu\t%llu\t%llu\t%llu\n", i, (unsigned long long)j->e[i].dev,
		    (unsigned long long)j->e[i].new_ino, (unsigned long long)j->e[i].old_ino);
	buf_puts(&b, "commit\n");
	r = file_write_all(j->fd, b.data, b.len) == -1 || fsync(j->fd) == -1 ? -1 : 0;
	buf_free(&b);
	if (r == -1) {
		/* recovery reads an unsynced "commit" as uncommitted or committed: either way
		 * nothing is renamed yet, and discard() leaves no journal to read */
		err_set(err, _("%s: cannot write: %s (the journal)"), j->path, strerror(errno));
		discard(j);
		return -1;
	}
	j->prepared = true;
	return 0;
}

int
journal_commit(struct journal *j, char **err)
{
	char *e1 = NULL, *e2 = NULL;
	size_t i;
	int r;

	if (journal_backup(j, err) == -1)
		return -1;
	if (j->n == 0) {
		j->state = JOURNAL_COMMITTED;
		return 0;
	}
	for (i = 0; i < j->n; i++)
		if (ent_forward(&j->e[i], &e1) == -1)
			break;
	if (i == j->n) {
		fsync_dirs(j->e, j->n, NULL);
		/* a backup that cannot be dropped leaves the journal for the next start; the
		 * directories are fsynced again only when one was dropped (apply keeps its
		 * backups, a rehash makes none) */
		if ((r = drop_backups(j->e, j->n, &e2)) >= 0) {
			if (r == 1)
				fsync_dirs(j->e, j->n, NULL);
			journal_close(j);
		}
		free(e2);
		j->state = JOURNAL_COMMITTED;
		return 0;
	}
	(void)append(j->fd, "rollback\n");
	if (roll_back(j->e, j->n, &e2) == 0) {
		journal_close(j);
		j->state = JOURNAL_ROLLED_BACK;
		err_set(err, "%s", e1);
		free(e1);
		return -1;
	}
	j->state = JOURNAL_PENDING;
	err_set(err, _("%s; putting the old files back failed too (%s): the journal %s is kept, "
	    "and the next smtls command completes or undoes the change"), e1, e2, j->path);
	free(e1);
	free(e2);
	if (j->fd != -1)
		close(j->fd);
	j->fd = -1;
	if (j->regfd != -1)
		close(j->regfd);
	j->regfd = -1;
	xfree(j->reg);	/* kept on disk */
	xfree(j->path);
	return -1;
}

void
journal_free(struct journal *j)
{
	if (j == NULL)
		return;
	if (j->state == JOURNAL_OPEN)
		discard(j);

	hindex_free(&j->by_target);
	hindex_free(&j->by_dir);
	if (j->fd != -1)
		close(j->fd);
	if (j->regfd != -1)
		close(j->regfd);
	ents_free(j->e, j->n);
	free(j->label);
	free(j->path);
	free(j->reg);
	free(j);
}

/* --- recovery --- */

/* Splits a line at tabs into at most max fields; returns the count. */
static size_t
split_tabs(char *s, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = s;
		if ((s = strchr(s, '\t')) == NULL)
			break;
		*s++ = '\0';
	}
	return n;
}

/* An entry of a journal read back: its files must be where smtls puts them. */
static bool
ent_valid(const struct ent *e, const char *id)
{
	char *want;
	bool ok;

	if (e->target[0] != '/')
		return false;
	if (e->kind != ENT_DELETE) {
		want = sibling(e->target, id, "");
		ok = e->tmp != NULL && strcmp(want, e->tmp) == 0;
		free(want);
		if (!ok)
			return false;
	}
	if (e->kind == ENT_CREATE)
		return e->backup == NULL;
	if (e->backup == NULL || !same_dir(e->backup, e->target))
		return false;
	if (e->keep)
		return strstr(base_of(e->backup), ".smtls-") != NULL;
	want = sibling(e->target, id, ".old");
	ok = strcmp(want, e->backup) == 0;
	free(want);
	return ok;
}

struct parsed {
	char		*label;
	struct ent	*e;
	size_t		 n;
	bool		 committed, rollback;
};

static int
parse_journal(char *text, const char *id, struct parsed *p)
{
	char *line = text, *nl, *f[6];
	size_t nf, k;

	memset(p, 0, sizeof(*p));
	for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';	/* a last line without its newline was torn: ignored */
		nf = split_tabs(line, f, 6);
		if (p->label == NULL) {
			if (nf != 2 || strcmp(f[0], "smtls-journal 1") != 0)
				return -1;
			p->label = xstrdup(f[1]);
		} else if (nf == 6 && strcmp(f[0], "E") == 0 && !p->committed) {
			struct ent *e;

			p->e = xreallocarray(p->e, p->n + 1, sizeof(*p->e));
			e = &p->e[p->n++];
			memset(e, 0, sizeof(*e));
			e->kind = f[1][0];
			e->keep = strcmp(f[2], "1") == 0;
			e->target = xstrdup(f[3]);
			e->tmp = strcmp(f[4], "-") ? xstrdup(f[4]) : NULL;
			e->backup = strcmp(f[5], "-") ? xstrdup(f[5]) : NULL;
			if ((e->kind != ENT_REPLACE && e->kind != ENT_CREATE &&
			    e->kind != ENT_DELETE) || !ent_valid(e, id))
				return -1;
		} else if (nf == 5 && strcmp(f[0], "I") == 0 && !p->committed) {
			k = strtoul(f[1], NULL, 10);
			if (k >= p->n)
				return -1;
			p->e[k].dev = (dev_t)strtoull(f[2], NULL, 10);
			p->e[k].new_ino = (ino_t)strtoull(f[3], NULL, 10);
			p->e[k].old_ino = (ino_t)strtoull(f[4], NULL, 10);
		} else if (nf == 1 && strcmp(f[0], "commit") == 0)
			p->committed = true;
		else if (nf == 1 && strcmp(f[0], "rollback") == 0 && p->committed)
			p->rollback = true;
		else
			return -1;
	}
	/* no complete first line: the journal was being begun, nothing was made yet */
	return 0;
}

static void
report_add(struct journal_report *rep, const char *jpath, struct parsed *p,
    enum journal_outcome o, char *error)
{
	struct journal_recovered *r;
	size_t i;

	rep->v = xreallocarray(rep->v, rep->n + 1, sizeof(*rep->v));
	r = &rep->v[rep->n++];
	memset(r, 0, sizeof(*r));
	r->label = xstrdup(p->label ? p->label : "?");
	r->journal = xstrdup(jpath);
	r->outcome = o;
	r->error = error;
	r->files = xcalloc(p->n + 1, sizeof(*r->files));
	for (i = 0; i < p->n; i++)
		r->files[r->nfiles++] = xstrdup(p->e[i].target);
}

/*
 * Recovers the journal at jpath (locked by no one, owned by us). Returns 1 when it was
 * reported, 0 when it was silently dropped (it had made nothing), or skipped (live).
 */
static int
recover_one(const char *jpath, struct journal_report *rep)
{
	struct parsed p;
	struct stat st;
	const char *id = base_of(jpath) + strlen(JOURNAL_PREFIX);
	char *text = NULL, *msg = NULL;
	size_t len, i;
	enum file_status fst;
	bool removed = false;
	int fd, r = 1;

	fd = open(jpath, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_APPEND);
	if (fd == -1)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return 0;	/* a live set */
	}
	memset(&p, 0, sizeof(p));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) != 0) {
		err_set(&msg, _("%s: not a journal smtls wrote (owner or mode); left alone"), jpath);
		report_add(rep, jpath, &p, JOURNAL_STUCK, msg);
		close(fd);
		return 1;
	}
	if (file_read(jpath, JOURNAL_MAX, &text, &len, &fst, &msg) == -1 ||
	    parse_journal(text, id, &p) == -1) {
		if (msg == NULL)
			err_set(&msg, _("%s: a damaged journal; left alone"), jpath);
		report_add(rep, jpath, &p, JOURNAL_STUCK, msg);
		goto out;
	}
	if (!p.committed) {
		for (i = 0; i < p.n; i++)
			if (ent_cleanup(&p.e[i], false, &removed) == -1 && msg == NULL)
				err_set(&msg, "%s: %s", p.e[i].target, strerror(errno));
		fsync_dirs(p.e, p.n, NULL);
		if (msg != NULL)
			report_add(rep, jpath, &p, JOURNAL_STUCK, msg);
		else if (removed)
			report_add(rep, jpath, &p, JOURNAL_CLEANED, NULL);
		else
			r = 0;
	} else {
		bool fwd = !p.rollback;

		for (i = 0; fwd && i < p.n; i++)
			fwd = ent_forwardable(&p.e[i]);
		if (!fwd && !p.rollback)
			(void)append(fd, "rollback\n");
		if ((fwd ? roll_forward(p.e, p.n, &msg) : roll_back(p.e, p.n, &msg)) == -1) {
			report_add(rep, jpath, &p, JOURNAL_STUCK, msg);
			goto out;
		}
		report_add(rep, jpath, &p, fwd ? JOURNAL_COMPLETED : JOURNAL_UNDONE, NULL);
	}
	if (unlink(jpath) == 0)
		file_fsync_dir(jpath);
out:
	free(text);
	free(p.label);
	ents_free(p.e, p.n);
	close(fd);
	return r;
}

static bool
journal_name(const char *name)
{
	size_t pl = strlen(JOURNAL_PREFIX);

	return strncmp(name, JOURNAL_PREFIX, pl) == 0 && strlen(name + pl) == 16 &&
	    strspn(name + pl, "0123456789abcdef") == 16;
}

/* A registry file: recovers its journal, then removes it (unless the journal is kept). */
static int
recover_registered(const char *reg, struct journal_report *rep)
{
	char *text = NULL, *nl;
	size_t len, before = rep->n;
	enum file_status fst;
	int fd, r = 0;

	fd = open(reg, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return 0;
	}
	if (file_read(reg, 8192, &text, &len, &fst, NULL) == 0 &&
	    (nl = strchr(text, '\n')) != NULL) {
		*nl = '\0';
		if (text[0] == '/' && journal_name(base_of(text)))
			r = recover_one(text, rep);
	}
	/* a registry file without a complete line: its journal was never begun */
	if (rep->n == before || rep->v[rep->n - 1].outcome != JOURNAL_STUCK) {
		if (unlink(reg) == 0)
			file_fsync_dir(reg);
	}
	free(text);
	close(fd);
	return r;
}

int
journal_recover(const char *dir, struct journal_report *rep)
{
	const char *d = dir ? dir : journal_state_dir();
	struct dirent *de;
	DIR *dp;
	int found = 0;

	memset(rep, 0, sizeof(*rep));
	if ((dp = opendir(d)) == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL) {
		char *p;

		if (dir == NULL ? strncmp(de->d_name, REG_PREFIX, strlen(REG_PREFIX)) != 0 :
		    !journal_name(de->d_name))
			continue;
		p = xstrprintf("%s/%s", d, de->d_name);
		found += dir == NULL ? recover_registered(p, rep) : recover_one(p, rep);
		free(p);
	}
	closedir(dp);
	return found;
}

char *
journal_recovered_text(const struct journal_recovered *r)
{
	struct buf files = { 0 };
	size_t i;
	char *m;

	for (i = 0; i < r->nfiles; i++)
		buf_printf(&files, "%s%s", i ? ", " : "", r->files[i]);
	if (files.len == 0)
		buf_puts(&files, r->journal);
	switch (r->outcome) {
	case JOURNAL_COMPLETED:
		m = xstrprintf(_("an interrupted %s was completed: the new %s in place"),
		    r->label, files.data);
		break;
	case JOURNAL_UNDONE:
		m = xstrprintf(_("an interrupted %s was rolled back: %s as before it"), r->label,
		    files.data);
		break;
	case JOURNAL_CLEANED:
		m = xstrprintf(_("an interrupted %s had changed no file; its temporary files "
		    "were removed (%s)"), r->label, files.data);
		break;
	default:
		m = xstrprintf(_("an interrupted %s could be neither completed nor rolled back: "
		    "%s"), r->label, r->error ? r->error : "?");
		break;
	}
	buf_free(&files);
	return m;
}

/* Before a set writes in dir: the journals left there (found without the registry). */
static void
recover_dir(const char *dir)
{
	struct journal_report rep;
	size_t i;

	journal_recover(dir, &rep);
	for (i = 0; i < rep.n; i++) {
		char *m = journal_recovered_text(&rep.v[i]);

		notice("%s", m);
		free(m);
	}
	journal_report_free(&rep);
}

void
journal_report_free(struct journal_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++) {
		free(rep->v[i].label);
		free(rep->v[i].journal);
		free(rep->v[i].error);
		strv_free(rep->v[i].files, rep->v[i].nfiles);
	}
	free(rep->v);
	memset(rep, 0, sizeof(*rep));
}
