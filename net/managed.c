/* Managed configuration: the Linux config.json + root-only credentials,
 * macOS managed preference plists, typed and merged first-wins per key. */
#include "net/managed.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "net/config.h"
#include "net/plist.h"
#include "net/regf.h"
#include "parsers/tree.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MANAGED_MAX_BYTES (1024u * 1024)

enum mtype { M_STR, M_BOOL, M_INT };

static const struct mkey {
	const char *name;
	enum mtype type;
} mkeys[] = {
	{ "Host", M_STR }, { "OrgApiKey", M_STR }, { "SkillSyncOrgApiKey", M_STR },
	{ "EnrollmentKey", M_STR }, { "Username", M_STR }, { "DeviceName", M_STR },
	{ "Mode", M_STR }, { "GrokHome", M_STR }, { "LlmRoutingBaseUrl", M_STR },
	{ "Enforcement", M_BOOL }, { "Sessions", M_BOOL }, { "MCPUsageMetadata", M_BOOL },
	{ "SyncSkills", M_BOOL }, { "GzipHooks", M_BOOL }, { "AutoUpdate", M_BOOL },
	{ "DetectProcesses", M_BOOL }, { "DetectContainers", M_BOOL },
	{ "DetectDisguisedSkills", M_BOOL }, { "ArtifactLookupCache", M_BOOL },
	{ "DetectRenamedPluginCaches", M_BOOL }, { "LlmRouting", M_BOOL },
	{ "ProjectDepth", M_INT }, { "ProjectTimeout", M_INT }, { "CpuCores", M_INT },
	{ "MaxCpuPercent", M_INT }, { "MemoryLimitMb", M_INT },
	{ NULL, M_STR }
};

void
managed_release(struct managed *m)
{
	if (m == NULL)
		return;
	cJSON_Delete(m->values);
	cJSON_Delete(m->sources);
	buf_release(&m->warnings);
	memset(m, 0, sizeof(*m));
}

static void
warn(struct managed *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
warn(struct managed *m, const char *fmt, ...)
{
	va_list ap;

	if (m->warnings.len)
		buf_addc(&m->warnings, '\n');
	va_start(ap, fmt);
	buf_vaddf(&m->warnings, fmt, ap);
	va_end(ap);
}

/* The typed value of v for k, or NULL when it counts as absent. */
static cJSON *
typed(const struct mkey *k, const cJSON *v)
{
	if (k->type == M_STR) {
		char *s;
		size_t a, b;
		cJSON *r;

		if (!cJSON_IsString(v) || config_is_placeholder(v->valuestring))
			return NULL;
		s = v->valuestring;
		a = 0;
		b = strlen(s);
		while (a < b && isspace((unsigned char)s[a]))
			a++;
		while (b > a && isspace((unsigned char)s[b - 1]))
			b--;
		if (a == b)
			return NULL;
		if (strcmp(k->name, "Mode") == 0) {
			char mode[16];
			size_t i;

			if (b - a >= sizeof(mode))
				return NULL;
			for (i = 0; i < b - a; i++)
				mode[i] = (char)tolower((unsigned char)s[a + i]);
			mode[i] = '\0';
			if (strcmp(mode, "monitor") && strcmp(mode, "protect") && strcmp(mode, "enforce"))
				return NULL;
			return cJSON_CreateString(mode);
		}
		r = cJSON_CreateString("");
		free(r->valuestring);
		r->valuestring = xstrndup(s + a, b - a);
		return r;
	}
	if (k->type == M_BOOL)
		return cJSON_IsBool(v) ? cJSON_CreateBool(cJSON_IsTrue(v)) : NULL;
	if (cJSON_IsNumber(v) && tree_is_integer(v) && v->valuedouble > 0 &&
	    v->valuedouble < 1e15)
		return tree_new_integer((long long)v->valuedouble);
	return NULL;
}

/* Merge one source's object into m: first source wins per key. */
static void
merge(struct managed *m, const cJSON *src, const char *path)
{
	const struct mkey *k;
	int has_mode_pair = cJSON_GetObjectItemCaseSensitive(m->values, "Mode") ||
			    cJSON_GetObjectItemCaseSensitive(m->values, "Enforcement");

	for (k = mkeys; k->name; k++) {
		cJSON *v;
		int pair = strcmp(k->name, "Mode") == 0 || strcmp(k->name, "Enforcement") == 0;

		if (cJSON_GetObjectItemCaseSensitive(m->values, k->name))
			continue;
		if (pair && has_mode_pair)
			continue;	/* taken together from a higher source */
		v = typed(k, cJSON_GetObjectItemCaseSensitive(src, k->name));
		if (v == NULL)
			continue;
		cJSON_AddItemToObject(m->values, k->name, v);
		cJSON_AddStringToObject(m->sources, k->name, path);
	}
}

/* ---- Linux -------------------------------------------------------------- */

/* One shell assignment value: 'single', "double" (\ escapes) or bare. */
static char *
shell_value(const char *s)
{
	struct buf b = BUF_INIT;

	while (*s && !isspace((unsigned char)*s) && *s != '#') {
		if (*s == '\'') {
			for (s++; *s && *s != '\''; s++)
				buf_addc(&b, *s);
			if (*s)
				s++;
		} else if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1] && strchr("\"\\$`", s[1]))
					s++;
				buf_addc(&b, *s);
			}
			if (*s)
				s++;
		} else {
			if (*s == '\\' && s[1])
				s++;
			buf_addc(&b, *s++);
		}
	}
	return buf_detach(&b, NULL);
}

