/* config.yaml: safe read (owner and mode checked), lookups and edits on the
 * cJSON document, and atomic block-YAML writes through libyaml's emitter. */
#include "net/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "net/url.h"
#include "parsers/tree.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->lock_fd = -1;
}

void
config_release(struct config *c)
{
	if (c == NULL)
		return;
	cJSON_Delete(c->root);
	free(c->dir);
	free(c->path);
	if (c->lock_fd >= 0)
		close(c->lock_fd);	/* releases the flock */
	config_init(c);
}

int
config_lock(struct config *c, const char *dir, struct err *e)
{
	char *path;
	int fd, ret = 0, tries;

	if (file_mkdirs(dir, 0700, e) < 0)
		return -ERR_IO;
	path = path_join(dir, CONFIG_LOCK_NAME);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = err_sys(e, ERR_IO, "cannot open the lock file");
		err_set_path(e, path);
		goto out;
	}
	for (tries = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; tries++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (errno != EWOULDBLOCK && errno != EINTR) {
			ret = err_sys(e, ERR_IO, "cannot lock");
			break;
		}
		if (tries >= 200) {
			ret = err_set(e, ERR_IO, "another runlayer process has held the lock "
				      "for 10 s");
			break;
		}
		nanosleep(&ts, NULL);
	}
	if (ret < 0) {
		err_set_path(e, path);
		close(fd);
		goto out;
	}
	c->lock_fd = fd;
out:
	free(path);
	return ret;
}

