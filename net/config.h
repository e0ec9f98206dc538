/* ~/.runlayer/config.yaml, the existing CLI's credentials file: read with
 * libyaml, edited in memory, written back atomically with unknown keys kept. */
#ifndef NET_CONFIG_H
#define NET_CONFIG_H

#include <cjson/cJSON.h>

#include "util/err.h"

/*
 * Schema (contract §2.2), everything else is kept as it was read:
 *
 *   default_host: https://acme.runlayer.com
 *   hosts:
 *     acme.runlayer.com:                 # host key (net/url.h url_host_key)
 *       url: https://acme.runlayer.com
 *       secret: rl_xxx                   # user key
 *       org_api_keys: {ai_watch_mdm: rl_org_xxx}
 *
 * A lookup by URL needs hosts[<host key of URL>].url to equal the URL (with
 * trailing '/' stripped) exactly. Comments are not preserved (libyaml does
 * not report them); keys, order and values are.
 */

#define CONFIG_FILE_NAME	"config.yaml"
#define CONFIG_LOCK_NAME	".config.yaml.lock"
#define CONFIG_MAX_BYTES	(1024u * 1024)

struct config {
	char *dir;		/* the state directory (~/.runlayer) */
	char *path;		/* <dir>/config.yaml */
	cJSON *root;		/* the document: always an object after load */
	int exists;		/* the file was there */
	char warning[600];	/* non-empty: the file was unusable and counts as empty */
	int lock_fd;		/* held by config_lock() */
};

/* Zero c and mark it lock-free; call before config_lock() or config_load(). */
void config_init(struct config *c);

/*
 * Load <dir>/config.yaml into c (caller-owned; config_release() frees it).
 * A missing file or directory gives an empty document. A file that cannot
 * be parsed, or whose root is not a mapping, also counts as empty and sets
 * c->warning (the contract's "warns and counts as empty").
 *
 * Because the file holds keys, it is refused (-ERR_INVALID, message naming
 * the chmod/chown that fixes it) when it is a symbolic link or not a
 * regular file, not owned by the current user, or accessible by group or
 * others; and when the directory is writable by group or others (anyone
 * could then replace the file). -ERR_IO on read errors, -ERR_LIMIT above
 * CONFIG_MAX_BYTES.
 */
int config_load(struct config *c, const char *dir, struct err *e);
void config_release(struct config *c);

/*
 * Take an exclusive lock for a read-modify-write (flock on
 * <dir>/.config.yaml.lock, created 0600, waiting up to 10 s); call before
 * config_load() when the file will be saved. Released by config_release().
 */
int config_lock(struct config *c, const char *dir, struct err *e);

/*
 * Write the document back: the directory is created 0700, the file is
 * written block-style to a temporary file (0600), synced and renamed over
 * config.yaml. A file that could not be parsed (c->warning set) is first
 * kept as config.yaml.bak. 0 or -ERR_IO.
 */
int config_save(struct config *c, struct err *e);

/* Serialise the document as block YAML (new string; tests and save). */
char *config_dump(const cJSON *root, struct err *e);

/* ---- lookups (strings are borrowed from the document, NULL if absent) ---- */

const char *config_default_host(const struct config *c);
/* The url of the only host entry when there is exactly one, else NULL. */
const char *config_sole_host(const struct config *c);
/* The hosts entry for url (normalised), or NULL. */
const cJSON *config_host_entry(const struct config *c, const char *url);
/* hosts[...].secret for url; placeholders and empty values give NULL. */
const char *config_secret(const struct config *c, const char *url);
/* hosts[...].org_api_keys[name] for url (same rules). */
const char *config_org_key(const struct config *c, const char *url, const char *name);
/* Names of the org keys of url (borrowed cJSON object, or NULL). */
const cJSON *config_org_keys(const struct config *c, const char *url);

/* ---- edits (url must be normalised; 0 or -ERR_INVALID) ---- */

/*
 * Store the user secret for url: creates hosts[key] with url when needed,
 * replaces secret, keeps org_api_keys and any other keys, and sets
 * default_host to url.
 */
int config_set_secret(struct config *c, const char *url, const char *secret, struct err *e);
/* Store org_api_keys[name] for url (creates the entry; default_host unchanged
 * unless none is set). */
int config_set_org_key(struct config *c, const char *url, const char *name, const char *key,
		       struct err *e);
/*
 * Remove the user secret of url (all = also its org keys and the whole host
 * entry, and default_host when it names url). Returns 1 when something was
 * removed, 0 when there was nothing to remove.
 */
int config_forget(struct config *c, const char *url, int all);

/*
 * Placeholder values pushed by MDM templates and ignored everywhere
 * (contract §2.5): contains "REPLACE_WITH", ends with "_OR_LEAVE_BLANK", or
 * is wholly a Workspace ONE token "{Letter[letters|digits|_]*}".
 */
int config_is_placeholder(const char *v);

#endif
