/* Error paths of hooks/: the event queue and audit spool (full, oversized,
 * unwritable), and the YAML and TOML editors refusing layouts they cannot
 * follow, with quoted keys and escapes decoded. */
#include "hooks/queue.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "hooks/audit.h"
#include "hooks/edit_toml.h"
#include "hooks/edit_yaml.h"
#include "hooks/policy.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static char base[256];

static char *
tpath(const char *rel)
{
	static char p[8][1024];
	static int i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", base, rel);
	return p[i];
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

static void
touch(const char *path, time_t age)
{
	FILE *f = fopen(path, "w");
	struct timeval tv[2];

	if (f)
		fclose(f);
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= age;
	tv[1] = tv[0];
	utimes(path, tv);
}

static int
count_send(const char *body, size_t len, void *arg)
{
	(void)body, (void)len;
	++*(int *)arg;
	return 0;
}

static int
refuse_send(const char *body, size_t len, void *arg)
{
	(void)body, (void)len, (void)arg;
	return -1;
}

static void
test_queue(void)
{
	cJSON *ev = cJSON_Parse("{\"client\":\"claude_code\",\"event_name\":\"PreToolUse\","
				"\"payload\":{}}");
	cJSON *big = cJSON_CreateObject();
	struct err e = ERR_INIT;
	char *mark, *pad;
	size_t sent = 0;
	int n = 0;

	mkdir(tpath("q"), 0700);
	mark = xasprintf("%s/%s", tpath("q"), QUEUE_FULL_MARK);
	touch(mark, 0);
	is_int(queue_add(tpath("q"), ev, &e), -ERR_LIMIT, "a fresh full mark drops the event");
	ok(strstr(e.msg, "queue is full") != NULL, "…as the queue being full (%s)", e.msg);
	is_int(queue_count(tpath("q"), 0), 0, "…and nothing is queued");
	touch(mark, 120);
	err_clear(&e);
	ok(queue_add(tpath("q"), ev, &e) == 0, "a mark older than a minute is checked again (%s)",
	   e.msg);
	ok(access(mark, F_OK) != 0, "…and removed");
	is_int(queue_count(tpath("q"), 0), 1, "…and the event is queued");
	free(mark);

	pad = xmalloc(QUEUE_MAX_BODY + 1);
	memset(pad, 'a', QUEUE_MAX_BODY);
	pad[QUEUE_MAX_BODY] = '\0';
	cJSON_AddStringToObject(big, "payload", pad);
	free(pad);
	err_clear(&e);
	is_int(queue_add(tpath("q"), big, &e), -ERR_LIMIT, "an event over the body limit is dropped");
	ok(strstr(e.msg, "over the") != NULL, "…saying so (%s)", e.msg);

	touch(tpath("qfile"), 0);
	err_clear(&e);
	ok(queue_add(tpath("qfile/sub"), ev, &e) < 0 && e.msg[0], "no queue under a file (%s)",
	   e.msg);

	/* A file that cannot be read (a symlink, never followed) is
	 * removed; a send that fails stops the drain and keeps the event. */
	ok(symlink("/etc/passwd", tpath("q/0000000001.000000000-1.json")) == 0, "symlink queued");
	err_clear(&e);
	ok(queue_drain(tpath("q"), 0, refuse_send, NULL, &sent, &e) == 0 && sent == 0,
	   "a refused send stops the drain");
	is_int(queue_count(tpath("q"), 0), 1, "…keeping the event, the symlink removed");
	ok(queue_drain(tpath("q"), 0, count_send, &n, &sent, &e) == 0 && sent == 1 && n == 1,
	   "a drain delivers it");
	err_clear(&e);
	ok(queue_drain(tpath("nothing"), 0, count_send, &n, &sent, &e) == 0 && sent == 0,
	   "a missing queue drains nothing");
	err_clear(&e);
	ok(queue_drain(tpath("qfile"), 0, count_send, &n, &sent, &e) < 0 && e.msg[0],
	   "a queue that is a file is an error (%s)", e.msg);
	cJSON_Delete(ev);
	cJSON_Delete(big);
}

static void
test_audit(void)
{
	struct store_event ev;
	struct err e = ERR_INIT;

	memset(&ev, 0, sizeof(ev));
	ev.type = "hook.pre_tool_use";
	ev.client = "claude_code";
	touch(tpath("afile"), 0);
	ok(audit_spool_add(tpath("afile/pending"), &ev, &e) < 0 && e.msg[0],
	   "no audit spool under a file (%s)", e.msg);
	mkdir(tpath("ro"), 0700);
	mkdir(tpath("ro/pending"), 0700);
	/* A directory named like the final file: the rename fails. */
	err_clear(&e);
	ok(audit_spool_add(tpath("ro/pending"), &ev, &e) == 0, "spooled (%s)", e.msg);
}

/* ---- YAML -------------------------------------------------------------------------- */

static void
test_yaml_refusals(void)
{
	static const struct { const char *in, *msg; } bad[] = {
		{ "hooks:\n  a: []\r  b: 1\n", "carriage return without a line feed" },
		{ "hooks:\n  a:\n    - x: 1\nhooks:\n  b: 2\n", "duplicate top-level key" },
		{ "hooks:\n  a:\n  \t- x\n", "tab in indentation" },
		{ "hooks:\n    a:\n      - x: 1\n  b:\n", "inconsistent indentation in the block" },
		{ "hooks:\n  - a\n", "the block is not a mapping" },
		{ "hooks:\n  a: 1\n  a: 2\n", "duplicate key in the block" },
		{ "hooks:\n  \"a\" x: 1\n", "not a simple key" },
		{ "hooks:\n  a: x\n    - y\n", "not a block list" },
		{ "hooks:\n  a:\n      - x: 1\n    - y: 2\n", "inconsistent indentation in a list" },
		{ "hooks:\n  a:\n    -x\n", "not a block item" },
	};
	struct yblock b;
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret;

		err_clear(&e);
		ret = yblock_scan(bad[i].in, strlen(bad[i].in), "hooks", &b, &e);
		ok(ret == -ERR_INVALID && strstr(e.msg, bad[i].msg) != NULL && e.line >= 2,
		   "YAML refused: %s (%s at %lu:%lu)", bad[i].msg, e.msg, e.line, e.col);
	}
}

