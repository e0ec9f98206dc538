/* Unit tests for hooks/runtime: classification of every client's payloads
 * (client fingerprints, event kinds, tools, server hints) and whole runs in
 * process: modes, deadlines, limits, the watchdog, what gets recorded. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks/runtime.h"
#include "store/store.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"

static char tmp[] = "/tmp/test_hook_runtime.XXXXXX";

/* ---- classification --------------------------------------------------------- */

static const struct {
	const char *json;
	enum hook_client invoked, client;
	enum hook_kind kind;
	enum hook_tool tool;
	const char *server, *text, *session;
} cls[] = {
	/* captured payloads (shared/samples/hook-events) */
	{ "{\"session_id\":\"62e1\",\"transcript_path\":\"/t\",\"cwd\":\"/p\",\"prompt_id\":\"x\",\"permission_mode\":\"default\",\"effort\":{\"level\":\"high\"},\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"mcp__probe__echo\",\"tool_input\":{\"text\":\"hello\"},\"tool_use_id\":\"toolu_82d9\"}",
	  HOOK_CLAUDE_CODE, HOOK_CLAUDE_CODE, HOOK_KIND_PRE_TOOL, HOOK_TOOL_MCP, NULL, NULL, "62e1" },
	{ "{\"session_id\":\"01a2\",\"turn_id\":\"t\",\"transcript_path\":null,\"cwd\":\"/p\",\"hook_event_name\":\"PreToolUse\",\"model\":\"mock\",\"permission_mode\":\"bypassPermissions\",\"tool_name\":\"mcp__probe__echo\",\"tool_input\":{\"text\":\"hello\"},\"tool_use_id\":\"call_1\"}",
	  HOOK_CLIENT_NONE, HOOK_CODEX, HOOK_KIND_PRE_TOOL, HOOK_TOOL_MCP, NULL, NULL, "01a2" },
	{ "{\"session_id\":\"01a2\",\"turn_id\":\"t\",\"hook_event_name\":\"PostToolUse\",\"model\":\"m\",\"tool_name\":\"mcp__probe__echo\",\"tool_response\":{\"content\":[]}}",
	  HOOK_CODEX, HOOK_CODEX, HOOK_KIND_POST_TOOL, HOOK_TOOL_MCP, NULL, NULL, "01a2" },
	{ "{\"session_id\":\"ca04\",\"cwd\":\"/p\",\"hook_event_name\":\"BeforeTool\",\"timestamp\":\"2026-11-22T02:05:56.975Z\",\"tool_name\":\"mcp_probe_echo\",\"tool_input\":{\"text\":\"hello\"},\"mcp_context\":{\"server_name\":\"probe\",\"tool_name\":\"echo\",\"command\":\"python3\",\"args\":[\"/opt/probe/server.py\"]}}",
	  HOOK_CLAUDE_CODE, HOOK_GEMINI, HOOK_KIND_PRE_TOOL, HOOK_TOOL_MCP, "probe", NULL, "ca04" },
	/* documented shapes */
	{ "{\"conversation_id\":\"c1\",\"generation_id\":\"g\",\"hook_event_name\":\"beforeMCPExecution\",\"cursor_version\":\"1.7.2\",\"workspace_roots\":[\"/p\"],\"tool_name\":\"search\",\"tool_input\":\"{\\\"q\\\":1}\",\"url\":\"https://x/mcp\",\"mcp_server_name\":\"github\"}",
	  HOOK_CURSOR, HOOK_CURSOR, HOOK_KIND_PRE_TOOL, HOOK_TOOL_MCP, "github", NULL, "c1" },
	{ "{\"conversation_id\":\"c1\",\"hook_event_name\":\"beforeMCPExecution\",\"cursor_version\":\"1.7.2\",\"tool_name\":\"search\",\"command\":\"user-github::mcpScope:profile\"}",
	  HOOK_CURSOR, HOOK_CURSOR, HOOK_KIND_PRE_TOOL, HOOK_TOOL_MCP, "user-github::mcpScope:profile", NULL, "c1" },
	{ "{\"conversation_id\":\"c1\",\"hook_event_name\":\"PreToolUse\",\"cursor_version\":\"1.7.2\",\"tool_name\":\"mcp__x__y\"}",
	  HOOK_CLAUDE_CODE, HOOK_CURSOR, HOOK_KIND_PRE_TOOL, HOOK_TOOL_MCP, NULL, NULL, "c1" },
	{ "{\"conversation_id\":\"c1\",\"hook_event_name\":\"beforeShellExecution\",\"cursor_version\":\"1\",\"command\":\"cat .env\"}",
	  HOOK_CURSOR, HOOK_CURSOR, HOOK_KIND_SHELL, HOOK_TOOL_SHELL, NULL, "cat .env", "c1" },
	{ "{\"conversation_id\":\"c1\",\"hook_event_name\":\"beforeSubmitPrompt\",\"cursor_version\":\"1\",\"prompt\":\"hi\"}",
	  HOOK_CURSOR, HOOK_CURSOR, HOOK_KIND_PROMPT, HOOK_TOOL_OTHER, NULL, "hi", "c1" },
	{ "{\"hook_event_name\":\"pre_tool_call\",\"tool_name\":\"mcp_github_search\",\"tool_input\":{},\"session_id\":\"s\",\"cwd\":\"/p\",\"profile\":\"default\",\"extra\":{\"tool_call_id\":\"c\"}}",
	  HOOK_CLIENT_NONE, HOOK_HERMES, HOOK_KIND_PRE_TOOL, HOOK_TOOL_MCP, NULL, NULL, "s" },
	{ "{\"hook_event_name\":\"pre_tool_call\",\"tool_name\":\"terminal\",\"tool_input\":{\"command\":\"ls\"},\"session_id\":\"s\"}",
	  HOOK_HERMES, HOOK_HERMES, HOOK_KIND_PRE_TOOL, HOOK_TOOL_SHELL, NULL, "ls", "s" },
	{ "{\"timestamp\":1704614600000,\"cwd\":\"/p\",\"toolName\":\"bash\",\"toolArgs\":\"{\\\"command\\\":\\\"ls -la\\\"}\"}",
	  HOOK_CLIENT_NONE, HOOK_COPILOT, HOOK_KIND_PRE_TOOL, HOOK_TOOL_SHELL, NULL, "ls -la", NULL },
	{ "{\"timestamp\":1,\"cwd\":\"/p\",\"toolName\":\"bash\",\"toolArgs\":\"{}\",\"toolResult\":{\"resultType\":\"success\"}}",
	  HOOK_COPILOT, HOOK_COPILOT, HOOK_KIND_POST_TOOL, HOOK_TOOL_SHELL, NULL, NULL, NULL },
	{ "{\"agent_action_name\":\"pre_mcp_tool_use\",\"trajectory_id\":\"tr\",\"execution_id\":\"e\",\"tool_info\":{\"mcp_server_name\":\"github\",\"mcp_tool_name\":\"search\",\"mcp_tool_arguments\":{}}}",
	  HOOK_CLAUDE_CODE, HOOK_WINDSURF, HOOK_KIND_PRE_TOOL, HOOK_TOOL_MCP, "github", NULL, "tr" },
	{ "{\"agent_action_name\":\"pre_run_command\",\"trajectory_id\":\"tr\",\"tool_info\":{\"command_line\":\"cat .env\"}}",
	  HOOK_WINDSURF, HOOK_WINDSURF, HOOK_KIND_SHELL, HOOK_TOOL_SHELL, NULL, "cat .env", "tr" },
	{ "{\"session_id\":\"s\",\"hook_event_name\":\"UserPromptSubmit\",\"prompt\":\"do it\"}",
	  HOOK_CLAUDE_CODE, HOOK_CLAUDE_CODE, HOOK_KIND_PROMPT, HOOK_TOOL_OTHER, NULL, "do it", "s" },
	{ "{\"session_id\":\"s\",\"hook_event_name\":\"Stop\",\"last_assistant_message\":\"done\"}",
	  HOOK_CLAUDE_CODE, HOOK_CLAUDE_CODE, HOOK_KIND_RESPONSE, HOOK_TOOL_OTHER, NULL, "done", "s" },
	{ "{\"session_id\":\"s\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":[\"bash\",\"-lc\",\"cat .env\"]}}",
	  HOOK_CODEX, HOOK_CODEX, HOOK_KIND_PRE_TOOL, HOOK_TOOL_SHELL, NULL, "bash -lc cat .env", "s" },
	{ "{\"session_id\":\"s\",\"hook_event_name\":\"Notification\"}",
	  HOOK_CLAUDE_CODE, HOOK_CLAUDE_CODE, HOOK_KIND_OTHER, HOOK_TOOL_OTHER, NULL, NULL, "s" },
	{ "{\"session_id\":\"s\"}",
	  HOOK_CLAUDE_CODE, HOOK_CLAUDE_CODE, HOOK_KIND_NONE, HOOK_TOOL_OTHER, NULL, NULL, "s" },
	{ "{\"hook_event_name\":\"AfterAgent\",\"prompt_response\":\"ok\"}",
	  HOOK_CLIENT_NONE, HOOK_GEMINI, HOOK_KIND_RESPONSE, HOOK_TOOL_OTHER, NULL, "ok", NULL },
	{ "{\"hook_event_name\":3,\"tool_name\":[],\"session_id\":{}}",
	  HOOK_CLAUDE_CODE, HOOK_CLAUDE_CODE, HOOK_KIND_NONE, HOOK_TOOL_OTHER, NULL, NULL, NULL },
};

static void
test_classify(void)
{
	size_t i;

	for (i = 0; i < sizeof(cls) / sizeof(cls[0]); i++) {
		struct hook_event ev;
		cJSON *root = cJSON_Parse(cls[i].json);

		hook_event_classify(root, cls[i].invoked, NULL, NULL, &ev);
		is_str(hook_client_id(ev.client), hook_client_id(cls[i].client), "case %zu: client", i);
		is_str(hook_kind_name(ev.kind), hook_kind_name(cls[i].kind), "case %zu: kind", i);
		is_int(ev.tool, cls[i].tool, "case %zu: tool", i);
		is_str(ev.server_name, cls[i].server, "case %zu: server", i);
		is_str(ev.text, cls[i].text, "case %zu: text", i);
		is_str(ev.session_id, cls[i].session, "case %zu: session", i);
		hook_event_release(&ev);
	}
	{
		struct hook_event ev;

		hook_event_classify(cJSON_Parse("{\"tool_name\":\"x\"}"), HOOK_CLAUDE_CODE, "PreToolUse",
				    NULL, &ev);
		is_int(ev.kind, HOOK_KIND_PRE_TOOL, "HOOK_EVENT_NAME gives the event");
		hook_event_release(&ev);
		hook_event_classify(cJSON_Parse("{\"hook_event_name\":\"Stop\"}"), HOOK_CLAUDE_CODE,
				    "PreToolUse", "SessionEnd", &ev);
		is_int(ev.kind, HOOK_KIND_SESSION_END, "--event wins over the environment");
		hook_event_release(&ev);
		hook_event_classify(cJSON_Parse("{\"conversation_id\":\"c\",\"hook_event_name\":\"beforeReadFile\",\"cursor_version\":\"1\",\"file_path\":\"/p/.env\"}"),
				    HOOK_CURSOR, NULL, NULL, &ev);
		ok(ev.tool == HOOK_TOOL_READ && cJSON_GetArraySize(ev.paths) == 1 &&
		   strcmp(cJSON_GetArrayItem(ev.paths, 0)->valuestring, "/p/.env") == 0, "cursor read path");
		hook_event_release(&ev);
		hook_event_classify(cJSON_Parse("{\"hook_event_name\":\"BeforeTool\",\"tool_name\":\"read_many_files\",\"tool_input\":{\"paths\":[\"a\",\"b/.env\"]}}"),
				    HOOK_GEMINI, NULL, NULL, &ev);
		ok(ev.tool == HOOK_TOOL_READ && cJSON_GetArraySize(ev.paths) == 2, "gemini read_many_files paths");
		hook_event_release(&ev);
	}
	is_int(hook_client_parse("gemini-cli"), HOOK_GEMINI, "installer's id gemini-cli");
	is_int(hook_client_parse("github-copilot-cli"), HOOK_COPILOT, "installer's id github-copilot-cli");
	is_int(hook_client_parse("claude_code"), HOOK_CLAUDE_CODE, "claude_code");
	is_int(hook_client_parse("vim"), HOOK_CLIENT_NONE, "unknown client");
}

/* ---- whole runs ----------------------------------------------------------------- */

struct outcome {
	int code;
	struct buf out, err;
	double ms;
};

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static void
slurp(const char *path, struct buf *b)
{
	struct err e = ERR_INIT;

	buf_clear(b);
	file_read(path, 1 << 24, 0, b, NULL, &e);
}

/*
 * Run hook_run on input (NULL: a pipe that stays open, i.e. a client that
 * never finishes writing). With fork_it, in a child process with the
 * watchdog armed, as the real command runs.
 */
static void
run(const char *input, enum hook_client c, int mode, long deadline, int fork_it,
    struct outcome *oc)
{
	struct hook_run_opts o;
	char *in = path_join(tmp, "in"), *out = path_join(tmp, "out"), *err = path_join(tmp, "err");
	char *rules = path_join(tmp, "rules.json"), *db = path_join(tmp, "db.sqlite");
	char *q = path_join(tmp, "queue");
	int fds[2] = { -1, -1 }, ofd, efd, ifd;
	double t0;

	if (input) {
		struct err e = ERR_INIT;

		file_write_atomic(in, input, strlen(input), 0600, 0, &e);
		ifd = open(in, O_RDONLY);
	} else {
		if (pipe(fds) < 0)
			return;
		ifd = fds[0];
	}
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	efd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	hook_run_opts_init(&o);
	o.client = c;
	if (mode >= 0) {
		o.mode_set = 1;
		o.mode = (enum policy_mode)mode;
	}
	o.rules_path = rules;
	o.db_path = db;
	o.queue_dir = q;
	o.home = tmp;
	o.root = tmp;
	o.deadline_ms = deadline;
	o.in_fd = ifd;
	o.out_fd = ofd;
	o.err_fd = efd;
	t0 = now_ms();
	if (fork_it) {
		pid_t pid = fork();
		int st = 0;

		if (pid == 0) {
			o.watchdog = 1;
			_exit(hook_run(&o));
		}
		waitpid(pid, &st, 0);
		oc->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	} else {
		oc->code = hook_run(&o);
	}
	oc->ms = now_ms() - t0;
	close(ifd);
	if (fds[1] >= 0)
		close(fds[1]);
	close(ofd);
	close(efd);
	slurp(out, &oc->out);
	slurp(err, &oc->err);
	free(in);
	free(out);
	free(err);
	free(rules);
	free(db);
	free(q);
}

static long long
count(const char *type)
{
	struct store *s;
	struct store_event_rows rows = { NULL, 0, 0 };
	struct err e = ERR_INIT;
	char *db = path_join(tmp, "db.sqlite");
	long long n = -1;

	if (store_open(db, 0, 0, &s, &e) == 0) {
		if (store_events(s, type, NULL, 0, &rows, &e) == 0)
			n = (long long)rows.n;
		store_event_rows_release(&rows);
		store_close(s);
	}
	free(db);
	return n;
}

#define SHADOW "{\"session_id\":\"s1\",\"cwd\":\"/nonexistent\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"mcp__ghost__t\",\"tool_input\":{}}"

static void
test_runs(void)
{
	struct outcome oc = { 0, BUF_INIT, BUF_INIT, 0 };
	char *rules = path_join(tmp, "rules.json");
	struct err e = ERR_INIT;
	const char *good = "{\"version\":1,\"mode\":\"monitor\",\"allowlist\":[\"https://ok.example\"]}";

	file_write_atomic(rules, good, strlen(good), 0600, 0, &e);

	run(SHADOW, HOOK_CLAUDE_CODE, -1, 2000, 0, &oc);
	ok(oc.code == 0 && oc.out.len == 0 && oc.err.len == 0, "rules mode monitor: shadow passes silently");
	is_int(count("security_decision"), 1, "and is recorded");
	is_int(count("shadow_mcp_detected"), 1, "as a shadow server");
	run(SHADOW, HOOK_CLAUDE_CODE, POLICY_PROTECT, 2000, 0, &oc);
	ok(strstr(oc.out.data, "\"permissionDecision\":\"deny\"") != NULL, "--mode protect overrides: deny");
	run(SHADOW, HOOK_GEMINI, POLICY_ENFORCE, 2000, 0, &oc);
	ok(strncmp(oc.out.data, "{\"decision\":\"deny\"", 18) == 0,
	   "without a strong fingerprint --client decides the dialect");
	is_int(count("security_decision"), 3, "three decisions recorded");

	/* Limits. */
	{
		struct buf big = BUF_INIT;

		buf_adds(&big, "{\"hook_event_name\":\"PreToolUse\",\"x\":\"");
		while (big.len < HOOK_MAX_INPUT + 10)
			buf_adds(&big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		buf_adds(&big, "\"}");
		run(big.data, HOOK_CLAUDE_CODE, POLICY_ENFORCE, 2000, 0, &oc);
		ok(oc.code == 2 && strstr(oc.err.data, "larger than") != NULL, "oversized: enforce denies");
		run(big.data, HOOK_CLAUDE_CODE, POLICY_PROTECT, 2000, 0, &oc);
		ok(oc.code == 0 && oc.out.len == 0, "oversized: protect allows");
		buf_release(&big);
	}
	run("{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"mcp__a__b\",\"tool_input\":{\"a\":[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}}",
	    HOOK_CLAUDE_CODE, POLICY_PROTECT, 2000, 0, &oc);
	ok(oc.code == 0, "deep but valid input is fine");
	run("\xef\xbb\xbf{}", HOOK_CLAUDE_CODE, POLICY_ENFORCE, 2000, 0, &oc);
	ok(oc.code == 0 && oc.out.len == 0, "a leading BOM is skipped: no event name, nothing to do");
	run("{\"a\":1} trailing", HOOK_CLAUDE_CODE, POLICY_ENFORCE, 2000, 0, &oc);
	ok(oc.code == 2 && strstr(oc.err.data, "not a JSON object") != NULL,
	   "text after the object is malformed: enforce denies");
	run("{\"a\":1}\r\n ", HOOK_CLAUDE_CODE, POLICY_ENFORCE, 2000, 0, &oc);
	ok(oc.code == 0, "trailing blank space is fine");
	run("[1,2]", HOOK_CURSOR, POLICY_ENFORCE, 2000, 0, &oc);
	ok(oc.code == 2 && oc.out.len == 0, "an array is not an event: exit 2 (Cursor denies)");
	run("[1,2]", HOOK_CURSOR, POLICY_MONITOR, 2000, 0, &oc);
	is_str(oc.out.data, "{\"permission\":\"allow\"}\n", "monitor: Cursor gets its allow");
	run("[1,2]", HOOK_COPILOT, POLICY_ENFORCE, 2000, 0, &oc);
	ok(oc.code == 0 && strncmp(oc.out.data, "{\"permissionDecision\":\"deny\"", 28) == 0,
	   "Copilot denies in JSON");

	/* Deadlines: a client that never closes stdin. */
	run(NULL, HOOK_CLAUDE_CODE, POLICY_ENFORCE, 300, 0, &oc);
	ok(oc.code == 2 && strstr(oc.err.data, "no end of input") != NULL,
	   "stdin never closed: enforce denies at the deadline (%.0f ms)", oc.ms);
	ok(oc.ms < 1500 * tap_slow(), "within the deadline");
	run(NULL, HOOK_CLAUDE_CODE, POLICY_PROTECT, 300, 0, &oc);
	ok(oc.code == 0 && oc.out.len == 0 && oc.err.len == 0, "protect lets it through");
	run(NULL, HOOK_WINDSURF, POLICY_ENFORCE, 250, 1, &oc);
	ok(oc.code == 2 && oc.err.len > 0, "in a process with the watchdog: answered (exit %d, %.0f ms)",
	   oc.code, oc.ms);
	ok(oc.ms < 1500 * tap_slow(), "in time");
	run(SHADOW, HOOK_CLAUDE_CODE, POLICY_PROTECT, (long)(4000 * tap_slow()), 1, &oc);
	ok(oc.code == 0 && strstr(oc.out.data, "\"deny\"") != NULL, "a normal run in a process");

	/* A broken rules file. */
	file_write_atomic(rules, "{", 1, 0600, 0, &e);
	run(SHADOW, HOOK_CLAUDE_CODE, -1, 2000, 0, &oc);
	ok(strstr(oc.out.data, "\"permissionDecision\":\"deny\"") != NULL &&
	   strstr(oc.out.data, "rules file") != NULL, "broken rules: enforce, reason names the file");
	run(SHADOW, HOOK_CLAUDE_CODE, POLICY_PROTECT, 2000, 0, &oc);
	ok(oc.out.len == 0, "broken rules + protect: allowed");
	run(SHADOW, HOOK_CLAUDE_CODE, POLICY_MONITOR, 2000, 0, &oc);
	ok(oc.out.len == 0, "broken rules + monitor: allowed");
	ok(count("hook.error") >= 2, "errors recorded");
	unlink(rules);
	/* No rules file: defaults (enforce). */
	run(SHADOW, HOOK_CLAUDE_CODE, -1, 2000, 0, &oc);
	ok(strstr(oc.out.data, "\"permissionDecision\":\"deny\"") != NULL, "no rules file: shadow denied");
	run("{\"session_id\":\"s\",\"cwd\":\"/x\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"/x/.env\"}}",
	    HOOK_CLAUDE_CODE, -1, 2000, 0, &oc);
	ok(strstr(oc.out.data, "environment files") != NULL, "no rules file: enforce blocks .env reads");

	/* The store refuses to open (a symlink): the record is spooled next to
	 * it, and the next run that can open the store brings it in. */
	{
		char *db = path_join(tmp, "db.sqlite"), *moved = path_join(tmp, "db.real");
		long long before = count("security_decision");

		rename(db, moved);
		if (symlink(moved, db) < 0)
			ok(0, "symlink");
		run(SHADOW, HOOK_CLAUDE_CODE, POLICY_PROTECT, 2000, 0, &oc);
		ok(strstr(oc.out.data, "\"deny\"") != NULL, "store unusable: the decision still stands");
		unlink(db);
		rename(moved, db);
		is_int(count("security_decision"), before, "nothing reached the store");
		run("{\"session_id\":\"s2\",\"hook_event_name\":\"Stop\"}", HOOK_CLAUDE_CODE,
		    POLICY_PROTECT, 2000, 0, &oc);
		is_int(count("security_decision"), before + 1, "the next run imported the spooled record");
		free(db);
		free(moved);
	}
	buf_release(&oc.out);
	buf_release(&oc.err);
	free(rules);
}

int
main(void)
{
	char *cmd;

	if (mkdtemp(tmp) == NULL)
		return 1;
	setenv("HOME", tmp, 1);
	unsetenv("RUNLAYER_HOST");
	unsetenv("HOOK_EVENT_NAME");
	test_classify();
	test_runs();
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		ok(0, "cleanup");
	free(cmd);
	return tap_done();
}