/* Refuse what another user could have read or replaced. */
static int
check_dir(const char *dir, int *exists, struct err *e)
{
	struct stat st;

	*exists = 0;
	if (lstat(dir, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		err_set_path(e, dir);
		return err_sys(e, ERR_IO, "cannot stat");
	}
	err_set_path(e, dir);
	if (!S_ISDIR(st.st_mode))
		return err_set(e, ERR_INVALID, "not a directory (runlayer keeps its files "
			       "there); move it away");
	if (st.st_uid != geteuid())
		return err_set(e, ERR_INVALID, "owned by uid %ld, not by you (uid %ld); "
			       "refusing to use credentials from it", (long)st.st_uid,
			       (long)geteuid());
	if (st.st_mode & 022)
		return err_set(e, ERR_INVALID, "writable by other users (mode %04o), so "
			       "anyone could replace your credentials; fix it with: chmod 700 %s",
			       (unsigned)(st.st_mode & 07777), dir);
	e->path[0] = '\0';
	*exists = 1;
	return 0;
}

static int
check_file(const char *path, const struct stat *st, struct err *e)
{
	err_set_path(e, path);
	if (st->st_uid != geteuid())
		return err_set(e, ERR_INVALID, "owned by uid %ld, not by you (uid %ld); "
			       "refusing to read credentials from it; fix it with: "
			       "chown %ld %s", (long)st->st_uid, (long)geteuid(),
			       (long)geteuid(), path);
	if (st->st_mode & 077)
		return err_set(e, ERR_INVALID, "readable or writable by other users (mode %04o), "
			       "so the keys in it may have been read; fix it with: chmod 600 %s "
			       "(and consider rotating the keys)",
			       (unsigned)(st->st_mode & 07777), path);
	e->path[0] = '\0';
	return 0;
}

int
config_load(struct config *c, const char *dir, struct err *e)
{
	struct buf text = BUF_INIT;
	struct stat st;
	cJSON *root = NULL;
	struct err pe = ERR_INIT;
	int ret, dir_exists;

	cJSON_Delete(c->root);
	c->root = NULL;
	free(c->dir);
	free(c->path);
	c->dir = xstrdup(dir);
	c->path = path_join(dir, CONFIG_FILE_NAME);
	c->exists = 0;
	c->warning[0] = '\0';
	ret = check_dir(dir, &dir_exists, e);
	if (ret < 0 || !dir_exists)
		goto out;
	if (lstat(c->path, &st) < 0) {
		if (errno != ENOENT) {
			err_set_path(e, c->path);
			ret = err_sys(e, ERR_IO, "cannot stat");
		}
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		err_set_path(e, c->path);
		ret = err_set(e, ERR_INVALID, "is a symbolic link; refusing to read credentials "
			      "through a link (replace it with the file itself, mode 0600)");
		goto out;
	}
	ret = file_read(c->path, CONFIG_MAX_BYTES, 0, &text, &st, e);
	if (ret == -ERR_NOTFOUND) {
		ret = 0;
		goto out;
	}
	if (ret < 0) {
		err_set_path(e, c->path);
		goto out;
	}
	/* Checked on the descriptor we read (no race with a rename). */
	if ((ret = check_file(c->path, &st, e)) < 0)
		goto out;
	c->exists = 1;
	if (yaml_parse(text.data, text.len, NULL, &root, &pe) < 0) {
		char pos[64] = "";

		if (pe.line)
			snprintf(pos, sizeof(pos), ":%lu:%lu", pe.line, pe.col ? pe.col : 1);
		snprintf(c->warning, sizeof(c->warning), "%s%s: %s; treating it as empty",
			 c->path, pos, pe.msg);
		root = NULL;
	} else if (!cJSON_IsObject(root)) {
		snprintf(c->warning, sizeof(c->warning),
			 "%s: not a mapping of settings; treating it as empty", c->path);
		cJSON_Delete(root);
		root = NULL;
	}
out:
	buf_release(&text);
	c->root = root ? root : cJSON_CreateObject();
	return ret;
}

/* ---- writing ------------------------------------------------------------ */

static int
emit_out(void *data, unsigned char *buffer, size_t size)
{
	return buf_add(data, buffer, size) == 0;
}

/* Plain only when neither YAML 1.1 (PyYAML, the existing CLI) nor 1.2 would
 * read the text as something other than a string. */
static int
plain_is_string(const char *s)
{
	static const char *const words[] = {
		"null", "true", "false", "yes", "no", "on", "off", "y", "n", NULL
	};
	unsigned char c = (unsigned char)s[0];
	int i;

	if (!(isalpha(c) || c == '/' || c == '_'))
		return 0;
	for (i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 0;
	return 1;
}

static int
emit_scalar(yaml_emitter_t *em, const char *text, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)text,
					  (int)strlen(text), 1, 1, style))
		return -1;
	return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int
emit_string(yaml_emitter_t *em, const char *s)
{
	return emit_scalar(em, s, plain_is_string(s) ? YAML_PLAIN_SCALAR_STYLE :
			   YAML_SINGLE_QUOTED_SCALAR_STYLE);
}

static int
emit_node(yaml_emitter_t *em, const cJSON *n)
{
	yaml_event_t ev;
	const cJSON *k;
	char num[64];

	if (cJSON_IsObject(n)) {
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							 YAML_BLOCK_MAPPING_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return -1;
		cJSON_ArrayForEach(k, n)
			if (emit_string(em, k->string ? k->string : "") < 0 || emit_node(em, k) < 0)
				return -1;
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev) ? 0 : -1;
	}
	if (cJSON_IsArray(n)) {
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							  YAML_BLOCK_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return -1;
		cJSON_ArrayForEach(k, n)
			if (emit_node(em, k) < 0)
				return -1;
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev) ? 0 : -1;
	}
	if (cJSON_IsString(n))
		return emit_string(em, n->valuestring);
	if (cJSON_IsBool(n))
		return emit_scalar(em, cJSON_IsTrue(n) ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
	if (cJSON_IsNumber(n)) {
		if (tree_is_integer(n) && n->valuestring)
			snprintf(num, sizeof(num), "%s", n->valuestring);
		else if (isnan(n->valuedouble))
			snprintf(num, sizeof(num), ".nan");
		else if (isinf(n->valuedouble))
			snprintf(num, sizeof(num), "%s", n->valuedouble < 0 ? "-.inf" : ".inf");
		else {
			snprintf(num, sizeof(num), "%.17g", n->valuedouble);
			if (!strpbrk(num, ".eE"))
				snprintf(num + strlen(num), sizeof(num) - strlen(num), ".0");
		}
		return emit_scalar(em, num, YAML_PLAIN_SCALAR_STYLE);
	}
	return emit_scalar(em, "null", YAML_PLAIN_SCALAR_STYLE);
}