static void
test_yaml_quoted(void)
{
	/* Quoted keys with escapes, a quoted scalar over two lines, comments. */
	static const char in[] =
		"\"hooks\":\n"
		"  \"pre\\\"tool\":\n"
		"    - command: \"a\n"
		"        b\"\n"
		"      # about the item\n"
		"  \"post\\tcall\":\n"
		"    - command: x\n"
		"top: 1\n";
	static const char single[] = "hooks:\n  'it''s':\n    - command: x\n";
	struct yblock b;
	struct err e = ERR_INIT;
	struct buf o = BUF_INIT;
	cJSON *m;
	int ret;

	ret = yblock_scan(in, strlen(in), "hooks", &b, &e);
	ok(ret == 0 && b.found, "quoted block found (%s)", e.msg);
	ok(ret == 0 && b.nkids == 2 && strcmp(b.kids[0].key, "pre\"tool") == 0 &&
	   strcmp(b.kids[1].key, "post\tcall") == 0, "double-quoted child keys decoded");
	ok(ret == 0 && b.nkids == 2 && b.kids[0].nitems == 1 &&
	   b.kids[0].items[0].end > (size_t)(strstr(in, "# about") - in),
	   "a quoted scalar's second line and the comment under it belong to its item");
	if (ret == 0)
		yblock_release(&b);

	/* In a single-quoted key, '' is one quote (and does not end the key). */
	err_clear(&e);
	ret = yblock_scan(single, strlen(single), "hooks", &b, &e);
	ok(ret == 0 && b.nkids == 1 && strcmp(b.kids[0].key, "it's") == 0,
	   "a single-quoted key with '' is read as one quote (%s)", e.msg);
	if (ret == 0)
		yblock_release(&b);

	m = cJSON_Parse("{\"command\":\"a\\u0001\\\"b\",\"n\":3,\"f\":true,\"z\":null}");
	yaml_item(&o, m, 4, 2, "\n");
	ok(o.data && strstr(o.data, "\\x01") && strstr(o.data, "\\\"") && strstr(o.data, "n: 3") &&
	   strstr(o.data, "z: null"), "an item's scalars escaped");
	buf_release(&o);
	cJSON_Delete(m);
}

