/* Unit tests for parsers/jsonc.c: comments, trailing commas, BOM, CRLF,
 * error positions, limits, duplicate keys, integers and real-world files. */
#include <dirent.h>
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

/* Parse doc and return compact JSON, or "error CODE LINE:COL MSG". */
static char *
run_lim(const char *doc, size_t len, const struct tree_limits *lim)
{
	cJSON *tree = NULL;
	char *s;
	int r;

	err_clear(&last_err);
	r = jsonc_parse(doc, len, lim, &tree, &last_err);
	if (r < 0) {
		if (tree != NULL)
			return xstrdup("error but a tree was returned");
		if (r != -last_err.code)
			return xstrdup("error code mismatch");
		return xasprintf("error %d %lu:%lu %s", last_err.code, last_err.line,
				 last_err.col, last_err.msg);
	}
	s = tree_print(tree, 0, 0);
	cJSON_Delete(tree);
	return s;
}

#define check(doc, want, ...) do { \
	const char *d_ = (doc); \
	char *got_ = run_lim(d_, strlen(d_), NULL); \
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

static void
test_comments(void)
{
	check("// head\n{\"a\": 1} // tail", "{\"a\":1}", "line comments");
	check("/* a */{/* b */\"a\"/* c */:/* d */1/* e */}/* f */", "{\"a\":1}",
	      "block comments everywhere");
	check("{\"a\": /* multi\nline\ncomment */ 2}", "{\"a\":2}", "multi-line block comment");
	check("{\"u\": \"http://x/*y*/ // z\"}", "{\"u\":\"http://x/*y*/ // z\"}",
	      "comment markers inside strings are untouched");
	check("{\"q\": \"say \\\"//\\\" /*\", \"r\": 1}", "{\"q\":\"say \\\"//\\\" /*\",\"r\":1}",
	      "escaped quotes before comment markers in strings");
	check("{\"a\": \"x\\\\\" // c\n}", "{\"a\":\"x\\\\\"}", "escaped backslash ends the string");
	check("[1 /**/, 2]", "[1,2]", "empty block comment");
	check("[1, /***/ 2]", "[1,2]", "block comment of stars");
	check("{\"a\":1}//", "{\"a\":1}", "comment at end of input without newline");
	check("{\"a\":1}/* x", "error 4 1:8 unterminated /* comment", "unterminated comment");
	check("{\n\"a\":1 /*/\n}", "error 4 2:7 unterminated /* comment", "/*/ does not close");
	check("{\"a\": 1 / 2}", "error 4 1:9 invalid JSON: unexpected '/'", "lone slash");
	check("{\"a\": 1 # no\n}", "error 4 1:9 invalid JSON: unexpected '#'", "# is no comment");
}

static void
test_commas(void)
{
	check("[1, 2, ]", "[1,2]", "trailing comma in an array");
	check("{\"a\": 1, }", "{\"a\":1}", "trailing comma in an object");
	check("{\"a\": [1, {\"b\": [],},],}", "{\"a\":[1,{\"b\":[]}]}", "nested trailing commas");
	check("[1, // c\n /* d */ ]", "[1]", "trailing comma before comments");
	check("[\n  \"a\",\r\n]", "[\"a\"]", "trailing comma before CRLF");
	check("[\",\"]", "[\",\"]", "a comma inside a string is kept");
	check("[,]", "error 4 1:2 invalid JSON: unexpected ','", "[,] stays an error");
	check("[1,,]", "error 4 1:4 invalid JSON: unexpected ','", "double comma stays an error");
	check("{,}", "error 4 1:3 invalid JSON: unexpected '}'", "{,} stays an error");
	check("[1 2]", "error 4 1:4 invalid JSON: unexpected '2'", "missing comma");
}

