/* model.c: the wizard's model: form items, the plan, live checking, the equivalent command line. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "smtls/cert.h"
#include "smtls/check.h"
#include "smtls/emit.h"
#include "smtls/i18n.h"
#include "wizard.h"

const struct wiz_screen *const wiz_screens[SCR_COUNT] = {
	&screen_start, &screen_source, &screen_details, &screen_store, &screen_key,
	&screen_options, &screen_review, &screen_apply,
};

void
wiz_items_clear(struct wizard *w)
{
	size_t i;

	for (i = 0; i < w->n_items; i++) {
		free(w->items[i].label);
		free(w->items[i].note);
		free(w->items[i].disabled);
	}
	xfree(w->items);
	w->n_items = 0;
	buf_free(&w->body);
}

struct wiz_item *
wiz_item_add(struct wizard *w, enum wiz_item_kind kind, int id, int group, char hotkey,
    const char *label)
{
	struct wiz_item *it;

	w->items = xreallocarray(w->items, w->n_items + 1, sizeof(*w->items));
	it = &w->items[w->n_items++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->id = id;
	it->group = group;
	it->hotkey = hotkey;
	it->label = xstrdup(label);
	it->field = -1;
	return it;
}

void
wiz_item_note(struct wiz_item *it, const char *fmt, ...)
{
	va_list ap;

	free(it->note);
	va_start(ap, fmt);
	it->note = xvstrprintf(fmt, ap);
	va_end(ap);
}

void
wiz_item_disable(struct wiz_item *it, const char *why)
{
	free(it->disabled);
	it->disabled = xstrdup(why);
}

struct wiz_item *
wiz_item_by_id(struct wizard *w, int id)
{
	size_t i;

	for (i = 0; i < w->n_items; i++)
		if (w->items[i].id == id)
			return &w->items[i];
	return NULL;
}

void
wiz_body(struct wizard *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&w->body, fmt, ap);
	va_end(ap);
}

void
wiz_set_status(struct wizard *w, const char *fmt, ...)
{
	va_list ap;

	free(w->status);
	w->status = NULL;
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	w->status = xvstrprintf(fmt, ap);
	va_end(ap);
}

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
		if (o != NULL && o->is_path && v != NULL)
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

void
wiz_set_field(struct wizard *w, enum plan_field f, const char *value)
{
	const char *old = plan_get(&w->m.plan, f);

	if (value != NULL && *value == '\0')
		value = NULL;
	if ((old == NULL && value == NULL) || (old && value && strcmp(old, value) == 0))
		return;
	if (value == NULL) {
		xfree(w->m.plan.value[f]);
		xfree(w->m.plan.origin[f].file);
		w->m.plan.origin[f].line = 0;
	} else
		plan_set(&w->m.plan, f, value, NULL, 0);
	w->m.dirty = true;
	w->ap.preview_valid = false;
	wiz_recheck(w);
}

void
wiz_keep_field(struct wizard *w, enum plan_field f)
{
	const struct tls_plan *c = &w->env.current;

	plan_set(&w->m.plan, f, c->value[f], c->origin[f].file, c->origin[f].line);
	w->m.dirty = true;
	w->ap.preview_valid = false;
	wiz_recheck(w);
}

/* True when a word of label starts with letter c (any case). */
static bool
word_starts_with(const char *label, int c)
{
	const char *p;

	for (p = label; *p; p++)
		if ((p == label || !isalnum((unsigned char)p[-1])) &&
		    tolower((unsigned char)*p) == c)
			return true;
	return false;
}

/* A button's letter: the suggestion when its translated label holds it, else the label's first
 * ASCII letter (never q). */
static int
button_letter(const char *label, int want)
{
	const char *p;

	for (p = label; *p; p++)
		if (tolower((unsigned char)*p) == want)
			return want;
	for (p = label; *p; p++)
		if ((unsigned char)*p < 128 && isalpha((unsigned char)*p) &&
		    tolower((unsigned char)*p) != 'q')
			return tolower((unsigned char)*p);
	return 0;
}

