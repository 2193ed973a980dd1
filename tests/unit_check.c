/* unit_check.c: TAP tests of the core API that the wizard and apply call directly. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtls/cert.h"
#include "smtls/cf.h"
#include "smtls/chain.h"
#include "smtls/check.h"
#include "smtls/mc.h"
#include "smtls/xmalloc.h"
#include "tap.h"

static const struct mc_define *
find_def(const struct mc_scan *s, const char *macro, int nth)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].macro, macro) == 0 && nth-- == 0)
			return &s->v[i];
	return NULL;
}

static void
test_scan(void)
{
	const char *mc =
	    "#define(`confSERVER_KEY', `/before.key')\n"
	    "divert(-1)dnl\n"
	    "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
	    "define(`confSERVER_CERT', `/a.pem')dnl\n"
	    "dnl define(`confCACERT', `/b.pem')\n"
	    "#define(`confCACERT_PATH', `/etc/ssl/certs')dnl\n"
	    "define(`confSERVER_CERT', `/c.pem') dnl define(`confCRL', `/x')\n"
	    "define(`CERT_DIR', `/etc/mail/tls')dnl\n"
	    "dnl smtls: define(`confCLIENT_CERT', `/old.pem')\n"
	    "undefine(`confCIPHER_LIST')dnl\n";
	struct mc_scan s;
	const struct mc_define *d;

	mc_scan_text(mc, &s);
	ok(s.include_line == 3, "scan: the cf.m4 include is on line 3");
	d = find_def(&s, "confSERVER_KEY", 0);
	ok(d && d->kind == MC_DEF_HASH_COMMENT && d->line == 1,
	    "scan: '#define' before the include is an m4 comment");
	d = find_def(&s, "confSERVER_CERT", 0);
	ok(d && d->kind == MC_DEF_LIVE && strcmp(d->value, "/a.pem") == 0, "scan: a live define");
	d = find_def(&s, "confSERVER_CERT", 1);
	ok(d && d->line == 7 && strcmp(d->value, "/c.pem") == 0, "scan: the second define");
	ok(find_def(&s, "confCRL", 0) == NULL, "scan: a define after dnl on a live line is a comment");
	d = find_def(&s, "confCACERT", 0);
	ok(d && d->kind == MC_DEF_DNL, "scan: 'dnl define' is disabled");
	d = find_def(&s, "confCACERT_PATH", 0);
	ok(d && d->kind == MC_DEF_HASH_LIVE, "scan: '#define' after the include runs");
	ok(find_def(&s, "CERT_DIR", 0) == NULL, "scan: user macros are not TLS defines");
	ok(find_def(&s, "confCLIENT_CERT", 0) == NULL, "scan: 'dnl smtls:' lines are skipped");
	ok(find_def(&s, "confCIPHER_LIST", 0) == NULL, "scan: undefine is not a define");
	mc_scan_free(&s);
}

/* Deterministic mutation of a seed mc: the scanners must survive any text (ASan watches). */
static void
test_scan_mutations(void)
{
	static const char seed[] =
	    "divert(-1)dnl\ninclude(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
	    "define(`confSERVER_CERT', `/etc/mail/tls/cert.pem')dnl\n"
	    "#define(`confCACERT', ``/x'')dnl\ndnl define(`confCACERT_PATH', `/etc/ssl/certs')\n"
	    "O ServerKeyFile=/etc/mail/tls/key.pem\nO CipherList = HIGH \n";
	static const char alphabet[] = "`'(),#\n dnlO=define";
	unsigned long x = 88172645463325252UL;
	size_t len = sizeof(seed) - 1, i, found = 0, unnamed = 0;
	int round;

	for (round = 0; round < 3000; round++) {
		char *buf = xmalloc(len + 1);
		struct mc_scan s;
		struct cf_options o;
		int k;

		memcpy(buf, seed, len + 1);
		for (k = 0; k < 1 + round % 8; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[x % len] = (x >> 20) % 3 == 0 ? '\0' : alphabet[(x >> 8) % (sizeof(alphabet) - 1)];
		}
		mc_scan_text(buf, &s);
		found += s.n;
		for (i = 0; i < s.n; i++)
			unnamed += s.v[i].macro == NULL || s.v[i].value == NULL;
		mc_scan_free(&s);
		cf_parse(buf, &o);
		cf_options_free(&o);
		free(buf);
	}
	ok(found > 0 && unnamed == 0,
	    "scan: 3000 mutated sendmail.mc texts scanned and parsed without a crash, each define named");
}

