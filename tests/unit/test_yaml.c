/* Unit tests for parsers/yaml.c: core-schema typing, anchors and alias
 * bombs, limits, merge keys, errors with line:col, real client shapes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parsers/tree.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "tests/unit/tap.h"

static struct err last_err;

/* Parse doc and return compact JSON (tagged if asked), or
 * "error CODE LINE:COL MSG". Caller frees. */
static char *
run_lim(const char *doc, size_t len, const struct tree_limits *lim, int tagged)
{
	cJSON *tree = NULL;
	char *s;
	int r;

	err_clear(&last_err);
	r = yaml_parse(doc, len, lim, &tree, &last_err);
	if (r < 0) {
		if (tree != NULL)
			return xstrdup("error but a tree was returned");
		if (r != -last_err.code)
			return xstrdup("error code mismatch");
		return xasprintf("error %d %lu:%lu %s", last_err.code, last_err.line,
				 last_err.col, last_err.msg);
	}
	s = tree_print(tree, 0, tagged);
	cJSON_Delete(tree);
	return s;
}

static char *
run(const char *doc)
{
	return run_lim(doc, strlen(doc), NULL, 0);
}

#define check(doc, want, ...) do { \
	char *got_ = run(doc); \
	is_str(got_, want, __VA_ARGS__); \
	free(got_); \
} while (0)

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Plain scalars resolve with the YAML 1.2 core schema. */
static void
test_typing(void)
{
	static const struct {
		const char *in, *type, *value;
	} t[] = {
		{ "", "null", "" }, { "~", "null", "" }, { "null", "null", "" },
		{ "Null", "null", "" }, { "NULL", "null", "" },
		{ "nULL", "string", "nULL" },
		{ "true", "bool", "true" }, { "True", "bool", "true" },
		{ "TRUE", "bool", "true" }, { "false", "bool", "false" },
		{ "False", "bool", "false" }, { "FALSE", "bool", "false" },
		{ "tRUE", "string", "tRUE" },
		/* YAML 1.1 words are strings in 1.2 */
		{ "yes", "string", "yes" }, { "no", "string", "no" },
		{ "on", "string", "on" }, { "off", "string", "off" },
		{ "y", "string", "y" },
		{ "0", "integer", "0" }, { "42", "integer", "42" },
		{ "-17", "integer", "-17" }, { "+12", "integer", "12" },
		{ "-0", "integer", "0" },
		{ "007", "integer", "7" }, { "0755", "integer", "755" },
		{ "0o17", "integer", "15" }, { "0o0", "integer", "0" },
		{ "0x1F", "integer", "31" }, { "0xff", "integer", "255" },
		{ "0x7FFFFFFFFFFFFFFF", "integer", "9223372036854775807" },
		{ "9223372036854775807", "integer", "9223372036854775807" },
		{ "-9223372036854775808", "integer", "-9223372036854775808" },
		/* beyond int64: a float */
		{ "9223372036854775808", "float", "9.2233720368547758e+18" },
		{ "-99999999999999999999", "float", "-1e+20" },
		{ "0x10000000000000000", "float", "1.8446744073709552e+19" },
		{ "0o", "string", "0o" }, { "0x", "string", "0x" },
		{ "0o8", "string", "0o8" }, { "0xg", "string", "0xg" },
		{ "-0x1", "string", "-0x1" }, { "+0o7", "string", "+0o7" },
		{ "0b101", "string", "0b101" }, { "1_000", "string", "1_000" },
		{ "1.5", "float", "1.5" }, { "-1.5e3", "float", "-1500.0" },
		{ ".5", "float", "0.5" }, { "5.", "float", "5.0" },
		{ "1e5", "float", "100000.0" }, { "1E-2", "float", "0.01" },
		{ "+.5", "float", "0.5" }, { "6.02e+23", "float", "6.02e+23" },
		{ ".inf", "float", "inf" }, { ".Inf", "float", "inf" },
		{ ".INF", "float", "inf" }, { "+.inf", "float", "inf" },
		{ "-.inf", "float", "-inf" }, { "-.Inf", "float", "-inf" },
		{ ".nan", "float", "nan" }, { ".NaN", "float", "nan" },
		{ ".NAN", "float", "nan" },
		{ "-.nan", "string", "-.nan" }, { ".iNf", "string", ".iNf" },
		{ "inf", "string", "inf" }, { "nan", "string", "nan" },
		{ "1.2.3", "string", "1.2.3" }, { "1e", "string", "1e" },
		{ "1e+", "string", "1e+" }, { ".", "string", "." },
		{ "-x", "string", "-x" }, { "0x1p3", "string", "0x1p3" },
		{ "2001-12-14", "string", "2001-12-14" },
		{ "12:30", "string", "12:30" },
		{ "hello world", "string", "hello world" },
		{ "'42'", "string", "42" }, { "\"true\"", "string", "true" },
		{ "'null'", "string", "null" }, { "''", "string", "" },
		{ "!!str 42", "string", "42" }, { "!!str true", "string", "true" },
		{ "!!str", "string", "" },
		{ "!!int \"12\"", "integer", "12" }, { "!!int 0x10", "integer", "16" },
		{ "!!float 1", "float", "1.0" }, { "!!float '2.5'", "float", "2.5" },
		{ "!!bool 'false'", "bool", "false" },
		{ "!!null ''", "null", "" }, { "!!null ~", "null", "" },
		{ "! 12", "string", "12" }, { "!custom 5", "string", "5" },
		{ "!!binary aGVsbG8=", "string", "aGVsbG8=" },
		{ "!!timestamp 2001-12-14", "string", "2001-12-14" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *doc = xasprintf("v: %s\n", t[i].in);
		char *want = xasprintf("{\"v\":{\"type\": \"%s\", \"value\": \"%s\"}}",
				       t[i].type, t[i].value);
		char *got = run_lim(doc, strlen(doc), NULL, 1);

		is_str(got, want, "typing: v: %s", t[i].in);
		free(doc);
		free(want);
		free(got);
	}
	/* Block scalars are strings even when they look like numbers. */
	check("a: |\n  42\nb: >-\n  true\n  false\n", "{\"a\":\"42\\n\",\"b\":\"true false\"}",
	      "block scalars are strings");
	check("k: v # comment\n", "{\"k\":\"v\"}", "comment after a plain scalar");
	check("k: v#not-a-comment\n", "{\"k\":\"v#not-a-comment\"}", "# inside a plain scalar");
	check("url: http://x:8080/a\n", "{\"url\":\"http://x:8080/a\"}", "colon inside a URL");
	/* Keys keep their text whatever it would resolve to. */
	check("1: a\ntrue: b\n~: c\n0x10: d\n'q': e\n", "{\"1\":\"a\",\"true\":\"b\",\"~\":\"c\","
	      "\"0x10\":\"d\",\"q\":\"e\"}", "keys are the scalar text");
	check("? \n: v\n", "{\"\":\"v\"}", "empty explicit key");
	/* Tags that do not fit their value are errors, as in PyYAML. */
	check("a: !!int abc\n", "error 4 1:4 invalid !!int value 'abc'", "!!int abc fails");
	check("a: !!bool yes\n", "error 4 1:4 invalid !!bool value 'yes'", "!!bool yes fails");
	check("a: !!float x\n", "error 4 1:4 invalid !!float value 'x'", "!!float x fails");
	check("a: !!null x\n", "error 4 1:4 invalid !!null value 'x'", "!!null x fails");
	check("a: !!map x\n", "{\"a\":\"x\"}", "other core tags on scalars give strings");
	check("a: !!seq [1]\nb: !foo {c: 1}\n", "{\"a\":[1],\"b\":{\"c\":1}}",
	      "tags on collections are ignored");
}

static void
test_integers(void)
{
	struct err e = ERR_INIT;
	cJSON *tree = NULL, *v;
	const char *doc = "a: 12345678901234\nb: 0x10\nc: 1.0\nd: 1e3\n";

	ok(yaml_parse(doc, strlen(doc), NULL, &tree, &e) == 0, "integers parse");
	v = cJSON_GetObjectItemCaseSensitive(tree, "a");
	ok(tree_is_integer(v), "a is an integer");
	is_str(v ? v->valuestring : NULL, "12345678901234", "a keeps its exact text");
	ok(v && v->valuedouble == 12345678901234.0, "a has its value");
	v = cJSON_GetObjectItemCaseSensitive(tree, "b");
	ok(tree_is_integer(v) && strcmp(v->valuestring, "16") == 0, "hex is integer 16");
	v = cJSON_GetObjectItemCaseSensitive(tree, "c");
	ok(cJSON_IsNumber(v) && !tree_is_integer(v), "1.0 is a float");
	v = cJSON_GetObjectItemCaseSensitive(tree, "d");
	ok(cJSON_IsNumber(v) && !tree_is_integer(v) && v->valuedouble == 1000.0,
	   "1e3 is the float 1000");
	cJSON_Delete(tree);
}

static void
test_anchors(void)
{
	check("a: &x 1\nb: *x\n", "{\"a\":1,\"b\":1}", "scalar alias");
	check("a: &x {k: [1, 2]}\nb: *x\nc: [*x, *x]\n",
	      "{\"a\":{\"k\":[1,2]},\"b\":{\"k\":[1,2]},\"c\":[{\"k\":[1,2]},{\"k\":[1,2]}]}",
	      "mapping alias copied everywhere");
	check("a: &x [1]\nb: &x [2]\nc: *x\n", "{\"a\":[1],\"b\":[2],\"c\":[2]}",
	      "a redefined anchor: aliases see the latest");
	check("- &k name\n- {*k : v}\n", "[\"name\",{\"name\":\"v\"}]", "alias as a mapping key");
	check("&k key: 1\nother: *k\n", "{\"key\":1,\"other\":\"key\"}", "anchored mapping key");
	check("&k 0x10: 1\nother: *k\n", "{\"0x10\":1,\"other\":16}",
	      "anchored key keeps its type for aliases");
	check("a: *nope\n", "error 4 1:4 undefined alias '*nope'", "undefined alias fails");
	check("a: &x [1, *x]\n", "error 4 1:11 alias '*x' is inside its own anchor",
	      "recursive alias fails");
	check("a: &x {b: *x}\n", "error 4 1:11 alias '*x' is inside its own anchor",
	      "recursive mapping alias fails");
	check("a: &x [1]\n*x : 2\n",
	      "error 4 2:1 mapping key must be a scalar ('*x' is a collection)",
	      "alias of a collection as a key fails");
	/* A copy is independent of its original. */
	check("a: &x {k: 1, k: 2}\nb: *x\n", "{\"a\":{\"k\":2},\"b\":{\"k\":2}}",
	      "copies are deduplicated like originals");
}

/* The classic billion laughs, nine levels of nine. */
static char *
billion_laughs(void)
{
	struct buf b = BUF_INIT;
	char prev = 'a';

	buf_adds(&b, "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	for (char c = 'b'; c <= 'i'; c++) {
		buf_addf(&b, "%c: &%c [", c, c);
		for (int i = 0; i < 9; i++)
			buf_addf(&b, "%s*%c", i ? "," : "", prev);
		buf_adds(&b, "]\n");
		prev = c;
	}
	return buf_detach(&b, NULL);
}

static void
test_limits(void)
{
	struct tree_limits lim = tree_limits_default;
	const char *doc;
	char *bomb, *got;
	double t0, dt;
	struct buf b = BUF_INIT;
	int i;

	bomb = billion_laughs();
	t0 = now();
	got = run(bomb);
	dt = now() - t0;
	ok(strncmp(got, "error 5 ", 8) == 0 && strstr(got, "too many nodes (alias expansion?)"),
	   "billion laughs fails with ERR_LIMIT (%s)", got);
	ok(dt < 0.5 * tap_slow(), "billion laughs fails fast (%.1f ms)", dt * 1000);
	printf("# billion laughs: %.2f ms\n", dt * 1000);
	free(got);
	/* Even with a generous node budget the ratio stops it early. */
	lim.max_nodes = 100u * 1000 * 1000;
	t0 = now();
	got = run_lim(bomb, strlen(bomb), &lim, 0);
	dt = now() - t0;
	ok(strncmp(got, "error 5 ", 8) == 0, "billion laughs fails with 100M nodes allowed");
	ok(dt < 0.5 * tap_slow(), "... still fast (%.1f ms)", dt * 1000);
	free(got);
	free(bomb);

	/* Exact node accounting: root, a, three scalars = 5; the alias adds 4. */
	lim = tree_limits_default;
	lim.max_nodes = 9;
	doc = "a: &a [1, 2, 3]\nb: *a\n";
	got = run_lim(doc, strlen(doc), &lim, 0);
	is_str(got, "{\"a\":[1,2,3],\"b\":[1,2,3]}", "9 nodes fit a limit of 9");
	free(got);
	lim.max_nodes = 8;
	got = run_lim(doc, strlen(doc), &lim, 0);
	is_str(got, "error 5 2:4 too many nodes (alias expansion?)",
	       "the alias that passes the limit fails before copying");
	free(got);
	lim.max_nodes = 4;
	got = run_lim(doc, strlen(doc), &lim, 0);
	is_str(got, "error 5 1:14 too many values (limit 4)", "plain values count too");
	free(got);

	/* Ratio: many aliases of a small anchor in a small document. */
	lim = tree_limits_default;
	buf_adds(&b, "a: &a [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]\nb: [");
	for (i = 0; i < 10000; i++)
		buf_adds(&b, i ? ",*a" : "*a");
	buf_adds(&b, "]\n");
	got = run_lim(b.data, b.len, &lim, 0);
	ok(strstr(got, "too many nodes (alias expansion?)") != NULL,
	   "160000 alias nodes from a 10-line file hit the alias ratio");
	free(got);
	buf_release(&b);
	/* A realistic reuse: one env block shared by 50 servers. */
	buf_adds(&b, "env: &env {A: 1, B: 2, C: 3, D: 4}\nservers:\n");
	for (i = 0; i < 50; i++)
		buf_addf(&b, "  s%d: {command: x, env: *env}\n", i);
	got = run_lim(b.data, b.len, &lim, 0);
	ok(strncmp(got, "{\"env\"", 6) == 0, "50 aliases of a shared block are fine");
	free(got);
	buf_release(&b);

	/* Depth: 100000 nested flow sequences and block sequences. */
	for (i = 0; i < 100000; i++)
		buf_addc(&b, '[');
	for (i = 0; i < 100000; i++)
		buf_addc(&b, ']');
	t0 = now();
	got = run_lim(b.data, b.len, NULL, 0);
	dt = now() - t0;
	is_str(got, "error 5 1:257 nesting too deep (limit 256)", "100000 '[' fail at depth 257");
	ok(dt < 0.5 * tap_slow(), "deep flow nesting fails fast (%.1f ms)", dt * 1000);
	free(got);
	buf_release(&b);
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "- ");
	buf_adds(&b, "x\n");
	t0 = now();
	got = run_lim(b.data, b.len, NULL, 0);
	dt = now() - t0;
	is_str(got, "error 5 1:513 nesting too deep (limit 256)", "100000 '- ' fail at depth 257");
	ok(dt < 0.5 * tap_slow(), "deep block nesting fails fast (%.1f ms)", dt * 1000);
	free(got);
	buf_release(&b);
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "{a: ");
	got = run_lim(b.data, b.len, NULL, 0);
	ok(strncmp(got, "error 5 1:1025 nesting too deep", 31) == 0, "100000 '{a: ' fail");
	free(got);
	buf_release(&b);

	lim = tree_limits_default;
	lim.max_depth = 3;
	doc = "[[[1]]]";
	got = run_lim(doc, strlen(doc), &lim, 0);
	is_str(got, "[[[1]]]", "depth 3 fits a limit of 3");
	free(got);
	doc = "[[[[1]]]]";
	got = run_lim(doc, strlen(doc), &lim, 0);
	is_str(got, "error 5 1:4 nesting too deep (limit 3)", "depth 4 fails a limit of 3");
	free(got);
	doc = "a: &a [[1]]\nb: *a\n";
	got = run_lim(doc, strlen(doc), &lim, 0);
	is_str(got, "{\"a\":[[1]],\"b\":[[1]]}", "an alias landing at depth 3 fits");
	free(got);
	doc = "a: &a [[1]]\nb: [*a]\n";
	got = run_lim(doc, strlen(doc), &lim, 0);
	is_str(got, "error 5 2:5 nesting too deep (limit 3)",
	       "an alias landing at depth 4 fails");
	free(got);

	lim = tree_limits_default;
	lim.max_bytes = 4;
	doc = "a: 12\n";
	got = run_lim(doc, strlen(doc), &lim, 0);
	ok(strncmp(got, "error 5 ", 8) == 0 && strstr(got, "too large"), "max_bytes applies");
	free(got);
}

