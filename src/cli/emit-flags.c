/* emit-flags.c: parsing of the fragment options (--log-level, --min-tls, --smtps, ...) for emit and apply. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emit-flags.h"
#include "smtls/emit.h"
#include "smtls/i18n.h"
#include "smtls/mc.h"
#include "smtls/xmalloc.h"

static const struct cmd_option emit_flags_options[] = {
	{ "log-level", 0, required_argument, N_("N"), OPT_E_LOG_LEVEL,
	  N_("confLOG_LEVEL (12 or more logs cert-subject, verifymsg)") },
	{ "no-client-cert-request", 0, no_argument, NULL, OPT_E_NO_CCR,
	  N_("ask clients for no certificate (TLSSrvOptions V)") },
	{ "min-tls", 0, required_argument, N_("1.2|1.3"), OPT_E_MIN_TLS,
	  N_("refuse older protocols (Server/ClientSSLOptions)") },
	{ "dh-params", 0, required_argument, N_("VALUE"), OPT_E_DH_PARAMS,
	  N_("Diffie-Hellman parameters (confDH_PARAMETERS): none, i, 512, 1024, 2048 or a file") },
	{ "smtps", 0, optional_argument, N_("ADDR"), OPT_E_SMTPS,
	  N_("also listen on port 465 with TLS from the first byte (M=s)") },
	{ "group-readable-key", 0, no_argument, NULL, OPT_E_GROUP_READABLE_KEY,
	  N_("add GroupReadableKeyFile to DontBlameSendmail, keeping its other flags (keys 0640 "
	  "root:smmsp)") },
	CMD_OPTIONS_END
};

const struct cmd_group emit_flags_group = {
	N_("Fragment options (each off unless given):"), emit_flags_options,
	N_("A certificate or key option may name two files, RSA and ECDSA: \"rsa.pem,ec.pem\".\n")
};

void
emit_flags_init(struct emit_flags *ef, int argc, char **argv, const char *cmd)
{
	struct buf b = { 0 };
	int i;

	memset(ef, 0, sizeof(*ef));
	buf_printf(&b, "%s %s", PACKAGE, cmd);
	for (i = 1; i < argc; i++) {
		buf_puts(&b, " ");
		emit_shell_word(&b, argv[i]);
	}
	ef->command = buf_release(&b);
	emit_options_init(&ef->eo, time(NULL));
	ef->eo.command = ef->command;
}

static int
set_checked(struct cli_settings *s, enum plan_field f, const char *flag, const char *arg)
{
	char *why;

	if (emit_check_value(tls_option_by_field(f), arg, &why) == -1) {
		cli_error("%s: %s", flag, why);
		free(why);
		return -1;
	}
	plan_set(&s->plan, f, arg, NULL, 0);
	return 1;
}

int
emit_flags_option(struct emit_flags *ef, struct cli_settings *s, int opt, const char *arg)
{
	const char *ssl;

	switch (opt) {
	case OPT_E_LOG_LEVEL:
		ef->any = true;
		return set_checked(s, PF_LOG_LEVEL, "--log-level", arg);
	case OPT_E_NO_CCR:
		ef->any = true;
		plan_set(&s->plan, PF_TLS_SRV_OPTIONS, "V", NULL, 0);
		return 1;
	case OPT_E_MIN_TLS:
		ef->any = true;
		if ((ssl = emit_min_tls_options(arg)) == NULL) {
			cli_error(_("--min-tls: '%s' is not 1.2 or 1.3"), arg);
			return -1;
		}
		plan_set(&s->plan, PF_SERVER_SSL_OPTIONS, ssl, NULL, 0);
		plan_set(&s->plan, PF_CLIENT_SSL_OPTIONS, ssl, NULL, 0);
		return 1;
	case OPT_E_DH_PARAMS:
		ef->any = true;
		return set_checked(s, PF_DH_PARAMS, "--dh-params", arg);
	case OPT_E_SMTPS:
		ef->any = true;
		ef->eo.smtps = true;
		ef->eo.smtps_addr = arg;
		return 1;
	case OPT_E_GROUP_READABLE_KEY:
		ef->any = true;
		ef->eo.group_readable_key = true;
		return 1;
	}
	return 0;
}

int
emit_flags_parse(struct emit_flags *ef, struct cli_settings *s, int opt, const char *arg)
{
	int h = emit_flags_option(ef, s, opt, arg);

	if (h == 0)
		h = settings_option(s, opt, arg);
	return h == 1 ? 1 : -1;
}

int
emit_flags_no_operand(int argc, char **argv, const char *cmd)
{
	if (optind < argc) {
		cli_error(_("%s: unexpected argument '%s'"), cmd, argv[optind]);
		return -1;
	}
	return 0;
}

void
emit_flags_msp_note(const struct tls_plan *p, const char *cmd)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < tls_options_count; i++)
		if (plan_field_server_only(tls_options[i].field) &&
		    plan_get(p, tls_options[i].field) != NULL)
			buf_printf(&b, "%s%s", b.len ? ", " : "", tls_options[i].macro);
	if (b.len > 0)
		fprintf(stderr, _("%s: note: %s is the MSP's configuration (FEATURE(`msp')), which "
		    "accepts no connections: %s left out\n"), cmd, p->mc_path ? p->mc_path :
		    "submit.mc", b.data);
	buf_free(&b);
}

int
emit_flags_finish(struct emit_flags *ef, struct cli_settings *s, int argc, char **argv,
    const char *cmd, struct sendmail_info *sm)
{
	const char *smpath;
	size_t i;

	if (emit_flags_no_operand(argc, argv, cmd) == -1)
		return -1;
	if (settings_check_targets(s, cmd) == -1)
		return -2;
	if (!s->any_file_flag && !ef->any) {
		cli_error(_("%s: nothing chosen; give the files (--server-cert, --letsencrypt, "
		    "...) or fragment options"), cmd);
		return -1;
	}
	settings_finish(s);
	/* an --mc with FEATURE(`msp') is submit.mc: the fragment is the MSP's */
	if (s->plan.mc_path != NULL && mc_file_is_msp(s->plan.mc_path, NULL) == 1)
		s->plan.msp = true;
	/*
	 * For emit and apply, --mc and --cf name the files to change, not a source of
	 * settings: the client certificate and key still default to the server's (not for
	 * the MSP, which runs as smmsp and cannot read the server's key).
	 */
	if (s->any_file_flag && !s->plan.no_client_cert && !s->plan.msp) {
		if (plan_get(&s->plan, PF_CLIENT_CERT) == NULL && plan_get(&s->plan, PF_SERVER_CERT))
			plan_set(&s->plan, PF_CLIENT_CERT, plan_get(&s->plan, PF_SERVER_CERT), NULL, 0);
		if (plan_get(&s->plan, PF_CLIENT_KEY) == NULL && plan_get(&s->plan, PF_SERVER_KEY))
			plan_set(&s->plan, PF_CLIENT_KEY, plan_get(&s->plan, PF_SERVER_KEY), NULL, 0);
	}
	for (i = 0; i < tls_options_count; i++) {
		const char *v = plan_get(&s->plan, tls_options[i].field);
		char *why;

		if (v != NULL && emit_check_value(&tls_options[i], v, &why) == -1) {
			cli_error("%s", why);
			free(why);
			return -1;
		}
	}
	if (s->plan.msp)
		emit_flags_msp_note(&s->plan, cmd);
	smpath = s->plan.sendmail_path ? s->plan.sendmail_path : sendmail_default_path();
	if (smpath != NULL)
		(void)sendmail_inspect(smpath, sm, NULL);
	return 0;
}

void
emit_flags_free(struct emit_flags *ef)
{
	free(ef->command);
	emit_options_free(&ef->eo);
	memset(ef, 0, sizeof(*ef));
}
