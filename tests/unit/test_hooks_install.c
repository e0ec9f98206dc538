/* Unit tests for the hook installer: our command line and how ours are
 * recognised, the Codex trust hash (reference vector and hashes Codex 0.169
 * computed), the YAML and TOML editors, the plan, and the unified diff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/edit_toml.h"
#include "hooks/edit_yaml.h"
#include "hooks/install.h"
#include "hooks/install_int.h"
#include "parsers/tree.h"
#include "tap.h"

static void
test_hash(void)
{
	char h[72];

	/* clients.md §5.2 test vector. */
	hooks_codex_hash("pre_tool_use", "mcp__.*", "/usr/local/bin/mcpguard hook --client codex", -1,
			 0, NULL, h);
	is_str(h, "sha256:0d52896665581b12c948748559fca743d131a452b1808c3b499cf1705b51dd6c",
	       "Codex trust hash: reference test vector");
	hooks_codex_hash("pre_tool_use", "mcp__.*", "/usr/local/bin/mcpguard hook --client codex", 600,
			 0, NULL, h);
	is_str(h, "sha256:0d52896665581b12c948748559fca743d131a452b1808c3b499cf1705b51dd6c",
	       "an explicit 600 hashes like the default");
	/* currentHash values Codex 0.169.0 reported in hooks/list. */
	hooks_codex_hash("permission_request", "Bash", "/x", -1, 0, NULL, h);
	is_str(h, "sha256:1a7470a71dae42bff1a3193f85902992ba9070531218adeb7b297e4ab8321979",
	       "Codex hash: permission_request with a matcher");
	hooks_codex_hash("user_prompt_submit", NULL, "/x", 5, 0, NULL, h);
	is_str(h, "sha256:0b5ba2a3f8d512a9ad86d085e0a218f35885550a0cccf2f4bc090a9b5f55af75",
	       "Codex hash: matcher-less event with a timeout");
	hooks_codex_hash("session_end", NULL, "/x", -1, 0, NULL, h);
	{
		char h1[72];

		hooks_codex_hash("session_end", NULL, "/x", 1, 0, NULL, h1);
		is_str(h, h1, "session_end defaults to a 1 s timeout");
	}
	hooks_codex_hash("pre_tool_use", "mcp__.*", "/x", -1, 1, "checking", h);
	ok(strncmp(h, "sha256:", 7) == 0 && strlen(h) == 71, "async and statusMessage hash (%s)", h);
}

static void
test_command(void)
{
	char *c;

	c = hooks_command("/usr/local/bin/runlayer", HOOK_CLAUDE_CODE, HOOK_MODE_ENFORCE);
	is_str(c, "/usr/local/bin/runlayer hook --client claude_code", "command: plain path");
	free(c);
	c = hooks_command("/opt/AI Watch/aiwatch", HOOK_GEMINI, HOOK_MODE_ALL_EVENTS);
	is_str(c, "\"/opt/AI Watch/aiwatch\" hook --client gemini-cli", "command: quoted when spaced");
	free(c);
	c = hooks_command("/usr/bin/runlayer", HOOK_HERMES, HOOK_MODE_MONITOR);
	is_str(c, "/usr/bin/runlayer hook --client hermes --no-enforcement", "command: monitor mode");
	free(c);
	c = hooks_command("/opt/x(1)/runlayer", HOOK_CURSOR, HOOK_MODE_ENFORCE);
	is_str(c, "\"/opt/x(1)/runlayer\" hook --client cursor", "command: shell-special bytes quoted");
	free(c);
	ok(hooks_command("runlayer", HOOK_CURSOR, HOOK_MODE_ENFORCE) == NULL, "command: relative refused");
	ok(hooks_command("/a\"b/runlayer", HOOK_CURSOR, HOOK_MODE_ENFORCE) == NULL, "command: \" refused");
	ok(hooks_command("/a$b/runlayer", HOOK_CURSOR, HOOK_MODE_ENFORCE) == NULL, "command: $ refused");
	ok(hooks_command("/a`b`/runlayer", HOOK_CURSOR, HOOK_MODE_ENFORCE) == NULL, "command: ` refused");
	ok(hooks_command("/a\\b/runlayer", HOOK_CURSOR, HOOK_MODE_ENFORCE) == NULL, "command: \\ refused");
	ok(hooks_command("/a\nb/runlayer", HOOK_CURSOR, HOOK_MODE_ENFORCE) == NULL, "command: newline refused");
}

