/* Hermes: our entries in the hooks: block of config.yaml (edited by line,
 * comments and layout kept) and the approvals of shell-hooks-allowlist.json
 * that Hermes needs before it registers a hook (clients.md §5.5). */
#include "hooks/install_int.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hooks/edit_json.h"
#include "hooks/edit_yaml.h"
#include "parsers/tree.h"
#include "util/file.h"
#include "util/lock.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define ALLOWLIST_NAME "shell-hooks-allowlist.json"
#define ALLOWLIST_SKELETON "{\n  \"approvals\": []\n}\n"

/* One planned edit on the config text (re-scanned before each). */
static int
yaml_apply(struct buf *t, const struct hop *op, const struct hook_wants *w, struct err *e)
{
	struct yblock b;
	struct edits ed = EDITS_INIT;
	struct buf out = BUF_INIT, ins = BUF_INIT;
	struct ychild *c = NULL;
	size_t i;
	int ret, ci, ii, k, gap;

	ret = yblock_scan(t->data, t->len, "hooks", &b, e);
	if (ret < 0)
		return ret;
	for (i = 0; op->event && i < b.nkids; i++)
		if (strcmp(b.kids[i].key, op->event) == 0)
			c = &b.kids[i];
	ci = b.child_indent >= 0 ? b.child_indent : b.unit;
	/* Lists sit under their key like the file's others do. */
	ii = ci + b.unit;
	gap = 2;
	for (i = 0; i < b.nkids; i++)
		if (b.kids[i].item_indent >= 0) {
			ii = b.kids[i].item_indent;
			gap = b.kids[i].dash_gap;
			break;
		}
	switch (op->kind) {
	case HOP_REMOVE_ENTRY:
		if (c == NULL || op->idx >= c->nitems)
			goto flow;
		edits_add(&ed, c->items[op->idx].start, c->items[op->idx].end, "");
		break;
	case HOP_APPEND_ENTRY:
		if (c == NULL)
			goto flow;
		if (c->nitems) {
			yaml_item(&ins, op->entry, c->item_indent, c->dash_gap, b.nl);
			edits_add(&ed, c->items[c->nitems - 1].end, c->items[c->nitems - 1].end, ins.data);
		} else {
			/* "key:", "key: []" or "key: null": a list of one. */
			yaml_item(&ins, op->entry, ii, gap, b.nl);
			edits_add(&ed, c->value_start, c->value_end, "");
			edits_add(&ed, c->end, c->end, ins.data);
		}
		break;
	case HOP_REMOVE_EVENT:
		if (c == NULL)
			goto flow;
		edits_add(&ed, c->line, c->end, "");
		break;
	case HOP_ADD_EVENT:
		if (!b.found)
			goto flow;
		for (k = 0; k < ci; k++)
			buf_addc(&ins, ' ');
		buf_addf(&ins, "%s:%s", op->event, b.nl);
		yaml_item(&ins, op->entry, ii, gap, b.nl);
		if (b.nkids == 0)
			edits_add(&ed, b.value_start, b.value_end, "");
		edits_add(&ed, b.end, b.end, ins.data);
		break;
	case HOP_ADD_HOOKS:
		if (!b.found) {
			if (t->len && t->data[t->len - 1] != '\n')
				buf_adds(&ins, b.nl);
			buf_addf(&ins, "hooks:%s", b.nl);
		} else {
			edits_add(&ed, b.value_start, b.value_end, "");
		}
		for (i = 0; i < w->n; i++) {
			for (k = 0; k < ci; k++)
				buf_addc(&ins, ' ');
			buf_addf(&ins, "%s:%s", w->v[i].ev->name, b.nl);
			yaml_item(&ins, w->v[i].entry, ci + b.unit, 2, b.nl);
		}
		edits_add(&ed, b.found ? b.end : t->len, b.found ? b.end : t->len, ins.data);
		break;
	case HOP_REMOVE_HOOKS:
		if (!b.found)
			goto flow;
		edits_add(&ed, b.line, b.end, "");
		break;
	case HOP_REMOVE_HANDLER:
		goto flow;
	}
	/* Text added after a last line that has no line break needs one. */
	for (i = 0; i < ed.n; i++) {
		struct splice *sp = &ed.v[i];

		if (sp->start == t->len && sp->end == t->len && sp->text[0] && t->len &&
		    t->data[t->len - 1] != '\n' && strncmp(sp->text, b.nl, strlen(b.nl)) != 0) {
			char *with = xasprintf("%s%s", b.nl, sp->text);

			free(sp->text);
			sp->text = with;
		}
	}
	if (edits_apply(&ed, t->data, t->len, &out) < 0) {
		ret = err_set(e, ERR_INVALID, "internal error: overlapping edits");
		goto out;
	}
	buf_clear(t);
	buf_add(t, out.data, out.len);
	goto out;
flow:
	ret = err_set(e, ERR_INVALID, "hooks%s%s is not written in block style; edit it by hand",
		      op->event ? "." : "", op->event ? op->event : "");
out:
	yblock_release(&b);
	edits_release(&ed);
	buf_release(&out);
	buf_release(&ins);
	return ret;
}

