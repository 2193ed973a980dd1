/* plan.h: the TLS settings under consideration (struct tls_plan) and sendmail's names for them. */
#ifndef SMTLS_PLAN_H
#define SMTLS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Where a setting came from, for messages ("set in sendmail.mc line 12"). */
struct setting_origin {
	char	*file;		/* NULL for the command line */
	int	 line;		/* 0 when unknown */
};

enum plan_field {
	PF_SERVER_CERT,
	PF_SERVER_KEY,
	PF_CLIENT_CERT,
	PF_CLIENT_KEY,
	PF_CA_CERT,
	PF_CA_PATH,
	PF_CRL,
	PF_CRL_PATH,
	PF_DH_PARAMS,
	PF_CIPHER_LIST,
	PF_SERVER_SSL_OPTIONS,
	PF_CLIENT_SSL_OPTIONS,
	PF_TLS_SRV_OPTIONS,
	PF_TO_STARTTLS,
	PF_DANE,
	PF_LOG_LEVEL,
	PF_DONT_BLAME,
	PF_COUNT
};

/* One sendmail TLS option: its m4 macro, its cf option name and the plan field it fills. */
struct tls_option {
	enum plan_field	 field;
	const char	*macro;		/* "confCACERT_PATH" */
	const char	*cf_name;	/* "CACertPath" */
	bool		 is_path;	/* a file or directory name (comma-separated pairs allowed) */
	bool		 tls;		/* a TLS option (scanned for dnl/duplicates) */
	const char	*what;		/* short description (untranslated; mark with N_) */
};

extern const struct tls_option tls_options[];
extern const size_t tls_options_count;
const struct tls_option *tls_option_by_macro(const char *macro);
const struct tls_option *tls_option_by_cf(const char *cf_name);
const struct tls_option *tls_option_by_field(enum plan_field f);

struct tls_plan {
	char			*value[PF_COUNT];	/* NULL = not set */
	struct setting_origin	 origin[PF_COUNT];
	bool			 no_client_cert;	/* --no-client-cert: deliver without a client certificate */
	char			*hostname;		/* our FQDN, checked against the certificate */
	char			*public_roots;		/* file or dir peers are assumed to trust */
	char			*mc_path;		/* sendmail.mc the settings came from, or NULL */
	char			*cf_path;		/* sendmail.cf to compare with, or NULL */
	char			*sendmail_path;		/* the sendmail binary, or NULL */
	char			*trusted_user;		/* the cf's TrustedUser (a name or uid), or NULL */
	time_t			 now;			/* judge validity at this time */
	bool			 want_ok;		/* check_plan() also adds SEV_OK findings for passed checks */
	/* the MSP's configuration (submit.mc/submit.cf, FEATURE(`msp')): sendmail as a client
	 * only, submitting to its relay as user smmsp; server settings mean nothing there */
	bool			 msp;
	/* the MSP's only: the key files its MTA reads too, comma-separated, when the plan's
	 * maker knows that MTA (apply of both, a relay given); NULL: the sendmail.cf beside */
	char			*mta_keys;
};

void plan_init(struct tls_plan *p, time_t now);
void plan_set(struct tls_plan *p, enum plan_field f, const char *value, const char *file, int line);
const char *plan_get(const struct tls_plan *p, enum plan_field f);
/* The value as a line of the mc (or the cf, or the command line) sets it; NULL when it is
 * only what m4 computes for an mc that does not set it (LogLevel 9, DontBlameSendmail). */
const char *plan_get_written(const struct tls_plan *p, enum plan_field f);
void plan_free(struct tls_plan *p);
/* msp->mta_keys from the MTA's plan: its ServerKeyFile and ClientKeyFile. */
void plan_set_mta_keys(struct tls_plan *msp, const struct tls_plan *mta);
/* What from says of sendmail itself besides the TLS fields (its TrustedUser), into to where
 * to says nothing: a plan made of flags over the mc's keeps it. */
void plan_fill_sendmail(struct tls_plan *to, const struct tls_plan *from);

/* True for a setting only a listening daemon uses (server cert and key, DH parameters,
 * server SSL and TLS options): the MSP (submit.cf) never accepts connections. */
bool plan_field_server_only(enum plan_field f);
/*
 * The plan for the MSP (submit.mc) that goes with the MTA's plan mta: its trust store and
 * client-side options, no server setting. The client certificate and key are copied only
 * when with_client_cert (the MSP runs as smmsp and cannot read a key only root can read,
 * so the MTA's defaults are not the MSP's); --no-client-cert carries over.
 */
void plan_msp_from(const struct tls_plan *mta, bool with_client_cert, struct tls_plan *msp);

#endif
