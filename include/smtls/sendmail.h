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

#endif
