/* Allocation wrappers that abort on exhaustion (tmux xmalloc style), so no
 * caller carries an untested out-of-memory path. */
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "util/banned.h"

static volatile int oom_exit = -1;
static const char *volatile oom_msg;

void
xalloc_oom_exit(int code, const char *msg)
{
	oom_exit = code;
	oom_msg = msg;
}

static void die_oom(size_t n) __attribute__((noreturn));

void
xalloc_die(size_t n)
{
	die_oom(n);
}

static void
die_oom(size_t n)
{
	fprintf(stderr, "runlayer: out of memory allocating %zu bytes\n", n);
	if (oom_exit >= 0) {
		if (oom_msg)
			fputs(oom_msg, stderr);
		fflush(stderr);
		_exit(oom_exit);
	}
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die_oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		die_oom(nmemb * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		die_oom(n);
	return q;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		die_oom(SIZE_MAX);
	return xrealloc(p, nmemb * size);
}

/*
 * cJSON allocates through xmalloc too. With plain malloc, a failed
 * allocation makes cJSON_Add*() and cJSON_Create*() return NULL, which
 * callers ignore: the document is written without that member (a rules file
 * without "version", exit 0). Installed before main() runs.
 */
__attribute__((constructor)) static void
xalloc_cjson_hooks(void)
{
	cJSON_Hooks hooks = { xmalloc, free };

	cJSON_InitHooks(&hooks);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die_oom(0);
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
