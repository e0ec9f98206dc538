/* Unit tests for discover/device: device_id order and derivation (expected
 * ids computed with python3 uuid.uuid5), hostname, os, username, WSL. */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "discover/device.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/uuid.h"
#include "util/xalloc.h"

/* python3: uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_DNS,
 *                     "device-id.aiwatch.runlayer.com"), <raw id>) */
#define MID_RAW		"0123456789abcdef0123456789abcdef"
#define MID_ID		"e89e3384-742c-5398-8a0b-b8db2fa4d256"
#define ABC_ID		"9d326190-4765-54c4-9251-0ced1e5224d4"
#define DBUS_ID		"39137672-e54a-580e-82a8-4f834a338c72"
#define SMBIOS_RAW	"4C4C4544-0042-3510-8052-B4C04F4B4D32"
#define SMBIOS_ID	"04576261-0c28-55b8-8887-23fd5a6955ed"

static char *tmp;

static void
put(const char *rel, const char *content)
{
	char *p = path_join(tmp, rel), *dir = xstrdup(p);
	struct err e = ERR_INIT;

	*strrchr(dir, '/') = '\0';
	file_mkdirs(dir, 0755, &e);
	if (file_write_atomic(p, content, strlen(content), 0644, 0, &e) < 0)
		printf("# cannot write %s: %s\n", p, e.msg);
	free(dir);
	free(p);
}

static void
rm(const char *rel)
{
	char *p = path_join(tmp, rel);

	unlink(p);
	free(p);
}

static char *
slurp(const char *rel)
{
	char *p = path_join(tmp, rel);
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;

	if (file_read(p, 4096, 0, &b, NULL, &e) < 0) {
		free(p);
		buf_release(&b);
		return NULL;
	}
	free(p);
	return buf_detach(&b, NULL);
}

static void
clean_env(void)
{
	unsetenv("RUNLAYER_DEVICE_ID");
	unsetenv("RUNLAYER_MACHINE_ID_PATH");
	unsetenv("RUNLAYER_HOSTNAME");
	unsetenv("RUNLAYER_USERNAME");
	unsetenv("WSL_DISTRO_NAME");
}

static void
test_hardware_id(void)
{
	struct device_opts o = { 0 };
	struct device_info d;
	struct err e = ERR_INIT;
	char id[37], *state = path_join(tmp, "state");

	o.root = tmp;
	o.os = "linux";
	o.state_dir = state;
	put("etc/machine-id", MID_RAW "\n");
	is_int(device_identify(&o, &d, &e), 0, "identify with /etc/machine-id");
	is_str(d.device_id, MID_ID, "device id = uuid5(namespace, machine-id)");
	ok(slurp("state/device_id") == NULL, "hardware id: nothing written");
	device_info_release(&d);

	ok(device_id_from_hardware(" \t" SMBIOS_RAW "\r\n", strlen(SMBIOS_RAW) + 4, id) == 0,
	   "device_id_from_hardware trims");
	is_str(id, SMBIOS_ID, "raw id is used as written (case kept)");
	ok(device_id_from_hardware(" \n\t", 3, id) < 0, "blank raw id refused");

	/* Empty /etc/machine-id: dbus' copy, through a symlink. */
	put("etc/machine-id", "\n");
	put("var/lib/dbus/real-id", "dbus-id-2");
	{
		char *link = path_join(tmp, "var/lib/dbus/machine-id");

		ok(symlink("real-id", link) == 0, "dbus machine-id symlink");
		free(link);
	}
	device_identify(&o, &d, &e);
	is_str(d.device_id, DBUS_ID, "empty /etc/machine-id: dbus machine-id (symlink followed)");
	device_info_release(&d);

	/* $RUNLAYER_MACHINE_ID_PATH first; relative values ignored. */
	put("other-id", "  abc \n");
	{
		char *p = path_join(tmp, "other-id");

		setenv("RUNLAYER_MACHINE_ID_PATH", p, 1);
		device_identify(&o, &d, &e);
		is_str(d.device_id, ABC_ID, "RUNLAYER_MACHINE_ID_PATH wins");
		device_info_release(&d);
		o.os = "darwin";
		device_identify(&o, &d, &e);
		is_str(d.device_id, ABC_ID, "RUNLAYER_MACHINE_ID_PATH read on darwin too");
		device_info_release(&d);
		o.os = "linux";
		setenv("RUNLAYER_MACHINE_ID_PATH", "other-id", 1);
		device_identify(&o, &d, &e);
		is_str(d.device_id, DBUS_ID, "relative RUNLAYER_MACHINE_ID_PATH ignored");
		device_info_release(&d);
		unsetenv("RUNLAYER_MACHINE_ID_PATH");
		free(p);
	}
	rm("var/lib/dbus/machine-id");
	rm("var/lib/dbus/real-id");
	rm("etc/machine-id");
	free(state);
}

