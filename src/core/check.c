/* check.c: the diagnosis engine: sets up the trust stores and runs each check on the plan's files. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check-int.h"
#include "smtls/emit.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

const char *
check_macro(enum plan_field f)
{
	const struct tls_option *t = tls_option_by_field(f);

	return t ? t->macro : "?";
}

const char *
check_side(const struct check_ctx *c, enum plan_field f)
{
	return c->plan->msp || f == PF_CLIENT_CERT || f == PF_CLIENT_KEY ? "client" : "server";
}

const char *
check_cf_name(const struct check_ctx *c)
{
	return c->plan->msp ? "submit.cf" : "sendmail.cf";
}

void
check_ok(struct check_ctx *c, const char *id, const char *file, const char *msg)
{
	if (c->plan->want_ok)
		findings_add(c->out, id, SEV_OK, file, "%s", msg);
}

void
check_load_error(struct check_ctx *c, enum plan_field f, enum load_status ls, const char *path,
    const char *err)
{
	const struct tls_option *t = tls_option_by_field(f);
	const char *cf = t ? t->cf_name : "?";
	struct finding *fd;

	switch (ls) {
	case LOAD_MISSING:
		fd = findings_add(c->out, "file.missing", SEV_ERROR, path,
		    _("%s: sendmail logs 'STARTTLS=%s: file %s unsafe: No such file or directory' "
		    "and uses no STARTTLS (mail then flows in clear)"), err, check_side(c, f), path);
		if (c->plan->origin[f].file != NULL)
			finding_set_fix(fd, _("create the file, or correct define(`%s', `%s') "
			    "(%s) and rebuild %s"), check_macro(f), path,
			    c->plan->origin[f].file, check_cf_name(c));
		else
			finding_set_fix(fd, _("create the file, or correct the path given for %s"),
			    check_macro(f));
		finding_set_reproduce(fd, "ls -lL %s", path);
		break;
	case LOAD_UNREADABLE:
		fd = findings_add(c->out, "file.unreadable", SEV_ERROR, path,
		    _("%s: sendmail cannot use it as %s"), err, cf);
		finding_set_fix(fd, _("make %s name a readable regular file (sendmail runs as root "
		    "when it reads TLS files)"), check_macro(f));
		break;
	case LOAD_NOT_A_KEY:
		fd = findings_add(c->out, "key.not-a-key", SEV_ERROR, path,
		    _("%s; sendmail logs 'SSL_CTX_use_PrivateKey_file(%s) failed' and offers or "
		    "uses no STARTTLS with it"), err, path);
		finding_set_fix(fd, _("point define(`%s', ...) at the private key (Let's Encrypt: "
		    "privkey.pem), not at the certificate"), check_macro(f));
		finding_set_reproduce(fd, "openssl pkey -in %s -noout", path);
		break;
	case LOAD_ENCRYPTED:
		fd = findings_add(c->out, "key.encrypted", SEV_ERROR, path,
		    _("%s: sendmail runs unattended and cannot ask for it, so loading fails "
		    "('SSL_CTX_use_PrivateKey_file(%s) failed')"), err, path);
		finding_set_fix(fd, _("write an unencrypted copy and use it: openssl pkey -in %s "
		    "-out %s.plain && chmod 600 %s.plain"), path, path, path);
		finding_set_reproduce(fd, "openssl pkey -in %s -noout -passin pass:", path);
		break;
	case LOAD_DER:
	case LOAD_NOT_PEM:
	default:
		fd = findings_add(c->out, "file.not-pem", SEV_ERROR, path,
		    _("%s; sendmail logs 'no start line' and cannot use it as %s"), err, cf);
		if (ls == LOAD_DER)
			finding_set_fix(fd, (f == PF_SERVER_KEY || f == PF_CLIENT_KEY) ?
			    _("convert it to PEM: openssl pkey -inform DER -in %s -out %s.pem") :
			    _("convert it to PEM: openssl x509 -inform DER -in %s -out %s.pem"),
			    path, path);
		else
			finding_set_fix(fd, _("point define(`%s', ...) at a PEM file of the right "
			    "kind, or restore the file from its source"), check_macro(f));
		/* -inform PEM: OpenSSL 3 would read a DER file too, and sendmail does not */
		finding_set_reproduce(fd, (f == PF_SERVER_KEY || f == PF_CLIENT_KEY) ?
		    "openssl pkey -inform PEM -in %s -noout" : "openssl x509 -inform PEM -in %s "
		    "-noout", path);
		break;
	}
}

