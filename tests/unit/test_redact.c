/* Unit tests for parsers/redact: contract §3.6 env/header values, URLs, and
 * a table of args with planted canary secrets that must never come back. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/redact.h"
#include "parsers/tree.h"
#include "tests/unit/tap.h"
#include "util/err.h"

/* Canaries: distinctive, so a leak of any part of them is easy to spot. */
#define C1 "Zq7Hunter2Canary9x"
#define GH "ghp_Zq7CanaryAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define GHPAT "github_pat_11ZQ7CANARY0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
#define OPENAI "sk-proj-Zq7CanaryT3BlbkFJabcdefghijklmnop0123456789"
#define OPENAI_OLD "sk-Zq7Canary0123456789abcdefghijklmnopqrstuvwxyzAB"
#define ANTH "sk-ant-api03-Zq7Canary_abcdefghijklmnopqrstuvwxyz0123456789-AAAA"
#define SLACK "xoxb-123456789012-1234567890123-Zq7CanaryAbCdEfGhIjKlMnOp"
#define AWS "AKIAZQ7CANARY0123456"
#define GOOGLE "AIzaSyZq7Canary_0123456789abcdefghijklmn"
#define STRIPE "sk_live_Zq7Canary0123456789abcdef"
#define JWT "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJacTdDYW5hcnkifQ.Zq7CanarySig-_abc"
#define NPM "npm_Zq7Canary0123456789abcdefghijklmnopqr"
#define GITLAB "glpat-Zq7Canary0123456789ab"