static void
test_overrides(void)
{
	struct device_opts o = { 0 };
	struct device_info d;
	struct err e = ERR_INIT;

	o.root = tmp;
	o.os = "linux";
	put("etc/machine-id", MID_RAW);
	o.device_id = "6BA7B810-9DAD-11D1-80B4-00C04FD430C8";
	setenv("RUNLAYER_DEVICE_ID", "11111111-2222-3333-4444-555555555555", 1);
	is_int(device_identify(&o, &d, &e), 0, "explicit device id");
	is_str(d.device_id, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "--device-id wins, lowercased");
	device_info_release(&d);
	o.device_id = "";
	device_identify(&o, &d, &e);
	is_str(d.device_id, "11111111-2222-3333-4444-555555555555", "RUNLAYER_DEVICE_ID next");
	device_info_release(&d);
	setenv("RUNLAYER_DEVICE_ID", "", 1);
	device_identify(&o, &d, &e);
	is_str(d.device_id, MID_ID, "empty RUNLAYER_DEVICE_ID ignored");
	device_info_release(&d);

	setenv("RUNLAYER_DEVICE_ID", "not-a-uuid", 1);
	is_int(device_identify(&o, &d, &e), -ERR_INVALID, "bad RUNLAYER_DEVICE_ID refused");
	is_str(e.msg, "invalid RUNLAYER_DEVICE_ID 'not-a-uuid': expected a UUID", "message");
	ok(d.hostname == NULL && d.os == NULL, "info empty on error");
	device_info_release(&d);
	unsetenv("RUNLAYER_DEVICE_ID");
	o.device_id = "6ba7b810-9dad-11d1-80b4-00c04fd430c8x";
	is_int(device_identify(&o, &d, &e), -ERR_INVALID, "bad --device-id refused");
	device_info_release(&d);
	o.device_id = NULL;

	o.os = "plan9";
	is_int(device_identify(&o, &d, &e), -ERR_INVALID, "bad os override refused");
	is_str(e.msg, "invalid os 'plan9': expected darwin, windows or linux", "os message");
	device_info_release(&d);
	rm("etc/machine-id");
}

