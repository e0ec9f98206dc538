/* Unit tests for hooks/resolve: name sanitisation per client, and finding
 * the called server in each client's lookup order on fixture homes. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hooks/resolve.h"
#include "parsers/tree.h"
#include "tests/unit/tap.h"
#include "util/file.h"
#include "util/xalloc.h"

static char tmp[] = "/tmp/test_hook_resolve.XXXXXX";
static char *home, *root;

static void
put(const char *rel, const char *text)
{
	char *p = path_join(tmp, rel), *dir = xstrdup(p);
	struct err e = ERR_INIT;

	*strrchr(dir, '/') = '\0';
	file_mkdirs(dir, 0700, &e);
	file_write_atomic(p, text, strlen(text), 0600, 0, &e);
	free(dir);
	free(p);
}

static void
test_names(void)
{
	static const struct {
		enum hook_client c;
		const char *in, *out;
	} san[] = {
		{ HOOK_CLAUDE_CODE, "my.srv name", "my_srv_name" },
		{ HOOK_CLAUDE_CODE, "probe-x_y", "probe-x_y" },
		{ HOOK_CODEX, "probe-x.y", "probe_x_y" },
		{ HOOK_GEMINI, "a.b:c-d e", "a.b:c-d_e" },
		{ HOOK_GEMINI, "0123456789012345678901234567890123456789012345678901234567890123456789",
		  "012345678901234567890123456789...012345678901234567890123456789" },
		{ HOOK_HERMES, "my-api", "my_api" },
		{ HOOK_CURSOR, "any thing", "any thing" },
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof(san) / sizeof(san[0]); i++) {
		s = resolve_sanitise(san[i].c, san[i].in);
		is_str(s, san[i].out, "%s sanitises '%.20s'", hook_client_id(san[i].c), san[i].in);
		free(s);
	}
	s = resolve_normalise("my-Server_1");
	is_str(s, "myserver1", "normalise (contract §7.6)");
	free(s);
	ok(resolve_is_mcp_tool(HOOK_CLAUDE_CODE, "mcp__a__b"), "claude mcp__");
	ok(!resolve_is_mcp_tool(HOOK_CLAUDE_CODE, "mcp__"), "claude bare mcp__");
	ok(!resolve_is_mcp_tool(HOOK_CLAUDE_CODE, "Bash"), "claude Bash");
	ok(resolve_is_mcp_tool(HOOK_GEMINI, "mcp_a_b"), "gemini mcp_");
	ok(resolve_is_mcp_tool(HOOK_HERMES, "mcp_a_b"), "hermes mcp_");
	ok(resolve_is_mcp_tool(HOOK_CURSOR, "MCP:search"), "cursor MCP:");
	ok(!resolve_is_mcp_tool(HOOK_WINDSURF, "mcp__a__b"), "windsurf names servers otherwise");
}

/* Resolve and check found/name/scope (and url or command when given). */
static void
expect(enum hook_client c, const char *cwd, const struct resolve_query *q, int found,
       const char *name, const char *scope, const char *url, const char *command,
       const char *what)
{
	struct resolve_ctx ctx = { c, home, root, cwd, 1, NULL };
	struct resolve_result r;
	struct err e = ERR_INIT;

	ok(resolve_server(&ctx, q, &r, &e) == 0, "%s: resolves (%s)", what, e.msg);
	is_int(r.found, found, "%s: found", what);
	is_str(r.name, name, "%s: name", what);
	if (scope)
		is_str(r.scope, scope, "%s: scope", what);
	if (url)
		is_str(r.url, url, "%s: url", what);
	if (command)
		is_str(r.command, command, "%s: command", what);
	if (found)
		ok(r.has_server && strlen(r.server.config_hash) == 64, "%s: hashed", what);
	resolve_result_release(&r);
}

static struct resolve_query
tool(const char *t)
{
	struct resolve_query q;

	memset(&q, 0, sizeof(q));
	q.tool_name = t;
	return q;
}

