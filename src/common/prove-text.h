/* prove-text.h: what the proof saw, as text: shown alike by `smtls prove', `smtls apply' and the
 * wizard's Apply screen. Presentation shared by the front ends (src/cli, src/ui); no decision. */
#ifndef SMTLS_COMMON_PROVE_TEXT_H
#define SMTLS_COMMON_PROVE_TEXT_H

#include <stdio.h>

#include "smtls/prove.h"

/*
 * What the proof saw, as lines: protocol and cipher, the served chain by fingerprint beside
 * the planned leaf and issuer, verification with the public roots, the CA names sent, the
 * candidate's TLS start-up lines and both directions' verify= of the test message.
 */
void prove_print_observations(FILE *f, const struct prove_result *r);

#endif