static void
test_documents(void)
{
	check("", "{}", "empty input is an empty object");
	check("   \n\n", "{}", "whitespace only is an empty object");
	check("# just a comment\n# another\n", "{}", "comments only are an empty object");
	check("---\n", "{}", "an empty document is an empty object");
	check("--- # c\n...\n", "{}", "an empty explicit document is an empty object");
	check("~\n", "null", "an explicit null root stays null");
	check("hello\n", "\"hello\"", "a scalar root");
	check("- a\n- b\n", "[\"a\",\"b\"]", "a sequence root");
	check("a: 1\n---\nb: 2\n", "{\"a\":1}", "multi-document: first only");
	check("--- \na: 1\n...\n--- \nb: [\n", "{\"a\":1}",
	      "later documents are not parsed (an error there is ignored)");
	check("%YAML 1.2\n---\na: 1\n", "{\"a\":1}", "YAML directive");
	check("\xef\xbb\xbf" "a: 1\r\nb:\r\n  - x\r\n", "{\"a\":1,\"b\":[\"x\"]}", "BOM and CRLF");
	check("a: 1\n\nb: 2", "{\"a\":1,\"b\":2}", "no final newline");
	check("a: \"caf\\u00e9 \\t\"\nb: 'it''s'\n", "{\"a\":\"caf\xc3\xa9 \\t\",\"b\":\"it's\"}",
	      "escapes in quoted scalars");
	check("a: {b: [1, {c: d}], e: []}\n", "{\"a\":{\"b\":[1,{\"c\":\"d\"}],\"e\":[]}}",
	      "flow collections");
	check("a:\n  - b: 1\n    c: 2\n  - d\n", "{\"a\":[{\"b\":1,\"c\":2},\"d\"]}",
	      "block collections");
	check("a:\nb: 1\n", "{\"a\":null,\"b\":1}", "missing value is null");
}

