/* model.c: the wizard's model: form items, the screens' build and hotkeys, the plan's fields
 * as typed, the equivalent command line, what the session wrote (the re-check: model-check.c). */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
	free(w->ap.msp_mc_diff);
	free(w->ap.msp_cf_diff);
	free(w->ap.msp_mc_path);
	free(w->ap.msp_cf_path);
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
	free(w->ap.msp_mc);
	free(w->ap.msp_cf);
	free(w->ap.msp_mc_backup);
	free(w->ap.msp_cf_backup);
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
		/* the MSP's pair too, as the core's result said (apply --submit-mc) */
		const struct { const char *path, *what; } f[] = {
			{ w->env.mc_path, _("the TLS block merged") },
			{ w->env.cf_path, _("rebuilt with m4") },
			{ ap->mc_backup, _("backup") },
			{ ap->cf_backup, _("backup") },
			{ ap->msp_mc, _("the MSP's CA settings merged") },
			{ ap->msp_cf, _("rebuilt with m4") },
			{ ap->msp_mc_backup, _("backup") },
			{ ap->msp_cf_backup, _("backup") },
		};
		size_t i;

		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (f[i].path != NULL)
				buf_printf(&b, "  %s (%s)\n", f[i].path, f[i].what);
	} else if (ap->undone) {
		buf_printf(&b, "  %s, %s (%s)\n", w->env.mc_path, w->env.cf_path,
		    _("restored from the backups"));
		if (ap->msp_mc != NULL)
			buf_printf(&b, "  %s, %s (%s)\n", ap->msp_mc, ap->msp_cf ? ap->msp_cf : "-",
			    _("restored from the backups"));
	}
	return b.data != NULL ? buf_release(&b) : NULL;
}
