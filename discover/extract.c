/* Normalise a client's server entries (command/args/url/env/headers/type/
 * disabled, with every client's field aliases) into struct mcp_server. */
#include "discover/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parsers/confighash.h"
#include "parsers/redact.h"
#include "parsers/transport.h"
#include "parsers/tree.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Bound on servers taken from one container (hostile files). */
#define EXTRACT_MAX_SERVERS 10000

static const cJSON *
get(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static const char *
get_str(const cJSON *obj, const char *key)
{
	const cJSON *v = get(obj, key);

	return cJSON_IsString(v) && v->valuestring && v->valuestring[0] ? v->valuestring : NULL;
}

/* Walk "a/b/c" (a component containing '.' is one literal key). */
static const cJSON *
get_path(const cJSON *tree, const char *path)
{
	const cJSON *cur = tree;
	const char *p = path;

	while (cur && *p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		char *key = xstrndup(p, len);

		cur = get(cur, key);
		free(key);
		p += len;
		if (*p == '/')
			p++;
	}
	return cur;
}

const cJSON *
extract_container(const struct client_def *def, const cJSON *tree, int *is_list)
{
	unsigned i;

	for (i = 0; i < CAT_MAX_CONTAINERS && def->containers[i]; i++) {
		const char *c = def->containers[i];
		const char *at = strchr(c, '@');
		const cJSON *v;

		if (at) {
			/* "a/@b": list at a/b. */
			struct buf path = BUF_INIT;

			buf_add(&path, c, (size_t)(at - c));
			buf_adds(&path, at + 1);
			v = get_path(tree, path.data);
			buf_release(&path);
			if (cJSON_IsArray(v)) {
				*is_list = 1;
				return v;
			}
			/* Some files hold a map where the client documents a list. */
			if (cJSON_IsObject(v)) {
				*is_list = 0;
				return v;
			}
			continue;
		}
		v = get_path(tree, c);
		if (cJSON_IsObject(v)) {
			*is_list = 0;
			return v;
		}
		if (cJSON_IsArray(v)) {
			*is_list = 1;
			return v;
		}
	}
	return NULL;
}

/* Replace the plugin-root variables in s; returns a new string. */
static char *
subst_root(const char *s, const char *root)
{
	static const char *const vars[] = {
		"${CLAUDE_PLUGIN_ROOT}", "${PLUGIN_ROOT}", "${CURSOR_PLUGIN_ROOT}",
		"${extensionPath}", "${__dirname}", NULL
	};
	/* Path separators (Gemini extensions, VS Code-style configs). */
	static const char *const seps[] = { "${/}", "${pathSeparator}", NULL };
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
		for (i = 0; !hit && seps[i]; i++) {
			size_t l = strlen(seps[i]);

			if (strncmp(p, seps[i], l) == 0) {
				buf_addc(&b, '/');
				p += l;
				hit = 1;
			}
		}
		if (!hit)
			buf_addc(&b, *p++);
	}
	return buf_detach(&b, NULL);
}

/* Split a spaced command line ("npx -y pkg") into words, honouring quotes. */
static cJSON *
split_words(const char *s)
{
	cJSON *arr = cJSON_CreateArray();
	struct buf w = BUF_INIT;
	int in_word = 0;
	char q = 0;

	for (; ; s++) {
		char c = *s;

		if (c == '\0' || (!q && (c == ' ' || c == '\t'))) {
			if (in_word) {
				cJSON_AddItemToArray(arr, cJSON_CreateString(w.data));
				buf_clear(&w);
				in_word = 0;
			}
			if (c == '\0')
				break;
			continue;
		}
		in_word = 1;
		if (q) {
			if (c == q)
				q = 0;
			else
				buf_addc(&w, c);
		} else if (c == '"' || c == '\'') {
			q = c;
		} else {
			buf_addc(&w, c);
		}
	}
	buf_release(&w);
	return arr;
}

static int
is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Copy string members of obj (values stringified) into a new object. */
static void
merge_object(cJSON **dst, const cJSON *obj)
{
	const cJSON *c;

	if (!cJSON_IsObject(obj))
		return;
	if (*dst == NULL)
		*dst = cJSON_CreateObject();
	cJSON_ArrayForEach(c, obj) {
		char *v;

		if (c->string == NULL || cJSON_IsNull(c))
			continue;
		v = redact_stringify(c);
		cJSON_DeleteItemFromObjectCaseSensitive(*dst, c->string);
		cJSON_AddItemToObject(*dst, c->string, cJSON_CreateString(v));
		free(v);
	}
}

