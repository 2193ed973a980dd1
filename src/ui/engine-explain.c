/* engine-explain.c: the wizard's explainer of a log line and its map of the chain peers receive. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/cert.h"
#include "smtls/chain.h"
#include "smtls/explain.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "wizard.h"

/* The log explainer (explain.h): one sendmail STARTTLS log line in plain words. */
char *
engine_explain(const char *line)
{
	struct explain_line l;
	struct explanation e;
	struct buf b = { 0 };

	if (!explain_parse(line, strlen(line), &l))
		return xstrdup(_("This is not a sendmail STARTTLS log line (it has no "
		    "\"STARTTLS\" or \"ruleset=tls_\" part)."));
	memset(&e, 0, sizeof(e));
	explain_describe(&l, &e);
	buf_printf(&b, "%s (%s)\n\n", severity_label(e.severity), e.id ? e.id : "-");
	if (e.what != NULL)
		buf_printf(&b, _("What happened: %s\n\n"), e.what);
	if (e.mail != NULL)
		buf_printf(&b, _("For the mail: %s\n\n"), e.mail);
	if (e.cause != NULL)
		buf_printf(&b, _("Likely cause: %s\n\n"), e.cause);
	if (e.fix != NULL)
		buf_printf(&b, _("Fix: %s\n\n"), e.fix);
	if (e.file != NULL)
		buf_printf(&b, _("File: %s\n"), e.file);
	explanation_clear(&e);
	return buf_release(&b);
}

/* The chain of trust as peers receive it (chain.h), leaf first, with where it breaks. */
char *
engine_chain_map(const struct wizard *w)
{
	const struct tls_plan *p = &w->m.plan;
	const char *cert = plan_get(p, PF_SERVER_CERT);
	const char *roots = p->public_roots ? p->public_roots : "/etc/ssl/certs";
	struct certlist file = { 0 }, extra = { 0 }, presented = { 0 };
	struct trust *store, *pub;
	struct buf b = { 0 };
	enum chain_result r;
	char *err = NULL, *detail = NULL, day[32];
	size_t i;

	if (cert == NULL || cert_load_file(cert, &file, &err) != LOAD_OK || file.n == 0) {
		free(err);
		certlist_free(&file);
		return NULL;
	}
	if (w->env.sm.found && w->env.sm.chain_file)
		for (i = 1; i < file.n; i++)
			certlist_add(&extra, &file.v[i]);
	store = trust_new(plan_get(p, PF_CA_CERT), plan_get(p, PF_CA_PATH));
	chain_presented(store, &file.v[0], &extra, p->now, &presented);
	for (i = 0; i < presented.n; i++) {
		const struct cert *c = &presented.v[i];

		time_format_iso(c->not_after, day, sizeof(day));
		day[10] = '\0';
		buf_printf(&b, "%*s%s[%zu] %s  %s %s%s\n", (int)(i * 3), "", i ? "`- " : "  ", i,
		    c->subject_cn ? c->subject_cn : c->subject,
		    cert_expiry_state(c, p->now, NULL) == CERT_EXPIRED ? _("EXPIRED") : _("until"), day,
		    c->self_signed ? _("  (root)") : "");
	}
	if (presented.n > 0 && !presented.v[presented.n - 1].self_signed)
		buf_printf(&b, "%*s`- %s %s\n", (int)(presented.n * 3), "",
		    _("missing: its issuer"), presented.v[presented.n - 1].issuer);
	pub = trust_load(roots, &err);
	if (pub != NULL) {
		r = chain_verify(pub, &presented, p->now, &detail);
		buf_printf(&b, _("Peers that trust %s: %s%s%s\n"), roots,
		    r == CHAIN_OK ? _("verify OK") : _("cannot verify"),
		    detail ? ": " : "", detail ? detail : "");
		trust_free(&pub);
	} else
		buf_printf(&b, _("The public roots cannot be read: %s\n"), err ? err : roots);
	free(err);
	free(detail);
	trust_free(&store);
	certlist_free(&presented);
	certlist_free(&extra);
	certlist_free(&file);
	return buf_release(&b);
}
