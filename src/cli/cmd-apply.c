/* cmd-apply.c: `smtls apply`: merge the fragment into sendmail.mc, rebuild and verify sendmail.cf, install with backups. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "confirm-cli.h"
#include "emit-flags.h"
#include "prove-print.h"
#include "smtls/apply.h"
#include "smtls/debian.h"
#include "smtls/i18n.h"
#include "smtls/mc.h"
#include "smtls/sendmail.h"
#include "smtls/xmalloc.h"

#define APPLY_DEFAULT_MC	"/etc/mail/sendmail.mc"

enum { OPT_A_DRY_RUN = 300, OPT_A_UNDO, OPT_A_FORCE, OPT_A_RESTART, OPT_A_NO_PROVE,
	OPT_A_SUBMIT_MC, OPT_A_NO_SUBMIT_MC };

static const struct cmd_option apply_options[] = {
	{ "dry-run", 0, no_argument, NULL, OPT_A_DRY_RUN,
	  N_("show the diffs of sendmail.mc and sendmail.cf; write nothing") },
	{ "undo", 0, no_argument, NULL, OPT_A_UNDO,
	  N_("restore the latest backups of sendmail.mc and sendmail.cf (and remove a "
	     "sendmail.cf that apply created)") },
	{ "force", 0, no_argument, NULL, OPT_A_FORCE,
	  N_("apply despite error findings of the check or the proof") },
	{ "no-prove", 0, no_argument, NULL, OPT_A_NO_PROVE,
	  N_("do not prove the new sendmail.cf on 127.0.0.1 before installing it") },
	{ "restart", 0, no_argument, NULL, OPT_A_RESTART,
	  N_("restart sendmail afterwards (systemctl, service or rc script)") },
	{ "submit-mc", 0, required_argument, N_("FILE"), OPT_A_SUBMIT_MC,
	  N_("also the MSP's submit.mc (and submit.cf beside it), in the same transaction: "
	     "its CA settings, and the client cert and key only when given") },
	{ "no-submit-mc", 0, no_argument, NULL, OPT_A_NO_SUBMIT_MC,
	  N_("do not judge the MSP's submit.mc beside the sendmail.mc (without --submit-mc, "
	     "apply never changes it, but says what it finds there)") },
	CMD_OPTIONS_END
};

static const struct cmd_group apply_group = { N_("Apply options:"), apply_options, NULL };

struct apply_view {
	bool	json;
	int	noted;		/* the step whose running line gave its detail, or -1 */
};

static const char *
state_word(bool running, bool done, bool failed)
{
	return running ? _("running") : done ? _("done") : failed ? _("FAILED") : _("skipped");
}

static void
apply_progress(enum apply_step step, enum apply_state state, enum apply_prove_skip why,
    const char *detail, void *arg)
{
	struct apply_view *v = arg;
	const char *word;
	char *text;

	if (v->json || state == APPLY_ST_PENDING || (state == APPLY_ST_RUNNING && detail == NULL))
		return;
	/* a step that says why it takes long says it when it starts, and once */
	if (state == APPLY_ST_RUNNING)
		v->noted = (int)step;
	else if (state == APPLY_ST_DONE && v->noted == (int)step)
		detail = NULL;
	word = state_word(state == APPLY_ST_RUNNING, state == APPLY_ST_DONE,
	    state == APPLY_ST_FAILED);
	text = step == APPLY_STEP_PROVE ? prove_step_text(state, detail, why) : detail ? xstrdup(detail) : NULL;
	fprintf(stderr, "  %-8s %-9s %s%s%s\n", word, apply_step_name(step),
	    _(apply_step_title(step)), text ? ": " : "", text ? text : "");
	free(text);
}

/* The proof's own steps, indented under the prove step, each when it ends. */
static void
apply_prove_progress(const struct prove_result *r, enum prove_step_id id, void *arg)
{
	const struct apply_view *v = arg;
	const struct prove_step *s = &r->steps[id];

	if (v->json || s->state == PROVE_PENDING || s->state == PROVE_RUNNING)
		return;
	fprintf(stderr, "    %-8s %-7s %s%s%s\n", state_word(false, s->state == PROVE_DONE,
	    s->state == PROVE_FAILED), s->name, _(s->title), s->detail ? ": " : "",
	    s->detail ? s->detail : "");
}

