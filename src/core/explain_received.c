/* explain_received.c: message headers read line by line, and each Received: field as a hop. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtls/explain.h"
#include "smtls/xmalloc.h"

enum { HS_OUTSIDE = 0, HS_HEADER, HS_BODY };

#define COMMENT_DEPTH_MAX	16	/* nested comments deeper than this end at the text's end */

/* Copies [src, src + len) into dst of size, cut to fit, trimmed of spaces. */
static void
put(char *dst, size_t size, const char *src, size_t len)
{
	while (len > 0 && (*src == ' ' || *src == '\t')) {
		src++;
		len--;
	}
	while (len > 0 && (src[len - 1] == ' ' || src[len - 1] == '\t'))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static bool
word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && strncasecmp(w, s, n) == 0;
}

static bool
starts_ci(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && strncasecmp(p, s, k) == 0;
}

/* "[IPv6:2001:db8::1]" or "[192.0.2.1]" inside [p, p + n): the address, into dst. */
static bool
bracket_ip(const char *p, size_t n, char *dst, size_t size)
{
	const char *o = memchr(p, '[', n), *c;

	if (o == NULL || (c = memchr(o, ']', n - (size_t)(o - p))) == NULL)
		return false;
	o++;
	if ((size_t)(c - o) > 5 && strncasecmp(o, "IPv6:", 5) == 0)
		o += 5;
	put(dst, size, o, (size_t)(c - o));
	return dst[0] != '\0';
}

/* A bare address, as Microsoft writes it: "(2603:10a6:208:1::1)", "(10.1.2.3)". */
static bool
bare_ip(const char *p, size_t n)
{
	size_t i, dots = 0, colons = 0;

	if (n < 3)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] == '.')
			dots++;
		else if (p[i] == ':')
			colons++;
		else if (!isxdigit((unsigned char)p[i]))
			return false;
	}
	return dots == 3 || colons >= 2;
}

/* sendmail (version=TLSv1.3 cipher=... bits=256 verify=OK), Microsoft (version=TLS1_2, ...) */
static void
tls_pairs(const char *c, size_t n, struct explain_hop *h)
{
	static const struct { const char *key; size_t off, size; } keys[] = {
		{ "version=", offsetof(struct explain_hop, version), sizeof(h->version) },
		{ "cipher=", offsetof(struct explain_hop, cipher), sizeof(h->cipher) },
		{ "bits=", offsetof(struct explain_hop, bits), sizeof(h->bits) },
		{ "verify=", offsetof(struct explain_hop, verify_raw), sizeof(h->verify_raw) },
	};
	size_t i = 0, k;

	while (i < n) {
		size_t s = i;

		while (i < n && c[i] != ' ' && c[i] != ',')
			i++;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (starts_ci(c + s, i - s, keys[k].key)) {
				size_t kl = strlen(keys[k].key);

				put((char *)h + keys[k].off, keys[k].size, c + s + kl, i - s - kl);
			}
		while (i < n && (c[i] == ' ' || c[i] == ','))
			i++;
	}
	h->verify = explain_verify_parse(h->verify_raw);
	h->tls = true;
	h->tls_mta = h->verify_raw[0] ? "sendmail" : "Microsoft";
}

/* Postfix: "using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) ..." */
static void
tls_postfix(const char *c, size_t n, struct explain_hop *h)
{
	const char *p = c + 6, *end = c + n, *w, *b;
	size_t l;

	for (w = p; w < end && *w != ' '; w++)
		;
	put(h->version, sizeof(h->version), p, (size_t)(w - p));
	if ((p = memmem(c, n, " with cipher ", 13)) != NULL) {
		p += 13;
		for (w = p; w < end && *w != ' ' && *w != '('; w++)
			;
		put(h->cipher, sizeof(h->cipher), p, (size_t)(w - p));
	}
	if ((b = memmem(c, n, " bits)", 6)) != NULL) {
		for (p = b; p > c && p[-1] != '('; p--)
			;
		l = (size_t)(b - p);
		if (p > c && l > 0 && l < 16)
			put(h->bits, sizeof(h->bits), p, l);
	}
	h->tls = true;
	h->tls_mta = "Postfix";
}