static void
test_state_file(void)
{
	struct device_opts o = { 0 };
	struct device_info d;
	struct err e = ERR_INIT;
	char first[37], *state = path_join(tmp, "home/.runlayer"), *file, *got;
	struct stat st;

	o.root = tmp;
	o.os = "linux";
	o.state_dir = state;
	file = path_join(state, "device_id");

	o.no_write = 1;
	is_int(device_identify(&o, &d, &e), 0, "dry run: new id");
	ok(uuid_parse(d.device_id, (unsigned char[16]){ 0 }) == 0 && d.device_id[14] == '4',
	   "dry run: a UUIDv4");
	ok(stat(state, &st) < 0 && errno == ENOENT, "dry run: no directory created");
	device_info_release(&d);
	o.no_write = 0;

	is_int(device_identify(&o, &d, &e), 0, "new id saved");
	memcpy(first, d.device_id, sizeof(first));
	got = slurp("home/.runlayer/device_id");
	is_str(got, first, "file holds the id");
	free(got);
	ok(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600, "file mode 0600");
	ok(stat(state, &st) == 0 && (st.st_mode & 0777) == 0700, "directory mode 0700");
	device_info_release(&d);
	device_identify(&o, &d, &e);
	is_str(d.device_id, first, "second run: same id");
	device_info_release(&d);

	put("home/.runlayer/device_id", "  6BA7B810-9DAD-11D1-80B4-00C04FD430C8 \n");
	device_identify(&o, &d, &e);
	is_str(d.device_id, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "stored id trimmed, lowercased");
	device_info_release(&d);

	put("home/.runlayer/device_id", "garbage");
	device_identify(&o, &d, &e);
	got = slurp("home/.runlayer/device_id");
	ok(got && strcmp(got, d.device_id) == 0 && strcmp(got, "garbage") != 0,
	   "invalid stored id replaced");
	free(got);
	device_info_release(&d);

	/* The hardware id beats the file. */
	put("etc/machine-id", MID_RAW);
	device_identify(&o, &d, &e);
	is_str(d.device_id, MID_ID, "hardware id beats the file");
	device_info_release(&d);
	o.os = "darwin";
	device_identify(&o, &d, &e);
	ok(strcmp(d.device_id, MID_ID) != 0, "darwin: /etc/machine-id not read");
	device_info_release(&d);
	o.os = "linux";
	rm("etc/machine-id");

	/* Cannot save: the id is still returned. */
	put("blocker", "x");
	o.state_dir = path_join(tmp, "blocker/sub");
	is_int(device_identify(&o, &d, &e), -ERR_IO, "unsaveable id: -ERR_IO");
	ok(uuid_parse(d.device_id, (unsigned char[16]){ 0 }) == 0 && d.hostname && d.os &&
	   d.os_version, "unsaveable id: info still complete");
	device_info_release(&d);
	free((char *)o.state_dir);
	free(file);
	free(state);
}

static void
test_host_os(void)
{
	struct device_opts o = { 0 };
	struct device_info d;
	struct err e = ERR_INIT;
	struct utsname u;
	char host[256];

	o.root = tmp;
	o.device_id = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
	uname(&u);
	gethostname(host, sizeof(host));
	host[255] = '\0';
	device_identify(&o, &d, &e);
	is_str(d.hostname, host, "hostname from gethostname");
	is_str(d.os, "linux", "os from uname, lowercased");
	is_str(d.os_version, u.release, "os_version = uname -r");
	device_info_release(&d);
	setenv("RUNLAYER_HOSTNAME", "build-box-7", 1);
	o.os = "windows";
	device_identify(&o, &d, &e);
	is_str(d.hostname, "build-box-7", "RUNLAYER_HOSTNAME");
	is_str(d.os, "windows", "os override");
	device_info_release(&d);
	unsetenv("RUNLAYER_HOSTNAME");
}

