/* explain.c: what a STARTTLS log line means, for the mail and for the admin; per-relay counts. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "smtls/explain.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

static void
set(struct explanation *e, const char *id, enum severity sev, enum explain_tri enc,
    enum explain_tri del, enum explain_side side)
{
	e->id = id;
	e->severity = sev;
	e->encrypted = enc;
	e->delivered = del;
	e->side = side;
}

static void
say(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(char **dst, const char *fmt, ...)
{
	va_list ap;

	free(*dst);
	va_start(ap, fmt);
	*dst = xvstrprintf(fmt, ap);
	va_end(ap);
}

static bool
contains(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

/* Whom a relay= value names, for sentences. */
static const char *
peer(const struct explain_line *l)
{
	return l->relay[0] ? l->relay : _("the other side");
}

/*
 * The host part of a relay= value, as smtls probe takes it: "mx.example.com." ->
 * "mx.example.com", "[192.0.2.1]" -> "192.0.2.1", "[IPv6:2001:db8::1]" -> "[2001:db8::1]".
 */
static void
relay_host(const char *relay, char *dst, size_t size)
{
	size_t n = strcspn(relay, " ");
	const char *p = relay;

	if (n > 2 && p[0] == '[' && p[n - 1] == ']') {
		p++;
		n -= 2;
		if (n > 5 && strncasecmp(p, "IPv6:", 5) == 0) {
			p += 5;
			n -= 5;
		}
	}
	if (memchr(p, ':', n) != NULL) {
		snprintf(dst, size, "[%.*s]", (int)n, p);
		return;
	}
	if (n >= size)
		n = size - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
	if (n > 1 && dst[n - 1] == '.')
		dst[n - 1] = '\0';
}

/*
 * The reason an X509 verification failed (verifymsg= or reason=): cause and fix.
 * depth is the position in the chain (-1 when unknown); dir the direction.
 */
static void
verify_reason(struct explanation *e, const char *why, int depth, enum explain_dir dir,
    const char *relay)
{
	const char *who;
	bool client = dir == EXD_CLIENT;
	char host[EXPLAIN_FIELD_MAX];

	/* depth lines come before the line that names the relay */
	if (relay[0] != '\0') {
		who = relay;
		relay_host(relay, host, sizeof(host));
	} else {
		who = _("the peer");
		snprintf(host, sizeof(host), "RELAY");
	}
	if (contains(why, "unable to get local issuer certificate")) {
		e->side = client ? EXS_EITHER : EXS_PEER;
		if (client) {
			say(&e->cause, _("No certificate in our CACertFile/CACertPath issued the "
			    "certificate%s: either our CA locations lack the root of %s's chain, or "
			    "%s sends no intermediate certificate. To tell which, run 'smtls probe %s' "
			    "(or 'openssl s_client -starttls smtp -connect %s:25 -showcerts'): when it "
			    "shows only the server's own certificate, the peer's chain is incomplete "
			    "(their fix); when it shows the intermediate too, our CACertPath lacks the "
			    "root."), depth > 0 ? _(" above depth 0") : "", who, who, host, host);
			/* the depth tells which: the chain stopped at the leaf, or above it */
			if (depth == 0) {
				e->side = EXS_PEER;
				say(&e->cause, _("The issuer of the peer's own certificate (depth 0) "
				    "was neither sent nor found in our CACertFile/CACertPath: most "
				    "likely the peer sends no intermediate certificate (its fix). "
				    "'smtls probe %s' shows the chain it sends%s."), host,
				    relay[0] ? "" : _(" (RELAY: the relay= of the STARTTLS=client "
				    "line that follows)"));
			} else if (depth > 0) {
				e->side = EXS_OURS;
				say(&e->cause, _("The peer sent its chain up to depth %d, and the root "
				    "above it is not in our CACertFile/CACertPath: our CA locations lack "
				    "that root (our fix). 'smtls probe %s' shows the chain it sends%s."),
				    depth, host, relay[0] ? "" : _(" (RELAY: the relay= of the "
				    "STARTTLS=client line that follows)"));
			}
			say(&e->fix, _("Make CACertPath hold the public roots: define(`confCACERT_PATH', "
			    "`/etc/ssl/certs') (a hashed directory; see 'smtls rehash'). If the peer "
			    "sends no intermediate, tell its postmaster; delivery goes on meanwhile."));
		} else {
			say(&e->cause, _("The client's certificate was issued by a CA that is not in "
			    "our CACertFile/CACertPath, or the client sends no intermediate. This is "
			    "normal for clients with public certificates: our CA locations usually "
			    "hold only our own issuer."));
		}
	} else if (contains(why, "unable to get issuer certificate")) {
		e->side = EXS_OURS;
		say(&e->cause, _("Our CA locations hold a certificate of this chain but not its "
		    "issuer, and OpenSSL (and so sendmail) accepts no partial chains: an "
		    "intermediate without its root, or a cross-signed copy of a root in our "
		    "CACertFile (e.g. ISRG Root X1 issued by DST Root CA X3, from certbot's old long "
		    "chain.pem), which OpenSSL takes instead of the self-signed root in CACertPath."));
		say(&e->fix, _("If our CACertFile holds a cross-signed copy of a root ('smtls check' "
		    "reports it as store.verify-broken), delete it from CACertFile; otherwise add "
		    "the missing root to CACertPath (and re-hash it)."));
	} else if (contains(why, "unable to get certificate CRL")) {
		e->severity = SEV_INFO;
		e->side = EXS_NONE;
		say(&e->cause, _("No revocation list (CRL) was found for this certificate. Harmless "
		    "without a CRL setup (confCRL/confCRL_PATH): sendmail logs it and goes on."));
	} else if (contains(why, "has expired")) {
		/* above depth 0 the expired CA may come from our own CACertFile */
		e->side = depth > 0 ? EXS_EITHER : EXS_PEER;
		say(&e->cause, depth > 0 ?
		    _("A CA certificate in the chain has expired (for example DST Root CA X3, "
		    "expired 2021-09-30, or the DST cross-signed ISRG Root X1, expired 2024-09-30). "
		    "It may come from our own CACertFile: OpenSSL takes a cross-signed copy of a "
		    "root from there before the self-signed root in CACertPath.") :
		    _("The certificate has expired."));
		say(&e->fix, depth > 0 ?
		    _("If our CACertFile holds the expired or cross-signed CA certificate ('smtls "
		    "check' reports it as store.verify-broken), delete it there; otherwise the side "
		    "that sends the chain must drop it (for Let's Encrypt: the current chain.pem).") :
		    _("The owner of the certificate must renew it."));
	} else if (contains(why, "not yet valid")) {
		e->side = EXS_EITHER;
		say(&e->cause, _("The certificate is not valid yet: a clock is wrong (ours or the "
		    "peer's), or the certificate was just issued with a future start date."));
		say(&e->fix, _("Check the system clocks (timedatectl)."));
	} else if (contains(why, "self-signed certificate in certificate chain") ||
	    contains(why, "self signed certificate in certificate chain")) {
		e->side = EXS_EITHER;
		say(&e->cause, _("The chain ends at a root that our CA locations do not hold (a "
		    "private CA, or a public root missing from CACertPath)."));
		say(&e->fix, _("Add that root to CACertPath if you mean to trust it."));
	} else if (contains(why, "self-signed certificate") || contains(why, "self signed certificate")) {
		e->side = EXS_PEER;
		say(&e->cause, _("The certificate is self-signed; nobody can verify it unless they "
		    "hold this very certificate as a trusted root."));
		say(&e->fix, _("Expected with self-signed certificates; the mail is still "
		    "encrypted. To verify it, put this certificate into CACertPath."));
	} else if (contains(why, "unable to verify the first certificate")) {
		e->side = EXS_PEER;
		say(&e->cause, _("The certificate's issuer was not sent and is not in our CA "
		    "locations: the peer's chain is incomplete."));
	} else if (contains(why, "key too small") || contains(why, "md too weak")) {
		e->side = EXS_PEER;
		say(&e->cause, _("The certificate uses a key or signature that OpenSSL's security "
		    "level refuses (RSA below 2048 bits, SHA-1 or MD5)."));
		say(&e->fix, _("Its owner must reissue it with a 2048-bit key and SHA-256."));
	} else if (contains(why, "unsuitable certificate purpose")) {
		e->side = EXS_PEER;
		say(&e->cause, _("The certificate's extended key usage does not allow this use "
		    "(e.g. a serverAuth-only certificate used as a client certificate; Let's "
		    "Encrypt certificates lack clientAuth since 2026-02-11)."));
	} else if (contains(why, "revoked")) {
		e->side = EXS_PEER;
		say(&e->cause, _("The certificate has been revoked by its CA."));
	} else if (contains(why, "signature failure") || contains(why, "invalid CA")) {
		e->side = EXS_PEER;
		say(&e->cause, _("The chain is broken: a certificate is not validly signed by the "
		    "next, or a CA certificate is not marked as a CA."));
	} else if (why[0] != '\0' && strcmp(why, "ok") != 0) {
		e->side = EXS_EITHER;
		say(&e->cause, _("OpenSSL said: %s."), why);
	}
}

