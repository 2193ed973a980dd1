/* check-files.c: sendmail's safefile() rules for TLS files: writable paths and readable keys. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "check-int.h"
#include "smtls/fileio.h"
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

/* Whether the cf's TrustedUser (a name or a number) is the user uid. */
static bool
is_trusted_user(const struct check_ctx *c, uid_t uid)
{
	const char *tu = c->plan->trusted_user;
	const struct passwd *pw;
	char *end;
	unsigned long n;

	if (tu == NULL || *tu == '\0')
		return false;
	n = strtoul(tu, &end, 10);
	if (*end == '\0')
		return n == (unsigned long)uid;
	return (pw = getpwnam(tu)) != NULL && pw->pw_uid == uid;
}

/*
 * Whether sendmail, reading a TLS file as root, refuses it for its owner (safefile() with
 * SFF_MUSTOWN: root must own it, or the TrustedUser; and the owner's read bit must be set):
 * it logs 'unsafe: Permission denied'.
 */
static bool
owner_refused(const struct check_ctx *c, const struct stat *st)
{
	return (st->st_uid != 0 && !is_trusted_user(c, st->st_uid)) || !(st->st_mode & S_IRUSR);
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
	/* sendmail checks group before world: mode 0666 is a 'Group writable file' */
	if (m & (S_IWGRP | S_IWOTH)) {
		fd = findings_add(c->out, "file.unsafe", SEV_ERROR, path,
		    _("sendmail refuses it: mode %04o lets others than root change it (sendmail logs "
		    "'STARTTLS=%s: file %s unsafe: %s')"), (unsigned)m, side, path,
		    (m & S_IWGRP) ? _("Group writable file") : _("World writable file"));
		finding_set_fix(fd, "chmod go-w %s", path);
		finding_set_reproduce(fd, "stat -c '%%a %%U:%%G %%n' %s", path);
		return;
	}
	/* the MSP reads them as smmsp, whose own files it takes too (check-msp.c judges it) */
	if (!c->plan->msp && owner_refused(c, &st)) {
		const struct passwd *pw = getpwuid(st.st_uid);
		char uid[32];

		snprintf(uid, sizeof(uid), "%lu", (unsigned long)st.st_uid);
		if (st.st_uid != 0)
			fd = findings_add(c->out, "file.unsafe", SEV_ERROR, path,
			    _("sendmail refuses it: it belongs to %s, not root (sendmail logs "
			    "'STARTTLS=%s: file %s unsafe: Permission denied'; only a file of root or of "
			    "its TrustedUser is taken)"), pw != NULL ? pw->pw_name : uid, side, path);
		else
			fd = findings_add(c->out, "file.unsafe", SEV_ERROR, path,
			    _("sendmail refuses it: mode %04o does not let its owner read it (sendmail "
			    "logs 'STARTTLS=%s: file %s unsafe: Permission denied')"), (unsigned)m, side,
			    path);
		finding_set_fix(fd, st.st_uid != 0 ? "chown root %s" : "chmod u+r %s", path);
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

/*
 * Why sendmail refuses a TLS file it reads as root, in the words it logs ('STARTTLS=server:
 * file PATH unsafe: WHY'), or NULL when it takes it. In its order, as the real daemon showed
 * with DHParameters files (tests/dh-params-file.test): a directory on the path others can
 * write (*dir: that directory; caller frees), no such file, not a regular file, a group-
 * then a world-writable file, and a file not owned by root or not readable by its owner.
 */
static const char *
sendmail_refusal(struct check_ctx *c, const char *path, char **dir)
{
	const char *why = NULL;
	char real[PATH_MAX];
	struct stat st;

	if ((*dir = unsafe_dir(c, path, &why)) != NULL)
		return why;
	if (stat(path, &st) == -1)
		return file_strerror(errno);
	if (realpath(path, real) != NULL && strcmp(real, path) != 0 &&
	    (*dir = unsafe_dir(c, real, &why)) != NULL)
		return why;
	if (!S_ISREG(st.st_mode))
		return "Regular files only";
	if (st.st_mode & S_IWGRP)
		return "Group writable file";
	if (st.st_mode & S_IWOTH)
		return "World writable file";
	if (owner_refused(c, &st))
		return file_strerror(EACCES);
	return NULL;
}

/* The fix of a DH parameter file at path: first (NULL: none; freed here), or new parameters
 * there, or the keyword that needs no file. */
static void
dh_fix(struct finding *f, const char *path, char *first)
{
	finding_set_fix(f, _("%s%swrite 2048-bit parameters to %s: openssl genpkey -genparam "
	    "-algorithm DH -pkeyopt dh_param:ffdhe2048 -out %s; or use sendmail's own 2048-bit "
	    "prime: define(`confDH_PARAMETERS', `i') and rebuild sendmail.cf"), first ? first : "",
	    first ? _("; or ") : "", path, path);
	free(first);
}

void
check_dh_file(struct check_ctx *c, const char *path)
{
	const char *why;
	char *dir = NULL, *data = NULL, *err = NULL;
	enum file_status st;
	struct finding *f;
	size_t len;
	int bits;

	/* sendmail's fall-back in every case below: its included prime, as it logs
	 * 'Diffie-Hellman init, key=2048 bit (I)'; STARTTLS goes on */
	if ((why = sendmail_refusal(c, path, &dir)) != NULL) {
		f = findings_add(c->out, "dh.file-unusable", SEV_WARNING, path,
		    _("DHParameters names this file, but sendmail refuses it: it logs "
		    "'STARTTLS=server: file %s unsafe: %s' and uses its included 2048-bit prime "
		    "instead ('Diffie-Hellman init, key=2048 bit (I)'); STARTTLS works, without "
		    "these parameters"), path, why);
		if (dir != NULL)
			dh_fix(f, path, xstrprintf(_("chmod go-w %s, or move the file to a directory "
			    "only root can write"), dir));
		else if (strcmp(why, file_strerror(ENOENT)) == 0)
			dh_fix(f, path, NULL);
		else if (strcmp(why, "Regular files only") == 0)
			dh_fix(f, path, xstrdup(_("point confDH_PARAMETERS at a regular file")));
		else if (strstr(why, "writable") != NULL)
			dh_fix(f, path, xstrprintf("chmod go-w %s", path));
		else
			dh_fix(f, path, xstrprintf("chown root %s && chmod u+r %s", path, path));
		finding_set_reproduce(f, "ls -lL %s", path);
		free(dir);
		return;
	}
	if (file_read(path, CERT_FILE_MAX, &data, &len, &st, &err) == -1 ||
	    dh_pem_bits(data, len, &bits, &err) == -1) {
		f = findings_add(c->out, "dh.not-dh", SEV_WARNING, path,
		    _("DHParameters names this file, but %s: sendmail logs 'STARTTLS=server, error: "
		    "cannot read DH parameters(%s): ...' and uses its included 2048-bit prime instead "
		    "('Diffie-Hellman init, key=2048 bit (I)'); STARTTLS works, without these "
		    "parameters"), err ? err : "?", path);
		dh_fix(f, path, NULL);
		finding_set_reproduce(f, "openssl pkeyparam -in %s -noout -text", path);
	} else if (bits < DH_MIN_BITS) {
		f = findings_add(c->out, "dh.weak", SEV_WARNING, path,
		    _("the DH parameters in this file have %d bits: sendmail loads them "
		    "('Diffie-Hellman init, key=%d bit (/)'), but they are below the %d bits of "
		    "OpenSSL's default security level, so sendmail offers no DHE cipher at all (with "
		    "no DHParameters it would offer DHE with its included 2048-bit prime; ECDHE and "
		    "TLS 1.3 are unaffected)"), bits, bits, DH_MIN_BITS);
		dh_fix(f, path, NULL);
		finding_set_reproduce(f, "openssl pkeyparam -in %s -noout -text", path);
	} else
		check_ok(c, "dh.weak", path, _("the DH parameters file is readable by sendmail and "
		    "holds parameters of 2048 bits or more"));
	free(data);
	free(err);
}
