/* curses.c: the full-screen front end: layout, the live findings panel, keys, help and the
 * yes/no dialog. Screens only fill items from the model; this file shows them. */
#include "config.h"

#include <ctype.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "smtls/i18n.h"
#include "ui.h"

#define MIN_COLS	64
#define MIN_ROWS	18
#define SIDE_COLS	110	/* from this width on, the findings panel sits at the side */

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

/* Steps over one character of s; *cw gets its width. */
static size_t
char_step(const char *s, size_t n, mbstate_t *st, int *cw)
{
	wchar_t wc;
	size_t k = mbrtowc(&wc, s, n, st);

	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		memset(st, 0, sizeof(*st));
		*cw = 1;
		return 1;
	}
	*cw = wcwidth(wc) < 0 ? 1 : wcwidth(wc);
	return k;
}

int
ui_width(const char *s, size_t n)
{
	mbstate_t st;
	int w = 0, cw;
	size_t k;

	memset(&st, 0, sizeof(st));
	while (n > 0 && *s) {
		k = char_step(s, n, &st, &cw);
		w += cw;
		s += k;
		n -= k;
	}
	return w;
}

/* Bytes of s that fit in cols columns. */
static size_t
ui_fit(const char *s, int cols)
{
	mbstate_t st;
	size_t k, used = 0, n = strlen(s);
	int w = 0, cw;

	memset(&st, 0, sizeof(st));
	while (used < n) {
		k = char_step(s + used, n - used, &st, &cw);
		if (w + cw > cols)
			break;
		w += cw;
		used += k;
	}
	return used;
}

int
ui_put(int y, int x, const char *s, int cols, attr_t attr)
{
	size_t n;

	if (cols <= 0 || s == NULL)
		return 0;
	n = ui_fit(s, cols);
	attron(attr);
	mvaddnstr(y, x, s, (int)n);
	attroff(attr);
	return ui_width(s, n);
}

void
ui_lines_free(struct ui_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	xfree(l->v);
	l->n = 0;
}

static void
lines_add(struct ui_lines *l, const char *s, size_t len)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrndup(s, len);
}

void
ui_wrap(struct ui_lines *out, const char *text, int cols, int indent)
{
	const char *line = text;

	if (cols < 8)
		cols = 8;
	while (line != NULL && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char *l = xstrndup(line, len), *p = l;
		int lead = 0, first = 1;

		while (p[lead] == ' ')
			lead++;
		if (lead > cols / 2)
			lead = 0;
		if (*p == '\0')
			lines_add(out, "", 0);
		while (*p) {
			int avail = first ? cols : cols - indent - lead;
			size_t fit = ui_fit(p, avail), cut = fit;
			struct buf b = { 0 };

			if (p[fit] != '\0') {
				while (cut > 0 && p[cut] != ' ')
					cut--;
				if (cut == 0)
					cut = fit > 0 ? fit : 1;
			}
			if (!first)
				buf_printf(&b, "%*s", indent + lead, "");
			buf_append(&b, p, cut);
			lines_add(out, b.data, b.len);
			buf_free(&b);
			p += cut;
			while (*p == ' ')
				p++;
			first = 0;
		}
		free(l);
		line = eol ? eol + 1 : NULL;
	}
}

void
ui_hline(const struct wiz_ui *ui, int y, int x, int n)
{
	if (n > 0)
		mvhline(y, x, ui->ascii ? '-' : ACS_HLINE, n);
}

void
ui_box(const struct wiz_ui *ui, int y, int x, int h, int w)
{
	int i;

	for (i = y; i < y + h; i++)
		mvhline(i, x, ' ', w);
	if (ui->ascii) {
		mvhline(y, x + 1, '-', w - 2);
		mvhline(y + h - 1, x + 1, '-', w - 2);
		mvvline(y + 1, x, '|', h - 2);
		mvvline(y + 1, x + w - 1, '|', h - 2);
		mvaddch(y, x, '+');
		mvaddch(y, x + w - 1, '+');
		mvaddch(y + h - 1, x, '+');
		mvaddch(y + h - 1, x + w - 1, '+');
		return;
	}
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
}

static attr_t
sev_attr(const struct wiz_ui *ui, enum severity s)
{
	if (!ui->color)
		return s == SEV_ERROR ? A_BOLD | A_REVERSE : s == SEV_WARNING ? A_BOLD : A_NORMAL;
	switch (s) {
	case SEV_ERROR:
		return COLOR_PAIR(1) | A_BOLD;
	case SEV_WARNING:
		return COLOR_PAIR(2) | A_BOLD;
	case SEV_INFO:
		return COLOR_PAIR(4);
	case SEV_OK:
		break;
	}
	return COLOR_PAIR(3);
}

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
		/* timeout(200): a second without a key; a countdown redraws each second */
		if (++idle % 5 == 0 && wiz_refresh(w))
			return UI_KEY_RECHECKED;
		if (idle % 5 == 0 && wiz_countdown_tick(w))
			return UI_KEY_RECHECKED;
	}
}

/* need: the panel lines the findings would like (the bottom panel shrinks to fit) */
static void
layout(struct wiz_ui *ui, int need)
{
	getmaxyx(stdscr, ui->rows, ui->cols);
	ui->too_small = ui->rows < MIN_ROWS || ui->cols < MIN_COLS;
	ui->side = ui->cols >= SIDE_COLS;
	if (ui->side) {
		ui->panel_w = ui->cols / 3;
		ui->main_w = ui->cols - ui->panel_w - 1;
		ui->main_h = ui->rows - 2;
		ui->panel_x = ui->main_w + 1;
		ui->panel_y = 1;
		ui->panel_h = ui->rows - 2;
	} else {
		ui->panel_h = ui->rows >= 30 ? 10 : ui->rows >= 22 ? 7 : 5;
		if (need < ui->panel_h)
			ui->panel_h = need < 3 ? 3 : need;
		ui->main_w = ui->cols;
		ui->main_h = ui->rows - 2 - ui->panel_h;
		ui->panel_x = 0;
		ui->panel_y = 1 + ui->main_h;
		ui->panel_w = ui->cols;
	}
}

