/* Fuzz target for parsers/redact: any input must not crash, and a secret
 * planted after --token= (and in other known places) must never come back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "parsers/confighash.h"
#include "parsers/redact.h"
#include "util/xalloc.h"

#define MAX_PIECES 64

static void
check_gone(const char *what, char *out, const char *canary)
{
	if (out == NULL || strstr(out, canary) != NULL) {
		fprintf(stderr, "fuzz_redact: %s leaked '%s': %s\n", what, canary,
			out ? out : "(null)");
		abort();
	}
	free(out);
}

/* The input split at NUL bytes: every piece through every entry point. */
static void
run_pieces(const uint8_t *data, size_t size)
{
	char *copy = xmalloc(size + 1), *pieces[MAX_PIECES];
	cJSON *args = cJSON_CreateArray(), *map = cJSON_CreateObject();
	size_t n = 0, i = 0;

	memcpy(copy, data, size);
	copy[size] = '\0';
	while (i <= size && n < MAX_PIECES) {
		pieces[n++] = copy + i;
		i += strlen(copy + i) + 1;
	}
	for (i = 0; i < n; i++) {
		const char *prev = i ? pieces[i - 1] : NULL;

		free(redact_arg(prev, pieces[i]));
		free(redact_url(pieces[i]));
		free(redact_value(prev, pieces[i], (int)(i & 1)));
		cJSON_AddItemToArray(args, cJSON_CreateString(pieces[i]));
		cJSON_AddItemToObject(map, pieces[i], cJSON_CreateString(prev ? prev : ""));
	}
	redact_args(args);
	redact_map(map, 1);
	cJSON_Delete(args);
	cJSON_Delete(map);
	free(copy);
}

/* "--token=" + the raw input: the whole value must become one marker
 * (after a leading auth scheme word, which is kept). */
static void
run_token_value(const uint8_t *data, size_t size)
{
	static const char *const schemes[] = { "bearer", "basic", "token", "digest", "bot" };
	char *arg, *out, *want;
	const char *v;
	size_t i, k = 0;

	if (size == 0 || memchr(data, '\0', size))
		return;
	/* References and markers are kept on purpose; quotes stay outside
	 * the marker. */
	if (memchr(data, '$', size) || memchr(data, '{', size) || memchr(data, '%', size) ||
	    memchr(data, '<', size) ||
	    memchr(data, '"', size) || memchr(data, '\'', size) || memchr(data, '`', size))
		return;
	arg = xmalloc(size + 9);
	memcpy(arg, "--token=", 8);
	memcpy(arg + 8, data, size);
	arg[size + 8] = '\0';
	v = arg + 8;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i]);

		if (strncasecmp(v, schemes[i], n) == 0 && (v[n] == '\0' || strchr(" \t\n\r\v\f", v[n]))) {
			k = n;
			while (v[k] && strchr(" \t\n\r\v\f", v[k]))
				k++;
			break;
		}
	}
	if (v[k] == '\0')
		want = xstrdup(arg);
	else
		want = xasprintf("--token=%.*s<redacted:len=%zu>", (int)k, v, utf8_length(v + k));
	out = redact_arg(NULL, arg);
	if (strcmp(out, want) != 0) {
		fprintf(stderr, "fuzz_redact: --token value: got %s want %s\n", out, want);
		abort();
	}
	free(want);
	free(out);
	free(arg);
}

/* A canary from the input in [A-Z0-9]{8,}, planted where secrets live. */
static void
run_canary(const uint8_t *data, size_t size)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char c[257], *s;
	size_t i, n = size < 256 ? size : 256;

	if (n < 8)
		return;
	for (i = 0; i < n; i++)
		c[i] = alphabet[data[i] % 36];
	c[n] = '\0';

	s = xasprintf("--token=%s", c);
	check_gone("--token=", redact_arg(NULL, s), c);
	free(s);
	s = xasprintf("--api-key=%s", c);
	check_gone("--api-key=", redact_arg(NULL, s), c);
	free(s);
	check_gone("--token next", redact_arg("--token", c), c);
	check_gone("--password next", redact_arg("--password", c), c);
	s = xasprintf("Authorization: Bearer %s", c);
	check_gone("header", redact_arg("-H", s), c);
	free(s);
	s = xasprintf("GITHUB_TOKEN=%s", c);
	check_gone("env assignment", redact_arg("-e", s), c);
	free(s);
	s = xasprintf("postgresql://user:%s@host/db", c);
	check_gone("dsn", redact_arg(NULL, s), c);
	free(s);
	s = xasprintf("https://h/p?key=%s#%s", c, c);
	check_gone("query", redact_arg(NULL, s), c);
	check_gone("redact_url", redact_url(s), c);
	free(s);
	s = xasprintf("sh -c 'srv --token %s'", c);
	check_gone("free text", redact_arg("-c", s), c);
	free(s);
	check_gone("env value", redact_value("API_KEY", c, 1), c);
	check_gone("header value", redact_value("Authorization", c, 0), c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run_pieces(data, size);
	run_token_value(data, size);
	run_canary(data, size);
	return 0;
}
