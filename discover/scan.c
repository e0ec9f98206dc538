/* Discovery orchestration: globals per catalog entry, per-project sections,
 * project lists kept by clients, the home crawl, and approval/trust state. */
#include "discover/scan.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "discover/catalog.h"
#include "discover/extract.h"
#include "discover/git.h"
#include "discover/paths.h"
#include "discover/plugins.h"
#include "discover/walk.h"
#include "parsers/tree.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/strset.h"
#include "util/xalloc.h"
#include "util/hex.h"
#include "util/banned.h"

/* Bound on project directories taken from client lists. */
#define SCAN_MAX_PROJECTS 20000

struct scan_ctx {
	const struct scan_opts *o;
	struct scan_result *r;
	struct path_ctx pc;
	struct strset done;		/* "client:realpath" of files already read */
	struct strset global_files;	/* realpaths of global configs */
	struct path_list projects;	/* project dirs listed by clients */
	cJSON *claude_json;		/* ~/.claude.json, for approvals */
	cJSON *claude_settings;		/* ~/.claude/settings.json */
	cJSON *codex_config;		/* ~/.codex/config.toml, for trust */
	cJSON *gemini_trust;		/* ~/.gemini/trustedFolders.json */
};

static char *
resolved(const char *path)
{
	char buf[PATH_MAX];

	if (realpath(path, buf) == NULL)
		return xstrdup(path);
	return xstrdup(buf);
}

static cJSON *
load_quiet(const char *path, enum tree_format fmt)
{
	struct err e = ERR_INIT;
	cJSON *t = NULL;

	if (tree_parse_file(path, fmt, NULL, &t, &e) < 0)
		return NULL;
	return t;
}

/* Claude Code's name normalisation for approval lists. */
static char *
claude_norm(const char *name)
{
	char *s = xstrdup(name), *p;

	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			*p = '_';
	return s;
}

static int
list_has(const cJSON *obj, const char *key, const char *norm)
{
	const cJSON *arr = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	const cJSON *c;

	if (!cJSON_IsArray(arr))
		return 0;
	cJSON_ArrayForEach(c, arr) {
		if (cJSON_IsString(c)) {
			char *n = claude_norm(c->valuestring);
			int eq = strcmp(n, norm) == 0;

			free(n);
			if (eq)
				return 1;
		}
	}
	return 0;
}

static int
flag_true(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* Read a small file's first line (gitdir:, commondir). NULL when absent. */
static char *
first_line(const char *path)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	char *nl;

	if (file_read(path, 4096, 0, &b, NULL, &e) < 0) {
		buf_release(&b);
		return NULL;
	}
	if ((nl = strpbrk(b.data, "\r\n")) != NULL)
		*nl = '\0';
	return buf_detach(&b, NULL);
}

/*
 * The work tree root of dir as Claude Code and Codex key projects: the
 * nearest ancestor holding .git; for a linked worktree (.git is a file
 * "gitdir: …/.git/worktrees/<n>" with a commondir) the main checkout.
 * NULL outside git.
 */
static char *
git_root_of(const char *dir)
{
	char *d = xstrdup(dir), *slash;

	for (;;) {
		char *dotgit = path_join(d, ".git");
		struct stat st;

		if (lstat(dotgit, &st) == 0) {
			if (S_ISREG(st.st_mode)) {
				char *line = first_line(dotgit), *gitdir, *common, *cd = NULL;

				if (line && strncmp(line, "gitdir: ", 8) == 0) {
					gitdir = line[8] == '/' ? xstrdup(line + 8) : path_join(d, line + 8);
					common = path_join(gitdir, "commondir");
					cd = first_line(common);
					free(common);
					if (cd) {
						char *abs = cd[0] == '/' ? xstrdup(cd) : path_join(gitdir, cd);
						char *real = resolved(abs);
						char *s2 = strrchr(real, '/');

						/* <main>/.git → <main> */
						if (s2 && strcmp(s2, "/.git") == 0 && s2 != real) {
							*s2 = '\0';
							free(d);
							d = xstrdup(real);
						}
						free(real);
						free(abs);
					}
					free(cd);
					free(gitdir);
				}
				free(line);
			}
			free(dotgit);
			return d;
		}
		free(dotgit);
		slash = strrchr(d, '/');
		if (slash == NULL || slash == d)
			break;
		*slash = '\0';
	}
	free(d);
	return NULL;
}

