/* emit.c: the managed sendmail.mc block, filled from the templates in snippets/, with values proven safe for m4 and sendmail. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "smtls/emit.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

#define TEMPLATE_MAX	(64u * 1024)

char *
emit_snippets_dir(void)
{
	const char *env = getenv("SMTLS_SNIPPETSDIR");
	char exe[PATH_MAX], *slash, *probe;
	ssize_t n;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			probe = xstrprintf("%s/snippets/fragment.m4", exe);
			if (access(probe, R_OK) == 0) {
				free(probe);
				return xstrprintf("%s/snippets", exe);
			}
			free(probe);
		}
	}
	return xstrdup(SNIPPETSDIR);
}

void
emit_options_init(struct emit_options *eo, time_t now)
{
	memset(eo, 0, sizeof(*eo));
	eo->version = PACKAGE_VERSION;
	eo->snippets_dir = emit_snippets_dir();
	eo->now = now;
}

void
emit_options_free(struct emit_options *eo)
{
	free((char *)eo->snippets_dir);
	memset(eo, 0, sizeof(*eo));
}

/* The cert/key options take "rsa,ecdsa": two files, comma-separated, no space. */
static bool
takes_pair(enum plan_field f)
{
	return f == PF_SERVER_CERT || f == PF_SERVER_KEY || f == PF_CLIENT_CERT ||
	    f == PF_CLIENT_KEY;
}

static int
check_path_part(const struct tls_option *o, const char *part, size_t len, char **why)
{
	if (len == 0) {
		err_set(why, _("%s: an empty file name in '%s'"), o->macro, part);
		return -1;
	}
	if (part[0] != '/') {
		err_set(why, _("%s: '%.*s' is not an absolute path; sendmail would look it up "
		    "from its queue directory"), o->macro, (int)len, part);
		return -1;
	}
	return 0;
}

int
emit_check_value(const struct tls_option *o, const char *value, char **why)
{
	const unsigned char *p;
	size_t len = strlen(value);

	if (len == 0) {
		err_set(why, _("%s: the value is empty"), o->macro);
		return -1;
	}
	for (p = (const unsigned char *)value; *p; p++) {
		if (*p == '\n') {
			err_set(why, _("%s: the value contains a newline; sendmail.cf is "
			    "line-oriented and would cut it there"), o->macro);
			return -1;
		}
		if (*p < 0x20 || *p == 0x7f) {
			err_set(why, _("%s: the value contains a control character (0x%02x)"),
			    o->macro, *p);
			return -1;
		}
		if ((*p >= 0x80 && *p <= 0x9f) || *p == 0xff) {
			err_set(why, _("%s: '%s' contains the byte 0x%02x, one of the bytes "
			    "0x80-0x9f and 0xff that sendmail uses internally for macros and rule "
			    "tokens (in UTF-8 many CJK characters hold one)"), o->macro, value, *p);
			return -1;
		}
		if (*p == '`' || *p == '\'') {
			err_set(why, _("%s: '%s' contains a quote character (` or '); m4 uses "
			    "them as quotes, so the value cannot be written safely"), o->macro, value);
			return -1;
		}
		if (*p == '$') {
			err_set(why, _("%s: '%s' contains $; m4 replaces $1, $# and $@ inside a "
			    "definition and sendmail reads $$ as $"), o->macro, value);
			return -1;
		}
		if (*p == '#') {
			err_set(why, _("%s: '%s' contains #; sendmail reads everything from # on "
			    "as a comment"), o->macro, value);
			return -1;
		}
	}
	if (value[0] == ' ' || value[len - 1] == ' ') {
		err_set(why, _("%s: '%s' begins or ends with a space, which sendmail strips"),
		    o->macro, value);
		return -1;
	}
	if (o->field == PF_DH_PARAMS && value[0] != '/') {
		struct dh_params dh;

		return dh_params_parse(value, &dh, why);
	}
	if (o->is_path) {
		const char *comma = strchr(value, ',');

		if (comma != NULL && (!takes_pair(o->field) || strchr(comma + 1, ',') != NULL)) {
			err_set(why, _("%s: '%s' contains a comma; sendmail splits file names at "
			    "commas (only a certificate or key option takes two files, RSA,ECDSA)"),
			    o->macro, value);
			return -1;
		}
		if (comma != NULL) {
			if (check_path_part(o, value, (size_t)(comma - value), why) == -1 ||
			    check_path_part(o, comma + 1, strlen(comma + 1), why) == -1)
				return -1;
		} else if (check_path_part(o, value, len, why) == -1)
			return -1;
	}
	if (o->field == PF_LOG_LEVEL) {
		if (strspn(value, "0123456789") != len || len > 2) {
			err_set(why, _("%s: the log level '%s' is not a number from 0 to 99"),
			    o->macro, value);
			return -1;
		}
	}
	return 0;
}

