/* unit_mcedit.c: TAP tests of the sendmail.mc editor (mcedit_merge) and the unified diff (udiff). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "smtls/mcedit.h"
#include "smtls/udiff.h"
#include "smtls/xmalloc.h"

#define BLOCK1 "dnl # BEGIN smtls\ndnl # header 1\ndefine(`confSERVER_CERT', ``/a.pem'')dnl\ndnl # END smtls\n"
#define BLOCK1B "dnl # BEGIN smtls\ndnl # header 2, another date\ndefine(`confSERVER_CERT', ``/a.pem'')dnl\ndnl # END smtls\n"
#define BLOCK2 "dnl # BEGIN smtls\ndefine(`confSERVER_CERT', ``/b.pem'')dnl\ndnl # END smtls\n"

/* Random sendmail.mc texts from lines that exercise the editor (fixed seed: reproducible). */
static const char *const vocab[] = {
	"OSTYPE(`linux')dnl", "define(`confSERVER_CERT', `/x')dnl", "define(`confCACERT',dnl",
	"`/y')dnl", "#define(`confCACERT', `/z')", "dnl define(`confSERVER_CERT', `/d')dnl",
	"MAILER(`local')dnl", "MAILER_DEFINITIONS", "dnl # BEGIN smtls", "dnl # END smtls",
	"include(`/usr/share/sendmail/cf/m4/cf.m4')dnl", "define(`confOTHER', `(')dnl", "",
	"# a comment: define(`confSERVER_CERT', `/c')", "undefine(`confCACERT')dnl",
	"  define( `confSERVER_CERT' , `/s')dnl", "define(`confSERVER_CERT_EXTRA', `/e')dnl",
};
static unsigned long rnd_state = 12345;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

/* The input without its smtls block: what the output must hold around the new block. */
static char *
strip_block(const char *text, int uncomment)
{
	struct buf b = { 0 };
	const char *p = text;
	int in = 0;

	buf_puts(&b, "");
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p + 1) : strlen(p);

		if (strncmp(p, "dnl # BEGIN smtls", 17) == 0)
			in = 1;
		if (!in) {
			if (uncomment && strncmp(p, "dnl smtls: ", 11) == 0)
				buf_append(&b, p + 11, len - 11);
			else
				buf_append(&b, p, len);
		}
		if (strncmp(p, "dnl # END smtls", 15) == 0)
			in = 0;
		p += len;
	}
	return buf_release(&b);
}

static void
random_merges(void)
{
	char *macros[] = { (char *)"confSERVER_CERT", (char *)"confCACERT" };
	int i, merged = 0, idem = 0, kept = 0, clean = 0, one_block = 0;
	const int rounds = 3000;

	for (i = 0; i < rounds; i++) {
		struct buf mc = { 0 };
		struct mcedit_result r, r2;
		char *err = NULL, *a, *b;
		unsigned k, nl = rnd(14);

		buf_puts(&mc, "");
		for (k = 0; k < nl; k++)
			buf_printf(&mc, "%s\n", vocab[rnd(sizeof(vocab) / sizeof(vocab[0]))]);
		if (mcedit_merge(mc.data, BLOCK1, macros, 2, &r, &err) == -1) {
			free(err);
			buf_free(&mc);
			continue;
		}
		merged++;
		if (mcedit_merge(r.text, BLOCK1B, macros, 2, &r2, &err) == 0) {
			idem += strcmp(r2.text, r.text) == 0;
			clean += r2.commented == 0;
			mcedit_result_free(&r2);
		} else
			free(err);
		a = strip_block(mc.data, 0);
		b = strip_block(r.text, 1);
		kept += strcmp(a, b) == 0;
		free(a);
		free(b);
		one_block += strstr(r.text, BLOCK1) != NULL &&
		    strstr(strstr(r.text, BLOCK1) + 1, "dnl # BEGIN smtls") == NULL;
		mcedit_result_free(&r);
		buf_free(&mc);
	}
	diag("%d of %d random mcs merged", merged, rounds);
	ok(merged > rounds / 4, "random mcs: most merge (the others have a broken block or define)");
	ok(one_block == merged, "random mcs: exactly one smtls block, the new one");
	ok(idem == merged, "random mcs: merging again changes nothing");
	ok(clean == merged, "random mcs: no live define of the macros is left outside the block");
	ok(kept == merged, "random mcs: every other line is kept, in order (commented ones with the prefix)");
}

