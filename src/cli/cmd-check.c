/* cmd-check.c: `smtls check`: diagnose a setup and report the findings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "smtls/cert.h"
#include "smtls/check.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/mc.h"
#include "smtls/sendmail.h"
#include "smtls/xmalloc.h"

enum { OPT_C_SUBMIT_MC = 300, OPT_C_NO_SUBMIT_MC };

static const struct cmd_option check_options[] = {
	{ "submit-mc", 0, required_argument, N_("FILE"), OPT_C_SUBMIT_MC,
	  N_("also judge this submit.mc, the MSP's (default: the submit.mc beside the "
	  "sendmail.mc, when there is one)") },
	{ "no-submit-mc", 0, no_argument, NULL, OPT_C_NO_SUBMIT_MC,
	  N_("do not judge the MSP's submit.mc beside the sendmail.mc") },
	CMD_OPTIONS_END
};

static const struct cmd_group check_group = { N_("The MSP:"), check_options, NULL };

/* The MSP's submit.mc judged beside the MTA (NULL: none) and its findings. */
struct msp_view {
	const char	*mc;
	struct findings	 fs;
	int		 rc;		/* check_msp_file: -1 when it could not be read */
};

static void
print_json(const struct cli_settings *s, const struct findings *fs, const struct findings *next,
    const struct msp_view *msp)
{
	static const struct { const char *key; enum plan_field f; } keys[] = {
		{ "server_cert", PF_SERVER_CERT }, { "server_key", PF_SERVER_KEY },
		{ "client_cert", PF_CLIENT_CERT }, { "client_key", PF_CLIENT_KEY },
		{ "ca_cert", PF_CA_CERT }, { "ca_path", PF_CA_PATH },
	};
	struct json j;
	char at[32];
	size_t i;

	time_format_iso(s->plan.now, at, sizeof(at));
	json_init(&j, stdout);
	json_object(&j, NULL, true);
	json_int(&j, "version", 1);
	json_str(&j, "at", at);
	json_object(&j, "settings", false);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_str(&j, keys[i].key, plan_get(&s->plan, keys[i].f));
	json_str(&j, "hostname", s->plan.hostname);
	json_end(&j);
	json_dh_params(&j, plan_get(&s->plan, PF_DH_PARAMS));
	json_plan_options(&j, &s->plan);
	json_findings(&j, fs);
	/* what sendmail does now (the cf in force) and what the next rebuild gives (the mc) */
	json_str(&j, "in_force", s->has_next ? s->next.cf_path : s->plan.mc_path ? NULL :
	    s->plan.cf_path);
	if (s->has_next || s->plan.mc_path != NULL) {
		json_object(&j, "after_rebuild", true);
		json_str(&j, "from", s->has_next ? s->next.mc_path : s->plan.mc_path);
		json_findings(&j, s->has_next ? next : fs);
		json_end(&j);
	} else
		json_null(&j, "after_rebuild");
	/* the MSP's submit.mc beside the MTA's sendmail.mc (or --submit-mc) */
	if (msp->mc != NULL) {
		json_object(&j, "submit", true);
		json_str(&j, "mc", msp->mc);
		json_findings(&j, &msp->fs);
		json_end(&j);
	} else
		json_null(&j, "submit");
	json_end(&j);
}

/* The MSP's findings after the MTA's, under their own heading and verdict. */
static void
print_msp(const struct msp_view *msp, bool color)
{
	printf(_("\n%sThe MSP (%s): sendmail's client side for locally submitted mail, "
	    "submitting to this MTA%s\n"), color ? "\033[1m" : "", msp->mc, color ? "\033[0m" : "");
	report_findings(stdout, &msp->fs, color, false);
	printf("  ");
	report_verdict(stdout, &msp->fs, color);
}

