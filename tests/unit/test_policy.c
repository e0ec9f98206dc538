/* Unit tests for hooks/policy: rules file loading and saving, edits, the
 * decision order, managed stdio launch forms and the local file policy. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hooks/policy.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"

#define UUID "0b6c7a3e-7b1f-4a57-9f3a-2f9d1c3e5a7b"
#define HASH_A "32de82510c54f4c5c775abf2ca61187c121574b4cc767a98086dc8ffe8311880"
#define HASH_B "a362703c691c98adc887258f5484a6118c09edc5a73de4084debfc8c0f35e031"

static char tmpdir[] = "/tmp/test_policy.XXXXXX";

static char *
write_tmp(const char *name, const char *text)
{
	char *p = path_join(tmpdir, name);
	struct err e = ERR_INIT;

	file_write_atomic(p, text, strlen(text), 0600, 0, &e);
	return p;
}

static void
test_modes(void)
{
	enum policy_mode m = POLICY_MONITOR;

	ok(policy_mode_parse(" Enforce\n", &m) == 0 && m == POLICY_ENFORCE, "mode: trimmed, any case");
	ok(policy_mode_parse("protect", &m) == 0 && m == POLICY_PROTECT, "mode: protect");
	ok(policy_mode_parse("strict", &m) < 0, "mode: unknown refused");
	ok(policy_mode_parse("", &m) < 0, "mode: empty refused");
	is_str(policy_mode_name(POLICY_MONITOR), "monitor", "mode name");
}

static void
test_load(void)
{
	struct policy p;
	struct err e = ERR_INIT;
	char *path;
	struct {
		const char *text, *why;
		int code;
	} bad[] = {
		{ "{\"version\": 2}", "newer version", ERR_INVALID },
		{ "{\"mode\": \"enforce\"}", "no version", ERR_PARSE },
		{ "{\"version\": 1.5}", "fractional version", ERR_PARSE },
		{ "{\"version\": 1e300}", "huge version (no int overflow)", ERR_INVALID },
		{ "[1]", "not an object", ERR_PARSE },
		{ "{\"version\": 1, \"mode\": \"strict\"}", "unknown mode", ERR_PARSE },
		{ "{\"version\": 1, \"mode\": 3}", "mode not a string", ERR_PARSE },
		{ "{\"version\": 1, \"allowlist\": [\"https://a@b.example\"]}", "userinfo in allowlist", ERR_PARSE },
		{ "{\"version\": 1, \"allowlist\": [\"p.example.com\"]}", "allowlist not a URL", ERR_PARSE },
		{ "{\"version\": 1, \"allowlist\": {}}", "allowlist not an array", ERR_PARSE },
		{ "{\"version\": 1, \"approved\": [\"abc\"]}", "short hash", ERR_PARSE },
		{ "{\"version\": 1, \"approved\": [{\"config_hash\": \"" HASH_A "\", \"source\": \"x\"}]}", "bad source", ERR_PARSE },
		{ "{\"version\": 1, \"managed_hosts\": [\"ftp://h\"]}", "bad host", ERR_PARSE },
	};
	size_t i;

	policy_init(&p);
	path = path_join(tmpdir, "absent.json");
	ok(policy_load(&p, path, &e) == 0 && !p.exists, "missing file: no error, defaults");
	is_int(p.mode, POLICY_ENFORCE, "default mode is enforce");
	is_int(p.n_allow + p.n_hosts + p.n_approved + p.n_denied, 0, "default rules are empty");
	policy_release(&p);
	free(path);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		path = write_tmp("bad.json", bad[i].text);
		policy_init(&p);
		ok(policy_load(&p, path, &e) == -bad[i].code && !p.exists && p.n_allow == 0,
		   "refused: %s (%s)", bad[i].why, e.msg);
		policy_release(&p);
		free(path);
	}

	path = write_tmp("bad.json", "{\n  \"version\": 1,\n  \"mode\": \"protect\",,\n}");
	policy_init(&p);
	ok(policy_load(&p, path, &e) == -ERR_PARSE && e.line == 3, "JSON error with its line (%lu:%lu)",
	   e.line, e.col);
	ok(strstr(e.path, "bad.json") != NULL, "and the path");
	policy_release(&p);
	free(path);

	path = write_tmp("good.json",
			 "{\"version\": 1, \"mode\": \"Monitor\", \"future_key\": [1],"
			 " \"managed_hosts\": [\"https://Acme.Runlayer.example/\"],"
			 " \"allowlist\": [{\"url\": \"https://p.example.com/mcp/\", \"source\": \"managed\"}, \"https://p.example.com/mcp\"],"
			 " \"approved\": [\"" HASH_A "\", {\"config_hash\": \"" HASH_B "\", \"name\": \"x\", \"source\": \"baseline\"}],"
			 " \"denied\": []}");
	policy_init(&p);
	ok(policy_load(&p, path, &e) == 0 && p.exists, "valid file loads (%s)", e.msg);
	is_int(p.mode, POLICY_MONITOR, "its mode");
	is_int(p.n_hosts, 1, "one host");
	is_str(p.hosts[0].text, "https://acme.runlayer.example/", "host canonical");
	is_int(p.n_allow, 1, "duplicate allowlist entries merged");
	is_str(p.allow[0].source, "managed", "source kept");
	is_int(p.n_approved, 2, "two approvals");
	is_str(p.approved[1].source, "baseline", "baseline source");
	is_str(p.approved[0].source, "admin", "default source admin");
	policy_release(&p);
	free(path);
}

static void
test_save(void)
{
	struct policy p, q;
	struct err e = ERR_INIT;
	struct stat st;
	char *path = xasprintf("%s/sub/dir/rules.json", tmpdir), *dir;

	policy_init(&p);
	p.path = xstrdup(path);
	p.mode = POLICY_PROTECT;
	ok(policy_allow_url(&p, "https://P.example.com/mcp/", "rules", &e) == 1, "allow a URL");
	is_int(policy_allow_url(&p, "https://p.example.com:443/mcp", "rules", &e), 0,
	       "the same URL in another spelling changes nothing");
	ok(policy_add_host(&p, "https://acme.runlayer.example", "rules", &e) == 1, "add a host");
	ok(policy_set_hash(&p, HASH_A, 0, "github", "claude_code", "baseline", &e) == 1, "approve");
	ok(policy_set_hash(&p, "  ", 0, NULL, NULL, "admin", &e) < 0, "not a hash: refused");
	ok(policy_set_hash(&p, HASH_B, 1, NULL, NULL, "admin", &e) == 1, "deny");
	ok(policy_save(&p, &e) == 0, "save (%s)", e.msg);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "file is 0600");
	dir = xasprintf("%s/sub/dir", tmpdir);
	ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "directory is 0700");
	free(dir);
	ok(p.generated_at != NULL, "generated_at set");

	policy_init(&q);
	ok(policy_load(&q, path, &e) == 0, "reload");
	is_int(q.mode, POLICY_PROTECT, "mode round trip");
	is_int(q.n_allow, 1, "allowlist round trip");
	is_str(q.allow[0].text, "https://p.example.com/mcp", "allowlist canonical text");
	is_int(q.n_approved, 1, "approved round trip");
	is_str(q.approved[0].name, "github", "name round trip");
	is_int(q.n_denied, 1, "denied round trip");

	/* moving between lists */
	ok(policy_set_hash(&q, HASH_B, 0, NULL, NULL, "admin", &e) == 1, "approve a denied hash");
	is_int(q.n_denied, 0, "it leaves the denied list");
	is_int(q.n_approved, 2, "and joins the approved list");
	ok(policy_set_hash(&q, HASH_A, 0, NULL, NULL, "admin", &e) == 1, "admin re-approves baseline");
	is_str(q.approved[0].source, "admin", "admin outranks baseline");
	is_int(policy_set_hash(&q, HASH_A, 0, NULL, NULL, "baseline", &e), 0, "baseline does not demote");
	is_int(policy_drop_baseline(&q), 0, "no baseline entries left");
	ok(policy_forget_hash(&q, HASH_A, &e) == 1 && q.n_approved == 1, "forget");
	is_int(policy_forget_hash(&q, HASH_A, &e), 0, "forget again: nothing");
	ok(policy_remove_url(&q, "HTTPS://p.example.com/mcp/", &e) == 1 && q.n_allow == 0,
	   "remove by another spelling");
	policy_release(&q);
	policy_release(&p);
	free(path);
}

