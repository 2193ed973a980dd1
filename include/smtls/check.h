/* check.h: the diagnosis engine: what sendmail and its peers will see with a plan's files. */
#ifndef SMTLS_CHECK_H
#define SMTLS_CHECK_H

#include "smtls/finding.h"
#include "smtls/plan.h"
#include "smtls/sendmail.h"

/*
 * Runs every check of doc/design.md §4 that the plan's settings allow (a check runs on
 * whatever subset of settings is given). sm may be NULL when no sendmail binary is known;
 * then the build is assumed to read only the first certificate of a cert file (Debian).
 * Appends findings to out; never prints, never exits, judges time at plan->now.
 */
void check_plan(const struct tls_plan *plan, const struct sendmail_info *sm,
    struct findings *out);

#endif
