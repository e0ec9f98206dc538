/* The JSON side of the installer: carry out a hook plan on a JSON/JSONC
 * file's text, and verify that the text now parses to exactly the edited
 * tree. */
#include "hooks/install_int.h"

#include <stdlib.h>
#include <string.h>

#include "hooks/edit_json.h"
#include "parsers/tree.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Translate one planned edit into a text op (values built into owned). */
static void
to_jop(const struct hop *h, const struct hook_wants *w, cJSON *owned, struct jop *op)
{
	size_t i;

	memset(op, 0, sizeof(*op));
	op->path[0].key = "hooks";
	op->path[1].key = h->event;
	op->depth = 2;
	switch (h->kind) {
	case HOP_REMOVE_ENTRY:
		op->kind = JOP_REMOVE;
		op->idx = h->idx;
		break;
	case HOP_REMOVE_HANDLER:
		op->kind = JOP_REMOVE;
		op->path[2].idx = h->idx;
		op->path[3].key = "hooks";
		op->depth = 4;
		op->idx = h->h;
		break;
	case HOP_APPEND_ENTRY:
		op->kind = JOP_APPEND;
		op->value = h->entry;
		break;
	case HOP_REMOVE_EVENT:
		op->kind = JOP_REMOVE;
		op->depth = 1;
		op->key = h->event;
		break;
	case HOP_ADD_EVENT: {
		cJSON *arr = cJSON_CreateArray();

		cJSON_AddItemToArray(arr, cJSON_Duplicate(h->entry, 1));
		cJSON_AddItemToArray(owned, arr);
		op->kind = JOP_APPEND;
		op->depth = 1;
		op->key = h->event;
		op->value = arr;
		break;
	}
	case HOP_ADD_HOOKS: {
		cJSON *obj = cJSON_CreateObject();

		for (i = 0; i < w->n; i++) {
			cJSON *arr = cJSON_AddArrayToObject(obj, w->v[i].ev->name);

			cJSON_AddItemToArray(arr, cJSON_Duplicate(w->v[i].entry, 1));
		}
		cJSON_AddItemToArray(owned, obj);
		op->kind = JOP_APPEND;
		op->depth = 0;
		op->key = "hooks";
		op->value = obj;
		break;
	}
	case HOP_REMOVE_HOOKS:
		op->kind = JOP_REMOVE;
		op->depth = 0;
		op->key = "hooks";
		break;
	}
}

/* Nothing left but "version" (and an empty hooks object). */
static int
only_version(const cJSON *root)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, root) {
		if (strcmp(c->string, "version") == 0)
			continue;
		if (strcmp(c->string, "hooks") == 0 && cJSON_IsObject(c) && c->child == NULL)
			continue;
		return 0;
	}
	return 1;
}

int
hfile_json_edit(const struct hook_spec *s, const struct hook_wants *w, int check,
		const char *text, size_t len, int exists, struct buf *out,
		int *remove_file, struct hook_file_report *fr, struct err *e)
{
	struct hplan p = { NULL, 0, 0 };
	cJSON *tree = NULL, *got = NULL, *owned = cJSON_CreateArray(), *H;
	struct hook_wants none = { NULL, 0 };
	size_t i;
	int ret;

	if (w == NULL)
		w = &none;
	if (remove_file)
		*remove_file = 0;
	if (!exists) {
		text = s->skeleton;
		len = strlen(text);
	}
	ret = jsonc_parse(text, len, NULL, &tree, e);
	if (ret < 0)
		goto out;
	if (!cJSON_IsObject(tree)) {
		ret = err_set(e, ERR_INVALID, "the top level is not an object; edit it by hand");
		goto out;
	}
	H = cJSON_GetObjectItemCaseSensitive(tree, "hooks");
	if (H && !cJSON_IsObject(H)) {
		ret = err_set(e, ERR_INVALID, "\"hooks\" is not an object; edit it by hand");
		goto out;
	}
	ret = hook_plan(s, w, check, H, NULL, &p, fr, e);
	if (ret < 0 || check)
		goto out;
	buf_clear(out);
	buf_add(out, text, len);
	for (i = 0; i < p.n; i++) {
		struct jop op;

		to_jop(&p.v[i], w, owned, &op);
		ret = jop_apply_text(out, &op, e);
		if (ret < 0)
			goto out;
		hop_apply_tree(tree, "hooks", &p.v[i], w);
	}
	/* The edited text must parse to exactly the edited tree. */
	ret = jsonc_parse(out->data, out->len, NULL, &got, e);
	if (ret < 0 || !hook_tree_equal(tree, got)) {
		ret = err_set(e, ERR_INVALID, "internal error: the edited file would not have the "
			      "intended structure; left unchanged");
		goto out;
	}
	/* And a second install must find nothing to do. */
	if (w->n) {
		struct hook_file_report chk;
		struct hplan p2 = { NULL, 0, 0 };

		memset(&chk, 0, sizeof(chk));
		ret = hook_plan(s, w, 1, cJSON_GetObjectItemCaseSensitive(got, "hooks"), NULL, &p2,
				&chk, e);
		if (ret == 0 && chk.problems)
			ret = err_set(e, ERR_INVALID, "internal error: the edited file would not check "
				      "as installed; left unchanged");
		for (i = 0; i < chk.nnotes; i++)
			free(chk.notes[i]);
		free(chk.notes);
		hplan_release(&p2);
		if (ret < 0)
			goto out;
	}
	if (remove_file && s->delete_if_empty == 1 && only_version(tree) && (exists || p.n))
		*remove_file = 1;
	if (remove_file && s->delete_if_empty == 2 && exists && p.n &&
	    out->len == strlen(s->skeleton) && memcmp(out->data, s->skeleton, out->len) == 0)
		*remove_file = 1;
	if (!exists && p.n == 0)
		buf_clear(out);
out:
	cJSON_Delete(tree);
	cJSON_Delete(got);
	cJSON_Delete(owned);
	hplan_release(&p);
	return ret;
}
