/* main.c: smtls entry point: locale, the subcommand table, --help and --version. */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "confirm-cli.h"
#include "smtls/i18n.h"
#include "smtls/journal.h"

static const struct cmd_entry *const cmd_table[] = {
	&cmd_check_entry,
	&cmd_wizard_entry,
	&cmd_emit_entry,
	&cmd_apply_entry,
	&cmd_explain_entry,
	&cmd_probe_entry,
	&cmd_prove_entry,
	&cmd_selfsigned_entry,
	&cmd_ca_new_entry,
	&cmd_ca_issue_entry,
	&cmd_csr_entry,
	&cmd_import_entry,
	&cmd_rehash_entry,
	&cmd_letsencrypt_entry,
	&cmd_hook_install_entry,
	&cmd_hook_copy_entry,
};
#define CMD_COUNT (sizeof(cmd_table) / sizeof(cmd_table[0]))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, _("Usage: %s [COMMAND] [OPTION]...\n"), PACKAGE);
	fputs(_("Set up STARTTLS for the sendmail MTA, and diagnose an existing setup.\n"
	    "With no COMMAND on a terminal, start the interactive wizard.\n\n"), f);
	fputs(_("Commands:\n"), f);
	for (i = 0; i < CMD_COUNT; i++)
		fprintf(f, "  %-14s %s\n", cmd_table[i]->name, _(cmd_table[i]->summary));
	fputs(_("\nOptions:\n"
	    "      --help     display this help and exit\n"
	    "      --version  output version information and exit\n\n"), f);
	fprintf(f, _("Run '%s COMMAND --help' for the options of a command; see smtls(8).\n"),
	    PACKAGE);
	fprintf(f, _("Exit status: 0 done, no error finding; 1 error findings or the command "
	    "failed; 2 bad usage.\n"));
	fprintf(f, _("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
}

static void
version(void)
{
	printf("%s %s\n", PACKAGE, PACKAGE_VERSION);
	puts("Copyright (C) 2026 The smtls authors.");
	puts(_("License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
	    "This is free software: you are free to change and redistribute it.\n"
	    "There is NO WARRANTY, to the extent permitted by law."));
}

static void
journal_notice(const char *msg, void *arg)
{
	(void)arg;
	cli_error("%s", msg);
}

/*
 * Before any command: an earlier run killed in the middle of writing a set of files (apply,
 * undo, keys and certificates) is completed or rolled back; one line says which.
 */
static void
recover_journals(void)
{
	struct journal_report rep;
	size_t i;

	journal_set_notice(journal_notice, NULL);
	journal_recover(NULL, &rep);
	for (i = 0; i < rep.n; i++) {
		char *m = journal_recovered_text(&rep.v[i]);

		cli_error("%s", m);
		free(m);
	}
	journal_report_free(&rep);
}

/* Matches "ca new" against argv[1] argv[2]; returns the number of words used, or 0. */
static int
cmd_match(const struct cmd_entry *c, int argc, char **argv)
{
	const char *sp = strchr(c->name, ' ');

	if (sp == NULL)
		return strcmp(c->name, argv[1]) == 0 ? 1 : 0;
	if (strncmp(c->name, argv[1], (size_t)(sp - c->name)) != 0 ||
	    argv[1][sp - c->name] != '\0')
		return 0;
	return argc > 2 && strcmp(sp + 1, argv[2]) == 0 ? 2 : 0;
}

#ifdef ENABLE_NLS
/* The catalogues: po/locale beside the binary when it runs from its build tree (make lays
 * them out there), else the installed ones. */
static void
bind_catalogues(void)
{
	static char dir[4096];
	struct stat st;
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	char *slash;

	if (n > 0) {
		dir[n] = '\0';
		slash = strrchr(dir, '/');
		if (slash != NULL && (size_t)(slash - dir) + sizeof("/po/locale") < sizeof(dir)) {
			strcpy(slash, "/po/locale");
			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
				bindtextdomain(PACKAGE, dir);
				return;
			}
		}
	}
	bindtextdomain(PACKAGE, LOCALEDIR);
}
#endif

int
main(int argc, char **argv)
{
	size_t i;
	int words;

	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	bind_catalogues();
	textdomain(PACKAGE);
#endif
	signal(SIGPIPE, SIG_IGN);

	if (argc < 2 || (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0 &&
	    strcmp(argv[1], "--version") != 0 && strcmp(argv[1], "-V") != 0))
		recover_journals();
	/* a timed rollback whose helper is gone (a reboot) gets a new one */
	if (argc >= 2 && strcmp(argv[1], "confirm-helper") != 0 && strcmp(argv[1], "--help") != 0 &&
	    strcmp(argv[1], "-h") != 0 && strcmp(argv[1], "--version") != 0 &&
	    strcmp(argv[1], "-V") != 0)
		confirm_cli_resume();
	if (argc < 2 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		char *wargv[] = { (char *)"wizard", NULL };

		journal_set_notice(NULL, NULL);	/* stderr under curses would garble the screen */
		return cmd_wizard_entry.run(1, wargv);
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_DONE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		version();
		return EXIT_DONE;
	}
	/* the timed rollback's detached helper (apply --confirm-within starts it) */
	if (strcmp(argv[1], "confirm-helper") == 0)
		return confirm_helper_main(argc - 1, argv + 1);
	for (i = 0; i < CMD_COUNT; i++) {
		if ((words = cmd_match(cmd_table[i], argc, argv)) > 0) {
			/* argv[0] of the command is its (last) name word */
			if (cmd_table[i] == &cmd_wizard_entry)
				journal_set_notice(NULL, NULL);	/* (curses) */
			return cmd_table[i]->run(argc - words, argv + words);
		}
	}
	/* a known first word of a two-word command without its second word */
	for (i = 0; i < CMD_COUNT; i++) {
		const char *sp = strchr(cmd_table[i]->name, ' ');

		if (sp && strncmp(cmd_table[i]->name, argv[1], (size_t)(sp - cmd_table[i]->name))
		    == 0 && argv[1][sp - cmd_table[i]->name] == '\0') {
			cli_error(_("'%s' needs a subcommand, e.g. '%s'"), argv[1], cmd_table[i]->name);
			return EXIT_USAGE;
		}
	}
	cli_error(_("unknown command '%s'"), argv[1]);
	fprintf(stderr, _("Try '%s --help'.\n"), PACKAGE);
	return EXIT_USAGE;
}