static bool
focusable(const struct wiz_item *it)
{
	return it->kind != WI_LABEL;
}

static bool
editing_item(const struct wiz_item *it)
{
	return it != NULL && (it->kind == WI_PATH || it->kind == WI_TEXT) && it->disabled == NULL;
}

static struct wiz_item *
focused(struct wizard *w)
{
	struct wiz_item *it = w->view[w->screen].focus_id == -1 ? NULL :
	    wiz_item_by_id(w, w->view[w->screen].focus_id);
	size_t i;

	if (it != NULL && focusable(it))
		return it;
	/* the first focusable item; in a list of choices, the selected one: the cursor starts
	 * on what is chosen */
	for (i = 0; i < w->n_items && !focusable(&w->items[i]); i++)
		;
	if (i == w->n_items)
		return NULL;
	it = &w->items[i];
	for (; i < w->n_items && w->items[i].group == it->group; i++)
		if (w->items[i].kind == WI_CHOICE && w->items[i].on) {
			it = &w->items[i];
			break;
		}
	w->view[w->screen].focus_id = it->id;
	return it;
}

static const char *
item_value(const struct wizard *w, const struct wiz_item *it)
{
	if (it->kind == WI_PATH)
		return plan_get(&w->m.plan, (enum plan_field)it->field);
	if (it->kind == WI_TEXT)
		return *it->text;
	return NULL;
}

/* The line editor holds the focused field's value (again, when it changed elsewhere). */
static void
edit_sync(struct wizard *w, const struct wiz_item *it)
{
	struct wiz_ui *ui = w->ui;
	const char *v = item_value(w, it);

	if (v == NULL)
		v = "";
	if (ui->edit_screen != w->screen || ui->edit_id != it->id ||
	    strcmp(ui_line_text(&ui->edit), v) != 0) {
		ui_line_set(&ui->edit, v);
		ui->edit_screen = w->screen;
		ui->edit_id = it->id;
	}
}

/* Draws one item on row y; returns the column where the cursor belongs. */
static int
draw_item(struct wizard *w, const struct wiz_item *it, int y, bool is_focus)
{
	struct wiz_ui *ui = w->ui;
	attr_t a = A_NORMAL, hl = A_NORMAL;
	int x = 2, cx, width = ui->main_w - 2;
	char mark[8];
	const char *v;
	size_t i;
	bool marked = false;

	if (is_focus)
		hl = ui->region == 0 ? A_REVERSE : A_BOLD;
	if (it->disabled != NULL)
		a = A_DIM;
	switch (it->kind) {
	case WI_CHOICE:
		snprintf(mark, sizeof(mark), "(%c) ", it->on ? '*' : ' ');
		break;
	case WI_TOGGLE:
		snprintf(mark, sizeof(mark), "[%c] ", it->on ? 'x' : ' ');
		break;
	case WI_ACTION:
		snprintf(mark, sizeof(mark), ">   ");
		break;
	default:
		mark[0] = '\0';
	}
	cx = x;
	x += ui_put(y, x, mark, width - x, a | hl);
	/* the label, with its hotkey underlined */
	for (i = 0; it->label[i]; i++) {
		char c[2] = { it->label[i], '\0' };
		attr_t ca = a | hl;
		size_t k;

		if (!marked && it->hotkey && tolower((unsigned char)it->label[i]) == it->hotkey) {
			ca |= A_UNDERLINE | A_BOLD;
			marked = true;
		}
		if ((unsigned char)it->label[i] >= 0x80) {
			/* a multibyte character: print the whole sequence */
			for (k = i; (unsigned char)it->label[k] >= 0x80; k++)
				;
			{
				char *mb = xstrndup(it->label + i, k - i);

				x += ui_put(y, x, mb, ui->main_w - x, a | hl);
				free(mb);
			}
			i = k - 1;
			continue;
		}
		x += ui_put(y, x, c, ui->main_w - x, ca);
	}
	if (it->kind == WI_PATH || it->kind == WI_TEXT) {
		const struct finding *f = it->kind == WI_PATH ? wiz_finding_for(w, item_value(w, it)) :
		    NULL;
		const char *word = f && f->severity > SEV_INFO ? severity_label(f->severity) : NULL;
		int vx = cx + ui->label_w > x + 1 ? cx + ui->label_w : x + 1;
		int room = ui->main_w - vx - 3 - (word ? ui_width(word, strlen(word)) + 1 : 0);
		int vw;

		v = item_value(w, it);
		mvaddch(y, vx - 1, '[');
		if (v == NULL)
			v = "";
		vw = ui_width(v, strlen(v));
		if (is_focus && ui->region == 0 && editing_item(it) && room > 4) {
			/* the field being edited: the cursor where it is, scrolled to show it */
			edit_sync(w, it);
			cx = ui_line_draw(&ui->edit, y, vx, room, A_UNDERLINE, &x);
		} else {
			if (vw > room && room > 4) {
				/* show the end of a long path: the file name matters most */
				const char *p = v;

				while (ui_width(p, strlen(p)) > room - 3)
					p++;
				x = vx + ui_put(y, vx, "...", 3, A_UNDERLINE);
				x += ui_put(y, x, p, room - 3, A_UNDERLINE);
			} else
				x = vx + ui_put(y, vx, v, room, A_UNDERLINE);
			cx = x;
		}
		mvaddch(y, x, ']');
		if (it->note != NULL)
			ui_put(y, x + 2, "!", 1, sev_attr(ui, SEV_WARNING));
		if (word != NULL)
			ui_put(y, ui->main_w - ui_width(word, strlen(word)) - 1, word,
			    ui->main_w, sev_attr(ui, f->severity));
		return cx;
	}
	if (it->note != NULL && x + 3 < ui->main_w)
		ui_put(y, x + 2, it->note, ui->main_w - x - 3, a);
	else if (it->disabled != NULL && x + 3 < ui->main_w)
		ui_put(y, x + 2, _("(not available)"), ui->main_w - x - 3, a);
	return cx;
}

