/* Codex: our hooks in hooks.json (or as [[hooks.<Event>]] tables in
 * config.toml when the user keeps hooks there), and the [hooks.state] trust
 * entries Codex needs before it runs a user-level hook (clients.md §5.2). */
#include "hooks/install_int.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/edit.h"
#include "hooks/edit_toml.h"
#include "parsers/tree.h"
#include "util/file.h"
#include "util/lock.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Every Codex event (clients.md §5.2), for trust keys. */
static const char *const codex_all_events[] = {
	"PreModelRequest", "PostModelRequest", "PreToolUse", "PermissionRequest", "PostToolUse",
	"PreCompact", "PostCompact", "SessionStart", "SessionEnd", "UserPromptSubmit", "Stop",
	"Interrupt", "SubagentStart", "SubagentStop", NULL
};

/* Events whose matcher Codex ignores (and leaves out of the hash). */
static int
ignores_matcher(const char *ev)
{
	return strcmp(ev, "PreModelRequest") == 0 || strcmp(ev, "PostModelRequest") == 0 ||
	       strcmp(ev, "UserPromptSubmit") == 0 || strcmp(ev, "Stop") == 0 ||
	       strcmp(ev, "Interrupt") == 0;
}

static char *
snake(const char *camel)
{
	struct buf b = BUF_INIT;
	const char *p;

	for (p = camel; *p; p++) {
		if (*p >= 'A' && *p <= 'Z') {
			if (p != camel)
				buf_addc(&b, '_');
			buf_addc(&b, (char)(*p - 'A' + 'a'));
		} else {
			buf_addc(&b, *p);
		}
	}
	return buf_detach(&b, NULL);
}

struct tkey {
	char *key;		/* <source>:<event_snake>:<group>:<handler> */
	const char *event;	/* camel case, static */
	const char *source;	/* borrowed */
	int ours;
	size_t rank;		/* other hooks: position among the event's other handlers */
	char hash[72];		/* ours: the hash Codex computes */
};

struct tkeys {
	struct tkey *v;
	size_t n, cap;
};

static void
tkeys_release(struct tkeys *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->v[i].key);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static const struct tkey *
tkeys_find(const struct tkeys *k, const char *key)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (strcmp(k->v[i].key, key) == 0)
			return &k->v[i];
	return NULL;
}

static void
handler_hash(const char *event, const cJSON *group, const cJSON *h, char out[72])
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(group, "matcher");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(h, "timeout");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(h, "async");
	const cJSON *sm = cJSON_GetObjectItemCaseSensitive(h, "statusMessage");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(h, "command");
	char *sn = snake(event);

	hooks_codex_hash(sn, cJSON_IsString(m) && !ignores_matcher(event) ? m->valuestring : NULL,
			 cJSON_IsString(c) ? c->valuestring : "",
			 cJSON_IsNumber(t) && t->valuedouble >= 0 && t->valuedouble <= 1e15 ?
			 (long)t->valuedouble : -1, cJSON_IsTrue(a),
			 cJSON_IsString(sm) ? sm->valuestring : NULL, out);
	free(sn);
}

/* Every handler of a hooks object with its trust key. */
static void
collect(const struct hook_spec *s, const cJSON *hooks, const char *source, struct tkeys *out)
{
	const char *const *ev;

	for (ev = codex_all_events; *ev; ev++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(hooks, *ev), *group;
		size_t g = 0, rank = 0;
		char *sn;

		if (!cJSON_IsArray(arr))
			continue;
		sn = snake(*ev);
		cJSON_ArrayForEach(group, arr) {
			const cJSON *hs = cJSON_GetObjectItemCaseSensitive(group, "hooks"), *h;
			size_t i = 0;

			if (!cJSON_IsArray(hs))
				hs = NULL;
			cJSON_ArrayForEach(h, hs) {
				struct tkey *k;

				if (out->n == out->cap) {
					out->cap = out->cap ? out->cap * 2 : 16;
					out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
				}
				k = &out->v[out->n++];
				memset(k, 0, sizeof(*k));
				k->key = xasprintf("%s:%s:%zu:%zu", source, sn, g, i);
				k->event = *ev;
				k->source = source;
				k->ours = hook_handler_ours(s, h);
				if (k->ours)
					handler_hash(*ev, group, h, k->hash);
				else
					k->rank = rank++;
				i++;
			}
			g++;
		}
		free(sn);
	}
}

