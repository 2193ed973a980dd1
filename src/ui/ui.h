/* ui.h: the curses front end's shared state and its parts (curses.c, render.c, items.c,
 * panel.c, dialog.c, keys.c, paint.c, lineedit.c, filechooser.c). */
#ifndef SMTLS_UI_UI_H
#define SMTLS_UI_UI_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "wizard.h"

#define UI_KEY_INTERRUPT	3	/* Ctrl-C, or SIGINT/SIGTERM/SIGHUP */
#define UI_KEY_RECHECKED	(KEY_MAX + 1)	/* no key: a file changed, the findings are new */

struct ui_lines {
	char	**v;
	size_t	  n;
};

/* One line of editable text: the cursor and the first byte shown are byte offsets. */
struct ui_line {
	struct buf	 text;
	size_t		 cur;
	size_t		 scroll;
};

struct wiz_ui {
	bool	 color;
	bool	 ascii;		/* no UTF-8: draw lines with - | + */
	int	 rows, cols;
	bool	 too_small;
	bool	 side;		/* findings panel at the side (else at the bottom) */
	int	 main_w, main_h;	/* the screen's area, from row 1 */
	int	 panel_y, panel_x, panel_w, panel_h;
	int	 region;	/* 0: the items, 1: the buttons */
	int	 button;	/* 0: Back, 1: Next */
	int	 hist[SCR_COUNT * 4];	/* screens visited, for Back */
	int	 n_hist;
	int	 warned;	/* screen whose error was shown once on Next, or -1 */
	bool	 interrupted;
	bool	 quit;
	bool	 finished;
	int	 cursor_y, cursor_x;
	int	 label_w;	/* columns of the labels of path and text fields */
	bool	 follow;	/* the focus moved: scroll it into view once */
	size_t	 panel_first;	/* the panel's first line shown ([ and ] scroll) */
	int	 panel_rows;	/* the rows of findings it showed last */
	struct ui_line	 edit;		/* the focused field's text and cursor */
	long long	 step_drawn;	/* the second the progress line was drawn last */
	int	 edit_screen, edit_id;	/* the field it belongs to */
};

/* lineedit.c: the one line editor. Sets the text (the cursor at its end). */
void ui_line_set(struct ui_line *l, const char *s);
const char *ui_line_text(const struct ui_line *l);
void ui_line_free(struct ui_line *l);
/* Left, Right, Home/Ctrl-A, End/Ctrl-E, Backspace, Delete/Ctrl-D, Ctrl-U (all), Ctrl-K (to the
 * end), or a byte to insert: 1 the text changed, 0 only the cursor moved, -1 not an edit key. */
int ui_line_key(struct ui_line *l, int ch);
/* Draws the text at y,x within cols columns, scrolled so the cursor shows ('<' and '>' mark
 * cut text); returns the cursor's column, *end the column after the text. */
int ui_line_draw(struct ui_line *l, int y, int x, int cols, attr_t attr, int *end);

/* Display width of the first n bytes of s (wcwidth). */
int ui_width(const char *s, size_t n);
/* Prints s at y,x clipped to cols columns; returns the columns used. */
int ui_put(int y, int x, const char *s, int cols, attr_t attr);
/* Wraps text (lines split at '\n') to cols columns; continuation lines indented. */
void ui_wrap(struct ui_lines *out, const char *text, int cols, int indent);
void ui_lines_free(struct ui_lines *l);
void ui_hline(const struct wiz_ui *ui, int y, int x, int n);
void ui_box(const struct wiz_ui *ui, int y, int x, int h, int w);
/* The whole screen, for dialogs that draw over it. */
void ui_draw(struct wizard *w);
/* getch() that reports Ctrl-C and signals as UI_KEY_INTERRUPT; while no key comes, it
 * re-checks once a second when a file changed (then UI_KEY_RECHECKED: redraw). */
int ui_getch(struct wizard *w);
/* A signal (SIGINT, SIGTERM, SIGHUP) came: the wizard ends. */
bool ui_signal_pending(void);
/* curses-step.c: the wizard's step_wait: while apply runs in its child, the progress line
 * once a second, and q, F10 or Ctrl-C asks whether to abort (1: abort). */
int ui_step_wait(struct wizard *w, int fd);
/* A modal file chooser; returns the chosen path (caller frees) or NULL. */
char *ui_choose_file(struct wizard *w, const char *title, const char *start);

#define MIN_COLS	64
#define MIN_ROWS	18
#define SIDE_COLS	110	/* from this width on, the findings panel sits at the side */

/* paint.c: the colour or video attribute of a severity (readable without colour). */
attr_t ui_sev_attr(const struct wiz_ui *ui, enum severity s);

/* render.c: the areas of the screen; need: the rows the bottom findings panel would like. */
void ui_layout(struct wiz_ui *ui, int need);

/* items.c: the items as shown. */
bool ui_focusable(const struct wiz_item *it);
/* a path or text field that takes typing (the line editor) */
bool ui_editing(const struct wiz_item *it);
/* the focused item: the one chosen last, else the selected choice, else the first */
struct wiz_item *ui_focused(struct wizard *w);
const char *ui_item_value(const struct wizard *w, const struct wiz_item *it);
/* the line editor holds the focused field's value (again, when it changed elsewhere) */
void ui_edit_sync(struct wizard *w, const struct wiz_item *it);
/* the rows an item takes (its note may wrap below it) */
int ui_item_rows(const struct wizard *w, const struct wiz_item *it);
/* one item on row y; returns the cursor's column */
int ui_draw_item(struct wizard *w, const struct wiz_item *it, int y, bool is_focus);
/* row k (from 1) under an item: a further line of its note */
void ui_draw_item_more(const struct wizard *w, const struct wiz_item *it, int y, int k);

/* panel.c: the findings panel. */
int ui_panel_need(const struct wizard *w, int cols);
void ui_draw_panel(struct wizard *w);
/* ] (dir 1) and [ (-1) */
void ui_panel_scroll(struct wizard *w, int dir);

/* dialog.c: over the current screen. A yes/no question (def on Enter); one line of text
 * (NULL on Esc); a scrollable text; the help (this screen's, and the files picture). */
bool ui_confirm(struct wizard *w, const char *question, bool def);
bool ui_confirm_hook(struct wizard *w, const char *question, bool def);
char *ui_ask_line(struct wizard *w, const char *prompt);
void ui_pager(struct wizard *w, const char *title, const char *text);
void ui_show_help(struct wizard *w, bool picture_first);

/* keys.c: one key on a screen; quitting asks first when there are unsaved choices. */
void ui_handle_key(struct wizard *w, int ch);
bool ui_confirm_quit(struct wizard *w);

#endif