static const cJSON *
claude_project_entry(struct scan_ctx *x, const char *key)
{
	const cJSON *projects = cJSON_GetObjectItemCaseSensitive(x->claude_json, "projects");

	return cJSON_IsObject(projects) && key ? cJSON_GetObjectItemCaseSensitive(projects, key) : NULL;
}

static int
enables(const cJSON *settings, const char *norm)
{
	return list_has(settings, "enabledMcpjsonServers", norm) ||
	       flag_true(settings, "enableAllProjectMcpServers");
}

/*
 * clients.md §1.2 ".mcp.json approval", rules in order, for a Claude Code
 * session started in the project directory: the ~/.claude.json entry is
 * keyed by the git root (main worktree), else the directory itself; the
 * .claude/settings*.json files are read from the directory.
 */
static void
claude_approvals(struct scan_ctx *x, struct mcp_config *cfg)
{
	char *root = git_root_of(cfg->project_path);
	const cJSON *proj = claude_project_entry(x, root ? root : cfg->project_path);
	char *p;
	cJSON *local = NULL, *shared = NULL;
	int trusted = flag_true(proj, "hasTrustDialogAccepted");
	int in_git = root != NULL;
	size_t i;

	p = path_join(cfg->project_path, ".claude/settings.local.json");
	local = load_quiet(p, TREE_FMT_JSONC);
	free(p);
	p = path_join(cfg->project_path, ".claude/settings.json");
	shared = load_quiet(p, TREE_FMT_JSONC);
	free(p);
	for (i = 0; i < cfg->n_servers; i++) {
		struct mcp_server *s = &cfg->servers[i];
		char *n = claude_norm(s->name);
		const cJSON *srcs[] = { x->claude_settings, shared, local, proj };
		size_t k;
		int rejected = 0, merged = 0, untrusted_ok;

		for (k = 0; k < 4; k++) {
			if (list_has(srcs[k], "disabledMcpjsonServers", n))
				rejected = 1;
			if (enables(srcs[k], n))
				merged = 1;
		}
		/* Untrusted: only user settings, or the local file (and the legacy
		 * project entry, which Claude moves into it) when in git. */
		untrusted_ok = enables(x->claude_settings, n) ||
			       (in_git && (enables(local, n) || enables(proj, n)));
		if (rejected)
			s->approval = APPROVAL_REJECTED;
		else if (trusted ? merged : untrusted_ok)
			s->approval = APPROVAL_APPROVED;
		else
			s->approval = APPROVAL_PENDING;
		free(n);
	}
	cJSON_Delete(local);
	cJSON_Delete(shared);
	free(root);
}

static int
codex_trusted_key(struct scan_ctx *x, const char *key)
{
	const cJSON *projects = cJSON_GetObjectItemCaseSensitive(x->codex_config, "projects");
	const cJSON *p = cJSON_IsObject(projects) && key ?
		cJSON_GetObjectItemCaseSensitive(projects, key) : NULL;
	const cJSON *t = cJSON_IsObject(p) ? cJSON_GetObjectItemCaseSensitive(p, "trust_level") : NULL;

	return cJSON_IsString(t) && strcmp(t->valuestring, "trusted") == 0;
}

/* Codex (clients.md §2.2): the directory's own key, then the project root's
 * (nearest .git; the main worktree for a linked one). A trusted parent of the
 * root does not count. */
static char *
codex_trust(struct scan_ctx *x, const char *project)
{
	char *root;
	int ok = codex_trusted_key(x, project);

	if (!ok && (root = git_root_of(project)) != NULL) {
		ok = codex_trusted_key(x, root);
		free(root);
	}
	return xstrdup(ok ? "trusted" : "untrusted");
}

/* Gemini: the longest matching rule of trustedFolders.json decides;
 * TRUST_PARENT trusts the parent of the named folder. */
