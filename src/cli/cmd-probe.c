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

static void
probe_usage(FILE *f)
{
	fprintf(f, _("Usage: %s probe [OPTION]... HOST[:PORT]\n"), PACKAGE);
	fputs(_("Connect to an SMTP server, EHLO, STARTTLS, and show the certificate chain it\n"
	    "presents, verified against the chosen roots with the host name check.\n"
	    "HOST is a name or an address; write IPv6 addresses in brackets: [::1]:2525.\n\n"), f);
	fputs(_("      --smtps             implicit TLS from the first byte (port 465)\n"
	    "      --hostname NAME     the name to verify and to send as SNI (default: HOST\n"
	    "                          when it is a name)\n"
	    "      --ca-cert FILE      verify against the roots in FILE\n"
	    "      --ca-path DIR       verify against a hashed directory of roots\n"
	    "                          (default for both: the system's trusted roots)\n"
	    "      --ehlo NAME         the name we send in EHLO (default: this host's FQDN)\n"
	    "      --timeout S         seconds to wait for each reply and for the handshake\n"
	    "                          (default 30; connecting waits at most 10)\n"
	    "      --at TIME           judge validity at this UTC time (2021-10-01[T00:00:00Z])\n"
	    "      --json              machine-readable output\n"
	    "      --help              display this help and exit\n\n"
	    "Exit status: 0 TLS works and no error finding; 1 an error finding, or the server\n"
	    "cannot be reached, offers no STARTTLS or breaks the protocol; 2 bad usage.\n"), f);
}

static void
print_json(const struct probe_opts *o, const struct probe_result *r)
{
	size_t i;
	char a[32], b[32];

	printf("{\"version\": 1, \"host\": ");
	json_string(stdout, o->host);
	printf(", \"port\": %d, \"address\": ", o->port);
	json_string(stdout, r->address);
	printf(", \"greeting\": ");
	json_string(stdout, r->greeting);
	printf(", \"starttls\": %s,\n \"tls\": ", r->starttls_offered ? "true" : "false");
	if (r->protocol != NULL) {
		printf("{\"protocol\": ");
		json_string(stdout, r->protocol);
		printf(", \"cipher\": ");
		json_string(stdout, r->cipher);
		printf("}");
	} else {
		printf("null");
	}
	printf(", \"ca_names\": ");
	if (r->protocol != NULL && r->ca_names >= 0)
		printf("%d", r->ca_names);
	else
		printf("null");
	printf(", \"error\": ");
	json_string(stdout, r->failure);
	printf(",\n \"chain\": [");
	for (i = 0; i < r->chain.n; i++) {
		const struct cert *c = &r->chain.v[i];
		char *key;

		time_format_iso(c->not_before, a, sizeof(a));
		time_format_iso(c->not_after, b, sizeof(b));
		key = c->key_curve[0] ? xstrprintf("%s %d (%s)", c->key_type, c->key_bits,
		    c->key_curve) : xstrprintf("%s %d", c->key_type, c->key_bits);
		printf("%s\n  {\"subject\": ", i ? "," : "");
		json_string(stdout, c->subject);
		printf(", \"issuer\": ");
		json_string(stdout, c->issuer);
		printf(", \"not_before\": \"%s\", \"not_after\": \"%s\", \"key\": ", a, b);
		json_string(stdout, key);
		printf(", \"sha256\": ");
		json_string(stdout, c->sha256);
		printf("}");
		free(key);
	}
	printf("%s],\n ", r->chain.n ? "\n " : "");
	json_findings(stdout, &r->findings);
	printf("}\n");
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
	static const struct option longopts[] = {
		{ "smtps", no_argument, NULL, OPT_SMTPS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "ehlo", required_argument, NULL, OPT_EHLO },
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "ca-cert", required_argument, NULL, OPT_CA_CERT },
		{ "ca-path", required_argument, NULL, OPT_CA_PATH },
		{ "at", required_argument, NULL, OPT_AT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
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
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_HELP:
			probe_usage(stdout);
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
	rc = cli_usage_error("probe");
out:
	free(err);
	free(host);
	free(ehlo);
	settings_free(&s);
	return rc;
}

const struct cmd_entry cmd_probe_entry = {
	.name = "probe",
	.usage = "[--smtps] [--hostname NAME] HOST[:PORT]",
	.summary = N_("connect, STARTTLS, and judge the chain a live server presents"),
	.run = probe_cmd,
};
