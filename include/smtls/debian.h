/* debian.h: Debian's own sendmail tooling beside sendmail.mc (/etc/mail/Makefile, update_tls). */
#ifndef SMTLS_DEBIAN_H
#define SMTLS_DEBIAN_H

/*
 * When the directory of mc_path holds Debian's Makefile (made by update_mk), what its
 * `make -C DIR' and update_tls do with the sendmail.mc and sendmail.cf (cf_path) that
 * apply just wrote: a note for the admin, in words (caller frees). NULL without that
 * Makefile.
 */
char *debian_makefile_note(const char *mc_path, const char *cf_path);

#endif
