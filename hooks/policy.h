/* Enforcement rules (~/.runlayer/rules.json): the model, loading and atomic
 * saving, and the local allow/deny decision for one MCP server source. */
#ifndef HOOKS_POLICY_H
#define HOOKS_POLICY_H

#include <cjson/cJSON.h>

#include "net/uri.h"
#include "util/buf.h"
#include "util/err.h"

#define POLICY_VERSION		1
#define POLICY_FILE_NAME	"rules.json"
#define POLICY_MAX_BYTES	(8u * 1024 * 1024)

enum policy_mode {
	POLICY_MONITOR = 0,	/* never blocks; records */
	POLICY_PROTECT,		/* blocks on a deny rule; internal errors let calls through */
	POLICY_ENFORCE,		/* any error denies */
};

/* "monitor", "protect", "enforce". */
const char *policy_mode_name(enum policy_mode m);
/* Trimmed, any case; 0 or -1 for anything else. */
int policy_mode_parse(const char *s, enum policy_mode *out);

/* A base URL: the managed Runlayer hosts and the allowlist. */
struct policy_url {
	char *text;		/* canonical text (uri_format) */
	struct uri uri;
	char *source;		/* "rules", "config", "managed", "environment" */
};

/* A server definition approved or denied by its config_hash. */
struct policy_hash {
	char *config_hash;	/* 64 lowercase hex digits */
	char *name;		/* server name when known, else NULL */
	char *client;		/* client id when known, else NULL */
	char *source;		/* "baseline" or "admin" */
	char *at;		/* UTC time of the decision */
};

struct policy {
	int exists;		/* loaded from a file (else the built-in default) */
	char *path;		/* where it was loaded from / will be saved */
	enum policy_mode mode;
	char *generated_at;	/* NULL when never generated */
	char *baseline_at;	/* time of the last --baseline, or NULL */
	struct policy_url *hosts;
	size_t n_hosts;
	struct policy_url *allow;
	size_t n_allow;
	struct policy_hash *approved;
	size_t n_approved;
	struct policy_hash *denied;
	size_t n_denied;
};

/*
 * The rules when no file exists: no hosts, no allowlist, no approvals,
 * mode enforce (contract §7.3: `runlayer hook` defaults to enforce). Only
 * managed stdio servers (`runlayer run <uuid>` without --host) pass.
 */
void policy_init(struct policy *p);
void policy_release(struct policy *p);

/*
 * The rules file path: <state dir>/rules.json (util/state.h: $RUNLAYER_HOME
 * when absolute, else ~/.runlayer). New string, or NULL with e filled.
 */
char *policy_default_path(struct err *e);

/*
 * Load path into p (policy_init() first; p->path is set either way). A
 * missing file is not an error: p stays the default and p->exists is 0.
 * A file that is not a regular file, larger than POLICY_MAX_BYTES, not
 * valid JSON, of a newer version, or holding a malformed entry is refused
 * with -ERR_* and e filled (line:col for JSON errors): callers must treat
 * that as an internal error, never as "no rules".
 */
int policy_load(struct policy *p, const char *path, struct err *e);

/* The rules as JSON (versioned; see docs). New tree. */
cJSON *policy_to_json(const struct policy *p);

/*
 * Write p to p->path atomically (temporary file, fsync, rename), mode
 * 0600, creating the directory 0700. Sets generated_at when NULL.
 */
int policy_save(struct policy *p, struct err *e);

/* ---- edits: 1 when something changed, 0 when already so, -ERR_* ---- */

/* Add a base URL to the allowlist (parsed with uri_parse_base()). */
int policy_allow_url(struct policy *p, const char *url, const char *source, struct err *e);
int policy_remove_url(struct policy *p, const char *url, struct err *e);
/* Add a managed Runlayer host (base URL). */
int policy_add_host(struct policy *p, const char *url, const char *source, struct err *e);
/*
 * Approve (deny = 0) or deny (deny = 1) a config_hash: 64 hex digits, any
 * case (stored lowercase). Moves it out of the other list. name, client
 * may be NULL; source is "admin" or "baseline".
 */
int policy_set_hash(struct policy *p, const char *hash, int deny, const char *name,
		    const char *client, const char *source, struct err *e);
/* Remove every approval whose source is "baseline"; returns how many. */
size_t policy_drop_baseline(struct policy *p);

/* Remove hash from both lists; 1 when it was in one, 0 when in neither. */
int policy_forget_hash(struct policy *p, const char *hash, struct err *e);

/* ---- generation ---------------------------------------------------------- */

struct policy_sources {
	const char *state_dir;	/* holds config.yaml; NULL = util/state.h state_dir() */
	const char *root;	/* system root for the managed configuration (NULL = /) */
	const char *home;	/* the user's home (Windows hives); may be NULL */
};

/*
 * Add what the configuration says is managed: the Runlayer hosts of
 * config.yaml (default_host and every hosts[*].url, source "config"),
 * $RUNLAYER_HOST ("environment") and the managed Host ("managed"); and the
 * managed allowlist, key McpAllowlist (URLs separated by commas or blanks;
 * source "managed"). Hosts and URLs from these sources that p already
 * holds are dropped first, so a regenerated file follows the
 * configuration. Missing or broken sources are skipped with a line in
 * warn (may be NULL). Returns the number of entries added.
 */