static void
test_baseline(void)
{
	struct policy p;
	struct policy_server v[] = {
		{ HASH_A, "a", "claude_code" }, { HASH_A, "a", "cursor" }, { HASH_B, "b", "codex" },
		{ NULL, "c", "codex" },
	};
	struct buf d = BUF_INIT;

	policy_init(&p);
	is_int(policy_baseline(&p, v, 4), 2, "baseline: two distinct hashes");
	ok(p.baseline_at != NULL, "baseline time set");
	is_int(p.n_approved, 2, "two approvals");
	policy_describe(&p, &d);
	ok(strstr(d.data, "2 servers approved by the baseline") != NULL, "describe counts the baseline");
	ok(strstr(d.data, "generate --baseline") == NULL, "and drops the baseline hint");
	is_int(policy_drop_baseline(&p), 2, "drop baseline");
	buf_clear(&d);
	policy_describe(&p, &d);
	ok(strstr(d.data, "runlayer policy generate --baseline") != NULL, "describe says how to baseline");
	ok(strstr(d.data, "no managed Runlayer host") != NULL, "and that no host is configured");
	buf_release(&d);
	policy_release(&p);
}

/* ---- decisions ---- */

static struct policy rules;

static void
setup_rules(void)
{
	struct err e = ERR_INIT;

	policy_init(&rules);
	policy_add_host(&rules, "https://acme.runlayer.example", "rules", &e);
	policy_add_host(&rules, "https://tenant.example/runlayer", "rules", &e);
	policy_allow_url(&rules, "https://p.example.com/mcp", "rules", &e);
	policy_set_hash(&rules, HASH_A, 0, NULL, NULL, "admin", &e);
	policy_set_hash(&rules, HASH_B, 1, NULL, NULL, "admin", &e);
}

