/* lineage.c: read /etc/letsencrypt/live lineages through their archive symlinks and name the root of each chain. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "smtls/i18n.h"
#include "smtls/lineage.h"
#include "smtls/xmalloc.h"


const char *
lineage_gen_name(enum lineage_gen gen)
{
	switch (gen) {
	case LINEAGE_GEN_X:
		return "X";
	case LINEAGE_GEN_Y:
		return "Y";
	case LINEAGE_GEN_LEGACY:
		return "legacy";
	default:
		return "unknown";
	}
}

/* The CN out of a one-line name "/C=US/O=.../CN=ISRG Root X1", or the whole name. */
static char *
oneline_cn(const char *name)
{
	const char *cn = strstr(name, "/CN=");

	return xstrdup(cn ? cn + 4 : name);
}

static const char *
cert_cn(const struct cert *c)
{
	return c->subject_cn ? c->subject_cn : c->subject;
}

static bool
is_gen_y(const char *cn)
{
	return strcmp(cn, "Root YR") == 0 || strcmp(cn, "Root YE") == 0 ||
	    strncmp(cn, "ISRG Root Y", 11) == 0;
}

static bool
is_gen_x(const char *cn)
{
	return strcmp(cn, "ISRG Root X1") == 0 || strcmp(cn, "ISRG Root X2") == 0;
}

/* Resolves one file of the lineage; a dangling or missing link is a finding. */
static char *
resolve(struct lineage *l, const char *file)
{
	char *path = xstrprintf("%s/%s", l->live, file), *real;
	struct stat st;

	real = realpath(path, NULL);
	if (real == NULL) {
		if (errno == EACCES)
			findings_add(&l->findings, "file.unreadable", SEV_ERROR, path,
			    _("%s cannot be reached by this user (certbot keeps archive/ mode "
			    "0700): run as root"), file);
		else if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			findings_add(&l->findings, "file.missing", SEV_ERROR, path,
			    _("%s is a symbolic link to a file that does not exist (the archive "
			    "was moved or pruned); certbot and sendmail cannot read it"), file);
		else
			findings_add(&l->findings, "file.missing", SEV_ERROR, path,
			    _("%s is missing from the lineage"), file);
	} else if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode)) {
		l->not_links = true;
	}
	free(path);
	return real;
}

static int
archive_version(const char *real)
{
	const char *base = strrchr(real, '/');
	char *end;
	long v;

	base = base ? base + 1 : real;
	if (strncmp(base, "cert", 4) != 0)
		return 0;
	v = strtol(base + 4, &end, 10);
	return strcmp(end, ".pem") == 0 && v > 0 && v < INT_MAX ? (int)v : 0;
}

/* Names the root: the last certificate of chain.pem if self-signed, else its issuer. */
static void
find_root(struct lineage *l)
{
	const struct cert *last = l->chain.n ? &l->chain.v[l->chain.n - 1] : &l->leaf;
	struct buf via = { 0 };
	bool y = false;
	size_t i;

	l->root = last->self_signed ? xstrdup(cert_cn(last)) : oneline_cn(last->issuer);
	for (i = 0; i < l->chain.n; i++) {
		const char *cn = cert_cn(&l->chain.v[i]);

		buf_printf(&via, "%s -> ", cn);
		if (is_gen_y(cn))
			y = true;
	}
	if (l->chain.n == 0 || !l->chain.v[l->chain.n - 1].self_signed)
		buf_puts(&via, l->root);
	else if (via.len >= 4)
		via.data[via.len -= 4] = '\0';
	l->via = buf_release(&via);
	if (strcmp(l->root, "DST Root CA X3") == 0)
		l->gen = LINEAGE_GEN_LEGACY;
	else if (y || is_gen_y(l->root))
		l->gen = LINEAGE_GEN_Y;
	else if (is_gen_x(l->root))
		l->gen = LINEAGE_GEN_X;
}

static void
judge_times(struct lineage *l, time_t now)
{
	char when[32];
	enum cert_validity v = cert_expiry_state(&l->leaf, now, NULL);
	size_t i;

	time_format_iso(l->leaf.not_after, when, sizeof(when));
	if (v == CERT_EXPIRED)
		finding_set_fix(findings_add(&l->findings, "cert.expired", SEV_ERROR, l->cert_file,
		    _("the certificate of %s expired on %s; peers that verify refuse it"), l->name,
		    when), "certbot renew --cert-name %s", l->name);
	else if (v == CERT_NOT_YET_VALID)
		findings_add(&l->findings, "cert.not-yet-valid", SEV_ERROR, l->cert_file,
		    _("the certificate of %s is not valid yet"), l->name);
	else if (v == CERT_EXPIRING)
		finding_set_fix(findings_add(&l->findings, "cert.expiring", SEV_WARNING,
		    l->cert_file, _("the certificate of %s expires on %s and has not been renewed; "
		    "is certbot's timer running?"), l->name, when),
		    "certbot renew --cert-name %s", l->name);
	for (i = 0; i < l->chain.n; i++) {
		const struct cert *c = &l->chain.v[i];

		if (cert_expiry_state(c, now, NULL) != CERT_EXPIRED)
			continue;
		time_format_iso(c->not_after, when, sizeof(when));
		finding_set_fix(findings_add(&l->findings, "chain.expired-ca", SEV_ERROR,
		    l->chain_file, _("chain.pem holds %s, which expired on %s (issued by %s); "
		    "peers that build the chain through it fail"), cert_cn(c), when, c->issuer),
		    "certbot renew --force-renewal --cert-name %s", l->name);
	}
}

