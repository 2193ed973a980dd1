/* namehash.c: openssl's subject hash of a plain Name, made from its DER without an X509_NAME. */
#include "config.h"

/* SHA1_Init() and its kind are deprecated in OpenSSL 3 (for EVP), and kept: see sha1_digest() */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "smtls/namehash.h"
#include "smtls/xmalloc.h"

#define NAME_FAST_MAX	4096	/* a longer name is left to OpenSSL */

/*
 * One TLV header of minimal DER at *p, a one-byte tag: its tag in *tag, its content's length
 * in *clen, *p moved to the content. False for anything else, or content past end.
 */
static bool
tlv(const unsigned char **p, const unsigned char *end, unsigned char *tag, size_t *clen)
{
	const unsigned char *q = *p;
	size_t n;

	if (end - q < 2 || (q[0] & 0x1f) == 0x1f)
		return false;
	*tag = q[0];
	if (q[1] < 0x80) {
		n = q[1];
		q += 2;
	} else if (q[1] == 0x81 && end - q >= 3 && q[2] >= 0x80) {
		n = q[2];
		q += 3;
	} else if (q[1] == 0x82 && end - q >= 4 && q[2] != 0) {
		n = (size_t)q[2] << 8 | q[3];
		q += 4;
	} else {
		return false;
	}
	if ((size_t)(end - q) < n)
		return false;
	*p = q;
	*clen = n;
	return true;
}

/* Appends a DER header of tag and length n. */
static unsigned char *
put_header(unsigned char *o, unsigned char tag, size_t n)
{
	*o++ = tag;
	if (n < 0x80) {
		*o++ = (unsigned char)n;
	} else if (n < 0x100) {
		*o++ = 0x81;
		*o++ = (unsigned char)n;
	} else {
		*o++ = 0x82;
		*o++ = (unsigned char)(n >> 8);
		*o++ = (unsigned char)n;
	}
	return o;
}

static size_t
header_len(size_t n)
{
	return n < 0x80 ? 2 : n < 0x100 ? 3 : 4;
}

/* An OBJECT IDENTIFIER's content as OpenSSL accepts it: no 0x80 padding, a last byte that ends. */
static bool
oid_ok(const unsigned char *p, size_t n)
{
	size_t i;

	if (n == 0 || (p[n - 1] & 0x80))
		return false;
	for (i = 0; i < n; i++)
		if (p[i] == 0x80 && (i == 0 || !(p[i - 1] & 0x80)))
			return false;
	return true;
}

/* The length of the well-formed UTF-8 sequence of a non-ASCII character at s; 0 if it is not one. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;		/* not overlong */
	else if (s[0] == 0xed)
		hi = 0x9f;		/* not a surrogate */
	else if (s[0] == 0xf0)
		lo = 0x90;		/* not overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f;		/* not past U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * The canonical value of a string of printable ASCII (and, in a UTF8String, well-formed
 * UTF-8, copied as it is): spaces trimmed at both ends, every run of spaces one space, ASCII
 * letters lower case. Its length; -1 when the string is not that.
 */
static long
canon_value(const unsigned char *s, size_t n, bool utf8, unsigned char *out)
{
	size_t i = 0, o = 0, k;

	for (i = 0; i < n; i += k) {
		k = 1;
		if (s[i] >= 0x80 && (!utf8 || (k = utf8_seq(s + i, n - i)) == 0))
			return -1;
		if (s[i] < 0x20 || s[i] == 0x7f)
			return -1;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	for (i = 0; i < n && s[i] == ' '; i++)
		;
	while (i < n) {
		if (s[i] == ' ') {
			out[o++] = ' ';
			while (s[i] == ' ')
				i++;
		} else {
			unsigned char c = s[i++];

			out[o++] = c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
		}
	}
	return (long)o;
}

void
sha1_digest(const void *p, size_t n, unsigned char md[NAMEHASH_SHA1_LEN])
{
	SHA_CTX c;

	SHA1_Init(&c);
	SHA1_Update(&c, p, n);
	SHA1_Final(md, &c);
}

int
namehash_der(const unsigned char *der, long len, unsigned long *hash, long *used)
{
	const unsigned char *p = der, *end, *name_end;
	unsigned char canon[NAME_FAST_MAX], value[NAME_FAST_MAX], md[NAMEHASH_SHA1_LEN], tag, *o;
	size_t n;

	if (len <= 0 || !tlv(&p, der + len, &tag, &n) || tag != 0x30 || n == 0 ||
	    n > NAME_FAST_MAX)
		return 0;
	name_end = p + n;
	o = canon;
	while (p < name_end) {
		const unsigned char *oid, *str;
		size_t oid_n, str_n, seq_n;
		long cv;

		/* RDN: SET { SEQUENCE { OBJECT IDENTIFIER, string } }, one attribute only */
		if (!tlv(&p, name_end, &tag, &n) || tag != 0x31)
			return 0;
		end = p + n;
		if (!tlv(&p, end, &tag, &n) || tag != 0x30 || p + n != end)
			return 0;
		oid = p;
		if (!tlv(&p, end, &tag, &oid_n) || tag != 0x06 || !oid_ok(p, oid_n))
			return 0;
		p += oid_n;
		oid_n = (size_t)(p - oid);			/* the whole TLV */
		if (!tlv(&p, end, &tag, &str_n) || p + str_n != end)
			return 0;
		if (tag != 0x0c && tag != 0x13 && tag != 0x14 && tag != 0x16)
			return 0;	/* UTF8, Printable, T61, IA5: the others are OpenSSL's */
		str = p;
		p = end;
		if ((cv = canon_value(str, str_n, tag == 0x0c, value)) < 0)
			return 0;
		/* the canonical RDN: SET { SEQUENCE { the OID, UTF8String value } } */
		seq_n = oid_n + header_len((size_t)cv) + (size_t)cv;
		o = put_header(o, 0x31, header_len(seq_n) + seq_n);
		o = put_header(o, 0x30, seq_n);
		memcpy(o, oid, oid_n);
		o += oid_n;
		o = put_header(o, 0x0c, (size_t)cv);
		memcpy(o, value, (size_t)cv);
		o += cv;
	}
	sha1_digest(canon, (size_t)(o - canon), md);
	*hash = ((unsigned long)md[0] | (unsigned long)md[1] << 8 | (unsigned long)md[2] << 16 |
	    (unsigned long)md[3] << 24) & 0xffffffffUL;
	*used = (long)(name_end - der);
	return 1;
}
