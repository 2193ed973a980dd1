/* prove-print.h: a prove_result as text and as JSON, for `smtls prove' and `smtls apply'. */
#ifndef SMTLS_CLI_PROVE_PRINT_H
#define SMTLS_CLI_PROVE_PRINT_H

#include <signal.h>
#include <stdio.h>

#include "cli.h"
#include "smtls/confirm.h"
#include "smtls/prove.h"

/*
 * What the proof saw, as lines: protocol and cipher, the served chain by fingerprint beside
 * the planned leaf and issuer, verification with the public roots, the CA names sent, the
 * candidate's TLS start-up lines and both directions' verify= of the test message.
 */
void prove_print_observations(FILE *f, const struct prove_result *r);
/* The live check after a restart: one line a listener (what it serves beside the plan). */
void live_print_listeners(FILE *f, const struct confirm_live_result *r);
/* The proof's members (passed, steps, tls, chain, ..., findings) into the open JSON object. */
void prove_json_members(struct json *j, const struct prove_result *r);
/*
 * SIGINT, SIGTERM and SIGHUP set the flag it returns (give it as the proof's cancel): the
 * proof stops early and cleans up, and nothing is installed; a second signal kills.
 */
volatile sig_atomic_t *prove_catch_signals(void);

#endif
