/* check.h: the diagnosis engine: what sendmail and its peers will see with a plan's files. */
#ifndef SMTLS_CHECK_H
#define SMTLS_CHECK_H

#include "smtls/dh.h"
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

/* check_msp_relay against the MTA whose sendmail.cf is in the directory of msp_file (the
 * MSP's submit.mc or submit.cf); nothing when there is none. */
void check_msp_relay_beside(const char *msp_file, const struct tls_plan *msp,
    const struct sendmail_info *sm, struct findings *out);

/*
 * The MSP's configuration that goes with the MTA's mta_file (its sendmail.mc, or its
 * sendmail.cf): submit.mc in the same directory, when it exists and has FEATURE(`msp').
 * NULL otherwise (caller frees).
 */
char *check_submit_beside(const char *mta_file);

/*
 * The MSP's submit.mc at path, judged as `smtls check --mc PATH' judges it: its settings
 * (mc_load with m4_path and cf_dir, NULL: the defaults) through check_plan at base's time,
 * host name and public roots (and want_ok), and its relay: check_msp_relay against relay
 * (the MTA's settings, e.g. the sendmail.cf an apply builds), or, when relay is NULL, the
 * sendmail.cf beside path. Appends to out; returns -1 when the mc cannot be read or m4
 * fails on it (out says why), else 0.
 */
int check_msp_file(const char *path, const char *m4_path, const char *cf_dir,
    const struct tls_plan *base, const struct tls_plan *relay,
    const struct sendmail_info *sm, struct findings *out);

/*
 * The sendmail.cf in force decides what sendmail does now; the mc only what the next rebuild
 * gives. When they differ (cf.stale in now), now holds the findings of the cf's settings and
 * next those of the mc's: cf.stale becomes an error when the two differ in whether TLS works
 * (any error finding), and says which way; otherwise it stays a warning.
 */
void check_judge_stale(struct findings *now, const struct findings *next);

/* Whether the first certificate of the file path is the self-signed one Debian's update_tls
 * makes (the certificates cert.update-tls is said of). */
bool check_cert_is_update_tls(const char *path);


#endif
