/* cmd-hook.c: `smtls hook install`: install the certbot deploy hook that checks renewals before restarting sendmail. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certs-cli.h"
#include "cli.h"
#include "smtls/hook.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

enum { HOPT_DIR = COPT_OWN, HOPT_COPY_TO, HOPT_COPY, HOPT_RESTART, HOPT_LINEAGE, HOPT_SMTLS,
	HOPT_PRINT };

#define HOOK_MAX_COPIES	8

static const struct cmd_option hook_options[] = {
	{ "dir", 0, required_argument, N_("DIR"), HOPT_DIR,
	  N_("certbot's directory (default /etc/letsencrypt)") },
	{ "lineage", 0, required_argument, N_("NAME"), HOPT_LINEAGE,
	  N_("act only on this lineage (live/NAME); required with --copy-to, so another site's "
	  "renewal never lands there") },
	{ "copy-to", 0, required_argument, N_("DIR"), HOPT_COPY_TO,
	  N_("copy cert.pem, chain.pem, fullchain.pem and privkey.pem into DIR (where "
	  "sendmail.mc points)") },
	{ "copy", 0, required_argument, N_("WHAT=FILE"), HOPT_COPY,
	  N_("copy live/NAME/WHAT.pem (WHAT: cert, chain, fullchain, privkey) to FILE, e.g. "
	  "privkey=/etc/mail/tls/mx.key (repeatable)") },
	{ "restart", 0, required_argument, N_("CMD"), HOPT_RESTART,
	  N_("how to restart sendmail (default: systemctl restart sendmail, or service sendmail "
	  "restart without systemd)") },
	{ "hostname", 0, required_argument, N_("FQDN"), COPT_HOSTNAME,
	  N_("the name to check the certificate against (default: the first renewed domain)") },
	{ "smtls", 0, required_argument, N_("PATH"), HOPT_SMTLS,
	  N_("the smtls the hook runs (default: this one)") },
	{ "print", 0, no_argument, NULL, HOPT_PRINT,
	  N_("print the hook to standard output; install nothing") },
	{ "force", 0, no_argument, NULL, COPT_FORCE, N_("replace an installed hook") },
	CMD_OPTIONS_END
};

static const struct cmd_group hook_group = { NULL, hook_options, NULL };

static int
hook_install_run(int argc, char **argv)
{
	static const char *const all[] = { "cert", "chain", "fullchain", "privkey" };
	struct hook_params hp = { .le_dir = "/etc/letsencrypt", .lineage = "", .hostname = "" };
	struct hook_copy copies[HOOK_MAX_COPIES];
	char *self = NULL, *copy_dir = NULL, *dests[HOOK_MAX_COPIES], *path = NULL, *err = NULL;
	const char *copy_to = NULL;
	size_t n = 0, i;
	bool print = false;
	int opt, rc = EXIT_USAGE;

	optind = 1;
	while ((opt = cmd_getopt(&cmd_hook_install_entry, argc, argv)) != -1) {
		switch (opt) {
		case HOPT_DIR: hp.le_dir = optarg; break;
		case HOPT_LINEAGE: hp.lineage = optarg; break;
		case HOPT_COPY_TO: copy_to = optarg; break;
		case HOPT_RESTART: hp.restart = optarg; break;
		case HOPT_SMTLS: hp.smtls = optarg; break;
		case COPT_HOSTNAME: hp.hostname = optarg; break;
		case COPT_FORCE: hp.force = true; break;
		case HOPT_PRINT: print = true; break;
		case HOPT_COPY:
			if (n == HOOK_MAX_COPIES - 4) {
				cli_error(_("--copy: at most %d copies"), HOOK_MAX_COPIES - 4);
				goto out;
			}
			if (hook_copy_parse(optarg, &copies[n], &err) == -1) {
				cli_error("--copy: %s", err);
				free(err);
				goto out;
			}
			dests[n++] = NULL;
			break;
		case CMD_OPT_HELP:
			cmd_help(&cmd_hook_install_entry, stdout);
			return EXIT_DONE;
		default:
			goto out;
		}
	}
	if (optind < argc) {
		cli_error(_("hook install: unexpected argument '%s'"), argv[optind]);
		goto out;
	}
	if ((copy_to != NULL || n > 0) && *hp.lineage == '\0') {
		cli_error(_("hook install: copies need --lineage NAME, so that another "
		    "lineage's renewal is never copied where sendmail reads"));
		goto out;
	}
	rc = EXIT_FINDINGS;
	if (copy_to != NULL) {
		copy_dir = certs_abs_dir(copy_to);
		for (i = 0; i < 4; i++) {
			dests[n] = xstrprintf("%s/%s.pem", copy_dir, all[i]);
			copies[n].what = all[i];
			copies[n].dest = dests[n];
			n++;
		}
	}
	hp.copies = copies;
	hp.n_copies = n;
	if (hp.restart == NULL)
		hp.restart = access("/run/systemd/system", F_OK) == 0 ?
		    "systemctl restart sendmail" : "service sendmail restart";
	if (hp.smtls == NULL)
		hp.smtls = self = realpath("/proc/self/exe", NULL);
	if (print) {
		char *script = hook_script(&hp, &err);

		if (script == NULL) {
			cli_error("%s", err);
			free(err);
			goto out;
		}
		fputs(script, stdout);
		free(script);
		rc = EXIT_DONE;
		goto out;
	}
	if (hook_install(&hp, &path, &err) == -1) {
		cli_error("%s", err);
		free(err);
		goto out;
	}
	printf(_("Installed %s.\n"), path);
	printf(_("After each renewal%s%s certbot runs it: it checks the renewed files with\n"
	    "  %s check\n"), *hp.lineage ? _(" of ") : "", hp.lineage, hp.smtls);
	for (i = 0; i < n; i++)
		printf(_("copies %s.pem to %s%s\n"), copies[i].what, copies[i].dest,
		    strcmp(copies[i].what, "privkey") == 0 ? _(" (mode 0600)") : "");
	printf(_("and only then runs: %s\n"
	    "It logs to syslog (tag smtls-hook). Try it now:\n"
	    "  RENEWED_LINEAGE=%s/live/%s %s\n"), hp.restart, hp.le_dir,
	    *hp.lineage ? hp.lineage : "NAME", path);
	rc = EXIT_DONE;
out:
	if (rc == EXIT_USAGE)
		rc = cli_usage_error(&cmd_hook_install_entry);
	for (i = 0; i < n; i++)
		free(dests[i]);
	free(path);
	free(self);
	free(copy_dir);
	return rc;
}

static const struct cmd_group *const hook_groups[] = { &hook_group, NULL };

const struct cmd_entry cmd_hook_install_entry = {
	.name = "hook install",
	.usage = N_("[--dir DIR] [--lineage NAME] [--copy-to DIR | --copy WHAT=FILE]... "
	    "[--restart CMD] [OPTION]..."),
	.summary = N_("install a certbot deploy hook that checks renewals before a restart"),
	/* HOOK_NAME written out, for xgettext */
	.description = N_("Install a certbot deploy hook, DIR/renewal-hooks/deploy/smtls-sendmail, that after\n"
	    "each renewal checks the renewed files with 'smtls check' (key match, chain, expiry,\n"
	    "EKU), copies them where sendmail reads them when the setup uses copies (keys 0600,\n"
	    "atomically), and restarts sendmail only when the check passed. It logs to syslog\n"
	    "(tag smtls-hook) and exits non-zero on failure, so certbot reports it.\n\n"),
	.groups = hook_groups,
	.footer = N_("Exit status: 0 installed, 1 failed (nothing written), 2 bad usage.\n"),
	.run = hook_install_run,
};
