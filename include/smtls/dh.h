/* dh.h: DHParameters (confDH_PARAMETERS): what a value means and what a parameter file holds. */
#ifndef SMTLS_DH_H
#define SMTLS_DH_H

#include <stddef.h>

/*
 * What a DHParameters (confDH_PARAMETERS) value makes sendmail do. sendmail looks only at
 * the first character (n: none, i: the included 2048-bit prime, 5, 1, 2, /: a file) and
 * falls back to the included prime, with only a log line at LogLevel 13 or more, for
 * anything else; smtls accepts the documented words only, so that what is written is what
 * the admin meant.
 */
enum dh_kind {
	DH_NONE,	/* "none": no Diffie-Hellman (DHE suites off; ECDHE is unaffected) */
	DH_INCLUDED,	/* "i": the 2048-bit prime built into sendmail (its default) */
	DH_FIXED_512,	/* "5" or "512": a built-in 512-bit prime (below OpenSSL's security level 2: no DHE) */
	DH_GEN_1024,	/* "1" or "1024": 1024 bits generated at each start (likewise no DHE) */
	DH_GEN_2048,	/* "2" or "2048": 2048 bits generated at each start (slow) */
	DH_FILE,	/* an absolute file name: parameters read from it (PEM) */
};

struct dh_params {
	enum dh_kind	 kind;
	int		 bits;		/* 0 for none and for a file (its size is in the file) */
	const char	*keyword;	/* "none", "i", "512", "1024", "2048" or "file" */
};

/*
 * Parses a DHParameters value: none, i, 512 (or 5), 1024 (or 1), 2048 (or 2), the letters
 * in either case, or an absolute file name. Returns -1 with *why (caller frees) naming the
 * value, what is accepted and what sendmail would make of it otherwise.
 */
int dh_params_parse(const char *value, struct dh_params *out, char **why);

/* What a DHParameters value means, in words (translated; caller frees): each keyword's
 * parameters and whether DHE is offered with them; for a file, the size of the DH
 * parameters it holds (dh_pem_bits), or why there are none; for a bad value, why. */
char *dh_params_describe(const char *value);
/* The size of the DH parameters in the file path, read as sendmail reads it (its first DH
 * block): 0 with *bits; -1 when it holds none, -2 when it cannot be read (*why: caller frees). */
int dh_params_file_bits(const char *path, int *bits, char **why);

/* The fewest bits of DH parameters OpenSSL's default security level (2) takes for DHE. */
#define DH_MIN_BITS	2048

/*
 * The size of the DH parameters in data (a DHParameters file), read as sendmail reads them
 * (PEM_read_bio_DHparams(): the first DH PARAMETERS or X9.42 DH PARAMETERS block, other PEM
 * blocks skipped): 0 and *bits, or -1 with *why (caller frees) saying what it holds instead.
 */
int dh_pem_bits(const char *data, size_t len, int *bits, char **why);

#endif
