/* Unit tests for hooks/edit_json: appends land in the file's own layout,
 * removals give back the original bytes, trees match cJSON-side edits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/edit_json.h"
#include "parsers/tree.h"
#include "tap.h"

static cJSON *
val(const char *json)
{
	cJSON *v = cJSON_Parse(json);

	if (v == NULL) {
		fprintf(stderr, "bad test JSON %s\n", json);
		abort();
	}
	return v;
}

/* Append value under path/key, compare with want, then remove it again and
 * compare with the input; also check the edited text parses to the tree the
 * cJSON-side op gives. */
static void
round_trip(const char *name, const char *in, const char *path_key, const char *key,
	   const char *value, const char *want)
{
	struct buf t = BUF_INIT;
	struct err e = ERR_INIT;
	struct jop op;
	cJSON *v = val(value), *tree = NULL, *got = NULL;
	int r;

	memset(&op, 0, sizeof(op));
	op.kind = JOP_APPEND;
	if (path_key) {
		op.path[0].key = path_key;
		op.depth = 1;
	}
	op.key = key;
	op.value = v;
	buf_add(&t, in, strlen(in));
	r = jop_apply_text(&t, &op, &e);
	ok(r == 0, "%s: append applies (%s)", name, e.msg);
	if (want)
		is_str(t.data, want, "%s: appended text", name);
	ok(jsonc_parse(in, strlen(in), NULL, &tree, &e) == 0, "%s: input parses", name);
	ok(tree && jop_apply_tree(tree, &op, &e) == 0, "%s: tree op applies", name);
	ok(jsonc_parse(t.data, t.len, NULL, &got, &e) == 0, "%s: output parses (%s)", name, e.msg);
	ok(tree && got && cJSON_Compare(tree, got, 1), "%s: output tree is the expected tree", name);
	/* Now remove what we appended. */
	op.kind = JOP_REMOVE;
	if (key == NULL) {
		cJSON *c = path_key ? cJSON_GetObjectItemCaseSensitive(got, path_key) : got;

		op.idx = (size_t)cJSON_GetArraySize(c) - 1;
	}
	r = jop_apply_text(&t, &op, &e);
	ok(r == 0, "%s: remove applies (%s)", name, e.msg);
	is_str(t.data, in, "%s: remove gives back the original bytes", name);
	cJSON_Delete(tree);
	cJSON_Delete(got);
	cJSON_Delete(v);
	buf_release(&t);
}

static void
test_layouts(void)
{
	round_trip("empty root", "{}", NULL, "hooks", "{\"a\":[1]}",
		   "{\n  \"hooks\": {\n    \"a\": [\n      1\n    ]\n  }\n}");
	round_trip("empty root, newline", "{}\n", NULL, "k", "true", "{\n  \"k\": true\n}\n");
	round_trip("two-space", "{\n  \"a\": 1\n}\n", NULL, "b", "{\"x\":\"y\"}",
		   "{\n  \"a\": 1,\n  \"b\": {\n    \"x\": \"y\"\n  }\n}\n");
	round_trip("four-space", "{\n    \"a\": 1\n}\n", NULL, "b", "[2]",
		   "{\n    \"a\": 1,\n    \"b\": [\n        2\n    ]\n}\n");
	round_trip("tabs", "{\n\t\"a\": 1\n}\n", NULL, "b", "[2]",
		   "{\n\t\"a\": 1,\n\t\"b\": [\n\t\t2\n\t]\n}\n");
	round_trip("crlf", "{\r\n  \"a\": 1\r\n}\r\n", NULL, "b", "[2]",
		   "{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    2\r\n  ]\r\n}\r\n");
	round_trip("no space colon", "{\n  \"a\":1\n}", NULL, "b", "{\"c\":2}",
		   "{\n  \"a\":1,\n  \"b\":{\n    \"c\":2\n  }\n}");
	round_trip("minified", "{\"a\":1}", NULL, "b", "{\"c\":[1,2]}",
		   "{\"a\":1, \"b\":{\"c\":[1,2]}}");
	round_trip("inline with spaces", "{ \"a\": 1 }", NULL, "b", "{\"c\":[1,2]}",
		   "{ \"a\": 1, \"b\": {\"c\": [1, 2]} }");
	round_trip("trailing comment", "{\n  \"a\": 1 // note\n}\n", NULL, "b", "2",
		   "{\n  \"a\": 1, // note\n  \"b\": 2\n}\n");
	round_trip("trailing block comment", "{\n  \"a\": 1 /* c */\n}\n", NULL, "b", "2",
		   "{\n  \"a\": 1, /* c */\n  \"b\": 2\n}\n");
	round_trip("trailing comma", "{\n  \"a\": 1,\n}\n", NULL, "b", "2",
		   "{\n  \"a\": 1,\n  \"b\": 2,\n}\n");
	round_trip("comment after comma", "{\n  \"a\": 1, // c\n}\n", NULL, "b", "2",
		   "{\n  \"a\": 1,\n  \"b\": 2, // c\n}\n");
	round_trip("trailing spaces", "{\n  \"a\": 1   \n}\n", NULL, "b", "2", NULL);
	round_trip("comment lines", "// head\n{\n  // one\n  \"a\": 1\n  // tail\n}\n// end\n", NULL,
		   "b", "2", "// head\n{\n  // one\n  \"a\": 1,\n  \"b\": 2\n  // tail\n}\n// end\n");
	round_trip("bom", "\xef\xbb\xbf{\n  \"a\": 1\n}\n", NULL, "b", "2",
		   "\xef\xbb\xbf{\n  \"a\": 1,\n  \"b\": 2\n}\n");
	round_trip("array append", "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n", "a", NULL, "{\"k\":3}",
		   "{\n  \"a\": [\n    1,\n    2,\n    {\n      \"k\": 3\n    }\n  ]\n}\n");
	round_trip("empty array", "{\n  \"a\": []\n}\n", "a", NULL, "3",
		   "{\n  \"a\": [\n    3\n  ]\n}\n");
	round_trip("hugging array", "{\n  \"a\": [{\n    \"k\": 1\n  }]\n}\n", "a", NULL, "{\"k\":2}",
		   "{\n  \"a\": [{\n    \"k\": 1\n  }, {\n    \"k\": 2\n  }]\n}\n");
	round_trip("inline array", "{\"a\": [1, 2]}", "a", NULL, "3", "{\"a\": [1, 2, 3]}");
	round_trip("inline array trailing comma", "{\"a\": [1, 2,]}", "a", NULL, "3",
		   "{\"a\": [1, 2, 3,]}");
	round_trip("escaped key", "{\"a\\u0062\": 1}", NULL, "q\"\\", "\"v\\n\"",
		   "{\"a\\u0062\": 1, \"q\\\"\\\\\": \"v\\n\"}");
}

