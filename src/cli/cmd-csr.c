/* cmd-csr.c: `smtls csr`: a new key and a certificate request (CSR) for a commercial CA. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "certs-cli.h"
#include "cli.h"
#include "smtls/i18n.h"
#include "smtls/pki.h"
#include "smtls/xmalloc.h"

enum { CSR_OPT_KEY = COPT_OWN };

static const struct cmd_option csr_options[] = {
	{ "key", 0, required_argument, N_("KEY"), CSR_OPT_KEY,
	  N_("request for this existing key (a renewal that keeps the key); then only csr.pem "
	  "is written") },
	CMD_OPTIONS_END
};

static const struct cmd_group csr_group = { NULL, csr_options, NULL };

static int
csr_run(int argc, char **argv)
{
	const char *keypath = NULL;
	struct certs_opts o;
	struct certmake_names names = { 0 };
	struct pki_cert_params p;
	struct certmake m = { 0 };
	struct key key = { 0 };
	char *err = NULL, *abs, *keyshown;
	int opt, rc = EXIT_USAGE;

	certs_opts_init(&o, 1);
	optind = 1;
	while ((opt = cmd_getopt(&cmd_csr_entry, argc, argv)) != -1) {
		if (opt == CMD_OPT_HELP) {
			cmd_help(&cmd_csr_entry, stdout);
			rc = EXIT_DONE;
			goto out;
		}
		if (opt == CSR_OPT_KEY)
			keypath = optarg;
		else if (certs_option(&o, opt, optarg) != 1)
			goto usage;
	}
	if (optind < argc) {
		cli_error(_("csr: unexpected argument '%s'"), argv[optind]);
		goto usage;
	}
	if (certs_opts_finish(&o, "csr", true, &names, &p) == -1)
		goto usage;
	rc = EXIT_FINDINGS;
	if (keypath != NULL && certs_load_key(keypath, &key) == -1)
		goto out;
	if (certmake_csr(&m, &o.spec, keypath ? &key : NULL, &p, &err) == -1) {
		cli_error("%s", err);
		goto out;
	}
	if (certs_write_out(o.out, CERTMAKE_DIR_MODE, m.files, m.n_files, o.force) == -1)
		goto out;
	abs = certs_abs_dir(o.out);
	fputs(m.csrpem, stdout);
	if (keypath == NULL) {
		printf(_("\nWrote %s/csr.pem (the request above) and %s/privkey.pem (mode 0600; it "
		    "never\nleaves this machine).\n"), abs, abs);
	} else {
		printf(_("\nWrote %s/csr.pem (the request above) for the existing key %s.\n"), abs,
		    keypath);
	}
	certs_print_names(&names);
	keyshown = keypath ? certs_abs_dir(keypath) : xstrprintf("%s/privkey.pem", abs);
	printf(_("\nNext:\n"
	    "  1. Paste the request above (or upload %s/csr.pem) at your CA and prove you\n"
	    "     control the names.\n"
	    "  2. Save everything the CA returns (certificate, intermediates; PEM, DER or .p7b).\n"
	    "  3. Sort it into cert.pem, chain.pem and fullchain.pem:\n"
	    "       %s import --key %s FILE... --out %s\n"),
	    abs, PACKAGE, keyshown, abs);
	free(keyshown);
	free(abs);
	rc = EXIT_DONE;
	goto out;
usage:
	if (rc == EXIT_USAGE)
		rc = cli_usage_error(&cmd_csr_entry);
out:
	free(err);
	certmake_free(&m);
	key_clear(&key);
	certmake_names_free(&names);
	certs_opts_free(&o);
	return rc;
}

static const struct cmd_group *const csr_groups[] = { &certs_names_group, &certs_key_group,
	&csr_group, &certs_out_group, NULL };

const struct cmd_entry cmd_csr_entry = {
	.name = "csr",
	.usage = N_("--hostname FQDN [--san NAME]... [OPTION]... --out DIR"),
	.summary = N_("make a key and a certificate request for a commercial CA"),
	.description = N_("Make a private key and a certificate signing request for a commercial CA:\n"
	    "DIR/privkey.pem (mode 0600) and DIR/csr.pem, and print the request.\n\n"),
	.groups = csr_groups,
	.footer = N_("The subject is CN=FQDN (plus O, C, ST, L when given, as organisation-validated\n"
	    "certificates need) and the request carries every name in subjectAltName; the CA\n"
	    "decides the validity.\n"
	    "Exit status: 0 written, 1 failed (nothing written), 2 bad usage.\n"),
	.run = csr_run,
};