/* Exim: "(TLS1.3)", "(TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256)" */
static bool
tls_exim(const char *c, size_t n, struct explain_hop *h)
{
	const char *a, *b, *end = c + n;
	size_t i;

	if (!(n >= 4 && strncasecmp(c, "TLS", 3) == 0 && (isdigit((unsigned char)c[3]) ||
	    (n >= 5 && (c[3] == 'v' || c[3] == 'V') && isdigit((unsigned char)c[4])))))
		return false;
	for (i = 0; i < n; i++)
		if (c[i] == ' ')
			return false;
	a = memchr(c, ':', n);
	put(h->version, sizeof(h->version), c, (size_t)((a ? a : end) - c));
	if (a != NULL) {
		a++;
		b = memchr(a, ':', (size_t)(end - a));
		put(h->cipher, sizeof(h->cipher), a, (size_t)((b ? b : end) - a));
		if (b != NULL)
			put(h->bits, sizeof(h->bits), b + 1, (size_t)(end - b - 1));
	}
	h->tls = true;
	h->tls_mta = "Exim";
	return true;
}

/* A comment that says TLS was used: fills the TLS fields, returns true. */
static bool
tls_comment(const char *c, size_t n, struct explain_hop *h)
{
	if (h->tls)
		return false;	/* the first one counts */
	if (memmem(c, n, "version=", 8) != NULL && (memmem(c, n, "cipher=", 7) != NULL ||
	    memmem(c, n, "verify=", 7) != NULL)) {
		tls_pairs(c, n, h);
		return true;
	}
	if (starts_ci(c, n, "using TLS") || starts_ci(c, n, "using SSL")) {
		tls_postfix(c, n, h);
		return true;
	}
	if (tls_exim(c, n, h))
		return true;
	if (word_is(c, n, "Google Transport Security")) {
		h->tls = true;
		h->tls_mta = "Google";
		return true;
	}
	return false;
}

/* The comment after FROM: "(name [192.0.2.1])", "([192.0.2.1] helo=name)", "(2001:db8::1)" */
static void
from_comment(const char *c, size_t n, struct explain_hop *h)
{
	const char *o = memchr(c, '[', n), *helo;

	if (bare_ip(c, n)) {
		put(h->from_ip, sizeof(h->from_ip), c, n);
		return;
	}
	if (h->from_ip[0] == '\0')
		(void)bracket_ip(c, n, h->from_ip, sizeof(h->from_ip));
	if ((helo = memmem(c, n, "helo=", 5)) != NULL) {
		const char *e = helo + 5;

		while (e < c + n && *e != ' ' && *e != ')')
			e++;
		put(h->from_host, sizeof(h->from_host), helo + 5, (size_t)(e - helo - 5));
	} else if (o != NULL) {
		put(h->from_host, sizeof(h->from_host), c, (size_t)(o - c));
	} else {
		put(h->from_host, sizeof(h->from_host), c, n);
	}
}

/* The WITH keyword: registered (RFC 3848, RFC 6531) or not, and what its letters say. */
static void
with_keyword(struct explain_hop *h)
{
	const char *w = h->with, *s;
	bool registered;

	h->with_kind = EXW_NONE;
	if (*w == '\0')
		return;
	h->with_utf8 = strncasecmp(w, "UTF8", 4) == 0;
	if (h->with_utf8)
		w += 4;
	if (strncasecmp(w, "ESMTP", 5) == 0)
		s = w + 5;
	else if (strncasecmp(w, "LMTP", 4) == 0 || strncasecmp(w, "SMTP", 4) == 0)
		s = w + 4;
	else {
		h->with_kind = EXW_OTHER;
		return;
	}
	if (strcasecmp(s, "") != 0 && strcasecmp(s, "A") != 0 && strcasecmp(s, "S") != 0 &&
	    strcasecmp(s, "SA") != 0) {
		h->with_kind = EXW_OTHER;
		return;
	}
	h->with_tls = s[0] == 'S' || s[0] == 's';
	h->with_auth = strchr(s, 'A') != NULL || strchr(s, 'a') != NULL;
	/* SMTP takes no letters without UTF8 (ESMTP says extensions); Gmail writes SMTPS */
	registered = h->with_utf8 || strncasecmp(w, "SMTP", 4) != 0 || *s == '\0';
	h->with_kind = registered ? EXW_REGISTERED : EXW_OTHER;
}

