/* certmake.c: the files of each certificate source, made once for the CLI and the wizard. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smtls/ca.h"
#include "smtls/certmake.h"
#include "smtls/emit.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"

int
certmake_names_add(struct certmake_names *ns, const char *name, char **err)
{
	size_t i;

	if (!pki_name_valid(name, err))
		return -1;
	for (i = 0; i < ns->n; i++)
		if (strcasecmp(ns->v[i], name) == 0)
			return 0;
	ns->v = xreallocarray(ns->v, ns->n + 1, sizeof(*ns->v));
	ns->v[ns->n++] = xstrdup(name);
	return 0;
}

int
certmake_names_parse(struct certmake_names *ns, const char *list, char **err)
{
	char *copy = xstrdup(list ? list : ""), *tok, *save = NULL;
	int rc = 0;

	for (tok = strtok_r(copy, ", \t", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ", \t", &save))
		rc = certmake_names_add(ns, tok, err);
	free(copy);
	return rc;
}

void
certmake_names_free(struct certmake_names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	ns->v = NULL;
	ns->n = 0;
}

int
certmake_params(struct pki_cert_params *p, const struct certmake_names *ns, time_t not_before,
    int days, char **err)
{
	memset(p, 0, sizeof(*p));
	if (ns->n == 0) {
		err_set(err, "%s", _("give at least one name (this server's host name)"));
		return -1;
	}
	p->profile = PKI_PROFILE_SERVER;
	p->common_name = strlen(ns->v[0]) <= 64 ? ns->v[0] : NULL;
	p->names = (const char *const *)ns->v;
	p->n_names = ns->n;
	p->not_before = not_before;
	p->days = days;
	return 0;
}

const char *
certmake_leaf_cacert(bool issued)
{
	return issued ? CA_CERT_FILE : CERTMAKE_CERT;
}

const char *
certmake_import_cacert(const struct pki_bundle *b)
{
	return b->chain.n > 0 ? CERTMAKE_CHAIN : CERTMAKE_CERT;
}

static void
add_file(struct certmake *m, const char *name, const char *data, size_t len, mode_t mode)
{
	m->files[m->n_files++] = (struct pki_out_file){ name, data, len, mode };
}

static int
encode_key(struct certmake *m, char **err)
{
	if ((m->keypem = pki_key_pem(&m->key, &m->keylen)) == NULL) {
		err_set(err, "%s", _("cannot encode the private key"));
		return -1;
	}
	return 0;
}

int
certmake_leaf(struct certmake *m, const struct pki_key_spec *spec,
    const struct pki_cert_params *p, const struct cert *issuer, const struct key *issuer_key,
    char **err)
{
	memset(m, 0, sizeof(*m));
	if (pki_key_generate(spec, &m->key, err) == -1 ||
	    pki_cert_issue(p, &m->key, issuer, issuer_key, &m->cert, err) == -1 ||
	    encode_key(m, err) == -1)
		return -1;
	pki_cert_pem(&m->pem[0], &m->cert);
	add_file(m, CERTMAKE_CERT, m->pem[0].data, m->pem[0].len, 0644);
	add_file(m, CERTMAKE_KEY, m->keypem, m->keylen, 0600);
	m->cacert = certmake_leaf_cacert(issuer != NULL);
	if (issuer != NULL) {
		/* the CA: our issuer for clients, and the anchor the organisation's servers share */
		pki_cert_pem(&m->pem[1], issuer);
		add_file(m, CA_CERT_FILE, m->pem[1].data, m->pem[1].len, 0644);
	}
	return 0;
}

int
certmake_csr(struct certmake *m, const struct pki_key_spec *spec, const struct key *key,
    const struct pki_cert_params *p, char **err)
{
	memset(m, 0, sizeof(*m));
	if (key == NULL && pki_key_generate(spec, &m->key, err) == -1)
		return -1;
	if (pki_csr_make(p, key ? key : &m->key, &m->csrpem, err) == -1)
		return -1;
	add_file(m, CERTMAKE_CSR, m->csrpem, strlen(m->csrpem), 0644);
	if (key == NULL) {
		if (encode_key(m, err) == -1)
			return -1;
		add_file(m, CERTMAKE_KEY, m->keypem, m->keylen, 0600);
	}
	return 0;
}

int
certmake_import(struct certmake *m, const struct pki_bundle *b, char **err)
{
	struct buf *leaf = &m->pem[0], *chain = &m->pem[1], *full = &m->pem[2];
	size_t i;

	memset(m, 0, sizeof(*m));
	if (b->incomplete) {
		err_set(err, _("an intermediate certificate is missing: nothing links %s to a "
		    "root.\n  Missing: the certificate of %s\n  Get it from your CA and import "
		    "again with it added."),
		    b->chain.n ? b->chain.v[b->chain.n - 1].subject : b->leaf.subject,
		    b->missing ? b->missing : "?");
		return -1;
	}
	pki_cert_pem(leaf, &b->leaf);
	for (i = 0; i < b->chain.n; i++)
		pki_cert_pem(chain, &b->chain.v[i]);
	buf_append(full, leaf->data, leaf->len);
	if (chain->len > 0)
		buf_append(full, chain->data, chain->len);
	add_file(m, CERTMAKE_CERT, leaf->data, leaf->len, 0644);
	if (chain->len > 0)
		add_file(m, CERTMAKE_CHAIN, chain->data, chain->len, 0644);
	add_file(m, CERTMAKE_FULLCHAIN, full->data, full->len, 0644);
	m->cacert = certmake_import_cacert(b);
	return 0;
}

