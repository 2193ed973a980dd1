/* report.c: human-readable findings for the terminal: grouped by file, errors first, a verdict. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

bool
cli_use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc != NULL && *nc != '\0')
		return false;
	if (term == NULL || strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(f));
}

static const char *
sev_color(enum severity s)
{
	switch (s) {
	case SEV_ERROR:
		return "\033[1;31m";
	case SEV_WARNING:
		return "\033[1;33m";
	case SEV_INFO:
		return "\033[1;36m";
	case SEV_OK:
		break;
	}
	return "\033[1;32m";
}

void
report_findings(FILE *f, const struct findings *fs, bool color, bool show_ok)
{
	struct findings sorted = { 0 };
	const char **files = NULL;
	size_t nfiles = 0, i, j;

	/* work on a sorted view: errors first, stable within each severity */
	sorted.v = xreallocarray(NULL, fs->n ? fs->n : 1, sizeof(*fs->v));
	if (fs->n)
		memcpy(sorted.v, fs->v, fs->n * sizeof(*fs->v));
	sorted.n = fs->n;
	findings_sort(&sorted);
	/* the order of files: by their first (most severe) finding */
	for (i = 0; i < sorted.n; i++) {
		const char *file = sorted.v[i].file ? sorted.v[i].file : "";

		if (!show_ok && sorted.v[i].severity == SEV_OK)
			continue;
		for (j = 0; j < nfiles; j++)
			if (strcmp(files[j], file) == 0)
				break;
		if (j == nfiles) {
			files = xreallocarray(files, nfiles + 1, sizeof(*files));
			files[nfiles++] = file;
		}
	}
	for (j = 0; j < nfiles; j++) {
		if (*files[j])
			fprintf(f, "%s%s%s\n", color ? "\033[1m" : "", files[j], color ? "\033[0m" : "");
		else
			fprintf(f, "%s%s%s\n", color ? "\033[1m" : "", _("(general)"),
			    color ? "\033[0m" : "");
		for (i = 0; i < sorted.n; i++) {
			const struct finding *fd = &sorted.v[i];

			if ((!show_ok && fd->severity == SEV_OK) ||
			    strcmp(fd->file ? fd->file : "", files[j]) != 0)
				continue;
			fprintf(f, "  %s%-7s%s %s: %s\n", color ? sev_color(fd->severity) : "",
			    severity_label(fd->severity), color ? "\033[0m" : "", fd->id, fd->message);
			if (fd->fix)
				fprintf(f, "          %s %s\n", _("fix:"), fd->fix);
			if (fd->reproduce)
				fprintf(f, "          %s %s\n", _("see:"), fd->reproduce);
		}
	}
	free(files);
	free(sorted.v);
}

void
report_verdict(FILE *f, const struct findings *fs, bool color)
{
	size_t e = findings_count(fs, SEV_ERROR), w = findings_count(fs, SEV_WARNING);
	const char *on = "", *off = color ? "\033[0m" : "";

	if (e > 0) {
		on = color ? "\033[1;31m" : "";
		fprintf(f, _("%sVerdict: FAIL, %zu error(s) and %zu warning(s): TLS will not work "
		    "as intended until the errors are fixed.%s\n"), on, e, w, off);
	} else if (w > 0) {
		on = color ? "\033[1;33m" : "";
		fprintf(f, _("%sVerdict: OK with %zu warning(s): TLS works, with the risks "
		    "above.%s\n"), on, w, off);
	} else {
		on = color ? "\033[1;32m" : "";
		fprintf(f, _("%sVerdict: OK, no problems found.%s\n"), on, off);
	}
}
