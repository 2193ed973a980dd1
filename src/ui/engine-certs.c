/* engine-certs.c: the wizard's certificate engine (certmake.h, ca.h), the root store (rehash.h)
 * and the certbot hook (hook.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smtls/ca.h"
#include "smtls/cert.h"
#include "smtls/certmake.h"
#include "smtls/fileio.h"
#include "smtls/hook.h"
#include "smtls/i18n.h"
#include "smtls/job.h"
#include "smtls/pki.h"
#include "smtls/rehash.h"
#include "wizard.h"

/*
 * The certificate engine (certmake.h, ca.h, hook.h): a self-signed certificate, a private CA
 * and the certificates it issues, a key and CSR, the import of what a commercial CA sent, the
 * certbot deploy hook. Each writes new files only (all or nothing, keys 0600 from the first
 * byte) after the admin confirmed.
 */

/* The key type chosen on the details screen (gen_key: 1 RSA 3072, 0 EC P-256), as --key-type
 * says it. */
static const char *
gen_key_type(const struct wizard *w)
{
	return w->m.gen_key == 1 ? "rsa:3072" : "ec:P-256";
}

static int
gen_key_spec(const struct wizard *w, struct pki_key_spec *spec, char **err)
{
	return pki_key_spec_parse(gen_key_type(w), spec, err);
}