static void
test_encoding(void)
{
	check("\xef\xbb\xbf{\"a\": 1}", "{\"a\":1}", "BOM");
	check("\xef\xbb\xbf{\"a\": x}", "error 4 1:7 invalid JSON: unexpected 'x'",
	      "BOM is not counted in columns");
	check("{\r\n\"a\": 1,\r\n\"b\": [2,\r\n3,],\r\n}\r\n", "{\"a\":1,\"b\":[2,3]}", "CRLF");
	check("{\r\n\"a\": 1,\r\n\"b\": x\r\n}", "error 4 3:6 invalid JSON: unexpected 'x'",
	      "CRLF counts as one line");
	check("{\"a\": 1} // c\r\n", "{\"a\":1}", "line comment ended by CRLF");
	check("{\r\"a\": x}", "error 4 2:6 invalid JSON: unexpected 'x'", "lone CR ends a line");
	check("{\"k\\u0000\": 1}", "error 4 1:4 \\u0000 in a string is not supported",
	      "\\u0000 refused (cJSON would cut the key short)");
	check("[\"a\\\\u0000\"]", "[\"a\\\\u0000\"]", "an escaped backslash before u0000 is fine");
	check("[\"\\u0001\"]", "[\"\\u0001\"]", "\\u0001 is fine");
	check("{\"e\": \"caf\xc3\xa9 \\u00e9 \\ud83d\\ude00\"}",
	      "{\"e\":\"caf\xc3\xa9 \xc3\xa9 \xf0\x9f\x98\x80\"}", "UTF-8 and escapes");
	{
		char *got = run_lim("{\"a\": \"x\0y\"}", 12, NULL);

		is_str(got, "error 4 1:9 NUL byte in JSON text", "NUL byte inside a string");
		free(got);
		got = run_lim("{\"a\": 1}\0", 9, NULL);
		is_str(got, "error 4 1:9 NUL byte in JSON text", "NUL byte after the value");
		free(got);
		got = run_lim("{\"a\": \"x\\\0\"}", 12, NULL);
		is_str(got, "error 4 1:10 NUL byte in JSON text", "escaped NUL byte");
		free(got);
	}
}

static void
test_errors(void)
{
	struct buf b = BUF_INIT;
	char *got;
	int i;

	check("", "error 4 1:1 empty document", "empty input");
	check(" \n\t\r\n", "error 4 3:1 empty document", "whitespace only");
	check("// nothing\n/* here */\n", "error 4 3:1 empty document", "comments only");
	check("\xef\xbb\xbf", "error 4 1:1 empty document", "BOM only");
	check("{\"a\": \"abc", "error 4 1:7 unterminated string", "unterminated string");
	check("{\n  \"a\": \"abc\n}\n", "error 4 2:8 unterminated string",
	      "unterminated string over lines");
	check("{\"a\": 1", "error 4 1:8 unexpected end of input", "unterminated object: at the end");
	check("[1, 2", "error 4 1:6 unexpected end of input", "unterminated array: at the end");
	check("{\"a\" 1}", "error 4 1:6 invalid JSON: unexpected '1'", "missing colon");
	check("{a: 1}", "error 4 1:2 invalid JSON: unexpected 'a'", "unquoted key");
	check("{'a': 1}", "error 4 1:2 invalid JSON: unexpected '''", "single quotes");
	check("[tru]", "error 4 1:2 invalid JSON: unexpected 't'", "bad literal");
	check("{} {}", "error 4 1:4 invalid JSON: unexpected '{'", "two values");
	/* cJSON skips every byte up to 0x20 as whitespace; we keep its view. */
	check("[\x01]", "[]", "control bytes are whitespace to cJSON");
	check("[1 \x7f]", "error 4 1:4 invalid JSON: unexpected byte 0x7f", "DEL byte");
	/* 50 lines, an error on line 40 (a missing comma shows at the next key). */
	buf_adds(&b, "{\n");
	for (i = 2; i <= 49; i++)
		buf_addf(&b, "  \"k%02d\": %d%s\n", i, i, i == 39 ? "" : ",");
	buf_adds(&b, "  \"end\": 0\n}\n");
	got = run_lim(b.data, b.len, NULL);
	is_str(got, "error 4 40:3 invalid JSON: unexpected '\"'", "error on line 40 of 50");
	free(got);
	buf_release(&b);
	/* The same with comments, CRLF and a typo in mid-line on line 40. */
	buf_adds(&b, "// settings\r\n{\r\n");
	for (i = 3; i <= 49; i++)
		buf_addf(&b, i == 40 ? "  \"k%02d\": tru, /* c */\r\n" : "  \"k%02d\": %d, // c\r\n",
			 i, i);
	buf_adds(&b, "}\r\n");
	got = run_lim(b.data, b.len, NULL);
	is_str(got, "error 4 40:10 invalid JSON: unexpected 't'", "typo on line 40, column 10");
	free(got);
	buf_release(&b);
}

