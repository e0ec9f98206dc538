/* Error paths of parsers/ not reached through a parser's own tests: the
 * format table, the size bound ahead of every parser, printing odd trees. */
#include "parsers/tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/tap.h"
#include "util/banned.h"

static void
test_formats(void)
{
	static const struct { const char *name; enum tree_format f; const char *canon; } v[] = {
		{ "json", TREE_FMT_JSON, "json" },
		{ "jsonc", TREE_FMT_JSONC, "jsonc" },
		{ "toml", TREE_FMT_TOML, "toml" },
		{ "yaml", TREE_FMT_YAML, "yaml" },
		{ "yml", TREE_FMT_YAML, "yaml" },
		{ "JSON", TREE_FMT_UNKNOWN, "unknown" },
		{ "", TREE_FMT_UNKNOWN, "unknown" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		is_int(tree_format_from_string(v[i].name), v[i].f, "format name '%s'", v[i].name);
		is_str(tree_format_name(tree_format_from_string(v[i].name)), v[i].canon,
		       "…printed as %s", v[i].canon);
	}
}

static void
test_limits(void)
{
	static const enum tree_format f[] = {
		TREE_FMT_JSON, TREE_FMT_JSONC, TREE_FMT_TOML, TREE_FMT_YAML,
	};
	struct tree_limits lim = { 8, 16, 100 };
	struct err e = ERR_INIT;
	cJSON *t = NULL;
	size_t i;

	/* The size bound comes first, whatever the format. */
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		int ret;

		err_clear(&e);
		ret = tree_parse("{\"a\": 12345}", 12, f[i], &lim, &t, &e);
		ok(ret == -ERR_LIMIT && t == NULL && strstr(e.msg, "input too large (12 bytes, "
		   "limit 8)") != NULL, "%s: over max_bytes refused (%s)", tree_format_name(f[i]),
		   e.msg);
	}
	err_clear(&e);
	ok(tree_parse("[1]", 3, TREE_FMT_JSON, &lim, &t, &e) == 0 && cJSON_IsArray(t),
	   "within max_bytes parsed");
	cJSON_Delete(t);
}

static void
test_print(void)
{
	cJSON *o = cJSON_CreateObject(), *bad = cJSON_CreateNull();
	char *s;

	/* A lone 0xC0 byte (not the NUL marker 0xC0 0x80) is copied as is;
	 * control characters are escaped; an item of no JSON type prints
	 * as null rather than breaking the document. */
	cJSON_AddStringToObject(o, "k", "a\xc0" "b\x01\x7f\b\f");
	bad->type = cJSON_Invalid;
	cJSON_AddItemToObject(o, "r", bad);
	s = tree_print(o, 0, 0);
	is_str(s, "{\"k\":\"a\xc0" "b\\u0001\\u007f\\b\\f\",\"r\":null}", "odd bytes and raw items");
	free(s);
	cJSON_Delete(o);
}

int
main(void)
{
	test_formats();
	test_limits();
	test_print();
	return tap_done();
}
