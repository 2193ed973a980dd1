/* screen-apply.c: what will be written, then merge, rebuild, verify with each step shown;
 * the backups and a one-step undo. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtls/apply.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "wizard.h"

enum { APPLY_RESTART = 1, APPLY_NOW, APPLY_UNDO, APPLY_HOOK, APPLY_OVERRIDE, APPLY_ROLLBACK,
	APPLY_WITHIN, APPLY_MSP };

/* The last part of a path. */
static const char *
base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* Before the apply: the MSP's submit.mc (given, or found beside sendmail.mc) and what the
 * MSP is ... */
static void
msp_note(struct wizard *w)
{
	char *cf;

	if (w->env.submit_mc == NULL)
		return;
	cf = apply_cf_beside(w->env.submit_mc);
	wiz_body(w, _("The MSP (%s): sendmail's client side for locally submitted mail; its TLS "
	    "settings are for verifying the relay it submits to (this MTA). "), w->env.submit_mc);
	if (w->env.submit_on)
		wiz_body(w, _("Ticked: Apply also writes it and rebuilds %s.\n"), cf);
	else
		wiz_body(w, _("Not ticked: it is left as it is.\n"));
	free(cf);
}

/* ... and the box that has Apply configure it too (its submit.cf rebuilt). */
static void
msp_item(struct wizard *w)
{
	struct wiz_item *it;
	char *cf, *label;

	if (w->env.submit_mc == NULL)
		return;
	cf = apply_cf_beside(w->env.submit_mc);
	label = xstrprintf(_("Also configure the MSP: %s -> %s"), base_of(w->env.submit_mc),
	    base_of(cf));
	it = wiz_item_add(w, WI_TOGGLE, APPLY_MSP, 1, 'm', label);
	free(label);
	free(cf);
	it->on = w->env.submit_on;
	it->help = N_("The MSP is sendmail's client side for locally submitted mail (mail, cron, "
	    "PHP's mail()): it hands each message to this MTA. Its TLS settings are for "
	    "verifying the relay it submits to, so it gets the trust store (CACertFile, "
	    "CACertPath), never the server's certificate. On: Apply also merges them into "
	    "submit.mc and rebuilds submit.cf, in the same transaction, with backups; Undo "
	    "restores both.");
}

static const char *
state_word(int st)
{
	switch (st) {
	case 1:
		/* TRANSLATORS: the state of an apply step; keep the five words the same width */
		return _("Running");
	case 2:
		return _("Done");
	case 3:
		return _("Failed");
	case 4:
		return _("Skipped");
	}
	return _("Pending");
}

/* The proof's own steps, under the apply step that runs it, once it has started. */
static void
proof_steps_body(struct wizard *w)
{
	const struct wiz_apply *ap = &w->ap;
	int i;

	for (i = 0; w->ap.ran && i < ap->n_prove; i++) {
		wiz_body(w, "      %-8s %s", state_word(ap->prove_state[i]),
		    ap->prove_title[i] ? _(ap->prove_title[i]) : "");
		if (ap->prove_detail[i] != NULL)
			wiz_body(w, ": %s", ap->prove_detail[i]);
		wiz_body(w, "\n");
	}
}

/* What the proof saw, and when it refused the install, the fix and the way past it. */
static void
proof_body(struct wizard *w)
{
	const struct wiz_apply *ap = &w->ap;

	if (ap->prove_refused) {
		if (ap->prove_fix != NULL)
			wiz_body(w, _("Fix: %s\n"), ap->prove_fix);
		wiz_body(w, _("To install it anyway, turn on \"Install despite the failed proof\" "
		    "above, then Apply now.\n"));
	}
	if (ap->prove_text != NULL)
		wiz_body(w, _("\nWhat the proof saw (the new sendmail.cf as a second daemon on "
		    "127.0.0.1):\n%s"), ap->prove_text);
}

static void
steps_body(struct wizard *w)
{
	const char *t;
	int i;

	for (i = 0; (t = engine_step_title(i)) != NULL; i++) {
		wiz_body(w, "  %-8s %s", state_word(w->ap.ran ? w->ap.state[i] : 0), t);
		if (w->ap.detail[i] != NULL)
			wiz_body(w, ": %s", w->ap.detail[i]);
		wiz_body(w, "\n");
		if (engine_step_is_proof(i))
			proof_steps_body(w);
	}
}

/* While apply runs: the running step and its seconds, and how to abort. */
static void
running_line(struct wizard *w)
{
	const struct wiz_apply *ap = &w->ap;
	const char *now = engine_running_step(w);
	long long secs = (long long)time(NULL) - ap->step_at;

	if (secs < 0)
		secs = 0;
	if (w->job.aborting)
		wiz_body(w, _("Aborting: stopping \"%s\" (%lld s)... %s\n"), now ? now : "-", secs,
		    w->job.stopping ? w->job.stopping : "");
	else
		wiz_body(w, _("Running: %s, %lld s so far (sendmail -bC and the proof may take a "
		    "few seconds). q or Ctrl-C: abort\n"), now ? now : "-", secs);
}