const char *
emit_min_tls_options(const char *version)
{
	if (strcmp(version, "1.2") == 0)
		return "+SSL_OP_NO_SSLv2 +SSL_OP_NO_SSLv3 +SSL_OP_NO_TLSv1 +SSL_OP_NO_TLSv1_1";
	if (strcmp(version, "1.3") == 0)
		return "+SSL_OP_NO_SSLv2 +SSL_OP_NO_SSLv3 +SSL_OP_NO_TLSv1 +SSL_OP_NO_TLSv1_1 "
		    "+SSL_OP_NO_TLSv1_2";
	return NULL;
}

const char *
emit_min_tls_version(const char *options)
{
	static const char *const versions[] = { "1.3", "1.2" };
	size_t i;

	for (i = 0; options != NULL && i < sizeof(versions) / sizeof(versions[0]); i++)
		if (strcmp(options, emit_min_tls_options(versions[i])) == 0)
			return versions[i];
	return NULL;
}

/* Reads snippets_dir/name, without its final newline. */
static char *
template_load(const char *dir, const char *name, char **err)
{
	enum file_status st;
	char *path = xstrprintf("%s/%s", dir, name), *data, *e = NULL;
	size_t len;

	if (file_read(path, TEMPLATE_MAX, &data, &len, &st, &e) == -1) {
		err_set(err, _("template %s: %s (is the snippets directory right?)"), name, e);
		free(e);
		free(path);
		return NULL;
	}
	free(path);
	while (len > 0 && data[len - 1] == '\n')
		data[--len] = '\0';
	return data;
}

/* Replaces each @KEY@ of tpl by its value (keys and values alternate, NULL-terminated). */
static char *
template_fill(const char *tpl, const char *const *kv)
{
	struct buf b = { 0 };
	const char *p = tpl;

	while (*p) {
		size_t i;
		bool done = false;

		if (*p == '@') {
			for (i = 0; kv[i] != NULL; i += 2) {
				size_t kl = strlen(kv[i]);

				if (strncmp(p + 1, kv[i], kl) == 0 && p[1 + kl] == '@') {
					buf_puts(&b, kv[i + 1]);
					p += kl + 2;
					done = true;
					break;
				}
			}
		}
		if (!done)
			buf_append(&b, p++, 1);
	}
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_release(&b);
}

static void
add_macro(struct emit_result *r, const char *macro)
{
	r->macros = xreallocarray(r->macros, r->nmacros + 1, sizeof(*r->macros));
	r->macros[r->nmacros++] = xstrdup(macro);
}

static void
add_expect(struct emit_result *r, const char *cf_name, const char *value, enum emit_match m)
{
	struct emit_expect *e;

	r->expect = xreallocarray(r->expect, r->nexpect + 1, sizeof(*r->expect));
	e = &r->expect[r->nexpect++];
	e->cf_name = xstrdup(cf_name);
	e->value = value ? xstrdup(value) : NULL;
	e->match = m;
}

