/* explain_stream.c: reading a log (plain or gzip, any size) in constant memory, line by line. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "smtls/explain.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

#ifndef STREAM_BUF	/* the fuzz target builds this file with a small one */
#define STREAM_BUF	(1024 * 1024)	/* read size; a longer line is cut at this length */
#endif
#ifndef STREAM_GZBUF	/* and with small zlib buffers (see fuzz_explain_stream.c) */
#define STREAM_GZBUF	(256 * 1024)	/* zlib's input buffer for a gzip log */
#endif
#ifndef STREAM_READ
#define STREAM_READ	(128 * 1024)	/* a read(2): the block scanned is still in the cache */
#endif
#define STREAM_LINE_MAX	(16UL * STREAM_BUF)	/* a longer line: not a text log, stop */
#define STREAM_TEXT_CHECK	(64 * 1024)	/* a NUL byte in these first bytes: not text */

/* A log source: a plain file read with read(2), or gzip through zlib. */
struct logsrc {
	const char	*name;
	int		 fd;
	gzFile		 gz;
};

static int
src_open(struct logsrc *s, const char *path, char **err)
{
	unsigned char magic[2];
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->name = explain_stream_name(path);
	s->fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) :
	    open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (s->fd == -1) {
		err_set(err, "%s: %s", s->name, strerror(errno));
		return -1;
	}
	if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		err_set(err, _("%s: is a directory, not a log file"), s->name);
		close(s->fd);
		return -1;
	}
	/* a regular file is read directly unless it starts with the gzip magic */
	if (S_ISREG(st.st_mode) && (pread(s->fd, magic, 2, 0) != 2 ||
	    magic[0] != 0x1f || magic[1] != 0x8b))
		return 0;
	s->gz = gzdopen(s->fd, "rb");
	if (s->gz == NULL) {
		err_set(err, _("%s: cannot read it through zlib"), s->name);
		close(s->fd);
		return -1;
	}
	gzbuffer(s->gz, STREAM_GZBUF);
	return 0;
}

/* Reads up to n bytes; 0 at the end, -1 on error (*err set). */
static ssize_t
src_read(struct logsrc *s, char *buf, size_t n, char **err)
{
	ssize_t r;

	if (s->gz != NULL) {
		const char *msg;
		int e;

		r = gzread(s->gz, buf, (unsigned)n);
		if (r > 0)
			return r;
		msg = gzerror(s->gz, &e);
		if (r == 0 && e == Z_OK)
			return 0;
		if (e == Z_BUF_ERROR)
			err_set(err, _("%s: the compressed data is truncated"), s->name);
		else
			err_set(err, "%s: %s", s->name, e == Z_ERRNO ? strerror(errno) : msg);
		return -1;
	}
	do
		r = read(s->fd, buf, n);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		err_set(err, "%s: %s", s->name, strerror(errno));
	return r;
}

static void
src_close(struct logsrc *s)
{
	if (s->gz != NULL)
		gzclose(s->gz);	/* closes fd */
	else if (s->fd >= 0)
		close(s->fd);
}

struct stream {
	void		(*fn)(void *, const char *, size_t, unsigned long);
	void		*arg;
	unsigned long	 lineno;	/* lines before the current position */
	struct explain_headers *hdr;	/* message headers too, or NULL */
	bool		 blank_before;	/* the line before the block is empty (for hdr) */
};

