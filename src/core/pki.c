/* pki.c: keys, certificates and CSRs made with OpenSSL, written all-or-nothing, and CA bundles sorted. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/journal.h"
#include "smtls/pki.h"
#include "smtls/xmalloc.h"

/* The reason of OpenSSL's last error, for messages; clears the error queue. */
static const char *
ossl_reason(void)
{
	static char text[256];
	unsigned long e = ERR_peek_last_error();

	if (e == 0)
		snprintf(text, sizeof(text), "%s", _("unknown OpenSSL error"));
	else
		ERR_error_string_n(e, text, sizeof(text));
	ERR_clear_error();
	return text;
}

const char *
pki_key_advice(enum pki_key_alg alg)
{
	if (alg == PKI_KEY_EC)
		return _("EC P-256: smaller and faster, fine when your peers are modern; a peer "
		    "that offers no ECDSA cipher suite falls back to clear text.");
	return _("RSA 3072, the default: it works with every peer. When two MTAs share no "
	    "cipher suite, STARTTLS falls back to clear text, and old MTAs, appliances and "
	    "Windows/Java TLS stacks still offer no ECDSA suite.");
}

int
pki_key_spec_parse(const char *s, struct pki_key_spec *out, char **err)
{
	const char *p;
	char *end;
	long bits;

	if (strncasecmp(s, "rsa", 3) == 0) {
		p = s + 3;
		if (*p == ':' || *p == '-')
			p++;
		out->alg = PKI_KEY_RSA;
		if (*p == '\0') {
			out->bits = 3072;
			return 0;
		}
		errno = 0;
		bits = strtol(p, &end, 10);
		if (errno != 0 || *end != '\0' || end == p) {
			err_set(err, _("key type '%s': expected rsa, rsa:BITS, ec or ec:P-256/P-384"), s);
			return -1;
		}
		if (bits < PKI_RSA_MIN_BITS) {
			err_set(err, _("key type '%s': RSA keys below %d bits are refused (OpenSSL 3 "
			    "rejects them at load: 'ee key too small'); use rsa:3072 or ec"), s,
			    PKI_RSA_MIN_BITS);
			return -1;
		}
		if (bits > PKI_RSA_MAX_BITS) {
			err_set(err, _("key type '%s': more than %d bits is not supported"), s,
			    PKI_RSA_MAX_BITS);
			return -1;
		}
		out->bits = (int)bits;
		return 0;
	}
	if (strncasecmp(s, "ec", 2) == 0 || strncasecmp(s, "ecdsa", 5) == 0) {
		p = s + (strncasecmp(s, "ecdsa", 5) == 0 ? 5 : 2);
		if (*p == ':' || *p == '-')
			p++;
		out->alg = PKI_KEY_EC;
		if (*p == '\0' || strcasecmp(p, "P-256") == 0 || strcasecmp(p, "P256") == 0 ||
		    strcmp(p, "prime256v1") == 0 || strcmp(p, "256") == 0) {
			out->bits = 256;
			return 0;
		}
		if (strcasecmp(p, "P-384") == 0 || strcasecmp(p, "P384") == 0 ||
		    strcmp(p, "secp384r1") == 0 || strcmp(p, "384") == 0) {
			out->bits = 384;
			return 0;
		}
		err_set(err, _("key type '%s': the curves offered are P-256 and P-384"), s);
		return -1;
	}
	err_set(err, _("key type '%s': expected rsa, rsa:BITS, ec or ec:P-256/P-384"), s);
	return -1;
}

int
pki_key_generate(const struct pki_key_spec *spec, struct key *out, char **err)
{
	EVP_PKEY *pk;

	memset(out, 0, sizeof(*out));
	if (spec->alg == PKI_KEY_RSA)
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)spec->bits);
	else
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", spec->bits == 384 ? "P-384" : "P-256");
	if (pk == NULL) {
		err_set(err, _("cannot generate the key: %s"), ossl_reason());
		return -1;
	}
	out->pkey = pk;
	snprintf(out->type, sizeof(out->type), "%s", spec->alg == PKI_KEY_RSA ? "RSA" : "EC");
	out->bits = EVP_PKEY_get_bits(pk);
	if (spec->alg == PKI_KEY_EC)
		snprintf(out->curve, sizeof(out->curve), "%s",
		    spec->bits == 384 ? "secp384r1" : "prime256v1");
	return 0;
}

