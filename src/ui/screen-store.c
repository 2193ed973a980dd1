/* screen-store.c: the trusted roots (CACertPath) and our issuer file (CACertFile). */
#include "config.h"

#include "smtls/i18n.h"
#include "wizard.h"

enum { STORE_ID_SYSTEM = 1, STORE_ID_OTHER, STORE_ID_BUNDLE };

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
	it = wiz_item_add(w, WI_CHOICE, STORE_ID_BUNDLE, 1, 'b',
	    _("Build one from a bundle (rehash)"));
	wiz_item_disable(it, _("not available in this build: the rehash engine has not landed"));
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