/* The findings of next that now does not have (the same id, file and message). */
static void
only_next(const struct findings *now, const struct findings *next, struct findings *out)
{
	size_t i, j;

	for (i = 0; i < next->n; i++) {
		const struct finding *f = &next->v[i];
		bool seen = false;

		for (j = 0; j < now->n && !seen; j++)
			seen = strcmp(now->v[j].id, f->id) == 0 &&
			    strcmp(now->v[j].message, f->message) == 0 &&
			    strcmp(now->v[j].file ? now->v[j].file : "", f->file ? f->file : "") == 0;
		if (!seen) {
			out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
			out->v[out->n++] = *f;	/* a view: the strings belong to next */
		}
	}
}

/* Both verdicts: sendmail on the cf in force now, and after the next rebuild from the mc. */
static void
print_two_verdicts(const struct cli_settings *s, const struct findings *fs,
    const struct findings *next, bool color)
{
	struct findings extra = { 0 };

	only_next(fs, next, &extra);
	if (extra.n > 0) {
		printf(_("\nAfter the next rebuild from %s, also:\n"), s->next.mc_path);
		report_findings(stdout, &extra, color, false);
	}
	free(extra.v);
	printf(_("Now (sendmail runs %s):\n  "), s->next.cf_path);
	report_verdict(stdout, fs, color);
	printf(_("After the next rebuild from %s:\n  "), s->next.mc_path);
	report_verdict(stdout, next, color);
}

/* The settings in use and where each came from, before the findings. */
static void
print_settings(const struct tls_plan *p, bool color)
{
	size_t i;

	printf(_("%sSettings%s\n"), color ? "\033[1m" : "", color ? "\033[0m" : "");
	for (i = 0; i < tls_options_count; i++) {
		const struct tls_option *t = &tls_options[i];
		const struct setting_origin *o = &p->origin[t->field];

		if (p->value[t->field] == NULL)
			continue;
		printf("  %-18s %s", t->cf_name, p->value[t->field]);
		if (o->file && o->line)
			printf(_("  (%s line %d)"), o->file, o->line);
		else if (o->file)
			printf("  (%s)", o->file);
		putchar('\n');
	}
	if (p->hostname)
		printf("  %-18s %s\n", _("hostname"), p->hostname);
	putchar('\n');
}

/* The MSP (submit.mc/submit.cf) submits to the MTA whose sendmail.cf is beside it. */
static void
check_relay(const struct tls_plan *msp, const struct sendmail_info *sm, struct findings *out)
{
	if (msp->msp)
		check_msp_relay_beside(msp->mc_path ? msp->mc_path : msp->cf_path, msp, sm, out);
}

