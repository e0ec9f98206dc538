/* The client catalog: every supported AI client as data (ids, per-OS config
 * paths, project file patterns, where servers live and which dialect of the
 * common server shape it writes). Adding a client is adding a row. */
#ifndef DISCOVER_CATALOG_H
#define DISCOVER_CATALOG_H

#include <stddef.h>

enum cat_os {
	CAT_LINUX = 1,
	CAT_DARWIN = 2,
	CAT_WINDOWS = 4,
	CAT_POSIX = CAT_LINUX | CAT_DARWIN,
	CAT_ALL = CAT_LINUX | CAT_DARWIN | CAT_WINDOWS,
};

enum cat_path_flags {
	CAT_MANAGED = 1,	/* a managed/system (MDM) file, not the user's own */
	CAT_SYSTEM = 2,		/* under --root (/etc, /Library, ProgramData) */
};

/*
 * A path template. Placeholders:
 *   ~            the home directory
 *   {AS}         macOS ~/Library/Application Support, Windows ~/AppData/Roaming,
 *                Linux $XDG_CONFIG_HOME or ~/.config
 *   {XDG}        $XDG_CONFIG_HOME or ~/.config on every OS (opencode, Goose, …)
 *   {APPDATA}    ~/AppData/Roaming      {LOCALAPPDATA}  ~/AppData/Local
 *   {PROGRAMDATA} <root>/ProgramData    {PROGRAMFILES}  <root>/Program Files
 *   {VSU}        the User dir of every VS Code fork, one expansion each
 *   {env:NAME|fallback}   $NAME when set (live scans), else the fallback template
 *   /…           an absolute system path, looked up under --root
 * A '*' in a component matches any name (one level, no hidden names).
 */
struct cat_path {
	unsigned os;		/* enum cat_os */
	const char *tmpl;
	unsigned flags;		/* enum cat_path_flags */
};

/*
 * Dialect flags: how a client's server entries differ from the common
 * `{command, args, env, url, headers, type}` shape. Field aliases that do not
 * collide between clients (serverUrl, httpUrl, uri, cmd, envs, environment,
 * transport) are accepted for every client.
 */
enum cat_dialect {
	DIA_CLAUDE_PROJECTS = 1 << 0,	/* ~/.claude.json projects.<path>.mcpServers */
	DIA_SPLIT_COMMAND = 1 << 1,	/* "npx -y pkg" in command with no args: split */
	DIA_CODEX = 1 << 2,		/* env_vars, env_http_headers, bearer_token_env_var; url → streamable-http */
	DIA_GOOSE = 1 << 3,		/* skip builtin/platform/frontend/inline_python */
	DIA_OPENCODE = 1 << 4,		/* command array, local/remote types */
	DIA_ZED = 1 << 5,		/* legacy {command:{path,args,env}}, extension {settings} entries */
	DIA_STDIO_ONLY = 1 << 6,	/* Claude Desktop: url entries are not loaded */
	DIA_CODEX_PROJECTS = 1 << 7,	/* [projects."<abs>"] lists projects */
	DIA_VSCODE_WORKSPACES = 1 << 8,	/* <VSU>/workspaceStorage lists projects */
	DIA_GEMINI_TRUST = 1 << 9,	/* trustedFolders.json lists projects */
	DIA_CLAUDE_DESKTOP_EXT = 1 << 10,
};

/* Where servers live inside a parsed file. "a/b" is a nested path, a key
 * containing '.' is looked up literally ("amp.mcpServers"), and a leading '@'
 * marks a list of objects carrying a "name" instead of a name → object map.
 * The first container present in a file wins. */
#define CAT_MAX_CONTAINERS 4

struct client_def {
	const char *id;		/* payload "client" value */
	const char *label;	/* human name */
	const struct cat_path *globals;		/* terminated by { 0, NULL, 0 } */
	const char *const *projects;		/* project file patterns, NULL-terminated */
	const char *containers[CAT_MAX_CONTAINERS];
	unsigned dialect;
	const char *shares;	/* reads another client's files (reported there) */
	const char *notes;	/* one line for docs and --help */
};

extern const struct client_def catalog[];
extern const size_t catalog_len;

const struct client_def *catalog_find(const char *id);

/* VS Code forks whose User directory {VSU} expands to (names under {AS}). */
extern const char *const catalog_vscode_forks[];
/* Extra User directories relative to home (remote servers, snap, flatpak). */
extern const char *const catalog_vscode_user_dirs[];
/* Directories never entered by the project crawl (contract §5 plus
 * cloud-placeholder trees). */
extern const char *const catalog_crawl_excludes[];

#endif
