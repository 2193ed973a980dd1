/* cmd-hook.c: `smtls hook install`: install the certbot deploy hook that checks renewals before restarting sendmail; `smtls hook copy`: its copies, all or none. */
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
	HOPT_PRINT, HOPT_FROM };

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
	    "EKU), copies them where sendmail reads them when the setup uses copies ('smtls\n"
	    "hook copy': all replaced or none, keys 0600), and restarts sendmail only when\n"
	    "both passed. It logs to syslog (tag smtls-hook), naming the files replaced, and\n"
	    "exits non-zero on failure, so certbot reports it. certbot runs the smtls it names\n"
	    "as root: one that another user owns or can write, or in a directory they can\n"
	    "write, is refused.\n\n"),
	.groups = hook_groups,
	.footer = N_("Exit status: 0 installed, 1 failed (nothing written), 2 bad usage.\n"),
	.run = hook_install_run,
};

static const struct cmd_option copy_options[] = {
	{ "from", 0, required_argument, N_("DIR"), HOPT_FROM,
	  N_("the renewed lineage, certbot's RENEWED_LINEAGE (live/NAME)") },
	{ "copy", 0, required_argument, N_("WHAT=FILE"), HOPT_COPY,
	  N_("copy DIR/WHAT.pem (WHAT: cert, chain, fullchain, privkey) to FILE (repeatable)") },
	CMD_OPTIONS_END
};

static const struct cmd_group copy_group = { NULL, copy_options, NULL };

/* "A, B and C" */
static char *
join_dests(const struct hook_copy *copies, size_t n)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i == 0 ? "" : i + 1 == n ? _(" and ") : ", ",
		    copies[i].dest);
	return buf_release(&b);
}

static int
hook_copy_run(int argc, char **argv)
{
	struct hook_copy copies[HOOK_MAX_COPIES];
	const char *from = NULL;
	char *err = NULL, *list;
	size_t n = 0;
	bool pending;
	int opt;

	optind = 1;
	while ((opt = cmd_getopt(&cmd_hook_copy_entry, argc, argv)) != -1) {
		switch (opt) {
		case HOPT_FROM: from = optarg; break;
		case HOPT_COPY:
			if (n == HOOK_MAX_COPIES) {
				cli_error(_("--copy: at most %d copies"), HOOK_MAX_COPIES);
				return cli_usage_error(&cmd_hook_copy_entry);
			}
			if (hook_copy_parse(optarg, &copies[n], &err) == -1) {
				cli_error("--copy: %s", err);
				free(err);
				return cli_usage_error(&cmd_hook_copy_entry);
			}
			n++;
			break;
		case CMD_OPT_HELP:
			cmd_help(&cmd_hook_copy_entry, stdout);
			return EXIT_DONE;
		default:
			return cli_usage_error(&cmd_hook_copy_entry);
		}
	}
	if (optind < argc) {
		cli_error(_("hook copy: unexpected argument '%s'"), argv[optind]);
		return cli_usage_error(&cmd_hook_copy_entry);
	}
	if (from == NULL || n == 0) {
		cli_error("%s", _("hook copy: give --from DIR and at least one --copy WHAT=FILE"));
		return cli_usage_error(&cmd_hook_copy_entry);
	}
	list = join_dests(copies, n);
	if (hook_copy_files(from, copies, n, &pending, &err) == -1) {
		if (pending)
			cli_error(_("hook copy: %s; the copies were interrupted and could not be "
			    "undone: the next smtls command completes or rolls back the set (%s)"),
			    err, list);
		else
			cli_error(_("hook copy: %s; no file was replaced (unchanged: %s)"), err,
			    list);
		free(err);
		free(list);
		return EXIT_FINDINGS;
	}
	printf(_("replaced %s with the files of %s\n"), list, from);
	free(list);
	return EXIT_DONE;
}

static const struct cmd_group *const copy_groups[] = { &copy_group, NULL };

const struct cmd_entry cmd_hook_copy_entry = {
	.name = "hook copy",
	.usage = N_("--from DIR --copy WHAT=FILE [--copy WHAT=FILE]..."),
	.summary = N_("replace the files sendmail reads with renewed ones, all or none"),
	.description = N_("Copy the renewed files of a certbot lineage where sendmail reads them, as one\n"
	    "transaction: every new file is written beside its target (keys mode 0600 from\n"
	    "the first byte, the rest 0644) and fsynced, then all are renamed into place; if\n"
	    "one fails, those already replaced are put back. The deploy hook of\n"
	    "'smtls hook install' runs it after the check passed. A target that is a\n"
	    "symbolic link or not a regular file, or whose directory is missing, is refused.\n\n"),
	.groups = copy_groups,
	.footer = N_("Exit status: 0 every file replaced (the list is printed), 1 failed (no file\n"
	    "replaced, unless the message says the set was interrupted), 2 bad usage.\n"),
	.run = hook_copy_run,
};
