/* cert.h: certificates and private keys as plain structs, loaded from PEM files. */
#ifndef SMTLS_CERT_H
#define SMTLS_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "smtls/fileio.h"

#define CERT_FILE_MAX	(16u * 1024 * 1024)	/* larger files are not certificate files */

enum eku_bits {
	EKU_SERVER_AUTH = 1 << 0,
	EKU_CLIENT_AUTH = 1 << 1,
	EKU_ANY = 1 << 2,
};

struct cert {
	void		*x509;		/* X509 *; only the OpenSSL wrappers look inside */
	char		*subject;	/* one line, OpenSSL's "oneline" form: /O=.../CN=... */
	char		*issuer;
	char		*subject_cn;	/* NULL when there is none */
	char		**dns_names;	/* subjectAltName dNSName entries */
	size_t		 n_dns;
	char		**ip_names;	/* subjectAltName iPAddress entries, as text */
	size_t		 n_ip;
	time_t		 not_before;
	time_t		 not_after;
	char		 key_type[16];	/* "RSA", "EC", "Ed25519", "Ed448", "DSA", ... */
	int		 key_bits;
	char		 key_curve[32];	/* "prime256v1" for EC keys, else "" */
	char		 sig_alg[64];	/* "sha256WithRSAEncryption", ... */
	bool		 weak_sig;	/* MD5 or SHA-1 */
	bool		 is_ca;		/* basicConstraints CA:TRUE */
	bool		 self_issued;	/* subject == issuer */
	bool		 self_signed;	/* self-issued and its own key verifies it */
	bool		 v1;		/* X.509 version 1: self-signed, OpenSSL takes it as a CA */
	bool		 has_eku;
	unsigned	 eku;		/* enum eku_bits */
	char		 serial[80];	/* hex */
	char		 sha256[96];	/* AA:BB:... */
	unsigned long	 subject_hash;	/* as openssl x509 -hash */
};

struct certlist {
	struct cert	*v;
	size_t		 n;
};

struct key {
	void		*pkey;		/* EVP_PKEY *; NULL when not loaded */
	char		 type[16];
	int		 bits;
	char		 curve[32];
};

enum load_status {
	LOAD_OK = 0,
	LOAD_MISSING,
	LOAD_UNREADABLE,	/* permissions, I/O, not a regular file, too large */
	LOAD_NOT_PEM,		/* nothing of the expected kind; *err says what it is */
	LOAD_DER,		/* a DER file: say how to convert */
	LOAD_NOT_A_KEY,		/* key file holds no private key (e.g. a certificate) */
	LOAD_ENCRYPTED,		/* passphrase-protected key */
};

/*
 * When a certificate is judged at a moment: as OpenSSL's verifier does (valid from notBefore
 * to notAfter, both included), and "expiring" within the warning window: 14 days, or the last
 * third of a shorter life (a 6-day certificate is renewed when 2 days are left).
 */
enum cert_validity {
	CERT_VALID = 0,
	CERT_NOT_YET_VALID,
	CERT_EXPIRED,
	CERT_EXPIRING,
};
#define CERT_EXPIRY_WARN	(14 * 86400)
/* The window before notAfter in which c counts as expiring. */
time_t cert_expiry_window(const struct cert *c);
/* How c stands at the moment at, and (days not NULL) the whole days left until notAfter
 * (negative after it): the one judgement of check, probe, lineages, the CA and the wizard. */
enum cert_validity cert_expiry_state(const struct cert *c, time_t at, long long *days);

/* Whether c may be our client certificate: no extended key usage, or one with clientAuth (or
 * anyExtendedKeyUsage); peers that verify client certificates refuse any other. */
bool cert_client_auth_ok(const struct cert *c);
/* The same for the first certificate of the file path: 1 yes, 0 no, -1 it cannot be read. */
int cert_file_client_auth(const char *path);

/* Loads every certificate of a PEM file (or detects DER). err names the file. */
enum load_status cert_load_file(const char *path, struct certlist *out, char **err);
/* Parses PEM or DER certificates from memory. Returns the number found. */
size_t cert_load_mem(const char *data, size_t len, struct certlist *out);
/* Builds the plain fields of a struct cert from an X509 * (takes a reference). */
void cert_from_x509(struct cert *c, void *x509);
/* Copies c (adds a reference to the X509). */
void cert_dup(struct cert *dst, const struct cert *src);
void certlist_add(struct certlist *l, const struct cert *c);	/* copies */
void cert_clear(struct cert *c);
void certlist_free(struct certlist *l);

/* Loads a private key from a PEM file, without ever asking for a passphrase. */
enum load_status key_load_file(const char *path, struct key *out, char **err);
/* True when the key is the private half of the certificate's public key. */
bool key_matches_cert(const struct key *k, const struct cert *c);
void key_clear(struct key *k);

/* True when c names host (SAN dNSName with one-label wildcards, iPAddress; CN without SAN). */
bool cert_matches_host(const struct cert *c, const char *host);
/* True when issuer's subject is c's issuer and issuer's key verifies c's signature. */
bool cert_issued_by(const struct cert *c, const struct cert *issuer);
/* True when both are the same certificate (same DER). */
bool cert_equal(const struct cert *a, const struct cert *b);

/* Formats t as "2026-11-25T00:00:00Z" into buf (at least 21 bytes). */
void time_format_iso(time_t t, char *buf, size_t size);
/* Parses "2021-10-01", "2021-10-01T00:00:00Z" or "2021-10-01 00:00:00" as UTC. */
int time_parse_iso(const char *s, time_t *out);

#endif
