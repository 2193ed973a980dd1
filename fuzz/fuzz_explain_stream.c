/*
 * fuzz_explain_stream.c: a log file through explain_stream_mail (plain or gzip): each line it
 * hands out through explain_parse, each message's Received: hops through the explanation and
 * the summary. This target builds explain_stream.c with a 4 KiB read
 * buffer (STREAM_BUF), so that short inputs reach the over-long line paths, and 8 KiB zlib
 * buffers (STREAM_GZBUF; mk/fuzz.mk). Properties for
 * plain input: line N handed out is the start of the input's line N (cut at STREAM_BUF),
 * line numbers rise, the line count is the number of newlines plus a last line without one,
 * and reading fails only on a NUL byte (in the first 64 KiB) or a line longer than
 * 16 * STREAM_BUF.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "smtls/explain.h"
#include "smtls/xmalloc.h"

struct seen {
	const uint8_t	*data;
	size_t		 size;
	bool		 plain;
	unsigned long	 last;
	size_t		*starts;	/* where each line starts (line N at starts[N - 1]) */
	size_t		 nlines;
	unsigned long	 last_msg;	/* the line of the last message */
	struct explain_summary sum;
};

/* A message: its hops lie in its header section, in the order of the input, each a line
 * that starts with "Received:"; their texts hold no control characters. */
static void
msg_cb(void *arg, const struct explain_message *m)
{
	struct seen *s = arg;
	size_t i, j;

	if (m->nhops == 0 || m->nhops > EXPLAIN_HOPS_MAX || m->line < s->last_msg ||
	    (s->plain && m->line > s->nlines))
		abort();
	s->last_msg = m->line;
	for (i = 0; i < m->nhops; i++) {
		const struct explain_hop *h = &m->hop[i];
		struct explanation e;

		if (h->line < m->line || (i > 0 && h->line <= m->hop[i - 1].line))
			abort();
		if (s->plain && (h->line > s->nlines ||
		    strncasecmp((const char *)s->data + s->starts[h->line - 1], "Received:", 9) != 0))
			abort();	/* not the line of a Received: field */
		for (j = 0; h->text[j] != '\0'; j++)
			if ((unsigned char)h->text[j] < 0x20 || h->text[j] == 0x7f)
				abort();
		explain_describe_hop(h, &e);
		if (e.id == NULL || e.what == NULL)
			abort();
		explanation_clear(&e);
	}
	explain_summary_add_message(&s->sum, m);
}

static void
line_cb(void *arg, const char *line, size_t len, unsigned long lineno)
{
	struct seen *s = arg;
	struct explain_line l;

	if (lineno <= s->last || memchr(line, '\n', len) != NULL)
		abort();
	s->last = lineno;
	if (s->plain) {
		size_t at;

		if (lineno > s->nlines)
			abort();
		at = s->starts[lineno - 1];
		if (len > 4096 || len > s->size - at || memcmp(s->data + at, line, len) != 0 ||
		    (at + len < s->size && s->data[at + len] != '\n' && len != 4096))
			abort();	/* not (the start of) line N */
	}
	(void)explain_parse(line, len, &l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { data, size, !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b), 0,
		NULL, 0, 0, { 0 } };
	const char *path = fuzz_file(data, size);
	unsigned long lines;
	size_t i, longest = 0, start = 0;
	char *err = NULL;

	s.starts = xmalloc((size + 1) * sizeof(*s.starts));
	for (i = 0; i < size; i++) {
		if (i == start)
			s.starts[s.nlines++] = i;
		if (data[i] == '\n') {
			if (i - start > longest)
				longest = i - start;
			start = i + 1;
		}
	}
	if (size - start > longest)
		longest = size - start;
	explain_summary_init(&s.sum);
	if (explain_stream_mail(path, line_cb, msg_cb, &s, &lines, &err) == 0) {
		if (err != NULL || (s.plain && (lines != s.nlines || s.last > lines)))
			abort();
	} else {
		if (err == NULL || strstr(err, path) == NULL)
			abort();	/* an error names the file */
		if (s.plain && memchr(data, '\0', size < 65536 ? size : 65536) == NULL &&
		    longest <= 16 * 4096)
			abort();	/* plain text fails only on NUL bytes or an endless line */
	}
	if (s.sum.hops > s.sum.messages * EXPLAIN_HOPS_MAX)
		abort();
	explain_summary_free(&s.sum);
	free(err);
	free(s.starts);
	return 0;
}
