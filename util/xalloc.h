/* Checked allocation: every wrapper aborts the process on failure, so callers
 * never handle NULL from an allocation. */
#ifndef UTIL_XALLOC_H
#define UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow-array helper: returns p resized to hold nmemb * size bytes, aborting on overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * On allocation failure, print msg (after the usual line) and _exit(code)
 * instead of abort(); code < 0 restores abort(). The hook uses this so that
 * running out of memory in enforce mode blocks the call (exit 2) rather
 * than crashing, which clients treat as "let it through". msg must stay
 * valid.
 */
void xalloc_oom_exit(int code, const char *msg);

/* What the wrappers do on failure, for allocations made elsewhere (a
 * library reporting its own out-of-memory error): never returns. */
void xalloc_die(size_t n) __attribute__((noreturn));

#endif
