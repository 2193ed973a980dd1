/* screen-source.c: where the server certificate comes from. */
#include "config.h"

#include "smtls/i18n.h"
#include "wizard.h"

static void
source_build(struct wizard *w)
{
	static const struct {
		enum wiz_source	 src;
		char		 key;
		const char	*label;
		const char	*help;
		bool		 generates;
	} rows[] = {
		{ SRC_LETSENCRYPT, 'l', N_("Let's Encrypt (certbot)"),
		  N_("Use a lineage under /etc/letsencrypt/live: cert.pem as ServerCertFile, "
		     "chain.pem as CACertFile, privkey.pem as ServerKeyFile."), false },
		{ SRC_SELFSIGNED, 's', N_("Self-signed"),
		  N_("A key and a certificate that signs itself: encrypts, but peers that "
		     "verify will not trust it."), true },
		{ SRC_OWN_CA, 'o', N_("Own CA (servers of one organisation)"),
		  N_("A private CA (smtls ca new) signs this server's certificate; its ca.pem is "
		     "the CACertFile of every server of the organisation, so they verify each "
		     "other."),
		  true },
		{ SRC_COMMERCIAL, 'c', N_("Commercial CA (make a CSR, or import)"),
		  N_("Make a key and a certificate request now, or import what the CA sent."),
		  true },
		{ SRC_EXISTING, 'e', N_("Existing files"),
		  N_("Name the certificate, key and issuer files yourself."), false },
	};
	struct wiz_item *it;
	size_t i;

	wiz_body(w, _("Which certificate will sendmail show to other servers?\n"));
	if (w->env.update_tls_cert)
		wiz_body(w, _("Now it shows %s, the self-signed certificate Debian's update_tls "
		    "made: the host name is in its CN only and nobody vouches for it, so the "
		    "servers and clients it meets cannot verify it (verify=FAIL in their logs), and "
		    "those that check names refuse it. It still encrypts. To replace it, choose "
		    "Let's Encrypt, Own CA, Self-signed (made by smtls, with the name in "
		    "subjectAltName) or Commercial CA: Apply then points sendmail at the new files "
		    "and leaves update_tls's where they are. Existing files keeps it.\n"),
		    plan_get(&w->env.current, PF_SERVER_CERT));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		it = wiz_item_add(w, WI_CHOICE, (int)rows[i].src, 1, rows[i].key, _(rows[i].label));
		it->help = rows[i].help;
		it->on = w->m.source == rows[i].src;
		if (rows[i].src == SRC_EXISTING && w->env.update_tls_cert)
			wiz_item_note(it, "%s", _("in force now: update_tls's self-signed "
			    "certificate"));
		if (rows[i].src == SRC_LETSENCRYPT) {
			if (w->env.n_lineages == 0)
				wiz_item_note(it, _("none found in %s"), w->env.le_live);
			else
				wiz_item_note(it, _("%zu found"), w->env.n_lineages);
		}
	}
}

static enum wiz_key_result
source_activate(struct wizard *w, struct wiz_item *it)
{
	if (w->m.source != (enum wiz_source)it->id)
		w->m.dirty = true;
	w->m.source = (enum wiz_source)it->id;
	return WK_HANDLED;
}

const struct wiz_screen screen_source = {
	.name = N_("Certificate source"),
	.help = N_("The server certificate (confSERVER_CERT, cf option ServerCertFile) is what "
	    "sendmail shows to clients and, unless you turn it off, to servers it delivers to. "
	    "Its issuer goes into confCACERT (CACertFile)."),
	.build = source_build,
	.activate = source_activate,
};
