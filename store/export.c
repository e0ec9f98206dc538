/* Export rows as JSON objects and as RFC 4180 CSV with formula-injection
 * neutralisation (cells starting with = + - @ tab CR). */
#include "store/export.h"

#include <stdlib.h>
#include <string.h>

#include "parsers/tree.h"
#include "util/banned.h"

void
store_csv_cell(struct buf *b, const char *v)
{
	const char *p;
	int quote, neutral;

	if (v == NULL || *v == '\0')
		return;
	neutral = strchr("=+-@\t\r", v[0]) != NULL;
	quote = strpbrk(v, "\",\r\n") != NULL;
	if (quote)
		buf_addc(b, '"');
	if (neutral)
		buf_addc(b, '\'');
	for (p = v; *p; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	if (quote)
		buf_addc(b, '"');
}

static const char *const columns[] = {
	"device_id", "hostname", "username", "user_email", "resolution_tier", "client", "scope", "config_path", "project_path",
	"plugin_identifier", "server_name", "type", "command", "args", "url", "env", "headers",
	"config_hash", "disabled", "approval", "config_modified_at", "content_hash", "parse_error",
	"trust", "git_repo_root", "git_remote_url", "git_branch", "git_commit", "git_status",
	"first_seen", "last_seen", "status",
};

void
store_export_csv_header(struct buf *b)
{
	size_t i;

	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		if (i)
			buf_addc(b, ',');
		store_csv_cell(b, columns[i]);
	}
	buf_adds(b, "\r\n");
}

static const char *
row_status(const struct store_server_row *r)
{
	return r->present ? "present" : "removed";
}

void
store_export_csv_row(struct buf *b, const struct store_server_row *r)
{
	store_export_csv_row_user(b, r, NULL);
}

void
store_export_csv_row_user(struct buf *b, const struct store_server_row *r,
			  const struct store_export_user *u)
{
	const char *cells[] = {
		r->device_id, r->hostname, r->username, u ? u->email : NULL, u ? u->tier : NULL,
		r->client, r->scope, r->config_path,
		r->project_path, r->plugin_id, r->name, r->wire_type ? r->wire_type : r->type,
		r->command, r->args, r->url, r->env, r->headers, r->config_hash,
		r->disabled ? "true" : "false", r->approval, r->config_mtime, r->content_hash,
		r->parse_error, r->trust, r->git_repo_root, r->git_remote_url, r->git_branch,
		r->git_commit, r->git_status, r->first_seen, r->last_seen, row_status(r),
	};
	size_t i;

	for (i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		if (i)
			buf_addc(b, ',');
		store_csv_cell(b, cells[i]);
	}
	buf_adds(b, "\r\n");
}

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void
add_json(cJSON *o, const char *k, const char *text)
{
	cJSON *j = text ? cJSON_Parse(text) : NULL;

	if (j)
		cJSON_AddItemToObject(o, k, j);
	else
		cJSON_AddNullToObject(o, k);
}

cJSON *
store_export_row_json(const struct store_server_row *r)
{
	return store_export_row_json_user(r, NULL);
}

cJSON *
store_export_row_json_user(const struct store_server_row *r, const struct store_export_user *u)
{
	cJSON *o = cJSON_CreateObject(), *g;

	add_str(o, "device_id", r->device_id);
	add_str(o, "hostname", r->hostname);
	add_str(o, "username", r->username);
	if (u) {
		add_str(o, "user_email", u->email);
		add_str(o, "resolution_tier", u->tier);
	}
	add_str(o, "client", r->client);
	add_str(o, "scope", r->scope);
	add_str(o, "config_path", r->config_path);
	add_str(o, "project_path", r->project_path);
	add_str(o, "plugin_identifier", r->plugin_id);
	add_str(o, "server_name", r->name);
	add_str(o, "type", r->wire_type ? r->wire_type : r->type);
	add_str(o, "command", r->command);
	add_json(o, "args", r->args);
	add_str(o, "url", r->url);
	add_json(o, "env", r->env);
	add_json(o, "headers", r->headers);
	add_str(o, "config_hash", r->config_hash);
	cJSON_AddBoolToObject(o, "disabled", r->disabled);
	add_str(o, "approval", r->approval);
	add_str(o, "config_modified_at", r->config_mtime);
	add_str(o, "content_hash", r->content_hash);
	add_str(o, "parse_error", r->parse_error);
	add_str(o, "trust", r->trust);
	if (r->git_repo_root) {
		g = cJSON_AddObjectToObject(o, "git");
		add_str(g, "repo_root", r->git_repo_root);
		add_str(g, "remote_url", r->git_remote_url);
		add_str(g, "branch", r->git_branch);
		add_str(g, "commit", r->git_commit);
		add_str(g, "status", r->git_status);
	} else {
		cJSON_AddNullToObject(o, "git");
	}
	add_str(o, "first_seen", r->first_seen);
	add_str(o, "last_seen", r->last_seen);
	add_str(o, "status", row_status(r));
	cJSON_AddBoolToObject(o, "carried", r->carried);
	return o;
}

void
store_export_csv_row_from_json(struct buf *b, const cJSON *row)
{
	const cJSON *git = cJSON_GetObjectItemCaseSensitive(row, "git"), *v;
	size_t i;

	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		const char *col = columns[i];
		char *text = NULL;

		if (i)
			buf_addc(b, ',');
		if (strncmp(col, "git_", 4) == 0)
			v = cJSON_GetObjectItemCaseSensitive(git, col + 4);
		else
			v = cJSON_GetObjectItemCaseSensitive(row, col);
		if (cJSON_IsString(v)) {
			store_csv_cell(b, v->valuestring);
		} else if (cJSON_IsBool(v)) {
			store_csv_cell(b, cJSON_IsTrue(v) ? "true" : "false");
		} else if (v && !cJSON_IsNull(v)) {
			text = tree_print(v, 0, 0);
			store_csv_cell(b, text);
			free(text);
		}
	}
	buf_adds(b, "\r\n");
}
