/* m4.h: building sendmail.cf from a sendmail.mc with the real GNU m4 and sendmail's cf.m4. */
#ifndef SMTLS_M4_H
#define SMTLS_M4_H

#include "smtls/proc.h"

#define M4_TIMEOUT_MS	30000

/*
 * Finds the sendmail-cf directory (the one holding m4/cf.m4): override when given, else
 * the directory of the mc's own include(`.../m4/cf.m4'), else /usr/share/sendmail/cf
 * (Debian, FreeBSD), /usr/share/sendmail-cf (RHEL). Returns NULL when none exists.
 * *mc_includes_cf is set when the mc includes cf.m4 itself.
 */
char *m4_find_cf_dir(const char *mc_text, const char *override, int *mc_includes_cf);

/*
 * Runs m4 on the mc file: `m4 mc` when the mc includes cf.m4 itself, else
 * `m4 -D_CF_DIR_=<dir>/ <dir>/m4/cf.m4 mc`. Returns 0 when
 * m4 exited 0 with nothing on stderr and no "*** ERROR" in its output; else -1 with *err
 * saying what m4 printed. res holds the output either way (caller frees).
 */
int m4_build_cf(const char *m4_path, const char *mc_path, const char *cf_dir,
    int mc_includes_cf, struct proc_result *res, char **err);

#endif
