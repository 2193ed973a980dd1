/* cmd-explain.c: `smtls explain`: explain or count the STARTTLS lines of log files and the
 * Received: headers of messages. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtls/check.h"
#include "smtls/explain.h"
#include "smtls/i18n.h"
#include "smtls/sendmail.h"
#include "smtls/xmalloc.h"

#define SEEN_MAX	1024		/* explanations remembered for "explained above" */

/* What has been said already: explanations (by hash) and the findings for --json. */
struct seen_entry {
	unsigned long	 hash;
	unsigned long	 line;
	const char	*file;
	unsigned long	 count;
	size_t		 finding;	/* index + 1 in the findings list; 0 = none */
};

/* The relay of a recent result line, for the cert and error lines of the same process. */
struct recent_relay {
	long		 pid;
	enum explain_dir dir;
	char		 relay[EXPLAIN_FIELD_MAX];
};

struct explain_ctx {
	bool		 summary, json, all;
	struct explain_summary sum;
	struct findings	 findings;	/* distinct findings (error/warning/info) */
	struct seen_entry seen[SEEN_MAX];
	size_t		 nseen;
	unsigned long	 lines, recognised, shown;
	struct json	 j;		/* --json without --summary: the lines as they come */
	bool		 color;
	struct recent_relay recent[16];
	const char	*file;		/* the source being read, for messages */
	size_t		 recent_next;
	unsigned long	 messages, hops;	/* message headers read */
	struct explain_setup setup;	/* our setup, with --mc/--cf/--ca-cert...; */
	bool		 has_setup;
	struct findings	 setup_findings;	/* check_plan's on it */
};

static const struct cmd_option explain_options[] = {
	{ "summary", 0, no_argument, NULL, 's',
	  N_("per relay and direction: counts of each verify= result, the last error, first and "
	  "last seen; largest counts first") },
	{ "all", 0, no_argument, NULL, 'a',
	  N_("also show harmless progress lines (init=1, start=ok, ...)") },
	CMD_OPTIONS_END
};

static const struct cmd_group explain_group = { NULL, explain_options, NULL };

static unsigned long
text_hash(const char *a, const char *b)
{
	unsigned long h = 5381;

	for (; *a; a++)
		h = h * 33 + (unsigned char)*a;
	h = h * 33 + 0xff;
	for (; b && *b; b++)
		h = h * 33 + (unsigned char)*b;
	return h;
}

/* Remembers an explanation; returns the earlier entry when it was seen before. */
static struct seen_entry *
seen_lookup(struct explain_ctx *c, const struct explanation *e, const char *file,
    unsigned long line, bool *was_seen)
{
	unsigned long h = text_hash(e->id, e->what);
	size_t i;

	*was_seen = false;
	for (i = 0; i < c->nseen; i++) {
		if (c->seen[i].hash == h) {
			*was_seen = true;
			c->seen[i].count++;
			return &c->seen[i];
		}
	}
	if (c->nseen == SEEN_MAX)
		return NULL;
	c->seen[c->nseen].hash = h;
	c->seen[c->nseen].file = file;
	c->seen[c->nseen].line = line;
	c->seen[c->nseen].count = 1;
	c->seen[c->nseen].finding = 0;
	return &c->seen[c->nseen++];
}

/* The kinds of line, for --json ("kind"). */
static const char *
kind_name(enum explain_kind k)
{
	static const char *const names[] = {
		[EXK_NONE] = "none", [EXK_RESULT] = "result", [EXK_CERT] = "cert",
		[EXK_CERT_VERIFY] = "cert-verify", [EXK_FILE_UNSAFE] = "file-unsafe",
		[EXK_KEY_MISMATCH] = "key-mismatch", [EXK_KEY_LOAD] = "key-load",
		[EXK_CERT_LOAD] = "cert-load", [EXK_PASSWORD] = "password",
		[EXK_MISSING] = "missing", [EXK_INIT] = "init", [EXK_HANDSHAKE] = "handshake",
		[EXK_IO_ERROR] = "io-error", [EXK_SSL_ERROR] = "ssl-error", [EXK_ALERT] = "alert",
		[EXK_LOAD_VERIFY] = "load-verify", [EXK_FALLBACK] = "fallback",
		[EXK_RULESET] = "ruleset", [EXK_NOISE] = "noise", [EXK_OTHER] = "other",
	};

	return (size_t)k < sizeof(names) / sizeof(names[0]) && names[k] ? names[k] : "other";
}

