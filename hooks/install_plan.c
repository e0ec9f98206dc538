/* The edit plan shared by every format: which entries of ours to remove,
 * keep or append in a hooks object, decided once on the parsed tree, and
 * the check findings the same walk yields. */
#include "hooks/install_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

static struct hop *
plan_add(struct hplan *p, enum hop_kind kind, const char *event)
{
	struct hop *op;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	op = &p->v[p->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->event = event;
	return op;
}

void
hplan_release(struct hplan *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* Describe how our entry differs from the wanted one, for check. */
static void
note_modified(const struct hook_spec *s, struct hook_file_report *fr, const char *event,
	      const cJSON *have, const cJSON *want)
{
	const cJSON *hh = have, *wh = want;
	const char *hc, *wc;

	if (s->shape == SHAPE_GROUPED) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(have, "hooks");
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(want, "hooks");

		hh = cJSON_IsArray(a) ? a->child : NULL;
		wh = cJSON_IsArray(b) ? b->child : NULL;
	}
	hc = hook_handler_command(s, hh);
	wc = hook_handler_command(s, wh);
	if (hc && wc && strcmp(hc, wc) != 0)
		hook_note(fr, HOOK_PB_MODIFIED, "%s: runs '%s', not '%s'", event, hc, wc);
	else
		hook_note(fr, HOOK_PB_MODIFIED, "%s: our entry was changed", event);
}

int
hook_plan(const struct hook_spec *s, const struct hook_wants *w, int check,
	  const cJSON *H, const char *skip, struct hplan *p,
	  struct hook_file_report *fr, struct err *e)
{
	const cJSON *ev;
	unsigned char *done = xcalloc(w->n + 1, 1);
	size_t i, members = 0, removed = 0, added = 0;
	int ret = 0;

	cJSON_ArrayForEach(ev, H) {
		const struct hook_want *want;
		size_t n = 0, full = 0, mixed = 0, keep = 0, g;
		const cJSON *entry;

		if (skip && strcmp(ev->string, skip) == 0)
			continue;
		want = hook_wants_find(w, ev->string);
		members++;
		if (want)
			done[want - w->v] = 1;
		if (!cJSON_IsArray(ev)) {
			if (!want)
				continue;
			if (check) {
				hook_note(fr, HOOK_PB_MODIFIED, "%s: not a list", ev->string);
				continue;
			}
			ret = err_set(e, ERR_INVALID, "hooks.%s is not a list; edit it by hand",
				      ev->string);
			goto out;
		}
		g = 0;
		cJSON_ArrayForEach(entry, ev) {
			size_t o, a;

			hook_entry_count(s, entry, &o, &a);
			if (o && o == a) {
				full++;
				keep = g;
			} else if (o) {
				mixed++;
			}
			n++;
			g++;
		}
		if (check)
			fr->n_entries += full + mixed;
		if (want && full == 1 && mixed == 0 &&
		    hook_tree_equal(cJSON_GetArrayItem(ev, (int)keep), want->entry))
			continue;
		if (full + mixed == 0 && !want)
			continue;
		if (check) {
			if (want && full + mixed == 0)
				hook_note(fr, HOOK_PB_MISSING, "%s: missing", ev->string);
			else if (full + mixed > 1)
				hook_note(fr, HOOK_PB_DUPLICATED, "%s: %zu entries of ours",
					  ev->string, full + mixed);
			else if (mixed)
				hook_note(fr, HOOK_PB_MODIFIED, "%s: our command shares a group with "
					  "another hook", ev->string);
			else if (want)
				note_modified(s, fr, ev->string, cJSON_GetArrayItem(ev, (int)keep),
					      want->entry);
			else
				hook_note(fr, HOOK_PB_EXTRA, "%s: entry of ours in an event this mode "
					  "does not use", ev->string);
			continue;
		}
		/* Remove ours from the end, so earlier indexes stay valid (walk
		 * the list backwards: cJSON keeps the tail in child->prev). */
		entry = ev->child ? ev->child->prev : NULL;
		for (g = n; g-- > 0; entry = entry == ev->child ? NULL : entry->prev) {
			const cJSON *ent = entry, *hooks;
			size_t o, a, h;

			hook_entry_count(s, ent, &o, &a);
			if (o == 0)
				continue;
			if (o == a) {
				plan_add(p, HOP_REMOVE_ENTRY, ev->string)->idx = g;
				continue;
			}
			hooks = cJSON_GetObjectItemCaseSensitive(ent, "hooks");
			for (h = (size_t)cJSON_GetArraySize(hooks); h-- > 0;) {
				struct hop *op;

				if (!hook_handler_ours(s, cJSON_GetArrayItem(hooks, (int)h)))
					continue;
				op = plan_add(p, HOP_REMOVE_HANDLER, ev->string);
				op->idx = g;
				op->h = h;
			}
		}
		if (want) {
			plan_add(p, HOP_APPEND_ENTRY, ev->string)->entry = want->entry;
		} else if (full == n) {
			plan_add(p, HOP_REMOVE_EVENT, ev->string);
			removed++;
		}
	}
	for (i = 0; i < w->n; i++) {
		if (done[i])
			continue;
		if (check) {
			hook_note(fr, HOOK_PB_MISSING, "%s: missing", w->v[i].ev->name);
			continue;
		}
		if (H) {
			plan_add(p, HOP_ADD_EVENT, w->v[i].ev->name)->entry = w->v[i].entry;
			added++;
		}
	}
	if (!check && !H && w->n)
		plan_add(p, HOP_ADD_HOOKS, NULL);
	else if (!check && H && members > 0 && members == removed && added == 0 &&
		 (skip == NULL || cJSON_GetObjectItemCaseSensitive(H, skip) == NULL))
		plan_add(p, HOP_REMOVE_HOOKS, NULL);
out:
	free(done);
	return ret;
}

void
hop_apply_tree(cJSON *root, const char *key, const struct hop *op, const struct hook_wants *w)
{
	cJSON *H = cJSON_GetObjectItemCaseSensitive(root, key), *ev, *arr;
	size_t i;

	ev = op->event ? cJSON_GetObjectItemCaseSensitive(H, op->event) : NULL;
	switch (op->kind) {
	case HOP_REMOVE_ENTRY:
		cJSON_DeleteItemFromArray(ev, (int)op->idx);
		break;
	case HOP_REMOVE_HANDLER:
		cJSON_DeleteItemFromArray(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetArrayItem(ev, (int)op->idx), "hooks"), (int)op->h);
		break;
	case HOP_APPEND_ENTRY:
		cJSON_AddItemToArray(ev, cJSON_Duplicate(op->entry, 1));
		break;
	case HOP_REMOVE_EVENT:
		cJSON_DeleteItemFromObjectCaseSensitive(H, op->event);
		break;
	case HOP_ADD_EVENT:
		arr = cJSON_AddArrayToObject(H, op->event);
		cJSON_AddItemToArray(arr, cJSON_Duplicate(op->entry, 1));
		break;
	case HOP_ADD_HOOKS:
		H = cJSON_AddObjectToObject(root, key);
		for (i = 0; i < w->n; i++) {
			arr = cJSON_AddArrayToObject(H, w->v[i].ev->name);
			cJSON_AddItemToArray(arr, cJSON_Duplicate(w->v[i].entry, 1));
		}
		break;
	case HOP_REMOVE_HOOKS:
		cJSON_DeleteItemFromObjectCaseSensitive(root, key);
		break;
	}
}

