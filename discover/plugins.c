/* Plugin and extension manifests that ship MCP servers, per client (clients.md
 * §4), turned into scope-plugin configurations with their enabled state. */
#include "discover/plugins.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discover/catalog.h"
#include "discover/extract.h"
#include "parsers/tree.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Bound on plugin directories examined per client. */
#define PLUGINS_MAX 2000

static cJSON *
load(struct scan_result *r, const char *client, const char *path, int report)
{
	struct err e = ERR_INIT;
	cJSON *t = NULL;
	int rc;

	rc = tree_parse_file(path, TREE_FMT_JSONC, NULL, &t, &e);
	if (rc < 0) {
		if (report && rc != -ERR_NOTFOUND)
			scan_result_add_issue(r, client, path, e.line, e.col, e.msg,
					      rc == -ERR_PARSE || rc == -ERR_LIMIT);
		return NULL;
	}
	return t;
}

static int
is_dir(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void
set_mtime(struct mcp_config *cfg, const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		cfg->mtime = st.st_mtim;
}

/*
 * Servers of one plugin root: the manifest's mcpServers (inline object, a
 * "./file.json" path, or an array of either) and then <root>/.mcp.json
 * (wrapped or flat). Later entries win by name, as in Claude Code.
 */
static void
servers_from_value(const struct client_def *def, const char *root, const cJSON *v,
		   struct mcp_config *cfg, struct scan_result *r, int depth)
{
	if (depth > 2 || v == NULL)
		return;
	if (cJSON_IsArray(v)) {
		const cJSON *c;

		cJSON_ArrayForEach(c, v)
			servers_from_value(def, root, c, cfg, r, depth + 1);
	} else if (cJSON_IsString(v)) {
		char *p;
		cJSON *t;

		/* A path relative to the plugin root; never outside it. */
		if (strstr(v->valuestring, "..") || v->valuestring[0] == '/')
			return;
		p = path_join(root, v->valuestring);
		t = load(r, def->id, p, 1);
		if (t) {
			const cJSON *inner = cJSON_GetObjectItemCaseSensitive(t, "mcpServers");

			if (!inner)
				inner = cJSON_GetObjectItemCaseSensitive(t, "mcp_servers");
			servers_from_value(def, root, inner ? inner : t, cfg, r, depth + 1);
			cJSON_Delete(t);
		}
		free(p);
	} else if (cJSON_IsObject(v)) {
		extract_servers(def, v, 0, root, cfg, NULL);
	}
}

static void
plugin_root_servers(const struct client_def *def, const char *root, const char *const *manifests,
		    const char *const *mcp_files, struct mcp_config *cfg, struct scan_result *r)
{
	size_t i;

	for (i = 0; manifests[i]; i++) {
		char *p = path_join(root, manifests[i]);
		cJSON *m = load(r, def->id, p, 0);

		free(p);
		if (m == NULL)
			continue;
		servers_from_value(def, root, cJSON_GetObjectItemCaseSensitive(m, "mcpServers"),
				   cfg, r, 0);
		cJSON_Delete(m);
		break;
	}
	for (i = 0; mcp_files[i]; i++) {
		char *p = path_join(root, mcp_files[i]);
		cJSON *t = load(r, def->id, p, 1);

		free(p);
		if (t == NULL)
			continue;
		{
			const cJSON *inner = cJSON_GetObjectItemCaseSensitive(t, "mcpServers");

			servers_from_value(def, root, inner ? inner : t, cfg, r, 0);
		}
		cJSON_Delete(t);
	}
}

static void
commit(struct scan_result *r, struct mcp_config *cfg, int disabled)
{
	size_t i;

	if (cfg->n_servers == 0) {
		mcp_config_release(cfg);
		return;
	}
	for (i = 0; i < cfg->n_servers; i++)
		if (disabled)
			cfg->servers[i].disabled = 1;
	scan_result_add_config(r, cfg);
}

static void
new_cfg(struct mcp_config *cfg, const char *client, const char *path, const char *id)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->client = xstrdup(client);
	cfg->config_path = xstrdup(path);
	cfg->scope = SCOPE_PLUGIN;
	cfg->plugin_identifier = xstrdup(id);
	set_mtime(cfg, path);
}

static const char *const claude_manifests[] = { ".claude-plugin/plugin.json", NULL };
static const char *const claude_mcp_files[] = { ".mcp.json", NULL };