static void
decide_url(const char *url, const char *hash, int found, int allow, enum policy_rule rule)
{
	struct policy_subject s = { "srv", url, NULL, NULL, hash, found };
	struct policy_decision d;

	policy_decide(&rules, &s, &d);
	ok(d.allow == allow && d.rule == rule, "%s %s: %s by %s (%s)", url ? url : "(no url)",
	   hash ? "+hash" : "", allow ? "allow" : "deny", policy_rule_name(rule), d.detail);
}

static void
test_decide(void)
{
	setup_rules();
	decide_url("https://acme.runlayer.example/api/v1/proxy/" UUID "/mcp", NULL, 0, 1, RULE_MANAGED_PROXY);
	decide_url("https://ACME.runlayer.example:443/api/v1/proxy/plugins/p1/mcp", NULL, 0, 1, RULE_MANAGED_PROXY);
	decide_url("https://acme.runlayer.example/x/../api/v1/proxy/" UUID "/mcp", NULL, 0, 1, RULE_MANAGED_PROXY);
	decide_url("https://acme.runlayer.example/api/v1/proxy", NULL, 1, 0, RULE_UNMANAGED);
	decide_url("https://acme.runlayer.example/api/v1/proxy/", NULL, 1, 0, RULE_UNMANAGED);
	decide_url("https://acme.runlayer.example/api/v1/proxyx/1/mcp", NULL, 1, 0, RULE_UNMANAGED);
	decide_url("https://acme.runlayer.example/api/v2/proxy/1/mcp", NULL, 1, 0, RULE_UNMANAGED);
	decide_url("http://acme.runlayer.example/api/v1/proxy/1/mcp", NULL, 1, 0, RULE_UNMANAGED);
	decide_url("https://acme.runlayer.example:8443/api/v1/proxy/1/mcp", NULL, 1, 0, RULE_UNMANAGED);
	decide_url("https://acme.runlayer.example@evil.example/api/v1/proxy/1/mcp", NULL, 1, 0, RULE_UNMANAGED);
	decide_url("https://acme.runlayer.example.evil.example/api/v1/proxy/1/mcp", NULL, 1, 0, RULE_UNMANAGED);
	decide_url("https://tenant.example/runlayer/api/v1/proxy/1/mcp", NULL, 1, 1, RULE_MANAGED_PROXY);
	decide_url("https://tenant.example/api/v1/proxy/1/mcp", NULL, 1, 0, RULE_UNMANAGED);
	decide_url("https://p.example.com/mcp/stream", NULL, 0, 1, RULE_ALLOWLIST);
	decide_url("https://p.example.com/mcpx", NULL, 1, 0, RULE_UNMANAGED);
	decide_url("https://p.example.com/mcpx", NULL, 0, 0, RULE_SHADOW);
	decide_url("https://p.example.com/mcpx", HASH_A, 1, 1, RULE_APPROVED);
	decide_url("https://p.example.com/mcpx", "32DE82510C54F4C5C775ABF2CA61187C121574B4CC767A98086DC8FFE8311880",
		   0, 1, RULE_APPROVED);
	decide_url("https://p.example.com/mcp", HASH_B, 1, 0, RULE_DENIED);
	decide_url("https://acme.runlayer.example/api/v1/proxy/1/mcp", HASH_B, 1, 0, RULE_DENIED);
	decide_url("https://p.exa mple.com/mcp", NULL, 1, 0, RULE_BAD_URL);
	decide_url("${MCP_URL}", NULL, 1, 0, RULE_BAD_URL);
	decide_url("${MCP_URL}", HASH_A, 1, 1, RULE_APPROVED);
	decide_url(NULL, NULL, 1, 0, RULE_UNMANAGED);
	decide_url(NULL, NULL, 0, 0, RULE_SHADOW);
	decide_url(NULL, HASH_A, 0, 1, RULE_APPROVED);
	policy_release(&rules);
}