/* Name-only variables (Codex env_vars, Goose env_keys): NAME → "${NAME}". */
static void
merge_names(cJSON **dst, const cJSON *arr)
{
	const cJSON *c;

	if (!cJSON_IsArray(arr))
		return;
	cJSON_ArrayForEach(c, arr) {
		const char *n = NULL;

		if (cJSON_IsString(c))
			n = c->valuestring;
		else
			n = get_str(c, "name");
		if (n == NULL || *n == '\0')
			continue;
		if (*dst == NULL)
			*dst = cJSON_CreateObject();
		if (cJSON_GetObjectItemCaseSensitive(*dst, n) == NULL) {
			char *v = xasprintf("${%s}", n);

			cJSON_AddItemToObject(*dst, n, cJSON_CreateString(v));
			free(v);
		}
	}
}

static int
skipped_goose_type(const char *t)
{
	static const char *const skip[] = { "builtin", "platform", "frontend", "inline_python", NULL };
	size_t i;

	for (i = 0; t && skip[i]; i++)
		if (strcmp(t, skip[i]) == 0)
			return 1;
	return 0;
}

static enum transport_client
transport_client(const struct client_def *def, const char *plugin_root)
{
	if (def->dialect & DIA_CODEX)
		return TRANSPORT_CLIENT_CODEX;
	if (def->dialect & DIA_GOOSE)
		return TRANSPORT_CLIENT_GOOSE;
	if (def->dialect & DIA_OPENCODE)
		return TRANSPORT_CLIENT_OPENCODE;
	if ((def->dialect & DIA_CLAUDE_DESKTOP_EXT) && plugin_root)
		return TRANSPORT_CLIENT_CLAUDE_DESKTOP_EXT;
	return TRANSPORT_CLIENT_GENERIC;
}

