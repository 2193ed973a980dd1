/* check-files.c: sendmail's safefile() rules for TLS files: writable paths and readable keys. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-int.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

/* The absolute form of path without resolving symbolic links (sendmail checks the path as named). */
static char *
absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	return xstrprintf("%s/%s", cwd, path);
}

/*
 * The first directory on the way to path (from / down) that sendmail's safedirpath() refuses,
 * or NULL; *why gets sendmail's words for it.
 */
static char *
unsafe_dir(struct check_ctx *c, const char *path, const char **why)
{
	char *abs = absolute(path), *p;
	struct stat st;

	/* each slash ends a directory: "/", "/etc", "/etc/mail", ... up to the file's own */
	for (p = abs; (p = strchr(p, '/')) != NULL; p++) {
		char *dir = p == abs ? xstrdup("/") : xstrndup(abs, (size_t)(p - abs));

		if (stat(dir, &st) == 0) {
			bool sticky_ok = (st.st_mode & S_ISVTX) && c->trust_sticky;

			if ((st.st_mode & S_IWOTH) && !sticky_ok) {
				*why = _("World writable directory");
				free(abs);
				return dir;
			}
			if ((st.st_mode & S_IWGRP) && !sticky_ok && !c->group_writable_dir) {
				*why = _("Group writable directory");
				free(abs);
				return dir;
			}
		}
		free(dir);
	}
	free(abs);
	return NULL;
}

static void
report_dir(struct check_ctx *c, enum plan_field f, const char *path, const char *dir,
    const char *why)
{
	struct finding *fd;
	struct stat st;
	bool sticky = stat(dir, &st) == 0 && (st.st_mode & S_ISVTX);

	fd = findings_add(c->out, "file.unsafe", SEV_ERROR, path,
	    _("sendmail refuses it: the directory %s on its path can be written by others than "
	    "root (sendmail logs 'STARTTLS=%s: file %s unsafe: %s'), so it uses no STARTTLS"),
	    dir, check_side(c, f), path, why);
	/* never advise chmod on a sticky directory such as /tmp: others rely on it */
	if (sticky)
		finding_set_fix(fd, _("move the file to a directory only root can write (e.g. "
		    "/etc/mail/tls), or accept sticky directories: "
		    "define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')"));
	else if (strcmp(why, _("World writable directory")) == 0)
		finding_set_fix(fd, _("chmod o-w %s, or move the file to a directory only root "
		    "can write (e.g. /etc/mail/tls)"), dir);
	else
		finding_set_fix(fd, _("chmod g-w %s, or move the file to a directory only root "
		    "can write (e.g. /etc/mail/tls)"), dir);
	finding_set_reproduce(fd, "namei -l %s", path);
}

void
check_file_safety(struct check_ctx *c, enum plan_field f, const char *path, bool is_key)
{
	const char *side = check_side(c, f), *why = NULL;
	char real[PATH_MAX], *dir;
	struct finding *fd;
	struct stat st;
	mode_t m;

	if (stat(path, &st) == -1)
		return;		/* the loader reports it */
	/* one file named twice (certificate and CACertFile, or certificate and key): sendmail
	 * refuses it for each use, but it is one file with one fix */
	if (findings_has(c->out, "file.unsafe", path))
		return;
	m = st.st_mode & 07777;
	if ((dir = unsafe_dir(c, path, &why)) != NULL) {
		report_dir(c, f, path, dir, why);
		free(dir);
		return;
	}
	/* a symbolic link (Let's Encrypt's live/ -> archive/): the target's path counts too */
	if (realpath(path, real) != NULL && strcmp(real, path) != 0 &&
	    (dir = unsafe_dir(c, real, &why)) != NULL) {
		report_dir(c, f, path, dir, why);
		free(dir);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		bool sticky_ok = (st.st_mode & S_ISVTX) && c->trust_sticky;

		if ((m & S_IWOTH) && !sticky_ok)
			report_dir(c, f, path, path, _("World writable directory"));
		else if ((m & S_IWGRP) && !sticky_ok && !c->group_writable_dir)
			report_dir(c, f, path, path, _("Group writable directory"));
		return;
	}
	/* a FIFO, socket or device: the loader says "not a regular file", as sendmail's
	 * safefile() does; its mode means nothing here (no chmod advice) */
	if (!S_ISREG(st.st_mode))
		return;
	if (m & (S_IWGRP | S_IWOTH)) {
		fd = findings_add(c->out, "file.unsafe", SEV_ERROR, path,
		    _("sendmail refuses it: mode %04o lets others than root change it (sendmail logs "
		    "'STARTTLS=%s: file %s unsafe: %s')"), (unsigned)m, side, path,
		    (m & S_IWOTH) ? _("World writable file") : _("Group writable file"));
		finding_set_fix(fd, "chmod go-w %s", path);
		finding_set_reproduce(fd, "stat -c '%%a %%U:%%G %%n' %s", path);
		return;
	}
	if (!is_key)
		return;
	if (m & S_IROTH) {
		fd = findings_add(c->out, "key.readable", SEV_ERROR, path,
		    _("every local user can read this private key (mode %04o); sendmail refuses it "
		    "('STARTTLS=%s: file %s unsafe: World readable file') and uses no STARTTLS"),
		    (unsigned)m, side, path);
		finding_set_fix(fd, "chmod 600 %s", path);
		finding_set_reproduce(fd, "stat -c '%%a %%U:%%G %%n' %s", path);
	} else if (m & S_IRGRP) {
		if (c->group_readable_key) {
			fd = findings_add(c->out, "key.readable", SEV_INFO, path,
			    _("the private key is group readable (mode %04o); accepted because "
			    "DontBlameSendmail has GroupReadableKeyFile: keep the group to root and "
			    "smmsp"), (unsigned)m);
		} else {
			fd = findings_add(c->out, "key.readable", SEV_ERROR, path,
			    _("the private key is group readable (mode %04o); sendmail refuses it "
			    "('STARTTLS=%s: file %s unsafe: Group readable file') and uses no "
			    "STARTTLS"), (unsigned)m, side, path);
			finding_set_fix(fd, _("chmod 600 %s, or (Debian's layout, key root:smmsp "
			    "0640) define(`confDONT_BLAME_SENDMAIL', `GroupReadableKeyFile')"), path);
		}
		finding_set_reproduce(fd, "stat -c '%%a %%U:%%G %%n' %s", path);
	} else
		check_ok(c, "key.readable", path, _("only root can read the private key"));
}
