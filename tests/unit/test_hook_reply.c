/* Unit tests for hooks/reply: the exact bytes and exit status of every
 * client's allow and deny replies, and the agent-facing message. */
#include <string.h>

#include "hooks/reply.h"
#include "tests/unit/tap.h"

static const struct {
	enum hook_client c;
	enum hook_kind k;
	const char *out;
} allows[] = {
	{ HOOK_CLAUDE_CODE, HOOK_KIND_PRE_TOOL, "" },
	{ HOOK_CLAUDE_CODE, HOOK_KIND_PERMISSION, "" },
	{ HOOK_CODEX, HOOK_KIND_PRE_TOOL, "" },
	{ HOOK_GEMINI, HOOK_KIND_PRE_TOOL, "" },
	{ HOOK_COPILOT, HOOK_KIND_PRE_TOOL, "" },
	{ HOOK_WINDSURF, HOOK_KIND_PRE_TOOL, "" },
	{ HOOK_CURSOR, HOOK_KIND_PRE_TOOL, "{\"permission\":\"allow\"}\n" },
	{ HOOK_CURSOR, HOOK_KIND_SHELL, "{\"permission\":\"allow\"}\n" },
	{ HOOK_CURSOR, HOOK_KIND_READ, "{\"permission\":\"allow\"}\n" },
	{ HOOK_CURSOR, HOOK_KIND_POST_TOOL, "{}\n" },
	{ HOOK_CURSOR, HOOK_KIND_PROMPT, "{}\n" },
	{ HOOK_HERMES, HOOK_KIND_PRE_TOOL, "{}\n" },
	{ HOOK_HERMES, HOOK_KIND_POST_TOOL, "" },
};

static const struct {
	enum hook_client c;
	enum hook_kind k;
	const char *event, *out, *err;
	int code;
} denies[] = {
	{ HOOK_CLAUDE_CODE, HOOK_KIND_PRE_TOOL, "PreToolUse",
	  "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\","
	  "\"permissionDecisionReason\":\"A\"}}\n", "", 0 },
	{ HOOK_CLAUDE_CODE, HOOK_KIND_PRE_TOOL, NULL,
	  "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\","
	  "\"permissionDecisionReason\":\"A\"}}\n", "", 0 },
	{ HOOK_CLAUDE_CODE, HOOK_KIND_PERMISSION, "PermissionRequest",
	  "{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\",\"decision\":"
	  "{\"behavior\":\"deny\",\"message\":\"A\"}}}\n", "", 0 },
	{ HOOK_CODEX, HOOK_KIND_PRE_TOOL, "PreToolUse",
	  "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\","
	  "\"permissionDecisionReason\":\"U\"}}\n", "", 0 },
	{ HOOK_CODEX, HOOK_KIND_PERMISSION, "PermissionRequest",
	  "{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\",\"decision\":"
	  "{\"behavior\":\"deny\",\"message\":\"U\"}}}\n", "", 0 },
	{ HOOK_CODEX, HOOK_KIND_POST_TOOL, "PostToolUse",
	  "{\"decision\":\"block\",\"reason\":\"U\"}\n", "", 0 },
	{ HOOK_CURSOR, HOOK_KIND_PRE_TOOL, "beforeMCPExecution",
	  "{\"permission\":\"deny\",\"continue\":true,\"user_message\":\"U\",\"agent_message\":\"A\"}\n",
	  "", 0 },
	{ HOOK_GEMINI, HOOK_KIND_PRE_TOOL, "BeforeTool",
	  "{\"decision\":\"deny\",\"reason\":\"A\",\"systemMessage\":\"U\"}\n", "", 0 },
	{ HOOK_HERMES, HOOK_KIND_PRE_TOOL, "pre_tool_call",
	  "{\"action\":\"block\",\"message\":\"U\"}\n", "", 0 },
	{ HOOK_COPILOT, HOOK_KIND_PRE_TOOL, "preToolUse",
	  "{\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"A\"}\n", "", 0 },
	{ HOOK_COPILOT, HOOK_KIND_PERMISSION, "permissionRequest",
	  "{\"behavior\":\"deny\",\"message\":\"U\"}\n", "", 0 },
	{ HOOK_COPILOT, HOOK_KIND_PROMPT, "userPromptSubmitted",
	  "{\"decision\":\"block\",\"reason\":\"U\"}\n", "", 0 },
	{ HOOK_WINDSURF, HOOK_KIND_PRE_TOOL, "pre_mcp_tool_use", "", "U\n\nA\n", 2 },
};