static const char *
outcome_name(enum apply_outcome o)
{
	static const char *const names[] = { "applied", "unchanged", "dry-run", "refused",
		"failed", "bad-value" };

	return names[o];
}

static void
apply_json(const struct apply_result *r, bool undo, const struct confirm_cli *cc)
{
	static const char *const st[] = { "pending", "running", "done", "failed", "skipped" };
	struct json j;
	int i;

	json_init(&j, stdout);
	json_object(&j, NULL, true);
	json_int(&j, "version", 1);
	json_str(&j, "result", undo && r->outcome == APPLY_CHANGED ? "undone" :
	    outcome_name(r->outcome));
	json_str(&j, "mc", r->mc_path);
	json_str(&j, "cf", r->cf_path);
	json_str(&j, "error", r->error);
	json_object(&j, "backups", false);
	json_str(&j, "mc", r->mc_backup);
	json_str(&j, "cf", r->cf_backup);
	json_end(&j);
	json_uint(&j, "commented", r->commented);
	if (r->msp != NULL) {
		json_object(&j, "submit", false);
		json_str(&j, "mc", r->msp->mc_path);
		json_str(&j, "cf", r->msp->cf_path);
		json_object(&j, "backups", false);
		json_str(&j, "mc", r->msp->mc_backup);
		json_str(&j, "cf", r->msp->cf_backup);
		json_end(&j);
		json_uint(&j, "commented", r->msp->commented);
		if (!undo) {
			json_object(&j, "diff", false);
			json_str(&j, "mc", r->msp->mc_diff);
			json_str(&j, "cf", r->msp->cf_diff);
			json_end(&j);
		}
		json_end(&j);
	} else
		json_null(&j, "submit");
	/* the MSP's submit.mc beside, judged and not changed (no --submit-mc) */
	if (r->msp_judged_mc != NULL) {
		json_object(&j, "submit_judged", true);
		json_str(&j, "mc", r->msp_judged_mc);
		json_findings(&j, &r->msp_findings);
		json_end(&j);
	} else
		json_null(&j, "submit_judged");
	json_str(&j, "restart", r->restart_command);
	if (!undo) {
		char *note = r->outcome == APPLY_CHANGED ? debian_makefile_note(r->mc_path,
		    r->cf_path) : NULL;

		json_str(&j, "debian_makefile", note);
		free(note);
	}
	if (!undo) {
		json_array(&j, "steps", false);
		for (i = 0; i < APPLY_STEP_COUNT; i++) {
			json_object(&j, NULL, false);
			json_str(&j, "name", apply_step_name(i));
			json_str(&j, "state", st[r->state[i]]);
			json_end(&j);
		}
		json_end(&j);
		json_object(&j, "diff", false);
		json_str(&j, "mc", r->mc_diff);
		json_str(&j, "cf", r->cf_diff);
		json_end(&j);
		json_findings(&j, &r->findings);
		if (r->proved) {
			json_object(&j, "proof", true);
			prove_json_members(&j, &r->prove);
			json_end(&j);
		} else
			json_null(&j, "proof");
		confirm_cli_json(&j, cc);
	}
	json_end(&j);
}

static int
apply_exit(const struct apply_result *r)
{
	switch (r->outcome) {
	case APPLY_CHANGED:
	case APPLY_UNCHANGED:
	case APPLY_PREVIEW:
		return r->error ? EXIT_FINDINGS : EXIT_DONE;	/* the restart may have failed */
	case APPLY_BAD_VALUE:
		return EXIT_USAGE;
	default:
		return EXIT_FINDINGS;
	}
}