enum { K_NONE, K_FROM, K_BY, K_VIA, K_WITH, K_ID, K_FOR };

static int
keyword(const char *w, size_t n)
{
	static const char *const kw[] = { NULL, "from", "by", "via", "with", "id", "for" };
	int k;

	for (k = K_FROM; k <= K_FOR; k++)
		if (word_is(w, n, kw[k]))
			return k;
	return K_NONE;
}

/* The end of the comment that starts at p ('('): past its ')', or end. */
static const char *
comment_end(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == '(' && depth < COMMENT_DEPTH_MAX)
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return end;
}

/* The text, cleaned: control characters as '?', runs of blanks as one space, trimmed. */
static void
clean_text(const char *s, size_t len, char *dst, size_t size)
{
	size_t i, o = 0;
	bool space = true;

	for (i = 0; i < len && o + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			if (!space)
				dst[o++] = ' ';
			space = true;
			continue;
		}
		dst[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		space = false;
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
}

void
explain_received_parse(const char *text, size_t len, struct explain_hop *h)
{
	const char *t, *p, *end;
	int cur = K_NONE;
	bool value = false, with_open = false, cipher_next = false;
	bool from_commented = false, by_commented = false;
	size_t wl;

	memset(h, 0, sizeof(*h));
	clean_text(text, len, h->text, sizeof(h->text));
	t = h->text;
	end = t + strlen(t);
	for (p = t; p < end;) {
		const char *w = p;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == ';') {
			put(h->date, sizeof(h->date), p + 1, (size_t)(end - p - 1));
			break;
		}
		if (*p == '(') {
			const char *e = comment_end(p, end);
			const char *c = p + 1;
			size_t n = (size_t)(e - c) - (e > c && e[-1] == ')' && e <= end);

			p = e;
			with_open = false;
			if (tls_comment(c, n, h))
				continue;
			if (cur == K_NONE && starts_ci(c, n, "from ")) {
				/* sendmail's local submission: "(from user@host) by ..." */
				h->local = true;
				put(h->from_host, sizeof(h->from_host), c + 5, n - 5);
			} else if (cur == K_FROM && !value && !from_commented) {
				from_comment(c, n, h);
				from_commented = true;
			} else if (cur == K_BY && !value && !by_commented) {
				put(h->by_comment, sizeof(h->by_comment), c, n);
				by_commented = true;
			}
			continue;
		}
		while (p < end && *p != ' ' && *p != '(' && *p != ';')
			p++;
		wl = (size_t)(p - w);
		if (value) {
			value = false;
			switch (cur) {
			case K_FROM:
				put(h->from, sizeof(h->from), w, wl);
				(void)bracket_ip(w, wl, h->from_ip, sizeof(h->from_ip));
				break;
			case K_BY:
				put(h->by, sizeof(h->by), w, wl);
				break;
			case K_WITH:
				put(h->with, sizeof(h->with), w, wl);
				with_open = true;
				break;
			case K_ID:
				put(h->id, sizeof(h->id), w, wl);
				break;
			default:
				break;
			}
			continue;
		}
		if (cipher_next) {
			put(h->cipher, sizeof(h->cipher), w, wl);
			cipher_next = false;
			continue;
		}
		if (keyword(w, wl) != K_NONE) {
			cur = keyword(w, wl);
			value = true;
			with_open = false;
			continue;
		}
		if (word_is(w, wl, "tls")) {
			/* Exim: "with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384" */
			cipher_next = true;
			h->tls = true;
			if (h->tls_mta == NULL)
				h->tls_mta = "Exim";
			continue;
		}
		if (with_open) {
			/* "with Microsoft SMTP Server": a WITH of several words */
			size_t have = strlen(h->with);

			if (have + 1 + wl < sizeof(h->with)) {
				h->with[have] = ' ';
				memcpy(h->with + have + 1, w, wl);
				h->with[have + 1 + wl] = '\0';
			}
		}
	}
	with_keyword(h);
}

/* The header reader. */