/* The one- or two-line explanation under the items for the focused item. */
static char *
focus_status(struct wizard *w, const struct wiz_item *it)
{
	const struct finding *f;
	const char *v;

	if (w->status != NULL)
		return xstrdup(w->status);
	if (it == NULL)
		return NULL;
	if (it->disabled != NULL)
		return xstrdup(it->disabled);
	if (it->kind == WI_PATH) {
		v = item_value(w, it);
		if (it->note != NULL)
			return xstrprintf("%s: %s", severity_label(SEV_ERROR), it->note);
		f = wiz_finding_for(w, v);
		if (f != NULL && f->severity >= SEV_WARNING)
			return xstrprintf("%s: %s%s%s", severity_label(f->severity), f->message,
			    f->fix ? _(" Fix: ") : "", f->fix ? f->fix : "");
		{
			/* what the file holds, then the .mc line and the .cf option it becomes */
			const struct tls_option *o = tls_option_by_field((enum plan_field)it->field);
			const char *now = plan_get(&w->env.current, (enum plan_field)it->field);
			char *what = engine_describe_file(v, w->m.plan.now), *r;

			if (o == NULL || v == NULL)
				return what;
			r = xstrprintf(_("%s\nWrites define(`%s', ...) into sendmail.mc -> O %s= in "
			    "sendmail.cf; in force now: %s"), what, o->macro, o->cf_name,
			    now == NULL ? _("not set") : strcmp(now, v) == 0 ? _("the same") : now);
			free(what);
			return r;
		}
	}
	/* a note cut at the end of its line is whole here, then the help */
	if (it->note != NULL)
		return xstrprintf("%s%s%s", it->note, it->help ? "\n" : "",
		    it->help ? _(it->help) : "");
	return it->help ? xstrdup(_(it->help)) : NULL;
}

static void
draw_title(struct wizard *w)
{
	struct wiz_ui *ui = w->ui;
	char *t;
	attr_t a = ui->color ? COLOR_PAIR(5) | A_BOLD : A_REVERSE;

	attron(a);
	mvhline(0, 0, ' ', ui->cols);
	attroff(a);
	t = xstrprintf(_(" smtls wizard  %d/%d  %s"), w->screen + 1, SCR_COUNT,
	    _(wiz_screens[w->screen]->name));
	ui_put(0, 0, t, ui->cols - 8, a);
	free(t);
	if (w->env.demo) {
		/* TRANSLATORS: shown on every screen of smtls wizard --demo */
		const char *d = _("DEMO");

		ui_put(0, ui->cols - ui_width(d, strlen(d)) - 2, d, ui->cols, a | A_BOLD);
	}
}

/* The finding's text in the panel (its fix too, for an error); caller frees. */
static char *
panel_text(const struct finding *f)
{
	return f->severity == SEV_ERROR && f->fix ? xstrprintf(_("%s Fix: %s"), f->message,
	    f->fix) : xstrdup(f->message);
}

static void
draw_panel(struct wizard *w)
{
	struct wiz_ui *ui = w->ui;
	int y = ui->panel_y, x = ui->panel_x, wd = ui->panel_w, bottom = ui->panel_y + ui->panel_h;
	size_t i, shown = 0, shown_total = 0, skipped = 0, need = 0;
	char *head;

	if (ui->side)
		mvvline(1, ui->main_w, ui->ascii ? '|' : ACS_VLINE, ui->rows - 2);
	else
		ui_hline(ui, y, 0, ui->cols);
	head = xstrprintf(_(" Findings: %zu %s, %zu %s, %zu %s "),
	    findings_count(&w->live, SEV_ERROR), severity_label(SEV_ERROR),
	    findings_count(&w->live, SEV_WARNING), severity_label(SEV_WARNING),
	    findings_count(&w->live, SEV_OK), severity_label(SEV_OK));
	ui_put(y, x + 1, head, wd - 2, A_BOLD);
	free(head);
	y++;
	/* the lines all findings need: when they do not fit, the last line says how many more
	 * there are (never drawn over a finding), and [ and ] scroll the panel */
	for (i = 0; i < w->live.n; i++) {
		const struct finding *f = &w->live.v[i];
		const char *word = severity_label(f->severity);
		struct ui_lines l = { 0 };
		char *s;

		if (f->severity == SEV_OK)
			continue;
		s = panel_text(f);
		ui_wrap(&l, s, wd - ui_width(word, strlen(word)) - 3, 0);
		need += l.n;
		ui_lines_free(&l);
		free(s);
		shown_total++;
	}
	if (ui->panel_first >= shown_total)
		ui->panel_first = shown_total > 0 ? shown_total - 1 : 0;
	if ((int)need > bottom - y || ui->panel_first > 0)
		bottom--;
	for (i = 0; i < w->live.n; i++) {
		const struct finding *f = &w->live.v[i];
		struct ui_lines l = { 0 };
		char *s;
		const char *word = severity_label(f->severity);
		int ww = ui_width(word, strlen(word));
		size_t j;

		if (f->severity == SEV_OK)
			continue;
		if (skipped < ui->panel_first) {
			skipped++;
			continue;
		}
		if (y >= bottom)
			continue;
		s = panel_text(f);
		ui_wrap(&l, s, wd - ww - 3, 0);
		free(s);
		ui_put(y, x + 1, word, wd, sev_attr(ui, f->severity));
		for (j = 0; j < l.n && y < bottom; j++, y++)
			ui_put(y, x + ww + 2, l.v[j], wd - ww - 3, A_NORMAL);
		ui_lines_free(&l);
		if (j > 0)
			shown++;
	}
	if (shown_total == 0 && y < bottom)
		ui_put(y, x + 1, _("No errors or warnings for these settings."), wd - 2,
		    sev_attr(ui, SEV_OK));
	if (skipped + shown < shown_total || skipped > 0) {
		char *more = xstrprintf(_("(%zu-%zu of %zu, [ ] scroll)"), skipped + 1,
		    skipped + shown, shown_total);

		ui_put(bottom, x + wd - ui_width(more, strlen(more)) - 1, more, wd, A_BOLD);
		free(more);
	}
}

