/* unit_explain.c: TAP unit tests of the log-line recogniser, the summary bound and probe targets. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "smtls/explain.h"
#include "smtls/probe.h"
#include "smtls/xmalloc.h"
#include "tap.h"

static void
test_xtext(void)
{
	char out[64];

	explain_xtext_decode("Let's+20Encrypt", 15, out, sizeof(out));
	is(out, "Let's Encrypt", "xtext: +20 is a space");
	explain_xtext_decode("a+2", 3, out, sizeof(out));
	is(out, "a+2", "xtext: a cut escape at the end stays as written");
	explain_xtext_decode("a+zz+2B", 7, out, sizeof(out));
	is(out, "a+zz+", "xtext: +zz is not an escape, +2B is '+'");
	explain_xtext_decode("x+0Ay", 5, out, sizeof(out));
	is(out, "x?y", "xtext: control characters become '?'");
	explain_xtext_decode("abcdefgh", 8, out, 4);
	is(out, "abc", "xtext: the output is cut to its size");
}

/* explain_scan finds the string at every offset, in the SIMD part and in the tail */
static void
test_scan(void)
{
	static const char *const needles[] = { "STARTTLS", "ruleset=tls_" };
	char buf[128];
	size_t k, len, off;
	int bad = 0, checked = 0;

	for (k = 0; k < 2; k++) {
		size_t nl = strlen(needles[k]);

		for (len = nl; len <= 80; len++) {
			for (off = 0; off + nl <= len; off++) {
				const char *r;

				memset(buf, 'x', len);
				/* near misses before the real one */
				if (off >= 8)
					memcpy(buf, "STARTTL_", 8);
				memcpy(buf + off, needles[k], nl);
				r = explain_scan(buf, buf + len);
				checked++;
				if (r != buf + off)
					bad++;
			}
		}
	}
	okf(bad == 0, "scan: found at each of %d offsets and buffer lengths", checked);

	/* the newline count that comes with the scan, against a plain count */
	bad = checked = 0;
	for (len = 12; len <= 100; len++) {
		for (off = 0; off + 8 <= len; off += 3) {
			size_t j, want = 0, got = 99;
			const char *r;

			for (j = 0; j < len; j++)
				buf[j] = (j * 7 + len) % 5 == 0 ? '\n' : 'y';
			memcpy(buf + off, "STARTTLS", 8);
			for (j = 0; j < off; j++)
				want += buf[j] == '\n';
			r = explain_scan_lines(buf, buf + len, &got);
			checked++;
			if (r != buf + off || got != want)
				bad++;
			memset(buf + off, 'y', 8);
			for (j = off, want = 0; j < len; j++)
				want += buf[j] == '\n';
			for (j = 0; j < off; j++)
				want += buf[j] == '\n';
			if (explain_scan_lines(buf, buf + len, &got) != NULL || got != want)
				bad++;
		}
	}
	okf(bad == 0, "scan: the newline count is right before a hit and to the end (%d cases)",
	    checked);
	memset(buf, 'x', sizeof(buf));
	memcpy(buf + 100, "STARTTLS", 8);
	ok(explain_scan(buf, buf + 107) == NULL, "scan: a string cut by the end is not found");
	memcpy(buf + 10, "=TLS_AES", 8);
	ok(explain_scan(buf, buf + 99) == NULL, "scan: 'cipher=TLS_' is not a false match");
}

static void
test_parse(void)
{
	struct explain_line l;
	const char *s;

	s = "Nov  5 01:02:03 mx sm-mta[77]: STARTTLS=client, relay=a.example., version=TLSv1.2, "
	    "verify=DANE_FAIL, cipher=X, bits=128/128";
	ok(explain_parse(s, strlen(s), &l) && l.kind == EXK_RESULT && l.verify == EXV_DANE_FAIL &&
	    l.pid == 77 && strcmp(l.when, "Nov  5 01:02:03") == 0, "parse: result line, pid, when");
	s = "STARTTLS: x509 cert verify: depth=3 /CN=a+2Cb, state=1, reason=ok";
	ok(explain_parse(s, strlen(s), &l) && l.kind == EXK_CERT_VERIFY && l.depth == 3 &&
	    strcmp(l.subject, "/CN=a,b") == 0, "parse: depth line, subject decoded");
	s = "STARTTLS: ClientCertFile missing";
	ok(explain_parse(s, strlen(s), &l) && l.kind == EXK_MISSING &&
	    strcmp(l.file, "ClientCertFile") == 0, "parse: an option that is missing");
	s = "xSTARTTLS=client, relay=a, verify=OK";
	ok(!explain_parse(s, strlen(s), &l), "parse: STARTTLS inside a word is not a message");
	s = "STARTTLS";
	ok(!explain_parse(s, strlen(s), &l), "parse: a bare word is not a message");
	s = "STARTTLS=client, relay=a, version=TLSv1.3, verify=OK\r\n";
	ok(explain_parse(s, strlen(s), &l) && strcmp(l.verify_raw, "OK") == 0,
	    "parse: CR and LF at the end are dropped");
	s = "STARTTLS=server, relay=a, verify=";
	ok(explain_parse(s, strlen(s), &l) && l.verify == EXV_UNSET, "parse: an empty verify=");
}

