/* cmd-import.c: `smtls import`: sort what a commercial CA returned into cert, chain and fullchain. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "certs-cli.h"
#include "cli.h"
#include "smtls/i18n.h"
#include "smtls/pki.h"
#include "smtls/xmalloc.h"

enum { IOPT_KEY = COPT_OWN, IOPT_ROOTS, IOPT_REPLACE };

static const struct cmd_option import_options[] = {
	{ "key", 0, required_argument, N_("KEY"), IOPT_KEY,
	  N_("the private key the certificate was requested with") },
	{ "roots", 0, required_argument, N_("FILE"), IOPT_ROOTS,
	  /* the default is CERTMAKE_SYSTEM_ROOTS, written out for xgettext */
	  N_("trusted roots that may end the chain (default: "
	  "/etc/ssl/certs/ca-certificates.crt)") },
	{ "replace", 0, no_argument, NULL, IOPT_REPLACE,
	  N_("replace files an earlier import left in DIR, keeping each old one as "
	  "FILE.smtls-TIMESTAMP") },
	CMD_OPTIONS_END
};

static const struct cmd_group import_group = { NULL, import_options, NULL };

static void
print_cert_line(const char *what, const struct cert *c)
{
	char until[32], key[64];

	time_format_iso(c->not_after, until, sizeof(until));
	certs_key_text(c, key, sizeof(key));
	printf("  %-13s %s (%s, until %s)\n", what, c->subject_cn ? c->subject_cn : c->subject,
	    key, until);
}

/*
 * Writes the import into o->out: only new files, or with replace those of rp replaced (each
 * kept as its backup). Existing files without --replace or --force: says which, and the
 * way on. Prints errors; 0 or -1.
 */
