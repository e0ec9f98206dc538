/* The hook installer's driver: picks each client's files, locks their
 * directories, reads, edits, verifies, backs up and atomically replaces. */
#include "hooks/install_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "discover/catalog.h"
#include "hooks/edit_json.h"
#include "parsers/tree.h"
#include "util/file.h"
#include "util/lock.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define LOCK_TIMEOUT_DEFAULT_MS 30000u
#define MAX_LOCKS 4

void
hook_crash_point(const char *name)
{
	const char *v = getenv("RUNLAYER_TEST_CRASH");

	if (v && strcmp(v, name) == 0)
		raise(SIGKILL);
}

struct hook_file_report *
hook_report_file(struct hook_client_report *cr, const char *path, const char *role)
{
	struct hook_file_report *fr;

	/* Clients have at most a few files; the array never moves after the
	 * first allocation, so pointers to reports stay valid. */
	if (cr->files == NULL)
		cr->files = xcalloc(MAX_LOCKS, sizeof(*cr->files));
	if (cr->nfiles == MAX_LOCKS)
		abort();
	fr = &cr->files[cr->nfiles++];
	memset(fr, 0, sizeof(*fr));
	fr->path = xstrdup(path);
	fr->role = role;
	return fr;
}

static void
note_err(struct hook_file_report *fr, const struct err *e)
{
	fr->err = *e;
	if (fr->err.path[0] == '\0')
		snprintf(fr->err.path, sizeof(fr->err.path), "%s", fr->path);
	fr->problems |= HOOK_PB_ERROR;
}

/* Find the file to write: the path itself, or a symlink's target. */
static int
fjob_resolve(struct fjob *j, const struct hook_opts *o)
{
	struct err e = ERR_INIT;
	struct stat lst, tst;
	const char *path = j->fr->path;

	free(j->target);
	j->target = NULL;
	if (lstat(path, &lst) < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			j->target = xstrdup(path);
			return 0;
		}
		err_set_path(&e, path);
		err_sys(&e, ERR_IO, "cannot stat");
		note_err(j->fr, &e);
		return -ERR_IO;
	}
	if (S_ISLNK(lst.st_mode)) {
		char *rp;

		if (!o->follow_symlinks) {
			err_set_path(&e, path);
			err_set(&e, ERR_SKIP, "is a symbolic link; not followed in managed locations");
			note_err(j->fr, &e);
			return -ERR_SKIP;
		}
		rp = realpath(path, NULL);
		if (rp == NULL) {
			err_set_path(&e, path);
			err_sys(&e, ERR_IO, "cannot resolve the symbolic link");
			note_err(j->fr, &e);
			return -ERR_IO;
		}
		/* Write through only a link and a target that belong to us:
		 * someone else's link could aim our write anywhere. */
		if (lst.st_uid != geteuid() || stat(rp, &tst) < 0 || tst.st_uid != geteuid() ||
		    !S_ISREG(tst.st_mode)) {
			free(rp);
			err_set_path(&e, path);
			err_set(&e, ERR_SKIP, "is a symbolic link to a file that is not ours to "
				"write; not followed");
			note_err(j->fr, &e);
			return -ERR_SKIP;
		}
		j->target = rp;
		return 0;
	}
	j->target = xstrdup(path);
	return 0;
}

static int
fjob_read(struct fjob *j)
{
	struct err e = ERR_INIT;
	int r;

	buf_clear(&j->old);
	j->exists = 0;
	r = file_read(j->target, FILE_READ_MAX_DEFAULT, 0, &j->old, &j->st, &e);
	if (r == -ERR_NOTFOUND)
		return 0;
	if (r < 0) {
		note_err(j->fr, &e);
		return r;
	}
	if (memchr(j->old.data, '\0', j->old.len)) {
		err_set_path(&e, j->target);
		err_set(&e, ERR_PARSE, "holds a NUL byte: not a text file");
		note_err(j->fr, &e);
		return -ERR_PARSE;
	}
	j->exists = 1;
	return 0;
}

int
fjob_load(struct fjob *j, const struct hook_opts *o)
{
	int r = fjob_resolve(j, o);

	return r < 0 ? r : fjob_read(j);
}

