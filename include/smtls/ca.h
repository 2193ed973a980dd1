/* ca.h: the private CA of an organisation's mail servers: making it, loading it, issuing from it. */
#ifndef SMTLS_CA_H
#define SMTLS_CA_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "smtls/cert.h"
#include "smtls/pki.h"
#include "smtls/xmalloc.h"

#define CA_DAYS		3650	/* ten years: renewing a CA means touching every member */
#define CA_LEAF_DAYS	397	/* a year and a month: a yearly re-issue with some slack */
#define CA_DEFAULT_NAME	"smtls private mail CA"
#define CA_CERT_FILE	"ca.pem"	/* in the CA directory: the CACertFile of every member */
#define CA_KEY_FILE	"ca-key.pem"	/* mode 0600; keep it off the MTAs */

/* A new CA: its key, its certificate, and the two files to write (ca.pem, ca-key.pem 0600). */
struct ca_new {
	struct key		 key;
	struct cert		 cert;
	struct buf		 certpem;
	char			*keypem;
	size_t			 keylen;
	struct pki_out_file	 files[2];
};

/* The subject and validity of a new CA: named name (1 to 64 characters), no host names. */
void ca_params(struct pki_cert_params *p, const char *name, time_t not_before, int days);

/*
 * Makes a CA key of spec and its self-signed certificate from p (the profile is set to
 * PKI_PROFILE_CA here; p->common_name is the CA's name). Free with ca_new_free().
 */
int ca_new_make(struct ca_new *n, const struct pki_key_spec *spec, struct pki_cert_params *p,
    char **err);
void ca_new_free(struct ca_new *n);

/* True when dir holds a CA certificate file (ca.pem), usable or not. */
bool ca_dir_has_ca(const char *dir);

/*
 * Loads the CA of dir: ca.pem must be a CA certificate valid at now and ca-key.pem its
 * key. Fills ca and key (cert_clear(), key_clear()); -1 with err naming the file.
 */
int ca_load(const char *dir, time_t now, struct cert *ca, struct key *key, char **err);

/*
 * A certificate cannot outlive its CA: shortens p->days so it ends before ca does.
 * Returns 1 when shortened, 0 when unchanged, -1 with err when the CA expires within a day.
 */
int ca_fit_days(const struct cert *ca, const char *dir, struct pki_cert_params *p, char **err);

#endif
