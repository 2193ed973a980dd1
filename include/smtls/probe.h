/* probe.h: an SMTP STARTTLS client that fetches and judges the chain a live server presents. */
#ifndef SMTLS_PROBE_H
#define SMTLS_PROBE_H

#include <stdbool.h>
#include <time.h>

#include "smtls/cert.h"
#include "smtls/finding.h"

#define PROBE_LINE_MAX	4096	/* a longer reply line is a protocol error */

struct probe_opts {
	const char	*host;		/* name or address literal (no brackets) */
	int		 port;
	bool		 smtps;		/* implicit TLS from the first byte */
	const char	*verify_name;	/* name checked and sent as SNI, or NULL for none */
	const char	*ehlo_name;	/* our EHLO name */
	const char	*ca_file;	/* trust anchors; both NULL = the system's default store */
	const char	*ca_path;
	int		 connect_timeout_ms;
	int		 reply_timeout_ms;	/* per reply, and for the TLS handshake */
	time_t		 now;		/* judge validity at this time */
};

/* The steps of a probe, for the failure message and for scripts. */
enum probe_stage {
	PROBE_RESOLVE = 0,
	PROBE_CONNECT,
	PROBE_GREETING,
	PROBE_EHLO,
	PROBE_STARTTLS,
	PROBE_HANDSHAKE,
	PROBE_DONE,
};

struct probe_result {
	enum probe_stage stage;		/* how far it got; PROBE_DONE = TLS established */
	char		*address;	/* the address connected to, as text */
	char		*greeting;	/* the greeting's first line */
	bool		 starttls_offered;
	char		*protocol;	/* "TLSv1.3" */
	char		*cipher;
	struct certlist	 chain;		/* as the server sent it, leaf first */
	int		 ca_names;	/* acceptable CA names it sent (its CACertFile), -1 = none asked */
	char		**ca_name_list;	/* those names, one line each (/O=.../CN=...) */
	long		 verify_error;	/* X509_V_OK (0) or the first error */
	int		 verify_depth;
	char		*verify_text;	/* OpenSSL's text for verify_error */
	char		*failure;	/* why the probe failed (NULL after success) */
	struct findings	 findings;	/* the chain judged (doc/design.md §4) */
};

/*
 * Splits "HOST", "HOST:PORT", "[V6]", "[V6]:PORT" or a bare IPv6 literal. Returns 0, or -1
 * with a message in *err (caller frees).
 */
int probe_parse_target(const char *arg, int default_port, char **host, int *port, char **err);
/* True when s is an IPv4 or IPv6 address literal. */
bool probe_is_address(const char *s);

/*
 * Connects, reads the greeting, EHLO, STARTTLS (unless smtps), TLS handshake with SNI;
 * captures the chain and judges it into r->findings. Never blocks longer than the
 * timeouts. Returns 0 when TLS was established, -1 when not (r->failure says why).
 */
int probe_run(const struct probe_opts *o, struct probe_result *r);
void probe_result_free(struct probe_result *r);

#endif