/* A parsed field: its text, or null when the line has none. */
static void
json_field(struct json *j, const char *key, const char *v)
{
	json_str(j, key, *v ? v : NULL);
}

/* bits=256/256 as "bits" (the strength) and "alg_bits" (of the algorithm): numbers or null. */
static void
json_bits(struct json *j, const char *s)
{
	const char *slash = strchr(s, '/');
	char first[sizeof(((struct explain_line *)0)->bits)];
	long v;

	snprintf(first, sizeof(first), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
	if (cli_parse_range(first, 0, 1L << 20, &v) == 0)
		json_int(j, "bits", v);
	else
		json_null(j, "bits");
	if (slash != NULL && cli_parse_range(slash + 1, 0, 1L << 20, &v) == 0)
		json_int(j, "alg_bits", v);
	else
		json_null(j, "alg_bits");
}

static void
emit_json_line(struct explain_ctx *c, const struct explain_line *l, const struct explanation *e,
    const char *file, unsigned long line)
{
	struct findings one = { 0 };
	bool reason = l->kind != EXK_CERT;	/* verifymsg= of cert lines, else reason= */

	json_object(&c->j, NULL, false);
	json_str(&c->j, "file", file);
	json_uint(&c->j, "line", line);
	json_field(&c->j, "when", l->when);
	json_str(&c->j, "direction", explain_dir_name(l->dir));
	json_field(&c->j, "relay", l->relay);
	json_field(&c->j, "verify", l->verify_raw);
	json_str(&c->j, "encrypted", explain_tri_name(e->encrypted));
	json_str(&c->j, "delivered", explain_tri_name(e->delivered));
	json_str(&c->j, "side", explain_side_name(e->side));
	json_strn(&c->j, "text", l->msg, l->msg_len > 4096 ? 4096 : l->msg_len);
	json_str(&c->j, "mail", e->mail);
	json_str(&c->j, "kind", kind_name(l->kind));
	json_field(&c->j, "version", l->version);
	json_field(&c->j, "cipher", l->cipher);
	json_bits(&c->j, l->bits);
	if (l->depth >= 0)
		json_int(&c->j, "depth", l->depth);
	else
		json_null(&c->j, "depth");
	json_field(&c->j, "subject", l->subject);
	json_field(&c->j, "issuer", l->issuer);
	json_field(&c->j, "verifymsg", reason ? "" : l->verifymsg);
	json_field(&c->j, "reason", reason ? l->verifymsg : "");
	explanation_to_finding(e, &one);
	json_finding(&c->j, "finding", &one.v[0]);
	json_end(&c->j);
	findings_free(&one);
}

/* The explanation under its line, indented; or where it was given before. */
static void
print_explanation(const struct explanation *e, int in, const struct seen_entry *earlier)
{
	if (earlier != NULL) {
		printf(_("%*s(explained above at %s:%lu)\n"), in, "", earlier->file, earlier->line);
		return;
	}
	printf("%*s%s %s\n", in, "", _("what: "), e->what);
	if (e->mail)
		printf("%*s%s %s\n", in, "", _("mail: "), e->mail);
	if (e->cause)
		printf("%*s%s %s (%s)\n", in, "", _("cause:"), e->cause,
		    e->side == EXS_OURS ? _("our side") : e->side == EXS_PEER ? _("the peer's side") :
		    e->side == EXS_EITHER ? _("our side or the peer's") : _("nothing to fix"));
	if (e->fix)
		printf("%*s%s %s\n", in, "", _("fix:  "), e->fix);
}

static void
emit_human_line(struct explain_ctx *c, const struct explain_line *l, const struct explanation *e,
    const char *file, unsigned long line, const struct seen_entry *earlier)
{
	static const char *const sev[] = { N_("OK"), N_("INFO"), N_("WARNING"), N_("ERROR") };
	static const char *const col[] = { "\033[1;32m", "\033[1;36m", "\033[1;33m", "\033[1;31m" };
	const char *on = c->color ? col[e->severity] : "", *off = c->color ? "\033[0m" : "";
	size_t i, n = l->msg_len > 400 ? 400 : l->msg_len;

	printf("%s:%lu: %s%s%s %s: ", file, line, on, _(sev[e->severity]), off, e->id);
	/* the log text comes from remote peers too: no control characters to the terminal */
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)l->msg[i];

		putchar((ch < 0x20 && ch != '\t') || ch == 0x7f ? '?' : ch);
	}
	putchar('\n');
	print_explanation(e, 4, earlier);
}

