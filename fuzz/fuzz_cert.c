/*
 * fuzz_cert.c: certificate files through the loaders: cert_load_mem (PEM, DER), cert_load_file
 * (with its message for what the file is instead) and pki_load_certs (PEM, DER, PKCS#7 in PEM
 * or DER). cert_load_file finds what cert_load_mem finds in PEM, and says DER when that found
 * a DER certificate; every certificate found goes through the checks that read its fields
 * (once: those pki_load_certs finds again are compared, not checked again, which would only
 * make each input slower). A certificate written back as PEM loads again as the same
 * certificate.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "smtls/cert.h"
#include "smtls/pki.h"
#include "smtls/xmalloc.h"

static void
exercise(const struct certlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct cert *c = &l->v[i];
		struct certlist again = { 0 };
		struct buf b = { 0 };

		if (c->subject == NULL || c->issuer == NULL)
			abort();
		(void)cert_matches_host(c, "mx.example.com");
		(void)cert_matches_host(c, "192.0.2.1");
		(void)cert_issued_by(c, &l->v[0]);
		pki_cert_pem(&b, c);
		if (cert_load_mem(b.data, b.len, &again) != 1 || !cert_equal(&again.v[0], c))
			abort();	/* written and read back: the same certificate */
		certlist_free(&again);
		buf_free(&b);
	}
}

/* True when both lists hold the same certificates in the same order. */
static bool
same_certs(const struct certlist *a, const struct certlist *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!cert_equal(&a->v[i], &b->v[i]))
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct certlist a = { 0 }, b = { 0 }, c = { 0 };
	const char *path = fuzz_file(data, size);
	char *copy = xmalloc(size ? size : 1), *err = NULL;
	enum load_status st;

	memcpy(copy, data, size);
	if (cert_load_mem(copy, size, &a) != a.n)
		abort();
	exercise(&a);
	st = cert_load_file(path, &b, &err);
	if (st != LOAD_OK && (err == NULL || b.n != 0))
		abort();	/* a failure says why, and keeps nothing */
	if ((st == LOAD_OK && !same_certs(&a, &b)) || (st == LOAD_DER && a.n != 1) ||
	    (st == LOAD_NOT_PEM && a.n != 0) || (st != LOAD_OK && st != LOAD_DER &&
	    st != LOAD_NOT_PEM))
		abort();	/* the file loader finds what the memory loader finds */
	free(err);
	err = NULL;
	if (pki_load_certs(path, &c, &err) == -1 && (err == NULL || c.n != 0))
		abort();
	free(err);
	if (!same_certs(&a, &c))
		exercise(&c);	/* PKCS#7 */
	certlist_free(&a);
	certlist_free(&b);
	certlist_free(&c);
	free(copy);
	return 0;
}
