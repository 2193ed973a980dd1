/*
 * unit_pem.c: TAP tests of rehash's fast readers against OpenSSL: pem_read_all() (PEM blocks)
 * and namehash_der() (the subject hash of HASH.N links). Each case says whether the fast
 * reader takes it, and asserts that the result is OpenSSL's either way.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "smtls/namehash.h"
#include "smtls/pem.h"
#include "smtls/xmalloc.h"
#include "tap.h"

static bool
same_blocks(const struct pem_blocks *a, const struct pem_blocks *b)
{
	size_t i;

	if (a->n != b->n || a->damaged != b->damaged)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].label, b->v[i].label) != 0 || a->v[i].der_len != b->v[i].der_len ||
		    memcmp(a->v[i].der, b->v[i].der, (size_t)a->v[i].der_len) != 0 ||
		    a->v[i].end != b->v[i].end)
			return false;
	return true;
}

/* Reads text both ways: the fast flag as wanted, n blocks, damaged as wanted, and OpenSSL's result. */
static void
pem_case(const char *name, const char *text, bool fast, size_t n, bool damaged)
{
	struct pem_blocks a, b;

	pem_read_all(text, strlen(text), &a);
	pem_read_all_openssl(text, strlen(text), &b);
	okf(a.fast == fast && a.n == n && a.damaged == damaged && same_blocks(&a, &b),
	    "PEM %s: %s, %zu block(s)%s, as PEM_read_bio() reads it", name,
	    fast ? "read here" : "left to OpenSSL", n, damaged ? ", damaged" : "");
	if (a.fast != fast || a.n != n || a.damaged != damaged)
		diag("got fast=%d n=%zu damaged=%d; OpenSSL n=%zu damaged=%d", a.fast, a.n,
		    a.damaged, b.n, b.damaged);
	pem_blocks_free(&a);
	pem_blocks_free(&b);
}

/* A certificate as PEM, made here (so that the test needs no file). */
static char *
make_pem(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long len;

	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"Unit Root", -1,
	    -1, 0);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	ASN1_TIME_set(X509_getm_notBefore(x), 1764028800);
	ASN1_TIME_set(X509_getm_notAfter(x), 1795564800);
	X509_set_pubkey(x, k);
	X509_sign(x, k, EVP_sha256());
	PEM_write_bio_X509(b, x);
	len = BIO_get_mem_data(b, &data);
	out = xstrndup(data, (size_t)len);
	BIO_free(b);
	X509_NAME_free(n);
	X509_free(x);
	EVP_PKEY_free(k);
	return out;
}

static char *
replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *r;

	if (at == NULL)
		bail_out("replace: '%s' not found", from);
	r = xstrprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return r;
}

