/* Unit tests for parsers/transport: parsed type (config_hash input) and
 * wire type, table-driven from contract §3.4. */
#include <stdlib.h>
#include <string.h>

#include "parsers/transport.h"
#include "tests/unit/tap.h"

#define G TRANSPORT_CLIENT_GENERIC
#define EXT TRANSPORT_CLIENT_CLAUDE_DESKTOP_EXT
#define GOOSE TRANSPORT_CLIENT_GOOSE
#define CODEX TRANSPORT_CLIENT_CODEX
#define OC TRANSPORT_CLIENT_OPENCODE

static const struct {
	enum transport_client client;
	const char *type, *transport;
	int has_url;
	const char *parsed, *wire;
} cases[] = {
	/* type wins, normalised */
	{ G, "stdio", NULL, 0, "stdio", "stdio" },
	{ G, "sse", NULL, 1, "sse", "sse" },
	{ G, "http", NULL, 1, "http", "streaming-http" },
	{ G, "http", NULL, 0, "http", "http" },
	{ G, "streamable-http", NULL, 1, "streamable-http", "streaming-http" },
	{ G, "streamable_http", NULL, 1, "streamable-http", "streaming-http" },
	{ G, "streamableHttp", NULL, 1, "streamable-http", "streaming-http" },
	{ G, "StreamableHTTP", NULL, 1, "streamable-http", "streaming-http" },
	{ G, "  SSE \n", NULL, 1, "sse", "sse" },
	{ G, "\xc2\xa0stdio\xe3\x80\x80", NULL, 0, "stdio", "stdio" },	/* NBSP, ideographic space */
	{ G, "STDIO", "sse", 1, "stdio", "stdio" },
	{ G, "streaming-http", NULL, 1, "streaming-http", "streaming-http" },
	{ G, "streaming_http", NULL, 0, "streaming-http", "streaming-http" },
	{ G, "streamable-http", NULL, 0, "streamable-http", "stdio" },
	/* unknown values are kept for the hash, mapped on the wire */
	{ G, "ws", NULL, 1, "ws", "streaming-http" },
	{ G, "ws", NULL, 0, "ws", "stdio" },
	{ G, "Python", NULL, 0, "python", "stdio" },
	{ G, "local", NULL, 0, "local", "stdio" },
	{ G, "remote", NULL, 1, "remote", "streaming-http" },
	{ G, "node", NULL, 0, "node", "stdio" },
	/* blank type falls through to transport */
	{ G, "", "SSE", 1, "sse", "sse" },
	{ G, "   ", "streamable_http", 1, "streamable-http", "streaming-http" },
	{ G, NULL, "Stdio", 0, "stdio", "stdio" },
	{ G, NULL, "http", 1, "http", "streaming-http" },
	/* neither: url decides */
	{ G, NULL, NULL, 1, "sse", "sse" },
	{ G, NULL, NULL, 0, "stdio", "stdio" },
	{ G, "", "", 1, "sse", "sse" },
	{ G, "\t", " ", 0, "stdio", "stdio" },
	/* client specials */
	{ EXT, "node", NULL, 0, "stdio", "stdio" },
	{ EXT, "NODE", NULL, 0, "stdio", "stdio" },
	{ EXT, "python", NULL, 0, "python", "stdio" },
	{ G, "node", NULL, 0, "node", "stdio" },
	{ GOOSE, "streamable_http", NULL, 1, "streamable-http", "streaming-http" },
	{ GOOSE, "stdio", NULL, 0, "stdio", "stdio" },
	{ GOOSE, "sse", NULL, 1, "sse", "sse" },
	{ CODEX, NULL, NULL, 1, "streamable-http", "streaming-http" },
	{ CODEX, "sse", NULL, 1, "streamable-http", "streaming-http" },
	{ CODEX, NULL, NULL, 0, "stdio", "stdio" },
	{ OC, "remote", NULL, 1, "http", "streaming-http" },
	{ OC, "Remote", NULL, 0, "http", "http" },
	{ OC, "local", NULL, 0, "stdio", "stdio" },
	{ OC, NULL, NULL, 1, "sse", "sse" },
	{ G, "remote", NULL, 0, "remote", "stdio" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = transport_parsed_type(cases[i].client, cases[i].type, cases[i].transport,
						cases[i].has_url);

		is_str(p, cases[i].parsed, "parsed: client %d type '%s' transport '%s' url %d",
		       (int)cases[i].client, cases[i].type ? cases[i].type : "(null)",
		       cases[i].transport ? cases[i].transport : "(null)", cases[i].has_url);
		is_str(transport_wire_type(p, cases[i].has_url), cases[i].wire,
		       "wire: '%s' url %d", p, cases[i].has_url);
		free(p);
	}

	/* wire type from raw values and NULL */
	is_str(transport_wire_type("streamablehttp", 1), "streaming-http", "raw streamablehttp");
	is_str(transport_wire_type("Streamable_HTTP", 1), "streaming-http", "raw Streamable_HTTP");
	is_str(transport_wire_type(NULL, 1), "streaming-http", "NULL with url");
	is_str(transport_wire_type(NULL, 0), "stdio", "NULL without url");
	is_str(transport_wire_type("", 0), "stdio", "empty without url");

	is_int(transport_client_from_id("goose"), GOOSE, "id goose");
	is_int(transport_client_from_id("codex"), CODEX, "id codex");
	is_int(transport_client_from_id("opencode"), OC, "id opencode");
	is_int(transport_client_from_id("claude_desktop_extension"), EXT, "id extension");
	is_int(transport_client_from_id("claude_desktop"), G, "claude_desktop is generic");
	is_int(transport_client_from_id(NULL), G, "NULL id");
	return tap_done();
}