/* Random fragments glued together: the parser and the explanations must never fault. */
static void
test_fuzz(void)
{
	static const char *const frag[] = {
		"STARTTLS=client, ", "STARTTLS=server: ", "STARTTLS: ", "ruleset=tls_server, ",
		"relay=", "verify=", "FAIL", "OK", "DANE_", ", ", "=", "+2", "+20", "+", "depth=",
		" cert verify: depth=", ", state=", ", reason=", "cert-subject=", ", verifymsg=",
		"error: ", "accept failed=", "SSL_CTX_use_PrivateKey_file(", ")", "(", " failed",
		"file ", " unsafe: ", " missing", "<13>1 ", "Nov 25 01:02:03 ", "h p[", "]: ",
		"2026-11-25T00:00:00Z ", "[", "]", "\t", "x", "reject=", "arg1=", "init=",
		"SSL3 alert ", "read error=", "load verify locs ", "status=trying_again",
	};
	struct explain_summary sum;
	struct explain_line l;
	struct explanation e;
	char line[512], *exact;
	unsigned long seed = 12345, n, recognised = 0;

	explain_summary_init(&sum);
	for (n = 0; n < 100000; n++) {
		size_t len = 0, parts, i;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		parts = 1 + (seed >> 33) % 12;
		for (i = 0; i < parts; i++) {
			const char *f;
			size_t fl;

			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			f = frag[(seed >> 33) % (sizeof(frag) / sizeof(frag[0]))];
			fl = strlen(f);
			if (len + fl >= sizeof(line))
				break;
			memcpy(line + len, f, fl);
			len += fl;
		}
		/* cut it somewhere, and parse only that many bytes (no NUL after them) */
		len = len ? (seed >> 40) % (len + 1) : 0;
		/* an exact-size copy, so that the sanitizer sees any read past the end */
		exact = xmalloc(len ? len : 1);
		memcpy(exact, line, len);
		if (explain_parse(exact, len, &l)) {
			recognised++;
			explain_describe(&l, &e);
			explanation_clear(&e);
			explain_summary_add(&sum, &l);
		}
		free(exact);
	}
	okf(recognised > 1000, "fuzz: 100000 random lines, %lu recognised, no fault", recognised);
	explain_summary_free(&sum);
}

static void
test_summary_bound(void)
{
	struct explain_summary sum;
	struct explain_line l;
	char s[200];
	size_t i, other = 0;

	explain_summary_init(&sum);
	for (i = 0; i < EXPLAIN_SUMMARY_MAX + 5000; i++) {
		int n = snprintf(s, sizeof(s), "STARTTLS=client, relay=mx%zu.example., "
		    "version=TLSv1.3, verify=OK, cipher=X, bits=1/1", i);

		if (explain_parse(s, (size_t)n, &l))
			explain_summary_add(&sum, &l);
	}
	okf(sum.n == EXPLAIN_SUMMARY_MAX + 1, "summary: at most %d relays, then one more entry",
	    EXPLAIN_SUMMARY_MAX);
	for (i = 0; i < sum.n; i++)
		if (strcmp(sum.v[i].relay, "(other relays)") == 0)
			other = sum.v[i].total;
	ok(other == 5000, "summary: the relays past the limit are counted together");
	explain_summary_free(&sum);

	explain_summary_init(&sum);
	for (i = 0; i < EXPLAIN_ERRORS_MAX + 100; i++) {
		int n = snprintf(s, sizeof(s), "ruleset=tls_server, arg1=FAIL, relay=r%zu, "
		    "reject=403 4.7.0 error number %zu", i % 10, i);

		if (explain_parse(s, (size_t)n, &l))
			explain_summary_add(&sum, &l);
	}
	okf(sum.nerrors == EXPLAIN_ERRORS_MAX && sum.n == 10,
	    "summary: at most %d distinct error texts are kept", EXPLAIN_ERRORS_MAX);
	ok(strstr(sum.v[9].last_error, "too many") != NULL,
	    "summary: past the limit, the last error says so");
	explain_summary_free(&sum);
}