/* The letter of Back (button 0) or of Next, Finish, Apply (1): b, x (n belongs to items),
 * f, a in English; the same on every screen, and never an item's. */
int
wiz_button_key(const struct wizard *w, int button)
{
	const char *next = wiz_screens[w->screen]->next_label;

	if (button == 0)
		return button_letter(_("Back"), 'b');
	if (next == NULL)
		return button_letter(_("Next"), 'x');
	return button_letter(_(next), tolower((unsigned char)next[0]));
}

/*
 * Hotkeys come from the translated labels, so they work in every language: the screen's
 * suggestion when a word of the label starts with it, else the first free letter of the
 * label (items earlier on the screen win). q (quit) is never used, nor digits (they stand
 * for F-keys on consoles without them).
 */
static void
assign_hotkeys(struct wizard *w)
{
	char used[128] = { 0 };
	size_t i;

	used['q'] = 1;
	used[wiz_button_key(w, 0)] = used[wiz_button_key(w, 1)] = 1;	/* the buttons' */
	for (i = 0; i < w->n_items; i++) {
		struct wiz_item *it = &w->items[i];
		int want = tolower((unsigned char)it->hotkey);
		const char *p;

		if (it->kind != WI_LABEL && want > 0 && want < 128 && isalpha(want) &&
		    !used[want] && word_starts_with(it->label, want)) {
			it->hotkey = (char)want;
			used[want] = 1;
			continue;
		}
		it->hotkey = 0;
		if (it->kind == WI_LABEL)
			continue;
		for (p = it->label; *p; p++) {
			int c = tolower((unsigned char)*p);

			if (c < 128 && isalpha(c) && !used[c]) {
				it->hotkey = (char)c;
				used[c] = 1;
				break;
			}
		}
	}
}

void
wiz_build(struct wizard *w)
{
	wiz_items_clear(w);
	wiz_screens[w->screen]->build(w);
	assign_hotkeys(w);
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

/* Appends ' value' to b, quoted for a POSIX shell when needed. */
static void
shell_word(struct buf *b, const char *s)
{
	const char *p;

	buf_puts(b, " ");
	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789/._-+=:,@") == strlen(s)) {
		buf_puts(b, s);
		return;
	}
	buf_puts(b, "'");
	for (p = s; *p; p++) {
		if (*p == '\'')
			buf_puts(b, "'\\''");
		else
			buf_append(b, p, 1);
	}
	buf_puts(b, "'");
}

char *
wiz_command_line(const struct wizard *w)
{
	static const struct {
		enum plan_field	 f;
		const char	*flag;
	} flags[] = {
		{ PF_SERVER_CERT, "--server-cert" }, { PF_SERVER_KEY, "--server-key" },
		{ PF_CA_CERT, "--ca-cert" }, { PF_CA_PATH, "--ca-path" },
		{ PF_CLIENT_CERT, "--client-cert" }, { PF_CLIENT_KEY, "--client-key" },
	};
	const struct tls_plan *p = &w->m.plan;
	struct buf b = { 0 };
	char *emitted = engine_command_line(w);
	size_t i;

	if (emitted != NULL)
		return emitted;
	buf_puts(&b, "smtls check");
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (plan_get(p, flags[i].f) == NULL)
			continue;
		buf_puts(&b, " ");
		buf_puts(&b, flags[i].flag);
		shell_word(&b, plan_get(p, flags[i].f));
	}
	if (plan_get(p, PF_CLIENT_CERT) == NULL)
		buf_puts(&b, " --no-client-cert");
	if (p->hostname != NULL) {
		buf_puts(&b, " --hostname");
		shell_word(&b, p->hostname);
	}
	if (w->env.mc_path != NULL) {
		buf_puts(&b, " --mc");
		shell_word(&b, w->env.mc_path);
	}
	return buf_release(&b);
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

