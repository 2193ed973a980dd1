/* cmd-confirm.c: apply's live check and timed rollback options, `apply --confirm', and the revert helper. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "confirm-cli.h"
#include "prove-print.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

enum { OPT_C_RESTART_COMMAND = 400, OPT_C_RESTART_WAIT, OPT_C_WITHIN, OPT_C_CONFIRM,
	OPT_C_STATUS };

static const struct cmd_option confirm_options[] = {
	{ "restart-command", 0, required_argument, N_("CMD"), OPT_C_RESTART_COMMAND,
	  N_("restart sendmail with this shell command instead of the system's way (implies "
	     "--restart; also used by --undo and by the timed rollback)") },
	{ "restart-wait", 0, required_argument, N_("SECONDS"), OPT_C_RESTART_WAIT,
	  N_("how long the restarted daemon may take to listen before its addresses are "
	     "probed in vain (default 30; 60 more on a host whose name is not fully "
	     "qualified)") },
	{ "confirm-within", 0, required_argument, N_("DURATION"), OPT_C_WITHIN,
	  N_("install, restart and probe, then restore the previous sendmail.mc and sendmail.cf "
	     "and restart again unless `smtls apply --confirm' comes within DURATION (120, "
	     "120s, 2m, 1h; implies --restart)") },
	{ "confirm", 0, no_argument, NULL, OPT_C_CONFIRM,
	  N_("keep the change that awaits confirmation (cancel its timed rollback), or say "
	     "what became of it") },
	{ "confirm-status", 0, no_argument, NULL, OPT_C_STATUS,
	  N_("say whether a change awaits confirmation, and until when; change nothing") },
	CMD_OPTIONS_END
};

const struct cmd_group confirm_group = { N_("Confirmation after installing:"),
	confirm_options, N_("With --restart, the addresses the new sendmail.cf listens on\n"
	"(DaemonPortOptions; 0.0.0.0 is probed as 127.0.0.1) are probed once sendmail is\n"
	"restarted, and each must serve the planned certificate and its issuer (by SHA-256).\n") };

void
confirm_cli_init(struct confirm_cli *cc)
{
	memset(cc, 0, sizeof(*cc));
	cc->wait_s = CONFIRM_WAIT_MS / 1000;
}

int
confirm_cli_option(struct confirm_cli *cc, int opt, const char *arg)
{
	switch (opt) {
	case OPT_C_RESTART_COMMAND:
		if (*arg == '\0') {
			cli_error("%s", _("--restart-command: the command is empty"));
			return -1;
		}
		cc->restart_command = arg;
		return 1;
	case OPT_C_RESTART_WAIT:
		if (cli_parse_range(arg, 0, 3600, &cc->wait_s) == -1) {
			cli_error(_("--restart-wait: '%s' is not a number of seconds from 0 to 3600"),
			    arg);
			return -1;
		}
		return 1;
	case OPT_C_WITHIN:
		if (confirm_parse_duration(arg, &cc->seconds) == -1) {
			cli_error(_("--confirm-within: '%s' is not a duration from 1 s to 24 h "
			    "(120, 120s, 2m, 1h)"), arg);
			return -1;
		}
		return 1;
	case OPT_C_CONFIRM:
		cc->keep = true;
		return 1;
	case OPT_C_STATUS:
		cc->status = true;
		return 1;
	}
	return 0;
}

/* A refusal before anything changed: as apply's other errors (JSON with --json). */
static void
refusal(const struct confirm_cli *cc, const char *why)
{
	struct json j;

	if (cc->json) {
		json_init(&j, stdout);
		json_object(&j, NULL, true);
		json_int(&j, "version", 1);
		json_str(&j, "result", "failed");
		json_str(&j, "error", why);
		json_end(&j);
	} else {
		cli_error("%s", why);
		cli_error("%s", _("nothing was changed"));
	}
}

int
confirm_cli_before(struct confirm_cli *cc, struct apply_request *rq)
{
	cc->ca.restart_command = cc->restart_command;
	cc->ca.seconds = cc->seconds;
	cc->ca.wait_ms = (int)cc->wait_s * 1000;
	if (confirm_apply_before(&cc->ca, rq, time(NULL)) == -1) {
		refusal(cc, cc->ca.refused);
		return -1;
	}
	return 0;
}

static void
live_progress(const struct confirm_listener *l, bool done, void *arg)
{
	const struct confirm_cli *cc = arg;

	if (cc->json)
		return;
	if (!done)
		fprintf(stderr, "  %-8s %-9s %s %s:%d%s%s%s\n", _("running"), "live", _("probe"),
		    l->target, l->port, l->name ? " (" : "", l->name ? l->name : "",
		    l->name ? ")" : "");
	else
		fprintf(stderr, "  %-8s %-9s %s:%d: %s\n", l->ok ? _("done") : _("FAILED"), "live",
		    l->target, l->port, !l->probed ? l->probe.failure :
		    l->ok ? _("serves the planned chain") : _("serves another chain"));
}

