/* The in-memory directory, its hash indexes (one table keyed by tier tag +
 * normalised key, postings chained per key) and tiered resolution. */
#include "resolver/resolver.h"

#include <stdlib.h>
#include <string.h>

#include "resolver/norm.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *const resolver_default_attributes[] = {
	"username", "userName", "unix_username", "sAMAccountName", NULL
};

/* Index tags: one byte in front of each key keeps the tiers apart. */
#define TAG_EMAIL	'1'
#define TAG_ATTR	'2'
#define TAG_LOCAL	'3'
#define TAG_MAP		'5'
#define TAG_PAT		'a'	/* + pattern - 1 */

struct ix_entry {
	uint32_t hash, off, len;	/* key: tag byte + text, at arena + off */
	uint32_t head, tail;	/* posting index + 1 (0 = none), in directory order */
	uint32_t n, n_active;	/* postings, and those of active users */
	uint32_t last_user;	/* user of the tail posting (repeats are dropped) */
};

struct ix_posting {
	uint32_t user;		/* user index (mapping index for TAG_MAP) */
	uint32_t next;		/* posting index + 1 */
	uint32_t aux;		/* attribute index (tier 2) */
};

struct resolver_index {
	char *arena;
	size_t arena_len, arena_cap;
	struct ix_entry *entries;
	size_t n_entries, cap_entries;
	uint64_t *slots;	/* hash << 32 | entry index + 1; n_slots is a power of two */
	size_t n_slots;
	struct ix_posting *posts;
	size_t n_posts, cap_posts;
	char **attr_keys;	/* resolver_attr_key() of the tier-2 names */
	size_t n_attr_keys;
	struct buf tmp;		/* scratch */
	struct buf sg, sf, sk, sgn, sfn, sg1;	/* scratch of index_user() */
	int full;		/* a limit was hit while building */
};

/* ---- directory -------------------------------------------------------- */

void
resolver_dir_init(struct resolver_dir *d)
{
	memset(d, 0, sizeof(*d));
}

static void
index_free(struct resolver_index *ix)
{
	size_t i;

	if (ix == NULL)
		return;
	free(ix->arena);
	free(ix->entries);
	free(ix->slots);
	free(ix->posts);
	for (i = 0; i < ix->n_attr_keys; i++)
		free(ix->attr_keys[i]);
	free(ix->attr_keys);
	buf_release(&ix->tmp);
	buf_release(&ix->sg);
	buf_release(&ix->sf);
	buf_release(&ix->sk);
	buf_release(&ix->sgn);
	buf_release(&ix->sfn);
	buf_release(&ix->sg1);
	free(ix);
}

static void
drop_index(struct resolver_dir *d)
{
	index_free(d->index);
	d->index = NULL;
}

void
resolver_user_release(struct resolver_user *u)
{
	size_t i;

	free(u->email);
	for (i = 0; i < u->n_aliases; i++)
		free(u->aliases[i]);
	free(u->aliases);
	free(u->given_name);
	free(u->family_name);
	free(u->display_name);
	free(u->external_id);
	free(u->status);
	for (i = 0; i < u->n_attrs; i++) {
		free(u->attrs[i].name);
		free(u->attrs[i].value);
	}
	free(u->attrs);
	memset(u, 0, sizeof(*u));
}

void
resolver_dir_release(struct resolver_dir *d)
{
	size_t i;

	for (i = 0; i < d->n_users; i++)
		resolver_user_release(&d->users[i]);
	free(d->users);
	for (i = 0; i < d->n_maps; i++) {
		free(d->maps[i].username);
		free(d->maps[i].key);
		free(d->maps[i].email);
	}
	free(d->maps);
	for (i = 0; i < d->n_attr_names; i++)
		free(d->attr_names[i]);
	free(d->attr_names);
	index_free(d->index);
	memset(d, 0, sizeof(*d));
}

struct resolver_user *
resolver_dir_add(struct resolver_dir *d)
{
	struct resolver_user *u;

	drop_index(d);
	if (d->n_users == d->cap_users) {
		d->cap_users = d->cap_users ? d->cap_users * 2 : 64;
		d->users = xreallocarray(d->users, d->cap_users, sizeof(*d->users));
	}
	u = &d->users[d->n_users++];
	memset(u, 0, sizeof(*u));
	u->active = 1;
	return u;
}

