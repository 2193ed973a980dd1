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

/*
 * The MSP (msp, from submit.mc/submit.cf) submits to the local MTA whose settings are mta:
 * adds msp.relay-unverified when the chain the MTA serves (its server certificate, completed
 * from its own CACertFile/CACertPath) does not verify against the MSP's CACertFile and
 * CACertPath at msp->now, as sendmail's verify=FAIL would say. sm may be NULL.
 */
void check_msp_relay(const struct tls_plan *msp, const struct tls_plan *mta,
    const struct sendmail_info *sm, struct findings *out);

/*
 * The sendmail.cf in force decides what sendmail does now; the mc only what the next rebuild
 * gives. When they differ (cf.stale in now), now holds the findings of the cf's settings and
 * next those of the mc's: cf.stale becomes an error when the two differ in whether TLS works
 * (any error finding), and says which way; otherwise it stays a warning.
 */
void check_judge_stale(struct findings *now, const struct findings *next);

#endif
