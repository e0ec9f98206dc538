/* What the installer writes for each client: events per mode (contract
 * §7.10), entry shapes (§7.11, clients.md §5), locations (§7.12), our
 * command line, and how entries of ours are recognised. */
#include "hooks/install_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parsers/tree.h"
#include "util/sha256.h"
#include "util/xalloc.h"
#include "util/banned.h"

const struct hook_client_def hook_clients[HOOK_N_CLIENTS] = {
	[HOOK_CLAUDE_CODE] = { "claude_code", "Claude Code", "claude-code|claude", 1 },
	[HOOK_CODEX] = { "codex", "Codex", "codex-cli|codex_cli", 1 },
	[HOOK_CURSOR] = { "cursor", "Cursor", "", 1 },
	[HOOK_GEMINI] = { "gemini-cli", "Gemini CLI", "gemini_cli|gemini", 1 },
	[HOOK_HERMES] = { "hermes", "Hermes Agent", "hermes-agent", 0 },
	[HOOK_COPILOT] = { "github-copilot-cli", "GitHub Copilot CLI",
			   "github_copilot_cli|copilot-cli|copilot", 0 },
	[HOOK_WINDSURF] = { "windsurf", "Windsurf", "", 1 },
};

/* Claude Code (contract §7.10; matchers per clients.md §5.1). */
static const struct hook_ev claude_events[] = {
	{ "PreToolUse", HEV_ENFORCE | HEV_TOOL, NULL, NULL },
	{ "PostToolUse", HEV_ENFORCE | HEV_TOOL, NULL, NULL },
	{ "PostToolUseFailure", HEV_ENFORCE | HEV_TOOL, NULL, NULL },
	{ "SessionStart", 0, NULL, NULL },
	{ "SessionEnd", 0, NULL, NULL },
	{ "UserPromptSubmit", 0, NULL, NULL },
	{ "SubagentStart", 0, NULL, NULL },
	{ "SubagentStop", 0, NULL, NULL },
	{ "Stop", 0, NULL, NULL },
	{ "PreCompact", 0, NULL, NULL },
	{ "PermissionRequest", HEV_TOOL, NULL, NULL },
	{ "Notification", 0, NULL, NULL },
	{ "TeammateIdle", 0, NULL, NULL },
	{ "TaskCompleted", 0, NULL, NULL },
	{ "InstructionsLoaded", 0, NULL, NULL },
	{ "ConfigChange", 0, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};

/* Codex: PostToolUseFailure is not a Codex event (clients.md §5.2: 14
 * events, unknown keys ignored), so it is not written. */
static const struct hook_ev codex_events[] = {
	{ "PreToolUse", HEV_ENFORCE | HEV_TOOL, NULL, "pre_tool_use" },
	{ "PostToolUse", HEV_ENFORCE | HEV_TOOL, NULL, "post_tool_use" },
	{ "PermissionRequest", HEV_ENFORCE | HEV_TOOL, NULL, "permission_request" },
	{ "SessionStart", 0, "startup|resume", "session_start" },
	{ "UserPromptSubmit", HEV_NO_MATCHER, NULL, "user_prompt_submit" },
	{ "Stop", HEV_NO_MATCHER, NULL, "stop" },
	{ NULL, 0, NULL, NULL }
};

static const struct hook_ev cursor_events[] = {
	{ "beforeMCPExecution", HEV_ENFORCE | HEV_BLOCKING, NULL, NULL },
	{ "beforeReadFile", HEV_ENFORCE, NULL, NULL },
	{ "beforeTabFileRead", HEV_ENFORCE, NULL, NULL },
	{ "beforeShellExecution", HEV_ENFORCE, NULL, NULL },
	{ "preToolUse", HEV_ENFORCE, NULL, NULL },
	{ "postToolUse", HEV_ENFORCE, NULL, NULL },
	{ "postToolUseFailure", HEV_ENFORCE, NULL, NULL },
	{ "sessionStart", 0, NULL, NULL },
	{ "sessionEnd", 0, NULL, NULL },
	{ "beforeSubmitPrompt", 0, NULL, NULL },
	{ "afterAgentThought", 0, NULL, NULL },
	{ "afterAgentResponse", 0, NULL, NULL },
	{ "afterMCPExecution", 0, NULL, NULL },
	{ "afterShellExecution", 0, NULL, NULL },
	{ "subagentStart", 0, NULL, NULL },
	{ "subagentStop", 0, NULL, NULL },
	{ "afterFileEdit", 0, NULL, NULL },
	{ "afterTabFileEdit", 0, NULL, NULL },
	{ "stop", 0, NULL, NULL },
	{ "preCompact", 0, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};

/* Gemini CLI (clients.md §5.3): the contract has no list; these map the
 * Claude sets through `gemini hooks migrate` names. */
static const struct hook_ev gemini_events[] = {
	{ "BeforeTool", HEV_ENFORCE | HEV_TOOL, NULL, NULL },
	{ "AfterTool", HEV_ENFORCE | HEV_TOOL, NULL, NULL },
	{ "SessionStart", 0, NULL, NULL },
	{ "SessionEnd", 0, NULL, NULL },
	{ "BeforeAgent", 0, NULL, NULL },
	{ "AfterAgent", 0, NULL, NULL },
	{ "PreCompress", 0, NULL, NULL },
	{ "Notification", 0, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};

/* Hermes (contract §7.10): matchers only apply to pre/post_tool_call and
 * fail_closed only to pre_tool_call; anything else draws a warning. */
static const struct hook_ev hermes_events[] = {
	{ "pre_tool_call", HEV_ENFORCE | HEV_TOOL | HEV_BLOCKING, NULL, NULL },
	{ "transform_tool_result", HEV_ENFORCE, NULL, NULL },
	{ "post_tool_call", HEV_TOOL, NULL, NULL },
	{ "pre_llm_call", 0, NULL, NULL },
	{ "on_session_start", 0, NULL, NULL },
	{ "on_session_end", 0, NULL, NULL },
	{ "on_session_finalize", 0, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};

static const struct hook_ev copilot_events[] = {
	{ "preToolUse", HEV_ENFORCE, NULL, NULL },
	{ "postToolUse", HEV_ENFORCE, NULL, NULL },
	{ "sessionStart", 0, NULL, NULL },
	{ "sessionEnd", 0, NULL, NULL },
	{ "userPromptSubmitted", 0, NULL, NULL },
	{ "agentStop", 0, NULL, NULL },
	{ "subagentStop", 0, NULL, NULL },
	{ "errorOccurred", 0, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};

static const struct hook_ev windsurf_events[] = {
	{ "pre_mcp_tool_use", HEV_ENFORCE, NULL, NULL },
	{ "post_mcp_tool_use", 0, NULL, NULL },
	{ "pre_user_prompt", 0, NULL, NULL },
	{ "post_cascade_response", 0, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};

const struct hook_spec hook_specs[HOOK_N_CLIENTS] = {
	[HOOK_CLAUDE_CODE] = {
		claude_events, "mcp__.*", SHAPE_GROUPED, "command",
		"{env:CLAUDE_CONFIG_DIR|~/.claude}/settings.json",
		"{env:CLAUDE_CONFIG_DIR|~/.claude}",
		{ "/etc/claude-code/managed-settings.json",
		  "/Library/Application Support/ClaudeCode/managed-settings.json",
		  "{PROGRAMFILES}/ClaudeCode/managed-settings.json" },
		"{}\n", 0 },
	[HOOK_CODEX] = {
		codex_events, "mcp__.*", SHAPE_GROUPED, "command",
		"{env:CODEX_HOME|~/.codex}/hooks.json",
		"{env:CODEX_HOME|~/.codex}",
		{ "/etc/codex/hooks.json", "/etc/codex/hooks.json",
		  "{PROGRAMDATA}/OpenAI/Codex/hooks.json" },
		"{}\n", 1 },
	[HOOK_CURSOR] = {
		cursor_events, NULL, SHAPE_FLAT, "command",
		"~/.cursor/hooks.json", "~/.cursor",
		{ "/etc/cursor/hooks.json", "/Library/Application Support/Cursor/hooks.json",
		  "{PROGRAMDATA}/Cursor/hooks.json" },
		"{\n  \"version\": 1\n}\n", 1 },
	[HOOK_GEMINI] = {
		gemini_events, "mcp_.*", SHAPE_GROUPED, "command",
		"{env:GEMINI_CLI_HOME|~}/.gemini/settings.json",
		"{env:GEMINI_CLI_HOME|~}/.gemini",
		{ "{env:GEMINI_CLI_SYSTEM_SETTINGS_PATH|/etc/gemini-cli/settings.json}",
		  "{env:GEMINI_CLI_SYSTEM_SETTINGS_PATH|/Library/Application Support/GeminiCli/settings.json}",
		  "{PROGRAMDATA}/gemini-cli/settings.json" },
		"{}\n", 2 },
	[HOOK_HERMES] = {
		hermes_events, "mcp_.*", SHAPE_FLAT, "command",
		"{env:HERMES_HOME|~/.hermes}/config.yaml",
		"{env:HERMES_HOME|~/.hermes}",
		{ NULL, NULL, NULL },
		"", 0 },
	[HOOK_COPILOT] = {
		copilot_events, NULL, SHAPE_FLAT, "bash",
		"{env:COPILOT_HOME|~/.copilot}/hooks/runlayer.json",
		"{env:COPILOT_HOME|~/.copilot}",
		{ NULL, NULL, NULL },
		"{\n  \"version\": 1\n}\n", 1 },
	[HOOK_WINDSURF] = {
		windsurf_events, NULL, SHAPE_FLAT, "command",
		"~/.codeium/windsurf/hooks.json", "~/.codeium/windsurf",
		{ "/etc/windsurf/hooks.json", "/Library/Application Support/Windsurf/hooks.json",
		  "{PROGRAMDATA}/Windsurf/hooks.json" },
		"{}\n", 1 },
};

int
hook_client_lookup(const char *name)
{
	int i;

	for (i = 0; i < HOOK_N_CLIENTS; i++) {
		const char *a = hook_clients[i].aliases;
		size_t n = strlen(name);

		if (strcmp(name, hook_clients[i].id) == 0)
			return i;
		while (*a) {
			const char *bar = strchr(a, '|');
			size_t l = bar ? (size_t)(bar - a) : strlen(a);

			if (l == n && strncmp(a, name, n) == 0)
				return i;
			a += l + (bar != NULL);
		}
	}
	return -1;
}

/* Bytes a path may hold unquoted in every client's command runner. */
static int
plain_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("/._-+:@%,=", c) != NULL || c >= 0x80;
}

char *
hooks_command(const char *binary, enum hook_client c, enum hook_mode mode)
{
	const unsigned char *p;
	int quote = 0;

	if (binary == NULL || binary[0] != '/')
		return NULL;
	for (p = (const unsigned char *)binary; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || strchr("\"\\$`", *p))
			return NULL;
		if (!plain_byte(*p))
			quote = 1;
	}
	return xasprintf("%s%s%s hook --client %s%s", quote ? "\"" : "", binary, quote ? "\"" : "",
			 hook_clients[c].id, mode == HOOK_MODE_MONITOR ? " --no-enforcement" : "");
}

/* Older shims and aiwatch helpers (contract §7.11). */
static const char *const shim_names[] = {
	"runlayer-hook.sh", "aiwatch-hook", "aiwatch-enforce", "runlayer-hook",
	"runlayer-cursor-hook.sh", "runlayer-claude-hook.sh", NULL
};

/* Does name (runlayer or aiwatch, optional .exe) start at p, with a path
 * separator, quote or space (or the start) before it and a quote or space
 * after it, followed by the word "hook"? (contract §7.11, extended to
 * runlayer's own binary). */
static int
hook_word_at(const char *cmd, const char *p)
{
	static const char *const names[] = { "aiwatch", "runlayer", NULL };
	const char *const *n;

	if (p > cmd && !strchr("/\\\"' ", p[-1]))
		return 0;
	for (n = names; *n; n++) {
		size_t l = strlen(*n);
		const char *q = p + l;

		if (strncasecmp(p, *n, l) != 0)
			continue;
		if (strncasecmp(q, ".exe", 4) == 0)
			q += 4;
		if (*q != '"' && *q != '\'' && *q != ' ' && *q != '\t')
			continue;
		while (*q == '"' || *q == '\'')
			q++;
		if (*q != ' ' && *q != '\t')
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, "hook", 4) == 0 && (q[4] == '\0' || q[4] == ' ' || q[4] == '\t'))
			return 1;
	}
	return 0;
}

int
hooks_command_is_ours(const char *cmd)
{
	const char *const *s;
	const char *p;

	if (cmd == NULL)
		return 0;
	for (s = shim_names; *s; s++)
		if (strstr(cmd, *s))
			return 1;
	for (p = cmd; *p; p++)
		if ((*p == 'a' || *p == 'A' || *p == 'r' || *p == 'R') && hook_word_at(cmd, p))
			return 1;
	return 0;
}

void
hooks_codex_hash(const char *event_snake, const char *matcher, const char *command,
		 long timeout, int async, const char *status_message, char out[72])
{
	cJSON *id = cJSON_CreateObject(), *hooks, *h;
	char hex[SHA256_HEX_LEN + 1];
	char *text;

	/* Keys in bytewise order at every level; compact separators. */
	cJSON_AddStringToObject(id, "event_name", event_snake);
	hooks = cJSON_AddArrayToObject(id, "hooks");
	h = cJSON_CreateObject();
	cJSON_AddBoolToObject(h, "async", async);
	cJSON_AddStringToObject(h, "command", command);
	if (status_message)
		cJSON_AddStringToObject(h, "statusMessage", status_message);
	if (timeout < 0)
		timeout = strcmp(event_snake, "session_end") == 0 ||
			  strcmp(event_snake, "interrupt") == 0 ? 1 : 600;
	cJSON_AddItemToObject(h, "timeout", tree_new_integer(timeout));
	cJSON_AddStringToObject(h, "type", "command");
	cJSON_AddItemToArray(hooks, h);
	if (matcher)
		cJSON_AddStringToObject(id, "matcher", matcher);
	text = tree_print(id, 0, 0);
	sha256_hex(text, strlen(text), hex);
	snprintf(out, 72, "sha256:%s", hex);
	free(text);
	cJSON_Delete(id);
}

const struct hook_ev *
hook_event_find(enum hook_client c, const char *name)
{
	const struct hook_ev *ev;

	for (ev = hook_specs[c].events; ev->name; ev++)
		if (strcmp(ev->name, name) == 0)
			return ev;
	return NULL;
}

static cJSON *
build_entry(enum hook_client c, const struct hook_ev *ev, const char *command,
	    enum hook_mode mode)
{
	const struct hook_spec *s = &hook_specs[c];
	const char *matcher = ev->matcher;
	cJSON *e = cJSON_CreateObject();

	if (matcher == NULL && (ev->flags & HEV_TOOL))
		matcher = s->mcp_matcher;
	switch (c) {
	case HOOK_CLAUDE_CODE:
	case HOOK_CODEX:
	case HOOK_GEMINI: {
		cJSON *hooks, *h = cJSON_CreateObject();

		if (matcher)
			cJSON_AddStringToObject(e, "matcher", matcher);
		hooks = cJSON_AddArrayToObject(e, "hooks");
		cJSON_AddStringToObject(h, "type", "command");
		cJSON_AddStringToObject(h, "command", command);
		if (c == HOOK_GEMINI)
			cJSON_AddStringToObject(h, "name", "runlayer");
		cJSON_AddItemToArray(hooks, h);
		break;
	}
	case HOOK_HERMES:
		if (matcher)
			cJSON_AddStringToObject(e, "matcher", matcher);
		cJSON_AddStringToObject(e, "command", command);
		if ((ev->flags & HEV_BLOCKING) && mode != HOOK_MODE_MONITOR)
			cJSON_AddTrueToObject(e, "fail_closed");
		break;
	case HOOK_CURSOR:
		cJSON_AddStringToObject(e, "command", command);
		if ((ev->flags & HEV_BLOCKING) && mode != HOOK_MODE_MONITOR)
			cJSON_AddTrueToObject(e, "failClosed");
		break;
	case HOOK_COPILOT:
		cJSON_AddStringToObject(e, "type", "command");
		cJSON_AddStringToObject(e, "bash", command);
		break;
	case HOOK_WINDSURF:
		cJSON_AddStringToObject(e, "command", command);
		cJSON_AddTrueToObject(e, "show_output");
		break;
	case HOOK_N_CLIENTS:
		break;
	}
	return e;
}

void
hook_wants_build(enum hook_client c, enum hook_mode m, const char *command,
		 struct hook_wants *w)
{
	const struct hook_ev *ev;
	size_t n = 0;

	for (ev = hook_specs[c].events; ev->name; ev++)
		n++;
	w->v = xcalloc(n ? n : 1, sizeof(*w->v));
	w->n = 0;
	for (ev = hook_specs[c].events; ev->name; ev++) {
		if (!(ev->flags & HEV_ENFORCE) && m == HOOK_MODE_ENFORCE)
			continue;
		w->v[w->n].ev = ev;
		w->v[w->n].entry = build_entry(c, ev, command, m);
		w->n++;
	}
}

void
hook_wants_release(struct hook_wants *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		cJSON_Delete(w->v[i].entry);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

const struct hook_want *
hook_wants_find(const struct hook_wants *w, const char *event)
{
	size_t i;

	for (i = 0; w && i < w->n; i++)
		if (strcmp(w->v[i].ev->name, event) == 0)
			return &w->v[i];
	return NULL;
}

const char *
hook_handler_command(const struct hook_spec *s, const cJSON *h)
{
	const cJSON *c = cJSON_IsObject(h) ? cJSON_GetObjectItemCaseSensitive(h, s->cmd_key) : NULL;

	if (!cJSON_IsString(c) && s->cmd_key && strcmp(s->cmd_key, "bash") == 0)
		c = cJSON_IsObject(h) ? cJSON_GetObjectItemCaseSensitive(h, "powershell") : NULL;
	return cJSON_IsString(c) ? c->valuestring : NULL;
}

int
hook_handler_ours(const struct hook_spec *s, const cJSON *h)
{
	return hooks_command_is_ours(hook_handler_command(s, h));
}

void
hook_entry_count(const struct hook_spec *s, const cJSON *entry, size_t *n_ours, size_t *n_all)
{
	const cJSON *hooks, *h;

	*n_ours = *n_all = 0;
	if (s->shape == SHAPE_FLAT) {
		*n_all = 1;
		*n_ours = (size_t)hook_handler_ours(s, entry);
		return;
	}
	hooks = cJSON_IsObject(entry) ? cJSON_GetObjectItemCaseSensitive(entry, "hooks") : NULL;
	if (!cJSON_IsArray(hooks))
		return;
	cJSON_ArrayForEach(h, hooks) {
		(*n_all)++;
		*n_ours += (size_t)hook_handler_ours(s, h);
	}
}

void
hook_note(struct hook_file_report *fr, unsigned problems, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	fr->problems |= problems;
	fr->notes = xreallocarray(fr->notes, fr->nnotes + 1, sizeof(*fr->notes));
	fr->notes[fr->nnotes++] = buf_detach(&b, NULL);
}

/* A command runs in monitor mode. */
static int
command_monitor(const char *cmd)
{
	return cmd && (strstr(cmd, " --no-enforcement") || strstr(cmd, " --mode monitor") ||
		       strstr(cmd, " --mode=monitor"));
}

enum hook_mode
hook_infer_mode(enum hook_client c, const cJSON *hooks_obj)
{
	const struct hook_spec *s = &hook_specs[c];
	const cJSON *ev, *entry;
	enum hook_mode m = HOOK_MODE_ENFORCE;

	cJSON_ArrayForEach(ev, hooks_obj) {
		const struct hook_ev *def = ev->string ? hook_event_find(c, ev->string) : NULL;

		if (!cJSON_IsArray(ev))
			continue;
		cJSON_ArrayForEach(entry, ev) {
			const cJSON *hooks, *h;

			if (s->shape == SHAPE_FLAT) {
				if (!hook_handler_ours(s, entry))
					continue;
				if (command_monitor(hook_handler_command(s, entry)))
					return HOOK_MODE_MONITOR;
			} else {
				int ours = 0;

				hooks = cJSON_GetObjectItemCaseSensitive(entry, "hooks");
				if (!cJSON_IsArray(hooks))
					hooks = NULL;
				cJSON_ArrayForEach(h, hooks) {
					if (!hook_handler_ours(s, h))
						continue;
					ours = 1;
					if (command_monitor(hook_handler_command(s, h)))
						return HOOK_MODE_MONITOR;
				}
				if (!ours)
					continue;
			}
			if (def && !(def->flags & HEV_ENFORCE))
				m = HOOK_MODE_ALL_EVENTS;
		}
	}
	return m;
}
