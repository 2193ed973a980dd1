/* lineedit.c: the one line editor of every field (the form's paths and names, the file
 * chooser's path, the log line prompt): cursor keys, editing and horizontal scrolling. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ui.h"

void
ui_line_set(struct ui_line *l, const char *s)
{
	buf_free(&l->text);
	buf_puts(&l->text, s != NULL ? s : "");
	l->cur = l->text.len;
	l->scroll = 0;
}

const char *
ui_line_text(const struct ui_line *l)
{
	return l->text.data != NULL ? l->text.data : "";
}

void
ui_line_free(struct ui_line *l)
{
	buf_free(&l->text);
	l->cur = l->scroll = 0;
}

/* UTF-8: the start of the character before byte i, and the end of the one at i. */
static size_t
char_before(const char *s, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static size_t
char_after(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return len;
	i++;
	while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/* Removes the bytes [from, to) of the text. */
static void
cut(struct ui_line *l, size_t from, size_t to)
{
	memmove(l->text.data + from, l->text.data + to, l->text.len - to + 1);
	l->text.len -= to - from;
}

int
ui_line_key(struct ui_line *l, int ch)
{
	const char *s;
	size_t len;

	if (l->text.data == NULL)
		buf_puts(&l->text, "");
	s = l->text.data;
	len = l->text.len;
	if (l->cur > len)
		l->cur = len;
	switch (ch) {
	case KEY_LEFT:
		l->cur = char_before(s, l->cur);
		return 0;
	case KEY_RIGHT:
		l->cur = char_after(s, len, l->cur);
		return 0;
	case KEY_HOME:
	case 1:		/* Ctrl-A */
		l->cur = 0;
		return 0;
	case KEY_END:
	case 5:		/* Ctrl-E */
		l->cur = len;
		return 0;
	case KEY_BACKSPACE:
	case 127:
	case 8: {
		size_t from = char_before(s, l->cur);

		if (from == l->cur)
			return 0;
		cut(l, from, l->cur);
		l->cur = from;
		return 1;
	}
	case KEY_DC:
	case 4: {	/* Ctrl-D */
		size_t to = char_after(s, len, l->cur);

		if (to == l->cur)
			return 0;
		cut(l, l->cur, to);
		return 1;
	}
	case 21:	/* Ctrl-U: the whole line */
		if (len == 0)
			return 0;
		cut(l, 0, len);
		l->cur = l->scroll = 0;
		return 1;
	case 11:	/* Ctrl-K: to the end */
		if (l->cur == len)
			return 0;
		cut(l, l->cur, len);
		return 1;
	}
	if (ch >= 32 && ch < 256 && ch != 127) {
		/* a byte: a multibyte character (or a paste) arrives one byte after the other */
		char c = (char)ch;
		size_t tail = len - l->cur;

		buf_append(&l->text, &c, 1);
		memmove(l->text.data + l->cur + 1, l->text.data + l->cur, tail);
		l->text.data[l->cur] = c;
		l->cur++;
		return 1;
	}
	return -1;
}

int
ui_line_draw(struct ui_line *l, int y, int x, int cols, attr_t attr, int *end)
{
	const char *s = ui_line_text(l);
	size_t len = strlen(s);
	int avail, cx;

	if (cols < 4)
		cols = 4;
	if (l->cur > len)
		l->cur = len;
	if (l->scroll > l->cur)
		l->scroll = char_before(s, l->cur);
	/* scroll so that the cursor shows (a '<' marks text cut on the left) */
	for (;;) {
		avail = cols - 1 - (l->scroll > 0);
		if (ui_width(s + l->scroll, l->cur - l->scroll) <= avail)
			break;
		l->scroll = char_after(s, len, l->scroll);
	}
	/* no needless cut on the left: scroll back while the rest still fits */
	while (l->scroll > 0 && ui_width(s + char_before(s, l->scroll),
	    len - char_before(s, l->scroll)) <= cols - 1 - (char_before(s, l->scroll) > 0))
		l->scroll = char_before(s, l->scroll);
	avail = cols - 1 - (l->scroll > 0);
	cx = x;
	if (l->scroll > 0)
		cx += ui_put(y, x, "<", 1, A_BOLD);
	*end = cx + ui_put(y, cx, s + l->scroll, avail, attr);
	if (ui_width(s + l->scroll, len - l->scroll) > avail)
		*end += ui_put(y, *end, ">", 1, A_BOLD);
	return cx + ui_width(s + l->scroll, l->cur - l->scroll);
}
