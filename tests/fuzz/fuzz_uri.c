/* Fuzz target for net/uri: no input may crash; a canonical form re-parses
 * to itself (so matching on it is stable); a parsed host never holds a
 * character that would change which host is meant. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/uri.h"
#include "util/xalloc.h"

static void
check(int cond, const char *what, const char *in)
{
	if (!cond) {
		fprintf(stderr, "fuzz_uri: %s: '%s'\n", what, in);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = xmalloc(size + 1);
	struct uri u = URI_INIT, v = URI_INIT, b = URI_INIT;
	struct err e = ERR_INIT;

	memcpy(in, data, size);
	in[size] = '\0';
	if (uri_parse(in, &u, &e) == 0) {
		char *f = uri_format(&u, URI_FMT_QUERY), *g;

		check(strpbrk(u.host, "@/\\?#% ") == NULL, "host holds a delimiter", in);
		check(u.path[0] == '/', "path does not start with '/'", in);
		check(strstr(u.path, "/../") == NULL && strstr(u.path, "/./") == NULL,
		      "dot segment left in the path", in);
		check(uri_parse(f, &v, &e) == 0, "canonical form does not parse", in);
		g = uri_format(&v, URI_FMT_QUERY);
		check(strcmp(f, g) == 0, "canonical form is not a fixed point", in);
		check(uri_effective_port(&u) == uri_effective_port(&v), "port changed", in);
		free(g);
		free(f);
		if (uri_parse_base(in, &b, &e) == 0) {
			check(uri_under(&b, &v), "a base URL does not cover itself", in);
			check(b.userinfo == NULL && b.query == NULL, "base kept userinfo/query", in);
		}
	} else {
		check(u.scheme == NULL && u.host == NULL && u.path == NULL, "state left on error", in);
	}
	uri_release(&u);
	uri_release(&v);
	uri_release(&b);
	free(in);
	return 0;
}