static int
check_run(int argc, char **argv)
{
	struct cli_settings s;
	struct findings fs = { 0 }, next = { 0 };
	struct sendmail_info sm = { 0 };
	struct msp_view msp = { NULL, { 0 }, 0 };
	const char *smpath, *submit_mc = NULL;
	char *err = NULL, *submit = NULL;
	bool no_submit = false;
	int opt, r, rc;

	settings_init(&s);
	optind = 1;
	while ((opt = cmd_getopt(&cmd_check_entry, argc, argv)) != -1) {
		if (opt == CMD_OPT_HELP) {
			cmd_help(&cmd_check_entry, stdout);
			settings_free(&s);
			return EXIT_DONE;
		}
		if (opt == OPT_C_SUBMIT_MC || opt == OPT_C_NO_SUBMIT_MC) {
			submit_mc = opt == OPT_C_SUBMIT_MC ? optarg : submit_mc;
			no_submit = no_submit || opt == OPT_C_NO_SUBMIT_MC;
			continue;
		}
		r = settings_option(&s, opt, optarg);
		if (r != 1) {
			settings_free(&s);
			return cli_usage_error(&cmd_check_entry);
		}
	}
	if (optind < argc) {
		cli_error(_("check: unexpected argument '%s'"), argv[optind]);
		settings_free(&s);
		return cli_usage_error(&cmd_check_entry);
	}
	smpath = s.plan.sendmail_path ? s.plan.sendmail_path : sendmail_default_path();
	if (smpath != NULL && sendmail_inspect(smpath, &sm, &err) == -1 &&
	    s.plan.sendmail_path != NULL) {
		cli_error(_("--sendmail: %s"), err);
		free(err);
		sendmail_info_free(&sm);
		settings_free(&s);
		return EXIT_USAGE;
	}
	free(err);
	r = settings_load_config(&s, &fs);
	if (r == -2) {
		findings_free(&fs);
		sendmail_info_free(&sm);
		settings_free(&s);
		return EXIT_FINDINGS;
	}
	settings_finish(&s);
	rc = settings_submit_mc("check", submit_mc, no_submit, s.has_next ? s.next.mc_path :
	    s.plan.mc_path, s.plan.msp, &submit);
	if (rc != 0) {
		findings_free(&fs);
		sendmail_info_free(&sm);
		settings_free(&s);
		return rc;
	}
	/* the MSP submits to this MTA: what it serves now (s.plan: the cf in force) */
	if (submit != NULL) {
		msp.mc = submit;
		msp.rc = check_msp_file(submit, NULL, s.cf_m4, &s.plan, r == 0 ? &s.plan : NULL,
		    sm.found ? &sm : NULL, &msp.fs);
		findings_sort(&msp.fs);
	}
	/* an mc that m4 cannot evaluate yields no settings to check: report why, stop */
	if (r == 0) {
		check_plan(&s.plan, sm.found ? &sm : NULL, &fs);
		check_relay(&s.plan, sm.found ? &sm : NULL, &fs);
		if (s.has_next) {
			check_plan(&s.next, sm.found ? &sm : NULL, &next);
			check_relay(&s.next, sm.found ? &sm : NULL, &next);
			check_judge_stale(&fs, &next);
			findings_sort(&next);
		}
	}
	findings_sort(&fs);
	if (s.json)
		print_json(&s, &fs, &next, &msp);
	else {
		bool color = cli_use_color(stdout);

		print_settings(&s.plan, color);
		report_findings(stdout, &fs, color, false);
		if (s.has_next && r == 0)
			print_two_verdicts(&s, &fs, &next, color);
		else
			report_verdict(stdout, &fs, color);
		if (msp.mc != NULL)
			print_msp(&msp, color);
	}
	rc = findings_count(&fs, SEV_ERROR) > 0 || r != 0 || findings_count(&msp.fs, SEV_ERROR) > 0 ||
	    msp.rc != 0 ? EXIT_FINDINGS : EXIT_DONE;
	findings_free(&msp.fs);
	free(submit);
	findings_free(&fs);
	findings_free(&next);
	sendmail_info_free(&sm);
	settings_free(&s);
	return rc;
}

static const struct cmd_group *const check_groups[] = { &settings_group, &check_group, NULL };

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = N_("[SETTINGS]..."),
	.summary = N_("diagnose a STARTTLS setup (from flags, sendmail.mc or sendmail.cf)"),
	.description = N_("Diagnose a sendmail STARTTLS setup: what sendmail and its peers will see.\n"
	    "Settings come from the flags, else from --mc, else --cf, else the system's\n"
	    "/etc/mail/sendmail.mc and sendmail.cf. Flags override values read from --mc/--cf.\n"
	    "The MSP's submit.mc/submit.cf (FEATURE(`msp')) is judged as a client run as\n"
	    "smmsp that must verify the MTA whose sendmail.cf is beside it (msp.*).\n"
	    "Checking an MTA's sendmail.mc (--mc, or the system's), check also judges the\n"
	    "MSP's submit.mc beside it, when there is one (--submit-mc FILE names another,\n"
	    "--no-submit-mc none): its findings follow the MTA's, with their own verdict,\n"
	    "against what this MTA serves now.\n\n"),
	.groups = check_groups,
	.footer = N_("Exit status: 0 no error finding, 1 at least one error finding (or the settings\n"
	    "could not be read), 2 bad usage or a bad value.\n"),
	.run = check_run,
};
