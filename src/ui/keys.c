/* keys.c: what each key does on a wizard screen: focus, Tab between the list and the
 * buttons, Back and Next, the line editor, hotkeys, help and quitting. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "smtls/i18n.h"
#include "ui.h"

/* Moves the focus to the next (dir 1) or previous (-1) focusable item of the focused one's
 * group (its widget: a list of choices, a form's fields); false at the group's end. */
static bool
move_focus(struct wizard *w, int dir)
{
	struct wiz_item *it = ui_focused(w);
	long i;

	if (it == NULL)
		return false;
	for (i = (it - w->items) + dir; i >= 0 && i < (long)w->n_items &&
	    w->items[i].group == it->group; i += dir)
		if (ui_focusable(&w->items[i])) {
			w->view[w->screen].focus_id = w->items[i].id;
			w->ui->follow = true;
			return true;
		}
	return false;
}

/* Where Tab enters the group of items[i]: its selected choice, else its first focusable item. */
static void
focus_group(struct wizard *w, long i)
{
	int group = w->items[i].group;
	long first = -1;

	while (i > 0 && w->items[i - 1].group == group)
		i--;
	for (; i < (long)w->n_items && w->items[i].group == group; i++) {
		if (!ui_focusable(&w->items[i]))
			continue;
		if (first == -1)
			first = i;
		if (w->items[i].kind == WI_CHOICE && w->items[i].on) {
			first = i;
			break;
		}
	}
	if (first != -1)
		w->view[w->screen].focus_id = w->items[first].id;
}

/* Tab: the next group of items, then the buttons (one stop: Left and Right choose), then the
 * first group again; Shift-Tab the same way back. */
static void
tab(struct wizard *w, int dir)
{
	struct wiz_ui *ui = w->ui;
	struct wiz_item *it = ui_focused(w);
	long i, from;

	ui->follow = true;
	if (it == NULL) {
		ui->region = 1;
		return;
	}
	if (ui->region == 1)
		from = dir > 0 ? -1 : (long)w->n_items;	/* the buttons: to the first or last group */
	else
		from = it - w->items;
	for (i = from + dir; i >= 0 && i < (long)w->n_items; i += dir)
		if (ui_focusable(&w->items[i]) && (ui->region == 1 ||
		    w->items[i].group != it->group)) {
			ui->region = 0;
			focus_group(w, i);
			return;
		}
	ui->region = 1;
	ui->button = 1;
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

bool
ui_confirm_quit(struct wizard *w)
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
		if (ui_confirm_quit(w))
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

	ui_edit_sync(w, it);
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

/* What an activated item asked for next. */
static void
after_activate(struct wizard *w, enum wiz_key_result r)
{
	switch (r) {
	case WK_NEXT:
		go_next(w);
		break;
	case WK_BACK:
		go_back(w);
		break;
	case WK_QUIT:
		w->ui->quit = true;
		break;
	case WK_HELP:
		ui_show_help(w, true);
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

/* Enter on a path field or a browsable text field: the file chooser. It redraws the screen
 * under it, which rebuilds the items: what the item says is taken before. */
static void
choose_file(struct wizard *w, struct wiz_item *it)
{
	bool path = it->kind == WI_PATH;
	enum plan_field f = (enum plan_field)it->field;
	char **text = it->text, *label = xstrdup(it->label);
	char *p = ui_choose_file(w, label, path ? ui_item_value(w, it) : *text);

	free(label);
	if (p == NULL)
		return;
	if (path)
		wiz_set_field(w, f, p);
	else {
		free(*text);
		*text = xstrdup(p);
		w->m.dirty = true;
	}
	free(p);
}

static void
key_help(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)it;
	(void)ch;
	ui_show_help(w, false);
}

static void
key_quit(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)it;
	(void)ch;
	if (ui_confirm_quit(w))
		w->ui->quit = true;
}

static void
key_back(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)it;
	(void)ch;
	go_back(w);
}

static void
key_tab(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)it;
	tab(w, ch == KEY_BTAB ? -1 : 1);
}

/* Ctrl-L: repaint, and check again what changed */
static void
key_repaint(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)it;
	(void)ch;
	clearok(curscr, TRUE);
	if (wiz_refresh(w))
		wiz_set_status(w, "%s", _("Checked again: a file changed."));
}

static void
key_page(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)it;
	w->view[w->screen].scroll += (ch == KEY_PPAGE ? -1 : 1) * (w->ui->main_h - 4);
}

/* the findings panel, a finding at a time ([ and ]; in a field Ctrl-P and Ctrl-N) */
static void
key_panel(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)it;
	ui_panel_scroll(w, ch == '[' || ch == 16 ? -1 : 1);
}

static void
key_button_switch(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)it;
	(void)ch;
	w->ui->button = !w->ui->button;
}

static void
key_to_list(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)it;
	(void)ch;
	w->ui->region = 0;
}