static void
result_text(struct wizard *w)
{
	struct wiz_apply *ap = &w->ap;
	char *cmd = wiz_command_line(w);
	struct buf b = { 0 };
	char *files = wiz_written_list(w);

	if (files != NULL)
		buf_printf(&b, _("Files written:\n%s"), files);
	else
		buf_puts(&b, _("No file was written.\n"));
	free(files);
	if (ap->cd.ended && ap->cd.outcome != NULL)
		buf_printf(&b, "%s%s\n", ap->cd.reverted ? _("Reverted: ") : ap->cd.failed ?
		    _("THE TIMED ROLLBACK FAILED: ") : "", ap->cd.outcome);
	{
		char *note = wiz_countdown_note(w);

		if (note != NULL)
			buf_printf(&b, "%s\n", note);
		free(note);
	}
	if (ap->cd.reverted)
		;	/* the previous files are back: nothing of this apply to undo or test */
	else if (ap->changed && !ap->undone) {
		if (ap->abort_late)
			buf_printf(&b, _("Too late to abort: the install had begun, and it was "
			    "finished.\n"));
		if (ap->msp_mc != NULL)
			buf_printf(&b, _("Undo: smtls apply --undo --mc %s --submit-mc %s\n"),
			    w->env.mc_path, ap->msp_mc);
		else
			buf_printf(&b, _("Undo: smtls apply --undo --mc %s\n"), w->env.mc_path);
		buf_printf(&b, _("Test: smtls check --mc %s --cf %s\n"), w->env.mc_path,
		    w->env.cf_path);
		if (ap->restart_command == NULL && !w->env.demo)
			buf_printf(&b, _("sendmail reads the new sendmail.cf when it restarts.\n"));
	} else if (ap->undone) {
		buf_printf(&b, _("Undone: %s and %s are as they were before the last apply.\n"),
		    w->env.mc_path, w->env.cf_path);
		if (ap->msp_mc != NULL)
			buf_printf(&b, _("Undone: %s and %s are as they were before the last apply.\n"),
			    ap->msp_mc, ap->msp_cf ? ap->msp_cf : "-");
	} else if (ap->unchanged)
		buf_printf(&b, _("No changes: %s already has these settings.\n"), w->env.mc_path);
	else if (ap->aborted)
		buf_printf(&b, _("Aborted, nothing was changed: %s\n"), ap->error ? ap->error : "");
	else if (ap->stopped != NULL)
		buf_printf(&b, _("The apply was stopped: %s; %s\n"), ap->error ? ap->error : "",
		    ap->stopped);
	else if (ap->failed && ap->journal_kept)
		buf_printf(&b, _("Apply failed: %s\n"), ap->error ? ap->error : "");
	else if (ap->failed)
		buf_printf(&b, _("Apply failed, nothing was changed: %s\n"),
		    ap->error ? ap->error : "");
	if (ap->failed && ap->prove_refused && ap->prove_fix != NULL)
		buf_printf(&b, _("Fix: %s\n"), ap->prove_fix);
	if (w->m.hook_path != NULL)
		buf_printf(&b, _("certbot deploy hook: %s\n"), w->m.hook_path);
	/* after an apply, its command is in the replay list ("To do the same without the
	 * wizard:"): once is enough */
	if (!ap->changed)
		buf_printf(&b, _("The equivalent command line:\n  %s\n"), cmd);
	free(w->result);
	w->result = buf_release(&b);
	free(cmd);
}

