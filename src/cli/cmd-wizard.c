/* cmd-wizard.c: `smtls wizard`: the interactive set-up (curses, or --text prompts). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "smtls/i18n.h"
#include "smtls/mc.h"
#include "../ui/wizard.h"

enum { OPT_DEMO = 1, OPT_DEMO_DIR, OPT_TEXT, OPT_RESTART_COMMAND, OPT_SUBMIT_MC };

static const struct cmd_option wizard_options[] = {
	{ "demo", 0, no_argument, NULL, OPT_DEMO,
	  N_("run the whole flow on a throw-away sandbox (a test CA, a Let's Encrypt style live "
	  "directory, a sendmail.mc); nothing else is touched, the sandbox is removed at the "
	  "end") },
	{ "demo-dir", 0, required_argument, N_("DIR"), OPT_DEMO_DIR,
	  N_("like --demo, in the new directory DIR, which is kept") },
	{ "text", 0, no_argument, NULL, OPT_TEXT,
	  N_("plain numbered prompts instead of the full screen") },
	{ "restart-command", 0, required_argument, N_("CMD"), OPT_RESTART_COMMAND,
	  N_("when the Apply screen restarts sendmail (also for its timed rollback), do it with "
	  "this shell command instead of the system's way") },
	{ "submit-mc", 0, required_argument, N_("FILE"), OPT_SUBMIT_MC,
	  N_("the Apply screen also writes the MSP's submit.mc (its CA settings) and rebuilds "
	  "submit.cf, in the same transaction, as apply --submit-mc") },
	CMD_OPTIONS_END
};

static const struct cmd_group wizard_group = { NULL, wizard_options, NULL };

static int
wizard_run(int argc, char **argv)
{
	struct cli_settings s;
	struct wiz_options o;
	struct wizard w;
	const char *why = NULL;
	bool text = false;
	char *err = NULL, *files;
	int opt, r, rc;

	settings_init(&s);
	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((opt = cmd_getopt(&cmd_wizard_entry, argc, argv)) != -1) {
		switch (opt) {
		case CMD_OPT_HELP:
			cmd_help(&cmd_wizard_entry, stdout);
			settings_free(&s);
			return EXIT_DONE;
		case OPT_DEMO:
			o.demo = true;
			continue;
		case OPT_DEMO_DIR:
			o.demo = true;
			free(o.demo_dir);
			o.demo_dir = xstrdup(optarg);
			continue;
		case OPT_TEXT:
			text = true;
			continue;
		case OPT_SUBMIT_MC:
			o.submit_mc = optarg;
			continue;
		case OPT_RESTART_COMMAND:
			if (*optarg == '\0') {
				cli_error("%s", _("--restart-command: the command is empty"));
				free(o.demo_dir);
				settings_free(&s);
				return cli_usage_error(&cmd_wizard_entry);
			}
			o.restart_command = optarg;
			continue;
		}
		r = settings_option(&s, opt, optarg);
		if (r != 1) {
			free(o.demo_dir);
			settings_free(&s);
			return cli_usage_error(&cmd_wizard_entry);
		}
	}
	if (optind < argc) {
		cli_error(_("wizard: unexpected argument '%s'"), argv[optind]);
		free(o.demo_dir);
		settings_free(&s);
		return cli_usage_error(&cmd_wizard_entry);
	}
	if (!text && !wiz_curses_possible(&why)) {
		cli_error(_("wizard: the full-screen wizard needs a terminal: %s."), why);
		fprintf(stderr, _("Use '%s wizard --text' for plain prompts, or the non-interactive "
		    "commands ('%s check', see '%s --help').\n"), PACKAGE, PACKAGE, PACKAGE);
		free(o.demo_dir);
		settings_free(&s);
		return EXIT_USAGE;
	}
	if (!o.demo && settings_check_targets(&s, "wizard") == -1) {
		free(o.demo_dir);
		settings_free(&s);
		return EXIT_FINDINGS;
	}
	if (o.submit_mc != NULL && (o.demo || mc_file_is_msp(o.submit_mc, &err) != 1)) {
		if (o.demo)
			cli_error("%s", _("wizard: --submit-mc does not go with --demo"));
		else if (err != NULL)
			cli_error(_("wizard: --submit-mc: %s"), err);
		else
			cli_error(_("wizard: --submit-mc: %s has no FEATURE(`msp'): it is not the "
			    "MSP's configuration (submit.mc)"), o.submit_mc);
		rc = err != NULL ? EXIT_FINDINGS : EXIT_USAGE;
		free(err);
		free(o.demo_dir);
		settings_free(&s);
		return rc;
	}
	/* the hostname default comes from the demo or the system */
	if (!o.demo)
		settings_finish(&s);
	o.flags = &s.plan;
	o.cf_m4 = s.cf_m4;
	o.at_given = s.at_given;
	memset(&w, 0, sizeof(w));
	if (o.demo && !text)
		fputs(_("Building the demo sandbox (a test CA, a Let's Encrypt style lineage, "
		    "a sendmail.cf made with m4)...\n"), stderr);
	if (engine_init(&w, &o, &err) == -1) {
		cli_error("%s", err);
		free(err);
		free(o.demo_dir);
		wiz_free(&w);
		settings_free(&s);
		return EXIT_FINDINGS;
	}
	rc = text ? wiz_run_text(&w) : wiz_run_curses(&w);
	if (rc == -1) {
		cli_error(_("wizard: cannot start the terminal interface (TERM=%s); try --text"),
		    getenv("TERM") ? getenv("TERM") : "");
		rc = EXIT_USAGE;
	} else {
		rc = w.exit_code;
		if (rc == 0 && w.result != NULL)
			fputs(w.result, stdout);
		else if (w.wrote && (files = wiz_written_list(&w)) != NULL) {
			/* what was written on the way (certificates, replaced files' backups) */
			printf(_("Files written:\n%s"), files);
			free(files);
		}
		/* what this run did, each as the command that does it (only what happened) */
		if (w.replay.data != NULL)
			printf("%s\n%s", _("To do the same without the wizard:"), w.replay.data);
	}
	if (w.env.demo) {
		if (w.env.keep_demo)
			printf(_("The demo sandbox is kept in %s.\n"), w.env.demo_dir);
		else
			printf(_("The demo sandbox %s was removed.\n"), w.env.demo_dir);
	}
	engine_cleanup(&w);
	wiz_free(&w);
	free(o.demo_dir);
	settings_free(&s);
	return rc;
}

static const struct cmd_group *const wizard_groups[] = { &wizard_group, &settings_group, NULL };

const struct cmd_entry cmd_wizard_entry = {
	.name = "wizard",
	.usage = N_("[--demo] [--demo-dir DIR] [--text] [--restart-command CMD] [--submit-mc FILE] "
	    "[SETTINGS]..."),
	.summary = N_("set up or repair STARTTLS step by step (full screen)"),
	.description = N_("Set up or repair sendmail's STARTTLS step by step, with every choice checked\n"
	    "as it is made. Nothing is written before the Review and Apply screens.\n"
	    "Settings flags preset the choices; by default they come from /etc/mail.\n\n"),
	.groups = wizard_groups,
	.footer = N_("Keys: arrows, Tab, Enter; Esc goes back; F1 or ? help; q quits.\n"
	    "Without a terminal (or with TERM=dumb) use --text, or the commands that the\n"
	    "wizard prints at the end (smtls check, ...).\n"
	    "Exit status: 0 finished, 1 quit or failed, 2 bad usage or no terminal,\n"
	    "130 interrupted (Ctrl-C).\n"),
	.run = wizard_run,
};
