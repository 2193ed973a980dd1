/* chain.h: trust stores and certificate chains, built exactly as OpenSSL builds them for sendmail. */
#ifndef SMTLS_CHAIN_H
#define SMTLS_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "smtls/cert.h"

/* A set of trust anchors: an X509_STORE; directories are read lazily by subject hash. */
struct trust;

/*
 * The store sendmail makes with SSL_CTX_load_verify_locations(CACertFile, CACertPath):
 * either may be NULL; a location that cannot be read adds nothing (as in sendmail).
 */
struct trust *trust_new(const char *ca_file, const char *ca_path);
/* A store from one location: a PEM bundle, or a hashed directory. NULL when it cannot be read. */
struct trust *trust_load(const char *file_or_dir, char **err);
void trust_free(struct trust **t);
/* True when the store holds a certificate with c's subject and public key. */
bool trust_has(const struct trust *t, const struct cert *c);

/*
 * The certificates peers receive: the leaf, then extra (the cert file's own chain, on builds
 * that send it) when it is not empty, else what OpenSSL adds from the store t at time now
 * (sendmail's auto-chain: the whole chain as far as it can be built, root included).
 */
void chain_presented(const struct trust *t, const struct cert *leaf, const struct certlist *extra,
    time_t now, struct certlist *out);

enum chain_result {
	CHAIN_OK,		/* ends at a root of the store */
	CHAIN_SELF_SIGNED,	/* the leaf is self-signed and not in the store */
	CHAIN_PRIVATE_ROOT,	/* ends at a self-signed root that is not in the store */
	CHAIN_NO_ISSUER,	/* the last certificate's issuer is nowhere */
	CHAIN_ERROR,		/* another verification error (see detail) */
};

/*
 * Verifies presented (leaf first) the way a peer does: roots as trust anchors, the rest of
 * presented as untrusted intermediates, at time now (validity periods are judged separately:
 * they do not make this fail). *detail gets OpenSSL's message when not CHAIN_OK (caller frees).
 */
enum chain_result chain_verify(const struct trust *roots, const struct certlist *presented,
    time_t now, char **detail);
/* The same, with every validity period judged at now, as a peer at that time does. */
enum chain_result chain_verify_dated(const struct trust *roots, const struct certlist *presented,
    time_t now, char **detail);

/*
 * What OpenSSL concludes, with the store t at time now, for any peer certificate issued by
 * ca's subject: it takes the issuer from t (the trusted copy first, a valid one before an
 * expired one) and builds on from there. Returns true when that chain is good; otherwise
 * *detail gets the error as sendmail logs it (caller frees) and *picked the subject and
 * issuer of the certificate t gave (caller frees), e.g. a cross-signed copy of a root.
 */
bool chain_issued_by_verifies(const struct trust *t, const struct cert *ca, time_t now,
    char **detail, char **picked);
/* True when t holds a self-signed certificate with this subject (c is then a cross-sign of it). */
bool trust_has_root_named(const struct trust *t, const struct cert *c);

/* What a CACertPath directory holds, as OpenSSL's lookup by subject hash sees it. */
struct capath_scan {
	size_t	  n_certs;		/* certificates reachable through hash links */
	char	**unhashed;		/* files holding a certificate that no hash link names */
	size_t	  n_unhashed;
	char	**stale;		/* "NAME: why" for dangling or wrong hash links */
	size_t	  n_stale;
	char	**misnamed;		/* of those, NAMEs that are files, not links (rehash
					 * leaves them: they need a name of their own) */
	size_t	  n_misnamed;
	char	**expired_roots;	/* "NAME (SUBJECT, expired DATE)" */
	size_t	  n_expired_roots;
	char	**issued;		/* hash names holding a certificate that is not self-issued */
	size_t	  n_issued;
	bool	  has_public_root;	/* holds a root of pub */
};

/* Scans dir; pub (may be NULL) is the set of public roots. Returns -1 with *err when unreadable. */
int capath_scan(const char *dir, const struct trust *pub, time_t now, struct capath_scan *out,
    char **err);
/*
 * The same for a CACertFile (a PEM bundle): n_certs, expired_roots, has_public_root.
 * Returns -1 when it holds no PEM certificate (load it with cert_load_file() to say why).
 */
int cafile_scan(const char *path, const struct trust *pub, time_t now, struct capath_scan *out);
void capath_scan_free(struct capath_scan *s);

#endif
