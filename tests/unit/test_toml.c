/* TOML parser: Codex-style configs, value kinds and flags, table rules,
 * every error message with its line:col, and the size/depth/node limits. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parsers/tree.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* Parse from an exact-size heap copy (no NUL after it), so ASan sees any
 * read past the end. */
static int
parse_n(const char *doc, size_t len, const struct tree_limits *lim, cJSON **out,
	struct err *e)
{
	char *copy = xmalloc(len ? len : 1);
	int r;

	memcpy(copy, doc, len);
	err_clear(e);
	r = toml_parse(copy, len, lim, out, e);
	free(copy);
	return r;
}

static cJSON *
parse_ok(const char *doc)
{
	struct err e = ERR_INIT;
	cJSON *t = NULL;

	if (parse_n(doc, strlen(doc), NULL, &t, &e) < 0)
		printf("#   unexpected error %lu:%lu: %s\n", e.line, e.col, e.msg);
	return t;
}

/* Follow object keys (NULL-terminated list). */
static const cJSON *
get(const cJSON *t, ...)
{
	const char *k;
	va_list ap;

	va_start(ap, t);
	while (t && (k = va_arg(ap, const char *)) != NULL)
		t = cJSON_GetObjectItemCaseSensitive(t, k);
	va_end(ap);
	return t;
}

