/* finding.c: finding lists and the catalogue of stable finding ids. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "smtls/finding.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

const struct finding_def finding_defs[] = {
	{ "file.missing", SEV_ERROR, N_("a configured file or directory does not exist") },
	{ "file.unreadable", SEV_ERROR, N_("a file exists but cannot be read, or is a directory where a file is expected") },
	{ "file.not-pem", SEV_ERROR, N_("no PEM block of the expected kind") },
	{ "file.unsafe", SEV_ERROR, N_("sendmail would refuse the file: group/world-writable file or directory on its path, or a file root does not own") },
	{ "key.not-a-key", SEV_ERROR, N_("a key setting names a file with no private key") },
	{ "key.encrypted", SEV_ERROR, N_("the key has a passphrase; sendmail cannot ask for it") },
	{ "key.mismatch", SEV_ERROR, N_("the key does not belong to the certificate") },
	{ "key.readable", SEV_ERROR, N_("the key is readable by group or others") },
	{ "key.weak", SEV_ERROR, N_("RSA below 2048 bits or EC below 256 bits") },
	{ "cert.expired", SEV_ERROR, N_("the certificate has expired") },
	{ "cert.not-yet-valid", SEV_ERROR, N_("the certificate is not valid yet") },
	{ "cert.expiring", SEV_WARNING, N_("the certificate expires soon") },
	{ "cert.name-mismatch", SEV_WARNING, N_("the hostname is not covered by the certificate") },
	{ "cert.self-signed", SEV_INFO, N_("the certificate signs itself") },
	{ "cert.update-tls", SEV_INFO, N_("the self-signed certificate Debian's update_tls made (host name in the CN only): clients cannot verify it") },
	{ "cert.is-ca", SEV_ERROR, N_("a CA certificate is configured as our own certificate") },
	{ "cert.extra-ignored", SEV_WARNING, N_("the cert file holds more certificates, and this sendmail reads only the first") },
	{ "cert.weak-signature", SEV_ERROR, N_("MD5 or SHA-1 signature on the leaf or an intermediate") },
	{ "cert.no-server-auth", SEV_WARNING, N_("the server certificate's EKU lacks serverAuth") },
	{ "cert.no-client-auth", SEV_WARNING, N_("the client certificate's EKU lacks clientAuth") },
	{ "chain.incomplete", SEV_ERROR, N_("peers would receive no certificate that links our leaf to a root") },
	{ "chain.untrusted", SEV_WARNING, N_("the chain we present does not end at a public root") },
	{ "chain.expired-ca", SEV_ERROR, N_("a CA certificate in the chain we present has expired") },
	{ "store.capath-unhashed", SEV_WARNING, N_("CACertPath holds certificates without a subject-hash link") },
	{ "store.capath-stale", SEV_WARNING, N_("CACertPath has dangling or wrong hash links") },
	{ "store.no-public-roots", SEV_WARNING, N_("neither CACertFile nor CACertPath holds public roots") },
	{ "store.cacert-large", SEV_WARNING, N_("CACertFile holds more than 20 certificates") },
	{ "store.no-trust-anchors", SEV_WARNING, N_("CACertFile or CACertPath unset, or CACertFile unloadable: sendmail loads no trust anchors") },
	{ "store.verify-broken", SEV_WARNING, N_("an expired or cross-signed CA certificate in CACertFile/CACertPath makes sendmail's verification of peers fail") },
	{ "store.own-cert-linked", SEV_WARNING, N_("our self-signed certificate is linked into CACertPath as a trusted root (update_tls does this)") },
	{ "store.expired-root", SEV_WARNING, N_("a trust location holds an expired root") },
	{ "mc.commented-out", SEV_WARNING, N_("a TLS define in sendmail.mc is disabled") },
	{ "mc.duplicate", SEV_WARNING, N_("a TLS macro is defined more than once") },
	{ "mc.m4-error", SEV_ERROR, N_("m4 fails on sendmail.mc, or prints an error") },
	{ "mc.no-tls", SEV_ERROR, N_("sendmail will offer no STARTTLS") },
	{ "mc.dh-params", SEV_WARNING, N_("DHParameters is a value sendmail does not document (it reads only its first character), or too small for OpenSSL to use") },
	{ "dh.file-unusable", SEV_WARNING, N_("sendmail refuses the DHParameters file (missing, unsafe, not readable) and uses its included 2048-bit prime") },
	{ "dh.not-dh", SEV_WARNING, N_("the DHParameters file holds no DH parameters in PEM: sendmail uses its included 2048-bit prime") },
	{ "dh.weak", SEV_WARNING, N_("the DHParameters file has fewer than 2048 bits: sendmail offers no DHE cipher at all") },
	{ "mc.unsupported-option", SEV_ERROR, N_("an option this sendmail binary does not know") },
	{ "cf.stale", SEV_WARNING, N_("sendmail.cf's TLS options differ from what sendmail.mc yields") },
	{ "msp.server-setting", SEV_WARNING, N_("the MSP's configuration (submit.mc) sets a server option, which it never uses") },
	{ "msp.no-ca", SEV_WARNING, N_("the MSP has no CACertFile nor CACertPath: it cannot verify its relay") },
	{ "msp.key-unreadable", SEV_WARNING, N_("the MSP runs as smmsp and cannot read its client key") },
	{ "msp.relay-unverified", SEV_WARNING, N_("the relay's chain does not verify against the MSP's CACertFile/CACertPath") },
	{ "sendmail.no-starttls", SEV_ERROR, N_("the sendmail binary is built without STARTTLS") },
	{ "prove.unavailable", SEV_ERROR, N_("the candidate sendmail.cf cannot be proved here (no binary, no cf, not root)") },
	{ "prove.host-unqualified", SEV_WARNING, N_("the host name is unqualified: every sendmail run sleeps 60 s first") },
	{ "prove.start-failed", SEV_ERROR, N_("the candidate sendmail.cf does not start as a daemon") },
	{ "prove.no-starttls", SEV_ERROR, N_("the candidate offers no working STARTTLS") },
	{ "prove.tls-startup", SEV_WARNING, N_("the candidate's TLS start-up log lines complain") },
	{ "prove.leaf-mismatch", SEV_ERROR, N_("the candidate serves another certificate than the planned one") },
	{ "prove.issuer-not-served", SEV_ERROR, N_("the candidate does not send the planned intermediate issuer") },
	{ "prove.delivery-failed", SEV_WARNING, N_("the test message between two candidate instances was not accepted") },
	{ "prove.peer-verify", SEV_WARNING, N_("an instance of the candidate logs verify=FAIL for the other") },
	{ "prove.left-behind", SEV_ERROR, N_("a candidate process or its temporary directory could not be removed") },
};
const size_t finding_defs_count = sizeof(finding_defs) / sizeof(finding_defs[0]);

struct finding *
findings_add(struct findings *fs, const char *id, enum severity sev, const char *file,
    const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 16;
		fs->v = xreallocarray(fs->v, fs->cap, sizeof(*fs->v));
	}
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->id = xstrdup(id);
	f->severity = sev;
	f->file = file ? xstrdup(file) : NULL;
	va_start(ap, fmt);
	f->message = xvstrprintf(fmt, ap);
	va_end(ap);
	return f;
}

void
finding_set_fix(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	free(f->fix);
	va_start(ap, fmt);
	f->fix = xvstrprintf(fmt, ap);
	va_end(ap);
}

void
finding_set_reproduce(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	free(f->reproduce);
	va_start(ap, fmt);
	f->reproduce = xvstrprintf(fmt, ap);
	va_end(ap);
}

size_t
findings_count(const struct findings *fs, enum severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].severity == sev)
			n++;
	return n;
}

int
findings_has(const struct findings *fs, const char *id, const char *file)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		if (strcmp(fs->v[i].id, id) != 0)
			continue;
		if (file == NULL || (fs->v[i].file && strcmp(fs->v[i].file, file) == 0))
			return 1;
	}
	return 0;
}

void
findings_sort(struct findings *fs)
{
	size_t i, j;

	/* insertion sort: stable, and lists are short */
	for (i = 1; i < fs->n; i++) {
		struct finding f = fs->v[i];

		for (j = i; j > 0 && fs->v[j - 1].severity < f.severity; j--)
			fs->v[j] = fs->v[j - 1];
		fs->v[j] = f;
	}
}

void
findings_move(struct findings *dst, struct findings *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		if (dst->n == dst->cap) {
			dst->cap = dst->cap ? dst->cap * 2 : 16;
			dst->v = xreallocarray(dst->v, dst->cap, sizeof(*dst->v));
		}
		dst->v[dst->n++] = src->v[i];
	}
	free(src->v);
	src->v = NULL;
	src->n = src->cap = 0;
}

void
findings_free(struct findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].id);
		free(fs->v[i].file);
		free(fs->v[i].message);
		free(fs->v[i].fix);
		free(fs->v[i].reproduce);
	}
	free(fs->v);
	fs->v = NULL;
	fs->n = fs->cap = 0;
}

const char *
severity_name(enum severity sev)
{
	switch (sev) {
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	case SEV_INFO:
		return "info";
	case SEV_OK:
		break;
	}
	return "ok";
}

const char *
severity_label(enum severity s)
{
	switch (s) {
	case SEV_ERROR:
		/* TRANSLATORS: severity label in reports and the wizard; keep it short and upper case */
		return _("ERROR");
	case SEV_WARNING:
		return _("WARNING");
	case SEV_INFO:
		return _("INFO");
	case SEV_OK:
		break;
	}
	return _("OK");
}