static const struct arg_case {
	const char *prev, *arg;
	const char *want;	/* exact output; NULL: only check the canary */
	const char *canary;	/* must not appear in the output; NULL: none */
} arg_cases[] = {
	/* non-secrets stay byte-for-byte */
	{ NULL, "-y", "-y", NULL },
	{ "-y", "@modelcontextprotocol/server-github", "@modelcontextprotocol/server-github", NULL },
	{ NULL, "--port", "--port", NULL },
	{ "--port", "8080", "8080", NULL },
	{ NULL, "/home/me/projects/server/index.js", "/home/me/projects/server/index.js", NULL },
	{ NULL, "C:\\Users\\me\\srv.exe", "C:\\Users\\me\\srv.exe", NULL },
	{ NULL, "mcp-server-fetch", "mcp-server-fetch", NULL },
	{ NULL, "--max-tokens=4096", "--max-tokens=4096", NULL },
	{ "--max-tokens", "4096", "4096", NULL },
	{ "--token-file", "/run/secrets/token", "/run/secrets/token", NULL },
	{ NULL, "--password-file=/etc/pw", "--password-file=/etc/pw", NULL },
	{ "--no-auth", "stdio", "stdio", NULL },
	{ "-p", "8080", "8080", NULL },
	{ "-k", "value", "value", NULL },
	{ "--key", "~/.ssh/id_ed25519", "~/.ssh/id_ed25519", NULL },
	{ "--key", "my-project", "my-project", NULL },
	{ NULL, "--sort-key=abcdefghij1234567890", "--sort-key=abcdefghij1234567890", NULL },
	{ NULL, "https://example.com/mcp", "https://example.com/mcp", NULL },
	{ NULL, "https://registry.npmjs.org/@scope/pkg", "https://registry.npmjs.org/@scope/pkg", NULL },
	{ NULL, "localhost:8080", "localhost:8080", NULL },
	{ NULL, "DEBUG=1", "DEBUG=1", NULL },
	{ NULL, "PWD=/home/me", "PWD=/home/me", NULL },
	{ NULL, "task-runner-and-desk-tools-abcdefgh", "task-runner-and-desk-tools-abcdefgh", NULL },
	{ NULL, "sk-learn-something-without-digits", "sk-learn-something-without-digits", NULL },
	{ NULL, "--transport=stdio", "--transport=stdio", NULL },
	{ NULL, "", "", NULL },
	/* references are not secrets */
	{ NULL, "--token=${GITHUB_TOKEN}", "--token=${GITHUB_TOKEN}", NULL },
	{ "--api-key", "${input:api-key}", "${input:api-key}", NULL },
	{ "--password", "$DB_PASSWORD", "$DB_PASSWORD", NULL },
	{ NULL, "Authorization: Bearer ${TOKEN}", "Authorization: Bearer ${TOKEN}", NULL },
	{ NULL, "GITHUB_TOKEN={env:GH}", "GITHUB_TOKEN={env:GH}", NULL },
	{ "--token", "%GH_TOKEN%", "%GH_TOKEN%", NULL },
	/* flag values */
	{ NULL, "--api-key=" C1, "--api-key=<redacted:len=18>", C1 },
	{ NULL, "--apikey=" C1, "--apikey=<redacted:len=18>", C1 },
	{ NULL, "--api_key=" C1, "--api_key=<redacted:len=18>", C1 },
	{ NULL, "--apiKey=" C1, "--apiKey=<redacted:len=18>", C1 },
	{ NULL, "-token=" C1, "-token=<redacted:len=18>", C1 },
	{ NULL, "--access-token=" C1, "--access-token=<redacted:len=18>", C1 },
	{ NULL, "--client-secret=" C1, "--client-secret=<redacted:len=18>", C1 },
	{ NULL, "--token=" C1 " with spaces", "--token=<redacted:len=30>", C1 },
	{ "--token", C1, "<redacted:len=18>", C1 },
	{ "--password", C1, "<redacted:len=18>", C1 },
	{ "--passwd", C1, "<redacted:len=18>", C1 },
	{ "--pwd", C1, "<redacted:len=18>", C1 },
	{ "--auth-token", C1, "<redacted:len=18>", C1 },
	{ "--secret", C1, "<redacted:len=18>", C1 },
	{ "--bearer", C1, "<redacted:len=18>", C1 },
	{ "--authorization", "Bearer " C1, "Bearer <redacted:len=18>", C1 },
	{ "--slack-bot-token", C1, "<redacted:len=18>", C1 },
	{ "--db-password", "p\xc3\xa4ss w\xc3\xb6rd " C1, "<redacted:len=28>", C1 },
	{ "--password", "-" C1, "<redacted:len=19>", C1 },
	{ "--token", "--verbose", "--verbose", NULL },
	{ "--key", "Zq7CanaryKey0123456789", "<redacted:len=22>", "Zq7CanaryKey0123456789" },
	{ NULL, "--key=Zq7CanaryKey0123456789", "--key=<redacted:len=22>", "Zq7CanaryKey0123456789" },
	{ "--private-key", C1, "<redacted:len=18>", C1 },
	{ "'--token", C1 "'", "<redacted:len=18>'", C1 },
	/* env assignments */
	{ "-e", "GITHUB_PERSONAL_ACCESS_TOKEN=" C1, "GITHUB_PERSONAL_ACCESS_TOKEN=<redacted:len=18>", C1 },
	{ "--env", "OPENAI_API_KEY=" C1, "OPENAI_API_KEY=<redacted:len=18>", C1 },
	{ NULL, "--env=AWS_SECRET_ACCESS_KEY=" C1, "--env=AWS_SECRET_ACCESS_KEY=<redacted:len=18>", C1 },
	{ NULL, "DB_PASS=" C1, "DB_PASS=<redacted:len=18>", C1 },
	{ NULL, "GITHUB_PAT=" C1, "GITHUB_PAT=<redacted:len=18>", C1 },
	/* headers */
	{ "-H", "Authorization: Bearer " C1, "Authorization: Bearer <redacted:len=18>", C1 },
	{ "--header", "Authorization: Basic " C1, "Authorization: Basic <redacted:len=18>", C1 },
	{ "--header", "authorization:" C1, "authorization:<redacted:len=18>", C1 },
	{ NULL, "X-API-Key: " C1, "X-API-Key: <redacted:len=18>", C1 },
	{ NULL, "Cookie: session=" C1 "; theme=dark", "Cookie: <redacted:len=38>", C1 },
	{ NULL, "Bearer " C1, "Bearer <redacted:len=18>", C1 },
	{ "Bearer", C1, "<redacted:len=18>", C1 },
	{ "Authorization:", "Bearer " C1, "Bearer <redacted:len=18>", C1 },
	{ NULL, "--header=Authorization: Bearer " C1, "--header=Authorization: Bearer <redacted:len=18>", C1 },
	/* free text */
	{ "-c", "curl -H 'Authorization: Bearer " C1 "' https://x.io/v1",
	  "curl -H 'Authorization: Bearer <redacted:len=18>' https://x.io/v1", C1 },
	{ "-c", "server --token " C1 " --port 1", "server --token <redacted:len=18> --port 1", C1 },
	{ "-c", "run --api-key=" C1 " now", "run --api-key=<redacted:len=18> now", C1 },
	/* quoted pairs (JSON, Python literals) */
	{ NULL, "{\"apiKey\": \"" C1 "\", \"port\": 8080, \"debug\": true}",
	  "{\"apiKey\": \"<redacted:len=18>\", \"port\": 8080, \"debug\": true}", C1 },
	{ NULL, "--config={'token':'" C1 "','name':'x'}",
	  "--config={'token':'<redacted:len=18>','name':'x'}", C1 },
	{ NULL, "{\"password\": 12345678, \"token\": null}",
	  "{\"password\": <redacted:len=8>, \"token\": null}", "12345678" },
	{ NULL, "{\"client_secret\":\"a\\\"" C1 "\"}", "{\"client_secret\":\"<redacted:len=21>\"}", C1 },
	{ NULL, "\"Authorization\": \"Bearer " C1 "\"", "\"Authorization\": \"Bearer <redacted:len=18>\"", C1 },
	{ NULL, "{\"token\": \"${GH_TOKEN}\"}", "{\"token\": \"${GH_TOKEN}\"}", NULL },
	{ NULL, "{\"name\": \"" C1 "\"}", "{\"name\": \"" C1 "\"}", NULL },
	/* markers are never redacted twice */
	{ "--key", "<redacted:len=16>", "<redacted:len=16>", NULL },
	{ "--token", "<redacted>", "<redacted>", NULL },
	/* token shapes anywhere */
	{ NULL, GH, "<redacted:len=41>", GH },
	{ NULL, "--config=" GH, "--config=<redacted:len=41>", GH },
	{ NULL, "prefix:" GH ",suffix", "prefix:<redacted:len=41>,suffix", GH },
	{ NULL, GHPAT, NULL, GHPAT },
	{ NULL, "gho_Zq7CanaryAAAAAAAAAAAAAAAAAAAAAAAA", NULL, "Zq7Canary" },
	{ NULL, "ghs_Zq7CanaryAAAAAAAAAAAAAAAAAAAAAAAA", NULL, "Zq7Canary" },
	{ NULL, OPENAI, "<redacted:len=51>", OPENAI },
	{ NULL, OPENAI_OLD, NULL, OPENAI_OLD },
	{ NULL, ANTH, NULL, ANTH },
	{ NULL, SLACK, NULL, SLACK },
	{ NULL, "xoxp-Zq7Canary-0123", NULL, "Zq7Canary" },
	{ NULL, AWS, "<redacted:len=20>", AWS },
	{ NULL, "id=" AWS, "id=<redacted:len=20>", AWS },
	{ NULL, GOOGLE, NULL, GOOGLE },
	{ NULL, STRIPE, NULL, STRIPE },
	{ NULL, "rk_live_Zq7Canary0123", NULL, "Zq7Canary" },
	{ NULL, JWT, "<redacted:len=81>", "Zq7Canary" },
	{ NULL, NPM, NULL, NPM },
	{ NULL, GITLAB, NULL, GITLAB },
	{ NULL, "hf_Zq7Canary0123456789abcdefghijklmnop", NULL, "Zq7Canary" },
	{ NULL, "rl_org_Zq7Canary0123456789", NULL, "Zq7Canary" },
	/* URLs and DSNs */
	{ NULL, "postgresql://user:" C1 "@db.internal:5432/app", "postgresql://db.internal:5432/app", C1 },
	{ NULL, "mongodb+srv://admin:" C1 "@cluster0.x.mongodb.net/db",
	  "mongodb+srv://cluster0.x.mongodb.net/db", C1 },
	{ NULL, "redis://:" C1 "@cache:6379/0", "redis://cache:6379/0", C1 },
	{ NULL, "redis://:p/" C1 "@cache:6379/0", "redis://cache:6379/0", C1 },
	{ NULL, "redis://:p#" C1 "@cache", "redis://cache", C1 },
	{ NULL, "--url=https://api.x.io/mcp?api_key=" C1 "&region=eu",
	  "--url=https://api.x.io/mcp?api_key=<redacted>&region=<redacted>", C1 },
	{ NULL, "DATABASE_URL=mysql://root:" C1 "@localhost/db", "DATABASE_URL=mysql://localhost/db", C1 },
	{ NULL, "https://h/x#access_token=" C1, "https://h/x#<redacted>", C1 },
	{ NULL, "https://actions.zapier.com/mcp/" OPENAI_OLD "/sse",
	  "https://actions.zapier.com/mcp/<redacted:len=50>/sse", OPENAI_OLD },
};

