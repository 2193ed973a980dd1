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

static void
ca_new_usage(FILE *f)
{
	fprintf(f, _("Usage: %s ca new [--name NAME] [OPTION]... --out DIR\n"), PACKAGE);
	fputs(_("Make a private CA for your own mail servers: DIR/ca.pem (its certificate, the\n"
	    "CACertFile of every member) and DIR/ca-key.pem (mode 0600; keep it off the MTAs).\n\n"),
	    f);
	fputs(_("      --name NAME         the CA's common name (default: smtls private mail CA)\n"),
	    f);
	fputs(_(certs_help_key), f);
	fputs(_("      --days N            validity in days (default 3650)\n"), f);
	fputs(_(certs_help_out), f);
	fputs(_("\nThe CA may sign end-entity certificates only (pathlen 0).\n"
	    "Exit status: 0 written, 1 failed (nothing written), 2 bad usage.\n"), f);
}

static void
ca_issue_usage(FILE *f)
{
	fprintf(f, _("Usage: %s ca issue --ca DIR --hostname FQDN [--san NAME]... [--client] "
	    "--out DIR\n"), PACKAGE);
	fputs(_("Issue a certificate from the private CA in --ca DIR (made by 'ca new'): writes\n"
	    "DIR/cert.pem, DIR/privkey.pem (mode 0600) and DIR/ca.pem (the CA's certificate,\n"
	    "for CACertFile).\n\n"), f);
	fputs(_("      --ca DIR            the CA directory (ca.pem and ca-key.pem)\n"), f);
	fputs(_(certs_help_names), f);
	fputs(_("      --client            a client-only certificate (clientAuth; default is\n"
	    "                          serverAuth and clientAuth, for an MTA that also relays)\n"),
	    f);
	fputs(_(certs_help_key), f);
	fputs(_("      --days N            validity in days (default 397; never past the CA's)\n"), f);
	fputs(_(certs_help_out), f);
	fputs(_("\nExit status: 0 written, 1 failed (nothing written), 2 bad usage.\n"), f);
}

static int
ca_new_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		CERTS_LONGOPTS,
		{ "name", required_argument, NULL, COPT_NAME },
		{ NULL, 0, NULL, 0 }
	};
	struct certs_opts o;
	struct certs_names names = { 0 };
	struct pki_cert_params p;
	struct ca_new ca;
	const char *name = CA_DEFAULT_NAME;
	char *err = NULL, *abs, until[32], keydesc[64];
	int opt, r, rc = EXIT_USAGE;

	memset(&ca, 0, sizeof(ca));

	certs_opts_init(&o, CA_DAYS);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == COPT_NAME) {
			name = optarg;
			continue;
		}
		r = certs_option(&o, opt, optarg);
		if (r != 1 || opt == COPT_HOSTNAME || opt == COPT_SAN) {
			if (r == 1)
				cli_error(_("ca new: a CA has no host names; give them to 'ca issue'"));
			goto usage;
		}
		if (o.help) {
			ca_new_usage(stdout);
			rc = EXIT_DONE;
			goto out;
		}
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
	if (certs_write_out(o.out, 0700, ca.files, 2, o.force) == -1)
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
	rc = cli_usage_error("ca new");
out:
	free(err);
	ca_new_free(&ca);
	certs_names_free(&names);
	certs_opts_free(&o);
	return rc;
}

static int
ca_issue_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		CERTS_LONGOPTS,
		{ "ca", required_argument, NULL, COPT_CA },
		{ "client", no_argument, NULL, COPT_CLIENT },
		{ NULL, 0, NULL, 0 }
	};
	struct certs_opts o;
	struct certs_names names = { 0 };
	struct pki_cert_params p;
	struct key cakey = { 0 };
	struct cert ca = { 0 }, cert = { 0 };
	struct buf capem = { 0 };
	struct pki_out_file extra[1];
	const char *cadir = NULL;
	char *abs, *err = NULL, until[32], key[64];
	bool client = false;
	struct tls_plan mc;
	int opt, rc = EXIT_USAGE;

	certs_opts_init(&o, CA_LEAF_DAYS);
	plan_init(&mc, 0);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == COPT_CA)
			cadir = optarg;
		else if (opt == COPT_CLIENT)
			client = true;
		else if (certs_option(&o, opt, optarg) != 1)
			goto usage;
		if (o.help) {
			ca_issue_usage(stdout);
			rc = EXIT_DONE;
			goto out;
		}
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
	pki_cert_pem(&capem, &ca);
	extra[0] = (struct pki_out_file){ CA_CERT_FILE, capem.data, capem.len, 0644 };
	/* refuse a directory whose name cannot be written into sendmail.mc before writing */
	certs_plan(&mc, o.out, "cert.pem", "privkey.pem", CA_CERT_FILE, !client, true, o.hostname);
	if (certs_mc_lines(&mc, false) == -1 ||
	    certs_make_and_write(&o, &p, &ca, &cakey, extra, 1, &cert) == -1)
		goto out;
	abs = certs_abs_dir(o.out);
	time_format_iso(cert.not_after, until, sizeof(until));
	certs_key_text(&cert, key, sizeof(key));
	printf(_("Wrote %s/cert.pem (%s, %s, valid until %s, issued by %s),\n"
	    "  %s/privkey.pem (mode 0600) and %s/ca.pem.\n"), abs,
	    client ? _("client only") : _("server and client"), key, until,
	    ca.subject_cn ? ca.subject_cn : ca.subject, abs, abs);
	certs_print_names(&names);
	printf(_("On %s:\n"), o.hostname);
	certs_plan(&mc, abs, "cert.pem", "privkey.pem", CA_CERT_FILE, !client, true, o.hostname);
	if (certs_mc_lines(&mc, true) == -1) {
		free(abs);
		goto out;
	}
	free(abs);
	rc = EXIT_DONE;
	goto out;
usage:
	rc = cli_usage_error("ca issue");
out:
	plan_free(&mc);
	free(err);
	buf_free(&capem);
	cert_clear(&cert);
	cert_clear(&ca);
	key_clear(&cakey);
	certs_names_free(&names);
	certs_opts_free(&o);
	return rc;
}

const struct cmd_entry cmd_ca_new_entry = {
	.name = "ca new",
	.usage = "[--name NAME] --out DIR",
	.summary = N_("make a private CA for your own mail servers"),
	.run = ca_new_run,
};

const struct cmd_entry cmd_ca_issue_entry = {
	.name = "ca issue",
	.usage = "--ca DIR --hostname FQDN [--client] --out DIR",
	.summary = N_("issue a server or client certificate from the private CA"),
	.run = ca_issue_run,
};
