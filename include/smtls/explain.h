/* explain.h: sendmail's STARTTLS log lines: recognised into plain structs and explained. */
#ifndef SMTLS_EXPLAIN_H
#define SMTLS_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smtls/finding.h"

/* What a recognised line is about. */
enum explain_kind {
	EXK_NONE = 0,		/* not a STARTTLS line */
	EXK_RESULT,		/* STARTTLS=who, relay=, version=, verify=, cipher=, bits= */
	EXK_CERT,		/* STARTTLS=who, cert-subject=, cert-issuer=, verifymsg= */
	EXK_CERT_VERIFY,	/* STARTTLS: TLS|x509 cert verify: depth=N SUBJECT, state=, reason= */
	EXK_FILE_UNSAFE,	/* STARTTLS=who: file F unsafe: PROBLEM */
	EXK_KEY_MISMATCH,	/* SSL_CTX_check_private_key failed(F) */
	EXK_KEY_LOAD,		/* SSL_CTX_use_PrivateKey_file(F) failed */
	EXK_CERT_LOAD,		/* SSL_CTX_use_certificate_file(F) failed and the like */
	EXK_PASSWORD,		/* problems getting password / bad password read */
	EXK_MISSING,		/* STARTTLS: OPTION missing */
	EXK_INIT,		/* STARTTLS=who, init=0|1 */
	EXK_HANDSHAKE,		/* accept failed= / connect failed= */
	EXK_IO_ERROR,		/* STARTTLS: read error= / write error= */
	EXK_SSL_ERROR,		/* STARTTLS=who: an OpenSSL error-queue line */
	EXK_ALERT,		/* STARTTLS: SSL3 alert ... */
	EXK_LOAD_VERIFY,	/* load verify locs F, D failed */
	EXK_FALLBACK,		/* STARTTLS=client, relay=R, tlsstate=N, status=trying_again */
	EXK_RULESET,		/* ruleset=tls_server|tls_client|tls_rcpt, arg1=..., reject=... */
	EXK_NOISE,		/* a harmless progress line (start=ok, Diffie-Hellman init, ...) */
	EXK_OTHER,		/* some other STARTTLS line */
};

/* Direction of the session: server = a client connected to us; client = we deliver. */
enum explain_dir {
	EXD_UNKNOWN = 0,
	EXD_SERVER,
	EXD_CLIENT,
};

/* The ${verify} values sendmail documents. */
enum explain_verify {
	EXV_UNSET = 0,
	EXV_OK,
	EXV_FAIL,
	EXV_NO,
	EXV_NONE,
	EXV_NOT,
	EXV_SOFTWARE,
	EXV_PROTOCOL,
	EXV_TEMP,
	EXV_CLEAR,
	EXV_CONFIG,
	EXV_TRUSTED,
	EXV_DANE_PASS,
	EXV_DANE_FAIL,
	EXV_DANE_NOTLS,
	EXV_DANE_TEMP,
	EXV_DANE_OTHER,		/* another DANE_* value */
	EXV_UNKNOWN,		/* a value not in this list */
	EXV_COUNT
};

#define EXPLAIN_WHEN_MAX	40
#define EXPLAIN_FIELD_MAX	320

/* One recognised line. Strings are NUL-terminated, "" when absent, truncated when long. */
struct explain_line {
	enum explain_kind	kind;
	enum explain_dir	dir;
	enum explain_verify	verify;
	char	when[EXPLAIN_WHEN_MAX];	/* the timestamp as written; "" for bare lines */
	long	pid;			/* from the syslog framing, or -1 */
	char	relay[EXPLAIN_FIELD_MAX];
	char	version[32];
	char	verify_raw[32];		/* verify= as written (also arg1= of a ruleset line) */
	char	cipher[96];
	char	bits[32];
	char	subject[EXPLAIN_FIELD_MAX];	/* decoded from +XX */
	char	issuer[EXPLAIN_FIELD_MAX];
	char	verifymsg[EXPLAIN_FIELD_MAX];	/* also reason= of depth, handshake and alert lines */
	int	depth;			/* cert verify lines; -1 otherwise */
	char	file[EXPLAIN_FIELD_MAX];	/* unsafe/key/cert lines; the option of "missing" */
	char	problem[EXPLAIN_FIELD_MAX];	/* unsafe: PROBLEM; the OpenSSL error; reject= */
	char	ruleset[32];		/* tls_server, tls_client, tls_rcpt */
	const char *msg;		/* the message after the framing, inside the parsed line */
	size_t	msg_len;
};

