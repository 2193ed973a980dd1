/* unit_certs.c: TAP tests of the certificate core (pki, rehash, lineage) used in-process, as the wizard will. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "smtls/cert.h"
#include "smtls/hook.h"
#include "smtls/lineage.h"
#include "smtls/pki.h"
#include "smtls/rehash.h"
#include "smtls/xmalloc.h"
#include "tap.h"

#define NOW	((time_t)1764028800)	/* 2025-11-25T00:00:00Z: tests never read the clock */

static void
test_specs(void)
{
	struct pki_key_spec s;
	char *err = NULL;

	okf(pki_key_spec_parse("rsa", &s, NULL) == 0 && s.alg == PKI_KEY_RSA && s.bits == 3072,
	    "'rsa' is RSA 3072");
	okf(pki_key_spec_parse("rsa:4096", &s, NULL) == 0 && s.bits == 4096, "'rsa:4096'");
	okf(pki_key_spec_parse("ec", &s, NULL) == 0 && s.alg == PKI_KEY_EC && s.bits == 256,
	    "'ec' is P-256");
	okf(pki_key_spec_parse("ec:P-384", &s, NULL) == 0 && s.bits == 384, "'ec:P-384'");
	okf(pki_key_spec_parse("rsa:1024", &s, &err) == -1 && err && strstr(err, "2048"),
	    "RSA 1024 is refused, and the message names the minimum");
	free(err);
	okf(pki_key_spec_parse("dsa", &s, NULL) == -1, "DSA is not offered");
	okf(pki_key_spec_parse("ec:P-521", &s, NULL) == -1, "P-521 is not offered");
}

