/* Builds the contract's scan payload from a scan result and the device
 * identity; the same object is printed by --dry-run and submitted. */
#include "net/payload.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "parsers/tree.h"
#include "util/banned.h"

void
payload_format_time(const struct timespec *t, char *out, size_t n)
{
	struct tm tm;
	time_t s = t->tv_sec;
	long us = t->tv_nsec / 1000;

	gmtime_r(&s, &tm);
	if (us)
		snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld+00:00", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
	else
		snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
add_str_or_null(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void
add_copy_or_null(cJSON *o, const char *k, const cJSON *v)
{
	if (v)
		cJSON_AddItemToObject(o, k, cJSON_Duplicate(v, 1));
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *
server_json(const struct mcp_config *c, const struct mcp_server *s)
{
	cJSON *o = cJSON_CreateObject();
	const char *approval = approval_name(s->approval);

	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "type", s->wire_type);
	add_str_or_null(o, "command", s->command);
	add_copy_or_null(o, "args", s->args);
	add_str_or_null(o, "url", s->url);
	add_copy_or_null(o, "env", s->env);
	add_copy_or_null(o, "headers", s->headers);
	cJSON_AddStringToObject(o, "config_hash", s->config_hash);
	if (c->scope == SCOPE_PROJECT && c->project_path)
		cJSON_AddStringToObject(o, "project_names", c->project_path);
	else if (c->scope == SCOPE_PLUGIN && c->plugin_identifier)
		cJSON_AddStringToObject(o, "project_names", c->plugin_identifier);
	else
		cJSON_AddNullToObject(o, "project_names");
	cJSON_AddBoolToObject(o, "disabled", s->disabled);
	if (approval)
		cJSON_AddStringToObject(o, "approval", approval);
	return o;
}

cJSON *
payload_build(const struct device_info *dev, const struct scan_result *r,
	      const struct payload_opts *o)
{
	cJSON *root = cJSON_CreateObject(), *configs;
	size_t i, k;

	cJSON_AddStringToObject(root, "device_id", dev->device_id);
	add_str_or_null(root, "hostname", dev->hostname);
	add_str_or_null(root, "os", dev->os);
	add_str_or_null(root, "os_version", dev->os_version);
	add_str_or_null(root, "username", dev->username);
	add_str_or_null(root, "org_device_id", o ? o->org_device_id : NULL);
	cJSON_AddItemToObject(root, "scan_duration_ms", tree_new_integer(r->duration_ms));
	add_str_or_null(root, "collector_version", o ? o->collector_version : NULL);
	if (dev->is_wsl)
		cJSON_AddTrueToObject(root, "is_wsl");
	configs = cJSON_AddArrayToObject(root, "configurations");
	for (i = 0; i < r->n_configs; i++) {
		const struct mcp_config *c = &r->configs[i];
		cJSON *co, *servers;
		char when[64];

		if (c->n_servers == 0)
			continue;
		co = cJSON_CreateObject();
		cJSON_AddStringToObject(co, "client", c->client);
		cJSON_AddNullToObject(co, "client_version");
		add_str_or_null(co, "config_path", c->config_path);
		if (c->mtime.tv_sec || c->mtime.tv_nsec) {
			payload_format_time(&c->mtime, when, sizeof(when));
			cJSON_AddStringToObject(co, "config_modified_at", when);
		} else {
			cJSON_AddNullToObject(co, "config_modified_at");
		}
		cJSON_AddStringToObject(co, "config_scope", config_scope_name(c->scope));
		add_str_or_null(co, "project_path", c->scope == SCOPE_PROJECT ? c->project_path : NULL);
		add_str_or_null(co, "plugin_identifier",
				c->scope == SCOPE_PLUGIN ? c->plugin_identifier : NULL);
		servers = cJSON_AddArrayToObject(co, "servers");
		for (k = 0; k < c->n_servers; k++)
			cJSON_AddItemToArray(servers, server_json(c, &c->servers[k]));
		if (c->managed)
			cJSON_AddTrueToObject(co, "managed");
		if (c->trust)
			cJSON_AddStringToObject(co, "trust", c->trust);
		if (c->git) {
			cJSON *g = cJSON_AddObjectToObject(co, "git");

			add_str_or_null(g, "repo_root", c->git->repo_root);
			add_str_or_null(g, "remote_url", c->git->remote_url);
			add_str_or_null(g, "branch", c->git->branch);
			add_str_or_null(g, "commit", c->git->commit);
			add_str_or_null(g, "status", c->git->status);
		}
		cJSON_AddItemToArray(configs, co);
	}
	return root;
}
