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
emit_json(const struct emit_result *r, const struct tls_plan *p)
{
	static const char *const match[] = { "equal", "has-item", "absent", "any-line" };
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_object(&j, NULL, true);
	json_int(&j, "version", 1);
	json_str(&j, "fragment", r->fragment);
	json_dh_params(&j, plan_get(p, PF_DH_PARAMS));
	json_plan_options(&j, p);
	json_array(&j, "expect", true);
	for (i = 0; i < r->nexpect; i++) {
		json_object(&j, NULL, false);
		json_str(&j, "option", r->expect[i].cf_name);
		json_str(&j, "value", r->expect[i].value);
		json_str(&j, "match", match[r->expect[i].match]);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
}

static int
emit_run(int argc, char **argv)
{
	struct cli_settings s;
	struct emit_flags ef;
	struct emit_result r;
	struct sendmail_info sm = { 0 };
	char *err = NULL;
	int opt, rc = EXIT_USAGE;

	settings_init(&s);
	emit_flags_init(&ef, argc, argv, "emit");
	optind = 1;
	while ((opt = cmd_getopt(&cmd_emit_entry, argc, argv)) != -1) {
		if (opt == CMD_OPT_HELP) {
			cmd_help(&cmd_emit_entry, stdout);
			rc = EXIT_DONE;
			goto out;
		}
		if (emit_flags_parse(&ef, &s, opt, optarg) == -1) {
			rc = cli_usage_error(&cmd_emit_entry);
			goto out;
		}
	}
	switch (emit_flags_finish(&ef, &s, argc, argv, "emit", &sm)) {
	case -2:
		rc = EXIT_FINDINGS;
		goto out;
	case -1:
		rc = cli_usage_error(&cmd_emit_entry);
		goto out;
	}
	if (emit_build(&s.plan, &ef.eo, sm.found ? &sm : NULL, &r, &err) == -1) {
		cli_error("%s", err);
		free(err);
		goto out;
	}
	if (s.json)
		emit_json(&r, &s.plan);
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

static const struct cmd_group *const emit_groups[] = { &settings_group, &emit_flags_group,
	NULL };

const struct cmd_entry cmd_emit_entry = {
	.name = "emit",
	.usage = N_("[SETTINGS]... [FRAGMENT OPTION]..."),
	.summary = N_("print the sendmail.mc fragment for the chosen settings"),
	.description = N_("Print the sendmail.mc fragment for the chosen settings: one define per setting,\n"
	    "every value quoted so that m4 cannot mangle it, between the lines\n"
	    "'dnl # BEGIN smtls' and 'dnl # END smtls' that `smtls apply' manages.\n"
	    "A value that would not reach sendmail.cf exactly (a quote, $, #, a newline, a\n"
	    "relative path, ...) is refused with exit status 2.\n"
	    "With --mc naming the MSP's submit.mc (FEATURE(`msp')), server settings are\n"
	    "left out and the client cert and key are not defaulted to the server's.\n\n"),
	.groups = emit_groups,
	.footer = N_("Exit status: 0 printed, 1 --mc or --cf names a file that cannot be used, 2 bad\n"
	    "usage or a value that cannot be written.\n"),
	.run = emit_run,
};