static void
test_names(void)
{
	static const char *const good[] = { "mail.example.org", "*.example.org", "mx1",
	    "192.0.2.1", "2001:db8::25", "a-b.example" };
	static const char *const bad[] = { "", "a..b", "-a.example", "a-.example", "a b",
	    "mail.example.org.", "x/y" };
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		okf(pki_name_valid(good[i], NULL), "'%s' is a valid name", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		okf(!pki_name_valid(bad[i], NULL), "'%s' is not a valid name", bad[i]);
}

static struct pki_cert_params
params(enum pki_profile prof, const char *cn, const char *const *names, size_t n)
{
	struct pki_cert_params p;

	memset(&p, 0, sizeof(p));
	p.profile = prof;
	p.common_name = cn;
	p.names = names;
	p.n_names = n;
	p.not_before = NOW;
	p.days = 30;
	return p;
}

static void
test_issue_and_sort(void)
{
	static const char *const names[] = { "mail.example.org", "192.0.2.1" };
	struct pki_key_spec ec = { PKI_KEY_EC, 256 };
	struct key cakey, key, other;
	struct cert ca, leaf, bad;
	struct certlist pool = { 0 }, roots = { 0 };
	struct pki_bundle b;
	struct pki_cert_params p;
	char *err = NULL, *csr = NULL;

	okf(pki_key_generate(&ec, &cakey, NULL) == 0 && pki_key_generate(&ec, &key, NULL) == 0 &&
	    pki_key_generate(&ec, &other, NULL) == 0, "three EC keys are generated");
	p = params(PKI_PROFILE_CA, "Unit CA", NULL, 0);
	okf(pki_cert_issue(&p, &cakey, NULL, NULL, &ca, NULL) == 0 && ca.is_ca && ca.self_signed,
	    "a self-signed CA certificate");
	p = params(PKI_PROFILE_SERVER, "mail.example.org", names, 2);
	okf(pki_cert_issue(&p, &key, &ca, &cakey, &leaf, NULL) == 0 && !leaf.is_ca,
	    "a server certificate issued by the CA");
	okf(cert_issued_by(&leaf, &ca), "its signature verifies with the CA's key");
	okf(leaf.has_eku && (leaf.eku & EKU_SERVER_AUTH) && (leaf.eku & EKU_CLIENT_AUTH),
	    "EKU serverAuth and clientAuth");
	okf(leaf.n_dns == 1 && leaf.n_ip == 1 && strcmp(leaf.ip_names[0], "192.0.2.1") == 0,
	    "SAN: one DNS name and one IP address");
	okf(strlen(leaf.serial) == 32, "a 128-bit serial (%s)", leaf.serial);
	okf(leaf.not_before == NOW && leaf.not_after == NOW + 30 * 86400,
	    "validity from the given time, for the given days");
	okf(pki_cert_issue(&p, &key, &ca, &other, &bad, &err) == -1 && err != NULL,
	    "issuing with a key that is not the CA's fails");
	xfree(err);
	okf(pki_csr_make(&p, &key, &csr, NULL) == 0 && strstr(csr, "BEGIN CERTIFICATE REQUEST"),
	    "a CSR in PEM");
	free(csr);

	certlist_add(&pool, &ca);
	certlist_add(&pool, &leaf);
	okf(pki_bundle_sort(&pool, &key, NULL, NOW, &b, NULL) == 0 && cert_equal(&b.leaf, &leaf) &&
	    b.chain.n == 0 && b.root_given && !b.incomplete,
	    "CA then leaf: the leaf is found, the root is dropped");
	pki_bundle_free(&b);
	okf(pki_bundle_sort(&pool, &other, NULL, NOW, &b, &err) == -1 && err != NULL,
	    "a key that matches no certificate is an error");
	xfree(err);
	okf(pki_bundle_sort(&pool, &cakey, NULL, NOW, &b, &err) == -1 && strstr(err, "CA certificate"),
	    "a key that matches only the CA is an error");
	xfree(err);
	certlist_free(&pool);
	certlist_add(&pool, &leaf);
	okf(pki_bundle_sort(&pool, &key, NULL, NOW, &b, NULL) == 0 && b.incomplete && b.missing &&
	    strstr(b.missing, "Unit CA"), "the leaf alone: incomplete, naming the missing issuer");
	pki_bundle_free(&b);
	certlist_add(&roots, &ca);
	okf(pki_bundle_sort(&pool, &key, &roots, NOW, &b, NULL) == 0 && !b.incomplete && !b.root_given &&
	    b.root.x509 != NULL, "the leaf alone, the CA among the known roots: complete");
	pki_bundle_free(&b);
	certlist_free(&pool);
	certlist_free(&roots);
	cert_clear(&ca);
	cert_clear(&leaf);
	key_clear(&cakey);
	key_clear(&key);
	key_clear(&other);
}

static void
test_write_files(const char *dir)
{
	struct pki_out_file f[2] = {
		{ "a.pem", "AAAA\n", 5, 0644 },
		{ "key.pem", "secret\n", 7, 0600 },
	};
	char *path, *err = NULL;
	struct stat st;

	okf(pki_write_files(dir, f, 2, false, NULL) == 0, "two files are written");
	path = xstrprintf("%s/key.pem", dir);
	okf(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600, "the key is mode 0600");
	okf(pki_write_files(dir, f, 2, false, &err) == -1 && strstr(err, "already exists"),
	    "existing files are not overwritten without force");
	xfree(err);
	f[1].data = "new\n";
	f[1].len = 4;
	okf(pki_write_files(dir, f, 2, true, NULL) == 0 && stat(path, &st) == 0 && st.st_size == 4,
	    "with force they are replaced");
	free(path);
	path = xstrprintf("%s/a.pem", dir);
	unlink(path);
	okf(symlink("/nonexistent-target", path) == 0 &&
	    pki_write_files(dir, f, 2, true, &err) == -1 && strstr(err, "symbolic link"),
	    "a symlink at a file's name is refused, even with force");
	xfree(err);
	unlink(path);
	free(path);
}

struct progress {
	size_t	calls, last_done, last_total;
};

static void
on_progress(void *arg, size_t done, size_t total)
{
	struct progress *pr = arg;

	pr->calls++;
	pr->last_done = done;
	pr->last_total = total;
}

static void
test_rehash(const char *dir)
{
	struct pki_key_spec ec = { PKI_KEY_EC, 256 };
	struct pki_cert_params p = params(PKI_PROFILE_CA, "Unit Root", NULL, 0);
	struct pki_out_file f;
	struct progress pr = { 0, 0, 0 };
	struct rehash_progress prog = { on_progress, &pr };
	struct rehash_result res;
	struct key k;
	struct cert c;
	struct buf pem = { 0 };
	char *bundle_dir = xstrprintf("%s/b", dir), *store = xstrprintf("%s/store", dir);
	char *bundle = xstrprintf("%s/bundle.pem", bundle_dir), *err = NULL;
	const char *bundles[1];
	int i;

	mkdir(bundle_dir, 0755);
	for (i = 0; i < 3; i++) {
		pki_key_generate(&ec, &k, NULL);
		pki_cert_issue(&p, &k, NULL, NULL, &c, NULL);	/* three roots, one subject */
		pki_cert_pem(&pem, &c);
		cert_clear(&c);
		key_clear(&k);
	}
	f = (struct pki_out_file){ "bundle.pem", pem.data, pem.len, 0644 };
	pki_write_files(bundle_dir, &f, 1, false, NULL);
	bundles[0] = bundle;
	okf(rehash_dir(store, bundles, 1, NOW, &prog, &res, NULL) == 0 && res.written == 3 &&
	    res.linked == 3, "rehash in-process: 3 files, 3 links (one hash: .0 .1 .2)");
	okf(pr.calls > 0 && pr.last_done == pr.last_total, "the progress callback ran to the end "
	    "(%zu/%zu)", pr.last_done, pr.last_total);
	rehash_result_free(&res);
	okf(rehash_dir(store, bundles, 1, NOW, NULL, &res, NULL) == 0 && res.written == 0 &&
	    res.present == 3 && res.linked == 0 && res.kept == 3 && res.removed == 0,
	    "a second call in the same process changes nothing");
	rehash_result_free(&res);
	bundles[0] = "/nonexistent/bundle.pem";
	okf(rehash_dir(store, bundles, 1, NOW, NULL, &res, &err) == -1 && err &&
	    strstr(err, "/nonexistent/bundle.pem"), "a missing bundle: -1, the error names it");
	xfree(err);
	buf_free(&pem);
	free(bundle);
	free(bundle_dir);
	free(store);
}

/* Writes der as a one-certificate PEM bundle at path. */
static void
write_pem(const char *path, const unsigned char *der, long len)
{
	BIO *b = BIO_new_file(path, "w");

	PEM_write_bio(b, "CERTIFICATE", "", der, len);
	BIO_free(b);
}

/* The light DER walker of rehash on truncated and bit-flipped certificates (ASan watches). */
static void
test_rehash_mutations(const char *dir)
{
	struct pki_key_spec ec = { PKI_KEY_EC, 256 };
	struct pki_cert_params p = params(PKI_PROFILE_CA, "Mutant Root", NULL, 0);
	struct rehash_result res;
	struct key k;
	struct cert c;
	unsigned char *der = NULL, *m;
	char *bundle = xstrprintf("%s/mutant.pem", dir), *store = xstrprintf("%s/mstore", dir);
	const char *bundles[1] = { bundle };
	int len, i, truncated_refused = 1, ran = 0, r, refused = 0, unexplained = 0;

	pki_key_generate(&ec, &k, NULL);
	pki_cert_issue(&p, &k, NULL, NULL, &c, NULL);
	len = i2d_X509(c.x509, &der);
	m = xmalloc((size_t)len);
	for (i = 1; i < len; i += 3) {		/* every third truncation */
		write_pem(bundle, der, i);
		r = rehash_dir(store, bundles, 1, NOW, NULL, &res, NULL);
		if (r == 0) {
			truncated_refused = 0;
			rehash_result_free(&res);
		}
		ran++;
	}
	okf(truncated_refused, "%d truncated certificates: each is refused, none crashes", ran);
	ran = 0;
	for (i = 0; i < len; i++) {		/* every byte flipped */
		char *err = NULL;

		memcpy(m, der, (size_t)len);
		m[i] ^= 0xa5;
		write_pem(bundle, m, len);
		r = rehash_dir(store, bundles, 1, NOW, NULL, &res, &err);
		if (r == 0)
			rehash_result_free(&res);
		else {
			refused++;
			unexplained += r != -1 || err == NULL || *err == '\0';
		}
		free(err);
		ran++;
	}
	okf(refused > 0 && unexplained == 0, "%d certificates with one byte changed: each accepted or "
	    "refused with a message (%d refused), none crashes", ran, refused);
	okf(rehash_dir(store, NULL, 0, NOW, NULL, &res, NULL) == 0, "the directory they left rehashes");
	rehash_result_free(&res);
	OPENSSL_free(der);
	free(m);
	free(bundle);
	free(store);
	cert_clear(&c);
	key_clear(&k);
}

static void
test_lineage(void)
{
	struct lineage *v;
	size_t n;
	char *err = NULL;

	okf(lineage_list("/nonexistent-le", NOW, &v, &n, &err) == -1 && err &&
	    strstr(err, "/nonexistent-le/live"), "lineage_list on a missing directory names it");
	free(err);
	okf(strcmp(lineage_gen_name(LINEAGE_GEN_Y), "Y") == 0 &&
	    strcmp(lineage_gen_name(LINEAGE_GEN_LEGACY), "legacy") == 0, "generation names");
}

static void
test_validity(void)
{
	const time_t day = 86400, t0 = 1700000000;
	struct cert c = { .not_before = t0, .not_after = t0 + 90 * day };
	struct cert week = { .not_before = t0, .not_after = t0 + 6 * day };

	ok(cert_expiry_state(&c, t0 - 1, NULL) == CERT_NOT_YET_VALID, "a second before notBefore: not yet valid");
	ok(cert_expiry_state(&c, t0, NULL) == CERT_VALID, "at notBefore: valid (as OpenSSL)");
	ok(cert_expiry_state(&c, t0 + 76 * day - 1, NULL) == CERT_VALID, "14 days and a second left: valid");
	ok(cert_expiry_state(&c, t0 + 76 * day + 1, NULL) == CERT_EXPIRING, "under 14 days left: expiring");
	ok(cert_expiry_state(&c, t0 + 90 * day, NULL) == CERT_EXPIRING, "at notAfter: still valid (as OpenSSL)");
	ok(cert_expiry_state(&c, t0 + 90 * day + 1, NULL) == CERT_EXPIRED, "a second after notAfter: expired");
	ok(cert_expiry_window(&week) == 2 * day, "a 6-day certificate warns in its last third");
	ok(cert_expiry_state(&week, t0 + 3 * day, NULL) == CERT_VALID &&
	    cert_expiry_state(&week, t0 + 4 * day + 1, NULL) == CERT_EXPIRING,
	    "a 6-day certificate: expiring at 2 days");
	{
		long long d = 0;

		ok(cert_expiry_state(&c, t0 + 80 * day - 1, &d) == CERT_EXPIRING && d == 10,
		    "10 days and a second left: expiring, 10 whole days");
		ok(cert_expiry_state(&c, t0 + 90 * day + 1, &d) == CERT_EXPIRED && d == 0,
		    "a second after notAfter: no whole day left");
		ok(cert_expiry_state(&c, t0 + 93 * day, &d) == CERT_EXPIRED && d == -3,
		    "three days after notAfter: -3");
	}
}

static void
test_hook(const char *dir)
{
	struct hook_params p = { .le_dir = dir, .smtls = "/opt/it's/smtls", .lineage = "m",
	    .restart = "true" };
	struct hook_copy c;
	char *r, *path = NULL, *err = NULL;

	r = hook_render("S='@SMTLS@' L='@LINEAGE@' C='@COPIES@' x@y @OTHER@", &p);
	okf(strcmp(r, "S='/opt/it'\\''s/smtls' L='m' C='' x@y @OTHER@") == 0,
	    "hook_render quotes values for sh and leaves unknown @words@ alone: %s", r);
	free(r);
	p.smtls = "/bin/sh";
	p.restart = "";
	okf(hook_install(&p, &path, &err) == -1 && err && strstr(err, "restart"),
	    "hook_install refuses an empty restart command");
	xfree(err);
	p.restart = "true";
	okf(hook_copy_parse("privkey=relative/key.pem", &c, &err) == -1 && err &&
	    strstr(err, "absolute"), "a relative copy destination is refused");
	xfree(err);
	okf(hook_copy_parse("secret=/etc/mail/x", &c, &err) == -1 && err,
	    "an unknown file to copy is refused");
	xfree(err);
	okf(hook_copy_parse("fullchain=/etc/mail/tls/full.pem", &c, NULL) == 0 &&
	    strcmp(c.what, "fullchain") == 0 && strcmp(c.dest, "/etc/mail/tls/full.pem") == 0,
	    "fullchain=PATH is parsed");
	c.dest = "/nonexistent-dir/key.pem";
	c.what = "privkey";
	p.copies = &c;
	p.n_copies = 1;
	okf(hook_install(&p, &path, &err) == -1 && err && strstr(err, "/nonexistent-dir"),
	    "hook_install refuses a copy into a missing directory");
	xfree(err);
	r = hook_render("C='@COPIES@'", &p);
	okf(strcmp(r, "C='privkey:/nonexistent-dir/key.pem'") == 0, "copies render as WHAT:DEST: %s",
	    r);
	free(r);
}

int
main(void)
{
	const char *base = getenv("SMTLS_SCRATCH");	/* tests/scratch-dir.sh, under make check */
	char *tmpl, *dir, *cmd;

	tmpl = xstrprintf("%s/unit_certs.XXXXXX", base && *base ? base :
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	dir = mkdtemp(tmpl);
	if (dir == NULL)
		bail_out("cannot make a scratch directory from %s", tmpl);
	test_specs();
	test_names();
	test_issue_and_sort();
	test_write_files(dir);
	test_rehash(dir);
	test_rehash_mutations(dir);
	test_lineage();
	test_validity();
	test_hook(dir);
	cmd = xstrprintf("rm -rf '%s'", dir);
	okf(system(cmd) == 0, "the scratch directory is removed");
	free(cmd);
	free(tmpl);
	return tap_done();
}
