/* libFuzzer target for the credentials files: the bytes as config.yaml load
 * (or warn and count as empty), dump to YAML that reads back to the same
 * tree, and take edits; as the Linux managed credentials and config.json
 * they give only typed values; credentials resolved from both never show
 * the key in a source, a warning or an error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/config.h"
#include "net/creds.h"
#include "net/managed.h"
#include "parsers/tree.h"
#include "util/xalloc.h"
#include "tests/fuzz/fuzz_tmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_URL	"https://fuzz.example.com"
#define FUZZ_SECRET	"rl_fuzz_secret_0123456789"

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_config: %s\n", what);
		abort();
	}
}

/* Dump, parse back, compare: what save writes must read back as it was. */
static void
round_trip(const cJSON *root)
{
	struct err e = ERR_INIT;
	cJSON *back = NULL;
	char *text = config_dump(root, &e), *a, *b;

	if (text == NULL) {
		/* libyaml refuses to emit some strings (U+0000 kept as C0 80). */
		check(e.msg[0] != '\0', "dump failed without a message");
		return;
	}
	if (yaml_parse(text, strlen(text), NULL, &back, &e) < 0) {
		fprintf(stderr, "fuzz_config: dump does not parse (%lu:%lu %s):\n%s\n", e.line,
			e.col, e.msg, text);
		abort();
	}
	a = tree_print(root, 0, 0);
	b = tree_print(back, 0, 0);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "fuzz_config: dump reads back differently:\n%s\n%s\n%s\n", a, b,
			text);
		abort();
	}
	free(a);
	free(b);
	free(text);
	cJSON_Delete(back);
}

static void
no_secret(const char *s, const char *secret, const struct creds *c, const char *what)
{
	if (s == NULL || secret == NULL || strlen(secret) < 8 || strstr(s, secret) == NULL)
		return;
	/* Sources name the file and the host, which the key may happen to be part of. */
	if (strstr(fuzz_tmp(), secret) || strstr("config.yaml credentials config.json", secret) ||
	    (c->url && strstr(c->url, secret)) || (c->host_key && strstr(c->host_key, secret)))
		return;
	fprintf(stderr, "fuzz_config: the key shows in %s: %s\n", what, s);
	abort();
}

static void
resolve(const struct config *cfg, const struct managed *mdm, unsigned flags)
{
	struct creds_opts o;
	struct creds c;
	struct err e = ERR_INIT;
	int ret;

	memset(&o, 0, sizeof(o));
	o.cfg = cfg;
	o.mdm = mdm;
	o.scan = flags & 1;
	o.aiwatch = (flags >> 1) & 1;
	o.org_key_name = flags & 4 ? CREDS_IMPLICIT_ORG_KEY : NULL;
	ret = creds_resolve(&o, &c, &e);
	if (ret == 0) {
		check(c.url && c.host_key && c.host_source && c.secret && c.secret_source,
		      "resolved without every part");
		check(c.failure == CREDS_OK, "resolved with a failure");
		no_secret(c.host_source, c.secret, &c, "the host source");
		no_secret(c.secret_source, c.secret, &c, "the key source");
		no_secret(c.warnings.data, c.secret, &c, "the warnings");
	} else {
		check(c.failure != CREDS_OK && e.msg[0], "failed without a reason");
	}
	creds_release(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct managed mdm;
	struct managed_opts mo;
	struct err e = ERR_INIT;
	const char *s;
	char *dir;
	unsigned f;
	int ret;

	if (size > CONFIG_MAX_BYTES)
		return 0;
	dir = xasprintf("%s/state", fuzz_tmp());
	fuzz_tmp_write("state/config.yaml", data, size, 0600);
	chmod(dir, 0700);
	config_init(&cfg);
	ret = config_load(&cfg, dir, &e);
	check(ret == 0, "config.yaml refused");
	check(cJSON_IsObject(cfg.root) && cfg.exists, "no document");
	check(cfg.warning[0] == '\0' || cJSON_GetArraySize(cfg.root) == 0,
	      "an unusable file is not empty");
	round_trip(cfg.root);
	if ((s = config_default_host(&cfg)) != NULL) {
		config_secret(&cfg, s);
		config_org_keys(&cfg, s);
		config_org_key(&cfg, s, CREDS_IMPLICIT_ORG_KEY);
	}
	config_sole_host(&cfg);

	/* The same bytes as the Linux managed sources. */
	fuzz_tmp_write("etc/runlayer/aiwatch/credentials", data, size, 0600);
	fuzz_tmp_write("etc/runlayer/aiwatch/config.json", data, size, 0644);
	memset(&mo, 0, sizeof(mo));
	mo.root = fuzz_tmp();
	mo.os = "linux";
	managed_load(&mdm, &mo, &e);
	{
		const cJSON *v;

		cJSON_ArrayForEach(v, mdm.values)
			check(cJSON_IsString(v) || cJSON_IsBool(v) ||
			      (cJSON_IsNumber(v) && tree_is_integer(v) && v->valuedouble > 0),
			      "managed value of the wrong type");
	}
	for (f = 0; f < 8; f++)
		resolve(&cfg, &mdm, f);
	managed_release(&mdm);

	/* Edits keep the document whole and readable. */
	if (cfg.warning[0] == '\0') {
		ret = config_set_secret(&cfg, FUZZ_URL, FUZZ_SECRET, &e);
		if (ret == 0) {
			s = config_secret(&cfg, FUZZ_URL);
			check(s && strcmp(s, FUZZ_SECRET) == 0, "stored secret not found");
			check(config_set_org_key(&cfg, FUZZ_URL, CREDS_IMPLICIT_ORG_KEY,
						 "rl_org_fuzz_0123456789", &e) == 0, "org key refused");
			s = config_org_key(&cfg, FUZZ_URL, CREDS_IMPLICIT_ORG_KEY);
			check(s && strcmp(s, "rl_org_fuzz_0123456789") == 0, "org key not found");
			round_trip(cfg.root);
			check(config_forget(&cfg, FUZZ_URL, 1) == 1, "forget found nothing");
			check(config_secret(&cfg, FUZZ_URL) == NULL, "secret left after forget");
		} else {
			check(e.msg[0] != '\0', "edit refused without a message");
		}
	}
	config_release(&cfg);
	free(dir);
	return 0;
}