/* Cert lines and client-side handshake errors name no relay: take it from the same process. */
static void
relay_context(struct explain_ctx *c, struct explain_line *l)
{
	size_t i, n = sizeof(c->recent) / sizeof(c->recent[0]);

	/* bare lines (sendmail -D FILE) have no pid: -1 then matches the last result */
	if (l->kind == EXK_RESULT) {
		struct recent_relay *r = &c->recent[c->recent_next];

		r->pid = l->pid;
		r->dir = l->dir;
		memcpy(r->relay, l->relay, sizeof(r->relay));
		c->recent_next = (c->recent_next + 1) % n;
		return;
	}
	if (l->relay[0] != '\0' || (l->kind != EXK_CERT && l->kind != EXK_HANDSHAKE))
		return;
	for (i = 0; i < n; i++) {
		const struct recent_relay *r = &c->recent[(c->recent_next + n - 1 - i) % n];

		if (r->relay[0] != '\0' && r->pid == l->pid && r->dir == l->dir) {
			memcpy(l->relay, r->relay, sizeof(l->relay));
			return;
		}
	}
}

static void
handle_line(void *arg, const char *p, size_t n, unsigned long line)
{
	struct explain_ctx *c = arg;
	const char *file = c->file;
	struct explain_line l;
	struct explanation e;
	struct seen_entry *s;
	bool was;

	/* a summary counts most lines without the fields it does not show */
	if (!(c->summary ? explain_parse_summary(p, n, &l) : explain_parse(p, n, &l)))
		return;
	c->recognised++;
	if (c->summary) {
		explain_summary_add(&c->sum, &l);
		/* the table has the sessions; only setup problems are listed apart */
		if (l.kind == EXK_RESULT || l.kind == EXK_NOISE || l.kind == EXK_CERT ||
		    l.kind == EXK_HANDSHAKE || l.kind == EXK_RULESET || l.kind == EXK_CERT_VERIFY ||
		    l.kind == EXK_IO_ERROR || l.kind == EXK_ALERT || l.kind == EXK_FALLBACK)
			return;
	}
	if (l.kind == EXK_NOISE && !c->all)
		return;
	relay_context(c, &l);
	explain_describe_setup(&l, c->has_setup ? &c->setup : NULL, &e);
	if (c->summary && e.severity < SEV_WARNING) {
		explanation_clear(&e);
		return;
	}
	s = seen_lookup(c, &e, file, line, &was);
	if (s != NULL && s->finding == 0 && e.severity != SEV_OK) {
		explanation_to_finding(&e, &c->findings);
		s->finding = c->findings.n;
	}
	if (!c->summary) {
		c->shown++;
		if (c->json)
			emit_json_line(c, &l, &e, file, line);
		else
			emit_human_line(c, &l, &e, file, line, was ? s : NULL);
	}
	explanation_clear(&e);
}

/* A hop's sender as sendmail's relay= of the server side: "name [address]". */
static char *
hop_relay(const struct explain_hop *h)
{
	const char *name = h->local ? h->from_host : h->from_host[0] ? h->from_host : h->from;

	return h->from_ip[0] ? xstrprintf("%s%s[%s]", name, *name ? " " : "", h->from_ip) :
	    xstrdup(name);
}

