/* namehash.h: the subject hash of `openssl x509 -hash` (HASH.N link names), from a name's DER. */
#ifndef SMTLS_NAMEHASH_H
#define SMTLS_NAMEHASH_H

#include <stddef.h>

#define NAMEHASH_SHA1_LEN	20

/*
 * X509_NAME_hash_ex() of the DER Name at der (at most len bytes), without decoding it into
 * an X509_NAME: for a name of one attribute per RDN, each a UTF8String (well-formed UTF-8),
 * PrintableString, T61String or IA5String of printable ASCII, in minimal DER (what CAs
 * issue; no control characters), the canonical
 * form OpenSSL hashes is made here, several times faster. 1 with *hash and the name's length
 * in *used; 0 for any other name (the caller asks OpenSSL), never a different hash: fuzz/
 * fuzz_pem.c compares the two on every name it makes.
 */
int namehash_der(const unsigned char *der, long len, unsigned long *hash, long *used);

/*
 * The SHA-1 digest of n bytes (a certificate's fingerprint, a name's hash), by OpenSSL's
 * SHA-1 itself: a digest through EVP first loads the providers and the configuration,
 * about a fifth of a whole `smtls rehash` of the system's 144 roots.
 */
void sha1_digest(const void *p, size_t n, unsigned char md[NAMEHASH_SHA1_LEN]);

#endif