/* Our own scanner must see the result as compliant, or a second install
 * would not be a no-op: refuse rather than write such a file. */
static int
settled(const struct hook_spec *s, const struct hook_wants *w, const struct buf *out,
	struct err *e)
{
	struct hook_file_report fr;
	struct hplan p = { NULL, 0, 0 };
	struct yblock b;
	cJSON *tree = NULL;
	size_t i;
	int ret;

	memset(&fr, 0, sizeof(fr));
	if (w->n == 0)
		return 0;
	ret = yblock_scan(out->data, out->len, "hooks", &b, e);
	if (ret == 0) {
		yblock_release(&b);
		ret = yaml_parse(out->data, out->len, NULL, &tree, e);
	}
	if (ret == 0)
		ret = hook_plan(s, w, 1, cJSON_GetObjectItemCaseSensitive(tree, "hooks"), NULL, &p,
				&fr, e);
	if (ret == 0 && fr.problems)
		ret = err_set(e, ERR_INVALID, "internal error: the edited file would not check as "
			      "installed; left unchanged");
	for (i = 0; i < fr.nnotes; i++)
		free(fr.notes[i]);
	free(fr.notes);
	hplan_release(&p);
	cJSON_Delete(tree);
	return ret;
}

int
hfile_yaml_edit(const struct hook_spec *s, const struct hook_wants *w, int check,
		const char *text, size_t len, int exists, struct buf *out,
		struct hook_file_report *fr, struct err *e)
{
	struct hplan p = { NULL, 0, 0 };
	struct hook_wants none = { NULL, 0 };
	cJSON *tree = NULL, *got = NULL, *H;
	size_t i;
	int ret;

	if (w == NULL)
		w = &none;
	if (!exists) {
		text = "";
		len = 0;
	}
	if (len) {
		ret = yaml_parse(text, len, NULL, &tree, e);
		if (ret < 0)
			goto out;
	}
	if (tree == NULL || cJSON_IsNull(tree))
		cJSON_Delete(tree), tree = cJSON_CreateObject();
	if (!cJSON_IsObject(tree)) {
		ret = err_set(e, ERR_INVALID, "the top level is not a mapping; edit it by hand");
		goto out;
	}
	H = cJSON_GetObjectItemCaseSensitive(tree, "hooks");
	if (H && !cJSON_IsObject(H) && !cJSON_IsNull(H)) {
		ret = err_set(e, ERR_INVALID, "hooks is not a mapping; edit it by hand");
		goto out;
	}
	ret = hook_plan(s, w, check, cJSON_IsObject(H) && H->child ? H : NULL, NULL, &p, fr, e);
	if (ret < 0 || check)
		goto out;
	buf_clear(out);
	buf_add(out, text, len);
	for (i = 0; i < p.n; i++) {
		ret = yaml_apply(out, &p.v[i], w, e);
		if (ret < 0)
			goto out;
		if (p.v[i].kind == HOP_ADD_HOOKS)
			cJSON_DeleteItemFromObjectCaseSensitive(tree, "hooks");
		hop_apply_tree(tree, "hooks", &p.v[i], w);
	}
	if (p.n == 0) {
		buf_clear(out);
		buf_add(out, text, len);
		goto out;
	}
	/* The edited text must parse to exactly the edited tree. */
	ret = out->len ? yaml_parse(out->data, out->len, NULL, &got, e) : 0;
	if (got == NULL || cJSON_IsNull(got))
		cJSON_Delete(got), got = cJSON_CreateObject();
	if (ret < 0 || !hook_tree_equal(tree, got)) {
		ret = err_set(e, ERR_INVALID, "internal error: the edited file would not have the "
			      "intended structure; left unchanged");
		goto out;
	}
	ret = settled(s, w, out, e);
out:
	cJSON_Delete(tree);
	cJSON_Delete(got);
	hplan_release(&p);
	return ret;
}