/* ---- config.toml text edits ---- */

struct tedit {
	struct tdoc d;
	struct edits ed;
	struct buf tail;	/* appended at the end of the file */
	const char *text;
	size_t len;
};

/* Delete statements [a, b) and the blank line just before a (the
 * separator we add when appending). */
static void
delete_stmts(struct tedit *t, size_t a, size_t b)
{
	size_t start = t->d.v[a].start;

	if (a > 0 && t->d.v[a - 1].kind == TS_OTHER && t->d.v[a - 1].blank)
		start = t->d.v[a - 1].start;
	edits_add(&t->ed, start, t->d.v[b - 1].end, "");
}

static void
put_scalar(struct buf *b, const cJSON *v)
{
	if (cJSON_IsString(v))
		toml_quote(b, v->valuestring);
	else if (cJSON_IsBool(v))
		buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
	else
		buf_addf(b, "%lld", (long long)v->valuedouble);
}

/* A group as TOML array-of-tables text, preceded by a blank line. */
static void
put_group(struct buf *b, const char *nl, const char *event, const cJSON *group)
{
	const cJSON *c, *h;

	buf_adds(b, nl);
	buf_adds(b, "[[hooks.");
	toml_key(b, event);
	buf_adds(b, "]]");
	buf_adds(b, nl);
	cJSON_ArrayForEach(c, group) {
		if (cJSON_IsArray(c) || cJSON_IsObject(c))
			continue;
		toml_key(b, c->string);
		buf_adds(b, " = ");
		put_scalar(b, c);
		buf_adds(b, nl);
	}
	cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(group, "hooks")) {
		buf_adds(b, "[[hooks.");
		toml_key(b, event);
		buf_adds(b, ".hooks]]");
		buf_adds(b, nl);
		cJSON_ArrayForEach(c, h) {
			toml_key(b, c->string);
			buf_adds(b, " = ");
			put_scalar(b, c);
			buf_adds(b, nl);
		}
	}
}

/* Index of the idx-th [[hooks.<event>]] header, or (size_t)-1. *count gets
 * how many there are. */
static size_t
nth_aot(const struct tdoc *d, const char *event, size_t idx, size_t *count)
{
	const char *p[2] = { "hooks", event };
	size_t i, n = 0, found = (size_t)-1;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].kind != TS_AOT || d->v[i].npath != 2 ||
		    !tstmt_has_prefix(&d->v[i], p, 2))
			continue;
		if (n == idx)
			found = i;
		n++;
	}
	*count = n;
	return found;
}

static int
toml_hook_op(struct tedit *t, const struct hop *op, const cJSON *hooks, struct err *e)
{
	const cJSON *arr = op->event ? cJSON_GetObjectItemCaseSensitive(hooks, op->event) : NULL;
	size_t count, h, end, i, n = 0;

	switch (op->kind) {
	case HOP_REMOVE_ENTRY:
	case HOP_REMOVE_HANDLER:
		h = nth_aot(&t->d, op->event, op->idx, &count);
		if (h == (size_t)-1 || count != (size_t)cJSON_GetArraySize(arr))
			return err_set(e, ERR_INVALID, "hooks.%s is not written as [[hooks.%s]] tables; "
				       "move it to hooks.json or to such tables to let runlayer edit it",
				       op->event, op->event);
		end = tdoc_table_end(&t->d, h, 1);
		if (op->kind == HOP_REMOVE_ENTRY) {
			delete_stmts(t, h, end);
			return 0;
		}
		for (i = h + 1; i < end; i++) {
			const char *p[3] = { "hooks", op->event, "hooks" };

			if (t->d.v[i].kind != TS_AOT || t->d.v[i].npath != 3 ||
			    !tstmt_has_prefix(&t->d.v[i], p, 3))
				continue;
			if (n++ == op->h) {
				delete_stmts(t, i, tdoc_table_end(&t->d, i, 1));
				return 0;
			}
		}
		return err_set(e, ERR_INVALID, "hooks.%s: cannot find the handler to remove",
			       op->event);
	case HOP_APPEND_ENTRY:
	case HOP_ADD_EVENT:
		put_group(&t->tail, t->d.nl, op->event, op->entry);
		return 0;
	case HOP_ADD_HOOKS:
	case HOP_REMOVE_EVENT:
	case HOP_REMOVE_HOOKS:
		/* Tables appear and vanish with their [[…]] headers. */
		return 0;
	}
	return 0;
}