static void
test_limits(void)
{
	struct tree_limits lim = tree_limits_default;
	struct buf b = BUF_INIT;
	double t0, dt;
	char *got;
	int i;

	for (i = 0; i < 100000; i++)
		buf_addc(&b, '[');
	for (i = 0; i < 100000; i++)
		buf_addc(&b, ']');
	t0 = now();
	got = run_lim(b.data, b.len, NULL);
	dt = now() - t0;
	is_str(got, "error 5 1:257 nesting too deep (limit 256)", "100000-deep arrays");
	ok(dt < 0.5 * tap_slow(), "deep nesting fails fast (%.1f ms)", dt * 1000);
	printf("# 100000-deep JSON: %.2f ms\n", dt * 1000);
	free(got);
	buf_release(&b);
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "{\"a\":");
	got = run_lim(b.data, b.len, NULL);
	is_str(got, "error 5 1:1281 nesting too deep (limit 256)", "100000-deep objects");
	free(got);
	buf_release(&b);
	/* Depth counting ignores brackets in strings and comments. */
	check("[\"[[[[\", /* [[[[ */ 1]", "[\"[[[[\",1]", "brackets in strings do not nest");
	lim.max_depth = 2;
	got = run_lim("[[1]]", 5, &lim);
	is_str(got, "[[1]]", "depth 2 fits a limit of 2");
	free(got);
	got = run_lim("[[[1]]]", 7, &lim);
	is_str(got, "error 5 1:3 nesting too deep (limit 2)", "depth 3 fails a limit of 2");
	free(got);
	lim = tree_limits_default;
	lim.max_nodes = 10;
	got = run_lim("[1,2,3,4,5,6,7,8]", 17, &lim);
	is_str(got, "[1,2,3,4,5,6,7,8]", "8 values fit a limit of 10");
	free(got);
	got = run_lim("[1,2,3,4,5,6,7,8,9,10,11,12]", 28, &lim);
	is_str(got, "error 5 1:19 too many values (limit 10)", "too many values");
	free(got);
	/* The default bound holds for a flat array of two million values. */
	buf_addc(&b, '[');
	for (i = 0; i < 2000000; i++)
		buf_adds(&b, "0,");
	buf_adds(&b, "0]");
	t0 = now();
	got = run_lim(b.data, b.len, NULL);
	dt = now() - t0;
	ok(strncmp(got, "error 5 1:", 10) == 0 && strstr(got, "too many values (limit 1048576)"),
	   "2M values fail on the default node limit");
	ok(dt < 1.0 * tap_slow(), "... fast (%.1f ms)", dt * 1000);
	free(got);
	buf_release(&b);
}