static char *
gemini_trust(struct scan_ctx *x, const char *project)
{
	const cJSON *c;
	size_t best = 0;
	int found = 0, trusted = 0;

	cJSON_ArrayForEach(c, x->gemini_trust) {
		const char *rule;
		size_t l;
		int parent;

		if (c->string == NULL || !cJSON_IsString(c) || c->string[0] != '/')
			continue;
		parent = strcmp(c->valuestring, "TRUST_PARENT") == 0;
		l = strlen(c->string);
		while (l > 1 && c->string[l - 1] == '/')
			l--;
		if (parent) {
			while (l > 1 && c->string[l - 1] != '/')
				l--;
			if (l > 1)
				l--;
		}
		rule = c->string;
		if (strncmp(project, rule, l) != 0 ||
		    (l > 1 && project[l] != '\0' && project[l] != '/'))
			continue;
		if (!found || l >= best) {
			best = l;
			found = 1;
			trusted = strcmp(c->valuestring, "TRUST_FOLDER") == 0 || parent;
		}
	}
	return xstrdup(trusted ? "trusted" : "untrusted");
}

static void
add_issue_err(struct scan_ctx *x, const char *client, const struct err *e, int is_error)
{
	scan_result_add_issue(x->r, client, e->path[0] ? e->path : NULL, e->line, e->col,
			      e->msg, is_error);
}

static void
fill_meta(struct mcp_config *cfg, const char *client, const char *path, const struct stat *st,
	  enum config_scope scope, const char *project)
{
	cfg->client = xstrdup(client);
	cfg->config_path = xstrdup(path);
	cfg->mtime = st->st_mtim;
	cfg->scope = scope;
	cfg->project_path = project ? xstrdup(project) : NULL;
}

static void
add_project(struct scan_ctx *x, const char *dir)
{
	if (dir && dir[0] == '/' && x->projects.n < SCAN_MAX_PROJECTS)
		path_list_add(&x->projects, xstrdup(dir));
}

/* Claude Code local scope: ~/.claude.json projects.<path>.mcpServers. */
static void
claude_project_sections(struct scan_ctx *x, const struct client_def *def, const cJSON *tree,
			const char *path, const struct stat *st)
{
	const cJSON *projects = cJSON_GetObjectItemCaseSensitive(tree, "projects");
	const cJSON *p;

	if (!cJSON_IsObject(projects))
		return;
	cJSON_ArrayForEach(p, projects) {
		const cJSON *servers = cJSON_IsObject(p) ?
			cJSON_GetObjectItemCaseSensitive(p, "mcpServers") : NULL;
		const cJSON *disabled = cJSON_IsObject(p) ?
			cJSON_GetObjectItemCaseSensitive(p, "disabledMcpServers") : NULL;
		struct mcp_config cfg;
		size_t i;

		if (p->string == NULL || p->string[0] == '\0')
			continue;
		add_project(x, p->string);
		if (!cJSON_IsObject(servers) || servers->child == NULL)
			continue;
		memset(&cfg, 0, sizeof(cfg));
		fill_meta(&cfg, def->id, path, st, SCOPE_PROJECT, p->string);
		extract_servers(def, servers, 0, NULL, &cfg, NULL);
		for (i = 0; i < cfg.n_servers; i++) {
			const cJSON *c;

			cJSON_ArrayForEach(c, disabled)
				if (cJSON_IsString(c) && strcmp(c->valuestring, cfg.servers[i].name) == 0)
					cfg.servers[i].disabled = 1;
		}
		scan_result_add_config(x->r, &cfg);
	}
}

/* Project lists other clients keep. */
static void
collect_listed_projects(struct scan_ctx *x, const struct client_def *def, const cJSON *tree)
{
	if (def->dialect & DIA_CODEX_PROJECTS) {
		const cJSON *projects = cJSON_GetObjectItemCaseSensitive(tree, "projects");
		const cJSON *p;

		cJSON_ArrayForEach(p, projects)
			add_project(x, p->string);
	}
}

/* "file:///a/b%20c" → "/a/b c"; NULL for other schemes or remote hosts. */
static char *
file_uri_path(const char *uri)
{
	struct buf b = BUF_INIT;
	const char *p;

	if (strncmp(uri, "file://", 7) != 0)
		return NULL;
	p = uri + 7;
	if (strncmp(p, "localhost/", 10) == 0)
		p += 9;
	if (*p != '/')
		return NULL;
	for (; *p && *p != '?' && *p != '#'; p++) {
		int hi, lo;

		if (*p == '%' && (hi = hex_value(p[1])) >= 0 && (lo = hex_value(p[2])) >= 0) {
			char c = (char)(hi * 16 + lo);

			if (c == '\0') {
				buf_release(&b);
				return NULL;
			}
			buf_addc(&b, c);
			p += 2;
		} else {
			buf_addc(&b, *p);
		}
	}
	return buf_detach(&b, NULL);
}