/*
 * What each ${verify} value means: the one table for log lines and Received: hops. Columns
 * [0] for the server side (a client connected; a hop's receiving server), [1] for the client
 * side (we delivered). client_cert: what it says about the sending client, server side.
 */
struct verify_meaning {
	const char	*id;
	enum severity	 sev[2];
	enum explain_tri enc;
	enum explain_tri del[2];
	enum explain_side side[2];
	const char	*client_cert;
};

static const struct verify_meaning verify_meanings[EXV_COUNT] = {
	[EXV_OK] = { "log.verify-ok", { SEV_OK, SEV_OK }, EXT_YES, { EXT_YES, EXT_YES },
	    { EXS_NONE, EXS_NONE }, N_("the client presented a certificate, and the receiving "
	    "server verified it") },
	[EXV_TRUSTED] = { "log.verify-ok", { SEV_OK, SEV_OK }, EXT_YES, { EXT_YES, EXT_YES },
	    { EXS_NONE, EXS_NONE }, N_("the client's certificate was accepted by an explicit trust "
	    "setting (its fingerprint or a DANE record), not through a CA chain") },
	[EXV_DANE_PASS] = { "log.verify-ok", { SEV_OK, SEV_OK }, EXT_YES, { EXT_YES, EXT_YES },
	    { EXS_NONE, EXS_NONE }, N_("the certificate matched a DANE TLSA record") },
	[EXV_FAIL] = { "log.verify-fail", { SEV_INFO, SEV_WARNING }, EXT_YES, { EXT_YES, EXT_YES },
	    { EXS_NONE, EXS_EITHER }, N_("the client presented a certificate that the receiving "
	    "server could not verify against its CACertFile/CACertPath; usually harmless: the "
	    "session was encrypted all the same, and verify=FAIL stops nothing unless an access-db "
	    "rule (TLS_Clt:) requires VERIFY") },
	[EXV_NO] = { "log.verify-no", { SEV_INFO, SEV_INFO }, EXT_YES, { EXT_YES, EXT_YES },
	    { EXS_NONE, EXS_NONE }, N_("the client sent no certificate; that is normal") },
	[EXV_NOT] = { "log.verify-not", { SEV_INFO, SEV_INFO }, EXT_YES, { EXT_YES, EXT_YES },
	    { EXS_NONE, EXS_NONE }, N_("no client certificate was requested (e.g. "
	    "confTLS_SRV_OPTIONS `V'); that is normal") },
	[EXV_NONE] = { "log.verify-none", { SEV_INFO, SEV_INFO }, EXT_NO, { EXT_YES, EXT_YES },
	    { EXS_NONE, EXS_PEER }, N_("no STARTTLS: the session was in clear") },
	[EXV_CLEAR] = { "log.verify-clear", { SEV_WARNING, SEV_WARNING }, EXT_NO,
	    { EXT_YES, EXT_YES }, { EXS_OURS, EXS_OURS }, N_("STARTTLS was switched off for this "
	    "client (an access-db entry, or the fallback after a failed handshake): in clear") },
	[EXV_SOFTWARE] = { "log.handshake-failed", { SEV_ERROR, SEV_ERROR }, EXT_NO,
	    { EXT_UNKNOWN, EXT_NO }, { EXS_EITHER, EXS_EITHER }, N_("the TLS handshake failed") },
	[EXV_PROTOCOL] = { "log.protocol", { SEV_ERROR, SEV_ERROR }, EXT_NO, { EXT_NO, EXT_NO },
	    { EXS_PEER, EXS_PEER }, N_("STARTTLS failed at the SMTP level") },
	[EXV_TEMP] = { "log.temp", { SEV_WARNING, SEV_WARNING }, EXT_NO, { EXT_NO, EXT_NO },
	    { EXS_EITHER, EXS_EITHER }, N_("a temporary error during STARTTLS") },
	[EXV_CONFIG] = { "log.config", { SEV_ERROR, SEV_ERROR }, EXT_NO, { EXT_NO, EXT_NO },
	    { EXS_OURS, EXS_OURS }, N_("STARTTLS was not attempted: the tls_srv_features or "
	    "tls_clt_features ruleset failed") },
	[EXV_DANE_FAIL] = { "log.dane-fail", { SEV_ERROR, SEV_ERROR }, EXT_YES, { EXT_NO, EXT_NO },
	    { EXS_PEER, EXS_PEER }, N_("the certificate matches none of the DANE TLSA records") },
	[EXV_DANE_NOTLS] = { "log.dane-notls", { SEV_ERROR, SEV_ERROR }, EXT_NO,
	    { EXT_NO, EXT_NO }, { EXS_PEER, EXS_PEER }, N_("DANE TLSA records are published, but "
	    "no STARTTLS was offered") },
	[EXV_DANE_TEMP] = { "log.dane-temp", { SEV_WARNING, SEV_WARNING }, EXT_NO,
	    { EXT_NO, EXT_NO }, { EXS_EITHER, EXS_EITHER }, N_("the DANE TLSA lookup failed "
	    "temporarily") },
	[EXV_DANE_OTHER] = { "log.verify-other", { SEV_INFO, SEV_INFO }, EXT_UNKNOWN,
	    { EXT_UNKNOWN, EXT_UNKNOWN }, { EXS_NONE, EXS_NONE }, N_("a value this version of "
	    "smtls does not know") },
	[EXV_UNKNOWN] = { "log.verify-other", { SEV_INFO, SEV_INFO }, EXT_UNKNOWN,
	    { EXT_UNKNOWN, EXT_UNKNOWN }, { EXS_NONE, EXS_NONE }, N_("a value this version of "
	    "smtls does not know") },
	[EXV_UNSET] = { "log.verify-other", { SEV_INFO, SEV_INFO }, EXT_UNKNOWN,
	    { EXT_UNKNOWN, EXT_UNKNOWN }, { EXS_NONE, EXS_NONE }, N_("a value this version of "
	    "smtls does not know") },
};

/* Sets id, severity, encrypted, delivered and side from the table; client: we delivered. */
static const struct verify_meaning *
set_verify(struct explanation *e, enum explain_verify v, bool client)
{
	const struct verify_meaning *m = &verify_meanings[(unsigned)v < EXV_COUNT ? v : EXV_UNKNOWN];

	set(e, m->id, m->sev[client], m->enc, m->del[client], m->side[client]);
	return m;
}

