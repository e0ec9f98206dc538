/* Server resolution for hook calls: candidates from the client's configs in
 * its own lookup order, matched by name or longest sanitised tool prefix. */
#include "hooks/resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discover/catalog.h"
#include "discover/extract.h"
#include "discover/paths.h"
#include "discover/plugins.h"
#include "net/uri.h"
#include "parsers/tree.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define RESOLVE_MAX_CANDS	20000
#define RESOLVE_MAX_DEPTH	64	/* ancestors walked for .mcp.json / .git */

/* A server definition that might be the one called. */
struct cand {
	char *name;		/* as configured ("plugin:p:s" for Claude plugins) */
	char *key;		/* tool-name prefix the client builds from it, or NULL */
	const char *scope;
	const char *path;	/* config file (owned by the resolver's path list) */
	char *plugin;
	const cJSON *entry;	/* raw entry (in a kept tree) */
	const char *plugin_root;
	int order;		/* precedence: lower wins */
	/* plugin servers come already extracted (discover/plugins) */
	const struct mcp_server *extracted;
};

struct resolver {
	const struct resolve_ctx *ctx;
	const struct resolve_query *q;
	const struct client_def *def;
	struct cand *v;
	size_t n;
	cJSON **trees;
	size_t ntrees;
	struct path_list paths;	/* owned strings the candidates point at */
	struct scan_result plugins;
	int have_plugins;
	unsigned files_read;
};

void
resolve_result_release(struct resolve_result *r)
{
	free(r->name);
	free(r->tool);
	free(r->url);
	free(r->command);
	cJSON_Delete(r->args);
	if (r->has_server)
		mcp_server_release(&r->server);
	free(r->config_path);
	free(r->plugin);
	memset(r, 0, sizeof(*r));
}

/* ---- names ---------------------------------------------------------------- */

static int
alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char *
resolve_sanitise(enum hook_client c, const char *name)
{
	char *s = xstrdup(name);
	size_t i, n;

	for (i = 0; s[i]; i++) {
		int ch = (unsigned char)s[i], keep;

		switch (c) {
		case HOOK_CLAUDE_CODE:
			keep = alnum(ch) || ch == '_' || ch == '-';
			break;
		case HOOK_CODEX:
			keep = alnum(ch) || ch == '_';
			break;
		case HOOK_GEMINI:
			keep = alnum(ch) || ch == '_' || ch == '-' || ch == '.' || ch == ':';
			break;
		case HOOK_HERMES:
			keep = alnum(ch);
			break;
		default:
			keep = 1;
			break;
		}
		if (!keep)
			s[i] = '_';
	}
	n = strlen(s);
	if (c == HOOK_GEMINI && n > 63) {
		char *t = xasprintf("%.30s...%s", s, s + n - 30);

		free(s);
		s = t;
	}
	return s;
}

char *
resolve_normalise(const char *name)
{
	char *s = xmalloc(strlen(name) + 1);
	size_t i, j = 0;

	for (i = 0; name[i]; i++) {
		int ch = (unsigned char)name[i];

		if (alnum(ch))
			s[j++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
	}
	s[j] = '\0';
	return s;
}

int
resolve_is_mcp_tool(enum hook_client c, const char *t)
{
	if (t == NULL)
		return 0;
	switch (c) {
	case HOOK_CLAUDE_CODE:
	case HOOK_CODEX:
		return strncmp(t, "mcp__", 5) == 0 && t[5] != '\0';
	case HOOK_GEMINI:
	case HOOK_HERMES:
		return strncmp(t, "mcp_", 4) == 0 && t[4] != '\0';
	case HOOK_CURSOR:
		/* its own preToolUse says MCP:<tool>; Claude Code hooks it runs
		 * may carry Claude's mcp__ names */
		return strncmp(t, "MCP:", 4) == 0 || (strncmp(t, "mcp__", 5) == 0 && t[5] != '\0');
	default:
		return 0;
	}
}

/* The prefix a client puts before the tool name for server name n. */
static char *
tool_key(enum hook_client c, const char *n)
{
	char *s, *k;

	if (c == HOOK_CLAUDE_CODE && strncmp(n, "plugin:", 7) == 0) {
		const char *colon = strchr(n + 7, ':');
		char *p, *sv;

		if (colon == NULL)
			return NULL;
		p = xstrndup(n + 7, (size_t)(colon - n - 7));
		s = resolve_sanitise(c, p);
		sv = resolve_sanitise(c, colon + 1);
		k = xasprintf("mcp__plugin_%s_%s__", s, sv);
		free(p);
		free(s);
		free(sv);
		return k;
	}
	s = resolve_sanitise(c, n);
	switch (c) {
	case HOOK_CLAUDE_CODE:
	case HOOK_CODEX:
		k = xasprintf("mcp__%s__", s);
		break;
	case HOOK_GEMINI:
	case HOOK_HERMES:
		k = xasprintf("mcp_%s_", s);
		break;
	case HOOK_COPILOT:
		k = xasprintf("%s-", s);
		break;
	default:
		k = NULL;
		break;
	}
	free(s);
	return k;
}

/* ---- candidates ----------------------------------------------------------- */

static const char *
keep_path(struct resolver *r, const char *p)
{
	path_list_add(&r->paths, xstrdup(p));
	return r->paths.v[r->paths.n - 1];
}

static void
add_cand(struct resolver *r, const char *name, const cJSON *entry, const char *scope,
	 const char *path, const char *plugin, const char *plugin_root, int order,
	 const struct mcp_server *extracted)
{
	struct cand *c;

	if (name == NULL || *name == '\0' || r->n >= RESOLVE_MAX_CANDS)
		return;
	if (r->n % 16 == 0)
		r->v = xreallocarray(r->v, r->n + 16, sizeof(*r->v));
	c = &r->v[r->n++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->key = tool_key(r->ctx->client, name);
	c->scope = scope;
	c->path = path;
	c->plugin = plugin ? xstrdup(plugin) : NULL;
	c->entry = entry;
	c->plugin_root = plugin_root;
	c->order = order;
	c->extracted = extracted;
}

/* Every server of container (map or named list). */
static void
add_container(struct resolver *r, const cJSON *container, int is_list, const char *scope,
	      const char *path, int order)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, container) {
		const char *name = e->string;

		if (is_list) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");

			name = cJSON_IsString(n) ? n->valuestring : NULL;
		}
		if (cJSON_IsObject(e))
			add_cand(r, name, e, scope, path, NULL, NULL, order, NULL);
	}
}

