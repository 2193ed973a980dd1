/* check-cert.c: one identity (server or client): its certificate, its key, and the chain peers get. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check-int.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

struct identity {
	enum plan_field	 fc, fk;
	bool		 server;
	const char	*peers;		/* who sees this certificate, for messages */
};

static void
date_of(time_t t, char *buf, size_t size)
{
	time_format_iso(t, buf, size);
	if (strlen(buf) > 10)
		buf[10] = '\0';
}

/* Splits "a.pem,b.pem" (RSA + ECDSA pairs); returns the number of parts. */
static size_t
split_paths(const char *v, char ***out)
{
	size_t n = 0;
	const char *s = v;

	*out = NULL;
	if (v == NULL)
		return 0;
	for (;;) {
		size_t len = strcspn(s, ",");

		*out = xreallocarray(*out, n + 1, sizeof(**out));
		(*out)[n++] = xstrndup(s, len);
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	return n;
}

static bool
is_lets_encrypt(const struct cert *c)
{
	return strstr(c->issuer, "Let's Encrypt") != NULL;
}

static void
check_validity(struct check_ctx *c, const struct identity *id, const char *path,
    const struct cert *leaf)
{
	time_t warn = cert_expiry_window(leaf);
	long long left;
	enum cert_validity v = cert_expiry_state(leaf, c->plan->now, &left);
	char d[32];
	struct finding *f;

	if (v == CERT_EXPIRED) {
		date_of(leaf->not_after, d, sizeof(d));
		/* our client certificate: sendmail still uses it, servers that ask for one
		 * mostly log verify=FAIL and take the mail (a warning) */
		f = findings_add(c->out, "cert.expired", id->server ? SEV_ERROR : SEV_WARNING, path,
		    _("the certificate expired on %s: %s reject it ('certificate has expired'), "
		    "and those that require TLS will not exchange mail with us"), d, id->peers);
		finding_set_fix(f, is_lets_encrypt(leaf) ? _("renew it (certbot renew), then "
		    "restart sendmail") : _("renew it at its CA (or make a new one), install it and "
		    "restart sendmail"));
		finding_set_reproduce(f, "openssl x509 -in %s -noout -checkend 0", path);
	} else if (v == CERT_NOT_YET_VALID) {
		date_of(leaf->not_before, d, sizeof(d));
		f = findings_add(c->out, "cert.not-yet-valid", id->server ? SEV_ERROR : SEV_WARNING,
		    path,
		    _("the certificate is valid only from %s: %s reject it until then "
		    "('certificate is not yet valid'); is the clock of this host or of the CA "
		    "wrong?"), d, id->peers);
		finding_set_fix(f, _("check the system clock (timedatectl), or wait until %s"), d);
		finding_set_reproduce(f, "openssl x509 -in %s -noout -startdate", path);
	} else if (v == CERT_EXPIRING) {
		date_of(leaf->not_after, d, sizeof(d));
		f = findings_add(c->out, "cert.expiring", SEV_WARNING, path,
		    _("the certificate expires on %s, in %lld day(s); after that %s reject it"),
		    d, left, id->peers);
		finding_set_fix(f, is_lets_encrypt(leaf) ? _("check that renewal works "
		    "(certbot renew --dry-run) and that a deploy hook restarts sendmail "
		    "(smtls hook install)") : _("renew it now and restart sendmail"));
		finding_set_reproduce(f, "openssl x509 -in %s -noout -checkend %lld", path,
		    (long long)warn);
	} else if (c->plan->want_ok) {
		date_of(leaf->not_after, d, sizeof(d));
		findings_add(c->out, "cert.expired", SEV_OK, path, _("valid until %s"), d);
	}
}

static void
check_client_eku(struct check_ctx *c, const char *path, const struct cert *leaf)
{
	struct finding *f;

	if (cert_client_auth_ok(leaf))
		return;
	f = findings_add(c->out, "cert.no-client-auth", SEV_WARNING, path,
	    c->plan->msp ? _("the certificate's extended key usage lacks clientAuth: a relay "
	    "that verifies client certificates rejects it as the MSP's client certificate "
	    "('unsupported certificate purpose')") :
	    is_lets_encrypt(leaf) ?
	    _("the certificate's extended key usage lacks clientAuth (Let's Encrypt "
	    "certificates have none since 2026-02-11): servers that verify client "
	    "certificates reject it as our client certificate ('unsupported certificate "
	    "purpose')") :
	    _("the certificate's extended key usage lacks clientAuth: servers that verify "
	    "client certificates reject it as our client certificate ('unsupported "
	    "certificate purpose')"));
	finding_set_fix(f, _("send no client certificate (remove confCLIENT_CERT and "
	    "confCLIENT_KEY, or --no-client-cert), or use one with extendedKeyUsage = "
	    "clientAuth (e.g. from a private CA: smtls ca issue)"));
	finding_set_reproduce(f, "openssl x509 -in %s -noout -ext extendedKeyUsage", path);
}

/*
 * Debian's update_tls makes sendmail-server.crt (and sendmail-client.crt): self-signed,
 * X.509 version 1 without extensions, "O=Sendmail, OU=Sendmail Server", the host name in
 * the CN only (no subjectAltName).
 */
static bool
is_update_tls_cert(const struct cert *leaf)
{
	return leaf->self_signed && leaf->n_dns == 0 && leaf->n_ip == 0 &&
	    strstr(leaf->subject, "/O=Sendmail/OU=Sendmail ") != NULL;
}

bool
check_cert_is_update_tls(const char *path)
{
	struct certlist cl = { 0 };
	char *err = NULL;
	bool r = path != NULL && cert_load_file(path, &cl, &err) == LOAD_OK && cl.n > 0 &&
	    is_update_tls_cert(&cl.v[0]);

	certlist_free(&cl);
	free(err);
	return r;
}

/* The hash link in CACertPath (HASH.N) that leads to the file at path, or NULL. Caller frees. */
static char *
linked_into(const char *dir, const struct cert *leaf, const char *path)
{
	struct stat want, st;
	int n;

	if (dir == NULL || stat(path, &want) == -1)
		return NULL;
	for (n = 0; n < 10; n++) {
		char *l = xstrprintf("%s/%08lx.%d", dir, leaf->subject_hash, n);

		if (stat(l, &st) == 0 && st.st_dev == want.st_dev && st.st_ino == want.st_ino)
			return l;
		free(l);
	}
	return NULL;
}

/*
 * Our own self-signed certificate linked into CACertPath (update_tls links its certificates
 * into /etc/ssl/certs): every OpenSSL program that trusts that directory takes it as a
 * root; a version 1 certificate is a CA to OpenSSL, so its key can issue for any name.
 */
static void
check_linked_as_root(struct check_ctx *c, const struct identity *id, const char *path,
    const struct cert *leaf)
{
	const char *dir = plan_get(c->plan, PF_CA_PATH), *key = plan_get(c->plan, id->fk);
	char *l = linked_into(dir, leaf, path);
	struct finding *f;

	if (l == NULL)
		return;
	if (leaf->v1)
		f = findings_add(c->out, "store.own-cert-linked", SEV_WARNING, path,
		    _("%s links this self-signed certificate into %s, so every program that "
		    "trusts that directory (sendmail's CACertPath, and OpenSSL's default for curl, "
		    "wget and others on this host) takes it as a root; it is an X.509 version 1 "
		    "certificate, which OpenSSL treats as a CA, so whoever can read its key %s can "
		    "make certificates for any name that those programs accept"), l, dir,
		    key ? key : _("(the private key)"));
	else
		f = findings_add(c->out, "store.own-cert-linked", SEV_INFO, path,
		    _("%s links this self-signed certificate into %s, so every program that "
		    "trusts that directory takes it as a root: they accept this certificate for "
		    "its names"), l, dir);
	finding_set_fix(f, _("replace the certificate (smtls selfsigned, smtls import or smtls "
	    "letsencrypt, then smtls apply), then remove the link: rm %s (Debian's update_tls "
	    "makes it again each time it runs while %s exists)"), l, path);
	finding_set_reproduce(f, "ls -l %s; openssl verify -CApath %s %s", l, dir, path);
	free(l);
}

/* Returns -1 when the certificate is not ours at all (cert.is-ca): no chain to judge. */
static int
check_leaf(struct check_ctx *c, const struct identity *id, const char *path,
    const struct certlist *certs)
{
	const struct cert *leaf = &certs->v[0];
	const char *host = c->plan->hostname;
	struct finding *f;

	/* "openssl req -x509" marks self-signed server certificates CA:TRUE: those are ours */
	if (leaf->is_ca && (!leaf->self_signed || (host != NULL && *host != '\0' &&
	    !cert_matches_host(leaf, host)))) {
		f = findings_add(c->out, "cert.is-ca", SEV_ERROR, path,
		    _("the first certificate here is a CA certificate (%s), not ours: sendmail would "
		    "present it as its own and %s fail ('unsupported certificate purpose' or a "
		    "name mismatch)"), leaf->subject, id->peers);
		finding_set_fix(f, _("point define(`%s', ...) at our own certificate (Let's "
		    "Encrypt: cert.pem); the CA certificate (chain.pem) belongs in confCACERT"),
		    check_macro(id->fc));
		finding_set_reproduce(f, "openssl x509 -in %s -noout -subject -ext basicConstraints",
		    path);
		return -1;
	}
	check_validity(c, id, path, leaf);
	if (id->server && host != NULL && *host != '\0') {
		if (!cert_matches_host(leaf, host)) {
			f = findings_add(c->out, "cert.name-mismatch", SEV_WARNING, path,
			    _("the certificate does not name %s (subject %s): clients that check "
			    "names (DANE, MTA-STS, verify=OK policies) reject it"), host,
			    leaf->subject);
			finding_set_fix(f, _("get a certificate whose subjectAltName holds DNS:%s "
			    "(certbot certonly -d %s), or give the name this host is known by with "
			    "--hostname"), host, host);
			finding_set_reproduce(f, "openssl x509 -in %s -noout -checkhost %s", path, host);
		} else
			check_ok(c, "cert.name-mismatch", path, _("the certificate names this host"));
	}
	if (is_update_tls_cert(leaf)) {
		f = findings_add(c->out, "cert.update-tls", SEV_INFO, path,
		    _("this is the self-signed certificate Debian's update_tls made (%s): the host "
		    "name is in its CN only, with no subjectAltName, and nobody vouches for it, "
		    "so %s cannot verify it (verify=FAIL in their logs) and clients that check "
		    "names refuse it; STARTTLS still encrypts, since it is opportunistic"),
		    leaf->subject, id->peers);
		finding_set_fix(f, _("replace it: a public CA's certificate (smtls letsencrypt, "
		    "or smtls import for one you have), or at least one with the name in its "
		    "subjectAltName (smtls selfsigned); smtls apply then points %s at it in a "
		    "block after the include of starttls.m4, whose defines it overrides"),
		    check_macro(id->fc));
		finding_set_reproduce(f, "openssl x509 -in %s -noout -subject -issuer -ext "
		    "subjectAltName", path);
	} else if (leaf->self_signed) {
		f = findings_add(c->out, "cert.self-signed", SEV_INFO, path,
		    _("the certificate signs itself: %s cannot verify it (verify=FAIL in their "
		    "logs); most MTAs still use the encryption, since STARTTLS is opportunistic"),
		    id->peers);
		finding_set_fix(f, _("for verified TLS get a certificate from a public CA (e.g. "
		    "Let's Encrypt: smtls letsencrypt)"));
	}
	if (leaf->self_signed)
		check_linked_as_root(c, id, path, leaf);
	if (leaf->weak_sig) {
		f = findings_add(c->out, "cert.weak-signature", SEV_ERROR, path,
		    _("the certificate is signed with %s (MD5/SHA-1): OpenSSL 3 peers at "
		    "security level 1 or more reject it ('ca md too weak')"), leaf->sig_alg);
		finding_set_fix(f, _("reissue it with SHA-256 (openssl req/x509 -sha256)"));
		finding_set_reproduce(f, "openssl x509 -in %s -noout -text | grep 'Signature "
		    "Algorithm'", path);
	}
	if (id->server && leaf->has_eku && !(leaf->eku & (EKU_SERVER_AUTH | EKU_ANY))) {
		f = findings_add(c->out, "cert.no-server-auth", SEV_WARNING, path,
		    _("the certificate's extended key usage lacks serverAuth: clients that verify "
		    "reject it ('unsupported certificate purpose')"));
		finding_set_fix(f, _("reissue it with extendedKeyUsage = serverAuth"));
		finding_set_reproduce(f, "openssl x509 -in %s -noout -ext extendedKeyUsage", path);
	}
	if (!id->server)
		check_client_eku(c, path, leaf);
	if (certs->n > 1 && !c->chain_file) {
		f = findings_add(c->out, "cert.extra-ignored", SEV_WARNING, path,
		    _("the file holds %zu more certificate(s) after ours, but this sendmail reads "
		    "only the first (SSL_CTX_use_certificate_file): %s get only what OpenSSL adds "
		    "from CACertFile and CACertPath"), certs->n - 1, id->peers);
		finding_set_fix(f, _("point define(`%s', ...) at the certificate alone (Let's "
		    "Encrypt: cert.pem, not fullchain.pem) and put the intermediate(s) in "
		    "confCACERT (Let's Encrypt: chain.pem)"), check_macro(id->fc));
	}
	return 0;
}

/*
 * openssl verify as a peer with the public roots does it: a directory is -CApath (-CAfile of
 * a directory fails), the intermediates we send come as -untrusted.
 */
static void
set_verify_reproduce(const struct check_ctx *c, struct finding *f, const char *leaf,
    const char *untrusted)
{
	const char *pub = c->plan->public_roots;
	struct stat st;

	if (pub == NULL)
		return;
	finding_set_reproduce(f, "openssl verify %s %s%s%s %s", stat(pub, &st) == 0 &&
	    S_ISDIR(st.st_mode) ? "-CApath" : "-CAfile", pub, untrusted ? " -untrusted " : "",
	    untrusted ? untrusted : "", leaf);
}

/* The chain peers receive, judged as peers judge it. */
static void
check_chain(struct check_ctx *c, const struct identity *id, const char *path,
    const struct certlist *certs)
{
	const struct cert *leaf = &certs->v[0];
	struct certlist extra = { 0 }, presented = { 0 };
	enum chain_result r = CHAIN_ERROR;
	char *detail = NULL, d[32];
	struct finding *f;
	size_t i;

	if (c->chain_file && certs->n > 1) {
		extra.v = certs->v + 1;	/* a view, not a copy */
		extra.n = certs->n - 1;
	}
	chain_presented(c->store, leaf, &extra, c->plan->now, &presented);
	for (i = 1; i < presented.n; i++) {
		const struct cert *ca = &presented.v[i];

		if (c->plan->now > ca->not_after) {
			/* an error only when current peers reject it: with their own root they
			 * stop there (OpenSSL's trusted-first) and never reach the expired copy */
			char *why = NULL;
			bool accepted = c->pub != NULL && chain_verify_dated(c->pub, &presented,
			    c->plan->now, &why) == CHAIN_OK;

			free(why);
			date_of(ca->not_after, d, sizeof(d));
			f = findings_add(c->out, "chain.expired-ca", accepted ? SEV_WARNING :
			    SEV_ERROR, path, accepted ?
			    _("the chain we present holds %s, which expired on %s: peers with the "
			    "current roots still verify it, but %s with older TLS libraries "
			    "(OpenSSL 1.0, old GnuTLS) fail with 'certificate has expired'") :
			    _("the chain we present holds %s, which expired on %s: %s that verify "
			    "with the public roots fail with 'certificate has expired'"),
			    ca->subject, d, id->peers);
			if (strstr(ca->subject, "DST Root CA X3") || strstr(ca->issuer, "DST Root CA X3"))
				finding_set_fix(f, _("remove the DST Root CA X3 and the ISRG Root X1 "
				    "cross-sign from %s and from confCACERT/confCACERT_PATH: Let's "
				    "Encrypt's current chain ends at the self-signed ISRG Root X1 (use "
				    "chain.pem of a fresh certbot renewal)"), c->chain_file &&
				    extra.n ? path : "CACertFile");
			else
				finding_set_fix(f, _("replace the expired CA certificate by its current "
				    "one where it comes from (%s, CACertFile or CACertPath)"), path);
			finding_set_reproduce(f, "openssl storeutl -noout -text -certs %s | grep -E "
			    "'Subject:|Not After'", c->chain_file && extra.n ? path :
			    plan_get(c->plan, PF_CA_CERT) ? plan_get(c->plan, PF_CA_CERT) : path);
		}
		if (ca->weak_sig && !ca->self_signed) {
			f = findings_add(c->out, "cert.weak-signature", SEV_ERROR, path,
			    _("the intermediate %s in the chain we present is signed with %s "
			    "(MD5/SHA-1): OpenSSL 3 peers reject the chain ('ca md too weak')"),
			    ca->subject, ca->sig_alg);
			finding_set_fix(f, _("get the SHA-256 version of that intermediate from "
			    "the CA and use it in confCACERT"));
		}
	}
	if (c->pub != NULL)
		r = chain_verify(c->pub, &presented, c->plan->now, &detail);
	if (presented.n == 1 && !leaf->self_signed && r != CHAIN_OK) {
		f = findings_add(c->out, "chain.incomplete", SEV_ERROR, path,
		    _("peers receive only our certificate: its issuer (%s) is in neither %s nor "
		    "CACertFile/CACertPath, so %s fail with 'unable to get local issuer "
		    "certificate'"), leaf->issuer, c->chain_file ? _("the cert file") :
		    _("the usable cert file"), id->peers);
		finding_set_fix(f, is_lets_encrypt(leaf) ?
		    _("define(`confCACERT', `/etc/letsencrypt/live/NAME/chain.pem') (the "
		    "intermediate), keeping cert.pem as the certificate") :
		    _("put the intermediate certificate(s) of your CA into the file named by "
		    "define(`confCACERT', ...)"));
		finding_set_reproduce(f, "openssl verify %s%s%s%s %s", plan_get(c->plan, PF_CA_CERT) ?
		    "-CAfile " : "", plan_get(c->plan, PF_CA_CERT) ? plan_get(c->plan, PF_CA_CERT) :
		    "", plan_get(c->plan, PF_CA_PATH) ? " -CApath " : "",
		    plan_get(c->plan, PF_CA_PATH) ? plan_get(c->plan, PF_CA_PATH) : "", path);
	} else if (c->pub != NULL) {
		const struct cert *last = &presented.v[presented.n - 1];

		check_ok(c, "chain.incomplete", path, _("peers receive the issuer of our certificate"));
		switch (r) {
		case CHAIN_OK:
			check_ok(c, "chain.untrusted", path, _("peers can verify the chain"));
			break;
		case CHAIN_SELF_SIGNED:
			findings_add(c->out, "chain.untrusted", SEV_INFO, path,
			    _("the certificate is self-signed: only peers that were given it can "
			    "verify us (see %s)"), findings_has(c->out, "cert.update-tls", path) ?
			    "cert.update-tls" : "cert.self-signed");
			break;
		case CHAIN_PRIVATE_ROOT:
			f = findings_add(c->out, "chain.untrusted", SEV_INFO, path,
			    _("the chain ends at %s, a root that is not among the public roots: only "
			    "peers that were given it can verify us (expected for a private CA)"),
			    last->subject);
			finding_set_fix(f, _("give the root to the peers that should verify us, or "
			    "use a public CA"));
			break;
		case CHAIN_NO_ISSUER:
		case CHAIN_ERROR:
			f = findings_add(c->out, "chain.untrusted", SEV_WARNING, path,
			    _("%s cannot verify the chain we present (%s): it ends at %s, "
			    "issued by %s, which is not among the public roots"), id->peers,
			    detail ? detail : "?", last->subject, last->issuer);
			finding_set_fix(f, _("add the missing intermediate(s) to the file named by "
			    "confCACERT, up to a root that peers trust"));
			set_verify_reproduce(c, f, path, c->chain_file && extra.n ? path :
			    plan_get(c->plan, PF_CA_CERT));
			break;
		}
	}
	free(detail);
	certlist_free(&presented);
}

/* quiet: the server side already reported this key file; only pairing is new */
static void
check_key(struct check_ctx *c, const struct identity *id, const char *kpath,
    const struct certlist *certs, const char *cpath, bool quiet)
{
	struct key key;
	char *err = NULL;
	enum load_status ls;
	struct finding *f;

	if (!quiet)
		check_file_safety(c, id->fk, kpath, true);
	ls = key_load_file(kpath, &key, &err);
	if (ls != LOAD_OK) {
		if (!quiet)
			check_load_error(c, id->fk, ls, kpath, err);
		free(err);
		return;
	}
	if (!quiet && ((strcmp(key.type, "RSA") == 0 && key.bits < 2048) ||
	    (strcmp(key.type, "EC") == 0 && key.bits < 256))) {
		f = findings_add(c->out, "key.weak", SEV_ERROR, kpath,
		    _("%s key of %d bits: OpenSSL 3 refuses it at load ('ee key too small'), so "
		    "sendmail uses no STARTTLS with it"), key.type, key.bits);
		finding_set_fix(f, _("make a new key and certificate: RSA 2048 bits or more, or "
		    "EC P-256 (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)"));
		finding_set_reproduce(f, "openssl pkey -in %s -noout -text | head -1", kpath);
	}
	if (certs != NULL && certs->n > 0) {
		if (!key_matches_cert(&key, &certs->v[0])) {
			f = findings_add(c->out, "key.mismatch", SEV_ERROR, kpath,
			    _("the key does not belong to the certificate %s: sendmail logs "
			    "'SSL_CTX_check_private_key failed' and uses no STARTTLS with them"),
			    cpath);
			finding_set_fix(f, _("point define(`%s', ...) at the key made with that "
			    "certificate (Let's Encrypt: privkey.pem of the same lineage)"),
			    check_macro(id->fk));
			finding_set_reproduce(f, "openssl x509 -in %s -noout -pubkey | cmp - <(openssl "
			    "pkey -in %s -pubout)", cpath, kpath);
		} else
			check_ok(c, "key.mismatch", kpath, _("the key belongs to the certificate"));
	} else if (cpath == NULL) {
		/* only the client side gets here: see check_identity */
		f = findings_add(c->out, "key.mismatch", SEV_ERROR, kpath,
		    _("%s is set but %s (%s) is not: sendmail loads the key, finds no "
		    "certificate for it and logs 'SSL_CTX_check_private_key failed'; it then "
		    "delivers without a client certificate"),
		    tls_option_by_field(id->fk)->cf_name, tls_option_by_field(id->fc)->cf_name,
		    check_macro(id->fc));
		finding_set_fix(f, _("add define(`%s', ...) naming the key's certificate, or remove "
		    "define(`%s', ...)"), check_macro(id->fc), check_macro(id->fk));
	}
	key_clear(&key);
}

void
check_identity(struct check_ctx *c, enum plan_field fc, enum plan_field fk)
{
	const struct tls_plan *p = c->plan;
	struct identity id = { fc, fk, fc == PF_SERVER_CERT, NULL };
	char **cpaths, **kpaths;
	size_t nc, nk, i;
	/* the client side reusing the server's files: check only what differs (clientAuth) */
	bool same_cert = !id.server && p->value[PF_SERVER_CERT] && p->value[fc] &&
	    strcmp(p->value[PF_SERVER_CERT], p->value[fc]) == 0;
	bool same_key = !id.server && p->value[PF_SERVER_KEY] && p->value[fk] &&
	    strcmp(p->value[PF_SERVER_KEY], p->value[fk]) == 0;

	id.peers = id.server ? _("clients that connect to us") : p->msp ?
	    _("the relays the MSP submits to") : _("servers we deliver to");
	nc = split_paths(plan_get(p, fc), &cpaths);
	nk = split_paths(plan_get(p, fk), &kpaths);
	for (i = 0; i < nc || i < nk; i++) {
		struct certlist certs = { 0 };
		bool have = false;

		if (i < nc) {
			char *err = NULL;
			enum load_status ls;

			if (!same_cert)
				check_file_safety(c, fc, cpaths[i], false);
			ls = cert_load_file(cpaths[i], &certs, &err);
			if (ls == LOAD_OK)
				have = true;
			else if (!same_cert)
				check_load_error(c, fc, ls, cpaths[i], err);
			free(err);
		}
		if (have && same_cert) {
			check_client_eku(c, cpaths[i], &certs.v[0]);
		} else if (have) {
			if (check_leaf(c, &id, cpaths[i], &certs) == 0)
				check_chain(c, &id, cpaths[i], &certs);
		}
		/* sendmail never reads a server key without its certificate (mc.no-tls says
		 * so; flags alone still ask about the key); a client key without one it loads,
		 * and refuses */
		if (i < nk && !(same_key && same_cert) && (i < nc || !id.server ||
		    (p->mc_path == NULL && p->cf_path == NULL)))
			check_key(c, &id, kpaths[i], have ? &certs : NULL, i < nc ? cpaths[i] : NULL,
			    same_key);
		certlist_free(&certs);
	}
	strv_free(cpaths, nc);
	strv_free(kpaths, nk);
}