/* ---- structural equality, in O(n log n) for large objects ---- */

static int
cmp_key(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;

	return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

int
hook_tree_equal(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;
	const cJSON **va = NULL, **vb = NULL;
	size_t n = 0, m = 0, i;
	int eq = 1;

	if (a == NULL || b == NULL)
		return a == b;
	if ((a->type & 0xff) != (b->type & 0xff))
		return 0;
	switch (a->type & 0xff) {
	case cJSON_String:
	case cJSON_Raw:
		return a->valuestring && b->valuestring ? strcmp(a->valuestring, b->valuestring) == 0 :
		       a->valuestring == b->valuestring;
	case cJSON_Number:
		return cJSON_Compare(a, b, 1);
	case cJSON_Array:
		for (x = a->child, y = b->child; x && y; x = x->next, y = y->next)
			if (!hook_tree_equal(x, y))
				return 0;
		return x == NULL && y == NULL;
	case cJSON_Object:
		/* Same order (the usual case: edits keep it): pairwise. */
		for (x = a->child, y = b->child; x && y; x = x->next, y = y->next)
			if (!x->string || !y->string || strcmp(x->string, y->string) != 0)
				break;
		if (x == NULL && y == NULL) {
			for (x = a->child, y = b->child; x; x = x->next, y = y->next)
				if (!hook_tree_equal(x, y))
					return 0;
			return 1;
		}
		/* Else by sorted keys. */
		for (x = a->child; x; x = x->next)
			n++;
		for (y = b->child; y; y = y->next)
			m++;
		if (n != m)
			return 0;
		va = xcalloc(n + 1, sizeof(*va));
		vb = xcalloc(m + 1, sizeof(*vb));
		for (i = 0, x = a->child; x; x = x->next)
			va[i++] = x;
		for (i = 0, y = b->child; y; y = y->next)
			vb[i++] = y;
		qsort(va, n, sizeof(*va), cmp_key);
		qsort(vb, m, sizeof(*vb), cmp_key);
		for (i = 0; i < n && eq; i++)
			eq = cmp_key(&va[i], &vb[i]) == 0 && (i == 0 || cmp_key(&va[i - 1], &va[i]) != 0) &&
			     hook_tree_equal(va[i], vb[i]);
		free(va);
		free(vb);
		return eq;
	default:
		return 1;	/* null, true, false: the type says it all */
	}
}
