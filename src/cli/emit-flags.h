/* emit-flags.h: the fragment options shared by `smtls emit' and `smtls apply'. */
#ifndef SMTLS_EMIT_FLAGS_H
#define SMTLS_EMIT_FLAGS_H

#include "cli.h"
#include "smtls/emit.h"
#include "smtls/sendmail.h"

enum {
	OPT_E_LOG_LEVEL = 200, OPT_E_NO_CCR, OPT_E_MIN_TLS, OPT_E_DH_PARAMS, OPT_E_SMTPS,
	OPT_E_GROUP_READABLE_KEY,
};

/* The fragment options, for emit and apply. */
extern const struct cmd_group emit_flags_group;

struct emit_flags {
	struct emit_options	 eo;
	bool			 any;		/* an option of the fragment was given */
	char			*command;	/* the command line, shell-quoted */
};

void emit_flags_init(struct emit_flags *ef, int argc, char **argv, const char *cmd);
/* 1 when handled, 0 when not one of these, -1 on a bad value (message printed). */
int emit_flags_option(struct emit_flags *ef, struct cli_settings *s, int opt, const char *arg);
/* One option of emit or apply: a fragment option, else a settings flag. 1 when handled, -1 (message printed) otherwise. */
int emit_flags_parse(struct emit_flags *ef, struct cli_settings *s, int opt, const char *arg);
/* -1 (message printed) when getopt left an operand. */
int emit_flags_no_operand(int argc, char **argv, const char *cmd);
/*
 * After parsing: refuses an operand and an empty choice, applies the settings' defaults,
 * refuses a value that cannot be written safely, and inspects the sendmail binary (sm).
 * Returns 0, -1 with the message printed (exit status 2), or -2 when --mc or --cf names a
 * file that cannot be used (message printed, exit status 1).
 */
int emit_flags_finish(struct emit_flags *ef, struct cli_settings *s, int argc, char **argv,
    const char *cmd, struct sendmail_info *sm);
/* Says on stderr which server settings the MSP's fragment (p->msp) leaves out, if any. */
void emit_flags_msp_note(const struct tls_plan *p, const char *cmd);
void emit_flags_free(struct emit_flags *ef);

#endif
