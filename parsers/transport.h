/* Transport names (contract §3.4): the parsed type that feeds config_hash,
 * and the wire type (stdio|sse|http|streaming-http) sent to the backend. */
#ifndef PARSERS_TRANSPORT_H
#define PARSERS_TRANSPORT_H

/* Clients whose entries get special treatment; everything else is GENERIC. */
enum transport_client {
	TRANSPORT_CLIENT_GENERIC = 0,
	TRANSPORT_CLIENT_CLAUDE_DESKTOP_EXT,	/* extension manifest: "node" → stdio */
	TRANSPORT_CLIENT_GOOSE,			/* streamable_http → streamable-http */
	TRANSPORT_CLIENT_CODEX,			/* any entry with a URL → streamable-http */
	TRANSPORT_CLIENT_OPENCODE,		/* remote → http, local → stdio */
};

/*
 * Map a catalog client id ("goose", "codex", "opencode",
 * "claude_desktop_extension") to its enum; anything else (NULL included)
 * is TRANSPORT_CLIENT_GENERIC.
 */
enum transport_client transport_client_from_id(const char *id);

/*
 * The parsed type of one server entry, as the existing CLI computes it:
 *  1. type when it is a string that is not blank, else transport when it is
 *     (pass NULL for absent or non-string values);
 *  2. that value trimmed (Python str.strip() whitespace, Unicode spaces
 *     included), ASCII-lowercased, '_' → '-', and "streamablehttp" →
 *     "streamable-http";
 *  3. without one: "sse" when has_url (url/serverUrl is a non-empty
 *     string), else "stdio";
 *  4. client specials: Claude Desktop extension "node" → "stdio"; Codex
 *     entries with a URL → "streamable-http" whatever they say; OpenCode
 *     "remote" → "http", "local" → "stdio" (Goose's streamable_http is
 *     covered by step 2).
 * Unknown values (e.g. "ws", "python") are kept as normalised: they feed
 * config_hash exactly. Returns a new string; the caller frees it.
 */
char *transport_parsed_type(enum transport_client client, const char *type,
			    const char *transport, int has_url);

/*
 * The wire type for a parsed type (newest rules): "stdio", "sse" and
 * "streaming-http" stay; "http" becomes "streaming-http" with a URL and
 * stays "http" without; anything else ("streamable-http", "streamablehttp",
 * "ws", NULL, …) becomes "streaming-http" with a URL, else "stdio". parsed
 * is normalised first as in transport_parsed_type step 2, so raw values
 * work too. Returns a static string.
 */
const char *transport_wire_type(const char *parsed, int has_url);

#endif
