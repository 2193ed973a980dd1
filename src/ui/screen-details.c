/* screen-details.c: the lineage, or the files, of the chosen certificate source. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/i18n.h"
#include "smtls/pki.h"
#include "wizard.h"

enum {
	DET_HOST = 900, DET_NAMES, DET_EC, DET_RSA, DET_DIR, DET_MAKE, DET_IMPORT_MODE,
	DET_CSR_MODE, DET_BUNDLE, DET_KEY, DET_DO_IMPORT, DET_MAKE_CSR, DET_CA_DIR, DET_MAKE_CA,
	DET_ISSUE,
};

/* The names, key type and output directory of a new key (self-signed or CSR). */
static int
new_key_items(struct wizard *w, int group)
{
	struct wiz_item *it;

	it = wiz_item_add(w, WI_TEXT, DET_NAMES, group, 'n', _("Names"));
	it->text = &w->m.gen_names;
	it->help = N_("The host names the certificate is for, separated by commas: this "
	    "server's MX name first.");
	/* the core's default and its reason, the same as the CLI's and smtls(8)'s */
	it = wiz_item_add(w, WI_CHOICE, DET_RSA, group + 1, 0, _("Key: RSA 3072"));
	it->on = w->m.gen_key == 1;
	it->help = pki_key_advice(PKI_KEY_RSA);
	it = wiz_item_add(w, WI_CHOICE, DET_EC, group + 1, 0, _("Key: EC P-256"));
	it->on = w->m.gen_key == 0;
	it->help = pki_key_advice(PKI_KEY_EC);
	it = wiz_item_add(w, WI_TEXT, DET_DIR, group + 2, 'd', _("Directory"));
	it->text = &w->m.gen_dir;
	it->browse = true;
	it->help = N_("Where the new files go; they never replace existing files. Keys are "
	    "written with mode 0600.");
	return group + 3;
}

static void
details_build(struct wizard *w)
{
	struct wiz_item *it;
	size_t i;
	int g = 2;

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
	case SRC_SELFSIGNED:
		wiz_body(w, _("A new key and a certificate that signs itself. Peers encrypt "
		    "with it but cannot verify it.\n"));
		g = new_key_items(w, 1);
		it = wiz_item_add(w, WI_ACTION, DET_MAKE, g++, 'm',
		    _("Make the key and certificate now"));
		it->help = N_("Writes cert.pem and privkey.pem into the directory (asks first).");
		break;
	case SRC_COMMERCIAL:
		it = wiz_item_add(w, WI_CHOICE, DET_IMPORT_MODE, 1, 'i',
		    _("Import what the CA sent"));
		it->on = w->m.commercial == 0;
		it->help = N_("The certificate file(s) the CA sent (PEM, DER or PKCS#7), sorted "
		    "into cert.pem, chain.pem and fullchain.pem.");
		it = wiz_item_add(w, WI_CHOICE, DET_CSR_MODE, 1, 'r',
		    _("Make a key and a request (CSR) for the CA"));
		it->on = w->m.commercial == 1;
		it->help = N_("Send csr.pem to the CA; when it answers, import its files here.");
		if (w->m.commercial == 0) {
			it = wiz_item_add(w, WI_TEXT, DET_BUNDLE, 2, 'f', _("CA's files"));
			it->text = &w->m.import_bundle;
			it->browse = true;
			it->help = N_("The certificate and the intermediates the CA sent.");
			it = wiz_item_add(w, WI_TEXT, DET_KEY, 2, 'k', _("Its key"));
			it->text = &w->m.import_key;
			it->browse = true;
			it->help = N_("The private key the request was made with.");
			it = wiz_item_add(w, WI_TEXT, DET_DIR, 3, 'd', _("Directory"));
			it->text = &w->m.gen_dir;
			it->browse = true;
			it->help = N_("Where cert.pem, chain.pem and fullchain.pem go. Files an "
			    "earlier import left there are replaced only after you agree, each kept "
			    "as a backup.");
			g = 4;
			it = wiz_item_add(w, WI_ACTION, DET_DO_IMPORT, g++, 'n', _("Import now"));
			it->help = N_("Finds our certificate by the key, sorts the chain, writes the "
			    "files (asks first, naming any file it would replace).");
		} else {
			g = new_key_items(w, 2);
			it = wiz_item_add(w, WI_ACTION, DET_MAKE_CSR, g++, 'm',
			    _("Make the key and the request now"));
			it->help = N_("Writes privkey.pem (0600) and csr.pem (asks first).");
		}
		break;
	case SRC_OWN_CA:
		wiz_body(w, _("The CA's ca.pem becomes CACertFile. The organisation's other "
		    "servers need the same ca.pem as their CACertFile (and a certificate from "
		    "smtls ca issue --client to verify each other both ways).\n"));
		it = wiz_item_add(w, WI_TEXT, DET_CA_DIR, 1, 'a', _("CA directory"));
		it->text = &w->m.ca_dir;
		it->browse = true;
		it->help = N_("A CA made by smtls ca new (ca.pem and ca-key.pem), or an empty "
		    "directory for a new one. Its key signs every member: keep it mode 0600.");
		if (!engine_ca_present(w)) {
			it = wiz_item_add(w, WI_ACTION, DET_MAKE_CA, 2, 'm', _("Make the CA"));
			it->help = N_("Writes ca.pem (the CA certificate, ten years) and ca-key.pem "
			    "(mode 0600) into the CA directory (asks first).");
		}
		g = new_key_items(w, 3);
		it = wiz_item_add(w, WI_ACTION, DET_ISSUE, g++, 's',
		    _("Issue the server certificate now"));
		it->help = N_("Writes cert.pem (signed by the CA), privkey.pem (0600) and ca.pem "
		    "(the CA certificate) into the directory (asks first).");
		break;
	default:
		return;
	}
	wiz_path_item(w, PF_SERVER_CERT, g, 'c', _("Certificate"),
	    N_("confSERVER_CERT (ServerCertFile): our leaf certificate. This sendmail reads "
	    "only the first certificate of the file."));
	wiz_path_item(w, PF_SERVER_KEY, g, 'k', _("Private key"),
	    N_("confSERVER_KEY (ServerKeyFile): the key of that certificate; mode 0600."));
	wiz_path_item(w, PF_CA_CERT, g, 'i', _("Issuer chain"),
	    N_("confCACERT (CACertFile): our intermediate(s), never the whole root bundle: "
	    "every name in it is sent to each client."));
	it = wiz_item_add(w, WI_TEXT, DET_HOST, g + 1, 'h', _("Host name"));
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

