/* Generating the rules from the configuration (config.yaml hosts, managed
 * Host and allowlist) and the inventory (the baseline of approved hashes). */
#include "hooks/policy.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/config.h"
#include "net/managed.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Drop hosts (or allowlist entries) that came from a configuration source. */
static void
drop_sources(struct policy_url *v, size_t *n)
{
	size_t i = 0;

	while (i < *n) {
		const char *s = v[i].source;

		if (strcmp(s, "config") == 0 || strcmp(s, "managed") == 0 ||
		    strcmp(s, "environment") == 0) {
			free(v[i].text);
			uri_release(&v[i].uri);
			free(v[i].source);
			memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(*v));
			(*n)--;
		} else {
			i++;
		}
	}
}

static size_t
add_host(struct policy *p, const char *url, const char *source, struct buf *warn)
{
	struct err e = ERR_INIT;
	int r;

	if (url == NULL || *url == '\0')
		return 0;
	r = policy_add_host(p, url, source, &e);
	if (r < 0 && warn)
		buf_addf(warn, "ignoring %s host '%s': %s\n", source, url, e.msg);
	return r > 0;
}

size_t
policy_add_configured(struct policy *p, const struct policy_sources *src, struct buf *warn)
{
	struct config c;
	struct managed m;
	struct managed_opts mo;
	struct err e = ERR_INIT;
	char *dir = src && src->state_dir ? xstrdup(src->state_dir) : state_dir(&e);
	const char *v;
	size_t n = 0;

	drop_sources(p->hosts, &p->n_hosts);
	drop_sources(p->allow, &p->n_allow);
	config_init(&c);
	if (dir && config_load(&c, dir, &e) == 0) {
		const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(c.root, "hosts"), *h;

		if (c.warning[0] && warn)
			buf_addf(warn, "%s\n", c.warning);
		n += add_host(p, config_default_host(&c), "config", warn);
		if (cJSON_IsObject(hosts)) {
			cJSON_ArrayForEach(h, hosts) {
				const cJSON *u = cJSON_GetObjectItemCaseSensitive(h, "url");

				if (cJSON_IsString(u) && !config_is_placeholder(u->valuestring))
					n += add_host(p, u->valuestring, "config", warn);
			}
		}
	} else if (dir && warn) {
		buf_addf(warn, "cannot read config.yaml: %s\n", e.msg);
	}
	config_release(&c);
	free(dir);
	v = getenv("RUNLAYER_HOST");
	if (v && *v)
		n += add_host(p, v, "environment", warn);

	memset(&mo, 0, sizeof(mo));
	mo.root = src ? src->root : NULL;
	mo.home = src ? src->home : NULL;
	memset(&m, 0, sizeof(m));
	err_clear(&e);
	if (managed_load(&m, &mo, &e) == 0) {
		n += add_host(p, managed_string(&m, "Host"), "managed", warn);
		if ((v = managed_string(&m, "McpAllowlist")) != NULL) {
			char *copy = xstrdup(v), *tok = copy;

			while (*tok) {
				size_t len;
				char save;
				int r;

				tok += strspn(tok, ", \t\r\n");
				len = strcspn(tok, ", \t\r\n");
				if (len == 0)
					break;
				save = tok[len];
				tok[len] = '\0';
				err_clear(&e);
				r = policy_allow_url(p, tok, "managed", &e);
				if (r < 0 && warn)
					buf_addf(warn, "ignoring managed allowlist URL '%s': %s\n", tok, e.msg);
				n += r > 0;
				tok[len] = save;
				tok += len;
			}
			free(copy);
		}
	}
	managed_release(&m);
	return n;
}

size_t
policy_baseline(struct policy *p, const struct policy_server *v, size_t n)
{
	struct timespec t;
	struct tm tm;
	char now[32];
	size_t i, added = 0;

	for (i = 0; i < n; i++) {
		struct err e = ERR_INIT;
		size_t before = p->n_approved;

		if (v[i].config_hash == NULL)
			continue;
		if (policy_set_hash(p, v[i].config_hash, 0, v[i].name, v[i].client, "baseline",
				    &e) > 0 && p->n_approved > before)
			added++;
	}
	clock_gettime(CLOCK_REALTIME, &t);
	gmtime_r(&t.tv_sec, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	free(p->baseline_at);
	p->baseline_at = xstrdup(now);
	return added;
}

int
policy_describe_current(int monitor, struct buf *out, struct err *e)
{
	struct policy p;
	char *path = policy_default_path(e);
	int ret;

	if (path == NULL)
		return -ERR_NOTFOUND;
	policy_init(&p);
	ret = policy_load(&p, path, e);
	if (ret < 0) {
		char pos[1200];

		buf_addf(out, "Rules: the rules file cannot be used: %s\n"
			 "Until it is fixed, hooks in enforce mode (the default) deny every MCP call;\n"
			 "regenerate it with 'runlayer policy generate'.\n", err_format(e, pos, sizeof(pos)));
	} else {
		if (!p.exists)
			policy_add_configured(&p, NULL, NULL);
		if (monitor && p.mode != POLICY_MONITOR) {
			p.mode = POLICY_MONITOR;
			policy_describe(&p, out);
			buf_adds(out, "(The hooks run with --no-enforcement: monitor mode, whatever the "
				      "rules' mode.)\n");
		} else {
			policy_describe(&p, out);
		}
	}
	policy_release(&p);
	free(path);
	return ret;
}
