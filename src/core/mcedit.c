/* mcedit.c: a line-oriented editor for sendmail.mc that knows enough m4 lexing to find live defines. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "smtls/emit.h"
#include "smtls/i18n.h"
#include "smtls/mcedit.h"
#include "smtls/xmalloc.h"

struct mc_lines {
	char	**v;	/* without their newline */
	size_t	  n;
	bool	  final_newline;
};

static void
lines_split(const char *text, struct mc_lines *l)
{
	const char *p = text;
	size_t cap = 0;

	memset(l, 0, sizeof(*l));
	l->final_newline = true;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (l->n == cap) {	/* doubling: one copy per line would be quadratic */
			cap = cap ? 2 * cap : 64;
			l->v = xreallocarray(l->v, cap, sizeof(*l->v));
		}
		l->v[l->n++] = xstrndup(p, len);
		if (eol == NULL) {
			l->final_newline = false;
			break;
		}
		p = eol + 1;
	}
}

static void
lines_free(struct mc_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Skips blanks (and the \r of a CRLF file, so that its markers are found). */
static const char *
skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static bool
is_word(int c)
{
	return isalnum(c) || c == '_';
}

/* True when the word w starts at p (not inside a longer word on either side). */
static bool
word_at(const char *line, const char *p, const char *w)
{
	size_t wl = strlen(w);

	/* the first byte before strncmp: this runs at every byte of every line */
	return *p == *w && strncmp(p, w, wl) == 0 && !is_word((unsigned char)p[wl]) &&
	    (p == line || !is_word((unsigned char)p[-1]));
}

static bool
line_is_marker(const char *line, const char *marker)
{
	const char *p = skip_ws(line);

	return strncmp(p, marker, strlen(marker)) == 0 &&
	    *skip_ws(p + strlen(marker)) == '\0';
}

static bool
line_is_dnl(const char *line)
{
	return word_at(line, skip_ws(line), "dnl");
}

/* The first MAILER line: MAILER_DEFINITIONS or MAILER( at the start of a live line. */
static bool
line_is_mailer(const char *line)
{
	const char *p = skip_ws(line);

	return strncmp(p, "MAILER(", 7) == 0 || word_at(line, p, "MAILER_DEFINITIONS");
}

/* The macro name defined at p (just after "define("), or NULL. */
static char *
define_name(const char *p)
{
	const char *s;

	p = skip_ws(p);
	while (*p == '`')
		p++;
	s = p;
	while (is_word((unsigned char)*p))
		p++;
	if (p == s)
		return NULL;
	return xstrndup(s, (size_t)(p - s));
}

static bool
in_list(const char *name, char *const *macros, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name, macros[i]) == 0)
			return true;
	return false;
}

/*
 * From just after "define(" at line li, finds the line holding the closing parenthesis,
 * following m4 quotes (` ... ', nested) and skipping dnl to the end of a line. Returns
 * the line index, or -1.
 */
static long
define_end(const struct mc_lines *l, size_t li, const char *after_paren)
{
	int depth = 1, quote = 0;
	const char *p = after_paren;

	for (;;) {
		const char *line = l->v[li];

		while (*p) {
			if (quote > 0) {
				if (*p == '`')
					quote++;
				else if (*p == '\'')
					quote--;
			} else if (*p == '`')
				quote++;
			else if (*p == '(')
				depth++;
			else if (*p == ')') {
				if (--depth == 0)
					return (long)li;
			} else if (word_at(line, p, "dnl"))
				break;
			p++;
		}
		if (++li >= l->n)
			return -1;
		p = l->v[li];
	}
}

/* Marks lines [from, to] for commenting. */
static void
mark(bool *marks, size_t from, size_t to)
{
	while (from <= to)
		marks[from++] = true;
}

/*
 * Finds live defines of the macros outside the block [bs, be] and marks every line of
 * each. Lines before the cf.m4 include that start with # are m4 comments there.
 */
static int
find_defines(const struct mc_lines *l, long bs, long be, char *const *macros, size_t nmacros,
    bool *marks, char **err)
{
	bool comments_on = true;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const char *line = l->v[i], *p;

		if (bs >= 0 && (long)i >= bs && (long)i <= be)
			continue;
		if (marks[i] || line_is_dnl(line))
			continue;
		if (comments_on && *skip_ws(line) == '#')
			continue;
		/* cfhead.m4 turns m4 comments off: from here on a '#' line is live */
		if (strstr(line, "cf.m4") != NULL && strstr(line, "include(") != NULL)
			comments_on = false;
		for (p = line; *p; p++) {
			char *name;
			long end;

			if (word_at(line, p, "dnl"))
				break;
			if (!word_at(line, p, "define") || p[6] != '(')
				continue;
			name = define_name(p + 7);
			if (name == NULL || !in_list(name, macros, nmacros)) {
				free(name);
				continue;
			}
			end = define_end(l, i, p + 7);
			if (end == -1) {
				err_set(err, _("line %zu: the define of %s never closes its "
				    "parenthesis"), i + 1, name);
				free(name);
				return -1;
			}
			free(name);
			mark(marks, i, (size_t)end);
			break;
		}
	}
	return 0;
}

/*
 * The last live line that includes a file (other than cf.m4) outside the block [bs, be],
 * or -1. An included file such as Debian's /etc/mail/tls/starttls.m4 defines TLS options
 * that smtls cannot comment out: the block must come after it, for m4's later define wins.
 */