static void
test_pem(void)
{
	char *pem = make_pem(), *two, *t;
	const char *body = strchr(pem, '\n') + 1;

	pem_case("one certificate", pem, true, 1, false);
	two = xstrprintf("subject=CN = Unit Root\n%s\nsome text between\n%s# the end\n", pem, pem);
	pem_case("two certificates with text around them", two, true, 2, false);
	pem_case("an empty file", "", true, 0, false);
	pem_case("text only", "no certificate here\n", true, 0, false);
	t = xstrprintf("\xef\xbb\xbf%s", pem);
	pem_case("with a byte order mark", t, false, 1, false);
	free(t);
	t = xstrprintf("-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n%s", body);
	pem_case("with a header", t, false, 1, false);
	free(t);
	t = replace(pem, "-----END CERTIFICATE-----", "-----END X509 CRL-----");
	pem_case("whose END line names another label", t, false, 0, true);
	free(t);
	t = xstrndup(pem, strlen(pem) - 30);
	pem_case("cut short", t, false, 0, true);
	free(t);
	t = xstrndup(pem, strlen(pem) - 1);
	pem_case("without a newline after its END line", t, false, 1, false);
	free(t);
	t = replace(pem, "BEGIN CERTIFICATE", "BEGIN certificate");
	{
		char *u = replace(t, "END CERTIFICATE", "END certificate");

		pem_case("with a lower-case label", u, false, 1, false);
		free(u);
	}
	free(t);
	/* \r\n line ends: every line */
	{
		struct buf b = { 0 };
		const char *p;

		for (p = pem; *p != '\0'; p++) {
			if (*p == '\n')
				buf_append(&b, "\r", 1);
			buf_append(&b, p, 1);
		}
		buf_append(&b, "", 1);
		pem_case("with \\r\\n line ends", b.data, false, 1, false);
		buf_free(&b);
	}
	/* a line of 63 characters before the last: not the plain layout */
	t = xstrdup(pem);
	{
		char *line2 = strchr(strchr(t, '\n') + 1, '\n') + 1;

		memmove(line2 - 2, line2 - 1, strlen(line2 - 1) + 1);	/* drop a character */
		pem_case("with a short line inside", t, false, 0, true);
	}
	free(t);
	free(two);
	free(pem);
	pem_case("padding with stray bits (QR==)",
	    "-----BEGIN X-----\nQR==\n-----END X-----\n", false, 1, false);
	pem_case("padding that is exact (QQ==)",
	    "-----BEGIN X-----\nQQ==\n-----END X-----\n", true, 1, false);
	pem_case("padding inside the data",
	    "-----BEGIN X-----\nQQ==QUFB\n-----END X-----\n", false, 0, true);
}

/* DER of a Name of one RDN: SET { SEQUENCE { OID 2.5.4.3 (CN), TAG value } }. */
static unsigned char *
cn_der(unsigned char tag, const char *value, size_t vlen, long *len)
{
	unsigned char *d = xmalloc(vlen + 13);

	d[0] = 0x30;
	d[1] = (unsigned char)(vlen + 11);
	d[2] = 0x31;
	d[3] = (unsigned char)(vlen + 9);
	d[4] = 0x30;
	d[5] = (unsigned char)(vlen + 7);
	memcpy(d + 6, "\x06\x03\x55\x04\x03", 5);
	d[11] = tag;
	d[12] = (unsigned char)vlen;
	memcpy(d + 13, value, vlen);
	*len = (long)vlen + 13;
	return d;
}

/* namehash_der() of a Name's DER: fast as wanted, and OpenSSL's hash when it gives one. */
static void
name_case(const char *name, const unsigned char *der, long len, bool fast)
{
	const unsigned char *p = der;
	unsigned long h = 0, want = 0;
	long used = 0;
	X509_NAME *n = d2i_X509_NAME(NULL, &p, len);
	int r = namehash_der(der, len, &h, &used), ok = 0;

	if (n != NULL)
		want = X509_NAME_hash_ex(n, NULL, NULL, &ok);
	if (fast)
		okf(r == 1 && n != NULL && ok && h == want && used == p - der,
		    "name %s: hashed here, %08lx as OpenSSL's", name, h);
	else
		okf(r == 0, "name %s: left to OpenSSL (%s)", name,
		    n != NULL ? "which reads it" : "which refuses it too");
	X509_NAME_free(n);
	ERR_clear_error();
}

static void
name_txt(const char *name, const char *const *fields, int type, bool multi, bool fast)
{
	X509_NAME *n = X509_NAME_new();
	unsigned char *der = NULL;
	int i, len;

	for (i = 0; fields[i] != NULL; i += 2)
		X509_NAME_add_entry_by_txt(n, fields[i], type, (const unsigned char *)fields[i + 1],
		    -1, -1, multi && i > 0 ? -1 : 0);
	len = i2d_X509_NAME(n, &der);
	name_case(name, der, len, fast);
	OPENSSL_free(der);
	X509_NAME_free(n);
}