/* Was the mail encrypted / delivered? */
enum explain_tri {
	EXT_NA = 0,		/* not a question this line answers */
	EXT_YES,
	EXT_NO,
	EXT_UNKNOWN,		/* depends on other lines or on the access db */
};

/* Whose side the likely cause is on. */
enum explain_side {
	EXS_NONE = 0,		/* nothing to fix */
	EXS_OURS,
	EXS_PEER,
	EXS_EITHER,
};

/* The plain-language explanation of one line. Strings are allocated (translated). */
struct explanation {
	const char	*id;		/* a doc/design.md §4 finding id, a "log.*" id, or for a
					 * hop without verify=: hop.tls, hop.local, hop.unknown */
	enum severity	 severity;
	enum explain_tri encrypted;
	enum explain_tri delivered;
	enum explain_side side;
	char		*what;		/* what happened */
	char		*mail;		/* what it meant for the mail */
	char		*cause;		/* the likely cause, or NULL */
	char		*fix;		/* the fix, or NULL */
	char		*file;		/* the file concerned, or NULL */
};

/*
 * Finding the lines worth parsing, fast: every recognised message starts with "STARTTLS" or
 * "ruleset=tls_". Returns the first occurrence of either in [p, end), or NULL.
 */
const char *explain_scan(const char *p, const char *end);
/* The same, and the number of '\n' in [p, result) (or [p, end) when NULL) in *newlines. */
const char *explain_scan_lines(const char *p, const char *end, size_t *newlines);

/*
 * Streams a log file in constant memory: plain or gzip-compressed (by its magic), "-" for
 * standard input. Calls fn for each line that may be a STARTTLS line (without its newline,
 * cut at 1 MiB) with its number. Sets *lines to the number of lines read. Returns 0, or -1
 * with *err (caller frees) naming the file and the problem; input that is not a text log
 * (a NUL byte among its first 64 KiB, a line longer than 16 MiB) is such a problem.
 */
int explain_stream(const char *path, void (*fn)(void *arg, const char *line, size_t len,
    unsigned long lineno), void *arg, unsigned long *lines, char **err);
/* The name of a path for messages: "(standard input)" for "-". */
const char *explain_stream_name(const char *path);
/* Recognises one line (without its newline). Returns true and fills *out when recognised. */
bool explain_parse(const char *line, size_t len, struct explain_line *out);
/*
 * The same for a summary, lazily: the fields explain_summary_add does not read are left
 * empty on the lines it counts alone (a result line's version, cipher and bits, a cert
 * line's subject and issuer); other lines are parsed in full.
 */
bool explain_parse_summary(const char *line, size_t len, struct explain_line *out);
/* Decodes sendmail's xtext (+XX) from src into dst (always NUL-terminated). */
void explain_xtext_decode(const char *src, size_t len, char *dst, size_t size);
/* "OK", "FAIL", ... for a verify value (not translated). */
const char *explain_verify_name(enum explain_verify v);
enum explain_verify explain_verify_parse(const char *s);
const char *explain_dir_name(enum explain_dir d);	/* "server", "client", "unknown" */
const char *explain_tri_name(enum explain_tri t);	/* "yes", "no", "unknown", NULL */
const char *explain_side_name(enum explain_side s);	/* "ours", "peer", "either", "none" */

/* Explains a recognised line. Always fills *out; free with explanation_clear(). */
void explain_describe(const struct explain_line *l, struct explanation *out);
void explanation_clear(struct explanation *e);
/* Adds the explanation as a finding (id, severity, file, message = what, fix). */
struct finding *explanation_to_finding(const struct explanation *e, struct findings *out);

/*
 * Message headers: the Received: fields of each message's header section, as hops.
 *
 * A header section starts at a line beginning with "Received:" (any case) or at an mbox
 * "From " line; inside a message body only at a "From " line, or at a "Received:" line right
 * after a blank line (header blocks pasted one after the other). It ends at a blank line (the
 * body follows), at a line that is neither a header field nor a continuation line (a log
 * line), or at the end of the file. Continuation lines are unfolded (RFC 5322).
 */
