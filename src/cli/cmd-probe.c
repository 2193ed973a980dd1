/* cmd-probe.c: `smtls probe HOST[:PORT]`: STARTTLS to a live server, show and judge its chain. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "smtls/cert.h"
#include "smtls/i18n.h"
#include "smtls/probe.h"
#include "smtls/xmalloc.h"

enum { OPT_SMTPS = 1, OPT_TIMEOUT, OPT_EHLO };

static const struct cmd_option probe_options[] = {
	{ "smtps", 0, no_argument, NULL, OPT_SMTPS,
	  N_("implicit TLS from the first byte (port 465)") },
	{ "hostname", 0, required_argument, N_("NAME"), OPT_HOSTNAME,
	  N_("the name to verify and to send as SNI (default: HOST when it is a name)") },
	{ "ca-cert", 0, required_argument, N_("FILE"), OPT_CA_CERT,
	  N_("verify against the roots in FILE (default: the system's trusted roots)") },
	{ "ca-path", 0, required_argument, N_("DIR"), OPT_CA_PATH,
	  N_("verify against a hashed directory of roots (default: the system's trusted "
	  "roots)") },
	{ "ehlo", 0, required_argument, N_("NAME"), OPT_EHLO,
	  N_("the name we send in EHLO (default: this host's FQDN)") },
	{ "timeout", 0, required_argument, N_("S"), OPT_TIMEOUT,
	  N_("seconds to wait for each reply and for the handshake (default 30; connecting "
	  "waits at most 10)") },
	{ "at", 0, required_argument, N_("TIME"), OPT_AT,
	  N_("judge validity at this UTC time (2021-10-01[T00:00:00Z])") },
	{ "json", 0, no_argument, NULL, OPT_JSON, N_("machine-readable output") },
	CMD_OPTIONS_END
};

static const struct cmd_group probe_group = { NULL, probe_options, NULL };

static void
print_json(const struct probe_opts *o, const struct probe_result *r)
{
	struct json j;
	size_t i;
	char a[32], b[32];

	json_init(&j, stdout);
	json_object(&j, NULL, true);
	json_int(&j, "version", 1);
	json_str(&j, "host", o->host);
	json_int(&j, "port", o->port);
	json_str(&j, "address", r->address);
	json_str(&j, "greeting", r->greeting);
	json_bool(&j, "starttls", r->starttls_offered);
	if (r->protocol != NULL) {
		json_object(&j, "tls", false);
		json_str(&j, "protocol", r->protocol);
		json_str(&j, "cipher", r->cipher);
		json_end(&j);
	} else {
		json_null(&j, "tls");
	}
	if (r->protocol != NULL && r->ca_names >= 0)
		json_int(&j, "ca_names", r->ca_names);
	else
		json_null(&j, "ca_names");
	json_str(&j, "error", r->failure);
	json_array(&j, "chain", true);
	for (i = 0; i < r->chain.n; i++) {
		const struct cert *c = &r->chain.v[i];
		char *key;

		time_format_iso(c->not_before, a, sizeof(a));
		time_format_iso(c->not_after, b, sizeof(b));
		key = c->key_curve[0] ? xstrprintf("%s %d (%s)", c->key_type, c->key_bits,
		    c->key_curve) : xstrprintf("%s %d", c->key_type, c->key_bits);
		json_object(&j, NULL, false);
		json_str(&j, "subject", c->subject);
		json_str(&j, "issuer", c->issuer);
		json_str(&j, "not_before", a);
		json_str(&j, "not_after", b);
		json_str(&j, "key", key);
		json_str(&j, "sha256", c->sha256);
		json_end(&j);
		free(key);
	}
	json_end(&j);
	json_findings(&j, &r->findings);
	json_end(&j);
}

static void
print_human(const struct probe_opts *o, const struct probe_result *r)
{
	bool color = cli_use_color(stdout);
	size_t i;
	char a[32], b[32];

	printf(_("Connected to %s port %d (%s)\n"), o->host, o->port, r->address);
	if (r->greeting)
		printf(_("Greeting: %s\n"), r->greeting);
	printf(_("TLS: %s, %s%s\n"), r->protocol, r->cipher, o->smtps ? _(" (implicit TLS)") :
	    _(" (after STARTTLS)"));
	printf(_("Chain sent by the server (%zu certificate(s)):\n"), r->chain.n);
	for (i = 0; i < r->chain.n; i++) {
		const struct cert *c = &r->chain.v[i];

		time_format_iso(c->not_before, a, sizeof(a));
		time_format_iso(c->not_after, b, sizeof(b));
		printf("  %zu %s %s\n", i, _("subject:"), c->subject);
		printf("    %s  %s\n", _("issuer:"), c->issuer);
		printf("    %s   %s .. %s\n", _("valid:"), a, b);
		printf("    %s     %s %d%s%s%s\n", _("key:"), c->key_type, c->key_bits,
		    c->key_curve[0] ? " (" : "", c->key_curve, c->key_curve[0] ? ")" : "");
	}
	if (r->ca_names >= 0)
		printf(_("Acceptable CA names sent by the server: %d\n"), r->ca_names);
	printf(_("Verified against: %s%s%s\n"),
	    o->ca_file ? o->ca_file : "", o->ca_file && o->ca_path ? ", " : "",
	    o->ca_file || o->ca_path ? (o->ca_path ? o->ca_path : "") :
	    _("the system's trusted roots"));
	report_findings(stdout, &r->findings, color, true);
	report_verdict(stdout, &r->findings, color);
}

/* --timeout S: whole seconds from 1 to 3600. */
static int
parse_seconds(const char *arg, int *ms)
{
	long v;

	if (cli_parse_range(arg, 1, 3600, &v) == -1) {
		cli_error(_("probe: --timeout '%s': give whole seconds from 1 to 3600"), arg);
		return -1;
	}
	*ms = (int)v * 1000;
	return 0;
}

