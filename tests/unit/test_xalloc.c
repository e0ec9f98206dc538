/* Allocation failure aborts with a message, for our own allocations and for
 * cJSON's (whose NULL returns would otherwise drop members silently). */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tests/unit/tap.h"
#include "util/xalloc.h"

/* Under AddressSanitizer a huge malloc must return NULL, as libc's does. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

#define HUGE_SIZE ((size_t)1 << 62)

/* Run fn in a child: its stderr into out, 1 when it died of SIGABRT. */
static int
aborts(void (*fn)(void), char *out, size_t len)
{
	int fds[2], status;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	out[0] = '\0';
	if (pipe(fds) < 0)
		return 0;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while (got + 1 < len && (n = read(fds[0], out + got, len - got - 1)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0)
		return 0;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void
huge_xmalloc(void)
{
	void *p = xmalloc(HUGE_SIZE);

	free(p);
}

static void
huge_cjson(void)
{
	void *p = cJSON_malloc(HUGE_SIZE);

	/* Reached only when cJSON still uses plain malloc. */
	cJSON_free(p);
}

int
main(void)
{
	char err[512];
	cJSON *o;
	char *text;

	ok(aborts(huge_xmalloc, err, sizeof(err)), "xmalloc of 2^62 bytes aborts");
	ok(strstr(err, "runlayer: out of memory allocating") != NULL, "…saying so (%s)", err);
	ok(aborts(huge_cjson, err, sizeof(err)), "cJSON's allocation of 2^62 bytes aborts too");
	ok(strstr(err, "runlayer: out of memory allocating") != NULL, "…saying so (%s)", err);

	/* The hooks keep cJSON working (printing without realloc). */
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", 1);
	cJSON_AddStringToObject(o, "mode", "enforce");
	text = cJSON_PrintUnformatted(o);
	is_str(text, "{\"version\":1,\"mode\":\"enforce\"}", "cJSON builds and prints");
	cJSON_free(text);
	cJSON_Delete(o);
	return tap_done();
}
