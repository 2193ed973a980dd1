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
 * sendmail's verdict on a TLS file it reads as root: safefile() with SFF_MUSTOWN and
 * SFF_REGONLY, in its order, as the real daemon showed (tests/dh-params-file.test,
 * tests/check-sendmail.test). Every caller judges a file through sf_verdict(), so the order
 * lives here once; what a caller says and advises for each refusal is its own.
 */
enum sf_refusal {
	SF_TAKEN,
	SF_DIR_WORLD,		/* a directory on the path: "World writable directory" */
	SF_DIR_GROUP,		/* "Group writable directory" */
	SF_MISSING,		/* stat() failed: strerror's words */
	SF_NOT_REGULAR,		/* "Regular files only" */
	SF_GROUP_WRITABLE,	/* "Group writable file" (checked before world) */
	SF_WORLD_WRITABLE,	/* "World writable file" */
	SF_NOT_OWNED,		/* neither root's nor the TrustedUser's: "Permission denied" */
	SF_OWNER_UNREADABLE,	/* its owner's read bit is off: "Permission denied" */
};

/* sendmail's words for a directory it refuses (it logs them untranslated) */
static const char *
dir_words(enum sf_refusal r)
{
	return r == SF_DIR_WORLD ? "World writable directory" : "Group writable directory";
}

/* Whether safedirpath() refuses the directory st: SF_DIR_WORLD, SF_DIR_GROUP or SF_TAKEN. */
static enum sf_refusal
dir_refusal(const struct check_ctx *c, const struct stat *st)
{
	bool sticky_ok = (st->st_mode & S_ISVTX) && c->trust_sticky;

	if ((st->st_mode & S_IWOTH) && !sticky_ok)
		return SF_DIR_WORLD;
	if ((st->st_mode & S_IWGRP) && !sticky_ok && !c->group_writable_dir)
		return SF_DIR_GROUP;
	return SF_TAKEN;
}

/*
 * The first directory on the way to path (from / down) that sendmail's safedirpath() refuses
 * (*dir; the caller frees it), and why; SF_TAKEN when none.
 */
