/* cmd-ca.c: `smtls ca new` and `smtls ca issue`: a small private CA for an organisation's own MTAs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certs-cli.h"
#include "cli.h"
#include "smtls/ca.h"
#include "smtls/i18n.h"
#include "smtls/pki.h"
#include "smtls/xmalloc.h"

enum { COPT_NAME = COPT_OWN, COPT_CA, COPT_CLIENT };

static const struct cmd_option ca_new_options[] = {
	{ "name", 0, required_argument, N_("NAME"), COPT_NAME,
	  N_("the CA's common name (default: smtls private mail CA)") },
	CMD_OPTIONS_END
};

static const struct cmd_option ca_new_days[] = {
	{ "days", 0, required_argument, N_("N"), COPT_DAYS, N_("validity in days (default 3650)") },
	CMD_OPTIONS_END
};

static const struct cmd_option ca_issue_ca[] = {
	{ "ca", 0, required_argument, N_("DIR"), COPT_CA,
	  N_("the CA directory (ca.pem and ca-key.pem)") },
	CMD_OPTIONS_END
};

static const struct cmd_option ca_issue_options[] = {
	{ "client", 0, no_argument, NULL, COPT_CLIENT,
	  N_("a client-only certificate (clientAuth; default is serverAuth and clientAuth, for "
	  "an MTA that also relays)") },
	{ "days", 0, required_argument, N_("N"), COPT_DAYS,
	  N_("validity in days (default 397; never past the CA's)") },
	CMD_OPTIONS_END
};

static const struct cmd_group ca_new_group = { NULL, ca_new_options, NULL };
static const struct cmd_group ca_new_days_group = { NULL, ca_new_days, NULL };
static const struct cmd_group ca_issue_ca_group = { NULL, ca_issue_ca, NULL };
static const struct cmd_group ca_issue_group = { NULL, ca_issue_options, NULL };

static int
ca_new_run(int argc, char **argv)
{
	struct certs_opts o;
	struct certmake_names names = { 0 };
	struct pki_cert_params p;
	struct ca_new ca;
	const char *name = CA_DEFAULT_NAME;
	char *err = NULL, *abs, until[32], keydesc[64];
	int opt, rc = EXIT_USAGE;

	memset(&ca, 0, sizeof(ca));

	certs_opts_init(&o, CA_DAYS);
	optind = 1;
	while ((opt = cmd_getopt(&cmd_ca_new_entry, argc, argv)) != -1) {
		if (opt == CMD_OPT_HELP) {
			cmd_help(&cmd_ca_new_entry, stdout);
			rc = EXIT_DONE;
			goto out;
		}
		if (opt == COPT_NAME)
			name = optarg;
		else if (certs_option(&o, opt, optarg) != 1)
			goto usage;
	}
	if (optind < argc) {
		cli_error(_("ca new: unexpected argument '%s'"), argv[optind]);
		goto usage;
	}
	if (*name == '\0' || strlen(name) > 64) {
		cli_error(_("--name: the CA's name must have 1 to 64 characters"));
		goto usage;
	}
	if (certs_opts_finish(&o, "ca new", false, &names, &p) == -1)
		goto usage;
	p.common_name = name;
	rc = EXIT_FINDINGS;
	if (ca_new_make(&ca, &o.spec, &p, &err) == -1) {
		cli_error("%s", err);
		goto out;
	}
	if (certs_write_out(o.out, CERTMAKE_CA_DIR_MODE, ca.files, 2, o.force) == -1)
		goto out;
	abs = certs_abs_dir(o.out);
	time_format_iso(ca.cert.not_after, until, sizeof(until));
	certs_key_text(&ca.cert, keydesc, sizeof(keydesc));
	printf(_("Wrote %s/ca.pem (CA \"%s\", %s, valid until %s)\n"
	    "  and %s/ca-key.pem (mode 0600).\n"), abs, name, keydesc, until, abs);
	printf(_("Next, for each mail server:\n  %s ca issue --ca %s --hostname FQDN --out DIR\n"
	    "and give every member %s/ca.pem as its CACertFile, so they verify each other.\n"),
	    PACKAGE, abs, abs);
	free(abs);
	rc = EXIT_DONE;
	goto out;
usage:
	rc = cli_usage_error(&cmd_ca_new_entry);
out:
	free(err);
	ca_new_free(&ca);
	certmake_names_free(&names);
	certs_opts_free(&o);
	return rc;
}

static int
ca_issue_run(int argc, char **argv)
{
	struct certs_opts o;
	struct certmake_names names = { 0 };
	struct pki_cert_params p;
	struct key cakey = { 0 };
	struct cert ca = { 0 };
	struct certmake m = { 0 };
	const char *cadir = NULL;
	char *abs, *err = NULL, until[32], key[64];
	bool client = false;
	struct tls_plan mc;
	int opt, rc = EXIT_USAGE;

	certs_opts_init(&o, CA_LEAF_DAYS);
	plan_init(&mc, 0);
	optind = 1;
	while ((opt = cmd_getopt(&cmd_ca_issue_entry, argc, argv)) != -1) {
		if (opt == CMD_OPT_HELP) {
			cmd_help(&cmd_ca_issue_entry, stdout);
			rc = EXIT_DONE;
			goto out;
		}
		if (opt == COPT_CA)
			cadir = optarg;
		else if (opt == COPT_CLIENT)
			client = true;
		else if (certs_option(&o, opt, optarg) != 1)
			goto usage;
	}
	if (optind < argc) {
		cli_error(_("ca issue: unexpected argument '%s'"), argv[optind]);
		goto usage;
	}
	if (cadir == NULL) {
		cli_error(_("ca issue: --ca DIR is required (a CA made by 'ca new')"));
		goto usage;
	}
	if (certs_opts_finish(&o, "ca issue", true, &names, &p) == -1)
		goto usage;
	rc = EXIT_FINDINGS;
	if (ca_load(cadir, p.not_before, &ca, &cakey, &err) == -1) {
		cli_error("%s", err);
		goto out;
	}
	if (client)
		p.profile = PKI_PROFILE_CLIENT;
	switch (ca_fit_days(&ca, cadir, &p, &err)) {
	case -1:
		cli_error("%s", err);
		goto out;
	case 1:
		fprintf(stderr, _("%s: note: validity shortened to %d days: a certificate cannot "
		    "outlive its CA\n"), PACKAGE, p.days);
		break;
	}
	/* refuse a directory whose name cannot be written into sendmail.mc before writing */
	certs_plan(&mc, o.out, CERTMAKE_CERT, CERTMAKE_KEY, certmake_leaf_cacert(true), !client,
	    true, o.hostname);
	if (certs_mc_lines(&mc, false) == -1 || certs_make_and_write(&o, &p, &ca, &cakey, &m) == -1)
		goto out;
	abs = certs_abs_dir(o.out);
	time_format_iso(m.cert.not_after, until, sizeof(until));
	certs_key_text(&m.cert, key, sizeof(key));
	printf(_("Wrote %s/cert.pem (%s, %s, valid until %s, issued by %s),\n"
	    "  %s/privkey.pem (mode 0600) and %s/ca.pem.\n"), abs,
	    client ? _("client only") : _("server and client"), key, until,
	    ca.subject_cn ? ca.subject_cn : ca.subject, abs, abs);
	certs_print_names(&names);
	printf(_("On %s:\n"), o.hostname);
	certs_plan(&mc, abs, CERTMAKE_CERT, CERTMAKE_KEY, m.cacert, !client, true, o.hostname);
	if (certs_mc_lines(&mc, true) == -1) {
		free(abs);
		goto out;
	}
	free(abs);
	rc = EXIT_DONE;
	goto out;