int
fjob_changed(const struct fjob *j)
{
	if (j->remove)
		return j->exists;
	if (!j->exists)
		return j->new.len > 0;
	return j->new.len != j->old.len || memcmp(j->new.data, j->old.data, j->new.len) != 0;
}

static char *
dir_of(const char *path)
{
	char *copy = xstrdup(path), *d = xstrdup(dirname(copy));

	free(copy);
	return d;
}

static int
fsync_dir(const char *path)
{
	char *d = dir_of(path);
	int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd >= 0) {
		if (fsync(fd) < 0 && errno != EINVAL)
			r = -1;
		close(fd);
	}
	free(d);
	return r;
}

/* <dir>/<stem>.backup_<YYYYmmdd_HHMMSS>[_N]<suffix> (contract §7.12),
 * created exclusively with the original's mode and owner. */
static int
write_backup(struct fjob *j, const struct hook_opts *o, struct err *e)
{
	char *copy = xstrdup(j->target), *base = basename(copy), *dot, *dir = dir_of(j->target);
	char stamp[32], *path = NULL;
	const char *suffix = "";
	time_t now = o->now ? o->now : time(NULL);
	struct tm tm;
	size_t stem_len;
	unsigned n;
	int fd = -1, ret = 0;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d_%H%M%S", &tm);
	dot = strrchr(base, '.');
	if (dot && dot != base)
		suffix = dot;
	stem_len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	for (n = 1; n < 100; n++) {
		free(path);
		if (n == 1)
			path = xasprintf("%s/%.*s.backup_%s%s", dir, (int)stem_len, base, stamp, suffix);
		else
			path = xasprintf("%s/%.*s.backup_%s_%u%s", dir, (int)stem_len, base, stamp, n,
					 suffix);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot create the backup");
		goto out;
	}
	if (fchmod(fd, j->st.st_mode & 07777) < 0 ||
	    (geteuid() == 0 && fchown(fd, j->st.st_uid, j->st.st_gid) < 0)) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot set the backup's mode and owner");
		goto fail;
	}
	if (file_write_all(fd, j->old.data, j->old.len) < 0) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot write the backup");
		goto fail;
	}
	if (fsync(fd) < 0) {
		err_set_path(e, path);
		ret = err_sys(e, ERR_IO, "cannot sync the backup");
		goto fail;
	}
	close(fd);
	fd = -1;
	j->fr->backup = path;
	path = NULL;
	goto out;
fail:
	close(fd);
	unlink(path);
out:
	free(path);
	free(copy);
	free(dir);
	return ret;
}

/* A new file gets the mode any program of the user's would: 0666 & ~umask. */
static mode_t
new_file_mode(void)
{
	mode_t m = umask(022);

	umask(m);
	return 0666 & ~m;
}

int
fjob_commit(struct fjob *j, const struct hook_opts *o)
{
	struct err e = ERR_INIT;
	int r = 0;

	if (!fjob_changed(j)) {
		j->fr->action = HOOK_FILE_UNCHANGED;
		return 0;
	}
	j->fr->action = j->remove ? HOOK_FILE_DELETED :
			j->exists ? HOOK_FILE_MODIFIED : HOOK_FILE_CREATED;
	if (o->dry_run) {
		j->fr->diff = hook_udiff(j->exists ? j->fr->path : "/dev/null", j->old.data,
					 j->old.len, j->remove ? "/dev/null" : j->fr->path,
					 j->remove ? "" : j->new.data, j->remove ? 0 : j->new.len);
		return 0;
	}
	if (j->exists && !j->no_backup) {
		r = write_backup(j, o, &e);
		if (r < 0)
			goto fail;
	} else {
		char *d = dir_of(j->target);

		r = file_mkdirs(d, j->system ? 0755 : 0700, &e);
		free(d);
		if (r < 0)
			goto fail;
	}
	hook_crash_point("after-backup");
	if (j->remove) {
		if (unlink(j->target) < 0 || fsync_dir(j->target) < 0) {
			err_set_path(&e, j->target);
			r = err_sys(&e, ERR_IO, "cannot delete");
			goto fail;
		}
		return 0;
	}
	r = file_write_atomic(j->target, j->new.data, j->new.len, j->system ? 0644 : new_file_mode(),
			      j->exists, &e);
	if (r < 0)
		goto fail;
	return 0;
fail:
	j->fr->action = HOOK_FILE_UNCHANGED;
	note_err(j->fr, &e);
	return r;
}

