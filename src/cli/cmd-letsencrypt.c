/* cmd-letsencrypt.c: `smtls letsencrypt`: list certbot's lineages, their expiry, key and the root of each chain. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certs-cli.h"
#include "cli.h"
#include "smtls/i18n.h"
#include "smtls/lineage.h"

#define LE_DEFAULT_DIR	"/etc/letsencrypt"

enum { LOPT_DIR = 1, LOPT_JSON, LOPT_AT, LOPT_HELP };

static void
le_usage(FILE *f)
{
	fprintf(f, _("Usage: %s letsencrypt [--dir DIR] [--json] [--at TIME]\n"), PACKAGE);
	fputs(_("List the certbot lineages under DIR/live: names, expiry, key type, issuer and\n"
	    "the root each chain leads to (ISRG Root X1/X2, the Gen Y roots, or the expired\n"
	    "DST Root CA X3), following the live -> archive symlinks.\n\n"), f);
	fputs(_("      --dir DIR           certbot's directory (default " LE_DEFAULT_DIR ")\n"
	    "      --json              one JSON object\n"
	    "      --at TIME           judge expiry at this UTC time (default now)\n"
	    "      --help              display this help and exit\n\n"
	    "Exit status: 0 listed, no error; 1 a lineage has an error (expired, broken link,\n"
	    "key mismatch, expired CA in chain.pem) or DIR/live cannot be read; 2 bad usage.\n"),
	    f);
}

static void
le_json(const char *dir, time_t now, const struct lineage *v, size_t n)
{
	char t[32], key[64];
	size_t i, j;

	time_format_iso(now, t, sizeof(t));
	printf("{\"version\": 1, \"at\": \"%s\", \"dir\": ", t);
	json_string(stdout, dir);
	printf(",\n \"lineages\": [");
	for (i = 0; i < n; i++) {
		const struct lineage *l = &v[i];
		const struct cert *c = &l->leaf;

		printf("%s\n  {\"name\": ", i ? "," : "");
		json_string(stdout, l->name);
		printf(", \"live\": ");
		json_string(stdout, l->live);
		printf(", \"cert\": ");
		json_string(stdout, l->cert_file);
		printf(", \"chain\": ");
		json_string(stdout, l->chain_file);
		printf(", \"fullchain\": ");
		json_string(stdout, l->fullchain_file);
		printf(", \"privkey\": ");
		json_string(stdout, l->privkey_file);
		printf(", \"archive_version\": %d, \"symlinks\": %s,\n   \"names\": [", l->version,
		    l->not_links ? "false" : "true");
		for (j = 0; j < c->n_dns; j++) {
			printf("%s", j ? ", " : "");
			json_string(stdout, c->dns_names[j]);
		}
		printf("]");
		if (c->x509 != NULL) {
			time_format_iso(c->not_before, t, sizeof(t));
			printf(", \"not_before\": \"%s\"", t);
			time_format_iso(c->not_after, t, sizeof(t));
			certs_key_text(c, key, sizeof(key));
			printf(", \"not_after\": \"%s\", \"days_left\": %lld, \"key\": ", t,
			    (long long)((c->not_after - now) / 86400));
			json_string(stdout, key);
			printf(", \"issuer\": ");
			json_string(stdout, c->issuer);
		} else {
			printf(", \"not_before\": null, \"not_after\": null, \"days_left\": null, "
			    "\"key\": null, \"issuer\": null");
		}
		printf(",\n   \"chain_subjects\": [");
		for (j = 0; j < l->chain.n; j++) {
			printf("%s", j ? ", " : "");
			json_string(stdout, l->chain.v[j].subject);
		}
		printf("], \"root\": ");
		json_string(stdout, l->root);
		printf(", \"via\": ");
		json_string(stdout, l->via);
		printf(", \"generation\": \"%s\",\n   ", lineage_gen_name(l->gen));
		json_findings(stdout, &l->findings);
		printf("}");
	}
	printf("]}\n");
}

static const char *
gen_text(enum lineage_gen g)
{
	switch (g) {
	case LINEAGE_GEN_X:
		return _("ISRG Root X1/X2 hierarchy");
	case LINEAGE_GEN_Y:
		return _("Gen Y hierarchy");
	case LINEAGE_GEN_LEGACY:
		return _("legacy DST Root CA X3 chain, expired 2021-09-30");
	default:
		return _("not a Let's Encrypt root");
	}
}

static void
le_human(const char *dir, time_t now, const struct lineage *v, size_t n)
{
	char t[32], key[64];
	size_t i, j;

	printf(_("%s: %zu lineage(s)\n"), dir, n);
	for (i = 0; i < n; i++) {
		const struct lineage *l = &v[i];
		const struct cert *c = &l->leaf;

		printf("\n%s", l->name);
		if (l->version > 0)
			printf(_("  (archive version %d)"), l->version);
		putchar('\n');
		if (c->x509 != NULL) {
			printf(_("  names:    "));
			for (j = 0; j < c->n_dns; j++)
				printf("%s%s", j ? ", " : "", c->dns_names[j]);
			time_format_iso(c->not_after, t, sizeof(t));
			certs_key_text(c, key, sizeof(key));
			printf(_("\n  expires:  %s (%lld days left)\n  key:      %s\n  issuer:   %s\n"),
			    t, (long long)((c->not_after - now) / 86400), key,
			    strstr(c->issuer, "/CN=") ? strstr(c->issuer, "/CN=") + 4 : c->issuer);
			printf(_("  chain:    %s (%s)\n"), l->via ? l->via : "-", gen_text(l->gen));
			printf(_("  files:    %s\n"), l->cert_file);
			printf(_("  check:    %s check --letsencrypt %s\n"), PACKAGE, l->live);
		}
		if (l->not_links)
			printf(_("  note:     files in %s are not symlinks into archive/; certbot "
			    "will not renew them\n"), l->live);
		for (j = 0; j < l->findings.n; j++) {
			const struct finding *f = &l->findings.v[j];

			printf("  %-8s  %s: %s\n", severity_name(f->severity), f->id, f->message);
			if (f->fix)
				printf(_("            fix: %s\n"), f->fix);
		}
	}
}

static int
le_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, LOPT_DIR },
		{ "json", no_argument, NULL, LOPT_JSON },
		{ "at", required_argument, NULL, LOPT_AT },
		{ "help", no_argument, NULL, LOPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = LE_DEFAULT_DIR;
	struct lineage *v = NULL;
	time_t now = time(NULL);
	size_t n = 0, i;
	char *err = NULL;
	bool json = false;
	int opt, rc = EXIT_DONE;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case LOPT_DIR:
			dir = optarg;
			break;
		case LOPT_JSON:
			json = true;
			break;
		case LOPT_AT:
			if (time_parse_iso(optarg, &now) == -1) {
				cli_error(_("--at: '%s' is not a UTC time like 2021-10-01 or "
				    "2021-10-01T00:00:00Z"), optarg);
				return cli_usage_error("letsencrypt");
			}
			break;
		case LOPT_HELP:
			le_usage(stdout);
			return EXIT_DONE;
		default:
			return cli_usage_error("letsencrypt");
		}
	}
	if (optind < argc) {
		cli_error(_("letsencrypt: unexpected argument '%s'"), argv[optind]);
		return cli_usage_error("letsencrypt");
	}
	if (lineage_list(dir, now, &v, &n, &err) == -1) {
		cli_error("%s", err);
		free(err);
		return EXIT_FINDINGS;
	}
	if (json)
		le_json(dir, now, v, n);
	else
		le_human(dir, now, v, n);
	for (i = 0; i < n; i++)
		if (findings_count(&v[i].findings, SEV_ERROR) > 0)
			rc = EXIT_FINDINGS;
	lineages_free(v, n);
	return rc;
}

const struct cmd_entry cmd_letsencrypt_entry = {
	.name = "letsencrypt",
	.usage = "[--dir DIR] [--json]",
	.summary = N_("list certbot's lineages: names, expiry, key, chain and root"),
	.run = le_run,
};
