/* curses.c: the full-screen front end's life: the terminal taken and given back on every way
 * out (signals, crashes), the key loop with its once-a-second re-check, and the fallback
 * test. What is drawn: render.c, panel.c, dialog.c, paint.c; what keys do: keys.c. */
#include "config.h"

#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtls/i18n.h"
#include "ui.h"

/* Set by the signal handler: a handler can only reach a file-level flag. */
static volatile sig_atomic_t ui_signalled;

static void
ui_on_signal(int sig)
{
	ui_signalled = sig;
}

#ifndef __SANITIZE_ADDRESS__
/* A crash: give the terminal back (echo, cursor, normal screen), then die of the signal. */
static void
ui_on_fatal(int sig)
{
	endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}
#endif


int
ui_getch(struct wizard *w)
{
	int ch, idle = 0;

	for (;;) {
		if (ui_signalled) {
			w->ui->interrupted = true;
			return UI_KEY_INTERRUPT;
		}
		ch = getch();
		if (ch == UI_KEY_INTERRUPT) {
			w->ui->interrupted = true;
			return ch;
		}
		if (ch != ERR)
			return ch;
		/* timeout(200): a second without a key; a countdown redraws each second. Not
		 * while apply runs (a question over it): the files are its to change */
		if (w->job.running)
			continue;
		if (++idle % 5 == 0 && wiz_refresh(w))
			return UI_KEY_RECHECKED;
		if (idle % 5 == 0 && wiz_countdown_tick(w))
			return UI_KEY_RECHECKED;
	}
}

bool
ui_signal_pending(void)
{
	return ui_signalled != 0;
}

bool
wiz_curses_possible(const char **why)
{
	const char *term = getenv("TERM");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*why = _("standard input and output are not both a terminal");
		return false;
	}
	if (term == NULL || *term == '\0' || strcmp(term, "dumb") == 0) {
		*why = _("TERM is unset or \"dumb\"");
		return false;
	}
	return true;
}

/* Redraws while apply runs its steps, so each shows Running, then Done or Failed. */
static void
ui_progress(struct wizard *w)
{
	ui_draw(w);
}

int
wiz_run_curses(struct wizard *w)
{
	struct wiz_ui ui;
	struct sigaction sa;
	const char *nc = getenv("NO_COLOR");
	const char *cs = nl_langinfo(CODESET);
	SCREEN *scr;
	int ch;

	memset(&ui, 0, sizeof(ui));
	for (ch = 0; ch < SCR_COUNT; ch++)
		w->view[ch].focus_id = -1;
	ui.warned = -1;
	ui.button = 1;
	ui.ascii = cs == NULL || (strcmp(cs, "UTF-8") != 0 && strcmp(cs, "utf8") != 0);
	w->ui = &ui;
	w->confirm = ui_confirm_hook;
	w->progress = ui_progress;
	w->step_wait = ui_step_wait;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ui_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
#ifndef __SANITIZE_ADDRESS__
	sa.sa_handler = ui_on_fatal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
#endif
	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		w->ui = NULL;
		return -1;
	}
	set_escdelay(25);
	raw();		/* Ctrl-C arrives as a key; the terminal is restored on every way out */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	timeout(200);
	if (has_colors() && (nc == NULL || *nc == '\0')) {
		ui.color = true;
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_GREEN, -1);
		init_pair(4, COLOR_CYAN, -1);
		init_pair(5, COLOR_WHITE, COLOR_BLUE);
	}
	while (!ui.quit && !ui.finished && !ui.interrupted) {
		ui_draw(w);
		ch = ui_getch(w);
		if (ch == UI_KEY_INTERRUPT)
			break;
		if (ch == KEY_RESIZE)
			ui.follow = true;	/* the focus stays in view at the new size */
		if (ch == KEY_RESIZE || ch == UI_KEY_RECHECKED)
			continue;
		if (ui.too_small) {
			if (ch == 'q' || ch == 'Q' || ch == KEY_F(10)) {
				if (ui_confirm_quit(w))
					ui.quit = true;
			}
			continue;
		}
		ui_handle_key(w, ch);
	}
	endwin();
	delscreen(scr);
	ui_line_free(&ui.edit);
	w->ui = NULL;
	w->progress = NULL;
	w->step_wait = NULL;
	/* after a successful apply, leaving is finishing: the summary, exit 0 */
	if (ui.quit && w->ap.ran && !w->ap.failed)
		ui.quit = false;
	if (ui.interrupted || ui.quit) {
		w->exit_code = ui.interrupted ? 130 : 1;
		if (ui.interrupted)
			fputs(_("Interrupted.\n"), stdout);
		if (w->wrote)
			fputs(_("Only the changes confirmed on the way were written.\n"), stdout);
		else
			fputs(_("No changes were written.\n"), stdout);
		{
			char *note = wiz_countdown_note(w);

			if (note != NULL)
				printf("%s\n", note);
			free(note);
		}
		return 0;
	}
	w->exit_code = 0;
	return 0;
}
