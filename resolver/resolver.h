/* Resolve OS usernames to organisation users by tiered matching over an
 * in-memory directory with hash indexes built once (contract §6). */
#ifndef RESOLVER_RESOLVER_H
#define RESOLVER_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/*
 * Tiers, tried in this order on the normalised username (resolver/norm.h:
 * folded, DOMAIN\ and @host qualifiers stripped where a tier needs the
 * bare name, ".", "-", "_" and spaces the same separator):
 *
 *   1 email             the username is an address of the user (primary or
 *                       alias), case-insensitively
 *   2 identity attribute  an attribute named in the directory's list
 *                       (default username, userName, unix_username,
 *                       sAMAccountName) equals the bare username
 *   3 email local part  the part before '@' of one of the user's addresses
 *   4 name pattern      five sub-tiers, in order: first.last, firstlast,
 *                       first initial + last (jdoe, j.doe), first, last;
 *                       a given name of several words also counts by its
 *                       first word ("Mary Ann" → mary.smith, msmith)
 *   5 admin mapping     a persisted "USERNAME is EMAIL" decision
 *
 * The first tier (name sub-tier) that yields candidates decides: exactly
 * one active user resolves; several users are ambiguous; only inactive
 * users (suspended, deprovisioned) are "inactive". Inactive users count
 * as candidates so that a weaker tier never picks someone else when the
 * stronger evidence points at a departed user, but they never resolve.
 * An admin mapping is the only way past an ambiguous, inactive or missing
 * match of tiers 1–4: it applies when they do not resolve. Privileged
 * and system accounts never resolve (resolver_is_system_account()).
 */

#define RESOLVER_MAX_USERS	1000000u
#define RESOLVER_MAX_EMAILS	16	/* per user, primary included */
#define RESOLVER_MAX_ATTRS	64	/* per user */
#define RESOLVER_MAX_VALUE	1024	/* bytes of a name, address or attribute value */
#define RESOLVER_MAX_CANDIDATES	16	/* listed in a result; all are counted */

struct resolver_attr {
	char *name;		/* as spelled in the source ("sAMAccountName") */
	char *value;
};

/* One directory user. Every string is owned (NULL when absent). */
struct resolver_user {
	char *email;			/* primary address, required */
	char **aliases;			/* other addresses */
	size_t n_aliases;
	char *given_name, *family_name, *display_name;
	char *external_id;
	char *status;			/* as given ("SUSPENDED", "false"), or NULL */
	int active;
	struct resolver_attr *attrs;
	size_t n_attrs;
	unsigned long line;		/* where the source had it (0 = unknown) */
};

struct resolver_mapping {
	char *username;		/* as the admin typed it */
	char *key;		/* resolver_uname.full of it */
	char *email;
};

struct resolver_index;

struct resolver_dir {
	struct resolver_user *users;
	size_t n_users, cap_users;
	struct resolver_mapping *maps;
	size_t n_maps, cap_maps;
	char **attr_names;	/* tier-2 attribute names; n_attr_names 0 = defaults */
	size_t n_attr_names;
	struct resolver_index *index;	/* built by resolver_dir_build() */
};

#define RESOLVER_DIR_INIT { NULL, 0, 0, NULL, 0, 0, NULL, 0, NULL }

/* The default tier-2 attribute names (NULL-terminated). */
extern const char *const resolver_default_attributes[];

void resolver_dir_init(struct resolver_dir *d);
/* Free everything the directory owns and zero it; safe on a zeroed one. */
void resolver_dir_release(struct resolver_dir *d);

/*
 * A new zeroed user slot at the end of d->users (active = 1), owned by
 * d. Drops any built index. Pointers to earlier users may move.
 */
struct resolver_user *resolver_dir_add(struct resolver_dir *d);
/* Free the strings of the last user and remove it (a rejected record). */
void resolver_dir_drop_last(struct resolver_dir *d);
/* Free the strings of u and zero it (u itself is not freed). */
void resolver_user_release(struct resolver_user *u);