static void
test_ours(void)
{
	static const char *const yes[] = {
		"/usr/local/bin/runlayer hook --client claude_code",
		"runlayer hook",
		"\"/Applications/AI Watch.app/Contents/MacOS/aiwatch\" hook --client cursor",
		"C:\\Program Files\\Runlayer\\AIWATCH.EXE hook --client codex",
		"'/opt/runlayer' hook",
		"/home/u/.runlayer/hooks/runlayer-hook.sh",
		"/x/aiwatch-hook.exe --client x",
		"/x/aiwatch-enforce",
		"sh /home/u/.cursor/hooks/runlayer-cursor-hook.sh",
		"/home/u/.claude/hooks/runlayer-claude-hook.sh",
		"  /usr/bin/aiwatch   hook",
		"\"/opt/aiwatch hook",
		"sh -c 'runlayer hook --client x'",
		NULL
	};
	static const char *const no[] = {
		"/opt/acme/guard", "runlayer scan", "aiwatch hooks", "myrunlayer hook",
		"runlayerx hook", "aiwatch", "/runlayer/bin/guard hook", "runlayer hooker",
		"xaiwatch hook", "aiwatch.exe", "", NULL
	};
	const char *const *p;

	for (p = yes; *p; p++)
		ok(hooks_command_is_ours(*p), "ours: %s", *p);
	for (p = no; *p; p++)
		ok(!hooks_command_is_ours(*p), "not ours: '%s'", *p);
	ok(!hooks_command_is_ours(NULL), "not ours: NULL");
}

static void
test_lookup(void)
{
	is_int(hook_client_lookup("claude_code"), HOOK_CLAUDE_CODE, "lookup: id");
	is_int(hook_client_lookup("claude-code"), HOOK_CLAUDE_CODE, "lookup: alias");
	is_int(hook_client_lookup("gemini"), HOOK_GEMINI, "lookup: short alias");
	is_int(hook_client_lookup("github-copilot-cli"), HOOK_COPILOT, "lookup: copilot");
	is_int(hook_client_lookup("claude"), HOOK_CLAUDE_CODE, "lookup: claude");
	is_int(hook_client_lookup("clau"), -1, "lookup: no prefix matching");
	is_int(hook_client_lookup("vim"), -1, "lookup: unknown");
}

/* Install into text, check compliance, reinstall (no change), uninstall
 * (the original bytes). want_sub: a substring the installed text holds. */
static void
yaml_round(const char *name, const char *in, const char *want_sub)
{
	struct hook_wants w;
	struct hook_file_report fr;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT, again = BUF_INIT, back = BUF_INIT;
	const struct hook_spec *s = &hook_specs[HOOK_HERMES];
	char *cmd = hooks_command("/usr/bin/runlayer", HOOK_HERMES, HOOK_MODE_ENFORCE);
	int r;
	size_t i;

	hook_wants_build(HOOK_HERMES, HOOK_MODE_ENFORCE, cmd, &w);
	memset(&fr, 0, sizeof(fr));
	r = hfile_yaml_edit(s, &w, 0, in, strlen(in), 1, &out, &fr, &e);
	ok(r == 0, "yaml %s: install (%s)", name, e.msg);
	if (want_sub && !ok(strstr(out.data, want_sub) != NULL, "yaml %s: layout followed", name))
		printf("# got:\n%s\n", out.data);
	r = hfile_yaml_edit(s, &w, 1, out.data, out.len, 1, NULL, &fr, &e);
	ok(r == 0 && fr.problems == 0, "yaml %s: check compliant (problems %u)", name, fr.problems);
	r = hfile_yaml_edit(s, &w, 0, out.data, out.len, 1, &again, &fr, &e);
	ok(r == 0 && again.len == out.len && memcmp(again.data, out.data, out.len) == 0,
	   "yaml %s: reinstall changes nothing", name);
	r = hfile_yaml_edit(s, NULL, 0, out.data, out.len, 1, &back, &fr, &e);
	ok(r == 0, "yaml %s: uninstall (%s)", name, e.msg);
	is_str(back.data, in, "yaml %s: uninstall gives back the original", name);
	for (i = 0; i < fr.nnotes; i++)
		free(fr.notes[i]);
	free(fr.notes);
	hook_wants_release(&w);
	buf_release(&out);
	buf_release(&again);
	buf_release(&back);
	free(cmd);
}

/* A file without a final newline gets one: the only byte uninstall does
 * not give back. */