static void
test_stdio(void)
{
	static const struct {
		const char *cmd;
		int want;
	} lines[] = {
		{ "runlayer run " UUID, 1 },
		{ "/usr/local/bin/runlayer run " UUID, 1 },
		{ "runlayer.exe run " UUID, 1 },
		{ "C:\\tools\\runlayer.exe run " UUID, 1 },
		{ "runlayer run " UUID " --secret x", 1 },
		{ "uvx runlayer run " UUID, 1 },
		{ "uvx runlayer@0.31.2 run " UUID, 1 },
		{ "uvx 'runlayer==0.31.2' run " UUID, 1 },
		{ "uvx -q --python 3.12 runlayer run " UUID, 1 },
		{ "uvx --python=3.12 --refresh runlayer run " UUID, 1 },
		{ "uvx --from runlayer runlayer run " UUID, 1 },
		{ "uvx --from \"runlayer>=0.30\" runlayer run " UUID, 1 },
		{ "uv tool run runlayer run " UUID, 1 },
		{ "uv.exe tool run --offline runlayer run " UUID, 1 },
		{ "pipx run runlayer run " UUID, 1 },
		{ "pipx run --spec runlayer runlayer run " UUID, 1 },
		{ "runlayer run " UUID " --host https://acme.runlayer.example", 1 },
		{ "runlayer run " UUID " --host=https://ACME.runlayer.example/", 1 },
		{ "runlayer run " UUID " -H https://acme.runlayer.example:443", 1 },
		/* refused */
		{ "runlayer run " UUID " --host https://evil.example", 0 },
		{ "runlayer run " UUID " --host=https://acme.runlayer.example.evil.example", 0 },
		{ "runlayer run " UUID " -H", 0 },
		{ "runlayer run not-a-uuid", 0 },
		{ "runlayer run", 0 },
		{ "runlayer scan", 0 },
		{ "runlayer", 0 },
		{ "uvx --index-url https://evil.example/simple runlayer run " UUID, 0 },
		{ "uvx --extra-index-url https://evil.example runlayer run " UUID, 0 },
		{ "uvx --with evil runlayer run " UUID, 0 },
		{ "uvx --from git+https://evil.example/runlayer runlayer run " UUID, 0 },
		{ "uvx --from ./runlayer runlayer run " UUID, 0 },
		{ "uvx runlayer-evil run " UUID, 0 },
		{ "uvx runlayer@https://evil.example/x.whl run " UUID, 0 },
		{ "uvx evil run " UUID, 0 },
		{ "uv run runlayer run " UUID, 0 },
		{ "pipx run --spec git+https://evil.example runlayer run " UUID, 0 },
		{ "npx runlayer run " UUID, 0 },
		{ "bash -c 'runlayer run " UUID "'", 0 },
		{ "python -m runlayer run " UUID, 0 },
		{ "evil-runlayer run " UUID, 0 },
		{ "", 0 },
	};
	struct policy p;
	struct err e = ERR_INIT;
	cJSON *args;
	char why[300];
	size_t i;

	policy_init(&p);
	policy_add_host(&p, "https://acme.runlayer.example", "rules", &e);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		why[0] = '\0';
		is_int(policy_managed_stdio(&p, lines[i].cmd, NULL, why, sizeof(why)), lines[i].want,
		       "%s: '%s' %s", lines[i].want ? "managed" : "not managed", lines[i].cmd, why);
	}
	/* command + args as configured */
	args = cJSON_Parse("[\"runlayer\", \"run\", \"" UUID "\"]");
	ok(policy_managed_stdio(&p, "uvx", args, NULL, 0), "uvx + args array");
	cJSON_Delete(args);
	args = cJSON_Parse("[\"run\", \"" UUID "\", 5]");
	ok(!policy_managed_stdio(&p, "runlayer", args, why, sizeof(why)), "non-string arg refused");
	cJSON_Delete(args);
	args = cJSON_Parse("[\"run " UUID "\"]");
	ok(!policy_managed_stdio(&p, "runlayer", args, why, sizeof(why)),
	   "args are not re-split (\"run <uuid>\" is one word)");
	cJSON_Delete(args);
	policy_release(&p);

	/* no hosts: --host can never be verified */
	policy_init(&p);
	ok(policy_managed_stdio(&p, "runlayer run " UUID, NULL, NULL, 0), "no hosts: plain run passes");
	ok(!policy_managed_stdio(&p, "runlayer run " UUID " --host https://acme.runlayer.example", NULL,
				 NULL, 0), "no hosts: any --host refused");
	policy_release(&p);
}