/* Mutated DER certificates under hash names: the light DER walker must survive them. */
static void
test_capath_mutations(const char *fx)
{
	char *src = xstrprintf("%s/good.der", fx), *dir = xstrprintf("%s/fuzzpath", fx);
	char *data = NULL, *cmd = xstrprintf("mkdir -p %s", dir), *err = NULL;
	struct capath_scan scan;
	unsigned long x = 2463534242UL;
	size_t len = 0;
	FILE *f;
	int i, r;

	if (system(cmd) != 0 || (f = fopen(src, "rb")) == NULL) {
		ok(0, "capath: mutated certificates (setup)");
		goto out;
	}
	data = xmalloc(65536);
	len = fread(data, 1, 65536, f);
	fclose(f);
	for (i = 0; i < 300; i++) {
		char *name = xstrprintf("%s/%08x.%d", dir, (unsigned)(i % 7), i);
		char *copy = xmalloc(len);
		size_t cut = len;
		int k;

		memcpy(copy, data, len);
		for (k = 0; k < 1 + i % 5; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			copy[x % len] = (char)(x >> 11);
		}
		if (i % 4 == 0)
			cut = x % len;		/* truncated too */
		if ((f = fopen(name, "wb")) != NULL) {
			fwrite(copy, 1, cut, f);
			fclose(f);
		}
		free(copy);
		free(name);
	}
	r = capath_scan(dir, NULL, 0, &scan, &err);
	ok(r == 0 && scan.n_stale > 0, "capath: 300 mutated DER certificates scanned without a crash");
	capath_scan_free(&scan);
	free(err);
out:
	free(data);
	free(cmd);
	free(src);
	free(dir);
}

static void
test_check(const char *fx)
{
	struct tls_plan p;
	struct findings fs = { 0 };
	char *cert = xstrprintf("%s/good.pem", fx), *key = xstrprintf("%s/good.key", fx);
	char *chain = xstrprintf("%s/chain.pem", fx), *capath = xstrprintf("%s/capath", fx);
	char *pub = xstrprintf("%s/public.pem", fx);
	size_t i, n_ok = 0;

	plan_init(&p, 0);
	ok(time_parse_iso("2026-06-01", &p.now) == 0, "check: --at style time");
	plan_set(&p, PF_SERVER_CERT, cert, NULL, 0);
	plan_set(&p, PF_SERVER_KEY, key, NULL, 0);
	plan_set(&p, PF_CA_CERT, chain, NULL, 0);
	plan_set(&p, PF_CA_PATH, capath, NULL, 0);
	p.hostname = xstrdup("mail.test.example");
	p.public_roots = xstrdup(pub);
	check_plan(&p, NULL, &fs);
	ok(fs.n == 0, "check: the good plan has no finding (no ok marks unless asked)");
	findings_free(&fs);
	p.want_ok = true;
	check_plan(&p, NULL, &fs);
	for (i = 0; i < fs.n; i++)
		n_ok += fs.v[i].severity == SEV_OK;
	ok(n_ok == fs.n && n_ok >= 5, "check: want_ok gives the wizard's green marks, only ok ones");
	ok(findings_has(&fs, "key.mismatch", key), "check: an ok mark for the key pair");
	ok(findings_has(&fs, "chain.untrusted", cert), "check: an ok mark for the chain");
	findings_free(&fs);
	plan_set(&p, PF_SERVER_KEY, NULL, NULL, 0);
	plan_set(&p, PF_CA_CERT, NULL, NULL, 0);
	p.want_ok = false;
	check_plan(&p, NULL, &fs);
	ok(findings_has(&fs, "chain.incomplete", cert), "check: a subset of settings is checked");
	findings_free(&fs);
	plan_free(&p);
	test_capath_mutations(fx);
	free(cert);
	free(key);
	free(chain);
	free(capath);
	free(pub);
}

int
main(void)
{
	const char *src = getenv("top_srcdir"), *bld = getenv("SMTLS_SCRATCH");
	char *dir, *cmd;

	test_scan();
	test_scan_mutations();
	if (src == NULL || bld == NULL) {
		skip("check", "top_srcdir/SMTLS_SCRATCH not set (run it through make check)");
	} else {
		/* SMTLS_SCRATCH is where sendmail's rules accept files (tests/scratch-dir.sh) */
		dir = xstrprintf("%s/unit_check.%ld", bld, (long)getpid());
		cmd = xstrprintf("bash %s/tests/gen-fixtures.sh %s", src, dir);
		if (system(cmd) != 0)
			bail_out("gen-fixtures.sh failed");
		free(cmd);
		test_check(dir);
		cmd = xstrprintf("rm -rf %s", dir);
		ok(system(cmd) == 0, "check: the scratch directory is removed");
		free(cmd);
		free(dir);
	}
	return tap_done();
}
