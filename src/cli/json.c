/* json.c: the small JSON writer behind every --json output. */
#include "config.h"

#include <stdio.h>

#include "cli.h"

void
json_string(FILE *f, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
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
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void
json_finding(FILE *f, const struct finding *fd)
{
	fputs("{\"id\": ", f);
	json_string(f, fd->id);
	fputs(", \"severity\": ", f);
	json_string(f, severity_name(fd->severity));
	fputs(", \"file\": ", f);
	json_string(f, fd->file);
	fputs(", \"message\": ", f);
	json_string(f, fd->message);
	fputs(", \"fix\": ", f);
	json_string(f, fd->fix);
	fputc('}', f);
}

void
json_findings(FILE *f, const struct findings *fs)
{
	size_t i;

	fputs("\"findings\": [", f);
	for (i = 0; i < fs->n; i++) {
		if (i)
			fputs(",", f);
		fputs("\n  ", f);
		json_finding(f, &fs->v[i]);
	}
	fprintf(f, "%s],\n \"errors\": %zu, \"warnings\": %zu", fs->n ? "\n " : "",
	    findings_count(fs, SEV_ERROR), findings_count(fs, SEV_WARNING));
}
