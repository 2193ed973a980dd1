/* render.c: draws one wizard screen: the title, the body, the items (a note wraps under its
 * item), the focused item's explanation, the buttons, the key hints and the hardware cursor
 * on the focused item. Drawing reads the model only, never a file. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "smtls/i18n.h"
#include "smtls/xmalloc.h"
#include "ui.h"

/* need: the panel lines the findings would like (the bottom panel shrinks to fit) */
void
ui_layout(struct wiz_ui *ui, int need)
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
		v = ui_item_value(w, it);
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
			const char *what = w->m.described[it->field] != NULL ?
			    w->m.described[it->field] : _("not set");

			if (o == NULL || v == NULL)
				return xstrdup(what);
			return xstrprintf(_("%s\nWrites define(`%s', ...) into sendmail.mc -> O %s= in "
			    "sendmail.cf; in force now: %s"), what, o->macro, o->cf_name,
			    now == NULL ? _("not set") : strcmp(now, v) == 0 ? _("the same") : now);
		}
	}
	/* a note cut at the end of its line is whole here, then the help */
	if (it->note != NULL)
		return xstrprintf("%s%s%s", it->note, it->help ? "\n" : "",
		    it->help ? _(it->help) : "");
	return it->help ? xstrdup(_(it->help)) : NULL;
}

/* A button, "< Label >", with its letter underlined (its first occurrence, any case). */
static void
put_button(struct wizard *w, int y, int x, const char *b, int which, attr_t a)
{
	struct wiz_ui *ui = w->ui;
	int key = wiz_button_key(w, which);
	const char *p = b + 2;
	char *pre;

	while (*p && (key == 0 || tolower((unsigned char)*p) != key))
		p++;
	if (*p == '\0') {
		ui_put(y, x, b, ui->main_w - x, a);
		return;
	}
	pre = xstrndup(b, (size_t)(p - b));
	x += ui_put(y, x, pre, ui->main_w - x, a);
	free(pre);
	pre = xstrndup(p, 1);
	x += ui_put(y, x, pre, ui->main_w - x, a | A_UNDERLINE | A_BOLD);
	free(pre);
	ui_put(y, x, p + 1, ui->main_w - x, a);
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

static void
draw_hints(struct wizard *w, const struct wiz_item *it)
{
	struct wiz_ui *ui = w->ui;
	const char *h;

	if (w->job.running)	/* a step runs in its child: only the abort (quit) is a key here */
		h = w->job.aborting ? _("Aborting: waiting for the running step to stop...") :
		    w->job.ask == NULL ? _("Keys typed now act when it is done  q Quit") :
		    _("The steps run by themselves  q or Ctrl-C Abort");
	else if (ui->region == 1)
		h = _("Left/Right Choose  Enter Press  Tab Items  Esc Back  F1/? Help  q Quit");
	else if (ui_editing(it))
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
			x += ui_put(y, x, word, ui->main_w - x - 1, ui_sev_attr(ui, sevs[i]));
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
	int content, y, row, cy = -1, cx = 0, focus_row = -1, total, item0, body0, st_lines, *irow;
	bool ifirst;
	size_t i, k;
	char *status;

	ui_layout(ui, 0);
	if (!ui->side) {
		ui_layout(ui, ui_panel_need(w, ui->cols));
	}
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
	erase();	/* a build that ran a long step drew meanwhile (the Review's preview) */
	it = ui_focused(w);
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
	/* irow[i]: the first row of item i (an item whose note wraps takes more than one) */
	irow = xreallocarray(NULL, w->n_items + 1, sizeof(*irow));
	item0 = ifirst ? 0 : (int)body.n + (body.n ? 1 : 0);
	irow[0] = item0;
	for (i = 0; i < w->n_items; i++) {
		irow[i + 1] = irow[i] + ui_item_rows(w, &w->items[i]);
		if (&w->items[i] == it)
			focus_row = irow[i];
	}
	body0 = ifirst ? irow[w->n_items] + (w->n_items ? 1 : 0) : 0;
	total = (int)body.n + (body.n ? 1 : 0) + (irow[w->n_items] - item0);
	if (focus_row >= 0 && ui->region == 0 && ui->follow) {
		int h = irow[it - w->items + 1] - focus_row;

		if (focus_row < w->view[w->screen].scroll)
			w->view[w->screen].scroll = focus_row;
		if (focus_row + h > w->view[w->screen].scroll + content)
			w->view[w->screen].scroll = focus_row + (h < content ? h : 1) - content;
	}
	ui->follow = false;
	if (w->view[w->screen].scroll > total - content)
		w->view[w->screen].scroll = total - content;
	if (w->view[w->screen].scroll < 0)
		w->view[w->screen].scroll = 0;
	if (focus_row >= 0 && ui->region == 0 && (focus_row < w->view[w->screen].scroll ||
	    focus_row >= w->view[w->screen].scroll + content)) {
		/*
		 * PgUp/PgDn scrolled the focus out of view: it moves to the nearest item in view,
		 * as in a list, so that what Space changes is what is seen and the hardware
		 * cursor (which screen readers follow) stays on it
		 */
		bool above = focus_row < w->view[w->screen].scroll;
		long best = -1;

		for (i = 0; i < w->n_items; i++) {
			int r = irow[i];

			if (r < w->view[w->screen].scroll || r >= w->view[w->screen].scroll + content ||
			    !ui_focusable(&w->items[i]))
				continue;
			best = (long)i;
			if (above)
				break;
		}
		if (best >= 0) {
			it = &w->items[best];
			w->view[w->screen].focus_id = it->id;
			focus_row = irow[best];
		}
	}
	for (row = w->view[w->screen].scroll, y = 1, k = 0; row < total && y <= content; row++, y++) {
		if (row >= body0 && row < body0 + (int)body.n)
			put_body_line(ui, y, body.v[row - body0]);
		else if (row >= item0 && row < irow[w->n_items]) {
			const struct wiz_item *t;
			int c;

			while (k + 1 < w->n_items && irow[k + 1] <= row)
				k++;
			t = &w->items[k];
			if (row > irow[k]) {
				ui_draw_item_more(w, t, y, row - irow[k]);
				continue;
			}
			c = ui_draw_item(w, t, y, t == it);
			if (t == it) {
				cy = y;
				cx = c;
			}
		}
	}
	free(irow);
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

		put_button(w, by, bx, b0, 0, a0);
		if (ui->region == 1 && ui->button == 0) {
			cy = by;
			cx = bx;
		}
		bx += ui_width(b0, strlen(b0)) + 3;
		put_button(w, by, bx, b1, 1, a1 | A_BOLD);
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
	ui_draw_panel(w);
	draw_hints(w, it);
	/* the hardware cursor sits on the focused item, for screen readers; when no item is in
	 * view (a long text above the items), on the arrow that says where the focus is */
	if (cy < 0 && ui->region == 0 && focus_row >= 0) {
		cy = focus_row < w->view[w->screen].scroll ? 1 : content;
		cx = ui->main_w - 1;
	}
	if (cy >= 0)
		move(cy, cx);
	curs_set(ui->region == 0 && ui_editing(it) ? 1 : 0);
	ui->cursor_y = cy;
	ui->cursor_x = cx;
	refresh();
}