static void
draw_hints(struct wizard *w, const struct wiz_item *it)
{
	struct wiz_ui *ui = w->ui;
	const char *h;

	if (ui->region == 1)
		h = _("Left/Right Choose  Enter Press  Tab Items  Esc Back  F1/? Help  q Quit");
	else if (editing_item(it))
		h = it->kind == WI_PATH || it->browse ?
		    _("Type a path  Enter Browse  Tab Next  Esc Back  F1 Help  F10 Quit") :
		    _("Type the name  Tab Next  Esc Back  F1 Help  F10 Quit");
	else if (it && it->kind == WI_CHOICE && wiz_screens[w->screen]->menu)
		h = _("Up/Down Move  Enter Choose  Tab Buttons  F1/? Help  q Quit");
	else if (it && it->kind == WI_CHOICE)
		h = _("Up/Down Move  Space Select  Enter Next  Tab Next  Esc Back  F1/? Help  q Quit");
	else if (it && it->kind == WI_TOGGLE)
		h = _("Up/Down Move  Space Change  Enter Next  Tab Next  Esc Back  F1/? Help  q Quit");
	else if (it && it->kind == WI_ACTION)
		h = _("Up/Down Move  Enter Do it  Tab Next  Esc Back  F1/? Help  q Quit");
	else
		h = _("Up/Down PgUp/PgDn Scroll  Enter Next  Esc Back  F1/? Help  q Quit");
	move(ui->rows - 1, 0);
	clrtoeol();
	ui_put(ui->rows - 1, 0, h, ui->cols - 1, A_BOLD);
}

/* A body line; a leading severity word ("ERROR ...") gets its colour too. */
static void
put_body_line(const struct wiz_ui *ui, int y, const char *line)
{
	static const enum severity sevs[] = { SEV_ERROR, SEV_WARNING, SEV_INFO, SEV_OK };
	const char *p = line;
	size_t i, n;
	int x = 1;

	while (*p == ' ')
		p++;
	for (i = 0; i < sizeof(sevs) / sizeof(sevs[0]); i++) {
		const char *word = severity_label(sevs[i]);

		n = strlen(word);
		if (strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == ':' || p[n] == '\0')) {
			x += ui_put(y, x, line, (int)(p - line), A_NORMAL);
			x += ui_put(y, x, word, ui->main_w - x - 1, sev_attr(ui, sevs[i]));
			ui_put(y, x, p + n, ui->main_w - x - 1, A_NORMAL);
			return;
		}
	}
	ui_put(y, 1, line, ui->main_w - 2, A_NORMAL);
}

