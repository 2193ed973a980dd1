/* explain_parse.c: recognising sendmail's STARTTLS log lines under any syslog framing. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__SSE2__) && defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#endif

#include "smtls/explain.h"

static const char *const verify_names[EXV_COUNT] = {
	[EXV_UNSET] = "", [EXV_OK] = "OK", [EXV_FAIL] = "FAIL", [EXV_NO] = "NO",
	[EXV_NONE] = "NONE", [EXV_NOT] = "NOT", [EXV_SOFTWARE] = "SOFTWARE",
	[EXV_PROTOCOL] = "PROTOCOL", [EXV_TEMP] = "TEMP", [EXV_CLEAR] = "CLEAR",
	[EXV_CONFIG] = "CONFIG", [EXV_TRUSTED] = "TRUSTED", [EXV_DANE_PASS] = "DANE_PASS",
	[EXV_DANE_FAIL] = "DANE_FAIL", [EXV_DANE_NOTLS] = "DANE_NOTLS",
	[EXV_DANE_TEMP] = "DANE_TEMP", [EXV_DANE_OTHER] = "DANE_*", [EXV_UNKNOWN] = "?",
};

const char *
explain_verify_name(enum explain_verify v)
{
	return (unsigned)v < EXV_COUNT ? verify_names[v] : "?";
}

enum explain_verify
explain_verify_parse(const char *s)
{
	int v;

	if (*s == '\0')
		return EXV_UNSET;
	for (v = EXV_OK; v < EXV_DANE_OTHER; v++)
		if (s[0] == verify_names[v][0] && strcmp(s, verify_names[v]) == 0)
			return (enum explain_verify)v;
	if (strncmp(s, "DANE_", 5) == 0)
		return EXV_DANE_OTHER;
	return EXV_UNKNOWN;
}

const char *
explain_dir_name(enum explain_dir d)
{
	return d == EXD_SERVER ? "server" : d == EXD_CLIENT ? "client" : "unknown";
}

const char *
explain_tri_name(enum explain_tri t)
{
	switch (t) {
	case EXT_YES:
		return "yes";
	case EXT_NO:
		return "no";
	case EXT_UNKNOWN:
		return "unknown";
	case EXT_NA:
		break;
	}
	return NULL;
}

const char *
explain_side_name(enum explain_side s)
{
	switch (s) {
	case EXS_OURS:
		return "ours";
	case EXS_PEER:
		return "peer";
	case EXS_EITHER:
		return "either";
	case EXS_NONE:
		break;
	}
	return "none";
}

/*
 * Candidate lines: every recognised message starts with "STARTTLS" or "ruleset=tls_". The
 * scan tests two rarely paired bytes of each string at a time ('T' and 'L' five apart, '='
 * and '_' four apart), 16 positions per step with SSE2, then confirms with memcmp.
 */
static const char scan_p1[] = "STARTTLS";
static const char scan_p2[] = "ruleset=tls_";
#define SCAN_REACH	11	/* the farthest byte tested, from the candidate's start */

static const char *
scan_confirm(const char *c, const char *end)
{
	if (end - c >= 8 && memcmp(c, scan_p1, 8) == 0)
		return c;
	if (end - c >= 12 && memcmp(c, scan_p2, 12) == 0)
		return c;
	return NULL;
}

#ifdef __SSE2__
/* The sum of the 16 byte lanes. */
static size_t
sad_sum(__m128i v)
{
	__m128i s = _mm_sad_epu8(v, _mm_setzero_si128());

	return (size_t)_mm_cvtsi128_si32(s) + (size_t)_mm_extract_epi16(s, 4);
}
#endif

#if defined(__SSE2__) && defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
/*
 * The same tests 32 positions per step with AVX2, on the processors that have it (chosen at
 * run time: the build targets the baseline). The newlines are counted from the same loads
 * (a popcount of the newline mask), and with mail the line starts come from that mask too.
 * Returns the hit, or NULL with *at where the blocks stopped (fewer than 32 + SCAN_REACH bytes
 * left); *newlines: the newlines before the hit or *at.
 */
#define SCAN_AVX2	1
#define AVX2_TARGET	__attribute__((target("avx2,popcnt")))

