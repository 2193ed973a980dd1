/* screen-review.c: every finding, the .mc fragment, the diffs, and the way to apply. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/i18n.h"
#include "wizard.h"

enum { REV_OVERRIDE = 1 };

/* The fragment, each define followed by what it sets in sendmail's terms (display only). */
static void
fragment_body(struct wizard *w, const char *frag)
{
	const char *line = frag;

	while (line != NULL && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		const struct tls_option *o = NULL;

		if (strncmp(line, "define(`", 8) == 0) {
			const char *q = strchr(line + 8, '\'');
			char *macro = q ? xstrndup(line + 8, (size_t)(q - line - 8)) : NULL;

			o = macro ? tls_option_by_macro(macro) : NULL;
			free(macro);
		}
		wiz_body(w, "  %.*s\n", (int)len, line);
		if (o != NULL)
			/* TRANSLATORS: under a define of the .mc fragment: cf option and meaning */
			wiz_body(w, _("      -> %s: %s\n"), o->cf_name, _(o->what));
		line = eol ? eol + 1 : NULL;
	}
}

/* Entered going forward: a preview that was stopped (Ctrl-C in --text) runs again. */
static void
review_enter(struct wizard *w)
{
	if (w->ap.preview_aborted)
		w->ap.preview_valid = false;
}

static void
review_build(struct wizard *w)
{
	size_t i, errors = findings_count(&w->live, SEV_ERROR);
	char *cmd, *map;
	struct wiz_item *it;

	/* m4's dry run first: while it runs, the screen is redrawn (without it) */
	if (engine_preview(w))
		wiz_items_clear(w);
	wiz_body(w, _("Findings: %zu errors, %zu warnings, %zu info, %zu passed\n"), errors,
	    findings_count(&w->live, SEV_WARNING), findings_count(&w->live, SEV_INFO),
	    findings_count(&w->live, SEV_OK));
	for (i = 0; i < w->live.n; i++) {
		const struct finding *f = &w->live.v[i];

		wiz_body(w, "%-7s %s: %s\n", severity_label(f->severity), f->id, f->message);
		if (f->fix != NULL)
			wiz_body(w, _("        fix: %s\n"), f->fix);
		if (f->reproduce != NULL)
			wiz_body(w, _("        see: %s\n"), f->reproduce);
	}
	if ((map = engine_chain_map(w)) != NULL) {
		wiz_body(w, _("\nThe chain peers receive (openssl verify -CApath ... -untrusted "
		    "CACertFile cert.pem):\n%s"), map);
		free(map);
	}
	cmd = wiz_command_line(w);
	wiz_body(w, _("\nThe same, without the wizard:\n  %s\n"), cmd);
	free(cmd);
	wiz_body(w, _("\nThe .mc fragment:\n"));
	if (w->ap.preview_err != NULL)
		wiz_body(w, "  %s: %s\n", severity_label(SEV_ERROR), w->ap.preview_err);
	if (w->ap.fragment != NULL)
		fragment_body(w, w->ap.fragment);
	if (w->job.running && !w->ap.preview_valid)	/* drawn while m4 runs */
		wiz_body(w, _("\nThe changes to the files: m4 is working them out...\n"));
	if (w->ap.mc_diff != NULL)
		wiz_body(w, _("\nChanges to %s:\n%s"), w->env.mc_path,
		    *w->ap.mc_diff ? w->ap.mc_diff : _("  none\n"));
	if (w->ap.cf_diff != NULL)
		wiz_body(w, _("\nChanges to %s:\n%s"), w->env.cf_path,
		    *w->ap.cf_diff ? w->ap.cf_diff : _("  none\n"));
	/* the MSP's pair, when the Apply screen's box takes it in */
	if (w->ap.msp_mc_diff != NULL)
		wiz_body(w, _("\nChanges to %s:\n%s"), w->ap.msp_mc_path,
		    *w->ap.msp_mc_diff ? w->ap.msp_mc_diff : _("  none\n"));
	if (w->ap.msp_cf_diff != NULL)
		wiz_body(w, _("\nChanges to %s:\n%s"), w->ap.msp_cf_path,
		    *w->ap.msp_cf_diff ? w->ap.msp_cf_diff : _("  none\n"));
	if (errors > 0) {
		it = wiz_item_add(w, WI_TOGGLE, REV_OVERRIDE, 1, 'o',
		    _("Continue despite the errors (override)"));
		it->on = w->m.override;
		it->help = N_("With an error, TLS will not work as planned: sendmail refuses a "
		    "file, or peers fail to verify. Only for a setup you will finish by hand.");
	}
}

static enum wiz_key_result
review_activate(struct wizard *w, struct wiz_item *it)
{
	if (it->id != REV_OVERRIDE)
		return WK_UNHANDLED;
	w->m.override = !w->m.override;
	return WK_HANDLED;
}

static int
review_next(struct wizard *w)
{
	size_t errors = findings_count(&w->live, SEV_ERROR);
	char *q;
	bool yes;

	if (errors == 0 || w->m.override)
		return -1;
	q = xstrprintf(_("%zu errors remain: %s. Continue to Apply anyway?"), errors,
	    w->live.v[0].message);
	yes = w->confirm(w, q, false);
	free(q);
	if (!yes)
		return SCR_REVIEW;
	w->m.override = true;
	return -1;
}

const struct wiz_screen screen_review = {
	.name = N_("Review"),
	.help = N_("Everything smtls found for the chosen settings, errors first, each with "
	    "what breaks, the fix, and a command that shows the same thing. Nothing has been "
	    "written yet."),
	.enter = review_enter,
	.build = review_build,
	.activate = review_activate,
	.next = review_next,
	.next_label = N_("Apply"),
};