static void
test_keys_numbers(void)
{
	struct err e = ERR_INIT;
	cJSON *tree = NULL, *v;
	const char *doc = "{\"big\": 12345678901234567890, \"neg\": -9223372036854775809,"
			  " \"i\": 10, \"z\": -0, \"f\": 1.0, \"x\": 1e3, \"y\": 2E-1,"
			  " \"t\": true, \"n\": null, \"t\": true}";

	check("{\"a\": 1, \"b\": 2, \"a\": 3}", "{\"a\":3,\"b\":2}",
	      "duplicate key: last value at the first place");
	check("{\"a\": 1, \"a\": 2, \"a\": {\"x\": 1}}", "{\"a\":{\"x\":1}}", "three duplicates");
	check("{\"b\":1,\"a\":2,\"b\":3,\"c\":4,\"a\":5}", "{\"b\":3,\"a\":5,\"c\":4}",
	      "interleaved duplicates");
	check("{\"o\": {\"k\": 1, \"k\": 2}, \"l\": [{\"k\": 1, \"k\": [3]}]}",
	      "{\"o\":{\"k\":2},\"l\":[{\"k\":[3]}]}", "nested duplicates");
	check("{\"a\": 1, \"A\": 2}", "{\"a\":1,\"A\":2}", "keys are case-sensitive");
	check("{\"\": 1, \"\": 2}", "{\"\":2}", "empty keys deduplicate");

	ok(jsonc_parse(doc, strlen(doc), NULL, &tree, &e) == 0, "numbers parse");
	v = cJSON_GetObjectItemCaseSensitive(tree, "big");
	ok(tree_is_integer(v), "big integer is an integer");
	is_str(v ? v->valuestring : NULL, "12345678901234567890", "big integer keeps exact text");
	v = cJSON_GetObjectItemCaseSensitive(tree, "neg");
	is_str(tree_is_integer(v) ? v->valuestring : NULL, "-9223372036854775809",
	       "big negative integer keeps exact text");
	v = cJSON_GetObjectItemCaseSensitive(tree, "i");
	ok(tree_is_integer(v) && v->valueint == 10, "10 is an integer with valueint 10");
	v = cJSON_GetObjectItemCaseSensitive(tree, "z");
	ok(tree_is_integer(v), "-0 is an integer");
	v = cJSON_GetObjectItemCaseSensitive(tree, "f");
	ok(cJSON_IsNumber(v) && !tree_is_integer(v), "1.0 is a float");
	v = cJSON_GetObjectItemCaseSensitive(tree, "x");
	ok(cJSON_IsNumber(v) && !tree_is_integer(v) && v->valuedouble == 1000.0, "1e3 is a float");
	v = cJSON_GetObjectItemCaseSensitive(tree, "y");
	ok(cJSON_IsNumber(v) && !tree_is_integer(v), "2E-1 is a float");
	v = cJSON_GetObjectItemCaseSensitive(tree, "t");
	ok(cJSON_IsTrue(v) && v->valueint == 1, "deduplicated true keeps valueint 1");
	cJSON_Delete(tree);
	{
		char *s;

		tree = NULL;
		ok(jsonc_parse(doc, strlen(doc), NULL, &tree, &e) == 0, "numbers parse again");
		s = tree_print(tree, 0, 0);
		is_str(s, "{\"big\":12345678901234567890,\"neg\":-9223372036854775809,\"i\":10,"
		       "\"z\":-0,\"f\":1.0,\"x\":1000.0,\"y\":0.2,\"t\":true,\"n\":null}",
		       "numbers print exactly");
		free(s);
		cJSON_Delete(tree);
	}
	/* Integers are matched to cJSON's numbers in order, around strings,
	 * comments and keys that hold digits. */
	check("{\"1\": [1, \"2\", 3.5], /* 4 */ \"-5\": -6, \"x\": [7e0, 8]}",
	      "{\"1\":[1,\"2\",3.5],\"-5\":-6,\"x\":[7.0,8]}", "integer marking stays in step");
}