static void
target(const char *arg, const char *want_host, int want_port)
{
	char *host = NULL, *err = NULL;
	int port = 0, r = probe_parse_target(arg, 25, &host, &port, &err);

	if (want_host == NULL)
		okf(r == -1 && err != NULL, "target '%s' is refused (%s)", arg, err ? err : "");
	else
		okf(r == 0 && strcmp(host, want_host) == 0 && port == want_port,
		    "target '%s' is %s port %d", arg, want_host, want_port);
	free(host);
	free(err);
}

static void
test_targets(void)
{
	target("mail.example.com", "mail.example.com", 25);
	target("mail.example.com:2525", "mail.example.com", 2525);
	target("[::1]:2525", "::1", 2525);
	target("[::1]", "::1", 25);
	target("::1", "::1", 25);
	target("[127.0.0.1]:26", "127.0.0.1", 26);
	target("host:", NULL, 0);
	target("host:0", NULL, 0);
	target("host:65536", NULL, 0);
	target("[::1]x", NULL, 0);
	target("[]", NULL, 0);
	target(":25", NULL, 0);
	target("[::1", NULL, 0);
	target("a:b:c", NULL, 0);
}

struct got {
	unsigned long	 calls, last_line;
	size_t		 last_len;
};

static void
count_cb(void *arg, const char *line, size_t len, unsigned long lineno)
{
	struct got *g = arg;

	(void)line;
	g->calls++;
	g->last_line = lineno;
	g->last_len = len;
}

/* stream_file NAME DATA LEN GZ: writes a file into the scratch dir and streams it */
static int
stream_file(const char *dir, const char *data, size_t len, int gz, struct got *g,
    unsigned long *lines)
{
	char *path = xstrprintf("%s/%s", dir, gz ? "log.gz" : "log"), *err = NULL;
	int r;

	if (gz) {
		gzFile f = gzopen(path, "wb");

		gzwrite(f, data, (unsigned)len);
		gzclose(f);
	} else {
		FILE *f = fopen(path, "w");

		fwrite(data, 1, len, f);
		fclose(f);
	}
	memset(g, 0, sizeof(*g));
	r = explain_stream(path, count_cb, g, lines, &err);
	free(err);
	unlink(path);
	free(path);
	return r;
}

struct msgs {
	unsigned long	n, hops, first_line[8];
	size_t		nhops[8];
};

static void
msg_cb(void *arg, const struct explain_message *m)
{
	struct msgs *g = arg;

	if (g->n < 8) {
		g->first_line[g->n] = m->line;
		g->nhops[g->n] = m->nhops;
	}
	g->n++;
	g->hops += m->nhops;
}

static void
no_line(void *arg, const char *line, size_t len, unsigned long lineno)
{
	(void)arg;
	(void)line;
	(void)len;
	(void)lineno;
}

/* Message headers across the 1 MiB blocks of the reader: a field folded over the boundary,
 * and a blank line at the end of one block before a Received: line at the start of the next. */
static void
test_stream_mail(const char *dir)
{
	char *path = xstrprintf("%s/mbox", dir), *err = NULL;
	size_t mib = 1024 * 1024, n = 0, at;
	char *data = xmalloc(3 * mib);
	struct msgs m = { 0 };
	unsigned long lines;
	FILE *f;
	int r;

	n += (size_t)sprintf(data, "Received: from a by b\n\nbody\n");
	while (n < mib - 100)
		n += (size_t)sprintf(data + n, "%s", "filler line of a message body\n");
	at = mib - 12;	/* the field's continuation crosses the block boundary */
	while (n < at)
		data[n++] = 'x';
	data[n++] = '\n';
	n += (size_t)sprintf(data + n, "\nReceived: from c\n by d with ESMTPS (version=TLSv1.3 "
	    "cipher=X bits=1 verify=OK)\nSubject: s\n\n");
	while (n < 2 * mib - 1)
		data[n++] = 'y';
	data[n - 1] = '\n';	/* the block ends with an empty line... */
	data[n - 2] = '\n';
	n += (size_t)sprintf(data + n, "Received: from e by f\n");	/* ...this starts a message */
	f = fopen(path, "w");
	fwrite(data, 1, n, f);
	fclose(f);
	r = explain_stream_mail(path, no_line, msg_cb, &m, &lines, &err);
	okf(r == 0 && m.n == 3 && m.nhops[1] == 1 && m.nhops[2] == 1,
	    "stream (mail): headers across the read blocks (%lu messages)", m.n);
	free(err);
	free(data);
	unlink(path);
	free(path);
}

