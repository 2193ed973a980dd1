/* text.c: the line-based front end (--text): the same screens as numbered prompts.
 * Enter takes the default, '<' goes back, '?' shows help, 'q' quits. */
#include "config.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtls/i18n.h"
#include "wizard.h"

enum { ANS_OK, ANS_BACK, ANS_QUIT, ANS_HELP };

/* Reads one answer; returns ANS_* and the line (without newline) in *line. */
static int
ask(const char *prompt, char **line)
{
	size_t cap = 0;
	ssize_t n;

	printf("%s", prompt);
	fflush(stdout);
	*line = NULL;
	n = getline(line, &cap, stdin);
	if (n < 0) {
		putchar('\n');
		return ANS_QUIT;
	}
	while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
		(*line)[--n] = '\0';
	if (strcmp(*line, "<") == 0)
		return ANS_BACK;
	if (strcmp(*line, "q") == 0)
		return ANS_QUIT;
	if (strcmp(*line, "?") == 0)
		return ANS_HELP;
	return ANS_OK;
}

static bool
text_confirm(struct wizard *w, const char *question, bool def)
{
	char *line = NULL, *p;
	bool r = def;

	(void)w;
	p = xstrprintf("%s %s ", question, def ? _("[Y/n]") : _("[y/N]"));
	if (ask(p, &line) == ANS_OK && line[0] != '\0')
		r = line[0] == 'y' || line[0] == 'Y' || line[0] == *_("y");
	free(p);
	free(line);
	return r;
}

static void
print_findings(const struct wizard *w)
{
	size_t i;

	printf(_("Findings: %zu errors, %zu warnings\n"), findings_count(&w->live, SEV_ERROR),
	    findings_count(&w->live, SEV_WARNING));
	for (i = 0; i < w->live.n; i++) {
		const struct finding *f = &w->live.v[i];

		if (f->severity < SEV_WARNING)
			continue;
		printf("  %-7s %s\n", severity_label(f->severity), f->message);
		if (f->fix)
			printf(_("          fix: %s\n"), f->fix);
	}
}

static void
print_help(const struct wizard *w)
{
	char *pic = wiz_picture(w);

	printf("\n%s\n\n%s\n", _(wiz_screens[w->screen]->help), pic);
	printf("%s\n\n", _("Answer with a number or a value; Enter takes the default in "
	    "brackets, '<' goes back one screen, '?' shows this help, 'q' quits."));
	free(pic);
}

/* Asks about one group of items; returns ANS_* or a key result through *r. */
static int
ask_group(struct wizard *w, int group, enum wiz_key_result *r)
{
	struct wiz_item *it;
	char *line = NULL, *prompt;
	size_t i, n = 0, def = 0;
	int a;

	*r = WK_UNHANDLED;
	for (i = 0; i < w->n_items; i++) {
		it = &w->items[i];
		if (it->group != group || it->kind != WI_CHOICE)
			continue;
		n++;
		if (it->on)
			def = n;
		printf("  %zu) %s%s%s%s%s\n", n, it->label, it->note ? "  " : "",
		    it->note ? it->note : "", it->disabled ? "  - " : "",
		    it->disabled ? it->disabled : "");
	}
	if (n > 0) {
		prompt = xstrprintf(_("Choice [%zu]: "), def ? def : 1);
		for (;;) {
			long k;

			a = ask(prompt, &line);
			if (a != ANS_OK)
				break;
			k = line[0] ? strtol(line, NULL, 10) : (long)(def ? def : 1);
			free(line);
			line = NULL;
			for (i = 0; i < w->n_items && k > 0; i++)
				if (w->items[i].group == group && w->items[i].kind == WI_CHOICE &&
				    --k == 0)
					break;
			if (k != 0 || i >= w->n_items) {
				printf(_("Please answer with a number from 1 to %zu.\n"), n);
				continue;
			}
			it = &w->items[i];
			if (it->disabled) {
				printf("%s\n", it->disabled);
				continue;
			}
			*r = wiz_screens[w->screen]->activate(w, it);
			break;
		}
		free(prompt);
		free(line);
		return a;
	}
	for (i = 0; i < w->n_items; i++) {
		const char *v;

		it = &w->items[i];
		if (it->group != group || it->disabled != NULL)
			continue;
		switch (it->kind) {
		case WI_TOGGLE:
		case WI_ACTION:
			prompt = xstrprintf("%s%s%s? %s ", it->label, it->note ? " - " : "",
			    it->note ? it->note : "", it->on ? _("[Y/n]") : _("[y/N]"));
			a = ask(prompt, &line);
			free(prompt);
			if (a == ANS_OK && line[0] != '\0' &&
			    (line[0] == 'y' || line[0] == 'Y' || line[0] == *_("y")) != it->on)
				*r = wiz_screens[w->screen]->activate(w, it);
			free(line);
			if (a != ANS_OK)
				return a;
			break;
		case WI_PATH:
		case WI_TEXT:
			v = it->kind == WI_PATH ? plan_get(&w->m.plan, (enum plan_field)it->field) :
			    *it->text;
			prompt = xstrprintf("%s [%s]: ", it->label, v ? v : "");
			a = ask(prompt, &line);
			free(prompt);
			if (a == ANS_OK && line[0] != '\0') {
				if (it->kind == WI_PATH) {
					char *bad = wiz_path_problem((enum plan_field)it->field,
					    line);

					if (bad != NULL)
						printf("%s: %s\n", severity_label(SEV_ERROR), bad);
					free(bad);
					wiz_set_field(w, (enum plan_field)it->field, line);
				} else {
					free(*it->text);
					*it->text = xstrdup(line);
					w->m.dirty = true;
					wiz_recheck(w);
				}
			}
			free(line);
			if (a != ANS_OK)
				return a;
			break;
		default:
			break;
		}
	}
	return ANS_OK;
}