/* Parse path (format from its name) and keep the tree; NULL when absent or broken. */
static cJSON *
load(struct resolver *r, const char *path)
{
	cJSON *t = resolve_load_config(path, r->ctx->cache_dir, &r->files_read);

	if (t == NULL)
		return NULL;
	if (r->ntrees % 8 == 0)
		r->trees = xreallocarray(r->trees, r->ntrees + 8, sizeof(*r->trees));
	r->trees[r->ntrees++] = t;
	return t;
}

/* The servers of one config file through the client's catalog containers. */
static void
add_file(struct resolver *r, const char *path, const char *scope, int order)
{
	cJSON *t = load(r, path);
	const cJSON *c;
	int is_list = 0;

	if (t == NULL)
		return;
	c = extract_container(r->def, t, &is_list);
	if (c)
		add_container(r, c, is_list, scope, keep_path(r, path), order);
}

static const char *
live_env(const struct resolver *r, const char *name)
{
	const char *v;

	if (!r->ctx->live)
		return NULL;
	v = getenv(name);
	return v && v[0] == '/' ? v : NULL;
}

static char *
sys_path(const struct resolver *r, const char *abs)
{
	return xasprintf("%s%s", r->ctx->root ? r->ctx->root : "", abs);
}

static int
exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

static char *
parent_of(const char *p)
{
	const char *s = strrchr(p, '/');

	if (s == NULL)
		return NULL;
	if (s == p)
		return p[1] ? xstrdup("/") : NULL;
	return xstrndup(p, (size_t)(s - p));
}