void
ui_draw(struct wizard *w)
{
	struct wiz_ui *ui = w->ui;
	struct ui_lines body = { 0 }, st = { 0 };
	struct wiz_item *it;
	int content, y, row, cy = -1, cx = 0, focus_row = -1, total, item0, body0, st_lines;
	bool ifirst;
	size_t i;
	char *status;

	layout(ui, 1 + 2 * (int)(w->live.n - findings_count(&w->live, SEV_OK)));
	erase();
	if (ui->too_small) {
		char *m = xstrprintf(_("The terminal is too small: need %dx%d, have %dx%d. "
		    "Resize it, or press q to quit."), MIN_COLS, MIN_ROWS, ui->cols, ui->rows);

		ui_wrap(&body, m, ui->cols - 1, 0);
		for (i = 0; i < body.n && (int)i < ui->rows; i++)
			ui_put((int)i, 0, body.v[i], ui->cols, A_BOLD);
		ui_lines_free(&body);
		free(m);
		move(0, 0);
		refresh();
		return;
	}
	wiz_build(w);
	it = focused(w);
	/* the values of path and text fields line up after the longest label */
	ui->label_w = 10;
	for (i = 0; i < w->n_items; i++)
		if (w->items[i].kind == WI_PATH || w->items[i].kind == WI_TEXT) {
			int lw = ui_width(w->items[i].label, strlen(w->items[i].label)) + 2;

			if (lw > ui->label_w && lw < ui->main_w / 3)
				ui->label_w = lw;
		}
	draw_title(w);
	if (w->body.data)
		ui_wrap(&body, w->body.data, ui->main_w - 3, 2);
	/*
	 * The content: body lines, a blank line, then one line per item; or the items first
	 * (the start screen: its choices must show even when the facts do not fit).
	 */
	/* under the items: 3 lines for the focused item's explanation when there is room */
	st_lines = ui->main_h >= 14 ? 3 : 2;
	content = ui->main_h - 1 - st_lines;
	ifirst = wiz_screens[w->screen]->items_first;
	item0 = ifirst ? 0 : (int)body.n + (body.n ? 1 : 0);
	body0 = ifirst ? (int)w->n_items + (w->n_items ? 1 : 0) : 0;
	for (i = 0; i < w->n_items; i++)
		if (&w->items[i] == it)
			focus_row = item0 + (int)i;
	total = (int)body.n + (body.n ? 1 : 0) + (int)w->n_items;
	if (focus_row >= 0 && ui->region == 0 && ui->follow) {
		if (focus_row < w->view[w->screen].scroll)
			w->view[w->screen].scroll = focus_row;
		if (focus_row >= w->view[w->screen].scroll + content)
			w->view[w->screen].scroll = focus_row - content + 1;
	}
	ui->follow = false;
	if (w->view[w->screen].scroll > total - content)
		w->view[w->screen].scroll = total - content;
	if (w->view[w->screen].scroll < 0)
		w->view[w->screen].scroll = 0;
	for (row = w->view[w->screen].scroll, y = 1; row < total && y <= content; row++, y++) {
		if (row >= body0 && row < body0 + (int)body.n)
			put_body_line(ui, y, body.v[row - body0]);
		else if (row >= item0 && row < item0 + (int)w->n_items) {
			const struct wiz_item *t = &w->items[row - item0];
			int c = draw_item(w, t, y, t == it);

			if (t == it) {
				cy = y;
				cx = c;
			}
		}
	}
	if (w->view[w->screen].scroll > 0)
		ui_put(1, ui->main_w - 1, "^", 1, A_BOLD);	/* beside a field's ERROR, not on it */
	if (row < total)
		ui_put(content, ui->main_w - 1, "v", 1, A_BOLD);
	/* the focused item's explanation, its finding, or a message */
	status = focus_status(w, ui->region == 0 ? it : NULL);
	if (status != NULL) {
		ui_wrap(&st, status, ui->main_w - 3, 2);
		for (i = 0; i < st.n && i < (size_t)st_lines; i++)
			ui_put(content + 1 + (int)i, 1, st.v[i], ui->main_w - 2,
			    w->status ? A_BOLD : A_DIM);
		ui_lines_free(&st);
		free(status);
	}
	/* the buttons */
	{
		const char *next = wiz_screens[w->screen]->next_label ?
		    _(wiz_screens[w->screen]->next_label) : _("Next");
		char *b0 = xstrprintf("< %s >", _("Back")), *b1 = xstrprintf("< %s >", next);
		int by = ui->main_h, bx = 2;
		attr_t a0 = ui->region == 1 && ui->button == 0 ? A_REVERSE : A_NORMAL;
		attr_t a1 = ui->region == 1 && ui->button == 1 ? A_REVERSE : A_NORMAL;

		ui_put(by, bx, b0, ui->main_w - bx, a0);
		if (ui->region == 1 && ui->button == 0) {
			cy = by;
			cx = bx;
		}
		bx += ui_width(b0, strlen(b0)) + 3;
		ui_put(by, bx, b1, ui->main_w - bx, a1 | A_BOLD);
		if (ui->region == 1 && ui->button == 1) {
			cy = by;
			cx = bx;
		}
		if (ui->warned == w->screen) {
			const char *again = _("Next again goes on; Apply will ask.");
			int ax = bx + ui_width(b1, strlen(b1)) + 3;

			ui_put(by, ax, again, ui->main_w - ax - 1, A_BOLD);
		}
		free(b0);
		free(b1);
	}
	ui_lines_free(&body);
	draw_panel(w);
	draw_hints(w, it);
	/* the hardware cursor sits on the focused item, for screen readers */
	if (cy >= 0)
		move(cy, cx);
	curs_set(ui->region == 0 && editing_item(it) ? 1 : 0);
	ui->cursor_y = cy;
	ui->cursor_x = cx;
	refresh();
}

/* A yes/no question over the current screen; def is chosen by Enter. */
static bool
ui_confirm(struct wizard *w, const char *question, bool def)
{
	struct wiz_ui *ui = w->ui;
	bool yes = def;
	int ch;

	for (;;) {
		struct ui_lines l = { 0 };
		int bw, bh, by, bx;
		size_t i;
		char *no = xstrprintf("< %s >", _("No")), *ys = xstrprintf("< %s >", _("Yes"));

		ui_draw(w);
		if (!ui->too_small) {
			bw = ui->cols - 8 < 64 ? ui->cols - 8 : 64;
			ui_wrap(&l, question, bw - 4, 0);
			bh = (int)l.n + 4;
			if (bh > ui->rows - 2)
				bh = ui->rows - 2;
			by = (ui->rows - bh) / 2;
			bx = (ui->cols - bw) / 2;
			ui_box(ui, by, bx, bh, bw);
			for (i = 0; i < l.n && (int)i < bh - 4; i++)
				ui_put(by + 1 + (int)i, bx + 2, l.v[i], bw - 4, A_BOLD);
			ui_put(by + bh - 2, bx + 2, no, bw, yes ? A_NORMAL : A_REVERSE);
			ui_put(by + bh - 2, bx + 6 + ui_width(no, strlen(no)), ys, bw,
			    yes ? A_REVERSE : A_NORMAL);
			/* the dialog's own keys on the hint line */
			move(ui->rows - 1, 0);
			clrtoeol();
			ui_put(ui->rows - 1, 0, _("Left/Right Choose  Enter Answer  y Yes  n No  "
			    "Esc No"), ui->cols - 1, A_BOLD);
			move(by + bh - 2, yes ? bx + 6 + ui_width(no, strlen(no)) : bx + 2);
			ui_lines_free(&l);
			refresh();
		}
		free(no);
		free(ys);
		ch = ui_getch(w);
		switch (ch) {
		case UI_KEY_INTERRUPT:
			return false;
		case KEY_LEFT:
		case KEY_RIGHT:
		case '\t':
		case KEY_BTAB:
			yes = !yes;
			break;
		case 'y':
		case 'Y':
			return true;
		case 'n':
		case 'N':
		case 27:
			return false;
		case '\n':
		case '\r':
		case KEY_ENTER:
			return yes;
		default:
			/* the first letter of the translated words works too */
			if (ch > 0 && ch < 128 && tolower(ch) == tolower((unsigned char)*_("Yes")))
				return true;
			if (ch > 0 && ch < 128 && tolower(ch) == tolower((unsigned char)*_("No")))
				return false;
			break;
		}
	}
}

