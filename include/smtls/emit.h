/* emit.h: the sendmail.mc fragment for a plan (the managed block), and what the built cf must then hold. */
#ifndef SMTLS_EMIT_H
#define SMTLS_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "smtls/cf.h"
#include "smtls/dh.h"
#include "smtls/plan.h"
#include "smtls/sendmail.h"
#include "smtls/xmalloc.h"

#define EMIT_BEGIN	"dnl # BEGIN smtls"
#define EMIT_END	"dnl # END smtls"

/* What the fragment adds besides the plan's values (the plan carries the option values). */
struct emit_options {
	bool		 group_readable_key;	/* add GroupReadableKeyFile to DontBlameSendmail */
	bool		 smtps;			/* a port 465 listener with M=s */
	const char	*smtps_addr;		/* its Addr=, or NULL for every address */
	const char	*version;		/* for the header comment */
	const char	*command;		/* the equivalent command line, or NULL */
	time_t		 now;			/* the header's date */
	const char	*snippets_dir;		/* where fragment.m4 and the other templates live */
};

/* How a cf option is compared after the rebuild. */
enum emit_match {
	EMIT_EQUAL,	/* "O name=value" with exactly this value (the last one wins) */
	EMIT_HAS_ITEM,	/* value is one of the comma-separated items */
	EMIT_ABSENT,	/* no live "O name=" line */
	EMIT_ANY_LINE,	/* some "O name=value" line equals value (DaemonPortOptions) */
};

struct emit_expect {
	char		*cf_name;
	char		*value;
	enum emit_match	 match;
};

struct emit_result {
	char			*fragment;	/* BEGIN ... END, each line ending in dnl */
	char			**macros;	/* macros the block sets: their other definitions get commented out */
	size_t			 nmacros;
	struct emit_expect	*expect;
	size_t			 nexpect;
};

/*
 * The directory of the templates: $SMTLS_SNIPPETSDIR, else snippets/ beside the running
 * binary when it holds fragment.m4 (the build tree), else the installed SNIPPETSDIR.
 * Caller frees.
 */
char *emit_snippets_dir(void);
/* Fills eo with no option set, this version, the templates' directory (caller frees eo->snippets_dir via emit_options_free) and now. */
void emit_options_init(struct emit_options *eo, time_t now);
void emit_options_free(struct emit_options *eo);

/*
 * Checks that value can be written for option o so that sendmail reads exactly it back.
 * Returns -1 with *why (caller frees) naming the problem otherwise.
 */
int emit_check_value(const struct tls_option *o, const char *value, char **why);


/* The ServerSSLOptions/ClientSSLOptions value for a minimum TLS version ("1.2", "1.3"), or NULL. */
const char *emit_min_tls_options(const char *version);
/* The minimum TLS version ("1.2", "1.3") a ServerSSLOptions/ClientSSLOptions value says, when it
 * is exactly what emit_min_tls_options() makes; else NULL. */
const char *emit_min_tls_version(const char *options);

/*
 * Builds the fragment for every set field of the plan (plus the emit options). Refuses a
 * value that would not survive m4 and sendmail, and DANE when sm says the binary lacks it
 * (sm may be NULL). Returns -1 with *err (caller frees) on a bad value or a missing template.
 */
int emit_build(const struct tls_plan *plan, const struct emit_options *eo,
    const struct sendmail_info *sm, struct emit_result *out, char **err);

/*
 * The command line that chooses the same as plan and eo: "smtls VERB --server-cert ...
 * [--mc MC]", each word quoted for the shell when needed (for the wizard's closing line).
 * Settings that have no flag (CRL, cipher list, ...) are left out. Caller frees.
 */
char *emit_command_line(const struct tls_plan *plan, const struct emit_options *eo,
    const char *verb, const char *mc_path);
/* Appends word to a shell command line, single-quoted when it needs quoting. */
void emit_shell_word(struct buf *b, const char *word);

/* Compares the options of a built cf with what the fragment asked for; -1 with *err on the first difference. */
int emit_verify_cf(const struct emit_result *r, const struct cf_options *cf, char **err);

void emit_result_free(struct emit_result *r);

#endif