/* Where hooks.state.<key> is written: its [hooks.state."key"] table, or
 * dotted key/values; *inline_only when neither (an inline table). */
struct state_loc {
	size_t table;		/* header index, or (size_t)-1 */
	size_t *lines;		/* dotted key/value statements */
	size_t nlines;
	size_t hash_stmt;	/* the trusted_hash key/value, or (size_t)-1 */
};

static void
state_locate(const struct tdoc *d, const char *key, struct state_loc *l)
{
	const char *p[4] = { "hooks", "state", key, "trusted_hash" };
	size_t i;

	memset(l, 0, sizeof(*l));
	l->table = l->hash_stmt = (size_t)-1;
	for (i = 0; i < d->n; i++) {
		const struct tstmt *s = &d->v[i];

		if (!tstmt_has_prefix(s, p, 3))
			continue;
		if (s->kind == TS_TABLE && s->npath == 3)
			l->table = i;
		if (s->kind == TS_KEYVAL && s->npath == 4 && tstmt_has_prefix(s, p, 4))
			l->hash_stmt = i;
		/* A key/value naming the entry in its own key (not inside the
		 * entry's table): `"K".trusted_hash = …` under [hooks.state]. */
		if (s->kind == TS_KEYVAL && s->npath - s->nkey <= 2) {
			l->lines = xreallocarray(l->lines, l->nlines + 1, sizeof(*l->lines));
			l->lines[l->nlines++] = i;
		}
	}
}

static void
state_header(struct buf *b, const char *key)
{
	buf_adds(b, "hooks.state.");
	toml_quote(b, key);
}

static int
state_delete(struct tedit *t, const char *key, struct err *e)
{
	struct state_loc l;
	size_t i;

	state_locate(&t->d, key, &l);
	if (l.table != (size_t)-1)
		delete_stmts(t, l.table, tdoc_table_end(&t->d, l.table, 1));
	for (i = 0; i < l.nlines; i++)
		edits_add(&t->ed, t->d.v[l.lines[i]].start, t->d.v[l.lines[i]].end, "");
	free(l.lines);
	if (l.table == (size_t)-1 && l.nlines == 0)
		return err_set(e, ERR_INVALID, "hooks.state.\"%s\" is written inline; edit it by hand",
			       key);
	return 0;
}

static int
state_rename(struct tedit *t, const char *from, const char *to, struct err *e)
{
	struct state_loc l;
	struct buf b = BUF_INIT;
	size_t i, k;

	state_locate(&t->d, from, &l);
	if (l.table != (size_t)-1) {
		const struct tstmt *s = &t->d.v[l.table];

		state_header(&b, to);
		edits_add(&t->ed, s->key_start, s->key_end, b.data);
	}
	for (i = 0; i < l.nlines; i++) {
		const struct tstmt *s = &t->d.v[l.lines[i]];

		buf_clear(&b);
		for (k = s->npath - s->nkey; k < s->npath; k++) {
			if (k > s->npath - s->nkey)
				buf_addc(&b, '.');
			toml_key(&b, k == 2 ? to : s->path[k]);
		}
		edits_add(&t->ed, s->key_start, s->key_end, b.data);
	}
	buf_release(&b);
	free(l.lines);
	if (l.table == (size_t)-1 && l.nlines == 0)
		return err_set(e, ERR_INVALID, "hooks.state.\"%s\" is written inline; edit it by hand",
			       from);
	return 0;
}

static int
state_set(struct tedit *t, const char *key, const char *hash, int exists, struct err *e)
{
	struct state_loc l;
	struct buf b = BUF_INIT;
	int ret = 0;

	if (!exists) {
		buf_adds(&t->tail, t->d.nl);
		buf_addc(&t->tail, '[');
		state_header(&t->tail, key);
		buf_addc(&t->tail, ']');
		buf_adds(&t->tail, t->d.nl);
		buf_adds(&t->tail, "trusted_hash = ");
		toml_quote(&t->tail, hash);
		buf_adds(&t->tail, t->d.nl);
		return 0;
	}
	state_locate(&t->d, key, &l);
	toml_quote(&b, hash);
	if (l.hash_stmt != (size_t)-1) {
		edits_add(&t->ed, t->d.v[l.hash_stmt].val_start, t->d.v[l.hash_stmt].val_end, b.data);
	} else if (l.table != (size_t)-1) {
		struct buf line = BUF_INIT;

		buf_addf(&line, "trusted_hash = %s%s", b.data, t->d.nl);
		edits_add(&t->ed, t->d.v[l.table].end, t->d.v[l.table].end, line.data);
		buf_release(&line);
	} else {
		ret = err_set(e, ERR_INVALID, "hooks.state.\"%s\" is written inline; edit it by hand",
			      key);
	}
	free(l.lines);
	buf_release(&b);
	return ret;
}

