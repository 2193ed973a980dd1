/* cmd-check.c: `smtls check`: diagnose a setup and report the findings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtls/cert.h"
#include "smtls/check.h"
#include "smtls/i18n.h"
#include "smtls/sendmail.h"

static void
check_usage(FILE *f)
{
	fprintf(f, _("Usage: %s check [SETTINGS]...\n"), PACKAGE);
	fputs(_("Diagnose a sendmail STARTTLS setup: what sendmail and its peers will see.\n"
	    "Settings come from the flags, else from --mc, else --cf, else /etc/mail.\n\n"), f);
	fputs(_(settings_help), f);
	fputs(_("      --help              display this help and exit\n\n"
	    "Exit status: 0 no error finding, 1 at least one error finding, 2 bad usage.\n"), f);
}

static int
check_run(int argc, char **argv)
{
	static const struct option longopts[] = { SETTINGS_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct cli_settings s;
	struct findings fs = { 0 };
	struct sendmail_info sm = { 0 };
	const char *smpath;
	int opt, r, rc;

	settings_init(&s);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == OPT_HELP) {
			check_usage(stdout);
			settings_free(&s);
			return EXIT_DONE;
		}
		r = settings_option(&s, opt, optarg);
		if (r != 1) {
			settings_free(&s);
			return cli_usage_error("check");
		}
	}
	if (optind < argc) {
		cli_error(_("check: unexpected argument '%s'"), argv[optind]);
		settings_free(&s);
		return cli_usage_error("check");
	}
	settings_finish(&s);
	smpath = s.plan.sendmail_path ? s.plan.sendmail_path : sendmail_default_path();
	if (smpath != NULL)
		(void)sendmail_inspect(smpath, &sm, NULL);
	check_plan(&s.plan, sm.found ? &sm : NULL, &fs);
	findings_sort(&fs);
	if (s.json) {
		char at[32];

		time_format_iso(s.plan.now, at, sizeof(at));
		printf("{\"version\": 1, \"at\": \"%s\",\n \"settings\": {", at);
		printf("\"server_cert\": ");
		json_string(stdout, plan_get(&s.plan, PF_SERVER_CERT));
		printf(", \"server_key\": ");
		json_string(stdout, plan_get(&s.plan, PF_SERVER_KEY));
		printf(", \"client_cert\": ");
		json_string(stdout, plan_get(&s.plan, PF_CLIENT_CERT));
		printf(", \"client_key\": ");
		json_string(stdout, plan_get(&s.plan, PF_CLIENT_KEY));
		printf(", \"ca_cert\": ");
		json_string(stdout, plan_get(&s.plan, PF_CA_CERT));
		printf(", \"ca_path\": ");
		json_string(stdout, plan_get(&s.plan, PF_CA_PATH));
		printf(", \"hostname\": ");
		json_string(stdout, s.plan.hostname);
		printf("},\n ");
		json_findings(stdout, &fs);
		printf("}\n");
	} else {
		bool color = cli_use_color(stdout);

		report_findings(stdout, &fs, color, false);
		report_verdict(stdout, &fs, color);
	}
	rc = findings_count(&fs, SEV_ERROR) > 0 ? EXIT_FINDINGS : EXIT_DONE;
	findings_free(&fs);
	sendmail_info_free(&sm);
	settings_free(&s);
	return rc;
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[SETTINGS]...",
	.summary = N_("diagnose a STARTTLS setup (from flags, sendmail.mc or sendmail.cf)"),
	.run = check_run,
};
