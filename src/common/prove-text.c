/* prove-text.c: what the proof saw, as text, for the CLI and the wizard. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prove-text.h"
#include "smtls/cert.h"
#include "smtls/finding.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

/* "  = planned leaf" and the like, after a served certificate. */
static const char *
mark(const struct prove_result *r, const struct cert *c)
{
	if (r->has_planned_leaf && strcmp(c->sha256, r->planned_leaf.sha256) == 0)
		return _("  (the planned leaf)");
	if (r->has_planned_issuer && strcmp(c->sha256, r->planned_issuer.sha256) == 0)
		return _("  (the planned issuer)");
	return "";
}

void
prove_print_observations(FILE *f, const struct prove_result *r)
{
	const struct probe_result *p = &r->probe;
	size_t i;
	int k;

	if (r->probed) {
		fprintf(f, _("TLS: %s, %s (127.0.0.1:%d, as %s)\n"), p->protocol, p->cipher,
		    r->port, r->hostname);
		fprintf(f, _("Chain served (%zu certificate(s)):\n"), p->chain.n);
		for (i = 0; i < p->chain.n; i++)
			fprintf(f, "  %zu %s%s\n    SHA-256 %s\n", i, p->chain.v[i].subject,
			    mark(r, &p->chain.v[i]), p->chain.v[i].sha256);
		if (r->has_planned_leaf)
			fprintf(f, _("Planned leaf:   %s: %s\n"), r->planned_leaf.subject,
			    r->leaf_served ? _("served") : _("NOT served"));
		if (r->has_planned_issuer)
			fprintf(f, _("Planned issuer: %s: %s\n"), r->planned_issuer.subject,
			    r->issuer_served ? _("served") : r->planned_issuer.self_signed ?
			    _("not served (a root: peers have it or not)") : _("NOT served"));
		if (p->verify_error == 0)
			fprintf(f, _("Verification with the public roots: ok\n"));
		else
			fprintf(f, _("Verification with the public roots: %s (at certificate #%d)\n"),
			    p->verify_text, p->verify_depth);
		if (p->ca_names < 0)
			fprintf(f, _("CA names sent: none (no client certificate asked for)\n"));
		else
			fprintf(f, _("CA names sent: %d\n"), p->ca_names);
		for (k = 0; p->ca_name_list != NULL && k < p->ca_names && k < 20; k++)
			fprintf(f, "  %s\n", p->ca_name_list[k]);
		if (p->ca_names > 20)
			fprintf(f, _("  ... and %d more\n"), p->ca_names - 20);
	}
	if (r->n_startup > 0) {
		fprintf(f, _("The candidate's TLS start-up:\n"));
		for (i = 0; i < r->n_startup; i++)
			fprintf(f, "  %s\n", r->startup[i]);
	}
	if (r->server_verify.line || r->client_verify.line || r->delivery) {
		fprintf(f, _("Test message: %s\n"), r->delivery ? r->delivery : _("not delivered"));
		fprintf(f, _("  at the candidate: %s\n"), r->server_verify.line ?
		    r->server_verify.line : _("no STARTTLS line"));
		if (r->server_verify.cert_line)
			fprintf(f, "    %s\n", r->server_verify.cert_line);
		fprintf(f, _("  at the sender:    %s\n"), r->client_verify.line ?
		    r->client_verify.line : _("no STARTTLS line"));
		if (r->client_verify.cert_line)
			fprintf(f, "    %s\n", r->client_verify.cert_line);
	}
}

/* What print writes for arg, as a string (open_memstream); NULL when it wrote nothing. */
static char *
text_of(void (*print)(FILE *, const void *), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	print(f, arg);
	if (fclose(f) != 0 || len == 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void
print_observations(FILE *f, const void *r)
{
	prove_print_observations(f, r);
}

char *
prove_observations_text(const struct prove_result *r)
{
	return text_of(print_observations, r);
}

char *
prove_step_text(enum apply_state state, const char *detail, enum apply_prove_skip why)
{
	if (state != APPLY_ST_SKIPPED || why != APPLY_PROVE_SKIP_NO_SENDMAIL)
		return detail ? xstrdup(detail) : NULL;
	return xstrprintf(_("%s: %s: so the new sendmail.cf is NOT proven: no test daemon ran it, "
	    "so nothing shows that it offers STARTTLS and serves the planned certificate. "
	    "Install sendmail (Debian: apt-get install sendmail-bin) or name the binary with "
	    "--sendmail PATH, then prove the file with smtls prove --cf FILE"),
	    severity_label(SEV_WARNING), detail ? detail : _("no sendmail binary found"));
}

static void
live_listener(FILE *f, const struct confirm_listener *l, const struct confirm_live_result *r)
{
	fprintf(f, _("  live %s:%d%s%s%s: "), l->target ? l->target : l->addr ? l->addr : "*",
	    l->port, l->name ? " (" : "", l->name ? l->name : "", l->name ? ")" : "");
	if (l->skipped)
		fprintf(f, _("not probed: %s\n"), l->skipped);
	else if (!l->probed)
		fprintf(f, _("no TLS: %s\n"), l->probe.failure ? l->probe.failure : "?");
	else {
		fprintf(f, _("%s, serves %s (SHA-256 %s)"), l->probe.protocol,
		    l->probe.chain.n ? l->probe.chain.v[0].subject : "?",
		    l->probe.chain.n ? l->probe.chain.v[0].sha256 : "?");
		if (!l->leaf_served)
			fprintf(f, _(": NOT the planned %s (SHA-256 %s)"), r->planned_leaf.subject,
			    r->planned_leaf.sha256);
		else if (r->has_planned_issuer && !l->issuer_served &&
		    !r->planned_issuer.self_signed)
			fprintf(f, _(", but NOT its issuer %s"), r->planned_issuer.subject);
		else if (r->has_planned_issuer && l->issuer_served)
			fprintf(f, _(" and its issuer %s"), r->planned_issuer.subject);
		fputc('\n', f);
	}
}

void
live_print_listeners(FILE *f, const struct confirm_live_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		live_listener(f, &r->v[i], r);
}

char *
live_verdict(const struct confirm_live_result *r, bool *bad)
{
	*bad = !r->passed && r->skipped == NULL;
	if (r->passed)
		return xstrprintf(_("confirmed: the restarted sendmail serves the planned "
		    "certificate and issuer on %zu of %zu listening address(es)"), r->matched, r->n);
	if (r->skipped)
		return xstrprintf(_("live check skipped: %s"), r->skipped);
	if (r->error)
		return xstrprintf(_("not confirmed: %s"), r->error);
	return xstrprintf(_("NOT confirmed: the restarted sendmail does not serve the planned "
	    "chain on every address it listens on (%zu of %zu probed match)"), r->matched, r->n);
}

static void
print_live_check(FILE *f, const void *arg)
{
	const struct confirm_live_result *r = arg;
	bool bad;
	char *v = live_verdict(r, &bad);

	live_print_listeners(f, r);
	fprintf(f, "%s%s%s\n", bad ? severity_label(SEV_ERROR) : "", bad ? ": " : "", v);
	free(v);
}

char *
live_check_text(const struct confirm_live_result *r)
{
	return text_of(print_live_check, r);
}
