/* curses-step.c: the wizard's loop while a long step runs in its child (engine-step.c): the
 * screen with the running step and its seconds, redrawn each second and on each report;
 * q, F10 or Ctrl-C asks "Abort?" and, when confirmed, has the engine stop the child. */
#include "config.h"

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "smtls/i18n.h"
#include "ui.h"

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

int
ui_step_wait(struct wizard *w, int fd)
{
	struct wiz_ui *ui = w->ui;
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };
	long long now = (long long)time(NULL);
	int ch;

	if (fd == -1) {
		ui->step_drawn = 0;
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
		if (ask_abort(w))
			return 1;
		ui_draw(w);
		return 0;
	}
	return 0;
}