/* Writes files into dir (certmake_write) and notes each as written by this session. */
static int
write_out(struct wizard *w, const char *dir, mode_t mode, const struct pki_out_file *files,
    size_t n, char **err)
{
	size_t i;

	if (certmake_write(dir, mode, files, n, false, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		char *p = xstrprintf("%s/%s", dir, files[i].name);

		wiz_wrote(w, p, _("new"));
		free(p);
	}
	return 0;
}

/* Sets field f of the plan to dir/name. */
static void
set_file(struct wizard *w, enum plan_field f, const char *dir, const char *name)
{
	char *path = xstrprintf("%s/%s", dir, name);

	wiz_set_field(w, f, path);
	free(path);
}

/* What making a key computes in the child (certmake_job_start): a leaf certificate or a
 * request (csr) with a new key, or (ca) a new CA. */
struct gen {
	bool			 csr, ca;
	struct pki_key_spec	 spec;
	struct pki_cert_params	*p;
	const struct cert	*issuer;
	const struct key	*issuer_key;
	struct certmake		 m;
	struct ca_new		 can;
};

static int
gen_run(void *arg, const struct pki_out_file **files, size_t *n, const char **cacert,
    char **err)
{
	struct gen *g = arg;

	if (g->ca) {
		if (ca_new_make(&g->can, &g->spec, g->p, err) == -1)
			return -1;
		*files = g->can.files;
		*n = 2;
		*cacert = NULL;
		return 0;
	}
	if ((g->csr ? certmake_csr(&g->m, &g->spec, NULL, g->p, err) :
	    certmake_leaf(&g->m, &g->spec, g->p, g->issuer, g->issuer_key, err)) == -1)
		return -1;
	*files = g->m.files;
	*n = g->m.n_files;
	*cacert = g->m.cacert;
	return 0;
}

/*
 * Makes g in a child process through the wizard's runner (engine_run_records: what is shown,
 * with its seconds, and q aborts): 0 with the files to write in made, or -1 with err saying
 * what happened. An aborted one writes nothing, even when the key was ready just then.
 */
static int
generate(struct wizard *w, const char *what, struct gen *g, struct certmake_made *made,
    char **err)
{
	struct job *j;
	char *title;
	bool aborted;
	int status;

	memset(made, 0, sizeof(*made));
	if (certmake_job_start(gen_run, g, &j, err) == -1)
		return -1;
	title = xstrprintf("%s (%s)", what, w->m.gen_key == 1 ? "RSA 3072" : "EC P-256");
	aborted = engine_run_records(w, title, _("Abort making the key? Nothing is written: no "
	    "key, no certificate."), _("Nothing is written: no key, no certificate."), j,
	    certmake_job_record, made);
	status = job_status(j);
	job_free(j);
	free(title);
	if (aborted)
		*err = xstrdup(_("Aborted: no key was made and no file was written."));
	else if (made->error != NULL)
		*err = xstrdup(made->error);
	else if (!made->ended)
		*err = WIFSIGNALED(status) ? xstrprintf(_("making the key was stopped (signal %d); "
		    "no file was written"), WTERMSIG(status)) :
		    xstrdup(_("making the key ended without a result; no file was written"));
	else
		return 0;
	certmake_made_free(made);
	return -1;
}

/*
 * A new key for m.gen_names, written into m.gen_dir with a certificate for it (certmake_leaf:
 * signed by issuer/issuer_key, NULL: by itself) or, with csr, a request for it
 * (certmake_csr), made in a child process (generate). The plan then uses them: the key and,
 * for a certificate, it and the file the core names as CACertFile; for a request, the key is
 * the one to import with.
 */
static int
make_new(struct wizard *w, bool csr, const struct cert *issuer, const struct key *issuer_key,
    const char *ca_dir, char **err)
{
	struct certmake_names names = { 0 };
	struct certmake_made made;
	struct pki_cert_params p;
	struct gen g;
	int rc = -1;

	*err = NULL;
	memset(&g, 0, sizeof(g));
	memset(&made, 0, sizeof(made));
	g.csr = csr;
	g.p = &p;
	g.issuer = issuer;
	g.issuer_key = issuer_key;
	if (certmake_names_parse(&names, w->m.gen_names, err) == 0 &&
	    certmake_params(&p, &names, time(NULL), csr ? 1 : issuer ? CA_LEAF_DAYS :
	    CERTMAKE_SELFSIGNED_DAYS, err) == 0 && gen_key_spec(w, &g.spec, err) == 0 &&
	    (issuer == NULL || ca_fit_days(issuer, ca_dir, &p, err) == 0) &&
	    generate(w, csr ? _("making a key and a certificate request") : issuer ?
	    _("making a key and a certificate from the CA") :
	    _("making a key and a self-signed certificate"), &g, &made, err) == 0 &&
	    write_out(w, w->m.gen_dir, CERTMAKE_DIR_MODE, made.files, made.n_files, err) == 0) {
		if (csr) {
			free(w->m.import_key);
			w->m.import_key = xstrprintf("%s/%s", w->m.gen_dir, CERTMAKE_KEY);
		} else {
			set_file(w, PF_SERVER_CERT, w->m.gen_dir, CERTMAKE_CERT);
			set_file(w, PF_CA_CERT, w->m.gen_dir, made.cacert);
		}
		set_file(w, PF_SERVER_KEY, w->m.gen_dir, CERTMAKE_KEY);
		wiz_replay(w, certmake_command(csr ? "csr" : issuer ? "ca issue" : "selfsigned",
		    ca_dir, &names, gen_key_type(w), w->m.gen_dir));
		rc = 0;
	}
	certmake_made_free(&made);
	certmake_names_free(&names);
	return rc;
}

int
engine_make_selfsigned(struct wizard *w, char **err)
{
	return make_new(w, false, NULL, NULL, NULL, err);
}

bool
engine_ca_present(const struct wizard *w)
{
	return ca_dir_has_ca(w->m.ca_dir);
}

/* Own CA: a CA key and certificate in m.ca_dir (ca_new_make, as `smtls ca new'). */
int
engine_make_ca(struct wizard *w, char **err)
{
	struct certmake_made made;
	struct pki_cert_params p;
	struct gen g;
	int rc = -1;

	*err = NULL;
	if (w->m.ca_dir == NULL || *w->m.ca_dir == '\0') {
		*err = xstrdup(_("name the CA directory"));
		return -1;
	}
	memset(&g, 0, sizeof(g));
	g.ca = true;
	g.p = &p;
	if (gen_key_spec(w, &g.spec, err) == -1)
		return -1;
	ca_params(&p, CA_DEFAULT_NAME, time(NULL), CA_DAYS);
	if (generate(w, _("making the CA's key and certificate"), &g, &made, err) == 0) {
		if (write_out(w, w->m.ca_dir, CERTMAKE_CA_DIR_MODE, made.files, made.n_files,
		    err) == 0) {
			wiz_replay(w, certmake_command("ca new", NULL, NULL, gen_key_type(w),
			    w->m.ca_dir));
			rc = 0;
		}
		certmake_made_free(&made);
	}
	return rc;
}

/* Own CA: this server's certificate from the CA in m.ca_dir, as `smtls ca issue'. */
int
engine_issue_from_ca(struct wizard *w, char **err)
{
	const char *dir = w->m.ca_dir ? w->m.ca_dir : "";
	struct key cakey = { 0 };
	struct cert ca = { 0 };
	int rc = -1;

	*err = NULL;
	if (ca_load(dir, time(NULL), &ca, &cakey, err) == 0)
		rc = make_new(w, false, &ca, &cakey, dir, err);
	cert_clear(&ca);
	key_clear(&cakey);
	return rc;
}

/* Commercial CA: a key and the request for it (certmake_csr), as `smtls csr'. */
int
engine_make_csr(struct wizard *w, char **err)
{
	return make_new(w, true, NULL, NULL, NULL, err);
}

/* Commercial CA: what it sent, sorted (certmake_import), and what writing it into m.gen_dir
 * would replace (certmake_replace_plan), kept from the question to the answer. */
struct wiz_import {
	struct certmake		 m;
	struct certmake_replace	 rp;
	const char		*rootsfile;
};

void
engine_import_free(struct wiz_import *im)
{
	if (im == NULL)
		return;
	certmake_free(&im->m);
	certmake_replace_free(&im->rp);
	free(im);
}

struct wiz_import *
engine_import_prepare(struct wizard *w, char **err)
{
	struct wiz_import *im;
	struct certlist pool = { 0 }, roots = { 0 };
	struct key key = { 0 };
	struct pki_bundle b;
	enum load_status ls;
	char *kerr = NULL;
	bool ok = false;

	*err = NULL;
	memset(&b, 0, sizeof(b));
	if (w->m.import_bundle == NULL || w->m.import_key == NULL || w->m.gen_dir == NULL) {
		*err = xstrdup(_("name the file the CA sent, the private key and the directory"));
		return NULL;
	}
	if ((ls = key_load_file(w->m.import_key, &key, &kerr)) != LOAD_OK) {
		*err = kerr ? kerr : xstrprintf(_("%s: no private key"), w->m.import_key);
		return NULL;
	}
	free(kerr);
	im = xcalloc(1, sizeof(*im));
	im->rootsfile = w->m.plan.public_roots ? w->m.plan.public_roots : CERTMAKE_SYSTEM_ROOTS;
	if (pki_load_certs(w->m.import_bundle, &pool, err) == -1)
		goto out;
	/* the public roots complete the chain the CA sent without its root */
	if (pki_load_certs(im->rootsfile, &roots, &kerr) == -1)
		xfree(kerr);
	ok = pki_bundle_sort(&pool, &key, &roots, time(NULL), &b, err) == 0 &&
	    certmake_import(&im->m, &b, err) == 0 &&
	    certmake_replace_plan(w->m.gen_dir, im->m.files, im->m.n_files, time(NULL), &im->rp,
	    err) == 0;
out:
	pki_bundle_free(&b);
	certlist_free(&pool);
	certlist_free(&roots);
	key_clear(&key);
	if (!ok) {
		engine_import_free(im);
		im = NULL;
	}
	return im;
}

char *
engine_import_replacing(const struct wiz_import *im)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < im->rp.n; i++)
		buf_printf(&b, "  %s -> %s\n", im->rp.names[i], im->rp.backups[i]);
	return buf_release(&b);
}