static void
key_button(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)it;
	(void)ch;
	if (w->ui->button == 0)
		go_back(w);
	else
		go_next(w);
}

/* Up and Down move the focus in its group; past its first or last item they scroll the text */
static void
key_move(struct wizard *w, struct wiz_item *it, int ch)
{
	int dir = ch == KEY_UP ? -1 : 1;

	(void)it;
	if (!move_focus(w, dir))
		w->view[w->screen].scroll += dir;
}

/* Enter goes on with what is selected; it never changes a choice or a box */
static void
key_enter(struct wizard *w, struct wiz_item *it, int ch)
{
	(void)ch;
	if (it == NULL)
		go_next(w);
	else if (it->disabled == NULL && (it->kind == WI_PATH ||
	    (it->kind == WI_TEXT && it->browse)))
		choose_file(w, it);
	else if (it->kind == WI_TEXT)
		(void)move_focus(w, 1);
	else if (it->kind == WI_TOGGLE || (it->kind == WI_CHOICE && !wiz_screens[w->screen]->menu))
		go_next(w);
	else
		after_activate(w, activate(w, it, true));
}

/* Space selects a choice or changes a box (in a field: a space) */
static void
key_space(struct wizard *w, struct wiz_item *it, int ch)
{
	if (it != NULL && w->ui->region == 0 && ui_editing(it))
		(void)edit_key(w, it, ch);
	else if (it != NULL)
		after_activate(w, activate(w, it, false));
}

/* Where a key counts: anywhere, not while a field takes typing, in the list, on the buttons. */
enum key_where { K_ANY, K_NOT_TYPING, K_LIST, K_BUTTONS };

/* The keys of a screen, first match wins; a key that matches none is typed into the
 * focused field, or is an item's hotkey. */
static const struct {
	int		 key;
	enum key_where	 where;
	void		(*act)(struct wizard *, struct wiz_item *, int);
} keys[] = {
	{ KEY_F(1), K_ANY, key_help }, { '?', K_NOT_TYPING, key_help },
	{ '1', K_NOT_TYPING, key_help },
	{ KEY_F(10), K_ANY, key_quit }, { 'q', K_NOT_TYPING, key_quit },
	{ 'Q', K_NOT_TYPING, key_quit }, { '0', K_NOT_TYPING, key_quit },
	{ 27, K_ANY, key_back },
	{ '\t', K_ANY, key_tab }, { KEY_BTAB, K_ANY, key_tab },
	{ 12, K_ANY, key_repaint },
	{ KEY_PPAGE, K_ANY, key_page }, { KEY_NPAGE, K_ANY, key_page },
	{ 16, K_ANY, key_panel }, { 14, K_ANY, key_panel },
	{ '[', K_NOT_TYPING, key_panel }, { ']', K_NOT_TYPING, key_panel },
	{ KEY_LEFT, K_BUTTONS, key_button_switch }, { KEY_RIGHT, K_BUTTONS, key_button_switch },
	{ KEY_UP, K_BUTTONS, key_to_list },
	{ '\n', K_BUTTONS, key_button }, { '\r', K_BUTTONS, key_button },
	{ KEY_ENTER, K_BUTTONS, key_button }, { ' ', K_BUTTONS, key_button },
	{ KEY_UP, K_LIST, key_move }, { KEY_DOWN, K_LIST, key_move },
	{ '\n', K_LIST, key_enter }, { '\r', K_LIST, key_enter }, { KEY_ENTER, K_LIST, key_enter },
	{ ' ', K_LIST, key_space },
};

void
ui_handle_key(struct wizard *w, int ch)
{
	struct wiz_ui *ui = w->ui;
	struct wiz_item *it = ui_focused(w);
	bool typing = ui->region == 0 && ui_editing(it);
	size_t i;

	wiz_set_status(w, NULL);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		enum key_where k = keys[i].where;

		if (keys[i].key != ch || (k == K_NOT_TYPING && typing) ||
		    (k == K_LIST && ui->region != 0) || (k == K_BUTTONS && ui->region != 1))
			continue;
		keys[i].act(w, it, ch);
		return;
	}
	/* a button's underlined letter presses it, but not while a field takes typing */
	if (!typing && ch > 0 && ch < 128 && isalpha(ch) &&
	    (tolower(ch) == wiz_button_key(w, 0) || tolower(ch) == wiz_button_key(w, 1))) {
		if (tolower(ch) == wiz_button_key(w, 0))
			go_back(w);
		else
			go_next(w);
		return;
	}
	if (ui->region != 0)
		return;		/* the buttons take no other key */
	if (typing && edit_key(w, it, ch))
		return;
	if (!typing && ch > 0 && ch < 128 && isalnum(ch))
		for (i = 0; i < w->n_items; i++)
			if (w->items[i].hotkey == tolower(ch)) {
				w->view[w->screen].focus_id = w->items[i].id;
				ui->follow = true;
				return;
			}
}
