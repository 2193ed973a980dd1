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

enum { LOPT_DIR = 1, LOPT_JSON, LOPT_AT };

/* The whole days left until c expires (cert_expiry_state's count). */
static long long
days_left(const struct cert *c, time_t now)
{
	long long days;

	(void)cert_expiry_state(c, now, &days);
	return days;
}

static const struct cmd_option le_options[] = {
	{ "dir", 0, required_argument, N_("DIR"), LOPT_DIR,
	  N_("certbot's directory (default /etc/letsencrypt)") },	/* LE_DEFAULT_DIR */
	{ "json", 0, no_argument, NULL, LOPT_JSON, N_("one JSON object") },
	{ "at", 0, required_argument, N_("TIME"), LOPT_AT,
	  N_("judge expiry at this UTC time (default now)") },
	CMD_OPTIONS_END
};

static const struct cmd_group le_group = { NULL, le_options, NULL };

static void
le_json(const char *dir, time_t now, const struct lineage *v, size_t n)
{
	struct json j;
	char t[32], key[64];
	size_t i, k;

	time_format_iso(now, t, sizeof(t));
	json_init(&j, stdout);
	json_object(&j, NULL, true);
	json_int(&j, "version", 1);
	json_str(&j, "at", t);
	json_str(&j, "dir", dir);
	json_array(&j, "lineages", true);
	for (i = 0; i < n; i++) {
		const struct lineage *l = &v[i];
		const struct cert *c = &l->leaf;

		json_object(&j, NULL, false);
		json_str(&j, "name", l->name);
		json_str(&j, "live", l->live);
		json_str(&j, "cert", l->cert_file);
		json_str(&j, "chain", l->chain_file);
		json_str(&j, "fullchain", l->fullchain_file);
		json_str(&j, "privkey", l->privkey_file);
		json_int(&j, "archive_version", l->version);
		json_bool(&j, "symlinks", !l->not_links);
		json_array(&j, "names", false);
		for (k = 0; k < c->n_dns; k++)
			json_str(&j, NULL, c->dns_names[k]);
		json_end(&j);
		if (c->x509 != NULL) {
			time_format_iso(c->not_before, t, sizeof(t));
			json_str(&j, "not_before", t);
			time_format_iso(c->not_after, t, sizeof(t));
			json_str(&j, "not_after", t);
			json_int(&j, "days_left", days_left(c, now));
			certs_key_text(c, key, sizeof(key));
			json_str(&j, "key", key);
			json_str(&j, "issuer", c->issuer);
		} else {
			json_null(&j, "not_before");
			json_null(&j, "not_after");
			json_null(&j, "days_left");
			json_null(&j, "key");
			json_null(&j, "issuer");
		}
		json_array(&j, "chain_subjects", false);
		for (k = 0; k < l->chain.n; k++)
			json_str(&j, NULL, l->chain.v[k].subject);
		json_end(&j);
		json_str(&j, "root", l->root);
		json_str(&j, "via", l->via);
		json_str(&j, "generation", lineage_gen_name(l->gen));
		json_findings(&j, &l->findings);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
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
			    t, days_left(c, now), key,
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
	const char *dir = LE_DEFAULT_DIR;
	struct lineage *v = NULL;
	time_t now = time(NULL);
	size_t n = 0, i;
	char *err = NULL;
	bool json = false;
	int opt, rc = EXIT_DONE;

	optind = 1;
	while ((opt = cmd_getopt(&cmd_letsencrypt_entry, argc, argv)) != -1) {
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
				return cli_usage_error(&cmd_letsencrypt_entry);
			}
			break;
		case CMD_OPT_HELP:
			cmd_help(&cmd_letsencrypt_entry, stdout);
			return EXIT_DONE;
		default:
			return cli_usage_error(&cmd_letsencrypt_entry);
		}
	}
	if (optind < argc) {
		cli_error(_("letsencrypt: unexpected argument '%s'"), argv[optind]);
		return cli_usage_error(&cmd_letsencrypt_entry);
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

static const struct cmd_group *const le_groups[] = { &le_group, NULL };

const struct cmd_entry cmd_letsencrypt_entry = {
	.name = "letsencrypt",
	.usage = N_("[--dir DIR] [--json] [--at TIME]"),
	.summary = N_("list certbot's lineages: names, expiry, key, chain and root"),
	.description = N_("List the certbot lineages under DIR/live: names, expiry, key type, issuer and\n"
	    "the root each chain leads to (ISRG Root X1/X2, the Gen Y roots, or the expired\n"
	    "DST Root CA X3), following the live -> archive symlinks.\n\n"),
	.groups = le_groups,
	.footer = N_("Exit status: 0 listed, no error; 1 a lineage has an error (expired, broken link,\n"
	    "key mismatch, expired CA in chain.pem) or DIR/live cannot be read; 2 bad usage.\n"),
	.run = le_run,
};