static void
read_credentials(struct managed *m, const char *path)
{
	struct buf text = BUF_INIT;
	struct stat st;
	struct err e = ERR_INIT;
	cJSON *obj = NULL;
	char *line, *save = NULL;
	int ret;

	ret = file_read(path, MANAGED_MAX_BYTES, 0, &text, &st, &e);
	if (ret == -ERR_NOTFOUND || (ret == -ERR_IO && e.sys_errno == EACCES))
		goto out;	/* not there, or not for this user: root-only by design */
	if (ret < 0) {
		warn(m, "ignoring managed credentials '%s': %s", path, e.msg);
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		warn(m, "ignoring managed credentials '%s': owned by uid %ld, not root",
		     path, (long)st.st_uid);
		goto out;
	}
	if (st.st_mode & 077) {
		warn(m, "ignoring managed credentials '%s': readable or writable by other users "
		     "(mode %04o); fix it with: chmod 600 %s", path,
		     (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	obj = cJSON_CreateObject();
	for (line = strtok_r(text.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq, *name, *val;

		while (isspace((unsigned char)*line))
			line++;
		if (strncmp(line, "export", 6) == 0 && isspace((unsigned char)line[6]))
			for (line += 6; isspace((unsigned char)*line); line++)
				;
		eq = strchr(line, '=');
		if (*line == '#' || eq == NULL)
			continue;
		name = xstrndup(line, (size_t)(eq - line));
		val = shell_value(eq + 1);
		if (strcmp(name, "RUNLAYER_API_KEY") == 0 && !cJSON_GetObjectItemCaseSensitive(obj, "OrgApiKey"))
			cJSON_AddStringToObject(obj, "OrgApiKey", val);
		else if (strcmp(name, "RUNLAYER_HOST") == 0 && !cJSON_GetObjectItemCaseSensitive(obj, "Host"))
			cJSON_AddStringToObject(obj, "Host", val);
		free(name);
		free(val);
	}
	merge(m, obj, path);
out:
	cJSON_Delete(obj);
	buf_release(&text);
}

static void
read_json(struct managed *m, const char *path)
{
	struct tree_limits lim = tree_limits_default;
	struct err e = ERR_INIT;
	cJSON *obj = NULL;
	int ret;

	lim.max_bytes = MANAGED_MAX_BYTES;
	ret = tree_parse_file(path, TREE_FMT_JSON, &lim, &obj, &e);
	if (ret == -ERR_NOTFOUND)
		return;
	if (ret < 0) {
		char msg[1200];

		warn(m, "ignoring managed configuration %s", err_format(&e, msg, sizeof(msg)));
	} else if (!cJSON_IsObject(obj)) {
		warn(m, "ignoring managed configuration '%s': not a JSON object", path);
	} else {
		merge(m, obj, path);
	}
	cJSON_Delete(obj);
}

/* ---- macOS -------------------------------------------------------------- */

static void
read_plist(struct managed *m, const char *path)
{
	struct buf text = BUF_INIT;
	struct err e = ERR_INIT;
	cJSON *obj = NULL;
	int ret;

	ret = file_read(path, PLIST_MAX_BYTES, FILE_FOLLOW, &text, NULL, &e);
	if (ret == -ERR_NOTFOUND)
		goto out;
	if (ret == 0)
		ret = plist_parse(text.data, text.len, &obj, &e);
	if (ret < 0) {
		char msg[1200];

		err_set_path(&e, path);
		warn(m, "ignoring managed preferences %s", err_format(&e, msg, sizeof(msg)));
	} else if (!cJSON_IsObject(obj)) {
		warn(m, "ignoring managed preferences '%s': not a dictionary", path);
	} else {
		merge(m, obj, path);
	}
out:
	cJSON_Delete(obj);
	buf_release(&text);
}

/* ---- Windows ------------------------------------------------------------ */

static void
read_hive(struct managed *m, const char *path, const char *key)
{
	struct err e = ERR_INIT;
	cJSON *obj = NULL;
	char *where;
	int ret;

	ret = regf_read_key(path, key, &obj, &e);
	if (ret == -ERR_NOTFOUND)
		return;
	where = xasprintf("%s\\%s", path, key);
	if (ret < 0) {
		char msg[1200];

		warn(m, "ignoring registry hive %s", err_format(&e, msg, sizeof(msg)));
	} else {
		const struct mkey *k;

		/* REG_DWORD is both the boolean and the int type: the key decides. */
		for (k = mkeys; k->name; k++) {
			cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, k->name);

			if (k->type == M_BOOL && cJSON_IsNumber(v))
				cJSON_ReplaceItemInObjectCaseSensitive(obj, k->name,
					cJSON_CreateBool(v->valuedouble != 0));
		}
		merge(m, obj, where);
	}
	free(where);
	cJSON_Delete(obj);
}

static const char *
host_os(void)
{
	struct utsname u;

	if (uname(&u) == 0 && strcmp(u.sysname, "Darwin") == 0)
		return "darwin";
	return "linux";
}

int
managed_load(struct managed *m, const struct managed_opts *o, struct err *e)
{
	const char *root = o->root ? o->root : "";
	const char *os = o->os ? o->os : host_os();
	char *p;
	int i, j;

	(void)e;
	memset(m, 0, sizeof(*m));
	buf_init(&m->warnings, 64 * 1024);
	m->values = cJSON_CreateObject();
	m->sources = cJSON_CreateObject();
	if (strcmp(os, "linux") == 0) {
		p = xasprintf("%s/etc/runlayer/aiwatch/credentials", root);
		read_credentials(m, p);
		free(p);
		p = xasprintf("%s/etc/runlayer/aiwatch/config.json", root);
		read_json(m, p);
		free(p);
	} else if (strcmp(os, "darwin") == 0) {
		static const char *const domains[] = { "com.runlayer.cli", "com.runlayer.aiwatch" };
		static const char *const dirs[] = { "Library/Managed Preferences", "Library/Preferences" };

		for (i = o->aiwatch ? 1 : 0; i < 2; i++)
			for (j = 0; j < 2; j++) {
				p = xasprintf("%s/%s/%s.plist", root, dirs[j], domains[i]);
				read_plist(m, p);
				free(p);
			}
	} else if (strcmp(os, "windows") == 0) {
		static const char *const keys[] = { "Runlayer\\CLI", "Runlayer\\AIWatch" };
		char *hklm = xasprintf("%s/Windows/System32/config/SOFTWARE", root);

		for (i = o->aiwatch ? 1 : 0; i < 2; i++) {
			char *hkcu_key = xasprintf("Software\\%s", keys[i]);

			read_hive(m, hklm, keys[i]);
			if (o->home) {
				p = xasprintf("%s/NTUSER.DAT", o->home);
				read_hive(m, p, hkcu_key);
				free(p);
			}
			free(hkcu_key);
		}
		free(hklm);
	}
	return 0;
}

const char *
managed_string(const struct managed *m, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m->values, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
managed_bool(const struct managed *m, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m->values, key);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

long
managed_int(const struct managed *m, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m->values, key);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

const char *
managed_source(const struct managed *m, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m->sources, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}
