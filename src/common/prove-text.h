/* prove-text.h: what the proof saw, and what the live daemon serves after a restart, as text:
 * shown alike by `smtls prove', `smtls apply' and the wizard's Apply and countdown screens. Presentation shared by the front ends (src/cli, src/ui); no decision. */
#ifndef SMTLS_COMMON_PROVE_TEXT_H
#define SMTLS_COMMON_PROVE_TEXT_H

#include <stdio.h>

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

#endif