static void
describe_result(const struct explain_line *l, struct explanation *e)
{
	const char *r = peer(l), *v = l->verify_raw;
	bool client = l->dir == EXD_CLIENT;
	const struct verify_meaning *m;
	char *tls = xstrprintf("%s%s%s%s%s", l->version, l->cipher[0] ? ", " : "", l->cipher,
	    l->bits[0] ? ", bits " : "", l->bits);

	switch (l->verify) {
	case EXV_OK:
	case EXV_TRUSTED:
	case EXV_DANE_PASS:
		m = set_verify(e, l->verify, client);
		if (client)
			say(&e->what, _("We sent mail to %s over TLS (%s) and verified its certificate "
			    "(verify=%s)."), r, tls, v);
		else
			say(&e->what, _("%s connected to us over TLS (%s): %s (verify=%s)."), r, tls,
			    _(m->client_cert), v);
		if (l->verify == EXV_TRUSTED)
			say(&e->cause, _("TRUSTED: the certificate was accepted by an explicit trust "
			    "setting (its fingerprint or a DANE record), not through a CA chain."));
		break;
	case EXV_FAIL:
		if (client) {
			set_verify(e, l->verify, client);
			say(&e->what, _("We sent mail to %s over TLS (%s), but could not verify its "
			    "certificate against our CACertFile/CACertPath (verify=FAIL)."), r, tls);
			say(&e->cause, _("Usually our CA locations hold no public roots, or the peer "
			    "sends an incomplete chain or a self-signed certificate. The verifymsg= of "
			    "the cert-subject line that follows (LogLevel 12 or more) says which."));
			char host[EXPLAIN_FIELD_MAX];

			relay_host(r, host, sizeof(host));
			say(&e->fix, _("To verify public servers, make CACertPath hold the public "
			    "roots: define(`confCACERT_PATH', `/etc/ssl/certs'). Run 'smtls probe %s' "
			    "to see the chain it presents."), host);
		} else {
			m = set_verify(e, l->verify, client);
			say(&e->what, _("%s connected to us over TLS (%s): %s (verify=FAIL)."), r, tls,
			    _(m->client_cert));
			say(&e->cause, _("Normal for public mail: our CACertFile/CACertPath verify "
			    "client certificates only against the CAs we chose to trust."));
		}
		say(&e->mail, _("The mail was encrypted and delivered: verify=FAIL alone stops "
		    "nothing, unless an access-db rule (%s) requires VERIFY."),
		    client ? "TLS_Srv:" : "TLS_Clt:");
		break;
	case EXV_NO:
		m = set_verify(e, l->verify, client);
		if (client)
			say(&e->what, _("We sent mail to %s over TLS (%s); it presented no certificate "
			    "(verify=NO)."), r, tls);
		else
			say(&e->what, _("%s connected to us over TLS (%s): %s (verify=NO)."), r, tls,
			    _(m->client_cert));
		break;
	case EXV_NOT:
		set_verify(e, l->verify, client);
		say(&e->what, _("TLS with %s (%s); no certificate was requested (verify=NOT, e.g. "
		    "confTLS_SRV_OPTIONS `V')."), r, tls);
		break;
	case EXV_NONE:
		set_verify(e, l->verify, client);
		say(&e->what, client ? _("No STARTTLS with %s (verify=NONE): it did not offer "
		    "STARTTLS, so the mail went in clear.") : _("No STARTTLS with %s (verify=NONE): "
		    "the client did not ask for it; the session was in clear."), r);
		break;
	case EXV_CLEAR:
		set_verify(e, l->verify, client);
		say(&e->what, _("STARTTLS was disabled locally for %s (verify=CLEAR): the mail "
		    "went in clear."), r);
		say(&e->cause, _("An access-db entry (Try_TLS:%s NO, or Srv_Features/Clt_Features "
		    "with S) or the fallback after a failed handshake (confTLS_FALLBACK_TO_CLEAR)."),
		    r);
		break;
	case EXV_SOFTWARE:
		set_verify(e, l->verify, client);
		say(&e->what, _("The TLS handshake with %s failed (verify=SOFTWARE)."), r);
		say(&e->mail, client ? _("This delivery attempt was aborted; the mail stays queued "
		    "and is retried (in clear only with confTLS_FALLBACK_TO_CLEAR).") :
		    _("The client decides: most retry later or without STARTTLS."));
		say(&e->cause, _("See the error lines logged just before it (accept/connect failed, "
		    "OpenSSL errors): a certificate or key we cannot use, no common protocol "
		    "version or cipher, or a peer that rejects our certificate."));
		if (client)
			say(&e->fix, _("Run 'smtls probe %s'. If the peer's TLS is broken, an "
			    "access-db entry 'Try_TLS:%s NO' makes sendmail deliver to it without "
			    "STARTTLS."), r, r);
		else
			say(&e->fix, _("Run 'smtls check'. To stop offering STARTTLS to a broken "
			    "client, use an access-db entry 'Srv_Features:IP S' (IP of %s)."), r);
		break;
	case EXV_PROTOCOL:
		set_verify(e, l->verify, client);
		say(&e->what, _("STARTTLS with %s failed at the SMTP level (verify=PROTOCOL), e.g. "
		    "an error reply to STARTTLS."), r);
		say(&e->mail, _("The delivery attempt was aborted (\"STARTTLS failed.\"); the mail "
		    "stays queued."));
		say(&e->fix, _("Run 'smtls probe %s' to see its reply to STARTTLS."), r);
		break;
	case EXV_TEMP:
		set_verify(e, l->verify, client);
		say(&e->what, _("A temporary error during STARTTLS with %s (verify=TEMP)."), r);
		say(&e->mail, _("The mail stays queued and is retried."));
		break;
	case EXV_CONFIG:
		set_verify(e, l->verify, client);
		say(&e->what, _("STARTTLS with %s was not attempted: the tls_srv_features or "
		    "tls_clt_features ruleset failed (verify=CONFIG)."), r);
		say(&e->fix, _("Check the Srv_Features:/Clt_Features: entries of the access db."));
		break;
	case EXV_DANE_FAIL:
		set_verify(e, l->verify, client);
		say(&e->what, _("%s's certificate matches none of its DANE TLSA records "
		    "(verify=DANE_FAIL)."), r);
		say(&e->mail, _("The delivery was refused (\"DANE check failed.\"); the mail stays "
		    "queued."));
		say(&e->fix, _("Its owner must update the TLSA records or the certificate."));
		break;
	case EXV_DANE_NOTLS:
		set_verify(e, l->verify, client);
		say(&e->what, _("%s publishes DANE TLSA records but offered no STARTTLS "
		    "(verify=DANE_NOTLS)."), r);
		say(&e->mail, _("Not delivered: DANE requires TLS; the mail stays queued."));
		break;
	case EXV_DANE_TEMP:
		set_verify(e, l->verify, client);
		say(&e->what, _("The DANE TLSA lookup for %s failed temporarily "
		    "(verify=DANE_TEMP)."), r);
		say(&e->mail, _("The mail stays queued and is retried."));
		break;
	case EXV_DANE_OTHER:
	case EXV_UNKNOWN:
	case EXV_UNSET:
	case EXV_COUNT:
		set_verify(e, l->verify, client);
		say(&e->what, _("TLS with %s ended with verify=%s, a value this version of smtls "
		    "does not know."), r, v);
		break;
	}
	if (e->mail == NULL && e->encrypted == EXT_NO && e->delivered == EXT_YES)
		say(&e->mail, _("Sent in clear, and delivered unless an access-db rule (TLS_Srv:, "
		    "TLS_Clt:, TLS_Rcpt:) requires encryption."));
	if (e->mail == NULL && e->encrypted != EXT_NA)
		say(&e->mail, _("Encrypted: %s. Delivered: %s."),
		    e->encrypted == EXT_YES ? _("yes") : e->encrypted == EXT_NO ? _("no") : _("unknown"),
		    e->delivered == EXT_YES ? _("yes, unless another line says otherwise") :
		    e->delivered == EXT_NO ? _("no") : _("unknown from this line"));
	free(tls);
}

static void
describe_cert(const struct explain_line *l, struct explanation *e)
{
	bool ok = l->verifymsg[0] == '\0' || strcmp(l->verifymsg, "ok") == 0;

	if (l->subject[0] == '\0' && ok) {
		set(e, "log.no-peer-cert", SEV_INFO, EXT_YES, EXT_NA, EXS_NONE);
		say(&e->what, _("The %s presented no certificate."),
		    l->dir == EXD_CLIENT ? _("server") : _("client"));
		return;
	}
	if (ok) {
		set(e, "log.peer-cert", SEV_OK, EXT_YES, EXT_NA, EXS_NONE);
		say(&e->what, _("The peer's certificate %s (issued by %s) verified."), l->subject,
		    l->issuer);
		return;
	}
	set(e, "log.peer-cert-unverified", l->dir == EXD_CLIENT ? SEV_WARNING : SEV_INFO, EXT_YES,
	    EXT_NA, EXS_EITHER);
	say(&e->what, _("The peer's certificate %s (issued by %s) could not be verified: %s."),
	    l->subject, l->issuer, l->verifymsg);
	say(&e->mail, _("The session was still encrypted; verify=FAIL alone does not stop "
	    "delivery."));
	verify_reason(e, l->verifymsg, -1, l->dir, l->relay);
}