void
fjob_release(struct fjob *j)
{
	free(j->target);
	buf_release(&j->old);
	buf_release(&j->new);
	memset(j, 0, sizeof(*j));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
hook_lock_jobs(struct fjob *jobs, size_t n, const struct hook_opts *o, struct lock *locks)
{
	char *dirs[MAX_LOCKS];
	size_t nd = 0, i, k;
	int r = 0;

	for (i = 0; i < MAX_LOCKS; i++)
		locks[i].fd = -1;
	for (i = 0; i < n && nd < MAX_LOCKS; i++) {
		char *d = dir_of(jobs[i].target);

		for (k = 0; k < nd && strcmp(dirs[k], d) != 0; k++)
			;
		if (k < nd)
			free(d);
		else
			dirs[nd++] = d;
	}
	/* A fixed order, so two installers never wait on each other. */
	qsort(dirs, nd, sizeof(*dirs), cmp_str);
	for (i = 0; i < nd; i++) {
		struct err e = ERR_INIT;

		if (o->action == HOOK_INSTALL && !o->dry_run &&
		    file_mkdirs(dirs[i], jobs[0].system ? 0755 : 0700, &e) < 0) {
			note_err(jobs[0].fr, &e);
			r = -ERR_IO;
			break;
		}
		r = lock_acquire(&locks[i], dirs[i], 0,
				 o->lock_timeout_ms ? o->lock_timeout_ms : LOCK_TIMEOUT_DEFAULT_MS, &e);
		if (r == -ERR_NOTFOUND) {
			/* Nothing to protect: the directory (and so the file) is absent. */
			r = 0;
			continue;
		}
		if (r < 0) {
			note_err(jobs[0].fr, &e);
			break;
		}
	}
	if (r < 0)
		hook_unlock(locks, MAX_LOCKS);
	for (i = 0; i < nd; i++)
		free(dirs[i]);
	return r;
}

void
hook_unlock(struct lock *locks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		lock_release(&locks[i]);
}

/* ---- drift signals the file itself holds (check) ---- */

static void
json_drift(const struct hook_ctx *x, const cJSON *root, struct hook_file_report *fr)
{
	const cJSON *v;

	if (x->c == HOOK_CLAUDE_CODE) {
		v = cJSON_GetObjectItemCaseSensitive(root, "disableAllHooks");
		if (cJSON_IsTrue(v) && !x->o->mdm)
			hook_note(fr, HOOK_PB_DISABLED, "disableAllHooks is true: Claude Code runs no "
				  "hooks from this file");
		v = cJSON_GetObjectItemCaseSensitive(root, "allowManagedHooksOnly");
		if (cJSON_IsTrue(v) && !x->o->mdm)
			hook_note(fr, HOOK_PB_DISABLED, "allowManagedHooksOnly is set");
	} else if (x->c == HOOK_GEMINI) {
		const cJSON *hc = cJSON_GetObjectItemCaseSensitive(root, "hooksConfig"), *d;

		v = cJSON_GetObjectItemCaseSensitive(hc, "enabled");
		if (cJSON_IsFalse(v))
			hook_note(fr, HOOK_PB_DISABLED, "hooksConfig.enabled is false: Gemini CLI runs no hooks");
		d = cJSON_GetObjectItemCaseSensitive(hc, "disabled");
		if (!cJSON_IsArray(d))
			d = NULL;
		cJSON_ArrayForEach(v, d)
			if (cJSON_IsString(v) && (strcmp(v->valuestring, "runlayer") == 0 ||
						  hooks_command_is_ours(v->valuestring)))
				hook_note(fr, HOOK_PB_DISABLED, "hooksConfig.disabled lists '%s'",
					  v->valuestring);
	}
}

/* Claude Code's managed settings can forbid user hooks. */
static void
claude_managed_drift(const struct hook_ctx *x, struct hook_file_report *fr)
{
	const char *tmpl = hook_specs[HOOK_CLAUDE_CODE].mdm_path[x->pc.os == CAT_DARWIN ? 1 :
								   x->pc.os == CAT_WINDOWS ? 2 : 0];
	struct path_list pl = { NULL, 0, 0 };
	cJSON *t = NULL;
	struct err e = ERR_INIT;

	if (x->o->mdm || paths_expand(&x->pc, tmpl, &pl) < 0 || pl.n == 0)
		goto out;
	if (tree_parse_file(pl.v[0], TREE_FMT_JSON, NULL, &t, &e) == 0 &&
	    (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "allowManagedHooksOnly")) ||
	     cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "disableAllHooks"))))
		hook_note(fr, HOOK_PB_DISABLED, "%s forbids user hooks (allowManagedHooksOnly or "
			  "disableAllHooks)", pl.v[0]);