/*
 * VS Code forks remember opened folders in <VSU>/workspaceStorage/<hash>/
 * workspace.json: "folder" is a file URI; "workspace" names a
 * .code-workspace file whose folders[] are relative to it.
 */
static void
vscode_workspace_projects(struct scan_ctx *x)
{
	struct path_list l = { NULL, 0, 0 };
	size_t i;

	if (paths_expand(&x->pc, "{VSU}/workspaceStorage/*/workspace.json", &l) < 0)
		return;
	for (i = 0; i < l.n; i++) {
		cJSON *t = load_quiet(l.v[i], TREE_FMT_JSONC);
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(t, "folder");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(t, "workspace");
		char *dir;

		if (cJSON_IsString(f) && (dir = file_uri_path(f->valuestring)) != NULL) {
			add_project(x, dir);
			free(dir);
		}
		if (cJSON_IsString(w) && (dir = file_uri_path(w->valuestring)) != NULL) {
			cJSON *ws = load_quiet(dir, TREE_FMT_JSONC);
			const cJSON *folders = cJSON_GetObjectItemCaseSensitive(ws, "folders");
			const cJSON *c;
			char *base = xstrdup(dir), *slash = strrchr(base, '/');

			if (slash)
				*slash = '\0';
			cJSON_ArrayForEach(c, folders) {
				const cJSON *fp = cJSON_GetObjectItemCaseSensitive(c, "path");
				char *abs;

				if (!cJSON_IsString(fp) || fp->valuestring[0] == '\0')
					continue;
				abs = fp->valuestring[0] == '/' ? xstrdup(fp->valuestring)
								 : path_join(base, fp->valuestring);
				add_project(x, abs);
				free(abs);
			}
			free(base);
			cJSON_Delete(ws);
			free(dir);
		}
		cJSON_Delete(t);
	}
	path_list_release(&l);
}

/* Gemini's trusted folders are projects the user works in. */
static void
gemini_projects(struct scan_ctx *x)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, x->gemini_trust)
		add_project(x, c->string);
}

/*
 * Read one file for one client. Missing files are silent; unreadable or
 * broken ones become issues. Returns 1 when the file existed.
 */
static int
process_file(struct scan_ctx *x, const struct client_def *def, const char *path,
	     enum config_scope scope, const char *project, int managed)
{
	struct stat st;
	struct err e = ERR_INIT;
	cJSON *tree = NULL;
	const cJSON *container;
	struct mcp_config cfg;
	char *real, *key;
	int is_list = 0, r;

	if (lstat(path, &st) < 0)
		return 0;
	real = resolved(path);
	key = xasprintf("%s:%s", def->id, real);
	if ((scope == SCOPE_PROJECT && strset_has(&x->global_files, real)) ||
	    !strset_add(&x->done, key)) {
		free(real);
		free(key);
		return 1;
	}
	if (scope == SCOPE_GLOBAL)
		strset_add(&x->global_files, real);
	free(key);
	free(real);

	r = tree_parse_file(path, TREE_FMT_UNKNOWN, NULL, &tree, &e);
	/* An empty or comment-only file holds no servers; editors create them. */
	if (r == -ERR_PARSE && strcmp(e.msg, "empty document") == 0)
		return 1;
	if (r < 0) {
		err_set_path(&e, path);
		/* A symlink or FIFO where a config should be is reported, not read. */
		add_issue_err(x, def->id, &e, r == -ERR_PARSE || r == -ERR_LIMIT);
		return 1;
	}
	if (lstat(path, &st) < 0)
		memset(&st, 0, sizeof(st));
	if (scope == SCOPE_GLOBAL)
		collect_listed_projects(x, def, tree);

	container = extract_container(def, tree, &is_list);
	if (container) {
		memset(&cfg, 0, sizeof(cfg));
		fill_meta(&cfg, def->id, path, &st, scope, project);
		cfg.managed = managed;
		extract_servers(def, container, is_list, NULL, &cfg, NULL);
		if (scope == SCOPE_PROJECT) {
			if (strcmp(def->id, "claude_code") == 0)
				claude_approvals(x, &cfg);
			else if (def->dialect & DIA_CODEX)
				cfg.trust = codex_trust(x, project);
			else if (def->dialect & DIA_GEMINI_TRUST)
				cfg.trust = gemini_trust(x, project);
		}
		if (cfg.n_servers)
			scan_result_add_config(x->r, &cfg);
		else
			mcp_config_release(&cfg);
	}
	/* Claude Code's local scope lives in the same file, after the user's. */
	if (def->dialect & DIA_CLAUDE_PROJECTS && scope == SCOPE_GLOBAL)
		claude_project_sections(x, def, tree, path, &st);
	cJSON_Delete(tree);
	return 1;
}

