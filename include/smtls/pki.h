/* pki.h: making keys, certificates and CSRs, writing them safely, and sorting what a CA returns. */
#ifndef SMTLS_PKI_H
#define SMTLS_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "smtls/cert.h"
#include "smtls/xmalloc.h"

#define PKI_RSA_MIN_BITS	2048
#define PKI_RSA_MAX_BITS	16384
#define PKI_DEFAULT_KEY		"rsa:3072"	/* see doc/cmd-selfsigned.8 for why */
#define PKI_DAYS_MAX		(100 * 366)

enum pki_key_alg {
	PKI_KEY_RSA,
	PKI_KEY_EC,
};

struct pki_key_spec {
	enum pki_key_alg alg;
	int		 bits;		/* RSA modulus size, or the EC curve size (256, 384) */
};

/* Why the default key (PKI_DEFAULT_KEY) is RSA, or what choosing EC means (translated): the
 * one advice the wizard, the CLI and smtls(8) give. */
const char *pki_key_advice(enum pki_key_alg alg);
/* "rsa" (3072), "rsa:N" or "rsaN", "ec" (P-256), "ec:P-256", "ec:P-384". RSA below 2048 is refused. */
int pki_key_spec_parse(const char *s, struct pki_key_spec *out, char **err);
/* Generates a new key; out is cleared with key_clear(). */
int pki_key_generate(const struct pki_key_spec *spec, struct key *out, char **err);

/* True when s is a DNS name (a leading "*." allowed) or an IPv4/IPv6 literal; err says why not. */
bool pki_name_valid(const char *s, char **err);

enum pki_profile {
	PKI_PROFILE_SERVER,	/* an MTA: serverAuth and clientAuth (it is a client when it relays) */
	PKI_PROFILE_CLIENT,	/* clientAuth only */
	PKI_PROFILE_CA,		/* a CA that issues end-entity certificates only (pathlen 0) */
};

struct pki_cert_params {
	enum pki_profile	 profile;
	const char		*common_name;	/* CN; NULL for none (names longer than 64) */
	const char		*organization;	/* O, or NULL */
	const char		*country;	/* C (two letters), or NULL */
	const char		*state;		/* ST, or NULL */
	const char		*locality;	/* L, or NULL */
	const char *const	*names;		/* subjectAltName: DNS names and IP literals */
	size_t			 n_names;
	time_t			 not_before;
	int			 days;
};

/*
 * Makes a certificate for subject_key with a random positive 128-bit serial, signed by
 * issuer/issuer_key (both NULL: self-signed). The result is in out (cert_clear()).
 */
int pki_cert_issue(const struct pki_cert_params *p, const struct key *subject_key,
    const struct cert *issuer, const struct key *issuer_key, struct cert *out, char **err);
/* Makes a PEM certificate request with the CN, O and subjectAltName of p (caller frees). */
int pki_csr_make(const struct pki_cert_params *p, const struct key *key, char **pem, char **err);

/* PEM encodings (caller frees; wipe a key's with pki_free_secret()). */
char *pki_key_pem(const struct key *k, size_t *len);
void pki_cert_pem(struct buf *b, const struct cert *c);
void pki_free_secret(char *s, size_t len);

/*
 * Output directories and files. An output directory that is a symbolic link, is not a
 * directory, or cannot be written is refused. pki_outdir_prepare() creates a missing
 * directory (not its parents) with mode dir_mode and says so in *created.
 */
int pki_outdir_prepare(const char *dir, mode_t dir_mode, bool *created, char **err);

struct pki_out_file {
	const char	*name;		/* a plain file name inside the directory */
	const char	*data;
	size_t		 len;
	mode_t		 mode;		/* 0600 for keys: the mode from the first byte */
};

/*
 * Writes all files or none, as one transaction (journal.h), also across a crash: each goes
 * to a new temp file in dir (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600 from the first byte), is
 * fsynced, and only when all are written are they put in place: linked under their names
 * (an existing file is an error) or, with force, renamed over the old files. A symbolic link
 * at any name is refused. On failure no temp file and no new file is left and err names the
 * file.
 */
int pki_write_files(const char *dir, const struct pki_out_file *files, size_t n, bool force,
    char **err);
/*
 * pki_write_files, where backups (NULL, or one entry a file) may name for a file the backup
 * its old version is kept under (a plain name in dir, a hard link taken at the commit):
 * an existing file with a backup is replaced without force; one without is an error unless
 * force. A backup name that exists is an error (nothing is written).
 */
int pki_write_files_backup(const char *dir, const struct pki_out_file *files, size_t n,
    bool force, const char *const *backups, char **err);

/* Loads every certificate of a file: PEM (several), DER, or PKCS#7 (PEM or DER, .p7b/.p7c). */
int pki_load_certs(const char *path, struct certlist *out, char **err);

/* What a CA returned, sorted. */
struct pki_bundle {
	struct cert	 leaf;		/* the certificate that matches the key */
	struct certlist	 chain;		/* intermediates, leaf to root order, no root */
	struct cert	 root;		/* the root the chain ends at (x509 NULL when unknown) */
	bool		 root_given;	/* the root was in the input (and is dropped) */
	bool		 incomplete;	/* an intermediate is missing */
	char		*missing;	/* the subject of the missing issuer, when incomplete */
	struct certlist	 unused;	/* input certificates that are not on the chain */
};

/*
 * Finds the leaf that matches key among pool, then its issuers leaf-to-root. Where two
 * certificates could be the issuer, one valid at now wins over an expired one (an old
 * cross-sign), then an intermediate or cross-sign over a self-signed root (the chain as
 * the CA sent it). A chain that stops at a certificate whose issuer is neither in pool
 * nor in roots (may be NULL) is incomplete. Returns -1 with err when no certificate
 * matches the key, or only a CA certificate does.
 */
int pki_bundle_sort(const struct certlist *pool, const struct key *key,
    const struct certlist *roots, time_t now, struct pki_bundle *out, char **err);
void pki_bundle_free(struct pki_bundle *b);

#endif
