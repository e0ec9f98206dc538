/* Hook payloads of every client classified into one event model: the real
 * client (payload fingerprints), the event kind, the tool and its inputs. */
#include "hooks/runtime.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hooks/resolve.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct {
	enum hook_client c;
	const char *id, *label;
} clients[] = {
	{ HOOK_CLAUDE_CODE, "claude_code", "Claude Code" },
	{ HOOK_CODEX, "codex", "Codex" },
	{ HOOK_CURSOR, "cursor", "Cursor" },
	{ HOOK_GEMINI, "gemini_cli", "Gemini CLI" },
	{ HOOK_HERMES, "hermes", "Hermes" },
	{ HOOK_COPILOT, "github_copilot_cli", "Copilot CLI" },
	{ HOOK_WINDSURF, "windsurf", "Windsurf" },
};

static const struct {
	const char *alias;
	enum hook_client c;
} aliases[] = {
	{ "claude-code", HOOK_CLAUDE_CODE }, { "claude", HOOK_CLAUDE_CODE },
	{ "gemini", HOOK_GEMINI }, { "gemini-cli", HOOK_GEMINI },
	{ "copilot", HOOK_COPILOT }, { "github-copilot-cli", HOOK_COPILOT },
	{ "copilot_cli", HOOK_COPILOT }, { "copilot-cli", HOOK_COPILOT },
	{ "codex-cli", HOOK_CODEX }, { "hermes-agent", HOOK_HERMES },
};

const char *
hook_client_id(enum hook_client c)
{
	size_t i;

	for (i = 0; i < sizeof(clients) / sizeof(clients[0]); i++)
		if (clients[i].c == c)
			return clients[i].id;
	return "unknown";
}

const char *
hook_client_label(enum hook_client c)
{
	size_t i;

	for (i = 0; i < sizeof(clients) / sizeof(clients[0]); i++)
		if (clients[i].c == c)
			return clients[i].label;
	return "unknown client";
}

enum hook_client
hook_client_parse(const char *s)
{
	size_t i;

	if (s == NULL)
		return HOOK_CLIENT_NONE;
	for (i = 0; i < sizeof(clients) / sizeof(clients[0]); i++)
		if (strcmp(clients[i].id, s) == 0)
			return clients[i].c;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].alias, s) == 0)
			return aliases[i].c;
	return HOOK_CLIENT_NONE;
}

