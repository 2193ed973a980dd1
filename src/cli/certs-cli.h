/* certs-cli.h: what the certificate commands (selfsigned, ca, csr, import) share on the command line. */
#ifndef SMTLS_CERTS_CLI_H
#define SMTLS_CERTS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "smtls/certmake.h"
#include "smtls/pki.h"
#include "smtls/plan.h"

/* The options the certificate commands share. */
struct certs_opts {
	const char		*hostname;
	const char		*out;
	const char		*org;
	const char		*country;
	const char		*state;
	const char		*locality;
	struct certmake_names	 sans;
	struct pki_key_spec	 spec;
	int			 days;
	bool			 force;
};

/* Option ids; commands number their own options from COPT_OWN. */
enum {
	COPT_HOSTNAME = 300, COPT_SAN, COPT_KEY_TYPE, COPT_DAYS, COPT_ORG, COPT_COUNTRY,
	COPT_STATE, COPT_LOCALITY, COPT_OUT, COPT_FORCE, COPT_OWN = 400,
};

/* The shared options (cli.h): handled by certs_option. */
extern const struct cmd_group certs_names_group;	/* --hostname, --san */
extern const struct cmd_group certs_key_group;	/* --key-type, --org, --country, --state, --locality */
extern const struct cmd_group certs_out_group;	/* --out, --force */

void certs_opts_init(struct certs_opts *o, int default_days);
/* Handles one shared option: 1 handled, 0 not a shared option, -1 bad value (message printed). */
int certs_option(struct certs_opts *o, int opt, const char *arg);
/*
 * After parsing: checks the required options (--out always, --hostname when need_hostname),
 * and fills names (--hostname first, then each --san) and p: an MTA's certificate for names
 * (certmake_params), or without need_hostname a CA (ca_params). -1 with a message (bad usage).
 */
int certs_opts_finish(struct certs_opts *o, const char *cmd, bool need_hostname,
    struct certmake_names *names, struct pki_cert_params *p);
void certs_opts_free(struct certs_opts *o);

/* Adds a name given with flag (for the message); -1 with a message when it is not a host name. */
int certs_names_add(struct certmake_names *ns, const char *flag, const char *name);

/*
 * Writes files into dir all or nothing: creates dir when missing (mode dir_mode) and
 * removes it again on failure. Prints the error; returns 0 or -1.
 */
int certs_write_out(const char *dir, mode_t dir_mode, const struct pki_out_file *files,
    size_t n, bool force);

/*
 * Makes a new key and a certificate for it from p (signed by issuer/issuer_key, or
 * self-signed when they are NULL; certmake_leaf) and writes its files into o->out. Fills m
 * (certmake_free). Prints errors; returns 0 or -1.
 */
int certs_make_and_write(const struct certs_opts *o, const struct pki_cert_params *p,
    const struct cert *issuer, const struct key *issuer_key, struct certmake *m);

/* The absolute path of dir for the instructions printed (caller frees). */
char *certs_abs_dir(const char *dir);
/* "EC P-256", "RSA 3072": the key of a certificate, for people. */
void certs_key_text(const struct cert *c, char *buf, size_t size);
/* Prints "Names: a, b, c". */
void certs_print_names(const struct certmake_names *names);

/* sendmail's CACertPath in the printed sendmail.mc lines: the system's hashed roots. */
#define CERTS_CA_PATH	"/etc/ssl/certs"

/*
 * A plan of the files a command writes, for the sendmail.mc lines it prints: dir/cert and
 * dir/key as server (when server) and client certificate (when client), dir/cafile as
 * CACertFile (a name starting with / is taken as it is), and CERTS_CA_PATH; the names are
 * made absolute. Free with plan_free.
 */
void certs_plan(struct tls_plan *p, const char *dir, const char *cert, const char *key,
    const char *cafile, bool server, bool client, const char *hostname);
/*
 * The sendmail.mc lines of plan, made by the emitter (its quoting and its refusals), and the
 * `smtls check` command that judges them. With print false it only tries (before anything is
 * written). Returns 0, or -1 with the refusal printed.
 */
int certs_mc_lines(const struct tls_plan *plan, bool print);

/* Loads a private key file for a command; prints the error. */
int certs_load_key(const char *path, struct key *k);

#endif
