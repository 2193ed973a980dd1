/* certs-cli.c: option parsing and output writing shared by the certificate commands. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "certs-cli.h"
#include "cli.h"
#include "smtls/ca.h"
#include "smtls/emit.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

static const struct cmd_option certs_names_options[] = {
	{ "hostname", 0, required_argument, N_("FQDN"), COPT_HOSTNAME,
	  N_("the server's name (subject CN and first subjectAltName)") },
	{ "san", 0, required_argument, N_("NAME"), COPT_SAN,
	  N_("another DNS name or IP address for subjectAltName (repeatable)") },
	CMD_OPTIONS_END
};

static const struct cmd_option certs_key_options[] = {
	{ "key-type", 0, required_argument, N_("TYPE"), COPT_KEY_TYPE,
	  N_("rsa:3072 (default: works with every peer), rsa:BITS (at least 2048), ec (P-256: "
	  "smaller, for modern peers), ec:P-384") },
	{ "org", 0, required_argument, N_("NAME"), COPT_ORG, N_("organisation (subject O)") },
	{ "country", 0, required_argument, N_("CC"), COPT_COUNTRY,
	  N_("two-letter country code (subject C)") },
	{ "state", 0, required_argument, N_("S"), COPT_STATE, N_("state or province (subject ST)") },
	{ "locality", 0, required_argument, N_("L"), COPT_LOCALITY, N_("city (subject L)") },
	CMD_OPTIONS_END
};

static const struct cmd_option certs_out_options[] = {
	{ "out", 0, required_argument, N_("DIR"), COPT_OUT,
	  N_("where to write; created when missing, never a symlink") },
	{ "force", 0, no_argument, NULL, COPT_FORCE,
	  N_("replace existing files (through a temp file + rename)") },
	CMD_OPTIONS_END
};

const struct cmd_group certs_names_group = { NULL, certs_names_options, NULL };
const struct cmd_group certs_key_group = { NULL, certs_key_options, NULL };
const struct cmd_group certs_out_group = { NULL, certs_out_options, NULL };

void
certs_opts_init(struct certs_opts *o, int default_days)
{
	memset(o, 0, sizeof(*o));
	(void)pki_key_spec_parse(PKI_DEFAULT_KEY, &o->spec, NULL);
	o->days = default_days;
}

static int
parse_days(const char *arg, int *days)
{
	long v;

	if (cli_parse_range(arg, 1, PKI_DAYS_MAX, &v) == -1) {
		cli_error(_("--days: '%s' is not a number of days from 1 to %d"), arg,
		    PKI_DAYS_MAX);
		return -1;
	}
	*days = (int)v;
	return 0;
}

int
certs_option(struct certs_opts *o, int opt, const char *arg)
{
	char *err = NULL;

	switch (opt) {
	case COPT_HOSTNAME:
		o->hostname = arg;
		return 1;
	case COPT_SAN:
		return certs_names_add(&o->sans, "--san", arg) == -1 ? -1 : 1;
	case COPT_KEY_TYPE:
		if (pki_key_spec_parse(arg, &o->spec, &err) == -1) {
			cli_error("--key-type: %s", err);
			free(err);
			return -1;
		}
		return 1;
	case COPT_DAYS:
		return parse_days(arg, &o->days) == -1 ? -1 : 1;
	case COPT_ORG:
		o->org = arg;
		return 1;
	case COPT_COUNTRY:
		if (strlen(arg) != 2 || !isalpha((unsigned char)arg[0]) ||
		    !isalpha((unsigned char)arg[1])) {
			cli_error(_("--country: '%s' is not a two-letter country code (ISO 3166)"),
			    arg);
			return -1;
		}
		o->country = arg;
		return 1;
	case COPT_STATE:
		o->state = arg;
		return 1;
	case COPT_LOCALITY:
		o->locality = arg;
		return 1;
	case COPT_OUT:
		o->out = arg;
		return 1;
	case COPT_FORCE:
		o->force = true;
		return 1;
	}
	return 0;
}

int
certs_opts_finish(struct certs_opts *o, const char *cmd, bool need_hostname,
    struct certmake_names *names, struct pki_cert_params *p)
{
	char *err = NULL;
	size_t i;

	if (o->out == NULL || (need_hostname && o->hostname == NULL)) {
		cli_error(need_hostname ? _("%s: --hostname and --out are required") :
		    _("%s: --out is required"), cmd);
		return -1;
	}
	if (o->hostname != NULL && certs_names_add(names, "--hostname", o->hostname) == -1)
		return -1;
	for (i = 0; i < o->sans.n; i++)
		(void)certs_names_add(names, "--san", o->sans.v[i]);
	if (!need_hostname)
		ca_params(p, CA_DEFAULT_NAME, time(NULL), o->days);
	else if (certmake_params(p, names, time(NULL), o->days, &err) == -1) {
		cli_error("%s: %s", cmd, err);
		free(err);
		return -1;
	}
	p->organization = o->org;
	p->country = o->country;
	p->state = o->state;
	p->locality = o->locality;
	return 0;
}

void
certs_opts_free(struct certs_opts *o)
{
	certmake_names_free(&o->sans);
}

int
certs_names_add(struct certmake_names *ns, const char *flag, const char *name)
{
	char *err = NULL;

	if (certmake_names_add(ns, name, &err) == -1) {
		cli_error("%s: %s", flag, err);
		free(err);
		return -1;
	}
	return 0;
}

int
certs_write_out(const char *dir, mode_t dir_mode, const struct pki_out_file *files, size_t n,
    bool force)
{
	char *err = NULL;

	if (certmake_write(dir, dir_mode, files, n, force, &err) == -1) {
		cli_error("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

int
certs_make_and_write(const struct certs_opts *o, const struct pki_cert_params *p,
    const struct cert *issuer, const struct key *issuer_key, struct certmake *m)
{
	char *err = NULL;

	if (certmake_leaf(m, &o->spec, p, issuer, issuer_key, &err) == -1) {
		cli_error("%s", err);
		free(err);
		return -1;
	}
	return certs_write_out(o->out, CERTMAKE_DIR_MODE, m->files, m->n_files, o->force);
}

char *
certs_abs_dir(const char *dir)
{
	char *r = realpath(dir, NULL);

	return r ? r : xstrdup(dir);
}

void
certs_key_text(const struct cert *c, char *buf, size_t size)
{
	if (c->key_curve[0] != '\0')
		snprintf(buf, size, "%s %s", c->key_type,
		    strcmp(c->key_curve, "prime256v1") == 0 ? "P-256" :
		    strcmp(c->key_curve, "secp384r1") == 0 ? "P-384" : c->key_curve);
	else
		snprintf(buf, size, "%s %d", c->key_type, c->key_bits);
}

void
certs_print_names(const struct certmake_names *names)
{
	size_t i;

	printf(_("Names: "));
	for (i = 0; i < names->n; i++)
		printf("%s%s", i ? ", " : "", names->v[i]);
	putchar('\n');
}

int
certs_load_key(const char *path, struct key *k)
{
	char *err = NULL;

	if (key_load_file(path, k, &err) != LOAD_OK) {
		cli_error("%s", err ? err : path);
		free(err);
		return -1;
	}
	return 0;
}

/* An absolute name for path, also before it exists (the emitter takes absolute paths only). */
static char *
certs_abs_path(const char *path)
{
	char *r = realpath(path, NULL), cwd[PATH_MAX];

	if (r != NULL)
		return r;
	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	return xstrprintf("%s/%s", cwd, path);
}