/* Runs one of the certificate engine's writers (into dir) after a yes; says what happened. */
static bool
make_files(struct wizard *w, int (*fn)(struct wizard *, char **), const char *what,
    const char *dir)
{
	bool ok = false;

	char *q = xstrprintf(_("%s in %s now? Only new files are written."), what,
	    dir ? dir : "?");
	char *err = NULL;

	if (w->confirm(w, q, false)) {
		w->job.aborted = false;
		if (fn(w, &err) == 0) {
			ok = true;
			if (w->status == NULL)
				wiz_set_status(w, _("Done: the files are in %s"), dir);
		} else if (w->job.aborted)
			wiz_set_status(w, "%s", err);	/* the admin's choice, not an error */
		else
			wiz_set_status(w, "%s: %s", severity_label(SEV_ERROR), err ? err : "?");
		free(err);
	}
	free(q);
	return ok;
}

/*
 * Commercial CA: the import, after a yes. What it would replace (an earlier import) is named
 * in the question, with the backup each old file is kept as; No is the default.
 */
static void
import_files(struct wizard *w)
{
	char *err = NULL, *repl, *q;
	struct wiz_import *im = engine_import_prepare(w, &err);

	if (im == NULL) {
		wiz_set_status(w, "%s: %s", severity_label(SEV_ERROR), err ? err : "?");
		free(err);
		return;
	}
	repl = engine_import_replacing(im);
	if (*repl == '\0')
		q = xstrprintf(_("%s in %s now? Only new files are written."),
		    _("Import the CA's files"), w->m.gen_dir);
	else
		q = xstrprintf(_("Import the CA's files into %s now? These files are there from "
		    "an earlier import and would be replaced; each old one is kept as a backup "
		    "beside it:\n%sTo undo, rename a backup back."), w->m.gen_dir, repl);
	if (w->confirm(w, q, false)) {
		if (engine_import_write(w, im, &err) == -1) {
			wiz_set_status(w, "%s: %s", severity_label(SEV_ERROR), err ? err : "?");
			free(err);
		} else if (*repl != '\0')
			wiz_set_status(w, _("Done: the files are in %s; the old ones are kept as "
			    "backups (*.smtls-*)"), w->m.gen_dir);
		else
			wiz_set_status(w, _("Done: the files are in %s"), w->m.gen_dir);
	}
	free(q);
	free(repl);
	engine_import_free(im);
}

static enum wiz_key_result
details_activate(struct wizard *w, struct wiz_item *it)
{
	int id = it->id;

	switch (id) {
	case DET_EC:
	case DET_RSA:
		w->m.gen_key = id == DET_RSA;
		return WK_STAY;
	case DET_IMPORT_MODE:
	case DET_CSR_MODE:
		w->m.commercial = id == DET_CSR_MODE;
		return WK_STAY;
	case DET_MAKE:
		make_files(w, engine_make_selfsigned, _("Make a key and a self-signed certificate"),
		    w->m.gen_dir);
		return WK_HANDLED;
	case DET_MAKE_CSR:
		if (make_files(w, engine_make_csr, _("Make a key and a certificate request"),
		    w->m.gen_dir)) {
			wiz_set_status(w, _("Send %s/csr.pem to the CA; then choose Import and "
			    "name the files it sent (the key is %s)."), w->m.gen_dir,
			    w->m.import_key);
			w->m.commercial = 0;
		}
		return WK_HANDLED;
	case DET_DO_IMPORT:
		import_files(w);
		return WK_HANDLED;
	case DET_MAKE_CA:
		if (make_files(w, engine_make_ca, _("Make a new CA"), w->m.ca_dir))
			wiz_set_status(w, _("Done: the CA is in %s; now issue the server "
			    "certificate"), w->m.ca_dir);
		return WK_HANDLED;
	case DET_ISSUE:
		if (make_files(w, engine_issue_from_ca, _("Issue a key and a certificate from "
		    "the CA"), w->m.gen_dir))
			wiz_set_status(w, _("Done. Give ca.pem to the organisation's other "
			    "servers as their CACertFile. The files are in %s"), w->m.gen_dir);
		return WK_HANDLED;
	}
	if (it->kind != WI_CHOICE || w->m.source != SRC_LETSENCRYPT)
		return WK_UNHANDLED;
	use_lineage(w, (size_t)id);
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
	    "symlinks that certbot moves on renewal, so sendmail always reads the current files. "
	    "With an own CA, ca.pem is the issuer sent to clients and the trust anchor the "
	    "organisation's servers share to verify each other."),
	.enter = details_enter,
	.build = details_build,
	.activate = details_activate,
};