static void
apply_build(struct wizard *w)
{
	struct wiz_apply *ap = &w->ap;
	struct wiz_item *it;
	char *cmd = wiz_command_line(w);

	free(cmd);
	if (!ap->running && wiz_countdown_running(w)) {
		wiz_countdown_build(w);
		wiz_body(w, "\n");
		steps_body(w);
		result_text(w);
		return;
	}
	if (ap->running)
		running_line(w);
	else if (!ap->ran) {
		wiz_body(w, _("Nothing has been written yet. Apply writes %s and %s (each "
		    "backed up first as FILE.smtls-TIME), after m4, sendmail -bC and the proof "
		    "(the new sendmail.cf as a second daemon on 127.0.0.1) passed:\n"),
		    w->env.mc_path, w->env.cf_path);
		msp_note(w);
	} else if (ap->cd.reverted || ap->cd.failed)
		wiz_countdown_outcome(w);
	else if (ap->undone)
		wiz_body(w, _("Undone: the backups were restored.\n"));
	else if (ap->changed) {
		if (ap->abort_late)
			wiz_body(w, _("Too late to abort: the install had begun, and it was "
			    "finished; the new files are in place.\n"));
		wiz_body(w, _("Done. Backups: %s, %s\n"), ap->mc_backup ? ap->mc_backup : "-",
		    ap->cf_backup ? ap->cf_backup : "-");
		if (ap->msp_mc != NULL)
			wiz_body(w, _("The MSP's pair too: %s and %s, in the same transaction. "
			    "Backups: %s, %s\n"), ap->msp_mc, ap->msp_cf ? ap->msp_cf : "-",
			    ap->msp_mc_backup ? ap->msp_mc_backup : "-",
			    ap->msp_cf_backup ? ap->msp_cf_backup : "-");
		wiz_countdown_outcome(w);
	}
	else if (ap->unchanged)
		wiz_body(w, _("No changes: %s already has these settings; no backup was made.\n"),
		    w->env.mc_path);
	else if (ap->aborted)
		wiz_body(w, _("Aborted (%s). Nothing was changed: %s and %s are as they were.\n"),
		    ap->error ? ap->error : "?", w->env.mc_path, w->env.cf_path);
	else if (ap->journal_kept || ap->stopped != NULL)
		wiz_body(w, "%s: %s.\n", severity_label(SEV_ERROR), ap->error ? ap->error :
		    _("apply failed"));
	else
		wiz_body(w, _("%s: %s. Nothing was changed.\n"), severity_label(SEV_ERROR),
		    ap->error ? ap->error : _("apply failed"));
	if (!ap->running && ap->stopped != NULL)
		wiz_body(w, _("The apply was stopped before it could say what it did; the "
		    "recovery of its journal: %s.\n"), ap->stopped);
	steps_body(w);
	if (ap->running) {
		if (ap->cd.live_text != NULL)
			wiz_body(w, "%s", ap->cd.live_text);
		return;
	}
	/* what changed on disk first, then the details of what the proof saw */
	{
		char *files = wiz_written_list(w);

		if (files != NULL)
			wiz_body(w, _("Files written in this session:\n%s"), files);
		free(files);
	}
	proof_body(w);
	if (!ap->ran || ap->failed || ap->cd.reverted) {
		msp_item(w);
		it = wiz_item_add(w, WI_TOGGLE, APPLY_RESTART, 1, 'r',
		    _("Restart sendmail afterwards"));
		it->on = ap->restart;
		it->help = N_("sendmail reads sendmail.cf when it starts: restart it to use the "
		    "new settings, then the addresses it listens on are probed: each must serve "
		    "the planned chain. Off: restart it yourself later.");
		if (w->env.demo)
			wiz_item_disable(it, _("not in the demo: the sandbox has no daemon"));
		else if (!engine_can_restart(w))
			wiz_item_disable(it, _("no way to restart sendmail was found here"));
		/* the demo has no daemon: its disabled restart says why */
		if (!w->env.demo) {
			it = wiz_item_add(w, WI_TOGGLE, APPLY_ROLLBACK, 1, 't',
			    _("Timed rollback: revert unless kept in time"));
			it->on = ap->cd.on;
			it->help = N_("Restarts sendmail with the new settings, then asks \"Keep these "
			    "settings?\" with a countdown: unless you keep them in time, a helper "
			    "that does not depend on the wizard puts the previous sendmail.mc and "
			    "sendmail.cf back and restarts sendmail again.");
			if (!engine_can_restart(w))
				wiz_item_disable(it, _("no way to restart sendmail was found here"));
			else if (ap->cd.on) {
				it = wiz_item_add(w, WI_TEXT, APPLY_WITHIN, 2, 'd',
				    _("Time to decide"));
				it->text = &ap->cd.within;
				wiz_item_note(it, "%s", _("seconds (or 2m, 1h)"));
				it->help = N_("How long the countdown runs before the revert: 120 "
				    "seconds by default; 2m, 1h and up to 24h are understood.");
			}
		}
		if (ap->prove_refused || (ap->failed && w->m.override)) {
			it = wiz_item_add(w, WI_TOGGLE, APPLY_OVERRIDE, 1, 'i',
			    _("Install despite the failed proof"));
			it->on = w->m.override;
			it->help = N_("The new sendmail.cf, run as a second daemon on 127.0.0.1, "
			    "failed its proof. On: Apply now installs it anyway (the same override "
			    "as the Review screen's for errors of the check).");
		}
		it = wiz_item_add(w, WI_ACTION, APPLY_NOW, 3, 'a', _("Apply now"));
		it->help = N_("Asks once more, then runs each step; any failure leaves every file "
		    "as it was.");
	}
	if (ap->changed && !ap->undone && !ap->cd.reverted) {
		it = wiz_item_add(w, WI_ACTION, APPLY_UNDO, 4, 'u',
		    _("Undo: restore the backups"));
		it->help = w->ap.msp_mc != NULL ? N_("Puts back sendmail.mc and sendmail.cf, and "
		    "the MSP's submit.mc and submit.cf, as they were before.") :
		    N_("Puts back sendmail.mc and sendmail.cf as they were before.");
	}
	it = wiz_item_add(w, WI_ACTION, APPLY_HOOK, 5, 'h',
	    _("Install the certbot renewal hook"));
	it->help = N_("After each renewal certbot runs it: it checks the new files with smtls "
	    "check and only then restarts sendmail, so a bad renewal never breaks TLS.");
	if (w->m.hook_path != NULL)
		wiz_item_note(it, _("installed: %s"), w->m.hook_path);
	if (!engine_can_hook(w))
		wiz_item_disable(it, _("only for a Let's Encrypt lineage"));
	result_text(w);
}

