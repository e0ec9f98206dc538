/* Who and what this machine is: the device id derivation shared with the
 * existing CLI (UUIDv5 of the machine id), hostname, OS, user and WSL. */
#include "discover/device.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/uuid.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Python str.strip() whitespace in the ASCII range. */
static int
is_trim_space(unsigned char c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
}

static void
trim(const char **s, size_t *len)
{
	while (*len && is_trim_space((unsigned char)(*s)[0])) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_trim_space((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

int
device_id_from_hardware(const char *raw, size_t len, char out[37])
{
	unsigned char ns[UUID_LEN];

	trim(&raw, &len);
	if (len == 0)
		return -1;
	uuid_v5_bytes(uuid_ns_dns, DEVICE_NAMESPACE_NAME, strlen(DEVICE_NAMESPACE_NAME), ns);
	uuid_v5(ns, raw, len, out);
	return 0;
}

static const char *
env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* path under the alternative root ("" or NULL: the real one). */
static char *
at_root(const struct device_opts *o, const char *abs)
{
	if (o->root == NULL || o->root[0] == '\0')
		return xstrdup(abs);
	return path_join(o->root, abs);
}

/* Read a small file; 0 and the bytes in b, or -1 (missing, unreadable…). */
static int
read_small(const char *path, unsigned flags, struct buf *b)
{
	struct err e = ERR_INIT;

	buf_clear(b);
	return file_read(path, DEVICE_READ_MAX, flags, b, NULL, &e) < 0 ? -1 : 0;
}

/* A canonical UUID (surrounding whitespace allowed) into out, lowercased. */
static int
canonical_uuid(const char *s, size_t len, char out[37])
{
	unsigned char u[UUID_LEN];
	char tmp[37];

	trim(&s, &len);
	if (len != UUID_TEXT_LEN)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (uuid_parse(tmp, u) < 0)
		return -1;
	uuid_format(u, out);
	return 0;
}

static int
hardware_id(const struct device_opts *o, const char *os, char out[37])
{
	struct buf b = BUF_INIT;
	const char *env = env_nonempty("RUNLAYER_MACHINE_ID_PATH");
	char *paths[3] = { NULL, NULL, NULL };
	size_t i;
	int ret = -1;

	if (env && env[0] == '/')
		paths[0] = xstrdup(env);
	if (strcmp(os, "linux") == 0) {
		paths[1] = at_root(o, "/etc/machine-id");
		paths[2] = at_root(o, "/var/lib/dbus/machine-id");
	}
	for (i = 0; i < 3 && ret < 0; i++) {
		/* System files, not discovered ones: dbus' copy is often a symlink. */
		if (paths[i] && read_small(paths[i], FILE_FOLLOW, &b) == 0 &&
		    memchr(b.data, '\0', b.len) == NULL)
			ret = device_id_from_hardware(b.data, b.len, out);
	}
	for (i = 0; i < 3; i++)
		free(paths[i]);
	buf_release(&b);
	return ret;
}

static int
device_id(const struct device_opts *o, const char *os, char out[37], struct err *e)
{
	struct buf b = BUF_INIT;
	const char *given = o->device_id && *o->device_id ? o->device_id : NULL;
	const char *what = "--device-id";
	char *path = NULL;
	int ret = 0;

	if (given == NULL && (given = env_nonempty("RUNLAYER_DEVICE_ID")) != NULL)
		what = "RUNLAYER_DEVICE_ID";
	if (given) {
		if (canonical_uuid(given, strlen(given), out) < 0)
			return err_set(e, ERR_INVALID, "invalid %s '%.64s': expected a UUID", what, given);
		return 0;
	}
	if (hardware_id(o, os, out) == 0)
		return 0;
	if (o->state_dir && *o->state_dir) {
		path = path_join(o->state_dir, DEVICE_ID_FILE);
		if (read_small(path, 0, &b) == 0 && canonical_uuid(b.data, b.len, out) == 0)
			goto out;
	}
	if (uuid_v4(out) < 0) {
		ret = err_sys(e, ERR_GENERIC, "cannot generate a device id");
		goto out;
	}
	if (path && !o->no_write) {
		ret = file_mkdirs(o->state_dir, 0700, e);
		if (ret == 0)
			ret = file_write_atomic(path, out, strlen(out), 0600, 0, e);
	}
out:
	buf_release(&b);
	free(path);
	return ret;
}

static char *
hostname(void)
{
	const char *env = env_nonempty("RUNLAYER_HOSTNAME");
	char name[256];
	struct utsname u;

	if (env)
		return xstrdup(env);
	if (gethostname(name, sizeof(name)) == 0) {
		name[sizeof(name) - 1] = '\0';
		if (name[0])
			return xstrdup(name);
	}
	if (uname(&u) == 0 && u.nodename[0])
		return xstrdup(u.nodename);
	return xstrdup("localhost");
}

static int
is_system_user(const char *name)
{
	return name == NULL || name[0] == '\0' || strcmp(name, "root") == 0 ||
	       strcmp(name, "_mbsetupuser") == 0 || strcmp(name, "loginwindow") == 0;
}

static char *
uid_name(uid_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_name &&
	    res->pw_name[0])
		return xstrdup(res->pw_name);
	return NULL;
}

static char *
username(const struct device_opts *o, const char *os)
{
	char login[256], *name = NULL;
	const char *v;

	if (o->username && *o->username)
		return xstrdup(o->username);
	if ((v = env_nonempty("RUNLAYER_USERNAME")) != NULL)
		return xstrdup(v);
	if (getlogin_r(login, sizeof(login)) == 0 && login[0])
		name = xstrdup(login);
	else if ((v = env_nonempty("USER")) != NULL || (v = env_nonempty("USERNAME")) != NULL)
		name = xstrdup(v);
	else
		name = uid_name(geteuid());
	if (strcmp(os, "darwin") == 0 && is_system_user(name)) {
		/* Run from launchd or the installer: the console user is the one. */
		char *console = at_root(o, "/dev/console"), *owner = NULL;
		struct stat st;

		if (stat(console, &st) == 0)
			owner = uid_name(st.st_uid);
		if (owner && !is_system_user(owner)) {
			free(name);
			name = owner;
		} else {
			free(owner);
		}
		free(console);
	}
	return name;
}

static int
contains_nocase(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

static int
is_wsl(const struct device_opts *o)
{
	struct buf b = BUF_INIT;
	char *path;
	int yes = 0;

	if (env_nonempty("WSL_DISTRO_NAME"))
		return 1;
	path = at_root(o, "/proc/version");
	/* /proc files report size 0; read_small's cap still bounds the read. */
	if (read_small(path, 0, &b) == 0)
		yes = contains_nocase(b.data, b.len, "microsoft");
	free(path);
	buf_release(&b);
	return yes;
}

int
device_identify(const struct device_opts *opts, struct device_info *info, struct err *e)
{
	static const struct device_opts none;
	struct utsname u;
	int have_uname, ret;
	char *p;

	memset(info, 0, sizeof(*info));
	if (opts == NULL)
		opts = &none;
	have_uname = uname(&u) == 0;
	if (opts->os && *opts->os) {
		if (strcmp(opts->os, "darwin") != 0 && strcmp(opts->os, "windows") != 0 &&
		    strcmp(opts->os, "linux") != 0)
			return err_set(e, ERR_INVALID,
				       "invalid os '%.32s': expected darwin, windows or linux",
				       opts->os);
		info->os = xstrdup(opts->os);
	} else {
		info->os = xstrdup(have_uname ? u.sysname : "unknown");
		for (p = info->os; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	ret = device_id(opts, info->os, info->device_id, e);
	if (ret < 0 && ret != -ERR_IO) {
		device_info_release(info);
		return ret;
	}
	info->hostname = hostname();
	info->os_version = xstrdup(have_uname ? u.release : "");
	info->username = username(opts, info->os);
	info->is_wsl = strcmp(info->os, "linux") == 0 && is_wsl(opts);
	return ret;
}

void
device_info_release(struct device_info *info)
{
	if (info == NULL)
		return;
	free(info->hostname);
	free(info->os);
	free(info->os_version);
	free(info->username);
	memset(info, 0, sizeof(*info));
}
