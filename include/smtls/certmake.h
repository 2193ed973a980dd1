/* certmake.h: what each way of getting a certificate writes, decided once for `smtls
 * selfsigned', `ca new', `ca issue', `csr', `import' and the wizard: the names, the files,
 * their modes, the validity, and which file of the directory is CACertFile. */
#ifndef SMTLS_CERTMAKE_H
#define SMTLS_CERTMAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "smtls/cert.h"
#include "smtls/job.h"
#include "smtls/pki.h"
#include "smtls/xmalloc.h"

#define CERTMAKE_CERT		"cert.pem"	/* the leaf: confSERVER_CERT */
#define CERTMAKE_KEY		"privkey.pem"	/* mode 0600: confSERVER_KEY */
#define CERTMAKE_CSR		"csr.pem"	/* the request for a commercial CA */
#define CERTMAKE_CHAIN		"chain.pem"	/* the intermediates, leaf to root, no root */
#define CERTMAKE_FULLCHAIN	"fullchain.pem"	/* the leaf and its intermediates */
#define CERTMAKE_DIR_MODE	0755		/* a directory of certificates and a 0600 key */
#define CERTMAKE_CA_DIR_MODE	0700		/* the CA directory: it holds the CA's key */
#define CERTMAKE_SELFSIGNED_DAYS 825		/* the longest life clients still accept */
#define CERTMAKE_SYSTEM_ROOTS	"/etc/ssl/certs/ca-certificates.crt"	/* may end an import's chain */

/* The names a certificate is for, in order, without repeats (compared without case). */
struct certmake_names {
	char	**v;
	size_t	  n;
};

/* Adds name when it is a DNS name or an IP literal (pki_name_valid); -1 with err when not. */
int certmake_names_add(struct certmake_names *ns, const char *name, char **err);
/* Adds each name of "a.example, b.example" (commas or blanks between); -1 with err. */
int certmake_names_parse(struct certmake_names *ns, const char *list, char **err);
void certmake_names_free(struct certmake_names *ns);

/*
 * The subject and validity of an MTA's certificate for names (at least one): the server
 * profile (serverAuth and clientAuth), the first name as CN when it fits in 64 characters,
 * every name in subjectAltName, from not_before for days. -1 with err without a name.
 */
int certmake_params(struct pki_cert_params *p, const struct certmake_names *ns,
    time_t not_before, int days, char **err);

/* What one command writes into its directory, and which of those files is CACertFile. */
struct certmake {
	struct key		 key;		/* a new key (leaf, csr without a given key) */
	struct cert		 cert;		/* the new certificate (leaf) */
	struct buf		 pem[3];	/* the certificate encodings files point into */
	char			*keypem;
	size_t			 keylen;
	char			*csrpem;
	struct pki_out_file	 files[4];
	size_t			 n_files;
	const char		*cacert;	/* the file that is CACertFile; NULL for a CSR */
};

/* The file of a directory that is CACertFile: for a leaf issued by a CA (issued) its ca.pem,
 * for a self-signed one the certificate itself (sendmail needs a CACertFile); for an import,
 * chain.pem, or cert.pem when the root issued the certificate itself (no chain). */
const char *certmake_leaf_cacert(bool issued);
const char *certmake_import_cacert(const struct pki_bundle *b);

/*
 * A new key of spec and a certificate for it from p, issued by issuer/issuer_key (both NULL:
 * self-signed): cert.pem, privkey.pem (0600) and, with an issuer, the issuer as ca.pem.
 */
int certmake_leaf(struct certmake *m, const struct pki_key_spec *spec,
    const struct pki_cert_params *p, const struct cert *issuer, const struct key *issuer_key,
    char **err);
/*
 * A certificate request: csr.pem for key, or (key NULL) for a new key of spec, which is
 * written too as privkey.pem (0600).
 */
int certmake_csr(struct certmake *m, const struct pki_key_spec *spec, const struct key *key,
    const struct pki_cert_params *p, char **err);
