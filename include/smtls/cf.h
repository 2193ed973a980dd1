/* cf.h: reading options from a built sendmail.cf ("O Name=value" lines). */
#ifndef SMTLS_CF_H
#define SMTLS_CF_H

#include <stddef.h>

#include "smtls/plan.h"

struct cf_option {
	char	*name;
	char	*value;
	int	 line;
};

struct cf_options {
	struct cf_option	*v;
	size_t			 n;
};

/* Parses every "O Name=value" line (long option names only); later lines win in lookups. */
void cf_parse(const char *text, struct cf_options *out);
/* The last value of option name, or NULL. */
const char *cf_get(const struct cf_options *o, const char *name);
/* Fills the plan's TLS fields from the cf options (origin: file, line). */
void cf_to_plan(const struct cf_options *o, const char *file, struct tls_plan *p);
void cf_options_free(struct cf_options *o);

#endif
