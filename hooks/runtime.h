/* The hook runtime: one client event in on stdin, one decision out in that
 * client's protocol, recorded locally; within a deadline, without network. */
#ifndef HOOKS_RUNTIME_H
#define HOOKS_RUNTIME_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "hooks/install.h"
#include "hooks/policy.h"
#include "util/err.h"

/* The clients are the installer's (hooks/install.h); HOOK_CLIENT_NONE marks
 * "not given / not known". */
#define HOOK_CLIENT_NONE HOOK_N_CLIENTS

/* Catalog id ("claude_code", "codex", "cursor", "gemini_cli", "hermes",
 * "github_copilot_cli", "windsurf"), or "unknown". Store events and the
 * backend use these ids. */
const char *hook_client_id(enum hook_client c);
/* Human label ("Claude Code", …). */
const char *hook_client_label(enum hook_client c);
/* Accepts the ids above and the contract's and installer's spellings
 * (claude-code, gemini-cli, github-copilot-cli, copilot, gemini, …);
 * HOOK_CLIENT_NONE otherwise. */
enum hook_client hook_client_parse(const char *s);

enum hook_kind {
	HOOK_KIND_NONE = 0,	/* no event name: nothing to do */
	HOOK_KIND_PRE_TOOL,	/* before a tool call (MCP or not); can block */
	HOOK_KIND_PERMISSION,	/* a permission request for a tool; can block */
	HOOK_KIND_SHELL,	/* before a shell command (Cursor, Windsurf); can block */
	HOOK_KIND_READ,		/* before a file read (Cursor, Windsurf); can block */
	HOOK_KIND_POST_TOOL,	/* a tool's output */
	HOOK_KIND_TOOL_FAILURE,	/* a tool failed */
	HOOK_KIND_PROMPT,	/* the user's prompt */
	HOOK_KIND_RESPONSE,	/* the agent's reply (Stop, AfterAgent, …) */
	HOOK_KIND_SESSION_START,
	HOOK_KIND_SESSION_END,
	HOOK_KIND_OTHER,	/* observational: notifications, compaction, … */
};

/* Stable snake_case name ("pre_tool", "prompt", …). */
const char *hook_kind_name(enum hook_kind k);

/* What a tool call does, for the file policy and the timeline. */
enum hook_tool {
	HOOK_TOOL_OTHER = 0,
	HOOK_TOOL_MCP,
	HOOK_TOOL_SHELL,
	HOOK_TOOL_READ,
};

/*
 * One parsed event. Strings point into root (or owned_input) and live as
 * long as the event; hook_event_release() frees everything.
 */
struct hook_event {
	enum hook_client client;	/* the real client (payload fingerprint first) */
	enum hook_client invoked_as;	/* --client as given */
	enum hook_kind kind;
	enum hook_tool tool;
	const char *event_name;		/* as sent */
	const char *tool_name;		/* as sent */
	const cJSON *tool_input;	/* object when known */
	const cJSON *tool_response;
	const char *session_id;
	const char *cwd;
	const char *call_id;		/* tool_use_id, generation_id, execution_id… */
	/* MCP source hints from the payload */
	const char *server_name;	/* Gemini mcp_context, Cursor, Windsurf */
	const char *url;
	const char *command;		/* Cursor: the whole line; Gemini: the program */
	const cJSON *args;		/* Gemini mcp_context.args */
	const cJSON *workspace_roots;	/* Cursor */
	const char *profile;		/* Hermes */
	/* text for the timeline and the file policy */
	const char *text;		/* prompt, reply, shell command line */
	const cJSON *paths;		/* files a read touches: array of strings (owned_paths) */
	int from_import;		/* Cursor running a Claude Code hook */
	cJSON *root;			/* the payload */
	cJSON *owned_input;		/* tool_input parsed from a JSON string */
	cJSON *owned_paths;
	cJSON *owned_text;		/* a shell command joined from an argv array */
};

void hook_event_release(struct hook_event *ev);

/*
 * Classify a parsed payload (root is moved into ev). invoked_as is the
 * --client value (HOOK_CLIENT_NONE when none); event_env is $HOOK_EVENT_NAME or
 * NULL, event_arg an explicit --event or NULL. The real client comes from
 * the payload's fingerprints (contract §5.8): cursor_version → Cursor,
 * agent_action_name → Windsurf, mcp_context → Gemini CLI; weaker ones
 * (turn_id+model → Codex, profile+extra → Hermes, toolName → Copilot)
 * only when invoked_as is HOOK_CLIENT_NONE; else invoked_as, else Claude Code.
 */
void hook_event_classify(cJSON *root, enum hook_client invoked_as, const char *event_env,
			 const char *event_arg, struct hook_event *ev);

/* ---- the whole run -------------------------------------------------------- */

#define HOOK_MAX_INPUT		(4u * 1024 * 1024)
#define HOOK_DEADLINE_MS	4000	/* the whole run; clients wait 10 s or more */
#define HOOK_READ_MS		2000	/* reading stdin */
#define HOOK_RECORD_MS		2000	/* after the reply: queue and audit records */
#define HOOK_STORE_WAIT_MS	1000	/* of which waiting for the store's lock */

struct hook_run_opts {
	enum hook_client client;	/* --client (HOOK_CLIENT_NONE: detect) */
	int mode_set;			/* --mode or --no-enforcement given */
	enum policy_mode mode;
	const char *event;		/* --event, or NULL */
	const char *rules_path;		/* NULL: policy_default_path() */
	const char *db_path;		/* NULL: store_default_path(); "" = no store */
	const char *queue_dir;		/* NULL: <state dir>/queue/hook-events; "" = none */
	const char *cache_dir;		/* NULL: <state dir>/cache/hook; "" = none */
	const char *home;		/* NULL: $HOME */
	const char *root;		/* system root for /etc lookups ("" = /) */
	const char *cwd;		/* NULL: the payload's cwd, else getcwd() */
	size_t max_input;		/* 0: HOOK_MAX_INPUT */
	long deadline_ms;		/* 0: HOOK_DEADLINE_MS */
	int in_fd, out_fd, err_fd;	/* 0, 1, 2 normally */
	int watchdog;			/* arm SIGALRM to answer at the deadline */
};

void hook_run_opts_init(struct hook_run_opts *o);

/*
 * Run one hook invocation: read the event from o->in_fd, decide, write the
 * client's reply to o->out_fd (and its message to o->err_fd where the
 * protocol wants one), record the decision and the timeline in the store
 * and queue the event for the backend. Never prints anything else.
 * Returns the process exit status the client expects.
 */
int hook_run(const struct hook_run_opts *o);

#endif
