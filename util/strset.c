/* String set with open addressing and linear probing; grows at 50% load. */
#include "util/strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t
find(char *const *slots, size_t cap, const char *s)
{
	size_t i = (size_t)hash(s) & (cap - 1);

	while (slots[i] && strcmp(slots[i], s) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

int
strset_has(const struct strset *set, const char *s)
{
	return set->cap && set->slots[find(set->slots, set->cap, s)] != NULL;
}

int
strset_add(struct strset *set, const char *s)
{
	size_t i;

	if (set->n * 2 >= set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 64, k;
		char **ns = xcalloc(ncap, sizeof(*ns));

		for (k = 0; k < set->cap; k++)
			if (set->slots[k])
				ns[find(ns, ncap, set->slots[k])] = set->slots[k];
		free(set->slots);
		set->slots = ns;
		set->cap = ncap;
	}
	i = find(set->slots, set->cap, s);
	if (set->slots[i])
		return 0;
	set->slots[i] = xstrdup(s);
	set->n++;
	return 1;
}

void
strset_release(struct strset *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	set->slots = NULL;
	set->n = set->cap = 0;
}
