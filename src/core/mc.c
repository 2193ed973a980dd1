/* mc.c: settings from a sendmail.mc (real m4 + cf.m4, then a text scan) or from a sendmail.cf. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "smtls/cf.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/m4.h"
#include "smtls/mc.h"
#include "smtls/xmalloc.h"

/* True when p starts the word "dnl" (not "dnlx"). */
static int
is_dnl(const char *p)
{
	return strncmp(p, "dnl", 3) == 0 && !isalnum((unsigned char)p[3]) && p[3] != '_';
}

/* Parses `define(` at p: the macro name and its value; returns the end of the value or NULL. */
static const char *
parse_define(const char *p, const char *end, char **macro, char **value)
{
	const char *m, *me, *v, *ve;
	int depth = 0;

	p += strlen("define(");
	while (p < end && (*p == ' ' || *p == '\t' || *p == '`'))
		p++;
	m = p;
	while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
		p++;
	me = p;
	if (me == m)
		return NULL;
	while (p < end && (*p == '\'' || *p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != ',')
		return NULL;
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	/* the value: a quoted string `...' (quotes nest) or up to the closing parenthesis */
	if (p < end && *p == '`') {
		v = ++p;
		depth = 1;
		while (p < end && depth > 0) {
			if (*p == '`')
				depth++;
			else if (*p == '\'')
				depth--;
			if (depth > 0)
				p++;
		}
		ve = p;
	} else {
		v = p;
		while (p < end && *p != ')')
			p++;
		ve = p;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
	}
	*macro = xstrndup(m, (size_t)(me - m));
	*value = xstrndup(v, (size_t)(ve - v));
	return p;
}

static void
scan_add(struct mc_scan *s, char *macro, char *value, int line, enum mc_define_kind kind)
{
	const struct tls_option *t = tls_option_by_macro(macro);
	struct mc_define *d;

	if (t == NULL || !t->tls) {
		free(macro);
		free(value);
		return;
	}
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	d = &s->v[s->n++];
	d->macro = macro;
	d->value = value;
	d->line = line;
	d->kind = kind;
}

void
mc_scan_text(const char *text, struct mc_scan *out)
{
	const char *line = text;
	int lineno = 0;

	memset(out, 0, sizeof(*out));
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		const char *end = eol ? eol : line + strlen(line), *p = line, *d;
		enum mc_define_kind kind = MC_DEF_LIVE;

		lineno++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (is_dnl(p)) {
			kind = MC_DEF_DNL;
			/* "dnl smtls:" lines are smtls' own record of what it replaced */
			if (strncmp(p, "dnl smtls:", 10) == 0)
				goto next;
		} else if (*p == '#')
			kind = out->include_line > 0 ? MC_DEF_HASH_LIVE : MC_DEF_HASH_COMMENT;
		else if (out->include_line == 0 && memmem(p, (size_t)(end - p), "include(", 8) &&
		    memmem(p, (size_t)(end - p), "/m4/cf.m4", 9))
			out->include_line = lineno;
		for (d = p; d < end && (d = memmem(d, (size_t)(end - d), "define(", 7)) != NULL;) {
			char *macro = NULL, *value = NULL;
			const char *after;

			/* a live line ends at its first dnl; "dnl define(...)" is caught above */
			if (kind == MC_DEF_LIVE) {
				const char *q;

				for (q = p; q < d; q++)
					if (is_dnl(q) && (q == p || !isalnum((unsigned char)q[-1])))
						break;
				if (q < d)
					break;
			}
			if (d > line && (isalnum((unsigned char)d[-1]) || d[-1] == '_')) {
				d += 7;	/* "undefine(", "xdefine(" */
				continue;
			}
			after = parse_define(d, end, &macro, &value);
			if (after == NULL) {
				d += 7;
				continue;
			}
			scan_add(out, macro, value, lineno, kind);
			d = after;
		}
next:
		line = eol ? eol + 1 : NULL;
	}
	/* "m4 -D_CF_DIR_=... cf.m4 sendmail.mc": cf.m4 ran first, every '#' line is live */
	if (out->include_line == 0) {
		size_t i;

		for (i = 0; i < out->n; i++)
			if (out->v[i].kind == MC_DEF_HASH_COMMENT)
				out->v[i].kind = MC_DEF_HASH_LIVE;
	}
}

void
mc_scan_free(struct mc_scan *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].macro);
		free(s->v[i].value);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