static void
test_files(void)
{
	static const struct {
		const char *path;
		enum policy_file want;
	} paths[] = {
		{ "/p/.env", POLICY_FILE_ENV }, { ".ENV", POLICY_FILE_ENV },
		{ "/p/.envrc", POLICY_FILE_ENV }, { "/p/.env.production", POLICY_FILE_ENV },
		{ "C:\\p\\prod.env", POLICY_FILE_ENV }, { "/p/.env/", POLICY_FILE_ENV },
		{ "/p/environment.md", POLICY_FILE_OK }, { "/p/.envy", POLICY_FILE_OK },
		{ "/p/env", POLICY_FILE_OK },
		{ "/h/.cursor/mcp.json", POLICY_FILE_MCP_CONFIG }, { "MCP.JSON", POLICY_FILE_MCP_CONFIG },
		{ "/p/.mcp.json", POLICY_FILE_MCP_CONFIG }, { "mcp_config.json", POLICY_FILE_MCP_CONFIG },
		{ "x/mcp-config.json", POLICY_FILE_MCP_CONFIG }, { "mcp.yaml", POLICY_FILE_MCP_CONFIG },
		{ "mcp.yml", POLICY_FILE_MCP_CONFIG }, { "/h/.claude.json", POLICY_FILE_MCP_CONFIG },
		{ "claude_desktop_config.json", POLICY_FILE_MCP_CONFIG },
		{ "/p/mcp.json.bak", POLICY_FILE_OK }, { "/p/notmcp.json", POLICY_FILE_OK },
		{ "/h/.claude/settings.json", POLICY_FILE_CLAUDE_SETTINGS },
		{ "C:\\Users\\a\\.claude\\settings.json", POLICY_FILE_CLAUDE_SETTINGS },
		{ ".claude/settings.local.json", POLICY_FILE_CLAUDE_SETTINGS },
		{ "/h/.vscode/settings.json", POLICY_FILE_OK }, { "", POLICY_FILE_OK },
	};
	static const struct {
		const char *cmd, *word;
		enum policy_file want;
	} shells[] = {
		{ "cat .env", ".env", POLICY_FILE_ENV },
		{ "cd app && cat \"./.env.production\" | head", "./.env.production", POLICY_FILE_ENV },
		{ "grep -r KEY .", "", POLICY_FILE_OK },
		{ "echo $(cat ~/.cursor/mcp.json)", "~/.cursor/mcp.json", POLICY_FILE_MCP_CONFIG },
		{ "x=`cat .mcp.json`", ".mcp.json", POLICY_FILE_MCP_CONFIG },
		{ "python run.py<.envrc", ".envrc", POLICY_FILE_ENV },
		{ "ls;cat 'prod.env'", "prod.env", POLICY_FILE_ENV },
		{ "ls --env=.env", "", POLICY_FILE_OK },
		{ "tail -n 5 2>.env", ".env", POLICY_FILE_ENV },
		{ "cp ~/.claude/settings.json /tmp", "~/.claude/settings.json", POLICY_FILE_CLAUDE_SETTINGS },
		{ "ls\ncat .env", ".env", POLICY_FILE_ENV },	/* shown as "ls cat .env" */
		{ "echo environment", "", POLICY_FILE_OK },
		{ "", "", POLICY_FILE_OK },
	};
	size_t i, k;
	char word[256], shown[256];

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		is_int(policy_file_class(paths[i].path), paths[i].want, "file '%s'", paths[i].path);
	for (i = 0; i < sizeof(shells) / sizeof(shells[0]); i++) {
		word[0] = '\0';
		for (k = 0; shells[i].cmd[k] && k + 1 < sizeof(shown); k++)
			shown[k] = shells[i].cmd[k] == '\n' ? ' ' : shells[i].cmd[k];
		shown[k] = '\0';
		is_int(policy_shell_check(shells[i].cmd, word, sizeof(word)), shells[i].want,
		       "shell '%s'", shown);
		is_str(word, shells[i].word, "blocked word of '%s'", shown);
	}
	ok(strstr(policy_file_message(POLICY_FILE_ENV), "environment files") != NULL, "env message");
	ok(strstr(policy_file_message(POLICY_FILE_MCP_CONFIG), "MCP configuration") != NULL, "mcp message");
	ok(strstr(policy_file_message(POLICY_FILE_CLAUDE_SETTINGS), "Claude Code settings") != NULL,
	   "settings message");
}