/* Prints each apply step when its state changes. */
static void
text_progress(struct wizard *w)
{
	static const char *const words[] = { N_("Pending"), N_("Running"), N_("Done"),
	    N_("Failed"), N_("Skipped") };
	const char *t;
	int i;

	for (i = 0; (t = engine_step_title(i)) != NULL; i++) {
		int st = w->ap.state[i];

		if (st == w->ap.shown[i] || st < 0 || st > 4)
			continue;
		w->ap.shown[i] = st;
		printf("  %-8s %s%s%s\n", _(words[st]), t, w->ap.detail[i] ? ": " : "",
		    w->ap.detail[i] ? w->ap.detail[i] : "");
	}
	fflush(stdout);
}

/* Ctrl-C while apply runs in its child: set by the handler, the step is stopped, then the
 * wizard ends saying what became of the files. */
static volatile sig_atomic_t text_step_interrupted;
static struct sigaction text_old_sigint;
static bool text_catching;

static void
text_on_sigint(int sig)
{
	(void)sig;
	text_step_interrupted = 1;
}

/* The wizard's step_wait: waits for the child's reports; Ctrl-C aborts (1). */
static int
text_step_wait(struct wizard *w, int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	struct sigaction sa;

	if (fd == -1) {
		if (text_catching)
			sigaction(SIGINT, &text_old_sigint, NULL);
		text_catching = false;
		return 0;
	}
	if (!text_catching) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = text_on_sigint;	/* no SA_RESTART: poll() returns at once */
		sigaction(SIGINT, &sa, &text_old_sigint);
		text_catching = true;
	}
	if (!text_step_interrupted)
		(void)poll(&p, 1, 1000);
	if (text_step_interrupted && !w->job.aborting) {
		/* in the step's own words of what an abort leaves (the apply's, the live check's) */
		if (w->job.stopping != NULL)
			printf("\n%s %s\n", _("Interrupted: the running step is stopped."),
			    w->job.stopping);
		else
			printf("\n%s\n", _("Interrupted: the running step is stopped..."));
		fflush(stdout);
		return 1;
	}
	return 0;
}

/* Reads what was typed on standard input within ms (a line ends the answer); 1 a line came
 * (in line), 0 not yet, -1 the input ended. Standard input is unbuffered (wiz_run_text). */
static int
read_line_within(char *line, size_t size, size_t *n, int ms)
{
	struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
	char c;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	for (;;) {
		if (read(STDIN_FILENO, &c, 1) != 1)
			return -1;
		if (c == '\n') {
			line[*n] = '\0';
			*n = 0;
			return 1;
		}
		if (c != '\r' && *n + 1 < size)
			line[(*n)++] = c;
		if (poll(&p, 1, 0) <= 0)
			return 0;
	}
}

/*
 * After an apply: the live check of the restarted sendmail, then the timed rollback as a
 * question with a timeout: y keeps, n or Enter reverts now, q leaves the revert armed; no
 * answer in time leaves it to the helper. What happened comes from the state file. False
 * when the admin quit.
 */
static bool
text_after_apply(struct wizard *w)
{
	struct wiz_countdown *cd = &w->ap.cd;
	char line[128];
	size_t n = 0;
	bool asking = true, late = false;
	time_t give_up = 0;

	if (cd->live_text != NULL && !cd->live_shown) {
		printf(_("The restarted sendmail, probed where it listens:\n%s"), cd->live_text);
		cd->live_shown = true;
	}
	if (!wiz_countdown_running(w))
		return true;
	printf(_("Keep these settings? %s (reverting in %lld s) "), _("[y/N]"),
	    wiz_countdown_left(w));
	fflush(stdout);
	while (wiz_countdown_running(w)) {
		int got = 0;

		if (asking)
			got = read_line_within(line, sizeof(line), &n, 500);
		else
			(void)poll(NULL, 0, 500);

		if (got == -1) {
			/* no more input: the deadline decides */
			asking = false;
			putchar('\n');
		} else if (got == 1) {
			asking = false;
			if (strcmp(line, "q") == 0)
				return false;	/* the summary says the revert stays armed */
			if (line[0] == 'y' || line[0] == 'Y' || line[0] == *_("y"))
				(void)engine_countdown_keep(w);
			else if (engine_countdown_revert(w) == 0)
				printf("%s\n", _("Reverting now: the helper restores the previous files "
				    "and restarts sendmail..."));
		}
		engine_countdown_poll(w);
		if (wiz_countdown_running(w) && wiz_countdown_left(w) == 0 && !late) {
			late = true;
			if (asking)
				putchar('\n');
			asking = false;
			printf("%s\n", _("Not kept in time: the helper restores the previous files and "
			    "restarts sendmail..."));
			give_up = time(NULL) + 120;
		}
		if (late && time(NULL) > give_up && wiz_countdown_running(w)) {
			printf("%s\n", _("The revert has not happened yet: `smtls apply "
			    "--confirm-status' says what becomes of it."));
			break;
		}
	}
	if (cd->ended && cd->outcome != NULL)
		printf("%s%s\n", cd->reverted ? _("Reverted: ") : cd->failed ?
		    _("THE TIMED ROLLBACK FAILED: ") : "", cd->outcome);
	if (cd->error != NULL)
		printf("%s: %s\n", severity_label(SEV_ERROR), cd->error);
	return true;
}

