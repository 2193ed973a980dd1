/* prove-text.h: what the proof saw, and what the live daemon serves after a restart, as text:
 * shown alike by `smtls prove', `smtls apply' and the wizard's Apply and countdown screens. Presentation shared by the front ends (src/cli, src/ui); no decision. */
#ifndef SMTLS_COMMON_PROVE_TEXT_H
#define SMTLS_COMMON_PROVE_TEXT_H

#include <stdio.h>

#include <stdbool.h>

#include "smtls/apply.h"
#include "smtls/confirm.h"
#include "smtls/prove.h"

/*
 * What the proof saw, as lines: protocol and cipher, the served chain by fingerprint beside
 * the planned leaf and issuer, verification with the public roots, the CA names sent, the
 * candidate's TLS start-up lines and both directions' verify= of the test message.
 */
void prove_print_observations(FILE *f, const struct prove_result *r);
/*
 * Apply's prove step as shown: its detail (the core's words), and when the core skipped it
 * although the proof was wanted because no sendmail binary was found (why, as the core's
 * progress or apply_result gave it), what was therefore not proven and what to do. Caller
 * frees; NULL when there is nothing to show.
 */
char *prove_step_text(enum apply_state state, const char *detail, enum apply_prove_skip why);
/* The same as a string (caller frees), or NULL when there is nothing to say. */
char *prove_observations_text(const struct prove_result *r);
/* The live check after a restart: one line a listener (what it serves beside the plan). */
void live_print_listeners(FILE *f, const struct confirm_live_result *r);
/*
 * The live check's verdict, one sentence without a line end ("confirmed: ...", "NOT
 * confirmed: ..."), for the CLI and the wizard alike; *bad: it is an error (the restarted
 * sendmail is not proven to serve the plan). Caller frees.
 */
char *live_verdict(const struct confirm_live_result *r, bool *bad);
/* The listeners' lines, then the verdict (an error marked as one): the wizard's text of the
 * live check. Caller frees; NULL on failure. */
char *live_check_text(const struct confirm_live_result *r);

#endif