/* Nearest ancestor of cwd (itself included) holding .git, or NULL. */
static char *
git_root(const char *cwd)
{
	char *dir = xstrdup(cwd);
	int depth = 0;

	while (dir && depth++ < RESOLVE_MAX_DEPTH) {
		char *g = path_join(dir, ".git"), *up;
		int hit = exists(g);

		free(g);
		if (hit)
			return dir;
		up = parent_of(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	return NULL;
}

/* For a linked worktree (.git is a file "gitdir: X"), the main checkout. */
static char *
main_checkout(const char *root)
{
	char *g = path_join(root, ".git"), *gitdir = NULL, *common = NULL, *out = NULL;
	struct buf b = BUF_INIT, c = BUF_INIT;
	struct err e = ERR_INIT;
	struct stat st;
	size_t n;

	if (lstat(g, &st) < 0 || !S_ISREG(st.st_mode) ||
	    file_read(g, 4096, 0, &b, NULL, &e) < 0 || strncmp(b.data, "gitdir: ", 8) != 0)
		goto out;
	n = strcspn(b.data + 8, "\r\n");
	gitdir = b.data[8] == '/' ? xstrndup(b.data + 8, n) : NULL;
	if (gitdir == NULL)
		goto out;
	common = path_join(gitdir, "commondir");
	if (file_read(common, 4096, 0, &c, NULL, &e) < 0)
		goto out;
	n = strcspn(c.data, "\r\n");
	{
		char *cd = c.data[0] == '/' ? xstrndup(c.data, n)
					    : xasprintf("%s/%.*s", gitdir, (int)n, c.data);
		char *real = realpath(cd, NULL);

		free(cd);
		/* <main>/.git → <main> */
		if (real && strlen(real) > 5 && strcmp(real + strlen(real) - 5, "/.git") == 0)
			out = xstrndup(real, strlen(real) - 5);
		free(real);
	}
out:
	free(g);
	free(gitdir);
	free(common);
	buf_release(&b);
	buf_release(&c);
	return out;
}

/* ---- per-client lookup orders --------------------------------------------- */

static void
claude_sources(struct resolver *r)
{
	const char *ccd = live_env(r, "CLAUDE_CONFIG_DIR");
	char *managed, *cj, *dir, *groot = NULL, *mroot = NULL;
	const char *keys[3];
	cJSON *t;
	int depth = 0, order = 10;
	size_t i, nk = 0;

	managed = sys_path(r, paths_host_os() == CAT_DARWIN
			   ? "/Library/Application Support/ClaudeCode/managed-mcp.json"
			   : "/etc/claude-code/managed-mcp.json");
	t = load(r, managed);
	if (t) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(t, "mcpServers");

		/* A valid managed file is the only source of servers. */
		if (cJSON_IsObject(c)) {
			add_container(r, c, 0, "managed", keep_path(r, managed), 0);
			free(managed);
			return;
		}
	}
	free(managed);

	cj = ccd ? path_join(ccd, ".claude.json") : path_join(r->ctx->home, ".claude.json");
	t = load(r, cj);
	if (r->ctx->cwd) {
		groot = git_root(r->ctx->cwd);
		mroot = groot ? main_checkout(groot) : NULL;
	}
	if (mroot)
		keys[nk++] = mroot;
	if (groot)
		keys[nk++] = groot;
	if (r->ctx->cwd)
		keys[nk++] = r->ctx->cwd;
	if (t) {
		const cJSON *projects = cJSON_GetObjectItemCaseSensitive(t, "projects");
		const char *kp = keep_path(r, cj);

		for (i = 0; i < nk; i++) {
			const cJSON *pe = cJSON_GetObjectItemCaseSensitive(projects, keys[i]);
			const cJSON *c = cJSON_GetObjectItemCaseSensitive(pe, "mcpServers");

			if (cJSON_IsObject(c))
				add_container(r, c, 0, "local", kp, 1);
		}
	}
	/* .mcp.json in the cwd and every ancestor, closest first. */
	dir = r->ctx->cwd ? xstrdup(r->ctx->cwd) : NULL;
	while (dir && strcmp(dir, "/") != 0 && depth++ < RESOLVE_MAX_DEPTH) {
		char *p = path_join(dir, ".mcp.json"), *up;

		add_file(r, p, "project", order++);
		free(p);
		up = parent_of(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	if (t) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(t, "mcpServers");

		if (cJSON_IsObject(c))
			add_container(r, c, 0, "user", keep_path(r, cj), 100);
	}
	free(cj);
	free(groot);
	free(mroot);
}

/* Deep merge of TOML tables (Codex layers): objects merge, the rest replaces. */
static void
merge_into(cJSON *dst, const cJSON *src)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, src) {
		cJSON *d = cJSON_GetObjectItemCaseSensitive(dst, c->string);

		if (d && cJSON_IsObject(d) && cJSON_IsObject(c)) {
			merge_into(d, c);
		} else {
			if (d)
				cJSON_DeleteItemFromObjectCaseSensitive(dst, c->string);
			cJSON_AddItemToObject(dst, c->string, cJSON_Duplicate(c, 1));
		}
	}
}

static int
codex_trusted(const cJSON *user, const char *dir)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(user, "projects"), dir);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "trust_level");

	return cJSON_IsString(t) && strcmp(t->valuestring, "trusted") == 0;
}

/* Merge one layer's mcp_servers; returns the layer's tree (or NULL). */
static const cJSON *
codex_layer(struct resolver *r, cJSON *merged, cJSON *origin, const char *path)
{
	cJSON *t = load(r, path);
	const cJSON *c, *s;

	if (t == NULL)
		return NULL;
	c = cJSON_GetObjectItemCaseSensitive(t, "mcp_servers");
	if (!cJSON_IsObject(c))
		return t;
	merge_into(merged, c);
	cJSON_ArrayForEach(s, c) {
		cJSON_DeleteItemFromObjectCaseSensitive(origin, s->string);
		cJSON_AddItemToObject(origin, s->string, cJSON_CreateString(keep_path(r, path)));
	}
	return t;
}

static void
codex_sources(struct resolver *r)
{
	const char *ch = live_env(r, "CODEX_HOME");
	char *home = ch ? xstrdup(ch) : path_join(r->ctx->home, ".codex");
	char *user_path = path_join(home, "config.toml"), *p;
	cJSON *merged = cJSON_CreateObject(), *origin = cJSON_CreateObject();
	const cJSON *c, *user;
	struct path_list dirs = { NULL, 0, 0 };
	size_t i;

	p = sys_path(r, "/etc/codex/config.toml");
	codex_layer(r, merged, origin, p);
	free(p);
	user = codex_layer(r, merged, origin, user_path);
	/* Trusted project layers, project root down to the cwd. */
	if (r->ctx->cwd) {
		char *groot = git_root(r->ctx->cwd), *dir = xstrdup(r->ctx->cwd);
		const char *stop = groot ? groot : r->ctx->cwd;
		int depth = 0;

		while (dir && depth++ < RESOLVE_MAX_DEPTH) {
			char *up;

			path_list_add(&dirs, xstrdup(dir));
			if (strcmp(dir, stop) == 0)
				break;
			up = parent_of(dir);
			free(dir);
			dir = up;
		}
		free(dir);
		for (i = dirs.n; i-- > 0;) {
			char *cdir = path_join(dirs.v[i], ".codex");

			if (strcmp(cdir, home) != 0 && (codex_trusted(user, dirs.v[i]) ||
							 (groot && codex_trusted(user, groot)))) {
				p = path_join(cdir, "config.toml");
				codex_layer(r, merged, origin, p);
				free(p);
			}
			free(cdir);
		}
		free(groot);
	}
	p = path_join(home, "managed_config.toml");
	codex_layer(r, merged, origin, p);
	free(p);
	p = sys_path(r, "/etc/codex/managed_config.toml");
	codex_layer(r, merged, origin, p);
	free(p);

	/* The merged table becomes one more kept tree. */
	if (r->ntrees % 8 == 0)
		r->trees = xreallocarray(r->trees, r->ntrees + 8, sizeof(*r->trees));
	r->trees[r->ntrees++] = merged;
	if (r->ntrees % 8 == 0)
		r->trees = xreallocarray(r->trees, r->ntrees + 8, sizeof(*r->trees));
	r->trees[r->ntrees++] = origin;
	cJSON_ArrayForEach(c, merged) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(origin, c->string);
		const char *path = cJSON_IsString(o) ? o->valuestring : user_path;
		const char *scope = strstr(path, "managed_config") ? "managed"
				    : strncmp(path, home, strlen(home)) == 0 ? "user"
				    : strstr(path, "/etc/codex/") ? "managed" : "project";

		if (cJSON_IsObject(c))
			add_cand(r, c->string, c, scope, path, NULL, NULL, 10, NULL);
	}
	path_list_release(&dirs);
	free(user_path);
	free(home);
}