/* What the proof saw and found (stderr beside a dry run's diffs). */
static void
apply_proof(const struct apply_result *r, bool color)
{
	FILE *f = r->outcome == APPLY_PREVIEW ? stderr : stdout;

	if (!r->proved)
		return;
	fprintf(f, _("The proof of the new sendmail.cf (a second daemon on 127.0.0.1):\n"));
	prove_print_observations(f, &r->prove);
	if (r->prove.findings.n > 0) {
		fputc('\n', f);
		report_findings(f, &r->prove.findings, color && f == stdout, false);
	}
	if (r->prove.passed)
		fprintf(f, _("The proof passes: the candidate serves the planned chain over "
		    "STARTTLS.\n"));
	else if (r->outcome == APPLY_CHANGED)
		fprintf(f, _("The proof fails, and --force installed the new files anyway.\n"));
	fputc('\n', f);
}

/* The MSP's submit.mc beside, judged and left alone: said only when it has findings. */
static void
apply_msp_note(const struct apply_result *r, bool color)
{
	FILE *f = r->outcome == APPLY_PREVIEW ? stderr : stdout;

	if (r->msp_judged_mc == NULL || r->outcome == APPLY_REFUSED || r->outcome == APPLY_FAILED ||
	    (findings_count(&r->msp_findings, SEV_ERROR) == 0 &&
	    findings_count(&r->msp_findings, SEV_WARNING) == 0))
		return;
	fprintf(f, _("\nThe MSP's %s is not changed by this apply (add --submit-mc %s to apply "
	    "its CA settings too); against the new %s it has:\n"), r->msp_judged_mc,
	    r->msp_judged_mc, r->cf_path);
	report_findings(f, &r->msp_findings, color && f == stdout, false);
}

static void
apply_human(const struct apply_result *r)
{
	bool color = cli_use_color(stdout);
	char *note;

	/* with --force, or warnings only: show what the check found before the verdict */
	if (r->outcome != APPLY_REFUSED && (findings_count(&r->findings, SEV_ERROR) > 0 ||
	    findings_count(&r->findings, SEV_WARNING) > 0))
		report_findings(stdout, &r->findings, color, false);
	apply_proof(r, color);
	switch (r->outcome) {
	case APPLY_CHANGED:
		printf(_("applied: %s and %s rebuilt and verified\n"), r->mc_path, r->cf_path);
		if (r->commented)
			printf(_("  %zu other definition(s) commented out with 'dnl smtls: '\n"),
			    r->commented);
		if (r->mc_backup)
			printf(_("  backup: %s\n"), r->mc_backup);
		if (r->cf_backup)
			printf(_("  backup: %s\n"), r->cf_backup);
		if (r->cf_absent)
			printf(_("  %s is new (--undo removes it)\n"), r->cf_path);
		if (r->msp != NULL) {
			printf(_("applied: %s and %s rebuilt and verified\n"), r->msp->mc_path,
			    r->msp->cf_path);
			if (r->msp->mc_backup)
				printf(_("  backup: %s\n"), r->msp->mc_backup);
			if (r->msp->cf_backup)
				printf(_("  backup: %s\n"), r->msp->cf_backup);
			if (r->msp->cf_absent)
				printf(_("  %s is new (--undo removes it)\n"), r->msp->cf_path);
		}
		if (r->restart_command && !r->error)
			printf(_("  restarted: %s\n"), r->restart_command);
		else if (!r->restart_command)
			printf(_("  sendmail reads the new sendmail.cf when restarted (--restart)\n"));
		if ((note = debian_makefile_note(r->mc_path, r->cf_path)) != NULL) {
			printf("  %s\n", note);
			free(note);
		}
		break;
	case APPLY_UNCHANGED:
		printf(_("unchanged: %s and %s already hold these settings\n"), r->mc_path,
		    r->cf_path);
		if (r->msp != NULL)
			printf(_("unchanged: %s and %s already hold these settings\n"),
			    r->msp->mc_path, r->msp->cf_path);
		break;
	case APPLY_PREVIEW:
		fputs(r->mc_diff, stdout);
		fputs(r->cf_diff, stdout);
		if (r->msp != NULL && r->msp->mc_diff != NULL) {
			fputs(r->msp->mc_diff, stdout);
			fputs(r->msp->cf_diff, stdout);
		}
		if (r->restart_command)
			printf(_("# then: %s\n"), r->restart_command);
		break;
	case APPLY_REFUSED:
		if (r->failed_step == APPLY_STEP_PROVE) {
			if (findings_count(&r->findings, SEV_ERROR) > 0 ||
			    findings_count(&r->findings, SEV_WARNING) > 0)
				report_findings(stdout, &r->findings, color, false);
			printf(_("refused: the proof of the new sendmail.cf failed; nothing was "
			    "changed (fix what it found, or install anyway with --force)\n"));
			break;
		}
		report_findings(stdout, &r->findings, color, false);
		printf(_("refused: the check found errors; nothing was changed (fix them, or "
		    "apply anyway with --force)\n"));
		break;
	default:
		break;
	}
	apply_msp_note(r, color);
	if (r->error != NULL) {
		cli_error("%s", r->error);
		if (r->outcome == APPLY_FAILED && r->failed_step != APPLY_STEP_RESTART &&
		    !r->journal_kept)
			fprintf(stderr, _("%s: nothing was changed\n"), PACKAGE);
	}
}