int
engine_import_write(struct wizard *w, const struct wiz_import *im, char **err)
{
	size_t i, k;

	*err = NULL;
	if (certmake_write_replacing(w->m.gen_dir, CERTMAKE_DIR_MODE, im->m.files,
	    im->m.n_files, &im->rp, err) == -1)
		return -1;
	for (i = 0; i < im->m.n_files; i++) {
		char *p = xstrprintf("%s/%s", w->m.gen_dir, im->m.files[i].name), *what = NULL;

		for (k = 0; k < im->rp.n; k++)
			if (strcmp(im->rp.names[k], im->m.files[i].name) == 0)
				what = xstrprintf(_("replaced; the old one is %s"), im->rp.backups[k]);
		wiz_wrote(w, p, what ? what : _("new"));
		free(what);
		free(p);
	}
	set_file(w, PF_SERVER_CERT, w->m.gen_dir, CERTMAKE_CERT);
	wiz_set_field(w, PF_SERVER_KEY, w->m.import_key);
	set_file(w, PF_CA_CERT, w->m.gen_dir, im->m.cacert);
	wiz_replay(w, certmake_import_command(w->m.import_key, w->m.import_bundle, im->rootsfile,
	    w->m.gen_dir, im->rp.n > 0));
	return 0;
}

bool
engine_can_hook(const struct wizard *w)
{
	return w->m.source == SRC_LETSENCRYPT && w->env.n_lineages > 0;
}