int
confirm_cli_after(struct confirm_cli *cc, const struct apply_request *rq,
    const struct apply_result *res, int rc)
{
	cc->ca.progress = live_progress;
	cc->ca.progress_arg = cc;
	if (confirm_apply_live(&cc->ca, rq, res) == -1 && rc == EXIT_DONE)
		rc = EXIT_FINDINGS;
	/* the deadline counts from the end of the live check */
	if (confirm_apply_installed(&cc->ca, res, time(NULL)) == -1)
		rc = EXIT_FINDINGS;
	return rc;
}

static void
json_listener(struct json *j, const struct confirm_listener *l)
{
	size_t i;

	json_object(j, NULL, false);
	json_str(j, "name", l->name);
	json_str(j, "addr", l->addr);
	json_int(j, "port", l->port);
	json_bool(j, "smtps", l->smtps);
	json_int(j, "line", l->line);
	json_str(j, "target", l->target);
	json_str(j, "skipped", l->skipped);
	json_bool(j, "probed", l->probed);
	json_str(j, "failure", l->probed ? NULL : l->probe.failure);
	json_str(j, "protocol", l->probe.protocol);
	json_bool(j, "verified", l->probed && l->probe.verify_error == 0);
	json_str(j, "verify_text", l->probed ? l->probe.verify_text : NULL);
	json_array(j, "chain", false);
	for (i = 0; i < l->probe.chain.n; i++) {
		json_object(j, NULL, false);
		json_str(j, "subject", l->probe.chain.v[i].subject);
		json_str(j, "sha256", l->probe.chain.v[i].sha256);
		json_end(j);
	}
	json_end(j);
	json_bool(j, "leaf_served", l->leaf_served);
	json_bool(j, "issuer_served", l->issuer_served);
	json_bool(j, "ok", l->ok);
	json_end(j);
}

static void
json_state(struct json *j, const char *key, const struct confirm_state *st)
{
	char stamp[32];

	json_object(j, key, true);
	json_str(j, "phase", confirm_phase_name(st->phase));
	json_str(j, "mc", st->mc_path);
	json_str(j, "cf", st->cf_path);
	json_str(j, "suffix", st->suffix);
	json_int(j, "seconds", st->seconds);
	time_format_iso((time_t)st->deadline, stamp, sizeof(stamp));
	json_str(j, "deadline", stamp);
	json_int(j, "deadline_epoch", st->deadline);
	json_str(j, "restart_command", st->restart_command);
	json_int(j, "helper_pid", st->helper_pid);
	json_str(j, "mc_backup", st->mc_backup);
	json_str(j, "cf_backup", st->cf_backup);
	json_str(j, "note", st->note);
	json_str(j, "error", st->error);
	json_end(j);
}

void
confirm_cli_json(struct json *j, const struct confirm_cli *cc)
{
	size_t i;

	if (cc->ca.live_ran) {
		json_object(j, "live", true);
		json_bool(j, "passed", cc->ca.live.passed);
		json_str(j, "error", cc->ca.live.error);
		json_str(j, "skipped", cc->ca.live.skipped);
		json_str(j, "planned_leaf", cc->ca.live.has_planned_leaf ?
		    cc->ca.live.planned_leaf.sha256 : NULL);
		json_str(j, "planned_issuer", cc->ca.live.has_planned_issuer ?
		    cc->ca.live.planned_issuer.sha256 : NULL);
		json_array(j, "listeners", true);
		for (i = 0; i < cc->ca.live.n; i++)
			json_listener(j, &cc->ca.live.v[i]);
		json_end(j);
		json_end(j);
	}
	if (cc->ca.armed && cc->ca.st.phase == CONFIRM_PENDING)
		json_state(j, "rollback", &cc->ca.st);
	else if (cc->ca.armed || cc->ca.error)
		json_str(j, "rollback_error", cc->ca.error);
}

void
confirm_cli_human(const struct confirm_cli *cc)
{
	char stamp[32];

	if (cc->ca.live_ran) {
		bool bad;
		char *verdict = live_verdict(&cc->ca.live, &bad);

		live_print_listeners(stdout, &cc->ca.live);
		if (bad)
			cli_error("%s", verdict);
		else
			printf("%s\n", verdict);
		free(verdict);
	}
	if (cc->ca.error)
		cli_error(_("the timed rollback: %s"), cc->ca.error);
	else if (cc->ca.armed && cc->ca.st.phase == CONFIRM_PENDING) {
		time_format_iso((time_t)cc->ca.st.deadline, stamp, sizeof(stamp));
		printf(_("Keep these settings? Run `smtls apply --confirm' within %lld s (by %s): "
		    "otherwise the previous %s and %s are restored and sendmail is restarted.\n"),
		    cc->ca.st.seconds, stamp, cc->ca.st.mc_path, cc->ca.st.cf_path);
	} else if (cc->ca.armed)
		printf("%s\n", _("no file changed: no timed rollback is pending"));
}