/* What an undo did to the MSP's pair. */
static void
undo_msp_human(const struct apply_result *m)
{
	if (m->mc_backup || m->cf_backup)
		printf(_("undone: restored %s%s%s\n"), m->mc_backup ? m->mc_backup : "",
		    m->mc_backup && m->cf_backup ? _(" and ") : "", m->cf_backup ? m->cf_backup : "");
	if (m->cf_absent)
		printf(_("undone: removed %s (there was none before)\n"), m->cf_path);
}

/*
 * --submit-mc FILE (checked by settings_submit_mc): the MSP's plan from the chosen settings
 * (plan_msp_from: the trust store and client options; the client cert and key only when
 * given).
 */
static void
submit_plan(struct cli_settings *s, const char *submit_mc, bool client_given,
    struct tls_plan *msp)
{
	plan_free(msp);
	plan_msp_from(&s->plan, client_given, msp);
	msp->mc_path = xstrdup(submit_mc);
}

static int
apply_cmd_run(int argc, char **argv)
{
	struct cli_settings s;
	struct emit_flags ef;
	struct apply_request rq;
	struct apply_result res;
	struct apply_view view = { false, -1 };
	struct sendmail_info sm = { 0 };
	struct confirm_cli cc;
	bool undo = false, dry_run = false, force = false, restart = false, no_prove = false;
	bool client_given = false;
	struct tls_plan msp;
	const char *submit_mc = NULL;
	char *submit = NULL;
	bool no_submit = false;
	int opt, words, rc = EXIT_USAGE;

	settings_init(&s);
	plan_init(&msp, s.plan.now);
	confirm_cli_init(&cc);
	emit_flags_init(&ef, argc, argv, "apply");
	optind = 1;
	while ((opt = cmd_getopt(&cmd_apply_entry, argc, argv)) != -1) {
		switch (opt) {
		case CMD_OPT_HELP:
			cmd_help(&cmd_apply_entry, stdout);
			rc = EXIT_DONE;
			goto out;
		case OPT_A_DRY_RUN:
			dry_run = true;
			continue;
		case OPT_A_UNDO:
			undo = true;
			continue;
		case OPT_A_FORCE:
			force = true;
			continue;
		case OPT_A_RESTART:
			restart = true;
			continue;
		case OPT_A_NO_PROVE:
			no_prove = true;
			continue;
		case OPT_A_SUBMIT_MC:
			submit_mc = optarg;
			continue;
		case OPT_A_NO_SUBMIT_MC:
			no_submit = true;
			continue;
		case OPT_CLIENT_CERT:
		case OPT_CLIENT_KEY:
		case OPT_NO_CLIENT_CERT:
			client_given = true;
			break;
		}
		if ((words = confirm_cli_option(&cc, opt, optarg)) != 0) {
			if (words == 1)
				continue;
			rc = cli_usage_error(&cmd_apply_entry);
			goto out;
		}
		if (emit_flags_parse(&ef, &s, opt, optarg) == -1) {
			rc = cli_usage_error(&cmd_apply_entry);
			goto out;
		}
	}
	view.json = cc.json = s.json;
	if (cc.keep || cc.status) {
		if (emit_flags_no_operand(argc, argv, "apply") == -1 || undo || dry_run || force ||
		    restart || no_prove || s.any_file_flag || ef.any || cc.seconds || cc.restart_command ||
		    s.plan.mc_path || s.plan.cf_path ||
		    (cc.keep && cc.status)) {
			cli_error(_("apply: --confirm and --confirm-status take only --json"));
			rc = cli_usage_error(&cmd_apply_entry);
			goto out;
		}
		rc = confirm_cli_keep(&cc);
		goto out;
	}
	if (cc.seconds && (undo || dry_run)) {
		cli_error(_("apply: --confirm-within does not go with --undo nor --dry-run"));
		rc = cli_usage_error(&cmd_apply_entry);
		goto out;
	}
	if (undo) {
		if (emit_flags_no_operand(argc, argv, "apply") == -1) {
			rc = cli_usage_error(&cmd_apply_entry);
			goto out;
		}
		if (s.any_file_flag || ef.any || dry_run || force || no_prove) {
			cli_error(_("apply: --undo takes only --mc, --cf, --submit-mc, --restart and "
			    "--json"));
			rc = cli_usage_error(&cmd_apply_entry);
			goto out;
		}
		if (confirm_cli_idle(&cc) == -1) {
			rc = EXIT_FINDINGS;
			goto out;
		}
		(void)apply_undo_msp(s.plan.mc_path ? s.plan.mc_path : APPLY_DEFAULT_MC,
		    s.plan.cf_path, submit_mc, NULL, &res);
		if (res.error == NULL && (restart || cc.restart_command)) {
			char *e;

			if (apply_restart_with(cc.restart_command, &res.restart_command, &e) == -1) {
				res.error = xstrprintf(_("the backups are restored, but %s"), e);
				free(e);
			}
		}
		if (s.json)
			apply_json(&res, true, &cc);
		else {
			/* only what the committed undo did (a failed one changed nothing) */
			if (res.outcome == APPLY_CHANGED && (res.mc_backup || res.cf_backup))
				printf(_("undone: restored %s%s%s\n"), res.mc_backup ? res.mc_backup : "",
				    res.mc_backup && res.cf_backup ? _(" and ") : "",
				    res.cf_backup ? res.cf_backup : "");
			if (res.outcome == APPLY_CHANGED && res.mc_absent)
				printf(_("undone: removed %s (there was none before)\n"), res.mc_path);
			if (res.outcome == APPLY_CHANGED && res.cf_absent)
				printf(_("undone: removed %s (there was none before)\n"), res.cf_path);
			if (res.outcome == APPLY_CHANGED && res.msp != NULL)
				undo_msp_human(res.msp);
			if (res.restart_command && !res.error)
				printf(_("  restarted: %s\n"), res.restart_command);
			if (res.error)
				cli_error("%s", res.error);
			if (res.outcome == APPLY_FAILED && !res.journal_kept && res.error &&
			    !res.restart_command)
				fprintf(stderr, _("%s: nothing was changed\n"), PACKAGE);
		}
		rc = res.error ? EXIT_FINDINGS : EXIT_DONE;
		apply_result_free(&res);
		goto out;
	}
	switch (emit_flags_finish(&ef, &s, argc, argv, "apply", &sm)) {
	case -2:
		rc = EXIT_FINDINGS;
		goto out;
	case -1:
		rc = cli_usage_error(&cmd_apply_entry);
		goto out;
	}
	if ((rc = settings_submit_mc("apply", submit_mc, no_submit, s.plan.mc_path ?
	    s.plan.mc_path : APPLY_DEFAULT_MC, s.plan.msp, &submit)) != EXIT_DONE)
		goto out;
	apply_request_init(&rq, &s.plan, &ef.eo, sm.found ? &sm : NULL,
	    s.plan.mc_path ? s.plan.mc_path : APPLY_DEFAULT_MC);
	if (submit_mc != NULL) {
		submit_plan(&s, submit_mc, client_given, &msp);
		rq.msp_plan = &msp;
		rq.msp_mc_path = submit_mc;
	} else
		rq.msp_judge_mc = submit;	/* beside, or NULL */
	rq.dry_run = dry_run;
	rq.force = force;
	rq.restart = restart;
	rq.cf_path = s.plan.cf_path;
	rq.cf_m4_dir = s.cf_m4;
	rq.no_prove = no_prove;
	rq.no_diff = !s.json;	/* printed only by --dry-run (which makes them) and --json */
	rq.progress = apply_progress;
	rq.prove_progress = apply_prove_progress;
	rq.progress_arg = &view;
	rq.cancel = prove_catch_signals();
	if (confirm_cli_before(&cc, &rq) == -1) {
		rc = EXIT_FINDINGS;
		goto out;
	}
	(void)apply_run(&rq, &res);
	rc = confirm_cli_after(&cc, &rq, &res, apply_exit(&res));
	if (s.json)
		apply_json(&res, false, &cc);
	else {
		apply_human(&res);
		confirm_cli_human(&cc);
	}
	apply_result_free(&res);
out:
	free(submit);
	plan_free(&msp);
	confirm_cli_free(&cc);
	sendmail_info_free(&sm);
	emit_flags_free(&ef);
	settings_free(&s);
	return rc;
}

