/* check-store.c: the trust locations: CACertFile, CACertPath, and the public roots peers trust. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check-int.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

#define CACERT_LARGE	20

/* Stores that a distribution manages (the admin does not edit them; updates do). */
static bool
distribution_managed(const char *path)
{
	static const char *const managed[] = {
		"/etc/ssl/certs", "/etc/pki/tls/certs", "/etc/pki/ca-trust/", "/usr/share/ca-certificates",
		"/usr/local/share/certs", "/etc/ssl/cert.pem",
	};
	char real[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(managed) / sizeof(managed[0]); i++) {
		size_t n = strlen(managed[i]);

		if (strncmp(path, managed[i], n) == 0 ||
		    (realpath(path, real) != NULL && strncmp(real, managed[i], n) == 0))
			return true;
	}
	return false;
}

static void
expired_root(struct check_ctx *c, const char *file, const char *what, bool managed)
{
	struct finding *f;
	bool dst = strstr(what, "DST Root CA X3") != NULL;

	f = findings_add(c->out, "store.expired-root", managed ? SEV_INFO : SEV_WARNING, file,
	    managed ? _("the distribution's store holds expired roots: %s; harmless, OpenSSL "
	    "prefers a valid path") : _("this trust location holds expired roots: %s; they "
	    "verify nothing any more, and chains built through them reach peers expired"),
	    what);
	if (managed)
		finding_set_fix(f, _("nothing to do: the ca-certificates package manages it"));
	else if (dst)
		finding_set_fix(f, _("delete DST Root CA X3 (and the ISRG Root X1 cross-sign it "
		    "issued) from %s: Let's Encrypt's chains end at the self-signed ISRG Root X1 "
		    "since 2024; for verifying peers use define(`confCACERT_PATH', `/etc/ssl/certs')"),
		    file);
	else
		finding_set_fix(f, _("delete the expired root from %s"), file);
}

/* Names up to five entries of a list, "; "-separated, for a message. */
static void
join_names(struct buf *b, char *const *v, size_t n, const char *sep)
{
	size_t i;

	for (i = 0; i < n && i < 5; i++)
		buf_printf(b, "%s%s", i ? sep : "", v[i]);
	if (n > 5)
		buf_printf(b, _(" and %zu more"), n - 5);
}

/*
 * A CA certificate in a trust location that is expired or a cross-signed copy of a root: when
 * sendmail verifies a peer, OpenSSL takes the issuer from the store (this copy, when it is the
 * one it finds) and may not get from there to a valid root. That breaks sendmail's own
 * verification of peers (a warning); the chain we serve is judged by chain.expired-ca.
 */
static void
check_store_ca(struct check_ctx *c, const char *file, const struct cert *ca, const char *repro)
{
	char *detail = NULL, *picked = NULL, d[32];
	bool cross = trust_has_root_named(c->pub, ca) || trust_has_root_named(c->store, ca);
	bool expired = cert_expiry_state(ca, c->plan->now, NULL) == CERT_EXPIRED;
	struct finding *f;

	if (!ca->is_ca || ca->self_issued || !(cross || expired))
		return;
	if (chain_issued_by_verifies(c->store, ca, c->plan->now, &detail, &picked))
		return;
	time_format_iso(ca->not_after, d, sizeof(d));
	d[10] = '\0';
	f = findings_add(c->out, "store.verify-broken", SEV_WARNING, file,
	    _("this trust location holds %s, issued by %s (%s, valid until %s): when sendmail "
	    "verifies a peer whose chain runs through %s, OpenSSL takes %s from the store and "
	    "fails ('%s'), so sendmail logs verify=FAIL for those peers%s, even when the "
	    "self-signed root is in CACertPath; mail still flows unless access rules demand "
	    "verified TLS"), ca->subject, ca->issuer, cross ? _("a cross-signed copy of a "
	    "root") : _("expired"), d, ca->subject, picked ? picked : ca->subject, detail,
	    strstr(ca->subject, "ISRG Root X1") ? _(" (every Let's Encrypt peer)") : "");
	finding_set_fix(f, _("delete %s (issued by %s) from %s; the self-signed root belongs "
	    "in CACertPath (define(`confCACERT_PATH', `/etc/ssl/certs')). Let's Encrypt: use the "
	    "chain.pem of a current renewal, which holds the intermediate only"), ca->subject,
	    ca->issuer, file);
	finding_set_reproduce(f, "%s", repro);
	free(detail);
	free(picked);
}

