/* screen-details.c: the lineage, or the files, of the chosen certificate source. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/i18n.h"
#include "wizard.h"

enum { DET_HOST = 900 };

static void
details_build(struct wizard *w)
{
	struct wiz_item *it;
	size_t i;

	switch (w->m.source) {
	case SRC_LETSENCRYPT:
		wiz_body(w, _("Lineages in %s:\n"), w->env.le_live);
		for (i = 0; i < w->env.n_lineages; i++) {
			const struct wiz_lineage *l = &w->env.lineages[i];
			const char *cert = plan_get(&w->m.plan, PF_SERVER_CERT);
			size_t dl = strlen(l->dir);

			it = wiz_item_add(w, WI_CHOICE, (int)i, 1, 0, l->name);
			wiz_item_note(it, "%s", l->summary);
			it->on = cert && strncmp(cert, l->dir, dl) == 0 && cert[dl] == '/';
			it->help = N_("Choose the lineage whose name is this server's host name.");
			if (!l->usable)
				wiz_item_disable(it, _("its cert.pem cannot be read"));
		}
		if (w->env.n_lineages == 0)
			wiz_body(w, _("  none. Run certbot first, or go back and choose another "
			    "source.\n"));
		break;
	case SRC_EXISTING:
		wiz_body(w, _("Name the files (Enter opens a file chooser):\n"));
		break;
	default:
		wiz_body(w, _("This source is not available in this build: certificate "
		    "generation and import have not landed. Go back (Esc) and choose Let's "
		    "Encrypt or existing files.\n"));
		return;
	}
	wiz_path_item(w, PF_SERVER_CERT, 2, 'c', _("Certificate"),
	    N_("confSERVER_CERT (ServerCertFile): our leaf certificate. This sendmail reads "
	    "only the first certificate of the file."));
	wiz_path_item(w, PF_SERVER_KEY, 2, 'k', _("Private key"),
	    N_("confSERVER_KEY (ServerKeyFile): the key of that certificate; mode 0600."));
	wiz_path_item(w, PF_CA_CERT, 2, 'i', _("Issuer chain"),
	    N_("confCACERT (CACertFile): our intermediate(s), never the whole root bundle: "
	    "every name in it is sent to each client."));
	it = wiz_item_add(w, WI_TEXT, DET_HOST, 3, 'h', _("Host name"));
	it->text = &w->m.plan.hostname;
	it->help = N_("The name other servers use for this one (its MX name); the certificate "
	    "must cover it.");
}

static void
use_lineage(struct wizard *w, size_t i)
{
	const struct wiz_lineage *l = &w->env.lineages[i];
	char *p;

	w->m.lineage = i;
	p = xstrprintf("%s/cert.pem", l->dir);
	wiz_set_field(w, PF_SERVER_CERT, p);
	free(p);
	p = xstrprintf("%s/privkey.pem", l->dir);
	wiz_set_field(w, PF_SERVER_KEY, p);
	free(p);
	p = xstrprintf("%s/chain.pem", l->dir);
	wiz_set_field(w, PF_CA_CERT, p);
	free(p);
	if (w->m.client_cert) {
		wiz_set_field(w, PF_CLIENT_CERT, plan_get(&w->m.plan, PF_SERVER_CERT));
		wiz_set_field(w, PF_CLIENT_KEY, plan_get(&w->m.plan, PF_SERVER_KEY));
	}
}

static enum wiz_key_result
details_activate(struct wizard *w, struct wiz_item *it)
{
	if (it->kind != WI_CHOICE || w->m.source != SRC_LETSENCRYPT)
		return WK_UNHANDLED;
	use_lineage(w, (size_t)it->id);
	return WK_HANDLED;
}

/* Let's Encrypt: preselect the lineage named like this host, else the first usable one. */
static void
details_enter(struct wizard *w)
{
	const char *cert = plan_get(&w->m.plan, PF_SERVER_CERT);
	size_t i, pick = w->env.n_lineages;

	if (w->m.source != SRC_LETSENCRYPT || w->env.n_lineages == 0)
		return;
	for (i = 0; i < w->env.n_lineages; i++) {
		size_t dl = strlen(w->env.lineages[i].dir);

		if (cert && strncmp(cert, w->env.lineages[i].dir, dl) == 0 && cert[dl] == '/')
			return;	/* already one of them */
		if (!w->env.lineages[i].usable)
			continue;
		if (pick == w->env.n_lineages || (w->m.plan.hostname &&
		    strcmp(w->env.lineages[i].name, w->m.plan.hostname) == 0))
			pick = i;
	}
	if (pick < w->env.n_lineages)
		use_lineage(w, pick);
}

const struct wiz_screen screen_details = {
	.name = N_("Source details"),
	.help = N_("The files of the certificate: the leaf (ServerCertFile), its key "
	    "(ServerKeyFile) and the issuer chain (CACertFile). Let's Encrypt's live names are "
	    "symlinks that certbot moves on renewal, so sendmail always reads the current files."),
	.enter = details_enter,
	.build = details_build,
	.activate = details_activate,
};
