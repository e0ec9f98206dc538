/* Server extraction: from a parsed config tree (any format) to normalised,
 * hashed and redacted servers, following the client's catalog entry. */
#ifndef DISCOVER_EXTRACT_H
#define DISCOVER_EXTRACT_H

#include <cjson/cJSON.h>

#include "discover/catalog.h"
#include "discover/model.h"

/*
 * Find the server container of def in tree (the first of def->containers
 * present). *is_list tells whether it is a list of named objects. NULL when
 * the file has none.
 */
const cJSON *extract_container(const struct client_def *def, const cJSON *tree, int *is_list);

/*
 * Append to cfg every server of container. plugin_root, when not NULL, is
 * the plugin or extension directory: it replaces ${CLAUDE_PLUGIN_ROOT},
 * ${PLUGIN_ROOT}, ${CURSOR_PLUGIN_ROOT}, ${extensionPath} and ${__dirname}
 * in command and args (as the clients do). Entries that are not objects, or
 * that the client itself ignores (Goose builtins), are skipped and counted
 * in *skipped. config_hash is computed from the configured values (plugin
 * variables unexpanded, so a plugin hashes alike on every machine); env,
 * header, arg and URL secrets are then redacted in place.
 */
void extract_servers(const struct client_def *def, const cJSON *container, int is_list,
		     const char *plugin_root, struct mcp_config *cfg, unsigned *skipped);

/* Normalise one entry; returns 1 when out was filled, 0 when skipped. */
int extract_server(const struct client_def *def, const char *name, const cJSON *entry,
		   const char *plugin_root, struct mcp_server *out);

#endif
