/* pem.h: the PEM blocks of a file, read as a loop of OpenSSL's PEM_read_bio() reads them. */
#ifndef SMTLS_PEM_H
#define SMTLS_PEM_H

#include <stdbool.h>
#include <stddef.h>

struct pem_block {
	char		*label;		/* "CERTIFICATE", as on the BEGIN line */
	unsigned char	*der;		/* the decoded data */
	long		 der_len;
	size_t		 end;		/* the offset just past the block's END line */
};

struct pem_blocks {
	struct pem_block *v;
	size_t		 n;
	bool		 damaged;	/* a block PEM_read_bio() refuses ends the list there */
	bool		 fast;		/* read here rather than by OpenSSL (for tests and fuzzing) */
};

/*
 * Reads every PEM block of data[0, len) exactly as PEM_read_bio() called on a memory BIO
 * until it fails reads them: the same labels, data and end offsets, and damaged when its
 * last call failed for another reason than finding no further BEGIN line. A file in the
 * plain layout every tool writes (64 base64 characters a line, no headers, \n line ends) is
 * decoded here, several times faster than OpenSSL's line-by-line decoder; any other file is
 * left to PEM_read_bio() whole. fuzz/fuzz_pem.c holds the two readers to the same results.
 */
void pem_read_all(const char *data, size_t len, struct pem_blocks *out);
/* The same, through PEM_read_bio() only: what pem_read_all() must agree with. */
void pem_read_all_openssl(const char *data, size_t len, struct pem_blocks *out);
void pem_blocks_free(struct pem_blocks *b);

#endif
