/*
 * fuzz_pem.c: rehash's two fast readers held to OpenSSL's own. pem_read_all() must find what a
 * loop of PEM_read_bio() finds (the same blocks, labels, data, end offsets and damage) whenever
 * it reads a file itself; namehash_der() must give X509_NAME_hash_ex()'s hash, and the length
 * d2i_X509_NAME() reads, for every name it takes: the input itself read as a Name, and the
 * subject of each certificate found.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "fuzz.h"
#include "smtls/namehash.h"
#include "smtls/pem.h"

static void
check_name(const unsigned char *der, long len)
{
	const unsigned char *p = der;
	unsigned long h = 0;
	long used = 0;
	X509_NAME *n;
	int ok = 0;

	if (namehash_der(der, len, &h, &used) != 1)
		return;
	if ((n = d2i_X509_NAME(NULL, &p, len)) == NULL)
		abort();	/* taken here, refused by OpenSSL */
	if (p - der != used || X509_NAME_hash_ex(n, NULL, NULL, &ok) != h || !ok)
		abort();	/* another length or another hash */
	X509_NAME_free(n);
}

static void
check_subject(const struct pem_block *b)
{
	const unsigned char *p = b->der, *der;
	size_t len;
	X509 *x;

	if (strcmp(b->label, "CERTIFICATE") != 0 || (x = d2i_X509(NULL, &p, b->der_len)) == NULL)
		return;
	if (X509_NAME_get0_der(X509_get_subject_name(x), &der, &len) == 1)
		check_name(der, (long)len);
	X509_free(x);
}

static void
same_blocks(const struct pem_blocks *a, const struct pem_blocks *b)
{
	size_t i;

	if (a->n != b->n || a->damaged != b->damaged)
		abort();
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].label, b->v[i].label) != 0 || a->v[i].der_len != b->v[i].der_len ||
		    memcmp(a->v[i].der, b->v[i].der, (size_t)a->v[i].der_len) != 0 ||
		    a->v[i].end != b->v[i].end)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pem_blocks fast, ossl;
	size_t i;

	check_name(data, (long)size);
	pem_read_all((const char *)data, size, &fast);
	if (fast.fast) {
		pem_read_all_openssl((const char *)data, size, &ossl);
		same_blocks(&fast, &ossl);
		pem_blocks_free(&ossl);
	}
	for (i = 0; i < fast.n; i++)
		check_subject(&fast.v[i]);
	pem_blocks_free(&fast);
	ERR_clear_error();
	return 0;
}
