/* Host and key resolution across flags, environment, config.yaml and the
 * managed configuration, recording where each came from for messages. */
#include "net/creds.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "net/url.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
creds_release(struct creds *c)
{
	if (c == NULL)
		return;
	free(c->url);
	free(c->host_key);
	free(c->host_source);
	if (c->secret) {
		volatile char *p = c->secret;

		while (*p)
			*p++ = '\0';
		free(c->secret);
	}
	free(c->secret_source);
	buf_release(&c->warnings);
	memset(c, 0, sizeof(*c));
}

static void __attribute__((format(printf, 2, 3)))
note(struct creds *c, const char *fmt, ...)
{
	va_list ap;

	if (c->warnings.len)
		buf_addc(&c->warnings, '\n');
	va_start(ap, fmt);
	buf_vaddf(&c->warnings, fmt, ap);
	va_end(ap);
}

/* v when usable; a named flag or variable that is skipped gets a note. */
static const char *
take(struct creds *c, const char *v, const char *what)
{
	if (v == NULL || *v == '\0')
		return NULL;
	if (config_is_placeholder(v)) {
		if (what)
			note(c, "ignoring %s: it holds a placeholder, not a value", what);
		return NULL;
	}
	return v;
}

static const char *
env(struct creds *c, const char *name)
{
	return take(c, getenv(name), name);
}

int
creds_resolve(const struct creds_opts *o, struct creds *c, struct err *e)
{
	const struct config *cfg = o->cfg;
	const char *host = NULL, *key = NULL, *cfg_path = cfg && cfg->path ? cfg->path :
		"config.yaml";
	const char *mdm_host = o->mdm ? managed_string(o->mdm, "Host") : NULL;
	const char *mdm_key = o->mdm ? managed_string(o->mdm, "OrgApiKey") : NULL;
	const char *name;
	char *url;
	struct url u;
	struct err ue = ERR_INIT;

	memset(c, 0, sizeof(*c));
	buf_init(&c->warnings, 16 * 1024);

	/* ---- host ---- */
	if ((host = take(c, o->host, "--host")))
		c->host_source = xstrdup("--host");
	else if ((host = env(c, "RUNLAYER_HOST")))
		c->host_source = xstrdup("RUNLAYER_HOST");
	else if (o->aiwatch && mdm_host) {
		host = mdm_host;
		c->host_source = xasprintf("managed Host in %s", managed_source(o->mdm, "Host"));
	} else if (cfg && (host = config_default_host(cfg)))
		c->host_source = xasprintf("default_host in %s", cfg_path);
	else if (cfg && (host = config_sole_host(cfg)))
		c->host_source = xasprintf("the only host in %s", cfg_path);
	else if (mdm_host) {
		host = mdm_host;
		c->host_source = xasprintf("managed Host in %s", managed_source(o->mdm, "Host"));
	}
	if (host == NULL) {
		c->failure = CREDS_NO_HOST;
		return err_set(e, ERR_NOTFOUND, "No host configured. Please provide --host or run "
			       "'runlayer login --host <url>' first.");
	}
	url = url_normalize(host, &ue);
	if (url == NULL || url_parse(url, &u, &ue) < 0) {
		free(url);
		c->failure = CREDS_BAD_HOST;
		return err_set(e, ERR_INVALID, "invalid host '%s' (from %s): %s", host,
			       c->host_source, ue.msg);
	}
	c->url = url;
	c->host_key = url_host_key(&u);
	if (url_check_secure(&u, &ue) < 0) {
		url_release(&u);
		c->failure = CREDS_BAD_HOST;
		return err_set(e, ERR_INVALID, "refusing host '%s' (from %s): %s", c->url,
			       c->host_source, ue.msg);
	}
	url_release(&u);
	if (o->host_only)
		return 0;

	/* ---- key ---- */
	name = take(c, o->org_key_name, "--org-api-key");
	if (name == NULL)
		name = env(c, "RUNLAYER_ORG_API_KEY_NAME");
	if ((key = take(c, o->secret, "--secret")))
		c->secret_source = xstrdup("--secret");
	else if ((key = env(c, "RUNLAYER_API_KEY")))
		c->secret_source = xstrdup("RUNLAYER_API_KEY");
	else if (o->aiwatch && mdm_key) {
		key = mdm_key;
		c->secret_source = xasprintf("managed OrgApiKey in %s",
					     managed_source(o->mdm, "OrgApiKey"));
	} else if (name) {
		if (cfg && (key = config_org_key(cfg, c->url, name)))
			c->secret_source = xasprintf("org API key '%s' in %s", name, cfg_path);
		else if (strcmp(name, CREDS_IMPLICIT_ORG_KEY) == 0 && mdm_key) {
			key = mdm_key;
			c->secret_source = xasprintf("managed OrgApiKey in %s",
						     managed_source(o->mdm, "OrgApiKey"));
		} else {
			c->failure = CREDS_NO_ORG_KEY;
			return err_set(e, ERR_NOTFOUND, "Org API key '%s' not found for %s. Run "
				       "'runlayer org-api-key list' to see available keys.", name,
				       c->url);
		}
	} else if (o->scan && cfg && (key = config_org_key(cfg, c->url, CREDS_IMPLICIT_ORG_KEY)))
		c->secret_source = xasprintf("org API key '%s' in %s", CREDS_IMPLICIT_ORG_KEY,
					     cfg_path);
	else if (mdm_key && mdm_host && config_is_placeholder(mdm_host) == 0) {
		char *mu = url_normalize(mdm_host, NULL);

		if (mu && strcmp(mu, c->url) == 0) {
			key = mdm_key;
			c->secret_source = xasprintf("managed OrgApiKey in %s",
						     managed_source(o->mdm, "OrgApiKey"));
		}
		free(mu);
	}
	if (key == NULL && cfg && (key = config_secret(cfg, c->url)))
		c->secret_source = xasprintf("the saved key for %s in %s", c->host_key, cfg_path);
	if (key == NULL) {
		c->failure = CREDS_NO_SECRET;
		return err_set(e, ERR_NOTFOUND, "No credentials found. Run 'runlayer login' or "
			       "provide --secret to authenticate.");
	}
	c->secret = xstrdup(key);
	return 0;
}

char *
creds_scrub(const char *msg, const char *secret)
{
	struct buf b = BUF_INIT;
	size_t n = secret ? strlen(secret) : 0;
	const char *p = msg, *hit;

	if (msg == NULL)
		return NULL;
	if (n < 4)
		return xstrdup(msg);
	while ((hit = strstr(p, secret))) {
		buf_add(&b, p, (size_t)(hit - p));
		buf_adds(&b, "<redacted>");
		p = hit + n;
	}
	buf_adds(&b, p);
	return buf_detach(&b, NULL);
}
