/* screen-confirm.c: after an apply with a timed rollback, the countdown on the Apply screen:
 * "Keep these settings? Reverting in N s", the live check of the restarted sendmail, Keep
 * (its own key: never a stray Enter) and Revert now. The revert is the detached helper's;
 * what is shown after comes from the state file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "wizard.h"

enum { CD_HEAD = 40, CD_REVERT, CD_KEEP };

bool
wiz_countdown_running(const struct wizard *w)
{
	return w->ap.cd.armed && !w->ap.cd.ended;
}

long long
wiz_countdown_left(const struct wizard *w)
{
	long long left = w->ap.cd.st.deadline - (long long)time(NULL);

	return left > 0 ? left : 0;
}

/* "HH:MM:SS" of the deadline, local time. */
static void
deadline_clock(const struct wizard *w, char *out, size_t size)
{
	time_t t = (time_t)w->ap.cd.st.deadline;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, size, "%H:%M:%S", &tm) == 0)
		snprintf(out, size, "?");
}

void
wiz_countdown_build(struct wizard *w)
{
	const struct wiz_countdown *cd = &w->ap.cd;
	long long left = wiz_countdown_left(w);
	struct wiz_item *it;
	char at[16], *head;

	deadline_clock(w, at, sizeof(at));
	if (cd->asked)
		head = xstrdup(_("Reverting now: the helper restores the previous files and "
		    "restarts sendmail..."));
	else if (left > 0)
		head = xstrprintf(_("Keep these settings? Reverting in %lld s"), left);
	else
		head = xstrdup(_("Not kept in time: the helper restores the previous files and "
		    "restarts sendmail..."));
	(void)wiz_item_add(w, WI_LABEL, CD_HEAD, 1, 0, head);
	free(head);
	it = wiz_item_add(w, WI_ACTION, CD_REVERT, 2, 'r', _("Revert now"));
	it->help = N_("The helper restores the previous sendmail.mc and sendmail.cf at once and "
	    "restarts sendmail; this screen then shows what it did.");
	if (cd->asked || left == 0)
		wiz_item_disable(it, _("the revert is under way"));
	it = wiz_item_add(w, WI_ACTION, CD_KEEP, 2, 'k', _("Keep these settings"));
	it->help = N_("Cancels the timed rollback: the new files stay (k, then Enter).");
	wiz_body(w, _("At %s the previous %s and %s come back and sendmail is restarted, unless "
	    "you keep these settings: press k, then Enter. Quitting the wizard leaves the revert "
	    "armed.\n"), at, cd->st.mc_path, cd->st.cf_path);
	if (cd->error != NULL)
		wiz_body(w, "%s: %s\n", severity_label(SEV_ERROR), cd->error);
	if (cd->live_text != NULL)
		wiz_body(w, _("\nThe restarted sendmail, probed where it listens:\n%s"),
		    cd->live_text);
}

void
wiz_countdown_outcome(struct wizard *w)
{
	const struct wiz_countdown *cd = &w->ap.cd;

	if (cd->ended && cd->outcome != NULL) {
		if (cd->failed)
			wiz_body(w, _("%s: THE TIMED ROLLBACK FAILED: %s\n"), severity_label(SEV_ERROR),
			    cd->outcome);
		else if (cd->reverted)
			wiz_body(w, _("Reverted: %s\n"), cd->outcome);
		else
			wiz_body(w, "%s\n", cd->outcome);
	}
	if (cd->error != NULL)
		wiz_body(w, "%s: %s\n", severity_label(SEV_ERROR), cd->error);
	if (cd->live_text != NULL)
		wiz_body(w, _("The restarted sendmail, probed where it listens:\n%s"), cd->live_text);
}

enum wiz_key_result
wiz_countdown_activate(struct wizard *w, struct wiz_item *it)
{
	switch (it->id) {
	case CD_KEEP:
		(void)engine_countdown_keep(w);
		return WK_HANDLED;
	case CD_REVERT:
		(void)engine_countdown_revert(w);
		return WK_HANDLED;
	}
	return WK_UNHANDLED;
}

bool
wiz_countdown_tick(struct wizard *w)
{
	if (!wiz_countdown_running(w))
		return false;
	engine_countdown_poll(w);
	return true;
}

char *
wiz_countdown_note(const struct wizard *w)
{
	char at[16];

	if (!wiz_countdown_running(w))
		return NULL;
	deadline_clock(w, at, sizeof(at));
	return xstrprintf(_("The timed rollback stays armed: at %s (in %lld s) the previous %s "
	    "and %s come back and sendmail is restarted, unless `smtls apply --confirm' keeps "
	    "them first."), at, wiz_countdown_left(w), w->ap.cd.st.mc_path, w->ap.cd.st.cf_path);
}
