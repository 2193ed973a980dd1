/* udiff.h: unified diffs of two texts, for `apply --dry-run' and the wizard's preview. */
#ifndef SMTLS_UDIFF_H
#define SMTLS_UDIFF_H

/*
 * The unified diff (3 lines of context) turning text a into text b, with the labels on
 * the ---/+++ lines; "" when they are equal. Caller frees.
 */
char *udiff(const char *a, const char *b, const char *label_a, const char *label_b);

#endif
