/* Per-client hook replies: allow shapes that leave the client's own prompts
 * alone, deny shapes that block, and the agent-facing deny message. */
#include "hooks/reply.h"

#include <string.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "util/xalloc.h"
#include "util/banned.h"

void
reply_release(struct reply *r)
{
	buf_release(&r->out);
	buf_release(&r->err);
	r->exit_code = 0;
}

static void
put_json(struct reply *r, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	buf_adds(&r->out, s);
	buf_addc(&r->out, '\n');
	free(s);
	cJSON_Delete(o);
}

static int
cursor_permission_event(enum hook_kind k)
{
	return k == HOOK_KIND_PRE_TOOL || k == HOOK_KIND_PERMISSION || k == HOOK_KIND_SHELL ||
	       k == HOOK_KIND_READ;
}

void
reply_allow(enum hook_client c, enum hook_kind k, struct reply *r)
{
	buf_clear(&r->out);
	buf_clear(&r->err);
	r->exit_code = 0;
	switch (c) {
	case HOOK_CURSOR:
		buf_adds(&r->out, cursor_permission_event(k) ? "{\"permission\":\"allow\"}\n" : "{}\n");
		break;
	case HOOK_HERMES:
		if (k == HOOK_KIND_PRE_TOOL)
			buf_adds(&r->out, "{}\n");
		break;
	default:
		break;
	}
}

/* {"hookSpecificOutput":{"hookEventName":E,...}} */
static cJSON *
specific(cJSON **inner, const char *event)
{
	cJSON *o = cJSON_CreateObject();

	*inner = cJSON_AddObjectToObject(o, "hookSpecificOutput");
	cJSON_AddStringToObject(*inner, "hookEventName", event);
	return o;
}

void
reply_deny(enum hook_client c, enum hook_kind k, const char *event, const char *user,
	   const char *agent, struct reply *r)
{
	cJSON *o, *in, *d;

	buf_clear(&r->out);
	buf_clear(&r->err);
	r->exit_code = 0;
	if (user == NULL || *user == '\0')
		user = "Blocked by organization security policy";
	if (agent == NULL || *agent == '\0')
		agent = user;
	switch (c) {
	case HOOK_CLAUDE_CODE:
	case HOOK_CODEX:
		if (k == HOOK_KIND_PERMISSION) {
			o = specific(&in, "PermissionRequest");
			d = cJSON_AddObjectToObject(in, "decision");
			cJSON_AddStringToObject(d, "behavior", "deny");
			cJSON_AddStringToObject(d, "message", c == HOOK_CODEX ? user : agent);
		} else if (c == HOOK_CODEX && k != HOOK_KIND_PRE_TOOL) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "decision", "block");
			cJSON_AddStringToObject(o, "reason", user);
		} else {
			o = specific(&in, event && *event ? event : "PreToolUse");
			cJSON_AddStringToObject(in, "permissionDecision", "deny");
			/* Codex needs a non-empty reason and shows it as is. */
			cJSON_AddStringToObject(in, "permissionDecisionReason",
						c == HOOK_CODEX ? user : agent);
		}
		put_json(r, o);
		break;
	case HOOK_CURSOR:
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "permission", "deny");
		cJSON_AddTrueToObject(o, "continue");
		cJSON_AddStringToObject(o, "user_message", user);
		cJSON_AddStringToObject(o, "agent_message", agent);
		put_json(r, o);
		break;
	case HOOK_GEMINI:
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "decision", "deny");
		cJSON_AddStringToObject(o, "reason", agent);
		cJSON_AddStringToObject(o, "systemMessage", user);
		put_json(r, o);
		break;
	case HOOK_HERMES:
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "action", "block");
		cJSON_AddStringToObject(o, "message", user);
		put_json(r, o);
		break;
	case HOOK_COPILOT:
		o = cJSON_CreateObject();
		if (k == HOOK_KIND_PRE_TOOL) {
			cJSON_AddStringToObject(o, "permissionDecision", "deny");
			cJSON_AddStringToObject(o, "permissionDecisionReason", agent);
		} else if (k == HOOK_KIND_PERMISSION) {
			cJSON_AddStringToObject(o, "behavior", "deny");
			cJSON_AddStringToObject(o, "message", user);
		} else {
			cJSON_AddStringToObject(o, "decision", "block");
			cJSON_AddStringToObject(o, "reason", user);
		}
		put_json(r, o);
		break;
	case HOOK_WINDSURF:
	default:
		/* Exit 2 blocks; the message goes to stderr (shown with show_output). */
		buf_adds(&r->err, user);
		if (strcmp(user, agent) != 0) {
			buf_adds(&r->err, "\n\n");
			buf_adds(&r->err, agent);
		}
		buf_addc(&r->err, '\n');
		r->exit_code = 2;
		break;
	}
}

void
reply_agent_message(const struct reply_msg *m, struct buf *out)
{
	const char *p;

	buf_adds(out, "# Security Violation Detected\n\n");
	buf_adds(out, "This operation was blocked by a security policy that your organization "
		      "enforces with Runlayer.\n\n");
	buf_adds(out, "## What happened\n");
	buf_addf(out, "- **Violation type:** %s\n", m->violation ? m->violation : "MCP Execution Policy");
	if (m->tool)
		buf_addf(out, "- **Tool:** %s\n", m->tool);
	if (m->server)
		buf_addf(out, "- **MCP Server:** %s\n", m->server);
	if (m->file)
		buf_addf(out, "- **File:** %s\n", m->file);
	buf_addf(out, "- **Reason:** %s\n\n", m->reason ? m->reason : "blocked by policy");
	buf_adds(out, "## Instructions for AI agents\n");
	buf_adds(out, "- Tell the user that this action was blocked by their organization's "
		      "security policy, and why.\n");
	buf_adds(out, "- Do not claim this is a false positive. Do not suggest bypassing the policy, "
		      "editing settings, hooks or configuration files, retrying, or any workaround.\n\n");
	buf_adds(out, "## What to do\n");
	if (m->remedy == NULL) {
		buf_adds(out, "- Contact your administrator.\n");
		return;
	}
	/* One bullet per line of remedy. */
	for (p = m->remedy; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n)
			buf_addf(out, "- %.*s\n", (int)n, p);
		p += n + (nl != NULL);
	}
}