int
extract_server(const struct client_def *def, const char *name, const cJSON *e,
	       const char *plugin_root, struct mcp_server *out)
{
	const cJSON *cmd = get(e, "command"), *args = get(e, "args");
	const char *raw_type, *raw_transport, *url, *s;
	int hash_url;
	cJSON *argv = NULL;
	char *command = NULL, *rurl;
	const cJSON *v;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(e) || name == NULL)
		return 0;
	raw_type = get_str(e, "type");
	raw_transport = get_str(e, "transport");
	if (raw_transport == NULL)
		raw_transport = get_str(e, "transportType");
	if ((def->dialect & DIA_GOOSE) && skipped_goose_type(raw_type))
		return 0;

	/* command and args in every shape clients use */
	if (cJSON_IsString(cmd) && cmd->valuestring[0]) {
		command = xstrdup(cmd->valuestring);
	} else if (cJSON_IsArray(cmd) && cJSON_GetArraySize(cmd) > 0) {
		const cJSON *c;
		int first = 1;

		argv = cJSON_CreateArray();
		cJSON_ArrayForEach(c, cmd) {
			if (first) {
				if (cJSON_IsString(c))
					command = xstrdup(c->valuestring);
				first = 0;
				continue;
			}
			cJSON_AddItemToArray(argv, cJSON_Duplicate(c, 1));
		}
	} else if (cJSON_IsObject(cmd)) {
		/* legacy Zed {command: {path, args, env}} */
		if ((s = get_str(cmd, "path")) != NULL)
			command = xstrdup(s);
		if (!args)
			args = get(cmd, "args");
	} else if ((s = get_str(e, "cmd")) != NULL) {
		command = xstrdup(s);
	}
	if (cJSON_IsArray(args)) {
		const cJSON *c;

		if (argv == NULL)
			argv = cJSON_CreateArray();
		cJSON_ArrayForEach(c, args)
			cJSON_AddItemToArray(argv, cJSON_Duplicate(c, 1));
	}
	if (command && (def->dialect & DIA_SPLIT_COMMAND) && argv == NULL &&
	    strchr(command, ' ') && !is_file(command)) {
		cJSON *words = split_words(command);

		if (cJSON_GetArraySize(words) > 1) {
			cJSON *first = cJSON_DetachItemFromArray(words, 0);

			free(command);
			command = xstrdup(first->valuestring);
			cJSON_Delete(first);
			argv = words;
		} else {
			cJSON_Delete(words);
		}
	}

	url = get_str(e, "url");
	if (url == NULL)
		url = get_str(e, "serverUrl");
	/* The existing CLI's parsed type only looks at url/serverUrl. */
	hash_url = url != NULL;
	if (url == NULL)
		url = get_str(e, "httpUrl");
	if (url == NULL)
		url = get_str(e, "uri");

	out->name = xstrdup(name);
	out->command = command;
	out->url = url ? xstrdup(url) : NULL;
	out->type = transport_parsed_type(transport_client(def, plugin_root), raw_type,
					  raw_transport, hash_url);
	if (strcmp(out->type, "stdio") == 0 && command == NULL && url != NULL)
		/* httpUrl (Gemini, Qwen) and uri (Goose) without a type: HTTP. */
		out->wire_type = xstrdup(transport_wire_type("http", 1));
	else
		out->wire_type = xstrdup(transport_wire_type(out->type, url != NULL));
	/* The hash sees the values as configured (plugin variables unexpanded),
	 * so one plugin hashes the same on every machine. */
	config_hash(out->name, out->type, out->command, argv, out->url, out->config_hash);
	if (plugin_root) {
		cJSON *c;

		if (out->command) {
			char *t = subst_root(out->command, plugin_root);

			free(out->command);
			out->command = t;
		}
		cJSON_ArrayForEach(c, argv) {
			if (cJSON_IsString(c)) {
				char *t = subst_root(c->valuestring, plugin_root);

				cJSON_SetValuestring(c, t);
				free(t);
			}
		}
	}

	/* env and headers: names kept, values redacted below */
	merge_object(&out->env, get(e, "env"));
	merge_object(&out->env, get(e, "environment"));
	merge_object(&out->env, get(e, "envs"));
	if (cJSON_IsObject(cmd))
		merge_object(&out->env, get(cmd, "env"));
	merge_names(&out->env, get(e, "env_vars"));
	merge_names(&out->env, get(e, "env_keys"));
	merge_object(&out->headers, get(e, "headers"));
	merge_object(&out->headers, get(e, "http_headers"));
	merge_object(&out->headers, get(get(e, "requestOptions"), "headers"));
	if ((v = get(e, "env_http_headers")) != NULL && cJSON_IsObject(v)) {
		const cJSON *c;

		cJSON_ArrayForEach(c, v) {
			char *t;

			if (!cJSON_IsString(c))
				continue;
			if (out->headers == NULL)
				out->headers = cJSON_CreateObject();
			t = xasprintf("${%s}", c->valuestring);
			cJSON_DeleteItemFromObjectCaseSensitive(out->headers, c->string);
			cJSON_AddItemToObject(out->headers, c->string, cJSON_CreateString(t));
			free(t);
		}
	}
	if ((s = get_str(e, "bearer_token_env_var")) != NULL) {
		char *t = xasprintf("Bearer ${%s}", s);

		if (out->headers == NULL)
			out->headers = cJSON_CreateObject();
		cJSON_DeleteItemFromObjectCaseSensitive(out->headers, "Authorization");
		cJSON_AddItemToObject(out->headers, "Authorization", cJSON_CreateString(t));
		free(t);
	}

	v = get(e, "disabled");
	if (cJSON_IsTrue(v))
		out->disabled = 1;
	v = get(e, "enabled");
	if (cJSON_IsFalse(v))
		out->disabled = 1;

	/* Redact last: the hash above saw the configured values. */
	redact_map(out->env, 1);
	redact_map(out->headers, 0);
	if (argv)
		redact_args(argv);
	out->args = argv;
	if (out->url) {
		rurl = redact_url(out->url);
		free(out->url);
		out->url = rurl;
	}
	return 1;
}

void
extract_servers(const struct client_def *def, const cJSON *container, int is_list,
		const char *plugin_root, struct mcp_config *cfg, unsigned *skipped)
{
	const cJSON *c;
	unsigned skip = 0;

	cJSON_ArrayForEach(c, container) {
		const char *name = is_list ? get_str(c, "name") : c->string;
		struct mcp_server s;

		if (cfg->n_servers >= EXTRACT_MAX_SERVERS) {
			skip++;
			continue;
		}
		if (!extract_server(def, name, c, plugin_root, &s)) {
			skip++;
			continue;
		}
		/* Capacity is the next power of two (at least 8) of n_servers. */
		if (cfg->n_servers == 0 || (cfg->n_servers >= 8 &&
					    (cfg->n_servers & (cfg->n_servers - 1)) == 0))
			cfg->servers = xreallocarray(cfg->servers,
						     cfg->n_servers ? cfg->n_servers * 2 : 8,
						     sizeof(*cfg->servers));
		cfg->servers[cfg->n_servers++] = s;
	}
	if (skipped)
		*skipped += skip;
}
