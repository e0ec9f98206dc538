/* A set of strings (open addressing, FNV-1a), for "seen" checks over
 * thousands of paths without quadratic scans. */
#ifndef UTIL_STRSET_H
#define UTIL_STRSET_H

#include <stddef.h>

struct strset {
	char **slots;
	size_t n, cap;		/* cap is 0 or a power of two */
};

#define STRSET_INIT { NULL, 0, 0 }

/* Add a copy of s; returns 1 when added, 0 when it was already present. */
int strset_add(struct strset *set, const char *s);
int strset_has(const struct strset *set, const char *s);
void strset_release(struct strset *set);

#endif
