/* json.c: the small JSON writer behind every --json output. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtls/emit.h"

/* The length of the valid UTF-8 sequence at p (at most n bytes), or 0 when there is none. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned long cp;

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;	/* ASCII is handled by the caller; 0x80-0xc1 and 0xf5- never start one */
	len = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	cp = p[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void
json_escape(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t len;

	fputc('"', f);
	while (p < end) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
			} else if (*p < 0x80) {
				fputc(*p, f);
			} else if ((len = utf8_len(p, (size_t)(end - p))) > 0) {
				fwrite(p, 1, len, f);
				p += len;
				continue;
			} else {
				fprintf(f, "\\u%04x", *p);	/* the byte read as Latin-1 */
			}
		}
		p++;
	}
	fputc('"', f);
}

void
json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Before a value: the separator and the key. */
static void
json_member(struct json *j, const char *key)
{
	int d = j->depth;

	if (d > 0) {
		if (!j->first[d])
			fputc(',', j->f);
		if (j->lines[d])
			fprintf(j->f, "\n%*s", 2 * d, "");
		else if (!j->first[d])
			fputc(' ', j->f);
		j->first[d] = false;
	}
	if (key != NULL) {
		json_escape(j->f, key, strlen(key));
		fputs(": ", j->f);
	}
}

static void
json_open(struct json *j, const char *key, bool lines, char open, char close)
{
	json_member(j, key);
	fputc(open, j->f);
	if (j->depth + 1 >= JSON_DEPTH_MAX)
		return;		/* a programming error; the output stays well-formed up to here */
	j->depth++;
	j->first[j->depth] = true;
	j->lines[j->depth] = lines;
	j->close[j->depth] = close;
}

void
json_object(struct json *j, const char *key, bool lines)
{
	json_open(j, key, lines, '{', '}');
}

void
json_array(struct json *j, const char *key, bool lines)
{
	json_open(j, key, lines, '[', ']');
}

void
json_end(struct json *j)
{
	int d = j->depth;

	if (d == 0)
		return;
	if (j->lines[d] && !j->first[d])
		fprintf(j->f, "\n%*s", 2 * (d - 1), "");
	fputc(j->close[d], j->f);
	j->depth--;
	if (j->depth == 0)
		fputc('\n', j->f);
}

void
json_strn(struct json *j, const char *key, const char *s, size_t n)
{
	json_member(j, key);
	json_escape(j->f, s, n);
}

void
json_str(struct json *j, const char *key, const char *s)
{
	if (s == NULL)
		json_null(j, key);
	else
		json_strn(j, key, s, strlen(s));
}

void
json_int(struct json *j, const char *key, long long v)
{
	json_member(j, key);
	fprintf(j->f, "%lld", v);
}

void
json_uint(struct json *j, const char *key, unsigned long long v)
{
	json_member(j, key);
	fprintf(j->f, "%llu", v);
}

void
json_bool(struct json *j, const char *key, bool v)
{
	json_member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void
json_null(struct json *j, const char *key)
{
	json_member(j, key);
	fputs("null", j->f);
}

void
json_finding(struct json *j, const char *key, const struct finding *fd)
{
	json_object(j, key, false);
	json_str(j, "id", fd->id);
	json_str(j, "severity", severity_name(fd->severity));
	json_str(j, "file", fd->file);
	json_str(j, "message", fd->message);
	json_str(j, "fix", fd->fix);
	json_end(j);
}

void
json_findings(struct json *j, const struct findings *fs)
{
	size_t i;

	json_array(j, "findings", true);
	for (i = 0; i < fs->n; i++)
		json_finding(j, NULL, &fs->v[i]);
	json_end(j);
	json_uint(j, "errors", findings_count(fs, SEV_ERROR));
	json_uint(j, "warnings", findings_count(fs, SEV_WARNING));
}

void
json_dh_params(struct json *j, const char *value)
{
	struct dh_params dh;
	char *why = NULL;

	if (value == NULL) {
		json_null(j, "dh_params");
		return;
	}
	if (dh_params_parse(value, &dh, &why) == -1) {
		free(why);
		json_object(j, "dh_params", false);
		json_str(j, "value", value);
		json_null(j, "kind");
		json_null(j, "bits");
		json_end(j);
		return;
	}
	/* a file's size is in the file: null when it cannot be read or holds no DH block */
	if (dh.kind == DH_FILE && dh_params_file_bits(value, &dh.bits, &why) != 0) {
		dh.bits = 0;
		free(why);
	}
	json_object(j, "dh_params", false);
	json_str(j, "value", value);
	json_str(j, "kind", dh.keyword);
	if (dh.bits > 0)
		json_int(j, "bits", dh.bits);
	else
		json_null(j, "bits");
	json_end(j);
}

void
json_plan_options(struct json *j, const struct tls_plan *p)
{
	size_t i;

	json_array(j, "options", true);
	for (i = 0; i < tls_options_count; i++) {
		const struct tls_option *t = &tls_options[i];
		const struct setting_origin *o = &p->origin[t->field];

		if (p->value[t->field] == NULL)
			continue;
		json_object(j, NULL, false);
		json_str(j, "option", t->cf_name);
		json_str(j, "macro", t->macro);
		json_str(j, "value", p->value[t->field]);
		json_str(j, "file", o->file);
		if (o->file != NULL && o->line > 0)
			json_int(j, "line", o->line);
		else
			json_null(j, "line");
		json_end(j);
	}
	json_end(j);
}
