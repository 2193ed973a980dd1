/*
 * fuzz_key.c: private key files through key_load_file (PEM, DER detection, encrypted keys,
 * certificates given as keys); a loaded key is written back as PEM and loads again. The same
 * bytes as a DHParameters file through dh_pem_bits.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "smtls/cert.h"
#include "smtls/check.h"
#include "smtls/pki.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	struct key k, again;
	enum load_status st;
	char *err = NULL, *pem;
	size_t len;

	st = key_load_file(path, &k, &err);
	if ((st == LOAD_OK) != (err == NULL) || (st == LOAD_OK) != (k.pkey != NULL))
		abort();	/* a failure says why; a success has a key */
	free(err);
	err = NULL;
	{
		int bits = -1, r = dh_pem_bits((const char *)data, size, &bits, &err);

		if ((r == 0) != (err == NULL) || (r == 0) != (bits > 0))
			abort();	/* parameters have a size; a failure says why */
		free(err);
		err = NULL;
	}
	if (st == LOAD_OK) {
		if ((pem = pki_key_pem(&k, &len)) != NULL) {
			path = fuzz_file((const uint8_t *)pem, len);
			if (key_load_file(path, &again, NULL) != LOAD_OK ||
			    strcmp(again.type, k.type) != 0 || again.bits != k.bits)
				abort();	/* written and read back: the same kind of key */
			key_clear(&again);
			pki_free_secret(pem, len);
		}
		key_clear(&k);
	}
	return 0;
}
