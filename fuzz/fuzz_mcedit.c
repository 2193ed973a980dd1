/*
 * fuzz_mcedit.c: a sendmail.mc through mcedit_merge. Properties: merging the same block again
 * changes nothing (also with another header comment), the result holds the block once, and
 * a block with other settings merges into the result and is idempotent in turn.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "smtls/mcedit.h"

#define B1	"dnl # BEGIN smtls\ndnl # header 1\ndefine(`confSERVER_CERT', ``/a.pem'')dnl\n" \
		"define(`confCACERT', ``/ca.pem'')dnl\ndnl # END smtls\n"
#define B1B	"dnl # BEGIN smtls\ndnl # header 2, another date\n" \
		"define(`confSERVER_CERT', ``/a.pem'')dnl\ndefine(`confCACERT', ``/ca.pem'')dnl\n" \
		"dnl # END smtls\n"
#define B2	"dnl # BEGIN smtls\ndefine(`confSERVER_CERT', ``/b.pem'')dnl\ndnl # END smtls\n"

static char *macros[] = { (char *)"confSERVER_CERT", (char *)"confCACERT", (char *)"confCRL" };

/* Merges block into mc, which must succeed, and returns the result text. */
static char *
merge_ok(const char *mc, const char *block, size_t *commented)
{
	struct mcedit_result r;
	char *err = NULL, *t;

	if (mcedit_merge(mc, block, macros, 3, &r, &err) == -1)
		abort();	/* smtls's own output must merge again */
	t = r.text;
	r.text = NULL;
	*commented = r.commented;
	mcedit_result_free(&r);
	return t;
}

/* The number of lines that are the marker, blanks (and a CR) around it aside. */
static size_t
marker_lines(const char *text, const char *marker)
{
	size_t n = 0, ml = strlen(marker);
	const char *p = text;

	while (*p != '\0') {
		const char *q = p;

		while (*q == ' ' || *q == '\t' || *q == '\r')
			q++;
		if (strncmp(q, marker, ml) == 0) {
			q += ml;
			while (*q == ' ' || *q == '\t' || *q == '\r')
				q++;
			n += *q == '\n' || *q == '\0';
		}
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return n;
}

static void
check_once(const char *text, const char *block)
{
	if (strstr(text, block) == NULL || marker_lines(text, "dnl # BEGIN smtls") != 1 ||
	    marker_lines(text, "dnl # END smtls") != 1)
		abort();	/* the block, once */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *mc = fuzz_text(data, size), *err = NULL, *t2, *t3, *t4;
	struct mcedit_result r;
	size_t commented;

	if (mcedit_merge(mc, B1, macros, 3, &r, &err) == -1) {
		if (err == NULL)
			abort();
		free(err);
		free(mc);
		return 0;
	}
	if (err != NULL)
		abort();
	check_once(r.text, B1);
	t2 = merge_ok(r.text, B1, &commented);
	if (strcmp(t2, r.text) != 0 || commented != 0)
		abort();	/* merging twice equals merging once */
	free(t2);
	t2 = merge_ok(r.text, B1B, &commented);
	if (strcmp(t2, r.text) != 0 || commented != 0)
		abort();	/* the same settings: kept byte for byte */
	free(t2);
	t3 = merge_ok(r.text, B2, &commented);
	check_once(t3, B2);
	t4 = merge_ok(t3, B2, &commented);
	if (strcmp(t4, t3) != 0 || commented != 0)
		abort();
	free(t3);
	free(t4);
	mcedit_result_free(&r);
	free(mc);
	return 0;
}
