/* prove-text.c: what the proof saw, as text, for the CLI and the wizard. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "prove-text.h"
#include "smtls/cert.h"
#include "smtls/i18n.h"

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
