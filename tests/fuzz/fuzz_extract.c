/* libFuzzer target for server extraction: the first byte picks the parser
 * (JSONC, TOML, YAML), the rest is a config file run through every catalog
 * client's containers and dialect, with and without a plugin root. Every
 * server has a name, a transport, a wire type and a hash; env and header
 * values are redacted or references; a known token never survives. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "discover/catalog.h"
#include "discover/extract.h"
#include "discover/model.h"
#include "parsers/redact.h"
#include "parsers/tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A GitHub token shape redact_arg() and redact_url() must always remove. */
#define CANARY "ghp_FuzzCanary0123456789abcdefghijklmnop"

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_extract: %s\n", what);
		abort();
	}
}

/* The canary may only survive as part of a reference (${ghp_…}) or glued
 * to a longer word, where it is not a token of its own. */
static void
no_canary(const char *s, const char *what)
{
	const char *p = s;

	while (s && (p = strstr(p, CANARY)) != NULL) {
		char before = p > s ? p[-1] : ' ';
		char after = p[sizeof(CANARY) - 1];

		if (!(before == '{' || before == '$' || before == '%' || before == '_' ||
		      before == '-' || before == ':' ||
		      (before >= '0' && before <= '9') || (before >= 'a' && before <= 'z') ||
		      (before >= 'A' && before <= 'Z') ||
		      (after >= '0' && after <= '9') || (after >= 'a' && after <= 'z') ||
		      (after >= 'A' && after <= 'Z') || after == '_' || after == '-'))
			check(0, what);
		p++;
	}
}

static int
safe_env_key(const char *k)
{
	static const char *const keep[] = { "DEBUG", "HOST", "LOG_LEVEL", "NODE_ENV", "PORT",
					    "TZ", NULL };
	size_t i;

	for (i = 0; k && keep[i]; i++)
		if (strcasecmp(k, keep[i]) == 0)
			return 1;
	return 0;
}

static void
check_map(const cJSON *m, int is_env)
{
	const cJSON *c;

	if (m == NULL)
		return;
	check(cJSON_IsObject(m), "env/headers is not an object");
	cJSON_ArrayForEach(c, m) {
		const char *v;

		check(c->string != NULL, "env/header without a name");
		check(cJSON_IsString(c) && c->valuestring, "env/header value is not a string");
		v = c->valuestring;
		check(strncmp(v, "<redacted:len=", 14) == 0 || redact_is_reference(v) ||
		      (is_env && safe_env_key(c->string)), "env/header value kept unredacted");
	}
}

static void
check_server(const struct mcp_server *s)
{
	static const char *const wire[] = { "stdio", "sse", "http", "streaming-http", NULL };
	const cJSON *a;
	size_t i;
	int known = 0;

	check(s->name != NULL, "server without a name");
	check(s->type != NULL && s->type[0], "server without a transport");
	for (i = 0; wire[i]; i++)
		known |= s->wire_type && strcmp(s->wire_type, wire[i]) == 0;
	check(known, "unknown wire type");
	check(strlen(s->config_hash) == 64 &&
	      strspn(s->config_hash, "0123456789abcdef") == 64, "config_hash is not hex");
	check(s->args == NULL || cJSON_IsArray(s->args), "args is not an array");
	check_map(s->env, 1);
	check_map(s->headers, 0);
	cJSON_ArrayForEach(a, s->args)
		if (cJSON_IsString(a))
			no_canary(a->valuestring, "canary token left in args");
	no_canary(s->url, "canary token left in the URL");
}

static void
run(const struct client_def *def, const cJSON *container, int is_list, const char *root)
{
	struct mcp_config cfg;
	unsigned skipped = 0;
	size_t i, n = (size_t)cJSON_GetArraySize(container);

	memset(&cfg, 0, sizeof(cfg));
	extract_servers(def, container, is_list, root, &cfg, &skipped);
	check(cfg.n_servers + skipped == n, "servers and skipped entries do not add up");
	for (i = 0; i < cfg.n_servers; i++)
		check_server(&cfg.servers[i]);
	mcp_config_release(&cfg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tree_format fmts[] = { TREE_FMT_JSONC, TREE_FMT_TOML, TREE_FMT_YAML };
	struct tree_limits lim = tree_limits_default;
	struct err e = ERR_INIT;
	cJSON *tree = NULL;
	size_t i;

	if (size < 1 || size > 256 * 1024)
		return 0;
	lim.max_nodes = 100000;
	if (tree_parse((const char *)data + 1, size - 1, fmts[data[0] % 3], &lim, &tree, &e) < 0) {
		check(tree == NULL && e.msg[0], "parse failed without a message");
		return 0;
	}
	for (i = 0; i < catalog_len; i++) {
		const struct client_def *def = &catalog[i];
		const cJSON *c, *p;
		int is_list = 0;

		c = extract_container(def, tree, &is_list);
		if (c) {
			check(cJSON_IsObject(c) || cJSON_IsArray(c), "container of the wrong type");
			run(def, c, is_list, NULL);
			run(def, c, is_list, "/opt/plugin root/${CLAUDE_PLUGIN_ROOT}");
		}
		/* Claude Code's projects.<path>.mcpServers sections. */
		if (def->dialect & DIA_CLAUDE_PROJECTS)
			cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(tree, "projects")) {
				const cJSON *s = cJSON_GetObjectItemCaseSensitive(p, "mcpServers");

				if (cJSON_IsObject(s))
					run(def, s, 0, NULL);
			}
		/* The whole document as a flat server map (plugin .mcp.json). */
		if (cJSON_IsObject(tree) && (def->dialect & (DIA_CODEX | DIA_ZED | DIA_GOOSE)) == 0)
			run(def, tree, 0, "/p");
	}
	cJSON_Delete(tree);
	return 0;
}