void
certmake_free(struct certmake *m)
{
	size_t i;

	pki_free_secret(m->keypem, m->keylen);
	free(m->csrpem);
	for (i = 0; i < sizeof(m->pem) / sizeof(m->pem[0]); i++)
		buf_free(&m->pem[i]);
	cert_clear(&m->cert);
	key_clear(&m->key);
	memset(m, 0, sizeof(*m));
}

int
certmake_write(const char *dir, mode_t dir_mode, const struct pki_out_file *files, size_t n,
    bool force, char **err)
{
	bool created = false;

	if (pki_outdir_prepare(dir, dir_mode, &created, err) == -1)
		return -1;
	if (pki_write_files(dir, files, n, force, err) == -1) {
		if (created)
			(void)rmdir(dir);
		return -1;
	}
	return 0;
}

int
certmake_replace_plan(const char *dir, const struct pki_out_file *files, size_t n,
    time_t now, struct certmake_replace *r, char **err)
{
	struct stat st;
	size_t i;
	int dirfd;

	memset(r, 0, sizeof(*r));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd == -1) {
		if (errno == ENOENT)
			return 0;	/* a new directory: every file is new */
		err_set(err, errno == ELOOP || errno == ENOTDIR ? _("%s: the output directory is "
		    "a symbolic link or not a directory; refusing to write through it") : "%s: %s",
		    dir, strerror(errno));
		return -1;
	}
	r->names = xreallocarray(NULL, n ? n : 1, sizeof(*r->names));
	for (i = 0; i < n; i++) {
		if (fstatat(dirfd, files[i].name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (!S_ISREG(st.st_mode)) {
			err_set(err, S_ISLNK(st.st_mode) ? _("%s/%s: is a symbolic link; refusing "
			    "to replace it") : _("%s/%s: exists and is not a regular file"), dir,
			    files[i].name);
			close(dirfd);
			certmake_replace_free(r);
			return -1;
		}
		r->names[r->n++] = files[i].name;
	}
	if (r->n > 0) {
		r->suffix = backup_suffix_for(dirfd, (const char *const *)r->names, r->n, now);
		r->backups = xreallocarray(NULL, r->n, sizeof(*r->backups));
		for (i = 0; i < r->n; i++)
			r->backups[i] = xstrprintf("%s.smtls-%s", r->names[i], r->suffix);
	}
	close(dirfd);
	return 0;
}

void
certmake_replace_free(struct certmake_replace *r)
{
	size_t i;

	for (i = 0; r->backups != NULL && i < r->n; i++)
		free(r->backups[i]);
	free(r->backups);
	free(r->names);
	free(r->suffix);
	memset(r, 0, sizeof(*r));
}

int
certmake_write_replacing(const char *dir, mode_t dir_mode, const struct pki_out_file *files,
    size_t n, const struct certmake_replace *r, char **err)
{
	const char **backups = xreallocarray(NULL, n ? n : 1, sizeof(*backups));
	bool created = false;
	size_t i, k;
	int rc = -1;

	for (i = 0; i < n; i++) {
		backups[i] = NULL;
		for (k = 0; k < r->n; k++)
			if (strcmp(files[i].name, r->names[k]) == 0)
				backups[i] = r->backups[k];
	}
	if (pki_outdir_prepare(dir, dir_mode, &created, err) == 0) {
		rc = pki_write_files_backup(dir, files, n, false, backups, err);
		if (rc == -1 && created)
			(void)rmdir(dir);
	}
	free(backups);
	return rc;
}

/* Appends " flag value" to b, the value quoted for sh (emit_shell_word). */
static void
command_flag(struct buf *b, const char *flag, const char *value)
{
	buf_printf(b, " %s ", flag);
	emit_shell_word(b, value);
}

char *
certmake_command(const char *verb, const char *ca_dir, const struct certmake_names *ns,
    const char *key_type, const char *out)
{
	struct buf b = { 0 };
	size_t i;

	buf_printf(&b, "%s %s", PACKAGE, verb);
	if (ca_dir != NULL)
		command_flag(&b, "--ca", ca_dir);
	for (i = 0; ns != NULL && i < ns->n; i++)
		command_flag(&b, i == 0 ? "--hostname" : "--san", ns->v[i]);
	if (key_type != NULL)
		command_flag(&b, "--key-type", key_type);
	command_flag(&b, "--out", out);
	return buf_release(&b);
}

char *
certmake_import_command(const char *key, const char *bundle, const char *roots,
    const char *out, bool replace)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s import", PACKAGE);
	command_flag(&b, "--key", key);
	if (roots != NULL)
		command_flag(&b, "--roots", roots);
	buf_puts(&b, " ");
	emit_shell_word(&b, bundle);
	command_flag(&b, "--out", out);
	if (replace)
		buf_puts(&b, " --replace");
	return buf_release(&b);
}
