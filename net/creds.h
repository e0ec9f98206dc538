/* Which backend and which key a command uses (contract §2.3): flags, the
 * environment, config.yaml and the managed configuration, in that order. */
#ifndef NET_CREDS_H
#define NET_CREDS_H

#include "net/config.h"
#include "net/managed.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * Host: --host, else $RUNLAYER_HOST, else default_host, else the only
 * hosts entry, else managed Host. Key: --secret, else $RUNLAYER_API_KEY,
 * else --org-api-key NAME ($RUNLAYER_ORG_API_KEY_NAME) from config.yaml
 * (managed OrgApiKey when NAME is ai_watch_mdm and config.yaml has none),
 * else (scan only) the implicit org key "ai_watch_mdm" of the host, else
 * managed OrgApiKey when managed Host is the effective host, else the
 * host's user secret. As aiwatch, managed Host and OrgApiKey stand in for
 * unset $RUNLAYER_HOST and $RUNLAYER_API_KEY (aiwatch exports them).
 *
 * Empty values and placeholders (config_is_placeholder) are skipped; a
 * skipped flag or variable adds a warning. The host must be a valid base
 * URL (net/url.h) using https, or http to a loopback address.
 */

#define CREDS_IMPLICIT_ORG_KEY "ai_watch_mdm"

enum creds_failure {
	CREDS_OK = 0,
	CREDS_NO_HOST,		/* nothing named a backend */
	CREDS_BAD_HOST,		/* the URL is invalid or insecure */
	CREDS_NO_SECRET,	/* no key from any source */
	CREDS_NO_ORG_KEY,	/* --org-api-key NAME is not in config.yaml */
};

struct creds_opts {
	const char *host;		/* --host, or NULL */
	const char *secret;		/* --secret, or NULL */
	const char *org_key_name;	/* --org-api-key, or NULL */
	int scan;			/* allow the implicit ai_watch_mdm org key */
	int aiwatch;
	int host_only;			/* resolve the host, no key needed */
	const struct config *cfg;	/* may be NULL (treated as empty) */
	const struct managed *mdm;	/* may be NULL */
};

struct creds {
	char *url;		/* normalised base URL */
	char *host_key;		/* config.yaml host key of url */
	char *host_source;	/* "--host", "RUNLAYER_HOST", "default_host in <path>", … */
	char *secret;		/* the key (never print it) */
	char *secret_source;	/* "--secret", "org API key 'x' in <path>", … */
	enum creds_failure failure;
	struct buf warnings;	/* "\n"-separated notes on skipped values */
};

/*
 * Resolve into c (caller-owned; creds_release() frees it, wiping the key).
 * Returns 0, or -ERR_NOTFOUND / -ERR_INVALID with c->failure set and e
 * holding the contract's message (without the "Error: " prefix), e.g.
 * "No credentials found. Run 'runlayer login' or provide --secret to
 * authenticate."
 */
int creds_resolve(const struct creds_opts *o, struct creds *c, struct err *e);
void creds_release(struct creds *c);

/* Copy of msg with every occurrence of secret replaced by "<redacted>";
 * secrets shorter than 4 bytes are not searched. New string. */
char *creds_scrub(const char *msg, const char *secret);

#endif