const char *
hook_kind_name(enum hook_kind k)
{
	static const char *const names[] = {
		"none", "pre_tool", "permission", "shell", "read", "post_tool", "tool_failure",
		"prompt", "response", "session_start", "session_end", "other",
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "other";
}

/* Event names of every client (compared without case). */
static const struct {
	const char *name;
	enum hook_kind kind;
} events[] = {
	/* Claude Code, Codex, Cursor's imports, Copilot CLI */
	{ "PreToolUse", HOOK_KIND_PRE_TOOL }, { "PostToolUse", HOOK_KIND_POST_TOOL },
	{ "PostToolUseFailure", HOOK_KIND_TOOL_FAILURE },
	{ "PermissionRequest", HOOK_KIND_PERMISSION },
	{ "UserPromptSubmit", HOOK_KIND_PROMPT }, { "SessionStart", HOOK_KIND_SESSION_START },
	{ "SessionEnd", HOOK_KIND_SESSION_END }, { "Stop", HOOK_KIND_RESPONSE },
	{ "SubagentStop", HOOK_KIND_RESPONSE },
	{ "userPromptSubmitted", HOOK_KIND_PROMPT }, { "agentStop", HOOK_KIND_RESPONSE },
	{ "errorOccurred", HOOK_KIND_TOOL_FAILURE },
	/* Gemini CLI */
	{ "BeforeTool", HOOK_KIND_PRE_TOOL }, { "AfterTool", HOOK_KIND_POST_TOOL },
	{ "BeforeAgent", HOOK_KIND_PROMPT }, { "AfterAgent", HOOK_KIND_RESPONSE },
	/* Cursor */
	{ "beforeMCPExecution", HOOK_KIND_PRE_TOOL }, { "afterMCPExecution", HOOK_KIND_POST_TOOL },
	{ "beforeShellExecution", HOOK_KIND_SHELL }, { "afterShellExecution", HOOK_KIND_POST_TOOL },
	{ "beforeReadFile", HOOK_KIND_READ }, { "beforeTabFileRead", HOOK_KIND_READ },
	{ "beforeSubmitPrompt", HOOK_KIND_PROMPT }, { "afterAgentResponse", HOOK_KIND_RESPONSE },
	/* Hermes */
	{ "pre_tool_call", HOOK_KIND_PRE_TOOL }, { "post_tool_call", HOOK_KIND_POST_TOOL },
	{ "transform_tool_result", HOOK_KIND_POST_TOOL }, { "pre_llm_call", HOOK_KIND_PROMPT },
	{ "post_llm_call", HOOK_KIND_RESPONSE }, { "on_session_start", HOOK_KIND_SESSION_START },
	{ "on_session_end", HOOK_KIND_SESSION_END }, { "on_session_finalize", HOOK_KIND_SESSION_END },
	/* Windsurf */
	{ "pre_mcp_tool_use", HOOK_KIND_PRE_TOOL }, { "post_mcp_tool_use", HOOK_KIND_POST_TOOL },
	{ "pre_run_command", HOOK_KIND_SHELL }, { "post_run_command", HOOK_KIND_POST_TOOL },
	{ "pre_read_code", HOOK_KIND_READ }, { "pre_user_prompt", HOOK_KIND_PROMPT },
	{ "post_cascade_response", HOOK_KIND_RESPONSE },
};

static const char *const shell_tools[] = {
	"Bash", "PowerShell", "exec_command", "shell", "local_shell", "run_shell_command",
	"terminal", "Shell", NULL
};

static const char *const read_tools[] = {
	"Read", "Glob", "Grep", "read_file", "read_many_files", "search_file_content", "glob",
	"grep", "view", "search_files", "NotebookRead", NULL
};

static int
in_list(const char *const *l, const char *s)
{
	size_t i;

	for (i = 0; s && l[i]; i++)
		if (strcasecmp(l[i], s) == 0)
			return 1;
	return 0;
}

static const cJSON *
get(const cJSON *o, const char *k)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static const char *
get_str(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

void
hook_event_release(struct hook_event *ev)
{
	cJSON_Delete(ev->root);
	cJSON_Delete(ev->owned_input);
	cJSON_Delete(ev->owned_paths);
	cJSON_Delete(ev->owned_text);
	memset(ev, 0, sizeof(*ev));
}

/* A JSON string holding an object (Cursor tool_input, Copilot toolArgs). */
static const cJSON *
input_object(struct hook_event *ev, const cJSON *v)
{
	if (cJSON_IsObject(v))
		return v;
	if (cJSON_IsString(v)) {
		cJSON *o = cJSON_Parse(v->valuestring);

		if (cJSON_IsObject(o)) {
			cJSON_Delete(ev->owned_input);
			ev->owned_input = o;
			return o;
		}
		cJSON_Delete(o);
	}
	return NULL;
}

static void
add_path(struct hook_event *ev, const char *p)
{
	if (p == NULL || *p == '\0')
		return;
	if (ev->owned_paths == NULL)
		ev->owned_paths = cJSON_CreateArray();
	if (cJSON_GetArraySize(ev->owned_paths) < 256)
		cJSON_AddItemToArray(ev->owned_paths, cJSON_CreateString(p));
	ev->paths = ev->owned_paths;
}

static void
add_paths_of(struct hook_event *ev, const cJSON *in)
{
	static const char *const keys[] = {
		"file_path", "path", "absolute_path", "notebook_path", "pattern", "glob", NULL
	};
	const cJSON *a, *x;
	size_t i;

	for (i = 0; keys[i]; i++)
		add_path(ev, get_str(in, keys[i]));
	a = get(in, "paths");
	if (!cJSON_IsArray(a))
		return;
	cJSON_ArrayForEach(x, a)
		if (cJSON_IsString(x))
			add_path(ev, x->valuestring);
}

/* A shell command from tool_input.command (string, or argv array). */
static const char *
shell_text(struct hook_event *ev, const cJSON *in)
{
	const cJSON *c = get(in, "command");

	if (cJSON_IsString(c))
		return c->valuestring;
	if (cJSON_IsArray(c)) {
		struct buf b = BUF_INIT;
		const cJSON *x;

		cJSON_ArrayForEach(x, c) {
			if (!cJSON_IsString(x))
				continue;
			if (b.len)
				buf_addc(&b, ' ');
			buf_adds(&b, x->valuestring);
		}
		/* kept alive with the event */
		cJSON_Delete(ev->owned_text);
		ev->owned_text = cJSON_CreateString(b.data);
		buf_release(&b);
		return ev->owned_text->valuestring;
	}
	return NULL;
}

static enum hook_client
fingerprint(const cJSON *root, enum hook_client invoked_as)
{
	if (get(root, "cursor_version"))
		return HOOK_CURSOR;
	if (get(root, "agent_action_name"))
		return HOOK_WINDSURF;
	if (get(root, "mcp_context"))
		return HOOK_GEMINI;
	if (invoked_as != HOOK_CLIENT_NONE)
		return invoked_as;
	if (get(root, "toolName") && !get(root, "tool_name"))
		return HOOK_COPILOT;
	if (get(root, "profile") && get(root, "extra"))
		return HOOK_HERMES;
	if (get(root, "turn_id") && get(root, "model"))
		return HOOK_CODEX;
	{
		const char *en = get_str(root, "hook_event_name");

		if (en && (strcmp(en, "BeforeTool") == 0 || strcmp(en, "AfterTool") == 0 ||
			   strcmp(en, "BeforeAgent") == 0 || strcmp(en, "AfterAgent") == 0))
			return HOOK_GEMINI;
		if (en && strcmp(en, "pre_tool_call") == 0)
			return HOOK_HERMES;
	}
	return HOOK_CLAUDE_CODE;
}

void
hook_event_classify(cJSON *root, enum hook_client invoked_as, const char *event_env,
		    const char *event_arg, struct hook_event *ev)
{
	const cJSON *in, *ti;
	const char *name;
	size_t i;

	memset(ev, 0, sizeof(*ev));
	ev->root = root;
	ev->invoked_as = invoked_as;
	ev->client = fingerprint(root, invoked_as);
	ev->from_import = ev->client == HOOK_CURSOR && invoked_as == HOOK_CLAUDE_CODE;

	name = event_arg && *event_arg ? event_arg : event_env && *event_env ? event_env : NULL;
	if (name == NULL)
		name = get_str(root, "hook_event_name");
	if (name == NULL)
		name = get_str(root, "agent_action_name");
	if (name == NULL && ev->client == HOOK_COPILOT) {
		/* Copilot CLI payloads carry no event name: infer it. */
		if (get(root, "toolName"))
			name = get(root, "toolResult") ? "postToolUse" : "preToolUse";
		else if (get(root, "prompt"))
			name = "userPromptSubmitted";
	}
	ev->event_name = name;
	ev->kind = name ? HOOK_KIND_OTHER : HOOK_KIND_NONE;
	for (i = 0; name && i < sizeof(events) / sizeof(events[0]); i++) {
		if (strcasecmp(events[i].name, name) == 0) {
			ev->kind = events[i].kind;
			break;
		}
	}

	ev->session_id = get_str(root, "session_id");
	if (ev->session_id == NULL)
		ev->session_id = get_str(root, "conversation_id");
	if (ev->session_id == NULL)
		ev->session_id = get_str(root, "trajectory_id");
	if (ev->session_id == NULL)
		ev->session_id = get_str(root, "sessionId");
	ev->cwd = get_str(root, "cwd");
	ev->workspace_roots = get(root, "workspace_roots");
	if (ev->cwd == NULL && cJSON_IsArray(ev->workspace_roots)) {
		const cJSON *w = cJSON_GetArrayItem(ev->workspace_roots, 0);

		if (cJSON_IsString(w) && w->valuestring[0] == '/')
			ev->cwd = w->valuestring;
	}
	ev->call_id = get_str(root, "tool_use_id");
	if (ev->call_id == NULL)
		ev->call_id = get_str(root, "generation_id");
	if (ev->call_id == NULL)
		ev->call_id = get_str(root, "execution_id");
	if (ev->call_id == NULL)
		ev->call_id = get_str(get(root, "extra"), "tool_call_id");
	ev->profile = get_str(root, "profile");

	ti = get(root, "tool_info");	/* Windsurf */
	ev->tool_name = get_str(root, "tool_name");
	if (ev->tool_name == NULL)
		ev->tool_name = get_str(root, "toolName");
	if (ev->tool_name == NULL)
		ev->tool_name = get_str(ti, "mcp_tool_name");
	in = get(root, "tool_input");
	if (in == NULL)
		in = get(root, "toolArgs");
	if (in == NULL)
		in = get(ti, "mcp_tool_arguments");
	ev->tool_input = input_object(ev, in);
	ev->tool_response = get(root, "tool_response");
	if (ev->tool_response == NULL)
		ev->tool_response = get(root, "toolResult");
	if (ev->tool_response == NULL)
		ev->tool_response = get(root, "result_json");
	if (ev->tool_response == NULL)
		ev->tool_response = get(root, "output");

	/* Text of prompts and replies. */
	if (ev->kind == HOOK_KIND_PROMPT) {
		ev->text = get_str(root, "prompt");
		if (ev->text == NULL)
			ev->text = get_str(ti, "user_prompt");
		if (ev->text == NULL)
			ev->text = get_str(root, "user_message");
	} else if (ev->kind == HOOK_KIND_RESPONSE) {
		ev->text = get_str(root, "last_assistant_message");
		if (ev->text == NULL)
			ev->text = get_str(root, "prompt_response");
		if (ev->text == NULL)
			ev->text = get_str(root, "text");
		if (ev->text == NULL)
			ev->text = get_str(ti, "response");
	}

	/* What the tool is. */
	if (ev->client == HOOK_WINDSURF) {
		if (name && (strcmp(name, "pre_mcp_tool_use") == 0 ||
			     strcmp(name, "post_mcp_tool_use") == 0)) {
			ev->tool = HOOK_TOOL_MCP;
			ev->server_name = get_str(ti, "mcp_server_name");
		} else if (ev->kind == HOOK_KIND_SHELL) {
			ev->tool = HOOK_TOOL_SHELL;
			ev->text = get_str(ti, "command_line");
		} else if (ev->kind == HOOK_KIND_READ) {
			ev->tool = HOOK_TOOL_READ;
			add_path(ev, get_str(ti, "file_path"));
		}
		return;
	}
	if (ev->client == HOOK_CURSOR && name && strcasecmp(name, "beforeMCPExecution") != 0 &&
	    strcasecmp(name, "afterMCPExecution") != 0 && ev->kind == HOOK_KIND_SHELL) {
		ev->tool = HOOK_TOOL_SHELL;
		ev->text = get_str(root, "command");
		return;
	}
	if (ev->client == HOOK_CURSOR && ev->kind == HOOK_KIND_READ) {
		ev->tool = HOOK_TOOL_READ;
		add_path(ev, get_str(root, "file_path"));
		return;
	}
	if (ev->client == HOOK_CURSOR && name && (strcasecmp(name, "beforeMCPExecution") == 0 ||
						  strcasecmp(name, "afterMCPExecution") == 0)) {
		ev->tool = HOOK_TOOL_MCP;
		ev->server_name = get_str(root, "mcp_server_name");
		ev->url = get_str(root, "url");
		if (ev->url == NULL)
			ev->url = get_str(root, "mcp_server_url");
		ev->command = get_str(root, "command");
		/* Some Cursor builds put the server's name, with its scope, in
		 * "command" ("user-github::mcpScope:profile"): a name, not a
		 * launch line (contract §7.5). */
		if (ev->command && strstr(ev->command, "::mcpScope:")) {
			if (ev->server_name == NULL)
				ev->server_name = ev->command;
			ev->command = NULL;
		}
		return;
	}
	if (ev->client == HOOK_GEMINI && get(root, "mcp_context")) {
		const cJSON *mc = get(root, "mcp_context");

		ev->tool = HOOK_TOOL_MCP;
		ev->server_name = get_str(mc, "server_name");
		ev->url = get_str(mc, "url");
		if (ev->url == NULL)
			ev->url = get_str(mc, "httpUrl");
		ev->command = get_str(mc, "command");
		ev->args = get(mc, "args");
		if (!cJSON_IsArray(ev->args))
			ev->args = NULL;
		return;
	}
	if (ev->tool_name == NULL)
		return;
	if (resolve_is_mcp_tool(ev->client, ev->tool_name)) {
		ev->tool = HOOK_TOOL_MCP;
	} else if (in_list(shell_tools, ev->tool_name)) {
		ev->tool = HOOK_TOOL_SHELL;
		if (ev->kind == HOOK_KIND_PRE_TOOL || ev->kind == HOOK_KIND_PERMISSION)
			ev->text = shell_text(ev, ev->tool_input);
	} else if (in_list(read_tools, ev->tool_name)) {
		ev->tool = HOOK_TOOL_READ;
		add_paths_of(ev, ev->tool_input);
	}
}
