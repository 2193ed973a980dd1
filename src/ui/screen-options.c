/* screen-options.c: client certificate, asking clients for theirs, TLS versions, log level. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "smtls/cert.h"
#include "smtls/emit.h"
#include "smtls/i18n.h"
#include "wizard.h"

enum { OPT_CLIENT = 1, OPT_ASK, OPT_MIN_TLS, OPT_LOG_KEEP, OPT_LOG_9, OPT_LOG_14, OPT_465 };

static void
options_build(struct wizard *w)
{
	struct wiz_item *it;
	/* the core's judgement, as check's cert.no-client-auth */
	int client_ok = w->m.client_auth;

	it = wiz_item_add(w, WI_TOGGLE, OPT_CLIENT, 1, 'c',
	    _("Send our certificate when delivering"));
	it->on = w->m.client_cert;
	it->help = N_("confCLIENT_CERT/confCLIENT_KEY: the certificate we show when we deliver "
	    "to other servers. Off is normal: few servers ask for one. Let's Encrypt "
	    "certificates no longer have the clientAuth purpose (since 2026-02-11).");
	if (client_ok == 0)
		wiz_item_note(it, _("off by default: this certificate is not for clientAuth"));
	it = wiz_item_add(w, WI_TOGGLE, OPT_ASK, 1, 'a', _("Ask clients for a certificate"));
	it->on = w->m.ask_client;
	it->help = N_("confTLS_SRV_OPTIONS: without V sendmail asks every client for a "
	    "certificate (and logs verify=OK/FAIL); with V it asks none, which some broken "
	    "clients need.");
	it = wiz_item_add(w, WI_TOGGLE, OPT_MIN_TLS, 1, 't', _("Refuse TLS older than 1.2"));
	it->on = w->m.min_tls != 0;
	it->help = N_("confSERVER_SSL_OPTIONS and confCLIENT_SSL_OPTIONS: +SSL_OP_NO_TLSv1 "
	    "+SSL_OP_NO_TLSv1_1. Mail to and from very old servers then goes without TLS.");
	it = wiz_item_add(w, WI_TOGGLE, OPT_465, 1, 'p', _("Also listen on port 465 (SMTPS)"));
	it->on = w->m.smtps;
	it->help = N_("A second daemon with TLS from the first byte (DAEMON_OPTIONS with M=s), "
	    "for mail programs that submit on port 465.");
	/* Tab: from the boxes to the log levels, then to the buttons */
	it = wiz_item_add(w, WI_CHOICE, OPT_LOG_KEEP, 2, 'k', _("Log level: keep"));
	it->on = w->m.log_level == 0;
	it->help = N_("confLOG_LEVEL: 9 logs verify= for every TLS connection; 14 also the "
	    "certificate names and why a verification failed (for smtls explain).");
	it = wiz_item_add(w, WI_CHOICE, OPT_LOG_9, 2, '9', _("Log level: 9"));
	it->on = w->m.log_level == 9;
	it->help = it[-1].help;
	it = wiz_item_add(w, WI_CHOICE, OPT_LOG_14, 2, '4', _("Log level: 14 (certificate details)"));
	it->on = w->m.log_level == 14;
	it->help = it[-1].help;
}

static enum wiz_key_result
options_activate(struct wizard *w, struct wiz_item *it)
{
	char lv[8];

	switch (it->id) {
	case OPT_CLIENT:
		w->m.client_cert = !w->m.client_cert;
		w->m.plan.no_client_cert = !w->m.client_cert;
		wiz_set_field(w, PF_CLIENT_CERT, w->m.client_cert ?
		    plan_get(&w->m.plan, PF_SERVER_CERT) : NULL);
		wiz_set_field(w, PF_CLIENT_KEY, w->m.client_cert ?
		    plan_get(&w->m.plan, PF_SERVER_KEY) : NULL);
		break;
	case OPT_ASK:
		w->m.ask_client = !w->m.ask_client;
		wiz_set_field(w, PF_TLS_SRV_OPTIONS, w->m.ask_client ? NULL : "V");
		break;
	case OPT_MIN_TLS:
		w->m.min_tls = !w->m.min_tls;
		wiz_set_field(w, PF_SERVER_SSL_OPTIONS, w->m.min_tls ?
		    emit_min_tls_options("1.2") : NULL);
		wiz_set_field(w, PF_CLIENT_SSL_OPTIONS, w->m.min_tls ?
		    emit_min_tls_options("1.2") : NULL);
		break;
	case OPT_465:
		w->m.smtps = !w->m.smtps;
		w->ap.preview_valid = false;
		break;
	case OPT_LOG_KEEP:
	case OPT_LOG_9:
	case OPT_LOG_14:
		w->m.log_level = it->id == OPT_LOG_9 ? 9 : it->id == OPT_LOG_14 ? 14 : 0;
		snprintf(lv, sizeof(lv), "%d", w->m.log_level);
		if (w->m.log_level)
			wiz_set_field(w, PF_LOG_LEVEL, lv);
		else
			wiz_keep_field(w, PF_LOG_LEVEL);
		break;
	default:
		return WK_UNHANDLED;
	}
	w->m.dirty = true;
	return WK_HANDLED;
}

const struct wiz_screen screen_options = {
	.name = N_("Options"),
	.help = N_("Settings around the certificate: whether we present it when delivering "
	    "(confCLIENT_CERT), whether we ask clients for one (confTLS_SRV_OPTIONS), the oldest "
	    "TLS version allowed (confSERVER_SSL_OPTIONS), and how much sendmail logs "
	    "(confLOG_LEVEL)."),
	.build = options_build,
	.activate = options_activate,
};