is_live(enum mc_define_kind k)
{
	return k == MC_DEF_LIVE || k == MC_DEF_HASH_LIVE;
}

/* The findings of the text scan: disabled, '#'-prefixed-but-live, and duplicate defines. */
static void
scan_findings(const struct mc_scan *s, const char *mc_path, struct findings *out)
{
	size_t i, j;

	for (i = 0; i < s->n; i++) {
		const struct mc_define *d = &s->v[i];
		struct finding *f;
		int live = 0, first = 1;

		for (j = 0; j < s->n; j++)
			if (strcmp(s->v[j].macro, d->macro) == 0 && is_live(s->v[j].kind))
				live++;
		if (d->kind == MC_DEF_HASH_LIVE) {
			f = findings_add(out, "mc.commented-out", SEV_WARNING, mc_path,
			    _("line %d: '#define(`%s', ...)' looks commented out, but after the "
			    "cf.m4 include m4 comments are off: the define runs and sets %s to '%s'"),
			    d->line, d->macro, d->macro, d->value);
			finding_set_fix(f, _("to disable it, replace the '#' on line %d by 'dnl "
			    "'; to keep it, remove the '#'"), d->line);
			continue;
		}
		if (is_live(d->kind) || live > 0)
			continue;
		/* report each disabled macro once, at its last disabled line */
		for (j = i + 1; j < s->n; j++)
			if (strcmp(s->v[j].macro, d->macro) == 0)
				first = 0;
		if (!first)
			continue;
		f = findings_add(out, "mc.commented-out", SEV_WARNING, mc_path,
		    d->kind == MC_DEF_DNL ?
		    _("line %d: define(`%s', `%s') is disabled by 'dnl': sendmail does not use it") :
		    _("line %d: define(`%s', `%s') is an m4 comment ('#' before the cf.m4 include): "
		    "sendmail does not use it"), d->line, d->macro, d->value);
		finding_set_fix(f, _("if you meant to use it, remove the leading '%s' on line %d and "
		    "rebuild sendmail.cf; otherwise delete the line"),
		    d->kind == MC_DEF_DNL ? "dnl" : "#", d->line);
	}
	for (i = 0; i < s->n; i++) {
		const struct mc_define *d = &s->v[i], *last = NULL;
		struct buf lines = { 0 };
		struct finding *f;
		int n = 0, seen_before = 0;

		if (!is_live(d->kind))
			continue;
		for (j = 0; j < s->n; j++) {
			if (strcmp(s->v[j].macro, d->macro) != 0 || !is_live(s->v[j].kind))
				continue;
			if (j < i)
				seen_before = 1;
			buf_printf(&lines, "%s%d", n ? ", " : "", s->v[j].line);
			last = &s->v[j];
			n++;
		}
		if (n > 1 && !seen_before) {
			f = findings_add(out, "mc.duplicate", SEV_WARNING, mc_path,
			    _("%s is defined %d times (lines %s); the last one wins: '%s' (line %d)"),
			    d->macro, n, lines.data, last->value, last->line);
			finding_set_fix(f, _("keep one define(`%s', ...) and delete or 'dnl' the others"),
			    d->macro);
		}
		buf_free(&lines);
	}
}

/*
 * proto.m4 expands option values unquoted: a path word such as dnl, include or DOMAIN runs as
 * a macro (`/etc/mail/dnl/host.pem' becomes "/etc/mail/# Server private key", exit 0, no
 * message). A value written without blanks or '#' that comes out of m4 with them was mangled.
 */
static void
mangled_findings(const struct mc_scan *s, const struct tls_plan *plan, const char *mc_path,
    struct findings *out)
{
	size_t i, j;

	for (i = 0; i < s->n; i++) {
		const struct mc_define *d = &s->v[i];
		const struct tls_option *t = tls_option_by_macro(d->macro);
		const char *got;
		struct finding *f;
		bool last = true;

		if (t == NULL || !is_live(d->kind))
			continue;
		for (j = i + 1; j < s->n; j++)
			if (strcmp(s->v[j].macro, d->macro) == 0 && is_live(s->v[j].kind))
				last = false;
		got = plan_get(plan, t->field);
		if (!last || got == NULL || strpbrk(d->value, " \t#") != NULL ||
		    strpbrk(got, " \t#") == NULL)
			continue;
		f = findings_add(out, "mc.m4-error", SEV_ERROR, mc_path,
		    _("line %d: m4 turned the value '%s' of %s into '%s': a word in it (dnl, "
		    "include, DOMAIN, ...) is an m4 macro, and sendmail would use the mangled "
		    "value"), d->line, d->value, d->macro, got);
		finding_set_fix(f, _("quote the value twice so that m4 leaves it alone: "
		    "define(`%s', ``%s'')"), d->macro, d->value);
	}
}