/* enabledPlugins[key] == false in the given settings file. */
static int
plugin_disabled_in(const char *settings, const char *key)
{
	struct err e = ERR_INIT;
	cJSON *t = NULL, *ep;
	int off = 0;

	if (tree_parse_file(settings, TREE_FMT_JSONC, NULL, &t, &e) < 0)
		return -1;
	ep = cJSON_GetObjectItemCaseSensitive(t, "enabledPlugins");
	if (cJSON_IsObject(ep)) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(ep, key);

		if (cJSON_IsFalse(v))
			off = 1;
		else if (cJSON_IsTrue(v))
			off = 0;
		else
			off = -1;
	} else {
		off = -1;
	}
	cJSON_Delete(t);
	return off;
}

static void
claude_plugins(const struct path_ctx *pc, struct scan_result *r)
{
	const struct client_def *def = catalog_find("claude_code");
	struct path_list l = { NULL, 0, 0 }, s = { NULL, 0, 0 };
	cJSON *inst = NULL;
	const cJSON *plugins, *p;
	size_t n = 0;

	paths_expand(pc, "{env:CLAUDE_CODE_PLUGIN_CACHE_DIR|{env:CLAUDE_CONFIG_DIR|~/.claude}/plugins}/installed_plugins.json", &l);
	paths_expand(pc, "{env:CLAUDE_CONFIG_DIR|~/.claude}/settings.json", &s);
	if (l.n)
		inst = load(r, def->id, l.v[0], 1);
	plugins = cJSON_GetObjectItemCaseSensitive(inst, "plugins");
	cJSON_ArrayForEach(p, plugins) {
		const cJSON *e;

		if (p->string == NULL || !cJSON_IsArray(p))
			continue;
		cJSON_ArrayForEach(e, p) {
			const cJSON *ip = cJSON_GetObjectItemCaseSensitive(e, "installPath");
			const cJSON *pp = cJSON_GetObjectItemCaseSensitive(e, "projectPath");
			struct mcp_config cfg;
			int off = -1;

			if (!cJSON_IsString(ip) || ip->valuestring[0] != '/' || ++n > PLUGINS_MAX)
				continue;
			if (!is_dir(ip->valuestring))
				continue;
			/* local > project > user, as Claude Code merges them. */
			if (cJSON_IsString(pp)) {
				char *f = path_join(pp->valuestring, ".claude/settings.local.json");

				off = plugin_disabled_in(f, p->string);
				free(f);
				if (off < 0) {
					f = path_join(pp->valuestring, ".claude/settings.json");
					off = plugin_disabled_in(f, p->string);
					free(f);
				}
			}
			if (off < 0 && s.n)
				off = plugin_disabled_in(s.v[0], p->string);
			new_cfg(&cfg, def->id, ip->valuestring, p->string);
			plugin_root_servers(def, ip->valuestring, claude_manifests, claude_mcp_files,
					    &cfg, r);
			commit(r, &cfg, off == 1);
		}
	}
	cJSON_Delete(inst);
	path_list_release(&l);
	path_list_release(&s);
}

static const char *const codex_manifests[] = {
	".codex-plugin/plugin.json", ".claude-plugin/plugin.json", ".cursor-plugin/plugin.json", NULL
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the subdirectories of dir (hidden ones skipped). */
static void
subdirs(const char *dir, struct path_list *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL && out->n < PLUGINS_MAX) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = path_join(dir, de->d_name);
		if (is_dir(p))
			path_list_add(out, xstrdup(de->d_name));
		free(p);
	}
	if (d)
		closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
}