static void
test_username(void)
{
	struct device_opts o = { 0 };
	struct device_info d;
	struct err e = ERR_INIT;
	char login[256];
	int have_login = getlogin_r(login, sizeof(login)) == 0 && login[0];
	char *console = path_join(tmp, "dev/console");

	o.root = tmp;
	o.os = "linux";
	o.device_id = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
	setenv("USER", "alice", 1);
	setenv("RUNLAYER_USERNAME", "bob@example.com", 1);
	o.username = "carol@example.com";
	device_identify(&o, &d, &e);
	is_str(d.username, "carol@example.com", "--username wins");
	device_info_release(&d);
	o.username = NULL;
	device_identify(&o, &d, &e);
	is_str(d.username, "bob@example.com", "RUNLAYER_USERNAME next");
	device_info_release(&d);
	unsetenv("RUNLAYER_USERNAME");
	device_identify(&o, &d, &e);
	is_str(d.username, have_login ? login : "alice", "login name, else USER");
	device_info_release(&d);
	unsetenv("USER");
	setenv("USERNAME", "dave", 1);
	device_identify(&o, &d, &e);
	is_str(d.username, have_login ? login : "dave", "then USERNAME");
	device_info_release(&d);
	unsetenv("USERNAME");
	device_identify(&o, &d, &e);
	ok(d.username && d.username[0], "then the uid's name (%s)", d.username ? d.username : "");
	device_info_release(&d);

	/* darwin: root (launchd, installer) becomes the console owner. */
	put("dev/console", "");
	setenv("USER", "root", 1);
	o.os = "darwin";
	if (!have_login && geteuid() == 0 && chown(console, 65534, 65534) == 0) {
		char *want = NULL;
		struct passwd *pw = getpwuid(65534);

		want = pw ? xstrdup(pw->pw_name) : NULL;
		device_identify(&o, &d, &e);
		is_str(d.username, want, "darwin root -> console owner");
		device_info_release(&d);
		o.os = "linux";
		device_identify(&o, &d, &e);
		is_str(d.username, "root", "linux root stays root");
		device_info_release(&d);
		o.os = "darwin";
		setenv("RUNLAYER_USERNAME", "root", 1);
		device_identify(&o, &d, &e);
		is_str(d.username, "root", "explicit root is kept");
		device_info_release(&d);
		unsetenv("RUNLAYER_USERNAME");
		ok(chown(console, 0, 0) == 0, "console back to root");
		device_identify(&o, &d, &e);
		is_str(d.username, "root", "console owned by root: stays root");
		device_info_release(&d);
		free(want);
	} else {
		ok(1, "# skip darwin console checks (need root and no login name)");
	}
	setenv("USER", "erin", 1);
	device_identify(&o, &d, &e);
	is_str(d.username, have_login ? login : "erin", "darwin normal user kept");
	device_info_release(&d);
	rm("dev/console");
	free(console);
}

static void
test_wsl(void)
{
	struct device_opts o = { 0 };
	struct device_info d;
	struct err e = ERR_INIT;

	o.root = tmp;
	o.os = "linux";
	o.device_id = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
	device_identify(&o, &d, &e);
	is_int(d.is_wsl, 0, "no /proc/version: not WSL");
	device_info_release(&d);
	put("proc/version", "Linux version 6.8.0-45-generic (buildd@lcy02) #45-Ubuntu SMP\n");
	device_identify(&o, &d, &e);
	is_int(d.is_wsl, 0, "plain kernel: not WSL");
	device_info_release(&d);
	put("proc/version", "Linux version 5.15.153.1-MicroSoft-standard-WSL2 (root@x)\n");
	device_identify(&o, &d, &e);
	is_int(d.is_wsl, 1, "microsoft in /proc/version (any case)");
	device_info_release(&d);
	o.os = "darwin";
	device_identify(&o, &d, &e);
	is_int(d.is_wsl, 0, "only on linux");
	device_info_release(&d);
	o.os = "linux";
	rm("proc/version");
	setenv("WSL_DISTRO_NAME", "Ubuntu-24.04", 1);
	device_identify(&o, &d, &e);
	is_int(d.is_wsl, 1, "WSL_DISTRO_NAME");
	device_info_release(&d);
	setenv("WSL_DISTRO_NAME", "", 1);
	device_identify(&o, &d, &e);
	is_int(d.is_wsl, 0, "empty WSL_DISTRO_NAME ignored");
	device_info_release(&d);
	unsetenv("WSL_DISTRO_NAME");
	device_info_release(NULL);
	ok(1, "release(NULL) is a no-op");
}

int
main(void)
{
	const char *base = getenv("TMPDIR");
	char *cmd;

	tmp = xasprintf("%s/test_device.XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	clean_env();
	test_hardware_id();
	test_overrides();
	test_state_file();
	test_host_os();
	test_username();
	test_wsl();
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	free(cmd);
	free(tmp);
	return tap_done();
}