#define EXPLAIN_HOPS_MAX	64	/* hops kept per message; older ones are only counted */
#define EXPLAIN_RECEIVED_MAX	2048	/* an unfolded Received: field is cut at this length */
#define EXPLAIN_HOP_FIELD	256

/* What the WITH keyword of a hop says (RFC 3848, RFC 6531, the IANA registry). */
enum explain_with {
	EXW_NONE = 0,		/* no WITH clause (a local submission, or an MTA that omits it) */
	EXW_REGISTERED,		/* SMTP, ESMTP[A|S|SA], LMTP[A|S|SA], UTF8SMTP..., UTF8LMTP... */
	EXW_OTHER,		/* another keyword (Exim's "local", Microsoft's "mapi", ...) */
};

struct explain_hop {
	unsigned long	line;		/* the line of its "Received:" */
	char	from[EXPLAIN_HOP_FIELD];	/* the FROM domain (the name the sender gave) */
	char	from_host[EXPLAIN_HOP_FIELD];	/* the name in the comment after it, if any */
	char	from_ip[64];		/* the address in brackets, without "IPv6:" */
	char	by[EXPLAIN_HOP_FIELD];	/* the BY domain: the server that received it */
	char	by_comment[EXPLAIN_HOP_FIELD];	/* e.g. the MTA's version "(8.18.1/8.18.1)" */
	char	with[64];		/* the WITH keyword as written (several words for some MTAs) */
	char	id[64];
	char	date[64];		/* after the ';' */
	enum explain_with with_kind;
	bool	with_tls;		/* the keyword says STARTTLS (the S of ESMTPS) */
	bool	with_auth;		/* the keyword says SMTP AUTH (the A of ESMTPA) */
	bool	with_utf8;		/* UTF8SMTP... (RFC 6531) */
	bool	local;			/* "(from user@host)" without FROM domain: a submission */
	/* the TLS comment, when there is one */
	bool	tls;			/* a comment says TLS was used */
	const char *tls_mta;		/* "sendmail", "Postfix", "Exim", "Microsoft", "Google" */
	char	version[32];
	char	cipher[96];
	char	bits[32];
	char	verify_raw[32];		/* sendmail only: ${verify} of the receiving server */
	enum explain_verify verify;
	char	text[EXPLAIN_RECEIVED_MAX];	/* the unfolded field (control characters as '?') */
};

struct explain_message {
	unsigned long	 line;		/* the line where its header section started */
	size_t		 nhops;		/* in hop[], newest first (the order of the header) */
	unsigned long	 dropped;	/* older hops past EXPLAIN_HOPS_MAX */
	struct explain_hop hop[EXPLAIN_HOPS_MAX];
};

/* Parses the value of a Received: field (after "Received:", unfolded) into *out. */
void explain_received_parse(const char *text, size_t len, struct explain_hop *out);
/* Explains one hop (the receiving server's view). Free with explanation_clear(). */
void explain_describe_hop(const struct explain_hop *h, struct explanation *out);

/* The header reader, fed line by line (explain_stream_mail does that). */
struct explain_headers {
	int		 state;
	bool		 in_received;	/* the field being unfolded is a Received: */
	bool		 field_cut;
	char		*field;		/* EXPLAIN_RECEIVED_MAX bytes */
	size_t		 flen;
	unsigned long	 field_line;
	struct explain_message *msg;
	void		(*fn)(void *arg, const struct explain_message *m);
	void		*arg;
};
void explain_headers_init(struct explain_headers *h, void (*fn)(void *arg,
    const struct explain_message *m), void *arg);
/* Whether a line at p starts a header section or a message: "Received:" or "From ". */
bool explain_headers_start(const char *p, const char *end);
/* True while the reader needs every line (inside a header section). */
bool explain_headers_inside(const struct explain_headers *h);
/* One line (without its newline); prev_blank: the line before it was empty. */
void explain_headers_line(struct explain_headers *h, const char *line, size_t len,
    unsigned long lineno, bool prev_blank);
/* The end of the input (a file): a message in progress is handed to fn. */
void explain_headers_end(struct explain_headers *h);
void explain_headers_free(struct explain_headers *h);

/*
 * Like explain_stream, and also reads message headers: msg_fn gets each message whose header
 * section holds Received: fields, in the order of the input (interleaved with fn's lines).
 */