int
main(void)
{
	struct reply r = REPLY_INIT;
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(allows) / sizeof(allows[0]); i++) {
		reply_allow(allows[i].c, allows[i].k, &r);
		is_str(r.out.data, allows[i].out, "allow %s %s: stdout", hook_client_id(allows[i].c),
		       hook_kind_name(allows[i].k));
		ok(r.err.len == 0 && r.exit_code == 0, "allow %s: no stderr, exit 0",
		   hook_client_id(allows[i].c));
	}
	for (i = 0; i < sizeof(denies) / sizeof(denies[0]); i++) {
		reply_deny(denies[i].c, denies[i].k, denies[i].event, "U", "A", &r);
		is_str(r.out.data, denies[i].out, "deny %s %s: stdout", hook_client_id(denies[i].c),
		       hook_kind_name(denies[i].k));
		is_str(r.err.data, denies[i].err, "deny %s: stderr", hook_client_id(denies[i].c));
		is_int(r.exit_code, denies[i].code, "deny %s: exit", hook_client_id(denies[i].c));
	}
	/* Windsurf: one message when both are equal. */
	reply_deny(HOOK_WINDSURF, HOOK_KIND_PRE_TOOL, NULL, "same", "same", &r);
	is_str(r.err.data, "same\n", "windsurf: equal messages printed once");
	/* Codex never gets an empty reason; JSON escaping holds. */
	reply_deny(HOOK_CODEX, HOOK_KIND_PRE_TOOL, "PreToolUse", "", "", &r);
	ok(strstr(r.out.data, "\"permissionDecisionReason\":\"Blocked by organization security policy\"")
	   != NULL, "codex: empty reason replaced");
	reply_deny(HOOK_CLAUDE_CODE, HOOK_KIND_PRE_TOOL, "PreToolUse", "u", "quote \" nl \n tab \t", &r);
	ok(strstr(r.out.data, "quote \\\" nl \\n tab \\t") != NULL, "claude: reason escaped");
	ok(strchr(r.out.data, '\n') == r.out.data + r.out.len - 1, "claude: one line of JSON");
	/* A deny then an allow leaves nothing behind. */
	reply_allow(HOOK_WINDSURF, HOOK_KIND_PRE_TOOL, &r);
	ok(r.out.len == 0 && r.err.len == 0 && r.exit_code == 0, "allow after deny is clean");

	{
		struct reply_msg m = { "MCP Execution Policy", "mcp__x__y", "x", NULL, "shadow",
				       "Ask your administrator.\nOr use the managed server." };

		reply_agent_message(&m, &b);
		ok(strncmp(b.data, "# Security Violation Detected\n", 30) == 0, "agent message heading");
		ok(strstr(b.data, "- **Violation type:** MCP Execution Policy\n") != NULL, "violation type");
		ok(strstr(b.data, "- **Tool:** mcp__x__y\n") != NULL, "tool");
		ok(strstr(b.data, "- **MCP Server:** x\n") != NULL, "server");
		ok(strstr(b.data, "**File:**") == NULL, "no file line without a file");
		ok(strstr(b.data, "- **Reason:** shadow\n") != NULL, "reason");
		ok(strstr(b.data, "Do not claim this is a false positive") != NULL, "instructions to agents");
		ok(strstr(b.data, "## What to do\n- Ask your administrator.\n- Or use the managed server.\n")
		   != NULL, "one bullet per remedy line");
		buf_clear(&b);
		m.remedy = NULL;
		m.file = "/p/.env";
		reply_agent_message(&m, &b);
		ok(strstr(b.data, "- **File:** /p/.env\n") != NULL, "file line");
		ok(strstr(b.data, "- Contact your administrator.\n") != NULL, "default remedy");
	}
	buf_release(&b);
	reply_release(&r);
	return tap_done();
}