static void
test_stream(void)
{
	/* the tests' scratch base (tests/scratch-dir.sh), else TMPDIR */
	const char *base = getenv("SMTLS_SCRATCH") ? getenv("SMTLS_SCRATCH") :
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *tmpl = xstrprintf("%s/unit_explain.XXXXXX", base), *dir = mkdtemp(tmpl), *big;

	if (dir == NULL)
		bail_out("cannot make a scratch directory under %s", base);
	const char *three = "a\nSTARTTLS=client, relay=x, verify=OK\nc";
	size_t n = 1536 * 1024;
	unsigned long lines;
	struct got g;
	int gz;

	for (gz = 0; gz < 2; gz++) {
		okf(stream_file(dir, three, strlen(three), gz, &g, &lines) == 0 && lines == 3 &&
		    g.calls == 1 && g.last_line == 2, "stream%s: three lines, the last one without "
		    "its newline; the candidate is line 2", gz ? " (gzip)" : "");
		okf(stream_file(dir, "", 0, gz, &g, &lines) == 0 && lines == 0 && g.calls == 0,
		    "stream%s: an empty file has no lines", gz ? " (gzip)" : "");
	}
	/* a 1.5 MB line: cut at 1 MB, still one line, and the line after it keeps its number */
	big = xmalloc(n + 64);
	memset(big, 'a', n);
	memcpy(big, "STARTTLS=server, relay=y, verify=NO, x=", 39);
	memcpy(big + n, "\nSTARTTLS=client, relay=z\n", 26);
	ok(stream_file(dir, big, n + 26, 0, &g, &lines) == 0 && lines == 2 && g.calls == 2 &&
	    g.last_line == 2, "stream: an over-long line is cut, the next line is line 2");
	ok(stream_file(dir, big, n, 0, &g, &lines) == 0 && lines == 1 && g.calls == 1 &&
	    g.last_len == 1024 * 1024, "stream: an over-long last line without newline: one line");
	/* the rest of the over-long line holds the only newline of its block: counted once */
	memcpy(big + n, "\nSTARTTLS=client, relay=z", 25);
	ok(stream_file(dir, big, n + 25, 0, &g, &lines) == 0 && lines == 2 && g.calls == 2 &&
	    g.last_line == 2, "stream: after an over-long line, a last line without newline is "
	    "line 2");
	memcpy(big + n, "\n\nSTARTTLS=client, relay=z\n", 27);
	ok(stream_file(dir, big, n + 27, 0, &g, &lines) == 0 && lines == 3 && g.calls == 2 &&
	    g.last_line == 3, "stream: an over-long line, an empty line, line 3");
	free(big);
	/* binary input: a NUL byte among the first 64 KiB; an endless line: past 16 MiB */
	for (gz = 0; gz < 2; gz++) {
		char bin[100] = "STARTTLS=client, relay=x, verify=OK\n";

		memset(&g, 0, sizeof(g));
		okf(stream_file(dir, bin, sizeof(bin), gz, &g, &lines) == -1,
		    "stream%s: NUL bytes are not a text log", gz ? " (gzip)" : "");
	}
	n = 17 * 1024 * 1024;
	big = xmalloc(n);
	memset(big, 'a', n);
	ok(stream_file(dir, big, n, 0, &g, &lines) == -1, "stream: a 17 MiB line is not a text "
	    "log");
	big[n - 2] = '\n';
	ok(stream_file(dir, big, n, 0, &g, &lines) == -1, "stream: a 17 MiB line with its newline "
	    "is not a text log either");
	memset(big, 'a', n);
	for (size_t k = 1024 * 1024; k < n; k += 1024 * 1024)
		big[k] = '\n';
	ok(stream_file(dir, big, n, 0, &g, &lines) == 0 && lines == 17,
	    "stream: 17 lines of 1 MiB are read");
	free(big);
	test_stream_mail(dir);
	ok(explain_stream("/nonexistent/smtls.log", count_cb, &g, &lines, &big) == -1 &&
	    strstr(big, "/nonexistent/smtls.log") != NULL, "stream: a missing file names it");
	free(big);
	rmdir(dir);
	free(tmpl);
}

