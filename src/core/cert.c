/* cert.c: the OpenSSL wrapper that turns certificate and key files into plain structs. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "smtls/cert.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

static time_t
asn1_time_to_time_t(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

static void
key_describe(EVP_PKEY *pk, char *type, size_t type_size, int *bits, char *curve,
    size_t curve_size)
{
	const char *name;
	size_t len = 0;

	curve[0] = '\0';
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		name = "RSA";
		break;
	case EVP_PKEY_EC:
		name = "EC";
		if (!EVP_PKEY_get_group_name(pk, curve, curve_size, &len))
			curve[0] = '\0';
		break;
	case EVP_PKEY_ED25519:
		name = "Ed25519";
		break;
	case EVP_PKEY_ED448:
		name = "Ed448";
		break;
	case EVP_PKEY_DSA:
		name = "DSA";
		break;
	default:
		name = EVP_PKEY_get0_type_name(pk);
		if (name == NULL)
			name = "unknown";
		break;
	}
	snprintf(type, type_size, "%s", name);
	*bits = EVP_PKEY_get_bits(pk);
}

static char *
name_oneline(const X509_NAME *n)
{
	char *s = X509_NAME_oneline(n, NULL, 0);
	char *r;

	if (s == NULL)
		return xstrdup("");
	r = xstrdup(s);
	OPENSSL_free(s);
	return r;
}

static char *
name_cn(const X509_NAME *n)
{
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	const ASN1_STRING *s;
	unsigned char *utf8 = NULL;
	char *r;
	int len;

	if (i < 0)
		return NULL;
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
	len = ASN1_STRING_to_UTF8(&utf8, s);
	if (len < 0)
		return NULL;
	r = xstrndup((char *)utf8, (size_t)len);
	OPENSSL_free(utf8);
	return r;
}

static void
add_name(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static void
collect_san(struct cert *c, X509 *x)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	int i;

	if (gens == NULL)
		return;
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		if (g->type == GEN_DNS) {
			const ASN1_IA5STRING *s = g->d.dNSName;

			add_name(&c->dns_names, &c->n_dns, (const char *)ASN1_STRING_get0_data(s));
		} else if (g->type == GEN_IPADD) {
			const ASN1_OCTET_STRING *s = g->d.iPAddress;
			char text[INET6_ADDRSTRLEN];
			int len = ASN1_STRING_length(s);

			if ((len == 4 && inet_ntop(AF_INET, ASN1_STRING_get0_data(s), text,
			    sizeof(text))) || (len == 16 && inet_ntop(AF_INET6,
			    ASN1_STRING_get0_data(s), text, sizeof(text))))
				add_name(&c->ip_names, &c->n_ip, text);
		}
	}
	GENERAL_NAMES_free(gens);
}

void
cert_from_x509(struct cert *c, void *x509)
{
	X509 *x = x509;
	EVP_PKEY *pk;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	uint32_t flags;
	int md_nid = NID_undef, pk_nid = NID_undef;
	const ASN1_INTEGER *serial;
	BIGNUM *bn;

	memset(c, 0, sizeof(*c));
	X509_up_ref(x);
	c->x509 = x;
	c->subject = name_oneline(X509_get_subject_name(x));
	c->issuer = name_oneline(X509_get_issuer_name(x));
	c->subject_cn = name_cn(X509_get_subject_name(x));
	collect_san(c, x);
	c->not_before = asn1_time_to_time_t(X509_get0_notBefore(x));
	c->not_after = asn1_time_to_time_t(X509_get0_notAfter(x));
	pk = X509_get0_pubkey(x);
	if (pk != NULL)
		key_describe(pk, c->key_type, sizeof(c->key_type), &c->key_bits, c->key_curve,
		    sizeof(c->key_curve));
	else
		snprintf(c->key_type, sizeof(c->key_type), "unknown");
	snprintf(c->sig_alg, sizeof(c->sig_alg), "%s",
	    OBJ_nid2ln(X509_get_signature_nid(x)));
	if (OBJ_find_sigid_algs(X509_get_signature_nid(x), &md_nid, &pk_nid))
		c->weak_sig = md_nid == NID_md5 || md_nid == NID_sha1 || md_nid == NID_md4 ||
		    md_nid == NID_md2 || md_nid == NID_md5_sha1;
	flags = X509_get_extension_flags(x);
	c->is_ca = (flags & EXFLAG_CA) != 0;
	c->self_issued = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
	c->self_signed = c->self_issued && pk != NULL && X509_verify(x, pk) == 1;
	c->v1 = X509_get_version(x) == 0;
	if (flags & EXFLAG_XKUSAGE) {
		uint32_t xku = X509_get_extended_key_usage(x);

		c->has_eku = true;
		if (xku & XKU_SSL_SERVER)
			c->eku |= EKU_SERVER_AUTH;
		if (xku & XKU_SSL_CLIENT)
			c->eku |= EKU_CLIENT_AUTH;
		if (xku & XKU_ANYEKU)
			c->eku |= EKU_ANY;
	}
	serial = X509_get0_serialNumber(x);
	bn = ASN1_INTEGER_to_BN(serial, NULL);
	if (bn != NULL) {
		char *hex = BN_bn2hex(bn);

		snprintf(c->serial, sizeof(c->serial), "%s", hex ? hex : "");
		OPENSSL_free(hex);
		BN_free(bn);
	}
	if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1) {
		for (i = 0; i < mdlen && i * 3 + 3 <= sizeof(c->sha256); i++)
			snprintf(c->sha256 + i * 3, 4, "%02X%s", md[i], i + 1 < mdlen ? ":" : "");
	}
	c->subject_hash = X509_subject_name_hash(x);
	ERR_clear_error();
}

void
cert_dup(struct cert *dst, const struct cert *src)
{
	cert_from_x509(dst, src->x509);
}

void
certlist_add(struct certlist *l, const struct cert *c)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	cert_dup(&l->v[l->n++], c);
}

static void
certlist_take(struct certlist *l, X509 *x)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	cert_from_x509(&l->v[l->n++], x);
	X509_free(x);	/* cert_from_x509 took its own reference */
}

