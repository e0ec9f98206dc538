/* libFuzzer target for property lists (XML and bplist00): parsing either
 * fails with a message or gives a tree within the limits that prints; the
 * same bytes as macOS managed preferences give only typed, known values. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/managed.h"
#include "net/plist.h"
#include "parsers/tree.h"
#include "tests/fuzz/fuzz_tmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_plist: %s\n", what);
		abort();
	}
}

static size_t
count(const cJSON *t, unsigned depth, unsigned *max_depth)
{
	const cJSON *c;
	size_t n = 1;

	if (depth > *max_depth)
		*max_depth = depth;
	cJSON_ArrayForEach(c, t)
		n += count(c, depth + 1, max_depth);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = ERR_INIT;
	cJSON *t = NULL;
	int ret;

	ret = plist_parse((const char *)data, size, &t, &e);
	if (ret < 0) {
		check(t == NULL, "a failed parse left a tree");
		check((ret == -ERR_PARSE || ret == -ERR_LIMIT) && e.msg[0], "error without a message");
	} else {
		unsigned depth = 0;
		char *s;

		check(t != NULL, "no tree");
		check(count(t, 0, &depth) <= PLIST_MAX_NODES, "node limit passed");
		check(depth <= PLIST_MAX_DEPTH + 1, "depth limit passed");
		s = tree_print(t, 0, 0);
		check(s != NULL, "tree does not print");
		free(s);
		cJSON_Delete(t);
	}

	/* The same bytes as the managed preferences of plain runlayer. */
	if (size <= 64 * 1024) {
		struct managed_opts o;
		struct managed m;
		const cJSON *v;

		fuzz_tmp_write("Library/Managed Preferences/com.runlayer.cli.plist", data, size, 0644);
		memset(&o, 0, sizeof(o));
		o.root = fuzz_tmp();
		o.os = "darwin";
		managed_load(&m, &o, &e);
		cJSON_ArrayForEach(v, m.values) {
			check(cJSON_IsString(v) || cJSON_IsBool(v) ||
			      (cJSON_IsNumber(v) && tree_is_integer(v) && v->valuedouble > 0),
			      "managed value of the wrong type");
			check(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m.sources, v->string)),
			      "managed value without a source");
		}
		v = cJSON_GetObjectItemCaseSensitive(m.values, "Mode");
		check(v == NULL || strcmp(v->valuestring, "monitor") == 0 ||
		      strcmp(v->valuestring, "protect") == 0 || strcmp(v->valuestring, "enforce") == 0,
		      "unknown Mode kept");
		managed_release(&m);
	}
	return 0;
}
