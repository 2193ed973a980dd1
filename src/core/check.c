/* check.c: the diagnosis engine: runs each check on the files a plan names. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/cert.h"
#include "smtls/check.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

static void
load_error(struct findings *out, enum load_status ls, const char *path, const char *err)
{
	switch (ls) {
	case LOAD_MISSING:
		findings_add(out, "file.missing", SEV_ERROR, path, "%s", err);
		break;
	case LOAD_UNREADABLE:
		findings_add(out, "file.unreadable", SEV_ERROR, path, "%s", err);
		break;
	case LOAD_NOT_A_KEY:
		findings_add(out, "key.not-a-key", SEV_ERROR, path, "%s", err);
		break;
	case LOAD_ENCRYPTED:
		findings_add(out, "key.encrypted", SEV_ERROR, path, "%s", err);
		break;
	default:
		findings_add(out, "file.not-pem", SEV_ERROR, path, "%s", err);
		break;
	}
}

static void
check_cert_key(const struct tls_plan *p, enum plan_field fc, enum plan_field fk,
    struct findings *out)
{
	const char *cpath = plan_get(p, fc), *kpath = plan_get(p, fk);
	struct certlist certs = { 0 };
	struct key key;
	enum load_status ls;
	char *err = NULL;
	bool have_cert = false;

	if (cpath != NULL) {
		ls = cert_load_file(cpath, &certs, &err);
		if (ls != LOAD_OK)
			load_error(out, ls, cpath, err);
		else
			have_cert = true;
		free(err);
		err = NULL;
	}
	if (have_cert) {
		const struct cert *c = &certs.v[0];

		if (p->now > c->not_after)
			findings_add(out, "cert.expired", SEV_ERROR, cpath,
			    _("the certificate for %s has expired"), c->subject);
		else if (p->now < c->not_before)
			findings_add(out, "cert.not-yet-valid", SEV_ERROR, cpath,
			    _("the certificate for %s is not valid yet"), c->subject);
	}
	if (kpath != NULL) {
		ls = key_load_file(kpath, &key, &err);
		if (ls != LOAD_OK)
			load_error(out, ls, kpath, err);
		else if (have_cert && !key_matches_cert(&key, &certs.v[0]))
			findings_add(out, "key.mismatch", SEV_ERROR, kpath,
			    _("the key does not belong to the certificate %s"), cpath);
		free(err);
		key_clear(&key);
	}
	certlist_free(&certs);
}

void
check_plan(const struct tls_plan *plan, const struct sendmail_info *sm, struct findings *out)
{
	(void)sm;
	check_cert_key(plan, PF_SERVER_CERT, PF_SERVER_KEY, out);
}