void
cert_clear(struct cert *c)
{
	size_t i;

	X509_free(c->x509);
	free(c->subject);
	free(c->issuer);
	free(c->subject_cn);
	for (i = 0; i < c->n_dns; i++)
		free(c->dns_names[i]);
	free(c->dns_names);
	for (i = 0; i < c->n_ip; i++)
		free(c->ip_names[i]);
	free(c->ip_names);
	memset(c, 0, sizeof(*c));
}

void
certlist_free(struct certlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		cert_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

size_t
cert_load_mem(const char *data, size_t len, struct certlist *out)
{
	size_t before = out->n;
	BIO *bio;
	X509 *x;

	if (len > INT32_MAX)
		return 0;
	bio = BIO_new_mem_buf(data, (int)len);
	if (bio == NULL)
		return 0;
	while ((x = PEM_read_bio_X509(bio, NULL, no_password, NULL)) != NULL)
		certlist_take(out, x);
	BIO_free(bio);
	if (out->n == before && len > 0 && (unsigned char)data[0] == 0x30) {
		const unsigned char *p = (const unsigned char *)data;

		x = d2i_X509(NULL, &p, (long)len);
		if (x != NULL)
			certlist_take(out, x);
	}
	ERR_clear_error();
	return out->n - before;
}

/* Names what a file that is not the expected PEM looks like, for the error message. */
static const char *
guess_content(const char *data, size_t len, bool want_key)
{
	if (len == 0)
		return _("the file is empty");
	if (strstr(data, "-----BEGIN") && !strstr(data, "-----END"))
		return _("a PEM block starts but never ends (truncated file?)");
	if (strstr(data, "PRIVATE KEY-----"))
		return _("it holds a private key, not a certificate");
	if (strstr(data, "CERTIFICATE REQUEST-----"))
		return _("it holds a certificate request (CSR), not a certificate");
	if (strstr(data, "-----BEGIN PKCS7-----"))
		return _("it holds a PKCS#7 bundle; convert it with: openssl pkcs7 -print_certs -in FILE -out FILE.pem");
	if (strstr(data, "-----BEGIN CERTIFICATE-----"))
		return _("its certificate block is damaged (truncated or edited?)");
	if (memchr(data, '\0', len) != NULL || (unsigned char)data[0] >= 0x80)
		return _("it is binary data, not PEM text");
	if (want_key)
		return _("there is no '-----BEGIN PRIVATE KEY-----' block in it");
	return _("there is no '-----BEGIN CERTIFICATE-----' block in it");
}

static enum load_status
read_for_load(const char *path, char **data, size_t *len, char **err)
{
	enum file_status st;

	if (file_read(path, CERT_FILE_MAX, data, len, &st, err) == 0)
		return LOAD_OK;
	return st == FILE_MISSING ? LOAD_MISSING : LOAD_UNREADABLE;
}

/*
 * Files parsed in this process, by path and the SHA-256 of what was read (so never stale):
 * the wizard re-checks on every key, and each parse of a certificate or key sets OpenSSL 3's
 * decoders up anew, most of a re-check's time.
 */
#define MEMO_MAX	32

struct memo {
	char		*path;		/* NULL: a free slot */
	bool		 is_key;
	unsigned char	 md[32];
	struct certlist	 certs;
	EVP_PKEY	*pkey;
};

static struct memo memo[MEMO_MAX];
static size_t memo_next;

static bool
content_md(const char *data, size_t len, unsigned char *md)
{
	return EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL) == 1;
}