out:
	cJSON_Delete(t);
	path_list_release(&pl);
}

static void
ctx_set_mode(struct hook_ctx *x, enum hook_mode m)
{
	x->mode = m;
	x->cr->mode = m;
	free(x->command);
	hook_wants_release(&x->wants);
	x->command = hooks_command(x->o->binary, x->c, m);
	if (x->o->action != HOOK_UNINSTALL)
		hook_wants_build(x->c, m, x->command, &x->wants);
}

/* Check needs the mode the file was installed in unless one was given. */
static void
ctx_infer_mode(struct hook_ctx *x, const cJSON *root)
{
	if (x->o->action == HOOK_CHECK && !x->o->mode_given && root)
		ctx_set_mode(x, hook_infer_mode(x->c, cJSON_GetObjectItemCaseSensitive(root, "hooks")));
}

static int
run_json_client(struct hook_ctx *x, const char *path)
{
	struct fjob j;
	struct lock locks[MAX_LOCKS];
	struct err e = ERR_INIT;
	cJSON *root = NULL;
	int r;

	memset(&j, 0, sizeof(j));
	j.fr = hook_report_file(x->cr, path, "hooks");
	j.system = x->o->mdm;
	j.no_backup = x->c == HOOK_COPILOT;
	if (x->o->action == HOOK_CHECK) {
		r = fjob_load(&j, x->o);
		if (r < 0)
			goto out;
		if (!j.exists) {
			hook_note(j.fr, HOOK_PB_MISSING, "no entries of ours (the file does not exist)");
			goto out;
		}
		r = jsonc_parse(j.old.data, j.old.len, NULL, &root, &e);
		if (r < 0) {
			note_err(j.fr, &e);
			goto out;
		}
		ctx_infer_mode(x, root);
		r = hfile_json_edit(&hook_specs[x->c], &x->wants, 1, j.old.data, j.old.len, 1, NULL,
				    NULL, j.fr, &e);
		if (r < 0) {
			note_err(j.fr, &e);
			goto out;
		}
		json_drift(x, root, j.fr);
		if (x->c == HOOK_CLAUDE_CODE)
			claude_managed_drift(x, j.fr);
		goto out;
	}
	r = fjob_resolve(&j, x->o);
	if (r < 0)
		goto out;
	r = hook_lock_jobs(&j, 1, x->o, locks);
	if (r < 0)
		goto out;
	r = fjob_read(&j);
	if (r == 0 && (j.exists || x->o->action == HOOK_INSTALL)) {
		struct hook_spec sp = hook_specs[x->c];

		/* A managed-settings.json we made goes when it is empty again
		 * (the user's own settings.json never does). */
		if (x->o->mdm && x->c == HOOK_CLAUDE_CODE)
			sp.delete_if_empty = 2;
		r = hfile_json_edit(&sp, &x->wants, 0, j.old.data, j.old.len, j.exists,
				    &j.new, &j.remove, j.fr, &e);
		if (r < 0)
			note_err(j.fr, &e);
		else
			r = fjob_commit(&j, x->o);
		/* Copilot's file is ours alone, in a hooks/ we may have made. */
		if (r == 0 && j.remove && x->c == HOOK_COPILOT && !x->o->dry_run) {
			char *d = dir_of(j.target);

			(void)rmdir(d);
			free(d);
		}
		if (r == 0 && x->o->action == HOOK_INSTALL)
			j.fr->n_entries = x->wants.n;
	}
	hook_unlock(locks, MAX_LOCKS);
out:
	cJSON_Delete(root);
	fjob_release(&j);
	return r;
}

