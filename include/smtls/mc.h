/* mc.h: the settings of a sendmail.mc (evaluated with the real m4) or of a built sendmail.cf. */
#ifndef SMTLS_MC_H
#define SMTLS_MC_H

#include <stdbool.h>
#include <stddef.h>

#include "smtls/finding.h"
#include "smtls/plan.h"

#define MC_FILE_MAX	(4u * 1024 * 1024)	/* larger files are not a sendmail.mc/.cf */

/* How one define(`confX', ...) line of a sendmail.mc is seen by m4. */
enum mc_define_kind {
	MC_DEF_LIVE,		/* a plain define: m4 runs it */
	MC_DEF_HASH_LIVE,	/* "#define(...)" after the cf.m4 include: comments are off, it runs */
	MC_DEF_HASH_COMMENT,	/* "#define(...)" before the cf.m4 include: an m4 comment */
	MC_DEF_DNL,		/* disabled by dnl */
};

struct mc_define {
	char			*macro;		/* "confSERVER_CERT" */
	char			*value;		/* the second argument as written, quotes removed */
	int			 line;
	enum mc_define_kind	 kind;
};

/* Result of the text scan of a sendmail.mc: every define of a TLS macro (plan.h tls_options). */
struct mc_scan {
	struct mc_define	*v;
	size_t			 n;
	int			 include_line;	/* line of include(`.../cf.m4'), 0 when m4 reads cf.m4 first */
};

/* Scans the text of a sendmail.mc for defines of TLS macros, live or disabled. */
void mc_scan_text(const char *text, struct mc_scan *out);
void mc_scan_free(struct mc_scan *s);

/*
 * True when the text of an mc is the MSP's configuration (submit.mc): a line not disabled
 * by dnl with FEATURE(`msp'...) (a "#" does not disable it after the cf.m4 include, and
 * FEATURE only exists after it).
 */
bool mc_text_is_msp(const char *text);
/* The same for the file path: 1 MSP, 0 not, -1 when it cannot be read (*err, caller frees). */
int mc_file_is_msp(const char *path, char **err);

/*
 * Reads the TLS settings of a sendmail.mc into plan, as sendmail will see them: runs GNU m4
 * (m4_path, NULL = the configured one) with sendmail's cf.m4 (cf_dir, NULL = found as in
 * m4_find_cf_dir), parses the built cf with cf_parse() and fills the plan with cf_to_plan(),
 * so user macros such as CERT_DIR resolve exactly as in sendmail. Origins name the mc and the
 * line of the define that wins. Adds mc.commented-out, mc.duplicate, and on failure
 * file.missing/file.unreadable or mc.m4-error findings to out (out may be NULL).
 * When cf_text is not NULL it receives the built cf (caller frees; NULL on failure).
 * Returns 0, or -1 when the mc could not be read or m4 failed.
 */
int mc_load(const char *mc_path, const char *m4_path, const char *cf_dir, struct tls_plan *plan,
    struct findings *out, char **cf_text);

/*
 * Reads the TLS options of a built sendmail.cf into plan (origins: cf_path and line).
 * Adds file.missing/file.unreadable to out on failure (out may be NULL) and returns -1.
 */
int cf_load(const char *cf_path, struct tls_plan *plan, struct findings *out);

/*
 * Compares the TLS options that the mc yields (mc_plan) with those of the cf file (cf_plan);
 * adds cf.stale naming cf_path and each differing option when they differ.
 */
void mc_compare_cf(const struct tls_plan *mc_plan, const struct tls_plan *cf_plan,
    const char *mc_path, const char *cf_path, struct findings *out);

#endif
