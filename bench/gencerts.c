/*
 * bench/gencerts.c: a PEM bundle of N self-signed CA certificates for the rehash benchmark,
 * made in-process (one EC key, N subjects) since N `openssl req` runs would take minutes.
 * Every 50th subject repeats the one before it (another certificate, same subject hash), so
 * the hash buckets with more than one file are exercised too. Not part of smtls.
 * Usage: gencerts N > bundle.pem
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (e == NULL)
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

int
main(int argc, char **argv)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	int i, n = argc == 2 ? atoi(argv[1]) : 0;

	if (n <= 0 || key == NULL)
		return 2;
	for (i = 0; i < n; i++) {
		X509 *x = X509_new();
		X509_NAME *name = X509_NAME_new();
		char cn[64];

		snprintf(cn, sizeof(cn), "smtls bench root %05d", i % 50 == 49 ? i - 1 : i);
		if (x == NULL || name == NULL ||
		    !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
		    (const unsigned char *)"smtls bench", -1, -1, 0) ||
		    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
		    (const unsigned char *)cn, -1, -1, 0) ||
		    !X509_set_version(x, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(x), i + 1) ||
		    !X509_gmtime_adj(X509_getm_notBefore(x), -86400) ||
		    !X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 86400) ||
		    !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, name) ||
		    !X509_set_pubkey(x, key) ||
		    !add_ext(x, NID_basic_constraints, "critical,CA:TRUE") ||
		    !add_ext(x, NID_key_usage, "critical,keyCertSign,cRLSign") ||
		    !add_ext(x, NID_subject_key_identifier, "hash") ||
		    !X509_sign(x, key, EVP_sha256()) || !PEM_write_X509(stdout, x))
			return 1;
		X509_NAME_free(name);
		X509_free(x);
	}
	EVP_PKEY_free(key);
	return fflush(stdout) == 0 ? 0 : 1;
}