static void
certs_plan_set(struct tls_plan *p, enum plan_field f, const char *dir, const char *name)
{
	char *path, *abs;

	path = name[0] == '/' ? xstrdup(name) : xstrprintf("%s/%s", dir, name);
	abs = certs_abs_path(path);
	plan_set(p, f, abs, NULL, 0);
	free(abs);
	free(path);
}

void
certs_plan(struct tls_plan *p, const char *dir, const char *cert, const char *key,
    const char *cafile, bool server, bool client, const char *hostname)
{
	plan_free(p);
	plan_init(p, time(NULL));
	if (server) {
		certs_plan_set(p, PF_SERVER_CERT, dir, cert);
		certs_plan_set(p, PF_SERVER_KEY, dir, key);
	}
	if (client) {
		certs_plan_set(p, PF_CLIENT_CERT, dir, cert);
		certs_plan_set(p, PF_CLIENT_KEY, dir, key);
	}
	certs_plan_set(p, PF_CA_CERT, dir, cafile);
	plan_set(p, PF_CA_PATH, CERTS_CA_PATH, NULL, 0);
	if (hostname != NULL)
		p->hostname = xstrdup(hostname);
}

int
certs_mc_lines(const struct tls_plan *plan, bool print)
{
	struct emit_options eo;
	struct emit_result r;
	char *err = NULL, *apply, *check;
	int rc;

	emit_options_init(&eo, time(NULL));
	apply = emit_command_line(plan, NULL, "apply", NULL);
	eo.command = apply;
	rc = emit_build(plan, &eo, NULL, &r, &err);
	if (rc == -1) {
		cli_error(_("cannot write these files into sendmail.mc: %s"), err);
		free(err);
	} else if (print) {
		check = emit_command_line(plan, NULL, "check", NULL);
		printf(_("For sendmail.mc, before the first MAILER line (paste these lines as they "
		    "are, or let smtls apply write them):\n"));
		fputs(r.fragment, stdout);
		printf(_("Check it: %s\n"), check);
		free(check);
		emit_result_free(&r);
	} else
		emit_result_free(&r);
	free(apply);
	emit_options_free(&eo);
	return rc;
}
