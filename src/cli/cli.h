/* cli.h: the subcommand table and the helpers that subcommands share. */
#ifndef SMTLS_CLI_H
#define SMTLS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "smtls/finding.h"
#include "smtls/plan.h"

/* Exit codes (DESIGN.md §3). */
enum {
	EXIT_DONE = 0,		/* done, no error finding */
	EXIT_FINDINGS = 1,	/* at least one error finding, or the command failed */
	EXIT_USAGE = 2,		/* could not run: bad usage or bad value */
};

struct cmd_entry {
	const char	*name;		/* "check", or "ca new" for a two-word command */
	const char	*usage;		/* argument synopsis after the name */
	const char	*summary;	/* one line for `smtls --help` (mark with N_) */
	int		(*run)(int argc, char **argv);	/* argv[0] is the command name */
};

extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_wizard_entry;
extern const struct cmd_entry cmd_emit_entry;
extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_explain_entry;
extern const struct cmd_entry cmd_probe_entry;
extern const struct cmd_entry cmd_selfsigned_entry;
extern const struct cmd_entry cmd_ca_new_entry;
extern const struct cmd_entry cmd_ca_issue_entry;
extern const struct cmd_entry cmd_csr_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_rehash_entry;
extern const struct cmd_entry cmd_letsencrypt_entry;
extern const struct cmd_entry cmd_hook_install_entry;

/* Settings flags shared by check, emit, apply and probe (DESIGN.md §3). */
struct cli_settings {
	struct tls_plan	 plan;
	bool		 json;
	bool		 any_file_flag;	/* a --server-cert/--ca-cert/... flag was given */
	char		*cf_m4;		/* --cf-m4 DIR, or NULL */
	bool		 at_given;
	/* an mc beside the cf in force: plan is the cf's (now), next the mc's (after a rebuild) */
	struct tls_plan	 next;
	bool		 has_next;
};

/* getopt_long ids of the settings flags; commands use values below 256 for their own. */
enum {
	OPT_LETSENCRYPT = 1000, OPT_SERVER_CERT, OPT_SERVER_KEY, OPT_CLIENT_CERT,
	OPT_CLIENT_KEY, OPT_NO_CLIENT_CERT, OPT_CA_CERT, OPT_CA_PATH, OPT_HOSTNAME, OPT_MC,
	OPT_CF, OPT_PUBLIC_ROOTS, OPT_SENDMAIL, OPT_AT, OPT_JSON, OPT_CF_M4, OPT_HELP,
};

#define SETTINGS_LONGOPTS \
	{ "letsencrypt", required_argument, NULL, OPT_LETSENCRYPT }, \
	{ "server-cert", required_argument, NULL, OPT_SERVER_CERT }, \
	{ "server-key", required_argument, NULL, OPT_SERVER_KEY }, \
	{ "client-cert", required_argument, NULL, OPT_CLIENT_CERT }, \
	{ "client-key", required_argument, NULL, OPT_CLIENT_KEY }, \
	{ "no-client-cert", no_argument, NULL, OPT_NO_CLIENT_CERT }, \
	{ "ca-cert", required_argument, NULL, OPT_CA_CERT }, \
	{ "ca-path", required_argument, NULL, OPT_CA_PATH }, \
	{ "hostname", required_argument, NULL, OPT_HOSTNAME }, \
	{ "mc", required_argument, NULL, OPT_MC }, \
	{ "cf", required_argument, NULL, OPT_CF }, \
	{ "cf-m4", required_argument, NULL, OPT_CF_M4 }, \
	{ "public-roots", required_argument, NULL, OPT_PUBLIC_ROOTS }, \
	{ "sendmail", required_argument, NULL, OPT_SENDMAIL }, \
	{ "at", required_argument, NULL, OPT_AT }, \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "help", no_argument, NULL, OPT_HELP }

/* Help text for the settings flags, for the commands' --help. */
extern const char settings_help[];

void settings_init(struct cli_settings *s);
/* Handles one settings option. Returns 1 when handled, 0 when not a settings option, -1 on a bad value (message printed). */
int settings_option(struct cli_settings *s, int opt, const char *arg);
/* Applies defaults after parsing: client cert/key from the server's, hostname. */
void settings_finish(struct cli_settings *s);
void settings_free(struct cli_settings *s);
/*
 * Reads the settings the flags leave unset from --mc (with m4), --cf, or, when no file flag,
 * --mc nor --cf is given, the system's sendmail.mc/.cf ($SMTLS_MAIL_DIR, default /etc/mail).
 * Adds findings (mc.*, cf.stale, file.*) to fs. With both an mc and a cf, the plan holds
 * the cf's settings (what sendmail does now) and s->next the mc's (after the next rebuild;
 * has_next). Returns 0; -1 when the mc/cf could not be
 * read or evaluated (the findings say why); -2 when there is nothing to read (message printed).
 */
int settings_load_config(struct cli_settings *s, struct findings *fs);

/* Prints "smtls: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "Try 'smtls CMD --help'." and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd);
/* Parses a whole decimal number from min to max; -1 (no message) when arg is anything else. */
int cli_parse_range(const char *arg, long min, long max, long *out);
/* The system's fully qualified host name (caller frees), or NULL. */
char *cli_fqdn(void);

/* JSON output. */
void json_string(FILE *f, const char *s);	/* a quoted, escaped string, or null */
void json_finding(FILE *f, const struct finding *fd);
void json_findings(FILE *f, const struct findings *fs);	/* "findings": [...], "errors": N, "warnings": N */

/* Human output: findings grouped by file, errors first, and a one-line verdict. */
bool cli_use_color(FILE *f);
void report_findings(FILE *f, const struct findings *fs, bool color, bool show_ok);
void report_verdict(FILE *f, const struct findings *fs, bool color);

#endif
