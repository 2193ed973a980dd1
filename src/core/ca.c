/* ca.c: the private CA of an organisation's mail servers, shared by `smtls ca` and the wizard. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "smtls/ca.h"
#include "smtls/i18n.h"

void
ca_params(struct pki_cert_params *p, const char *name, time_t not_before, int days)
{
	memset(p, 0, sizeof(*p));
	p->profile = PKI_PROFILE_CA;
	p->common_name = name;
	p->not_before = not_before;
	p->days = days;
}

int
ca_new_make(struct ca_new *n, const struct pki_key_spec *spec, struct pki_cert_params *p,
    char **err)
{
	memset(n, 0, sizeof(*n));
	p->profile = PKI_PROFILE_CA;
	if (pki_key_generate(spec, &n->key, err) == -1 ||
	    pki_cert_issue(p, &n->key, NULL, NULL, &n->cert, err) == -1)
		return -1;
	if ((n->keypem = pki_key_pem(&n->key, &n->keylen)) == NULL) {
		err_set(err, "%s", _("cannot encode the private key"));
		return -1;
	}
	pki_cert_pem(&n->certpem, &n->cert);
	n->files[0] = (struct pki_out_file){ CA_CERT_FILE, n->certpem.data, n->certpem.len,
	    0644 };
	n->files[1] = (struct pki_out_file){ CA_KEY_FILE, n->keypem, n->keylen, 0600 };
	return 0;
}

void
ca_new_free(struct ca_new *n)
{
	pki_free_secret(n->keypem, n->keylen);
	buf_free(&n->certpem);
	cert_clear(&n->cert);
	key_clear(&n->key);
	memset(n, 0, sizeof(*n));
}

bool
ca_dir_has_ca(const char *dir)
{
	struct stat st;
	char *path;
	bool r;

	if (dir == NULL || *dir == '\0')
		return false;
	path = xstrprintf("%s/%s", dir, CA_CERT_FILE);
	r = lstat(path, &st) == 0;
	free(path);
	return r;
}

int
ca_load(const char *dir, time_t now, struct cert *ca, struct key *key, char **err)
{
	struct certlist l = { 0 };
	char *path;
	int rc = -1;

	path = xstrprintf("%s/%s", dir, CA_CERT_FILE);
	if (cert_load_file(path, &l, err) != LOAD_OK)
		goto out;	/* it names the file and the problem */
	if (!l.v[0].is_ca) {
		err_set(err, _("%s: not a CA certificate (basicConstraints CA:TRUE missing)"),
		    path);
		goto out;
	}
	if (cert_expiry_state(&l.v[0], now, NULL) == CERT_EXPIRED) {
		err_set(err, _("%s: the CA certificate has expired; make a new CA"), path);
		goto out;
	}
	free(path);
	path = xstrprintf("%s/%s", dir, CA_KEY_FILE);
	if (key_load_file(path, key, err) != LOAD_OK)
		goto out;
	if (!key_matches_cert(key, &l.v[0])) {
		err_set(err, _("%s: this key does not belong to %s/%s"), path, dir,
		    CA_CERT_FILE);
		key_clear(key);
		goto out;
	}
	cert_dup(ca, &l.v[0]);
	rc = 0;
out:
	free(path);
	certlist_free(&l);
	return rc;
}

int
ca_fit_days(const struct cert *ca, const char *dir, struct pki_cert_params *p, char **err)
{
	if (p->not_before + (time_t)p->days * 86400 <= ca->not_after)
		return 0;
	p->days = (int)((ca->not_after - p->not_before) / 86400);
	if (p->days < 1) {
		err_set(err, _("%s/%s: the CA expires in less than a day; make a new CA"),
		    dir, CA_CERT_FILE);
		return -1;
	}
	return 1;
}
