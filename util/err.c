/* Error records: set, locate (line:col from a byte offset) and format as
 * "path:line:col: message". */
#include "util/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

static void
copy(char *dst, size_t dlen, const char *src)
{
	size_t n = strlen(src);

	if (n >= dlen)
		n = dlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
err_clear(struct err *e)
{
	if (e == NULL)
		return;
	e->code = 0;
	e->sys_errno = 0;
	e->line = e->col = 0;
	e->path[0] = '\0';
	e->msg[0] = '\0';
}

int
err_vset(struct err *e, int code, const char *fmt, va_list ap)
{
	if (e != NULL) {
		e->code = code;
		e->sys_errno = 0;
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	}
	return -code;
}

int
err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	return -code;
}

int
err_sys(struct err *e, int code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	if (e != NULL) {
		e->sys_errno = saved;
		n = strlen(e->msg);
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(saved));
	}
	errno = saved;
	return -code;
}

void
err_set_path(struct err *e, const char *path)
{
	if (e != NULL && path != NULL)
		copy(e->path, sizeof(e->path), path);
}

void
err_set_pos(struct err *e, unsigned long line, unsigned long col)
{
	if (e != NULL) {
		e->line = line;
		e->col = col;
	}
}

void
err_pos_of(const char *text, size_t len, size_t offset, unsigned long *line, unsigned long *col)
{
	unsigned long l = 1, c = 1;
	size_t i;

	if (offset > len)
		offset = len;
	for (i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else if (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n')) {
			l++;
			c = 1;
		} else if (text[i] != '\r') {
			c++;
		}
	}
	*line = l;
	*col = c;
}

const char *
err_format(const struct err *e, char *out, size_t outlen)
{
	if (e->path[0] && e->line)
		snprintf(out, outlen, "%s:%lu:%lu: %s", e->path, e->line, e->col ? e->col : 1, e->msg);
	else if (e->path[0])
		snprintf(out, outlen, "%s: %s", e->path, e->msg);
	else
		snprintf(out, outlen, "%s", e->msg);
	return out;
}