usage:
	rc = cli_usage_error(&cmd_ca_issue_entry);
out:
	plan_free(&mc);
	free(err);
	certmake_free(&m);
	cert_clear(&ca);
	key_clear(&cakey);
	certmake_names_free(&names);
	certs_opts_free(&o);
	return rc;
}

static const struct cmd_group *const ca_new_groups[] = { &ca_new_group, &certs_key_group,
	&ca_new_days_group, &certs_out_group, NULL };

const struct cmd_entry cmd_ca_new_entry = {
	.name = "ca new",
	.usage = N_("[--name NAME] [OPTION]... --out DIR"),
	.summary = N_("make a private CA for your own mail servers"),
	.description = N_("Make a private CA for your own mail servers: DIR/ca.pem (its certificate, the\n"
	    "CACertFile of every member) and DIR/ca-key.pem (mode 0600; keep it off the MTAs).\n\n"),
	.groups = ca_new_groups,
	.footer = N_("The CA may sign end-entity certificates only (pathlen 0); it has no host names\n"
	    "(give them to 'ca issue').\n"
	    "Exit status: 0 written, 1 failed (nothing written), 2 bad usage.\n"),
	.run = ca_new_run,
};

static const struct cmd_group *const ca_issue_groups[] = { &ca_issue_ca_group,
	&certs_names_group, &ca_issue_group, &certs_key_group, &certs_out_group, NULL };

const struct cmd_entry cmd_ca_issue_entry = {
	.name = "ca issue",
	.usage = N_("--ca DIR --hostname FQDN [--san NAME]... [--client] [OPTION]... --out DIR"),
	.summary = N_("issue a server or client certificate from the private CA"),
	.description = N_("Issue a certificate from the private CA in --ca DIR (made by 'ca new'): writes\n"
	    "DIR/cert.pem, DIR/privkey.pem (mode 0600) and DIR/ca.pem (the CA's certificate,\n"
	    "for CACertFile).\n\n"),
	.groups = ca_issue_groups,
	.footer = N_("Exit status: 0 written, 1 failed (nothing written), 2 bad usage.\n"),
	.run = ca_issue_run,
};