static void
gemini_sources(struct resolver *r)
{
	const char *gh = live_env(r, "GEMINI_CLI_HOME");
	const char *sys_env = live_env(r, "GEMINI_CLI_SYSTEM_SETTINGS_PATH");
	const char *def_env = live_env(r, "GEMINI_CLI_SYSTEM_DEFAULTS_PATH");
	char *sys, *defs, *user, *ws = NULL, *dir;

	sys = sys_env ? xstrdup(sys_env)
		      : sys_path(r, paths_host_os() == CAT_DARWIN
				 ? "/Library/Application Support/GeminiCli/settings.json"
				 : "/etc/gemini-cli/settings.json");
	dir = parent_of(sys);
	defs = def_env ? xstrdup(def_env) : path_join(dir ? dir : "/", "system-defaults.json");
	free(dir);
	user = xasprintf("%s/.gemini/settings.json", gh ? gh : r->ctx->home);
	if (r->ctx->cwd && strcmp(r->ctx->cwd, r->ctx->home) != 0)
		ws = path_join(r->ctx->cwd, ".gemini/settings.json");
	/* system > workspace > user > system defaults; a higher layer replaces
	 * the whole server object. */
	add_file(r, sys, "managed", 0);
	if (ws)
		add_file(r, ws, "project", 1);
	add_file(r, user, "user", 2);
	add_file(r, defs, "managed", 3);
	free(sys);
	free(defs);
	free(user);
	free(ws);
}

static void
cursor_sources(struct resolver *r)
{
	const cJSON *w;
	char *p;

	cJSON_ArrayForEach(w, r->q->workspace_roots) {
		if (cJSON_IsString(w) && w->valuestring[0] == '/') {
			p = path_join(w->valuestring, ".cursor/mcp.json");
			add_file(r, p, "project", 0);
			free(p);
		}
	}
	if (r->ctx->cwd) {
		p = path_join(r->ctx->cwd, ".cursor/mcp.json");
		add_file(r, p, "project", 1);
		free(p);
	}
	p = path_join(r->ctx->home, ".cursor/mcp.json");
	add_file(r, p, "user", 2);
	free(p);
}

static void
hermes_sources(struct resolver *r)
{
	const char *hh = live_env(r, "HERMES_HOME");
	char *home = hh ? xstrdup(hh) : path_join(r->ctx->home, ".hermes"), *p, *prof = NULL;

	p = sys_path(r, "/etc/hermes/config.yaml");
	add_file(r, p, "managed", 0);
	free(p);
	if (r->q->profile && *r->q->profile && !strchr(r->q->profile, '/') &&
	    strcmp(r->q->profile, "..") != 0) {
		prof = xstrdup(r->q->profile);
	} else {
		struct buf b = BUF_INIT;
		struct err e = ERR_INIT;

		p = path_join(home, "active_profile");
		if (file_read(p, 256, 0, &b, NULL, &e) == 0) {
			size_t n = strcspn(b.data, "\r\n \t");

			if (n && !memchr(b.data, '/', n))
				prof = xstrndup(b.data, n);
		}
		buf_release(&b);
		free(p);
	}
	if (prof && strcmp(prof, "default") != 0 && strcmp(prof, ".") != 0 && strcmp(prof, "..") != 0)
		p = xasprintf("%s/profiles/%s/config.yaml", home, prof);
	else
		p = path_join(home, "config.yaml");
	add_file(r, p, "user", 1);
	free(p);
	free(prof);
	free(home);
}

static void
copilot_sources(struct resolver *r)
{
	const char *ch = live_env(r, "COPILOT_HOME");
	char *p;

	if (r->ctx->cwd) {
		p = path_join(r->ctx->cwd, ".github/mcp.json");
		add_file(r, p, "project", 0);
		free(p);
		p = path_join(r->ctx->cwd, ".mcp.json");
		add_file(r, p, "project", 1);
		free(p);
	}
	p = ch ? path_join(ch, "mcp-config.json") : path_join(r->ctx->home, ".copilot/mcp-config.json");
	add_file(r, p, "user", 2);
	free(p);
}