/*
 * What a CA sent, sorted (pki_bundle_sort): cert.pem, chain.pem (when there are
 * intermediates) and fullchain.pem. A chain with a missing intermediate is refused (peers
 * could not verify it): -1 with err naming the certificate to get from the CA.
 */
int certmake_import(struct certmake *m, const struct pki_bundle *b, char **err);
void certmake_free(struct certmake *m);

/*
 * Writes files into dir all or none (pki_write_files): creates dir when missing (mode
 * dir_mode, not its parents) and removes it again on failure.
 */
int certmake_write(const char *dir, mode_t dir_mode, const struct pki_out_file *files,
    size_t n, bool force, char **err);

/* What writing a set of files into a directory would replace, and where the old ones go. */
struct certmake_replace {
	const char	**names;	/* the files of the set that exist (names of files[]) */
	char		**backups;	/* NAME.smtls-SUFFIX, in the same directory, one a name */
	size_t		  n;		/* 0: every file of the set is new */
	char		 *suffix;	/* YYYYMMDDTHHMMSSZ[-N], as apply names its backups */
};

/*
 * Which of files already exist in dir (a missing dir: none), and the backup each would be
 * kept as if replaced: NAME.smtls-STAMP (now, in UTC), or STAMP-N when a backup of that
 * name exists; one suffix for the set. A symbolic link, or anything but a regular file, at
 * a name is never replaced: -1 with err naming it. Free with certmake_replace_free.
 */
int certmake_replace_plan(const char *dir, const struct pki_out_file *files, size_t n,
    time_t now, struct certmake_replace *r, char **err);
void certmake_replace_free(struct certmake_replace *r);
/*
 * certmake_write, replacing the files r names: each old version is kept as its backup (a
 * hard link taken at the commit) and the new ones go in as one transaction (journal.h:
 * temp file, fsync, rename; keys 0600 from the first byte; never through a symlink). A
 * file that r does not name and that exists now is refused, as is a backup name now taken:
 * nothing is written.
 */
int certmake_write_replacing(const char *dir, mode_t dir_mode, const struct pki_out_file *files,
    size_t n, const struct certmake_replace *r, char **err);

/*
 * Making a key takes seconds (RSA 4096 more), so a front end makes it in a child process
 * (job.h) and stays responsive: make, run in the child, fills the set of files to write (and
 * the name of CACertFile, or NULL); they come back to the caller, who writes them
 * (certmake_write, certmake_write_replacing). The child writes nothing: a job stopped midway
 * leaves no file behind; job_cancel() ends it at once.
 */
typedef int (*certmake_fn)(void *arg, const struct pki_out_file **files, size_t *n,
    const char **cacert, char **err);
int certmake_job_start(certmake_fn make, void *arg, struct job **out, char **err);

/* What came back: the files (0600 keys stay 0600), or why not. */
struct certmake_made {
	struct pki_out_file	 files[4];
	size_t			 n_files;
	char			*cacert;	/* its name, or NULL */
	char			*error;		/* make failed: why */
	bool			 ended;		/* make ended (else the child was stopped or died) */
};
/* job_read()'s handler for certmake_job_start's job; ctx is a struct certmake_made. */
void certmake_job_record(void *ctx, char type, struct job_rd *r);
void certmake_made_free(struct certmake_made *m);

/*
 * The `smtls VERB ...' command that makes what the wizard made, its words quoted for sh:
 * verb is "selfsigned", "ca new", "ca issue" (from the CA in ca_dir) or "csr"; names (not
 * for "ca new") the first as --hostname, the others as --san. Caller frees.
 */
char *certmake_command(const char *verb, const char *ca_dir, const struct certmake_names *ns,
    const char *key_type, const char *out);
/* The `smtls import --key KEY --roots ROOTS BUNDLE --out DIR [--replace]' command. Caller
 * frees. */
char *certmake_import_command(const char *key, const char *bundle, const char *roots,
    const char *out, bool replace);

#endif
