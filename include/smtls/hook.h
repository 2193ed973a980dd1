/* hook.h: the certbot deploy hook: filled in from its template and installed, for the CLI and the wizard. */
#ifndef SMTLS_HOOK_H
#define SMTLS_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#define HOOK_NAME	"smtls-sendmail"	/* in DIR/renewal-hooks/deploy */
#define HOOK_TEMPLATE	"certbot-deploy-hook.in"

/* One copy the hook makes after a good renewal: live/NAME/WHAT.pem to dest. */
struct hook_copy {
	const char	*what;		/* "cert", "chain", "fullchain" or "privkey" (0600) */
	const char	*dest;		/* absolute path of the file sendmail reads */
};

struct hook_params {
	const char	*le_dir;	/* certbot's directory, e.g. /etc/letsencrypt */
	const char	*smtls;		/* the smtls the hook runs (absolute path) */
	const char	*lineage;	/* act only on live/NAME; "" or NULL: every lineage */
	const struct hook_copy *copies;	/* none: sendmail reads live/NAME itself */
	size_t		 n_copies;
	const char	*restart;	/* the restart command */
	const char	*hostname;	/* checked against the certificate; "" or NULL: first domain */
	bool		 force;		/* replace an installed hook */
};

/* The template's path, in the templates' directory of emit_snippets_dir(). Caller frees. */
char *hook_template_path(void);
/* Parses "WHAT=DEST" (a --copy value); -1 with err when WHAT is unknown or DEST not absolute. */
int hook_copy_parse(const char *s, struct hook_copy *out, char **err);
/* The hook script for p from the template text: values are quoted for sh. Caller frees. */
char *hook_render(const char *tmpl, const struct hook_params *p);
/* Checks p and returns the hook script from the template (caller frees); NULL with err. */
char *hook_script(const struct hook_params *p, char **err);
/*
 * The hook's copies as one transaction (journal.h): DIR/WHAT.pem to each dest (keys 0600,
 * the rest 0644), every file replaced or none. Returns 0 when all are replaced; -1 with err
 * naming the file: no file was changed, except when *pending is set (the set could be
 * neither finished nor undone; the next smtls command completes or rolls it back).
 */
int hook_copy_files(const char *dir, const struct hook_copy *copies, size_t n, bool *pending,
    char **err);
/*
 * Checks p, reads the template, creates DIR/renewal-hooks/deploy when missing and writes
 * the hook (0755) all or nothing; on failure the directories it made are removed again.
 * *path is the installed hook (caller frees). Returns -1 with err naming the file.
 */
int hook_install(const struct hook_params *p, char **path, char **err);

/* The `smtls hook install ...' command that installs the hook of p, quoted for sh. Caller
 * frees. */
char *hook_command(const struct hook_params *p);

#endif