/* Remove empty tables under hooks, which appear or vanish with headers. */
static void
prune_empty(cJSON *o)
{
	cJSON *c = o ? o->child : NULL, *next;

	for (; c; c = next) {
		next = c->next;
		if (cJSON_IsObject(c)) {
			prune_empty(c);
			if (c->child == NULL)
				cJSON_Delete(cJSON_DetachItemViaPointer(o, c));
		}
	}
}

static void
tree_state_set(cJSON *cfg, const char *key, const char *hash)
{
	cJSON *hooks = cJSON_GetObjectItemCaseSensitive(cfg, "hooks"), *state, *ent, *th;

	if (!hooks)
		hooks = cJSON_AddObjectToObject(cfg, "hooks");
	state = cJSON_GetObjectItemCaseSensitive(hooks, "state");
	if (!state)
		state = cJSON_AddObjectToObject(hooks, "state");
	ent = cJSON_GetObjectItemCaseSensitive(state, key);
	if (!ent)
		ent = cJSON_AddObjectToObject(state, key);
	th = cJSON_GetObjectItemCaseSensitive(ent, "trusted_hash");
	if (th)
		cJSON_DeleteItemFromObjectCaseSensitive(ent, "trusted_hash");
	cJSON_AddStringToObject(ent, "trusted_hash", hash);
}

static cJSON *
state_obj(const cJSON *cfg)
{
	cJSON *s = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg, "hooks"),
						    "state");

	return cJSON_IsObject(s) ? s : NULL;
}

static const char *
state_hash(const cJSON *cfg, const char *key)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(state_obj(cfg), key), "trusted_hash");

	return cJSON_IsString(h) ? h->valuestring : NULL;
}

/* Does config.toml keep hooks itself (any event besides "state")? */
static int
toml_has_hooks(const cJSON *cfg)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(cfg, "hooks"), *c;

	if (!cJSON_IsObject(h))
		return 0;
	cJSON_ArrayForEach(c, h)
		if (strcmp(c->string, "state") != 0)
			return 1;
	return 0;
}

/* The wanted hash of our entry for event (any position). */
static int
want_hash(const struct hook_wants *w, const char *event, char out[72])
{
	const struct hook_want *want = hook_wants_find(w, event);
	const cJSON *hs;

	if (want == NULL)
		return 0;
	hs = cJSON_GetObjectItemCaseSensitive(want->entry, "hooks");
	handler_hash(event, want->entry, cJSON_GetArrayItem(hs, 0), out);
	return 1;
}

/* The event part of a state key of one of our sources ("<src>:<event>:g:h"),
 * as a new string, or NULL when the key is not of either source. */
static char *
key_event(const char *key, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	const char *p = NULL, *end;

	if (strncmp(key, a, la) == 0 && key[la] == ':')
		p = key + la + 1;
	else if (b && strncmp(key, b, lb) == 0 && key[lb] == ':')
		p = key + lb + 1;
	if (p == NULL || (end = strchr(p, ':')) == NULL)
		return NULL;
	return xstrndup(p, (size_t)(end - p));
}

struct codex {
	struct hook_ctx *x;
	const struct hook_spec *s;
	struct fjob jobs[2];	/* hooks.json, config.toml (user scope) */
	size_t njobs;
	cJSON *cfg;		/* parsed config.toml, or an empty object */
	cJSON *hj;		/* parsed hooks.json, or NULL */
	char *cfg_path;
};

