/* cmd-rehash.c: `smtls rehash`: make a directory a CACertPath (one file per CA, subject-hash links). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "smtls/i18n.h"
#include "smtls/rehash.h"
#include "smtls/xmalloc.h"

enum { ROPT_FROM = 1, ROPT_QUIET, ROPT_KEEP_EXPIRED };

static const struct cmd_option rehash_options[] = {
	{ "from", 0, required_argument, N_("BUNDLE"), ROPT_FROM,
	  N_("first add each CA certificate of BUNDLE (PEM, DER or PKCS#7) that DIR lacks, as "
	  "its own file (repeatable)") },
	{ "keep-expired", 0, no_argument, NULL, ROPT_KEEP_EXPIRED,
	  N_("add expired certificates of BUNDLE too (skipped by default: they anchor "
	  "nothing)") },
	{ "quiet", 0, no_argument, NULL, ROPT_QUIET, N_("print only errors") },
	CMD_OPTIONS_END
};

static const struct cmd_group rehash_group = { NULL, rehash_options, NULL };

static void
show_progress(void *arg, size_t done, size_t total)
{
	(void)arg;
	if (done == total || done % 64 == 0)
		fprintf(stderr, "\r%zu/%zu ", done, total > done ? total : done);
}

static int
rehash_run(int argc, char **argv)
{
	struct rehash_progress prog = { show_progress, NULL };
	struct rehash_result res;
	const char **from = NULL;
	size_t n_from = 0, i;
	char *err = NULL;
	bool quiet = false, keep_expired = false;
	int opt, rc;

	rehash_process_init();
	optind = 1;
	while ((opt = cmd_getopt(&cmd_rehash_entry, argc, argv)) != -1) {
		switch (opt) {
		case ROPT_FROM:
			from = xreallocarray(from, n_from + 1, sizeof(*from));
			from[n_from++] = optarg;
			break;
		case ROPT_QUIET:
			quiet = true;
			break;
		case ROPT_KEEP_EXPIRED:
			keep_expired = true;
			break;
		case CMD_OPT_HELP:
			cmd_help(&cmd_rehash_entry, stdout);
			free(from);
			return EXIT_DONE;
		default:
			free(from);
			return cli_usage_error(&cmd_rehash_entry);
		}
	}
	if (argc - optind != 1) {
		cli_error(argc - optind == 0 ? _("rehash: which directory? (DIR is required)") :
		    _("rehash: one DIR only"));
		free(from);
		return cli_usage_error(&cmd_rehash_entry);
	}
	rc = rehash_dir(argv[optind], from, n_from, keep_expired ? 0 : time(NULL),
	    !quiet && isatty(2) ? &prog : NULL, &res, &err);
	if (!quiet && isatty(2))
		fputc('\n', stderr);
	free(from);
	if (rc == -1) {
		cli_error("%s", err);
		free(err);
		return EXIT_FINDINGS;
	}
	if (!quiet) {
		for (i = 0; i < res.n_notes; i++)
			printf("%s\n", res.notes[i]);
		printf(_("%s: %zu certificate file(s) written, %zu already present; %zu link(s) made, "
		    "%zu kept, %zu removed; %zu skipped.\n"), argv[optind], res.written, res.present,
		    res.linked, res.kept, res.removed, res.skipped);
	}
	rehash_result_free(&res);
	return EXIT_DONE;
}

static const struct cmd_group *const rehash_groups[] = { &rehash_group, NULL };

const struct cmd_entry cmd_rehash_entry = {
	.name = "rehash",
	.usage = N_("DIR [--from BUNDLE]... [--keep-expired] [--quiet]"),
	.summary = N_("make a directory a CACertPath (one file per CA, hash links)"),
	.description = N_("Make DIR a CACertPath (confCACERT_PATH): one PEM file per CA certificate and\n"
	    "the <subject-hash>.N links OpenSSL looks certificates up by, with the names\n"
	    "'openssl rehash' gives them.\n\n"),
	.groups = rehash_groups,
	.footer = N_("Certificates that are not CA certificates are skipped with a note. Running it\n"
	    "again changes nothing. Only dangling or wrong hash links are removed; no other\n"
	    "file is ever deleted. DIR is created when missing; a symlink DIR is refused.\n"
	    "Exit status: 0 done, 1 failed (files made by this run are removed), 2 bad usage.\n"),
	.run = rehash_run,
};
