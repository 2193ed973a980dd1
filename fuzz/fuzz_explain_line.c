/*
 * fuzz_explain_line.c: one log line through explain_parse, explain_describe and the summary;
 * the same bytes as the value of a Received: field through explain_received_parse and
 * explain_describe_hop; explain_parse_summary must agree with explain_parse.
 * The line is parsed twice: from an exact-size copy (ASan sees any read past its end) and
 * followed by a canary that must never show up in what is recognised (a plain build's view
 * of the same bug: text after the line copied into the output).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "smtls/explain.h"
#include "smtls/xmalloc.h"

#define CANARY		((char)0xfe)
#define CANARY_LEN	1024

static bool
has_canary(const char *s)
{
	return strchr(s, CANARY) != NULL;
}

static void
check_fields(const struct explain_line *l)
{
	const char *const f[] = { l->when, l->relay, l->version, l->verify_raw, l->cipher,
		l->bits, l->subject, l->issuer, l->verifymsg, l->file, l->problem, l->ruleset };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (has_canary(f[i]))
			abort();	/* bytes from after the line */
}

/* explain_parse_summary: what explain_parse says, but the fields a summary does not read. */
static void
check_summary(const char *line, size_t size, bool full, const struct explain_line *l)
{
	struct explain_line s;
	bool lazy = l->kind == EXK_RESULT || l->kind == EXK_CERT;

	if (explain_parse_summary(line, size, &s) != full)
		abort();
	if (!full)
		return;		/* *l is not filled in then */
	if (s.kind != l->kind ||
	    s.dir != l->dir || s.verify != l->verify || s.pid != l->pid || s.depth != l->depth ||
	    s.msg != l->msg || s.msg_len != l->msg_len || strcmp(s.when, l->when) != 0 ||
	    strcmp(s.relay, l->relay) != 0 || strcmp(s.verify_raw, l->verify_raw) != 0 ||
	    strcmp(s.verifymsg, l->verifymsg) != 0 || strcmp(s.problem, l->problem) != 0 ||
	    strcmp(s.ruleset, l->ruleset) != 0 || strcmp(s.file, l->file) != 0)
		abort();
	if (!lazy && (strcmp(s.version, l->version) != 0 || strcmp(s.cipher, l->cipher) != 0 ||
	    strcmp(s.bits, l->bits) != 0 || strcmp(s.subject, l->subject) != 0 ||
	    strcmp(s.issuer, l->issuer) != 0))
		abort();
}

/* The canary can be in the input, or be made by an xtext escape (+FE). */
static bool
canary_possible(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if ((char)data[i] == CANARY || (data[i] == '+' && i + 1 < size &&
		    (data[i + 1] == 'F' || data[i + 1] == 'f')))
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct explain_summary sum;
	static struct explain_hop hop[1];
	static unsigned long calls;
	struct findings fs = { 0 };
	struct explain_line l;
	struct explanation e;
	char *line = xmalloc(size ? size : 1), *padded;
	bool full;

	if (calls++ % 4096 == 0) {	/* a fresh summary now and then: bounded anyway */
		if (calls > 1)
			explain_summary_free(&sum);
		explain_summary_init(&sum);
	}
	memcpy(line, data, size);
	full = explain_parse(line, size, &l);
	check_summary(line, size, full, &l);
	if (full) {
		if (l.msg < line || l.msg_len > size || l.msg > line + size - l.msg_len)
			abort();	/* the message lies inside the line */
		if ((unsigned)l.verify >= EXV_COUNT || (unsigned)l.kind > EXK_OTHER)
			abort();
		explain_describe(&l, &e);
		(void)explanation_to_finding(&e, &fs);
		explanation_clear(&e);
		explain_summary_add(&sum, &l);
	}
	explain_received_parse(line, size, hop);
	explain_describe_hop(hop, &e);
	explanation_clear(&e);
	free(line);
	if (!canary_possible(data, size)) {
		padded = xmalloc(size + CANARY_LEN);
		memcpy(padded, data, size);
		memset(padded + size, CANARY, CANARY_LEN);
		if (explain_parse(padded, size, &l))
			check_fields(&l);
		explain_received_parse(padded, size, hop);
		if (has_canary(hop->text) || has_canary(hop->from) || has_canary(hop->by) ||
		    has_canary(hop->date) || has_canary(hop->from_ip))
			abort();
		free(padded);
	}
	findings_free(&fs);
	return 0;
}