char *
config_dump(const cJSON *root, struct err *e)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	struct buf out = BUF_INIT;
	int ok;

	if (!yaml_emitter_initialize(&em))
		xalloc_die(sizeof(em));
	yaml_emitter_set_output(&em, emit_out, &out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_indent(&em, 2);
	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
	     yaml_emitter_emit(&em, &ev) &&
	     yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
	     yaml_emitter_emit(&em, &ev) &&
	     emit_node(&em, root) == 0 &&
	     yaml_document_end_event_initialize(&ev, 1) &&
	     yaml_emitter_emit(&em, &ev) &&
	     yaml_stream_end_event_initialize(&ev) &&
	     yaml_emitter_emit(&em, &ev) &&
	     yaml_emitter_flush(&em);
	if (!ok) {
		err_set(e, ERR_INVALID, "cannot write YAML: %s",
			em.problem ? em.problem : "emitter error");
		yaml_emitter_delete(&em);
		buf_release(&out);
		return NULL;
	}
	yaml_emitter_delete(&em);
	return buf_detach(&out, NULL);
}

int
config_save(struct config *c, struct err *e)
{
	char *text = NULL, *bak = NULL;
	int ret;

	text = config_dump(c->root, e);
	if (text == NULL)
		return -ERR_INVALID;
	if ((ret = file_mkdirs(c->dir, 0700, e)) < 0)
		goto out;
	if (c->warning[0] && c->exists) {
		/* Keep what could not be parsed rather than overwrite it. */
		bak = xasprintf("%s.bak", c->path);
		if (rename(c->path, bak) < 0) {
			err_set_path(e, c->path);
			ret = err_sys(e, ERR_IO, "cannot keep a copy as %s", bak);
			goto out;
		}
	}
	ret = file_write_atomic(c->path, text, strlen(text), 0600, 0, e);
	if (ret < 0)
		err_set_path(e, c->path);
	else
		c->exists = 1;
out:
	free(text);
	free(bak);
	return ret;
}

/* ---- lookups ------------------------------------------------------------ */

int
config_is_placeholder(const char *v)
{
	size_t n, i;

	if (v == NULL)
		return 0;
	n = strlen(v);
	if (strstr(v, "REPLACE_WITH"))
		return 1;
	if (n >= 15 && strcmp(v + n - 15, "_OR_LEAVE_BLANK") == 0)
		return 1;
	if (n >= 3 && v[0] == '{' && v[n - 1] == '}' && isalpha((unsigned char)v[1])) {
		for (i = 2; i < n - 1; i++)
			if (!isalnum((unsigned char)v[i]) && v[i] != '_')
				return 0;
		return 1;
	}
	return 0;
}

static const char *
usable(const cJSON *v)
{
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0' ||
	    config_is_placeholder(v->valuestring))
		return NULL;
	return v->valuestring;
}

static int
same_url(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 0 && a[la - 1] == '/')
		la--;
	while (lb > 0 && b[lb - 1] == '/')
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

static char *
key_of(const char *url)
{
	struct url u;
	char *k;

	if (url_parse(url, &u, NULL) < 0)
		return NULL;
	k = url_host_key(&u);
	url_release(&u);
	return k;
}

const char *
config_default_host(const struct config *c)
{
	return usable(cJSON_GetObjectItemCaseSensitive(c->root, "default_host"));
}

