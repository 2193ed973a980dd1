/* engine-apply.c: the wizard's Review and Apply through the core: the preview (a dry run),
 * apply with its progress and proof, and undo. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtls/apply.h"
#include "smtls/confirm.h"
#include "smtls/demo.h"
#include "smtls/emit.h"
#include "smtls/i18n.h"
#include "wizard.h"
#include "../common/prove-text.h"

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
	if (w->env.submit_mc != NULL && w->env.submit_on) {
		const char *cc = plan_get(&w->m.plan, PF_CLIENT_CERT);
		const char *sc = plan_get(&w->m.plan, PF_SERVER_CERT);

		/* a client cert of its own goes to the MSP too; the server's (smmsp cannot
		 * read its key) does not */
		plan_free(&w->env.submit_plan);
		plan_msp_from(&w->m.plan, cc != NULL && (sc == NULL || strcmp(cc, sc) != 0),
		    &w->env.submit_plan);
		rq->msp_plan = &w->env.submit_plan;
		rq->msp_mc_path = w->env.submit_mc;
	}
}

/* The emitter's `smtls apply ...' line, without the MSP's --submit-mc. */
static char *
emitted_line(const struct wizard *w)
{
	struct emit_options eo;
	char *r;

	emit_opts(w, &eo);
	r = emit_command_line(&w->m.plan, &eo, "apply", w->env.mc_path);
	emit_options_free(&eo);
	return r;
}

/* cmd (freed) with --submit-mc mc after it, or cmd itself when mc is NULL. */
static char *
with_submit_mc(char *cmd, const char *mc)
{
	struct buf b = { 0 };

	if (mc == NULL)
		return cmd;
	buf_printf(&b, "%s --submit-mc ", cmd);
	emit_shell_word(&b, mc);
	free(cmd);
	return buf_release(&b);
}

char *
engine_command_line(const struct wizard *w)
{
	return with_submit_mc(emitted_line(w), w->env.submit_on ? w->env.submit_mc : NULL);
}

bool
engine_preview(struct wizard *w)
{
	struct wiz_apply *ap = &w->ap;
	struct emit_options eo;
	struct emit_result er;
	struct apply_request rq;
	struct apply_result res;
	char *cmd, *err = NULL;
	bool ran = false;

	if (ap->preview_valid || w->job.running)
		return false;	/* not again from the runner's redraw */
	xfree(ap->fragment);
	xfree(ap->mc_diff);
	xfree(ap->cf_diff);
	xfree(ap->msp_mc_diff);
	xfree(ap->msp_cf_diff);
	xfree(ap->msp_mc_path);
	xfree(ap->msp_cf_path);
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
		ran = true;
		if ((ap->preview_aborted = engine_run_dry(w, &rq, &res)))
			ap->preview_err = xstrdup(_("the preview was aborted, so there are no "
			    "diffs; no file was changed. Go back and come here again to run it"));
		else if (res.outcome == APPLY_PREVIEW || res.outcome == APPLY_UNCHANGED) {
			ap->mc_diff = xstrdup(res.mc_diff ? res.mc_diff : "");
			ap->cf_diff = xstrdup(res.cf_diff ? res.cf_diff : "");
			if (res.msp != NULL && res.msp->mc_path != NULL && res.msp->cf_path != NULL) {
				ap->msp_mc_diff = xstrdup(res.msp->mc_diff ? res.msp->mc_diff : "");
				ap->msp_cf_diff = xstrdup(res.msp->cf_diff ? res.msp->cf_diff : "");
				ap->msp_mc_path = xstrdup(res.msp->mc_path);
				ap->msp_cf_path = xstrdup(res.msp->cf_path);
			}
		} else
			ap->preview_err = xstrdup(res.error ? res.error : _("the dry run failed"));
		apply_result_free(&res);
	}
	emit_result_free(&er);
	emit_options_free(&eo);
	free(cmd);
	ap->preview_valid = true;
	return ran;
}