bool
mc_text_is_msp(const char *text)
{
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n'), *q = p;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		while (q < p + len && (*q == ' ' || *q == '\t'))
			q++;
		/* a "#" line is live after the cf.m4 include (cfhead.m4 turns comments off),
		 * and FEATURE means nothing before it */
		if (!is_dnl(q)) {
			const char *f;

			for (f = q; f + 8 <= p + len; f++) {
				const char *a = f + 8;

				if (strncmp(f, "FEATURE(", 8) != 0)
					continue;
				while (a < p + len && (*a == ' ' || *a == '\t' || *a == '`'))
					a++;
				if (a + 3 < p + len && strncmp(a, "msp", 3) == 0 &&
				    strchr("',) ", a[3]) != NULL)
					return true;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	return false;
}

int
mc_file_is_msp(const char *path, char **err)
{
	enum file_status st;
	size_t len;
	char *text;
	int r;

	if (file_read(path, MC_FILE_MAX, &text, &len, &st, err) == -1)
		return -1;
	r = mc_text_is_msp(text) ? 1 : 0;
	free(text);
	return r;
}

static int
read_settings_file(const char *path, char **text, struct findings *out)
{
	enum file_status st;
	size_t len;
	char *err = NULL;

	if (file_read(path, MC_FILE_MAX, text, &len, &st, &err) == 0)
		return 0;
	if (out != NULL)
		findings_add(out, st == FILE_MISSING ? "file.missing" : "file.unreadable", SEV_ERROR,
		    path, "%s", err);
	free(err);
	return -1;
}

/*
 * A setting defined in a file the mc includes (Debian's update_tls writes /etc/mail/tls/starttls.m4,
 * included by include(`/etc/mail/tls/starttls.m4')dnl) has that file and line as its origin,
 * unless the mc defines it again after the include line. cf.m4's own include is not one.
 */
static void
include_origins(const char *text, const struct mc_scan *scan, struct tls_plan *plan)
{
	const char *line = text;
	int lineno = 0;

	while (line && *line) {
		const char *eol = strchr(line, '\n'), *p = line, *q;
		const char *end = eol ? eol : line + strlen(line);
		struct mc_scan inc;
		enum file_status st;
		char *path, *itext = NULL, *err = NULL;
		size_t i, j, len;

		lineno++;
		line = eol ? eol + 1 : NULL;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) < 9 || strncmp(p, "include(", 8) != 0)
			continue;
		p += 8;
		while (p < end && (*p == '`' || *p == ' '))
			p++;
		for (q = p; q < end && *q != '\'' && *q != ')'; q++)
			;
		path = xstrndup(p, (size_t)(q - p));
		if (*path != '/' || strstr(path, "/m4/cf.m4") != NULL ||
		    file_read(path, MC_FILE_MAX, &itext, &len, &st, &err) == -1) {
			free(err);
			free(path);
			continue;
		}
		mc_scan_text(itext, &inc);
		for (i = 0; i < inc.n; i++) {
			const struct tls_option *t = tls_option_by_macro(inc.v[i].macro);
			bool later = false;

			if (t == NULL || !is_live(inc.v[i].kind) || plan->value[t->field] == NULL)
				continue;
			for (j = 0; j < scan->n; j++)
				if (strcmp(scan->v[j].macro, inc.v[i].macro) == 0 &&
				    is_live(scan->v[j].kind) && scan->v[j].line > lineno)
					later = true;
			if (later)
				continue;
			free(plan->origin[t->field].file);
			plan->origin[t->field].file = xstrdup(path);
			plan->origin[t->field].line = inc.v[i].line;
		}
		mc_scan_free(&inc);
		free(itext);
		free(path);
	}
}

int
mc_load(const char *mc_path, const char *m4_path, const char *cf_dir, struct tls_plan *plan,
    struct findings *out, char **cf_text)
{
	struct findings local = { 0 };
	struct proc_result res;
	struct cf_options opts;
	struct mc_scan scan;
	char *text = NULL, *dir, *err = NULL;
	int includes, rc = -1;
	size_t i;

