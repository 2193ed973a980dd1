/* screen-store.c: the trusted roots (CACertPath) and our issuer file (CACertFile). */
#include "config.h"

#include <stdlib.h>

#include "smtls/i18n.h"
#include "wizard.h"

enum { STORE_ID_SYSTEM = 1, STORE_ID_OTHER, STORE_ID_BUNDLE, STORE_ID_FROM, STORE_ID_DIR,
	STORE_ID_BUILD };

static void
store_build(struct wizard *w)
{
	struct wiz_item *it;

	wiz_body(w, _("CACertPath holds the roots we trust when we verify other servers; it is "
	    "never sent. CACertFile holds only our issuer: its names go to every client.\n"));
	it = wiz_item_add(w, WI_CHOICE, STORE_ID_SYSTEM, 1, 's', _("System roots"));
	wiz_item_note(it, "%s", w->env.system_roots);
	it->on = w->m.store == STORE_SYSTEM;
	it->help = N_("The distribution's hashed directory of public roots, kept up to date by "
	    "its package (ca-certificates): sendmail can verify most peers.");
	it = wiz_item_add(w, WI_CHOICE, STORE_ID_OTHER, 1, 'o', _("Another hashed directory"));
	it->on = w->m.store == STORE_OTHER;
	it->help = N_("A directory with one certificate per file and <hash>.0 links, as "
	    "`openssl rehash` makes them (for a private CA, say).");
	it = wiz_item_add(w, WI_CHOICE, STORE_ID_BUNDLE, 1, 'r',
	    _("Build one from a bundle (rehash)"));
	it->on = w->m.store == STORE_BUNDLE;
	it->help = N_("Splits a PEM bundle of roots into one file per certificate and makes "
	    "the <hash>.0 links, as openssl rehash does.");
	if (w->m.store == STORE_BUNDLE) {
		it = wiz_item_add(w, WI_TEXT, STORE_ID_FROM, 4, 'u', _("Bundle"));
		it->text = &w->m.store_bundle;
		it->browse = true;
		it->help = N_("A PEM file of trusted roots, e.g. "
		    "/etc/ssl/certs/ca-certificates.crt or your private CA's root.");
		it = wiz_item_add(w, WI_TEXT, STORE_ID_DIR, 4, 'd', _("Directory"));
		it->text = &w->m.store_dir;
		it->browse = true;
		it->help = N_("The directory to build (new files and links only).");
		it = wiz_item_add(w, WI_ACTION, STORE_ID_BUILD, 5, 'n', _("Build it now"));
		it->help = N_("Asks first, then writes the files and links with progress.");
	}
	if (w->ap.rehash_total > 0)
		wiz_body(w, _("Building: %zu of %zu\n"), w->ap.rehash_done, w->ap.rehash_total);
	wiz_path_item(w, PF_CA_PATH, 2, 'p', _("CACertPath"),
	    N_("confCACERT_PATH (CACertPath): a hashed directory of trusted roots. sendmail "
	    "offers no STARTTLS at all when it is not set."));
	wiz_path_item(w, PF_CA_CERT, 3, 'f', _("CACertFile"),
	    N_("confCACERT (CACertFile): our issuer (intermediate) only. It completes the chain "
	    "we send, and every certificate name in it is sent to each client as an acceptable "
	    "CA: a 143-root bundle here adds 16 KB to every handshake."));
}

static void
store_enter(struct wizard *w)
{
	if (plan_get(&w->m.plan, PF_CA_PATH) == NULL && w->m.store == STORE_SYSTEM)
		wiz_set_field(w, PF_CA_PATH, w->env.system_roots);
}

static enum wiz_key_result
store_activate(struct wizard *w, struct wiz_item *it)
{
	if (it->id == STORE_ID_SYSTEM) {
		w->m.store = STORE_SYSTEM;
		wiz_set_field(w, PF_CA_PATH, w->env.system_roots);
	} else if (it->id == STORE_ID_OTHER) {
		w->m.store = STORE_OTHER;
	} else if (it->id == STORE_ID_BUNDLE) {
		w->m.store = STORE_BUNDLE;
		return WK_STAY;
	} else if (it->id == STORE_ID_BUILD) {
		char *q = xstrprintf(_("Build %s from %s now? Only new files and links are "
		    "written."), w->m.store_dir ? w->m.store_dir : "?",
		    w->m.store_bundle ? w->m.store_bundle : "?");
		char *err = NULL;

		if (w->confirm(w, q, false) && engine_rehash(w, &err) == -1) {
			wiz_set_status(w, "%s: %s", severity_label(SEV_ERROR), err ? err : "?");
			free(err);
		}
		free(q);
	} else
		return WK_UNHANDLED;
	return WK_HANDLED;
}

const struct wiz_screen screen_store = {
	.name = N_("Root store"),
	.help = N_("Two different jobs. CACertPath (confCACERT_PATH) is the trust store for "
	    "checking peers: the public roots, hashed. CACertFile (confCACERT) completes our own "
	    "chain and names the CAs we accept from clients: put only our intermediate there. "
	    "Both must be set, or sendmail offers no STARTTLS."),
	.enter = store_enter,
	.build = store_build,
	.activate = store_activate,
};
