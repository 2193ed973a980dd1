/* confirm-cli.h: apply's confirmation options (--restart-command, --confirm-within, --confirm) and the revert helper. */
#ifndef SMTLS_CONFIRM_CLI_H
#define SMTLS_CONFIRM_CLI_H

#include <stdbool.h>

#include "cli.h"
#include "smtls/apply.h"
#include "smtls/confirm.h"

struct confirm_cli {
	const char			*restart_command;	/* --restart-command */
	long				 wait_s;	/* --restart-wait */
	long long			 seconds;	/* --confirm-within, 0: none */
	bool				 keep;		/* --confirm */
	bool				 status;	/* --confirm-status */
	bool				 json;
	/* around the install: the core's live check and timed rollback */
	struct confirm_apply		 ca;
};

extern const struct cmd_group confirm_group;

void confirm_cli_init(struct confirm_cli *cc);
/* Handles one of confirm_group's options: 1 handled, 0 not one of them, -1 a bad value (said). */
int confirm_cli_option(struct confirm_cli *cc, int opt, const char *arg);
/* Before apply_run: fills rq's restart fields and arms the timed rollback; -1 (said) on failure. */
int confirm_cli_before(struct confirm_cli *cc, struct apply_request *rq);
/* After apply_run: the live check (with --restart) and the deadline; the exit status to use. */
int confirm_cli_after(struct confirm_cli *cc, const struct apply_request *rq,
    const struct apply_result *res, int rc);
/* Their members of apply's --json, and their human lines. */
void confirm_cli_json(struct json *j, const struct confirm_cli *cc);
void confirm_cli_human(const struct confirm_cli *cc);
/* 0 when no change awaits confirmation, else -1 (said, as JSON with --json: apply and undo
 * wait for it). */
int confirm_cli_idle(const struct confirm_cli *cc);
/* apply --confirm and --confirm-status: the exit status. */
int confirm_cli_keep(struct confirm_cli *cc);
void confirm_cli_free(struct confirm_cli *cc);

/* Before a command: a change awaiting confirmation whose helper is gone gets a new one (said). */
void confirm_cli_resume(void);
/* `smtls confirm-helper ID` (started by the timed rollback, not by hand). */
int confirm_helper_main(int argc, char **argv);

#endif
