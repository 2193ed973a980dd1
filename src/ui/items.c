/* items.c: the items of a screen as the curses front end shows them: which one has the focus,
 * which can take it, a field's value and its line editor, and one item drawn on its row
 * (with its hotkey underlined and its finding's severity word), its note wrapped below. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "smtls/i18n.h"
#include "smtls/xmalloc.h"
#include "ui.h"

bool
ui_focusable(const struct wiz_item *it)
{
	return it->kind != WI_LABEL;
}

bool
ui_editing(const struct wiz_item *it)
{
	return it != NULL && (it->kind == WI_PATH || it->kind == WI_TEXT) && it->disabled == NULL;
}

struct wiz_item *
ui_focused(struct wizard *w)
{
	struct wiz_item *it = w->view[w->screen].focus_id == -1 ? NULL :
	    wiz_item_by_id(w, w->view[w->screen].focus_id);
	size_t i;

	if (it != NULL && ui_focusable(it))
		return it;
	/* the first focusable item; in a list of choices, the selected one: the cursor starts
	 * on what is chosen */
	for (i = 0; i < w->n_items && !ui_focusable(&w->items[i]); i++)
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

const char *
ui_item_value(const struct wizard *w, const struct wiz_item *it)
{
	if (it->kind == WI_PATH)
		return plan_get(&w->m.plan, (enum plan_field)it->field);
	if (it->kind == WI_TEXT)
		return *it->text;
	return NULL;
}

/* The line editor holds the focused field's value (again, when it changed elsewhere). */
void
ui_edit_sync(struct wizard *w, const struct wiz_item *it)
{
	struct wiz_ui *ui = w->ui;
	const char *v = ui_item_value(w, it);

	if (v == NULL)
		v = "";
	if (ui->edit_screen != w->screen || ui->edit_id != it->id ||
	    strcmp(ui_line_text(&ui->edit), v) != 0) {
		ui_line_set(&ui->edit, v);
		ui->edit_screen = w->screen;
		ui->edit_id = it->id;
	}
}

/*
 * An item's note (or why it is not available), wrapped so that no word is cut: its lines
 * start at the returned column, the first on the item's own row when the label leaves room
 * (else every line below it). Path and text fields have none: their value is the row.
 */
static int
item_note(const struct wizard *w, const struct wiz_item *it, struct ui_lines *l, bool *below)
{
	const struct wiz_ui *ui = w->ui;
	const char *note = it->note != NULL ? it->note : it->disabled != NULL ?
	    _("(not available)") : NULL;
	int x = 2 + (it->kind == WI_CHOICE || it->kind == WI_TOGGLE || it->kind == WI_ACTION ? 4 :
	    0) + ui_width(it->label, strlen(it->label)) + 2;

	*below = false;
	if (note == NULL || it->kind == WI_PATH || it->kind == WI_TEXT)
		return 0;
	if (ui->main_w - x - 1 < 20) {
		x = 8;
		*below = true;
	}
	ui_wrap(l, note, ui->main_w - x - 1, 0);
	return x;
}

/* The rows an item takes: its own, and those of its note's further lines. */
int
ui_item_rows(const struct wizard *w, const struct wiz_item *it)
{
	struct ui_lines l = { 0 };
	bool below;
	int n;

	item_note(w, it, &l, &below);
	n = l.n == 0 ? 1 : below ? 1 + (int)l.n : (int)l.n;
	ui_lines_free(&l);
	return n;
}

/* Row k (from 1) under an item: a further line of its note. */
void
ui_draw_item_more(const struct wizard *w, const struct wiz_item *it, int y, int k)
{
	struct ui_lines l = { 0 };
	bool below;
	int x = item_note(w, it, &l, &below), i = below ? k - 1 : k;

	if (i >= 0 && i < (int)l.n)
		ui_put(y, x, l.v[i], w->ui->main_w - x - 1, it->disabled ? A_DIM : A_NORMAL);
	ui_lines_free(&l);
}

/* Draws one item on row y; returns the column where the cursor belongs. */
int
ui_draw_item(struct wizard *w, const struct wiz_item *it, int y, bool is_focus)
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
		const struct finding *f = it->kind == WI_PATH ? wiz_finding_for(w, ui_item_value(w, it)) :
		    NULL;
		const char *word = f && f->severity > SEV_INFO ? severity_label(f->severity) : NULL;
		int vx = cx + ui->label_w > x + 1 ? cx + ui->label_w : x + 1;
		int room = ui->main_w - vx - 3 - (word ? ui_width(word, strlen(word)) + 1 : 0);
		int vw;

		v = ui_item_value(w, it);
		mvaddch(y, vx - 1, '[');
		if (v == NULL)
			v = "";
		vw = ui_width(v, strlen(v));
		if (is_focus && ui->region == 0 && ui_editing(it) && room > 4) {
			/* the field being edited: the cursor where it is, scrolled to show it */
			ui_edit_sync(w, it);
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
			ui_put(y, x + 2, "!", 1, ui_sev_attr(ui, SEV_WARNING));
		if (word != NULL)
			ui_put(y, ui->main_w - ui_width(word, strlen(word)) - 1, word,
			    ui->main_w, ui_sev_attr(ui, f->severity));
		return cx;
	}
	{
		struct ui_lines l = { 0 };
		bool below;
		int nx = item_note(w, it, &l, &below);

		if (l.n > 0 && !below)
			ui_put(y, nx, l.v[0], ui->main_w - nx - 1, a);
		ui_lines_free(&l);
	}
	return cx;
}

/* The one- or two-line explanation under the items for the focused item. */