/*
 * The AVX2 scan tests two loads a block (the bytes at i and at i + 1) for "tl" in any case,
 * which both strings hold ("STARTTLS" 5 bytes in, "ruleset=tls_" 8 bytes in): an event at the
 * 't', confirmed at 5 and 8 bytes before it. With mail, a newline followed by 'R', 'r' or 'F'
 * is an event at the line start after it. Events come in the order of the matches' starts:
 * a match has no newline inside, so a line start after a match's start is past its "tl".
 *
 * avx2_blocks: the blocks from i on, up to the first with an event: returns that block, with
 * its events in *ev (bit k: i + k; a line start at i + 32 is bit 32), the line starts among
 * them in *hv, and its newlines in *n;
 * or the first block too near the end. Adds the newlines of the blocks before it to *nl.
 * No calls in this loop: the constants stay in registers.
 */
AVX2_TARGET __attribute__((always_inline))
static inline const char *
avx2_blocks(const char *i, const char *end, bool mail, size_t *nl, uint64_t *ev, uint64_t *hv,
    unsigned *n)
{
	const __m256i lf = _mm256_set1_epi8('\n'), low = _mm256_set1_epi8(0x20);
	const __m256i ct = _mm256_set1_epi8('t'), cl = _mm256_set1_epi8('l');
	const __m256i cr = _mm256_set1_epi8('r'), cf = _mm256_set1_epi8('F');
	size_t count = *nl;

	for (; end - i >= 32 + SCAN_REACH; i += 32) {
		__m256i b0 = _mm256_loadu_si256((const __m256i *)(const void *)i);
		__m256i b1 = _mm256_loadu_si256((const __m256i *)(const void *)(i + 1));
		__m256i l1 = _mm256_or_si256(b1, low);
		unsigned tl = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(
		    _mm256_cmpeq_epi8(_mm256_or_si256(b0, low), ct), _mm256_cmpeq_epi8(l1, cl)));
		unsigned bn = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b0, lf));
		uint64_t h = 0;

		if (mail)
			h = (uint64_t)(bn & (unsigned)_mm256_movemask_epi8(_mm256_or_si256(
			    _mm256_cmpeq_epi8(l1, cr), _mm256_cmpeq_epi8(b1, cf)))) << 1;
		if ((tl | h) != 0) {
			*ev = tl | h;
			*hv = h;
			*n = bn;
			break;
		}
		count += (size_t)__builtin_popcount(bn);
	}
	*nl = count;
	return i;
}

/*
 * The same scan with AVX2, 32 positions a step, on the processors that have it (chosen at
 * run time: the build targets the baseline). The newlines are counted from the same loads.
 * Returns the hit, or NULL with *at where the blocks stopped (fewer than 32 + SCAN_REACH bytes
 * left); *newlines: the newlines before the hit or *at.
 */
AVX2_TARGET
static const char *
scan_avx2(const char *p, const char *end, size_t *newlines, bool mail, const char **at)
{
	const char *i = p, *r, *x;
	size_t nl = 0;
	uint64_t ev = 0, hv = 0;
	unsigned n = 0;

	for (;; i += 32) {
		i = mail ? avx2_blocks(i, end, true, &nl, &ev, &hv, &n) :
		    avx2_blocks(i, end, false, &nl, &ev, &hv, &n);
		if (end - i < 32 + SCAN_REACH)
			break;
		for (; ev != 0; ev &= ev - 1) {
			int k = __builtin_ctzll(ev);

			x = i + k;
			if (hv >> k & 1) {	/* a line start */
				if (!explain_headers_start(x, end))
					continue;
				r = x;
			} else if (!((x - p >= 5 && (r = scan_confirm(x - 5, end)) != NULL) ||
			    (x - p >= 8 && (r = scan_confirm(x - 8, end)) != NULL))) {
				continue;
			}
			/* a match starting before i has no newline between it and i */
			*newlines = nl + (r <= i ? 0 : r - i >= 32 ? (size_t)__builtin_popcount(n) :
			    (size_t)__builtin_popcount(n & ((1u << (r - i)) - 1)));
			return r;
		}
		nl += (size_t)__builtin_popcount(n);
	}
	/* a match that starts before i with its "tl" past it: the tail looks from i on */
	for (x = i - p > 8 ? i - 8 : p; x < i; x++)
		if ((r = scan_confirm(x, end)) != NULL) {
			*newlines = nl;
			return r;
		}
	*newlines = nl;
	*at = i;
	return NULL;
}

/* Whether this processor has AVX2 (asked once). */
static bool
have_avx2(void)
{
	static int have = -1;

	if (have < 0) {
		__builtin_cpu_init();
		have = __builtin_cpu_supports("avx2") ? 1 : 0;
	}
	return have == 1;
}
#endif

