/* engine-confirm.c: the wizard's adapter to the core's live check and timed rollback
 * (confirm.h), the same calls as `smtls apply --restart' and `--confirm-within'. No curses. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtls/apply.h"
#include "smtls/confirm.h"
#include "smtls/confirm-job.h"
#include "smtls/i18n.h"
#include "wizard.h"
#include "../common/prove-text.h"

int
engine_confirm_before(struct wizard *w, struct apply_request *rq, struct confirm_apply *ca)
{
	struct wiz_countdown *cd = &w->ap.cd;
	bool restart = rq->restart || (cd->on && engine_can_restart(w));

	engine_countdown_free(cd);
	confirm_apply_init(ca);
	/* the restart command says how to restart, when the admin chose to */
	ca->restart_command = restart ? w->env.restart_command : NULL;
	rq->restart = restart;
	if (restart && cd->on && confirm_parse_duration(cd->within ? cd->within : "",
	    &ca->seconds) == -1) {
		w->ap.error = xstrprintf(_("Time to decide: '%s' is not a duration from 1 s to 24 h "
		    "(120, 120s, 2m, 1h)"), cd->within ? cd->within : "");
		return -1;
	}
	if (confirm_apply_before(ca, rq, time(NULL)) == -1) {
		w->ap.error = xstrdup(ca->refused);
		confirm_apply_free(ca);
		return -1;
	}
	return 0;
}

static void
on_live(const struct confirm_listener *l, bool done, void *arg)
{
	struct wizard *w = arg;

	free(w->ap.cd.live_text);
	w->ap.cd.live_text = done ? NULL : xstrprintf(_("  probing %s:%d%s%s%s ...\n"),
	    l->target, l->port, l->name ? " (" : "", l->name ? l->name : "", l->name ? ")" : "");
	if (w->progress != NULL)
		w->progress(w);
}

/* In the live check's child: its text (what each listener serves, the verdict). */
static char *
live_summary(const struct confirm_live_result *r, void *arg)
{
	(void)arg;
	return live_check_text(r);
}

/* The live check (confirm_apply_live) in a child process through the runner: q stops it. */
static void
live_check(struct wizard *w, const struct apply_request *rq, const struct apply_result *res,
    struct confirm_apply *ca)
{
	struct wiz_countdown *cd = &w->ap.cd;
	struct confirm_live_made made = { on_live, w, false, false, false, NULL };
	struct job *j;
	char *err = NULL;
	bool aborted;

	xfree(cd->live_text);
	if (!confirm_apply_live_due(rq, res))
		return;
	if (confirm_live_job_start(ca, rq, res, live_summary, NULL, &j, &err) == -1) {
		cd->live_text = xstrprintf("%s: %s\n", severity_label(SEV_ERROR), err);
		free(err);
		return;
	}
	w->ap.step_at = (long long)time(NULL);	/* the running line's seconds */
	aborted = engine_run_records(w, _("the live check of the restarted sendmail"),
	    _("Abort the live check? The new files stay installed and sendmail keeps running "
	    "them; only the probe stops."), _("The new files stay installed and sendmail keeps "
	    "running them; only the probe stops."), j, confirm_live_job_record, &made);
	job_free(j);
	xfree(cd->live_text);
	if (aborted)
		cd->live_text = xstrprintf(_("%s: the live check was aborted: nothing shows that "
		    "the restarted sendmail serves the planned certificate\n"),
		    severity_label(SEV_WARNING));
	else if (!made.ended)
		cd->live_text = xstrprintf(_("%s: the live check ended without a result: nothing "
		    "shows that the restarted sendmail serves the planned certificate\n"),
		    severity_label(SEV_WARNING));
	else if (made.ran) {
		cd->live_text = made.text;
		made.text = NULL;
		cd->live_passed = made.passed;
	}
	confirm_live_made_free(&made);
}

