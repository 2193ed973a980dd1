/*
 * bench/minverify.c: the floor for `smtls check`: the least a C program does to answer "does
 * this certificate verify and match its key": load the certificate, its chain and the key,
 * verify against a hashed directory (OpenSSL's lookup by subject hash), compare the keys.
 * Built by bench/check.sh with cc ... -lcrypto; not part of smtls.
 * Usage: minverify CERT KEY CHAIN CAPATH   (exit 0 when it verifies and the key matches)
 */
#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

static X509 *
read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	if (f == NULL)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

int
main(int argc, char **argv)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509 *leaf, *x;
	EVP_PKEY *key;
	FILE *f;
	int ok;

	if (argc != 5 || chain == NULL || store == NULL || ctx == NULL)
		return 2;
	if ((leaf = read_cert(argv[1])) == NULL || (f = fopen(argv[2], "r")) == NULL)
		return 2;
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (key == NULL || (f = fopen(argv[3], "r")) == NULL)
		return 2;
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		sk_X509_push(chain, x);
	fclose(f);
	if (X509_STORE_load_path(store, argv[4]) != 1 ||
	    X509_STORE_CTX_init(ctx, store, leaf, chain) != 1)
		return 2;
	ok = X509_verify_cert(ctx) == 1 && X509_check_private_key(leaf, key) == 1;
	printf("%s\n", ok ? "OK" : X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_pop_free(chain, X509_free);
	X509_free(leaf);
	EVP_PKEY_free(key);
	return ok ? 0 : 1;
}