/* Whether [s, e) is an empty line (blanks and a CR only). */
static bool
line_blank(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

/* Whether the line before the line at ls is empty; blk is the block's start (a line start). */
static bool
prev_blank(const struct stream *st, const char *blk, const char *ls)
{
	const char *pls;

	if (ls == blk)
		return st->blank_before;
	pls = ls - 1 > blk ? memrchr(blk, '\n', (size_t)(ls - 1 - blk)) : NULL;
	return line_blank(pls != NULL ? pls + 1 : blk, ls - 1);
}

/* One whole line for the header reader and, when it may be a STARTTLS line, for fn. */
static void
mail_line(struct stream *st, const char *blk, const char *ls, const char *le)
{
	if (explain_headers_inside(st->hdr) || explain_headers_start(ls, le))
		explain_headers_line(st->hdr, ls, (size_t)(le - ls), st->lineno + 1,
		    prev_blank(st, blk, ls));
	if (explain_scan(ls, le) != NULL)
		st->fn(st->arg, ls, (size_t)(le - ls), st->lineno + 1);
}

/* Complete lines in [p, end): hands the candidates to the callback, counts all of them. */
static void
scan_block(struct stream *st, const char *p, const char *end)
{
	const char *hit, *ls, *le, *blk = p;
	size_t nl;

	while (p < end) {
		if (st->hdr != NULL && explain_headers_inside(st->hdr)) {
			/* inside a header section every line counts */
			ls = p;
			hit = NULL;
		} else {
			/* the newlines before the hit are those before its line: none are in it */
			hit = st->hdr != NULL ? explain_scan_mail(p, end, &nl) :
			    explain_scan_lines(p, end, &nl);
			st->lineno += nl;
			if (hit == NULL)
				break;
			ls = hit > p ? memrchr(p, '\n', (size_t)(hit - p)) : NULL;
			ls = ls != NULL ? ls + 1 : p;
		}
		le = memchr(hit != NULL ? hit : ls, '\n', (size_t)(end - (hit != NULL ? hit : ls)));
		if (le == NULL)
			le = end;
		if (st->hdr != NULL)
			mail_line(st, blk, ls, le);
		else
			st->fn(st->arg, ls, (size_t)(le - ls), st->lineno + 1);
		p = le < end ? le + 1 : end;
		if (le < end)
			st->lineno++;
	}
	if (st->hdr != NULL) {
		/* the block's last line precedes the next block */
		ls = end > blk ? memrchr(blk, '\n', (size_t)(end - blk)) : NULL;
		st->blank_before = line_blank(ls != NULL ? ls + 1 : blk, end);
	}
}

const char *
explain_stream_name(const char *path)
{
	return strcmp(path, "-") == 0 ? _("(standard input)") : path;
}

/*
 * Whether the input is a text log, at the bytes [p, p + n) that start at offset off: a NUL
 * byte in its first STREAM_TEXT_CHECK bytes says it is not (a binary file, /dev/zero).
 */
static int
text_check(const struct logsrc *s, const char *p, size_t n, unsigned long long off,
    char **err)
{
	const char *z;

	if (off >= STREAM_TEXT_CHECK)
		return 0;
	if (n > STREAM_TEXT_CHECK - off)
		n = (size_t)(STREAM_TEXT_CHECK - off);
	if ((z = memchr(p, '\0', n)) == NULL)
		return 0;
	err_set(err, _("%s: not a text log: a NUL byte at offset %llu"), s->name,
	    off + (unsigned long long)(z - p));
	return -1;
}

/* An over-long line of len bytes so far, line number lineno: past STREAM_LINE_MAX, stop. */
static int
length_check(const struct logsrc *s, unsigned long lineno, unsigned long long len, char **err)
{
	if (len <= STREAM_LINE_MAX)
		return 0;
	err_set(err, _("%s: line %lu is longer than %lu MiB: not a text log"), s->name,
	    lineno, STREAM_LINE_MAX >> 20);
	return -1;
}

static int
stream(const char *path, void (*fn)(void *arg, const char *line, size_t len,
    unsigned long lineno), struct explain_headers *hdr, void *arg, unsigned long *lines,
    char **err)
{
	struct stream st = { fn, arg, 0, hdr, true };
	struct logsrc s;
	char *buf;
	size_t have = 0;
	unsigned long long off = 0;	/* bytes read before buf + have */
	unsigned long long longlen = 0;	/* the bytes of an over-long line so far */
	bool skipping = false;	/* inside the rest of an over-long line */
	ssize_t r;
	int rc = 0;

	*lines = 0;
	if (src_open(&s, path, err) == -1)
		return -1;
	buf = xmalloc(STREAM_BUF);
	for (;;) {
		char *nl;

		/* zlib inflates a large read straight into buf: no STREAM_READ for it */
		if ((r = src_read(&s, buf + have, STREAM_BUF - have < STREAM_READ || s.gz != NULL ?
		    STREAM_BUF - have : STREAM_READ, err)) <= 0) {
			rc = r < 0 ? -1 : 0;
			break;
		}
		if (text_check(&s, buf + have, (size_t)r, off, err) == -1) {
			rc = -1;
			break;
		}
		off += (unsigned long long)r;
		have += (size_t)r;
		nl = memrchr(buf, '\n', have);
		if (nl == NULL) {
			if (have < STREAM_BUF)
				continue;
			/* a line longer than the buffer: use its start, skip the rest */
			if (!skipping)
				scan_block(&st, buf, buf + have);
			skipping = true;
			st.blank_before = false;
			longlen += have;
			have = 0;
			if ((rc = length_check(&s, st.lineno + 1, longlen, err)) == -1)
				break;
			continue;
		}
		if (skipping) {
			char *first = memchr(buf, '\n', have);

			skipping = false;
			longlen += (unsigned long long)(first - buf);
			if ((rc = length_check(&s, st.lineno + 1, longlen, err)) == -1)
				break;
			longlen = 0;
			st.lineno++;	/* the over-long line, up to its newline at first */
			st.blank_before = false;
			if (first < nl) {
				scan_block(&st, first + 1, nl);
				st.lineno++;	/* the newline at nl */
			}
		} else {
			scan_block(&st, buf, nl);
			st.lineno++;	/* the newline at nl */
		}
		have -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, have);
	}
	if (rc == 0 && (have > 0 || skipping)) {	/* a last line without its newline */
		if (!skipping)
			scan_block(&st, buf, buf + have);
		else
			rc = length_check(&s, st.lineno + 1, longlen + have, err);
		st.lineno++;
	}
	*lines = st.lineno;
	free(buf);
	src_close(&s);
	return rc;
}

int
explain_stream(const char *path, void (*fn)(void *arg, const char *line, size_t len,
    unsigned long lineno), void *arg, unsigned long *lines, char **err)
{
	return stream(path, fn, NULL, arg, lines, err);
}

int
explain_stream_mail(const char *path, void (*fn)(void *arg, const char *line, size_t len,
    unsigned long lineno), void (*msg_fn)(void *arg, const struct explain_message *m),
    void *arg, unsigned long *lines, char **err)
{
	struct explain_headers hdr;
	int rc;

	explain_headers_init(&hdr, msg_fn, arg);
	rc = stream(path, fn, &hdr, arg, lines, err);
	explain_headers_end(&hdr);
	explain_headers_free(&hdr);
	return rc;
}
