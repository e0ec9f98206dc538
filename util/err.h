/* The error record every library function fills instead of printing: a
 * message plus the path, line and column it concerns (libgit2 style). */
#ifndef UTIL_ERR_H
#define UTIL_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* Error classes, returned negated by library functions (-ERR_IO, …). */
enum err_code {
	ERR_OK = 0,
	ERR_GENERIC = 1,
	ERR_IO = 2,		/* open/read/write failed (errno kept) */
	ERR_NOTFOUND = 3,	/* file or key absent */
	ERR_PARSE = 4,		/* syntax error in input */
	ERR_LIMIT = 5,		/* a size, depth or count bound was hit */
	ERR_SKIP = 6,		/* not a regular file, symlink, … (skipped) */
	ERR_INVALID = 7,	/* bad argument or value */
};

struct err {
	int code;		/* enum err_code */
	int sys_errno;		/* errno when code is ERR_IO, else 0 */
	unsigned long line;	/* 1-based, 0 when unknown */
	unsigned long col;	/* 1-based, 0 when unknown */
	char path[1024];
	char msg[512];
};

#define ERR_INIT { 0, 0, 0, 0, "", "" }

void err_clear(struct err *e);
/* Fill e (may be NULL) and return -code, so `return err_set(e, ERR_IO, …);` works. */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int err_vset(struct err *e, int code, const char *fmt, va_list ap);
/* Same, recording errno (the message gets ": strerror(errno)" appended). */
int err_sys(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void err_set_path(struct err *e, const char *path);
void err_set_pos(struct err *e, unsigned long line, unsigned long col);
/* Compute 1-based line and column (in bytes) of offset in text. */
void err_pos_of(const char *text, size_t len, size_t offset, unsigned long *line, unsigned long *col);
/* "path:line:col: msg" (parts omitted when unknown) into out. */
const char *err_format(const struct err *e, char *out, size_t outlen);

#endif