static int
os_matches(unsigned mask, unsigned os)
{
	return (mask & os) != 0;
}

static void
scan_globals(struct scan_ctx *x)
{
	size_t i;

	for (i = 0; i < catalog_len; i++) {
		const struct client_def *def = &catalog[i];
		const struct cat_path *p;

		if (def->shares)
			continue;
		for (p = def->globals; p->tmpl; p++) {
			struct path_list l = { NULL, 0, 0 };
			size_t k;

			if (!os_matches(p->os, x->o->os))
				continue;
			if (paths_expand(&x->pc, p->tmpl, &l) < 0)
				continue;
			for (k = 0; k < l.n; k++)
				process_file(x, def, l.v[k], SCOPE_GLOBAL, NULL,
					     (p->flags & CAT_MANAGED) != 0);
			path_list_release(&l);
		}
	}
}

static size_t
components(const char *pattern)
{
	size_t n = 1;

	for (; *pattern; pattern++)
		n += *pattern == '/';
	return n;
}

/* Does path end with "/" + pattern (a literal relative path)? */
static int
pattern_matches(const char *path, const char *pattern)
{
	size_t lp = strlen(path), lt = strlen(pattern);

	return lp > lt && path[lp - lt - 1] == '/' && strcmp(path + lp - lt, pattern) == 0;
}

/* Project root of a hit: strip the pattern's components from the path. */
static char *
project_root(const char *path, const char *pattern)
{
	size_t comps = 1, len = strlen(path);
	const char *c;

	for (c = pattern; *c; c++)
		if (*c == '/')
			comps++;
	while (comps > 0 && len > 0) {
		while (len > 0 && path[len - 1] != '/')
			len--;
		if (len > 0)
			len--;
		comps--;
	}
	return len ? xstrndup(path, len) : xstrdup("/");
}

struct proj_pattern {
	const char *pattern;
	const struct client_def *def;
};

static size_t
collect_patterns(struct proj_pattern **out)
{
	size_t i, n = 0, cap = 64;
	struct proj_pattern *v = xcalloc(cap, sizeof(*v));

	for (i = 0; i < catalog_len; i++) {
		const char *const *p;

		for (p = catalog[i].projects; *p; p++) {
			if (n == cap) {
				cap *= 2;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[n].pattern = *p;
			v[n].def = &catalog[i];
			n++;
		}
	}
	*out = v;
	return n;
}

/* Each listed project and its ancestors (Claude reads .mcp.json upwards). */
static void
scan_listed_projects(struct scan_ctx *x, const struct proj_pattern *pats, size_t npats)
{
	size_t i, k;

	for (i = 0; i < x->projects.n; i++) {
		char *dir = xstrdup(x->projects.v[i]);
		int first = 1;

		for (;;) {
			struct stat st;
			char *slash;

			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
				for (k = 0; k < npats; k++) {
					char *f;

					/* Ancestors count only for Claude's .mcp.json. */
					if (!first && strcmp(pats[k].pattern, ".mcp.json") != 0)
						continue;
					f = path_join(dir, pats[k].pattern);
					process_file(x, pats[k].def, f, SCOPE_PROJECT, dir, 0);
					free(f);
				}
			}
			first = 0;
			slash = strrchr(dir, '/');
			if (slash == NULL || slash == dir)
				break;
			*slash = '\0';
		}
		free(dir);
	}
}

