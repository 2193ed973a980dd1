/* cf.c: the option lines of sendmail.cf, read the way sendmail's readcf reads them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtls/cf.h"
#include "smtls/xmalloc.h"

void
cf_parse(const char *text, struct cf_options *out)
{
	const char *line = text;
	int lineno = 0;

	memset(out, 0, sizeof(*out));
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);

		lineno++;
		/* "O Name=value"; sendmail strips trailing white space of the value */
		if (len > 2 && line[0] == 'O' && line[1] == ' ') {
			const char *p = line + 2, *end = line + len, *eq;

			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			eq = memchr(p, '=', (size_t)(end - p));
			if (eq != NULL && eq > p) {
				const char *ne = eq, *v = eq + 1, *ve = end;
				struct cf_option *o;

				while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
					ne--;
				while (v < ve && (*v == ' ' || *v == '\t'))
					v++;
				while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
					ve--;
				out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
				o = &out->v[out->n++];
				o->name = xstrndup(p, (size_t)(ne - p));
				o->value = xstrndup(v, (size_t)(ve - v));
				o->line = lineno;
			}
		}
		line = eol ? eol + 1 : NULL;
	}
}

const char *
cf_get(const struct cf_options *o, const char *name)
{
	size_t i;
	const char *v = NULL;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->v[i].name, name) == 0)
			v = o->v[i].value;
	return v;
}

void
cf_to_plan(const struct cf_options *o, const char *file, struct tls_plan *p)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		const struct tls_option *t = tls_option_by_cf(o->v[i].name);

		if (t != NULL)
			plan_set(p, t->field, o->v[i].value, file, o->v[i].line);
	}
	/* confTRUSTED_USER: sendmail takes the TLS files it owns as it takes root's */
	if (cf_get(o, "TrustedUser") != NULL) {
		free(p->trusted_user);
		p->trusted_user = xstrdup(cf_get(o, "TrustedUser"));
	}
	/* FEATURE(`msp') sets confUSE_MSP: the cf of the MSP (submit.cf) */
	if (cf_get(o, "UseMSP") != NULL && strncasecmp(cf_get(o, "UseMSP"), "t", 1) == 0)
		p->msp = true;
}

void
cf_options_free(struct cf_options *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->v[i].name);
		free(o->v[i].value);
	}
	free(o->v);
	o->v = NULL;
	o->n = 0;
}