static void
windsurf_sources(struct resolver *r)
{
	static const char *const files[] = {
		".codeium/windsurf/mcp_config.json", ".codeium/windsurf-next/mcp_config.json",
		".codeium/mcp_config.json", NULL
	};
	size_t i;

	for (i = 0; files[i]; i++) {
		char *p = path_join(r->ctx->home, files[i]);

		add_file(r, p, "user", (int)i);
		free(p);
	}
}

/* Plugins and extensions, only when no config matched. */
static void
plugin_sources(struct resolver *r)
{
	struct path_ctx pc;
	size_t i, k;
	const char *id = hook_client_id(r->ctx->client);

	if (r->have_plugins)
		return;
	r->have_plugins = 1;
	if (r->ctx->client != HOOK_CLAUDE_CODE && r->ctx->client != HOOK_CODEX &&
	    r->ctx->client != HOOK_GEMINI && r->ctx->client != HOOK_CURSOR)
		return;
	pc.home = r->ctx->home;
	pc.root = r->ctx->root ? r->ctx->root : "";
	pc.os = paths_host_os();
	pc.live = r->ctx->live;
	plugins_scan(&pc, &r->plugins);
	for (i = 0; i < r->plugins.n_configs; i++) {
		const struct mcp_config *cfg = &r->plugins.configs[i];

		if (strcmp(cfg->client, id) != 0)
			continue;
		for (k = 0; k < cfg->n_servers; k++) {
			const struct mcp_server *s = &cfg->servers[k];
			char *name = r->ctx->client == HOOK_CLAUDE_CODE
				     ? xasprintf("plugin:%.*s:%s",
						 (int)strcspn(cfg->plugin_identifier, "@"),
						 cfg->plugin_identifier, s->name)
				     : xstrdup(s->name);

			add_cand(r, name, NULL, "plugin", cfg->config_path, cfg->plugin_identifier,
				 NULL, 1000, s);
			free(name);
		}
	}
}

/* ---- identity --------------------------------------------------------------- */

/* Expand the variable forms clients substitute at launch: ${VAR},
 * ${VAR:-default}, ${env:VAR}, ${userHome}, ${workspaceFolder}; Gemini also
 * $VAR. Codex substitutes nothing. */
static char *
expand(const struct resolver *r, const char *s)
{
	struct buf b = BUF_INIT;
	const char *p = s;
	enum hook_client c = r->ctx->client;

	if (c == HOOK_CODEX || !r->ctx->live || strchr(s, '$') == NULL)
		return xstrdup(s);
	while (*p) {
		if (p[0] == '$' && p[1] == '{') {
			const char *end = strchr(p + 2, '}');
			char *name, *def = NULL, *colon;
			const char *v;

			if (end == NULL || end - p > 256)
				goto literal;
			name = xstrndup(p + 2, (size_t)(end - p - 2));
			if ((colon = strstr(name, ":-")) != NULL) {
				*colon = '\0';
				def = colon + 2;
			}
			if (strncmp(name, "env:", 4) == 0)
				v = getenv(name + 4);
			else if (strcmp(name, "userHome") == 0)
				v = r->ctx->home;
			else if (strcmp(name, "workspaceFolder") == 0)
				v = r->ctx->cwd;
			else
				v = getenv(name);
			if ((v == NULL || *v == '\0') && def)
				v = def;
			buf_adds(&b, v ? v : "");
			free(name);
			p = end + 1;
			continue;
		}
		if (c == HOOK_GEMINI && p[0] == '$' &&
		    ((p[1] >= 'A' && p[1] <= 'Z') || (p[1] >= 'a' && p[1] <= 'z') || p[1] == '_')) {
			const char *q = p + 1;
			char *name;
			const char *v;

			while (alnum((unsigned char)*q) || *q == '_')
				q++;
			name = xstrndup(p + 1, (size_t)(q - p - 1));
			v = getenv(name);
			buf_adds(&b, v ? v : "");
			free(name);
			p = q;
			continue;
		}
literal:
		buf_addc(&b, *p++);
	}
	return buf_detach(&b, NULL);
}

static const char *
entry_str(const cJSON *e, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, k);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* Replace the plugin-root variables, as extract_server does for plugins. */
static char *
subst_root(const char *s, const char *root)
{
	static const char *const vars[] = {
		"${CLAUDE_PLUGIN_ROOT}", "${PLUGIN_ROOT}", "${CURSOR_PLUGIN_ROOT}",
		"${extensionPath}", "${__dirname}", NULL
	};
	struct buf b = BUF_INIT;
	const char *p = s;

	if (root == NULL)
		return xstrdup(s);
	while (*p) {
		size_t i;
		int hit = 0;

		for (i = 0; vars[i]; i++) {
			size_t l = strlen(vars[i]);

			if (strncmp(p, vars[i], l) == 0) {
				buf_adds(&b, root);
				p += l;
				hit = 1;
				break;
			}
		}
		if (!hit)
			buf_addc(&b, *p++);
	}
	return buf_detach(&b, NULL);
}

/*
 * The launch identity of a raw entry: url, or command + args, with plugin
 * roots and variables substituted. Mirrors extract_server's field aliases.
 */
