/* cmd-prove.c: `smtls prove`: run a candidate sendmail.cf on 127.0.0.1 and show what it serves. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtls/cert.h"
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

/* Set by SIGINT, SIGTERM or SIGHUP: the proof stops early and cleans up (a second one kills). */
static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

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
json_cert(struct json *j, const char *key, const struct cert *c)
{
	json_object(j, key, false);
	json_str(j, "subject", c->subject);
	json_str(j, "issuer", c->issuer);
	json_str(j, "sha256", c->sha256);
	json_end(j);
}

static void
json_verify(struct json *j, const char *key, const struct prove_verify *v)
{
	json_object(j, key, false);
	json_str(j, "verify", v->verify);
	json_str(j, "line", v->line);
	json_str(j, "cert", v->cert_line);
	json_end(j);
}

static void
print_json(const char *cf, const struct prove_result *r)
{
	const struct probe_result *p = &r->probe;
	struct json j;
	size_t i;
	int k;

	json_init(&j, stdout);
	json_object(&j, NULL, true);
	json_int(&j, "version", 1);
	json_str(&j, "cf", cf);
	json_bool(&j, "passed", r->passed);
	json_bool(&j, "interrupted", r->interrupted);
	json_array(&j, "steps", true);
	for (k = 0; k < PROVE_STEPS; k++) {
		json_object(&j, NULL, false);
		json_str(&j, "name", r->steps[k].name);
		json_str(&j, "state", prove_state_name(r->steps[k].state));
		json_str(&j, "detail", r->steps[k].detail);
		json_end(&j);
	}
	json_end(&j);
	json_str(&j, "hostname", r->hostname);
	json_bool(&j, "private_uts", r->own_uts);
	json_int(&j, "port", r->port);
	json_int(&j, "ports_busy", r->ports_busy);
	if (r->probed) {
		json_object(&j, "tls", false);
		json_str(&j, "protocol", p->protocol);
		json_str(&j, "cipher", p->cipher);
		json_end(&j);
	} else
		json_null(&j, "tls");
	json_array(&j, "chain", true);
	for (i = 0; i < p->chain.n; i++)
		json_cert(&j, NULL, &p->chain.v[i]);
	json_end(&j);
	if (r->has_planned_leaf)
		json_cert(&j, "planned_leaf", &r->planned_leaf);
	else
		json_null(&j, "planned_leaf");
	if (r->has_planned_issuer)
		json_cert(&j, "planned_issuer", &r->planned_issuer);
	else
		json_null(&j, "planned_issuer");
	json_bool(&j, "leaf_served", r->leaf_served);
	json_bool(&j, "issuer_served", r->issuer_served);
	json_bool(&j, "verified", r->probed && p->verify_error == 0);
	json_str(&j, "verify_error", r->probed && p->verify_error != 0 ? p->verify_text : NULL);
	json_array(&j, "ca_names", false);
	for (k = 0; p->ca_name_list != NULL && k < p->ca_names; k++)
		json_str(&j, NULL, p->ca_name_list[k]);
	json_end(&j);
	json_array(&j, "startup", true);
	for (i = 0; i < r->n_startup; i++)
		json_str(&j, NULL, r->startup[i]);
	json_end(&j);
	json_verify(&j, "server_verify", &r->server_verify);
	json_verify(&j, "client_verify", &r->client_verify);
	json_str(&j, "delivery", r->delivery);
	json_bool(&j, "delivered", r->delivered);
	json_bool(&j, "cleaned", r->cleaned);
	json_findings(&j, &r->findings);
	json_end(&j);
}

/* "  = planned leaf" and the like, after a served certificate. */
static const char *
mark(const struct prove_result *r, const struct cert *c)
{
	if (r->has_planned_leaf && strcmp(c->sha256, r->planned_leaf.sha256) == 0)
		return _("  (the planned leaf)");
	if (r->has_planned_issuer && strcmp(c->sha256, r->planned_issuer.sha256) == 0)
		return _("  (the planned issuer)");
	return "";
}

static void
print_human(const struct prove_result *r)
{
	const struct probe_result *p = &r->probe;
	bool color = cli_use_color(stdout);
	size_t i;
	int k;

	if (r->probed) {
		printf(_("\nTLS: %s, %s (127.0.0.1:%d, as %s)\n"), p->protocol, p->cipher, r->port,
		    r->hostname);
		printf(_("Chain served (%zu certificate(s)):\n"), p->chain.n);
		for (i = 0; i < p->chain.n; i++)
			printf("  %zu %s%s\n    SHA-256 %s\n", i, p->chain.v[i].subject,
			    mark(r, &p->chain.v[i]), p->chain.v[i].sha256);
		if (r->has_planned_leaf)
			printf(_("Planned leaf:   %s: %s\n"), r->planned_leaf.subject,
			    r->leaf_served ? _("served") : _("NOT served"));
		if (r->has_planned_issuer)
			printf(_("Planned issuer: %s: %s\n"), r->planned_issuer.subject,
			    r->issuer_served ? _("served") : r->planned_issuer.self_signed ?
			    _("not served (a root: peers have it or not)") : _("NOT served"));
		if (p->verify_error == 0)
			printf(_("Verification with the public roots: ok\n"));
		else
			printf(_("Verification with the public roots: %s (at certificate #%d)\n"),
			    p->verify_text, p->verify_depth);
		if (p->ca_names < 0)
			printf(_("CA names sent: none (no client certificate asked for)\n"));
		else
			printf(_("CA names sent: %d\n"), p->ca_names);
		for (k = 0; p->ca_name_list != NULL && k < p->ca_names && k < 20; k++)
			printf("  %s\n", p->ca_name_list[k]);
		if (p->ca_names > 20)
			printf(_("  ... and %d more\n"), p->ca_names - 20);
	}
	if (r->n_startup > 0) {
		printf(_("The candidate's TLS start-up:\n"));
		for (i = 0; i < r->n_startup; i++)
			printf("  %s\n", r->startup[i]);
	}
	if (r->server_verify.line || r->client_verify.line || r->delivery) {
		printf(_("Test message: %s\n"), r->delivery ? r->delivery : _("not delivered"));
		printf(_("  at the candidate: %s\n"), r->server_verify.line ? r->server_verify.line :
		    _("no STARTTLS line"));
		if (r->server_verify.cert_line)
			printf("    %s\n", r->server_verify.cert_line);
		printf(_("  at the sender:    %s\n"), r->client_verify.line ? r->client_verify.line :
		    _("no STARTTLS line"));
		if (r->client_verify.cert_line)
			printf("    %s\n", r->client_verify.cert_line);
	}
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
	o.cancel = &interrupted;
	catch_signals();
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
