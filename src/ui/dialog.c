/* dialog.c: what the curses front end draws over a screen: the yes/no question (Enter takes
 * the safe default), the one-line prompt, the scrollable pager and the help. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "smtls/i18n.h"
#include "ui.h"

/* A yes/no question over the current screen; def is chosen by Enter. */
bool
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
char *
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

bool
ui_confirm_hook(struct wizard *w, const char *question, bool def)
{
	return ui_confirm(w, question, def);
}

/* A scrollable full-screen text (help); any of Esc, q, Enter closes it. */
void
ui_pager(struct wizard *w, const char *title, const char *text)
{
	struct wiz_ui *ui = w->ui;
	int top = 0, ch, h;
	size_t i;

	for (;;) {
		struct ui_lines l = { 0 };

		ui_layout(ui, 0);
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

void
ui_show_help(struct wizard *w, bool picture_first)
{
	const struct wiz_screen *s = wiz_screens[w->screen];
	struct wiz_item *it = ui_focused(w);
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

