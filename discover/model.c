/* Lifetimes and counts of scan results (configs, servers, issues). */
#include "discover/model.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

void
mcp_server_release(struct mcp_server *s)
{
	free(s->name);
	free(s->type);
	free(s->wire_type);
	free(s->command);
	free(s->url);
	cJSON_Delete(s->args);
	cJSON_Delete(s->env);
	cJSON_Delete(s->headers);
	memset(s, 0, sizeof(*s));
}

void
git_info_free(struct git_info *g)
{
	if (g == NULL)
		return;
	free(g->repo_root);
	free(g->remote_url);
	free(g->branch);
	free(g->commit);
	free(g->status);
	free(g);
}

void
mcp_config_release(struct mcp_config *c)
{
	size_t i;

	git_info_free(c->git);
	for (i = 0; i < c->n_servers; i++)
		mcp_server_release(&c->servers[i]);
	free(c->servers);
	free(c->client);
	free(c->config_path);
	free(c->project_path);
	free(c->plugin_identifier);
	free(c->trust);
	memset(c, 0, sizeof(*c));
}

void
scan_result_release(struct scan_result *r)
{
	size_t i;

	for (i = 0; i < r->n_configs; i++)
		mcp_config_release(&r->configs[i]);
	free(r->configs);
	for (i = 0; i < r->n_issues; i++) {
		free(r->issues[i].client);
		free(r->issues[i].path);
		free(r->issues[i].message);
	}
	free(r->issues);
	memset(r, 0, sizeof(*r));
}

void
scan_result_add_config(struct scan_result *r, struct mcp_config *c)
{
	if (r->n_configs == r->cap_configs) {
		r->cap_configs = r->cap_configs ? r->cap_configs * 2 : 16;
		r->configs = xreallocarray(r->configs, r->cap_configs, sizeof(*r->configs));
	}
	r->configs[r->n_configs++] = *c;
	memset(c, 0, sizeof(*c));
}

void
scan_result_add_issue(struct scan_result *r, const char *client, const char *path,
		      unsigned long line, unsigned long col, const char *msg, int is_error)
{
	struct scan_issue *i;

	if (r->n_issues == r->cap_issues) {
		r->cap_issues = r->cap_issues ? r->cap_issues * 2 : 8;
		r->issues = xreallocarray(r->issues, r->cap_issues, sizeof(*r->issues));
	}
	i = &r->issues[r->n_issues++];
	i->client = client ? xstrdup(client) : NULL;
	i->path = path ? xstrdup(path) : NULL;
	i->line = line;
	i->col = col;
	i->message = xstrdup(msg ? msg : "");
	i->is_error = is_error;
}

const char *
config_scope_name(enum config_scope s)
{
	return s == SCOPE_PROJECT ? "project" : s == SCOPE_PLUGIN ? "plugin" : "global";
}

const char *
approval_name(enum approval a)
{
	switch (a) {
	case APPROVAL_APPROVED: return "approved";
	case APPROVAL_PENDING: return "pending";
	case APPROVAL_REJECTED: return "rejected";
	default: return NULL;
	}
}

void
scan_result_counts(const struct scan_result *r, size_t *servers, size_t *configs,
		   size_t *global, size_t *project, size_t *plugin)
{
	size_t i, n = 0, g = 0, p = 0, pl = 0, m = 0;

	for (i = 0; i < r->n_configs; i++) {
		if (r->configs[i].n_servers == 0)
			continue;
		m++;
		n += r->configs[i].n_servers;
		if (r->configs[i].scope == SCOPE_GLOBAL)
			g++;
		else if (r->configs[i].scope == SCOPE_PROJECT)
			p++;
		else
			pl++;
	}
	if (servers) *servers = n;
	if (configs) *configs = m;
	if (global) *global = g;
	if (project) *project = p;
	if (plugin) *plugin = pl;
}