static void
emit_json_hop(struct explain_ctx *c, const struct explain_hop *h, const struct explanation *e,
    size_t hop, size_t hops)
{
	struct findings one = { 0 };
	char *relay = hop_relay(h);

	json_object(&c->j, NULL, false);
	json_str(&c->j, "file", c->file);
	json_uint(&c->j, "line", h->line);
	json_field(&c->j, "when", h->date);
	json_str(&c->j, "direction", explain_dir_name(EXD_SERVER));
	json_field(&c->j, "relay", relay);
	json_field(&c->j, "verify", h->verify_raw);
	json_str(&c->j, "encrypted", explain_tri_name(e->encrypted));
	json_str(&c->j, "delivered", explain_tri_name(e->delivered));
	json_str(&c->j, "side", explain_side_name(e->side));
	json_str(&c->j, "text", h->text);
	json_str(&c->j, "mail", e->mail);
	json_str(&c->j, "kind", "received");
	json_field(&c->j, "version", h->version);
	json_field(&c->j, "cipher", h->cipher);
	json_bits(&c->j, h->bits);
	json_null(&c->j, "depth");
	json_null(&c->j, "subject");
	json_null(&c->j, "issuer");
	json_null(&c->j, "verifymsg");
	json_null(&c->j, "reason");
	json_uint(&c->j, "message", c->messages);
	json_uint(&c->j, "hop", hop);
	json_uint(&c->j, "hops", hops);
	json_field(&c->j, "from", h->from);
	json_field(&c->j, "from_host", h->from_host);
	json_field(&c->j, "from_ip", h->from_ip);
	json_field(&c->j, "by", h->by);
	json_field(&c->j, "with", h->with);
	json_field(&c->j, "id", h->id);
	if (h->tls || h->verify_raw[0] != '\0') {
		json_object(&c->j, "tls", false);
		json_str(&c->j, "mta", h->tls_mta);
		json_field(&c->j, "version", h->version);
		json_field(&c->j, "cipher", h->cipher);
		json_field(&c->j, "bits", h->bits);
		json_field(&c->j, "verify", h->verify_raw);
		json_end(&c->j);
	} else
		json_null(&c->j, "tls");
	explanation_to_finding(e, &one);
	json_finding(&c->j, "finding", &one.v[0]);
	json_end(&c->j);
	findings_free(&one);
	free(relay);
}

static void
emit_human_hop(struct explain_ctx *c, const struct explain_hop *h, const struct explanation *e,
    size_t hop, const struct seen_entry *earlier)
{
	static const char *const sev[] = { N_("OK"), N_("INFO"), N_("WARNING"), N_("ERROR") };
	static const char *const col[] = { "\033[1;32m", "\033[1;36m", "\033[1;33m", "\033[1;31m" };
	const char *on = c->color ? col[e->severity] : "", *off = c->color ? "\033[0m" : "";

	/* the text was cleaned of control characters by the parser */
	printf("  %zu. %s:%lu: %s%s%s %s: Received: %.400s\n", hop, c->file, h->line, on,
	    _(sev[e->severity]), off, e->id, h->text);
	print_explanation(e, 6, earlier);
}

/* A message's Received: fields, in the order the mail took (the header has the newest first). */
static void
handle_message(void *arg, const struct explain_message *m)
{
	struct explain_ctx *c = arg;
	size_t i, k;

	c->messages++;
	c->hops += m->nhops;
	if (c->summary) {
		explain_summary_add_message(&c->sum, m);
		return;
	}
	if (!c->json) {
		printf(_("%s:%lu: a message's Received: headers, %zu hop(s) in the order the mail "
		    "took:\n"), c->file, m->line, m->nhops);
		if (m->dropped > 0)
			printf(_("  (%lu older hop(s) not shown: more than %d Received: fields)\n"),
			    m->dropped, EXPLAIN_HOPS_MAX);
	}
	for (k = 0, i = m->nhops; i-- > 0;) {
		const struct explain_hop *h = &m->hop[i];
		struct explanation e;
		struct seen_entry *s;
		bool was;

		k++;
		explain_describe_hop_setup(h, c->has_setup ? &c->setup : NULL, &e);
		s = seen_lookup(c, &e, c->file, h->line, &was);
		if (s != NULL && s->finding == 0 && e.severity != SEV_OK) {
			explanation_to_finding(&e, &c->findings);
			s->finding = c->findings.n;
		}
		c->shown++;
		if (c->json)
			emit_json_hop(c, h, &e, k, m->nhops);
		else
			emit_human_hop(c, h, &e, k, was ? s : NULL);
		explanation_clear(&e);
	}
}