static void
test_configured(void)
{
	struct policy p;
	struct policy_sources src;
	struct buf w = BUF_INIT;
	struct err e = ERR_INIT;
	char *dir = path_join(tmpdir, "state"), *cfg;

	file_mkdirs(dir, 0700, &e);
	cfg = path_join(dir, "config.yaml");
	{
		const char *y = "default_host: https://acme.runlayer.example\nhosts:\n"
				"  acme.runlayer.example:\n    url: https://acme.runlayer.example\n"
				"  other.example:8443:\n    url: https://other.example:8443\n";

		file_write_atomic(cfg, y, strlen(y), 0600, 0, &e);
	}
	memset(&src, 0, sizeof(src));
	src.state_dir = dir;
	src.root = tmpdir;	/* no managed configuration there */
	policy_init(&p);
	unsetenv("RUNLAYER_HOST");
	policy_add_host(&p, "https://kept.example", "rules", &e);
	policy_add_host(&p, "https://stale.example", "config", &e);
	is_int(policy_add_configured(&p, &src, &w), 2, "two hosts from config.yaml (%s)", w.data);
	is_int(p.n_hosts, 3, "kept + 2 configured; the stale configured host dropped");
	is_str(p.hosts[0].text, "https://kept.example/", "explicit host kept");
	is_str(p.hosts[1].source, "config", "configured source");
	setenv("RUNLAYER_HOST", "https://env.example", 1);
	is_int(policy_add_configured(&p, &src, &w), 3, "plus RUNLAYER_HOST");
	is_int(p.n_hosts, 4, "hosts refreshed, not duplicated");
	unsetenv("RUNLAYER_HOST");
	policy_release(&p);
	buf_release(&w);
	free(cfg);
	free(dir);
}

static void
test_describe_current(void)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	char *dir = path_join(tmpdir, "rlhome"), *rf;

	file_mkdirs(dir, 0700, &e);
	setenv("RUNLAYER_HOME", dir, 1);
	ok(policy_describe_current(0, &b, &e) == 0, "describe: no rules file is fine");
	ok(strstr(b.data, "none yet") != NULL, "and says so");
	ok(strstr(b.data, "and is blocked") != NULL, "the default mode blocks");
	buf_clear(&b);
	ok(policy_describe_current(1, &b, &e) == 0 && strstr(b.data, "and is blocked") == NULL &&
	   strstr(b.data, "nothing is blocked") != NULL && strstr(b.data, "--no-enforcement") != NULL,
	   "describe for --no-enforcement hooks: nothing is blocked, and why");
	rf = path_join(dir, "rules.json");
	file_write_atomic(rf, "{\"version\":", 12, 0600, 0, &e);
	buf_clear(&b);
	ok(policy_describe_current(0, &b, &e) < 0, "describe: a broken file is an error");
	ok(strstr(b.data, "cannot be used") != NULL && strstr(b.data, "policy generate") != NULL,
	   "and the text says what happens and how to fix it");
	unsetenv("RUNLAYER_HOME");
	buf_release(&b);
	free(rf);
	free(dir);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	test_modes();
	test_load();
	test_save();
	test_baseline();
	test_decide();
	test_stdio();
	test_files();
	test_configured();
	test_describe_current();
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			ok(0, "cleanup");
		free(cmd);
	}
	return tap_done();
}