void
resolver_dir_drop_last(struct resolver_dir *d)
{
	if (d->n_users == 0)
		return;
	drop_index(d);
	resolver_user_release(&d->users[--d->n_users]);
}

void
resolver_dir_set_attributes(struct resolver_dir *d, const char *const *names, size_t n)
{
	size_t i;

	drop_index(d);
	for (i = 0; i < d->n_attr_names; i++)
		free(d->attr_names[i]);
	free(d->attr_names);
	d->attr_names = n ? xcalloc(n, sizeof(*d->attr_names)) : NULL;
	for (i = 0; i < n; i++)
		d->attr_names[i] = xstrdup(names[i]);
	d->n_attr_names = n;
}

void
resolver_dir_add_mapping(struct resolver_dir *d, const char *username, const char *email)
{
	struct resolver_uname u;
	size_t i;

	drop_index(d);
	resolver_uname_split(username, &u);
	for (i = 0; i < d->n_maps; i++) {
		if (strcmp(d->maps[i].key, u.full) == 0) {
			free(d->maps[i].username);
			free(d->maps[i].email);
			d->maps[i].username = xstrdup(username);
			d->maps[i].email = xstrdup(email);
			resolver_uname_release(&u);
			return;
		}
	}
	if (d->n_maps == d->cap_maps) {
		d->cap_maps = d->cap_maps ? d->cap_maps * 2 : 16;
		d->maps = xreallocarray(d->maps, d->cap_maps, sizeof(*d->maps));
	}
	d->maps[d->n_maps].username = xstrdup(username);
	d->maps[d->n_maps].key = xstrdup(u.full);
	d->maps[d->n_maps].email = xstrdup(email);
	d->n_maps++;
	resolver_uname_release(&u);
}

/* ---- the index -------------------------------------------------------- */