/* The reproduction of check_store_ca: verify with sendmail's two trust locations. */
static char *
store_repro(const struct check_ctx *c, const char *target)
{
	const char *file = plan_get(c->plan, PF_CA_CERT), *dir = plan_get(c->plan, PF_CA_PATH);
	struct stat st;

	return xstrprintf("openssl verify%s%s%s%s %s", file ? " -CAfile " : "", file ? file : "",
	    dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? " -CApath " : "",
	    dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? dir : "", target);
}

static void
check_ca_file(struct check_ctx *c, bool *has_public)
{
	const char *path = plan_get(c->plan, PF_CA_CERT);
	struct capath_scan scan;
	struct finding *f;

	check_file_safety(c, PF_CA_CERT, path, false);
	/* the light scan: a bundle of a hundred roots must not slow the wizard down */
	if (cafile_scan(path, c->pub, c->plan->now, &scan) == -1) {
		struct certlist certs = { 0 };
		enum load_status ls;
		char *err = NULL;

		ls = cert_load_file(path, &certs, &err);
		if (ls != LOAD_OK)
			check_load_error(c, PF_CA_CERT, ls, path, err);
		free(err);
		certlist_free(&certs);
		capath_scan_free(&scan);
		return;
	}
	/* the MSP is a client: it sends no CA names to anybody */
	if (scan.n_certs > CACERT_LARGE && !c->plan->msp) {
		f = findings_add(c->out, "store.cacert-large", SEV_WARNING, path,
		    _("CACertFile holds %zu certificates: sendmail sends all their names to every "
		    "client as acceptable CAs (about %zu KB per handshake), and some clients fail "
		    "or give up"), scan.n_certs, scan.n_certs * 115 / 1000);
		finding_set_fix(f, _("put only our issuer in confCACERT (Let's Encrypt: "
		    "chain.pem) and the public roots in define(`confCACERT_PATH', `/etc/ssl/certs')"));
		finding_set_reproduce(f, "grep -c 'BEGIN CERTIFICATE' %s", path);
	}
	if (scan.n_expired_roots > 0) {
		struct buf names = { 0 };

		join_names(&names, scan.expired_roots, scan.n_expired_roots, "; ");
		expired_root(c, path, names.data, distribution_managed(path));
		buf_free(&names);
	}
	if (scan.has_public_root)
		*has_public = true;
	capath_scan_free(&scan);
	{
		struct certlist certs = { 0 };
		char *err = NULL, *repro;
		size_t i;

		if (cert_load_file(path, &certs, &err) == LOAD_OK) {
			repro = store_repro(c, path);
			for (i = 0; i < certs.n; i++)
				check_store_ca(c, path, &certs.v[i], repro);
			free(repro);
		}
		free(err);
		certlist_free(&certs);
	}
}

/* Whether every certificate in dir/name is in the store anyway (through CACertFile). */
static bool
unhashed_covered(const struct check_ctx *c, const char *dir, const char *name)
{
	struct certlist certs = { 0 };
	char *path = xstrprintf("%s/%s", dir, name), *err = NULL;
	bool covered;
	size_t i;

	covered = cert_load_file(path, &certs, &err) == LOAD_OK && certs.n > 0;
	for (i = 0; covered && i < certs.n; i++)
		covered = trust_has(c->store, &certs.v[i]);
	free(err);
	free(path);
	certlist_free(&certs);
	return covered;
}

/*
 * store.capath-unhashed: OpenSSL looks certificates up in CACertPath only by HASH.0 names, so
 * it never finds the unhashed ones there; but sendmail loads CACertFile into the same store,
 * and what CACertFile holds is found: only the certificates that are nowhere else cost
 * sendmail's own verification of peers (a warning); when there are none, it is info.
 * What we serve through them is judged by chain.incomplete.
 */