bool
engine_can_restart(const struct wizard *w)
{
	return !w->env.demo && (w->env.restart_command != NULL || apply_restart_argv() != NULL);
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
on_progress(enum apply_step step, enum apply_state state, enum apply_prove_skip why,
    const char *detail, void *arg)
{
	struct wizard *w = arg;

	if (state == APPLY_ST_RUNNING)
		w->ap.step_at = (long long)time(NULL);	/* the progress line's seconds */
	if ((int)step < WIZ_MAX_STEPS) {
		w->ap.state[step] = (int)state;
		free(w->ap.detail[step]);
		w->ap.detail[step] = step == APPLY_STEP_PROVE ? prove_step_text(state, detail, why) :
		    detail ? xstrdup(detail) : NULL;
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
		if (r->steps[step].state == PROVE_RUNNING)
			ap->step_at = (long long)time(NULL);
		ap->prove_state[step] = (int)r->steps[step].state;
		free(ap->prove_detail[step]);
		ap->prove_detail[step] = r->steps[step].detail ?
		    xstrdup(r->steps[step].detail) : NULL;
	}
	if (w->progress != NULL)
		w->progress(w);
}

/* In the apply's child: what the proof saw (its observations do not travel back). */
static char *
prove_summary(const struct apply_result *res, void *arg)
{
	(void)arg;
	return res->proved ? prove_observations_text(&res->prove) : NULL;
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
	xfree(ap->msp_mc);
	xfree(ap->msp_cf);
	xfree(ap->msp_mc_backup);
	xfree(ap->msp_cf_backup);
	xfree(ap->restart_command);
	xfree(ap->stopped);
	ap->changed = ap->unchanged = ap->failed = ap->undone = false;
	ap->aborted = ap->abort_late = false;
}

int
engine_apply(struct wizard *w)
{
	struct wiz_apply *ap = &w->ap;
	struct emit_options eo;
	struct apply_request rq;
	struct apply_result res;
	struct confirm_apply ca;
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
	if (engine_confirm_before(w, &rq, &ca) == -1) {
		/* a change awaits confirmation (or the duration is bad): nothing runs */
		ap->failed = true;
		emit_options_free(&eo);
		free(cmd);
		return -1;
	}
	ap->running = true;
	/* in a child: the front end's loop goes on (progress, q and Ctrl-C abort) */
	r = engine_run_apply(w, &rq, &res, prove_summary, &ap->prove_text);
	engine_confirm_after(w, &rq, &res, &ca);
	ap->running = false;
	for (i = 0; i < ap->n_steps; i++)
		ap->state[i] = (int)res.state[i];
	ap->changed = res.outcome == APPLY_CHANGED;
	ap->unchanged = res.outcome == APPLY_UNCHANGED;
	ap->failed = r == -1;
	ap->journal_kept = res.journal_kept;
	if (res.proved) {
		const struct finding *f = NULL;

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
	if (res.msp != NULL) {
		ap->msp_mc = res.msp->mc_path ? xstrdup(res.msp->mc_path) : NULL;
		ap->msp_cf = res.msp->cf_path ? xstrdup(res.msp->cf_path) : NULL;
		ap->msp_mc_backup = res.msp->mc_backup ? xstrdup(res.msp->mc_backup) : NULL;
		ap->msp_cf_backup = res.msp->cf_backup ? xstrdup(res.msp->cf_backup) : NULL;
	}
	if (res.restart_command != NULL)
		ap->restart_command = xstrdup(res.restart_command);
	if (ap->changed) {
		/* apply_command_line adds the request's --submit-mc itself */
		char *base = emitted_line(w);

		w->wrote = true;
		w->m.dirty = false;
		wiz_replay(w, apply_command_line(base, &rq, rq.restart ? w->env.restart_command :
		    NULL, ap->cd.on ? ap->cd.within : NULL));
		free(base);
	}
	ap->preview_valid = false;
	apply_result_free(&res);
	emit_options_free(&eo);
	free(cmd);
	if (ap->changed)
		engine_reload(w);
	return r;
}

int
engine_undo(struct wizard *w)
{
	struct apply_result res;
	char *e = NULL;
	int r;

	xfree(w->ap.error);
	/* as apply --undo: not while a change awaits confirmation (its revert would mix) */
	if (confirm_idle(&e) == -1) {
		w->ap.error = e;
		return -1;
	}
	memset(&res, 0, sizeof(res));
	/* the MSP's pair too when the last apply wrote it */
	r = apply_undo_msp(w->env.mc_path, w->env.cf_path, w->ap.msp_mc, w->ap.msp_cf, &res);
	if (r == -1)
		w->ap.error = xstrdup(res.error ? res.error : _("undo failed"));
	else {
		w->ap.undone = true;
		wiz_replay(w, with_submit_mc(apply_undo_command(w->env.mc_path, w->env.cf_path),
		    w->ap.msp_mc));
		engine_reload(w);
	}
	w->ap.preview_valid = false;
	apply_result_free(&res);
	return r;
}