static const struct cmd_group *const apply_groups[] = { &settings_group, &emit_flags_group,
	&apply_group, &confirm_group, NULL };

const struct cmd_entry cmd_apply_entry = {
	.name = "apply",
	.usage = N_("[SETTINGS]... [FRAGMENT OPTION]... [--submit-mc FILE] [--dry-run|--undo] "
	    "[--force] [--no-prove] [--restart] [--confirm-within DURATION]"),
	.summary = N_("merge the fragment into sendmail.mc, rebuild and verify sendmail.cf"),
	.description = N_("Merge the fragment of `smtls emit' into sendmail.mc (--mc, default\n"
	    "/etc/mail/sendmail.mc) between 'dnl # BEGIN smtls' and 'dnl # END smtls',\n"
	    "before the first MAILER line, commenting out other definitions of the same\n"
	    "macros with 'dnl smtls: '. Then build sendmail.cf with m4, read every option\n"
	    "back, check the files it names (error findings refuse the change unless\n"
	    "--force), run `sendmail -C NEW -bC', prove the new sendmail.cf as `smtls\n"
	    "prove' does (a second daemon on 127.0.0.1, STARTTLS to it, one test message;\n"
	    "each step shown as it runs, then the chain it served and both verify=; a\n"
	    "failed proof refuses the change unless --force; --no-prove skips it; it needs\n"
	    "root and a sendmail binary), back up both files as\n"
	    "FILE.smtls-TIMESTAMP and install them (temp file, fsync, rename) as one\n"
	    "transaction: on any failure no file changes, and after a kill the next\n"
	    "smtls command completes or rolls it back.\n"
	    "On a host whose name is not qualified, sendmail -bC and the proof run under a\n"
	    "dotted name (sendmail would first sleep 60 s); apply says so, and how to fix it.\n"
	    "--dry-run proves too. Here --mc and --cf name the files to change (--cf:\n"
	    "default beside the mc).\n"
	    "With --confirm-within, the previous files come back and sendmail is restarted\n"
	    "again unless `smtls apply --confirm' keeps the change in time.\n"
	    "--submit-mc FILE also writes the MSP's submit.mc (FEATURE(`msp')) and rebuilds\n"
	    "submit.cf beside it in the same transaction: only its client side (the CA\n"
	    "settings; a client cert and key when given), checked, -bC'd, not proved.\n"
	    "Without it, apply never changes submit.mc, but judges the MSP's submit.mc\n"
	    "beside sendmail.mc (when there is one; --no-submit-mc: not) against the new\n"
	    "sendmail.cf, and shows what it finds there (JSON: submit_judged).\n\n"),
	.groups = apply_groups,
	.footer = N_("Exit status: 0 applied, unchanged or previewed; 1 refused (by the check or the\n"
	    "proof) or failed (nothing changed, unless only the --restart or the live check\n"
	    "failed); 2 bad usage or a value that cannot be written. --confirm: 0 kept, 1 too\n"
	    "late, failed or nothing to confirm.\n"),
	.run = apply_cmd_run,
};