static struct memo *
memo_find(const char *path, bool is_key, const unsigned char *md)
{
	size_t i;

	for (i = 0; i < MEMO_MAX; i++)
		if (memo[i].path != NULL && memo[i].is_key == is_key &&
		    strcmp(memo[i].path, path) == 0 && memcmp(memo[i].md, md, 32) == 0)
			return &memo[i];
	return NULL;
}

static struct memo *
memo_slot(const char *path, bool is_key, const unsigned char *md)
{
	struct memo *m = &memo[memo_next];

	memo_next = (memo_next + 1) % MEMO_MAX;
	free(m->path);
	certlist_free(&m->certs);
	EVP_PKEY_free(m->pkey);
	memset(m, 0, sizeof(*m));
	m->path = xstrdup(path);
	m->is_key = is_key;
	memcpy(m->md, md, 32);
	return m;
}

enum load_status
cert_load_file(const char *path, struct certlist *out, char **err)
{
	enum load_status ls;
	char *data = NULL;
	size_t len = 0, before = out->n, i;
	unsigned char md[32];
	bool hashed;
	struct memo *m;
	BIO *bio;
	X509 *x;

	ls = read_for_load(path, &data, &len, err);
	if (ls != LOAD_OK)
		return ls;
	hashed = content_md(data, len, md);
	if (hashed && (m = memo_find(path, false, md)) != NULL) {
		for (i = 0; i < m->certs.n; i++)
			certlist_add(out, &m->certs.v[i]);
		free(data);
		return LOAD_OK;
	}
	bio = BIO_new_mem_buf(data, (int)len);
	while (bio != NULL && (x = PEM_read_bio_X509(bio, NULL, no_password, NULL)) != NULL)
		certlist_take(out, x);
	BIO_free(bio);
	ERR_clear_error();
	if (out->n > before) {
		if (hashed) {
			m = memo_slot(path, false, md);
			for (i = before; i < out->n; i++)
				certlist_add(&m->certs, &out->v[i]);
		}
		free(data);
		return LOAD_OK;
	}
	if (len > 0 && (unsigned char)data[0] == 0x30) {
		const unsigned char *p = (const unsigned char *)data;

		x = d2i_X509(NULL, &p, (long)len);
		ERR_clear_error();
		if (x != NULL) {
			X509_free(x);
			err_set(err, _("%s: a DER (binary) certificate; sendmail reads "
			    "only PEM. Convert it: openssl x509 -inform DER -in %s -out %s.pem"),
			    path, path, path);
			free(data);
			return LOAD_DER;
		}
	}
	err_set(err, _("%s: no certificate found: %s"), path, guess_content(data, len, false));
	free(data);
	return LOAD_NOT_PEM;
}

