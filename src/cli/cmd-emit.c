/* cmd-emit.c: `smtls emit`: print the sendmail.mc fragment for the chosen settings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "emit-flags.h"
#include "smtls/emit.h"
#include "smtls/i18n.h"
#include "smtls/sendmail.h"

static void
emit_usage(FILE *f)
{
	fprintf(f, _("Usage: %s emit [SETTINGS]... [FRAGMENT OPTION]...\n"), PACKAGE);
	fputs(_("Print the sendmail.mc fragment for the chosen settings: one define per setting,\n"
	    "every value quoted so that m4 cannot mangle it, between the lines\n"
	    "'dnl # BEGIN smtls' and 'dnl # END smtls' that `smtls apply' manages.\n"
	    "A value that would not reach sendmail.cf exactly (a quote, $, #, a newline, a\n"
	    "relative path, ...) is refused with exit status 2.\n\n"), f);
	fputs(_(settings_help), f);
	fputs("\n", f);
	fputs(_(emit_flags_help), f);
	fputs(_("      --help              display this help and exit\n\n"
	    "Exit status: 0 printed, 2 bad usage or a value that cannot be written.\n"), f);
}

static void
emit_json(const struct emit_result *r)
{
	size_t i;

	printf("{\"version\": 1, \"fragment\": ");
	json_string(stdout, r->fragment);
	printf(",\n \"expect\": [");
	for (i = 0; i < r->nexpect; i++) {
		static const char *const match[] = { "equal", "has-item", "absent", "any-line" };

		printf("%s{\"option\": ", i ? ", " : "");
		json_string(stdout, r->expect[i].cf_name);
		printf(", \"value\": ");
		json_string(stdout, r->expect[i].value);
		printf(", \"match\": \"%s\"}", match[r->expect[i].match]);
	}
	printf("]}\n");
}

static int
emit_run(int argc, char **argv)
{
	static const struct option longopts[] = { SETTINGS_LONGOPTS, EMIT_FLAGS_LONGOPTS,
		{ NULL, 0, NULL, 0 } };
	struct cli_settings s;
	struct emit_flags ef;
	struct emit_result r;
	struct sendmail_info sm = { 0 };
	char *err = NULL;
	int opt, rc = EXIT_USAGE;

	settings_init(&s);
	emit_flags_init(&ef, argc, argv, "emit");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == OPT_HELP) {
			emit_usage(stdout);
			rc = EXIT_DONE;
			goto out;
		}
		if (emit_flags_parse(&ef, &s, opt, optarg) == -1) {
			rc = cli_usage_error("emit");
			goto out;
		}
	}
	if (emit_flags_finish(&ef, &s, argc, argv, "emit", &sm) == -1) {
		rc = cli_usage_error("emit");
		goto out;
	}
	if (emit_build(&s.plan, &ef.eo, sm.found ? &sm : NULL, &r, &err) == -1) {
		cli_error("%s", err);
		free(err);
		goto out;
	}
	if (s.json)
		emit_json(&r);
	else
		fputs(r.fragment, stdout);
	emit_result_free(&r);
	rc = EXIT_DONE;
out:
	sendmail_info_free(&sm);
	emit_flags_free(&ef);
	settings_free(&s);
	return rc;
}

const struct cmd_entry cmd_emit_entry = {
	.name = "emit",
	.usage = "[SETTINGS]... [FRAGMENT OPTION]...",
	.summary = N_("print the sendmail.mc fragment for the chosen settings"),
	.run = emit_run,
};