bool
pki_name_valid(const char *s, char **err)
{
	unsigned char ip[16];
	const char *label = s, *p;
	size_t len = strlen(s);

	if (inet_pton(AF_INET, s, ip) == 1 || inet_pton(AF_INET6, s, ip) == 1)
		return true;
	if (len == 0 || len > 253) {
		err_set(err, _("'%s' is not a host name (1 to 253 characters)"), s);
		return false;
	}
	if (strncmp(s, "*.", 2) == 0)
		label = s + 2;
	for (p = label; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || p - label > 63 || label[0] == '-' || p[-1] == '-') {
				err_set(err, _("'%s' is not a host name: empty, too long, or a label "
				    "that starts or ends with '-'"), s);
				return false;
			}
			if (*p == '\0')
				break;
			label = p + 1;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
			err_set(err, _("'%s' is not a host name: the character '%c' is not allowed"),
			    s, *p);
			return false;
		}
	}
	return true;
}

/* subjectAltName from the names: iPAddress for IP literals, dNSName for the rest. */
static GENERAL_NAMES *
san_build(const char *const *names, size_t n)
{
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	size_t i;

	for (i = 0; i < n; i++) {
		GENERAL_NAME *g = GENERAL_NAME_new();
		ASN1_OCTET_STRING *ip = a2i_IPADDRESS(names[i]);

		ERR_clear_error();
		if (ip != NULL) {
			GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
		} else {
			ASN1_IA5STRING *dns = ASN1_IA5STRING_new();

			ASN1_STRING_set(dns, names[i], (int)strlen(names[i]));
			GENERAL_NAME_set0_value(g, GEN_DNS, dns);
		}
		sk_GENERAL_NAME_push(gens, g);
	}
	return gens;
}

static void
name_add(X509_NAME *n, const char *field, const char *value)
{
	if (value != NULL && *value != '\0')
		X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)value,
		    -1, -1, 0);
}

static X509_NAME *
name_build(const struct pki_cert_params *p)
{
	X509_NAME *n = X509_NAME_new();

	name_add(n, "C", p->country);
	name_add(n, "ST", p->state);
	name_add(n, "L", p->locality);
	name_add(n, "O", p->organization);
	name_add(n, "CN", p->common_name);
	return n;
}

