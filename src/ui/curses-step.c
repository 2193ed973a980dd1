/* curses-step.c: the wizard's loop while a long step runs in its child (engine-step.c): the
 * screen with the running step and its seconds, redrawn each second and on each report.
 * A step the admin started (w->job.ask: the apply, making a key, the live check): q, F10 or
 * Ctrl-C asks "Abort?" and, when confirmed, has the engine stop the child. A step of the
 * screen itself (no ask: the Review's preview): q and F10 ask "Quit the wizard?" and Ctrl-C
 * ends it, as on any screen; the step is stopped first. Any other key typed meanwhile is
 * kept and handed back, in the order typed, when the step has ended: typing ahead loses
 * nothing, as with a terminal's own buffer. */
#include "config.h"

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "smtls/i18n.h"
#include "ui.h"

/* Keys typed while a step runs, handed back (ungetch) when it has ended; more are dropped. */
#define TYPEAHEAD	32
static int typed[TYPEAHEAD];
static int n_typed;

/* Asks whether to abort; true when confirmed (a second Ctrl-C in the question confirms). */
static bool
ask_abort(struct wizard *w)
{
	struct wiz_ui *ui = w->ui;
	bool yes = ui_confirm(w, w->job.ask, false);

	if (ui->interrupted && !ui_signal_pending()) {
		ui->interrupted = false;	/* Ctrl-C again: abort, the wizard stays */
		yes = true;
	}
	return yes || ui->interrupted;
}

/* q or Ctrl-C (interrupt) during the screen's own step: what they mean on any screen. True
 * when the wizard ends (the step is then stopped). */
static bool
screen_quit(struct wizard *w, bool interrupt)
{
	struct wiz_ui *ui = w->ui;

	if (interrupt)
		ui->interrupted = true;
	else if (ui_confirm_quit(w) && !ui->interrupted)
		ui->quit = true;
	return ui->quit || ui->interrupted;	/* Ctrl-C in the question ends it too */
}

/* The step has ended: the keys typed meanwhile go back to the wizard's loop, first typed
 * first read (ungetch is last in, first out); when the wizard ends instead, one redraw key
 * wakes its loop, which then sees ui->quit or ui->interrupted. */
static void
hand_back(struct wiz_ui *ui)
{
	if (ui->quit || ui->interrupted) {
		n_typed = 0;
		(void)ungetch(KEY_RESIZE);
		return;
	}
	while (n_typed > 0)
		(void)ungetch(typed[--n_typed]);
}

int
ui_step_wait(struct wizard *w, int fd)
{
	struct wiz_ui *ui = w->ui;
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };
	long long now = (long long)time(NULL);
	int ch;

	if (fd == -1) {
		ui->step_drawn = 0;
		hand_back(ui);
		return 0;
	}
	if (ui_signal_pending()) {
		ui->interrupted = true;
		return 1;
	}
	if (now != ui->step_drawn) {
		ui->step_drawn = now;	/* the seconds go on without a key */
		ui_draw(w);
	}
	(void)poll(p, 2, 250);
	timeout(0);
	ch = getch();
	timeout(200);
	switch (ch) {
	case ERR:
		return 0;
	case KEY_RESIZE:
		ui->follow = true;
		ui_draw(w);
		return 0;
	case UI_KEY_INTERRUPT:
	case 'q':
	case 'Q':
	case KEY_F(10):
		if (w->job.aborting)
			return 0;	/* already stopping */
		if (w->job.ask == NULL ? screen_quit(w, ch == UI_KEY_INTERRUPT) : ask_abort(w))
			return 1;
		ui_draw(w);
		return 0;
	}
	if (n_typed < TYPEAHEAD)
		typed[n_typed++] = ch;
	return 0;
}
