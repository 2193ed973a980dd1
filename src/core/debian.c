/* debian.c: Debian's own sendmail tooling beside sendmail.mc (/etc/mail/Makefile, update_tls). */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "smtls/debian.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

#define MAKEFILE_MAX	(256 * 1024)

/* update_mk's Makefile: its rules call Debian's helpers under /usr/share/sendmail. */
static bool
is_debian_makefile(const char *path)
{
	enum file_status st;
	char *text = NULL;
	size_t len;
	bool yes;

	if (file_read(path, MAKEFILE_MAX, &text, &len, &st, NULL) == -1)
		return false;
	yes = strstr(text, "/usr/share/sendmail/update_mk") != NULL ||
	    strstr(text, "/usr/share/sendmail/update_tls") != NULL;
	free(text);
	return yes;
}

char *
debian_makefile_note(const char *mc_path, const char *cf_path)
{
	char *dir = path_dirname(mc_path), *mk = xstrprintf("%s/Makefile", dir);
	struct buf b = { 0 };
	struct stat st;

	if (!is_debian_makefile(mk)) {
		free(mk);
		free(dir);
		return NULL;
	}
	buf_printf(&b, _("Debian's %s is there: `make -C %s' rebuilds sendmail.cf from this "
	    "sendmail.mc with the same m4 run, so it keeps smtls's settings (it appends the mc as "
	    "a comment and makes the file 0644 root:smmsp); update_tls (sendmailconfig, `make -C "
	    "%s tls') rewrites starttls.m4 only, and the smtls block, after its include, still "
	    "wins."), mk, dir, dir);
	if (cf_path != NULL && stat(cf_path, &st) == 0) {
		struct passwd *pw = getpwuid(st.st_uid);
		struct group *gr = getgrgid(st.st_gid);
		bool root_smmsp = st.st_uid == 0 && gr != NULL && strcmp(gr->gr_name, "smmsp") == 0;

		if (!root_smmsp || (st.st_mode & 07777) != 0644)
			buf_printf(&b, _(" %s is %04o %s:%s here; the next `make' sets 0644 "
			    "root:smmsp."), cf_path, (unsigned)(st.st_mode & 07777),
			    pw ? pw->pw_name : "?", gr ? gr->gr_name : "?");
	}
	free(mk);
	free(dir);
	return buf_release(&b);
}