static void
remove_case(const char *name, const char *in, const char *key, size_t idx, const char *want)
{
	struct buf t = BUF_INIT;
	struct err e = ERR_INIT;
	struct jop op;

	memset(&op, 0, sizeof(op));
	op.kind = JOP_REMOVE;
	if (key == NULL) {
		op.path[0].key = "a";
		op.depth = 1;
	}
	op.key = key;
	op.idx = idx;
	buf_add(&t, in, strlen(in));
	ok(jop_apply_text(&t, &op, &e) == 0, "%s: applies (%s)", name, e.msg);
	is_str(t.data, want, "%s", name);
	buf_release(&t);
}

static void
test_removals(void)
{
	remove_case("middle element", "{\"a\": [\n  1,\n  2,\n  3\n]}", NULL, 1, "{\"a\": [\n  1,\n  3\n]}");
	remove_case("first element", "{\"a\": [\n  1,\n  2\n]}", NULL, 0, "{\"a\": [\n  2\n]}");
	remove_case("middle keeps next comment", "{\"a\": [\n  1,\n  2,\n  // about 3\n  3\n]}",
		    NULL, 1, "{\"a\": [\n  1,\n  // about 3\n  3\n]}");
	remove_case("inline middle", "{\"a\": [1, 2, 3]}", NULL, 1, "{\"a\": [1, 3]}");
	remove_case("inline first", "{\"a\": [1, 2, 3]}", NULL, 0, "{\"a\": [2, 3]}");
	remove_case("only element", "{\"a\": [ 1 ]}", NULL, 0, "{\"a\": []}");
	remove_case("only element with comment", "{\"a\": [\n  // keep\n  1\n]}", NULL, 0,
		    "{\"a\": [\n  // keep\n]}");
	remove_case("member", "{\n  \"a\": 1,\n  \"b\": 2\n}", "a", 0, "{\n  \"b\": 2\n}");
}

static void
test_refusals(void)
{
	struct buf t = BUF_INIT;
	struct err e = ERR_INIT;
	struct jop op;
	struct jdoc d;
	cJSON *v = val("1");
	const char *dup = "{\"a\": [], \"a\": []}";

	memset(&op, 0, sizeof(op));
	op.kind = JOP_APPEND;
	op.path[0].key = "a";
	op.depth = 1;
	op.value = v;
	buf_add(&t, dup, strlen(dup));
	ok(jop_apply_text(&t, &op, &e) == -ERR_INVALID, "duplicate key on the path is refused");
	ok(strstr(e.msg, "duplicate key 'a'") != NULL, "message names the key: %s", e.msg);
	is_str(t.data, dup, "text untouched");
	err_clear(&e);
	ok(jdoc_parse(&d, "{\"a\": 1,,}", 10, &e) == -ERR_PARSE, "bad JSON fails");
	ok(e.line == 1 && e.col >= 8 && e.col <= 10, "with a position (%lu:%lu)", e.line, e.col);
	buf_release(&t);
	cJSON_Delete(v);
}

int
main(void)
{
	test_layouts();
	test_removals();
	test_refusals();
	return tap_done();
}
