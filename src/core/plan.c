/* plan.c: the table of sendmail's TLS options and the plan that holds their values. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/i18n.h"
#include "smtls/plan.h"
#include "smtls/xmalloc.h"

const struct tls_option tls_options[] = {
	{ PF_SERVER_CERT, "confSERVER_CERT", "ServerCertFile", true, true, N_("our certificate, shown to clients") },
	{ PF_SERVER_KEY, "confSERVER_KEY", "ServerKeyFile", true, true, N_("the private key of our server certificate") },
	{ PF_CLIENT_CERT, "confCLIENT_CERT", "ClientCertFile", true, true, N_("our certificate when we deliver to other servers") },
	{ PF_CLIENT_KEY, "confCLIENT_KEY", "ClientKeyFile", true, true, N_("the private key of our client certificate") },
	{ PF_CA_CERT, "confCACERT", "CACertFile", true, true, N_("our issuer (intermediate); its name is sent to clients as an acceptable CA") },
	{ PF_CA_PATH, "confCACERT_PATH", "CACertPath", true, true, N_("hashed directory of trusted roots for verifying peers") },
	{ PF_CRL, "confCRL", "CRLFile", true, true, N_("certificate revocation list file") },
	{ PF_CRL_PATH, "confCRL_PATH", "CRLPath", true, true, N_("directory of certificate revocation lists") },
	{ PF_DH_PARAMS, "confDH_PARAMETERS", "DHParameters", true, true, N_("Diffie-Hellman parameters") },
	{ PF_CIPHER_LIST, "confCIPHER_LIST", "CipherList", false, true, N_("OpenSSL cipher list") },
	{ PF_SERVER_SSL_OPTIONS, "confSERVER_SSL_OPTIONS", "ServerSSLOptions", false, true, N_("OpenSSL options for the server side") },
	{ PF_CLIENT_SSL_OPTIONS, "confCLIENT_SSL_OPTIONS", "ClientSSLOptions", false, true, N_("OpenSSL options for the client side") },
	{ PF_TLS_SRV_OPTIONS, "confTLS_SRV_OPTIONS", "TLSSrvOptions", false, true, N_("server TLS options (V: ask clients for no certificate)") },
	{ PF_TO_STARTTLS, "confTO_STARTTLS", "Timeout.starttls", false, true, N_("timeout for the STARTTLS handshake") },
	{ PF_DANE, "confDANE", "DANE", false, true, N_("DANE support") },
	{ PF_LOG_LEVEL, "confLOG_LEVEL", "LogLevel", false, false, N_("log level (12 or more logs cert-subject and verifymsg)") },
	{ PF_DONT_BLAME, "confDONT_BLAME_SENDMAIL", "DontBlameSendmail", false, false, N_("file safety exceptions (GroupReadableKeyFile, TrustStickyBit)") },
};
const size_t tls_options_count = sizeof(tls_options) / sizeof(tls_options[0]);

const struct tls_option *
tls_option_by_macro(const char *macro)
{
	size_t i;

	for (i = 0; i < tls_options_count; i++)
		if (strcmp(tls_options[i].macro, macro) == 0)
			return &tls_options[i];
	return NULL;
}

const struct tls_option *
tls_option_by_cf(const char *cf_name)
{
	size_t i;

	for (i = 0; i < tls_options_count; i++)
		if (strcmp(tls_options[i].cf_name, cf_name) == 0)
			return &tls_options[i];
	return NULL;
}

const struct tls_option *
tls_option_by_field(enum plan_field f)
{
	size_t i;

	for (i = 0; i < tls_options_count; i++)
		if (tls_options[i].field == f)
			return &tls_options[i];
	return NULL;
}

void
plan_init(struct tls_plan *p, time_t now)
{
	memset(p, 0, sizeof(*p));
	p->now = now;
}

void
plan_set(struct tls_plan *p, enum plan_field f, const char *value, const char *file, int line)
{
	free(p->value[f]);
	free(p->origin[f].file);
	p->value[f] = value ? xstrdup(value) : NULL;
	p->origin[f].file = file ? xstrdup(file) : NULL;
	p->origin[f].line = line;
}

const char *
plan_get(const struct tls_plan *p, enum plan_field f)
{
	return p->value[f];
}

/*
 * m4 fills in some options that no line of the sendmail.mc sets (LogLevel 9 from proto.m4,
 * DontBlameSendmail from OSTYPE): their origin is the mc with no line. They are in force
 * but nobody chose them: a block that wrote them would freeze today's computed value.
 * File names are never computed (m4 has no default certificate): one from an included file
 * counts as written.
 */
static bool
computed(const struct tls_plan *p, enum plan_field f)
{
	const struct tls_option *o = tls_option_by_field(f);

	return p->value[f] != NULL && p->origin[f].file != NULL && p->origin[f].line == 0 &&
	    o != NULL && !o->is_path;
}

const char *
plan_get_written(const struct tls_plan *p, enum plan_field f)
{
	return computed(p, f) ? NULL : p->value[f];
}

void
plan_set_mta_keys(struct tls_plan *msp, const struct tls_plan *mta)
{
	const char *sk = plan_get(mta, PF_SERVER_KEY), *ck = plan_get(mta, PF_CLIENT_KEY);

	free(msp->mta_keys);
	msp->mta_keys = sk == NULL && ck == NULL ? NULL :
	    xstrprintf("%s%s%s", sk ? sk : "", sk && ck ? "," : "", ck ? ck : "");
}

void
plan_fill_sendmail(struct tls_plan *to, const struct tls_plan *from)
{
	if (to->trusted_user == NULL && from->trusted_user != NULL)
		to->trusted_user = xstrdup(from->trusted_user);
}

void
plan_free(struct tls_plan *p)
{
	int i;

	for (i = 0; i < PF_COUNT; i++) {
		free(p->value[i]);
		free(p->origin[i].file);
	}
	free(p->hostname);
	free(p->public_roots);
	free(p->mc_path);
	free(p->cf_path);
	free(p->sendmail_path);
	free(p->trusted_user);
	free(p->mta_keys);
	memset(p, 0, sizeof(*p));
}

bool
plan_field_server_only(enum plan_field f)
{
	return f == PF_SERVER_CERT || f == PF_SERVER_KEY || f == PF_DH_PARAMS ||
	    f == PF_SERVER_SSL_OPTIONS || f == PF_TLS_SRV_OPTIONS;
}

void
plan_msp_from(const struct tls_plan *mta, bool with_client_cert, struct tls_plan *msp)
{
	int f;

	plan_init(msp, mta->now);
	for (f = 0; f < PF_COUNT; f++) {
		if (mta->value[f] == NULL || plan_field_server_only((enum plan_field)f) ||
		    f == PF_DONT_BLAME)
			continue;
		if (!with_client_cert && (f == PF_CLIENT_CERT || f == PF_CLIENT_KEY))
			continue;
		plan_set(msp, (enum plan_field)f, mta->value[f], mta->origin[f].file,
		    mta->origin[f].line);
	}
	msp->no_client_cert = mta->no_client_cert;
	msp->want_ok = mta->want_ok;
	msp->msp = true;
	plan_set_mta_keys(msp, mta);
#define MSP_STR(x)	msp->x = mta->x ? xstrdup(mta->x) : NULL
	MSP_STR(hostname);
	MSP_STR(public_roots);
	MSP_STR(sendmail_path);
#undef MSP_STR
}