/*
 * Applies a unified diff made by udiff to a (a tiny patch(1)): the hunks in order, context
 * and removed lines checked against a. Returns the result, or NULL when the diff does not fit.
 */
static char *
patch(const char *a, const char *diff)
{
	struct buf out = { 0 };
	const char *d = diff, *ap = a;
	long aline = 1;

	if (*d == '\0')
		return xstrdup(a);
	buf_puts(&out, "");
	d = strchr(d, '\n') + 1;
	d = strchr(d, '\n') + 1;	/* past ---, +++ */
	while (*d) {
		long as, ac, bs, bc;

		if (sscanf(d, "@@ -%ld,%ld +%ld,%ld @@", &as, &ac, &bs, &bc) != 4)
			goto bad;
		if (ac == 0)
			as++;	/* "-N,0": the hunk goes after line N */
		while (aline < as) {	/* copy a's lines up to the hunk */
			const char *e = strchr(ap, '\n');

			if (e == NULL)
				goto bad;
			buf_append(&out, ap, (size_t)(e - ap + 1));
			ap = e + 1;
			aline++;
		}
		d = strchr(d, '\n') + 1;
		while (*d == ' ' || *d == '-' || *d == '+' || *d == '\\') {
			const char *e = strchr(d, '\n');
			size_t len = (size_t)(e - d);	/* without the newline */

			if (*d == '\\') {	/* the texts here all end in a newline */
				d = e + 1;
				continue;
			}
			if (*d != '+') {
				const char *ae = strchr(ap, '\n');
				size_t al = ae ? (size_t)(ae - ap) : strlen(ap);

				if (al != len - 1 || memcmp(ap, d + 1, al) != 0)
					goto bad;
				ap = ae ? ae + 1 : ap + al;
				aline++;
			}
			if (*d != '-') {
				buf_append(&out, d + 1, len - 1);
				buf_puts(&out, "\n");
			}
			d = e + 1;
		}
	}
	buf_puts(&out, ap);
	return buf_release(&out);
bad:
	buf_free(&out);
	return NULL;
}

static void
random_diffs(void)
{
	static const char *const words[] = { "a", "b", "c", "define(x)", "", "MAILER" };
	int i, good = 0, empty_when_same = 1, same = 0;
	const int rounds = 2000;

	for (i = 0; i < rounds; i++) {
		struct buf a = { 0 }, b = { 0 };
		unsigned k, na = rnd(30);
		char *d, *r;

		buf_puts(&a, "");
		buf_puts(&b, "");
		for (k = 0; k < na; k++)
			buf_printf(&a, "%s\n", words[rnd(6)]);
		/* b: a with a few random edits */
		{
			const char *p = a.data;

			while (*p) {
				const char *e = strchr(p, '\n');
				unsigned op = rnd(10);

				if (op == 0)
					buf_printf(&b, "%s\n", words[rnd(6)]);	/* insert */
				if (op != 1)	/* op 1: delete */
					buf_append(&b, p, (size_t)(e - p + 1));
				p = e + 1;
			}
			if (rnd(4) == 0)
				buf_printf(&b, "%s\n", words[rnd(6)]);
		}
		d = udiff(a.data, b.data, "a", "b");
		if (strcmp(a.data, b.data) == 0) {
			same++;
			empty_when_same &= *d == '\0';
		}
		r = patch(a.data, d);
		good += r != NULL && strcmp(r, b.data) == 0;
		if (r == NULL || strcmp(r, b.data) != 0)
			diag("a:\n%sb:\n%sdiff:\n%s", a.data, b.data, d);
		free(r);
		free(d);
		buf_free(&a);
		buf_free(&b);
	}
	ok(good == rounds, "random texts: the diff patched onto a gives b");
	okf(same > 0 && empty_when_same, "random texts: equal texts give no diff (%d cases)", same);
}

