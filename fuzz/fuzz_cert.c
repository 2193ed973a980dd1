/*
 * fuzz_cert.c: certificate files through the loaders: cert_load_mem (PEM, DER), cert_load_file
 * (with its message for what the file is instead) and pki_load_certs (PEM, DER, PKCS#7 in PEM
 * or DER); every certificate found goes through the checks that read its fields. A certificate
 * written back as PEM loads again as the same certificate.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct certlist a = { 0 }, b = { 0 }, c = { 0 };
	const char *path = fuzz_file(data, size);
	char *copy = xmalloc(size ? size : 1), *err = NULL;

	memcpy(copy, data, size);
	if (cert_load_mem(copy, size, &a) != a.n)
		abort();
	exercise(&a);
	if (cert_load_file(path, &b, &err) != LOAD_OK && (err == NULL || b.n != 0))
		abort();	/* a failure says why, and keeps nothing */
	free(err);
	err = NULL;
	exercise(&b);
	if (pki_load_certs(path, &c, &err) == -1 && (err == NULL || c.n != 0))
		abort();
	free(err);
	exercise(&c);
	certlist_free(&a);
	certlist_free(&b);
	certlist_free(&c);
	free(copy);
	return 0;
}
