/* engine.c: the wizard's adapter to the core engines: what is on this machine, what a file
 * holds, emit and apply, the certificate engine, rehash, the hook, the explainer. No curses. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smtls/apply.h"
#include "smtls/ca.h"
#include "smtls/cert.h"
#include "smtls/certmake.h"
#include "smtls/cf.h"
#include "smtls/chain.h"
#include "smtls/check.h"
#include "smtls/demo.h"
#include "smtls/emit.h"
#include "smtls/explain.h"
#include "smtls/fileio.h"
#include "smtls/hook.h"
#include "smtls/i18n.h"
#include "smtls/lineage.h"
#include "smtls/m4.h"
#include "smtls/mc.h"
#include "smtls/pki.h"
#include "smtls/rehash.h"
#include "wizard.h"
#include "../common/prove-text.h"

static void load_current(struct wizard *w);

/* Whether c has expired at now, as the check engine judges it. */
static bool
expired(const struct cert *c, time_t now)
{
	return cert_expiry_state(c, now, NULL) == CERT_EXPIRED;
}

/* After apply or undo rewrote the mc and cf: what is in force now, and its findings. */
static void
reload_current(struct wizard *w)
{
	time_t now = w->env.current.now;

	plan_free(&w->env.current);
	plan_init(&w->env.current, now);
	findings_free(&w->env.load_findings);
	xfree(w->env.mc_err);
	w->env.mc_loaded = false;
	load_current(w);
	wiz_recheck(w);
}

void
engine_reload(struct wizard *w)
{
	reload_current(w);
}

