/* Transport normalisation shared by every extractor: the parsed type that
 * config_hash needs and the four-value wire type the backend accepts. */
#include "parsers/transport.h"

#include <stdlib.h>
#include <string.h>

#include "parsers/confighash.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum transport_client
transport_client_from_id(const char *id)
{
	if (id == NULL)
		return TRANSPORT_CLIENT_GENERIC;
	if (strcmp(id, "goose") == 0)
		return TRANSPORT_CLIENT_GOOSE;
	if (strcmp(id, "codex") == 0)
		return TRANSPORT_CLIENT_CODEX;
	if (strcmp(id, "opencode") == 0)
		return TRANSPORT_CLIENT_OPENCODE;
	if (strcmp(id, "claude_desktop_extension") == 0)
		return TRANSPORT_CLIENT_CLAUDE_DESKTOP_EXT;
	return TRANSPORT_CLIENT_GENERIC;
}

/* Python str.isspace() code points. */
static int
is_py_space(unsigned long cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 ||
	       cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* Trim, lowercase, '_' → '-'; NULL when nothing is left. */
static char *
normalise(const char *s)
{
	size_t len, start = 0, end = 0, i;
	unsigned long cp;
	char *out;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	/* end: one past the last code point that is not whitespace. */
	for (i = 0; i < len;) {
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (!is_py_space(cp)) {
			if (end == 0)
				start = i;
			end = i + n;
		}
		i += n;
	}
	if (end == 0)
		return NULL;
	out = xstrndup(s + start, end - start);
	for (i = 0; out[i]; i++) {
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
		else if (out[i] == '_')
			out[i] = '-';
	}
	if (strcmp(out, "streamablehttp") == 0) {
		free(out);
		out = xstrdup("streamable-http");
	}
	return out;
}

char *
transport_parsed_type(enum transport_client client, const char *type,
		      const char *transport, int has_url)
{
	char *t = normalise(type);

	if (t == NULL)
		t = normalise(transport);
	if (client == TRANSPORT_CLIENT_CODEX && has_url) {
		free(t);
		return xstrdup("streamable-http");
	}
	if (t == NULL)
		return xstrdup(has_url ? "sse" : "stdio");
	if (client == TRANSPORT_CLIENT_CLAUDE_DESKTOP_EXT && strcmp(t, "node") == 0) {
		free(t);
		return xstrdup("stdio");
	}
	if (client == TRANSPORT_CLIENT_OPENCODE && strcmp(t, "remote") == 0) {
		free(t);
		return xstrdup("http");
	}
	if (client == TRANSPORT_CLIENT_OPENCODE && strcmp(t, "local") == 0) {
		free(t);
		return xstrdup("stdio");
	}
	return t;
}

const char *
transport_wire_type(const char *parsed, int has_url)
{
	char *t = normalise(parsed);
	const char *w;

	if (t == NULL)
		w = has_url ? "streaming-http" : "stdio";
	else if (strcmp(t, "stdio") == 0)
		w = "stdio";
	else if (strcmp(t, "sse") == 0)
		w = "sse";
	else if (strcmp(t, "streaming-http") == 0)
		w = "streaming-http";
	else if (strcmp(t, "http") == 0)
		w = has_url ? "streaming-http" : "http";
	else
		w = has_url ? "streaming-http" : "stdio";
	free(t);
	return w;
}