static void
test_yaml_no_final_newline(void)
{
	struct hook_wants w;
	struct hook_file_report fr;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT, back = BUF_INIT;
	char *cmd = hooks_command("/usr/bin/runlayer", HOOK_HERMES, HOOK_MODE_ENFORCE);

	hook_wants_build(HOOK_HERMES, HOOK_MODE_ENFORCE, cmd, &w);
	memset(&fr, 0, sizeof(fr));
	ok(hfile_yaml_edit(&hook_specs[HOOK_HERMES], &w, 0, "model: x", 8, 1, &out, &fr, &e) == 0 &&
	   strncmp(out.data, "model: x\nhooks:\n", 16) == 0, "yaml: no final newline: one is added");
	ok(hfile_yaml_edit(&hook_specs[HOOK_HERMES], NULL, 0, out.data, out.len, 1, &back, &fr, &e) == 0,
	   "yaml: no final newline: uninstall");
	is_str(back.data, "model: x\n", "yaml: no final newline: only that newline stays");
	hook_wants_release(&w);
	buf_release(&out);
	buf_release(&back);
	free(cmd);
}

static void
test_yaml(void)
{
	struct hook_wants w;
	struct hook_file_report fr;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;
	char *cmd = hooks_command("/usr/bin/runlayer", HOOK_HERMES, HOOK_MODE_ENFORCE);
	const char *flow = "hooks: {pre_tool_call: [{command: /x}]}\n";

	yaml_round("no hooks", "model: x\n", "\nhooks:\n  pre_tool_call:\n    - matcher: \"mcp_.*\"\n");
	yaml_round("empty file", "# only a comment\n", NULL);
	yaml_round("same-indent lists",
		   "hooks:\n  pre_tool_call:\n  - command: /a\n    matcher: b\nx: 1\n",
		   "  - command: /a\n    matcher: b\n  - matcher: \"mcp_.*\"\n");
	yaml_round("indented lists, four spaces",
		   "hooks:\n    pre_tool_call:\n        -   command: /a\nx: 1\n",
		   "        -   command: /a\n        -   matcher: \"mcp_.*\"\n            command:");
	yaml_round("comments kept",
		   "# top\nhooks:   # ours too\n  # before\n  pre_tool_call:\n    - command: /a  # mine\n      # inside\n  # after the list\nz: [1, 2]   # flow elsewhere is fine\n",
		   "    - command: /a  # mine\n      # inside\n    - matcher:");
	yaml_round("crlf", "a: 1\r\nhooks:\r\n  other_event:\r\n    - command: /a\r\n",
		   "  other_event:\r\n    - command: /a\r\n  pre_tool_call:\r\n    - matcher: \"mcp_.*\"\r\n");
	yaml_round("document marker", "---\nhooks:\n  pre_tool_call:\n    - command: /a\n", NULL);

	hook_wants_build(HOOK_HERMES, HOOK_MODE_ENFORCE, cmd, &w);
	memset(&fr, 0, sizeof(fr));
	ok(hfile_yaml_edit(&hook_specs[HOOK_HERMES], &w, 0, flow, strlen(flow), 1, &out, &fr, &e) < 0,
	   "yaml: flow-style hooks refused");
	ok(strstr(e.msg, "edit it by hand") != NULL, "yaml: says what to do (%s)", e.msg);
	err_clear(&e);
	ok(hfile_yaml_edit(&hook_specs[HOOK_HERMES], &w, 0, "a: [\n", 4, 1, &out, &fr, &e) ==
	   -ERR_PARSE, "yaml: a parse error is an error");
	ok(e.line > 0, "yaml: with a line (%lu:%lu)", e.line, e.col);
	hook_wants_release(&w);
	buf_release(&out);
	free(cmd);
}

