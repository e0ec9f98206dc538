/* The managed (MDM) configuration of contract §2.5: values pushed by an
 * administrator, read from the OS's own places (or under --root in tests). */
#ifndef NET_MANAGED_H
#define NET_MANAGED_H

#include <cjson/cJSON.h>

#include "util/buf.h"
#include "util/err.h"

/*
 * Sources, highest first; the first source holding a key wins per key, but
 * Mode and Enforcement always come together from the highest source that
 * holds either:
 *
 *  linux   <root>/etc/runlayer/aiwatch/credentials (root-only, shell syntax:
 *          RUNLAYER_API_KEY=… → OrgApiKey, RUNLAYER_HOST=… → Host; ignored
 *          with a warning when not owned by root or the current user, or
 *          accessible by group or others; silently skipped when this user
 *          may not read it), then <root>/etc/runlayer/aiwatch/config.json.
 *  darwin  plain runlayer: domain com.runlayer.cli, then
 *          com.runlayer.aiwatch (aiwatch reads only the latter), each in
 *          <root>/Library/Managed Preferences/<domain>.plist, then
 *          <root>/Library/Preferences/<domain>.plist (XML or binary).
 *  windows Software\Runlayer\AIWatch (plain runlayer: Software\Runlayer\CLI
 *          first), each in HKLM then HKCU, read from the registry hive
 *          files: <root>/Windows/System32/config/SOFTWARE (HKLM\Software)
 *          and <home>/NTUSER.DAT (HKCU). REG_SZ/REG_EXPAND_SZ are strings,
 *          REG_DWORD booleans (0/≠0) or ints by key. This build reads the
 *          hive files, never the live registry API.
 *
 * Typing: strings must be non-empty, booleans real booleans (plist
 * true/false, JSON true/false, REG_DWORD 0/≠0), ints positive and not
 * boolean; anything else counts as absent. Placeholders
 * (config_is_placeholder) are absent. Mode is trimmed, lowercased and kept
 * only when monitor, protect or enforce.
 */

struct managed_opts {
	const char *root;	/* prefix for system paths; NULL or "" = / */
	const char *os;		/* darwin | windows | linux; NULL = this system */
	const char *home;	/* the user's home, for NTUSER.DAT; NULL = none */
	int aiwatch;		/* running as aiwatch (not plain runlayer) */
};

struct managed {
	cJSON *values;		/* key → string, bool or number (TREE_INTEGER) */
	cJSON *sources;		/* key → path of the file the value came from */
	struct buf warnings;	/* one line per ignored source, "\n"-separated */
};

/* Read every source. Never fails for missing or broken sources (they add a
 * warning); returns 0. m is caller-owned; release with managed_release(). */
int managed_load(struct managed *m, const struct managed_opts *o, struct err *e);
void managed_release(struct managed *m);

/* Typed lookups; NULL / -1 when absent. */
const char *managed_string(const struct managed *m, const char *key);
int managed_bool(const struct managed *m, const char *key);
long managed_int(const struct managed *m, const char *key);
/* Where key came from (a path), or NULL. */
const char *managed_source(const struct managed *m, const char *key);

#endif