static void
test_args(void)
{
	size_t i, n = sizeof(arg_cases) / sizeof(arg_cases[0]);

	ok(n >= 60, "arg table has %zu cases", n);
	for (i = 0; i < n; i++) {
		const struct arg_case *c = &arg_cases[i];
		char *r = redact_arg(c->prev, c->arg);

		if (c->want)
			is_str(r, c->want, "arg [%s] %s", c->prev ? c->prev : "", c->arg);
		if (c->canary)
			ok(r && strstr(r, c->canary) == NULL, "canary gone: [%s] %s -> %s",
			   c->prev ? c->prev : "", c->arg, r ? r : "(null)");
		free(r);
	}
	ok(redact_arg(NULL, NULL) == NULL, "NULL arg");
}

static void
test_args_array(void)
{
	struct err e = ERR_INIT;
	const char *json = "[\"-y\", \"@modelcontextprotocol/server-github\", \"--token\", \"" C1 "\","
			   " 8080, \"" C1 "\", \"--password\", 5, \"" C1 "\", \"--api-key=" C1 "\"]";
	cJSON *args = NULL;
	char *s;

	ok(jsonc_parse(json, strlen(json), NULL, &args, &e) == 0, "parse args");
	redact_args(args);
	s = cJSON_PrintUnformatted(args);
	/* The number after --password resets prev: the string after it stays. */
	is_str(s, "[\"-y\",\"@modelcontextprotocol/server-github\",\"--token\","
		  "\"<redacted:len=18>\",8080,\"" C1 "\",\"--password\",5,\"" C1 "\","
		  "\"--api-key=<redacted:len=18>\"]", "redact_args in place, strings only");
	free(s);
	cJSON_Delete(args);

	/* prev is the original text, not the redacted one. */
	args = cJSON_CreateArray();
	cJSON_AddItemToArray(args, cJSON_CreateString("--token"));
	cJSON_AddItemToArray(args, cJSON_CreateString("--password"));
	cJSON_AddItemToArray(args, cJSON_CreateString(C1));
	redact_args(args);
	s = cJSON_PrintUnformatted(args);
	is_str(s, "[\"--token\",\"--password\",\"<redacted:len=18>\"]", "flag after flag");
	free(s);
	cJSON_Delete(args);

	/* A string item that references a foreign buffer is replaced safely. */
	args = cJSON_CreateArray();
	cJSON_AddItemToArray(args, cJSON_CreateStringReference("--api-key=" C1));
	redact_args(args);
	is_str(cJSON_GetArrayItem(args, 0)->valuestring, "--api-key=<redacted:len=18>",
	       "string reference replaced");
	cJSON_Delete(args);
	redact_args(NULL);
	ok(1, "redact_args(NULL) is a no-op");
}