static void
test_names(void)
{
	static const char *const plain[] = { "C", "DE", "O", "Example GmbH", "CN", "Example Root CA", NULL };
	static const char *const spaces[] = { "O", "  Example    GMBH  ", "CN", "   ", NULL };
	static const char *const utf8[] = { "C", "HU", "O", "NetLock Kft.", "OU",
	    "Tan\xc3\xbas\xc3\xadtv\xc3\xa1nykiad\xc3\xb3k", "CN", "F\xc5\x91tan\xc3\xbas\xc3\xadtv\xc3\xa1ny", NULL };
	static const char *const email[] = { "emailAddress", "Root@Example.ORG", "CN", "x", NULL };
	static const struct {
		const char	*name;
		unsigned char	 tag;
		const char	*value;
		size_t		 len;
		bool		 fast;
	} cn[] = {
		{ "a UTF8String 'caf\xc3\xa9 Root'", 0x0c, "caf\xc3\xa9 Root", 10, true },
		{ "a T61String", 0x14, "Teletex Root", 12, true },
		{ "an empty value", 0x13, "", 0, true },
		{ "an overlong UTF-8 sequence", 0x0c, "bad \xc0\xaf utf-8", 12, false },
		{ "a UTF-16 surrogate in UTF-8", 0x0c, "\xed\xa0\x80", 3, false },
		{ "a control character", 0x13, "tab\there", 8, false },
		{ "a BMPString", 0x1e, "\0R\0o\0o\0t", 8, false },
		{ "a VisibleString", 0x1a, "Visible", 7, false },
	};
	unsigned char *d;
	size_t i;
	long len;

	name_txt("of PrintableStrings", plain, MBSTRING_ASC, false, true);
	name_txt("with spaces to trim and fold, and a value of spaces only", spaces, V_ASN1_UTF8STRING,
	    false, true);
	name_txt("of UTF-8 beyond ASCII", utf8, MBSTRING_UTF8, false, true);
	name_txt("with an IA5String (emailAddress)", email, MBSTRING_ASC, false, true);
	name_txt("with two attributes in one RDN", plain, MBSTRING_ASC, true, false);

	for (i = 0; i < sizeof(cn) / sizeof(cn[0]); i++) {
		d = cn_der(cn[i].tag, cn[i].value, cn[i].len, &len);
		name_case(cn[i].name, d, len, cn[i].fast);
		free(d);
	}
	name_case("the empty Name", (const unsigned char *)"\x30\x00", 2, false);
	name_case("a non-minimal length", (const unsigned char *)
	    "\x30\x81\x0c\x31\x0a\x30\x08\x06\x03\x55\x04\x03\x13\x01x", 15, false);
	name_case("an OID padded with 0x80", (const unsigned char *)
	    "\x30\x0d\x31\x0b\x30\x09\x06\x04\x80\x55\x04\x03\x13\x01x", 15, false);
}

/* Every certificate of the system's bundle: its subject hashed here is OpenSSL's hash. */
static void
test_system_bundle(void)
{
	const char *path = "/etc/ssl/certs/ca-certificates.crt";
	FILE *f = fopen(path, "r");
	int n = 0, fast = 0, wrong = 0;
	X509 *x;

	if (f == NULL) {
		skip("the system's roots", "no /etc/ssl/certs/ca-certificates.crt");
		return;
	}
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		const unsigned char *der;
		unsigned long h;
		size_t dlen;
		long used;

		n++;
		X509_NAME_get0_der(X509_get_subject_name(x), &der, &dlen);
		if (namehash_der(der, (long)dlen, &h, &used) == 1) {
			fast++;
			if (h != X509_NAME_hash_ex(X509_get_subject_name(x), NULL, NULL, NULL) ||
			    used != (long)dlen)
				wrong++;
		}
		X509_free(x);
	}
	fclose(f);
	ERR_clear_error();
	okf(n > 0 && wrong == 0, "the system's %d roots: %d hashed here, each as OpenSSL's", n, fast);
}

int
main(void)
{
	test_pem();
	test_names();
	test_system_bundle();
	return tap_done();
}