static void
test_keys(void)
{
	check("a: 1\nb: 2\na: 3\n", "{\"a\":3,\"b\":2}", "duplicate key: last value, first place");
	check("a: 1\na: 2\na: {x: 1}\n", "{\"a\":{\"x\":1}}", "three duplicates");
	check("{b: 1, a: 2, b: 3, c: 4, a: 5}", "{\"b\":3,\"a\":5,\"c\":4}",
	      "interleaved duplicates keep first places");
	check("? [a, b]\n: c\n", "error 4 1:3 mapping key must be a scalar, not a sequence",
	      "sequence key fails");
	check("{x: 1}: 2\n", "error 4 1:1 mapping key must be a scalar, not a mapping",
	      "mapping key fails");
	check("a: \"x\\0y\"\n", "error 4 1:4 NUL character in a scalar", "NUL escape refused");
	check("\"k\\0\": 1\n", "error 4 1:1 NUL character in a scalar", "NUL in a key refused");
}

static void
test_merge(void)
{
	const char *base = "b: &b {a: 1, b: 2}\no: &o {b: 20, c: 30}\n";
	char *doc;

	check("b: &b {a: 1, b: 2}\nm:\n  <<: *b\n  b: 3\n",
	      "{\"b\":{\"a\":1,\"b\":2},\"m\":{\"a\":1,\"b\":3}}", "merge: explicit key wins");
	check("b: &b {a: 1, b: 2}\nm:\n  b: 3\n  <<: *b\n",
	      "{\"b\":{\"a\":1,\"b\":2},\"m\":{\"b\":3,\"a\":1}}",
	      "merge: explicit key wins even before <<");
#define WITH_BASE(rest, want, ...) do { \
	doc = xasprintf("%s%s", base, rest); \
	check(doc, want, __VA_ARGS__); \
	free(doc); \
} while (0)
	WITH_BASE("m: {<<: [*b, *o], c: 3}\n", "{\"b\":{\"a\":1,\"b\":2},\"o\":{\"b\":20,\"c\":30},"
		  "\"m\":{\"a\":1,\"b\":2,\"c\":3}}", "merge list: earlier source wins");
	WITH_BASE("m: {<<: [*o, *b]}\n", "{\"b\":{\"a\":1,\"b\":2},\"o\":{\"b\":20,\"c\":30},"
		  "\"m\":{\"b\":20,\"c\":30,\"a\":1}}", "merge list order matters");
	WITH_BASE("m: {<<: {z: 9}, y: 1}\n", "{\"b\":{\"a\":1,\"b\":2},\"o\":{\"b\":20,\"c\":30},"
		  "\"m\":{\"z\":9,\"y\":1}}", "inline mapping merge");
	check("m: {<<: 5}\n", "{\"m\":{\"<<\":5}}", "<< with a scalar is a plain key");
	check("m: {<<: [{a: 1}, 2]}\n", "{\"m\":{\"<<\":[{\"a\":1},2]}}",
	      "<< with a mixed sequence is a plain key");
	check("m: {<<: []}\n", "{\"m\":{\"<<\":[]}}", "<< with an empty sequence is a plain key");
	check("m: {\"<<\": {a: 1}}\n", "{\"m\":{\"<<\":{\"a\":1}}}", "quoted << is a plain key");
	check("m: {<<: {}}\n", "{\"m\":{}}", "merging an empty mapping");
	check("a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n",
	      "{\"a\":{\"x\":1},\"b\":{\"x\":1,\"y\":2},\"c\":{\"x\":1,\"y\":2,\"z\":3}}",
	      "merges chain through aliases");
	check("a: &a {<<: {x: 1}}\nb: *a\n", "{\"a\":{\"x\":1},\"b\":{\"x\":1}}",
	      "an anchored merge is copied merged");
	check("- &a {<<: {k: v}}\n- <<: *a\n", "[{\"k\":\"v\"},{\"k\":\"v\"}]",
	      "aliased merge value keeps no stale merge mark");
