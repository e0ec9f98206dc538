/* libFuzzer target for the enforcement rules file (rules.json): loading
 * fails with a message (line:col for JSON errors) or gives rules that
 * write out and load back the same, and decide as written: a denied hash
 * is denied first, an allowlisted URL is allowed, an approved hash too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/policy.h"
#include "util/buf.h"
#include "tests/fuzz/fuzz_tmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_policy: %s\n", what);
		abort();
	}
}

static void
decide(const struct policy *p)
{
	struct policy_subject s;
	struct policy_decision d;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.found = 1;
	for (i = 0; i < p->n_denied && i < 4; i++) {
		s.config_hash = p->denied[i].config_hash;
		policy_decide(p, &s, &d);
		check(!d.allow && d.rule == RULE_DENIED, "a denied hash is not denied");
	}
	s.config_hash = NULL;
	for (i = 0; i < p->n_allow && i < 4; i++) {
		s.url = p->allow[i].text;
		policy_decide(p, &s, &d);
		check(d.allow, "an allowlisted URL is not allowed");
	}
	s.url = NULL;
	for (i = 0; i < p->n_approved && i < 4; i++) {
		size_t k;
		int denied = 0;

		for (k = 0; k < p->n_denied; k++)
			denied |= strcmp(p->denied[k].config_hash, p->approved[i].config_hash) == 0;
		s.config_hash = p->approved[i].config_hash;
		policy_decide(p, &s, &d);
		check(d.allow == !denied, "an approved hash is not allowed");
	}
	for (i = 0; i < p->n_hosts && i < 4; i++) {
		s.url = p->hosts[i].text;
		s.config_hash = NULL;
		policy_decide(p, &s, &d);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p, q;
	struct err e = ERR_INIT;
	const char *path;
	int ret;

	if (size > 1024 * 1024)
		return 0;
	path = fuzz_tmp_write("rules.json", data, size, 0600);
	policy_init(&p);
	ret = policy_load(&p, path, &e);
	if (ret < 0) {
		check(e.msg[0] != '\0', "refused without a message");
		check(!p.exists, "a refused file counts as loaded");
		check(strcmp(e.msg, "rules file is not valid JSON") != 0 || e.line > 0,
		      "JSON error without a position");
	} else {
		cJSON *a = policy_to_json(&p), *b;
		char *ta = cJSON_PrintUnformatted(a), *tb;
		struct buf out = BUF_INIT;

		check(p.exists, "loaded rules do not count as a file");
		/* What save writes loads back to the same rules. */
		path = fuzz_tmp_write("rules.json", ta, strlen(ta), 0600);
		policy_init(&q);
		check(policy_load(&q, path, &e) == 0, "saved rules do not load");
		b = policy_to_json(&q);
		tb = cJSON_PrintUnformatted(b);
		if (strcmp(ta, tb) != 0) {
			fprintf(stderr, "fuzz_policy: rules read back differently:\n%s\n%s\n", ta, tb);
			abort();
		}
		decide(&p);
		policy_describe(&p, &out);
		check(out.len > 0, "nothing described");
		buf_release(&out);
		free(ta);
		free(tb);
		cJSON_Delete(a);
		cJSON_Delete(b);
		policy_release(&q);
	}
	policy_release(&p);
	return 0;
}
