/* cli.h: the subcommand table and the helpers that subcommands share. */
#ifndef SMTLS_CLI_H
#define SMTLS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "smtls/finding.h"
#include "smtls/plan.h"

/* Exit codes (doc/design.md §3). */
enum {
	EXIT_DONE = 0,		/* done, no error finding */
	EXIT_FINDINGS = 1,	/* at least one error finding, or the command failed */
	EXIT_USAGE = 2,		/* could not run: bad usage or bad value */
};

/*
 * One option of a command: the single source of its getopt_long entry and of its line in
 * the command's --help, so that neither can exist without the other.
 */
struct cmd_option {
	const char	*name;		/* the long name, without "--" */
	char		 short_name;	/* its one-letter form, or 0 */
	int		 has_arg;	/* no_argument, required_argument or optional_argument */
	const char	*arg;		/* the argument's name in the help (N_), or NULL */
	int		 id;		/* what cmd_getopt returns for it */
	const char	*help;		/* what it does (N_), one sentence, wrapped by the help */
};
#define CMD_OPTIONS_END	{ NULL, 0, 0, NULL, 0, NULL }

/* A list of options in the help, shared by several commands or a command's own. */
struct cmd_group {
	const char		*title;		/* "Settings:" (N_), or NULL to continue the list */
	const struct cmd_option	*options;	/* ends with CMD_OPTIONS_END */
	const char		*note;		/* text after the options (N_), or NULL */
};

struct cmd_entry {
	const char	*name;		/* "check", or "ca new" for a two-word command */
	const char	*usage;		/* argument synopsis after the name (N_) */
	const char	*summary;	/* one line for `smtls --help` (N_) */
	const char	*description;	/* the paragraphs after the usage line (N_) */
	const struct cmd_group *const *groups;	/* its options in help order, NULL-terminated */
	const char	*footer;	/* text after the options: notes, exit status (N_) */
	int		(*run)(int argc, char **argv);	/* argv[0] is the command name */
};

/* The id cmd_getopt returns for --help, which every command has. */
#define CMD_OPT_HELP	2000
/*
 * The next option of argv by the entry's table, like getopt_long (start with optind = 1):
 * its id, CMD_OPT_HELP, '?' after getopt's message, or -1 at the end.
 */
int cmd_getopt(const struct cmd_entry *e, int argc, char **argv);
/* Prints the command's --help, made from its entry. */
void cmd_help(const struct cmd_entry *e, FILE *f);

extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_wizard_entry;
extern const struct cmd_entry cmd_emit_entry;
extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_explain_entry;
extern const struct cmd_entry cmd_probe_entry;
extern const struct cmd_entry cmd_prove_entry;
extern const struct cmd_entry cmd_selfsigned_entry;
extern const struct cmd_entry cmd_ca_new_entry;
extern const struct cmd_entry cmd_ca_issue_entry;
extern const struct cmd_entry cmd_csr_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_rehash_entry;
extern const struct cmd_entry cmd_letsencrypt_entry;
extern const struct cmd_entry cmd_hook_install_entry;
extern const struct cmd_entry cmd_hook_copy_entry;

/* Settings flags shared by check, emit, apply and probe (doc/design.md §3). */
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
	OPT_CF, OPT_PUBLIC_ROOTS, OPT_SENDMAIL, OPT_AT, OPT_JSON, OPT_CF_M4,
};

/* The settings flags, for the commands that take them. */
extern const struct cmd_group settings_group;

void settings_init(struct cli_settings *s);
/* Handles one settings option. Returns 1 when handled, 0 when not a settings option, -1 on a bad value (message printed). */
int settings_option(struct cli_settings *s, int opt, const char *arg);
/* Applies defaults after parsing: client cert/key from the server's, hostname. */
void settings_finish(struct cli_settings *s);
/*
 * For the commands that change the files --mc and --cf name (emit, apply, the wizard):
 * the mc must be a readable regular file; the cf may be missing (it is built), but when
 * it exists it must be one. Returns 0, or -1 with a message naming the file and why
 * (exit status 1).
 */
int settings_check_targets(const struct cli_settings *s, const char *cmd);
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

/*
 * The MSP's submit.mc that goes with the MTA's mc (mta_mc, may be NULL): given (--submit-mc
 * FILE), which must be the MSP's (FEATURE(`msp')); none when no (--no-submit-mc) or when
 * mta_is_msp (--mc is itself the MSP's); else check_submit_beside(mta_mc). Returns 0 with
 * *out (caller frees; NULL: none), or EXIT_USAGE/EXIT_FINDINGS after a message naming cmd
 * and the file (--submit-mc with an --mc that is the MSP's is bad usage too).
 */
int settings_submit_mc(const char *cmd, const char *given, bool no, const char *mta_mc,
    bool mta_is_msp, char **out);

/* Prints "smtls: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "Try 'smtls CMD --help'." and returns EXIT_USAGE. */
int cli_usage_error(const struct cmd_entry *e);
/* Parses a whole decimal number from min to max; -1 (no message) when arg is anything else. */
int cli_parse_range(const char *arg, long min, long max, long *out);
/* The system's fully qualified host name (caller frees), or NULL. */
char *cli_fqdn(void);

/*
 * JSON output: one small writer for every --json. Values are written in order into the
 * open object or array; key is the member's name inside an object and NULL inside an array
 * (or for the outermost value). Strings are escaped for JSON and made valid UTF-8: a byte
 * that is not part of valid UTF-8 is written as the character of its Latin-1 reading
 * (\u00XX), so nothing is lost and legacy Latin-1 text reads right; control characters
 * and DEL are escaped.
 */
#define JSON_DEPTH_MAX	8
struct json {
	FILE	*f;
	int	 depth;
	bool	 first[JSON_DEPTH_MAX];	/* nothing written yet in the container */
	bool	 lines[JSON_DEPTH_MAX];	/* one member per line */
	char	 close[JSON_DEPTH_MAX];
};
void json_init(struct json *j, FILE *f);
/* Opens an object or array; lines puts each member on a line of its own. */
void json_object(struct json *j, const char *key, bool lines);
void json_array(struct json *j, const char *key, bool lines);
/* Closes the innermost object or array; a newline after the outermost. */
void json_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);	/* null when s is NULL */
void json_strn(struct json *j, const char *key, const char *s, size_t n);
void json_int(struct json *j, const char *key, long long v);
void json_uint(struct json *j, const char *key, unsigned long long v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* A finding as {"id", "severity", "file", "message", "fix"}. */
void json_finding(struct json *j, const char *key, const struct finding *fd);
/* The members "findings": [...], "errors": N, "warnings": N. */
void json_findings(struct json *j, const struct findings *fs);
/* "dh_params": {value, kind (none, i, 512, 1024, 2048, file; null when not one), bits}; null when unset */
void json_dh_params(struct json *j, const char *value);
/* "options": every set option of the plan, each {option, macro, value, file, line}: where it
 * came from (the mc or a file it includes and the line; the cf; null for the command line) */
void json_plan_options(struct json *j, const struct tls_plan *p);

/* Human output: findings grouped by file, errors first, and a one-line verdict. */
bool cli_use_color(FILE *f);
void report_findings(FILE *f, const struct findings *fs, bool color, bool show_ok);
void report_verdict(FILE *f, const struct findings *fs, bool color);

#endif