/* explain_scan_mail: a "Received:" or "From " line is found at each line start, not elsewhere */
static void
test_scan_mail(void)
{
	static const char *const starts[] = { "Received:", "rEcEiVeD:", "From " };
	char buf[128];
	size_t k, len, off, got;
	int bad = 0, checked = 0;

	for (k = 0; k < 3; k++) {
		size_t nl = strlen(starts[k]);

		for (len = nl + 1; len <= 90; len++) {
			for (off = 0; off + nl <= len; off++) {
				const char *r;
				size_t j, want = 0;

				memset(buf, 'x', len);
				memcpy(buf, "Feb  5 Re", 9 < len ? 9 : len);	/* near misses */
				if (off > 0)
					buf[off - 1] = '\n';
				memcpy(buf + off, starts[k], nl);
				for (j = 0; j < off; j++)
					want += buf[j] == '\n';
				r = explain_scan_mail(buf, buf + len, &got);
				checked++;
				if (r != buf + off || got != want)
					bad++;
				/* not at a line start: no hit */
				if (off > 0) {
					buf[off - 1] = ' ';
					if (explain_scan_mail(buf, buf + len, &got) != NULL)
						bad++;
				}
			}
		}
	}
	okf(bad == 0, "scan (mail): found at each of %d line starts, not inside lines", checked);
	memcpy(buf, "xx\nReceived:", 12);
	ok(explain_scan_mail(buf, buf + 11, &got) == NULL, "scan (mail): a cut 'Received:' is no hit");
	ok(explain_scan_lines(buf, buf + 12, &got) == NULL, "scan (logs): headers are not looked for");
}

static void
test_received(void)
{
	struct explain_hop h;
	struct explanation e;
	static const char sm[] = " from mail.sender.example (mail.sender.example [192.0.2.7])\r\n"
	    "\tby mx.example.org (8.18.1/8.18.1) with ESMTPS id 4B5A1b2C012345\r\n"
	    "\t(version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=FAIL);\r\n"
	    "\tSat, 5 Dec 2026 04:00:01 +0100";

	explain_received_parse(sm, strlen(sm), &h);
	ok(strcmp(h.from, "mail.sender.example") == 0 && strcmp(h.from_ip, "192.0.2.7") == 0 &&
	    strcmp(h.by, "mx.example.org") == 0 && strcmp(h.with, "ESMTPS") == 0 &&
	    strcmp(h.id, "4B5A1b2C012345") == 0, "received: from, address, by, with, id");
	ok(h.tls && strcmp(h.version, "TLSv1.2") == 0 && strcmp(h.bits, "256") == 0 &&
	    strcmp(h.cipher, "ECDHE-RSA-AES256-GCM-SHA384") == 0 && h.verify == EXV_FAIL,
	    "received: sendmail's TLS comment");
	ok(strcmp(h.date, "Sat, 5 Dec 2026 04:00:01 +0100") == 0 && strchr(h.text, '\r') == NULL &&
	    strchr(h.text, '\t') == NULL, "received: the date; the text unfolded");
	explain_describe_hop(&h, &e);
	ok(strcmp(e.id, "log.verify-fail") == 0 && e.severity == SEV_INFO &&
	    e.encrypted == EXT_YES && e.side == EXS_NONE,
	    "received: verify=FAIL on the receiving side is info, encrypted, nothing to fix");
	explanation_clear(&e);
	explain_received_parse(" from a (b [IPv6:2001:db8::1]) by c with esmtpa; x", 50, &h);
	ok(strcmp(h.from_ip, "2001:db8::1") == 0 && h.with_kind == EXW_REGISTERED && h.with_auth &&
	    !h.with_tls, "received: IPv6 literal; esmtpa is authenticated, not TLS");
	explain_describe_hop(&h, &e);
	ok(strcmp(e.id, "log.verify-none") == 0 && e.encrypted == EXT_NO, "received: ESMTPA is in clear");
	explanation_clear(&e);
	explain_received_parse(" from x by y with UTF8LMTPSA", 28, &h);
	ok(h.with_kind == EXW_REGISTERED && h.with_utf8 && h.with_tls && h.with_auth,
	    "received: UTF8LMTPSA");
	explain_received_parse(" from x by y with SMTPA", 23, &h);
	ok(h.with_kind == EXW_OTHER, "received: SMTPA is not registered");
	explain_received_parse(" from x by y with ESMTPQ", 24, &h);
	ok(h.with_kind == EXW_OTHER && !h.with_tls, "received: ESMTPQ is not registered");
	/* odd input: no crash, bounded */
	explain_received_parse("(((((((((((((((((((((((((((((((((((((((((", 40, &h);
	ok(h.from[0] == '\0' && h.by[0] == '\0', "received: unclosed comments");
	explain_received_parse(" from", 5, &h);
	ok(h.from[0] == '\0', "received: a keyword without its value");
	explain_received_parse(" (from root@localhost) by h id 1; d", 35, &h);
	ok(h.local && strcmp(h.from_host, "root@localhost") == 0 && strcmp(h.by, "h") == 0,
	    "received: sendmail's local submission");
}