static const struct value_case {
	const char *key, *value;
	int is_env;
	const char *want;
} value_cases[] = {
	{ "PORT", "8080", 1, "8080" },
	{ "port", "8080", 1, "8080" },
	{ "Node_Env", "production", 1, "production" },
	{ "DEBUG", "mcp:*", 1, "mcp:*" },
	{ "HOST", "0.0.0.0", 1, "0.0.0.0" },
	{ "LOG_LEVEL", "debug", 1, "debug" },
	{ "TZ", "UTC", 1, "UTC" },
	{ "PORT", "8080", 0, "<redacted:len=4>" },		/* headers: no allowlist */
	{ "PORTS", "8080", 1, "<redacted:len=4>" },
	{ "GITHUB_TOKEN", "ghp_x", 1, "<redacted:len=5>" },
	{ "A", "${TOKEN}", 1, "${TOKEN}" },
	{ "A", "${env:TOKEN}", 1, "${env:TOKEN}" },
	{ "A", "${ENV:TOKEN}", 1, "${ENV:TOKEN}" },
	{ "A", "{env:TOKEN}", 1, "{env:TOKEN}" },
	{ "Authorization", "Bearer ${TOKEN}", 0, "Bearer ${TOKEN}" },
	{ "Authorization", "bearer: ${TOKEN}", 0, "bearer: ${TOKEN}" },
	{ "Authorization", "Basic ${U}:${P}", 0, "Basic ${U}:${P}" },
	{ "X", "Token=${a.b-c}", 0, "Token=${a.b-c}" },
	{ "X", "\t${A}_-${B}", 0, "\t${A}_-${B}" },
	{ "X", "sk-${X}", 0, "<redacted:len=7>" },
	{ "X", "Bearer abc", 0, "<redacted:len=10>" },
	{ "X", "Bearer", 0, "<redacted:len=6>" },
	{ "X", "${1X}", 0, "<redacted:len=5>" },
	{ "X", "${input:key}", 0, "<redacted:len=12>" },		/* strict: ':' is no NAME char */
	{ "X", "$TOKEN", 0, "<redacted:len=6>" },
	{ "X", "${TOKEN", 0, "<redacted:len=7>" },
	{ "X", "{env:}", 0, "<redacted:len=6>" },
	{ "X", "${env}", 0, "${env}" },
	{ "X", "", 0, "<redacted:len=0>" },
	{ "X", "h\xc3\xa9llo \xf0\x9f\x98\x80", 0, "<redacted:len=7>" },
	{ NULL, "secret", 1, "<redacted:len=6>" },
};