static void
check_unhashed(struct check_ctx *c, const char *dir, const struct capath_scan *scan)
{
	char **hidden = xreallocarray(NULL, scan->n_unhashed, sizeof(*hidden));
	struct buf names = { 0 };
	struct finding *f;
	size_t i, n = 0;

	for (i = 0; i < scan->n_unhashed; i++)
		if (!unhashed_covered(c, dir, scan->unhashed[i]))
			hidden[n++] = scan->unhashed[i];
	if (n > 0) {
		join_names(&names, hidden, n, ", ");
		f = findings_add(c->out, "store.capath-unhashed", SEV_WARNING, dir,
		    _("%zu certificate file(s) have no subject-hash link (%s): OpenSSL looks "
		    "certificates up only by HASH.0 names, so it never finds these, and sendmail "
		    "cannot verify peers through them (verify=FAIL in its log)"), n, names.data);
	} else {
		join_names(&names, scan->unhashed, scan->n_unhashed, ", ");
		f = findings_add(c->out, "store.capath-unhashed", SEV_INFO, dir,
		    _("%zu certificate file(s) have no subject-hash link (%s): OpenSSL never "
		    "finds them here, but CACertFile holds the same certificates, so sendmail "
		    "still verifies peers with them"), scan->n_unhashed, names.data);
	}
	finding_set_fix(f, _("make the links: openssl rehash %s (or smtls rehash %s)"), dir, dir);
	finding_set_reproduce(f, "openssl verify -CApath %s %s/%s", dir, dir,
	    n > 0 ? hidden[0] : scan->unhashed[0]);
	buf_free(&names);
	free(hidden);
}

/*
 * "mv DIR/NAME DIR/NAME.pem && ..." for each file of the scan that sits under a hash name:
 * each to a name that is free now (NAME.pem, else NAME-2.pem, ...), never over a file.
 */
static char *
misnamed_moves(const char *dir, const struct capath_scan *scan)
{
	struct buf b = { 0 };
	struct stat st;

	for (size_t i = 0; i < scan->n_misnamed; i++) {
		char *to = xstrprintf("%s/%s.pem", dir, scan->misnamed[i]);

		for (int n = 2; lstat(to, &st) == 0 && n < 1000; n++) {
			free(to);
			to = xstrprintf("%s/%s-%d.pem", dir, scan->misnamed[i], n);
		}
		buf_printf(&b, "%smv %s/%s %s", i ? " && " : "", dir, scan->misnamed[i], to);
		free(to);
	}
	return buf_release(&b);
}