static void
codex_plugins(const struct path_ctx *pc, struct scan_result *r)
{
	const struct client_def *def = catalog_find("codex");
	struct path_list base = { NULL, 0, 0 }, mkts = { NULL, 0, 0 }, cfgp = { NULL, 0, 0 };
	static const char *const mcp_files[] = { ".mcp.json", NULL };
	cJSON *config = NULL;
	const cJSON *pl = NULL;
	size_t i, j;

	paths_expand(pc, "{env:CODEX_HOME|~/.codex}/plugins/cache", &base);
	paths_expand(pc, "{env:CODEX_HOME|~/.codex}/config.toml", &cfgp);
	if (cfgp.n) {
		struct err e = ERR_INIT;

		if (tree_parse_file(cfgp.v[0], TREE_FMT_TOML, NULL, &config, &e) < 0)
			config = NULL;
	}
	pl = cJSON_GetObjectItemCaseSensitive(config, "plugins");
	if (base.n)
		subdirs(base.v[0], &mkts);
	for (i = 0; i < mkts.n; i++) {
		char *mdir = path_join(base.v[0], mkts.v[i]);
		struct path_list plugins = { NULL, 0, 0 };

		subdirs(mdir, &plugins);
		for (j = 0; j < plugins.n; j++) {
			char *pdir = path_join(mdir, plugins.v[j]);
			struct path_list versions = { NULL, 0, 0 };
			char *id = xasprintf("%s@%s", plugins.v[j], mkts.v[i]);
			const cJSON *ent = cJSON_GetObjectItemCaseSensitive(pl, id);
			const cJSON *en = cJSON_GetObjectItemCaseSensitive(ent, "enabled");

			subdirs(pdir, &versions);
			if (versions.n) {
				/* The newest cached version is the one Codex loads. */
				char *root = path_join(pdir, versions.v[versions.n - 1]);
				struct mcp_config cfg;

				new_cfg(&cfg, def->id, root, id);
				plugin_root_servers(def, root, codex_manifests, mcp_files, &cfg, r);
				commit(r, &cfg, cJSON_IsFalse(en) || ent == NULL);
				free(root);
			}
			path_list_release(&versions);
			free(id);
			free(pdir);
		}
		path_list_release(&plugins);
		free(mdir);
	}
	cJSON_Delete(config);
	path_list_release(&base);
	path_list_release(&mkts);
	path_list_release(&cfgp);
}

static void
gemini_extensions(const struct path_ctx *pc, struct scan_result *r)
{
	const struct client_def *def = catalog_find("gemini_cli");
	struct path_list base = { NULL, 0, 0 }, exts = { NULL, 0, 0 };
	cJSON *enablement = NULL;
	size_t i;

	paths_expand(pc, "{env:GEMINI_CLI_HOME|~}/.gemini/extensions", &base);
	if (base.n == 0)
		goto out;
	{
		char *p = path_join(base.v[0], "extension-enablement.json");

		enablement = load(r, def->id, p, 0);
		free(p);
	}
	subdirs(base.v[0], &exts);
	for (i = 0; i < exts.n; i++) {
		char *dir = path_join(base.v[0], exts.v[i]), *manifest, *rec;
		cJSON *m, *install;
		const cJSON *name, *ov;
		struct mcp_config cfg;
		int off = 0;

		/* A linked extension is read from its source directory. */
		rec = path_join(dir, ".gemini-extension-install.json");
		install = load(r, def->id, rec, 0);
		free(rec);
		{
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(install, "type");
			const cJSON *src = cJSON_GetObjectItemCaseSensitive(install, "source");

			if (cJSON_IsString(t) && strcmp(t->valuestring, "link") == 0 &&
			    cJSON_IsString(src) && src->valuestring[0] == '/') {
				free(dir);
				dir = xstrdup(src->valuestring);
			}
		}
		cJSON_Delete(install);
		manifest = path_join(dir, "gemini-extension.json");
		m = load(r, def->id, manifest, 1);
		name = cJSON_GetObjectItemCaseSensitive(m, "name");
		if (m && cJSON_IsString(name)) {
			ov = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(enablement, name->valuestring), "overrides");
			if (cJSON_IsArray(ov) && cJSON_GetArraySize(ov) > 0) {
				const cJSON *last = cJSON_GetArrayItem(ov, cJSON_GetArraySize(ov) - 1);

				off = cJSON_IsString(last) && last->valuestring[0] == '!';
			}
			new_cfg(&cfg, def->id, manifest, name->valuestring);
			{
				const cJSON *ms = cJSON_GetObjectItemCaseSensitive(m, "mcpServers");

				if (cJSON_IsObject(ms))
					extract_servers(def, ms, 0, dir, &cfg, NULL);
			}
			commit(r, &cfg, off);
		}
		cJSON_Delete(m);
		free(manifest);
		free(dir);
	}
out:
	cJSON_Delete(enablement);
	path_list_release(&base);
	path_list_release(&exts);
}

