/* hook.c: fill in the certbot deploy-hook template and install it under renewal-hooks/deploy. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smtls/cert.h"
#include "smtls/emit.h"
#include "smtls/fileio.h"
#include "smtls/hook.h"
#include "smtls/i18n.h"
#include "smtls/journal.h"
#include "smtls/pki.h"
#include "smtls/xmalloc.h"

#define HOOK_MAX	(64 * 1024)

char *
hook_template_path(void)
{
	char *dir = emit_snippets_dir(), *path;	/* the templates' directory, shared with emit */

	path = xstrprintf("%s/" HOOK_TEMPLATE, dir);
	free(dir);
	return path;
}

static const char *
or_empty(const char *s)
{
	return s ? s : "";
}

static const char *const hook_whats[] = { "cert", "chain", "fullchain", "privkey" };

static bool
hook_what_known(const char *what)
{
	size_t i;

	for (i = 0; i < sizeof(hook_whats) / sizeof(hook_whats[0]); i++)
		if (strcmp(what, hook_whats[i]) == 0)
			return true;
	return false;
}

int
hook_copy_parse(const char *s, struct hook_copy *out, char **err)
{
	const char *eq = strchr(s, '=');
	size_t i;

	for (i = 0; eq != NULL && i < sizeof(hook_whats) / sizeof(hook_whats[0]); i++) {
		if (strlen(hook_whats[i]) == (size_t)(eq - s) &&
		    strncmp(s, hook_whats[i], (size_t)(eq - s)) == 0) {
			out->what = hook_whats[i];
			out->dest = eq + 1;
			if (out->dest[0] != '/') {
				err_set(err, _("'%s': the destination must be an absolute path"), s);
				return -1;
			}
			return 0;
		}
	}
	err_set(err, _("'%s': expected cert=PATH, chain=PATH, fullchain=PATH or "
	    "privkey=PATH"), s);
	return -1;
}

/* "cert:/etc/mail/tls/cert.pem|privkey:..." for the template's COPIES. */
static char *
copies_text(const struct hook_params *p)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < p->n_copies; i++)
		buf_printf(&b, "%s%s:%s", i ? "|" : "", p->copies[i].what, p->copies[i].dest);
	return b.data ? buf_release(&b) : xstrdup("");
}

char *
hook_render(const char *tmpl, const struct hook_params *p)
{
	char *copies = copies_text(p);
	const char *const keys[][2] = {
		{ "SMTLS", or_empty(p->smtls) }, { "LINEAGE", or_empty(p->lineage) },
		{ "COPIES", copies }, { "RESTART", or_empty(p->restart) },
		{ "HOSTNAME", or_empty(p->hostname) },
	};
	struct buf out = { 0 };
	const char *at, *v;
	size_t i, klen, n = sizeof(keys) / sizeof(keys[0]);

	while ((at = strchr(tmpl, '@')) != NULL) {
		buf_append(&out, tmpl, (size_t)(at - tmpl));
		for (i = 0; i < n; i++) {
			klen = strlen(keys[i][0]);
			if (strncmp(at + 1, keys[i][0], klen) == 0 && at[1 + klen] == '@')
				break;
		}
		if (i == n) {
			buf_append(&out, "@", 1);
			tmpl = at + 1;
			continue;
		}
		/* the template puts each value inside '...': a ' ends it, so it is spelled '\'' */
		for (v = keys[i][1]; *v != '\0'; v++) {
			if (*v == '\'')
				buf_puts(&out, "'\\''");
			else
				buf_append(&out, v, 1);
		}
		tmpl = at + 2 + klen;
	}
	buf_puts(&out, tmpl);
	free(copies);
	return buf_release(&out);
}

static bool
one_line(const char *s)
{
	return s == NULL || strpbrk(s, "\n\r") == NULL;
}

static int
check_copy(const struct hook_copy *c, char **err)
{
	struct stat st;
	char *dir;
	int rc = 0;

	if (strpbrk(c->dest, "|>\n\r") != NULL) {
		err_set(err, _("%s: a copy destination may not contain '|' or '>'"), c->dest);
		return -1;
	}
	if (lstat(c->dest, &st) == 0 && !S_ISREG(st.st_mode)) {
		err_set(err, _("%s: a symlink or not a regular file; smtls never writes "
		    "through it"), c->dest);
		return -1;
	}
	dir = path_dirname(c->dest);
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		err_set(err, _("%s: the directory of a copy must exist (and not be a "
		    "symlink)"), dir);
		rc = -1;
	}
	free(dir);
	return rc;
}

/*
 * The smtls the hook runs: certbot runs it as root at every renewal, so, as sendmail's
 * safefile() rules demand of what root reads, it and every directory on its path (as named,
 * and after its symbolic links) must belong to root or the installing user and be writable
 * by nobody else (a sticky directory excepted). -1 with err naming smtls and the file or directory at fault.
 */