static void
test_toml_scan(void)
{
	const char *t =
		"# c\n"
		"a = \"\"\"multi\n[not] = a header\n\"\"\"\n"
		"b = '''x\n'''\n"
		"arr = [\n  1, # one\n  \"]\",\n]\n"
		"\"q.k\".'lit'.bare = { x = 1, y = \"}\" }\n"
		"when = 1979-05-27 07:32:00\n"
		"\n"
		"[hooks.state.\"/h/.codex/hooks.json:pre_tool_use:0:0\"]\n"
		"trusted_hash = \"sha256:00\"\n"
		"[[hooks.PreToolUse]]\n"
		"matcher = \"x\"\n"
		"[[hooks.PreToolUse.hooks]]\n"
		"type = \"command\"\n"
		"  # trailing comment\n"
		"[other]\n";
	struct tdoc d;
	struct err e = ERR_INIT;
	size_t i, n_kv = 0, hdr = (size_t)-1, aot = (size_t)-1;
	cJSON *tree = NULL;

	ok(toml_parse(t, strlen(t), NULL, &tree, &e) == 0, "toml sample is valid TOML (%s)", e.msg);
	cJSON_Delete(tree);
	ok(tdoc_scan(&d, t, strlen(t), &e) == 0, "toml scan (%s)", e.msg);
	for (i = 0; i < d.n; i++) {
		if (d.v[i].kind == TS_KEYVAL)
			n_kv++;
		if (d.v[i].kind == TS_TABLE && d.v[i].npath == 3 && hdr == (size_t)-1)
			hdr = i;
		if (d.v[i].kind == TS_AOT && aot == (size_t)-1)
			aot = i;
	}
	is_int(n_kv, 8, "toml: key/values found (multi-line values are one statement)");
	ok(hdr != (size_t)-1 && strcmp(d.v[hdr].path[2], "/h/.codex/hooks.json:pre_tool_use:0:0") == 0,
	   "toml: quoted header key decoded");
	ok(aot != (size_t)-1 && tdoc_table_end(&d, aot, 1) == d.n - 2,
	   "toml: an array-of-tables element spans its sub-tables, not the comment after");
	for (i = 0; i < d.n; i++)
		if (d.v[i].kind == TS_KEYVAL && d.v[i].npath == 3 && strcmp(d.v[i].path[0], "q.k") == 0)
			break;
	ok(i < d.n && strcmp(d.v[i].path[1], "lit") == 0 && d.v[i].nkey == 3,
	   "toml: dotted quoted key decoded");
	tdoc_release(&d);
}

static void
test_diff(void)
{
	char *d;

	d = hook_udiff("a", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", 18, "b", "1\n2\n3\n4\nX\n6\n7\n8\n9\n", 18);
	is_str(d, "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n",
	       "diff: one changed line with 3 lines of context");
	free(d);
	d = hook_udiff("/dev/null", "", 0, "new", "x\ny", 3);
	is_str(d, "--- /dev/null\n+++ new\n@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\n",
	       "diff: a new file, no final newline");
	free(d);
	d = hook_udiff("a", "x\n", 2, "b", "x\n", 2);
	is_str(d, "--- a\n+++ b\n", "diff: no hunks when equal");
	free(d);
	d = hook_udiff("a", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", 27, "b",
		       "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n", 32);
	is_str(d, "--- a\n+++ b\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n@@ -10,3 +11,4 @@\n 10\n 11\n 12\n+13\n",
	       "diff: far-apart changes make two hunks");
	free(d);
}

static void
test_json_mixed(void)
{
	const struct hook_spec *s = &hook_specs[HOOK_CLAUDE_CODE];
	const char *in = "{\"hooks\": {\"PreToolUse\": [{\"matcher\": \"\", \"hooks\": ["
			 "{\"type\": \"command\", \"command\": \"/mine\"}, "
			 "{\"type\": \"command\", \"command\": \"/old/runlayer hook --client claude_code\"}]}]}}";
	const char *want = "{\"hooks\": {\"PreToolUse\": [{\"matcher\": \"\", \"hooks\": ["
			   "{\"type\": \"command\", \"command\": \"/mine\"}]}]}}";
	struct hook_file_report fr;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;
	int rm = 0;
	size_t i;

	memset(&fr, 0, sizeof(fr));
	ok(hfile_json_edit(s, NULL, 1, in, strlen(in), 1, NULL, NULL, &fr, &e) == 0 &&
	   (fr.problems & HOOK_PB_EXTRA) == 0, "mixed group: check runs");
	ok(hfile_json_edit(s, NULL, 0, in, strlen(in), 1, &out, &rm, &fr, &e) == 0,
	   "mixed group: uninstall (%s)", e.msg);
	is_str(out.data, want, "mixed group: only our handler leaves the shared group");
	ok(!rm, "claude settings are never deleted");
	for (i = 0; i < fr.nnotes; i++)
		free(fr.notes[i]);
	free(fr.notes);
	buf_release(&out);
}

int
main(void)
{
	test_hash();
	test_command();
	test_ours();
	test_lookup();
	test_yaml();
	test_yaml_no_final_newline();
	test_toml_scan();
	test_diff();
	test_json_mixed();
	return tap_done();
}
