/* prove-print.h: a prove_result as JSON, and the proof's signal catcher, for `smtls prove' and
 * `smtls apply' (its text, shared with the wizard, is in src/common/prove-text.h). */
#ifndef SMTLS_CLI_PROVE_PRINT_H
#define SMTLS_CLI_PROVE_PRINT_H

#include <signal.h>
#include <stdio.h>

#include "cli.h"
#include "../common/prove-text.h"
#include "smtls/prove.h"

/* The proof's members (passed, steps, tls, chain, ..., findings) into the open JSON object. */
void prove_json_members(struct json *j, const struct prove_result *r);
/*
 * SIGINT, SIGTERM and SIGHUP set the flag it returns (give it as the proof's cancel): the
 * proof stops early and cleans up, and nothing is installed; a second signal kills.
 */
volatile sig_atomic_t *prove_catch_signals(void);

#endif