int explain_stream_mail(const char *path, void (*fn)(void *arg, const char *line, size_t len,
    unsigned long lineno), void (*msg_fn)(void *arg, const struct explain_message *m),
    void *arg, unsigned long *lines, char **err);
/* The same scan as explain_scan_lines, which also stops at a line that explain_headers_start
 * accepts (returning the line's start). */
const char *explain_scan_mail(const char *p, const char *end, size_t *newlines);

/*
 * Our setup, when explain is told it (smtls explain --mc/--cf/--ca-cert...): the findings of
 * check_plan about it. A verify failure that a store finding predicts (store.verify-broken,
 * store.no-trust-anchors, store.capath-unhashed, store.capath-stale, store.no-public-roots)
 * is then blamed on our file by name, with the finding's fix.
 */
struct explain_setup {
	const struct findings	*findings;	/* check_plan's, or NULL */
	const char		*ca_file;	/* CACertFile, or NULL */
	const char		*ca_path;	/* CACertPath, or NULL */
	const char		*hostname;	/* our name: hops received "by" it are ours */
};
/* explain_describe with our setup known (setup may be NULL: the same as explain_describe). */
void explain_describe_setup(const struct explain_line *l, const struct explain_setup *setup,
    struct explanation *out);
void explain_describe_hop_setup(const struct explain_hop *h, const struct explain_setup *setup,
    struct explanation *out);

/*
 * Per relay and direction counts (explain --summary). Memory is bounded: at most
 * EXPLAIN_SUMMARY_MAX entries (about 16 MB) and EXPLAIN_ERRORS_MAX distinct error texts.
 */
#define EXPLAIN_SUMMARY_MAX	65536
#define EXPLAIN_ERRORS_MAX	4096

struct explain_relay {
	char		*relay;		/* "(other relays)" collects the ones past the limit */
	enum explain_dir dir;
	unsigned	 count[EXV_COUNT];
	unsigned long	 total;		/* sessions: result lines and failed handshakes */
	unsigned long	 rejected;	/* tls_* ruleset rejections after a session */
	const char	*last_error;	/* NULL when none; shared (see errors below) */
	char		 first[EXPLAIN_WHEN_MAX];
	char		 last[EXPLAIN_WHEN_MAX];
};

struct explain_recent {
	long		 pid;
	enum explain_dir dir;
	size_t		 slot;		/* index into the table + 1; 0 = empty */
};

/* A slot of the summary's hash table: 0, or an entry's index + 1 and 32 bits of its hash. */
struct explain_summary_slot {
	uint32_t		 index;
	uint32_t		 hash;
};

struct explain_summary {
	struct explain_relay	*v;	/* entries in order of first appearance */
	size_t			 n;
	size_t			 cap;
	struct explain_summary_slot *table;	/* open addressing, at most half full */
	size_t			 table_size;
	char			*arena;	/* the relay texts: the newest chunk, or NULL */
	size_t			 arena_used;
	const char		*other;	/* "(other relays)", translated */
	const char		*too_many;	/* the last error past EXPLAIN_ERRORS_MAX */
	size_t			 other_slot[3];	/* by direction: its slot past the limit */
	struct explain_recent	 recent[64];
	size_t			 recent_next;
	size_t			 last_slot;	/* the entry of the last result line, + 1 */
	enum explain_dir	 last_dir;
	char			**errors;	/* distinct last_error texts (a few repeat a lot) */
	size_t			 nerrors;
	size_t			*error_table;	/* hash table of index + 1, 2 * ERRORS_MAX */
	/* message headers: hops by what they say */
	unsigned long		 messages, hops, hops_tls, hops_clear, hops_local;
	unsigned		 hop_verify[EXV_COUNT];	/* the hops with a verify= */
};

void explain_summary_init(struct explain_summary *s);
/* Counts a recognised line (result lines, handshake failures, rulesets; others ignored). */
void explain_summary_add(struct explain_summary *s, const struct explain_line *l);
/* Counts a message's hops. */
void explain_summary_add_message(struct explain_summary *s, const struct explain_message *m);
/* Entries sorted by total count, largest first (pointers into s; caller frees the array). */
struct explain_relay **explain_summary_sorted(const struct explain_summary *s, size_t *n);
void explain_summary_free(struct explain_summary *s);

#endif
