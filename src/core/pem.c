/* pem.c: the PEM blocks of a file as PEM_read_bio() reads them, the plain layout decoded here. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "smtls/pem.h"
#include "smtls/xmalloc.h"

#define BEGIN_S		"-----BEGIN "
#define END_S		"-----END "
#define TAIL_S		"-----"
#define LABEL_MAX	80	/* longer: left to OpenSSL */
#define TEXT_MAX	200	/* a text line OpenSSL reads in one piece (it reads 254 bytes at most) */
#define B64_LINE	64

static void
push(struct pem_blocks *out, char *label, unsigned char *der, long der_len, size_t end)
{
	out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	out->v[out->n++] = (struct pem_block){ label, der, der_len, end };
}

/* The value of each base64 character; -1 for every other byte. */
static const signed char b64_values[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/*
 * Decodes one quantum of four characters into out; the number of bytes, or -1 when it is
 * not canonical base64 (padding only in a last quantum, no stray bits before it).
 */
static int
b64_quantum(const unsigned char *q, bool last, unsigned char *out)
{
	int a = b64_values[q[0]], b = b64_values[q[1]], c, d;

	if (a < 0 || b < 0)
		return -1;
	out[0] = (unsigned char)(a << 2 | b >> 4);
	if (last && q[2] == '=' && q[3] == '=')
		return (b & 0x0f) == 0 ? 1 : -1;
	if ((c = b64_values[q[2]]) < 0)
		return -1;
	out[1] = (unsigned char)((b & 0x0f) << 4 | c >> 2);
	if (last && q[3] == '=')
		return (c & 0x03) == 0 ? 2 : -1;
	if ((d = b64_values[q[3]]) < 0)
		return -1;
	out[2] = (unsigned char)((c & 0x03) << 6 | d);
	return 3;
}

/* The end of the line at p (its '\n', or end). */
static const char *
line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? nl : end;
}

/*
 * One block from its BEGIN line at p, in the plain layout only; its end (past the END
 * line's '\n') in *next. False when the block is laid out any other way.
 */
static bool
fast_block(const char *p, const char *end, struct pem_blocks *out, const char **next)
{
	const char *eol = line_end(p, end), *label = p + strlen(BEGIN_S), *q;
	size_t llen, cap, dlen = 0;
	unsigned char *der;
	bool last = false;

	if (eol == end || eol - label <= (ptrdiff_t)strlen(TAIL_S) ||
	    memcmp(eol - strlen(TAIL_S), TAIL_S, strlen(TAIL_S)) != 0)
		return false;
	llen = (size_t)(eol - strlen(TAIL_S) - label);
	if (llen > LABEL_MAX)
		return false;
	for (q = label; q < label + llen; q++)
		if (!((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == ' '))
			return false;
	cap = (size_t)(end - eol) / 4 * 3 + 3;
	der = xmalloc(cap);
	for (p = eol + 1; p < end && !last; p = eol + 1) {
		size_t n;

		eol = line_end(p, end);
		n = (size_t)(eol - p);
		if (eol == end || n == 0 || n > B64_LINE || n % 4 != 0)
			goto no;
		last = n < B64_LINE || p[n - 1] == '=';
		for (q = p; q < eol; q += 4) {
			int got = b64_quantum((const unsigned char *)q, last && q + 4 == eol,
			    der + dlen);

			if (got < 0)
				goto no;
			dlen += (size_t)got;
		}
		if (!last && eol + 1 < end && eol[1] == '-')
			last = true;	/* a whole last line: the END line follows */
	}
	/* the END line: "-----END " LABEL "-----\n" */
	eol = p < end ? line_end(p, end) : end;
	if (!last || dlen == 0 || eol == end ||
	    (size_t)(eol - p) != strlen(END_S) + llen + strlen(TAIL_S) ||
	    memcmp(p, END_S, strlen(END_S)) != 0 ||
	    memcmp(p + strlen(END_S), label, llen) != 0 ||
	    memcmp(eol - strlen(TAIL_S), TAIL_S, strlen(TAIL_S)) != 0)
		goto no;
	push(out, xstrndup(label, llen), der, (long)dlen, 0);
	*next = eol + 1;
	return true;
no:
	free(der);
	return false;
}

/* The whole file in the plain layout: text lines, and blocks fast_block() takes. */
static bool
fast_read(const char *data, size_t len, struct pem_blocks *out)
{
	const char *p = data, *end = data + len, *eol;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		return false;		/* a byte order mark: OpenSSL skips it on the first line */
	while (p < end) {
		if (*p == '-') {
			if ((size_t)(end - p) < strlen(BEGIN_S) ||
			    memcmp(p, BEGIN_S, strlen(BEGIN_S)) != 0 ||
			    !fast_block(p, end, out, &p))
				return false;
			out->v[out->n - 1].end = (size_t)(p - data);
			continue;
		}
		eol = line_end(p, end);
		if (eol - p >= TEXT_MAX)
			return false;
		p = eol + 1;
	}
	return true;
}

void
pem_read_all_openssl(const char *data, size_t len, struct pem_blocks *out)
{
	BIO *b = BIO_new_mem_buf(data, (int)len);
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long dlen = 0;
	unsigned long e;

	memset(out, 0, sizeof(*out));
	if (b == NULL) {
		out->damaged = true;
		return;
	}
	while (PEM_read_bio(b, &name, &header, &der, &dlen) == 1) {
		unsigned char *copy = xmalloc(dlen > 0 ? (size_t)dlen : 1);

		if (dlen > 0)
			memcpy(copy, der, (size_t)dlen);
		push(out, xstrdup(name), copy, dlen, len - (size_t)BIO_pending(b));
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
	}
	e = ERR_peek_last_error();
	out->damaged = e != 0 && ERR_GET_REASON(e) != PEM_R_NO_START_LINE;
	ERR_clear_error();
	BIO_free(b);
}

void
pem_read_all(const char *data, size_t len, struct pem_blocks *out)
{
	memset(out, 0, sizeof(*out));
	if (len <= INT32_MAX && fast_read(data, len, out)) {
		out->fast = true;
		return;
	}
	pem_blocks_free(out);
	pem_read_all_openssl(data, len, out);
}

void
pem_blocks_free(struct pem_blocks *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->v[i].label);
		free(b->v[i].der);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}