/* FNV-1a of the tag byte followed by text (len bytes). */
static uint32_t
hash_key(char tag, const char *text, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	h ^= (unsigned char)tag;
	h *= 1099511628211ULL;
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 1099511628211ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static void
ix_rehash(struct resolver_index *ix, size_t n_slots)
{
	size_t i, k;

	free(ix->slots);
	ix->slots = xcalloc(n_slots, sizeof(*ix->slots));
	ix->n_slots = n_slots;
	for (i = 0; i < ix->n_entries; i++) {
		k = ix->entries[i].hash & (n_slots - 1);
		while (ix->slots[k])
			k = (k + 1) & (n_slots - 1);
		ix->slots[k] = (uint64_t)ix->entries[i].hash << 32 | (uint32_t)(i + 1);
	}
}

/*
 * The slot holding tag + text (len bytes of text), or the empty slot for
 * it. Slots keep the hash, so entries and key text are only read on a
 * likely match.
 */
static size_t
ix_find(const struct resolver_index *ix, char tag, const char *text, size_t len, uint32_t h)
{
	size_t k = h & (ix->n_slots - 1);
	uint64_t sl;

	while ((sl = ix->slots[k]) != 0) {
		if ((uint32_t)(sl >> 32) == h) {
			const struct ix_entry *en = &ix->entries[(uint32_t)sl - 1];
			const char *key = ix->arena + en->off;

			if (en->len == len + 1 && key[0] == tag && memcmp(key + 1, text, len) == 0)
				break;
		}
		k = (k + 1) & (ix->n_slots - 1);
	}
	return k;
}

/*
 * Add (tag + text → user, aux); a repeat for the same user is dropped
 * (users are added in order, so a repeat is always the list's tail).
 */
static void
ix_add(struct resolver_index *ix, char tag, const char *text, uint32_t user, uint32_t aux,
       int active)
{
	struct ix_entry *en;
	size_t tl = strlen(text), len = tl + 1, k;
	uint32_t h;

	if (tl == 0 || ix->full)
		return;
	h = hash_key(tag, text, tl);
	if ((ix->n_entries + 1) * 2 > ix->n_slots)
		ix_rehash(ix, ix->n_slots ? ix->n_slots * 2 : 1024);
	k = ix_find(ix, tag, text, tl, h);
	if (ix->slots[k]) {
		en = &ix->entries[(uint32_t)ix->slots[k] - 1];
		if (en->n && en->last_user == user)
			return;
	} else {
		if (ix->arena_len + len > UINT32_MAX || ix->n_entries >= UINT32_MAX - 1) {
			ix->full = 1;
			return;
		}
		if (ix->arena_len + len > ix->arena_cap) {
			ix->arena_cap = ix->arena_cap ? ix->arena_cap * 2 : 65536;
			while (ix->arena_len + len > ix->arena_cap)
				ix->arena_cap *= 2;
			ix->arena = xrealloc(ix->arena, ix->arena_cap);
		}
		ix->arena[ix->arena_len] = tag;
		memcpy(ix->arena + ix->arena_len + 1, text, tl);
		if (ix->n_entries == ix->cap_entries) {
			ix->cap_entries = ix->cap_entries ? ix->cap_entries * 2 : 1024;
			ix->entries = xreallocarray(ix->entries, ix->cap_entries, sizeof(*ix->entries));
		}
		en = &ix->entries[ix->n_entries];
		memset(en, 0, sizeof(*en));
		en->hash = h;
		en->off = (uint32_t)ix->arena_len;
		en->len = (uint32_t)len;
		ix->arena_len += len;
		ix->slots[k] = (uint64_t)h << 32 | (uint32_t)++ix->n_entries;
	}
	if (ix->n_posts >= UINT32_MAX - 1) {
		ix->full = 1;
		return;
	}
	if (ix->n_posts == ix->cap_posts) {
		ix->cap_posts = ix->cap_posts ? ix->cap_posts * 2 : 4096;
		ix->posts = xreallocarray(ix->posts, ix->cap_posts, sizeof(*ix->posts));
	}
	ix->posts[ix->n_posts].user = user;
	ix->posts[ix->n_posts].aux = aux;
	ix->posts[ix->n_posts].next = 0;
	ix->n_posts++;
	if (en->tail)
		ix->posts[en->tail - 1].next = (uint32_t)ix->n_posts;
	else
		en->head = (uint32_t)ix->n_posts;
	en->tail = (uint32_t)ix->n_posts;
	en->last_user = user;
	en->n++;
	en->n_active += active != 0;
}

/* The entry of tag + text, or NULL. */
static const struct ix_entry *
ix_get(struct resolver_index *ix, char tag, const char *text)
{
	size_t tl = strlen(text), k;

	if (tl == 0 || ix->n_slots == 0)
		return NULL;
	k = ix_find(ix, tag, text, tl, hash_key(tag, text, tl));
	return ix->slots[k] ? &ix->entries[(uint32_t)ix->slots[k] - 1] : NULL;
}

static int
attr_wanted(const struct resolver_index *ix, const char *name, struct buf *tmp)
{
	size_t i;

	buf_clear(tmp);
	resolver_attr_key(name, tmp);
	for (i = 0; i < ix->n_attr_keys; i++)
		if (strcmp(tmp->data, ix->attr_keys[i]) == 0)
			return 1;
	return 0;
}

/* Length of the first UTF-8 character of s. */
static size_t
first_char_len(const char *s)
{
	size_t n = 1;

	if ((unsigned char)s[0] >= 0x80)
		while (((unsigned char)s[n] & 0xc0) == 0x80)
			n++;
	return n;
}

/* Index the name patterns of a user with canonical given g and family f. */
static void
index_names(struct resolver_index *ix, const char *g, const char *f, uint32_t user, int active)
{
	struct buf *k = &ix->sk, *gn = &ix->sgn, *fn = &ix->sfn, *g1 = &ix->sg1;
	const char *dot;
	size_t n;

	buf_clear(gn);
	buf_clear(fn);
	buf_clear(g1);
	resolver_nosep(g, gn);
	resolver_nosep(f, fn);
	dot = strchr(g, '.');
	buf_add(g1, g, dot ? (size_t)(dot - g) : strlen(g));
	if (*g && *f) {
		buf_clear(k);
		buf_adds(k, g);
		buf_addc(k, '.');
		buf_adds(k, f);
		ix_add(ix, TAG_PAT + RESOLVER_PAT_FIRST_DOT_LAST - 1, k->data, user, 0, active);
		if (dot) {
			buf_clear(k);
			buf_adds(k, g1->data);
			buf_addc(k, '.');
			buf_adds(k, f);
			ix_add(ix, TAG_PAT + RESOLVER_PAT_FIRST_DOT_LAST - 1, k->data, user, 0, active);
		}
		buf_clear(k);
		buf_adds(k, gn->data);
		buf_adds(k, fn->data);
		ix_add(ix, TAG_PAT + RESOLVER_PAT_FIRSTLAST - 1, k->data, user, 0, active);
		if (dot) {
			buf_clear(k);
			buf_adds(k, g1->data);
			buf_adds(k, fn->data);
			ix_add(ix, TAG_PAT + RESOLVER_PAT_FIRSTLAST - 1, k->data, user, 0, active);
		}
		n = first_char_len(g);
		buf_clear(k);
		buf_add(k, g, n);
		buf_adds(k, fn->data);
		ix_add(ix, TAG_PAT + RESOLVER_PAT_INITIAL_LAST - 1, k->data, user, 0, active);
		buf_clear(k);
		buf_add(k, g, n);
		buf_addc(k, '.');
		buf_adds(k, f);
		ix_add(ix, TAG_PAT + RESOLVER_PAT_INITIAL_LAST - 1, k->data, user, 0, active);
	}
	ix_add(ix, TAG_PAT + RESOLVER_PAT_FIRST - 1, g, user, 0, active);
	if (dot) {
		ix_add(ix, TAG_PAT + RESOLVER_PAT_FIRST - 1, gn->data, user, 0, active);
		ix_add(ix, TAG_PAT + RESOLVER_PAT_FIRST - 1, g1->data, user, 0, active);
	}
	ix_add(ix, TAG_PAT + RESOLVER_PAT_LAST - 1, f, user, 0, active);
	if (strchr(f, '.'))
		ix_add(ix, TAG_PAT + RESOLVER_PAT_LAST - 1, fn->data, user, 0, active);
}

/*
 * Given and family names of u as canonical keys; when both are missing,
 * from the display name: "Doe, John" or "John Doe" (first and last word).
 */
static void
name_parts(const struct resolver_user *u, struct buf *g, struct buf *f, struct buf *tmp)
{
	const char *dn = u->display_name, *comma, *sp;

	if (u->given_name)
		resolver_canon(u->given_name, strlen(u->given_name), g);
	if (u->family_name)
		resolver_canon(u->family_name, strlen(u->family_name), f);
	if (g->len || f->len || dn == NULL)
		return;
	if ((comma = strchr(dn, ',')) != NULL) {
		resolver_canon(dn, (size_t)(comma - dn), f);
		resolver_canon(comma + 1, strlen(comma + 1), g);
		return;
	}
	buf_clear(tmp);
	resolver_canon(dn, strlen(dn), tmp);
	if ((sp = strchr(tmp->data, '.')) != NULL) {
		buf_add(g, tmp->data, (size_t)(sp - tmp->data));
		buf_adds(f, strrchr(tmp->data, '.') + 1);
	}
}

static void
index_user(struct resolver_index *ix, const struct resolver_user *u, uint32_t user)
{
	struct buf *g = &ix->sg, *f = &ix->sf;
	struct resolver_uname un;
	size_t i;

	for (i = 0; i <= u->n_aliases; i++) {
		const char *a = i == 0 ? u->email : u->aliases[i - 1];
		const char *at;

		if (a == NULL)
			continue;
		buf_clear(&ix->tmp);
		resolver_fold(a, strlen(a), &ix->tmp);
		ix_add(ix, TAG_EMAIL, ix->tmp.data, user, (uint32_t)i, u->active);
		at = strrchr(ix->tmp.data, '@');
		if (at) {
			buf_clear(g);
			resolver_canon(ix->tmp.data, (size_t)(at - ix->tmp.data), g);
			ix_add(ix, TAG_LOCAL, g->data, user, (uint32_t)i, u->active);
		}
	}
	for (i = 0; i < u->n_attrs; i++) {
		if (u->attrs[i].value == NULL || !attr_wanted(ix, u->attrs[i].name, &ix->tmp))
			continue;
		resolver_uname_split(u->attrs[i].value, &un);
		ix_add(ix, TAG_ATTR, un.bare, user, (uint32_t)i, u->active);
		resolver_uname_release(&un);
	}
	buf_clear(g);
	buf_clear(f);
	name_parts(u, g, f, &ix->tmp);
	index_names(ix, g->data, f->data, user, u->active);
}

int
resolver_dir_build(struct resolver_dir *d, struct err *e)
{
	struct resolver_index *ix;
	const char *const *names = resolver_default_attributes;
	size_t n_names = 0, i;

	if (d->index)
		return 0;
	if (d->n_users > RESOLVER_MAX_USERS)
		return err_set(e, ERR_LIMIT, "directory has %zu users (at most %u)", d->n_users,
			       RESOLVER_MAX_USERS);
	ix = xcalloc(1, sizeof(*ix));
	buf_init(&ix->tmp, 0);
	buf_init(&ix->sg, 0);
	buf_init(&ix->sf, 0);
	buf_init(&ix->sk, 0);
	buf_init(&ix->sgn, 0);
	buf_init(&ix->sfn, 0);
	buf_init(&ix->sg1, 0);
	if (d->n_attr_names) {
		names = (const char *const *)d->attr_names;
		n_names = d->n_attr_names;
	} else {
		while (names[n_names])
			n_names++;
	}
	ix->attr_keys = xcalloc(n_names ? n_names : 1, sizeof(*ix->attr_keys));
	for (i = 0; i < n_names; i++) {
		buf_clear(&ix->tmp);
		resolver_attr_key(names[i], &ix->tmp);
		ix->attr_keys[ix->n_attr_keys++] = xstrdup(ix->tmp.data);
	}
	/* Roughly three distinct keys per user: size the table once. */
	{
		size_t want = 1024;

		while (want < d->n_users * 6 && want < ((size_t)1 << 31))
			want *= 2;
		ix_rehash(ix, want);
	}
	for (i = 0; i < d->n_users; i++)
		index_user(ix, &d->users[i], (uint32_t)i);
	for (i = 0; i < d->n_maps; i++)
		ix_add(ix, TAG_MAP, d->maps[i].key, (uint32_t)i, 0, 1);
	if (ix->full) {
		index_free(ix);
		return err_set(e, ERR_LIMIT, "directory too large to index");
	}
	d->index = ix;
	return 0;
}

size_t
resolver_dir_index_bytes(const struct resolver_dir *d)
{
	const struct resolver_index *ix = d->index;

	if (ix == NULL)
		return 0;
	return ix->arena_cap + ix->cap_entries * sizeof(*ix->entries) +
	       ix->n_slots * sizeof(*ix->slots) + ix->cap_posts * sizeof(*ix->posts);
}

/* ---- resolution ------------------------------------------------------- */

/*
 * Judge the candidates of one tier (an index entry): 0 when there are
 * none (try the next tier), else 1 with r filled. Counts were kept while
 * indexing, so only the listed candidates are visited.
 */
static int
judge(struct resolver_dir *d, const struct ix_entry *en, enum resolver_tier tier,
      struct resolver_result *r)
{
	struct resolver_index *ix = d->index;
	const struct ix_posting *p;
	size_t n = 0;
	uint32_t i;

	if (en == NULL || en->n == 0)
		return 0;
	memset(r, 0, sizeof(*r));
	for (i = en->head; i && n < RESOLVER_MAX_CANDIDATES; i = p->next) {
		p = &ix->posts[i - 1];
		r->candidates[n++] = &d->users[p->user];
	}
	r->n_candidates = en->n;
	r->tier = tier;
	if (en->n == 1 && tier == RESOLVER_TIER_ATTRIBUTE) {
		p = &ix->posts[en->head - 1];
		r->attribute = d->users[p->user].attrs[p->aux].name;
	}
	if (en->n == 1 && en->n_active == 1) {
		p = &ix->posts[en->head - 1];
		r->status = RESOLVER_RESOLVED;
		r->user = &d->users[p->user];
	} else if (en->n_active == 0) {
		r->status = RESOLVER_INACTIVE;
	} else {
		r->status = RESOLVER_AMBIGUOUS;
	}
	return 1;
}

/* The only user with this address (primary or alias), or NULL. */
static const struct resolver_user *
unique_email(struct resolver_dir *d, const char *email)
{
	struct resolver_index *ix = d->index;
	const struct ix_entry *en;

	buf_clear(&ix->tmp);
	resolver_fold(email, strlen(email), &ix->tmp);
	en = ix_get(ix, TAG_EMAIL, ix->tmp.data);
	if (en == NULL || en->n != 1)
		return NULL;
	return &d->users[ix->posts[en->head - 1].user];
}

const struct resolver_user *
resolver_find_email(struct resolver_dir *d, const char *email)
{
	if (d->index == NULL && resolver_dir_build(d, NULL) < 0)
		return NULL;
	return unique_email(d, email);
}

static void
apply_mapping(struct resolver_dir *d, const struct resolver_uname *u, struct resolver_result *r)
{
	struct resolver_index *ix = d->index;
	const struct resolver_mapping *m;
	const struct resolver_user *t;
	const struct ix_entry *en;

	en = ix_get(ix, TAG_MAP, u->full);
	if (en == NULL && strcmp(u->full, u->bare) != 0)
		en = ix_get(ix, TAG_MAP, u->bare);
	if (en == NULL)
		return;
	/* Mappings are unique per key: a later one replaced the earlier. */
	m = &d->maps[ix->posts[en->head - 1].user];
	t = unique_email(d, m->email);
	r->mapped_email = m->email;
	if (t && t->active) {
		memset(r, 0, sizeof(*r));
		r->status = RESOLVER_RESOLVED;
		r->tier = RESOLVER_TIER_MAPPING;
		r->mapped_email = m->email;
		r->user = t;
	} else if (r->status == RESOLVER_NO_MATCH && t) {
		r->status = RESOLVER_INACTIVE;
		r->tier = RESOLVER_TIER_MAPPING;
		r->n_candidates = 1;
		r->candidates[0] = t;
	} else if (r->status == RESOLVER_NO_MATCH) {
		r->tier = RESOLVER_TIER_MAPPING;
	}
}

int
resolver_resolve(struct resolver_dir *d, const char *username, struct resolver_result *r,
		 struct err *e)
{
	struct resolver_index *ix;
	struct resolver_uname u;
	int ret, p;

	memset(r, 0, sizeof(*r));
	if (d->index == NULL && (ret = resolver_dir_build(d, e)) < 0)
		return ret;
	ix = d->index;
	resolver_uname_split(username, &u);
	if (u.bare[0] == '\0') {
		r->status = RESOLVER_EMPTY;
		goto out;
	}
	if (resolver_is_system_account(&u)) {
		r->status = RESOLVER_SYSTEM;
		goto out;
	}
	if (u.host && judge(d, ix_get(ix, TAG_EMAIL, u.folded), RESOLVER_TIER_EMAIL, r))
		goto decided;
	if (judge(d, ix_get(ix, TAG_ATTR, u.bare), RESOLVER_TIER_ATTRIBUTE, r))
		goto decided;
	if (judge(d, ix_get(ix, TAG_LOCAL, u.bare), RESOLVER_TIER_LOCAL_PART, r))
		goto decided;
	for (p = RESOLVER_PAT_FIRST_DOT_LAST; p <= RESOLVER_PAT_LAST; p++) {
		if (judge(d, ix_get(ix, (char)(TAG_PAT + p - 1), u.bare), RESOLVER_TIER_NAME, r)) {
			r->pattern = (enum resolver_pattern)p;
			goto decided;
		}
	}
	r->status = RESOLVER_NO_MATCH;
decided:
	if (r->status != RESOLVER_RESOLVED)
		apply_mapping(d, &u, r);
out:
	resolver_uname_release(&u);
	return 0;
}

const char *
resolver_status_name(enum resolver_status s)
{
	switch (s) {
	case RESOLVER_RESOLVED: return "resolved";
	case RESOLVER_AMBIGUOUS: return "ambiguous";
	case RESOLVER_INACTIVE: return "inactive";
	case RESOLVER_NO_MATCH: return "no_match";
	case RESOLVER_SYSTEM: return "system_account";
	case RESOLVER_EMPTY: return "empty";
	}
	return "unknown";
}

const char *
resolver_tier_name(enum resolver_tier t)
{
	switch (t) {
	case RESOLVER_TIER_EMAIL: return "email";
	case RESOLVER_TIER_ATTRIBUTE: return "identity_attribute";
	case RESOLVER_TIER_LOCAL_PART: return "email_local_part";
	case RESOLVER_TIER_NAME: return "name_pattern";
	case RESOLVER_TIER_MAPPING: return "admin_mapping";
	case RESOLVER_TIER_NONE: break;
	}
	return NULL;
}

const char *
resolver_pattern_name(enum resolver_pattern p)
{
	switch (p) {
	case RESOLVER_PAT_FIRST_DOT_LAST: return "first.last";
	case RESOLVER_PAT_FIRSTLAST: return "firstlast";
	case RESOLVER_PAT_INITIAL_LAST: return "initial+last";
	case RESOLVER_PAT_FIRST: return "first";
	case RESOLVER_PAT_LAST: return "last";
	case RESOLVER_PAT_NONE: break;
	}
	return NULL;
}
