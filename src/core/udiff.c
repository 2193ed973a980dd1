/* udiff.c: a small line diff (common prefix/suffix, then LCS on what is left) printed as a unified diff. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtls/udiff.h"
#include "smtls/xmalloc.h"

#define UDIFF_CONTEXT	3
#define UDIFF_MAX_CELLS	(16u * 1024 * 1024)	/* larger middles are shown as replaced whole */

struct udiff_lines {
	const char	**s;
	size_t		 *len;
	size_t		  n;
	int		  no_newline;	/* the last line has no newline */
};

struct udiff_op {
	char	kind;	/* ' ', '-', '+' */
	size_t	ai, bi;	/* line indexes in a and b (before the line for inserts/deletes) */
};

static void
split(const char *t, struct udiff_lines *l)
{
	memset(l, 0, sizeof(*l));
	while (*t) {
		const char *eol = strchr(t, '\n');

		l->s = xreallocarray(l->s, l->n + 1, sizeof(*l->s));
		l->len = xreallocarray(l->len, l->n + 1, sizeof(*l->len));
		l->s[l->n] = t;
		l->len[l->n] = eol ? (size_t)(eol - t) : strlen(t);
		l->n++;
		if (eol == NULL) {
			l->no_newline = 1;
			break;
		}
		t = eol + 1;
	}
}

static int
same(const struct udiff_lines *a, size_t i, const struct udiff_lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0 &&
	    (i + 1 < a->n || j + 1 < b->n || a->no_newline == b->no_newline);
}

static void
push(struct udiff_op **ops, size_t *n, char kind, size_t ai, size_t bi)
{
	*ops = xreallocarray(*ops, *n + 1, sizeof(**ops));
	(*ops)[*n].kind = kind;
	(*ops)[*n].ai = ai;
	(*ops)[*n].bi = bi;
	(*n)++;
}

/* The edit script over the whole texts. */
static struct udiff_op *
script(const struct udiff_lines *a, const struct udiff_lines *b, size_t *nops)
{
	struct udiff_op *ops = NULL;
	size_t pre = 0, suf = 0, m, n, i, j;
	uint32_t *t = NULL;

	*nops = 0;
	while (pre < a->n && pre < b->n && same(a, pre, b, pre))
		pre++;
	while (suf < a->n - pre && suf < b->n - pre && same(a, a->n - 1 - suf, b, b->n - 1 - suf))
		suf++;
	m = a->n - pre - suf;
	n = b->n - pre - suf;
	for (i = 0; i < pre; i++)
		push(&ops, nops, ' ', i, i);
	if (m > 0 && n > 0 && (m + 1) * (n + 1) <= UDIFF_MAX_CELLS) {
		/* t[i][j] = LCS length of a[pre+i..] and b[pre+j..] */
		t = xcalloc((m + 1) * (n + 1), sizeof(*t));
		for (i = m; i-- > 0;)
			for (j = n; j-- > 0;)
				t[i * (n + 1) + j] = same(a, pre + i, b, pre + j) ?
				    t[(i + 1) * (n + 1) + j + 1] + 1 :
				    (t[(i + 1) * (n + 1) + j] >= t[i * (n + 1) + j + 1] ?
				    t[(i + 1) * (n + 1) + j] : t[i * (n + 1) + j + 1]);
	}
	i = j = 0;
	while (i < m || j < n) {
		if (t != NULL && i < m && j < n && same(a, pre + i, b, pre + j)) {
			push(&ops, nops, ' ', pre + i, pre + j);
			i++;
			j++;
		} else if (i < m && (j >= n || t == NULL ||
		    t[(i + 1) * (n + 1) + j] >= t[i * (n + 1) + j + 1])) {
			push(&ops, nops, '-', pre + i, pre + j);
			i++;
		} else {
			push(&ops, nops, '+', pre + i, pre + j);
			j++;
		}
	}
	free(t);
	for (i = 0; i < suf; i++)
		push(&ops, nops, ' ', pre + m + i, pre + n + i);
	return ops;
}

static void
put_line(struct buf *out, char kind, const struct udiff_lines *l, size_t i)
{
	buf_append(out, &kind, 1);
	buf_append(out, l->s[i], l->len[i]);
	buf_puts(out, "\n");
	if (i + 1 == l->n && l->no_newline)
		buf_puts(out, "\\ No newline at end of file\n");
}

char *
udiff(const char *a_text, const char *b_text, const char *label_a, const char *label_b)
{
	struct udiff_lines a, b;
	struct udiff_op *ops;
	struct buf out = { 0 };
	size_t nops, k = 0;

	split(a_text, &a);
	split(b_text, &b);
	ops = script(&a, &b, &nops);
	buf_puts(&out, "");
	while (k < nops) {
		size_t start, end, last, x, ac = 0, bc = 0;

		while (k < nops && ops[k].kind == ' ')
			k++;
		if (k == nops)
			break;
		if (out.len == 0)
			buf_printf(&out, "--- %s\n+++ %s\n", label_a, label_b);
		start = k > UDIFF_CONTEXT ? k - UDIFF_CONTEXT : 0;
		/* extend the hunk while the next change is within 2 * context lines */
		last = k;
		for (end = k; end < nops; end++) {
			if (ops[end].kind != ' ')
				last = end;
			else if (end - last > 2 * UDIFF_CONTEXT)
				break;
		}
		end = last + UDIFF_CONTEXT + 1 < nops ? last + UDIFF_CONTEXT + 1 : nops;
		for (x = start; x < end; x++) {
			ac += ops[x].kind != '+';
			bc += ops[x].kind != '-';
		}
		buf_printf(&out, "@@ -%zu,%zu +%zu,%zu @@\n", ac ? ops[start].ai + 1 : ops[start].ai,
		    ac, bc ? ops[start].bi + 1 : ops[start].bi, bc);
		for (x = start; x < end; x++) {
			if (ops[x].kind == '+')
				put_line(&out, '+', &b, ops[x].bi);
			else
				put_line(&out, ops[x].kind, &a, ops[x].ai);
		}
		k = end;
	}
	free(ops);
	free(a.s);
	free(a.len);
	free(b.s);
	free(b.len);
	return buf_release(&out);
}