static int
check_location(const char *opt, const char *path, bool dir)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		cli_error(_("probe: %s %s: %s"), opt, path, strerror(errno));
		return -1;
	}
	if (dir != S_ISDIR(st.st_mode)) {
		cli_error(dir ? _("probe: %s %s: not a directory") :
		    _("probe: %s %s: a directory, not a file"), opt, path);
		return -1;
	}
	return 0;
}

static int
probe_cmd(int argc, char **argv)
{
	struct cli_settings s;
	struct probe_opts o;
	struct probe_result r;
	char *host = NULL, *ehlo = NULL, *err = NULL;
	int opt, rc = EXIT_USAGE, port = 25;

	settings_init(&s);
	memset(&o, 0, sizeof(o));
	o.connect_timeout_ms = 10000;
	o.reply_timeout_ms = 30000;
	optind = 1;
	while ((opt = cmd_getopt(&cmd_probe_entry, argc, argv)) != -1) {
		switch (opt) {
		case CMD_OPT_HELP:
			cmd_help(&cmd_probe_entry, stdout);
			rc = EXIT_DONE;
			goto out;
		case OPT_SMTPS:
			o.smtps = true;
			break;
		case OPT_TIMEOUT:
			if (parse_seconds(optarg, &o.reply_timeout_ms) == -1)
				goto usage;
			if (o.connect_timeout_ms > o.reply_timeout_ms)
				o.connect_timeout_ms = o.reply_timeout_ms;
			break;
		case OPT_EHLO:
			free(ehlo);
			ehlo = xstrdup(optarg);
			break;
		default:
			if (settings_option(&s, opt, optarg) != 1)
				goto usage;
		}
	}
	if (optind != argc - 1) {
		cli_error(optind >= argc ? _("probe: which server? give HOST[:PORT]") :
		    _("probe: one server at a time"));
		goto usage;
	}
	if (probe_parse_target(argv[optind], o.smtps ? 465 : 25, &host, &port, &err) == -1) {
		cli_error(_("probe: %s"), err);
		goto usage;
	}
	if ((plan_get(&s.plan, PF_CA_CERT) &&
	    check_location("--ca-cert", plan_get(&s.plan, PF_CA_CERT), false) == -1) ||
	    (plan_get(&s.plan, PF_CA_PATH) &&
	    check_location("--ca-path", plan_get(&s.plan, PF_CA_PATH), true) == -1))
		goto out;
	o.host = host;
	o.port = port;
	o.verify_name = s.plan.hostname ? s.plan.hostname :
	    (probe_is_address(host) ? NULL : host);
	if (ehlo == NULL && (ehlo = cli_fqdn()) == NULL)
		ehlo = xstrdup("localhost");
	o.ehlo_name = ehlo;
	o.ca_file = plan_get(&s.plan, PF_CA_CERT);
	o.ca_path = plan_get(&s.plan, PF_CA_PATH);
	o.now = s.plan.now;
	if (probe_run(&o, &r) == -1) {
		if (s.json)
			print_json(&o, &r);
		else
			cli_error(_("probe: %s port %d: %s"), host, port, r.failure);
		rc = EXIT_FINDINGS;
	} else {
		findings_sort(&r.findings);
		if (s.json)
			print_json(&o, &r);
		else
			print_human(&o, &r);
		rc = findings_count(&r.findings, SEV_ERROR) ? EXIT_FINDINGS : EXIT_DONE;
	}
	probe_result_free(&r);
	goto out;
usage:
	rc = cli_usage_error(&cmd_probe_entry);
out:
	free(err);
	free(host);
	free(ehlo);
	settings_free(&s);
	return rc;
}

static const struct cmd_group *const probe_groups[] = { &probe_group, NULL };

const struct cmd_entry cmd_probe_entry = {
	.name = "probe",
	.usage = N_("[OPTION]... HOST[:PORT]"),
	.summary = N_("connect, STARTTLS, and judge the chain a live server presents"),
	.description = N_("Connect to an SMTP server, EHLO, STARTTLS, and show the certificate chain it\n"
	    "presents, verified against the chosen roots with the host name check.\n"
	    "HOST is a name or an address; write IPv6 addresses in brackets: [::1]:2525.\n\n"),
	.groups = probe_groups,
	.footer = N_("Exit status: 0 TLS works and no error finding; 1 an error finding, or the server\n"
	    "cannot be reached, offers no STARTTLS or breaks the protocol; 2 bad usage.\n"),
	.run = probe_cmd,
};
