/* engine.c: the wizard's adapter to the core: what is on this machine (the mc and cf in force,
 * sendmail, the certbot lineages, the demo sandbox) and what a file holds. Apply is in
 * engine-apply.c, certificates in engine-certs.c, the explainer in engine-explain.c. No curses. */
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
#include "smtls/cert.h"
#include "smtls/cf.h"
#include "smtls/check.h"
#include "smtls/demo.h"
#include "smtls/emit.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/lineage.h"
#include "smtls/m4.h"
#include "smtls/mc.h"
#include "smtls/pki.h"
#include "wizard.h"

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
	w->env.update_tls_cert = check_cert_is_update_tls(plan_get(&w->env.current,
	    PF_SERVER_CERT));
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

static void
plan_copy(struct tls_plan *dst, const struct tls_plan *src)
{
	int f;

	for (f = 0; f < PF_COUNT; f++)
		if (src->value[f] != NULL)
			plan_set(dst, (enum plan_field)f, src->value[f], src->origin[f].file,
			    src->origin[f].line);
	dst->no_client_cert = src->no_client_cert;
	plan_fill_sendmail(dst, src);
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
		e->restart_command = o->restart_command ? xstrdup(o->restart_command) : NULL;
		/* the MSP's submit.mc: the one given, or the one beside the mc as check finds
		 * it; the Apply screen offers it, ticked only when given */
		e->submit_mc = o->submit_mc ? xstrdup(o->submit_mc) : check_submit_beside(e->mc_path);
		e->submit_on = o->submit_mc != NULL;
		if (fl && fl->public_roots)
			w->m.plan.public_roots = xstrdup(fl->public_roots);
	}
	smpath = fl && fl->sendmail_path ? fl->sendmail_path : sendmail_default_path();
	if (smpath != NULL && sendmail_inspect(smpath, &e->sm, &e->sm_err) == -1)
		e->sm.found = false;
	sendmail_host_check(&e->host);
	load_current(w);
	/* update_tls's self-signed certificate in force: the source screen offers to replace it */
	e->update_tls_cert = check_cert_is_update_tls(plan_get(&e->current, PF_SERVER_CERT));
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
	engine_countdown_free(&w->ap.cd);
	xfree(w->ap.cd.within);
	xfree(w->env.restart_command);
	xfree(w->env.submit_mc);
	plan_free(&w->env.submit_plan);
}