static int
import_write(const struct certs_opts *o, const struct certmake *m,
    const struct certmake_replace *rp, bool replace)
{
	struct buf names = { 0 };
	char *err = NULL;
	size_t i;

	if (rp->n > 0 && !replace && !o->force) {
		for (i = 0; i < rp->n; i++)
			buf_printf(&names, "%s%s", i ? ", " : "", rp->names[i]);
		cli_error(_("import: %s already holds %s (an earlier import); nothing was "
		    "written.\n  --replace replaces them, keeping each old one as a backup "
		    "(%s.smtls-%s)."), o->out, names.data, rp->names[0], rp->suffix);
		buf_free(&names);
		return -1;
	}
	if (!replace)
		return certs_write_out(o->out, CERTMAKE_DIR_MODE, m->files, m->n_files, o->force);
	if (certmake_write_replacing(o->out, CERTMAKE_DIR_MODE, m->files, m->n_files, rp,
	    &err) == -1) {
		cli_error("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

/* What --replace did, and how to undo it. */
static void
print_replaced(const char *abs, const struct certmake_replace *rp)
{
	size_t i;

	for (i = 0; i < rp->n; i++)
		printf(_("Replaced %s/%s; the old one is %s/%s\n"), abs, rp->names[i], abs,
		    rp->backups[i]);
	printf("%s", _("To undo, rename each backup back:\n"));
	for (i = 0; i < rp->n; i++)
		printf("  mv %s/%s %s/%s\n", abs, rp->backups[i], abs, rp->names[i]);
}

static int
import_run(int argc, char **argv)
{
	struct certs_opts o;
	struct certlist pool = { 0 }, roots = { 0 };
	struct pki_bundle b = { 0 };
	struct key key = { 0 };
	struct certmake m = { 0 };
	struct certmake_replace rp = { 0 };
	const char *keypath = NULL, *rootspath = NULL;
	char *err = NULL, *abs, *keyabs = NULL;
	struct tls_plan mc;
	size_t i;
	bool replace = false;
	int opt, rc = EXIT_USAGE;

	certs_opts_init(&o, 1);
	plan_init(&mc, 0);
	optind = 1;
	while ((opt = cmd_getopt(&cmd_import_entry, argc, argv)) != -1) {
		if (opt == CMD_OPT_HELP) {
			cmd_help(&cmd_import_entry, stdout);
			rc = EXIT_DONE;
			goto out;
		}
		if (opt == IOPT_KEY)
			keypath = optarg;
		else if (opt == IOPT_ROOTS)
			rootspath = optarg;
		else if (opt == IOPT_REPLACE)
			replace = true;
		else if (certs_option(&o, opt, optarg) != 1)
			goto usage;
	}
	if (keypath == NULL || o.out == NULL || optind == argc) {
		cli_error(_("import: --key, --out and at least one FILE are required"));
		goto usage;
	}
	if (replace && o.force) {
		cli_error(_("import: --replace keeps backups, --force does not: give one"));
		goto usage;
	}
	rc = EXIT_FINDINGS;
	if (certs_load_key(keypath, &key) == -1)
		goto out;
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (pki_load_certs(argv[i], &pool, &err) == -1) {
			cli_error("%s", err);
			goto out;
		}
	}
	if (rootspath == NULL && access(CERTMAKE_SYSTEM_ROOTS, R_OK) == 0)
		rootspath = CERTMAKE_SYSTEM_ROOTS;
	if (rootspath != NULL && pki_load_certs(rootspath, &roots, &err) == -1) {
		cli_error("--roots: %s", err);
		goto out;
	}
	if (pki_bundle_sort(&pool, &key, &roots, time(NULL), &b, &err) == -1) {
		cli_error("%s: %s", keypath, err);
		goto out;
	}
	if (certmake_import(&m, &b, &err) == -1) {
		cli_error("%s", err);
		goto out;
	}
	/* refuse a directory whose name cannot be written into sendmail.mc before writing */
	keyabs = certs_abs_dir(keypath);
	certs_plan(&mc, o.out, CERTMAKE_CERT, keyabs, m.cacert, true, false, NULL);
	if (certs_mc_lines(&mc, false) == -1)
		goto out;
	/* what is there already: the core names it and the backups it would get */
	if (certmake_replace_plan(o.out, m.files, m.n_files, time(NULL), &rp, &err) == -1) {
		cli_error("%s", err);
		goto out;
	}
	if (import_write(&o, &m, &rp, replace) == -1)
		goto out;
	abs = certs_abs_dir(o.out);
	printf(_("Sorted %zu certificate(s):\n"), pool.n);
	print_cert_line(_("certificate"), &b.leaf);
	for (i = 0; i < b.chain.n; i++)
		print_cert_line(_("intermediate"), &b.chain.v[i]);
	if (b.root.x509 != NULL)
		print_cert_line(b.root_given ? _("root dropped") : _("root (known)"), &b.root);
	for (i = 0; i < b.unused.n; i++)
		print_cert_line(_("not used"), &b.unused.v[i]);
	printf(_("Wrote %s/cert.pem%s and %s/fullchain.pem.\n"), abs,
	    b.chain.n ? _(", chain.pem") : "", abs);
	if (replace && rp.n > 0)
		print_replaced(abs, &rp);
	if (b.chain.n == 0)
		printf(_("No intermediate: the certificate is issued by the root itself, so "
		    "there is no chain.pem; CACertFile, which sendmail needs, names cert.pem.\n"));
	printf(_("Debian's sendmail reads only the first certificate of confSERVER_CERT;\n"
	    "the intermediates go to peers from confCACERT.\n"));
	certs_plan(&mc, abs, CERTMAKE_CERT, keyabs, m.cacert, true, false, NULL);
	free(abs);
	if (certs_mc_lines(&mc, true) == -1)
		goto out;
	rc = EXIT_DONE;
	goto out;
usage:
	rc = cli_usage_error(&cmd_import_entry);
out:
	plan_free(&mc);
	certmake_replace_free(&rp);
	free(keyabs);
	free(err);
	certmake_free(&m);
	pki_bundle_free(&b);
	certlist_free(&pool);
	certlist_free(&roots);
	key_clear(&key);
	certs_opts_free(&o);
	return rc;
}

static const struct cmd_group *const import_groups[] = { &import_group, &certs_out_group,
	NULL };

const struct cmd_entry cmd_import_entry = {
	.name = "import",
	.usage = N_("--key KEY FILE... --out DIR [--roots FILE] [--replace|--force]"),
	.summary = N_("sort a CA's returned files into cert.pem, chain.pem, fullchain.pem"),
	.description = N_("Sort what a CA returned, in any order and form (a PEM bundle, separate files,\n"
	    "DER, PKCS#7 .p7b), into DIR/cert.pem (the certificate that matches KEY),\n"
	    "DIR/chain.pem (the intermediates, leaf to root, without the root) and\n"
	    "DIR/fullchain.pem (both).\n\n"),
	.groups = import_groups,
	.footer = N_("A missing intermediate is an error: nothing is written, and the message names\n"
	    "the certificate to fetch from the CA.\n"
	    "Files already in DIR (an earlier import) are an error: nothing is written, and\n"
	    "the message names them. --replace replaces them as one transaction, keeping\n"
	    "each old one beside it as FILE.smtls-YYYYMMDDTHHMMSSZ (rename it back to undo);\n"
	    "--force replaces them without backups.\n"
	    "Exit status: 0 written, 1 failed (nothing written), 2 bad usage.\n"),
	.run = import_run,
};