#undef WITH_BASE
}

static void
test_errors(void)
{
	check("a: 1\n b: 2\n", "error 4 2:3 mapping values are not allowed in this context",
	      "bad indentation: line 2 col 3");
	check("a: 1\nb:\n\t- x\n", "error 4 3:1 found character that cannot start any token "
	      "while scanning for the next token (a tab: YAML indentation must use spaces)",
	      "tab indentation: line 3 col 1");
	check("a:\n  b: 1\n\tc: 2\n", "error 4 3:1 found a tab character that violates "
	      "indentation (while scanning a plain scalar started at line 2 column 6)",
	      "tab after a block mapping");
	check("a: [1, 2\nb: 3\n", "error 4 2:2 did not find expected ',' or ']' "
	      "(while parsing a flow sequence started at line 1 column 4)", "unclosed flow sequence");
	check("a:\n  b: 1\n c: 2\n", "error 4 3:2 did not find expected key "
	      "(while parsing a block mapping started at line 1 column 1)", "dedented key");
	check("a: \"abc\nb: 1\n", "error 4 3:1 found unexpected end of stream "
	      "(while scanning a quoted scalar started at line 1 column 4)", "unterminated quote");
	check("a: 'x'y\n", "error 4 1:7 did not find expected key "
	      "(while parsing a block mapping started at line 1 column 1)", "junk after a quote");
	check("a: @x\n", "error 4 1:4 found character that cannot start any token "
	      "while scanning for the next token", "reserved indicator");
	check("a: *\n", "error 4 1:5 did not find expected alphabetic or numeric character "
	      "(while scanning an alias started at line 1 column 4)", "empty alias name");
	check("a: 1\nb: \xff\n", "error 4 2:4 invalid leading UTF-8 octet (#FF)",
	      "invalid UTF-8: located by byte");
	check("\xef\xbb\xbf" "a: \xc3(\n", "error 4 1:5 invalid trailing UTF-8 octet (#28)",
	      "invalid UTF-8 after a BOM: BOM not counted");
	check("a: b: c\n", "error 4 1:5 mapping values are not allowed in this context",
	      "mapping value in a plain scalar");
	check("- a\nb: c\n", "error 4 2:1 did not find expected '-' indicator "
	      "(while parsing a block collection started at line 1 column 1)",
	      "sequence then mapping");
	check("%FOO\n", "error 4 1:5 found unknown directive name "
	      "(while scanning a directive started at line 1 column 1)", "unknown directive");
	{
		/* An embedded NUL byte is a control character. */
		char *got = run_lim("a: 1\nb: x\0y\n", 12, NULL, 0);

		is_str(got, "error 4 2:5 control characters are not allowed (#0)", "NUL byte");
		free(got);
	}
	{
		/* Error on line 40 of a 50-line document. */
		struct buf b = BUF_INIT;
		char *got;
		int i;

		for (i = 1; i <= 50; i++)
			buf_addf(&b, i == 40 ? "k%d: [oops\n" : "k%d: v\n", i);
		got = run_lim(b.data, b.len, NULL, 0);
		ok(strncmp(got, "error 4 41:", 11) == 0 || strncmp(got, "error 4 40:", 11) == 0,
		   "error in an unclosed flow on line 40 is reported near it (%s)", got);
		free(got);
		buf_release(&b);
		for (i = 1; i <= 50; i++)
			buf_addf(&b, i == 40 ? "k%d:  x: y\n" : "k%d: v\n", i);
		got = run_lim(b.data, b.len, NULL, 0);
		is_str(got, "error 4 40:8 mapping values are not allowed in this context",
		       "error on line 40 reports line 40");
		free(got);
		buf_release(&b);
	}
}