static void
raw_identity(struct resolver *r, const struct cand *c, char **url, char **command, cJSON **args)
{
	const cJSON *e = c->entry, *cmd, *a;
	const char *u;
	char *t;

	*url = *command = NULL;
	*args = NULL;
	if (c->extracted) {
		/* Plugin servers: the redacted copy is all there is. */
		if (c->extracted->url)
			*url = expand(r, c->extracted->url);
		if (c->extracted->command)
			*command = expand(r, c->extracted->command);
		if (c->extracted->args)
			*args = cJSON_Duplicate(c->extracted->args, 1);
		goto vars;
	}
	if ((u = entry_str(e, "url")) || (u = entry_str(e, "serverUrl")) ||
	    (u = entry_str(e, "httpUrl")) || (u = entry_str(e, "uri"))) {
		t = subst_root(u, c->plugin_root);
		*url = expand(r, t);
		free(t);
	}
	cmd = cJSON_GetObjectItemCaseSensitive(e, "command");
	a = cJSON_GetObjectItemCaseSensitive(e, "args");
	if (cJSON_IsString(cmd) && cmd->valuestring[0]) {
		*command = xstrdup(cmd->valuestring);
	} else if (cJSON_IsArray(cmd) && cJSON_GetArraySize(cmd) > 0) {
		const cJSON *x;
		int first = 1;

		*args = cJSON_CreateArray();
		cJSON_ArrayForEach(x, cmd) {
			if (first && cJSON_IsString(x))
				*command = xstrdup(x->valuestring);
			else if (!first)
				cJSON_AddItemToArray(*args, cJSON_Duplicate(x, 1));
			first = 0;
		}
	} else if (cJSON_IsObject(cmd)) {
		const char *pth = entry_str(cmd, "path");

		if (pth)
			*command = xstrdup(pth);
		if (!a)
			a = cJSON_GetObjectItemCaseSensitive(cmd, "args");
	} else if ((u = entry_str(e, "cmd")) != NULL) {
		*command = xstrdup(u);
	}
	if (cJSON_IsArray(a)) {
		const cJSON *x;

		if (*args == NULL)
			*args = cJSON_CreateArray();
		cJSON_ArrayForEach(x, a)
			cJSON_AddItemToArray(*args, cJSON_Duplicate(x, 1));
	}
	if (*command) {
		t = subst_root(*command, c->plugin_root);
		free(*command);
		*command = t;
	}
vars:
	if (*command) {
		t = expand(r, *command);
		free(*command);
		*command = t;
	}
	if (*args) {
		cJSON *x;

		cJSON_ArrayForEach(x, *args) {
			if (cJSON_IsString(x)) {
				char *s1 = subst_root(x->valuestring, c->plugin_root);
				char *s2 = expand(r, s1);

				cJSON_SetValuestring(x, s2);
				free(s1);
				free(s2);
			}
		}
	}
}

/* "command arg1 arg2" with single spaces (contract §7.5 entry identity). */
static char *
joined(const char *command, const cJSON *args)
{
	struct buf b = BUF_INIT;
	const cJSON *x;

	buf_adds(&b, command ? command : "");
	cJSON_ArrayForEach(x, args) {
		if (cJSON_IsString(x)) {
			buf_addc(&b, ' ');
			buf_adds(&b, x->valuestring);
		}
	}
	{
		/* trim */
		size_t s = 0, n = b.len;
		char *out;

		while (s < n && b.data[s] == ' ')
			s++;
		while (n > s && b.data[n - 1] == ' ')
			n--;
		out = xstrndup(b.data + s, n - s);
		buf_release(&b);
		return out;
	}
}

static int
same_url(const char *a, const char *b)
{
	struct uri ua = URI_INIT, ub = URI_INIT;
	int same;

	if (strcmp(a, b) == 0)
		return 1;
	if (uri_parse(a, &ua, NULL) < 0 || uri_parse(b, &ub, NULL) < 0) {
		uri_release(&ua);
		return 0;
	}
	same = strcmp(ua.scheme, ub.scheme) == 0 && strcmp(ua.host, ub.host) == 0 &&
	       uri_effective_port(&ua) == uri_effective_port(&ub) &&
	       strcmp(ua.path, ub.path) == 0 &&
	       ((ua.query == NULL && ub.query == NULL) ||
		(ua.query && ub.query && strcmp(ua.query, ub.query) == 0));
	uri_release(&ua);
	uri_release(&ub);
	return same;
}

/* Does the payload's source (if any) agree with candidate c? */
static int
payload_agrees(struct resolver *r, const struct cand *c)
{
	const struct resolve_query *q = r->q;
	char *url, *command;
	cJSON *args;
	int ok = 1;

	if (q->url == NULL && q->command == NULL)
		return 1;
	raw_identity(r, c, &url, &command, &args);
	if (q->url) {
		ok = url && same_url(q->url, url);
	} else if (q->command) {
		if (command == NULL) {
			ok = 0;
		} else if (cJSON_IsArray(q->args)) {
			char *a = joined(q->command, q->args), *b = joined(command, args);

			ok = strcmp(a, b) == 0;
			free(a);
			free(b);
		} else {
			/* Cursor sends one line; older builds only the program. */
			char *b = joined(command, args), *a = joined(q->command, NULL);

			ok = strcmp(a, b) == 0 || strcmp(a, command) == 0;
			free(a);
			free(b);
		}
	}
	free(url);
	free(command);
	cJSON_Delete(args);
	return ok;
}