static enum wiz_key_result
apply_activate(struct wizard *w, struct wiz_item *it)
{
	char *q;
	bool yes;

	if (wiz_countdown_running(w))
		return wiz_countdown_activate(w, it);
	switch (it->id) {
	case APPLY_RESTART:
		w->ap.restart = !w->ap.restart;
		if (!w->ap.restart)
			w->ap.cd.on = false;	/* the timed rollback restarts */
		return WK_HANDLED;
	case APPLY_ROLLBACK:
		w->ap.cd.on = !w->ap.cd.on;
		if (w->ap.cd.on) {
			w->ap.restart = true;
			if (w->ap.cd.within == NULL)
				w->ap.cd.within = xstrdup("120");
		}
		return WK_STAY;
	case APPLY_OVERRIDE:
		w->m.override = !w->m.override;
		return WK_HANDLED;
	case APPLY_MSP:
		w->env.submit_on = !w->env.submit_on;
		w->ap.preview_valid = false;	/* the Review's dry run includes the MSP or not */
		return WK_HANDLED;
	case APPLY_NOW:
		if (w->env.submit_on && w->env.submit_mc != NULL) {
			char *cf = apply_cf_beside(w->env.submit_mc);

			q = xstrprintf(_("Write %s and %s, and the MSP's %s and %s, now? Backups are "
			    "kept."), w->env.mc_path, w->env.cf_path, w->env.submit_mc, cf);
			free(cf);
		} else
			q = xstrprintf(_("Write %s and %s now? Backups are kept."), w->env.mc_path,
			    w->env.cf_path);
		yes = w->confirm(w, q, false);
		free(q);
		if (yes)
			(void)engine_apply(w);
		/* the countdown's cursor starts on Revert now: Keep takes its own key */
		if (wiz_countdown_running(w))
			w->view[SCR_APPLY].focus_id = -1;
		return WK_HANDLED;
	case APPLY_HOOK: {
		char *path = NULL, *err = NULL, *le = path_dirname(w->env.le_live);

		q = xstrprintf(_("Install the certbot deploy hook in %s/renewal-hooks/deploy?"), le);
		free(le);
		yes = w->confirm(w, q, false);
		free(q);
		if (!yes)
			return WK_HANDLED;
		if (engine_hook_install(w, &path, &err) == -1) {
			wiz_set_status(w, "%s: %s", severity_label(SEV_ERROR), err ? err : "?");
			free(err);
		} else {
			free(w->m.hook_path);
			w->m.hook_path = path;
			wiz_set_status(w, _("Installed: %s"), path);
		}
		return WK_HANDLED;
	}
	case APPLY_UNDO:
		yes = w->confirm(w, w->ap.msp_mc != NULL ? _("Restore the backups of sendmail.mc "
		    "and sendmail.cf, and of the MSP's submit.mc and submit.cf?") :
		    _("Restore the backups of sendmail.mc and sendmail.cf?"), false);
		if (yes)
			(void)engine_undo(w);
		return WK_HANDLED;
	}
	return WK_UNHANDLED;
}

static int
apply_next(struct wizard *w)
{
	char *note = wiz_countdown_note(w), *q;
	bool yes = true;

	if (note != NULL) {
		q = xstrprintf(_("Finish now? %s"), note);
		yes = w->confirm(w, q, false);
		free(q);
		free(note);
	}
	return yes ? SCR_COUNT : SCR_APPLY;	/* finish */
}

const struct wiz_screen screen_apply = {
	.name = N_("Apply"),
	.help = N_("Merges the TLS block into sendmail.mc, rebuilds sendmail.cf with m4, checks "
	    "it with sendmail -bC, proves it (runs it as a second daemon on 127.0.0.1, connects "
	    "with STARTTLS and sends it a test message), and installs it, keeping backups; every "
	    "step is shown as it runs. A failed proof installs nothing."),
	.build = apply_build,
	.activate = apply_activate,
	.next = apply_next,
	.next_label = N_("Finish"),
	.items_first = true,
};
