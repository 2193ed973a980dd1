/* check-int.h: what the check-*.c files of the diagnosis engine share (not public API). */
#ifndef SMTLS_CHECK_INT_H
#define SMTLS_CHECK_INT_H

#include <stdbool.h>

#include "smtls/cert.h"
#include "smtls/chain.h"
#include "smtls/check.h"

struct check_ctx {
	const struct tls_plan		*plan;
	const struct sendmail_info	*sm;
	struct findings			*out;
	struct trust			*store;		/* CACertFile + CACertPath, as sendmail loads them */
	struct trust			*pub;		/* --public-roots; NULL when unreadable */
	bool				 chain_file;	/* this build sends the cert file's own chain */
	bool				 group_readable_key;	/* DontBlameSendmail=GroupReadableKeyFile */
	bool				 trust_sticky;		/* DontBlameSendmail=TrustStickyBit */
	bool				 group_writable_dir;	/* DontBlameSendmail=GroupWritableDirPathSafe */
};

/* Turns a load failure of cert.h into its finding (file.missing, file.not-pem, ...). */
void check_load_error(struct check_ctx *c, enum plan_field f, enum load_status ls,
    const char *path, const char *err);
/* "server" or "client": the side sendmail names in its log lines for this setting (the
 * MSP loads every file as a client). */
const char *check_side(const struct check_ctx *c, enum plan_field f);
/* The cf a fix rebuilds: "submit.cf" for the MSP, else "sendmail.cf". */
const char *check_cf_name(const struct check_ctx *c);
/* "confSERVER_CERT" for messages and fixes. */
const char *check_macro(enum plan_field f);
/* sendmail's file-safety rules: file.unsafe, key.readable (is_key). */
void check_file_safety(struct check_ctx *c, enum plan_field f, const char *path, bool is_key);
/* The file DHParameters names: refused by sendmail (dh.file-unusable), no DH parameters in
 * PEM (dh.not-dh), fewer than DH_MIN_BITS (dh.weak). */
void check_dh_file(struct check_ctx *c, const char *path);
/* Certificate and key of one identity: fc/fk are PF_SERVER_* or PF_CLIENT_*. */
void check_identity(struct check_ctx *c, enum plan_field fc, enum plan_field fk);
/* CACertFile and CACertPath: store.* findings. */
void check_stores(struct check_ctx *c);
/* The MSP's configuration (plan->msp): msp.server-setting, msp.no-ca, msp.key-unreadable. */
void check_msp(struct check_ctx *c);
/* Emits an ok finding (the wizard's green marks) when the plan asks for them. */
void check_ok(struct check_ctx *c, const char *id, const char *file, const char *msg);

#endif