/* An orphan entry (no hook at its key) carrying our entry's hash. */
static int
orphan_is_ours(struct codex *cx, const char *key, const cJSON *ent)
{
	const cJSON *th = cJSON_GetObjectItemCaseSensitive(ent, "trusted_hash");
	char *ev = key_event(key, cx->jobs[0].fr->path, cx->cfg_path), wh[72];
	const char *const *e;
	int ours = 0;

	for (e = codex_all_events; ev && *e && !ours; e++) {
		char *sn = snake(*e);

		ours = strcmp(sn, ev) == 0 && want_hash(&cx->x->wants, *e, wh) &&
		       cJSON_IsString(th) && strcmp(th->valuestring, wh) == 0;
		free(sn);
	}
	free(ev);
	return ours;
}

enum fate { F_KEEP, F_DELETE, F_RENAMED };

/* The new key of another hook's handler o, or NULL. */
static const struct tkey *
moved_to(const struct tkeys *nw, const struct tkey *o)
{
	size_t j;

	for (j = 0; j < nw->n; j++) {
		const struct tkey *m = &nw->v[j];

		if (!m->ours && m->source == o->source && m->event == o->event && m->rank == o->rank)
			return m;
	}
	return NULL;
}

/* The trust part of the plan: deletes, renames and additions of
 * [hooks.state] entries, on the text (t) and on the expected tree (exp).
 * Other hooks' entries follow their hook when our edit moved it; ours are
 * kept when still right, else removed (and rewritten with consent). */
static int
plan_trust(struct codex *cx, const struct tkeys *old, const struct tkeys *nw, struct tedit *t,
	   cJSON *exp, struct err *e)
{
	struct hook_ctx *x = cx->x;
	const cJSON *state = state_obj(cx->cfg), *ent;
	size_t i, j, n = (size_t)cJSON_GetArraySize(state), untrusted = 0;
	enum fate *fate = xcalloc(n + 1, sizeof(*fate));
	cJSON *moved = cJSON_CreateObject();
	int ret = 0;

	i = 0;
	for (ent = state ? state->child : NULL; ent; ent = ent->next, i++) {
		const char *k = ent->string, *have = state_hash(cx->cfg, k);
		const struct tkey *o = tkeys_find(old, k), *nk = tkeys_find(nw, k), *m;
		int right = nk && nk->ours && have && strcmp(have, nk->hash) == 0;

		if (o && !o->ours) {
			m = moved_to(nw, o);
			if (m && strcmp(m->key, k) != 0) {
				ret = state_rename(t, k, m->key, e);
				fate[i] = F_RENAMED;
			}
		} else if (!right && ((o && o->ours) || (!o && orphan_is_ours(cx, k, ent)))) {
			ret = state_delete(t, k, e);
			fate[i] = F_DELETE;
		}
		if (ret < 0)
			goto out;
	}
	/* The same on the expected tree: deletes, then moves. */
	i = 0;
	for (ent = state ? state->child : NULL; ent; ent = ent->next, i++) {
		if (fate[i] == F_DELETE) {
			cJSON_DeleteItemFromObjectCaseSensitive(state_obj(exp), ent->string);
		} else if (fate[i] == F_RENAMED) {
			const struct tkey *m = moved_to(nw, tkeys_find(old, ent->string));

			cJSON_AddItemToObject(moved, m->key, cJSON_DetachItemFromObjectCaseSensitive(
						      state_obj(exp), ent->string));
		}
	}
	while (moved->child) {
		cJSON *m = cJSON_DetachItemViaPointer(moved, moved->child);

		cJSON_AddItemToObject(state_obj(exp), m->string, m);
	}
	for (j = 0; j < nw->n; j++) {
		const struct tkey *k = &nw->v[j];
		const cJSON *cur = NULL;
		const char *have;

		if (!k->ours)
			continue;
		/* What is left at this key once the deletes and moves are done. */
		i = 0;
		for (ent = state ? state->child : NULL; ent; ent = ent->next, i++)
			if (strcmp(ent->string, k->key) == 0 && fate[i] == F_KEEP)
				cur = ent;
		have = cur ? state_hash(cx->cfg, k->key) : NULL;
		if (have && strcmp(have, k->hash) == 0)
			continue;
		if (!x->o->trust) {
			untrusted++;
			continue;
		}
		ret = state_set(t, k->key, k->hash, cur != NULL, e);
		if (ret < 0)
			goto out;
		tree_state_set(exp, k->key, k->hash);
	}
	if (untrusted)
		hook_note(cx->jobs[1].fr, HOOK_PB_UNTRUSTED, "installed, not trusted: Codex skips "
			  "%zu hook%s of ours until trusted (run again with --yes, or trust them in "
			  "Codex's /hooks)", untrusted, untrusted == 1 ? "" : "s");
out:
	cJSON_Delete(moved);
	free(fate);
	return ret;
}

