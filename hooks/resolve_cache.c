/* Slim cached copies of large client configs (server containers and
 * project entries only), so a hook does not re-parse megabytes of history
 * on every tool call. */
#include "hooks/resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parsers/tree.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CACHE_VERSION 1
#define CACHE_MAX_BYTES (8u * 1024 * 1024)

/* Top-level keys holding servers in any client's config (the catalog's
 * containers' first components). */
static const char *const keep_keys[] = {
	"mcpServers", "mcp_servers", "servers", "mcp", "context_servers", "extensions",
	"amp.mcpServers", "zencoder.mcpServers", "augment.advanced", "customizations",
	"experimental", "hooks", NULL
};

char *
resolve_cache_dir(void)
{
	struct err e = ERR_INIT;
	char *d = state_dir(&e), *p;

	if (d == NULL)
		return NULL;
	p = path_join(d, "cache/hook");
	free(d);
	return p;
}

static cJSON *
slim(const cJSON *t)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *c, *projects;
	size_t i;

	for (i = 0; keep_keys[i]; i++) {
		c = cJSON_GetObjectItemCaseSensitive(t, keep_keys[i]);
		if (c)
			cJSON_AddItemToObject(o, keep_keys[i], cJSON_Duplicate(c, 1));
	}
	projects = cJSON_GetObjectItemCaseSensitive(t, "projects");
	if (cJSON_IsObject(projects)) {
		cJSON *po = cJSON_AddObjectToObject(o, "projects");
		const cJSON *p;

		cJSON_ArrayForEach(p, projects) {
			const cJSON *ms = cJSON_GetObjectItemCaseSensitive(p, "mcpServers");
			const cJSON *tl = cJSON_GetObjectItemCaseSensitive(p, "trust_level");
			cJSON *e;

			if ((!cJSON_IsObject(ms) || ms->child == NULL) && tl == NULL)
				continue;
			e = cJSON_AddObjectToObject(po, p->string);
			if (cJSON_IsObject(ms) && ms->child)
				cJSON_AddItemToObject(e, "mcpServers", cJSON_Duplicate(ms, 1));
			if (tl)
				cJSON_AddItemToObject(e, "trust_level", cJSON_Duplicate(tl, 1));
		}
	}
	return o;
}

/* "dev:ino:size:mtime:ctime" of st. */
static void
stamp(const struct stat *st, char out[160])
{
	snprintf(out, 160, "%llu:%llu:%lld:%lld.%09ld:%lld.%09ld",
		 (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		 (long long)st->st_size, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
		 (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

static char *
cache_path(const char *dir, const char *path)
{
	char hex[SHA256_HEX_LEN + 1];

	sha256_hex(path, strlen(path), hex);
	return xasprintf("%s/%.32s.json", dir, hex);
}

static cJSON *
cache_get(const char *dir, const char *path, const char *st)
{
	char *cp = cache_path(dir, path);
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	cJSON *c = NULL, *tree = NULL;
	const cJSON *v;

	if (file_read(cp, CACHE_MAX_BYTES, 0, &b, NULL, &e) == 0 &&
	    jsonc_parse(b.data, b.len, NULL, &c, &e) == 0) {
		v = cJSON_GetObjectItemCaseSensitive(c, "version");
		if (cJSON_IsNumber(v) && v->valuedouble == CACHE_VERSION &&
		    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "path")) &&
		    strcmp(cJSON_GetObjectItemCaseSensitive(c, "path")->valuestring, path) == 0 &&
		    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "stamp")) &&
		    strcmp(cJSON_GetObjectItemCaseSensitive(c, "stamp")->valuestring, st) == 0)
			tree = cJSON_DetachItemFromObjectCaseSensitive(c, "tree");
	}
	cJSON_Delete(c);
	buf_release(&b);
	free(cp);
	return cJSON_IsObject(tree) ? tree : (cJSON_Delete(tree), NULL);
}

static void
cache_put(const char *dir, const char *path, const char *st, const cJSON *tree)
{
	char *cp, *text;
	cJSON *c;
	struct err e = ERR_INIT;

	if (file_mkdirs(dir, 0700, &e) < 0)
		return;
	c = cJSON_CreateObject();
	cJSON_AddItemToObject(c, "version", tree_new_integer(CACHE_VERSION));
	cJSON_AddStringToObject(c, "path", path);
	cJSON_AddStringToObject(c, "stamp", st);
	cJSON_AddItemReferenceToObject(c, "tree", (cJSON *)tree);
	text = tree_print(c, 0, 0);
	cJSON_Delete(c);
	if (text == NULL)
		return;
	cp = cache_path(dir, path);
	/* file_write_atomic fsyncs; a lost cache entry only costs a parse */
	{
		char *tmp = xasprintf("%s.%ld.tmp", cp, (long)getpid());
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		size_t n = strlen(text);

		if (fd >= 0) {
			if (write(fd, text, n) == (ssize_t)n && close(fd) == 0) {
				if (rename(tmp, cp) < 0)
					unlink(tmp);
			} else {
				unlink(tmp);
			}
		}
		free(tmp);
	}
	free(cp);
	free(text);
}

cJSON *
resolve_load_config(const char *path, const char *cache_dir, unsigned *parsed)
{
	struct stat st;
	struct err e = ERR_INIT;
	char sp[160];
	cJSON *t = NULL, *s;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	if (cache_dir == NULL || (size_t)st.st_size < RESOLVE_CACHE_MIN) {
		if (parsed)
			(*parsed)++;
		return tree_parse_file(path, TREE_FMT_UNKNOWN, NULL, &t, &e) == 0 ? t : NULL;
	}
	stamp(&st, sp);
	if ((t = cache_get(cache_dir, path, sp)) != NULL)
		return t;
	if (parsed)
		(*parsed)++;
	if (tree_parse_file(path, TREE_FMT_UNKNOWN, NULL, &t, &e) < 0)
		return NULL;
	s = slim(t);
	cJSON_Delete(t);
	cache_put(cache_dir, path, sp, s);
	return s;
}
