/* mcedit.h: line-exact editing of sendmail.mc: the smtls managed block and the definitions it replaces. */
#ifndef SMTLS_MCEDIT_H
#define SMTLS_MCEDIT_H

#include <stdbool.h>
#include <stddef.h>

struct mcedit_result {
	char	*text;		/* the new sendmail.mc */
	bool	 had_block;	/* an smtls block was there and got replaced */
	bool	 same_block;	/* ... and it already set the same things (kept as it was) */
	int	 block_line;	/* 1-based line of the block's first line in text */
	size_t	 commented;	/* other definitions commented out with "dnl smtls: " */
	int	*commented_lines;	/* their 1-based lines in the original */
};

/*
 * Puts block (EMIT_BEGIN ... EMIT_END, ending in a newline) into the mc: in place of the
 * previous smtls block, else before the first MAILER line (MAILER_DEFINITIONS or MAILER(),
 * else at the end; in every case after the last live include() of a file other than cf.m4
 * (Debian's starttls.m4 defines TLS options there: m4's later define wins). Every other live define of one of macros (also a #-prefixed one, which
 * m4 runs after cf.m4 turned comments off) is commented out line by line with "dnl smtls: ".
 * A previous block that sets the same things (header comments aside) is kept byte for
 * byte, so a second run changes nothing. Returns -1 with *err (caller frees) when the
 * mc has a broken block or a define that never closes.
 */
int mcedit_merge(const char *mc, const char *block, char *const *macros, size_t nmacros,
    struct mcedit_result *out, char **err);
void mcedit_result_free(struct mcedit_result *r);

#endif
