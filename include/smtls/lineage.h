/* lineage.h: Let's Encrypt lineages (live/NAME -> archive/NAME) and the root each chain leads to. */
#ifndef SMTLS_LINEAGE_H
#define SMTLS_LINEAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "smtls/cert.h"
#include "smtls/finding.h"

/* Which root family a chain ends in. */
enum lineage_gen {
	LINEAGE_GEN_UNKNOWN = 0,	/* not a Let's Encrypt chain, or unreadable */
	LINEAGE_GEN_X,		/* ISRG Root X1 / X2 through R10-R14, E5-E9 */
	LINEAGE_GEN_Y,		/* the Gen Y roots (Root YR / Root YE), maybe cross-signed by X1/X2 */
	LINEAGE_GEN_LEGACY,	/* DST Root CA X3 (expired 2021-09-30) */
};

struct lineage {
	char		*name;		/* NAME of live/NAME */
	char		*live;		/* DIR/live/NAME */
	char		*cert_file;	/* where live/NAME/cert.pem leads (realpath), or NULL */
	char		*chain_file;
	char		*fullchain_file;
	char		*privkey_file;
	int		 version;	/* N of archive/NAME/certN.pem; 0 when unknown */
	bool		 not_links;	/* a file of live/NAME is no symlink: certbot will not renew it */
	struct cert	 leaf;		/* x509 NULL when cert.pem could not be read */
	struct certlist	 chain;		/* chain.pem, in file order */
	char		*root;		/* CN of the root the chain leads to, or NULL */
	char		*via;		/* "R11 -> ISRG Root X1", or NULL */
	enum lineage_gen gen;
	struct findings	 findings;	/* what is wrong with it (doc/design.md §4) */
};

/*
 * Lists the lineages under le_dir/live (each directory there), sorted by name, judging
 * expiry at now. Returns -1 with err when le_dir/live cannot be read; problems of single
 * lineages are findings, not failures.
 */
int lineage_list(const char *le_dir, time_t now, struct lineage **out, size_t *n, char **err);
/* Loads one lineage directory (live/NAME). */
void lineage_load(const char *live_dir, const char *name, time_t now, struct lineage *out);
void lineage_clear(struct lineage *l);
void lineages_free(struct lineage *v, size_t n);
/* "X", "Y", "legacy" or "unknown" (not translated: for JSON). */
const char *lineage_gen_name(enum lineage_gen gen);

#endif