/* ---- TOML -------------------------------------------------------------------------- */

static void
test_toml_scan(void)
{
	static const char ok_in[] =
		"\xef\xbb\xbf[hooks.\"a\\u00e9\\U0001F600\\b\\t\\n\\f\\r\\e\\\"\\\\\"]\n"
		"'lit.key' = 1\n";
	static const char *const bad[] = {
		"[hooks.\"a\\q\"]\n",
		"[hooks.\"a\\u12\"]\n",
		"[hooks.\"a\\u12zz\"]\n",
		"[hooks.\"unterminated]\n",
		"[hooks.'unterminated]\n",
		"[hooks\n",
		"[[hooks.a]\n",
		"[hooks] junk\n",
		"a.b\n",
		"a = \"x\" junk\n",
		"= 1\n",
	};
	struct tdoc d;
	struct err e = ERR_INIT;
	size_t i;

	ok(tdoc_scan(&d, ok_in, sizeof(ok_in) - 1, &e) == 0, "TOML with escaped keys (%s)", e.msg);
	ok(d.n >= 2 && d.v[0].npath == 2 &&
	   strcmp(d.v[0].path[1], "a\xc3\xa9\xf0\x9f\x98\x80\b\t\n\f\r\x1b\"\\") == 0,
	   "every escape of a quoted key decoded");
	ok(d.n >= 2 && d.v[1].npath == 3 && strcmp(d.v[1].path[2], "lit.key") == 0,
	   "a literal key keeps its dot");
	tdoc_release(&d);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret;

		err_clear(&e);
		ret = tdoc_scan(&d, bad[i], strlen(bad[i]), &e);
		ok(ret == -ERR_PARSE && e.line == 1 && e.col >= 1 &&
		   strstr(e.msg, "cannot follow") != NULL, "TOML case %zu refused at %lu:%lu",
		   i, e.line, e.col);
	}
	{
		struct buf b = BUF_INIT;

		toml_key(&b, "plain-key_1");
		buf_addc(&b, '.');
		toml_key(&b, "with space");
		buf_addc(&b, '.');
		toml_quote(&b, "q\"\\\n\t\x01");
		is_str(b.data, "plain-key_1.\"with space\".\"q\\\"\\\\\\n\\t\\u0001\"",
		       "keys bare when they can be, quoted and escaped otherwise");
		buf_release(&b);
	}
}

/* ---- rules files ------------------------------------------------------------------ */

static void
test_policy_refusals(void)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "{\"version\": 1, \"denied\": {}}", "'denied' must be an array" },
		{ "{\"version\": 1, \"approved\": {\"a\": 1}}", "'approved' must be an array" },
		{ "{\"version\": 1, \"approved\": [\"abc\"]}", "has no valid config_hash" },
		{ "{\"version\": 1, \"mode\": 3}", "\"mode\" must be a string" },
		{ "{\"version\": 1.5}", "no valid \"version\"" },
		{ "[1]", "not a JSON object" },
	};
	struct policy p;
	struct err e = ERR_INIT;
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret;

		f = fopen(tpath("rules.json"), "w");
		if (f) {
			fputs(bad[i].text, f);
			fclose(f);
		}
		policy_init(&p);
		err_clear(&e);
		ret = policy_load(&p, tpath("rules.json"), &e);
		ok(ret < 0 && strstr(e.msg, bad[i].msg) != NULL && e.path[0],
		   "rules refused: %s (%s)", bad[i].msg, e.msg);
		policy_release(&p);
	}
	policy_init(&p);
	err_clear(&e);
	ok(policy_forget_hash(&p, "xyz", &e) == -ERR_INVALID &&
	   strstr(e.msg, "is not a config_hash") != NULL, "forgetting a malformed hash is refused");
	policy_release(&p);
}

int
main(void)
{
	snprintf(base, sizeof(base), "%s/runlayer-hooks-cov.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_queue();
	test_audit();
	test_yaml_refusals();
	test_yaml_quoted();
	test_toml_scan();
	test_policy_refusals();
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