/* ---- matching --------------------------------------------------------------- */

static int
better(const struct cand *a, const struct cand *best)
{
	return best == NULL || a->order < best->order;
}

/* Candidate names for Cursor's server name: as is, without "user-", and the
 * part before "::mcpScope:". */
static int
name_matches(enum hook_client c, const char *want, const char *have, int normalised)
{
	char *a, *b;
	int m;

	if (!normalised) {
		if (strcmp(want, have) == 0)
			return 1;
		if (c == HOOK_CURSOR && strncmp(want, "user-", 5) == 0 && strcmp(want + 5, have) == 0)
			return 1;
		return 0;
	}
	a = resolve_normalise(want);
	b = resolve_normalise(have);
	m = *a && strcmp(a, b) == 0;
	if (!m && c == HOOK_CURSOR && strncmp(a, "user", 4) == 0)
		m = a[4] && strcmp(a + 4, b) == 0;
	free(a);
	free(b);
	return m;
}

static const struct cand *
match_by_name(struct resolver *r, const char *want)
{
	const struct cand *best = NULL;
	char *w = xstrdup(want), *scope = strstr(w, "::mcpScope:");
	size_t i;
	int pass;

	if (scope)
		*scope = '\0';
	for (pass = 0; pass < 3 && best == NULL; pass++) {
		for (i = 0; i < r->n; i++) {
			const struct cand *c = &r->v[i];
			const char *have = c->name;
			int hit;

			if (r->ctx->client == HOOK_CLAUDE_CODE && strncmp(have, "plugin:", 7) == 0)
				continue;
			if (pass == 0)
				hit = name_matches(r->ctx->client, w, have, 0);
			else if (pass == 1) {
				/* the client's sanitised form (Gemini sends it) */
				char *s = resolve_sanitise(r->ctx->client, have);

				hit = strcmp(s, w) == 0;
				free(s);
			} else {
				hit = name_matches(r->ctx->client, w, have, 1);
			}
			if (hit && payload_agrees(r, c) && better(c, best))
				best = c;
		}
	}
	free(w);
	return best;
}

static const struct cand *
match_by_identity(struct resolver *r)
{
	const struct cand *best = NULL;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (payload_agrees(r, &r->v[i]) && better(&r->v[i], best))
			best = &r->v[i];
	return best;
}

static const struct cand *
match_by_tool(struct resolver *r, const char *tool)
{
	const struct cand *best = NULL;
	size_t i, best_len = 0;

	for (i = 0; i < r->n; i++) {
		const struct cand *c = &r->v[i];
		size_t kl;

		if (c->key == NULL)
			continue;
		kl = strlen(c->key);
		/* the tool part must not be empty */
		if (strncmp(tool, c->key, kl) != 0 || tool[kl] == '\0')
			continue;
		if (kl > best_len || (kl == best_len && better(c, best))) {
			best = c;
			best_len = kl;
		}
	}
	return best;
}

static const struct cand *
match(struct resolver *r)
{
	const struct resolve_query *q = r->q;

	if (q->server_name)
		return match_by_name(r, q->server_name);
	if (q->tool_name && r->ctx->client != HOOK_CURSOR && r->ctx->client != HOOK_WINDSURF)
		return match_by_tool(r, q->tool_name);
	if (q->url || q->command)
		return match_by_identity(r);
	return NULL;
}

/* The server name and tool a tool name implies, for servers found nowhere. */
static void
derive_names(enum hook_client c, const char *t, char **server, char **tool)
{
	const char *s = NULL, *end = NULL;

	*server = *tool = NULL;
	if (t == NULL)
		return;
	if ((c == HOOK_CLAUDE_CODE || c == HOOK_CODEX) && strncmp(t, "mcp__", 5) == 0) {
		s = t + 5;
		end = strstr(s, "__");
		if (end && end == s)
			end = strstr(s + 1, "__");
		if (end) {
			*tool = xstrdup(end + 2);
		}
	} else if ((c == HOOK_GEMINI || c == HOOK_HERMES) && strncmp(t, "mcp_", 4) == 0) {
		s = t + 4;
		end = strchr(s, '_');
		if (end)
			*tool = xstrdup(end + 1);
	} else if (c == HOOK_CURSOR && strncmp(t, "MCP:", 4) == 0) {
		*tool = xstrdup(t + 4);
		return;
	} else if (c == HOOK_COPILOT) {
		s = t;
		end = strchr(s, '-');
		if (end)
			*tool = xstrdup(end + 1);
	} else {
		*tool = xstrdup(t);
		return;
	}
	if (s)
		*server = end ? xstrndup(s, (size_t)(end - s)) : xstrdup(s);
}