static void
feed(struct msgs *g, const char *text)
{
	struct explain_headers h;
	const char *p = text, *e;
	unsigned long n = 0;
	bool blank = true;

	memset(g, 0, sizeof(*g));
	explain_headers_init(&h, msg_cb, g);
	for (; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		explain_headers_line(&h, p, (size_t)(e - p), ++n, blank);
		blank = e == p;
	}
	explain_headers_end(&h);
	explain_headers_free(&h);
}

static void
test_headers(void)
{
	struct msgs g;
	char *big;
	size_t i;

	feed(&g, "Received: from a by b\n\tid 1; d\nSubject: x\n\nbody\nReceived: from body by c\n");
	ok(g.n == 1 && g.hops == 1, "headers: a blank line ends the header section");
	feed(&g, "Received: from a by b\n\nReceived: from c by d\nReceived: from e by f\n");
	ok(g.n == 2 && g.nhops[1] == 2 && g.first_line[1] == 3,
	    "headers: header blocks pasted after a blank line are messages of their own");
	feed(&g, "From x\nReturn-Path: <x>\nReceived: from a by b\n\nbody\nFrom y\nX: 1\n"
	    "Received: from c by d\n");
	ok(g.n == 2 && g.first_line[0] == 1 && g.first_line[1] == 6, "headers: mbox From lines");
	feed(&g, "Received: from a by b\nDec  5 04:00:01 mx sm-mta[1]: x\n\tby z\n"
	    "Received: from c by d\n");
	ok(g.n == 2 && g.hops == 2, "headers: a log line ends the section; a Received: line "
	    "after it starts one");
	feed(&g, "Received: no trace here\n");
	ok(g.n == 0, "headers: a Received: field that names no one is no hop");
	big = xmalloc(200 * 24 + 1);
	for (i = 0; i < 200; i++)
		memcpy(big + i * 24, "Received: from a by bb\n\n", 24);
	big[200 * 24] = '\0';
	feed(&g, big);
	ok(g.n == 200, "headers: 200 messages of one hop each");
	for (i = 0; i < 200; i++)
		memcpy(big + i * 24, "Received: from a by bbb\n", 24);
	big[200 * 24] = '\0';
	feed(&g, big);
	ok(g.n == 1 && g.nhops[0] == EXPLAIN_HOPS_MAX, "headers: at most EXPLAIN_HOPS_MAX hops");
	free(big);
	big = xmalloc(100000);
	memcpy(big, "Received: from a by b", 21);
	for (i = 21; i + 1 < 100000; i++)
		big[i] = i % 50 == 0 ? '\n' : i % 50 == 1 ? ' ' : 'x';
	big[99999] = '\0';
	feed(&g, big);
	ok(g.n == 1 && g.hops == 1, "headers: a field folded over 2000 lines is cut, not a crash");
	free(big);
}

int
main(void)
{
	test_xtext();
	test_scan();
	test_scan_mail();
	test_parse();
	test_received();
	test_headers();
	test_fuzz();
	test_summary_bound();
	test_targets();
	test_stream();
	return tap_done();
}