/* Edit config.toml: our [[hooks.X]] tables (when hooks live there) and the
 * trust entries. Fills jobs[1].new, verified against the expected tree. */
static int
edit_config(struct codex *cx, int toml_loc, const cJSON *hj_new, struct err *e)
{
	struct hook_ctx *x = cx->x;
	struct fjob *j = &cx->jobs[1];
	struct hook_wants none = { NULL, 0 };
	struct tedit t;
	struct hplan p = { NULL, 0, 0 };
	struct tkeys old = { NULL, 0, 0 }, nw = { NULL, 0, 0 };
	cJSON *exp = cJSON_Duplicate(cx->cfg, 1), *got = NULL;
	const cJSON *hooks = cJSON_GetObjectItemCaseSensitive(cx->cfg, "hooks");
	size_t i;
	int ret;

	memset(&t, 0, sizeof(t));
	t.text = j->exists ? j->old.data : "";
	t.len = j->exists ? j->old.len : 0;
	ret = tdoc_scan(&t.d, t.text, t.len, e);
	if (ret < 0)
		goto out;
	ret = hook_plan(cx->s, toml_loc ? &x->wants : &none, 0,
			cJSON_IsObject(hooks) ? hooks : NULL, "state", &p, j->fr, e);
	if (ret < 0)
		goto out;
	for (i = 0; i < p.n && ret == 0; i++) {
		ret = toml_hook_op(&t, &p.v[i], hooks, e);
		hop_apply_tree(exp, "hooks", &p.v[i], &x->wants);
	}
	if (ret < 0)
		goto out;
	if (!x->o->mdm) {
		/* Trust keys before and after, from both places hooks can live. */
		if (cx->hj)
			collect(cx->s, cJSON_GetObjectItemCaseSensitive(cx->hj, "hooks"),
				cx->jobs[0].fr->path, &old);
		collect(cx->s, hooks, cx->cfg_path, &old);
		if (hj_new)
			collect(cx->s, cJSON_GetObjectItemCaseSensitive(hj_new, "hooks"),
				cx->jobs[0].fr->path, &nw);
		collect(cx->s, cJSON_GetObjectItemCaseSensitive(exp, "hooks"), cx->cfg_path, &nw);
		ret = plan_trust(cx, &old, &nw, &t, exp, e);
		if (ret < 0)
			goto out;
	}
	if (t.tail.len) {
		if (t.len && t.text[t.len - 1] != '\n')
			edits_add(&t.ed, t.len, t.len, t.d.nl);
		edits_add(&t.ed, t.len, t.len, t.tail.data);
	}
	if (edits_apply(&t.ed, t.text, t.len, &j->new) < 0) {
		ret = err_set(e, ERR_INVALID, "internal error: overlapping edits");
		goto out;
	}
	if (t.ed.n == 0) {
		buf_clear(&j->new);
		buf_add(&j->new, j->old.data, j->old.len);
	}
	/* Verify: the new text parses to the expected tree. */
	ret = toml_parse(j->new.data, j->new.len, NULL, &got, e);
	if (ret == 0) {
		prune_empty(cJSON_GetObjectItemCaseSensitive(got, "hooks"));
		prune_empty(cJSON_GetObjectItemCaseSensitive(exp, "hooks"));
		if (cJSON_GetObjectItemCaseSensitive(got, "hooks") &&
		    !cJSON_GetObjectItemCaseSensitive(got, "hooks")->child)
			cJSON_DeleteItemFromObjectCaseSensitive(got, "hooks");
		if (cJSON_GetObjectItemCaseSensitive(exp, "hooks") &&
		    !cJSON_GetObjectItemCaseSensitive(exp, "hooks")->child)
			cJSON_DeleteItemFromObjectCaseSensitive(exp, "hooks");
	}
	if (ret < 0 || !hook_tree_equal(exp, got)) {
		ret = err_set(e, ERR_INVALID, "internal error: the edited file would not have the "
			      "intended structure; left unchanged");
		goto out;
	}
out:
	tkeys_release(&old);
	tkeys_release(&nw);
	hplan_release(&p);
	edits_release(&t.ed);
	buf_release(&t.tail);
	tdoc_release(&t.d);
	cJSON_Delete(exp);
	cJSON_Delete(got);
	return ret;
}