static int
trusted_node(const char *smtls, const char *path, bool *open_sticky, char **err)
{
	struct stat st;
	bool dir;
	unsigned mode;

	if (stat(path, &st) == -1) {
		err_set(err, "%s: %s: %s", smtls, path, file_strerror(errno));
		return -1;
	}
	dir = S_ISDIR(st.st_mode);
	mode = (unsigned)(st.st_mode & 07777);
	*open_sticky = dir && (mode & S_ISVTX) && (mode & (S_IWGRP | S_IWOTH));
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		if (dir)
			err_set(err, _("%s: the directory %s on its path belongs to uid %u, not to "
			    "root or you: certbot runs the hook as root at every renewal, and that "
			    "user could replace the smtls it runs"), smtls, path,
			    (unsigned)st.st_uid);
		else
			err_set(err, _("%s: belongs to uid %u, not to root or you: certbot runs the "
			    "hook as root at every renewal, and that user could change it"), path,
			    (unsigned)st.st_uid);
		return -1;
	}
	/* A sticky directory (/tmp) lets nobody rename or remove what others own in it: the
	 * next name on the path, checked next, must be root's or ours (sendmail's
	 * TrustStickyBit). */
	if ((mode & (S_IWGRP | S_IWOTH)) && !*open_sticky) {
		const char *who = (mode & S_IWOTH) ? _("every user") : _("its group");

		if (dir)
			err_set(err, _("%s: the directory %s on its path is writable by %s (mode "
			    "%04o): certbot runs the hook as root at every renewal, and they could "
			    "replace the smtls it runs (chmod go-w %s)"), smtls, path, who, mode, path);
		else
			err_set(err, _("%s: writable by %s (mode %04o): certbot runs the hook as "
			    "root at every renewal, and they could change it (chmod go-w %s)"), path,
			    who, mode, path);
		return -1;
	}
	return 0;
}

/*
 * In a sticky directory that others can write, its owner may still replace an entry: the
 * name itself (a symbolic link included, lstat) must be root's or ours.
 */
static int
trusted_entry(const char *smtls, const char *path, bool in_sticky, char **err)
{
	struct stat st;

	if (!in_sticky || lstat(path, &st) == -1 || st.st_uid == 0 || st.st_uid == geteuid())
		return 0;	/* stat() in trusted_node says what is wrong when lstat fails */
	err_set(err, _("%s: %s belongs to uid %u, not to root or you, in a sticky directory that "
	    "others can write: that user could replace it"), smtls, path, (unsigned)st.st_uid);
	return -1;
}

/* path and each directory above it, from / down. */
static int
trusted_path(const char *smtls, const char *path, char **err)
{
	const char *p;
	char *dir;
	bool sticky = false;
	int rc = 0;

	for (p = path; rc == 0 && (p = strchr(p, '/')) != NULL; p++) {
		dir = p == path ? xstrdup("/") : xstrndup(path, (size_t)(p - path));
		rc = trusted_entry(smtls, dir, sticky, err);
		if (rc == 0)
			rc = trusted_node(smtls, dir, &sticky, err);
		free(dir);
	}
	if (rc == 0)
		rc = trusted_entry(smtls, path, sticky, err);
	return rc == 0 ? trusted_node(smtls, path, &sticky, err) : -1;
}

static int
check_smtls(const char *smtls, char **err)
{
	char *real;
	struct stat st;
	int rc;

	if (smtls == NULL || smtls[0] != '/') {
		err_set(err, _("%s: not an executable smtls (an absolute path is needed)"),
		    or_empty(smtls));
		return -1;
	}
	if (stat(smtls, &st) == -1) {
		err_set(err, _("%s: %s (the smtls the hook would run)"), smtls,
		    file_strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || access(smtls, X_OK) != 0) {
		err_set(err, _("%s: not an executable smtls (an absolute path is needed)"), smtls);
		return -1;
	}
	if (trusted_path(smtls, smtls, err) == -1)
		return -1;
	if ((real = realpath(smtls, NULL)) == NULL) {
		err_set(err, "%s: %s", smtls, file_strerror(errno));
		return -1;
	}
	rc = strcmp(real, smtls) == 0 ? 0 : trusted_path(smtls, real, err);
	free(real);
	return rc;
}

/* Each destination: absolute, not a symlink, in an existing directory, named once. */
static int
check_copies(const struct hook_copy *copies, size_t n, char **err)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (copies[i].dest[0] != '/') {
			err_set(err, _("%s: a copy destination must be an absolute path"),
			    copies[i].dest);
			return -1;
		}
		if (check_copy(&copies[i], err) == -1)
			return -1;
		for (j = 0; j < i; j++) {
			if (strcmp(copies[i].dest, copies[j].dest) == 0) {
				err_set(err, _("%s: two copies to the same file"), copies[i].dest);
				return -1;
			}
		}
	}
	return 0;
}

