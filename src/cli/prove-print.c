/* prove-print.c: a prove_result as JSON, and the proof's signal catcher (smtls prove, apply). */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "prove-print.h"
#include "smtls/cert.h"

static void
json_cert(struct json *j, const char *key, const struct cert *c)
{
	json_object(j, key, false);
	json_str(j, "subject", c->subject);
	json_str(j, "issuer", c->issuer);
	json_str(j, "sha256", c->sha256);
	json_end(j);
}

static void
json_verify(struct json *j, const char *key, const struct prove_verify *v)
{
	json_object(j, key, false);
	json_str(j, "verify", v->verify);
	json_str(j, "line", v->line);
	json_str(j, "cert", v->cert_line);
	json_end(j);
}

void
prove_json_members(struct json *j, const struct prove_result *r)
{
	const struct probe_result *p = &r->probe;
	size_t i;
	int k;

	json_bool(j, "passed", r->passed);
	json_bool(j, "interrupted", r->interrupted);
	json_array(j, "steps", true);
	for (k = 0; k < PROVE_STEPS; k++) {
		json_object(j, NULL, false);
		json_str(j, "name", r->steps[k].name);
		json_str(j, "state", prove_state_name(r->steps[k].state));
		json_str(j, "detail", r->steps[k].detail);
		json_end(j);
	}
	json_end(j);
	json_str(j, "hostname", r->hostname);
	json_bool(j, "private_uts", r->own_uts);
	json_int(j, "port", r->port);
	json_int(j, "ports_busy", r->ports_busy);
	if (r->probed) {
		json_object(j, "tls", false);
		json_str(j, "protocol", p->protocol);
		json_str(j, "cipher", p->cipher);
		json_end(j);
	} else
		json_null(j, "tls");
	json_array(j, "chain", true);
	for (i = 0; i < p->chain.n; i++)
		json_cert(j, NULL, &p->chain.v[i]);
	json_end(j);
	if (r->has_planned_leaf)
		json_cert(j, "planned_leaf", &r->planned_leaf);
	else
		json_null(j, "planned_leaf");
	if (r->has_planned_issuer)
		json_cert(j, "planned_issuer", &r->planned_issuer);
	else
		json_null(j, "planned_issuer");
	json_bool(j, "leaf_served", r->leaf_served);
	json_bool(j, "issuer_served", r->issuer_served);
	json_bool(j, "verified", r->probed && p->verify_error == 0);
	json_str(j, "verify_error", r->probed && p->verify_error != 0 ? p->verify_text : NULL);
	json_array(j, "ca_names", false);
	for (k = 0; p->ca_name_list != NULL && k < p->ca_names; k++)
		json_str(j, NULL, p->ca_name_list[k]);
	json_end(j);
	json_array(j, "startup", true);
	for (i = 0; i < r->n_startup; i++)
		json_str(j, NULL, r->startup[i]);
	json_end(j);
	json_verify(j, "server_verify", &r->server_verify);
	json_verify(j, "client_verify", &r->client_verify);
	json_str(j, "delivery", r->delivery);
	json_bool(j, "delivered", r->delivered);
	json_bool(j, "cleaned", r->cleaned);
	json_findings(j, &r->findings);
}

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

volatile sig_atomic_t *
prove_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;	/* a second one kills */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return &interrupted;
}
