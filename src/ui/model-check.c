/* model-check.c: the wizard's live check of the plan: a re-check only when a file changed
 * (keyed on the files' stat data), the finding each field shows, the refusal, and the
 * roots / issuer / leaf picture marked with them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "smtls/cert.h"
#include "smtls/check.h"
#include "smtls/emit.h"
#include "smtls/i18n.h"
#include "wizard.h"

/* Mixes the stat data of path (or why there is none) into the FNV-1a hash h. */
static unsigned long long
stat_mix(unsigned long long h, const char *path)
{
	struct stat st;
	unsigned long long v[10];
	const unsigned char *p = (const unsigned char *)v;
	size_t i;

	memset(v, 0, sizeof(v));
	if (path != NULL && stat(path, &st) == 0) {
		v[0] = (unsigned long long)st.st_dev;
		v[1] = (unsigned long long)st.st_ino;
		v[2] = (unsigned long long)st.st_size;
		v[3] = (unsigned long long)st.st_mtim.tv_sec;
		v[4] = (unsigned long long)st.st_mtim.tv_nsec;
		v[5] = (unsigned long long)st.st_ctim.tv_sec;
		v[6] = (unsigned long long)st.st_ctim.tv_nsec;
		v[7] = (unsigned long long)st.st_mode;
		v[8] = (unsigned long long)st.st_uid << 32 | (unsigned long long)st.st_gid;
	} else
		v[9] = path != NULL ? 1 : 2;
	for (i = 0; i < sizeof(v); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

/* The stat data of the files the findings are about: every path of the plan. */
static unsigned long long
files_key(const struct wizard *w)
{
	unsigned long long h = 14695981039346656037ULL;
	int f;

	for (f = 0; f < PF_COUNT; f++)
		if (w->m.plan.value[f] != NULL && w->m.plan.value[f][0] == '/')
			h = stat_mix(h, w->m.plan.value[f]);
	return stat_mix(h, w->m.plan.public_roots);
}

static unsigned long long
mc_key(const struct wizard *w)
{
	return stat_mix(stat_mix(14695981039346656037ULL, w->env.mc_path), w->env.cf_path);
}

bool
wiz_refresh(struct wizard *w)
{
	if (mc_key(w) != w->mc_key) {
		engine_reload(w);
		return true;
	}
	if (files_key(w) == w->files_key)
		return false;
	wiz_recheck(w);
	return true;
}

char *
wiz_refusal(const struct findings *fs)
{
	const struct finding *f = NULL;
	size_t i;

	for (i = 0; i < fs->n && f == NULL; i++)
		if (fs->v[i].severity == SEV_ERROR)
			f = &fs->v[i];
	return xstrprintf(_("refused: %s %s: %s%s%s%s. Go back (Esc) to fix it, Ctrl-L checks "
	    "again; or turn on \"Continue despite the errors\" on the Review screen"),
	    severity_label(SEV_ERROR), f ? f->id : "?", f ? f->message : "?",
	    f && f->fix ? _(" (fix: ") : "", f && f->fix ? f->fix : "", f && f->fix ? ")" : "");}

void
wiz_recheck(struct wizard *w)
{
	size_t i;

	w->files_key = files_key(w);
	w->mc_key = mc_key(w);
	/* what the files hold, for the screens to show without reading them */
	for (i = 0; i < (size_t)PF_COUNT; i++) {
		const struct tls_option *o = tls_option_by_field((enum plan_field)i);
		const char *v = plan_get(&w->m.plan, (enum plan_field)i);

		xfree(w->m.described[i]);
		/* DHParameters: a keyword, or a file of DH parameters (never a certificate) */
		if (i == PF_DH_PARAMS && v != NULL)
			w->m.described[i] = dh_params_describe(v);
		else if (o != NULL && o->is_path && v != NULL)
			w->m.described[i] = engine_describe_file(v, w->m.plan.now);
	}
	w->m.client_auth = cert_file_client_auth(plan_get(&w->m.plan, PF_SERVER_CERT));
	w->m.key_mode = engine_file_mode(plan_get(&w->m.plan, PF_SERVER_KEY), w->m.key_owner,
	    sizeof(w->m.key_owner));

	findings_free(&w->live);
	/* a live check judges validity now (certificates made during the session included) */
	if (!w->env.at_given)
		w->m.plan.now = time(NULL);
	check_plan(&w->m.plan, w->env.sm.found ? &w->env.sm : NULL, &w->live);
	/* what loading the existing mc/cf found stays true until they are rewritten */
	for (i = 0; i < w->env.load_findings.n; i++) {
		const struct finding *f = &w->env.load_findings.v[i];
		struct finding *n;

		if (findings_has(&w->live, f->id, f->file))
			continue;
		n = findings_add(&w->live, f->id, f->severity, f->file, "%s", f->message);
		if (f->fix != NULL)
			finding_set_fix(n, "%s", f->fix);
		if (f->reproduce != NULL)
			finding_set_reproduce(n, "%s", f->reproduce);
	}
	findings_sort(&w->live);
}

const struct finding *
wiz_finding_for(const struct wizard *w, const char *path)
{
	const struct finding *best = NULL;
	size_t i;

	if (path == NULL)
		return NULL;
	for (i = 0; i < w->live.n; i++) {
		const struct finding *f = &w->live.v[i];

		if (f->file == NULL || strcmp(f->file, path) != 0 || f->severity == SEV_OK)
			continue;
		if (best == NULL || f->severity > best->severity)
			best = f;
	}
	return best;
}

struct wiz_item *
wiz_first_bad_item(struct wizard *w, const struct finding **out)
{
	size_t i;

	for (i = 0; i < w->n_items; i++) {
		struct wiz_item *it = &w->items[i];
		const struct finding *f;

		if (it->kind != WI_PATH)
			continue;
		f = wiz_finding_for(w, plan_get(&w->m.plan, (enum plan_field)it->field));
		if (f != NULL && f->severity == SEV_ERROR) {
			*out = f;
			return it;
		}
	}
	return NULL;
}

/* Under one file of the picture: the worst finding about it (the one its field shows). */
static void
picture_mark(struct buf *b, const struct wizard *w, const char *path)
{
	const struct finding *f = wiz_finding_for(w, path);

	if (f != NULL && f->severity >= SEV_WARNING)
		buf_printf(b, "      >> %s: %s\n", severity_label(f->severity), f->message);
}

/*
 * The roots / issuer / leaf picture, from the current values, each marked with what is wrong
 * with it (the finding its field shows). Sendmail trusts CACertFile and CACertPath alike when
 * it verifies a peer (SSL_CTX_load_verify_locations), and sends CACertFile's names.
 */
char *
wiz_picture(const struct wizard *w)
{
	const struct tls_plan *p = &w->m.plan;
	const char *capath = plan_get(p, PF_CA_PATH), *cafile = plan_get(p, PF_CA_CERT);
	const char *cert = plan_get(p, PF_SERVER_CERT), *key = plan_get(p, PF_SERVER_KEY);
	struct buf b = { 0 };

	buf_printf(&b, _("How sendmail's TLS files fit together\n"
	    "\n"
	    "  CACertPath  (confCACERT_PATH)  %s\n"
	    "      public roots, a hashed directory: with CACertFile, what sendmail\n"
	    "      trusts when it verifies a peer; never sent to anyone\n"),
	    capath ? capath : _("(not set)"));
	picture_mark(&b, w, capath);
	buf_printf(&b, _("        |\n"
	    "  CACertFile  (confCACERT)       %s\n"
	    "      our issuer (the intermediate): sent to clients with our\n"
	    "      certificate, its name offered as an acceptable CA, and trusted\n"
	    "      like CACertPath's roots; keep it small, never the whole bundle\n"),
	    cafile ? cafile : _("(not set)"));
	picture_mark(&b, w, cafile);
	buf_printf(&b, _("        |\n"
	    "  ServerCertFile (confSERVER_CERT) %s\n"
	    "      our leaf certificate; this sendmail reads only its first\n"
	    "      certificate, so the chain must come from CACertFile\n"),
	    cert ? cert : _("(not set)"));
	picture_mark(&b, w, cert);
	buf_printf(&b, _("  ServerKeyFile  (confSERVER_KEY)  %s\n"
	    "      the leaf's private key: mode 0600 (0640 only with GroupReadableKeyFile)\n"),
	    key ? key : _("(not set)"));
	picture_mark(&b, w, key);
	buf_printf(&b, _("\n"
	    "A peer checks the chain the way this command does:\n"
	    "  openssl verify -CApath %s -untrusted %s %s\n"),
	    capath ? capath : "/etc/ssl/certs", cafile ? cafile : "chain.pem",
	    cert ? cert : "cert.pem");
	return buf_release(&b);
}