void
wiz_free(struct wizard *w)
{
	size_t i;

	wiz_items_clear(w);
	findings_free(&w->live);
	plan_free(&w->m.plan);
	plan_free(&w->env.current);
	findings_free(&w->env.load_findings);
	sendmail_info_free(&w->env.sm);
	for (i = 0; i < w->env.n_lineages; i++) {
		free(w->env.lineages[i].name);
		free(w->env.lineages[i].dir);
		free(w->env.lineages[i].summary);
	}
	free(w->env.lineages);
	free(w->env.sm_err);
	free(w->env.mc_path);
	free(w->env.cf_path);
	free(w->env.cf_dir);
	free(w->env.cf_found);
	free(w->env.mc_err);
	free(w->env.le_live);
	free(w->env.system_roots);
	free(w->env.hostname);
	free(w->env.demo_dir);
	free(w->status);
	free(w->result);
	buf_free(&w->written);
	buf_free(&w->replay);
	for (i = 0; i < (size_t)PF_COUNT; i++)
		free(w->m.described[i]);
	free(w->m.gen_names);
	free(w->m.gen_dir);
	free(w->m.ca_dir);
	free(w->m.import_bundle);
	free(w->m.import_key);
	free(w->m.hook_path);
	free(w->m.store_bundle);
	free(w->m.store_dir);
	free(w->ap.fragment);
	free(w->ap.mc_diff);
	free(w->ap.cf_diff);
	free(w->ap.preview_err);
	for (i = 0; i < WIZ_MAX_STEPS; i++) {
		free(w->ap.detail[i]);
		free(w->ap.prove_detail[i]);
	}
	free(w->ap.prove_text);
	free(w->ap.prove_fix);
	free(w->ap.error);
	free(w->ap.mc_backup);
	free(w->ap.cf_backup);
	free(w->ap.restart_command);
	memset(w, 0, sizeof(*w));
}

char *
wiz_path_problem(enum plan_field f, const char *path)
{
	const struct tls_option *o = tls_option_by_field(f);
	char *why = NULL;

	/* the emitter's own rule: what it cannot write so that sendmail reads it back (an m4
	 * word such as dnl or include in a path is no problem: the value is quoted twice) */
	if (path == NULL || *path == '\0' || o == NULL || emit_check_value(o, path, &why) == 0)
		return NULL;
	return why;
}

void
wiz_path_item(struct wizard *w, enum plan_field f, int group, char key, const char *label,
    const char *help)
{
	struct wiz_item *it = wiz_item_add(w, WI_PATH, 1000 + (int)f, group, key, label);
	char *bad = wiz_path_problem(f, plan_get(&w->m.plan, f));

	it->field = (int)f;
	it->help = help;
	if (bad != NULL)
		wiz_item_note(it, "%s", bad);
	free(bad);
}

void
wiz_wrote(struct wizard *w, const char *path, const char *what)
{
	w->wrote = true;
	buf_printf(&w->written, "  %s (%s)\n", path, what);
}

void
wiz_replay(struct wizard *w, char *cmd)
{
	buf_printf(&w->replay, "  %s\n", cmd);
	free(cmd);
}

char *
wiz_written_list(const struct wizard *w)
{
	const struct wiz_apply *ap = &w->ap;
	struct buf b = { 0 };

	if (w->written.data != NULL)
		buf_puts(&b, w->written.data);
	if (ap->changed && !ap->undone) {
		buf_printf(&b, "  %s (%s)\n", w->env.mc_path, _("the TLS block merged"));
		buf_printf(&b, "  %s (%s)\n", w->env.cf_path, _("rebuilt with m4"));
		if (ap->mc_backup != NULL)
			buf_printf(&b, "  %s (%s)\n", ap->mc_backup, _("backup"));
		if (ap->cf_backup != NULL)
			buf_printf(&b, "  %s (%s)\n", ap->cf_backup, _("backup"));
	} else if (ap->undone)
		buf_printf(&b, "  %s, %s (%s)\n", w->env.mc_path, w->env.cf_path,
		    _("restored from the backups"));
	return b.data != NULL ? buf_release(&b) : NULL;
}