static void
cursor_plugins(const struct path_ctx *pc, struct scan_result *r)
{
	static const char *const manifests[] = { ".cursor-plugin/plugin.json", "plugin.json", NULL };
	static const char *const mcp_files[] = { "mcp.json", ".mcp.json", NULL };
	static const char *const roots[] = {
		"~/.cursor/plugins/local/*", "~/.cursor/plugins/cache/*/*/*", NULL
	};
	const struct client_def *def = catalog_find("cursor");
	size_t i, k;

	for (i = 0; roots[i]; i++) {
		struct path_list l = { NULL, 0, 0 };

		paths_expand(pc, roots[i], &l);
		for (k = 0; k < l.n && k < PLUGINS_MAX; k++) {
			struct mcp_config cfg;
			const char *id = strrchr(l.v[k], '/') + 1;

			if (!is_dir(l.v[k]))
				continue;
			new_cfg(&cfg, def->id, l.v[k], id);
			plugin_root_servers(def, l.v[k], manifests, mcp_files, &cfg, r);
			commit(r, &cfg, 0);
		}
		path_list_release(&l);
	}
}

static void
claude_desktop_extensions(const struct path_ctx *pc, struct scan_result *r)
{
	const struct client_def *def = catalog_find("claude_desktop");
	struct path_list l = { NULL, 0, 0 };
	size_t k;

	paths_expand(pc, "{AS}/Claude/Claude Extensions/*/manifest.json", &l);
	for (k = 0; k < l.n && k < PLUGINS_MAX; k++) {
		char *dir = xstrndup(l.v[k], strlen(l.v[k]) - strlen("/manifest.json"));
		const char *id = strrchr(dir, '/') + 1;
		cJSON *m = load(r, def->id, l.v[k], 1), *settings;
		const cJSON *mc = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(m, "server"), "mcp_config");
		struct mcp_config cfg;
		char *sp;
		int off = 0;

		/* Only isEnabled is read from the settings file: it also holds the
		 * user's secrets, which are never copied. */
		sp = xasprintf("%.*s/Claude Extensions Settings/%s.json",
			       (int)(strstr(dir, "/Claude Extensions/") - dir), dir, id);
		settings = load(r, def->id, sp, 0);
		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(settings, "isEnabled")))
			off = 1;
		cJSON_Delete(settings);
		free(sp);
		new_cfg(&cfg, def->id, l.v[k], id);
		if (cJSON_IsObject(mc)) {
			cJSON *wrap = cJSON_CreateObject();
			cJSON *entry = cJSON_Duplicate(mc, 1);
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "name");
			cJSON_AddItemToObject(wrap, cJSON_IsString(name) ? name->valuestring : id, entry);
			extract_servers(def, wrap, 0, dir, &cfg, NULL);
			cJSON_Delete(wrap);
		}
		commit(r, &cfg, off);
		cJSON_Delete(m);
		free(dir);
	}
	path_list_release(&l);
}

static void
zed_extensions(const struct path_ctx *pc, struct scan_result *r)
{
	static const struct cat_path dirs[] = {
		{ CAT_LINUX, "~/.local/share/zed/extensions/installed/mcp-server-*", 0 },
		{ CAT_DARWIN, "{AS}/Zed/extensions/installed/mcp-server-*", 0 },
		{ CAT_WINDOWS, "{LOCALAPPDATA}/Zed/extensions/installed/mcp-server-*", 0 },
		{ 0, NULL, 0 }
	};
	const struct client_def *def = catalog_find("zed");
	size_t i, k;

	for (i = 0; dirs[i].tmpl; i++) {
		struct path_list l = { NULL, 0, 0 };

		if (!(dirs[i].os & pc->os))
			continue;
		paths_expand(pc, dirs[i].tmpl, &l);
		for (k = 0; k < l.n && k < PLUGINS_MAX; k++) {
			struct mcp_config cfg;
			cJSON *wrap, *entry;
			const char *name = strrchr(l.v[k], '/') + 1;

			if (!is_dir(l.v[k]))
				continue;
			new_cfg(&cfg, def->id, l.v[k], name);
			cfg.scope = SCOPE_GLOBAL;
			wrap = cJSON_CreateObject();
			entry = cJSON_AddObjectToObject(wrap, name + strlen("mcp-server-"));
			cJSON_AddStringToObject(entry, "source", "extension");
			extract_servers(def, wrap, 0, NULL, &cfg, NULL);
			cJSON_Delete(wrap);
			commit(r, &cfg, 0);
		}
		path_list_release(&l);
	}
}

void
plugins_scan(const struct path_ctx *pc, struct scan_result *r)
{
	claude_plugins(pc, r);
	codex_plugins(pc, r);
	gemini_extensions(pc, r);
	cursor_plugins(pc, r);
	claude_desktop_extensions(pc, r);
	zed_extensions(pc, r);
}
