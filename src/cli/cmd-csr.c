/* cmd-csr.c: `smtls csr`: a new key and a certificate request (CSR) for a commercial CA. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "certs-cli.h"
#include "cli.h"
#include "smtls/i18n.h"
#include "smtls/pki.h"

static void
csr_usage(FILE *f)
{
	fprintf(f, _("Usage: %s csr --hostname FQDN [--san NAME]... [OPTION]... --out DIR\n"),
	    PACKAGE);
	fputs(_("Make a private key and a certificate signing request for a commercial CA:\n"
	    "DIR/privkey.pem (mode 0600) and DIR/csr.pem, and print the request.\n\n"), f);
	fputs(_(certs_help_names), f);
	fputs(_(certs_help_key), f);
	fputs(_(certs_help_out), f);
	fputs(_("\nThe subject is CN=FQDN (plus O, C, ST, L when given, as organisation-validated\n"
	    "certificates need) and the request carries every name in subjectAltName.\n"
	    "Exit status: 0 written, 1 failed (nothing written), 2 bad usage.\n"), f);
}

static int
csr_run(int argc, char **argv)
{
	static const struct option longopts[] = { CERTS_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct certs_opts o;
	struct certs_names names = { 0 };
	struct pki_cert_params p;
	struct pki_out_file files[2];
	struct key key = { 0 };
	char *err = NULL, *keypem = NULL, *csrpem = NULL, *abs;
	size_t keylen = 0;
	int opt, rc = EXIT_USAGE;

	certs_opts_init(&o, 1);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (certs_option(&o, opt, optarg) != 1 || opt == COPT_DAYS) {
			if (opt == COPT_DAYS)
				cli_error(_("csr: the CA decides the validity; --days does not apply"));
			goto usage;
		}
		if (o.help) {
			csr_usage(stdout);
			rc = EXIT_DONE;
			goto out;
		}
	}
	if (optind < argc) {
		cli_error(_("csr: unexpected argument '%s'"), argv[optind]);
		goto usage;
	}
	if (certs_opts_finish(&o, "csr", true, &names, &p) == -1)
		goto usage;
	rc = EXIT_FINDINGS;
	if (pki_key_generate(&o.spec, &key, &err) == -1 ||
	    pki_csr_make(&p, &key, &csrpem, &err) == -1) {
		cli_error("%s", err);
		goto out;
	}
	keypem = pki_key_pem(&key, &keylen);
	files[0] = (struct pki_out_file){ "csr.pem", csrpem, strlen(csrpem), 0644 };
	files[1] = (struct pki_out_file){ "privkey.pem", keypem, keylen, 0600 };
	if (keypem == NULL || certs_write_out(o.out, 0755, files, 2, o.force) == -1)
		goto out;
	abs = certs_abs_dir(o.out);
	fputs(csrpem, stdout);
	printf(_("\nWrote %s/csr.pem (the request above) and %s/privkey.pem (mode 0600; it never\n"
	    "leaves this machine).\n"), abs, abs);
	certs_print_names(&names);
	printf(_("\nNext:\n"
	    "  1. Paste the request above (or upload %s/csr.pem) at your CA and prove you\n"
	    "     control the names.\n"
	    "  2. Save everything the CA returns (certificate, intermediates; PEM, DER or .p7b).\n"
	    "  3. Sort it into cert.pem, chain.pem and fullchain.pem:\n"
	    "       %s import --key %s/privkey.pem FILE... --out %s\n"),
	    abs, PACKAGE, abs, abs);
	free(abs);
	rc = EXIT_DONE;
	goto out;
usage:
	if (rc == EXIT_USAGE)
		rc = cli_usage_error("csr");
out:
	free(err);
	free(csrpem);
	pki_free_secret(keypem, keylen);
	key_clear(&key);
	certs_names_free(&names);
	certs_opts_free(&o);
	return rc;
}

const struct cmd_entry cmd_csr_entry = {
	.name = "csr",
	.usage = "--hostname FQDN [--san NAME]... --out DIR",
	.summary = N_("make a key and a certificate request for a commercial CA"),
	.run = csr_run,
};