void
engine_confirm_after(struct wizard *w, const struct apply_request *rq,
    const struct apply_result *res, struct confirm_apply *ca)
{
	struct wiz_countdown *cd = &w->ap.cd;

	live_check(w, rq, res, ca);
	/* the deadline counts from the end of the live check, as in the CLI */
	if (confirm_apply_installed(ca, res, time(NULL)) == -1)
		cd->error = xstrprintf(_("the timed rollback: %s"), ca->error);
	if (ca->armed && ca->error == NULL && ca->st.phase == CONFIRM_PENDING) {
		cd->armed = true;
		cd->st = ca->st;
		memset(&ca->st, 0, sizeof(ca->st));
	}
	confirm_apply_free(ca);
}

static void
ended(struct wiz_countdown *cd, const struct confirm_state *st, bool gone)
{
	cd->ended = true;
	free(cd->outcome);
	if (gone) {
		cd->outcome = xstrdup(_("No change awaits confirmation any more: it was kept, or what "
		    "became of it acknowledged, by `smtls apply --confirm' elsewhere."));
		return;
	}
	cd->reverted = st->phase == CONFIRM_REVERTED;
	cd->failed = st->phase == CONFIRM_FAILED;
	cd->outcome = xstrdup(cd->failed ? (st->error ? st->error : "?") :
	    st->note ? st->note : "");
}

void
engine_countdown_poll(struct wizard *w)
{
	struct wiz_countdown *cd = &w->ap.cd;
	struct confirm_state st;
	char *e = NULL, *self;
	int r;

	if (!cd->armed || cd->ended)
		return;
	xfree(cd->error);
	r = confirm_status(&st, &e);
	if (r == -1) {
		cd->error = e;
		return;
	}
	if (r == 1 || strcmp(st.id, cd->st.id) != 0)
		ended(cd, NULL, true);
	else if (!confirm_awaits(&st))
		ended(cd, &st, false);
	else {
		/* Revert now moved the deadline */
		cd->st.deadline = st.deadline;
		/* past it, a helper that is gone (killed) gets a new one, which reverts at once */
		if ((long long)time(NULL) > st.deadline + 2 &&
		    (self = realpath("/proc/self/exe", NULL)) != NULL) {
			struct confirm_state rs;

			if (confirm_resume(self, &rs, &e) == 1)
				confirm_state_free(&rs);
			xfree(e);
			free(self);
		}
	}
	if (r == 0)
		confirm_state_free(&st);
	if (cd->reverted)
		engine_reload(w);
}

int
engine_countdown_keep(struct wizard *w)
{
	struct wiz_countdown *cd = &w->ap.cd;
	struct confirm_state st;
	char *e = NULL;
	int r;

	r = confirm_keep(&st, &e);
	if (r == -1) {
		wiz_set_status(w, "%s: %s", severity_label(SEV_ERROR), e);
		free(e);
		return -1;
	}
	if (r == 1)
		ended(cd, NULL, true);
	else if (confirm_awaits(&st)) {
		cd->ended = cd->kept = true;
		free(cd->outcome);
		cd->outcome = xstrprintf(_("Kept: the new %s and %s stay; no revert will happen."),
		    st.mc_path, st.cf_path);
	} else
		ended(cd, &st, false);	/* too late: what the revert did */
	if (r == 0)
		confirm_state_free(&st);
	if (cd->reverted)
		engine_reload(w);
	return 0;
}

int
engine_countdown_revert(struct wizard *w)
{
	struct wiz_countdown *cd = &w->ap.cd;
	char *e = NULL;

	if (confirm_revert_now(cd->st.id, time(NULL), &e) == -1) {
		wiz_set_status(w, "%s: %s", severity_label(SEV_ERROR), e);
		free(e);
		return -1;
	}
	cd->asked = true;
	engine_countdown_poll(w);
	return 0;
}

void
engine_countdown_free(struct wiz_countdown *cd)
{
	confirm_state_free(&cd->st);
	xfree(cd->outcome);
	xfree(cd->error);
	xfree(cd->live_text);
	cd->armed = cd->ended = cd->kept = cd->reverted = cd->failed = cd->asked = false;
	cd->live_passed = cd->live_shown = false;
}