/* DontBlameSendmail takes names separated by commas or spaces, in any case. */
static bool
dont_blame(const struct tls_plan *p, const char *name)
{
	const char *v = plan_get(p, PF_DONT_BLAME), *s;
	size_t n = strlen(name);

	if (v == NULL)
		return false;
	for (s = v; *s; ) {
		size_t len;

		while (*s == ',' || *s == ' ' || *s == '\t')
			s++;
		len = strcspn(s, ", \t");
		if (len == n && strncasecmp(s, name, n) == 0)
			return true;
		s += len;
	}
	return false;
}

static void
check_sendmail(struct check_ctx *c)
{
	const struct tls_plan *p = c->plan;
	struct finding *f;

	if (c->sm == NULL)
		return;
	if (!c->sm->starttls) {
		f = findings_add(c->out, "sendmail.no-starttls", SEV_ERROR, c->sm->path,
		    _("this sendmail binary is built without STARTTLS: it ignores every TLS option, "
		    "offers no STARTTLS to clients and delivers in clear"));
		finding_set_fix(f, _("install a sendmail built with STARTTLS (Debian: apt-get install "
		    "sendmail-bin; FreeBSD: build with WITH_TLS)"));
		finding_set_reproduce(f, "%s -d0.1 -bv root | grep STARTTLS", c->sm->path);
	}
	if (plan_get(p, PF_DANE) != NULL && !c->sm->dane) {
		char where[32] = "";

		if (p->origin[PF_DANE].line > 0)
			snprintf(where, sizeof(where), _(", line %d"), p->origin[PF_DANE].line);
		f = findings_add(c->out, "mc.unsupported-option", SEV_ERROR, p->origin[PF_DANE].file,
		    _("DANE is set (confDANE%s), but this sendmail %s is built without DANE: it "
		    "stops with 'readcf: unknown option name DANE' (sendmail -bC exits 70)"),
		    where, c->sm->version);
		finding_set_fix(f, _("remove define(`confDANE', ...) from sendmail.mc and rebuild "
		    "sendmail.cf"));
		finding_set_reproduce(f, "%s -d0.1 -bv root | grep -w DANE", c->sm->path);
	}
}

/*
 * DHParameters (server only): a value sendmail does not document is read by its first
 * character (dh_params_parse says as what); 512 and 1024 bits are below OpenSSL's default
 * security level, so sendmail then offers no DHE at all (ECDHE and TLS 1.3 stay).
 */
static void
check_dh_params(struct check_ctx *c)
{
	const struct tls_plan *p = c->plan;
	const char *v = plan_get(p, PF_DH_PARAMS), *where = p->origin[PF_DH_PARAMS].file;
	struct dh_params dh;
	struct finding *f;
	char *why = NULL;

	if (v == NULL || p->msp)
		return;
	if (dh_params_parse(v, &dh, &why) == -1) {
		char at[32] = "";

		if (p->origin[PF_DH_PARAMS].line > 0)
			snprintf(at, sizeof(at), _("line %d: "), p->origin[PF_DH_PARAMS].line);
		f = findings_add(c->out, "mc.dh-params", SEV_WARNING, where, "%s%s", at, why);
		free(why);
		finding_set_fix(f, _("set confDH_PARAMETERS to one of those (smtls emit "
		    "--dh-params VALUE shows the line), then rebuild sendmail.cf"));
		return;
	}
	if (dh.kind == DH_FIXED_512 || dh.kind == DH_GEN_1024) {
		f = findings_add(c->out, "mc.dh-params", SEV_INFO, where,
		    _("DHParameters %s: %d-bit Diffie-Hellman parameters are below OpenSSL's "
		    "default security level, so sendmail offers no DHE cipher at all (ECDHE and "
		    "TLS 1.3 are unaffected)"), v, dh.bits);
		finding_set_fix(f, _("use i (sendmail's 2048-bit prime, its default) or a file "
		    "of 2048 bits or more"));
	} else if (dh.kind == DH_FILE)
		check_dh_file(c, v);
}

/*
 * Flags name only some files; but sendmail loads CACertFile and CACertPath together, and
 * without either it offers no STARTTLS ('STARTTLS: CACertPath missing'), so flags that name
 * one of them must name the other.
 */
static void
check_no_tls_pair(struct check_ctx *c)
{
	const struct tls_plan *p = c->plan;
	bool file = plan_get(p, PF_CA_CERT) != NULL, path = plan_get(p, PF_CA_PATH) != NULL;
	const struct tls_option *miss;
	struct finding *f;

	if (file == path)
		return;
	miss = tls_option_by_field(file ? PF_CA_PATH : PF_CA_CERT);
	f = findings_add(c->out, "mc.no-tls", SEV_ERROR, plan_get(p, file ? PF_CA_CERT :
	    PF_CA_PATH), _("%s is set but %s (%s) is not: sendmail logs 'STARTTLS: %s missing' "
	    "and offers no STARTTLS; clients send mail in clear"),
	    tls_option_by_field(file ? PF_CA_CERT : PF_CA_PATH)->cf_name, miss->cf_name,
	    miss->macro, miss->cf_name);
	finding_set_fix(f, file ? _("add define(`confCACERT_PATH', `/etc/ssl/certs') to "
	    "sendmail.mc (here: --ca-path /etc/ssl/certs) and rebuild sendmail.cf") :
	    _("add define(`confCACERT', `FILE') naming our issuer's certificate to sendmail.mc "
	    "(here: --ca-cert FILE) and rebuild sendmail.cf"));
}

