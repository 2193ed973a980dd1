/* hindex.h: a hash index: from a 64-bit hash to the positions (in the caller's array) that have it. */
#ifndef SMTLS_HINDEX_H
#define SMTLS_HINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Open addressing; the caller keeps the items and compares them on each hit. */
struct hindex {
	uint64_t	*h;
	size_t		*v;	/* SIZE_MAX: an empty slot */
	size_t		 cap, n;
};

/* FNV-1a of n bytes, and of a string. */
uint64_t hash_bytes(const void *p, size_t n);
uint64_t hash_str(const char *s);
void hindex_add(struct hindex *x, uint64_t h, size_t v);
/* The positions with hash h, one per call: size_t it = 0; while (hindex_next(x, h, &it, &v)) */
bool hindex_next(const struct hindex *x, uint64_t h, size_t *it, size_t *v);
void hindex_free(struct hindex *x);

#endif