static void
test_claude(void)
{
	char *proj = xasprintf("%s/home/work/repo/sub", tmp), *text;
	struct resolve_query q;

	text = xasprintf("{\"mcpServers\":{\"user1\":{\"url\":\"https://u.example/mcp\"},"
			 "\"shared\":{\"command\":\"user-cmd\"},\"a\":{\"command\":\"a\"},"
			 "\"a__b\":{\"command\":\"ab\"},\"my.srv name\":{\"command\":\"odd\"},"
			 "\"env\":{\"url\":\"${RL_TEST_URL:-https://default.example}/mcp\"}},"
			 "\"projects\":{\"%s/home/work/repo\":{\"mcpServers\":{\"shared\":"
			 "{\"command\":\"local-cmd\"}}}}}", tmp);
	put("home/.claude.json", text);
	free(text);
	put("home/work/repo/.git/HEAD", "ref: refs/heads/main\n");
	put("home/work/.mcp.json", "{\"mcpServers\":{\"outer\":{\"command\":\"outer\"},"
	    "\"both\":{\"command\":\"far\"}}}");
	put("home/work/repo/sub/.mcp.json", "{\"mcpServers\":{\"both\":{\"command\":\"near\"}}}");
	put("home/.claude/plugins/installed_plugins.json", "");	/* replaced below */
	text = xasprintf("{\"version\":2,\"plugins\":{\"kit@mkt\":[{\"scope\":\"user\","
			 "\"installPath\":\"%s/home/.claude/plugins/cache/mkt/kit/1\"}]}}", tmp);
	put("home/.claude/plugins/installed_plugins.json", text);
	free(text);
	put("home/.claude/plugins/cache/mkt/kit/1/.mcp.json",
	    "{\"docs\":{\"command\":\"${CLAUDE_PLUGIN_ROOT}/bin/docs\"}}");

	q = tool("mcp__user1__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "user1", "user", "https://u.example/mcp", NULL, "user server");
	q = tool("mcp__shared__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "shared", "local", NULL, "local-cmd",
	       "local (projects[git root]) beats user");
	q = tool("mcp__both__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "both", "project", NULL, "near", "closest .mcp.json wins");
	q = tool("mcp__outer__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "outer", "project", NULL, "outer", ".mcp.json in an ancestor");
	q = tool("mcp__a__b__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "a__b", NULL, NULL, "ab", "longest prefix wins");
	q = tool("mcp__a__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "a", NULL, NULL, "a", "short name");
	q = tool("mcp__my_srv_name__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "my.srv name", NULL, NULL, "odd", "sanitised name");
	q = tool("mcp__ghost__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 0, "ghost", NULL, NULL, NULL, "unknown server");
	q = tool("mcp__plugin_kit_docs__search");
	{
		char *want = xasprintf("%s/home/.claude/plugins/cache/mkt/kit/1/bin/docs", tmp);

		expect(HOOK_CLAUDE_CODE, proj, &q, 1, "plugin:kit:docs", "plugin", NULL, want,
		       "plugin server, root substituted");
		free(want);
	}
	setenv("RL_TEST_URL", "https://from-env.example", 1);
	q = tool("mcp__env__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "env", NULL, "https://from-env.example/mcp", NULL,
	       "${VAR} expanded");
	unsetenv("RL_TEST_URL");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "env", NULL, "https://default.example/mcp", NULL,
	       "${VAR:-default} expanded");

	/* A valid managed-mcp.json is the only source. */
	put("root/etc/claude-code/managed-mcp.json", "{\"mcpServers\":{\"corp\":{\"url\":\"https://corp.example\"}}}");
	q = tool("mcp__user1__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 0, "user1", NULL, NULL, NULL, "managed-mcp.json excludes the rest");
	q = tool("mcp__corp__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "corp", "managed", NULL, NULL, "managed server");
	put("root/etc/claude-code/managed-mcp.json", "{\"nothing\":1}");
	q = tool("mcp__user1__t");
	expect(HOOK_CLAUDE_CODE, proj, &q, 1, "user1", NULL, NULL, NULL, "an invalid managed file is ignored");
	free(proj);
}

static void
test_codex(void)
{
	char *proj = xasprintf("%s/home/code/app", tmp), *text;
	struct resolve_query q;

	text = xasprintf("[mcp_servers.probe-x]\ncommand = \"user\"\nargs = [\"a\"]\n"
			 "[mcp_servers.\"probe-x.y\"]\nurl = \"https://xy.example/mcp\"\n"
			 "[projects.\"%s/home/code/app\"]\ntrust_level = \"trusted\"\n", tmp);
	put("home/.codex/config.toml", text);
	free(text);
	put("home/code/app/.git/HEAD", "x");
	put("home/code/app/.codex/config.toml", "[mcp_servers.probe-x]\nargs = [\"b\", \"c\"]\n"
	    "[mcp_servers.projonly]\ncommand = \"p\"\n");
	put("home/code/other/.codex/config.toml", "[mcp_servers.untrusted]\ncommand = \"u\"\n");
	put("root/etc/codex/managed_config.toml", "[mcp_servers.corp]\nurl = \"https://corp.example\"\n");

	q = tool("mcp__probe_x__t");
	{
		struct resolve_ctx ctx = { HOOK_CODEX, home, root, proj, 1, NULL };
		struct resolve_result r;
		struct err e = ERR_INIT;

		ok(resolve_server(&ctx, &q, &r, &e) == 0 && r.found, "codex: project layer merges into user");
		is_str(r.command, "user", "codex: command from the user layer");
		ok(cJSON_GetArraySize(r.args) == 2, "codex: args replaced by the project layer");
		resolve_result_release(&r);
	}
	q = tool("mcp__probe_x_y__t");
	expect(HOOK_CODEX, proj, &q, 1, "probe-x.y", NULL, "https://xy.example/mcp", NULL,
	       "codex: sanitised '.' and '-' (longest prefix)");
	q = tool("mcp__projonly__t");
	expect(HOOK_CODEX, proj, &q, 1, "projonly", "project", NULL, "p", "codex: trusted project layer");
	{
		char *other = xasprintf("%s/home/code/other", tmp);

		q = tool("mcp__untrusted__t");
		expect(HOOK_CODEX, other, &q, 0, "untrusted", NULL, NULL, NULL,
		       "codex: untrusted project layer ignored");
		free(other);
	}
	q = tool("mcp__corp__t");
	expect(HOOK_CODEX, proj, &q, 1, "corp", "managed", NULL, NULL, "codex: managed layer");
	free(proj);
}

static void
test_gemini(void)
{
	char *proj = xasprintf("%s/home/gproj", tmp);
	struct resolve_query q;
	cJSON *args = cJSON_Parse("[\"/opt/probe/server.py\"]");

	put("home/.gemini/settings.json", "{\"mcpServers\":{\"probe\":{\"command\":\"python3\","
	    "\"args\":[\"/opt/probe/server.py\"]},\"web\":{\"httpUrl\":\"https://w.example/mcp\"},"
	    "\"dotted.name\":{\"command\":\"d\"}}}");
	put("home/gproj/.gemini/settings.json", "{\"mcpServers\":{\"web\":{\"httpUrl\":\"https://ws.example/mcp\"}}}");
	put("home/.gemini/extensions/ext/gemini-extension.json",
	    "{\"name\":\"ext\",\"version\":\"1\",\"mcpServers\":{\"extsrv\":{\"command\":\"${extensionPath}/run\"}}}");

	memset(&q, 0, sizeof(q));
	q.tool_name = "mcp_probe_echo";
	q.server_name = "probe";
	q.command = "python3";
	q.args = args;
	expect(HOOK_GEMINI, proj, &q, 1, "probe", "user", NULL, "python3", "gemini: mcp_context matches");
	q.command = "node";
	expect(HOOK_GEMINI, proj, &q, 0, "probe", NULL, NULL, "node",
	       "gemini: mcp_context disagreeing with the config is not that server");
	memset(&q, 0, sizeof(q));
	q.tool_name = "mcp_web_t";
	q.server_name = "web";
	q.url = "https://ws.example/mcp";
	expect(HOOK_GEMINI, proj, &q, 1, "web", "project", "https://ws.example/mcp", NULL,
	       "gemini: workspace beats user");
	q = tool("mcp_dotted.name_t");
	expect(HOOK_GEMINI, proj, &q, 1, "dotted.name", NULL, NULL, "d", "gemini: tool prefix with '.'");
	q = tool("mcp_extsrv_t");
	expect(HOOK_GEMINI, proj, &q, 1, "extsrv", "plugin", NULL, NULL, "gemini: extension server");
	cJSON_Delete(args);
	free(proj);
}

static void
test_others(void)
{
	struct resolve_query q;
	cJSON *roots;
	char *proj = xasprintf("%s/home/cproj", tmp), *r;

	put("home/.cursor/mcp.json", "{\"mcpServers\":{\"gh\":{\"url\":\"https://api.githubcopilot.com/mcp/\"},"
	    "\"local\":{\"command\":\"python3\",\"args\":[\"/opt/s.py\"]}}}");
	put("home/cproj/.cursor/mcp.json", "{\"mcpServers\":{\"gh\":{\"url\":\"https://proj.example/mcp\"}}}");
	r = xasprintf("[\"%s\"]", proj);
	roots = cJSON_Parse(r);
	free(r);
	memset(&q, 0, sizeof(q));
	q.tool_name = "search";
	q.server_name = "gh";
	q.url = "https://api.githubcopilot.com/mcp/";
	q.workspace_roots = roots;
	expect(HOOK_CURSOR, proj, &q, 1, "gh", "user", "https://api.githubcopilot.com/mcp/", NULL,
	       "cursor: the entry whose URL matches the payload");
	q.url = "https://evil.example/mcp";
	expect(HOOK_CURSOR, proj, &q, 0, "gh", NULL, "https://evil.example/mcp", NULL,
	       "cursor: a payload URL in no config is shadow");
	q.server_name = "user-gh";
	q.url = "https://proj.example/mcp";
	expect(HOOK_CURSOR, proj, &q, 1, "gh", "project", NULL, NULL, "cursor: user- prefix");
	q.server_name = NULL;
	q.url = NULL;
	q.command = "python3 /opt/s.py";
	expect(HOOK_CURSOR, proj, &q, 1, "local", NULL, NULL, "python3", "cursor: by command line");
	q.server_name = "local::mcpScope:workspace";
	expect(HOOK_CURSOR, proj, &q, 1, "local", NULL, NULL, NULL, "cursor: ::mcpScope: suffix");
	cJSON_Delete(roots);

	put("home/.hermes/config.yaml", "mcp_servers:\n  my-api:\n    url: https://api.example/mcp\n");
	put("home/.hermes/profiles/work/config.yaml", "mcp_servers:\n  work-srv:\n    command: w\n");
	q = tool("mcp_my_api_query_data");
	expect(HOOK_HERMES, proj, &q, 1, "my-api", "user", NULL, NULL, "hermes: sanitised prefix");
	q = tool("mcp_work_srv_x");
	q.profile = "work";
	expect(HOOK_HERMES, proj, &q, 1, "work-srv", NULL, NULL, "w", "hermes: the payload's profile");
	q.profile = "../../etc";
	expect(HOOK_HERMES, proj, &q, 0, "work", NULL, NULL, NULL, "hermes: a hostile profile is ignored");

	put("home/.codeium/windsurf/mcp_config.json", "{\"mcpServers\":{\"GitHub-Tools\":{\"serverUrl\":\"https://g.example\"}}}");
	memset(&q, 0, sizeof(q));
	q.server_name = "github_tools";
	expect(HOOK_WINDSURF, proj, &q, 1, "GitHub-Tools", NULL, "https://g.example", NULL,
	       "windsurf: normalised name (serverUrl)");

	put("home/.copilot/mcp-config.json", "{\"mcpServers\":{\"docs\":{\"command\":\"d\"},"
	    "\"docs-pro\":{\"command\":\"dp\"}}}");
	q = tool("docs-pro-search");
	expect(HOOK_COPILOT, proj, &q, 1, "docs-pro", NULL, NULL, "dp", "copilot: longest <server>- prefix");
	q = tool("nope-search");
	expect(HOOK_COPILOT, proj, &q, 0, "nope", NULL, NULL, NULL, "copilot: unknown");
	free(proj);
	{
		struct resolve_ctx ctx = { HOOK_CLAUDE_CODE, home, root, NULL, 1, NULL };
		struct resolve_result rr;
		struct err e = ERR_INIT;

		memset(&q, 0, sizeof(q));
		ok(resolve_server(&ctx, &q, &rr, &e) == -ERR_INVALID, "no server named at all: error");
	}
}

/* Large configs: parsed once, then read from the slim cache until they change. */
static void
test_cache(void)
{
	char *cdir = path_join(tmp, "cache"), *proj = xasprintf("%s/home/bigproj", tmp);
	struct buf big = BUF_INIT;
	struct resolve_query q = tool("mcp__bigsrv__t");
	struct resolve_ctx ctx = { HOOK_CLAUDE_CODE, home, root, proj, 1, cdir };
	struct resolve_result r;
	struct err e = ERR_INIT;
	unsigned n;
	int i;

	buf_adds(&big, "{\"mcpServers\":{\"bigsrv\":{\"command\":\"one\"}},\"projects\":{");
	for (i = 0; i < 3000; i++)
		buf_addf(&big, "%s\"/p/%d\":{\"history\":[\"%0100d\"],\"mcpServers\":{}}", i ? "," : "", i, i);
	buf_addf(&big, ",\"%s\":{\"mcpServers\":{\"projsrv\":{\"command\":\"p\",\"args\":[1,2.5,true]}}}}}", proj);
	ok(big.len > RESOLVE_CACHE_MIN, "a config over the cache threshold (%zu bytes)", big.len);
	put("home/.claude.json", big.data);
	ok(resolve_server(&ctx, &q, &r, &e) == 0 && r.found, "first run finds the server");
	ok(r.files_read >= 1, "and parses the file");
	is_str(r.command, "one", "command");
	n = r.files_read;
	resolve_result_release(&r);
	ok(resolve_server(&ctx, &q, &r, &e) == 0 && r.found, "second run finds it again");
	is_int(r.files_read, n - 1, "from the cache: ~/.claude.json not parsed");
	is_str(r.command, "one", "same command");
	resolve_result_release(&r);
	q = tool("mcp__projsrv__t");
	ok(resolve_server(&ctx, &q, &r, &e) == 0 && r.found, "project servers are kept in the cache");
	ok(cJSON_GetArraySize(r.args) == 3 && tree_is_integer(cJSON_GetArrayItem(r.args, 0)),
	   "with their argument types");
	{
		char hash[65];
		cJSON *args = cJSON_Parse("[1,2.5,true]");

		cJSON_Delete(args);
		memcpy(hash, r.server.config_hash, sizeof(hash));
		resolve_result_release(&r);
		ctx.cache_dir = NULL;
		ok(resolve_server(&ctx, &q, &r, &e) == 0, "without the cache");
		is_str(r.server.config_hash, hash, "the same config_hash as through the cache");
		resolve_result_release(&r);
		ctx.cache_dir = cdir;
	}
	/* the file changes: the cache is not used */
	buf_setlen(&big, 0);
	buf_adds(&big, "{\"mcpServers\":{\"bigsrv\":{\"command\":\"two\"}},\"pad\":\"");
	for (i = 0; i < 20000; i++)
		buf_adds(&big, "xxxxxxxxx");
	buf_adds(&big, "\"}");
	put("home/.claude.json", big.data);
	q = tool("mcp__bigsrv__t");
	ok(resolve_server(&ctx, &q, &r, &e) == 0 && r.found && r.files_read >= 1, "a changed file is re-parsed");
	is_str(r.command, "two", "and its new content used");
	resolve_result_release(&r);
	put("home/.claude.json", "{}");
	buf_release(&big);
	free(cdir);
	free(proj);
}

int
main(void)
{
	char *cmd;

	if (mkdtemp(tmp) == NULL)
		return 1;
	home = path_join(tmp, "home");
	root = path_join(tmp, "root");
	mkdir(home, 0700);
	mkdir(root, 0700);
	unsetenv("CLAUDE_CONFIG_DIR");
	unsetenv("CODEX_HOME");
	unsetenv("GEMINI_CLI_HOME");
	unsetenv("GEMINI_CLI_SYSTEM_SETTINGS_PATH");
	unsetenv("GEMINI_CLI_SYSTEM_DEFAULTS_PATH");
	unsetenv("HERMES_HOME");
	unsetenv("COPILOT_HOME");
	unsetenv("CLAUDE_CODE_PLUGIN_CACHE_DIR");
	setenv("HOME", home, 1);
	test_names();
	test_claude();
	test_codex();
	test_gemini();
	test_others();
	test_cache();
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		ok(0, "cleanup");
	free(cmd);
	free(home);
	free(root);
	return tap_done();
}