/* mc.no-tls: settings read from sendmail.mc/.cf are the whole configuration. */
static void
check_no_tls(struct check_ctx *c)
{
	static const enum plan_field need[] = { PF_SERVER_CERT, PF_SERVER_KEY, PF_CA_CERT,
	    PF_CA_PATH };
	const struct tls_plan *p = c->plan;
	const char *file = p->mc_path ? p->mc_path : p->cf_path;
	struct buf missing = { 0 }, fix = { 0 };
	struct finding *f;
	size_t i;

	if (file == NULL) {
		check_no_tls_pair(c);
		return;
	}
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		const struct tls_option *t = tls_option_by_field(need[i]);

		if (plan_get(p, need[i]) != NULL)
			continue;
		buf_printf(&missing, "%s%s (%s)", missing.len ? ", " : "", t->cf_name, t->macro);
		buf_printf(&fix, "%sdefine(`%s', `%s')", fix.len ? " " : "", t->macro,
		    need[i] == PF_SERVER_CERT ? "/etc/mail/tls/cert.pem" :
		    need[i] == PF_SERVER_KEY ? "/etc/mail/tls/key.pem" :
		    need[i] == PF_CA_CERT ? "/etc/mail/tls/chain.pem" : "/etc/ssl/certs");
	}
	if (missing.len > 0) {
		f = findings_add(c->out, "mc.no-tls", SEV_ERROR, file,
		    _("sendmail will offer no STARTTLS: %s not set (sendmail needs the server "
		    "certificate, its key, CACertFile and CACertPath); clients send mail in clear"),
		    missing.data);
		finding_set_fix(f, _("add to sendmail.mc and rebuild sendmail.cf: %s"), fix.data);
	} else
		check_ok(c, "mc.no-tls", file, _("every setting STARTTLS needs is set"));
	buf_free(&missing);
	buf_free(&fix);
}

void
check_plan(const struct tls_plan *plan, const struct sendmail_info *sm, struct findings *out)
{
	struct check_ctx c;

	memset(&c, 0, sizeof(c));
	c.plan = plan;
	c.sm = sm;
	c.out = out;
	c.chain_file = sm != NULL && sm->chain_file;
	c.group_readable_key = dont_blame(plan, "GroupReadableKeyFile");
	c.trust_sticky = dont_blame(plan, "TrustStickyBit");
	c.group_writable_dir = dont_blame(plan, "GroupWritableDirPathSafe");
	c.store = trust_new(plan_get(plan, PF_CA_CERT), plan_get(plan, PF_CA_PATH));

	check_sendmail(&c);
	if (plan->msp)
		check_msp(&c);	/* the MSP: a client only, no server settings needed */
	else
		check_no_tls(&c);
	check_stores(&c);
	check_dh_params(&c);
	if (!plan->msp)
		check_identity(&c, PF_SERVER_CERT, PF_SERVER_KEY);
	if (!plan->no_client_cert && (plan_get(plan, PF_CLIENT_CERT) ||
	    plan_get(plan, PF_CLIENT_KEY)))
		check_identity(&c, PF_CLIENT_CERT, PF_CLIENT_KEY);
	trust_free(&c.store);
	trust_free(&c.pub);
}

void
check_judge_stale(struct findings *now, const struct findings *next)
{
	bool now_ok = true, next_ok = findings_count(next, SEV_ERROR) == 0;
	size_t i;

	for (i = 0; i < now->n; i++)
		if (now->v[i].severity == SEV_ERROR && strcmp(now->v[i].id, "cf.stale") != 0)
			now_ok = false;
	if (now_ok == next_ok)
		return;
	for (i = 0; i < now->n; i++) {
		struct finding *f = &now->v[i];
		char *m;

		if (strcmp(f->id, "cf.stale") != 0)
			continue;
		f->severity = SEV_ERROR;
		m = xstrprintf("%s. %s", f->message, now_ok ?
		    _("TLS works with this cf now, but not after the next rebuild: see the "
		    "errors of sendmail.mc") :
		    _("TLS does not work with this cf now; the mc's settings would make it work "
		    "once sendmail.cf is rebuilt"));
		free(f->message);
		f->message = m;
	}
}
