/* filechooser.c: pick a file: type with Tab completion, or browse; shows what a file holds. */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "smtls/i18n.h"
#include "ui.h"

#define FC_MAX_ENTRIES	4000

struct fc_state {
	struct ui_line	 path;		/* what is typed */
	char		**names;	/* entries of the directory matching the typed prefix */
	size_t		 n;
	long		 sel;		/* -1: the typed path itself */
	long		 top;
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
fc_clear(struct fc_state *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->names[i]);
	xfree(s->names);
	s->n = 0;
}

/* Lists the entries of the typed path's directory that start with its last part. */
static void
fc_list(struct fc_state *s)
{
	const char *p = ui_line_text(&s->path);
	const char *slash = strrchr(p, '/');
	char *dir = slash ? xstrndup(p, (size_t)(slash - p) + 1) : xstrdup("./");
	const char *prefix = slash ? slash + 1 : p;
	DIR *d;
	struct dirent *de;
	struct stat st;

	fc_clear(s);
	s->sel = -1;
	s->top = 0;
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL && s->n < FC_MAX_ENTRIES) {
		char *full;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (de->d_name[0] == '.' && prefix[0] != '.')
			continue;
		full = xstrprintf("%s%s", dir, de->d_name);
		s->names = xreallocarray(s->names, s->n + 1, sizeof(*s->names));
		s->names[s->n++] = stat(full, &st) == 0 && S_ISDIR(st.st_mode) ?
		    xstrprintf("%s/", de->d_name) : xstrdup(de->d_name);
		free(full);
	}
	closedir(d);
	free(dir);
	if (s->n > 1)
		qsort(s->names, s->n, sizeof(*s->names), name_cmp);
}

static void
fc_set(struct fc_state *s, const char *p)
{
	ui_line_set(&s->path, p);
	fc_list(s);
}

/* The full path of the selected entry (or of what is typed); caller frees. */
static char *
fc_selected(const struct fc_state *s)
{
	const char *p = ui_line_text(&s->path);
	const char *slash = strrchr(p, '/');

	if (s->sel < 0 || (size_t)s->sel >= s->n)
		return xstrdup(p);
	return xstrprintf("%.*s%s", slash ? (int)(slash - p) + 1 : 0, p, s->names[s->sel]);
}

/* Tab: completes the longest common prefix of the matching entries. */
static void
fc_complete(struct fc_state *s)
{
	const char *p = ui_line_text(&s->path);
	const char *slash = strrchr(p, '/');
	size_t plen = strlen(slash ? slash + 1 : p), common, i;
	char *np;

	if (s->n == 0)
		return;
	common = strlen(s->names[0]);
	for (i = 1; i < s->n; i++) {
		size_t k = 0;

		while (k < common && s->names[i][k] == s->names[0][k])
			k++;
		common = k;
	}
	if (common <= plen)
		return;
	np = xstrprintf("%s%.*s", p, (int)(common - plen), s->names[0] + plen);
	fc_set(s, np);
	free(np);
}

char *
ui_choose_file(struct wizard *w, const char *title, const char *start)
{
	struct wiz_ui *ui = w->ui;
	struct fc_state s;
	char *result = NULL;
	int ch;

	memset(&s, 0, sizeof(s));
	/* start may be freed by a rebuild of the items: fc_set copies it first */
	if (start != NULL && *start)
		fc_set(&s, start);
	else
		fc_set(&s, "/etc/");
	for (;;) {
		int h, list_h, y, x = 2, wd;
		long i;
		char *sel, *what, *head;
		struct ui_lines l = { 0 };

		ui_draw(w);
		if (ui->too_small)
			goto key;
		h = ui->rows - 1;
		wd = ui->cols;
		ui_box(ui, 0, 0, h, wd);
		head = xstrprintf(_(" Choose a file: %s "), title);
		ui_put(0, 2, head, wd - 4, A_BOLD);
		free(head);
		ui_put(1, x, _("Path:"), wd - 4, A_NORMAL);
		{
			int end;

			ui->cursor_y = 1;
			ui->cursor_x = ui_line_draw(&s.path, 1, x + 7, wd - x - 10, A_UNDERLINE, &end);
		}
		list_h = h - 6;
		if (s.sel >= 0 && s.sel < s.top)
			s.top = s.sel;
		if (s.sel >= s.top + list_h)
			s.top = s.sel - list_h + 1;
		for (i = s.top, y = 2; i < (long)s.n && y < 2 + list_h; i++, y++)
			ui_put(y, x + 2, s.names[i], wd - x - 4, i == s.sel ? A_REVERSE : A_NORMAL);
		if (s.n == 0)
			ui_put(2, x + 2, _("(no matching entries)"), wd - 6, A_DIM);
		sel = fc_selected(&s);
		what = engine_describe_file(sel, w->m.plan.now);
		ui_hline(ui, h - 4, 1, wd - 2);
		head = xstrprintf("%s: %s", sel, what);
		ui_wrap(&l, head, wd - 4, 2);
		for (i = 0; i < (long)l.n && i < 2; i++)
			ui_put(h - 3 + (int)i, x, l.v[i], wd - 4, A_BOLD);
		ui_lines_free(&l);
		free(head);
		free(sel);
		free(what);
		ui_put(ui->rows - 1, 0, _("Type a path  Tab Complete  Up/Down Choose  Enter Accept "
		    "or open  Esc Cancel"), ui->cols - 1, A_BOLD);
		move(s.sel >= 0 ? 2 + (int)(s.sel - s.top) : ui->cursor_y,
		    s.sel >= 0 ? x + 2 : ui->cursor_x);
		curs_set(1);
		refresh();
key:
		ch = ui_getch(w);
		switch (ch) {
		case UI_KEY_INTERRUPT:
		case 27:
			goto out;
		case KEY_RESIZE:
			break;
		case '\t':
			fc_complete(&s);
			break;
		case KEY_UP:
			if (s.sel >= 0)
				s.sel--;
			break;
		case KEY_DOWN:
			if (s.sel + 1 < (long)s.n)
				s.sel++;
			break;
		case KEY_PPAGE:
			s.sel = s.sel > 10 ? s.sel - 10 : (s.n ? 0 : -1);
			break;
		case KEY_NPAGE:
			s.sel = s.sel + 10 < (long)s.n ? s.sel + 10 : (long)s.n - 1;
			break;
		case '\n':
		case '\r':
		case KEY_ENTER:
			sel = fc_selected(&s);
			if (*sel && sel[strlen(sel) - 1] == '/' && s.sel >= 0) {
				fc_set(&s, sel);	/* open the directory */
				free(sel);
				break;
			}
			result = sel;
			goto out;
		default:
			if (ch >= 32 && ch < 256 && ch != 127 && s.sel >= 0) {
				/* typing after choosing continues from the chosen entry */
				sel = fc_selected(&s);
				fc_set(&s, sel);
				free(sel);
			}
			/* "//" at the end starts again from the root, as in Emacs */
			if (ch == '/' && s.path.cur == s.path.text.len && s.path.cur > 0 &&
			    s.path.text.data[s.path.cur - 1] == '/')
				fc_set(&s, "/");
			else if (ui_line_key(&s.path, ch) == 1)
				fc_list(&s);
			break;
		}
	}
out:
	fc_clear(&s);
	ui_line_free(&s.path);
	curs_set(0);
	return result;
}