size_t policy_add_configured(struct policy *p, const struct policy_sources *src,
			     struct buf *warn);

/* One server of the inventory, for the baseline. */
struct policy_server {
	const char *config_hash;
	const char *name;
	const char *client;
};

/*
 * Approve every server in v (source "baseline") and set baseline_at to now.
 * Returns the number of hashes newly approved.
 */
size_t policy_baseline(struct policy *p, const struct policy_server *v, size_t n);

/* ---- decisions ---------------------------------------------------------- */

/* What the hook knows about the server a call goes to. */
struct policy_subject {
	const char *name;		/* server name, NULL when unknown */
	const char *url;		/* remote server URL as the client uses it, or NULL */
	const char *command;		/* stdio command, or NULL */
	const cJSON *args;		/* its arguments (array of strings), or NULL */
	const char *config_hash;	/* of the configured definition, NULL when unknown */
	int found;			/* defined in a config the client reads */
};

enum policy_rule {
	RULE_DENIED = 0,	/* deny: an admin denied this config_hash */
	RULE_MANAGED_PROXY,	/* allow: a proxy URL of a managed Runlayer host */
	RULE_MANAGED_STDIO,	/* allow: `runlayer run <uuid>` in a known launch form */
	RULE_ALLOWLIST,		/* allow: under an allowlisted base URL */
	RULE_APPROVED,		/* allow: config_hash approved (admin or baseline) */
	RULE_BAD_URL,		/* deny: the URL does not parse strictly */
	RULE_SHADOW,		/* deny: the server is in none of the client's configs */
	RULE_UNMANAGED,		/* deny: configured, but no rule allows it */
};

/* Stable snake_case name of a rule ("managed_proxy", …). */
const char *policy_rule_name(enum policy_rule r);

struct policy_decision {
	int allow;
	enum policy_rule rule;
	char detail[600];	/* the entry that matched, or why nothing did */
};

/*
 * Decide for s, first match wins: an admin deny by config_hash; a managed
 * proxy URL (<host>/api/v1/proxy/…); an allowlisted URL; a managed stdio
 * command; an approved config_hash; else deny as shadow (not found) or
 * unmanaged. A URL that does not parse is never allowed by URL rules.
 */
void policy_decide(const struct policy *p, const struct policy_subject *s,
		   struct policy_decision *d);

/*
 * 1 when command + args launch `runlayer run <uuid>` in a known form:
 * runlayer|runlayer.exe (any directory), `uvx [opts] runlayer[@v|==v]`,
 * `uvx --from runlayer[…] runlayer`, `uv tool run …`, `pipx run [--spec
 * runlayer[…]] runlayer`; uvx/uv/pipx options other than --python/-p,
 * --quiet/-q, --no-cache, --refresh, --offline, --isolated and --from/--spec
 * naming the runlayer package are refused (another index or extra packages
 * could replace the code). A --host/-H after the UUID must be one of p's
 * hosts. Without args, command is split at spaces (quotes honoured).
 * detail (may be NULL) receives the reason when 0.
 */
int policy_managed_stdio(const struct policy *p, const char *command, const cJSON *args,
			 char *detail, size_t detail_len);

/* ---- local file policy (contract §7.9, enforce mode) --------------------- */

enum policy_file {
	POLICY_FILE_OK = 0,
	POLICY_FILE_ENV,		/* .env, .envrc, .env.*, *.env */
	POLICY_FILE_MCP_CONFIG,		/* mcp.json, .mcp.json, mcp_config.json, … */
	POLICY_FILE_CLAUDE_SETTINGS,	/* settings.json under /.claude/ */
};

/* Classify one path by its lowercased basename (backslashes count as '/'). */
enum policy_file policy_file_class(const char *path);

/* "Blocked by organization policy: access to … is restricted". */
const char *policy_file_message(enum policy_file c);

/*
 * Check every word of a shell command line: split at | ; & < > newline,
 * backtick, "$(" and ")", and blanks; words starting with '-' or a digit
 * skipped; quotes stripped. Returns the class of the first blocked word
 * (copied into word, truncated to wn) or POLICY_FILE_OK.
 */
enum policy_file policy_shell_check(const char *cmdline, char *word, size_t wn);

/*
 * A few lines for `setup hooks --install` and `policy show`: where the
 * rules are, the mode, what is allowed, and how to approve today's
 * servers (baseline). Appended to out.
 */
void policy_describe(const struct policy *p, struct buf *out);

/*
 * policy_describe() of the rules in force for this user: the default rules
 * file (or the built-in default plus the configured hosts when there is
 * none). For `setup hooks --install`. A broken rules file is reported in
 * out ("the rules file cannot be used: …; hooks deny MCP calls until it is
 * fixed") and returns -ERR_*; 0 otherwise. monitor: the hooks run with
 * --no-enforcement, so whatever the rules' mode, nothing is blocked.
 */
int policy_describe_current(int monitor, struct buf *out, struct err *e);

#endif