/* What our setup is, for --json. */
static void
json_setup(struct explain_ctx *c, struct json *j)
{
	size_t i;

	if (!c->has_setup) {
		json_null(j, "setup");
		return;
	}
	json_object(j, "setup", false);
	json_str(j, "ca_cert", c->setup.ca_file);
	json_str(j, "ca_path", c->setup.ca_path);
	json_str(j, "hostname", c->setup.hostname);
	json_array(j, "store_findings", false);
	for (i = 0; i < c->setup_findings.n; i++)
		if (strncmp(c->setup_findings.v[i].id, "store.", 6) == 0 &&
		    c->setup_findings.v[i].severity >= SEV_WARNING)
			json_str(j, NULL, c->setup_findings.v[i].id);
	json_end(j);
	json_end(j);
}

static void
print_setup_human(const struct explain_ctx *c)
{
	size_t i, n = 0;

	printf(_("Our setup: CACertFile %s, CACertPath %s; 'smtls check' on its trust locations:"),
	    c->setup.ca_file ? c->setup.ca_file : _("(unset)"),
	    c->setup.ca_path ? c->setup.ca_path : _("(unset)"));
	for (i = 0; i < c->setup_findings.n; i++)
		if (strncmp(c->setup_findings.v[i].id, "store.", 6) == 0 &&
		    c->setup_findings.v[i].severity >= SEV_WARNING)
			printf("%s %s", n++ ? "," : "", c->setup_findings.v[i].id);
	printf("%s\n\n", n ? "." : _(" no problem."));
}

static void
print_summary_human(struct explain_ctx *c)
{
	/* translated once: a summary can have tens of thousands of rows */
	const char *unknown = _("(unknown)"), *rejected = _(" rejected=%lu");
	const char *seen = _("    seen %s .. %s\n"), *last = _("    last error: %s\n");
	struct explain_relay **v;
	size_t n, i;
	int k;

	v = explain_summary_sorted(&c->sum, &n);
	if (n == 0)
		printf(_("No STARTTLS sessions found in %lu lines.\n"), c->lines);
	else
		printf("%-44s %-6s %9s  %s\n", _("RELAY"), _("DIR"), _("SESSIONS"),
		    _("VERIFY RESULTS"));
	for (i = 0; i < n; i++) {
		const struct explain_relay *r = v[i];

		printf("%-44s %-6s %9lu ", r->relay[0] ? r->relay : unknown,
		    explain_dir_name(r->dir), r->total);
		for (k = 1; k < EXV_COUNT; k++)
			if (r->count[k])
				printf(" %s=%u", explain_verify_name((enum explain_verify)k),
				    r->count[k]);
		if (r->rejected)
			printf(rejected, r->rejected);
		putchar('\n');
		if (r->first[0])
			printf(seen, r->first, r->last);
		if (r->last_error)
			printf(last, r->last_error);
	}
	free(v);
	if (c->findings.n > 0) {
		printf(_("\nOther STARTTLS problems in the log (each once; "
		    "'smtls explain' without --summary shows every line):\n"));
		report_findings(stdout, &c->findings, c->color, false);
	}
	if (c->sum.messages > 0) {
		printf(_("\nMessage headers: %lu message(s), %lu Received: hop(s): %lu over TLS, %lu "
		    "in clear, %lu local submission(s), %lu not telling."), c->sum.messages,
		    c->sum.hops, c->sum.hops_tls, c->sum.hops_clear, c->sum.hops_local,
		    c->sum.hops - c->sum.hops_tls - c->sum.hops_clear - c->sum.hops_local);
		printf("%s", _(" The verify= of those that say:"));
		for (k = 1; k < EXV_COUNT; k++)
			if (c->sum.hop_verify[k])
				printf(" %s=%u", explain_verify_name((enum explain_verify)k),
				    c->sum.hop_verify[k]);
		putchar('\n');
	}
	printf(_("%lu lines read, %lu STARTTLS lines, %zu relay/direction pairs.\n"), c->lines,
	    c->recognised, n);
}