/* ---- the allowlist ---- */

static char *
iso_utc(time_t t)
{
	struct tm tm;
	char s[32];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(s);
}

/* An approval as Hermes writes one (keys sorted). */
static cJSON *
approval(const char *event, const char *command, const struct hook_opts *o)
{
	cJSON *a = cJSON_CreateObject();
	struct stat st;
	char *now = iso_utc(o->now ? o->now : time(NULL));

	cJSON_AddStringToObject(a, "approved_at", now);
	free(now);
	cJSON_AddStringToObject(a, "command", command);
	cJSON_AddStringToObject(a, "event", event);
	if (o->binary && stat(o->binary, &st) == 0) {
		char *m = iso_utc(st.st_mtime);

		cJSON_AddStringToObject(a, "script_mtime_at_approval", m);
		free(m);
	} else {
		cJSON_AddNullToObject(a, "script_mtime_at_approval");
	}
	return a;
}

static int
approved(const cJSON *approvals, const char *event, const char *command)
{
	const cJSON *a;

	cJSON_ArrayForEach(a, approvals) {
		const cJSON *ev = cJSON_GetObjectItemCaseSensitive(a, "event");
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(a, "command");

		if (cJSON_IsString(ev) && cJSON_IsString(c) && strcmp(ev->valuestring, event) == 0 &&
		    strcmp(c->valuestring, command) == 0)
			return 1;
	}
	return 0;
}

/*
 * Make the allowlist approve exactly our wanted (event, command) pairs:
 * approvals of ours that are not wanted go (no consent needed to remove);
 * missing ones are added only with consent (trust).
 */
