/* paint.c: the curses front end's text on screen: widths measured with wcwidth, clipping,
 * wrapping without cutting words, box lines (ASCII without UTF-8), and severity colours. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "smtls/i18n.h"
#include "ui.h"

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

attr_t
ui_sev_attr(const struct wiz_ui *ui, enum severity s)
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