static int
scan_crawl(struct scan_ctx *x, const struct proj_pattern *pats, size_t npats, struct err *e)
{
	struct walk_opts wo;
	struct walk_result wr = WALK_RESULT_INIT;
	const char **patterns = xcalloc(npats + 1, sizeof(*patterns));
	size_t i;
	int r;

	for (i = 0; i < npats; i++)
		patterns[i] = pats[i].pattern;
	memset(&wo, 0, sizeof(wo));
	wo.root = x->o->home;
	wo.patterns = patterns;
	wo.excludes = catalog_crawl_excludes;
	wo.max_depth = x->o->project_depth;
	wo.timeout = x->o->project_timeout;
	wo.threads = x->o->threads;
	r = walk_run(&wo, &wr, e);
	if (r == 0) {
		for (i = 0; i < wr.n_hits; i++) {
			size_t k, best = 0;

			/* A file may match several patterns (".warp/.mcp.json" also
			 * ends in ".mcp.json"): the most specific one names the
			 * client; equally specific ones each get it. */
			for (k = 0; k < npats; k++)
				if (pattern_matches(wr.hits[i].path, pats[k].pattern) &&
				    components(pats[k].pattern) > best)
					best = components(pats[k].pattern);
			for (k = 0; k < npats; k++) {
				char *root;

				if (components(pats[k].pattern) != best ||
				    !pattern_matches(wr.hits[i].path, pats[k].pattern))
					continue;
				root = project_root(wr.hits[i].path, pats[k].pattern);
				process_file(x, pats[k].def, wr.hits[i].path, SCOPE_PROJECT, root, 0);
				free(root);
			}
		}
		x->r->dirs_visited = wr.dirs_visited;
		x->r->files_seen = wr.files_seen;
		x->r->skipped_permission = wr.skipped_permission;
		x->r->skipped_symlink = wr.skipped_symlink;
		x->r->skipped_excluded = wr.skipped_excluded;
		x->r->crawl_timed_out = wr.timed_out;
		x->r->crawl_truncated = wr.truncated;
		for (i = 0; i < wr.n_problems; i++) {
			char msg[256];

			snprintf(msg, sizeof(msg), "cannot read directory: %s",
				 strerror(wr.problems[i].sys_errno));
			scan_result_add_issue(x->r, NULL, wr.problems[i].path, 0, 0, msg, 0);
		}
	}
	walk_result_release(&wr);
	free(patterns);
	return r;
}

static int
name_in(const cJSON *arr, const char *name)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, arr)
		if (cJSON_IsString(c) && strcmp(c->valuestring, name) == 0)
			return 1;
	return 0;
}

/*
 * Gemini CLI switches servers off by name outside their own entries
 * (clients.md §1.4 "Off"): ~/.gemini/mcp-server-enablement.json
 * {"<lowercased>": {"enabled": false}}, and mcp.excluded / mcp.allowed in
 * the user and system settings. Applied to every gemini_cli configuration.
 */
static void
gemini_switches(struct scan_ctx *x)
{
	static const char *const settings_tmpl[] = {
		"{env:GEMINI_CLI_HOME|~}/.gemini/settings.json", "/etc/gemini-cli/settings.json",
		"/Library/Application Support/GeminiCli/settings.json",
		"{PROGRAMDATA}/gemini-cli/settings.json", NULL
	};
	static const unsigned settings_os[] = { CAT_ALL, CAT_LINUX, CAT_DARWIN, CAT_WINDOWS };
	struct path_list l = { NULL, 0, 0 };
	cJSON *enablement = NULL, *settings[4] = { NULL, NULL, NULL, NULL };
	size_t i, k, j;

	if (paths_expand(&x->pc, "{env:GEMINI_CLI_HOME|~}/.gemini/mcp-server-enablement.json", &l) == 0 && l.n)
		enablement = load_quiet(l.v[0], TREE_FMT_JSONC);
	path_list_release(&l);
	for (i = 0; settings_tmpl[i]; i++) {
		if (!(settings_os[i] & x->pc.os))
			continue;
		if (paths_expand(&x->pc, settings_tmpl[i], &l) == 0 && l.n)
			settings[i] = load_quiet(l.v[0], TREE_FMT_JSONC);
		path_list_release(&l);
	}
	for (i = 0; i < x->r->n_configs; i++) {
		struct mcp_config *c = &x->r->configs[i];

		if (strcmp(c->client, "gemini_cli") != 0)
			continue;
		for (k = 0; k < c->n_servers; k++) {
			struct mcp_server *s = &c->servers[k];
			char *lower = xstrdup(s->name), *q;
			const cJSON *en;

			for (q = lower; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q = (char)(*q - 'A' + 'a');
			en = cJSON_GetObjectItemCaseSensitive(enablement, lower);
			if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(en, "enabled")))
				s->disabled = 1;
			for (j = 0; j < 4; j++) {
				const cJSON *mcp = cJSON_GetObjectItemCaseSensitive(settings[j], "mcp");
				const cJSON *allowed = cJSON_GetObjectItemCaseSensitive(mcp, "allowed");

				if (name_in(cJSON_GetObjectItemCaseSensitive(mcp, "excluded"), s->name))
					s->disabled = 1;
				if (cJSON_IsArray(allowed) && !name_in(allowed, s->name))
					s->disabled = 1;
			}
			free(lower);
		}
	}
	cJSON_Delete(enablement);
	for (j = 0; j < 4; j++)
		cJSON_Delete(settings[j]);
}

