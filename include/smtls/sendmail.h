/* sendmail.h: what the installed sendmail binary can do, learnt without stalling. */
#ifndef SMTLS_SENDMAIL_H
#define SMTLS_SENDMAIL_H

#include <stdbool.h>

struct sendmail_info {
	bool	 found;		/* the binary exists and was inspected */
	char	*path;
	char	 version[32];	/* "8.17.1.9", or "" */
	bool	 starttls;	/* compiled with STARTTLS */
	bool	 dane;		/* compiled with DANE */
	bool	 chain_file;	/* reads the cert file's chain (SSL_CTX_use_certificate_chain_file) */
	bool	 tls_ec;	/* compiled with TLS_EC (ECDSA certificates) */
};

/* The default binary: /usr/libexec/sendmail/sendmail, /usr/sbin/sendmail, ... or NULL. */
const char *sendmail_default_path(void);
/* Inspects the binary (ELF symbols and strings; no execution). Returns -1 with *err when it cannot be read. */
int sendmail_inspect(const char *path, struct sendmail_info *out, char **err);
void sendmail_info_free(struct sendmail_info *sm);

/*
 * This host's name as sendmail qualifies it when it starts, before it reads sendmail.cf (so
 * the cf's Dj / confDOMAIN_NAME cannot help): the name itself when it has a dot, else a dotted
 * canonical name or alias from the resolver, a dotted name on the host's /etc/hosts line, or
 * NAME.DOMAIN under resolv.conf's search domains. Without one, every sendmail run (the daemon,
 * each submitted message, sendmail -bC) first sleeps 60 s ("My unqualified host name (NAME)
 * unknown; sleeping for retry"). A name the resolver does not know at all is not waited for.
 */
struct sendmail_host {
	char	name[256];	/* gethostname() */
	char	fqdn[256];	/* the dotted name sendmail will use, or "" */
	bool	qualified;	/* false: sendmail sleeps 60 s before anything else */
};

#define SENDMAIL_UNQUALIFIED_SLEEP_MS	60000

void sendmail_host_check(struct sendmail_host *out);

#endif