static void
note_fail(struct fjob *j, const struct err *e)
{
	j->fr->err = *e;
	if (j->fr->err.path[0] == '\0')
		snprintf(j->fr->err.path, sizeof(j->fr->err.path), "%s", j->fr->path);
	j->fr->problems |= HOOK_PB_ERROR;
}

/* Parse both files; an unparseable one stops Codex's install. */
static int
parse_both(struct codex *cx)
{
	struct err e = ERR_INIT;

	cJSON_Delete(cx->cfg);
	cJSON_Delete(cx->hj);
	cx->cfg = NULL;
	cx->hj = NULL;
	if (cx->njobs > 1 && cx->jobs[1].exists &&
	    toml_parse(cx->jobs[1].old.data, cx->jobs[1].old.len, NULL, &cx->cfg, &e) < 0) {
		note_fail(&cx->jobs[1], &e);
		return -ERR_PARSE;
	}
	if (cx->cfg == NULL)
		cx->cfg = cJSON_CreateObject();
	if (cx->jobs[0].exists &&
	    jsonc_parse(cx->jobs[0].old.data, cx->jobs[0].old.len, NULL, &cx->hj, &e) < 0) {
		note_fail(&cx->jobs[0], &e);
		return -ERR_PARSE;
	}
	return 0;
}

static void
check_codex(struct codex *cx)
{
	struct hook_ctx *x = cx->x;
	struct fjob *hj = &cx->jobs[0];
	int toml_loc = toml_has_hooks(cx->cfg);
	const cJSON *hooks_obj = toml_loc ? cJSON_GetObjectItemCaseSensitive(cx->cfg, "hooks") :
				 cJSON_GetObjectItemCaseSensitive(cx->hj, "hooks");
	struct err e = ERR_INIT;
	struct hplan p = { NULL, 0, 0 };
	struct tkeys keys = { NULL, 0, 0 };
	struct hook_file_report *where = toml_loc && cx->njobs > 1 ? cx->jobs[1].fr : hj->fr;
	const cJSON *feat;
	size_t i;

	if (toml_loc && !hj->exists)
		hj->fr->hidden = 1;
	if (!x->o->mode_given)
		x->cr->mode = x->mode = hook_infer_mode(x->c, hooks_obj);
	/* Rebuild the wanted entries for the inferred mode. */
	free(x->command);
	hook_wants_release(&x->wants);
	x->command = hooks_command(x->o->binary, x->c, x->mode);
	hook_wants_build(x->c, x->mode, x->command, &x->wants);
	if (!toml_loc && !hj->exists) {
		hook_note(hj->fr, HOOK_PB_MISSING, "no entries of ours (the file does not exist)");
	} else if (hook_plan(cx->s, &x->wants, 1, hooks_obj, "state", &p, where, &e) < 0) {
		note_fail(hj, &e);
	}
	hplan_release(&p);
	if (cx->njobs < 2)
		return;
	feat = cJSON_GetObjectItemCaseSensitive(cx->cfg, "features");
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(feat, "hooks")) ||
	    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(feat, "codex_hooks")))
		hook_note(cx->jobs[1].fr, HOOK_PB_DISABLED, "[features] turns hooks off: Codex runs "
			  "no hooks");
	collect(cx->s, hooks_obj, toml_loc ? cx->cfg_path : hj->fr->path, &keys);
	for (i = 0; i < keys.n; i++) {
		const struct tkey *k = &keys.v[i];
		const char *have;
		const cJSON *en;

		if (!k->ours || !hook_wants_find(&x->wants, k->event))
			continue;
		if (where != cx->jobs[1].fr)
			cx->jobs[1].fr->n_entries++;
		have = state_hash(cx->cfg, k->key);
		en = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(state_obj(cx->cfg), k->key), "enabled");
		if (have == NULL)
			hook_note(cx->jobs[1].fr, HOOK_PB_UNTRUSTED, "%s: not trusted (Codex skips it): "
				  "%s", k->event, k->key);
		else if (strcmp(have, k->hash) != 0)
			hook_note(cx->jobs[1].fr, HOOK_PB_UNTRUSTED, "%s: trusted for a different "
				  "entry (Codex sees it as modified): %s", k->event, k->key);
		if (cJSON_IsFalse(en))
			hook_note(cx->jobs[1].fr, HOOK_PB_DISABLED, "%s: disabled (enabled = false)",
				  k->event);
	}
	tkeys_release(&keys);
}

