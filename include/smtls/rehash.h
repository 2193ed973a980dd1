/* rehash.h: a CACertPath directory: one PEM file per CA certificate plus OpenSSL's subject-hash links. */
#ifndef SMTLS_REHASH_H
#define SMTLS_REHASH_H

#include <stddef.h>
#include <time.h>

/* Called as work progresses (files read, certificates written, links made), for a progress bar. */
struct rehash_progress {
	void	(*fn)(void *arg, size_t done, size_t total);
	void	 *arg;
};

struct rehash_result {
	size_t	  written;	/* certificate files created from the bundles */
	size_t	  present;	/* bundle certificates that the directory already held */
	size_t	  linked;	/* hash links created */
	size_t	  kept;		/* hash links that were right already */
	size_t	  removed;	/* dangling or wrong hash links removed */
	size_t	  skipped;	/* certificates or files skipped; notes say why */
	char	**notes;	/* "FILE: skipped: not a CA certificate", ... (translated) */
	size_t	  n_notes;
};

/*
 * Makes dir a CACertPath. Each CA certificate of the bundles (PEM, DER or PKCS#7) that
 * the directory does not hold yet is written to a new file NAME.pem (from its CN);
 * non-CA certificates, and those expired at now (unless now is 0), are skipped with a note. Then every file named *.pem, *.crt, *.cer
 * or *.crl holding exactly one CA certificate or CRL gets a link HASH.N (HASH.rN for
 * CRLs) with the names `openssl rehash` gives: subject-name hash, the lowest free N,
 * files in name order, identical certificates (same SHA-1 fingerprint) linked once.
 * Links that are right are kept; dangling or wrong hash links are removed; nothing else
 * is ever deleted. The directory is created when missing; a directory that is a
 * symbolic link is refused. On failure the files and links this call created are
 * removed again and err names the file. prog may be NULL.
 */
int rehash_dir(const char *dir, const char *const *bundles, size_t n_bundles, time_t now,
    const struct rehash_progress *prog, struct rehash_result *res, char **err);
void rehash_result_free(struct rehash_result *res);
/*
 * For a process that only rehashes (`smtls rehash`), before any other OpenSSL call:
 * OpenSSL starts without reading openssl.cnf (nothing there changes a subject hash or a
 * fingerprint) and without its clean-up at exit. Never in the wizard: the checks and the
 * proof it runs later need the system's configuration.
 */
void rehash_process_init(void);

/* The `smtls rehash DIR --from BUNDLE' command, quoted for sh. Caller frees. */
char *rehash_command(const char *dir, const char *bundle);

#endif