static int
hook_check(const struct hook_params *p, char **err)
{
	struct stat st;

	if (!one_line(p->smtls) || !one_line(p->lineage) || !one_line(p->restart) ||
	    !one_line(p->hostname)) {
		err_set(err, "%s", _("hook values must each fit on one line"));
		return -1;
	}
	if (p->restart == NULL || *p->restart == '\0') {
		err_set(err, "%s", _("the hook needs a restart command"));
		return -1;
	}
	if (p->lineage != NULL && strchr(p->lineage, '/') != NULL) {
		err_set(err, _("'%s': a lineage is a name under live/, not a path"), p->lineage);
		return -1;
	}
	if (p->n_copies > 0 && (p->lineage == NULL || *p->lineage == '\0')) {
		err_set(err, "%s", _("copying needs a lineage name, so that another lineage's "
		    "renewal is never copied where sendmail reads"));
		return -1;
	}
	if (check_copies(p->copies, p->n_copies, err) == -1)
		return -1;
	if (p->hostname != NULL && *p->hostname != '\0' && !pki_name_valid(p->hostname, NULL)) {
		err_set(err, _("'%s' is not a host name"), p->hostname);
		return -1;
	}
	if (check_smtls(p->smtls, err) == -1)
		return -1;
	if (stat(p->le_dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		err_set(err, _("%s: no such directory: is certbot installed?"), p->le_dir);
		return -1;
	}
	return 0;
}

char *
hook_script(const struct hook_params *p, char **err)
{
	enum file_status fst;
	char *tpath, *tmpl = NULL, *script;
	size_t len;

	if (hook_check(p, err) == -1)
		return NULL;
	tpath = hook_template_path();
	if (file_read(tpath, HOOK_MAX, &tmpl, &len, &fst, err) == -1) {
		free(tpath);
		return NULL;
	}
	free(tpath);
	script = hook_render(tmpl, p);
	free(tmpl);
	return script;
}

int
hook_install(const struct hook_params *p, char **path, char **err)
{
	struct pki_out_file file;
	char *script, *hooks, *deploy;
	bool made_hooks = false, made_deploy = false;
	int rc = -1;

	*path = NULL;
	if ((script = hook_script(p, err)) == NULL)
		return -1;
	hooks = xstrprintf("%s/renewal-hooks", p->le_dir);
	deploy = xstrprintf("%s/deploy", hooks);
	file = (struct pki_out_file){ HOOK_NAME, script, strlen(script), 0755 };
	if (pki_outdir_prepare(hooks, 0755, &made_hooks, err) == 0 &&
	    pki_outdir_prepare(deploy, 0755, &made_deploy, err) == 0 &&
	    pki_write_files(deploy, &file, 1, p->force, err) == 0) {
		*path = xstrprintf("%s/" HOOK_NAME, deploy);
		rc = 0;
	} else {
		if (made_deploy)
			(void)rmdir(deploy);
		if (made_hooks)
			(void)rmdir(hooks);
	}
	free(hooks);
	free(deploy);
	free(script);
	return rc;
}

int
hook_copy_files(const char *dir, const struct hook_copy *copies, size_t n, bool *pending,
    char **err)
{
	struct journal *j;
	enum file_status fst;
	char *src, *data;
	size_t i, len;
	int rc = -1;

	*pending = false;
	if (n == 0) {
		err_set(err, "%s", _("no file to copy"));
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!hook_what_known(copies[i].what)) {
			err_set(err, _("'%s': expected cert, chain, fullchain or privkey"),
			    copies[i].what);
			return -1;
		}
	if (check_copies(copies, n, err) == -1)
		return -1;
	/* every new version staged beside its target before any is replaced: all or none */
	j = journal_begin("hook copy");
	for (i = 0; i < n; i++) {
		bool key = strcmp(copies[i].what, "privkey") == 0;
		struct journal_file f = { .target = copies[i].dest, .mode = key ? 0600 : 0644 };
		int r;

		src = xstrprintf("%s/%s.pem", dir, copies[i].what);
		if (file_read(src, CERT_FILE_MAX, &data, &len, &fst, err) == -1) {
			free(src);
			goto out;
		}
		free(src);
		f.data = data;
		f.len = len;
		r = journal_add(j, &f, err);
		if (key)
			pki_free_secret(data, len);
		else
			free(data);
		if (r == -1)
			goto out;
	}
	if (journal_commit(j, err) == 0)
		rc = 0;
	else
		*pending = journal_state(j) == JOURNAL_PENDING;
out:
	journal_free(j);
	return rc;
}

/* Appends " flag value" to b when value is set, the value quoted for sh. */
static void
hook_flag(struct buf *b, const char *flag, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	buf_printf(b, " %s ", flag);
	emit_shell_word(b, value);
}

char *
hook_command(const struct hook_params *p)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s hook install", PACKAGE);
	hook_flag(&b, "--dir", p->le_dir);
	hook_flag(&b, "--lineage", p->lineage);
	hook_flag(&b, "--restart", p->restart);
	hook_flag(&b, "--hostname", p->hostname);
	hook_flag(&b, "--smtls", p->smtls);
	if (p->force)
		buf_puts(&b, " --force");
	return buf_release(&b);
}
