/* demo.h: a throw-away sandbox for `smtls wizard --demo`: a test CA, a Let's-Encrypt-style
 * live directory, a hashed root directory and a stock-like sendmail.mc with its cf. */
#ifndef SMTLS_DEMO_H
#define SMTLS_DEMO_H

#define DEMO_HOSTNAME	"mail.demo.example"

struct demo_paths {
	char	*dir;		/* the sandbox */
	char	*mc;		/* DIR/mail/sendmail.mc */
	char	*cf;		/* DIR/mail/sendmail.cf, built from the mc with m4 */
	char	*le_live;	/* DIR/letsencrypt/live */
	char	*lineage;	/* DIR/letsencrypt/live/mail.demo.example */
	char	*roots;		/* DIR/roots: the demo root, hashed (the demo's CACertPath) */
	char	*root_cert;	/* DIR/ca/root.pem: the roots peers are assumed to trust */
};

/*
 * Builds the sandbox in dir (which must exist and be empty), with the real openssl
 * program (openssl_path) and GNU m4 (m4_path). Touches nothing outside dir. Returns 0, or
 * -1 with *err naming the step that failed.
 */
int demo_build(const char *dir, const char *openssl_path, const char *m4_path,
    struct demo_paths *out, char **err);
/* Removes the sandbox: dir and everything under it (never following symlinks). */
int demo_remove(const char *dir);
void demo_paths_free(struct demo_paths *p);

#endif