static const EVP_MD *
sign_md(EVP_PKEY *pk)
{
	int id = EVP_PKEY_get_base_id(pk);

	if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448)
		return NULL;
	if (id == EVP_PKEY_EC && EVP_PKEY_get_bits(pk) >= 384)
		return EVP_sha384();
	return EVP_sha256();
}

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok;

	if (ext == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* A positive serial of 16 random bytes (the top bit cleared, the next one set: 126 random bits). */
static int
serial_set(X509 *x)
{
	unsigned char r[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	r[0] = (unsigned char)((r[0] & 0x3f) | 0x40);
	bn = BN_bin2bn(r, sizeof(r), NULL);
	ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

int
pki_cert_issue(const struct pki_cert_params *p, const struct key *subject_key,
    const struct cert *issuer, const struct key *issuer_key, struct cert *out, char **err)
{
	X509 *x = X509_new(), *ix = issuer ? issuer->x509 : NULL;
	EVP_PKEY *sign_key = issuer_key ? issuer_key->pkey : subject_key->pkey;
	X509_NAME *subj = name_build(p);
	X509V3_CTX ctx;
	const char *ku;
	int is_rsa = EVP_PKEY_get_base_id(subject_key->pkey) == EVP_PKEY_RSA;

	memset(out, 0, sizeof(*out));
	if (issuer != NULL && !key_matches_cert(issuer_key, issuer)) {
		err_set(err, _("the CA's private key does not belong to the CA's certificate"));
		goto fail;
	}
	if (!X509_set_version(x, 2) || serial_set(x) == -1 ||
	    !X509_set_subject_name(x, subj) ||
	    !X509_set_issuer_name(x, ix ? X509_get_subject_name(ix) : subj) ||
	    !X509_set_pubkey(x, subject_key->pkey) ||
	    ASN1_TIME_set(X509_getm_notBefore(x), p->not_before) == NULL ||
	    ASN1_TIME_adj(X509_getm_notAfter(x), p->not_before, p->days, 0) == NULL)
		goto ossl_fail;
	X509V3_set_ctx(&ctx, ix ? ix : x, x, NULL, NULL, 0);
	if (p->profile == PKI_PROFILE_CA) {
		if (add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
		    add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"))
			goto ossl_fail;
	} else {
		GENERAL_NAMES *gens;
		int ok;

		ku = is_rsa ? "critical,digitalSignature,keyEncipherment" :
		    "critical,digitalSignature";
		if (add_ext(x, &ctx, NID_basic_constraints, "CA:FALSE") ||
		    add_ext(x, &ctx, NID_key_usage, ku) ||
		    add_ext(x, &ctx, NID_ext_key_usage, p->profile == PKI_PROFILE_CLIENT ?
		    "clientAuth" : "serverAuth,clientAuth"))
			goto ossl_fail;
		if (p->n_names > 0) {
			gens = san_build(p->names, p->n_names);
			ok = X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT);
			GENERAL_NAMES_free(gens);
			if (ok != 1)
				goto ossl_fail;
		}
	}
	if (add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
	    add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always"))
		goto ossl_fail;
	if (X509_sign(x, sign_key, sign_md(sign_key)) <= 0)
		goto ossl_fail;
	cert_from_x509(out, x);
	X509_free(x);
	X509_NAME_free(subj);
	return 0;
ossl_fail:
	err_set(err, _("cannot make the certificate: %s"), ossl_reason());
fail:
	X509_free(x);
	X509_NAME_free(subj);
	return -1;
}

int
pki_csr_make(const struct pki_cert_params *p, const struct key *key, char **pem, char **err)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *subj = name_build(p);
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	BIO *bio = NULL;
	BUF_MEM *mem;

	*pem = NULL;
	if (!X509_REQ_set_version(req, 0) || !X509_REQ_set_subject_name(req, subj) ||
	    !X509_REQ_set_pubkey(req, key->pkey))
		goto fail;
	if (p->n_names > 0) {
		GENERAL_NAMES *gens = san_build(p->names, p->n_names);
		X509_EXTENSION *ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, gens);

		GENERAL_NAMES_free(gens);
		if (ext == NULL)
			goto fail;
		sk_X509_EXTENSION_push(exts, ext);
		if (!X509_REQ_add_extensions(req, exts))
			goto fail;
	}
	if (X509_REQ_sign(req, key->pkey, sign_md(key->pkey)) <= 0)
		goto fail;
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL || !PEM_write_bio_X509_REQ(bio, req))
		goto fail;
	BIO_get_mem_ptr(bio, &mem);
	*pem = xstrndup(mem->data, mem->length);
	BIO_free(bio);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_NAME_free(subj);
	X509_REQ_free(req);
	return 0;
fail:
	err_set(err, _("cannot make the certificate request: %s"), ossl_reason());
	BIO_free(bio);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_NAME_free(subj);
	X509_REQ_free(req);
	return -1;
}

char *
pki_key_pem(const struct key *k, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	BUF_MEM *mem;
	char *s;

	if (bio == NULL || !PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(bio);
		ERR_clear_error();
		*len = 0;
		return NULL;
	}
	BIO_get_mem_ptr(bio, &mem);
	s = xstrndup(mem->data, mem->length);
	*len = mem->length;
	BIO_free(bio);	/* a secure-memory BIO wipes its buffer */
	return s;
}

void
pki_cert_pem(struct buf *b, const struct cert *c)
{
	BIO *bio = BIO_new(BIO_s_mem());
	BUF_MEM *mem;

	if (bio != NULL && PEM_write_bio_X509(bio, c->x509)) {
		BIO_get_mem_ptr(bio, &mem);
		buf_append(b, mem->data, mem->length);
	}
	BIO_free(bio);
	ERR_clear_error();
}

void
pki_free_secret(char *s, size_t len)
{
	if (s != NULL)
		OPENSSL_cleanse(s, len);
	free(s);
}

int
pki_outdir_prepare(const char *dir, mode_t dir_mode, bool *created, char **err)
{
	struct stat st;

	*created = false;
	if (lstat(dir, &st) == -1) {
		if (errno != ENOENT) {
			err_set(err, "%s: %s", dir, strerror(errno));
			return -1;
		}
		if (mkdir(dir, dir_mode) == -1) {
			err_set(err, _("%s: cannot create the directory: %s"), dir, strerror(errno));
			return -1;
		}
		*created = true;
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		err_set(err, _("%s: the output directory is a symbolic link; refusing to write "
		    "through it (give the real directory)"), dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_set(err, _("%s: exists and is not a directory"), dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) == -1) {
		err_set(err, _("%s: the output directory is not writable: %s"), dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
pki_write_files(const char *dir, const struct pki_out_file *files, size_t n, bool force,
    char **err)
{
	return pki_write_files_backup(dir, files, n, force, NULL, err);
}

int
pki_write_files_backup(const char *dir, const struct pki_out_file *files, size_t n,
    bool force, const char *const *backups, char **err)
{
	struct journal *j;
	struct stat st;
	size_t i;
	int dirfd, e, r = -1;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd == -1) {
		e = errno;
		if (e == ELOOP || e == ENOTDIR)
			err_set(err, _("%s: the output directory is a symbolic link or not a "
			    "directory; refusing to write through it"), dir);
		else
			err_set(err, "%s: %s", dir, strerror(e));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (fstatat(dirfd, files[i].name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (S_ISLNK(st.st_mode)) {
			err_set(err, _("%s/%s: is a symbolic link; refusing to write through it"),
			    dir, files[i].name);
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			err_set(err, _("%s/%s: exists and is not a regular file"), dir,
			    files[i].name);
			goto out;
		}
		if (!force && (backups == NULL || backups[i] == NULL)) {
			err_set(err, _("%s/%s: already exists; not overwritten (use --force to "
			    "replace it)"), dir, files[i].name);
			goto out;
		}
	}
	/* one set: every file (a key and its certificate) or none, also across a crash */
	j = journal_begin("write");
	for (i = 0; i < n; i++) {
		struct journal_file f = { 0 };
		char *path = xstrprintf("%s/%s", dir, files[i].name);
		char *bk = backups && backups[i] ? xstrprintf("%s/%s", dir, backups[i]) : NULL;

		f.target = path;
		f.data = files[i].data;
		f.len = files[i].len;
		f.mode = files[i].mode;
		f.new_only = !force && bk == NULL;
		f.backup = bk;
		e = journal_add(j, &f, err);
		free(path);
		free(bk);
		if (e == -1)
			break;
	}
	if (i == n && journal_commit(j, err) == 0)
		r = 0;
	journal_free(j);
out:
	close(dirfd);
	return r;
}

static void
pkcs7_take(PKCS7 *p7, struct certlist *out)
{
	STACK_OF(X509) *certs = NULL;
	int i, nid = OBJ_obj2nid(p7->type);

	if (nid == NID_pkcs7_signed && p7->d.sign != NULL)
		certs = p7->d.sign->cert;
	else if (nid == NID_pkcs7_signedAndEnveloped && p7->d.signed_and_enveloped != NULL)
		certs = p7->d.signed_and_enveloped->cert;
	for (i = 0; certs != NULL && i < sk_X509_num(certs); i++) {
		struct cert c;

		cert_from_x509(&c, sk_X509_value(certs, i));
		certlist_add(out, &c);
		cert_clear(&c);
	}
}

int
pki_load_certs(const char *path, struct certlist *out, char **err)
{
	enum file_status st;
	char *data = NULL;
	size_t len = 0, before = out->n;
	PKCS7 *p7 = NULL;

	if (file_read(path, CERT_FILE_MAX, &data, &len, &st, err) == -1)
		return -1;
	if (strstr(data, "-----BEGIN PKCS7-----") != NULL) {
		BIO *bio = BIO_new_mem_buf(data, (int)len);

		while (bio != NULL && (p7 = PEM_read_bio_PKCS7(bio, NULL, NULL, NULL)) != NULL) {
			pkcs7_take(p7, out);
			PKCS7_free(p7);
		}
		BIO_free(bio);
	}
	if (out->n == before)
		(void)cert_load_mem(data, len, out);
	if (out->n == before && len > 0 && (unsigned char)data[0] == 0x30) {
		const unsigned char *p = (const unsigned char *)data;

		p7 = d2i_PKCS7(NULL, &p, (long)len);
		if (p7 != NULL) {
			pkcs7_take(p7, out);
			PKCS7_free(p7);
		}
	}
	ERR_clear_error();
	if (out->n > before) {
		free(data);
		return 0;
	}
	if (len == 0)
		err_set(err, _("%s: the file is empty"), path);
	else if (strstr(data, "PRIVATE KEY-----"))
		err_set(err, _("%s: holds a private key, not a certificate (give the key with "
		    "--key)"), path);
	else if (strstr(data, "CERTIFICATE REQUEST-----"))
		err_set(err, _("%s: holds a certificate request (CSR), not a certificate: the "
		    "CA signs it and returns the certificate"), path);
	else if (strstr(data, "-----BEGIN"))
		err_set(err, _("%s: its PEM block is damaged or truncated, or not a certificate"),
		    path);
	else
		err_set(err, _("%s: no certificate found: neither PEM, DER nor PKCS#7"), path);
	free(data);
	return -1;
}

/* The caIssuers URL of c (where its issuer can be downloaded), or NULL. */
static char *
ca_issuers_url(const struct cert *c)
{
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(c->x509, NID_info_access, NULL, NULL);
	char *url = NULL;
	int i;

	for (i = 0; aia != NULL && i < sk_ACCESS_DESCRIPTION_num(aia) && url == NULL; i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);

		if (OBJ_obj2nid(ad->method) == NID_ad_ca_issuers &&
		    ad->location->type == GEN_URI)
			url = xstrdup((const char *)ASN1_STRING_get0_data(
			    ad->location->d.uniformResourceIdentifier));
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	ERR_clear_error();
	return url;
}

static bool
in_list(const struct certlist *l, const struct cert *c)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (cert_equal(&l->v[i], c))
			return true;
	return false;
}

int
pki_bundle_sort(const struct certlist *pool, const struct key *key,
    const struct certlist *roots, time_t now, struct pki_bundle *out, char **err)
{
	struct certlist uniq = { 0 };
	const struct cert *cur, *best;
	size_t i, j;
	int best_score, score;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < pool->n; i++)
		if (!in_list(&uniq, &pool->v[i]))
			certlist_add(&uniq, &pool->v[i]);
	/* the leaf: matches the key; prefer an end-entity certificate, then the newest */
	best = NULL;
	for (i = 0; i < uniq.n; i++) {
		if (!key_matches_cert(key, &uniq.v[i]))
			continue;
		if (best == NULL || (best->is_ca && !uniq.v[i].is_ca) ||
		    (best->is_ca == uniq.v[i].is_ca && uniq.v[i].not_after > best->not_after))
			best = &uniq.v[i];
	}
	if (best == NULL) {
		err_set(err, _("none of the %zu certificates given belongs to the key"), uniq.n);
		certlist_free(&uniq);
		return -1;
	}
	if (best->is_ca) {
		err_set(err, _("the only certificate that belongs to the key is a CA certificate "
		    "(%s), not a server certificate"), best->subject);
		certlist_free(&uniq);
		return -1;
	}
	cert_dup(&out->leaf, best);
	cur = &out->leaf;
	for (j = 0; j < 16 && !cur->self_signed; j++) {
		/* prefer a valid issuer over an expired one, then one that is itself issued (an
		 * intermediate or cross-sign, as the CA sent it) over a self-signed root, then
		 * the later expiry */
		best = NULL;
		best_score = -1;
		for (i = 0; i < uniq.n; i++) {
			const struct cert *c = &uniq.v[i];
			enum cert_validity v = cert_expiry_state(c, now, NULL);

			if (cert_equal(c, &out->leaf) || in_list(&out->chain, c) ||
			    !cert_issued_by(cur, c))
				continue;
			score = (v == CERT_VALID || v == CERT_EXPIRING ? 2 : 0) +
			    (c->self_signed ? 0 : 1);
			if (score > best_score || (score == best_score &&
			    c->not_after > best->not_after)) {
				best = c;
				best_score = score;
			}
		}
		if (best == NULL)
			break;
		if (best->self_signed) {
			cert_dup(&out->root, best);
			out->root_given = true;
			break;
		}
		certlist_add(&out->chain, best);
		cur = &out->chain.v[out->chain.n - 1];
	}
	if (out->root.x509 == NULL && !cur->self_signed) {
		for (i = 0; roots != NULL && i < roots->n; i++) {
			if (cert_issued_by(cur, &roots->v[i])) {
				cert_dup(&out->root, &roots->v[i]);
				break;
			}
		}
		if (out->root.x509 == NULL) {
			char *url = ca_issuers_url(cur);

			out->incomplete = true;
			out->missing = url ? xstrprintf(_("%s (the CA publishes it at %s)"),
			    cur->issuer, url) : xstrdup(cur->issuer);
			free(url);
		}
	}
	for (i = 0; i < uniq.n; i++) {
		const struct cert *c = &uniq.v[i];

		if (!cert_equal(c, &out->leaf) && !in_list(&out->chain, c) &&
		    !(out->root.x509 && cert_equal(c, &out->root)))
			certlist_add(&out->unused, c);
	}
	certlist_free(&uniq);
	return 0;
}

void
pki_bundle_free(struct pki_bundle *b)
{
	cert_clear(&b->leaf);
	certlist_free(&b->chain);
	if (b->root.x509 != NULL)
		cert_clear(&b->root);
	certlist_free(&b->unused);
	free(b->missing);
	memset(b, 0, sizeof(*b));
}