/* One line of text in a box over the screen; NULL on Esc. Pasting works (any bytes). */
static char *
ui_ask_line(struct wizard *w, const char *prompt)
{
	struct wiz_ui *ui = w->ui;
	struct ui_line line;
	char *r = NULL;
	int ch;

	memset(&line, 0, sizeof(line));
	ui_line_set(&line, "");
	for (;;) {
		struct ui_lines l = { 0 };
		int bw, by, bx, cx, end;
		size_t i;

		ui_draw(w);
		if (!ui->too_small) {
			bw = ui->cols - 4;
			ui_wrap(&l, prompt, bw - 4, 0);
			by = ui->rows / 2 - 3;
			bx = 2;
			ui_box(ui, by, bx, (int)l.n + 4, bw);
			for (i = 0; i < l.n; i++)
				ui_put(by + 1 + (int)i, bx + 2, l.v[i], bw - 4, A_BOLD);
			cx = ui_line_draw(&line, by + 2 + (int)l.n, bx + 2, bw - 4, A_UNDERLINE,
			    &end);
			move(ui->rows - 1, 0);
			clrtoeol();
			ui_put(ui->rows - 1, 0, _("Type or paste  Left/Right Home/End Move  Enter OK  "
			    "Esc Cancel"), ui->cols - 1, A_BOLD);
			move(by + 2 + (int)l.n, cx);
			curs_set(1);
			ui_lines_free(&l);
			refresh();
		}
		ch = ui_getch(w);
		if (ch == UI_KEY_INTERRUPT || ch == 27)
			break;
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			r = xstrdup(ui_line_text(&line));
			break;
		}
		(void)ui_line_key(&line, ch);
	}
	ui_line_free(&line);
	return r;
}

static bool
ui_confirm_hook(struct wizard *w, const char *question, bool def)
{
	return ui_confirm(w, question, def);
}

/* A scrollable full-screen text (help); any of Esc, q, Enter closes it. */
static void
ui_pager(struct wizard *w, const char *title, const char *text)
{
	struct wiz_ui *ui = w->ui;
	int top = 0, ch, h;
	size_t i;

	for (;;) {
		struct ui_lines l = { 0 };

		layout(ui, 0);
		erase();
		ui_wrap(&l, text, ui->cols - 4, 2);
		h = ui->rows - 4;
		if (top > (int)l.n - h)
			top = (int)l.n - h;
		if (top < 0)
			top = 0;
		ui_box(ui, 0, 0, ui->rows - 1, ui->cols);
		ui_put(0, 2, title, ui->cols - 4, A_BOLD);
		for (i = (size_t)top; i < l.n && (int)(i - (size_t)top) < h + 1; i++)
			ui_put(1 + (int)(i - (size_t)top), 2, l.v[i], ui->cols - 4, A_NORMAL);
		ui_put(ui->rows - 1, 0, _("Up/Down/PgUp/PgDn Scroll  Esc, q or Enter Close"),
		    ui->cols - 1, A_BOLD);
		move(1, 2);
		curs_set(0);
		refresh();
		ui_lines_free(&l);
		ch = ui_getch(w);
		if (ch == UI_KEY_INTERRUPT || ch == 27 || ch == 'q' || ch == 'Q' || ch == '\n' ||
		    ch == '\r' || ch == KEY_ENTER || ch == KEY_F(1) || ch == '?')
			return;
		if (ch == KEY_UP || ch == 'k')
			top--;
		else if (ch == KEY_DOWN || ch == 'j' || ch == ' ')
			top++;
		else if (ch == KEY_PPAGE)
			top -= h;
		else if (ch == KEY_NPAGE)
			top += h;
	}
}

static void
show_help(struct wizard *w, bool picture_first)
{
	const struct wiz_screen *s = wiz_screens[w->screen];
	struct wiz_item *it = focused(w);
	char *pic = wiz_picture(w), *title;
	struct buf b = { 0 };

	if (picture_first)
		buf_printf(&b, "%s\n", pic);
	buf_printf(&b, "%s\n\n", _(s->help));
	if (it != NULL && it->help != NULL)
		buf_printf(&b, "%s: %s\n\n", it->label, _(it->help));
	buf_printf(&b, "%s\n\n%s\n\n", _("Keys on this screen: Up/Down move in the list; Space "
	    "selects a choice or changes a box; Enter goes on with what is selected and never "
	    "changes it (on the start screen it does the focused item; on a path it opens the "
	    "file chooser, with Tab completion); in a field Left/Right, Home/End (Ctrl-A/E), "
	    "Backspace and Delete edit, Ctrl-U clears; a letter jumps to the item with that "
	    "underlined letter; [ and ] (in a field Ctrl-P and Ctrl-N) scroll the findings "
	    "panel."),
	    _("Everywhere: Tab and Shift-Tab move between the list, the fields and the buttons; "
	    "Esc goes back one screen, keeping your answers; F1 or ? (1 without F-keys) shows "
	    "this help; q or F10 (0) quits, asking first when there are unsaved choices; "
	    "PgUp/PgDn scroll; Ctrl-L repaints; Ctrl-C leaves at once and writes nothing."));
	if (!picture_first)
		buf_puts(&b, pic);
	title = xstrprintf(_(" Help: %s "), _(s->name));
	ui_pager(w, title, b.data);
	free(title);
	buf_free(&b);
	free(pic);
}