int
confirm_cli_keep(struct confirm_cli *cc)
{
	struct confirm_state st;
	struct json j;
	const char *result;
	char *e = NULL, stamp[32];
	int r, rc = EXIT_DONE;

	r = cc->keep ? confirm_keep(&st, &e) : confirm_status(&st, &e);
	if (r == -1) {
		cli_error("%s", e);
		free(e);
		return EXIT_FINDINGS;
	}
	if (r == 1)
		result = "none";
	else if (confirm_awaits(&st))
		result = cc->keep ? "kept" : confirm_phase_name(st.phase);
	else
		result = confirm_phase_name(st.phase);
	if (r == 1 ? cc->keep : st.phase == CONFIRM_FAILED ||
	    (cc->keep && !confirm_awaits(&st)))
		rc = EXIT_FINDINGS;
	if (cc->json) {
		json_init(&j, stdout);
		json_object(&j, NULL, true);
		json_int(&j, "version", 1);
		json_str(&j, "result", result);
		if (r == 0)
			json_state(&j, "state", &st);
		json_end(&j);
	} else if (r == 1)
		printf("%s\n", _("no change awaits confirmation"));
	else {
		time_format_iso((time_t)(st.finished ? st.finished : st.deadline), stamp,
		    sizeof(stamp));
		switch (st.phase) {
		case CONFIRM_INSTALLING:
		case CONFIRM_PENDING:
			printf(cc->keep ? _("kept: the change to %s is confirmed; no revert will "
			    "happen\n") : _("a change to %s awaits confirmation: it reverts at %s "
			    "unless `smtls apply --confirm' comes first\n"), st.mc_path, stamp);
			break;
		case CONFIRM_REVERTED:
		case CONFIRM_NOTHING:
			printf(_("%s: %s (at %s)\n"), cc->keep ? _("too late") : _("reverted"),
			    st.note ? st.note : "", stamp);
			break;
		case CONFIRM_FAILED:
			cli_error(_("THE TIMED ROLLBACK FAILED (at %s): %s"), stamp,
			    st.error ? st.error : "?");
			break;
		}
	}
	if (r == 0)
		confirm_state_free(&st);
	return rc;
}

int
confirm_cli_idle(const struct confirm_cli *cc)
{
	char *e = NULL;

	if (confirm_idle(&e) == 0)
		return 0;
	refusal(cc, e);
	free(e);
	return -1;
}

void
confirm_cli_free(struct confirm_cli *cc)
{
	confirm_apply_free(&cc->ca);
}

void
confirm_cli_resume(void)
{
	struct confirm_state st;
	char *self = realpath("/proc/self/exe", NULL), *e = NULL, stamp[32];
	int r;

	if (self == NULL)
		return;
	r = confirm_resume(self, &st, &e);
	if (r == 1) {
		time_format_iso((time_t)st.deadline, stamp, sizeof(stamp));
		cli_error(_("the timed rollback of %s had lost its helper: started again (it "
		    "reverts at %s unless `smtls apply --confirm' comes first)"), st.mc_path, stamp);
		confirm_state_free(&st);
	}
	/* r == -1: a damaged state; apply and --confirm-status say so where it matters */
	free(e);
	free(self);
}

int
confirm_helper_main(int argc, char **argv)
{
	struct confirm_state st;
	struct timespec pause = { 0, 200 * 1000000L };
	char *e = NULL;
	int rc = 0;

	if (argc != 2) {
		cli_error("%s", _("confirm-helper is started by `smtls apply --confirm-within', not "
		    "by hand"));
		return EXIT_USAGE;
	}
	openlog("smtls", LOG_PID, LOG_MAIL);
	for (;;) {
		switch (confirm_tick(argv[1], time(NULL), &st, &e)) {
		case CONFIRM_TICK_WAIT:
			confirm_state_free(&st);
			nanosleep(&pause, NULL);
			continue;
		case CONFIRM_TICK_REVERTED:
			if (st.phase == CONFIRM_FAILED) {
				syslog(LOG_ERR, "%s", st.error);
				cli_error("%s", st.error);
				rc = EXIT_FINDINGS;
			} else
				syslog(LOG_NOTICE, "%s", st.note ? st.note : "");
			confirm_state_free(&st);
			break;
		case CONFIRM_TICK_DONE:
			if (e != NULL) {
				syslog(LOG_ERR, "%s", e);
				free(e);
				rc = EXIT_FINDINGS;
			}
			break;
		}
		break;
	}
	closelog();
	return rc;
}