	if (cf_text)
		*cf_text = NULL;
	if (out == NULL)
		out = &local;
	if (read_settings_file(mc_path, &text, out) == -1)
		goto done;
	dir = m4_find_cf_dir(text, cf_dir, &includes);
	if (dir == NULL) {
		struct finding *f = findings_add(out, "mc.m4-error", SEV_ERROR, mc_path,
		    _("cannot find sendmail's cf.m4 (%s), so the mc cannot be evaluated"),
		    cf_dir ? cf_dir : _("looked in /usr/share/sendmail/cf and /usr/share/sendmail-cf"));
		finding_set_fix(f, _("install the sendmail-cf package (apt-get install sendmail-cf), "
		    "or name the directory holding m4/cf.m4 with --cf-m4 DIR"));
		goto done;
	}
	memset(&res, 0, sizeof(res));
	if (m4_build_cf(m4_path ? m4_path : M4_PATH, mc_path, dir, includes, &res, &err) == -1) {
		struct finding *f = findings_add(out, "mc.m4-error", SEV_ERROR, mc_path,
		    _("m4 cannot build sendmail.cf from it, so sendmail keeps its old cf (or "
		    "none): %s"), err);

		finding_set_fix(f, _("correct the line m4 names (unbalanced `quotes', a missing "
		    "OSTYPE(`linux') or a misspelt macro), then rebuild"));
		finding_set_reproduce(f, "m4 %s%s%s%s > /dev/null", includes ? "" : "-D_CF_DIR_=",
		    includes ? "" : dir, includes ? "" : "/ ", mc_path);
		free(err);
		free(dir);
		proc_result_free(&res);
		goto done;
	}
	free(dir);
	cf_parse(res.out, &opts);
	cf_to_plan(&opts, mc_path, plan);
	cf_options_free(&opts);
	/* origins: the mc line of the define that wins (0 when unknown), not a cf line */
	for (i = 0; i < (size_t)PF_COUNT; i++)
		if (plan->origin[i].file != NULL && strcmp(plan->origin[i].file, mc_path) == 0)
			plan->origin[i].line = 0;
	mc_scan_text(text, &scan);
	for (i = 0; i < scan.n; i++) {
		const struct tls_option *t = tls_option_by_macro(scan.v[i].macro);

		if (t != NULL && is_live(scan.v[i].kind) && plan->value[t->field] != NULL)
			plan->origin[t->field].line = scan.v[i].line;
	}
	include_origins(text, &scan, plan);
	scan_findings(&scan, mc_path, out);
	mangled_findings(&scan, plan, mc_path, out);
	mc_scan_free(&scan);
	if (cf_text)
		*cf_text = res.out;
	else
		free(res.out);
	free(res.err);
	rc = 0;
done:
	free(text);
	findings_free(&local);
	return rc;
}

int
cf_load(const char *cf_path, struct tls_plan *plan, struct findings *out)
{
	struct cf_options opts;
	char *text = NULL;

	if (read_settings_file(cf_path, &text, out) == -1)
		return -1;
	cf_parse(text, &opts);
	cf_to_plan(&opts, cf_path, plan);
	cf_options_free(&opts);
	free(text);
	return 0;
}

static int
same_value(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

void
mc_compare_cf(const struct tls_plan *mc_plan, const struct tls_plan *cf_plan,
    const char *mc_path, const char *cf_path, struct findings *out)
{
	struct buf diff = { 0 };
	struct finding *f;
	size_t i;
	int n = 0;

	for (i = 0; i < tls_options_count; i++) {
		const struct tls_option *t = &tls_options[i];
		const char *a = plan_get(mc_plan, t->field), *b = plan_get(cf_plan, t->field);

		if (same_value(a, b))
			continue;
		buf_printf(&diff, "%s%s: mc '%s', cf '%s'", n++ ? "; " : "", t->cf_name,
		    a ? a : _("(not set)"), b ? b : _("(not set)"));
	}
	if (n > 0) {
		f = findings_add(out, "cf.stale", SEV_WARNING, cf_path,
		    _("sendmail runs with this cf, but it was not rebuilt after %s changed, so "
		    "the mc's TLS settings are not in effect: %s"), mc_path, diff.data);
		finding_set_fix(f, _("rebuild and install it: m4 %s > %s.new && mv %s.new %s "
		    "(Debian: make -C /etc/mail), then restart sendmail"), mc_path, cf_path,
		    cf_path, cf_path);
	}
	buf_free(&diff);
}