const char *
config_sole_host(const struct config *c)
{
	const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(c->root, "hosts");

	if (!cJSON_IsObject(hosts) || cJSON_GetArraySize(hosts) != 1)
		return NULL;
	return usable(cJSON_GetObjectItemCaseSensitive(hosts->child, "url"));
}

const cJSON *
config_host_entry(const struct config *c, const char *url)
{
	const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(c->root, "hosts"), *h, *u;
	char *key = key_of(url);

	if (key == NULL || !cJSON_IsObject(hosts)) {
		free(key);
		return NULL;
	}
	h = cJSON_GetObjectItemCaseSensitive(hosts, key);
	free(key);
	u = cJSON_GetObjectItemCaseSensitive(h, "url");
	if (!cJSON_IsObject(h) || !cJSON_IsString(u) || !same_url(u->valuestring, url))
		return NULL;
	return h;
}

const char *
config_secret(const struct config *c, const char *url)
{
	return usable(cJSON_GetObjectItemCaseSensitive(config_host_entry(c, url), "secret"));
}

const cJSON *
config_org_keys(const struct config *c, const char *url)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(config_host_entry(c, url),
							   "org_api_keys");

	return cJSON_IsObject(o) ? o : NULL;
}

const char *
config_org_key(const struct config *c, const char *url, const char *name)
{
	return usable(cJSON_GetObjectItemCaseSensitive(config_org_keys(c, url), name));
}

/* ---- edits -------------------------------------------------------------- */

/* obj[key] as an object, replacing a non-object value in place. */
static cJSON *
child_object(cJSON *obj, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsObject(v))
		return v;
	v = cJSON_CreateObject();
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
	else
		cJSON_AddItemToObject(obj, key, v);
	return v;
}

static void
set_string(cJSON *obj, const char *key, const char *value)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_CreateString(value));
	else
		cJSON_AddStringToObject(obj, key, value);
}

static cJSON *
entry_for_write(struct config *c, const char *url, struct err *e)
{
	cJSON *hosts, *h;
	char *key = key_of(url);

	if (key == NULL) {
		err_set(e, ERR_INVALID, "not a valid backend URL '%s'", url);
		return NULL;
	}
	hosts = child_object(c->root, "hosts");
	h = child_object(hosts, key);
	set_string(h, "url", url);
	free(key);
	return h;
}

int
config_set_secret(struct config *c, const char *url, const char *secret, struct err *e)
{
	cJSON *h = entry_for_write(c, url, e);

	if (h == NULL)
		return -ERR_INVALID;
	set_string(h, "secret", secret);
	set_string(c->root, "default_host", url);
	return 0;
}

int
config_set_org_key(struct config *c, const char *url, const char *name, const char *key,
		   struct err *e)
{
	cJSON *h = entry_for_write(c, url, e);

	if (h == NULL)
		return -ERR_INVALID;
	set_string(child_object(h, "org_api_keys"), name, key);
	if (config_default_host(c) == NULL)
		set_string(c->root, "default_host", url);
	return 0;
}

int
config_forget(struct config *c, const char *url, int all)
{
	cJSON *hosts = cJSON_GetObjectItemCaseSensitive(c->root, "hosts");
	cJSON *h = (cJSON *)config_host_entry(c, url), *dh;
	int removed = 0;

	if (h == NULL)
		return 0;
	if (all) {
		cJSON_Delete(cJSON_DetachItemViaPointer(hosts, h));
		removed = 1;
		dh = cJSON_GetObjectItemCaseSensitive(c->root, "default_host");
		if (cJSON_IsString(dh) && same_url(dh->valuestring, url))
			cJSON_DeleteItemFromObjectCaseSensitive(c->root, "default_host");
	} else if (cJSON_GetObjectItemCaseSensitive(h, "secret")) {
		cJSON_DeleteItemFromObjectCaseSensitive(h, "secret");
		removed = 1;
	}
	return removed;
}