static void
describe_cert_verify(const struct explain_line *l, struct explanation *e)
{
	set(e, "log.chain-error", SEV_INFO, EXT_NA, EXT_NA, EXS_EITHER);
	say(&e->what, _("While verifying the peer's chain, the certificate at depth %d (%s) "
	    "failed: %s. Depth 0 is the peer's own certificate, 1 its issuer, and so on."),
	    l->depth, l->subject, l->verifymsg);
	say(&e->mail, _("Verification only: the session goes on encrypted and ends with "
	    "verify=FAIL unless the error is ignored."));
	verify_reason(e, l->verifymsg, l->depth, EXD_CLIENT, l->relay);
	if (e->side != EXS_NONE && e->severity == SEV_INFO)
		e->severity = SEV_WARNING;
}

static void
describe_unsafe(const struct explain_line *l, struct explanation *e)
{
	const char *p = l->problem;

	e->file = xstrdup(l->file);
	if (contains(p, "No such file")) {
		set(e, "file.missing", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
		say(&e->what, _("sendmail cannot use %s: the file does not exist."), l->file);
		say(&e->fix, _("Fix the path in sendmail.mc (then rebuild sendmail.cf), or create "
		    "the file."));
	} else if (contains(p, "Group readable") || contains(p, "World readable")) {
		set(e, "key.readable", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
		say(&e->what, _("sendmail refused the key %s: it is readable by %s."), l->file,
		    contains(p, "World") ? _("everyone") : _("its group"));
		say(&e->fix, _("chmod 600 %s (or keep 0640 root:smmsp and add GroupReadableKeyFile "
		    "to confDONT_BLAME_SENDMAIL, as Debian's starttls.m4 does)."), l->file);
	} else if (contains(p, "Permission denied")) {
		set(e, "file.unreadable", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
		say(&e->what, _("sendmail cannot read %s (permission denied)."), l->file);
		say(&e->fix, _("Make it readable by root (sendmail reads TLS files as root)."));
	} else {
		set(e, "file.unsafe", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
		say(&e->what, _("sendmail refused %s as unsafe: %s."), l->file, p);
		say(&e->fix, _("Remove group/world write permission from the file and from every "
		    "directory on its path (chmod go-w), or use confDONT_BLAME_SENDMAIL only if you "
		    "must."));
	}
	say(&e->mail, l->dir == EXD_CLIENT ?
	    _("Outgoing mail goes on without this file (without a client certificate, or in "
	    "clear when TLS cannot start).") :
	    _("sendmail offers no STARTTLS when it refuses its certificate, key or CA files: "
	    "mail still flows, in clear."));
}

static void
describe_missing(const struct explain_line *l, struct explanation *e)
{
	const char *o = l->file;

	if (strcmp(o, "CACertPath") == 0 || strcmp(o, "CACertFile") == 0 ||
	    strcmp(o, "ServerCertFile") == 0 || strcmp(o, "ServerKeyFile") == 0) {
		set(e, "mc.no-tls", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
		say(&e->what, _("%s is not set: sendmail offers no STARTTLS to clients."), o);
		say(&e->mail, _("Mail still flows, in clear."));
		say(&e->fix, _("Set it in sendmail.mc (%s) and rebuild sendmail.cf; 'smtls emit' "
		    "prints the whole TLS block."),
		    strcmp(o, "CACertPath") == 0 ? "confCACERT_PATH" :
		    strcmp(o, "CACertFile") == 0 ? "confCACERT" :
		    strcmp(o, "ServerCertFile") == 0 ? "confSERVER_CERT" : "confSERVER_KEY");
	} else if (strncmp(o, "Client", 6) == 0) {
		set(e, "log.no-client-cert", SEV_INFO, EXT_NA, EXT_NA, EXS_NONE);
		say(&e->what, _("%s is not set: outgoing STARTTLS works without a client "
		    "certificate."), o);
	} else {
		set(e, "log.option-unset", SEV_INFO, EXT_NA, EXT_NA, EXS_NONE);
		say(&e->what, _("%s is not set; it is optional (harmless)."), o);
	}
}

static void
describe_handshake(const struct explain_line *l, struct explanation *e)
{
	const char *why = l->verifymsg[0] ? l->verifymsg : l->problem;
	bool client = l->dir == EXD_CLIENT;

	set(e, "log.handshake-failed", SEV_ERROR, EXT_NO, client ? EXT_NO : EXT_UNKNOWN,
	    EXS_EITHER);
	say(&e->what, _("The TLS handshake with the %s%s%s failed: %s."), client ? _("server") :
	    _("client"), l->relay[0] ? " " : "", l->relay, why);
	say(&e->mail, client ? _("This delivery attempt was aborted; the mail stays queued "
	    "(ruleset tls_server, \"TLS handshake failed.\").") :
	    _("No mail in this session; the client decides whether to retry in clear."));
	if (contains(why, "certificate unknown") || contains(why, "unknown ca") ||
	    contains(why, "bad certificate")) {
		e->side = client ? EXS_EITHER : EXS_OURS;
		say(&e->cause, client ? _("The server rejected our client certificate.") :
		    _("The client rejected our certificate: most often the chain we send is "
		    "incomplete (no intermediate), self-signed, or expired."));
		say(&e->fix, _("Run 'smtls check' on our certificate files (chain.incomplete, "
		    "cert.expired) and 'smtls probe' on our own server."));
	} else if (contains(why, "no shared cipher") || contains(why, "no suitable") ||
	    contains(why, "unsupported protocol") || contains(why, "wrong version number") ||
	    contains(why, "protocol version")) {
		say(&e->cause, _("The two sides share no protocol version or cipher (an old peer "
		    "with SSLv3/TLS 1.0 only, or a cipher list that is too strict)."));
		say(&e->fix, _("Check confCIPHER_LIST and confSERVER_SSL_OPTIONS/"
		    "confCLIENT_SSL_OPTIONS; for one old peer, an access-db entry Try_TLS:HOST NO "
		    "(outgoing) or Srv_Features:IP S (incoming)."));
	} else if (contains(why, "unexpected eof") || contains(why, "errno=104") ||
	    contains(l->problem, "SSL_error=5")) {
		e->side = EXS_PEER;
		say(&e->cause, _("The peer closed the connection during the handshake (often a "
		    "scanner, or a peer that dislikes our certificate or ciphers)."));
	} else {
		say(&e->cause, _("See the OpenSSL error lines around it."));
	}
}

static void
describe_ssl_error(const struct explain_line *l, struct explanation *e)
{
	const char *p = l->problem;

	set(e, "log.openssl-error", SEV_INFO, EXT_NA, EXT_NA, EXS_EITHER);
	say(&e->what, _("OpenSSL error detail: %s"), p);
	if (contains(p, "no start line")) {
		e->id = "file.not-pem";
		e->severity = SEV_ERROR;
		e->side = EXS_OURS;
		say(&e->cause, _("A certificate or key file holds no PEM block (empty, DER, or "
		    "the wrong file)."));
		say(&e->fix, _("Convert DER with 'openssl x509 -inform der -in F -out F.pem' (or "
		    "'openssl pkey -inform der' for a key); 'smtls check' names the file."));
	} else if (contains(p, "ee key too small") || contains(p, "ca key too small")) {
		e->id = "key.weak";
		e->severity = SEV_ERROR;
		e->side = EXS_OURS;
		say(&e->cause, _("The key is too small for OpenSSL's security level (RSA below "
		    "2048 bits)."));
		say(&e->fix, _("Make a new key of at least 2048 bits (RSA) or P-256 (EC) and a "
		    "new certificate for it."));
	} else if (contains(p, "md too weak")) {
		e->id = "cert.weak-signature";
		e->severity = SEV_ERROR;
		e->side = EXS_OURS;
		say(&e->cause, _("A certificate is signed with MD5 or SHA-1."));
	} else if (contains(p, "no private key assigned") || contains(p, "PEM lib")) {
		say(&e->cause, _("Follows from the key error logged just before it."));
	} else if (contains(p, "UI routines") || contains(p, "interrupted or cancelled")) {
		say(&e->cause, _("OpenSSL tried to ask for a passphrase and could not: the key is "
		    "encrypted (see key.encrypted)."));
	} else if (contains(p, "no shared cipher")) {
		say(&e->cause, _("The two sides share no cipher."));
	}
}

static void
describe_ruleset(const struct explain_line *l, struct explanation *e)
{
	const char *r = peer(l);

	set(e, "log.tls-rule", SEV_ERROR, EXT_UNKNOWN, EXT_NO, EXS_EITHER);
	say(&e->what, _("The %s ruleset refused %s with arg1=%s: \"%s\"."), l->ruleset, r,
	    l->verify_raw, l->problem[0] ? l->problem : _("(no reply text)"));
	switch (l->verify) {
	case EXV_SOFTWARE:
		e->id = "log.handshake-failed";
		e->encrypted = EXT_NO;
		say(&e->cause, _("The TLS handshake failed (arg1=SOFTWARE); see the error lines "
		    "before it."));
		say(&e->fix, _("Run 'smtls probe %s'; if its TLS is broken, an access-db entry "
		    "'Try_TLS:%s NO' delivers to it without STARTTLS."), r, r);
		break;
	case EXV_PROTOCOL:
		e->encrypted = EXT_NO;
		say(&e->cause, _("STARTTLS failed at the SMTP level (arg1=PROTOCOL)."));
		break;
	case EXV_FAIL:
	case EXV_NO:
	case EXV_NONE:
	case EXV_NOT:
		e->side = EXS_OURS;
		say(&e->cause, _("An access-db TLS_Srv:/TLS_Clt: entry requires VERIFY (or ENCR) "
		    "for this peer, and the session did not meet it (verify=%s)."), l->verify_raw);
		say(&e->fix, _("Relax the access-db entry, or make verification succeed (public "
		    "roots in CACertPath; see 'smtls probe %s')."), r);
		break;
	default:
		break;
	}
	say(&e->mail, l->dir == EXD_CLIENT ? _("Not delivered in this attempt: the mail stays "
	    "queued (4xx) or bounces (5xx), as the reply code says.") : _("The client's mail "
	    "was refused with this reply."));
}

void
explain_describe(const struct explain_line *l, struct explanation *out)
{
	memset(out, 0, sizeof(*out));
	switch (l->kind) {
	case EXK_RESULT:
		describe_result(l, out);
		break;
	case EXK_CERT:
		describe_cert(l, out);
		break;
	case EXK_CERT_VERIFY:
		describe_cert_verify(l, out);
		break;
	case EXK_FILE_UNSAFE:
		describe_unsafe(l, out);
		break;
	case EXK_KEY_MISMATCH:
		set(out, "key.mismatch", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
		out->file = l->file[0] ? xstrdup(l->file) : NULL;
		say(&out->what, _("The private key %s does not belong to the certificate."),
		    l->file[0] ? l->file : _("(file not named)"));
		say(&out->mail, _("TLS cannot start with this pair: no STARTTLS (server) or no "
		    "client certificate; mail flows in clear."));
		say(&out->fix, _("Use the key made with this certificate. Compare 'openssl x509 "
		    "-noout -pubkey -in CERT | sha256sum' with 'openssl pkey -pubout -in KEY | "
		    "sha256sum'."));
		break;
	case EXK_KEY_LOAD:
		set(out, "log.key-unusable", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
		out->file = l->file[0] ? xstrdup(l->file) : NULL;
		say(&out->what, _("sendmail could not load the private key %s."), l->file);
		say(&out->mail, _("No STARTTLS with this key; mail flows in clear."));
		say(&out->cause, _("The key has a passphrase (the next lines say \"problems getting "
		    "password\"), or the file is not a PEM private key."));
		say(&out->fix, _("Remove the passphrase: 'openssl pkey -in %s -out NEW.key' "
		    "(created 0600), then point confSERVER_KEY at it."), l->file);
		break;
	case EXK_PASSWORD:
		set(out, "key.encrypted", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
		say(&out->what, _("The private key is protected by a passphrase, and sendmail "
		    "cannot ask for one (OpenSSL: \"problems getting password\", \"bad password "
		    "read\" or \"unable to get passphrase\")."));
		say(&out->mail, _("No STARTTLS with this key; mail flows in clear."));
		say(&out->fix, _("Store the key without a passphrase, mode 0600: 'openssl pkey -in "
		    "KEY -out NEW.key'."));
		break;
	case EXK_CERT_LOAD:
		set(out, "file.not-pem", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
		out->file = l->file[0] ? xstrdup(l->file) : NULL;
		say(&out->what, _("sendmail could not load the certificate %s."), l->file);
		say(&out->mail, _("No STARTTLS with this certificate; mail flows in clear."));
		say(&out->fix, _("Run 'smtls check' to see what the file holds."));
		break;
	case EXK_MISSING:
		describe_missing(l, out);
		break;
	case EXK_INIT:
		if (strcmp(l->problem, "1") == 0) {
			set(out, "log.tls-init", SEV_OK, EXT_NA, EXT_NA, EXS_NONE);
			say(&out->what, _("TLS initialised (%s side)."), explain_dir_name(l->dir));
		} else {
			set(out, "log.tls-init-failed", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
			say(&out->what, _("TLS could not be initialised (%s side): no STARTTLS."),
			    explain_dir_name(l->dir));
			say(&out->mail, _("Mail flows in clear."));
			say(&out->fix, _("See the lines before it; 'smtls check' tells which file is "
			    "the problem."));
		}
		break;
	case EXK_HANDSHAKE:
		describe_handshake(l, out);
		break;
	case EXK_IO_ERROR:
		set(out, "log.tls-io", SEV_INFO, EXT_YES, EXT_UNKNOWN, EXS_PEER);
		say(&out->what, _("A read or write on the TLS session failed: %s."), l->problem);
		say(&out->cause, _("Usually the peer dropped the connection or timed out; if the "
		    "mail was not finished, it is retried."));
		break;
	case EXK_ALERT:
		set(out, "log.tls-alert", SEV_INFO, EXT_NA, EXT_NA, EXS_EITHER);
		say(&out->what, _("A TLS alert was exchanged: %s."), l->verifymsg);
		if (contains(l->verifymsg, "certificate") || contains(l->verifymsg, "unknown ca")) {
			out->severity = SEV_WARNING;
			say(&out->cause, _("One side rejected the other's certificate (\"read\" = the "
			    "peer sent the alert, i.e. rejected ours)."));
		}
		break;
	case EXK_LOAD_VERIFY:
		set(out, "file.unreadable", SEV_ERROR, EXT_NO, EXT_YES, EXS_OURS);
		out->file = xstrdup(l->file);
		say(&out->what, _("sendmail could not load its CA locations (%s)."), l->file);
		say(&out->fix, _("Check that CACertFile holds PEM certificates and CACertPath is a "
		    "readable directory."));
		break;
	case EXK_SSL_ERROR:
		describe_ssl_error(l, out);
		break;
	case EXK_FALLBACK:
		set(out, "log.fallback-clear", SEV_WARNING, EXT_NO, EXT_UNKNOWN, EXS_EITHER);
		say(&out->what, _("STARTTLS with %s failed; sendmail tries again without it "
		    "(confTLS_FALLBACK_TO_CLEAR)."), peer(l));
		say(&out->mail, _("This mail goes in clear."));
		break;
	case EXK_RULESET:
		describe_ruleset(l, out);
		break;
	case EXK_NOISE:
		set(out, "log.progress", SEV_OK, EXT_NA, EXT_NA, EXS_NONE);
		say(&out->what, _("A progress message; nothing to do."));
		break;
	case EXK_OTHER:
	case EXK_NONE:
		set(out, "log.other", SEV_INFO, EXT_NA, EXT_NA, EXS_NONE);
		say(&out->what, _("A STARTTLS message that smtls does not explain yet."));
		break;
	}
}

void
explanation_clear(struct explanation *e)
{
	free(e->what);
	free(e->mail);
	free(e->cause);
	free(e->fix);
	free(e->file);
	memset(e, 0, sizeof(*e));
}

struct finding *
explanation_to_finding(const struct explanation *e, struct findings *out)
{
	struct finding *f;

	if (e->cause != NULL)
		f = findings_add(out, e->id, e->severity, e->file, "%s %s", e->what, e->cause);
	else
		f = findings_add(out, e->id, e->severity, e->file, "%s", e->what);
	if (e->fix != NULL)
		finding_set_fix(f, "%s", e->fix);
	return f;
}

/* Message headers: a hop, as its receiving server saw it. */

/* What a registered WITH keyword means (RFC 3848, RFC 6531). */
static char *
with_meaning(const struct explain_hop *h)
{
	const char *base = strncasecmp(h->with + (h->with_utf8 ? 4 : 0), "LMTP", 4) == 0 ?
	    "LMTP" : strncasecmp(h->with + (h->with_utf8 ? 4 : 0), "ESMTP", 5) == 0 || h->with_utf8 ?
	    "ESMTP" : "SMTP";

	if (h->with_kind == EXW_OTHER)
		return h->with_tls ? xstrprintf(_("%s: not a registered keyword; it is used (by "
		    "Gmail) for SMTP over TLS"), h->with) : xstrprintf(_("%s: not a registered "
		    "keyword (an MTA's own word)"), h->with);
	return xstrprintf(_("%s: %s%s%s%s (%s)"), h->with, base,
	    h->with_utf8 ? _(" with SMTPUTF8") : "",
	    h->with_tls && h->with_auth ? _(" with STARTTLS and SMTP AUTH: encrypted, and the "
	    "sender authenticated") : h->with_tls ? _(" with STARTTLS: encrypted") :
	    h->with_auth ? _(" with SMTP AUTH, without STARTTLS: the sender authenticated, in "
	    "clear") : "",
	    !h->with_tls && !h->with_auth ? (strcmp(base, "LMTP") == 0 ? _(", local delivery, "
	    "without STARTTLS: in clear") : _(", without STARTTLS: in clear")) : "",
	    h->with_utf8 ? "RFC 6531" : strcmp(base, "SMTP") == 0 ? "RFC 5321" : "RFC 3848");
}

static bool
loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0;
}

void
explain_describe_hop(const struct explain_hop *h, struct explanation *e)
{
	const char *by = h->by[0] ? h->by : _("(a server that gave no name)");
	char *sender, *proto, *tls = NULL;
	enum explain_tri enc;

	memset(e, 0, sizeof(*e));
	if (h->local)
		sender = xstrprintf(_("%s (a local submission)"), h->from_host);
	else
		sender = xstrprintf("%s%s%s%s%s%s%s", h->from[0] ? h->from : _("(no name)"),
		    h->from_host[0] || h->from_ip[0] ? " (" : "", h->from_host,
		    h->from_host[0] && h->from_ip[0] ? " " : "", h->from_ip[0] ? "[" : "",
		    h->from_ip, h->from_ip[0] ? "])" : h->from_host[0] ? ")" : "");
	if (h->with_kind == EXW_NONE)
		proto = xstrdup(_("no WITH keyword"));
	else
		proto = with_meaning(h);
	if (h->tls)
		tls = xstrprintf(_(" TLS (%s's comment): %s%s%s%s%s."), h->tls_mta,
		    h->version[0] ? h->version : _("version not given"), h->cipher[0] ? ", " : "",
		    h->cipher, h->bits[0] ? _(", bits ") : "", h->bits);
	enc = h->tls || h->with_tls ? EXT_YES : h->with_kind == EXW_REGISTERED || h->local ?
	    EXT_NO : EXT_UNKNOWN;
	if (h->verify != EXV_UNSET) {
		const struct verify_meaning *m = set_verify(e, h->verify, false);

		say(&e->cause, _("verify=%s, the receiving server's verdict on the sending client's "
		    "certificate: %s."), h->verify_raw, _(m->client_cert));
		e->encrypted = EXT_YES;
	} else if (enc == EXT_YES) {
		set(e, "hop.tls", SEV_OK, EXT_YES, EXT_YES, EXS_NONE);
	} else if (h->local) {
		set(e, "hop.local", SEV_OK, EXT_NA, EXT_YES, EXS_NONE);
	} else if (enc == EXT_NO) {
		set(e, "log.verify-none", loopback(h->from_ip) ? SEV_OK : SEV_INFO, EXT_NO, EXT_YES,
		    EXS_NONE);
	} else {
		set(e, "hop.unknown", SEV_INFO, EXT_UNKNOWN, EXT_YES, EXS_NONE);
	}
	e->delivered = EXT_YES;	/* it got as far as the next hop */
	if (h->local && h->with_kind == EXW_NONE)
		say(&e->what, _("%s took the message in from %s, a local submission (no WITH "
		    "keyword: no network protocol)."), by, h->from_host);
	else
		say(&e->what, _("%s received the message from %s; %s.%s"), by, sender, proto,
		    tls ? tls : "");
	if (h->local)
		say(&e->mail, _("Handed to sendmail on that machine itself (its command line or a "
		    "local program): no network, nothing to encrypt."));
	else if (e->encrypted == EXT_YES)
		say(&e->mail, _("This hop was encrypted."));
	else if (e->encrypted == EXT_NO && loopback(h->from_ip))
		say(&e->mail, _("In clear, but over the loopback interface (%s): the mail never "
		    "left the machine on this hop."), h->from_ip);
	else if (e->encrypted == EXT_NO)
		say(&e->mail, _("This hop went in clear: anyone on the path between the two servers "
		    "could read the mail. If %s is ours, 'smtls check' tells whether it offers "
		    "STARTTLS."), by);
	else
		say(&e->mail, _("The header does not say whether this hop was encrypted."));
	free(sender);
	free(proto);
	free(tls);
}

/* Our setup: a store finding that predicts a verify failure with this reason. */

static const char *
store_label(const struct explain_setup *s, const char *file)
{
	if (file != NULL && s->ca_file != NULL && strcmp(file, s->ca_file) == 0)
		return "CACertFile";
	if (file != NULL && s->ca_path != NULL && strcmp(file, s->ca_path) == 0)
		return "CACertPath";
	return _("trust location");
}

/* The store findings that predict verify failures, in the order of likelihood: a store that
 * verifies nothing, then one that breaks some chains. */
static const char *const store_order[] = { "store.no-trust-anchors", "store.verify-broken",
	"store.capath-unhashed", "store.capath-stale", "store.no-public-roots" };

/*
 * The finding of our setup that explains a verify failure: why is the OpenSSL reason ("" when
 * the line gives none), depth its depth (-1 unknown), dir the direction.
 */
static const struct finding *
store_cause(const struct explain_setup *s, const char *why, int depth, enum explain_dir dir)
{
	bool local = contains(why, "unable to get local issuer certificate");
	bool issuer = contains(why, "unable to get issuer certificate");
	bool expired = contains(why, "has expired") && depth != 0;
	bool none = why[0] == '\0';
	size_t i, k;

	for (k = 0; k < sizeof(store_order) / sizeof(store_order[0]); k++) {
		for (i = 0; i < s->findings->n; i++) {
			const struct finding *f = &s->findings->v[i];
			bool match;

			if (strcmp(f->id, store_order[k]) != 0 || f->severity < SEV_WARNING)
				continue;
			if (k == 0)
				match = local || none;
			else if (k == 1)
				match = local || issuer || expired || none;
			else if (k == 4)
				match = dir != EXD_SERVER && (local || none);
			else
				match = local || issuer || none;
			if (match)
				return f;
		}
	}
	return NULL;
}

/* Whether check found none of those problems with our stores (then a missing root is not
 * ours): CACertPath is set and no finding of store_order breaks verification. */
static bool
stores_fine(const struct explain_setup *s)
{
	size_t i, k;

	for (i = 0; i < s->findings->n; i++)
		for (k = 0; k < sizeof(store_order) / sizeof(store_order[0]); k++)
			if (strcmp(s->findings->v[i].id, store_order[k]) == 0 &&
			    s->findings->v[i].severity >= SEV_WARNING)
				return false;
	return s->ca_path != NULL;
}

/* Rewrites the cause and fix of a verify failure with what our setup says. */
static void
apply_setup(const struct explain_setup *s, const char *why, int depth, enum explain_dir dir,
    const char *relay, const char *subject, struct explanation *e)
{
	const struct finding *f;
	char host[EXPLAIN_FIELD_MAX];

	if (s == NULL || s->findings == NULL)
		return;
	if ((f = store_cause(s, why, depth, dir)) != NULL) {
		/* sure when the finding names the same OpenSSL error or the same certificate */
		bool sure = why[0] != '\0' && (contains(f->message, why) ||
		    (subject[0] != '\0' && contains(f->message, subject)));

		say(&e->cause, sure ? _("Our own %s %s is the cause: 'smtls check' reports %s "
		    "for it: %s.") : _("Most likely our own %s %s: 'smtls check' reports %s for "
		    "it: %s."), store_label(s, f->file), f->file ? f->file : "", f->id, f->message);
		free(e->fix);
		e->fix = f->fix != NULL ? xstrdup(f->fix) : NULL;
		free(e->file);
		e->file = f->file != NULL ? xstrdup(f->file) : NULL;
		e->side = EXS_OURS;
		if (e->severity < SEV_WARNING)
			e->severity = SEV_WARNING;
		return;
	}
	if (!stores_fine(s) || dir == EXD_SERVER)
		return;
	if (contains(why, "unable to get local issuer certificate") ||
	    (contains(why, "has expired") && depth != 0)) {
		relay_host(relay[0] ? relay : "RELAY", host, sizeof(host));
		e->side = EXS_PEER;
		say(&e->cause, _("Our CA locations (CACertPath %s%s%s) hold the public roots, and "
		    "'smtls check' finds nothing wrong with them: the chain %s sends is the "
		    "problem (an intermediate missing or expired), or it is issued by a private CA."),
		    s->ca_path, s->ca_file ? _(", CACertFile ") : "", s->ca_file ? s->ca_file : "",
		    relay[0] ? relay : _("the peer"));
		say(&e->fix, _("Run 'smtls probe %s' to see the chain it sends, and tell its "
		    "postmaster; delivery goes on meanwhile."), host);
	}
}

void
explain_describe_setup(const struct explain_line *l, const struct explain_setup *setup,
    struct explanation *out)
{
	explain_describe(l, out);
	if (setup == NULL)
		return;
	switch (l->kind) {
	case EXK_CERT:
		if (l->verifymsg[0] != '\0' && strcmp(l->verifymsg, "ok") != 0)
			apply_setup(setup, l->verifymsg, -1, l->dir, l->relay, "", out);
		break;
	case EXK_CERT_VERIFY:
		apply_setup(setup, l->verifymsg, l->depth, l->dir, l->relay, l->subject, out);
		break;
	case EXK_RESULT:
		if (l->verify == EXV_FAIL)
			apply_setup(setup, "", -1, l->dir, l->relay, "", out);
		break;
	default:
		break;
	}
}

void
explain_describe_hop_setup(const struct explain_hop *h, const struct explain_setup *setup,
    struct explanation *out)
{
	explain_describe_hop(h, out);
	/* a hop that our server received: its verify=FAIL may be our stores' doing */
	if (setup != NULL && setup->hostname != NULL && h->verify == EXV_FAIL &&
	    strcasecmp(h->by, setup->hostname) == 0)
		apply_setup(setup, "", -1, EXD_SERVER, h->from, "", out);
}

/*
 * Summary: an open-addressing hash table over (direction, relay). A table slot holds the
 * entry's index + 1 and 32 bits of its hash, so that a probe touches the entry (and its relay
 * text) only when these agree.
 */

/*
 * The summary's large arrays (the entries, the table, the relay texts: about 16 MB at the
 * limit) in 2 MiB-aligned memory that the kernel may back with huge pages: thousands of page
 * faults fewer, which cost most in a virtual machine. Zeroed; from BIG_MIN bytes on, where
 * madvise(MADV_HUGEPAGE) exists; calloc otherwise.
 */
#define BIG_ALIGN	((size_t)2 << 20)
#define BIG_MIN		((size_t)256 << 10)	/* smaller ones: calloc */

static void *
big_alloc(size_t size)
{
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
	if (size >= BIG_MIN) {
		size_t len = (size + BIG_ALIGN - 1) & ~(BIG_ALIGN - 1);
		char *m = mmap(NULL, len + BIG_ALIGN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *a;

		if (m == MAP_FAILED)
			abort();	/* out of memory, as xmalloc() */
		a = (char *)(((uintptr_t)m + BIG_ALIGN - 1) & ~(uintptr_t)(BIG_ALIGN - 1));
		if (a > m)
			munmap(m, (size_t)(a - m));
		munmap(a + len, (size_t)(m + BIG_ALIGN - a));
		(void)madvise(a, len, MADV_HUGEPAGE);
		return a;
	}
#endif
	return xcalloc(1, size);
}

static void
big_free(void *p, size_t size)
{
	if (p == NULL)
		return;
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
	if (size >= BIG_MIN) {
		munmap(p, (size + BIG_ALIGN - 1) & ~(BIG_ALIGN - 1));
		return;
	}
#endif
	free(p);
}

/* A chunk of relay texts: they follow this header. */
struct arena_chunk {
	struct arena_chunk	*prev;
	size_t			 size;
};

/* A copy of a relay text, from chunks of 64 and 128 KiB, then 2 MiB (freed together). */
static char *
arena_strdup(struct explain_summary *s, const char *t)
{
	struct arena_chunk *c = (struct arena_chunk *)(void *)s->arena;
	size_t n = strlen(t) + 1, size;
	char *r;

	if (c == NULL || s->arena_used + n > c->size) {
		size = c == NULL ? (size_t)64 << 10 :
		    c->size * 2 < BIG_MIN ? c->size * 2 : BIG_ALIGN;
		while (size < sizeof(*c) + n)
			size *= 2;
		c = big_alloc(size);
		c->prev = (struct arena_chunk *)(void *)s->arena;
		c->size = size;
		s->arena = (char *)c;
		s->arena_used = sizeof(*c);
	}
	r = s->arena + s->arena_used;
	memcpy(r, t, n);
	s->arena_used += n;
	return r;
}

static void
arena_free(struct explain_summary *s)
{
	struct arena_chunk *c = (struct arena_chunk *)(void *)s->arena, *prev;

	for (; c != NULL; c = prev) {
		prev = c->prev;
		big_free(c, c->size);
	}
	s->arena = NULL;
}

/* A hash of the text and the direction, 8 bytes a step. */
static uint64_t
relay_hash(const char *s, enum explain_dir d)
{
	size_t n = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15u ^ (uint64_t)d ^ ((uint64_t)n << 32), w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 29;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
	}
	h ^= h >> 32;
	h *= 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 29);
}

void
explain_summary_init(struct explain_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->table_size = 1024;
	s->table = big_alloc(s->table_size * sizeof(*s->table));
	s->other = _("(other relays)");
	s->too_many = _("(one of too many different errors to keep)");
}

static void
table_grow(struct explain_summary *s)
{
	size_t i, size = s->table_size * 2;
	struct explain_summary_slot *t = big_alloc(size * sizeof(*t));

	for (i = 0; i < s->table_size; i++) {
		size_t h;

		if (s->table[i].index == 0)
			continue;
		h = s->table[i].hash & (size - 1);
		while (t[h].index != 0)
			h = (h + 1) & (size - 1);
		t[h] = s->table[i];
	}
	big_free(s->table, s->table_size * sizeof(*s->table));
	s->table = t;
	s->table_size = size;
}

/* The slot (index + 1) of (relay, dir), created when new. */
static size_t
entry_slot(struct explain_summary *s, const char *relay, enum explain_dir dir)
{
	size_t h, slot, d = (size_t)dir < 3 ? (size_t)dir : 0;
	uint64_t hash;
	struct explain_relay *r;

	if (s->n >= EXPLAIN_SUMMARY_MAX) {
		/* past the limit every line goes to "(other relays)" of its direction */
		if (s->other_slot[d] != 0 && s->v[s->other_slot[d] - 1].dir == dir)
			return s->other_slot[d];
		relay = s->other;
	}
	hash = relay_hash(relay, dir);
	h = (size_t)hash & (s->table_size - 1);
	while ((slot = s->table[h].index) != 0) {
		if (s->table[h].hash == (uint32_t)hash && s->v[slot - 1].dir == dir &&
		    strcmp(s->v[slot - 1].relay, relay) == 0)
			goto found;
		h = (h + 1) & (s->table_size - 1);
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct explain_relay *v;

		/* from BIG_MIN on, room for the limit and an "(other relays)" a direction at
		 * once: its pages are only backed once used, and it is never copied again */
		if (cap * sizeof(*v) >= BIG_MIN && s->n < EXPLAIN_SUMMARY_MAX + 3)
			cap = EXPLAIN_SUMMARY_MAX + 3;
		v = big_alloc(cap * sizeof(*v));
		if (s->n > 0)
			memcpy(v, s->v, s->n * sizeof(*v));
		big_free(s->v, s->cap * sizeof(*v));
		s->v = v;
		s->cap = cap;
	}
	r = &s->v[s->n];
	memset(r, 0, sizeof(*r));
	r->relay = arena_strdup(s, relay);
	r->dir = dir;
	s->table[h].index = (uint32_t)++s->n;
	s->table[h].hash = (uint32_t)hash;
	slot = s->n;
	if (s->n * 2 > s->table_size)
		table_grow(s);
found:
	if (relay == s->other)
		s->other_slot[d] = slot;
	return slot;
}

static void
seen(struct explain_relay *r, const struct explain_line *l)
{
	if (r->first[0] == '\0')
		memcpy(r->first, l->when, sizeof(r->first));
	memcpy(r->last, l->when, sizeof(r->last));
}

/* The shared copy of an error text: most relays fail the same few ways. */
static const char *
intern_error(struct explain_summary *s, const char *a, const char *b, const char *c)
{
	const char *const part[3] = { a, b, c };
	char t[3 * EXPLAIN_FIELD_MAX];
	size_t size = 2 * EXPLAIN_ERRORS_MAX, h, slot, i, len = 0;

	for (i = 0; i < 3; i++) {	/* a, b and c, cut to the buffer */
		size_t n = strnlen(part[i], sizeof(t) - 1 - len);

		memcpy(t + len, part[i], n);
		len += n;
	}
	t[len] = '\0';
	if (s->error_table == NULL)
		s->error_table = xcalloc(size, sizeof(*s->error_table));
	h = relay_hash(t, EXD_UNKNOWN) & (size - 1);
	while ((slot = s->error_table[h]) != 0) {
		if (strcmp(s->errors[slot - 1], t) == 0)
			return s->errors[slot - 1];
		h = (h + 1) & (size - 1);
	}
	if (s->nerrors == EXPLAIN_ERRORS_MAX)
		return s->too_many;
	s->errors = xreallocarray(s->errors, s->nerrors + 1, sizeof(*s->errors));
	s->errors[s->nerrors++] = xstrdup(t);
	s->error_table[h] = s->nerrors;
	return s->errors[s->nerrors - 1];
}

static void
set_error(struct explain_summary *s, struct explain_relay *r, const char *a, const char *b,
    const char *c)
{
	r->last_error = intern_error(s, a, b, c);
}

static void
remember(struct explain_summary *s, long pid, enum explain_dir dir, size_t slot)
{
	struct explain_recent *rc = &s->recent[s->recent_next];

	rc->pid = pid;
	rc->dir = dir;
	rc->slot = slot;
	s->recent_next = (s->recent_next + 1) % (sizeof(s->recent) / sizeof(s->recent[0]));
	s->last_slot = slot;
	s->last_dir = dir;
}

/* The entry of the result line this cert line belongs to: same pid and direction. */
static size_t
recall(const struct explain_summary *s, long pid, enum explain_dir dir)
{
	size_t i, n = sizeof(s->recent) / sizeof(s->recent[0]);

	if (pid < 0)
		return s->last_dir == dir ? s->last_slot : 0;
	for (i = 0; i < n; i++) {
		const struct explain_recent *rc = &s->recent[(s->recent_next + n - 1 - i) % n];

		if (rc->slot != 0 && rc->pid == pid && rc->dir == dir)
			return rc->slot;
	}
	return 0;
}

void
explain_summary_add(struct explain_summary *s, const struct explain_line *l)
{
	struct explain_relay *r;
	size_t slot;

	switch (l->kind) {
	case EXK_RESULT:
		slot = entry_slot(s, l->relay, l->dir);
		r = &s->v[slot - 1];
		r->count[l->verify]++;
		r->total++;
		seen(r, l);
		if (l->verify != EXV_OK && l->verify != EXV_NO && l->verify != EXV_TRUSTED &&
		    l->verify != EXV_DANE_PASS && l->verify != EXV_NOT)
			set_error(s, r, "verify=", l->verify_raw, "");
		remember(s, l->pid, l->dir, slot);
		break;
	case EXK_CERT:
		if (l->verifymsg[0] == '\0' || strcmp(l->verifymsg, "ok") == 0)
			break;
		if ((slot = recall(s, l->pid, l->dir)) != 0)
			set_error(s, &s->v[slot - 1], "verify=FAIL: ", l->verifymsg, "");
		break;
	case EXK_HANDSHAKE:
		if (l->relay[0] == '\0')
			break;
		slot = entry_slot(s, l->relay, l->dir);
		r = &s->v[slot - 1];
		r->count[EXV_SOFTWARE]++;
		r->total++;
		seen(r, l);
		set_error(s, r, "handshake: ", l->verifymsg[0] ? l->verifymsg : l->problem, "");
		break;
	case EXK_RULESET:
		if (l->relay[0] == '\0')
			break;
		slot = entry_slot(s, l->relay, l->dir);
		r = &s->v[slot - 1];
		/* failed handshakes leave no verify= line: the ruleset line is the count */
		if (l->verify == EXV_SOFTWARE || l->verify == EXV_PROTOCOL ||
		    l->verify == EXV_CONFIG || l->verify == EXV_TEMP) {
			r->count[l->verify]++;
			r->total++;
		} else {
			r->rejected++;
		}
		seen(r, l);
		set_error(s, r, l->ruleset, ": ", l->problem);
		break;
	default:
		break;
	}
}

void
explain_summary_add_message(struct explain_summary *s, const struct explain_message *m)
{
	size_t i;

	s->messages++;
	for (i = 0; i < m->nhops; i++) {
		const struct explain_hop *h = &m->hop[i];

		s->hops++;
		if (h->local)
			s->hops_local++;
		else if (h->tls || h->with_tls)
			s->hops_tls++;
		else if (h->with_kind == EXW_REGISTERED)
			s->hops_clear++;
		if (h->verify != EXV_UNSET)
			s->hop_verify[h->verify]++;
	}
}

static int
relay_cmp(const void *a, const void *b)
{
	const struct explain_relay *x = *(struct explain_relay *const *)a;
	const struct explain_relay *y = *(struct explain_relay *const *)b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	return strcmp(x->relay, y->relay);
}

struct explain_relay **
explain_summary_sorted(const struct explain_summary *s, size_t *n)
{
	struct explain_relay **v = xreallocarray(NULL, s->n ? s->n : 1, sizeof(*v));
	size_t i;

	for (i = 0; i < s->n; i++)
		v[i] = &s->v[i];
	qsort(v, s->n, sizeof(*v), relay_cmp);
	*n = s->n;
	return v;
}

void
explain_summary_free(struct explain_summary *s)
{
	size_t i;

	arena_free(s);
	for (i = 0; i < s->nerrors; i++)
		free(s->errors[i]);
	free(s->errors);
	free(s->error_table);
	big_free(s->v, s->cap * sizeof(*s->v));
	big_free(s->table, s->table_size * sizeof(*s->table));
	memset(s, 0, sizeof(*s));
}
