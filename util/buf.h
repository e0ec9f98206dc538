/* A growable byte buffer, always NUL-terminated, with an optional size cap
 * for untrusted input (git strbuf, curl dynbuf). */
#ifndef UTIL_BUF_H
#define UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;	/* never NULL; points at a shared "" until first growth */
	size_t len;	/* bytes used, excluding the terminating NUL */
	size_t cap;	/* bytes allocated (0 while data is the shared "") */
	size_t max;	/* largest len allowed; 0 means unlimited */
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0, 0 }

/* Initialise with a cap on len (0 = none). */
void buf_init(struct buf *b, size_t max);
/* Free the storage and return to the empty state (cap kept). */
void buf_release(struct buf *b);
/* Set len to 0, keep storage. */
void buf_clear(struct buf *b);
/* Take ownership of the data; the buffer becomes empty. Caller frees. */
char *buf_detach(struct buf *b, size_t *len);

/* Append functions return 0, or -1 when the cap would be exceeded (the buffer
 * is then unchanged). Allocation failure aborts. */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Make room for at least extra more bytes; -1 when over the cap. */
int buf_grow(struct buf *b, size_t extra);
void buf_setlen(struct buf *b, size_t len);

#endif