/* Replace the tier-2 attribute names (copied; n = 0 restores the defaults). */
void resolver_dir_set_attributes(struct resolver_dir *d, const char *const *names, size_t n);
/* Add an admin mapping (copied); a later one for the same key wins. */
void resolver_dir_add_mapping(struct resolver_dir *d, const char *username, const char *email);

/*
 * Build the hash indexes of every tier in one pass over the users (call
 * once after the last resolver_dir_add(); resolving builds them when
 * needed). Returns 0, or -ERR_LIMIT when the directory is too large to
 * index (over RESOLVER_MAX_USERS users or 4 GiB of keys).
 */
int resolver_dir_build(struct resolver_dir *d, struct err *e);

/* Bytes held by the indexes (0 before resolver_dir_build()). */
size_t resolver_dir_index_bytes(const struct resolver_dir *d);

enum resolver_status {
	RESOLVER_RESOLVED = 0,
	RESOLVER_AMBIGUOUS,	/* several users at the deciding tier */
	RESOLVER_INACTIVE,	/* only inactive users at the deciding tier */
	RESOLVER_NO_MATCH,	/* no tier yields anyone */
	RESOLVER_SYSTEM,	/* privileged or system account: never resolved */
	RESOLVER_EMPTY,		/* nothing left of the username after normalising */
};

enum resolver_tier {
	RESOLVER_TIER_NONE = 0,
	RESOLVER_TIER_EMAIL = 1,
	RESOLVER_TIER_ATTRIBUTE = 2,
	RESOLVER_TIER_LOCAL_PART = 3,
	RESOLVER_TIER_NAME = 4,
	RESOLVER_TIER_MAPPING = 5,
};

enum resolver_pattern {
	RESOLVER_PAT_NONE = 0,
	RESOLVER_PAT_FIRST_DOT_LAST,	/* john.doe */
	RESOLVER_PAT_FIRSTLAST,		/* johndoe */
	RESOLVER_PAT_INITIAL_LAST,	/* jdoe, j.doe */
	RESOLVER_PAT_FIRST,		/* john */
	RESOLVER_PAT_LAST,		/* doe */
};

struct resolver_result {
	enum resolver_status status;
	enum resolver_tier tier;	/* the deciding tier; NONE for NO_MATCH/SYSTEM/EMPTY */
	enum resolver_pattern pattern;	/* tier 4 */
	const char *attribute;		/* tier 2, one candidate: the attribute's name as in the source */
	const char *mapped_email;	/* tier 5, or a mapping that did not resolve */
	const struct resolver_user *user;	/* RESOLVED */
	size_t n_candidates;		/* every candidate at the deciding tier */
	const struct resolver_user *candidates[RESOLVER_MAX_CANDIDATES];	/* the first ones */
};

/*
 * Resolve one username (any bytes; NULL = empty). Pointers in *r point
 * into d and stay valid until d changes. Not thread-safe: uses scratch
 * space in d's index. Builds the indexes first if needed (-ERR_LIMIT as
 * for resolver_dir_build()); otherwise returns 0.
 */
int resolver_resolve(struct resolver_dir *d, const char *username, struct resolver_result *r,
		     struct err *e);

/* Names for output and storage: "resolved", "ambiguous", "inactive",
 * "no_match", "system_account", "empty"; tiers "email",
 * "identity_attribute", "email_local_part", "name_pattern",
 * "admin_mapping" (NULL for NONE); patterns "first.last", "firstlast",
 * "initial+last", "first", "last" (NULL for NONE). */
const char *resolver_status_name(enum resolver_status s);
const char *resolver_tier_name(enum resolver_tier t);
const char *resolver_pattern_name(enum resolver_pattern p);

/* The user whose primary address is email (case-insensitive), or NULL. */
const struct resolver_user *resolver_find_email(struct resolver_dir *d, const char *email);

#endif