enum load_status
key_load_file(const char *path, struct key *out, char **err)
{
	enum load_status ls;
	char *data = NULL;
	size_t len = 0;
	EVP_PKEY *pk = NULL;
	unsigned char md[32];
	bool hashed;
	struct memo *m;
	BIO *bio;

	memset(out, 0, sizeof(*out));
	ls = read_for_load(path, &data, &len, err);
	if (ls != LOAD_OK)
		return ls;
	hashed = content_md(data, len, md);
	if (hashed && (m = memo_find(path, true, md)) != NULL && EVP_PKEY_up_ref(m->pkey)) {
		OPENSSL_cleanse(data, len);
		free(data);
		pk = m->pkey;
		goto loaded;
	}
	if (strstr(data, "-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
	    strstr(data, "Proc-Type: 4,ENCRYPTED")) {
		err_set(err, _("%s: the private key is protected by a passphrase"), path);
		free(data);
		return LOAD_ENCRYPTED;
	}
	/* no PEM block without its BEGIN line: OpenSSL 3 sets up every key decoder it has
	 * before it reads a byte, which is most of the time a damaged file takes */
	if (memmem(data, len, "-----BEGIN ", 11) != NULL) {
		bio = BIO_new_mem_buf(data, (int)len);
		if (bio != NULL)
			pk = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
		BIO_free(bio);
		ERR_clear_error();
	}
	if (pk == NULL && len > 0 && (unsigned char)data[0] == 0x30) {
		const unsigned char *p = (const unsigned char *)data;
		EVP_PKEY *der = d2i_AutoPrivateKey(NULL, &p, (long)len);

		ERR_clear_error();
		if (der != NULL) {
			EVP_PKEY_free(der);
			err_set(err, _("%s: a DER (binary) private key; sendmail reads only "
			    "PEM. Convert it: openssl pkey -inform DER -in %s -out %s.pem"),
			    path, path, path);
			free(data);
			return LOAD_DER;
		}
	}
	if (pk == NULL) {
		bool has_key_block = strstr(data, "PRIVATE KEY-----") != NULL;
		bool has_cert = strstr(data, "-----BEGIN CERTIFICATE-----") != NULL;

		if (has_cert && !has_key_block)
			err_set(err, _("%s: holds a certificate, not a private key"), path);
		else if (has_key_block)
			err_set(err, _("%s: the private key block is damaged or truncated"), path);
		else
			err_set(err, _("%s: no private key found: %s"), path,
			    guess_content(data, len, true));
		free(data);
		if (has_cert && !has_key_block)
			return LOAD_NOT_A_KEY;
		return LOAD_NOT_PEM;
	}
	OPENSSL_cleanse(data, len);
	free(data);
	if (hashed && EVP_PKEY_up_ref(pk))
		memo_slot(path, true, md)->pkey = pk;
loaded:
	out->pkey = pk;
	key_describe(pk, out->type, sizeof(out->type), &out->bits, out->curve, sizeof(out->curve));
	return LOAD_OK;
}

time_t
cert_expiry_window(const struct cert *c)
{
	time_t life = c->not_after - c->not_before;

	return life / 3 < CERT_EXPIRY_WARN ? life / 3 : CERT_EXPIRY_WARN;
}

enum cert_validity
cert_expiry_state(const struct cert *c, time_t at, long long *days)
{
	if (days != NULL)
		*days = (long long)((c->not_after - at) / 86400);
	if (at > c->not_after)
		return CERT_EXPIRED;
	if (at < c->not_before)
		return CERT_NOT_YET_VALID;
	if (c->not_after - at < cert_expiry_window(c))
		return CERT_EXPIRING;
	return CERT_VALID;
}

bool
cert_client_auth_ok(const struct cert *c)
{
	return !c->has_eku || (c->eku & (EKU_CLIENT_AUTH | EKU_ANY)) != 0;
}

int
cert_file_client_auth(const char *path)
{
	struct certlist cl = { 0 };
	char *err = NULL;
	int r = -1;

	if (path != NULL && cert_load_file(path, &cl, &err) == LOAD_OK && cl.n > 0)
		r = cert_client_auth_ok(&cl.v[0]);
	certlist_free(&cl);
	free(err);
	return r;
}

bool
key_matches_cert(const struct key *k, const struct cert *c)
{
	EVP_PKEY *pub;
	int r;

	if (k->pkey == NULL || c->x509 == NULL)
		return false;
	pub = X509_get0_pubkey(c->x509);
	if (pub == NULL)
		return false;
	r = EVP_PKEY_eq(pub, k->pkey);
	ERR_clear_error();
	return r == 1;
}

void
key_clear(struct key *k)
{
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof(*k));
}

bool
cert_matches_host(const struct cert *c, const char *host)
{
	int r;

	if (c->x509 == NULL || host == NULL || *host == '\0')
		return false;
	r = X509_check_ip_asc(c->x509, host, 0);
	if (r == -2 || r == 0)	/* not an IP address literal, or no match as one */
		r = r == -2 ? X509_check_host(c->x509, host, 0, 0, NULL) : 0;
	ERR_clear_error();
	return r == 1;
}

bool
cert_issued_by(const struct cert *c, const struct cert *issuer)
{
	EVP_PKEY *pk;
	bool ok;

	if (c->x509 == NULL || issuer->x509 == NULL)
		return false;
	if (X509_check_issued(issuer->x509, c->x509) != X509_V_OK) {
		ERR_clear_error();
		return false;
	}
	pk = X509_get0_pubkey(issuer->x509);
	ok = pk != NULL && X509_verify(c->x509, pk) == 1;
	ERR_clear_error();
	return ok;
}

bool
cert_equal(const struct cert *a, const struct cert *b)
{
	return a->x509 && b->x509 && X509_cmp(a->x509, b->x509) == 0;
}

void
time_format_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "?");
}

int
time_parse_iso(const char *s, time_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	char sep;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -1;
	s += n;
	if (*s == 'T' || *s == ' ') {
		sep = *s++;
		(void)sep;
		n = 0;
		if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) != 2)
			return -1;
		s += n;
		if (*s == ':') {
			n = 0;
			if (sscanf(s, ":%2d%n", &sec, &n) != 1)
				return -1;
			s += n;
		}
		if (*s == 'Z')
			s++;
	}
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return 0;
}