/* A server built from the payload alone (not found in any config). */
static void
payload_server(struct resolver *r, struct resolve_result *out)
{
	const struct resolve_query *q = r->q;
	cJSON *e = cJSON_CreateObject();

	if (q->url) {
		cJSON_AddStringToObject(e, "url", q->url);
		out->url = xstrdup(q->url);
	} else if (q->command) {
		if (cJSON_IsArray(q->args)) {
			cJSON_AddStringToObject(e, "command", q->command);
			cJSON_AddItemToObject(e, "args", cJSON_Duplicate(q->args, 1));
			out->command = xstrdup(q->command);
			out->args = cJSON_Duplicate(q->args, 1);
		} else {
			/* one line (Cursor): split it like Claude Desktop commands */
			cJSON_AddStringToObject(e, "command", q->command);
			out->command = xstrdup(q->command);
		}
	}
	if (out->name && (q->url || q->command)) {
		out->has_server = extract_server(r->def, out->name, e, NULL, &out->server);
		out->scope = "payload";
	}
	cJSON_Delete(e);
}

int
resolve_server(const struct resolve_ctx *ctx, const struct resolve_query *q,
	       struct resolve_result *out, struct err *e)
{
	struct resolver r;
	const struct cand *c;
	size_t i;
	int ret = 0;

	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));
	r.ctx = ctx;
	r.q = q;
	r.def = catalog_find(hook_client_id(ctx->client));
	if (r.def == NULL)
		r.def = catalog_find("claude_code");
	if (q->tool_name == NULL && q->server_name == NULL && q->url == NULL && q->command == NULL)
		return err_set(e, ERR_INVALID, "the event names no MCP server");

	switch (ctx->client) {
	case HOOK_CLAUDE_CODE: claude_sources(&r); break;
	case HOOK_CODEX: codex_sources(&r); break;
	case HOOK_GEMINI: gemini_sources(&r); break;
	case HOOK_CURSOR: cursor_sources(&r); break;
	case HOOK_HERMES: hermes_sources(&r); break;
	case HOOK_COPILOT: copilot_sources(&r); break;
	case HOOK_WINDSURF: windsurf_sources(&r); break;
	default: break;
	}
	/* Claude plugin tools are recognisable by name; for the others the
	 * plugins are looked at only when no config matched. */
	if (ctx->client == HOOK_CLAUDE_CODE && q->tool_name &&
	    strncmp(q->tool_name, "mcp__plugin_", 12) == 0)
		plugin_sources(&r);
	c = match(&r);
	if (c == NULL) {
		size_t before = r.n;

		plugin_sources(&r);
		if (r.n > before)
			c = match(&r);
	}

	derive_names(ctx->client, q->tool_name, &out->name, &out->tool);
	if (c) {
		out->found = 1;
		free(out->name);
		out->name = xstrdup(c->name);
		if (c->key && q->tool_name && strncmp(q->tool_name, c->key, strlen(c->key)) == 0) {
			free(out->tool);
			out->tool = xstrdup(q->tool_name + strlen(c->key));
		}
		out->config_path = c->path ? xstrdup(c->path) : NULL;
		out->scope = c->scope;
		out->plugin = c->plugin ? xstrdup(c->plugin) : NULL;
		if (c->extracted) {
			struct mcp_server *s = &out->server;

			memset(s, 0, sizeof(*s));
			s->name = xstrdup(c->extracted->name);
			s->type = c->extracted->type ? xstrdup(c->extracted->type) : NULL;
			s->wire_type = c->extracted->wire_type ? xstrdup(c->extracted->wire_type) : NULL;
			s->command = c->extracted->command ? xstrdup(c->extracted->command) : NULL;
			s->args = c->extracted->args ? cJSON_Duplicate(c->extracted->args, 1) : NULL;
			s->url = c->extracted->url ? xstrdup(c->extracted->url) : NULL;
			s->disabled = c->extracted->disabled;
			memcpy(s->config_hash, c->extracted->config_hash, sizeof(s->config_hash));
			out->has_server = 1;
		} else {
			const char *hname = c->name;

			/* Claude plugin candidates carry "plugin:p:s"; the hash uses s. */
			if (ctx->client == HOOK_CLAUDE_CODE && strncmp(hname, "plugin:", 7) == 0)
				hname = strrchr(hname, ':') + 1;
			out->has_server = extract_server(r.def, hname, c->entry, c->plugin_root,
							 &out->server);
		}
		/* The decision follows what the client runs: the payload's
		 * source when it sent one (payload_agrees checked it), else the
		 * configured one. */
		if (q->url) {
			out->url = xstrdup(q->url);
		} else if (q->command) {
			char *u;

			raw_identity(&r, c, &u, &out->command, &out->args);
			free(u);
			if (out->command == NULL)
				out->command = xstrdup(q->command);
		} else {
			raw_identity(&r, c, &out->url, &out->command, &out->args);
		}
	} else {
		if (q->server_name) {
			free(out->name);
			out->name = xstrdup(q->server_name);
		}
		if (out->name == NULL && q->command)
			out->name = joined(q->command, q->args);
		if (out->name == NULL && q->url)
			out->name = xstrdup(q->url);
		payload_server(&r, out);
	}
	out->files_read = r.files_read;

	for (i = 0; i < r.n; i++) {
		free(r.v[i].name);
		free(r.v[i].key);
		free(r.v[i].plugin);
	}
	free(r.v);
	for (i = 0; i < r.ntrees; i++)
		cJSON_Delete(r.trees[i]);
	free(r.trees);
	path_list_release(&r.paths);
	if (r.have_plugins)
		scan_result_release(&r.plugins);
	return ret;
}