static enum sf_refusal
unsafe_dir(struct check_ctx *c, const char *path, char **dir)
{
	char *abs = absolute(path), *p;
	enum sf_refusal r;
	struct stat st;

	/* each slash ends a directory: "/", "/etc", "/etc/mail", ... up to the file's own */
	for (p = abs; (p = strchr(p, '/')) != NULL; p++) {
		char *d = p == abs ? xstrdup("/") : xstrndup(abs, (size_t)(p - abs));

		if (stat(d, &st) == 0 && (r = dir_refusal(c, &st)) != SF_TAKEN) {
			free(abs);
			*dir = d;
			return r;
		}
		free(d);
	}
	free(abs);
	return SF_TAKEN;
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
 * Why sendmail refuses path, read as root, or SF_TAKEN; *why gets the words it logs
 * ('STARTTLS=server: file PATH unsafe: WHY'), *st the file's stat (when it has one), *dir the
 * directory refused (SF_DIR_*: the caller frees it). In sendmail's order: a directory on the
 * path others can write, no such file, a directory on the way to a symbolic link's target,
 * not a regular file, a group- then a world-writable file, a file neither root nor the
 * TrustedUser owns (SFF_MUSTOWN), a file its owner cannot read.
 */
static enum sf_refusal
sf_verdict(struct check_ctx *c, const char *path, struct stat *st, char **dir, const char **why)
{
	char real[PATH_MAX];
	enum sf_refusal r;

	*dir = NULL;
	if ((r = unsafe_dir(c, path, dir)) != SF_TAKEN) {
		*why = dir_words(r);
		return r;
	}
	if (stat(path, st) == -1) {
		*why = file_strerror(errno);
		return SF_MISSING;
	}
	/* a symbolic link (Let's Encrypt's live/ -> archive/): the target's path counts too */
	if (realpath(path, real) != NULL && strcmp(real, path) != 0 &&
	    (r = unsafe_dir(c, real, dir)) != SF_TAKEN) {
		*why = dir_words(r);
		return r;
	}
	*why = "Permission denied";	/* sendmail's strerror(EACCES), in its C locale */
	if (!S_ISREG(st->st_mode))
		return (*why = "Regular files only"), SF_NOT_REGULAR;
	if (st->st_mode & S_IWGRP)
		return (*why = "Group writable file"), SF_GROUP_WRITABLE;
	if (st->st_mode & S_IWOTH)
		return (*why = "World writable file"), SF_WORLD_WRITABLE;
	if (st->st_uid != 0 && !is_trusted_user(c, st->st_uid))
		return SF_NOT_OWNED;
	if (!(st->st_mode & S_IRUSR))
		return SF_OWNER_UNREADABLE;
	*why = NULL;
	return SF_TAKEN;
}

static void
report_dir(struct check_ctx *c, enum plan_field f, const char *path, const char *dir,
    enum sf_refusal r)
{
	struct finding *fd;
	struct stat st;
	bool known = stat(dir, &st) == 0, sticky = known && (st.st_mode & S_ISVTX);
	/* a 0777 directory: o-w alone would leave it group writable, which sendmail refuses
	 * too unless GroupWritableDirPathSafe is set */
	bool group_too = known && (st.st_mode & S_IWGRP) && !c->group_writable_dir;

	fd = findings_add(c->out, "file.unsafe", SEV_ERROR, path,
	    _("sendmail refuses it: the directory %s on its path can be written by others than "
	    "root (sendmail logs 'STARTTLS=%s: file %s unsafe: %s'), so it uses no STARTTLS"),
	    dir, check_side(c, f), path, dir_words(r));
	/* never advise chmod on a sticky directory such as /tmp: others rely on it */
	if (sticky)
		finding_set_fix(fd, _("move the file to a directory only root can write (e.g. "
		    "/etc/mail/tls), or accept sticky directories: "
		    "define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')"));
	else if (r == SF_DIR_WORLD && !group_too)
		finding_set_fix(fd, _("chmod o-w %s, or move the file to a directory only root "
		    "can write (e.g. /etc/mail/tls)"), dir);
	else if (r == SF_DIR_WORLD)
		finding_set_fix(fd, _("chmod go-w %s, or move the file to a directory only root "
		    "can write (e.g. /etc/mail/tls)"), dir);
	else
		finding_set_fix(fd, _("chmod g-w %s, or move the file to a directory only root "
		    "can write (e.g. /etc/mail/tls)"), dir);
	finding_set_reproduce(fd, "namei -l %s", path);
}

void
check_file_safety(struct check_ctx *c, enum plan_field f, const char *path, bool is_key)
{
	const char *side = check_side(c, f), *why;
	char *dir;
	struct finding *fd;
	struct stat st;
	enum sf_refusal r;
	mode_t m;

	if (stat(path, &st) == -1)
		return;		/* the loader reports it */
	/* one file named twice (certificate and CACertFile, or certificate and key): sendmail
	 * refuses it for each use, but it is one file with one fix */
	if (findings_has(c->out, "file.unsafe", path))
		return;
	r = sf_verdict(c, path, &st, &dir, &why);
	m = st.st_mode & 07777;
	switch (r) {
	case SF_DIR_WORLD:
	case SF_DIR_GROUP:
		report_dir(c, f, path, dir, r);
		free(dir);
		return;
	case SF_MISSING:
		return;		/* gone since: the loader reports it */
	case SF_NOT_REGULAR:
		/* a directory named as a file: its own mode as safedirpath() judges it; a FIFO,
		 * socket or device: the loader says "not a regular file", as sendmail's
		 * safefile() does; its mode means nothing here (no chmod advice) */
		if (S_ISDIR(st.st_mode) && (r = dir_refusal(c, &st)) != SF_TAKEN)
			report_dir(c, f, path, path, r);
		return;
	case SF_GROUP_WRITABLE:
	case SF_WORLD_WRITABLE:
		/* sendmail checks group before world: mode 0666 is a 'Group writable file' */
		fd = findings_add(c->out, "file.unsafe", SEV_ERROR, path,
		    _("sendmail refuses it: mode %04o lets others than root change it (sendmail logs "
		    "'STARTTLS=%s: file %s unsafe: %s')"), (unsigned)m, side, path, why);
		finding_set_fix(fd, "chmod go-w %s", path);
		finding_set_reproduce(fd, "stat -c '%%a %%U:%%G %%n' %s", path);
		return;
	case SF_NOT_OWNED:
	case SF_OWNER_UNREADABLE:
		/* the MSP reads them as smmsp, whose own files it takes too (check-msp.c) */
		if (c->plan->msp)
			break;
		if (r == SF_NOT_OWNED) {
			const struct passwd *pw = getpwuid(st.st_uid);
			char uid[32];

			snprintf(uid, sizeof(uid), "%lu", (unsigned long)st.st_uid);
			fd = findings_add(c->out, "file.unsafe", SEV_ERROR, path,
			    _("sendmail refuses it: it belongs to %s, not root (sendmail logs "
			    "'STARTTLS=%s: file %s unsafe: Permission denied'; only a file of root or of "
			    "its TrustedUser is taken)"), pw != NULL ? pw->pw_name : uid, side, path);
			finding_set_fix(fd, "chown root %s", path);
		} else {
			fd = findings_add(c->out, "file.unsafe", SEV_ERROR, path,
			    _("sendmail refuses it: mode %04o does not let its owner read it (sendmail "
			    "logs 'STARTTLS=%s: file %s unsafe: Permission denied')"), (unsigned)m, side,
			    path);
			finding_set_fix(fd, "chmod u+r %s", path);
		}
		finding_set_reproduce(fd, "stat -c '%%a %%U:%%G %%n' %s", path);
		return;
	case SF_TAKEN:
		break;
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
	enum sf_refusal r;
	struct stat sb;
	struct finding *f;
	size_t len;
	int bits;

	/* sendmail's fall-back in every case below: its included prime, as it logs
	 * 'Diffie-Hellman init, key=2048 bit (I)'; STARTTLS goes on */
	if ((r = sf_verdict(c, path, &sb, &dir, &why)) != SF_TAKEN) {
		f = findings_add(c->out, "dh.file-unusable", SEV_WARNING, path,
		    _("DHParameters names this file, but sendmail refuses it: it logs "
		    "'STARTTLS=server: file %s unsafe: %s' and uses its included 2048-bit prime "
		    "instead ('Diffie-Hellman init, key=2048 bit (I)'); STARTTLS works, without "
		    "these parameters"), path, why);
		switch (r) {
		case SF_DIR_WORLD:
		case SF_DIR_GROUP:
			dh_fix(f, path, xstrprintf(_("chmod go-w %s, or move the file to a directory "
			    "only root can write"), dir));
			break;
		case SF_MISSING:
			dh_fix(f, path, NULL);
			break;
		case SF_NOT_REGULAR:
			dh_fix(f, path, xstrdup(_("point confDH_PARAMETERS at a regular file")));
			break;
		case SF_GROUP_WRITABLE:
		case SF_WORLD_WRITABLE:
			dh_fix(f, path, xstrprintf("chmod go-w %s", path));
			break;
		case SF_NOT_OWNED:
			dh_fix(f, path, xstrprintf("chown root %s", path));
			break;
		case SF_OWNER_UNREADABLE:
			dh_fix(f, path, xstrprintf("chmod u+r %s", path));
			break;
		case SF_TAKEN:
			break;
		}
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