#ifdef __SSE2__
/* The same, 16 positions per step with SSE2 (the newlines summed per byte lane). */
static const char *
scan_sse2(const char *p, const char *end, size_t *newlines, bool mail, const char **at)
{
	const __m128i t = _mm_set1_epi8('T'), l = _mm_set1_epi8('L');
	const __m128i eq = _mm_set1_epi8('='), us = _mm_set1_epi8('_');
	const __m128i lf = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
	const __m128i low = _mm_set1_epi8(0x20), cr = _mm_set1_epi8('r'), ce = _mm_set1_epi8('e');
	const __m128i cf = _mm_set1_epi8('F');
	__m128i acc = zero;	/* newlines per byte lane, flushed before a lane can overflow */
	__m128i carry = zero;	/* lane 0: the byte before the block is a newline */
	const char *i = p, *r;
	size_t nl = 0;
	int rounds = 0;

	for (; end - i >= 16 + SCAN_REACH; i += 16) {
		__m128i b0 = _mm_loadu_si128((const __m128i *)(const void *)i);
		__m128i b1 = _mm_loadu_si128((const __m128i *)(const void *)(i + 1));
		__m128i m1 = _mm_and_si128(_mm_cmpeq_epi8(b1, t),
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(i + 6)), l));
		__m128i m2 = _mm_and_si128(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(i + 7)), eq),
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(i + 11)), us));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(m1, m2)), hm = 0;
		/* the line count comes in the same pass: the block is loaded anyway */
		__m128i n = _mm_cmpeq_epi8(b0, lf);

		if (mail) {
			__m128i ls = _mm_or_si128(_mm_slli_si128(n, 1), carry);
			__m128i rec = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(b0, low), cr),
			    _mm_cmpeq_epi8(_mm_or_si128(b1, low), ce));
			__m128i from = _mm_and_si128(_mm_cmpeq_epi8(b0, cf), _mm_cmpeq_epi8(b1, cr));

			hm = (unsigned)_mm_movemask_epi8(_mm_and_si128(ls, _mm_or_si128(rec, from)));
			carry = _mm_srli_si128(n, 15);
			m |= hm;
		}
		while (m != 0) {
			int k = __builtin_ctz(m);

			if ((r = scan_confirm(i + k, end)) != NULL || ((hm >> k & 1) &&
			    explain_headers_start(i + k, end) && (r = i + k) != NULL)) {
				*newlines = nl + sad_sum(acc) + (size_t)__builtin_popcount(
				    (unsigned)_mm_movemask_epi8(n) & ((1u << k) - 1));
				return r;
			}
			m &= m - 1;
		}
		acc = _mm_sub_epi8(acc, n);	/* a match is -1: subtracting adds 1 */
		if (++rounds == 255) {
			nl += sad_sum(acc);
			acc = zero;
			rounds = 0;
		}
	}
	*newlines = nl + sad_sum(acc);
	*at = i;
	return NULL;
}
#endif

/*
 * The scan. With mail, it also stops at the start of a line that explain_headers_start
 * accepts ("Received:" in any case, "From "): at a line start (the byte before is '\n', or
 * it is p) whose first two bytes are r/R e/E or F r, confirmed by explain_headers_start.
 * The blocks go through the vector loop; the last bytes (and all of them without SSE2)
 * through the plain one.
 */
static inline const char *
scan(const char *p, const char *end, size_t *newlines, bool mail)
{
	const char *i = p, *r = NULL;
	size_t nl = 0;

	if (mail && p < end && explain_headers_start(p, end)) {
		if (newlines != NULL)
			*newlines = 0;
		return p;
	}
#ifdef SCAN_AVX2
	if (end - p >= 32 + SCAN_REACH && have_avx2())
		r = scan_avx2(p, end, &nl, mail, &i);
	else
#endif
#ifdef __SSE2__
	if (end - p >= 16 + SCAN_REACH)
		r = scan_sse2(p, end, &nl, mail, &i);
#endif
	if (r != NULL) {
		if (newlines != NULL)
			*newlines = nl;
		return r;
	}
	for (; i < end; i++) {
		if ((end - i > 6 && i[1] == 'T' && i[6] == 'L' && (r = scan_confirm(i, end)) != NULL) ||
		    (end - i > 11 && i[7] == '=' && i[11] == '_' &&
		    (r = scan_confirm(i, end)) != NULL) ||
		    (mail && i > p && i[-1] == '\n' && explain_headers_start(i, end) && (r = i))) {
			if (newlines != NULL)
				*newlines = nl;
			return r;
		}
		nl += *i == '\n';
	}
	if (newlines != NULL)
		*newlines = nl;
	return NULL;
}