static void
print_summary_json(struct explain_ctx *c)
{
	struct explain_relay **v;
	struct json j;
	size_t n, i;
	int k;

	v = explain_summary_sorted(&c->sum, &n);
	json_init(&j, stdout);
	json_object(&j, NULL, true);
	json_int(&j, "version", 1);
	json_uint(&j, "lines", c->lines);
	json_uint(&j, "starttls_lines", c->recognised);
	json_array(&j, "relays", true);
	for (i = 0; i < n; i++) {
		const struct explain_relay *r = v[i];

		json_object(&j, NULL, false);
		json_str(&j, "relay", r->relay);
		json_str(&j, "direction", explain_dir_name(r->dir));
		json_uint(&j, "sessions", r->total);
		json_object(&j, "verify", false);
		for (k = 1; k < EXV_COUNT; k++)
			if (r->count[k] != 0)
				json_uint(&j, explain_verify_name((enum explain_verify)k), r->count[k]);
		json_end(&j);
		json_uint(&j, "rejected", r->rejected);
		json_str(&j, "last_error", r->last_error);
		json_field(&j, "first_seen", r->first);
		json_field(&j, "last_seen", r->last);
		json_end(&j);
	}
	json_end(&j);
	json_uint(&j, "messages", c->sum.messages);
	json_object(&j, "hops", false);
	json_uint(&j, "total", c->sum.hops);
	json_uint(&j, "tls", c->sum.hops_tls);
	json_uint(&j, "clear", c->sum.hops_clear);
	json_uint(&j, "local", c->sum.hops_local);
	json_object(&j, "verify", false);
	for (k = 1; k < EXV_COUNT; k++)
		if (c->sum.hop_verify[k] != 0)
			json_uint(&j, explain_verify_name((enum explain_verify)k), c->sum.hop_verify[k]);
	json_end(&j);
	json_end(&j);
	json_setup(c, &j);
	json_findings(&j, &c->findings);
	json_end(&j);
	free(v);
}

/*
 * Our setup, when a settings flag names it: check_plan's findings on it (the store findings
 * tell which verify failures are our CA locations' doing). Returns 0, or -1 (message printed).
 */
static int
load_setup(struct explain_ctx *c, struct cli_settings *s)
{
	struct sendmail_info sm = { 0 };
	char *err = NULL;
	size_t i;
	int r;

	if (!s->any_file_flag && s->plan.mc_path == NULL && s->plan.cf_path == NULL)
		return 0;
	r = settings_load_config(s, &c->setup_findings);
	if (r != 0) {
		for (i = 0; i < c->setup_findings.n; i++)
			if (c->setup_findings.v[i].severity == SEV_ERROR)
				cli_error(_("explain: %s%s%s"), c->setup_findings.v[i].file ?
				    c->setup_findings.v[i].file : "", c->setup_findings.v[i].file ?
				    ": " : "", c->setup_findings.v[i].message);
		cli_error(_("explain: cannot read our settings; nothing was explained"));
		return -1;
	}
	settings_finish(s);
	if (s->plan.sendmail_path != NULL &&
	    sendmail_inspect(s->plan.sendmail_path, &sm, &err) == -1) {
		cli_error(_("--sendmail: %s"), err);
		free(err);
		sendmail_info_free(&sm);
		return -1;
	}
	check_plan(&s->plan, sm.found ? &sm : NULL, &c->setup_findings);
	sendmail_info_free(&sm);
	c->setup.findings = &c->setup_findings;
	c->setup.ca_file = plan_get(&s->plan, PF_CA_CERT);
	c->setup.ca_path = plan_get(&s->plan, PF_CA_PATH);
	c->setup.hostname = s->plan.hostname;
	c->has_setup = true;
	return 0;
}

