/* unit_emit.c: TAP tests of emit_build (DANE only for a sendmail that knows it) and emit_verify_cf. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "smtls/apply.h"
#include "smtls/emit.h"
#include "smtls/mc.h"

static int
verify(const struct emit_result *r, const char *cf_text, const char *want_in_err)
{
	struct cf_options cf;
	char *err = NULL;
	int rc, good;

	cf_parse(cf_text, &cf);
	rc = emit_verify_cf(r, &cf, &err);
	good = want_in_err == NULL ? rc == 0 : rc == -1 && err && strstr(err, want_in_err);
	if (!good)
		diag("rc %d err %s", rc, err ? err : "(none)");
	free(err);
	cf_options_free(&cf);
	return good;
}

int
main(void)
{
	struct tls_plan p;
	struct emit_options eo = { 0 };
	struct sendmail_info sm = { 0 };
	struct emit_result r;
	char *err = NULL, *top = getenv("top_srcdir"), sd[4096];

	/* the templates of the source tree (make check exports top_srcdir) */
	snprintf(sd, sizeof(sd), "%s/snippets", top ? top : ".");
	eo.snippets_dir = sd;
	eo.version = "test";
	eo.command = "smtls emit\n--evil";
	plan_init(&p, 0);
	plan_set(&p, PF_SERVER_CERT, "/e/cert.pem", NULL, 0);
	plan_set(&p, PF_DANE, "true", NULL, 0);

	sm.found = true;
	sm.path = (char *)"/usr/sbin/sendmail";
	sm.dane = false;
	ok(emit_build(&p, &eo, &sm, &r, &err) == -1 && err && strstr(err, "without DANE"),
	    "confDANE refused for a sendmail built without DANE");
	free(err);
	err = NULL;
	sm.dane = true;
	ok(emit_build(&p, &eo, &sm, &r, &err) == 0 && strstr(r.fragment, "define(`confDANE'"),
	    "confDANE written for a sendmail built with DANE");
	ok(strstr(r.fragment, "Equivalent command: smtls emit?--evil\n") != NULL,
	    "a newline in the command line cannot end the header comment");
	ok(r.nmacros == 2 && strcmp(r.macros[0], "confSERVER_CERT") == 0,
	    "the block's macros are listed for commenting out");
	emit_result_free(&r);
	plan_set(&p, PF_DANE, NULL, NULL, 0);

	p.no_client_cert = true;
	eo.group_readable_key = true;
	eo.smtps = true;
	ok(emit_build(&p, &eo, NULL, &r, &err) == 0, "emit with no sendmail known");
	ok(verify(&r, "O ServerCertFile=/e/cert.pem\nO DontBlameSendmail=safe,GroupReadableKeyFile\n"
	    "O DaemonPortOptions=Port=smtp\nO DaemonPortOptions=Port=465, Name=MTA-SMTPS, M=s\n",
	    NULL), "verify: a cf that holds everything");
	ok(verify(&r, "O ServerCertFile=/e/other.pem\nO DontBlameSendmail=GroupReadableKeyFile\n"
	    "O DaemonPortOptions=Port=465, Name=MTA-SMTPS, M=s\n", "ServerCertFile=/e/other.pem"),
	    "verify: another value is named");
	ok(verify(&r, "O DontBlameSendmail=GroupReadableKeyFile\n", "no ServerCertFile"),
	    "verify: a missing option is named");
	ok(verify(&r, "O ServerCertFile=/e/cert.pem\nO ClientCertFile=/x\n"
	    "O DontBlameSendmail=GroupReadableKeyFile\nO DaemonPortOptions=Port=465, Name=MTA-SMTPS, M=s\n",
	    "still sets ClientCertFile"), "verify: an option that must be absent");
	ok(verify(&r, "O ServerCertFile=/e/cert.pem\nO DontBlameSendmail=GroupReadableKeyFileX\n"
	    "O DaemonPortOptions=Port=465, Name=MTA-SMTPS, M=s\n", "without GroupReadableKeyFile"),
	    "verify: an item must be whole");
	ok(verify(&r, "O ServerCertFile=/e/cert.pem\nO DontBlameSendmail=GroupReadableKeyFile\n"
	    "O DaemonPortOptions=Port=smtps, Name=TLSMTA, M=s\n"
	    "O DaemonPortOptions=Port=465, Name=MTA-SMTPS, M=s\n", "2 DaemonPortOptions lines for port 465"),
	    "verify: a second listener on port 465 is refused");
	ok(verify(&r, "O ServerCertFile=/e/cert.pem\n#O ClientCertFile=/x\n"
	    "O DontBlameSendmail=GroupReadableKeyFile\n", "no DaemonPortOptions=Port=465"),
	    "verify: the 465 listener; a #O line does not count");
	emit_result_free(&r);

	{
		char *cl;

		eo.smtps_addr = "127.0.0.1";
		plan_set(&p, PF_SERVER_KEY, "/e/key.pem", NULL, 0);
		plan_set(&p, PF_CA_PATH, "/e/my certs", NULL, 0);
		plan_set(&p, PF_LOG_LEVEL, "12", NULL, 0);
		plan_set(&p, PF_TLS_SRV_OPTIONS, "V", NULL, 0);
		plan_set(&p, PF_SERVER_SSL_OPTIONS, emit_min_tls_options("1.2"), NULL, 0);
		cl = emit_command_line(&p, &eo, "apply", "/etc/mail/it's.mc");
		ok(strcmp(cl, "smtls apply --server-cert /e/cert.pem --server-key /e/key.pem "
		    "--ca-path '/e/my certs' --log-level 12 --no-client-cert --no-client-cert-request "
		    "--min-tls 1.2 --group-readable-key --smtps=127.0.0.1 --mc '/etc/mail/it'\\''s.mc'")
		    == 0, "the equivalent command line, quoted for the shell");
		free(cl);
	}
	plan_free(&p);
	plan_init(&p, 0);
	eo.group_readable_key = eo.smtps = false;
	/* what m4 computes for an mc that does not set it (origin: the mc, no line) is in force
	 * but never frozen into the block; a value a line sets is written */
	plan_set(&p, PF_SERVER_CERT, "/e/cert.pem", "/e/sendmail.mc", 0);
	plan_set(&p, PF_LOG_LEVEL, "9", "/e/sendmail.mc", 0);
	plan_set(&p, PF_CIPHER_LIST, "HIGH", "/e/sendmail.mc", 12);
	ok(emit_build(&p, &eo, NULL, &r, &err) == 0 && strstr(r.fragment, "confLOG_LEVEL") == NULL &&
	    strstr(r.fragment, "confSERVER_CERT") != NULL && strstr(r.fragment, "confCIPHER_LIST"),
	    "LogLevel computed by m4: not in the block; an included file name and a set option are");
	{
		char *cl = emit_command_line(&p, &eo, "apply", NULL);

		ok(strstr(cl, "--log-level") == NULL, "nor in the command line");
		free(cl);
	}
	emit_result_free(&r);
	plan_free(&p);
	plan_init(&p, 0);
	ok(emit_build(&p, &eo, NULL, &r, &err) == -1 && err && strstr(err, "nothing to write"),
	    "an empty plan gives no fragment");
	free(err);
	plan_free(&p);

	/* the MSP (submit.mc): FEATURE(`msp') live, its plan and its fragment */
	ok(mc_text_is_msp("divert(0)dnl\nFEATURE(`msp', `[127.0.0.1]', `25')dnl\n") &&
	    mc_text_is_msp("  FEATURE(msp)\n") &&
	    !mc_text_is_msp("dnl FEATURE(`msp')dnl\nFEATURE(`mspx')dnl\n") &&
	    !mc_text_is_msp("FEATURE(`access_db')dnl\n  dnl FEATURE(msp)\n") &&
	    mc_text_is_msp("FEATURE(`access_db')dnl\n#FEATURE(`msp')\n"),
	    "FEATURE(`msp') makes an MSP's mc (# does not disable it after cf.m4); dnl, or another feature, does not");
	{
		struct tls_plan mta, msp;
		struct apply_request rq;
		char *s;

		plan_init(&mta, 0);
		plan_set(&mta, PF_SERVER_CERT, "/etc/mail/tls/cert.pem", NULL, 0);
		plan_set(&mta, PF_SERVER_KEY, "/etc/mail/tls/key.pem", NULL, 0);
		plan_set(&mta, PF_CLIENT_CERT, "/etc/mail/tls/cert.pem", NULL, 0);
		plan_set(&mta, PF_CLIENT_KEY, "/etc/mail/tls/key.pem", NULL, 0);
		plan_set(&mta, PF_CA_CERT, "/etc/mail/tls/chain.pem", NULL, 0);
		plan_set(&mta, PF_CA_PATH, "/etc/ssl/certs", NULL, 0);
		plan_set(&mta, PF_DH_PARAMS, "/etc/mail/tls/dh.pem", NULL, 0);
		plan_msp_from(&mta, false, &msp);
		ok(msp.msp && plan_get(&msp, PF_SERVER_CERT) == NULL &&
		    plan_get(&msp, PF_DH_PARAMS) == NULL && plan_get(&msp, PF_CLIENT_KEY) == NULL &&
		    plan_get(&msp, PF_CA_PATH) != NULL, "the MSP's plan: CA settings, no server "
		    "setting, no defaulted client key");
		plan_free(&msp);
		plan_msp_from(&mta, true, &msp);
		ok(plan_get(&msp, PF_CLIENT_KEY) != NULL, "a client key given is the MSP's too");
		/* emit_build leaves server settings out of a plan that is the MSP's, whatever
		 * it holds */
		mta.msp = true;
		ok(emit_build(&mta, &eo, NULL, &r, &err) == 0 &&
		    strstr(r.fragment, "confSERVER_CERT") == NULL &&
		    strstr(r.fragment, "confDH_PARAMETERS") == NULL &&
		    strstr(r.fragment, "confCACERT_PATH") != NULL, "the MSP's fragment: no server setting");
		emit_result_free(&r);
		eo.smtps = true;
		ok(emit_build(&mta, &eo, NULL, &r, &err) == -1 && err && strstr(err, "MSP"),
		    "--smtps for the MSP is refused");
		eo.smtps = false;
		free(err);
		err = NULL;
		mta.msp = false;
		apply_request_init(&rq, &mta, &eo, NULL, "/etc/mail/sendmail.mc");
		rq.msp_plan = &msp;
		rq.msp_mc_path = "/etc/mail/submit.mc";
		s = apply_command_line("smtls apply", &rq, NULL, NULL);
		ok(strstr(s, " --submit-mc /etc/mail/submit.mc") != NULL,
		    "the equivalent command line names --submit-mc");
		free(s);
		plan_free(&msp);
		plan_free(&mta);
	}
	{
		/* every DHParameters value sendmail documents, and what it makes of the rest */
		static const struct { const char *v; int kind, bits; const char *kw; } good[] = {
			{ "none", DH_NONE, 0, "none" }, { "NONE", DH_NONE, 0, "none" },
			{ "i", DH_INCLUDED, 2048, "i" }, { "I", DH_INCLUDED, 2048, "i" },
			{ "5", DH_FIXED_512, 512, "512" }, { "512", DH_FIXED_512, 512, "512" },
			{ "1", DH_GEN_1024, 1024, "1024" }, { "1024", DH_GEN_1024, 1024, "1024" },
			{ "2", DH_GEN_2048, 2048, "2048" }, { "2048", DH_GEN_2048, 2048, "2048" },
			{ "/etc/mail/tls/sendmail-common.prm", DH_FILE, 0, "file" },
		};
		static const struct { const char *v, *want; } bad[] = {
			{ "2048/2", "would read it as 2048" }, { "1024/1", "would read it as 1024" },
			{ "nope", "would read it as none" }, { "4096", "illegal value" },
			{ "dh.pem", "illegal value" }, { "3", "illegal value" },
		};
		const struct tls_option *o = tls_option_by_field(PF_DH_PARAMS);
		struct dh_params dh;
		size_t i;

		for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			okf(dh_params_parse(good[i].v, &dh, &err) == 0 && (int)dh.kind == good[i].kind &&
			    dh.bits == good[i].bits && strcmp(dh.keyword, good[i].kw) == 0 &&
			    emit_check_value(o, good[i].v, &err) == 0,
			    "DHParameters '%s' is accepted as %s", good[i].v, good[i].kw);
		}
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int rc = emit_check_value(o, bad[i].v, &err);

			okf(rc == -1 && err && strstr(err, bad[i].v) && strstr(err, bad[i].want) &&
			    strstr(err, "none, i, 512 (or 5)"),
			    "DHParameters '%s' is refused, naming it and what is accepted", bad[i].v);
			if (rc != -1 || !err || !strstr(err, bad[i].want))
				diag("err: %s", err ? err : "(none)");
			free(err);
			err = NULL;
		}
		ok(emit_check_value(o, "/a/dh.pem,/b/dh.pem", &err) == -1, "a file pair is refused");
		free(err);
		err = NULL;
		{
			struct tls_plan dp;

			plan_init(&dp, 0);
			plan_set(&dp, PF_DH_PARAMS, "2048/2", "/etc/mail/tls/starttls.m4", 75);
			ok(emit_build(&dp, &eo, NULL, &r, &err) == -1 && err && strncmp(err,
			    "/etc/mail/tls/starttls.m4 line 75: confDH_PARAMETERS: '2048/2'", 62) == 0,
			    "a bad value read from a file names the file and line");
			free(err);
			err = NULL;
			plan_free(&dp);
		}
	}
	return tap_done();
}
