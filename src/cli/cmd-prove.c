/* cmd-prove.c: `smtls prove`: run a candidate sendmail.cf on 127.0.0.1 and show what it serves. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "prove-print.h"
#include "smtls/i18n.h"
#include "smtls/prove.h"
#include "smtls/xmalloc.h"

enum { OPT_PORT = 1, OPT_WORKDIR };

static const struct cmd_option prove_options[] = {
	{ "port", 0, required_argument, N_("N"), OPT_PORT,
	  N_("the first loopback port to try for the candidate (default 20025); busy ports are "
	  "skipped") },
	{ "workdir", 0, required_argument, N_("DIR"), OPT_WORKDIR,
	  N_("where the candidate's temporary directory goes (default /run)") },
	CMD_OPTIONS_END
};

static const struct cmd_group prove_group = { N_("Proof:"), prove_options, NULL };

/* Text mode: "TITLE ... " when a step starts, its outcome on the same line when it ends. */
static void
progress(const struct prove_result *r, enum prove_step_id id, void *arg)
{
	const struct prove_step *s = &r->steps[id];
	bool *open = arg;

	switch (s->state) {
	case PROVE_RUNNING:
		printf("  %s ... ", _(s->title));
		*open = true;
		break;
	case PROVE_DONE:
	case PROVE_FAILED:
	case PROVE_SKIPPED:
		if (!*open)
			printf("  %s ... ", _(s->title));
		printf("%s%s%s\n", s->state == PROVE_DONE ? _("done") : s->state == PROVE_FAILED ?
		    _("FAILED") : _("skipped"), s->detail ? ": " : "", s->detail ? s->detail : "");
		*open = false;
		break;
	case PROVE_PENDING:
		break;
	}
	fflush(stdout);
}

static void
print_json(const char *cf, const struct prove_result *r)
{
	struct json j;

	json_init(&j, stdout);
	json_object(&j, NULL, true);
	json_int(&j, "version", 1);
	json_str(&j, "cf", cf);
	prove_json_members(&j, r);
	json_end(&j);
}

static void
print_human(const struct prove_result *r)
{
	bool color = cli_use_color(stdout);

	putchar('\n');
	prove_print_observations(stdout, r);
	putchar('\n');
	report_findings(stdout, &r->findings, color, false);
	if (r->interrupted)
		printf(_("%sThe proof was interrupted%s; what it started is stopped%s.\n"),
		    color ? "\033[1;31m" : "", color ? "\033[0m" : "", r->cleaned ? "" :
		    _(" as far as it could be (see above)"));
	else if (r->passed)
		printf(_("%sThe proof passes%s: the candidate serves the planned chain over "
		    "STARTTLS.\n"), color ? "\033[1;32m" : "", color ? "\033[0m" : "");
	else
		printf(_("%sThe proof fails%s: do not install this sendmail.cf until the errors "
		    "above are fixed.\n"), color ? "\033[1;31m" : "", color ? "\033[0m" : "");
}

static int
prove_cmd(int argc, char **argv)
{
	struct cli_settings s;
	struct findings fs = { 0 };
	struct prove_opts o;
	struct prove_result r;
	long v;
	int opt, rc = EXIT_USAGE;
	bool open = false;
	char *workdir = NULL;

	settings_init(&s);
	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((opt = cmd_getopt(&cmd_prove_entry, argc, argv)) != -1) {
		switch (opt) {
		case CMD_OPT_HELP:
			cmd_help(&cmd_prove_entry, stdout);
			rc = EXIT_DONE;
			goto out;
		case OPT_PORT:
			if (cli_parse_range(optarg, 1, 65535, &v) == -1) {
				cli_error(_("prove: --port '%s': give a port from 1 to 65535"), optarg);
				goto usage;
			}
			o.first_port = (int)v;
			break;
		case OPT_WORKDIR:
			free(workdir);
			workdir = xstrdup(optarg);
			break;
		default:
			if (settings_option(&s, opt, optarg) != 1)
				goto usage;
		}
	}
	if (optind != argc) {
		cli_error(_("prove: unexpected argument '%s'"), argv[optind]);
		goto usage;
	}
	switch (settings_load_config(&s, &fs)) {
	case -2:
		goto usage;
	case -1:
		report_findings(stderr, &fs, false, false);
		cli_error(_("prove: the settings could not be read"));
		rc = EXIT_FINDINGS;
		goto out;
	}
	settings_finish(&s);
	if (s.plan.cf_path == NULL) {
		cli_error(_("prove: which sendmail.cf? give --cf FILE (the candidate)"));
		goto usage;
	}
	o.cf_path = s.plan.cf_path;
	o.sendmail_path = s.plan.sendmail_path;
	o.plan = &s.plan;
	o.work_parent = workdir;
	if (!s.json) {
		printf(_("Proving %s on 127.0.0.1:\n"), o.cf_path);
		o.progress = progress;
		o.progress_arg = &open;
	}
	o.cancel = prove_catch_signals();
	(void)prove_run(&o, &r);
	if (s.json)
		print_json(o.cf_path, &r);
	else
		print_human(&r);
	rc = r.passed ? EXIT_DONE : EXIT_FINDINGS;
	prove_result_free(&r);
	goto out;
usage:
	rc = cli_usage_error(&cmd_prove_entry);
out:
	findings_free(&fs);
	free(workdir);
	settings_free(&s);
	return rc;
}

static const struct cmd_group *const prove_groups[] = { &settings_group, &prove_group, NULL };

const struct cmd_entry cmd_prove_entry = {
	.name = "prove",
	.usage = N_("[OPTION]... --cf FILE"),
	.summary = N_("run a candidate sendmail.cf on 127.0.0.1 and prove what it serves"),
	.description = N_("Run the candidate sendmail.cf as a second daemon on 127.0.0.1 (a free port, its own\n"
	    "queue, pid file, statistics and log in a temporary directory; the live daemon's\n"
	    "are never touched), STARTTLS to it with the public roots, compare the chain it\n"
	    "serves with the planned certificate and issuer, and deliver one test message to\n"
	    "it from a second instance of the same cf, so that both directions' verify= show.\n"
	    "Both are stopped by their PIDs and the directory is removed. Needs root.\n\n"),
	.groups = prove_groups,
	.footer = N_("Exit status: 0 the proof passes; 1 it fails (the findings say why and how to fix\n"
	    "it); 2 bad usage.\n"),
	.run = prove_cmd,
};