static int
edit_allowlist(struct hook_ctx *x, struct fjob *j, struct err *e)
{
	const char *text = j->exists ? j->old.data : ALLOWLIST_SKELETON;
	size_t len = j->exists ? j->old.len : strlen(ALLOWLIST_SKELETON), i, n, missing = 0;
	cJSON *tree = NULL, *got = NULL, *appr, *owned = cJSON_CreateArray();
	struct jop op;
	int ret, changed = 0;

	ret = jsonc_parse(text, len, NULL, &tree, e);
	if (ret < 0)
		goto out;
	appr = cJSON_GetObjectItemCaseSensitive(tree, "approvals");
	if (!cJSON_IsObject(tree) || !cJSON_IsArray(appr)) {
		ret = err_set(e, ERR_INVALID, "not {\"approvals\": [...]}; edit it by hand");
		goto out;
	}
	buf_clear(&j->new);
	buf_add(&j->new, text, len);
	memset(&op, 0, sizeof(op));
	op.path[0].key = "approvals";
	op.depth = 1;
	n = (size_t)cJSON_GetArraySize(appr);
	for (i = n; i-- > 0;) {
		const cJSON *a = cJSON_GetArrayItem(appr, (int)i);
		const cJSON *ev = cJSON_GetObjectItemCaseSensitive(a, "event");
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(a, "command");
		const struct hook_want *want;

		if (!cJSON_IsString(c) || !hooks_command_is_ours(c->valuestring))
			continue;
		want = cJSON_IsString(ev) ? hook_wants_find(&x->wants, ev->valuestring) : NULL;
		if (want && strcmp(c->valuestring, x->command) == 0)
			continue;
		op.kind = JOP_REMOVE;
		op.idx = i;
		ret = jop_apply_text(&j->new, &op, e);
		if (ret < 0)
			goto out;
		cJSON_DeleteItemFromArray(appr, (int)i);
		changed = 1;
	}
	for (i = 0; i < x->wants.n; i++) {
		const char *ev = x->wants.v[i].ev->name;
		cJSON *a;

		if (approved(appr, ev, x->command))
			continue;
		if (!x->o->trust) {
			missing++;
			continue;
		}
		a = approval(ev, x->command, x->o);
		cJSON_AddItemToArray(owned, a);
		op.kind = JOP_APPEND;
		op.value = a;
		ret = jop_apply_text(&j->new, &op, e);
		if (ret < 0)
			goto out;
		cJSON_AddItemToArray(appr, cJSON_Duplicate(a, 1));
		changed = 1;
	}
	if (missing)
		hook_note(j->fr, HOOK_PB_UNTRUSTED, "installed, not allowlisted: Hermes registers %zu "
			  "hook%s of ours only after approval (run again with --yes, or approve at "
			  "Hermes' prompt)", missing, missing == 1 ? "" : "s");
	if (!changed) {
		buf_clear(&j->new);
		if (j->exists)
			buf_add(&j->new, j->old.data, j->old.len);
		goto out;
	}
	ret = jsonc_parse(j->new.data, j->new.len, NULL, &got, e);
	if (ret < 0 || !hook_tree_equal(tree, got)) {
		ret = err_set(e, ERR_INVALID, "internal error: the edited file would not have the "
			      "intended structure; left unchanged");
		goto out;
	}
	/* A list we made and emptied again goes with its file. */
	if (j->exists && j->new.len == strlen(ALLOWLIST_SKELETON) &&
	    memcmp(j->new.data, ALLOWLIST_SKELETON, j->new.len) == 0)
		j->remove = 1;
out:
	cJSON_Delete(tree);
	cJSON_Delete(got);
	cJSON_Delete(owned);
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

static void
check_hermes(struct hook_ctx *x, struct fjob *cfg, struct fjob *al)
{
	struct err e = ERR_INIT;
	cJSON *tree = NULL, *alt = NULL;
	const cJSON *H, *appr, *aa;
	size_t i;

	if (!cfg->exists) {
		hook_note(cfg->fr, HOOK_PB_MISSING, "no entries of ours (the file does not exist)");
		return;
	}
	if (yaml_parse(cfg->old.data, cfg->old.len, NULL, &tree, &e) < 0) {
		note_fail(cfg, &e);
		return;
	}
	H = cJSON_GetObjectItemCaseSensitive(tree, "hooks");
	if (!x->o->mode_given && cJSON_IsObject(H)) {
		x->cr->mode = x->mode = hook_infer_mode(x->c, H);
		free(x->command);
		hook_wants_release(&x->wants);
		x->command = hooks_command(x->o->binary, x->c, x->mode);
		hook_wants_build(x->c, x->mode, x->command, &x->wants);
	}
	if (hfile_yaml_edit(&hook_specs[x->c], &x->wants, 1, cfg->old.data, cfg->old.len, 1, NULL,
			    cfg->fr, &e) < 0)
		note_fail(cfg, &e);
	if (x->o->live && getenv("HERMES_SAFE_MODE") && strcmp(getenv("HERMES_SAFE_MODE"), "1") == 0)
		hook_note(cfg->fr, HOOK_PB_DISABLED, "HERMES_SAFE_MODE=1: Hermes registers no shell hooks");
	aa = cJSON_GetObjectItemCaseSensitive(tree, "hooks_auto_accept");
	if (cJSON_IsTrue(aa))
		goto out;
	if (al->exists && jsonc_parse(al->old.data, al->old.len, NULL, &alt, &e) < 0) {
		note_fail(al, &e);
		goto out;
	}
	appr = cJSON_GetObjectItemCaseSensitive(alt, "approvals");
	for (i = 0; i < x->wants.n; i++) {
		const char *ev = x->wants.v[i].ev->name;

		al->fr->n_entries += approved(appr, ev, x->command);
		if (!approved(appr, ev, x->command))
			hook_note(al->fr, HOOK_PB_UNTRUSTED, "%s: not allowlisted (Hermes skips it "
				  "without a TTY approval)", ev);
	}
out:
	cJSON_Delete(tree);
	cJSON_Delete(alt);
}

int
hook_run_hermes(struct hook_ctx *x, const char *config_path)
{
	struct fjob jobs[2];
	struct lock locks[4], hl = LOCK_INIT;
	struct err e = ERR_INIT;
	char *copy = xstrdup(config_path), *dir = xstrdup(dirname(copy));
	char *al_path = path_join(dir, ALLOWLIST_NAME), *hl_path = NULL;
	size_t i;
	int r = 0;

	memset(jobs, 0, sizeof(jobs));
	jobs[0].fr = hook_report_file(x->cr, config_path, "hooks");
	jobs[1].fr = hook_report_file(x->cr, al_path, "allowlist");
	if (x->o->action == HOOK_CHECK) {
		struct hook_opts ro = *x->o;

		ro.follow_symlinks = 1;
		if (fjob_load(&jobs[0], &ro) == 0 && fjob_load(&jobs[1], &ro) == 0)
			check_hermes(x, &jobs[0], &jobs[1]);
		goto out;
	}
	for (i = 0; i < 2; i++) {
		r = fjob_load(&jobs[i], x->o);
		if (r < 0)
			goto out;
	}
	r = hook_lock_jobs(jobs, 2, x->o, locks);
	if (r < 0)
		goto out;
	/* Hermes serialises its own allowlist writes with a sibling flock. */
	hl_path = xasprintf("%s.lock", jobs[1].target);
	/* Only when Hermes made it: creating it would leave a file behind. */
	if (!x->o->dry_run && access(hl_path, F_OK) == 0) {
		r = lock_acquire(&hl, hl_path, 0,
				 x->o->lock_timeout_ms ? x->o->lock_timeout_ms : 30000, &e);
		if (r < 0) {
			note_fail(&jobs[1], &e);
			goto unlock;
		}
	}
	for (i = 0; i < 2 && r == 0; i++)
		r = fjob_load(&jobs[i], x->o);
	if (r < 0)
		goto unlock;
	if (jobs[0].exists || x->o->action == HOOK_INSTALL) {
		r = hfile_yaml_edit(&hook_specs[x->c], &x->wants, 0, jobs[0].old.data, jobs[0].old.len,
				    jobs[0].exists, &jobs[0].new, jobs[0].fr, &e);
		if (r < 0) {
			note_fail(&jobs[0], &e);
			goto unlock;
		}
	}
	if (jobs[1].exists || x->o->action == HOOK_INSTALL) {
		r = edit_allowlist(x, &jobs[1], &e);
		if (r < 0) {
			note_fail(&jobs[1], &e);
			goto unlock;
		}
	}
	for (i = 0; i < 2 && r == 0; i++)
		r = fjob_commit(&jobs[i], x->o);
	if (r == 0 && x->o->action == HOOK_INSTALL)
		jobs[0].fr->n_entries = x->wants.n;
unlock:
	lock_release(&hl);
	hook_unlock(locks, 4);
out:
	for (i = 0; i < 2; i++)
		fjob_release(&jobs[i]);
	free(hl_path);
	free(al_path);
	free(dir);
	free(copy);
	return r;
}