/* Strict JSON parses as cJSON parses it. */
static void
test_strict(void)
{
	static const char *const docs[] = {
		"{}", "[]", "0", "-1.5e-3", "\"s\"", "null", "true", " [1, 2.5e10, -3] ",
		"{\"a\":{\"b\":[true,false,null,{}]}}", "\"\\u00e9\\ud83d\\ude00\\n\\/\"",
		"[1E300]", "{\"a\":\"\\\"\"}", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]",
		"\n\t{ \"k\" :\n\"v\" }\n",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct err e = ERR_INIT;
		cJSON *tree = NULL, *ref = cJSON_Parse(docs[i]);
		int r = jsonc_parse(docs[i], strlen(docs[i]), NULL, &tree, &e);

		ok(ref != NULL && r == 0 && cJSON_Compare(tree, ref, 1),
		   "strict JSON #%zu parses as cJSON does", i);
		cJSON_Delete(tree);
		cJSON_Delete(ref);
	}
}

/*
 * Every real-world JSON(C) file copied from other projects into the fuzz
 * corpus: all parse, except those that are broken on purpose.
 */
static void
test_peer_files(void)
{
	static const struct {
		const char *name, *error;
	} bad[] = {
		/* docker/mcp-gateway's "create" tests start from an empty file;
		 * rodolfboctor/mcp-scan's empty-config.json is the same. */
		{ "peer-docker-claude-desktop-create-original.json", "error 4 1:1 empty document" },
		/* rodolfboctor/mcp-scan's deliberately truncated file */
		{ "peer-rodolf-invalid-config.json", "error 4 1:22 unexpected end of input" },
	};
	const char *dir = "tests/fuzz/corpus/jsonc";
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	ok(d != NULL, "corpus directory %s is there", dir);
	while (d && (de = readdir(d)) != NULL) {
		struct buf b = BUF_INIT;
		struct err e = ERR_INIT;
		const char *want = NULL;
		char *path, *got;
		size_t i;

		if (strncmp(de->d_name, "peer-", 5) != 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (file_read(path, 1 << 20, 0, &b, NULL, &e) < 0) {
			ok(0, "read %s: %s", path, e.msg);
			free(path);
			continue;
		}
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strcmp(bad[i].name, de->d_name) == 0)
				want = bad[i].error;
		got = run_lim(b.data, b.len, NULL);
		if (want)
			is_str(got, want, "%s fails as expected", de->d_name);
		else
			ok(got[0] == '{', "%s parses to an object%s%s", de->d_name,
			   got[0] == '{' ? "" : ": ", got[0] == '{' ? "" : got);
		free(got);
		free(path);
		buf_release(&b);
		n++;
	}
	if (d)
		closedir(d);
	ok(n >= 50, "%d peer files checked", n);
}

static void
test_peer_values(void)
{
	static const char *const files[] = {
		"tests/fuzz/corpus/jsonc/peer-rodolf-jsonc-config.json",
		"tests/fuzz/corpus/jsonc/peer-docker-list-zed.jsonc",
	};
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	cJSON *tree = NULL, *n;

	if (file_read(files[0], 1 << 20, 0, &b, NULL, &e) == 0 &&
	    jsonc_parse(b.data, b.len, NULL, &tree, &e) == 0) {
		n = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(tree, "mcpServers"), "test"), "args");
		is_str(cJSON_GetStringValue(cJSON_GetArrayItem(n, 1)), "b",
		       "rodolf jsonc-config: mcpServers.test.args[1]");
	} else {
		ok(0, "rodolf jsonc-config parses: %s", e.msg);
	}
	cJSON_Delete(tree);
	tree = NULL;
	buf_release(&b);
	if (file_read(files[1], 1 << 20, 0, &b, NULL, &e) == 0 &&
	    jsonc_parse(b.data, b.len, NULL, &tree, &e) == 0) {
		n = cJSON_GetObjectItemCaseSensitive(tree, "context_servers");
		ok(cJSON_IsObject(n) && cJSON_GetArraySize(n) > 0, "zed.jsonc has context_servers");
	} else {
		ok(0, "zed.jsonc parses: %s", e.msg);
	}
	cJSON_Delete(tree);
	buf_release(&b);
}

int
main(void)
{
	test_comments();
	test_commas();
	test_encoding();
	test_errors();
	test_limits();
	test_keys_numbers();
	test_strict();
	test_peer_files();
	test_peer_values();
	return tap_done();
}