static void
run_client(const struct hook_opts *o, enum hook_client c, struct hook_client_report *cr)
{
	const struct hook_spec *s = &hook_specs[c];
	struct hook_ctx x;
	struct path_list pl = { NULL, 0, 0 }, pres = { NULL, 0, 0 };
	const char *tmpl;
	struct stat st;

	memset(&x, 0, sizeof(x));
	x.o = o;
	x.c = c;
	x.cr = cr;
	cr->client = c;
	x.pc.home = o->home;
	x.pc.root = o->root ? o->root : "";
	x.pc.os = o->os ? o->os : paths_host_os();
	x.pc.live = o->live;
	if (o->mdm) {
		tmpl = s->mdm_path[x.pc.os == CAT_DARWIN ? 1 : x.pc.os == CAT_WINDOWS ? 2 : 0];
		if (tmpl == NULL) {
			cr->skipped = "no managed location";
			goto out;
		}
	} else {
		tmpl = s->user_path;
		if (paths_expand(&x.pc, s->presence, &pres) < 0 || pres.n == 0 ||
		    (stat(pres.v[0], &st) < 0 && !(o->explicit_clients && o->action == HOOK_INSTALL))) {
			cr->skipped = "not installed";
			goto out;
		}
	}
	if (paths_expand(&x.pc, tmpl, &pl) < 0 || pl.n == 0) {
		cr->skipped = "no location on this OS";
		goto out;
	}
	ctx_set_mode(&x, o->mode);
	if (x.command == NULL) {
		struct hook_file_report *fr = hook_report_file(cr, pl.v[0], "hooks");
		struct err e = ERR_INIT;

		err_set(&e, ERR_INVALID, "cannot write a command for binary '%s' (needs an absolute "
			"path without \", \\, $ or `)", o->binary ? o->binary : "");
		note_err(fr, &e);
		goto out;
	}
	/* Failures are recorded in the file reports. */
	if (c == HOOK_CODEX)
		(void)hook_run_codex(&x, pl.v[0]);
	else if (c == HOOK_HERMES)
		(void)hook_run_hermes(&x, pl.v[0]);
	else
		(void)run_json_client(&x, pl.v[0]);
out:
	free(x.command);
	hook_wants_release(&x.wants);
	path_list_release(&pl);
	path_list_release(&pres);
}

int
hooks_run(const struct hook_opts *o, struct hook_report *r)
{
	int c, ret = 0;
	size_t i, k;

	memset(r, 0, sizeof(*r));
	r->v = xcalloc(HOOK_N_CLIENTS, sizeof(*r->v));
	for (c = 0; c < HOOK_N_CLIENTS; c++) {
		if (o->clients && !(o->clients & (1u << c)))
			continue;
		run_client(o, (enum hook_client)c, &r->v[r->n++]);
	}
	for (i = 0; i < r->n && ret == 0; i++)
		for (k = 0; k < r->v[i].nfiles && ret == 0; k++)
			if (r->v[i].files[k].err.code)
				ret = -r->v[i].files[k].err.code;
	return ret;
}

void
hook_report_release(struct hook_report *r)
{
	size_t i, k, n;

	for (i = 0; i < r->n; i++) {
		for (k = 0; k < r->v[i].nfiles; k++) {
			struct hook_file_report *fr = &r->v[i].files[k];

			free(fr->path);
			free(fr->backup);
			free(fr->diff);
			for (n = 0; n < fr->nnotes; n++)
				free(fr->notes[n]);
			free(fr->notes);
		}
		free(r->v[i].files);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}