static void
test_values(void)
{
	size_t i;

	for (i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		const struct value_case *c = &value_cases[i];
		char *r = redact_value(c->key, c->value, c->is_env);

		is_str(r, c->want, "%s %s=%s", c->is_env ? "env" : "header",
		       c->key ? c->key : "(null)", c->value);
		free(r);
	}
	ok(redact_value("K", NULL, 1) == NULL, "NULL value");
	ok(redact_is_reference("Bearer ${X}"), "is_reference yes");
	ok(!redact_is_reference("Bearer x ${X}"), "is_reference no");
	ok(!redact_is_reference(NULL), "is_reference NULL");
}

static void
test_stringify(void)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddItemToObject(o, "t", cJSON_CreateTrue());
	cJSON_AddItemToObject(o, "f", cJSON_CreateFalse());
	cJSON_AddItemToObject(o, "i", tree_new_integer(42));
	cJSON_AddItemToObject(o, "d", cJSON_CreateNumber(1.5));
	cJSON_AddItemToObject(o, "w", cJSON_CreateNumber(3));
	cJSON_AddItemToObject(o, "inf", cJSON_CreateNumber(INFINITY));
	cJSON_AddItemToObject(o, "s", cJSON_CreateString("x"));
	cJSON_AddItemToObject(o, "n", cJSON_CreateNull());
	cJSON_AddItemToObject(o, "PORT", tree_new_integer(8080));
	cJSON_AddItemToObject(o, "DEBUG", cJSON_CreateTrue());
	cJSON_AddItemToObject(o, "a", cJSON_CreateStringArray((const char *const[]){ "x" }, 1));

	s = redact_stringify(cJSON_GetObjectItemCaseSensitive(o, "t"));
	is_str(s, "True", "str(True)");
	free(s);
	s = redact_stringify(cJSON_GetObjectItemCaseSensitive(o, "f"));
	is_str(s, "False", "str(False)");
	free(s);
	s = redact_stringify(cJSON_GetObjectItemCaseSensitive(o, "i"));
	is_str(s, "42", "str(42)");
	free(s);
	s = redact_stringify(cJSON_GetObjectItemCaseSensitive(o, "d"));
	is_str(s, "1.5", "str(1.5)");
	free(s);
	s = redact_stringify(cJSON_GetObjectItemCaseSensitive(o, "w"));
	is_str(s, "3.0", "untagged number is a float");
	free(s);
	s = redact_stringify(cJSON_GetObjectItemCaseSensitive(o, "inf"));
	is_str(s, "inf", "str(inf)");
	free(s);
	s = redact_stringify(cJSON_GetObjectItemCaseSensitive(o, "a"));
	is_str(s, "[\"x\"]", "array as JSON text");
	free(s);
	ok(redact_stringify(cJSON_GetObjectItemCaseSensitive(o, "n")) == NULL, "null -> NULL");

	redact_map(o, 1);
	s = cJSON_PrintUnformatted(o);
	is_str(s, "{\"t\":\"<redacted:len=4>\",\"f\":\"<redacted:len=5>\",\"i\":\"<redacted:len=2>\","
		  "\"d\":\"<redacted:len=3>\",\"w\":\"<redacted:len=3>\",\"inf\":\"<redacted:len=3>\","
		  "\"s\":\"<redacted:len=1>\",\"PORT\":\"8080\",\"DEBUG\":\"True\","
		  "\"a\":\"<redacted:len=5>\"}", "redact_map: stringified, allowlist, null dropped");
	free(s);
	cJSON_Delete(o);
}