int
wiz_run_text(struct wizard *w)
{
	int hist[SCR_COUNT * 4], n_hist = 0, group, a, to;
	enum wiz_key_result r;
	size_t i;

	w->confirm = text_confirm;
	w->progress = text_progress;
	w->step_wait = text_step_wait;
	/* no read-ahead: the countdown's question waits on the descriptor itself */
	setvbuf(stdin, NULL, _IONBF, 0);
	for (;;) {
		const struct wiz_screen *s = wiz_screens[w->screen];
		int max_group = 0;
		bool back = false, next = false;

		/* the files may have changed while the last screen was answered */
		(void)wiz_refresh(w);
		wiz_build(w);
		printf("\n== %d/%d %s%s ==\n", w->screen + 1, SCR_COUNT, _(s->name),
		    w->env.demo ? _(" (DEMO)") : "");
		if (w->body.data)
			fputs(w->body.data, stdout);
		print_findings(w);
		for (group = 1; !back && !next; group++) {
			/* a choice may open more fields: the groups are counted each time; an
			 * answer (Apply) goes by the files as they are now */
			if (wiz_refresh(w))
				print_findings(w);
			wiz_build(w);
			max_group = 0;
			for (i = 0; i < w->n_items; i++)
				if (w->items[i].group > max_group)
					max_group = w->items[i].group;
			if (group > max_group)
				break;
			a = ask_group(w, group, &r);
			/* what an action did (made files, or why not), as the curses status line */
			if (w->status != NULL) {
				printf("%s\n", w->status);
				wiz_set_status(w, NULL);
			}
			if (text_step_interrupted)
				goto interrupted;
			if (!text_after_apply(w))
				goto quit;
			if (a == ANS_QUIT) {
				if (!w->m.dirty || text_confirm(w, _("Quit without writing "
				    "anything?"), true))
					goto quit;
				group--;
				continue;
			}
			if (a == ANS_HELP) {
				print_help(w);
				group--;
				continue;
			}
			if (a == ANS_BACK)
				back = true;
			if (r == WK_EXPLAIN) {
				char *line = NULL, *text;

				if (ask(_("Log line: "), &line) == ANS_OK && line[0] != '\0') {
					text = engine_explain(line);
					printf("\n%s\n", text);
					free(text);
				}
				free(line);
				group--;
			} else if (r == WK_HELP) {
				print_help(w);
				group--;
			} else if (r == WK_NEXT)
				next = true;
		}
		if (back) {
			if (n_hist == 0)
				continue;
			w->screen = hist[--n_hist];
			continue;
		}
		to = s->next ? s->next(w) : -1;
		if (to == -1)
			to = w->screen + 1;
		if (to == w->screen)
			continue;
		if (to >= SCR_COUNT)
			break;
		if (n_hist < (int)(sizeof(hist) / sizeof(hist[0])))
			hist[n_hist++] = w->screen;
		w->screen = to;
		if (wiz_screens[to]->enter != NULL)
			wiz_screens[to]->enter(w);
	}
	w->exit_code = 0;
	return 0;
interrupted:
	/* what the aborted apply left, as its summary says it (never more) */
	wiz_build(w);
	if (w->result != NULL)
		fputs(w->result, stdout);
	fputs(_("Interrupted.\n"), stdout);
	w->exit_code = 130;
	return 0;
quit:
	/* after a successful apply, leaving is finishing, as in the full-screen wizard: the
	 * summary (what was written, the backups, how to undo; as it is now), exit 0 */
	if (w->ap.ran && !w->ap.failed) {
		if (w->screen == SCR_APPLY)
			wiz_build(w);
		w->exit_code = 0;
		return 0;
	}
	if (w->wrote)
		fputs(_("Only the changes confirmed on the way were written.\n"), stdout);
	else
		fputs(_("No changes were written.\n"), stdout);
	w->exit_code = 1;
	return 0;
}