const char *
explain_scan_lines(const char *p, const char *end, size_t *newlines)
{
	return scan(p, end, newlines, false);
}

const char *
explain_scan_mail(const char *p, const char *end, size_t *newlines)
{
	return scan(p, end, newlines, true);
}

const char *
explain_scan(const char *p, const char *end)
{
	return explain_scan_lines(p, end, NULL);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void
explain_xtext_decode(const char *src, size_t len, char *dst, size_t size)
{
	size_t i, o = 0;

	if (size == 0)
		return;
	for (i = 0; i < len && o + 1 < size; i++) {
		int hi, lo;

		if (src[i] == '+' && i + 2 < len && (hi = hexval((unsigned char)src[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)src[i + 2])) >= 0) {
			int c = hi * 16 + lo;

			/* control characters would garble a terminal */
			dst[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
			i += 2;
		} else {
			dst[o++] = src[i];
		}
	}
	dst[o] = '\0';
}

/* A character of a field: control characters (log text comes from remote peers) are '?'. */
static char
clean_char(char ch)
{
	unsigned char c = (unsigned char)ch;

	return (c < 0x20 && c != '\t') || c == 0x7f ? '?' : ch;
}

/* Copies a field, control characters as '?'. */
static void
copy_field(char *dst, size_t size, const char *src, size_t len)
{
	size_t i = 0, j;
	uint64_t w;

	if (len >= size)
		len = size - 1;
	/* 8 bytes a step, the last step overlapping the one before; a step with a byte below
	 * 0x20 or 0x7f (which the test finds exactly) byte by byte */
	for (; len >= 8; i += 8) {
		if (i + 8 > len)
			i = len - 8;
		memcpy(&w, src + i, 8);
		if ((((w - 0x2020202020202020u) | ((w ^ 0x7f7f7f7f7f7f7f7fu) -
		    0x0101010101010101u)) & ~w & 0x8080808080808080u) == 0)
			memcpy(dst + i, &w, 8);
		else
			for (j = i; j < i + 8; j++)
				dst[j] = clean_char(src[j]);
		if (i + 8 == len)
			break;
	}
	for (; len < 8 && i < len; i++)
		dst[i] = clean_char(src[i]);
	dst[len] = '\0';
}

static bool
starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static bool
ends(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* A character of a key word (isalnum, '_', '-'); ASCII without a call into the locale. */
static inline bool
word_char(unsigned char c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-';
	return isalnum(c) != 0;
}

/*
 * Finds "key=" at the start of msg or after ", " and returns its value: up to the next
 * ", word=" (the next field), or the end.
 */
static bool
field(const char *msg, size_t len, const char *key, const char **val, size_t *vlen)
{
	size_t klen = strlen(key), i, j;
	const char *q = msg, *end = msg + len, *v;

	/* keys start the message or follow ", "; walk the commas instead of searching */
	for (;;) {
		if ((size_t)(end - q) > klen && memcmp(q, key, klen) == 0 && q[klen] == '=')
			break;
		q = memchr(q, ',', (size_t)(end - q));
		if (q == NULL || end - q < 2)
			return false;
		q += q[1] == ' ' ? 2 : 1;
	}
	v = q + klen + 1;
	for (i = 0; v + i < end; i++) {
		if (v[i] != ',' || v + i + 1 >= end || v[i + 1] != ' ')
			continue;
		for (j = i + 2; v + j < end && word_char((unsigned char)v[j]); j++)
			;
		if (j > i + 2 && v + j < end && v[j] == '=')
			break;
	}
	*val = v;
	*vlen = i;
	return true;
}

/*
 * The commas of a message, found once for all its keys: a key starts the message or follows a
 * comma (and a space), a value ends at a comma that starts ", word=". A message with more
 * than FIELDS_MAX commas is walked again for each key (field above).
 */
#define FIELDS_MAX	32

struct fields {
	const char	*msg, *end;
	size_t		 n;		/* commas in comma[]; FIELDS_MAX + 1: too many */
	const char	*comma[FIELDS_MAX];
	signed char	 next[FIELDS_MAX];	/* the comma starts ", word=": 1, 0, -1 unknown */
};

static void
fields_init(struct fields *f, const char *msg, size_t len)
{
	const char *q = msg, *c, *end = msg + len;

	f->msg = msg;
	f->end = end;
	f->n = 0;
	while (q < end && (c = memchr(q, ',', (size_t)(end - q))) != NULL) {
		if (f->n == FIELDS_MAX) {
			f->n++;
			return;
		}
		f->next[f->n] = -1;
		f->comma[f->n++] = c;
		q = c + 1;
	}
}

/* Whether comma k starts ", word=" (the end of the value before it), found when asked. */
static bool
fields_next(struct fields *f, size_t k)
{
	const char *c = f->comma[k], *end = f->end, *j;

	if (f->next[k] < 0) {
		for (j = c + 2; j < end && word_char((unsigned char)*j); j++)
			;
		f->next[k] = c + 1 < end && c[1] == ' ' && j > c + 2 && j < end && *j == '=';
	}
	return f->next[k] == 1;
}

/* The same as field() on the message, from its commas. */
static inline bool
fields_get(struct fields *f, const char *key, const char **val, size_t *vlen)
{
	size_t klen = strlen(key), k = 0;
	const char *q = f->msg, *end = f->end, *v;

	if (f->n > FIELDS_MAX)
		return field(f->msg, (size_t)(end - f->msg), key, val, vlen);
	for (;;) {
		if ((size_t)(end - q) > klen && q[0] == key[0] && q[klen] == '=' &&
		    memcmp(q, key, klen) == 0)
			break;
		/* the next comma: the key candidates follow the commas in order */
		if (k == f->n || end - f->comma[k] < 2)
			return false;
		q = f->comma[k] + 1 + (f->comma[k][1] == ' ');
		k++;
	}
	v = q + klen + 1;
	while (k < f->n && (f->comma[k] < v || !fields_next(f, k)))
		k++;
	*val = v;
	*vlen = k < f->n ? (size_t)(f->comma[k] - v) : (size_t)(end - v);
	return true;
}

static inline void
get_field(struct fields *f, const char *key, char *dst, size_t size, bool xtext)
{
	const char *v;
	size_t vl;

	if (!fields_get(f, key, &v, &vl)) {
		dst[0] = '\0';
		return;
	}
	if (xtext)
		explain_xtext_decode(v, vl, dst, size);
	else
		copy_field(dst, size, v, vl);
}

static bool
is_month(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t i;

	for (i = 0; i < 36; i += 3)
		if (s[0] == months[i] && s[1] == months[i + 1] && s[2] == months[i + 2])
			return true;
	return false;
}

/* A process id from the digits in [p, end), never reading past end; -1 when there are none. */
static long
parse_pid(const char *p, const char *end)
{
	long v = 0;

	if (p >= end || !isdigit((unsigned char)*p))
		return -1;
	for (; p < end && isdigit((unsigned char)*p); p++)
		if (v < 100000000L)	/* no pid is that long: stop before an overflow */
			v = v * 10 + (*p - '0');
	return v;
}

/* The timestamp and the process id from the text before the message. */
static void
parse_framing(const char *s, size_t len, struct explain_line *out)
{
	const char *p = s, *end = s + len, *t;
	size_t i;

	out->when[0] = '\0';
	out->pid = -1;
	if (len == 0)
		return;
	if (*p == '<') {	/* <PRI>: RFC 5424 "<13>1 TS HOST APP PID MSGID SD" or 3164 */
		for (p++; p < end && isdigit((unsigned char)*p); p++)
			;
		if (p < end && *p == '>')
			p++;
		if (end - p > 2 && p[0] == '1' && p[1] == ' ') {
			const char *tok[6];
			size_t tl[6], n = 0;

			p += 2;
			while (n < 6 && p < end) {
				for (t = p; t < end && *t != ' '; t++)
					;
				tok[n] = p;
				tl[n++] = (size_t)(t - p);
				p = t < end ? t + 1 : t;
			}
			if (n >= 1 && !(tl[0] == 1 && tok[0][0] == '-'))
				copy_field(out->when, sizeof(out->when), tok[0], tl[0]);
			if (n >= 4)
				out->pid = parse_pid(tok[3], tok[3] + tl[3]);
			return;
		}
	}
	/* journalctl short-full: "Wed 2026-11-25 07:58:03 UTC host prog[pid]: " */
	if (end - p >= 24 && p[3] == ' ' && isdigit((unsigned char)p[4]) && p[8] == '-' &&
	    p[14] == ' ') {
		for (t = p + 15, i = 0; t < end && i < 2; t++)	/* the time and the zone */
			if (*t == ' ')
				i++;
		copy_field(out->when, sizeof(out->when), p, (size_t)(t - p - (i == 2)));
	} else if (*p == '[' && end - p > 2 && (p[1] == ' ' || isdigit((unsigned char)p[1]))) {
		/* journalctl short-monotonic: "[  123.456789] host prog[pid]: " */
		for (t = p; t < end && *t != ']'; t++)
			;
		if (t < end)
			copy_field(out->when, sizeof(out->when), p, (size_t)(t + 1 - p));
	} else if (end - p >= 15 && is_month(p) && p[3] == ' ') {
		/* classic syslog / journalctl short: "Nov 25 07:58:03[.123456] host prog[pid]: " */
		for (t = p + 4; t < end && (*t == ' ' || isdigit((unsigned char)*t)); t++)
			;
		/* time, optionally with fractions and a year (journalctl --output=short-full) */
		while (t < end && (isdigit((unsigned char)*t) || *t == ':' || *t == '.'))
			t++;
		copy_field(out->when, sizeof(out->when), p, (size_t)(t - p));
	} else if (end - p >= 10 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[3]) &&
	    p[4] == '-' && p[7] == '-') {
		/* short-iso, rsyslog RFC 3339: "2026-11-25T07:58:03+0000 host prog[pid]: " */
		for (t = p; t < end && *t != ' '; t++)
			;
		copy_field(out->when, sizeof(out->when), p, (size_t)(t - p));
	}
	/* prog[pid]: */
	for (i = 0; i + 2 < len; i++) {
		if ((t = memchr(s + i, '[', len - 2 - i)) == NULL)
			break;
		i = (size_t)(t - s);
		if (isdigit((unsigned char)s[i + 1])) {
			size_t j = i + 1;

			while (j < len && isdigit((unsigned char)s[j]))
				j++;
			if (j + 1 < len && s[j] == ']' && s[j + 1] == ':') {
				out->pid = parse_pid(s + i + 1, s + j);
				return;
			}
		}
	}
}

/* Where the sendmail message starts: "STARTTLS" or "ruleset=tls_" at a word start. */
static const char *
message_start(const char *line, size_t len)
{
	const char *q, *p = line, *end = line + len;

	while ((q = explain_scan(p, end)) != NULL) {
		bool word = q == line || q[-1] == ' ' || q[-1] == ':' || q[-1] == '\t';

		if (word && (q[0] == 'r' || (q + 8 < end && (q[8] == '=' || q[8] == ':'))))
			return q;
		p = q + 1;
	}
	return NULL;
}

static void
parse_ruleset(const char *m, size_t n, struct explain_line *out)
{
	struct fields f;

	fields_init(&f, m, n);
	out->kind = EXK_RULESET;
	get_field(&f, "ruleset", out->ruleset, sizeof(out->ruleset), false);
	get_field(&f, "arg1", out->verify_raw, sizeof(out->verify_raw), false);
	get_field(&f, "relay", out->relay, sizeof(out->relay), false);
	get_field(&f, "reject", out->problem, sizeof(out->problem), false);
	out->verify = explain_verify_parse(out->verify_raw);
	out->dir = strcmp(out->ruleset, "tls_client") == 0 ? EXD_SERVER : EXD_CLIENT;
}

/* "NAME(FILE) failed" after "error: ": the file in parentheses. */
static void
paren_file(const char *s, size_t n, char *dst, size_t size)
{
	const char *o = memchr(s, '(', n), *c;

	dst[0] = '\0';
	if (o == NULL)
		return;
	c = memchr(o, ')', n - (size_t)(o - s));
	if (c != NULL)
		copy_field(dst, size, o + 1, (size_t)(c - o - 1));
}

static bool
has(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

/* An OpenSSL error text: sort out the ones with a known meaning. */
static enum explain_kind
ssl_error_kind(const char *s, size_t n)
{
	if (has(s, n, "problems getting password") || has(s, n, "bad password read") ||
	    has(s, n, "bad decrypt") || has(s, n, "unable to get passphrase"))
		return EXK_PASSWORD;
	if (has(s, n, "key values mismatch"))
		return EXK_KEY_MISMATCH;
	return EXK_SSL_ERROR;
}

static void
parse_error(const char *e, size_t n, struct explain_line *out)
{
	copy_field(out->problem, sizeof(out->problem), e, n);
	if (starts(e, n, "accept failed=") || starts(e, n, "connect failed=")) {
		struct fields f;

		fields_init(&f, e, n);
		out->kind = EXK_HANDSHAKE;
		get_field(&f, "reason", out->verifymsg, sizeof(out->verifymsg), false);
		get_field(&f, "relay", out->relay, sizeof(out->relay), false);
	} else if (has(e, n, "check_private_key")) {
		out->kind = EXK_KEY_MISMATCH;
		paren_file(e, n, out->file, sizeof(out->file));
	} else if (has(e, n, "PrivateKey_file(")) {
		out->kind = EXK_KEY_LOAD;
		paren_file(e, n, out->file, sizeof(out->file));
	} else if (starts(e, n, "load verify locs ")) {
		const char *f = e + 17, *x = memmem(f, n - 17, " failed", 7);

		out->kind = EXK_LOAD_VERIFY;
		copy_field(out->file, sizeof(out->file), f, x ? (size_t)(x - f) : n - 17);
	} else if (has(e, n, "certificate") && has(e, n, ") failed")) {
		out->kind = EXK_CERT_LOAD;
		paren_file(e, n, out->file, sizeof(out->file));
	} else {
		out->kind = ssl_error_kind(e, n);
	}
}

/* "STARTTLS=who..." */
static void
parse_who(const char *m, size_t n, struct explain_line *out, bool summary)
{
	const char *p = m + 9, *end = m + n, *r, *u, *v;
	struct fields f;
	size_t rl, vl;

	if (starts(p, (size_t)(end - p), "server"))
		out->dir = EXD_SERVER;
	else if (starts(p, (size_t)(end - p), "client"))
		out->dir = EXD_CLIENT;
	while (p < end && *p != ',' && *p != ':')
		p++;
	if (p >= end) {
		out->kind = EXK_OTHER;
		return;
	}
	if (*p == ':') {
		r = p + 1 + (p + 1 < end && p[1] == ' ');
		rl = (size_t)(end - r);
		/* "file F unsafe: P": F may be empty, but " unsafe: " is searched after "file " */
		if (starts(r, rl, "file ") && (u = memmem(r + 5, rl - 5, " unsafe: ", 9)) != NULL) {
			out->kind = EXK_FILE_UNSAFE;
			copy_field(out->file, sizeof(out->file), r + 5, (size_t)(u - r - 5));
			copy_field(out->problem, sizeof(out->problem), u + 9, (size_t)(end - u - 9));
		} else {
			out->kind = ssl_error_kind(r, rl);
			copy_field(out->problem, sizeof(out->problem), r, rl);
		}
		return;
	}
	r = p + 1 + (p + 1 < end && p[1] == ' ');
	rl = (size_t)(end - r);
	if (starts(r, rl, "relay=") || starts(r, rl, "cert-subject="))
		fields_init(&f, r, rl);
	if (starts(r, rl, "relay=") && fields_get(&f, "verify", &v, &vl)) {
		out->kind = EXK_RESULT;
		get_field(&f, "relay", out->relay, sizeof(out->relay), false);
		copy_field(out->verify_raw, sizeof(out->verify_raw), v, vl);
		out->verify = explain_verify_parse(out->verify_raw);
		if (summary)
			return;
		get_field(&f, "version", out->version, sizeof(out->version), false);
		get_field(&f, "cipher", out->cipher, sizeof(out->cipher), false);
		get_field(&f, "bits", out->bits, sizeof(out->bits), false);
	} else if (starts(r, rl, "relay=") && has(r, rl, "status=trying_again")) {
		out->kind = EXK_FALLBACK;
		get_field(&f, "relay", out->relay, sizeof(out->relay), false);
	} else if (starts(r, rl, "cert-subject=")) {
		out->kind = EXK_CERT;
		get_field(&f, "verifymsg", out->verifymsg, sizeof(out->verifymsg), true);
		if (summary)
			return;
		get_field(&f, "cert-subject", out->subject, sizeof(out->subject), true);
		get_field(&f, "cert-issuer", out->issuer, sizeof(out->issuer), true);
	} else if (starts(r, rl, "init=")) {
		out->kind = EXK_INIT;
		copy_field(out->problem, sizeof(out->problem), r + 5, rl - 5);
	} else if (starts(r, rl, "error: ")) {
		parse_error(r + 7, rl - 7, out);
	} else if (starts(r, rl, "start=") || starts(r, rl, "Diffie-Hellman") ||
	    starts(r, rl, "SSL_shutdown") || starts(r, rl, "info:") || starts(r, rl, "get_verify") ||
	    starts(r, rl, "engine=") || starts(r, rl, "host=") ||
	    (starts(r, rl, "relay=") && has(r, rl, "AltName="))) {
		out->kind = EXK_NOISE;
	} else {
		out->kind = EXK_OTHER;
		copy_field(out->problem, sizeof(out->problem), r, rl);
	}
}

/* "STARTTLS: ..." */
static void
parse_colon(const char *m, size_t n, struct explain_line *out)
{
	const char *r = m + 10, *end = m + n, *d, *st, *re;
	size_t rl = n >= 10 ? n - 10 : 0;

	if (n < 10) {
		out->kind = EXK_OTHER;
		return;
	}
	if ((d = memmem(r, rl, " cert verify: depth=", 20)) != NULL) {
		out->kind = EXK_CERT_VERIFY;
		size_t left;

		out->depth = 0;
		for (d += 20; d < end && *d >= '0' && *d <= '9'; d++)
			if (out->depth < 1000)
				out->depth = out->depth * 10 + (*d - '0');
		while (d < end && *d != ' ')
			d++;
		left = d < end ? (size_t)(end - d) : 0;
		st = memmem(d, left, ", state=", 8);
		re = memmem(d, left, ", reason=", 9);
		if (left > 1)
			explain_xtext_decode(d + 1, (size_t)((st ? st : re ? re : end) - d - 1),
			    out->subject, sizeof(out->subject));
		if (re != NULL)
			explain_xtext_decode(re + 9, (size_t)(end - re - 9), out->verifymsg,
			    sizeof(out->verifymsg));
	} else if (ends(r, rl, " missing") && memchr(r, ' ', rl - 8) == NULL) {
		out->kind = EXK_MISSING;
		copy_field(out->file, sizeof(out->file), r, rl - 8);
	} else if (starts(r, rl, "read error=") || starts(r, rl, "write error=")) {
		out->kind = EXK_IO_ERROR;
		copy_field(out->problem, sizeof(out->problem), r, rl);
	} else if (starts(r, rl, "SSL3 alert ")) {
		out->kind = EXK_ALERT;
		copy_field(out->verifymsg, sizeof(out->verifymsg), r + 11, rl - 11);
	} else if (starts(r, rl, "can't switch")) {
		out->kind = EXK_HANDSHAKE;
		copy_field(out->problem, sizeof(out->problem), r, rl);
	} else if (has(r, rl, ":failed in ") || has(r, rl, ":error in ") ||
	    starts(r, rl, "info_callback")) {
		out->kind = EXK_NOISE;
	} else {
		out->kind = ssl_error_kind(r, rl);
		copy_field(out->problem, sizeof(out->problem), r, rl);
	}
}

static bool
parse(const char *line, size_t len, struct explain_line *out, bool summary)
{
	const char *m;
	size_t n;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	out->kind = EXK_NONE;
	out->dir = EXD_UNKNOWN;
	out->verify = EXV_UNSET;
	out->relay[0] = out->version[0] = out->verify_raw[0] = out->cipher[0] = '\0';
	out->bits[0] = out->subject[0] = out->issuer[0] = out->verifymsg[0] = '\0';
	out->file[0] = out->problem[0] = out->ruleset[0] = '\0';
	out->depth = -1;
	out->msg = NULL;
	out->msg_len = 0;
	if ((m = message_start(line, len)) == NULL)
		return false;
	n = (size_t)(line + len - m);
	parse_framing(line, (size_t)(m - line), out);
	out->msg = m;
	out->msg_len = n;
	if (m[0] == 'r')
		parse_ruleset(m, n, out);
	else if (m[8] == '=')
		parse_who(m, n, out, summary);
	else
		parse_colon(m, n, out);
	return out->kind != EXK_NONE;
}

bool
explain_parse(const char *line, size_t len, struct explain_line *out)
{
	return parse(line, len, out, false);
}

bool
explain_parse_summary(const char *line, size_t len, struct explain_line *out)
{
	return parse(line, len, out, true);
}