static void
on_rehash(void *arg, size_t done, size_t total)
{
	struct wizard *w = arg;

	w->ap.rehash_done = done;
	w->ap.rehash_total = total;
	if (w->progress != NULL)
		w->progress(w);
}

int
engine_rehash(struct wizard *w, char **err)
{
	const char *bundles[1] = { w->m.store_bundle };
	struct rehash_progress prog = { on_rehash, w };
	struct rehash_result res;
	int r;

	*err = NULL;
	if (w->m.store_bundle == NULL || w->m.store_dir == NULL) {
		*err = xstrdup(_("name the bundle and the directory to build"));
		return -1;
	}
	memset(&res, 0, sizeof(res));
	w->ap.rehash_total = 0;
	r = rehash_dir(w->m.store_dir, bundles, 1, time(NULL), &prog, &res, err);
	w->ap.rehash_total = 0;
	if (r == 0) {
		wiz_wrote(w, w->m.store_dir, _("certificates and hash links"));
		wiz_set_field(w, PF_CA_PATH, w->m.store_dir);
		wiz_replay(w, rehash_command(w->m.store_dir, w->m.store_bundle));
		wiz_set_status(w, _("Done: %zu certificates written, %zu hash links made, %zu "
		    "skipped"), res.written, res.linked, res.skipped);
	}
	rehash_result_free(&res);
	return r;
}

int
engine_hook_install(struct wizard *w, char **path, char **err)
{
	struct hook_params hp;
	char *le_dir = path_dirname(w->env.le_live);
	char *self = realpath("/proc/self/exe", NULL);
	int r;

	memset(&hp, 0, sizeof(hp));
	hp.le_dir = le_dir;
	hp.smtls = self ? self : "smtls";
	hp.lineage = w->m.lineage < w->env.n_lineages ? w->env.lineages[w->m.lineage].name : "";
	hp.restart = access("/run/systemd/system", F_OK) == 0 ? "systemctl restart sendmail" :
	    "service sendmail restart";
	hp.hostname = w->m.plan.hostname ? w->m.plan.hostname : "";
	r = hook_install(&hp, path, err);
	if (r == 0) {
		wiz_wrote(w, *path, _("new"));
		wiz_replay(w, hook_command(&hp));
	}
	free(le_dir);
	free(self);
	return r;
}