static cJSON *
get_path(cJSON *tree, const char *a, const char *b, const char *c)
{
	cJSON *n = cJSON_GetObjectItemCaseSensitive(tree, a);

	if (n && b)
		n = cJSON_GetObjectItemCaseSensitive(n, b);
	if (n && c)
		n = cJSON_GetObjectItemCaseSensitive(n, c);
	return n;
}

static void
test_clients(void)
{
	static const char goose[] =
		"GOOSE_PROVIDER: anthropic\n"
		"GOOSE_MODEL: claude-sonnet-4\n"
		"extensions:\n"
		"  developer:\n"
		"    bundled: true\n"
		"    display_name: Developer\n"
		"    enabled: true\n"
		"    name: developer\n"
		"    timeout: 300\n"
		"    type: builtin\n"
		"  github:\n"
		"    args:\n"
		"    - -y\n"
		"    - '@modelcontextprotocol/server-github'\n"
		"    bundled: null\n"
		"    cmd: npx\n"
		"    description: GitHub\n"
		"    enabled: false\n"
		"    env_keys:\n"
		"    - GITHUB_PERSONAL_ACCESS_TOKEN\n"
		"    envs: {}\n"
		"    name: github\n"
		"    timeout: 300\n"
		"    type: stdio\n"
		"  remote:\n"
		"    enabled: true\n"
		"    name: remote\n"
		"    type: streamable_http\n"
		"    uri: https://mcp.example.com/mcp\n"
		"    headers:\n"
		"      Authorization: Bearer xyz\n";
	static const char hermes[] =
		"model:\n"
		"  default: anthropic/claude-sonnet-4\n"
		"mcp_servers:\n"
		"  github:\n"
		"    command: npx\n"
		"    args: [\"-y\", \"@modelcontextprotocol/server-github\"]\n"
		"    env:\n"
		"      GITHUB_PERSONAL_ACCESS_TOKEN: \"ghp_example\"\n"
		"    timeout: 120\n"
		"  remote:\n"
		"    url: https://mcp.example.com/sse\n"
		"    transport: sse\n"
		"    enabled: false\n"
		"    tools:\n"
		"      include: [search, fetch]\n"
		"hooks:\n"
		"  pre_tool_call:\n"
		"    - matcher: \"mcp_.*\"     # Python re.fullmatch on tool_name\n"
		"      command: \"/usr/local/bin/mcpguard hook --client hermes\"\n"
		"      timeout: 10\n"
		"      fail_closed: true\n"
		"hooks_auto_accept: false\n";
	static const char *const continue_files[] = {
		"tests/fuzz/corpus/yaml/peer-continue-dev.yml",
		"tests/fuzz/corpus/yaml/peer-continue-with-profile.yml",
		"tests/fuzz/corpus/yaml/peer-continue-without-profile.yml",
		"tests/fuzz/corpus/yaml/peer-continue-append-original.yml",
		"tests/fuzz/corpus/yaml/peer-continue-append-after-add.yml",
		"tests/fuzz/corpus/yaml/peer-continue-append-after-del.yml",
		"tests/fuzz/corpus/yaml/peer-continue-create-original.yml",
		"tests/fuzz/corpus/yaml/peer-continue-create-after-add.yml",
		"tests/fuzz/corpus/yaml/peer-continue-create-after-del.yml",
		"tests/fuzz/corpus/yaml/peer-docker-clients.yml",
	};
	struct err e = ERR_INIT;
	cJSON *tree = NULL, *n;
	size_t i;

	ok(yaml_parse(goose, strlen(goose), NULL, &tree, &e) == 0, "goose config parses");
	n = get_path(tree, "extensions", "github", "cmd");
	is_str(cJSON_GetStringValue(n), "npx", "goose extensions.github.cmd");
	n = get_path(tree, "extensions", "github", "enabled");
	ok(cJSON_IsFalse(n), "goose enabled: false is a bool");
	n = get_path(tree, "extensions", "github", "args");
	is_str(cJSON_GetStringValue(cJSON_GetArrayItem(n, 1)),
	       "@modelcontextprotocol/server-github", "goose quoted @ arg");
	n = get_path(tree, "extensions", "github", "bundled");
	ok(cJSON_IsNull(n), "goose bundled: null");
	n = get_path(tree, "extensions", "developer", "timeout");
	ok(tree_is_integer(n) && n->valueint == 300, "goose timeout is an integer");
	n = get_path(tree, "extensions", "remote", "headers");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "Authorization")),
	       "Bearer xyz", "goose headers");
	cJSON_Delete(tree);

	ok(yaml_parse(hermes, strlen(hermes), NULL, &tree, &e) == 0, "hermes config parses");
	n = get_path(tree, "mcp_servers", "remote", "transport");
	is_str(cJSON_GetStringValue(n), "sse", "hermes transport");
	n = get_path(tree, "mcp_servers", "remote", "enabled");
	ok(cJSON_IsFalse(n), "hermes enabled: false");
	n = get_path(tree, "mcp_servers", "github", "env");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n,
	       "GITHUB_PERSONAL_ACCESS_TOKEN")), "ghp_example", "hermes env");
	n = cJSON_GetArrayItem(get_path(tree, "hooks", "pre_tool_call", NULL), 0);
	is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "matcher")), "mcp_.*",
	       "hermes hook matcher (comment stripped)");
	ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(n, "fail_closed")),
	   "hermes hook fail_closed");
	ok(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(tree, "hooks_auto_accept")),
	   "hermes hooks_auto_accept");
	cJSON_Delete(tree);

	/* Continue's list shape, from docker/mcp-gateway's test data. */
	for (i = 0; i < sizeof(continue_files) / sizeof(continue_files[0]); i++) {
		struct buf b = BUF_INIT;
		int r = file_read(continue_files[i], 1 << 20, 0, &b, NULL, &e);

		if (r == 0)
			r = yaml_parse(b.data, b.len, NULL, &tree, &e);
		ok(r == 0 && cJSON_IsObject(tree), "%s parses", continue_files[i]);
		if (i == 0) {
			n = cJSON_GetObjectItemCaseSensitive(tree, "mcpServers");
			ok(cJSON_GetArraySize(n) == 2, "continue-dev has 2 servers");
			is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			       cJSON_GetArrayItem(n, 0), "name")), "My MCP Server", "first name");
			is_str(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
			       cJSON_GetArrayItem(n, 0), "args"), 2)), "/Users/NAME/test.db",
			       "first server's third arg");
			is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			       cJSON_GetArrayItem(n, 1), "command")), "", "empty quoted command");
		}
		cJSON_Delete(tree);
		tree = NULL;
		buf_release(&b);
	}
}

int
main(void)
{
	test_typing();
	test_integers();
	test_anchors();
	test_limits();
	test_documents();
	test_keys();
	test_merge();
	test_errors();
	test_clients();
	return tap_done();
}