void
explain_headers_init(struct explain_headers *h, void (*fn)(void *arg,
    const struct explain_message *m), void *arg)
{
	memset(h, 0, sizeof(*h));
	h->state = HS_OUTSIDE;
	h->field = xmalloc(EXPLAIN_RECEIVED_MAX);
	h->msg = xcalloc(1, sizeof(*h->msg));
	h->fn = fn;
	h->arg = arg;
}

void
explain_headers_free(struct explain_headers *h)
{
	free(h->field);
	free(h->msg);
	memset(h, 0, sizeof(*h));
}

bool
explain_headers_start(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);

	if (n < 5 || (*p != 'R' && *p != 'r' && *p != 'F'))	/* most lines, at once */
		return false;
	return (n >= 9 && strncasecmp(p, "Received:", 9) == 0) ||
	    memcmp(p, "From ", 5) == 0;
}

bool
explain_headers_inside(const struct explain_headers *h)
{
	return h->state == HS_HEADER;
}

/* A header field's name: printable ASCII but ':' (RFC 5322 ftext), then ':'. */
static size_t
field_name(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == ':')
			return i;
		if (c < 33 || c > 126)
			return 0;
	}
	return 0;
}

static void
field_append(struct explain_headers *h, const char *s, size_t n)
{
	if (h->flen + n >= EXPLAIN_RECEIVED_MAX) {
		n = EXPLAIN_RECEIVED_MAX - 1 - h->flen;
		h->field_cut = true;
	}
	memcpy(h->field + h->flen, s, n);
	h->flen += n;
}

/* The Received: field being unfolded is complete: a hop of the message. */
static void
field_end(struct explain_headers *h)
{
	struct explain_message *m = h->msg;

	if (!h->in_received)
		return;
	h->in_received = false;
	if (m->nhops == EXPLAIN_HOPS_MAX) {
		m->dropped++;
		return;
	}
	explain_received_parse(h->field, h->flen, &m->hop[m->nhops]);
	m->hop[m->nhops].line = h->field_line;
	/* a trace field names who received it or from whom; other text is no hop */
	if (m->hop[m->nhops].by[0] != '\0' || m->hop[m->nhops].from[0] != '\0' ||
	    m->hop[m->nhops].local)
		m->nhops++;
}

static void
message_end(struct explain_headers *h)
{
	field_end(h);
	if (h->msg->nhops > 0 && h->fn != NULL)
		h->fn(h->arg, h->msg);
	h->msg->nhops = 0;
	h->msg->dropped = 0;
}

static void
message_start(struct explain_headers *h, unsigned long lineno)
{
	h->state = HS_HEADER;
	h->msg->line = lineno;
	h->msg->nhops = 0;
	h->msg->dropped = 0;
}

static void
field_start(struct explain_headers *h, const char *line, size_t len, unsigned long lineno)
{
	h->in_received = true;
	h->field_cut = false;
	h->flen = 0;
	h->field_line = lineno;
	field_append(h, line + 9, len - 9);
}

static bool
blank(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return false;
	return true;
}

void
explain_headers_line(struct explain_headers *h, const char *line, size_t len,
    unsigned long lineno, bool prev_blank)
{
	bool received, from;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	received = len >= 9 && strncasecmp(line, "Received:", 9) == 0;
	from = len >= 5 && memcmp(line, "From ", 5) == 0;
	if (h->state != HS_HEADER) {
		if (from) {
			message_start(h, lineno);
		} else if (received && (h->state == HS_OUTSIDE || prev_blank)) {
			message_start(h, lineno);
			field_start(h, line, len, lineno);
		}
		return;
	}
	if (len > 0 && (line[0] == ' ' || line[0] == '\t') && !blank(line, len)) {
		if (h->in_received)
			field_append(h, line, len);	/* unfolding: the line break goes */
		return;
	}
	field_end(h);
	if (blank(line, len)) {
		message_end(h);
		h->state = HS_BODY;
	} else if (from) {
		message_end(h);
		message_start(h, lineno);
	} else if (received) {
		field_start(h, line, len, lineno);
	} else if (field_name(line, len) == 0) {
		message_end(h);	/* not a header field: a log line, say */
		h->state = HS_OUTSIDE;
	}
}

void
explain_headers_end(struct explain_headers *h)
{
	message_end(h);
	h->state = HS_OUTSIDE;
}