/* Moves the focus to the next (dir 1) or previous (-1) focusable item; false at the end. */
static bool
move_focus(struct wizard *w, int dir)
{
	struct wiz_item *it = focused(w);
	long i;

	if (it == NULL)
		return false;
	for (i = (it - w->items) + dir; i >= 0 && i < (long)w->n_items; i += dir)
		if (focusable(&w->items[i])) {
			w->view[w->screen].focus_id = w->items[i].id;
			w->ui->follow = true;
			return true;
		}
	return false;
}

/* Tab: the first item of the next group, then the buttons, then the first group. */
static void
tab(struct wizard *w, int dir)
{
	struct wiz_ui *ui = w->ui;
	struct wiz_item *it = focused(w);
	long i;

	ui->follow = true;
	if (ui->region == 1 || it == NULL) {
		if (ui->region == 1 && dir < 0 && ui->button == 1) {
			ui->button = 0;
			return;
		}
		if (ui->region == 0 && it == NULL) {
			ui->region = 1;
			return;
		}
		ui->region = 0;
		if (it != NULL && dir > 0) {
			for (i = 0; i < (long)w->n_items; i++)
				if (focusable(&w->items[i])) {
					w->view[w->screen].focus_id = w->items[i].id;
					break;
				}
		}
		return;
	}
	for (i = (it - w->items) + dir; i >= 0 && i < (long)w->n_items; i += dir)
		if (focusable(&w->items[i]) && w->items[i].group != it->group) {
			w->view[w->screen].focus_id = w->items[i].id;
			return;
		}
	ui->region = 1;
	ui->button = dir > 0 ? 1 : 0;
}

static void
go_screen(struct wizard *w, int to)
{
	struct wiz_ui *ui = w->ui;

	if (ui->n_hist < (int)(sizeof(ui->hist) / sizeof(ui->hist[0])))
		ui->hist[ui->n_hist++] = w->screen;
	w->screen = to;
	if (wiz_screens[to]->enter != NULL)
		wiz_screens[to]->enter(w);
	ui->follow = false;	/* a new screen opens at its top */
	ui->region = 0;
	ui->button = 1;
	ui->warned = -1;
	wiz_set_status(w, NULL);
	(void)wiz_refresh(w);
}

static bool
confirm_quit(struct wizard *w)
{
	char *note = wiz_countdown_note(w), *q;
	bool yes;

	if (note != NULL) {
		q = xstrprintf(_("Quit the wizard? %s"), note);
		yes = ui_confirm(w, q, false);
		free(q);
		free(note);
		return yes;
	}
	if (!w->m.dirty)
		return true;
	return ui_confirm(w, _("Quit the wizard? Your choices are not saved, and nothing "
	    "will be written."), false);
}

static void
go_back(struct wizard *w)
{
	struct wiz_ui *ui = w->ui;

	if (ui->n_hist == 0) {
		if (confirm_quit(w))
			ui->quit = true;
		return;
	}
	w->screen = ui->hist[--ui->n_hist];
	ui->region = 0;
	ui->warned = -1;
	wiz_set_status(w, NULL);
	(void)wiz_refresh(w);
}

static void
go_next(struct wizard *w)
{
	struct wiz_ui *ui = w->ui;
	const struct finding *f = NULL;
	struct wiz_item *bad = wiz_first_bad_item(w, &f);
	int to;

	/* an error on this screen: show it at its field once before moving on */
	if (bad != NULL && ui->warned != w->screen && w->screen != SCR_REVIEW) {
		ui->warned = w->screen;
		ui->region = 0;
		ui->follow = true;
		w->view[w->screen].focus_id = bad->id;
		wiz_set_status(w, "%s: %s%s%s", severity_label(f->severity), f->message,
		    f->fix ? _(" Fix: ") : "", f->fix ? f->fix : "");
		return;
	}
	to = wiz_screens[w->screen]->next ? wiz_screens[w->screen]->next(w) : -1;
	if (to == -1)
		to = w->screen + 1;
	if (to == w->screen)
		return;
	if (to >= SCR_COUNT) {
		/* Enter goes on, also from a box of the last screen: leaving without the apply
		 * the choices were made for is asked first */
		if (w->m.dirty && !w->ap.ran && !ui_confirm(w, _("Finish without applying? "
		    "Nothing has been written, and your choices are not saved."), false))
			return;
		ui->finished = true;
		return;
	}
	go_screen(w, to);
}

static enum wiz_key_result
activate(struct wizard *w, struct wiz_item *it, bool enter)
{
	enum wiz_key_result r;
	enum wiz_item_kind kind = it->kind;

	/* the hook may redraw (a question), which rebuilds the items: it is stale after */
	if (it->disabled != NULL) {
		wiz_set_status(w, "%s", it->disabled);
		return WK_HANDLED;
	}
	if (wiz_screens[w->screen]->activate == NULL)
		return WK_UNHANDLED;
	/* an action (Apply) goes by the files as they are now */
	(void)wiz_refresh(w);
	r = wiz_screens[w->screen]->activate(w, it);
	/* the items may have changed (apply, undo): keep the focused one in view */
	w->ui->follow = true;
	if (r == WK_HANDLED && enter && kind == WI_CHOICE)
		r = WK_NEXT;	/* a menu: the chosen thing is done */
	if (r == WK_STAY) {
		/* the choice opened fields: go to them */
		if (enter) {
			wiz_build(w);
			tab(w, 1);
		}
		r = WK_HANDLED;
	}
	return r;
}