/*
 * Git provenance of every project config, in one libgit2 session cached per
 * repository. Discovery stops above the home, so a home kept inside some
 * other work tree (a test fixture) is not attributed to it.
 */
static void
scan_git(struct scan_result *r, const char *home)
{
	struct git_cache *gc = NULL;
	char *real = realpath(home, NULL), *ceiling = NULL, *slash;
	size_t i;

	if (real && (slash = strrchr(real, '/')) != NULL)
		ceiling = slash == real ? xstrdup("/") : xstrndup(real, (size_t)(slash - real));
	for (i = 0; i < r->n_configs; i++) {
		struct mcp_config *c = &r->configs[i];

		if (c->scope != SCOPE_PROJECT || c->git)
			continue;
		if (gc == NULL)
			gc = git_cache_new(ceiling);
		git_provenance(gc, c->config_path, c->project_path, &c->git, NULL);
	}
	git_cache_free(gc);
	free(ceiling);
	free(real);
}

int
scan_run(const struct scan_opts *o, struct scan_result *r, struct err *e)
{
	struct scan_ctx x;
	struct timespec t0, t1;
	struct proj_pattern *pats = NULL;
	size_t npats;
	struct stat st;
	char *p;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (stat(o->home, &st) < 0 || !S_ISDIR(st.st_mode)) {
		err_set_path(e, o->home);
		return err_set(e, ERR_NOTFOUND, "home directory not found");
	}
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.r = r;
	x.pc.home = o->home;
	x.pc.root = o->root ? o->root : "";
	x.pc.os = o->os;
	x.pc.live = o->live;

	/* State other decisions depend on (approvals, trust). */
	{
		struct path_list l = { NULL, 0, 0 };

		if (paths_expand(&x.pc, "{env:CLAUDE_CONFIG_DIR|~}/.claude.json", &l) == 0 && l.n)
			x.claude_json = load_quiet(l.v[0], TREE_FMT_JSONC);
		path_list_release(&l);
		if (paths_expand(&x.pc, "{env:CLAUDE_CONFIG_DIR|~/.claude}/settings.json", &l) == 0 && l.n)
			x.claude_settings = load_quiet(l.v[0], TREE_FMT_JSONC);
		path_list_release(&l);
		if (paths_expand(&x.pc, "{env:CODEX_HOME|~/.codex}/config.toml", &l) == 0 && l.n)
			x.codex_config = load_quiet(l.v[0], TREE_FMT_TOML);
		path_list_release(&l);
		if (paths_expand(&x.pc, "{env:GEMINI_CLI_HOME|~}/.gemini/trustedFolders.json", &l) == 0 && l.n)
			x.gemini_trust = load_quiet(l.v[0], TREE_FMT_JSONC);
		path_list_release(&l);
	}
	(void)p;

	scan_globals(&x);
	plugins_scan(&x.pc, r);
	npats = collect_patterns(&pats);
	if (!o->no_projects) {
		vscode_workspace_projects(&x);
		gemini_projects(&x);
		scan_listed_projects(&x, pats, npats);
		ret = scan_crawl(&x, pats, npats, e);
		if (ret < 0) {
			/* A crawl that cannot start is an issue, not a failed scan. */
			add_issue_err(&x, NULL, e, 0);
			ret = 0;
		}
	}
	free(pats);
	gemini_switches(&x);
	scan_git(r, o->home);
	path_list_release(&x.projects);
	strset_release(&x.done);
	strset_release(&x.global_files);
	cJSON_Delete(x.claude_json);
	cJSON_Delete(x.claude_settings);
	cJSON_Delete(x.codex_config);
	cJSON_Delete(x.gemini_trust);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->duration_ms = (long long)(t1.tv_sec - t0.tv_sec) * 1000 +
			 (t1.tv_nsec - t0.tv_nsec) / 1000000;
	return ret;
}
