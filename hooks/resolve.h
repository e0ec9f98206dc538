/* Which MCP server a tool call goes to: from the payload where the client
 * says it, else by the client's own lookup order over its configs and
 * plugins, with the client's server-name sanitisation (contract §7.5). */
#ifndef HOOKS_RESOLVE_H
#define HOOKS_RESOLVE_H

#include <cjson/cJSON.h>

#include "discover/model.h"
#include "hooks/runtime.h"
#include "util/err.h"

struct resolve_ctx {
	enum hook_client client;
	const char *home;	/* the user's home, no trailing '/' */
	const char *root;	/* prefix for system paths ("" = /) */
	const char *cwd;	/* the session's directory (payload cwd) */
	int live;		/* honour CLAUDE_CONFIG_DIR, CODEX_HOME, … from the environment */
	const char *cache_dir;	/* slim copies of large configs (NULL: none) */
};

/* What the payload says about the call. */
struct resolve_query {
	const char *tool_name;		/* as sent, may be NULL (Windsurf) */
	const char *server_name;	/* when the payload names the server */
	const char *url;		/* when the payload gives the URL (Cursor, Gemini) */
	const char *command;		/* when it gives the command (Cursor: whole line) */
	const cJSON *args;		/* Gemini mcp_context.args */
	const cJSON *workspace_roots;	/* Cursor */
	const char *profile;		/* Hermes */
};

struct resolve_result {
	int found;		/* defined in a config or plugin the client reads */
	char *name;		/* server name (configured; else derived from the tool name) */
	char *tool;		/* the tool part of the tool name, when it splits */
	/* The source as the client uses it, variables expanded, unredacted:
	 * for the decision only, never recorded. */
	char *url;
	char *command;
	cJSON *args;
	/* The configured server: normalised, hashed and redacted (extract_server),
	 * or built from the payload when not found. */
	struct mcp_server server;
	int has_server;
	char *config_path;	/* the file it came from, or NULL */
	const char *scope;	/* "managed", "local", "project", "user", "plugin", "payload" */
	char *plugin;		/* plugin identifier when scope is plugin */
	unsigned files_read;	/* config files parsed (for tests and benchmarks) */
};

void resolve_result_release(struct resolve_result *r);

/*
 * Is this tool name an MCP tool of client c by name alone? Claude Code and
 * Codex "mcp__…", Gemini CLI and Hermes "mcp_…", Cursor "MCP:…" (and
 * "mcp__…" in the Claude Code hooks it runs). Copilot
 * CLI and Windsurf name servers otherwise (0 here).
 */
int resolve_is_mcp_tool(enum hook_client c, const char *tool_name);

/*
 * Server-name sanitisation as each client applies it before building tool
 * names (clients.md §5.8): Claude Code [^A-Za-z0-9_-] → '_'; Codex
 * [^A-Za-z0-9_] → '_'; Gemini CLI [^A-Za-z0-9_.:-] → '_' and, over 63
 * characters, the first 30 + "..." + the last 30; Hermes [^A-Za-z0-9] →
 * '_'; others unchanged. New string.
 */
char *resolve_sanitise(enum hook_client c, const char *name);

/* Contract §7.6: lowercase, alphanumerics only. New string. */
char *resolve_normalise(const char *name);

/*
 * Resolve q for ctx into out (zeroed by the caller). Only the files in the
 * client's lookup order are read, nearest scope first, and plugins only
 * when no config matches. A server that cannot be found leaves
 * out->found 0 with the name derived from the tool name (and the payload's
 * url/command when it gave one). Unreadable or broken config files are
 * skipped, never fatal. Returns 0, or -ERR_INVALID when the query names no
 * server at all (no tool name, server name, url or command).
 */
int resolve_server(const struct resolve_ctx *ctx, const struct resolve_query *q,
		   struct resolve_result *out, struct err *e);

/* ---- parse cache -------------------------------------------------------------
 * A heavy Claude Code user's ~/.claude.json holds megabytes of history; a
 * hook needs only its servers. Files of RESOLVE_CACHE_MIN bytes or more are
 * parsed once and their server parts kept in cache_dir, keyed by the path
 * and checked against the file's device, inode, size, mtime and ctime. */

#define RESOLVE_CACHE_MIN	(128u * 1024)

/* The default cache directory: <state dir>/cache/hook. New string or NULL. */
char *resolve_cache_dir(void);

/*
 * Parse path (format from its name), through the cache when cache_dir is
 * set and the file is large. The tree returned (caller frees) holds at
 * least the server containers and projects[*].{mcpServers,trust_level}.
 * NULL when the file is absent, not a regular file or broken. *parsed
 * (optional) is incremented when the file itself was parsed.
 */
cJSON *resolve_load_config(const char *path, const char *cache_dir, unsigned *parsed);

#endif