static bool
is_dir(const char *p)
{
	struct stat st;

	return p != NULL && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool
is_file(const char *p)
{
	struct stat st;

	return p != NULL && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The emitter's options (emit_options_init: stamped with the time of writing, as the CLI's,
 * never the --at time, which only judges certificates); free with emit_options_free. */
static void
emit_opts(const struct wizard *w, struct emit_options *eo)
{
	emit_options_init(eo, time(NULL));
	eo->group_readable_key = w->m.group_readable;
	eo->smtps = w->m.smtps;
}

/* The request for apply_run: the core's defaults (apply_request_init), this wizard's files. */
static void
wiz_apply_request(struct wizard *w, struct apply_request *rq, const struct emit_options *eo)
{
	apply_request_init(rq, &w->m.plan, eo, w->env.sm.found ? &w->env.sm : NULL,
	    w->env.mc_path);
	rq->cf_path = w->env.cf_path;
	rq->cf_m4_dir = w->env.cf_dir;
	rq->sandbox_hostname = w->env.demo ? DEMO_HOSTNAME : NULL;
}

char *
engine_command_line(const struct wizard *w)
{
	struct emit_options eo;
	char *r;

	emit_opts(w, &eo);
	r = emit_command_line(&w->m.plan, &eo, "apply", w->env.mc_path);
	emit_options_free(&eo);
	return r;
}

void
engine_preview(struct wizard *w)
{
	struct wiz_apply *ap = &w->ap;
	struct emit_options eo;
	struct emit_result er;
	struct apply_request rq;
	struct apply_result res;
	char *cmd, *err = NULL;

	if (ap->preview_valid)
		return;
	xfree(ap->fragment);
	xfree(ap->mc_diff);
	xfree(ap->cf_diff);
	xfree(ap->preview_err);
	emit_opts(w, &eo);
	cmd = engine_command_line(w);
	eo.command = cmd;
	memset(&er, 0, sizeof(er));
	if (emit_build(&w->m.plan, &eo, w->env.sm.found ? &w->env.sm : NULL, &er, &err) == -1) {
		ap->preview_err = err;
	} else {
		ap->fragment = xstrdup(er.fragment);
		/* a dry run: the diffs, with m4 but without sendmail -bC (fast) */
		wiz_apply_request(w, &rq, &eo);
		rq.sm = NULL;
		rq.dry_run = true;
		rq.force = true;
		rq.no_prove = true;	/* the proof runs when the admin applies */
		memset(&res, 0, sizeof(res));
		if (apply_run(&rq, &res) == 0) {
			ap->mc_diff = xstrdup(res.mc_diff ? res.mc_diff : "");
			ap->cf_diff = xstrdup(res.cf_diff ? res.cf_diff : "");
		} else
			ap->preview_err = xstrdup(res.error ? res.error : _("the dry run failed"));
		apply_result_free(&res);
	}
	emit_result_free(&er);
	emit_options_free(&eo);
	free(cmd);
	ap->preview_valid = true;
}

bool
engine_can_restart(const struct wizard *w)
{
	return !w->env.demo && apply_restart_argv() != NULL;
}

const char *
engine_step_title(int i)
{
	if (i < 0 || i >= APPLY_STEP_COUNT || i >= WIZ_MAX_STEPS)
		return NULL;
	return _(apply_step_title((enum apply_step)i));
}

bool
engine_step_is_proof(int i)
{
	return i == APPLY_STEP_PROVE;
}

static void
on_progress(enum apply_step step, enum apply_state state, const char *detail, void *arg)
{
	struct wizard *w = arg;

	if ((int)step < WIZ_MAX_STEPS) {
		w->ap.state[step] = (int)state;
		free(w->ap.detail[step]);
		w->ap.detail[step] = detail ? xstrdup(detail) : NULL;
	}
	if (w->progress != NULL)
		w->progress(w);
}

/* The proof's steps, each as it changes, shown under the apply step "prove". */
static void
on_prove_progress(const struct prove_result *r, enum prove_step_id step, void *arg)
{
	struct wizard *w = arg;
	struct wiz_apply *ap = &w->ap;
	int i;

	ap->n_prove = PROVE_STEPS < WIZ_MAX_STEPS ? PROVE_STEPS : WIZ_MAX_STEPS;
	for (i = 0; i < ap->n_prove; i++)
		ap->prove_title[i] = r->steps[i].title;
	if ((int)step < ap->n_prove) {
		ap->prove_state[step] = (int)r->steps[step].state;
		free(ap->prove_detail[step]);
		ap->prove_detail[step] = r->steps[step].detail ?
		    xstrdup(r->steps[step].detail) : NULL;
	}
	if (w->progress != NULL)
		w->progress(w);
}

/* What the proof saw, as `smtls prove' prints it (src/common/prove-text.c). */
static char *
prove_observations(const struct prove_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	prove_print_observations(f, r);
	if (fclose(f) != 0 || len == 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void
ap_reset(struct wiz_apply *ap)
{
	int i;

	for (i = 0; i < WIZ_MAX_STEPS; i++) {
		ap->state[i] = 0;
		xfree(ap->detail[i]);
		ap->prove_state[i] = 0;
		xfree(ap->prove_detail[i]);
	}
	ap->n_prove = 0;
	ap->prove_refused = false;
	xfree(ap->prove_text);
	xfree(ap->prove_fix);
	xfree(ap->error);
	xfree(ap->mc_backup);
	xfree(ap->cf_backup);
	xfree(ap->restart_command);
	ap->changed = ap->unchanged = ap->failed = ap->undone = false;
}

int
engine_apply(struct wizard *w)
{
	struct wiz_apply *ap = &w->ap;
	struct emit_options eo;
	struct apply_request rq;
	struct apply_result res;
	char *cmd = wiz_command_line(w);
	int r, i;

	ap_reset(ap);
	ap->ran = true;
	ap->n_steps = APPLY_STEP_COUNT < WIZ_MAX_STEPS ? APPLY_STEP_COUNT : WIZ_MAX_STEPS;
	emit_opts(w, &eo);
	eo.command = cmd;
	wiz_apply_request(w, &rq, &eo);
	rq.force = w->m.override;
	rq.restart = ap->restart && engine_can_restart(w);
	rq.progress = on_progress;
	rq.prove_progress = on_prove_progress;
	rq.progress_arg = w;
	memset(&res, 0, sizeof(res));
	ap->running = true;
	r = apply_run(&rq, &res);
	ap->running = false;
	for (i = 0; i < ap->n_steps; i++)
		ap->state[i] = (int)res.state[i];
	ap->changed = res.outcome == APPLY_CHANGED;
	ap->unchanged = res.outcome == APPLY_UNCHANGED;
	ap->failed = r == -1;
	ap->journal_kept = res.journal_kept;
	if (res.proved) {
		const struct finding *f = NULL;

		ap->prove_text = prove_observations(&res.prove);
		for (i = 0; i < (int)res.prove.findings.n && f == NULL; i++)
			if (res.prove.findings.v[i].severity == SEV_ERROR)
				f = &res.prove.findings.v[i];
		if (f != NULL && f->fix != NULL)
			ap->prove_fix = xstrdup(f->fix);
	}
	ap->prove_refused = res.outcome == APPLY_REFUSED && res.failed_step == APPLY_STEP_PROVE;
	if (ap->prove_refused) {
		const char *why = ap->detail[APPLY_STEP_PROVE] ? ap->detail[APPLY_STEP_PROVE] :
		    _("see its steps");
		size_t l = strlen(why);

		/* the screen ends the sentence itself */
		ap->error = xstrprintf(_("the proof of the new sendmail.cf failed: %.*s"),
		    (int)(l > 0 && why[l - 1] == '.' ? l - 1 : l), why);
	}
	else if (res.outcome == APPLY_REFUSED && res.error == NULL)
		ap->error = wiz_refusal(&res.findings);
	if (res.error != NULL)
		ap->error = xstrdup(res.error);
	if (res.mc_backup != NULL)
		ap->mc_backup = xstrdup(res.mc_backup);
	if (res.cf_backup != NULL)
		ap->cf_backup = xstrdup(res.cf_backup);
	if (res.restart_command != NULL)
		ap->restart_command = xstrdup(res.restart_command);
	if (ap->changed) {
		w->wrote = true;
		w->m.dirty = false;
	}
	ap->preview_valid = false;
	apply_result_free(&res);
	emit_options_free(&eo);
	free(cmd);
	if (ap->changed)
		reload_current(w);
	return r;
}

int
engine_undo(struct wizard *w)
{
	struct apply_result res;
	int r;

	memset(&res, 0, sizeof(res));
	r = apply_undo(w->env.mc_path, w->env.cf_path, &res);
	xfree(w->ap.error);
	if (r == -1)
		w->ap.error = xstrdup(res.error ? res.error : _("undo failed"));
	else {
		w->ap.undone = true;
		reload_current(w);
	}
	w->ap.preview_valid = false;
	apply_result_free(&res);
	return r;
}

static void
plan_copy(struct tls_plan *dst, const struct tls_plan *src)
{
	int f;

	for (f = 0; f < PF_COUNT; f++)
		if (src->value[f] != NULL)
			plan_set(dst, (enum plan_field)f, src->value[f], src->origin[f].file,
			    src->origin[f].line);
	dst->no_client_cert = src->no_client_cert;
}

/*
 * The TLS settings now in force: the mc through m4 (with the check engine's scan for
 * disabled and duplicate defines, and its comparison with the cf), else the cf.
 */
static void
load_current(struct wizard *w)
{
	struct wiz_env *e = &w->env;
	struct tls_plan cfp;
	size_t before = e->load_findings.n;

	if (e->mc_path != NULL && is_file(e->mc_path)) {
		if (mc_load(e->mc_path, M4_PATH, e->cf_dir, &e->current, &e->load_findings,
		    NULL) == 0) {
			e->mc_loaded = true;
			if (e->cf_path != NULL && is_file(e->cf_path)) {
				plan_init(&cfp, e->current.now);
				if (cf_load(e->cf_path, &cfp, &e->load_findings) == 0)
					mc_compare_cf(&e->current, &cfp, e->mc_path, e->cf_path,
					    &e->load_findings);
				plan_free(&cfp);
			}
			return;
		}
		e->mc_err = xstrdup(e->load_findings.n > before ?
		    e->load_findings.v[before].message : _("m4 failed"));
	}
	if (e->cf_path != NULL && is_file(e->cf_path))
		(void)cf_load(e->cf_path, &e->current, &e->load_findings);
}

/* The lineages of a certbot live directory (the certificate engine's lineage_list). */
static void
load_lineages(struct wizard *w, time_t now)
{
	struct wiz_env *e = &w->env;
	struct lineage *v = NULL;
	char *le_dir, *err = NULL, day[32];
	size_t n = 0, i;

	if (e->le_live == NULL || !is_dir(e->le_live))
		return;
	le_dir = path_dirname(e->le_live);
	if (lineage_list(le_dir, now, &v, &n, &err) == -1) {
		free(err);
		free(le_dir);
		return;
	}
	free(le_dir);
	e->lineages = xcalloc(n ? n : 1, sizeof(*e->lineages));
	for (i = 0; i < n; i++) {
		struct wiz_lineage *l = &e->lineages[i];
		const struct lineage *s = &v[i];
		struct buf b = { 0 };
		size_t j;

		l->name = xstrdup(s->name);
		l->dir = xstrdup(s->live);
		l->usable = s->leaf.x509 != NULL;
		if (l->usable) {
			time_format_iso(s->leaf.not_after, day, sizeof(day));
			day[10] = '\0';
			buf_printf(&b, _("%s %s, %s %d"), expired(&s->leaf, now) ? _("expired") :
			    _("expires"), day, s->leaf.key_type, s->leaf.key_bits);
			if (s->via != NULL)
				buf_printf(&b, _(", chain %s"), s->via);
		} else
			buf_puts(&b, _("cert.pem cannot be read"));
		/* the worst thing about it, in its own words */
		for (j = 0; j < s->findings.n; j++)
			if (s->findings.v[j].severity >= SEV_WARNING) {
				buf_printf(&b, " - %s: %s", severity_label(s->findings.v[j].severity),
				    s->findings.v[j].message);
				break;
			}
		l->summary = buf_release(&b);
	}
	e->n_lineages = n;
	lineages_free(v, n);
}

static char *
make_demo_dir(const struct wiz_options *o, char **err)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (o->demo_dir != NULL) {
		if (mkdir(o->demo_dir, 0700) == -1) {
			*err = xstrprintf(_("%s: cannot create the demo directory: %s"), o->demo_dir,
			    strerror(errno));
			return NULL;
		}
		return xstrdup(o->demo_dir);
	}
	dir = xstrprintf("%s/smtls-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		*err = xstrprintf(_("%s: cannot create the demo directory: %s"), dir,
		    strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

int
engine_init(struct wizard *w, const struct wiz_options *o, char **err)
{
	struct wiz_env *e = &w->env;
	const struct tls_plan *fl = o->flags;
	const char *smpath;
	time_t now = fl ? fl->now : time(NULL);
	struct demo_paths dp;

	*err = NULL;
	plan_init(&e->current, now);
	plan_init(&w->m.plan, now);
	e->demo = o->demo;
	e->at_given = o->at_given;
	e->cf_dir = o->cf_m4 ? xstrdup(o->cf_m4) : NULL;
	if (o->demo) {
		if ((e->demo_dir = make_demo_dir(o, err)) == NULL)
			return -1;
		e->keep_demo = o->demo_dir != NULL;
		if (demo_build(e->demo_dir, "openssl", M4_PATH, &dp, err) == -1) {
			engine_cleanup(w);
			return -1;
		}
		/* the sandbox's certificates start now: judge them after they were made */
		if (!o->at_given) {
			now = time(NULL);
			w->m.plan.now = e->current.now = now;
		}
		e->mc_path = xstrdup(dp.mc);
		e->cf_path = xstrdup(dp.cf);
		e->le_live = xstrdup(dp.le_live);
		e->system_roots = xstrdup(dp.roots);
		e->hostname = xstrdup(DEMO_HOSTNAME);
		w->m.plan.public_roots = xstrdup(dp.root_cert);
		demo_paths_free(&dp);
	} else {
		/* the pair the admin named: a cf beside a given mc (or an mc beside a given cf),
		 * never a given file paired with the system's other one */
		const char *mc = fl ? fl->mc_path : NULL, *cf = fl ? fl->cf_path : NULL;

		e->mc_path = mc ? xstrdup(mc) : cf ? apply_mc_beside(cf) :
		    xstrdup("/etc/mail/sendmail.mc");
		e->cf_path = cf ? xstrdup(cf) : apply_cf_beside(e->mc_path);
		e->le_live = xstrdup("/etc/letsencrypt/live");
		e->system_roots = xstrdup("/etc/ssl/certs");
		e->hostname = fl && fl->hostname ? xstrdup(fl->hostname) : NULL;
		if (fl && fl->public_roots)
			w->m.plan.public_roots = xstrdup(fl->public_roots);
	}
	smpath = fl && fl->sendmail_path ? fl->sendmail_path : sendmail_default_path();
	if (smpath != NULL && sendmail_inspect(smpath, &e->sm, &e->sm_err) == -1)
		e->sm.found = false;
	sendmail_host_check(&e->host);
	load_current(w);
	load_lineages(w, now);
	{
		int inc;

		e->cf_found = m4_find_cf_dir(NULL, e->cf_dir, &inc);
	}

	/* the choices start from what is in force, then the command line's settings */
	plan_copy(&w->m.plan, &e->current);
	if (fl != NULL)
		plan_copy(&w->m.plan, fl);
	w->m.plan.hostname = e->hostname ? xstrdup(e->hostname) : NULL;
	w->m.plan.mc_path = xstrdup(e->mc_path);
	w->m.plan.cf_path = xstrdup(e->cf_path);
	w->m.source = SRC_EXISTING;
	if (plan_get(&w->m.plan, PF_SERVER_CERT) == NULL && e->n_lineages > 0)
		w->m.source = SRC_LETSENCRYPT;
	w->m.store = plan_get(&w->m.plan, PF_CA_PATH) == NULL ||
	    strcmp(plan_get(&w->m.plan, PF_CA_PATH), e->system_roots) == 0 ? STORE_SYSTEM :
	    STORE_OTHER;
	w->m.client_cert = plan_get(&w->m.plan, PF_CLIENT_CERT) != NULL;
	/* what the block will say, as the equivalent command line says it */
	w->m.plan.no_client_cert = !w->m.client_cert;
	w->m.group_readable = plan_get(&w->m.plan, PF_DONT_BLAME) != NULL &&
	    strstr(plan_get(&w->m.plan, PF_DONT_BLAME), "GroupReadableKeyFile") != NULL;
	/* the oldest TLS version in force, as the emitter writes it */
	w->m.min_tls = emit_min_tls_version(plan_get(&w->m.plan, PF_SERVER_SSL_OPTIONS)) != NULL;
	w->m.gen_names = e->hostname ? xstrdup(e->hostname) : NULL;
	/* new files go beside the sendmail.mc (/etc/mail/tls for /etc/mail/sendmail.mc) */
	{
		char *base = e->demo ? xstrdup(e->demo_dir) : path_dirname(e->mc_path);

		w->m.gen_dir = xstrprintf("%s/tls", base);
		w->m.ca_dir = xstrprintf("%s/private-ca", base);
		w->m.store_dir = xstrprintf("%s/tls/roots", base);
		free(base);
	}
	w->m.ask_client = true;
	{
		/* the core's default key type (smtls selfsigned, csr and ca new use it too) */
		struct pki_key_spec ks;

		w->m.gen_key = pki_key_spec_parse(PKI_DEFAULT_KEY, &ks, NULL) == 0 &&
		    ks.alg == PKI_KEY_EC ? 0 : 1;
	}
	w->m.dirty = false;
	wiz_recheck(w);
	/* what is wrong now, before any change (the start screen) */
	e->now_errors = findings_count(&w->live, SEV_ERROR);
	e->now_warnings = findings_count(&w->live, SEV_WARNING);
	return 0;
}

char *
engine_describe_file(const char *path, time_t now)
{
	struct certlist cl = { 0 };
	struct key k;
	struct stat st;
	char *err = NULL, *r, day[32];
	enum load_status ls;

	if (path == NULL || *path == '\0')
		return xstrdup(_("not set"));
	if (lstat(path, &st) == -1)
		return xstrprintf(_("does not exist"));
	if (stat(path, &st) == -1)
		return xstrprintf(_("a dangling symlink"));
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		int n = 0, hashed = 0;

		if (d == NULL)
			return xstrprintf(_("a directory that cannot be read: %s"), strerror(errno));
		while ((de = readdir(d)) != NULL) {
			size_t len = strlen(de->d_name);

			if (de->d_name[0] == '.')
				continue;
			n++;
			if (len >= 10 && de->d_name[8] == '.' &&
			    strspn(de->d_name, "0123456789abcdef") == 8)
				hashed++;
		}
		closedir(d);
		return xstrprintf(_("a directory: %d entries, %d hash links"), n, hashed);
	}
	ls = cert_load_file(path, &cl, &err);
	if (ls == LOAD_OK && cl.n > 0) {
		const struct cert *c = &cl.v[0];

		time_format_iso(c->not_after, day, sizeof(day));
		day[10] = '\0';
		if (cl.n == 1)
			r = xstrprintf(_("1 certificate: %s%s, %s %s, %s %d"),
			    c->subject_cn ? c->subject_cn : c->subject, c->is_ca ? _(" (CA)") : "",
			    expired(c, now) ? _("expired") : _("expires"), day, c->key_type,
			    c->key_bits);
		else
			r = xstrprintf(_("%zu certificates, first: %s%s, %s %s"), cl.n,
			    c->subject_cn ? c->subject_cn : c->subject, c->is_ca ? _(" (CA)") : "",
			    expired(c, now) ? _("expired") : _("expires"), day);
		certlist_free(&cl);
		free(err);
		return r;
	}
	certlist_free(&cl);
	xfree(err);
	memset(&k, 0, sizeof(k));
	ls = key_load_file(path, &k, &err);
	if (ls == LOAD_OK) {
		r = xstrprintf(_("a private key: %s %d, mode %04o"), k.type, k.bits,
		    (unsigned)(st.st_mode & 07777));
		key_clear(&k);
		free(err);
		return r;
	}
	if (ls == LOAD_ENCRYPTED)
		r = xstrdup(_("a private key with a passphrase (sendmail cannot use it)"));
	else
		r = xstrdup(_("neither a PEM certificate nor a private key"));
	free(err);
	return r;
}

int
engine_file_mode(const char *path, char *owner, size_t owner_size)
{
	struct stat st;
	struct passwd *pw;
	struct group *gr;

	if (path == NULL || stat(path, &st) == -1)
		return -1;
	pw = getpwuid(st.st_uid);
	gr = getgrgid(st.st_gid);
	snprintf(owner, owner_size, "%s:%s", pw ? pw->pw_name : "?", gr ? gr->gr_name : "?");
	return (int)(st.st_mode & 07777);
}

int
engine_chmod_key(const char *path, char **err)
{
	struct stat st;

	/* never through a symlink's final component: resolve it and chmod the file itself */
	char *real = realpath(path, NULL);

	if (real == NULL || lstat(real, &st) == -1 || !S_ISREG(st.st_mode) ||
	    chmod(real, 0600) == -1) {
		*err = xstrprintf(_("%s: cannot chmod 600: %s"), path, strerror(errno));
		free(real);
		return -1;
	}
	free(real);
	return 0;
}

void
engine_cleanup(struct wizard *w)
{
	if (w->env.demo_dir != NULL && !w->env.keep_demo)
		(void)demo_remove(w->env.demo_dir);
}

/*
 * The certificate engine (certmake.h, ca.h, hook.h): a self-signed certificate, a private CA
 * and the certificates it issues, a key and CSR, the import of what a commercial CA sent, the
 * certbot deploy hook. Each writes new files only (all or nothing, keys 0600 from the first
 * byte) after the admin confirmed.
 */

/* The key type chosen on the details screen (gen_key: 1 RSA 3072, 0 EC P-256). */
static int
gen_key_spec(const struct wizard *w, struct pki_key_spec *spec, char **err)
{
	return pki_key_spec_parse(w->m.gen_key == 1 ? "rsa:3072" : "ec:P-256", spec, err);
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

/*
 * A new key and a certificate for m.gen_names (certmake_leaf), signed by issuer/issuer_key
 * (NULL: by itself), written into m.gen_dir; the plan then uses them, with the file the core
 * names as CACertFile.
 */
static int
make_leaf(struct wizard *w, const struct cert *issuer, const struct key *issuer_key,
    const char *ca_dir, char **err)
{
	struct certmake_names names = { 0 };
	struct pki_key_spec spec;
	struct pki_cert_params p;
	struct certmake m = { 0 };
	int rc = -1;

	*err = NULL;
	if (certmake_names_parse(&names, w->m.gen_names, err) == -1 ||
	    certmake_params(&p, &names, time(NULL), issuer ? CA_LEAF_DAYS :
	    CERTMAKE_SELFSIGNED_DAYS, err) == -1 || gen_key_spec(w, &spec, err) == -1)
		goto out;
	if (issuer != NULL && ca_fit_days(issuer, ca_dir, &p, err) == -1)
		goto out;
	if (certmake_leaf(&m, &spec, &p, issuer, issuer_key, err) == -1 ||
	    write_out(w, w->m.gen_dir, CERTMAKE_DIR_MODE, m.files, m.n_files, err) == -1)
		goto out;
	set_file(w, PF_SERVER_CERT, w->m.gen_dir, CERTMAKE_CERT);
	set_file(w, PF_CA_CERT, w->m.gen_dir, m.cacert);
	set_file(w, PF_SERVER_KEY, w->m.gen_dir, CERTMAKE_KEY);
	rc = 0;
out:
	certmake_free(&m);
	certmake_names_free(&names);
	return rc;
}

int
engine_make_selfsigned(struct wizard *w, char **err)
{
	return make_leaf(w, NULL, NULL, NULL, err);
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
	struct pki_key_spec spec;
	struct pki_cert_params p;
	struct ca_new ca;
	int rc = -1;

	*err = NULL;
	memset(&ca, 0, sizeof(ca));
	if (w->m.ca_dir == NULL || *w->m.ca_dir == '\0') {
		*err = xstrdup(_("name the CA directory"));
		return -1;
	}
	if (gen_key_spec(w, &spec, err) == -1)
		return -1;
	ca_params(&p, CA_DEFAULT_NAME, time(NULL), CA_DAYS);
	if (ca_new_make(&ca, &spec, &p, err) == 0 &&
	    write_out(w, w->m.ca_dir, CERTMAKE_CA_DIR_MODE, ca.files, 2, err) == 0)
		rc = 0;
	ca_new_free(&ca);
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
		rc = make_leaf(w, &ca, &cakey, dir, err);
	cert_clear(&ca);
	key_clear(&cakey);
	return rc;
}

/* Commercial CA: a key and the request for it (certmake_csr), as `smtls csr'. */
int
engine_make_csr(struct wizard *w, char **err)
{
	struct certmake_names names = { 0 };
	struct pki_key_spec spec;
	struct pki_cert_params p;
	struct certmake m = { 0 };
	int rc = -1;

	*err = NULL;
	if (certmake_names_parse(&names, w->m.gen_names, err) == -1 ||
	    certmake_params(&p, &names, time(NULL), 1, err) == -1 ||
	    gen_key_spec(w, &spec, err) == -1 || certmake_csr(&m, &spec, NULL, &p, err) == -1 ||
	    write_out(w, w->m.gen_dir, CERTMAKE_DIR_MODE, m.files, m.n_files, err) == -1)
		goto out;
	set_file(w, PF_SERVER_KEY, w->m.gen_dir, CERTMAKE_KEY);
	free(w->m.import_key);
	w->m.import_key = xstrprintf("%s/%s", w->m.gen_dir, CERTMAKE_KEY);
	rc = 0;
out:
	certmake_free(&m);
	certmake_names_free(&names);
	return rc;
}

/* Commercial CA: what it sent, sorted (certmake_import), as `smtls import'. */
int
engine_import(struct wizard *w, char **err)
{
	const char *rootsfile = w->m.plan.public_roots ? w->m.plan.public_roots :
	    CERTMAKE_SYSTEM_ROOTS;
	struct certlist pool = { 0 }, roots = { 0 };
	struct key key = { 0 };
	struct pki_bundle b;
	struct certmake m = { 0 };
	enum load_status ls;
	char *kerr = NULL;
	int rc = -1;

	*err = NULL;
	memset(&b, 0, sizeof(b));
	if (w->m.import_bundle == NULL || w->m.import_key == NULL) {
		*err = xstrdup(_("name the file the CA sent and the private key"));
		return -1;
	}
	if ((ls = key_load_file(w->m.import_key, &key, &kerr)) != LOAD_OK) {
		*err = kerr ? kerr : xstrprintf(_("%s: no private key"), w->m.import_key);
		return -1;
	}
	free(kerr);
	if (pki_load_certs(w->m.import_bundle, &pool, err) == -1)
		goto out;
	/* the public roots complete the chain the CA sent without its root */
	if (pki_load_certs(rootsfile, &roots, &kerr) == -1)
		xfree(kerr);
	if (pki_bundle_sort(&pool, &key, &roots, time(NULL), &b, err) == -1 ||
	    certmake_import(&m, &b, err) == -1 ||
	    write_out(w, w->m.gen_dir, CERTMAKE_DIR_MODE, m.files, m.n_files, err) == -1)
		goto out;
	set_file(w, PF_SERVER_CERT, w->m.gen_dir, CERTMAKE_CERT);
	wiz_set_field(w, PF_SERVER_KEY, w->m.import_key);
	set_file(w, PF_CA_CERT, w->m.gen_dir, m.cacert);
	rc = 0;
out:
	certmake_free(&m);
	pki_bundle_free(&b);
	certlist_free(&pool);
	certlist_free(&roots);
	key_clear(&key);
	return rc;
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
	if (r == 0)
		wiz_wrote(w, *path, _("new"));
	free(le_dir);
	free(self);
	return r;
}

/* The log explainer (explain.h): one sendmail STARTTLS log line in plain words. */
char *
engine_explain(const char *line)
{
	struct explain_line l;
	struct explanation e;
	struct buf b = { 0 };

	if (!explain_parse(line, strlen(line), &l))
		return xstrdup(_("This is not a sendmail STARTTLS log line (it has no "
		    "\"STARTTLS\" or \"ruleset=tls_\" part)."));
	memset(&e, 0, sizeof(e));
	explain_describe(&l, &e);
	buf_printf(&b, "%s (%s)\n\n", severity_label(e.severity), e.id ? e.id : "-");
	if (e.what != NULL)
		buf_printf(&b, _("What happened: %s\n\n"), e.what);
	if (e.mail != NULL)
		buf_printf(&b, _("For the mail: %s\n\n"), e.mail);
	if (e.cause != NULL)
		buf_printf(&b, _("Likely cause: %s\n\n"), e.cause);
	if (e.fix != NULL)
		buf_printf(&b, _("Fix: %s\n\n"), e.fix);
	if (e.file != NULL)
		buf_printf(&b, _("File: %s\n"), e.file);
	explanation_clear(&e);
	return buf_release(&b);
}

/* The chain of trust as peers receive it (chain.h), leaf first, with where it breaks. */
char *
engine_chain_map(const struct wizard *w)
{
	const struct tls_plan *p = &w->m.plan;
	const char *cert = plan_get(p, PF_SERVER_CERT);
	const char *roots = p->public_roots ? p->public_roots : "/etc/ssl/certs";
	struct certlist file = { 0 }, extra = { 0 }, presented = { 0 };
	struct trust *store, *pub;
	struct buf b = { 0 };
	enum chain_result r;
	char *err = NULL, *detail = NULL, day[32];
	size_t i;

	if (cert == NULL || cert_load_file(cert, &file, &err) != LOAD_OK || file.n == 0) {
		free(err);
		certlist_free(&file);
		return NULL;
	}
	if (w->env.sm.found && w->env.sm.chain_file)
		for (i = 1; i < file.n; i++)
			certlist_add(&extra, &file.v[i]);
	store = trust_new(plan_get(p, PF_CA_CERT), plan_get(p, PF_CA_PATH));
	chain_presented(store, &file.v[0], &extra, p->now, &presented);
	for (i = 0; i < presented.n; i++) {
		const struct cert *c = &presented.v[i];

		time_format_iso(c->not_after, day, sizeof(day));
		day[10] = '\0';
		buf_printf(&b, "%*s%s[%zu] %s  %s %s%s\n", (int)(i * 3), "", i ? "`- " : "  ", i,
		    c->subject_cn ? c->subject_cn : c->subject,
		    expired(c, p->now) ? _("EXPIRED") : _("until"), day,
		    c->self_signed ? _("  (root)") : "");
	}
	if (presented.n > 0 && !presented.v[presented.n - 1].self_signed)
		buf_printf(&b, "%*s`- %s %s\n", (int)(presented.n * 3), "",
		    _("missing: its issuer"), presented.v[presented.n - 1].issuer);
	pub = trust_load(roots, &err);
	if (pub != NULL) {
		r = chain_verify(pub, &presented, p->now, &detail);
		buf_printf(&b, _("Peers that trust %s: %s%s%s\n"), roots,
		    r == CHAIN_OK ? _("verify OK") : _("cannot verify"),
		    detail ? ": " : "", detail ? detail : "");
		trust_free(&pub);
	} else
		buf_printf(&b, _("The public roots cannot be read: %s\n"), err ? err : roots);
	free(err);
	free(detail);
	trust_free(&store);
	certlist_free(&presented);
	certlist_free(&extra);
	certlist_free(&file);
	return buf_release(&b);
}