/* A header comment line must stay one line: control characters become '?'. */
static char *
one_line(const char *s)
{
	char *r = xstrdup(s ? s : "-"), *p;

	for (p = r; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return r;
}

static int
valid_addr(const char *a)
{
	return *a != '\0' && strspn(a, "0123456789abcdefABCDEF.:") == strlen(a);
}

/* Appends one template line per set option, in the order of the option table. */
static int
emit_body(const struct tls_plan *plan, const struct emit_options *eo,
    const struct sendmail_info *sm, struct emit_result *out, struct buf *body, char **err)
{
	char *tpl_def = NULL, *tpl_undef = NULL, *t, *line;
	size_t i;
	int rc = -1;

	if ((tpl_def = template_load(eo->snippets_dir, "define.m4", err)) == NULL ||
	    (tpl_undef = template_load(eo->snippets_dir, "undefine.m4", err)) == NULL)
		goto out;
	for (i = 0; i < tls_options_count; i++) {
		const struct tls_option *o = &tls_options[i];
		const char *v = plan_get_written(plan, o->field);

		/* DontBlameSendmail is never frozen into the block (the OS's m4 computes it):
		 * the value in force stays; --group-readable-key adds to it below */
		if (o->field == PF_DONT_BLAME)
			continue;
		/* the MSP (submit.mc) never listens: a server setting would only mislead */
		if (plan->msp && plan_field_server_only(o->field))
			continue;
		if (v == NULL && plan->no_client_cert &&
		    (o->field == PF_CLIENT_CERT || o->field == PF_CLIENT_KEY)) {
			const char *kv[] = { "MACRO", o->macro, NULL };

			line = template_fill(tpl_undef, kv);
			buf_printf(body, "%s\n", line);
			free(line);
			add_macro(out, o->macro);
			add_expect(out, o->cf_name, NULL, EMIT_ABSENT);
			continue;
		}
		if (v == NULL)
			continue;
		if (emit_check_value(o, v, err) == -1) {
			const struct setting_origin *from = &plan->origin[o->field];

			/* a value read from the mc or a file it includes (starttls.m4): name it */
			if (err != NULL && *err != NULL && from->file != NULL && from->line > 0) {
				char *why = *err;

				err_set(err, _("%s line %d: %s"), from->file, from->line, why);
				free(why);
			}
			goto out;
		}
		if (o->field == PF_DANE && sm != NULL && sm->found && !sm->dane) {
			err_set(err, _("%s: this sendmail (%s) is built without DANE; confDANE "
			    "would make it refuse the configuration (readcf: unknown option name "
			    "DANE)"), o->macro, sm->path ? sm->path : "sendmail");
			goto out;
		}
		{
			const char *kv[] = { "MACRO", o->macro, "VALUE", v, NULL };

			line = template_fill(tpl_def, kv);
		}
		buf_printf(body, "%s\n", line);
		free(line);
		add_macro(out, o->macro);
		add_expect(out, o->cf_name, v, EMIT_EQUAL);
	}
	if (eo->group_readable_key) {
		if ((t = template_load(eo->snippets_dir, "group-readable-key.m4", err)) == NULL)
			goto out;
		buf_printf(body, "%s\n", t);
		free(t);
		add_expect(out, "DontBlameSendmail", "GroupReadableKeyFile", EMIT_HAS_ITEM);
	}
	if (eo->smtps && plan->msp) {
		err_set(err, "%s", _("--smtps: the MSP (submit.mc) accepts no connections; give "
		    "--smtps for sendmail.mc"));
		goto out;
	}
	if (eo->smtps) {
		char *addr, *dpo;

		if (eo->smtps_addr != NULL && !valid_addr(eo->smtps_addr)) {
			err_set(err, _("--smtps: '%s' is not an IPv4 or IPv6 address"),
			    eo->smtps_addr);
			goto out;
		}
		if ((t = template_load(eo->snippets_dir, "smtps.m4", err)) == NULL)
			goto out;
		/* an IPv6 address needs Family=inet6, or sendmail cannot parse it */
		addr = eo->smtps_addr == NULL ? xstrdup("") : strchr(eo->smtps_addr, ':') ?
		    xstrprintf(", Family=inet6, Addr=%s", eo->smtps_addr) :
		    xstrprintf(", Addr=%s", eo->smtps_addr);
		{
			const char *kv[] = { "ADDR", addr, NULL };

			line = template_fill(t, kv);
		}
		buf_printf(body, "%s\n", line);
		dpo = xstrprintf("Port=465, Name=MTA-SMTPS, M=s%s", addr);
		add_expect(out, "DaemonPortOptions", dpo, EMIT_ANY_LINE);
		free(dpo);
		free(line);
		free(addr);
		free(t);
	}
	rc = 0;
out:
	free(tpl_def);
	free(tpl_undef);
	return rc;
}

int
emit_build(const struct tls_plan *plan, const struct emit_options *eo,
    const struct sendmail_info *sm, struct emit_result *out, char **err)
{
	struct buf body = { 0 };
	char *frame, date[32], *cmd, *bodytext;
	struct tm tm;

	memset(out, 0, sizeof(*out));
	if (emit_body(plan, eo, sm, out, &body, err) == -1) {
		buf_free(&body);
		emit_result_free(out);
		return -1;
	}
	if (out->nexpect == 0) {
		buf_free(&body);
		emit_result_free(out);
		err_set(err, "%s", _("nothing to write: no setting was chosen"));
		return -1;
	}
	if ((frame = template_load(eo->snippets_dir, "fragment.m4", err)) == NULL) {
		buf_free(&body);
		emit_result_free(out);
		return -1;
	}
	if (gmtime_r(&eo->now, &tm) == NULL || strftime(date, sizeof(date),
	    "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(date, "?");
	cmd = one_line(eo->command);
	bodytext = buf_release(&body);
	{
		const char *kv[] = { "VERSION", eo->version ? eo->version : PACKAGE_VERSION,
		    "DATE", date, "COMMAND", cmd, "BODY", bodytext, NULL };

		out->fragment = template_fill(frame, kv);
	}
	free(bodytext);
	free(cmd);
	free(frame);
	/* the frame's first and last lines are the markers apply looks for */
	if (strncmp(out->fragment, EMIT_BEGIN "\n", strlen(EMIT_BEGIN) + 1) != 0 ||
	    strlen(out->fragment) < strlen(EMIT_END) ||
	    strcmp(out->fragment + strlen(out->fragment) - strlen(EMIT_END), EMIT_END) != 0) {
		err_set(err, _("template fragment.m4 in %s must begin with '%s' and end "
		    "with '%s'"), eo->snippets_dir, EMIT_BEGIN, EMIT_END);
		emit_result_free(out);
		return -1;
	}
	{
		char *f = xstrprintf("%s\n", out->fragment);

		free(out->fragment);
		out->fragment = f;
	}
	return 0;
}

void
emit_shell_word(struct buf *b, const char *w)
{
	const char *p;

	if (*w != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_./=:,+@%") == strlen(w)) {
		buf_puts(b, w);
		return;
	}
	buf_puts(b, "'");
	for (p = w; *p; p++) {
		if (*p == '\'')
			buf_puts(b, "'\\''");
		else
			buf_append(b, p, 1);
	}
	buf_puts(b, "'");
}

static void
flag(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, " %s", name);
	if (value != NULL) {
		buf_puts(b, " ");
		emit_shell_word(b, value);
	}
}

char *
emit_command_line(const struct tls_plan *plan, const struct emit_options *eo, const char *verb,
    const char *mc_path)
{
	static const struct {
		enum plan_field	 field;
		const char	*flag;
	} flags[] = {
		{ PF_SERVER_CERT, "--server-cert" }, { PF_SERVER_KEY, "--server-key" },
		{ PF_CA_CERT, "--ca-cert" }, { PF_CA_PATH, "--ca-path" },
		{ PF_DH_PARAMS, "--dh-params" }, { PF_LOG_LEVEL, "--log-level" },
	};
	const char *sc = plan_get(plan, PF_SERVER_CERT), *sk = plan_get(plan, PF_SERVER_KEY);
	const char *cc = plan_get(plan, PF_CLIENT_CERT), *ck = plan_get(plan, PF_CLIENT_KEY);
	const char *sso = plan_get_written(plan, PF_SERVER_SSL_OPTIONS), *tso;
	struct buf b = { 0 };
	size_t i;

	buf_printf(&b, "%s %s", PACKAGE, verb);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (plan_get_written(plan, flags[i].field) != NULL)
			flag(&b, flags[i].flag, plan_get_written(plan, flags[i].field));
	/* the client cert and key default to the server's */
	if (plan->no_client_cert)
		flag(&b, "--no-client-cert", NULL);
	else {
		if (cc != NULL && (sc == NULL || strcmp(cc, sc) != 0))
			flag(&b, "--client-cert", cc);
		if (ck != NULL && (sk == NULL || strcmp(ck, sk) != 0))
			flag(&b, "--client-key", ck);
	}
	if ((tso = plan_get_written(plan, PF_TLS_SRV_OPTIONS)) != NULL && strcmp(tso, "V") == 0)
		flag(&b, "--no-client-cert-request", NULL);
	if (emit_min_tls_version(sso) != NULL)
		flag(&b, "--min-tls", emit_min_tls_version(sso));
	if (eo != NULL && eo->group_readable_key)
		flag(&b, "--group-readable-key", NULL);
	if (eo != NULL && eo->smtps) {
		buf_puts(&b, " --smtps");
		if (eo->smtps_addr != NULL)
			buf_printf(&b, "=%s", eo->smtps_addr);
	}
	if (plan->hostname != NULL)
		flag(&b, "--hostname", plan->hostname);
	if (mc_path != NULL)
		flag(&b, "--mc", mc_path);
	return buf_release(&b);
}

static bool
has_item(const char *list, const char *item)
{
	size_t il = strlen(item);
	const char *p = list;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		while (len > 0 && *p == ' ') {
			p++;
			len--;
		}
		if (len == il && strncmp(p, item, il) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

int
emit_verify_cf(const struct emit_result *r, const struct cf_options *cf, char **err)
{
	size_t i, j;

	for (i = 0; i < r->nexpect; i++) {
		const struct emit_expect *e = &r->expect[i];
		const char *got = cf_get(cf, e->cf_name);
		bool found = false;

		switch (e->match) {
		case EMIT_EQUAL:
			if (got == NULL) {
				err_set(err, _("the built sendmail.cf has no %s option (expected "
				    "'%s')"), e->cf_name, e->value);
				return -1;
			}
			if (strcmp(got, e->value) != 0) {
				err_set(err, _("the built sendmail.cf has %s=%s, expected '%s' "
				    "(overridden after the smtls block, e.g. in an included file?)"),
				    e->cf_name, got, e->value);
				return -1;
			}
			break;
		case EMIT_HAS_ITEM:
			if (got == NULL || !has_item(got, e->value)) {
				err_set(err, _("the built sendmail.cf has %s=%s, without %s"),
				    e->cf_name, got ? got : "", e->value);
				return -1;
			}
			break;
		case EMIT_ABSENT:
			if (got != NULL) {
				err_set(err, _("the built sendmail.cf still sets %s=%s "
				    "(defined after the smtls block?)"), e->cf_name, got);
				return -1;
			}
			break;
		case EMIT_ANY_LINE: {
			int port465 = 0;

			for (j = 0; j < cf->n; j++) {
				if (strcmp(cf->v[j].name, e->cf_name) != 0)
					continue;
				found = found || strcmp(cf->v[j].value, e->value) == 0;
				port465 += strstr(cf->v[j].value, "Port=465") != NULL ||
				    strstr(cf->v[j].value, "Port=smtps") != NULL;
			}
			if (!found) {
				err_set(err, _("the built sendmail.cf has no %s=%s line"),
				    e->cf_name, e->value);
				return -1;
			}
			/* a listener of the mc's own on 465 and ours: the daemon could not bind both */
			if (port465 > 1) {
				err_set(err, _("the built sendmail.cf has %d %s lines for port 465; "
				    "the mc already has one (drop --smtps, or its DAEMON_OPTIONS line)"),
				    port465, e->cf_name);
				return -1;
			}
			break;
		}
		}
	}
	return 0;
}

void
emit_result_free(struct emit_result *r)
{
	size_t i;

	free(r->fragment);
	for (i = 0; i < r->nmacros; i++)
		free(r->macros[i]);
	free(r->macros);
	for (i = 0; i < r->nexpect; i++) {
		free(r->expect[i].cf_name);
		free(r->expect[i].value);
	}
	free(r->expect);
	memset(r, 0, sizeof(*r));
}