static void
judge_chain_and_key(struct lineage *l)
{
	struct key k;
	char *err = NULL;

	if (l->chain.n > 0 && strcmp(l->leaf.issuer, l->chain.v[0].subject) != 0)
		findings_add(&l->findings, "chain.incomplete", SEV_ERROR, l->chain_file,
		    _("chain.pem does not start with the issuer of cert.pem (%s)"), l->leaf.issuer);
	if (!cert_client_auth_ok(&l->leaf))
		findings_add(&l->findings, "cert.no-client-auth", SEV_INFO, l->cert_file,
		    _("no clientAuth in the extended key usage (Let's Encrypt's default since "
		    "2026-02-11): fine as confSERVER_CERT; as confCLIENT_CERT peers that check it "
		    "refuse it"));
	if (l->privkey_file == NULL)
		return;
	switch (key_load_file(l->privkey_file, &k, &err)) {
	case LOAD_OK:
		if (!key_matches_cert(&k, &l->leaf))
			findings_add(&l->findings, "key.mismatch", SEV_ERROR, l->privkey_file,
			    _("privkey.pem does not belong to cert.pem"));
		key_clear(&k);
		break;
	case LOAD_UNREADABLE:
		findings_add(&l->findings, "file.unreadable", SEV_INFO, l->privkey_file,
		    _("privkey.pem cannot be read by this user; run as root to check that it "
		    "belongs to the certificate"));
		break;
	default:
		findings_add(&l->findings, "key.not-a-key", SEV_ERROR, l->privkey_file, "%s", err);
		break;
	}
	free(err);
}

void
lineage_load(const char *live_dir, const char *name, time_t now, struct lineage *l)
{
	struct certlist leafs = { 0 };
	char *err = NULL;

	memset(l, 0, sizeof(*l));
	l->name = xstrdup(name);
	l->live = xstrdup(live_dir);
	l->cert_file = resolve(l, "cert.pem");
	l->chain_file = resolve(l, "chain.pem");
	l->fullchain_file = resolve(l, "fullchain.pem");
	l->privkey_file = resolve(l, "privkey.pem");
	if (l->cert_file == NULL)
		return;
	l->version = archive_version(l->cert_file);
	if (cert_load_file(l->cert_file, &leafs, &err) != LOAD_OK) {
		findings_add(&l->findings, "file.not-pem", SEV_ERROR, l->cert_file, "%s", err);
		free(err);
		return;
	}
	cert_dup(&l->leaf, &leafs.v[0]);
	certlist_free(&leafs);
	if (l->chain_file != NULL && cert_load_file(l->chain_file, &l->chain, &err) != LOAD_OK) {
		findings_add(&l->findings, "file.not-pem", SEV_ERROR, l->chain_file, "%s", err);
		xfree(err);
	}
	find_root(l);
	judge_times(l, now);
	judge_chain_and_key(l);
}

static int
lineage_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lineage *)a)->name, ((const struct lineage *)b)->name);
}

int
lineage_list(const char *le_dir, time_t now, struct lineage **out, size_t *n, char **err)
{
	char *live = xstrprintf("%s/live", le_dir), *path;
	struct dirent *de;
	struct stat st;
	DIR *d;

	*out = NULL;
	*n = 0;
	d = opendir(live);
	if (d == NULL) {
		if (errno == ENOENT)
			err_set(err, _("%s: no such directory: is this a certbot directory (--dir)?"),
			    live);
		else
			err_set(err, "%s: %s", live, strerror(errno));
		free(live);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = xstrprintf("%s/%s", live, de->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			*out = xreallocarray(*out, *n + 1, sizeof(**out));
			lineage_load(path, de->d_name, now, &(*out)[(*n)++]);
		}
		free(path);
	}
	closedir(d);
	free(live);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), lineage_cmp);
	return 0;
}

void
lineage_clear(struct lineage *l)
{
	free(l->name);
	free(l->live);
	free(l->cert_file);
	free(l->chain_file);
	free(l->fullchain_file);
	free(l->privkey_file);
	cert_clear(&l->leaf);
	certlist_free(&l->chain);
	free(l->root);
	free(l->via);
	findings_free(&l->findings);
	memset(l, 0, sizeof(*l));
}

void
lineages_free(struct lineage *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		lineage_clear(&v[i]);
	free(v);
}