int
main(void)
{
	char *macros[] = { (char *)"confSERVER_CERT", (char *)"confCACERT" };
	struct mcedit_result r, r2;
	char *err = NULL, *d;

	/* a plain mc: the block goes before the first MAILER line */
	ok(mcedit_merge("OSTYPE(`linux')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n", BLOCK1,
	    macros, 2, &r, &err) == 0, "plain mc merges");
	is(r.text, "OSTYPE(`linux')dnl\n" BLOCK1 "MAILER(`local')dnl\nMAILER(`smtp')dnl\n",
	    "block before the first MAILER(");
	ok(r.block_line == 2 && !r.had_block && r.commented == 0, "block line 2, no old block");

	/* merging the same block again changes nothing, even with another header */
	ok(mcedit_merge(r.text, BLOCK1B, macros, 2, &r2, &err) == 0, "re-merge");
	is(r2.text, r.text, "same settings: the old block is kept byte for byte");
	ok(r2.had_block && r2.same_block, "had_block and same_block set");
	mcedit_result_free(&r2);

	/* other settings replace the block in place */
	ok(mcedit_merge(r.text, BLOCK2, macros, 2, &r2, &err) == 0, "merge other settings");
	is(r2.text, "OSTYPE(`linux')dnl\n" BLOCK2 "MAILER(`local')dnl\nMAILER(`smtp')dnl\n",
	    "block replaced in place");
	mcedit_result_free(&r2);
	mcedit_result_free(&r);

	/* live defines are commented out, all lines of a multi-line one; others are left */
	ok(mcedit_merge("# define(`confCACERT', `/x') is a comment here\n"
	    "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
	    "define(`confSERVER_CERT', `/old.pem')dnl\n"
	    "define(`confCACERT',dnl\n  `/old-ca.pem')dnl\n"
	    "#define(`confCACERT', `/live-after-include')\n"
	    "dnl define(`confSERVER_CERT', `/disabled')dnl\n"
	    "undefine(`confSERVER_CERT')dnl\n"
	    "define(`confSERVER_CERT_X', `/other')dnl\n"
	    "MAILER_DEFINITIONS\nMAILER(`local')dnl\n", BLOCK1, macros, 2, &r, &err) == 0,
	    "mc with conflicting defines merges");
	is(r.text, "# define(`confCACERT', `/x') is a comment here\n"
	    "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
	    "dnl smtls: define(`confSERVER_CERT', `/old.pem')dnl\n"
	    "dnl smtls: define(`confCACERT',dnl\ndnl smtls:   `/old-ca.pem')dnl\n"
	    "dnl smtls: #define(`confCACERT', `/live-after-include')\n"
	    "dnl define(`confSERVER_CERT', `/disabled')dnl\n"
	    "undefine(`confSERVER_CERT')dnl\n"
	    "define(`confSERVER_CERT_X', `/other')dnl\n"
	    BLOCK1 "MAILER_DEFINITIONS\nMAILER(`local')dnl\n",
	    "live defines commented (multi-line too), comments/dnl/undefine/other names kept");
	ok(r.commented == 4 && r.commented_lines[0] == 3 && r.commented_lines[3] == 6,
	    "4 lines commented: 3, 4, 5, 6");
	mcedit_result_free(&r);

	/* a dnl'd include of cf.m4 does not turn comments off; the live one does */
	ok(mcedit_merge("dnl include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
	    "# define(`confCACERT', `/a')\n"
	    "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
	    "# define(`confCACERT', `/b')\n", BLOCK1, macros, 2, &r, &err) == 0,
	    "mc with a dnl'd include merges");
	is(r.text, "dnl include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
	    "# define(`confCACERT', `/a')\n"
	    "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
	    "dnl smtls: # define(`confCACERT', `/b')\n" BLOCK1,
	    "a # line is a comment before the live include only");
	mcedit_result_free(&r);

	/* the comment heading the MAILER lines stays with them */
	ok(mcedit_merge("FEATURE(`x')dnl\ndnl #\ndnl # Default Mailer setup\nMAILER_DEFINITIONS\n",
	    BLOCK1, macros, 2, &r, &err) == 0, "mc with a comment above MAILER_DEFINITIONS merges");
	is(r.text, "FEATURE(`x')dnl\n" BLOCK1 "dnl #\ndnl # Default Mailer setup\nMAILER_DEFINITIONS\n",
	    "the block goes above that comment");
	mcedit_result_free(&r);

	/* Debian: an include of starttls.m4 after the MAILER lines: the block goes after it,
	 * where its defines win; a dnl'd or #-commented include does not count; an old block
	 * above it moves below it */
#define DEB_HEAD "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\nMAILER(`local')dnl\n"
#define DEB_INC "include(`/etc/mail/tls/starttls.m4')dnl\n"
	ok(mcedit_merge(DEB_HEAD DEB_INC "dnl include(`/x.m4')dnl\n", BLOCK1, macros, 2, &r,
	    &err) == 0, "mc with starttls.m4 after MAILER merges");
	is(r.text, DEB_HEAD DEB_INC BLOCK1 "dnl include(`/x.m4')dnl\n",
	    "the block goes after the live include of starttls.m4");
	mcedit_result_free(&r);
	ok(mcedit_merge(DEB_HEAD BLOCK2 DEB_INC, BLOCK1, macros, 2, &r, &err) == 0,
	    "mc with an old block above starttls.m4 merges");
	is(r.text, DEB_HEAD DEB_INC BLOCK1, "the old block is replaced below the include");
	mcedit_result_free(&r);
	ok(mcedit_merge("include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n" DEB_INC
	    "MAILER(`local')dnl\n", BLOCK1, macros, 2, &r, &err) == 0,
	    "mc with starttls.m4 before MAILER merges");
	is(r.text, "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n" DEB_INC BLOCK1
	    "MAILER(`local')dnl\n", "an include before MAILER keeps the block before MAILER");
	mcedit_result_free(&r);
#undef DEB_HEAD
#undef DEB_INC

	/* no MAILER line: appended, even without a final newline */
	ok(mcedit_merge("OSTYPE(`linux')dnl", BLOCK1, macros, 2, &r, &err) == 0,
	    "mc without MAILER merges");
	is(r.text, "OSTYPE(`linux')dnl\n" BLOCK1, "block appended at the end");
	mcedit_result_free(&r);

	/* a CRLF file: its block is found and replaced, not doubled */
	ok(mcedit_merge("OSTYPE(`linux')dnl\r\ndnl # BEGIN smtls\r\nold\r\ndnl # END smtls\r\n"
	    "MAILER(`local')dnl\r\n", BLOCK1, macros, 2, &r, &err) == 0 && r.had_block,
	    "CRLF: the old block is found");
	is(r.text, "OSTYPE(`linux')dnl\r\n" BLOCK1 "MAILER(`local')dnl\r\n", "CRLF: replaced in place");
	mcedit_result_free(&r);

	/* broken blocks and defines are refused */
	ok(mcedit_merge("dnl # BEGIN smtls\nMAILER(`local')dnl\n", BLOCK1, macros, 2, &r2, &err)
	    == -1 && err && strstr(err, "without its"), "BEGIN without END refused");
	free(err);
	err = NULL;
	ok(mcedit_merge(BLOCK1 BLOCK1, BLOCK1, macros, 2, &r2, &err) == -1 && err &&
	    strstr(err, "second"), "two blocks refused");
	free(err);
	err = NULL;
	ok(mcedit_merge("define(`confCACERT', `/x'\nMAILER(`local')dnl\n", BLOCK1, macros, 2, &r2,
	    &err) == -1 && err && strstr(err, "never closes"), "unclosed define refused");
	free(err);

	random_merges();

	random_diffs();

	/* udiff */
	d = udiff("a\nb\nc\n", "a\nb\nc\n", "x", "y");
	is(d, "", "udiff: equal texts give nothing");
	free(d);
	d = udiff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", "a/f", "b/f");
	is(d, "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n", "udiff: one hunk");
	free(d);
	d = udiff("", "new\n", "/dev/null", "f");
	is(d, "--- /dev/null\n+++ f\n@@ -0,0 +1,1 @@\n+new\n", "udiff: from nothing");
	free(d);
	d = udiff("a\nb", "a\nb\n", "x", "y");
	is(d, "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
	    "udiff: missing final newline");
	free(d);

	return tap_done();
}
