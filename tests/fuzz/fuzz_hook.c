/* Fuzz target for the hook runtime's pure parts: any payload is classified
 * for every client without crashing, every reply is valid for its client
 * (JSON that parses, or exit 2 with a message), and the file policy and
 * managed-command checks survive whatever text the payload carries. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/policy.h"
#include "hooks/reply.h"
#include "hooks/resolve.h"
#include "hooks/runtime.h"
#include "util/xalloc.h"

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_hook: %s\n", what);
		abort();
	}
}

static void
check_reply(const struct reply *r, int deny)
{
	if (r->out.len) {
		cJSON *o = cJSON_ParseWithLength(r->out.data, r->out.len);

		check(cJSON_IsObject(o), "reply is not a JSON object");
		check(r->out.data[r->out.len - 1] == '\n', "reply does not end with a newline");
		check(memchr(r->out.data, '\n', r->out.len) == r->out.data + r->out.len - 1,
		      "reply is not one line");
		cJSON_Delete(o);
	}
	if (deny)
		check(r->out.len > 0 || (r->exit_code == 2 && r->err.len > 0), "deny says nothing");
	else
		check(r->exit_code == 0 && r->err.len == 0, "allow exits non-zero or writes stderr");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum hook_client clients[] = {
		HOOK_CLAUDE_CODE, HOOK_CODEX, HOOK_CURSOR, HOOK_GEMINI, HOOK_HERMES, HOOK_COPILOT,
		HOOK_WINDSURF, HOOK_CLIENT_NONE,
	};
	struct policy p;
	size_t i;
	char *text = xmalloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	policy_init(&p);
	for (i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		cJSON *root = cJSON_ParseWithLength((const char *)data, size);
		struct hook_event ev;
		struct reply r = REPLY_INIT;
		char word[128];

		if (!cJSON_IsObject(root)) {
			cJSON_Delete(root);
			break;
		}
		hook_event_classify(root, clients[i], NULL, NULL, &ev);
		check(ev.client != HOOK_CLIENT_NONE, "no client decided");
		reply_allow(ev.client, ev.kind, &r);
		check_reply(&r, 0);
		reply_deny(ev.client, ev.kind, ev.event_name, ev.text ? ev.text : "u",
			   ev.tool_name ? ev.tool_name : "a", &r);
		check_reply(&r, 1);
		if (ev.text) {
			policy_shell_check(ev.text, word, sizeof(word));
			policy_managed_stdio(&p, ev.text, NULL, word, sizeof(word));
		}
		if (ev.paths) {
			const cJSON *x;

			cJSON_ArrayForEach(x, ev.paths)
				policy_file_class(x->valuestring);
		}
		if (ev.tool_name) {
			char *s = resolve_sanitise(ev.client, ev.tool_name), *n = resolve_normalise(ev.tool_name);

			check(strlen(s) <= strlen(ev.tool_name) + 3, "sanitise grew the name");
			free(s);
			free(n);
			resolve_is_mcp_tool(ev.client, ev.tool_name);
		}
		reply_release(&r);
		hook_event_release(&ev);
	}
	/* The raw text through the text checks too. */
	{
		char word[64];

		policy_shell_check(text, word, sizeof(word));
		policy_file_class(text);
		policy_managed_stdio(&p, text, NULL, word, sizeof(word));
	}
	policy_release(&p);
	free(text);
	return 0;
}
