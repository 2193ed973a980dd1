/* m4.c: locate sendmail's cf.m4 and run GNU m4 on a sendmail.mc, treating any complaint as failure. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smtls/i18n.h"
#include "smtls/m4.h"
#include "smtls/xmalloc.h"

static int
has_cf_m4(const char *dir)
{
	char *p = xstrprintf("%s/m4/cf.m4", dir);
	struct stat st;
	int ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);

	free(p);
	return ok;
}

/* Finds include(`DIR/m4/cf.m4') on a line that is not disabled by dnl. */
static char *
mc_include_dir(const char *text)
{
	const char *line = text;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char *l = xstrndup(line, len), *p = l, *inc, *end;

		while (*p == ' ' || *p == '\t')
			p++;
		/* before cf.m4 is included, "#" starts an m4 comment, as "dnl" does */
		if (*p != '#' && strncmp(p, "dnl", 3) != 0 &&
		    (inc = strstr(p, "include(")) != NULL) {
			inc += strlen("include(");
			while (*inc == '`' || *inc == '\'' || *inc == ' ')
				inc++;
			end = strstr(inc, "/m4/cf.m4");
			if (end != NULL) {
				char *dir = xstrndup(inc, (size_t)(end - inc));

				free(l);
				return dir;
			}
		}
		free(l);
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

char *
m4_find_cf_dir(const char *mc_text, const char *override, int *mc_includes_cf)
{
	static const char *const defaults[] = {
		"/usr/share/sendmail/cf", "/usr/share/sendmail-cf", "/usr/share/sendmail",
	};
	char *dir;
	size_t i;

	*mc_includes_cf = 0;
	dir = mc_text ? mc_include_dir(mc_text) : NULL;
	if (dir != NULL)
		*mc_includes_cf = 1;
	if (override != NULL) {
		free(dir);
		return has_cf_m4(override) ? xstrdup(override) : NULL;
	}
	if (dir != NULL && has_cf_m4(dir))
		return dir;
	free(dir);
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (has_cf_m4(defaults[i]))
			return xstrdup(defaults[i]);
	return NULL;
}

int
m4_build_cf(const char *m4_path, const char *mc_path, const char *cf_dir, int mc_includes_cf,
    struct proc_result *res, char **err)
{
	char *argv[6], *def = NULL, *cfm4 = NULL, *mc = proc_operand(mc_path), *dir;
	int r, n = 0;

	/* file names after "--", and "./" before one that starts with '-': m4 reads "-" as
	 * standard input even after "--", and cf.m4 runs `sh _CF_DIR_/sh/makeinfo.sh' */
	argv[n++] = (char *)m4_path;
	if (!mc_includes_cf) {
		dir = proc_operand(cf_dir);
		def = xstrprintf("-D_CF_DIR_=%s/", dir);
		cfm4 = xstrprintf("%s/m4/cf.m4", dir);
		free(dir);
		argv[n++] = def;
	}
	argv[n++] = (char *)"--";
	if (cfm4 != NULL)
		argv[n++] = cfm4;
	argv[n++] = mc;
	argv[n] = NULL;
	r = proc_run(argv, NULL, 0, M4_TIMEOUT_MS, 64u * 1024 * 1024, res);
	free(def);
	free(cfm4);
	free(mc);
	if (r == -1) {
		if (res->timed_out)
			err_set(err, _("%s: m4 did not finish within %d seconds"), mc_path,
			    M4_TIMEOUT_MS / 1000);
		else if (res->interrupted)
			err_set(err, _("%s: m4 was interrupted"), mc_path);
		else
			err_set(err, _("cannot run %s: %s"), m4_path, strerror(res->errno_exec));
		return -1;
	}
	if (res->status != 0 || res->err_len > 0 || strstr(res->out, "*** ERROR") != NULL) {
		const char *what = res->err_len > 0 ? res->err : "";
		const char *star = strstr(res->out, "*** ERROR");
		size_t wlen = strlen(what);

		if (*what == '\0' && star != NULL) {
			const char *eol = strchr(star, '\n');

			err_set(err, _("%s: m4 reported: %.*s"), mc_path,
			    (int)(eol ? eol - star : (long)strlen(star)), star);
		} else {
			/* without the trailing newline of m4's message */
			char *w = xstrndup(what, wlen > 0 && what[wlen - 1] == '\n' ? wlen - 1 : wlen);

			err_set(err, _("%s: m4 failed (exit %d): %s"), mc_path, res->status,
			    *w ? w : _("no message"));
			free(w);
		}
		return -1;
	}
	return 0;
}