/* A key for the focused field (the line editor); false when it is no editing key. */
static bool
edit_key(struct wizard *w, struct wiz_item *it, int ch)
{
	struct wiz_ui *ui = w->ui;
	int r;

	edit_sync(w, it);
	r = ui_line_key(&ui->edit, ch);
	if (r < 0)
		return false;
	ui->follow = true;
	if (r == 0)
		return true;
	if (it->kind == WI_PATH)
		wiz_set_field(w, (enum plan_field)it->field, ui_line_text(&ui->edit));
	else {
		free(*it->text);
		*it->text = *ui_line_text(&ui->edit) ? xstrdup(ui_line_text(&ui->edit)) : NULL;
		w->m.dirty = true;
		wiz_recheck(w);
	}
	return true;
}

static void
handle_key(struct wizard *w, int ch)
{
	struct wiz_ui *ui = w->ui;
	struct wiz_item *it = focused(w);
	bool edit = ui->region == 0 && editing_item(it);
	enum wiz_key_result r = WK_UNHANDLED;
	size_t i;

	wiz_set_status(w, NULL);
	if (ch == KEY_F(1) || (!edit && (ch == '?' || ch == '1'))) {
		show_help(w, false);
		return;
	}
	if (ch == KEY_F(10) || (!edit && (ch == 'q' || ch == 'Q' || ch == '0'))) {
		if (confirm_quit(w))
			ui->quit = true;
		return;
	}
	switch (ch) {
	case 27:
		go_back(w);
		return;
	case '\t':
		tab(w, 1);
		return;
	case KEY_BTAB:
		tab(w, -1);
		return;
	case 12:	/* Ctrl-L: repaint, and check again what changed */
		clearok(curscr, TRUE);
		if (wiz_refresh(w))
			wiz_set_status(w, "%s", _("Checked again: a file changed."));
		return;
	case KEY_PPAGE:
		w->view[w->screen].scroll -= ui->main_h - 4;
		return;
	case KEY_NPAGE:
		w->view[w->screen].scroll += ui->main_h - 4;
		return;
	}
	if (ch == 16 || ch == 14 || (!edit && (ch == '[' || ch == ']'))) {
		/* the findings panel, one finding at a time (in a field: Ctrl-P, Ctrl-N) */
		if ((ch == '[' || ch == 16) && ui->panel_first > 0)
			ui->panel_first--;
		else if (ch == ']' || ch == 14)
			ui->panel_first++;
		return;
	}
	if (ui->region == 1) {
		switch (ch) {
		case KEY_LEFT:
		case KEY_RIGHT:
			ui->button = !ui->button;
			break;
		case KEY_UP:
			ui->region = 0;
			break;
		case '\n':
		case '\r':
		case KEY_ENTER:
		case ' ':
			if (ui->button == 0)
				go_back(w);
			else
				go_next(w);
			break;
		}
		return;
	}
	switch (ch) {
	case KEY_UP:
		if (!move_focus(w, -1))
			w->view[w->screen].scroll--;
		return;
	case KEY_DOWN:
		if (!move_focus(w, 1))
			w->view[w->screen].scroll++;
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (it == NULL) {
			go_next(w);
			return;
		}
		if (it->kind == WI_PATH && it->disabled == NULL) {
			enum plan_field f = (enum plan_field)it->field;
			char *label = xstrdup(it->label);
			char *p = ui_choose_file(w, label, item_value(w, it));

			free(label);
			if (p != NULL) {
				wiz_set_field(w, f, p);
				free(p);
			}
			return;
		}
		if (it->kind == WI_TEXT && it->browse && it->disabled == NULL) {
			char **text = it->text;
			char *label = xstrdup(it->label);
			char *p = ui_choose_file(w, label, *text);

			free(label);
			if (p != NULL) {
				free(*text);
				*text = p;
				w->m.dirty = true;
			}
			return;
		}
		if (it->kind == WI_TEXT) {
			move_focus(w, 1);
			return;
		}
		/* Enter goes on with what is selected; it never changes a choice or a box */
		if (it->kind == WI_TOGGLE || (it->kind == WI_CHOICE && !wiz_screens[w->screen]->menu)) {
			go_next(w);
			return;
		}
		r = activate(w, it, true);
		break;
	case ' ':
		if (edit) {
			(void)edit_key(w, it, ch);
			return;
		}
		if (it == NULL)
			return;
		r = activate(w, it, false);
		break;
	default:
		if (edit && edit_key(w, it, ch))
			return;
		if (!edit && ch > 0 && ch < 128 && isalnum(ch)) {
			for (i = 0; i < w->n_items; i++)
				if (w->items[i].hotkey == tolower(ch)) {
					w->view[w->screen].focus_id = w->items[i].id;
					ui->follow = true;
					return;
				}
		}
		return;
	}
	switch (r) {
	case WK_NEXT:
		go_next(w);
		break;
	case WK_BACK:
		go_back(w);
		break;
	case WK_QUIT:
		ui->quit = true;
		break;
	case WK_HELP:
		show_help(w, true);
		break;
	case WK_EXPLAIN: {
		char *line = ui_ask_line(w, _("Paste one sendmail STARTTLS log line, then Enter "
		    "(Esc cancels):"));

		if (line != NULL && *line) {
			char *text = engine_explain(line), *title = xstrdup(_(" Explanation "));
			char *all = xstrprintf("%s\n\n%s", line, text);

			ui_pager(w, title, all);
			free(all);
			free(title);
			free(text);
		}
		free(line);
		break;
	}
	default:
		break;
	}
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
		if (ch == KEY_RESIZE || ch == UI_KEY_RECHECKED)
			continue;
		if (ui.too_small) {
			if (ch == 'q' || ch == 'Q' || ch == KEY_F(10)) {
				if (confirm_quit(w))
					ui.quit = true;
			}
			continue;
		}
		handle_key(w, ch);
	}
	endwin();
	delscreen(scr);
	ui_line_free(&ui.edit);
	w->ui = NULL;
	w->progress = NULL;
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