static long
last_include(const struct mc_lines *l, long bs, long be)
{
	bool comments_on = true;
	long last = -1;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const char *line = l->v[i], *p = skip_ws(l->v[i]);

		if ((bs >= 0 && (long)i >= bs && (long)i <= be) || line_is_dnl(line))
			continue;
		if (comments_on && *p == '#')
			continue;
		if (strstr(line, "cf.m4") != NULL && strstr(line, "include(") != NULL) {
			comments_on = false;
			continue;
		}
		for (; *p; p++) {
			if (word_at(line, p, "dnl"))
				break;
			if ((word_at(line, p, "include") && p[7] == '(') ||
			    (word_at(line, p, "sinclude") && p[8] == '(')) {
				last = (long)i;
				break;
			}
		}
	}
	return last;
}

/* True when both blocks hold the same lines apart from their "dnl #" comments. */
static bool
same_settings(const struct mc_lines *l, long bs, long be, const char *block)
{
	struct mc_lines b;
	size_t i = 0, j;
	bool same = true;

	lines_split(block, &b);
	j = (size_t)bs;
	for (;;) {
		while (i < b.n && strncmp(skip_ws(b.v[i]), "dnl #", 5) == 0)
			i++;
		while ((long)j <= be && strncmp(skip_ws(l->v[j]), "dnl #", 5) == 0)
			j++;
		if (i >= b.n || (long)j > be) {
			same = i >= b.n && (long)j > be;
			break;
		}
		if (strcmp(b.v[i], l->v[j]) != 0) {
			same = false;
			break;
		}
		i++;
		j++;
	}
	lines_free(&b);
	return same;
}

int
mcedit_merge(const char *mc, const char *block, char *const *macros, size_t nmacros,
    struct mcedit_result *out, char **err)
{
	struct mc_lines l;
	struct buf b = { 0 };
	long bs = -1, be = -1, insert = -1, inc;
	bool *marks;
	size_t i;
	int line_no = 0;

	memset(out, 0, sizeof(*out));
	lines_split(mc, &l);
	for (i = 0; i < l.n; i++) {
		if (line_is_marker(l.v[i], EMIT_BEGIN)) {
			if (bs != -1) {
				err_set(err, _("line %zu: a second '%s' (only one smtls block "
				    "may exist)"), i + 1, EMIT_BEGIN);
				goto fail;
			}
			bs = (long)i;
		} else if (line_is_marker(l.v[i], EMIT_END)) {
			if (bs == -1 || be != -1) {
				err_set(err, _("line %zu: '%s' without a '%s' before it"), i + 1,
				    EMIT_END, EMIT_BEGIN);
				goto fail;
			}
			be = (long)i;
		}
	}
	if (bs != -1 && be == -1) {
		err_set(err, _("line %ld: '%s' without its '%s'"), bs + 1, EMIT_BEGIN, EMIT_END);
		goto fail;
	}
	marks = xcalloc(l.n + 1, sizeof(*marks));
	if (find_defines(&l, bs, be, macros, nmacros, marks, err) == -1) {
		free(marks);
		goto fail;
	}
	if (bs != -1) {
		out->had_block = true;
		out->same_block = same_settings(&l, bs, be, block);
		insert = bs;
	} else {
		for (i = 0; i < l.n && insert == -1; i++)
			if (line_is_mailer(l.v[i]))
				insert = (long)i;
		if (insert == -1)
			insert = (long)l.n;
		/* above the comment that heads the MAILER lines ("dnl # Default Mailer setup") */
		while (insert > 0 && insert < (long)l.n && !marks[insert - 1] &&
		    strncmp(skip_ws(l.v[insert - 1]), "dnl #", 5) == 0)
			insert--;
	}
	if ((inc = last_include(&l, bs, be)) >= insert)
		insert = inc + 1;
	for (i = 0; i <= l.n; i++) {
		if ((long)i == insert) {
			out->block_line = line_no + 1;
			if (out->same_block) {
				long k;

				for (k = bs; k <= be; k++) {
					buf_printf(&b, "%s\n", l.v[k]);
					line_no++;
				}
			} else {
				const char *p;

				buf_puts(&b, block);
				for (p = block; *p; p++)
					line_no += *p == '\n';
			}
		}
		if (i == l.n)
			break;
		if (bs != -1 && (long)i >= bs && (long)i <= be)
			continue;
		if (marks[i]) {
			buf_printf(&b, "dnl smtls: %s", l.v[i]);
			out->commented_lines = xreallocarray(out->commented_lines,
			    out->commented + 1, sizeof(*out->commented_lines));
			out->commented_lines[out->commented++] = (int)i + 1;
		} else
			buf_puts(&b, l.v[i]);
		line_no++;
		/* keep a missing final newline missing, unless the block follows */
		if (i + 1 < l.n || l.final_newline || insert == (long)l.n)
			buf_puts(&b, "\n");
	}
	free(marks);
	if (b.data == NULL)
		buf_puts(&b, "");
	out->text = buf_release(&b);
	lines_free(&l);
	return 0;
fail:
	lines_free(&l);
	buf_free(&b);
	return -1;
}

void
mcedit_result_free(struct mcedit_result *r)
{
	free(r->text);
	free(r->commented_lines);
	memset(r, 0, sizeof(*r));
}