static void
check_ca_path(struct check_ctx *c, bool *has_public)
{
	const char *dir = plan_get(c->plan, PF_CA_PATH);
	struct capath_scan scan;
	struct finding *f;
	struct stat st;
	char *err = NULL;
	bool managed;

	if (stat(dir, &st) == -1) {
		if (errno != ENOENT) {
			/* a symlink loop, EACCES, ENOTDIR...: say which, not "does not exist" */
			f = findings_add(c->out, "file.unreadable", SEV_WARNING, dir,
			    _("CACertPath cannot be opened: %s. sendmail still offers STARTTLS, but "
			    "finds no root there, so it cannot verify peers through it (verify=FAIL "
			    "in its log; mail still flows unless access rules demand verified TLS)"),
			    file_strerror(errno));
			finding_set_fix(f, _("define(`confCACERT_PATH', `/etc/ssl/certs'), or make %s "
			    "a readable directory of hashed certificates"), dir);
			finding_set_reproduce(f, "namei -l %s", dir);
			return;
		}
		/* sendmail still offers STARTTLS: only its own verification of peers suffers
		 * (what we serve is judged by chain.incomplete) */
		f = findings_add(c->out, "file.missing", SEV_WARNING, dir,
		    _("CACertPath names a directory that does not exist: sendmail still offers "
		    "STARTTLS, but finds no root there, so it cannot verify peers through it "
		    "(verify=FAIL in its log; mail still flows unless access rules demand "
		    "verified TLS)"));
		finding_set_fix(f, _("define(`confCACERT_PATH', `/etc/ssl/certs'), or create the "
		    "directory and fill it (smtls rehash %s --from BUNDLE)"), dir);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* sendmail still offers STARTTLS; OpenSSL just finds nothing there */
		f = findings_add(c->out, "file.unreadable", SEV_WARNING, dir,
		    _("CACertPath must name a directory of hashed certificates, not a file: "
		    "sendmail still offers STARTTLS, but OpenSSL finds no root through it, so "
		    "sendmail cannot verify peers through it (verify=FAIL in its log; mail still "
		    "flows unless access rules demand verified TLS)"));
		finding_set_fix(f, _("name the file with confCACERT instead, or use "
		    "define(`confCACERT_PATH', `/etc/ssl/certs')"));
		return;
	}
	/* no check_file_safety: sendmail checks neither CACertPath nor the directories above it
	 * (world-writable ones included: STARTTLS is offered, and verify=OK) */
	if (capath_scan(dir, c->pub, c->plan->now, &scan, &err) == -1) {
		findings_add(c->out, "file.unreadable", SEV_ERROR, dir, "%s", err);
		free(err);
		return;
	}
	managed = distribution_managed(dir);
	if (scan.n_unhashed > 0)
		check_unhashed(c, dir, &scan);
	if (scan.n_stale > 0) {
		struct buf names = { 0 };

		join_names(&names, scan.stale, scan.n_stale, "; ");
		f = findings_add(c->out, "store.capath-stale", SEV_WARNING, dir,
		    _("%zu hash link(s) are stale: %s"), scan.n_stale, names.data);
		if (scan.n_misnamed == 0)
			finding_set_fix(f, _("rebuild the links: openssl rehash %s (or smtls rehash "
			    "%s)"), dir, dir);
		else {
			char *mv = misnamed_moves(dir, &scan);

			finding_set_fix(f, _("give each file under a hash name a name of its own "
			    "(rehash remakes links, never files), then rebuild the links: %s && "
			    "openssl rehash %s (or %s && smtls rehash %s)"), mv, dir, mv, dir);
			free(mv);
		}
		buf_free(&names);
	}
	if (scan.n_expired_roots > 0) {
		struct buf names = { 0 };

		join_names(&names, scan.expired_roots, scan.n_expired_roots, "; ");
		expired_root(c, dir, names.data, managed);
		buf_free(&names);
	}
	if (scan.has_public_root)
		*has_public = true;
	for (size_t i = 0; i < scan.n_issued; i++) {
		struct certlist certs = { 0 };
		char *path = xstrprintf("%s/%s", dir, scan.issued[i]), *repro;

		if (cert_load_file(path, &certs, &err) == LOAD_OK && certs.n > 0) {
			repro = store_repro(c, path);
			check_store_ca(c, dir, &certs.v[0], repro);
			free(repro);
		}
		free(err);
		err = NULL;
		certlist_free(&certs);
		free(path);
	}
	capath_scan_free(&scan);
}

/* Whether OpenSSL loads CACertFile: a regular file holding at least one PEM certificate. */
static bool
cafile_loadable(const char *path)
{
	struct certlist certs = { 0 };
	struct stat st;
	char *err = NULL;
	bool ok;

	ok = stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    cert_load_file(path, &certs, &err) == LOAD_OK && certs.n > 0;
	free(err);
	certlist_free(&certs);
	return ok;
}

/*
 * store.no-trust-anchors: sendmail loads CACertFile and CACertPath in one call; when either is
 * unset, or CACertFile cannot be loaded, it logs 'load verify locs ... failed' (or 'CACertFile
 * missing') and its store stays empty, even with a good CACertPath: its own verification of
 * every peer fails. Returns true when the stores hold no anchors (nothing more to judge).
 */
