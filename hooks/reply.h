/* Hook replies in each client's exact protocol (contract §7.7, clients.md
 * §5): the stdout bytes, the stderr bytes and the exit status. */
#ifndef HOOKS_REPLY_H
#define HOOKS_REPLY_H

#include "hooks/runtime.h"
#include "util/buf.h"

struct reply {
	struct buf out;		/* bytes for stdout (may be empty) */
	struct buf err;		/* bytes for stderr (Windsurf; empty otherwise) */
	int exit_code;
};

#define REPLY_INIT { BUF_INIT, BUF_INIT, 0 }

void reply_release(struct reply *r);

/*
 * The reply that lets the call through without changing the client's own
 * prompting: nothing for Claude Code, Codex, Gemini CLI, Copilot CLI and
 * Windsurf; {"permission":"allow"} for Cursor's permission events and {}
 * for its other events; {} for Hermes' pre_tool_call. Exit 0.
 */
void reply_allow(enum hook_client c, enum hook_kind k, struct reply *r);

/*
 * The reply that blocks: user is the short user-facing message (U), agent
 * the agent-facing one (A, reply_agent_message()). event is the event name
 * as sent (Claude's hookEventName must echo it). Claude Code: JSON deny
 * (PermissionRequest: decision.behavior); Codex: the same with reason U
 * (never empty), decision:block for other events; Cursor: permission deny
 * with user_message/agent_message; Gemini CLI: decision deny; Hermes:
 * action block; Copilot CLI: permissionDecision deny; Windsurf: exit 2
 * with U, a blank line and A on stderr. Exit 0 except Windsurf.
 */
void reply_deny(enum hook_client c, enum hook_kind k, const char *event, const char *user,
		const char *agent, struct reply *r);

/* The parts of the agent-facing deny message (contract §7.8). */
struct reply_msg {
	const char *violation;	/* "MCP Execution Policy", "File Access Policy", … */
	const char *tool;	/* or NULL */
	const char *server;	/* or NULL */
	const char *file;	/* or NULL */
	const char *reason;
	const char *remedy;	/* "What to do" text, one item per line */
};

/* Markdown: heading, what happened, instructions to agents, what to do. */
void reply_agent_message(const struct reply_msg *m, struct buf *out);

#endif