static int
explain_run(int argc, char **argv)
{
	struct explain_ctx *c;
	struct cli_settings s;
	int opt, i, r, rc = EXIT_DONE;
	char *stdin_only[] = { (char *)"-" };
	char **files;
	int nfiles;

	c = xcalloc(1, sizeof(*c));
	settings_init(&s);
	optind = 1;
	while ((opt = cmd_getopt(&cmd_explain_entry, argc, argv)) != -1) {
		switch (opt) {
		case 's':
			c->summary = true;
			break;
		case 'a':
			c->all = true;
			break;
		case CMD_OPT_HELP:
			cmd_help(&cmd_explain_entry, stdout);
			settings_free(&s);
			free(c);
			return EXIT_DONE;
		default:
			r = settings_option(&s, opt, optarg);
			if (r != 1) {
				settings_free(&s);
				free(c);
				return r == -1 ? EXIT_USAGE : cli_usage_error(&cmd_explain_entry);
			}
			break;
		}
	}
	c->json = s.json;
	if (load_setup(c, &s) == -1) {
		findings_free(&c->setup_findings);
		settings_free(&s);
		free(c);
		return EXIT_FINDINGS;
	}
	files = optind < argc ? argv + optind : stdin_only;
	nfiles = optind < argc ? argc - optind : 1;
	c->color = !c->json && cli_use_color(stdout);
	explain_summary_init(&c->sum);
	if (c->json && !c->summary) {
		json_init(&c->j, stdout);
		json_object(&c->j, NULL, true);
		json_int(&c->j, "version", 1);
		json_setup(c, &c->j);
		json_array(&c->j, "lines", true);
	} else if (c->has_setup && !c->json)
		print_setup_human(c);
	for (i = 0; i < nfiles; i++) {
		unsigned long lines = 0;
		char *err = NULL;

		c->file = explain_stream_name(files[i]);
		if (explain_stream_mail(files[i], handle_line, handle_message, c, &lines,
		    &err) == -1) {
			cli_error(_("explain: %s"), err);
			free(err);
			rc = EXIT_FINDINGS;
		}
		c->lines += lines;
	}
	if (c->summary) {
		if (c->json)
			print_summary_json(c);
		else
			print_summary_human(c);
	} else if (c->json) {
		json_end(&c->j);
		json_uint(&c->j, "lines_read", c->lines);
		json_uint(&c->j, "starttls_lines", c->recognised);
		json_uint(&c->j, "messages", c->messages);
		json_uint(&c->j, "hops", c->hops);
		json_findings(&c->j, &c->findings);
		json_end(&c->j);
	} else {
		if (c->shown == 0)
			printf(_("No STARTTLS lines or Received: headers to explain in %lu lines.\n"),
			    c->lines);
		else
			printf(_("%lu lines read, %lu STARTTLS lines, %lu message(s) with %lu Received: "
			    "hop(s): %zu error(s), %zu warning(s) among the distinct explanations.\n"),
			    c->lines, c->recognised, c->messages, c->hops,
			    findings_count(&c->findings, SEV_ERROR),
			    findings_count(&c->findings, SEV_WARNING));
	}
	explain_summary_free(&c->sum);
	findings_free(&c->findings);
	findings_free(&c->setup_findings);
	settings_free(&s);
	free(c);
	if (fflush(stdout) == EOF || ferror(stdout))
		rc = EXIT_FINDINGS;
	return rc;
}

static const struct cmd_group *const explain_groups[] = { &explain_group, &settings_group,
	NULL };

const struct cmd_entry cmd_explain_entry = {
	.name = "explain",
	.usage = N_("[OPTION]... [SETTINGS]... [FILE]..."),
	.summary = N_("explain sendmail's STARTTLS log lines and Received: headers"),
	.description = N_("Explain sendmail's STARTTLS log lines: what happened, whether the mail was\n"
	    "encrypted and delivered, whose side the cause is on, and the fix.\n"
	    "Reads each FILE (plain or gzip-compressed, e.g. maillog.1.gz), or standard input\n"
	    "when there is none or FILE is '-'. Any syslog framing is understood: classic\n"
	    "syslog, RFC 5424, journalctl short, short-iso, short-full and short-monotonic\n"
	    "output, or bare lines.\n"
	    "Messages and pasted header blocks (an mbox, a saved message, amid log lines)\n"
	    "are read too: the Received: fields of each header section, unfolded, are\n"
	    "explained as the path the mail took, hop by hop: who received it from whom,\n"
	    "the WITH keyword (ESMTPS = TLS, ESMTPSA = TLS and AUTH, ...) and the TLS\n"
	    "comment (version, cipher, bits, and sendmail's verify=, the receiver's verdict\n"
	    "on the sender's certificate).\n"
	    "With settings (--mc, --cf, --ca-cert, --ca-path, --letsencrypt, ...), a verify\n"
	    "failure that 'smtls check' predicts for our CA locations is blamed on our file\n"
	    "by name, with its fix.\n\n"),
	.groups = explain_groups,
	.footer = N_("Exit status: 0 the input was read, 1 a file could not be read or the settings\n"
	    "could not be, 2 bad usage.\n"),
	.run = explain_run,
};