static const struct url_case {
	const char *in, *want;
} url_cases[] = {
	{ "https://example.com/mcp", "https://example.com/mcp" },
	{ "http://localhost:3000/sse", "http://localhost:3000/sse" },
	{ "https://[::1]:8443/mcp", "https://[::1]:8443/mcp" },
	{ "https://user:pass@example.com/mcp", "https://example.com/mcp" },
	{ "https://token@example.com", "https://example.com" },
	{ "https://u:p@[::1]:8443/x", "https://[::1]:8443/x" },
	{ "https://e.com/mcp?key=abc", "https://e.com/mcp?key=<redacted>" },
	{ "https://e.com/mcp?a=1&b=2&c", "https://e.com/mcp?a=<redacted>&b=<redacted>&<redacted>" },
	{ "https://e.com/mcp?a=&b", "https://e.com/mcp?a=&<redacted>" },
	{ "https://e.com/mcp?", "https://e.com/mcp?" },
	{ "https://e.com/mcp?&&", "https://e.com/mcp?&&" },
	{ "https://e.com/mcp?key=${API_KEY}", "https://e.com/mcp?key=${API_KEY}" },
	{ "https://e.com/p#frag", "https://e.com/p#<redacted>" },
	{ "https://e.com/p#", "https://e.com/p#" },
	{ "https://e.com/p?x=1#y", "https://e.com/p?x=<redacted>#<redacted>" },
	{ "https://e.com/p?x=a=b", "https://e.com/p?x=<redacted>" },
	{ "https://e.com/" GH "/sse", "https://e.com/<redacted:len=41>/sse" },
	{ "//u:p@host/x", "//host/x" },
	{ "${SERVER_URL}", "${SERVER_URL}" },
	{ "not a url", "not a url" },
	{ "", "" },
	{ "https://u:p@", "https://" },
	{ "https://:pw/more@host/p", "https://host/p" },
	{ "https://host:12/34@x", "https://host:12/34@x" },
	{ "redis://:12/34@h/0", "redis://h/0" },
};

static void
test_urls(void)
{
	size_t i;

	for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		char *r = redact_url(url_cases[i].in);

		is_str(r, url_cases[i].want, "url %s", url_cases[i].in);
		free(r);
	}
	ok(redact_url(NULL) == NULL, "NULL url");
}

static void
test_pathological(void)
{
	/* Long runs that defeat naive rescanning must stay linear. */
	size_t n = 1u << 20, i;
	char *s = malloc(n + 1), *r;

	for (i = 0; i < n; i++)
		s[i] = "sk-a"[i % 4];
	s[n] = '\0';
	r = redact_arg(NULL, s);
	is_int(strlen(r), n, "1 MiB of sk-a runs unchanged");
	free(r);
	for (i = 0; i < n; i++)
		s[i] = "eyJa-"[i % 5];
	r = redact_arg(NULL, s);
	ok(r != NULL, "1 MiB of eyJ runs");
	free(r);
	memset(s, ':', n);
	for (i = 0; i + 3 < n; i += 7)
		memcpy(s + i, "a://", 4);
	r = redact_arg(NULL, s);
	ok(r != NULL, "1 MiB of URL starts");
	free(r);
	free(s);
}

int
main(void)
{
	test_args();
	test_args_array();
	test_values();
	test_stringify();
	test_urls();
	test_pathological();
	return tap_done();
}
