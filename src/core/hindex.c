/* hindex.c: a hash index (open addressing, linear probing) for lookups that were list scans. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/hindex.h"
#include "smtls/xmalloc.h"

uint64_t
hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

uint64_t
hash_str(const char *s)
{
	return hash_bytes(s, strlen(s));
}

static void
put(struct hindex *x, uint64_t h, size_t v)
{
	size_t i = (size_t)h & (x->cap - 1);

	while (x->v[i] != SIZE_MAX)
		i = (i + 1) & (x->cap - 1);
	x->h[i] = h;
	x->v[i] = v;
	x->n++;
}

void
hindex_add(struct hindex *x, uint64_t h, size_t v)
{
	if ((x->n + 1) * 2 > x->cap) {
		struct hindex old = *x;
		size_t i;

		x->cap = old.cap ? old.cap * 2 : 64;
		x->n = 0;
		x->h = xreallocarray(NULL, x->cap, sizeof(*x->h));
		x->v = xreallocarray(NULL, x->cap, sizeof(*x->v));
		for (i = 0; i < x->cap; i++)
			x->v[i] = SIZE_MAX;
		for (i = 0; i < old.cap; i++)
			if (old.v[i] != SIZE_MAX)
				put(x, old.h[i], old.v[i]);
		free(old.h);
		free(old.v);
	}
	put(x, h, v);
}

bool
hindex_next(const struct hindex *x, uint64_t h, size_t *it, size_t *v)
{
	size_t i;

	if (x->cap == 0)
		return false;
	/* *it counts the slots probed so far from h's home slot */
	for (i = ((size_t)h + *it) & (x->cap - 1); x->v[i] != SIZE_MAX && *it < x->cap;
	    i = (i + 1) & (x->cap - 1)) {
		(*it)++;
		if (x->h[i] == h) {
			*v = x->v[i];
			return true;
		}
	}
	return false;
}

void
hindex_free(struct hindex *x)
{
	free(x->h);
	free(x->v);
	memset(x, 0, sizeof(*x));
}