static bool
check_no_anchors(struct check_ctx *c)
{
	const struct tls_plan *p = c->plan;
	const char *file = plan_get(p, PF_CA_CERT), *dir = plan_get(p, PF_CA_PATH);
	struct finding *f;

	if (file != NULL && dir != NULL) {
		if (cafile_loadable(file))
			return false;
		f = findings_add(c->out, "store.no-trust-anchors", SEV_WARNING, file,
		    _("OpenSSL cannot load CACertFile as PEM certificates: sendmail logs 'load "
		    "verify locs %s, %s failed' and loads no trust anchors at all, not even those "
		    "in CACertPath, so its own verification of every peer fails (verify=FAIL in "
		    "its log; mail still flows unless access rules demand verified TLS)"), dir,
		    file);
		finding_set_fix(f, _("make %s a PEM file holding our issuer's certificate (Let's "
		    "Encrypt: chain.pem)"), file);
		finding_set_reproduce(f, "openssl x509 -noout -subject -in %s", file);
		return true;
	}
	/* flags alone that name neither say nothing about the trust locations; a cf that sets
	 * neither gets mc.no-tls, which names both */
	if (file == NULL && dir == NULL)
		return true;
	f = findings_add(c->out, "store.no-trust-anchors", SEV_WARNING, file ? file : dir,
	    c->plan->msp ? _("%s not set: the MSP loads no trust anchors at all, so it cannot "
	    "verify its relay (verify=FAIL in its log for every submission)") :
	    _("%s not set: sendmail loads no trust anchors at all, so its own verification "
	    "of every peer fails (verify=FAIL in its log; mail still flows unless access rules "
	    "demand verified TLS)"), file == NULL ? _("CACertFile (confCACERT) is") :
	    _("CACertPath (confCACERT_PATH) is"));
	if (c->plan->msp)
		finding_set_fix(f, _("set both in submit.mc and rebuild submit.cf: "
		    "define(`confCACERT', `FILE') naming the relay's issuer, "
		    "define(`confCACERT_PATH', `/etc/ssl/certs')"));
	else
		finding_set_fix(f, _("set both in sendmail.mc and rebuild sendmail.cf: "
		    "define(`confCACERT', `/etc/mail/tls/chain.pem') define(`confCACERT_PATH', "
		    "`/etc/ssl/certs')"));
	return true;
}

void
check_stores(struct check_ctx *c)
{
	const struct tls_plan *p = c->plan;
	bool has_public = false;
	struct finding *f;

	if (p->public_roots != NULL) {
		char *err = NULL;

		c->pub = trust_load(p->public_roots, &err);
		if (c->pub == NULL) {
			f = findings_add(c->out, "file.unreadable", SEV_ERROR, p->public_roots,
			    _("the public roots (--public-roots) cannot be read, so what peers see "
			    "cannot be judged: %s"), err ? err : "?");
			finding_set_fix(f, _("name a PEM bundle or a hashed directory, e.g. "
			    "--public-roots /etc/ssl/certs/ca-certificates.crt"));
			free(err);
		}
	}
	if (plan_get(p, PF_CA_CERT) != NULL)
		check_ca_file(c, &has_public);
	if (plan_get(p, PF_CA_PATH) != NULL)
		check_ca_path(c, &has_public);
	if (check_no_anchors(c) || c->pub == NULL)
		return;
	/* the MSP talks to its relay only: public roots are not its business */
	if (p->msp)
		return;
	if (!has_public) {
		f = findings_add(c->out, "store.no-public-roots", SEV_WARNING,
		    plan_get(p, PF_CA_PATH) ? plan_get(p, PF_CA_PATH) : plan_get(p, PF_CA_CERT),
		    _("neither CACertFile nor CACertPath holds a public root: sendmail cannot verify "
		    "most servers it delivers to or clients with certificates (verify=FAIL in the "
		    "log; mail still flows unless access rules demand verified TLS)"));
		finding_set_fix(f, "define(`confCACERT_PATH', `/etc/ssl/certs')");
	} else
		check_ok(c, "store.no-public-roots", plan_get(p, PF_CA_PATH) ?
		    plan_get(p, PF_CA_PATH) : plan_get(p, PF_CA_CERT),
		    _("sendmail can verify peers with public certificates"));
}
