/* What a scan finds: configurations (one config file, or one section of it)
 * holding normalised MCP servers, already redacted. */
#ifndef DISCOVER_MODEL_H
#define DISCOVER_MODEL_H

#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

enum approval {
	APPROVAL_NONE = 0,	/* the client has no approval step for this server */
	APPROVAL_APPROVED,
	APPROVAL_PENDING,	/* waits for the user to approve it in the client */
	APPROVAL_REJECTED,
};

struct mcp_server {
	char *name;
	char *type;		/* parsed transport, feeds config_hash (contract §3.4) */
	char *wire_type;	/* stdio|sse|http|streaming-http as sent */
	char *command;		/* NULL when absent */
	cJSON *args;		/* array (redacted) or NULL */
	char *url;		/* redacted; NULL when absent */
	cJSON *env;		/* object name → redacted value, or NULL */
	cJSON *headers;		/* object name → redacted value, or NULL */
	int disabled;
	enum approval approval;
	char config_hash[65];
};

enum config_scope { SCOPE_GLOBAL, SCOPE_PROJECT, SCOPE_PLUGIN };

/* Where a project config comes from in git (libgit2), so an auditor can
 * tell a file committed to a shared repository from a local one. */
struct git_info {
	char *repo_root;	/* work tree root */
	char *remote_url;	/* origin, credentials stripped; NULL when none */
	char *branch;		/* NULL when detached */
	char *commit;		/* HEAD commit id (hex); NULL in an empty repository */
	char *status;		/* "tracked", "modified", "untracked" or "ignored" */
};

struct mcp_config {
	char *client;		/* catalog id */
	char *config_path;
	struct timespec mtime;
	enum config_scope scope;
	char *project_path;	/* project root, project scope only */
	char *plugin_identifier;	/* plugin scope only */
	int managed;		/* a managed/system file */
	char *trust;		/* "trusted", "untrusted" or NULL when not applicable */
	struct git_info *git;	/* project configs inside a git work tree, else NULL */
	struct mcp_server *servers;
	size_t n_servers;
};

/* A file that could not be read or parsed; the scan goes on. */
struct scan_issue {
	char *client;
	char *path;
	unsigned long line, col;
	char *message;
	int is_error;		/* parse error (counted) vs a skipped file */
};

struct scan_result {
	struct mcp_config *configs;
	size_t n_configs, cap_configs;
	struct scan_issue *issues;
	size_t n_issues, cap_issues;
	/* crawl statistics */
	unsigned long dirs_visited, files_seen, skipped_permission, skipped_symlink,
		skipped_excluded;
	int crawl_timed_out, crawl_truncated;
	long long duration_ms;
};

void mcp_server_release(struct mcp_server *s);
void git_info_free(struct git_info *g);
void mcp_config_release(struct mcp_config *c);
void scan_result_release(struct scan_result *r);
/* Append a config (contents moved in; *c is cleared). */
void scan_result_add_config(struct scan_result *r, struct mcp_config *c);
void scan_result_add_issue(struct scan_result *r, const char *client, const char *path,
			   unsigned long line, unsigned long col, const char *msg, int is_error);
const char *config_scope_name(enum config_scope s);
const char *approval_name(enum approval a);
/* Servers over all configs; global and project config counts. */
void scan_result_counts(const struct scan_result *r, size_t *servers, size_t *configs,
			size_t *global, size_t *project, size_t *plugin);

#endif