static const char *
str(const cJSON *v)
{
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Keys of an object, comma-joined, to check order. */
static char *
keys(const cJSON *o)
{
	struct buf b = BUF_INIT;
	const cJSON *c;

	for (c = o ? o->child : NULL; c; c = c->next)
		buf_addf(&b, "%s%s", b.len ? "," : "", c->string);
	return buf_detach(&b, NULL);
}

static void
check_keys(const cJSON *o, const char *want, const char *what)
{
	char *got = keys(o);

	is_str(got, want, "%s", what);
	free(got);
}

/* The document must fail with code, a message containing msg, at line:col. */
static void
check_err_lim(const char *doc, size_t len, const struct tree_limits *lim, int code,
	      const char *msg, unsigned long line, unsigned long col)
{
	struct err e = ERR_INIT;
	cJSON *t = (cJSON *)1;
	int r = parse_n(doc, len, lim, &t, &e);

	if (!ok(r == -code && t == NULL && strstr(e.msg, msg) != NULL && e.line == line &&
		e.col == col, "error '%s' at %lu:%lu", msg, line, col))
		printf("#   got r=%d %lu:%lu: %s\n", r, e.line, e.col, e.msg);
	if (r == 0)
		cJSON_Delete(t);
}

static void
check_err(const char *doc, const char *msg, unsigned long line, unsigned long col)
{
	check_err_lim(doc, strlen(doc), NULL, ERR_PARSE, msg, line, col);
}

static void
test_codex_config(void)
{
	static const char doc[] =
		"# ~/.codex/config.toml\n"
		"model = \"o3\"\n"
		"approval_policy = \"on-request\"\n"
		"\n"
		"[mcp_servers.github]\n"
		"command = \"npx\"\n"
		"args = [\"-y\", \"@modelcontextprotocol/server-github\"]\n"
		"env = { GITHUB_PERSONAL_ACCESS_TOKEN = \"ghp_x\", \"HTTP.PROXY\" = 'http://p:3128' }\n"
		"\n"
		"[mcp_servers.\"my.server\"]\n"
		"url = \"https://example.com/mcp\"\n"
		"startup_timeout_sec = 30\n"
		"tool_timeout_sec = 60.5\n"
		"enabled = false\n"
		"\n"
		"[mcp_servers.sqlite]\n"
		"command = 'C:\\tools\\sqlite-mcp.exe'\n"
		"env.DB = \"/tmp/x.db\"\n"
		"\n"
		"[projects.\"/home/a/x\"]\n"
		"trust_level = \"trusted\"\n"
		"\n"
		"[hooks.state.\"/home/a/.codex/hooks.json:pre_tool_use:0:0\"]\n"
		"enabled = true\n";
	const cJSON *t = parse_ok(doc), *v;

	ok(t != NULL, "codex config parses");
	check_keys(t, "model,approval_policy,mcp_servers,projects,hooks", "top-level order kept");
	check_keys(get(t, "mcp_servers", NULL), "github,my.server,sqlite",
		   "quoted dotted name is one key, order kept");
	is_str(str(get(t, "mcp_servers", "github", "command", NULL)), "npx", "github command");
	v = get(t, "mcp_servers", "github", "args", NULL);
	ok(cJSON_IsArray(v) && cJSON_GetArraySize(v) == 2, "args array");
	is_str(str(cJSON_GetArrayItem(v, 1)), "@modelcontextprotocol/server-github", "args[1]");
	is_str(str(get(t, "mcp_servers", "github", "env", "GITHUB_PERSONAL_ACCESS_TOKEN", NULL)),
	       "ghp_x", "env inline table");
	is_str(str(get(t, "mcp_servers", "github", "env", "HTTP.PROXY", NULL)), "http://p:3128",
	       "quoted key with a dot in an inline table");
	is_str(str(get(t, "mcp_servers", "my.server", "url", NULL)), "https://example.com/mcp",
	       "[mcp_servers.\"my.server\"] url");
	v = get(t, "mcp_servers", "my.server", "startup_timeout_sec", NULL);
	ok(tree_is_integer(v) && strcmp(v->valuestring, "30") == 0 && v->valuedouble == 30,
	   "integer flagged with exact text");
	v = get(t, "mcp_servers", "my.server", "tool_timeout_sec", NULL);
	ok(cJSON_IsNumber(v) && !tree_is_integer(v) && v->valuedouble == 60.5, "float");
	ok(cJSON_IsFalse(get(t, "mcp_servers", "my.server", "enabled", NULL)), "bool false");
	is_str(str(get(t, "mcp_servers", "sqlite", "command", NULL)), "C:\\tools\\sqlite-mcp.exe",
	       "literal string keeps backslashes");
	is_str(str(get(t, "mcp_servers", "sqlite", "env", "DB", NULL)), "/tmp/x.db",
	       "dotted key creates a sub-table");
	is_str(str(get(t, "projects", "/home/a/x", "trust_level", NULL)), "trusted",
	       "[projects.\"/home/a/x\"] trust_level");
	ok(cJSON_IsTrue(get(t, "hooks", "state", "/home/a/.codex/hooks.json:pre_tool_use:0:0",
			    "enabled", NULL)), "hooks.state key with colons");
	ok(t && t->valueint == 0 && get(t, "mcp_servers", NULL)->valueint == 0 &&
	   get(t, "mcp_servers", "github", "env", NULL)->valueint == 0 &&
	   get(t, "mcp_servers", "github", "args", NULL)->valueint == 0,
	   "no parse-time flags left in the tree");
	cJSON_Delete((cJSON *)t);
}

static void
test_values(void)
{
	cJSON *t = parse_ok(
		"hex = 0xDEAD_beef\noct = 0o755\nbin = 0b1010\n"
		"max = 9_223_372_036_854_775_807\nmin = -9223372036854775808\n"
		"hmax = 0x7FFFFFFFFFFFFFFF\nplus = +99\nnzero = -0\n"
		"f1 = 6.626e-34\nf2 = -0.0\nf3 = 1_000.5e+1_0\nf4 = -inf\nf5 = +nan\n"
		"odt = 1979-05-27 07:32:00.999z\nodt2 = 1979-05-27t07:32:00-07:00\n"
		"ldt = 1979-05-27T00:32:00\nld = 2024-02-29\nlt = 23:59:60.5\n"
		"s1 = \"tab\\there \\u00e9 \\U0001F600 \\\\ \\\"\"\n"
		"s2 = \"nul\\u0000byte\"\n"
		"ml = \"\"\"\nline1\r\n  line2 \\\n     joined\"\"\"\n"
		"ml2 = '''\r\nraw \\n ''two'''''\n"
		"ml3 = \"\"\"\"quoted\"\"\"\"\"\n"
		"mixed = [1, 'a', [2.5], {x = 1}, 1979-05-27]\n"
		"empty = []\nemptyt = {}\n");
	const cJSON *v;

	ok(t != NULL, "value kinds parse");
	is_str(get(t, "hex", NULL)->valuestring, "3735928559", "hex to decimal text");
	is_str(get(t, "oct", NULL)->valuestring, "493", "octal");
	is_str(get(t, "bin", NULL)->valuestring, "10", "binary");
	is_str(get(t, "max", NULL)->valuestring, "9223372036854775807", "int64 max exact");
	is_str(get(t, "min", NULL)->valuestring, "-9223372036854775808", "int64 min exact");
	is_str(get(t, "hmax", NULL)->valuestring, "9223372036854775807", "hex int64 max");
	is_str(get(t, "plus", NULL)->valuestring, "99", "plus sign dropped");
	is_str(get(t, "nzero", NULL)->valuestring, "0", "-0 is 0");
	ok(tree_is_integer(get(t, "hex", NULL)), "hex flagged integer");
	ok(get(t, "f1", NULL)->valuedouble == 6.626e-34, "float with exponent");
	v = get(t, "f2", NULL);
	ok(v->valuedouble == 0 && signbit(v->valuedouble), "-0.0 keeps its sign");
	ok(get(t, "f3", NULL)->valuedouble == 1000.5e10, "underscores in float parts");
	ok(isinf(get(t, "f4", NULL)->valuedouble) && get(t, "f4", NULL)->valuedouble < 0, "-inf");
	ok(isnan(get(t, "f5", NULL)->valuedouble) && get(t, "f5", NULL)->valueint == 0, "+nan");
	ok(get(t, "f4", NULL)->valueint == -2147483647 - 1, "-inf valueint saturates");
	v = get(t, "odt", NULL);
	ok(cJSON_IsString(v) && (v->type & TREE_DATETIME), "offset date-time flag");
	is_str(v->valuestring, "1979-05-27T07:32:00.999Z", "space and z normalised to T and Z");
	is_str(get(t, "odt2", NULL)->valuestring, "1979-05-27T07:32:00-07:00", "offset kept");
	ok(get(t, "ldt", NULL)->type & TREE_DATETIME_LOCAL, "local date-time flag");
	ok(get(t, "ld", NULL)->type & TREE_DATE_LOCAL, "local date flag (leap day)");
	v = get(t, "lt", NULL);
	ok((v->type & TREE_TIME_LOCAL) && strcmp(v->valuestring, "23:59:60.5") == 0,
	   "local time with leap second and fraction");
	ok(!(get(t, "s1", NULL)->type & TREE_FLAGS_MASK), "plain string has no flag");
	is_str(str(get(t, "s1", NULL)), "tab\there \xc3\xa9 \xf0\x9f\x98\x80 \\ \"", "escapes");
	is_str(str(get(t, "s2", NULL)), "nul" TREE_NUL_UTF8 "byte",
	       "U+0000 stored as TREE_NUL_UTF8, string not cut");
	is_str(str(get(t, "ml", NULL)), "line1\n  line2 joined",
	       "multi-line: first newline dropped, CRLF to LF, line-ending backslash");
	is_str(str(get(t, "ml2", NULL)), "raw \\n ''two''", "multi-line literal with quotes");
	is_str(str(get(t, "ml3", NULL)), "\"quoted\"\"", "quotes next to the delimiters");
	v = get(t, "mixed", NULL);
	ok(cJSON_GetArraySize(v) == 5 && cJSON_IsArray(cJSON_GetArrayItem(v, 2)) &&
	   cJSON_IsObject(cJSON_GetArrayItem(v, 3)) &&
	   (cJSON_GetArrayItem(v, 4)->type & TREE_DATE_LOCAL), "mixed-type array (TOML 1.0)");
	ok(cJSON_IsArray(get(t, "empty", NULL)) && cJSON_IsObject(get(t, "emptyt", NULL)),
	   "empty array and inline table");
	cJSON_Delete(t);
}

static void
test_tables(void)
{
	cJSON *t = parse_ok(
		"\xef\xbb\xbf# BOM first\r\n"
		"top = 1\r\n"
		"[[fruit]]\n name = 'apple'\n [fruit.physical]\n  color = 'red'\n"
		" [[fruit.variety]]\n  name = 'red delicious'\n"
		"[[fruit]]\n name = 'banana'\n"
		"[a.b.c]\nz = 1\n[a]\nb.y = 2\nx = 3\n"
		"[dog.\"tater.man\"]\ntype.name = \"pug\"\ntype.size = 'small'\n"
		"[dog.\"tater.man\".type.more]\nok = true\n"
		"[ spaced . 'name' ]\nk = 1\n"
		"[z]\n[y]\n[x]\n");
	const cJSON *v;

	ok(t != NULL, "tables parse (BOM, CRLF)");
	check_keys(t, "top,fruit,a,dog,spaced,z,y,x", "tables in written order");
	v = get(t, "fruit", NULL);
	ok(cJSON_GetArraySize(v) == 2, "array of tables has two elements");
	is_str(str(get(cJSON_GetArrayItem(v, 0), "physical", "color", NULL)), "red",
	       "[fruit.physical] goes into the last element");
	is_str(str(get(cJSON_GetArrayItem(get(cJSON_GetArrayItem(v, 0), "variety", NULL), 0),
		       "name", NULL)), "red delicious", "nested array of tables");
	is_str(str(get(cJSON_GetArrayItem(v, 1), "name", NULL)), "banana", "second element");
	check_keys(get(t, "a", NULL), "b,x", "implicit table keeps its place");
	check_keys(get(t, "a", "b", NULL), "c,y", "dotted key into an implicit table");
	is_str(str(get(t, "dog", "tater.man", "type", "name", NULL)), "pug", "quoted table name");
	ok(cJSON_IsTrue(get(t, "dog", "tater.man", "type", "more", "ok", NULL)),
	   "header adds a sub-table under a dotted-key table");
	ok(get(t, "spaced", "name", "k", NULL) != NULL, "whitespace around header keys");
	cJSON_Delete(t);

	t = parse_ok("");
	ok(t && cJSON_IsObject(t) && t->child == NULL, "empty document is an empty table");
	cJSON_Delete(t);
	t = parse_ok("\xef\xbb\xbf");
	ok(t && t->child == NULL, "BOM only");
	cJSON_Delete(t);
	t = parse_ok("# only a comment\n\n   \t\n# another");
	ok(t && t->child == NULL, "comments and blank lines only");
	cJSON_Delete(t);
	t = parse_ok("a = 1 # trailing comment\nb = [ # in an array\n  1, # one\n  2,\n]\n");
	ok(t && cJSON_GetArraySize(get(t, "b", NULL)) == 2, "comments inside arrays, trailing comma");
	cJSON_Delete(t);

	{
		struct err e = ERR_INIT;
		const char *doc = "[x]\ny = 'z'\n";

		ok(toml_parse(NULL, 0, NULL, &t, &e) == 0 && t && t->child == NULL,
		   "NULL text with length 0");
		cJSON_Delete(t);
		ok(tree_parse(doc, strlen(doc), TREE_FMT_TOML, NULL, &t, &e) == 0 &&
		   strcmp(str(get(t, "x", "y", NULL)), "z") == 0, "tree_parse dispatches TOML");
		cJSON_Delete(t);
	}
}

static void
test_tagged_print(void)
{
	cJSON *t = parse_ok("i = 0x10\nd = 1979-05-27 07:32:00Z\nt = 07:32:00\nf = 1e2\n");
	char *s = t ? tree_print(t, 0, 1) : NULL;

	is_str(s, "{\"i\":{\"type\": \"integer\", \"value\": \"16\"},"
		  "\"d\":{\"type\": \"datetime\", \"value\": \"1979-05-27T07:32:00Z\"},"
		  "\"t\":{\"type\": \"time-local\", \"value\": \"07:32:00\"},"
		  "\"f\":{\"type\": \"float\", \"value\": \"100.0\"}}",
	       "tagged print of TOML values (toml-test encoding)");
	free(s);
	cJSON_Delete(t);
}

static void
test_errors(void)
{
	/* Whole-document checks. */
	check_err("\xff\xfe" "a\0 \0", "UTF-16", 1, 1);
	check_err("a = \"x\x07\"", "control character U+0007", 1, 7);
	check_err("a = 1\rb = 2", "carriage return not followed by a line feed", 1, 6);
	check_err("a = \"\xc3\"", "invalid UTF-8", 1, 6);
	check_err("a = '\xed\xa0\x80'", "invalid UTF-8", 1, 6);	/* surrogate */
	check_err("a = '\xc0\xaf'", "invalid UTF-8", 1, 6);		/* overlong */
	check_err("# \x7f\n", "control character U+007F", 1, 3);
	check_err("a = 1\n\xef\xbb\xbf" "b = 2\n", "expected a key, found U+FEFF", 2, 1);
	check_err_lim("a = \"x\0\"", 8, NULL, ERR_PARSE, "control character U+0000", 1, 7);
	/* Strings. */
	check_err("a = \"\\u12\"", "\\u needs 4 hex digits", 1, 6);
	check_err("a = \"\\uD800\"", "\\uD800 is not a Unicode scalar value", 1, 6);
	check_err("a = \"\\U00110000\"", "is not a Unicode scalar value", 1, 6);
	check_err("a = \"\\q\"", "invalid escape sequence '\\q'", 1, 6);
	check_err("a = \"\\x41\"", "invalid escape sequence '\\x'", 1, 6);
	check_err("a = \"a\\ b\"", "backslash followed by a space", 1, 7);
	check_err("a = \"\"\"a\\  b\"\"\"", "backslash followed by a space", 1, 9);
	check_err("a = \"abc\\", "unterminated string", 1, 9);
	check_err("\"\"\"k\"\"\" = 1", "multi-line strings cannot be keys", 1, 1);
	check_err("a = \"\"\"abc\n\n", "unterminated multi-line string", 1, 5);
	check_err("a = '''abc", "unterminated multi-line string", 1, 5);
	check_err("a = \"\"\"ab\"\"\"\"\"\"", "too many quotes", 1, 10);
	check_err("a = '''ab''''''", "too many quotes", 1, 10);
	check_err("a = \"abc\nb = 1", "unterminated string", 1, 5);
	check_err("a = 'abc", "unterminated string", 1, 5);
	check_err("a = \"x\" \"y\"", "expected end of line after the value, found '\"'", 1, 9);
	/* Keys. */
	check_err("= 1", "expected a key, found '='", 1, 1);
	check_err("a.\n", "expected a key, found end of line", 1, 3);
	check_err("a..b = 1", "expected a key, found '.'", 1, 3);
	check_err("a b = 1", "expected '=' after key 'a', found 'b'", 1, 3);
	check_err("a\n= 1", "expected '=' after key 'a', found end of line", 1, 2);
	check_err("bare!key = 1", "expected '=' after key 'bare', found '!'", 1, 5);
	check_err("a = 1\na = 2", "duplicate key 'a'", 2, 1);
	check_err("a = 1\n\"a\" = 2", "duplicate key 'a'", 2, 1);
	check_err("[s]\nk = 1\nk = 2", "duplicate key 'k' in table [s]", 3, 1);
	check_err("\"a\\u0000\\u0007\" = 1\n\"a\\u0000\\u0007\" = 2", "duplicate key 'a?" "?'", 2, 1);
	check_err("a = 1\na.b = 2", "key 'a' is already a value, not a table", 2, 1);
	check_err("[s]\na = [1]\na.b = 2", "key 'a' in table [s] is already an array", 3, 1);
	check_err("[[t.a]]\n[t]\na.b = 1", "key 'a' in table [t] is already an array of tables",
		  3, 1);
	check_err("a = {x = 1}\na.y = 2", "cannot add keys to inline table 'a'", 2, 1);
	check_err("a = {x.y = 1, x = 2}", "duplicate key 'x'", 1, 15);
	check_err("a = {x = {y = 1}, x.z = 2}", "cannot add keys to inline table 'x'", 1, 19);
	check_err("[a.b.c]\nz = 1\n[a]\nb.d = 2\nb.c.e = 3",
		  "cannot add keys to table [a.b.c] with dotted keys", 5, 3);
	check_err("[a.b.c]\n[a]\nb.c.d = 1", "cannot add keys to table [a.b.c]", 3, 3);
	/* Dates and times. */
	check_err("a = 07:3", "invalid time: expected HH:MM:SS", 1, 5);
	check_err("a = 07:30", "seconds are required", 1, 5);
	check_err("a = 24:00:00", "invalid time 24:00:00: out of range", 1, 5);
	check_err("a = 00:60:00", "out of range", 1, 5);
	check_err("a = 00:00:61", "out of range", 1, 5);
	check_err("a = 07:30:00.", "expected digits after '.'", 1, 14);
	check_err("a = 1979-5-27", "invalid date: expected YYYY-MM-DD", 1, 5);
	check_err("a = 1979-02-29", "invalid date 1979-02-29: no such day", 1, 5);
	check_err("a = 1900-02-29", "no such day", 1, 5);
	check_err("a = 2023-04-31", "no such day", 1, 5);
	check_err("a = 2023-13-01", "no such day", 1, 5);
	check_err("a = 2023-01-00", "no such day", 1, 5);
	check_err("a = 1979-05-27T", "expected a time after 'T'", 1, 16);
	check_err("a = 1979-05-27T07:32", "seconds are required", 1, 16);
	check_err("a = 1979-05-27T07:32:00+07", "invalid time offset: expected +HH:MM", 1, 24);
	check_err("a = 1979-05-27T07:32:00-0700", "expected -HH:MM", 1, 24);
	check_err("a = 1979-05-27T07:32:00+24:00", "offset +24:00: out of range", 1, 24);
	check_err("a = 1979-05-27x", "expected end of line after the value, found 'x'", 1, 15);
	check_err("a = 1979-05-2707:32:00", "expected end of line", 1, 15);
	check_err("a = 10000-01-01", "invalid number", 1, 5);
	/* Numbers. */
	check_err("a = +0x10", "no sign allowed on hex", 1, 5);
	check_err("a = 0x_10", "'_' must be between digits", 1, 5);
	check_err("a = 0b1_", "'_' must be between digits", 1, 5);
	check_err("a = 1__0", "'_' must be between digits", 1, 5);
	check_err("a = 1_.5", "'_' must be between digits", 1, 5);
	check_err("a = 0x1g", "invalid digit", 1, 5);
	check_err("a = 0o8", "invalid digit", 1, 5);
	check_err("a = 0x", "invalid digit", 1, 5);
	check_err("a = 0X1", "unexpected characters", 1, 5);
	check_err("a = 0x8000000000000000", "integer out of range (64-bit signed)", 1, 5);
	check_err("a = 9223372036854775808", "integer out of range", 1, 5);
	check_err("a = -9223372036854775809", "integer out of range", 1, 5);
	check_err("a = 99999999999999999999999", "integer out of range", 1, 5);
	check_err("a = 012", "leading zeros are not allowed", 1, 5);
	check_err("a = -0_1", "leading zeros are not allowed", 1, 5);
	check_err("a = +", "expected a digit", 1, 5);
	check_err("a = -.5", "expected a digit", 1, 5);
	check_err("a = 1.", "expected digits after '.'", 1, 5);
	check_err("a = 1.e5", "expected digits after '.'", 1, 5);
	check_err("a = 1e", "expected digits in the exponent", 1, 5);
	check_err("a = 1e+", "expected digits in the exponent", 1, 5);
	check_err("a = 1.5x", "unexpected characters", 1, 5);
	check_err("a = 1.2.3", "unexpected characters", 1, 5);
	check_err("a = 1e400", "float out of range", 1, 5);
	check_err("a = Inf", "expected a value, found 'I' (strings must be quoted)", 1, 5);
	check_err("a = nope", "invalid value (4 unquoted characters; strings must be quoted)", 1, 5);
	/* An unquoted secret is never echoed back in the message. */
	check_err("token = 9abcCANARYsecret", "invalid number (16 characters)", 1, 9);
	{
		struct err e = ERR_INIT;
		cJSON *t = NULL;

		parse_n("token = 9abcCANARYsecret", 24, NULL, &t, &e);
		ok(strstr(e.msg, "CANARY") == NULL, "an unquoted value never appears in the message");
		cJSON_Delete(t);
	}
	check_err("a = 1:2", "expected end of line after the value, found ':'", 1, 6);
	/* Booleans and other values. */
	check_err("a = tru", "invalid value (3 unquoted characters", 1, 5);
	check_err("a = trueish", "invalid value (7 unquoted characters", 1, 5);
	check_err("a = TRUE", "expected a value, found 'T'", 1, 5);
	check_err("a =", "expected a value, found end of file", 1, 4);
	check_err("a = # none", "expected a value, found '#'", 1, 5);
	check_err("a = @", "expected a value, found '@'", 1, 5);
	check_err("a = x", "expected a value, found 'x' (strings must be quoted)", 1, 5);
	check_err("a = \xe2\x82\xac", "expected a value, found U+20AC", 1, 5);
	/* Arrays and inline tables. */
	check_err("a = [1, 2", "unterminated array", 1, 5);
	check_err("a = [1,\n2,\n# c\n", "unterminated array", 1, 5);
	check_err("a = [1 2]", "expected ',' or ']' in array, found '2'", 1, 8);
	check_err("a = [,]", "expected a value, found ','", 1, 6);
	check_err("a = [1,,2]", "expected a value, found ','", 1, 8);
	check_err("a = {x = 1,}", "trailing comma not allowed in an inline table", 1, 12);
	check_err("a = {x = 1\n}", "unterminated inline table", 1, 11);
	check_err("a = {\nx = 1}", "expected a key, found end of line", 1, 6);
	check_err("a = {x = 1 y = 2}", "expected ',' or '}' in inline table, found 'y'", 1, 12);
	check_err("a = {x = 1, [b]}", "expected a key, found '['", 1, 13);
	/* Headers. */
	check_err("[a\n", "expected ']' to close the table header, found end of line", 1, 3);
	check_err("[[a]\n", "expected ']]' to close the table header, found ']'", 1, 4);
	check_err("[[a] ]\n", "expected ']]'", 1, 4);
	check_err("[ [a]]\n", "expected a key, found '['", 1, 3);
	check_err("[]\n", "expected a key, found ']'", 1, 2);
	check_err("[a.]\n", "expected a key, found ']'", 1, 4);
	check_err("[[a]]\n[a]", "table [a] is already an array of tables", 2, 2);
	check_err("a = 1\n[a.b]", "key 'a' is already a value, not a table", 2, 2);
	check_err("a = [{}]\n[a.b]", "key 'a' is already an array, not a table", 2, 2);
	check_err("a = []\n[[a]]", "key 'a' is already an array, not a table", 2, 3);
	check_err("a = {}\n[a.b]", "cannot extend inline table 'a'", 2, 2);
	check_err("a = {}\n[a]", "cannot extend inline table 'a'", 2, 2);
	check_err("[a]\n[[a]]", "[[a]] would redefine a table as an array of tables", 2, 3);
	check_err("[a]\nb.c = 1\n[a.b]", "table [a.b] was already defined by dotted keys", 3, 4);
	check_err("[a]\nb.c.d = 1\n[a.b.c]", "table [a.b.c] was already defined by dotted keys",
		  3, 6);
	check_err("[a]\n[a]", "table [a] defined twice", 2, 2);
	check_err("[a.b]\n[a]\n[a]", "table [a] defined twice", 3, 2);
	check_err("[[a.b]]\n[a]\nb.y = 2", "key 'b' in table [a] is already an array of tables",
		  3, 1);
	check_err("[[albums.songs]]\n[[albums]]",
		  "[[albums]] would redefine a table as an array of tables", 2, 3);
	check_err("a = 1 b = 2", "expected end of line after the value, found 'b'", 1, 7);
	check_err("[a] b = 1", "expected end of line after the table header, found 'b'", 1, 5);
}

/* An error on line 40 is reported on line 40, after CRLF and LF lines, a
 * multi-line string and a multi-line array. */
static void
test_error_position(void)
{
	struct buf b = BUF_INIT;
	int i;

	buf_adds(&b, "s = \"\"\"\none\r\ntwo\n\"\"\"\n");		/* lines 1-4 */
	buf_adds(&b, "arr = [\n  1,\n  2,\n]\n");			/* lines 5-8 */
	for (i = 9; i < 40; i++)
		buf_addf(&b, "k%d = %d%s", i, i, i % 2 ? "\r\n" : "\n");
	buf_adds(&b, "[tbl]\tname = \"x\"\n");			/* line 40 */
	check_err(b.data, "expected end of line after the table header, found 'n'", 40, 7);
	buf_release(&b);

	/* The BOM does not count as a column. */
	check_err("\xef\xbb\xbf" "a = ?", "expected a value, found '?'", 1, 5);
	/* Columns count bytes: two 2-byte characters before the error. */
	check_err("\"\xc3\xa9\xc3\xa9\" = ?", "expected a value", 1, 10);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_limits(void)
{
	struct tree_limits lim = { 1024, 2, 0 };
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	cJSON *t = NULL;
	size_t n = 100000, i;
	double t0;
	char *deep;

	/* 100000 nested arrays fail at the default depth limit, at the 257th '['. */
	deep = xmalloc(n + 5);
	memcpy(deep, "a = ", 4);
	memset(deep + 4, '[', n);
	t0 = now();
	check_err_lim(deep, n + 4, NULL, ERR_LIMIT, "nesting too deep (limit 256)", 1, 4 + 257);
	ok(now() - t0 < 1.0 * tap_slow(), "deep nesting fails fast");
	for (i = 0; i < n / 4; i++)
		memcpy(deep + 4 + 4 * i, "{a=", 3), deep[4 + 4 * i + 3] = ' ';
	check_err_lim(deep, n + 4, NULL, ERR_LIMIT, "nesting too deep", 1, 4 + 1 + 4 * 256);
	/* A dotted key or header 100000 parts long. */
	for (i = 0; i < n; i += 2)
		memcpy(deep + i, "a.", 2);
	deep[n - 1] = '=';
	check_err_lim(deep, n, NULL, ERR_LIMIT, "key nested too deep (limit 256)", 1,
		      2 * 257 + 1);
	deep[0] = '[';
	for (i = 1; i + 2 <= n; i += 2)
		memcpy(deep + i, "a.", 2);
	deep[n - 1] = ']';
	check_err_lim(deep, n, NULL, ERR_LIMIT, "key nested too deep", 1, 2 * 257 + 2);
	free(deep);

	/* Custom depth 2: [a.b] and [[a]] fit; one more level does not. */
	ok(parse_n("[a.b]\nx=1", 9, &lim, &t, &e) == 0, "depth 2: [a.b]");
	cJSON_Delete(t);
	ok(parse_n("[[a]]\nx=1", 9, &lim, &t, &e) == 0, "depth 2: [[a]] (array + table)");
	cJSON_Delete(t);
	check_err_lim("[a.b.c]", 7, &lim, ERR_LIMIT, "nesting too deep (limit 2)", 1, 6);
	check_err_lim("[a.b.c.d]", 9, &lim, ERR_LIMIT, "key nested too deep (limit 2)", 1, 8);
	check_err_lim("[[a.b]]", 7, &lim, ERR_LIMIT, "nesting too deep (limit 2)", 1, 5);
	ok(parse_n("[a]\nb.c = [{}]", 14, &lim, &t, &e) < 0, "depth 2: [a] b.c = [] is too deep");
	ok(parse_n("[a]\nb.c = 1", 11, &lim, &t, &e) == 0, "depth 2: scalars do not nest");
	cJSON_Delete(t);
	check_err_lim("[a]\nb.c.d = 1", 13, &lim, ERR_LIMIT, "nesting too deep", 2, 3);
	check_err_lim("[a.b]\nc.d = 1", 13, &lim, ERR_LIMIT, "nesting too deep (limit 2)", 2, 1);
	check_err_lim("a = [[[1]]]", 11, &lim, ERR_LIMIT, "nesting too deep", 1, 7);
	check_err_lim("[a.b]\nc = {}", 12, &lim, ERR_LIMIT, "nesting too deep", 2, 5);
	/* The caller's depth is capped so recursion stays bounded. */
	{
		struct tree_limits huge = { 0, 100000000u, 0 };
		char *d = xmalloc(5000);

		memcpy(d, "a = ", 4);
		memset(d + 4, '[', 4996);
		check_err_lim(d, 5000, &huge, ERR_LIMIT, "nesting too deep (limit 1024)", 1,
			      4 + 1025);
		free(d);
	}

	/* Depth 0: only scalars in the root table. */
	lim.max_depth = 0;
	ok(parse_n("a = 1", 5, &lim, &t, &e) == 0, "depth 0: a scalar in the root");
	cJSON_Delete(t);
	check_err_lim("a.b = 1", 7, &lim, ERR_LIMIT, "key nested too deep (limit 0)", 1, 3);
	check_err_lim("a = []", 6, &lim, ERR_LIMIT, "nesting too deep (limit 0)", 1, 5);

	/* Node and byte limits. */
	lim.max_depth = 8;
	lim.max_nodes = 5;
	ok(parse_n("a = 1\nb = [2]\n", 14, &lim, &t, &e) == 0, "4 values under a limit of 5");
	cJSON_Delete(t);
	check_err_lim("a = 1\nb = [2, 3, 4]\n", 20, &lim, ERR_LIMIT, "too many values (limit 5)",
		      2, 12);
	check_err_lim("[a.b.c.d.e]", 11, &lim, ERR_LIMIT, "too many values", 1, 10);
	lim.max_nodes = 0;
	lim.max_bytes = 32;
	check_err_lim("x = 'this is 33 bytes long......'", 33, &lim, ERR_LIMIT,
		      "input too large (33 bytes, limit 32)", 0, 0);
	ok(parse_n("x = 'this is 32 bytes long.....'", 32, &lim, &t, &e) == 0,
	   "exactly max_bytes is accepted");
	cJSON_Delete(t);

	/* Huge input: refused before reading a byte past the size check. */
	{
		size_t big = TREE_MAX_BYTES_DEFAULT + 1;
		char *h = xmalloc(big);

		memset(h, '#', big);
		ok(toml_parse(h, big, NULL, &t, &e) == -ERR_LIMIT && t == NULL &&
		   strstr(e.msg, "input too large") != NULL, "16 MiB + 1 refused (ERR_LIMIT)");
		free(h);
	}

	/* Many keys in one table and many tables: linear, not quadratic. */
	for (i = 0; i < 100000; i++)
		buf_addf(&b, "key_%zu = %zu\n", i, i);
	for (i = 0; i < 20000; i++)
		buf_addf(&b, "[t.\"tbl %zu\"]\nx = [%zu, 'a']\n", i, i);
	t0 = now();
	ok(parse_n(b.data, b.len, NULL, &t, &e) == 0 && cJSON_GetArraySize(t) == 100001 &&
	   cJSON_GetArraySize(get(t, "t", NULL)) == 20000, "100k keys + 20k tables parse");
	ok(now() - t0 < 5.0 * tap_slow(), "in linear time (%.3f s)", now() - t0);
	is_str(get(t, "key_99999", NULL)->valuestring, "99999", "last key found");
	cJSON_Delete(t);
	buf_release(&b);
}

int
main(void)
{
	test_codex_config();
	test_values();
	test_tables();
	test_tagged_print();
	test_errors();
	test_error_position();
	test_limits();
	return tap_done();
}