int
hook_run_codex(struct hook_ctx *x, const char *hooks_path)
{
	struct codex cx;
	struct lock locks[4];
	struct err e = ERR_INIT;
	cJSON *hj_new = NULL;
	size_t i;
	int r = 0, toml_loc;

	memset(&cx, 0, sizeof(cx));
	cx.x = x;
	cx.s = &hook_specs[HOOK_CODEX];
	cx.jobs[0].fr = hook_report_file(x->cr, hooks_path, "hooks");
	cx.jobs[0].system = x->o->mdm;
	cx.njobs = 1;
	if (!x->o->mdm) {
		char *copy = xstrdup(hooks_path);

		cx.cfg_path = path_join(dirname(copy), "config.toml");
		free(copy);
		cx.jobs[1].fr = hook_report_file(x->cr, cx.cfg_path, "trust");
		cx.njobs = 2;
	}
	if (x->o->action == HOOK_CHECK) {
		struct hook_opts ro = *x->o;

		ro.follow_symlinks = 1;
		for (i = 0; i < cx.njobs; i++)
			if (fjob_load(&cx.jobs[i], &ro) < 0)
				goto out;
		if (parse_both(&cx) == 0)
			check_codex(&cx);
		goto out;
	}
	for (i = 0; i < cx.njobs; i++) {
		struct fjob *j = &cx.jobs[i];

		/* Resolve targets first: the lock is on their directories. */
		r = fjob_load(j, x->o);
		if (r < 0)
			goto out;
	}
	r = hook_lock_jobs(cx.jobs, cx.njobs, x->o, locks);
	if (r < 0)
		goto out;
	for (i = 0; i < cx.njobs && r == 0; i++)
		r = fjob_load(&cx.jobs[i], x->o);
	if (r == 0)
		r = parse_both(&cx);
	if (r < 0)
		goto unlock;
	toml_loc = !x->o->mdm && toml_has_hooks(cx.cfg);
	if (toml_loc && !cx.jobs[0].exists)
		cx.jobs[0].fr->hidden = 1;
	/* hooks.json: ours there unless config.toml holds the hooks. */
	if (cx.jobs[0].exists || (!toml_loc && x->o->action == HOOK_INSTALL)) {
		struct hook_wants none = { NULL, 0 };

		r = hfile_json_edit(cx.s, toml_loc ? &none : &x->wants, 0, cx.jobs[0].old.data,
				    cx.jobs[0].old.len, cx.jobs[0].exists, &cx.jobs[0].new,
				    &cx.jobs[0].remove, cx.jobs[0].fr, &e);
		if (r < 0) {
			note_fail(&cx.jobs[0], &e);
			goto unlock;
		}
		if (!cx.jobs[0].remove && cx.jobs[0].new.len &&
		    jsonc_parse(cx.jobs[0].new.data, cx.jobs[0].new.len, NULL, &hj_new, &e) < 0) {
			note_fail(&cx.jobs[0], &e);
			r = -ERR_PARSE;
			goto unlock;
		}
	} else {
		buf_clear(&cx.jobs[0].new);
	}
	if (cx.njobs > 1) {
		r = edit_config(&cx, toml_loc, hj_new, &e);
		if (r < 0) {
			note_fail(&cx.jobs[1], &e);
			goto unlock;
		}
	}
	/* hooks.json first: a crash before the trust is written leaves hooks
	 * Codex skips, never trust for hooks that are not there. */
	for (i = 0; i < cx.njobs && r == 0; i++) {
		r = fjob_commit(&cx.jobs[i], x->o);
		if (i == 0)
			hook_crash_point("codex-between");
	}
	if (r == 0 && x->o->action == HOOK_INSTALL)
		(toml_loc && cx.njobs > 1 ? cx.jobs[1].fr : cx.jobs[0].fr)->n_entries = x->wants.n;
unlock:
	hook_unlock(locks, 4);
out:
	for (i = 0; i < cx.njobs; i++)
		fjob_release(&cx.jobs[i]);
	cJSON_Delete(cx.cfg);
	cJSON_Delete(cx.hj);
	cJSON_Delete(hj_new);
	free(cx.cfg_path);
	return r;
}
