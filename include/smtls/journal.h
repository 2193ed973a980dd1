/*
 * journal.h: one transaction over a set of files (all new versions in place, or none),
 * with a journal beside the files and recovery of an interrupted transaction.
 *
 * Use:	j = journal_begin("apply");
 *	journal_add(j, &file, &err) for each file of the set (the new version is written to a
 *	    temp file beside its target now: journal_staged() names it, e.g. for a check);
 *	journal_remove(j, path, NULL, &err) for a file the set removes;
 *	journal_commit(j, &err) (journal_backup() first, if wanted): backups, the commit record, the renames, and the journal
 *	    removed; on failure journal_state() says whether the files are as before
 *	    (JOURNAL_ROLLED_BACK) or the journal is kept for the next start (JOURNAL_PENDING);
 *	journal_free(j) (before a commit: discards the temp files, nothing changed).
 * Every smtls command starts with journal_recover(NULL, &report) (src/cli/main.c).
 */
#ifndef SMTLS_JOURNAL_H
#define SMTLS_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct journal;

/* One new version of a file. */
struct journal_file {
	const char		*target;	/* the file's path; never written through a symlink */
	const void		*data;
	size_t			 len;
	mode_t			 mode;		/* for a new file (0600 for a key: from the first byte) */
	const struct stat	*like;		/* or NULL: the mode and owner of this (e.g. a backup) */
	bool			 keep_owner;	/* the mode and owner of the existing target, if any */
	bool			 new_only;	/* an existing target is an error ("already exists") */
	const char		*backup;	/* keep the old version under this name (same directory,
						 * a hard link) after the commit, or NULL: drop it */
	bool			 lazy;		/* public files (rehash's certificates, apply's
						 * world-readable mc and cf): their write-back
						 * starts at once and they are fsynced in batches, the
						 * last by journal_backup(). Never
						 * for a key: after a power cut (not a kill) a temp
						 * file may stay behind */
};

enum journal_state {
	JOURNAL_OPEN,		/* files being added */
	JOURNAL_COMMITTED,	/* every new version is in place */
	JOURNAL_ROLLED_BACK,	/* failed; every file is as it was before */
	JOURNAL_PENDING,	/* failed, and undoing failed too: the journal is kept and the next
				 * smtls command completes or rolls back the set */
};

/* label: what the set is ("apply", "undo", "selfsigned", ...), shown by the recovery. */
struct journal *journal_begin(const char *label);
/* Stages f: returns its index, or -1 with *err naming the file (the set is then unusable:
 * journal_free() it). */
int journal_add(struct journal *j, const struct journal_file *f, char **err);
/* At the commit, path is removed (restored if the set rolls back); backup as above. */
int journal_remove(struct journal *j, const char *path, const char *backup, char **err);
/* The temp file that holds the new version of entry i (NULL for a removal). */
const char *journal_staged(const struct journal *j, int i);
/* True when entry i's target existed when it was added. */
bool journal_existed(const struct journal *j, int i);
/* Optional, before journal_commit() (which does it when not done): takes the backups
 * (hard links) and writes the commit record; from then on an interrupted set is completed.
 * -1 with *err: the set is discarded (JOURNAL_ROLLED_BACK). */
int journal_backup(struct journal *j, char **err);
/* 0 when every change is in place; -1 with *err (see journal_state()). */
int journal_commit(struct journal *j, char **err);
enum journal_state journal_state(const struct journal *j);
/* Frees j; an uncommitted set is discarded (temp files removed, no file changed). */
void journal_free(struct journal *j);

/* Recovery of interrupted sets. */
enum journal_outcome {
	JOURNAL_COMPLETED,	/* every new version is now in place */
	JOURNAL_UNDONE,		/* every file is back as it was before the interrupted command */
	JOURNAL_CLEANED,	/* it had changed no file; its temp files were removed */
	JOURNAL_STUCK,		/* could not be completed nor undone (error); the journal is kept */
};

struct journal_recovered {
	char			*label;
	char			*journal;	/* its path */
	enum journal_outcome	 outcome;
	char			**files;	/* the targets of the set */
	size_t			 nfiles;
	char			*error;		/* JOURNAL_STUCK: why */
};

struct journal_report {
	struct journal_recovered	*v;
	size_t				 n;
};

/*
 * Completes (when every new file is in place or staged and the set was committed) or rolls
 * back every unfinished set: those the state directory's registry names (dir NULL), or the
 * journals in dir. Sets still being worked on by a live process are left alone. Returns the
 * number of sets found (reported in rep; journal_report_free() it).
 */
int journal_recover(const char *dir, struct journal_report *rep);
void journal_report_free(struct journal_report *rep);
/* The one line that says what recovering r did (caller frees). */
char *journal_recovered_text(const struct journal_recovered *r);

/* $SMTLS_STATE_DIR, or configure's localstatedir/lib/smtls. */
const char *journal_state_dir(void);
/*
 * Where the core has something to say outside a result (the state directory cannot be
 * used: journals then live beside the files only, and are recovered when smtls next writes
 * in that directory; a set recovered there), it calls fn once per message. NULL: silence.
 */
void journal_set_notice(void (*fn)(const char *msg, void *arg), void *arg);

#endif
