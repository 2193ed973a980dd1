/* cmd-selfsigned.c: `smtls selfsigned`: a new key and a self-signed certificate for this MTA. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "certs-cli.h"
#include "cli.h"
#include "smtls/i18n.h"
#include "smtls/pki.h"

static const struct cmd_option selfsigned_options[] = {
	{ "days", 0, required_argument, N_("N"), COPT_DAYS, N_("validity in days (default 825)") },
	CMD_OPTIONS_END
};

static const struct cmd_group selfsigned_group = { NULL, selfsigned_options, NULL };

static int
selfsigned_run(int argc, char **argv)
{
	struct certs_opts o;
	struct certmake_names names = { 0 };
	struct pki_cert_params p;
	struct certmake m = { 0 };
	struct tls_plan mc;
	char *abs, until[32], key[64];
	int opt, rc = EXIT_USAGE;

	certs_opts_init(&o, CERTMAKE_SELFSIGNED_DAYS);
	plan_init(&mc, 0);
	optind = 1;
	while ((opt = cmd_getopt(&cmd_selfsigned_entry, argc, argv)) != -1) {
		if (opt == CMD_OPT_HELP) {
			cmd_help(&cmd_selfsigned_entry, stdout);
			rc = EXIT_DONE;
			goto out;
		}
		if (certs_option(&o, opt, optarg) != 1)
			goto usage;
	}
	if (optind < argc) {
		cli_error(_("selfsigned: unexpected argument '%s'"), argv[optind]);
		goto usage;
	}
	if (certs_opts_finish(&o, "selfsigned", true, &names, &p) == -1)
		goto usage;
	rc = EXIT_FINDINGS;
	/* refuse a directory whose name cannot be written into sendmail.mc before writing */
	certs_plan(&mc, o.out, CERTMAKE_CERT, CERTMAKE_KEY, certmake_leaf_cacert(false), true,
	    true, o.hostname);
	if (certs_mc_lines(&mc, false) == -1 || certs_make_and_write(&o, &p, NULL, NULL, &m) == -1)
		goto out;
	abs = certs_abs_dir(o.out);
	time_format_iso(m.cert.not_after, until, sizeof(until));
	certs_key_text(&m.cert, key, sizeof(key));
	printf(_("Wrote %s/cert.pem (self-signed, %s, valid until %s)\n"
	    "  and %s/privkey.pem (mode 0600).\n"), abs, key, until, abs);
	certs_print_names(&names);
	printf(_("\nPeers cannot verify a self-signed certificate (verify=FAIL in their logs);\n"
	    "mail still flows encrypted.\n"));
	certs_plan(&mc, abs, CERTMAKE_CERT, CERTMAKE_KEY, m.cacert, true, true, o.hostname);
	if (certs_mc_lines(&mc, true) == -1) {
		free(abs);
		goto out;
	}
	free(abs);
	rc = EXIT_DONE;
	goto out;
usage:
	if (rc == EXIT_USAGE)
		rc = cli_usage_error(&cmd_selfsigned_entry);
out:
	plan_free(&mc);
	certmake_free(&m);
	certmake_names_free(&names);
	certs_opts_free(&o);
	return rc;
}

static const struct cmd_group *const selfsigned_groups[] = { &certs_names_group,
	&certs_key_group, &selfsigned_group, &certs_out_group, NULL };

const struct cmd_entry cmd_selfsigned_entry = {
	.name = "selfsigned",
	.usage = N_("--hostname FQDN [--san NAME]... [OPTION]... --out DIR"),
	.summary = N_("make a key and a self-signed certificate"),
	.description = N_("Make a private key and a self-signed certificate for this mail server, and\n"
	    "write them as DIR/cert.pem and DIR/privkey.pem (mode 0600).\n\n"),
	.groups = selfsigned_groups,
	.footer = N_("The certificate has serverAuth and clientAuth in its extended key usage (an MTA\n"
	    "is a TLS client when it relays) and a random 128-bit serial number.\n"
	    "Exit status: 0 written, 1 failed (nothing written), 2 bad usage.\n"),
	.run = selfsigned_run,
};
