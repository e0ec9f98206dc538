/* Plugins and extensions that carry MCP servers: Claude Code plugins, Codex
 * plugin cache, Gemini CLI extensions, Cursor plugins, Claude Desktop
 * extensions and Zed mcp-server-* extensions. */
#ifndef DISCOVER_PLUGINS_H
#define DISCOVER_PLUGINS_H

#include "discover/model.h"
#include "discover/paths.h"

/* Add a configuration (scope plugin, or global for Zed extensions) per
 * plugin with at least one server; problems become issues in r. */
void plugins_scan(const struct path_ctx *pc, struct scan_result *r);

#endif
