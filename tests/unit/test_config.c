/* Unit tests for backend configuration: URLs and host keys, config.yaml
 * (permissions, round trip, edits), placeholders, plists, registry hives,
 * the managed configuration and credential resolution. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/config.h"
#include "net/creds.h"
#include "net/managed.h"
#include "net/plist.h"
#include "net/regf.h"
#include "net/url.h"
#include "parsers/tree.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "tap.h"

static char tmp[256];

static void
write_file(const char *path, const char *text, mode_t mode)
{
	struct err e = ERR_INIT;
	char *dir = xstrdup(path);

	*strrchr(dir, '/') = '\0';
	file_mkdirs(dir, 0700, &e);
	free(dir);
	if (file_write_atomic(path, text, strlen(text), mode, 0, &e) < 0)
		printf("# cannot write %s: %s\n", path, e.msg);
	chmod(path, mode);
}

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;

	if (file_read(path, 1 << 20, 0, &b, NULL, &e) < 0)
		return NULL;
	return buf_detach(&b, NULL);
}

static void
test_url(void)
{
	static const struct { const char *in, *key; int loop; } good[] = {
		{ "https://acme.runlayer.com", "acme.runlayer.com", 0 },
		{ "https://acme.runlayer.com:443/", "acme.runlayer.com", 0 },
		{ "https://ACME.runlayer.com:8443", "acme.runlayer.com:8443", 0 },
		{ "http://localhost:8000", "localhost:8000", 1 },
		{ "http://localhost:80", "localhost", 1 },
		{ "http://127.0.0.1:9/x/", "127.0.0.1:9", 1 },
		{ "http://[::1]:8000", "::1:8000", 1 },
		{ "https://corp.example.com/runlayer", "corp.example.com", 0 },
		{ "http://api.localhost", "api.localhost", 1 },
	};
	static const char *const bad[] = {
		"", "acme.runlayer.com", "ftp://x", "https://", "https://user:pw@x.com",
		"https://x.com?a=1", "https://x.com#f", "https://x.com:0", "https://x.com:65536",
		"https://x.com:80a", "https://x com", "https://x.com\n", "https://[zz]", "https://a%b",
	};
	struct url u;
	struct err e = ERR_INIT;
	size_t i;
	char *n;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *k;

		if (!ok(url_parse(good[i].in, &u, &e) == 0, "url parses: %s", good[i].in)) {
			printf("#   %s\n", e.msg);
			continue;
		}
		k = url_host_key(&u);
		is_str(k, good[i].key, "host key of %s", good[i].in);
		is_int(url_is_loopback(&u), good[i].loop, "loopback of %s", good[i].in);
		free(k);
		url_release(&u);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok(url_parse(bad[i], &u, &e) == -ERR_INVALID, "url refused: '%s' (%s)", bad[i], e.msg);
	}
	ok(url_parse("https://u:p@x.com", &u, &e) < 0 && strstr(e.msg, "credentials in the URL"),
	   "userinfo refused with a reason");
	n = url_normalize("https://acme.runlayer.com///", &e);
	is_str(n, "https://acme.runlayer.com", "trailing slashes stripped");
	free(n);
	url_parse("http://example.com", &u, &e);
	ok(url_check_secure(&u, &e) < 0 && strstr(e.msg, "https://"),
	   "plain http to a remote host refused");
	url_release(&u);
	url_parse("http://127.0.0.2:1", &u, &e);
	ok(url_check_secure(&u, &e) == 0, "plain http to 127.0.0.2 allowed");
	url_release(&u);
	url_parse("http://127.0.0.1.evil.com", &u, &e);
	ok(url_check_secure(&u, &e) < 0, "127.0.0.1.evil.com is not loopback");
	url_release(&u);
}

static void
test_placeholders(void)
{
	ok(config_is_placeholder("REPLACE_WITH_YOUR_KEY"), "REPLACE_WITH is a placeholder");
	ok(config_is_placeholder("xREPLACE_WITHy"), "REPLACE_WITH anywhere");
	ok(config_is_placeholder("ORG_KEY_OR_LEAVE_BLANK"), "_OR_LEAVE_BLANK suffix");
	ok(config_is_placeholder("{DeviceSerialNumber}"), "Workspace ONE token");
	ok(config_is_placeholder("{a_1}"), "token with digits and _");
	ok(!config_is_placeholder("{1abc}"), "token must start with a letter");
	ok(!config_is_placeholder("{a-b}"), "token allows no dash");
	ok(!config_is_placeholder("x{abc}"), "token must be the whole value");
	ok(!config_is_placeholder("rl_org_abc"), "a key is not a placeholder");
	ok(!config_is_placeholder("_OR_LEAVE_BLANKx"), "suffix must end the value");
}

static const char sample_yaml[] =
	"# comment\n"
	"default_host: https://acme.runlayer.com\n"
	"telemetry: {enabled: yes, level: 3, ratio: 0.5}\n"
	"hosts:\n"
	"  acme.runlayer.com:\n"
	"    url: https://acme.runlayer.com\n"
	"    secret: rl_user_secret\n"
	"    org_api_keys: {ai_watch_mdm: rl_org_mdm, other: rl_org_other}\n"
	"    extra: [1, 'two', null, true]\n"
	"  localhost:8000: {url: \"http://localhost:8000\"}\n"
	"odd_strings: ['123', 'yes', 'null', '', ' lead', 'a: b', '#x', '0755', '~']\n";

static void
test_config_file(void)
{
	struct config c;
	struct err e = ERR_INIT;
	char *dir = xasprintf("%s/state", tmp), *path = xasprintf("%s/config.yaml", dir);
	char *text, *again;
	cJSON *t1 = NULL, *t2 = NULL;
	struct stat st;

	config_init(&c);
	ok(config_load(&c, dir, &e) == 0 && !c.exists && cJSON_GetArraySize(c.root) == 0,
	   "missing directory: empty config");
	ok(config_default_host(&c) == NULL, "no default host");
	config_release(&c);

	write_file(path, sample_yaml, 0600);
	chmod(dir, 0700);
	config_init(&c);
	ok(config_load(&c, dir, &e) == 0 && c.exists && c.warning[0] == '\0', "sample loads");
	is_str(config_default_host(&c), "https://acme.runlayer.com", "default_host");
	is_str(config_secret(&c, "https://acme.runlayer.com"), "rl_user_secret", "secret by url");
	is_str(config_secret(&c, "https://acme.runlayer.com/"), "rl_user_secret",
	       "secret by url with a trailing slash");
	ok(config_secret(&c, "http://acme.runlayer.com") == NULL, "scheme must match exactly");
	is_str(config_org_key(&c, "https://acme.runlayer.com", "other"), "rl_org_other", "org key");
	ok(config_org_key(&c, "https://acme.runlayer.com", "nope") == NULL, "unknown org key");
	ok(config_secret(&c, "http://localhost:8000") == NULL, "host without secret");
	ok(config_sole_host(&c) == NULL, "two hosts: no sole host");

	/* Round trip keeps every key and value, and re-reads identically. */
	text = config_dump(c.root, &e);
	ok(text != NULL, "dump");
	ok(yaml_parse(sample_yaml, strlen(sample_yaml), NULL, &t1, &e) == 0, "parse sample");
	ok(text && yaml_parse(text, strlen(text), NULL, &t2, &e) == 0, "parse dump");
	ok(cJSON_Compare(t1, t2, 1), "dump re-reads as the same document");
	again = t2 ? config_dump(t2, &e) : NULL;
	is_str(again, text, "dump is stable");
	ok(text && strstr(text, "- '123'") && strstr(text, "- 'yes'") && strstr(text, "- 'null'") &&
	   strstr(text, "- '0755'") && strstr(text, "- '~'"),
	   "strings that read as other types are quoted");
	ok(text && strstr(text, "url: https://acme.runlayer.com\n"), "URLs stay plain");
	ok(text && strstr(text, "  enabled: yes\n") == NULL && strstr(text, "enabled: 'yes'"),
	   "a YAML 1.1 word kept as the string it was read as");
	ok(text && strstr(text, "localhost:8000:\n"), "host key with a port stays plain");
	free(again);
	free(text);
	cJSON_Delete(t1);
	cJSON_Delete(t2);

	/* Edits keep unknown keys, set default_host, write 0600 atomically. */
	ok(config_set_secret(&c, "http://localhost:8000", "rl_new", &e) == 0, "set secret");
	ok(config_set_org_key(&c, "https://new.example.com:8443", "ci", "rl_org_ci", &e) == 0,
	   "set org key on a new host");
	is_str(config_default_host(&c), "http://localhost:8000", "set_secret moves default_host");
	ok(config_save(&c, &e) == 0, "save");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "saved file is 0600");
	config_release(&c);
	config_init(&c);
	ok(config_load(&c, dir, &e) == 0, "reload");
	is_str(config_secret(&c, "http://localhost:8000"), "rl_new", "new secret persisted");
	is_str(config_secret(&c, "https://acme.runlayer.com"), "rl_user_secret", "old secret kept");
	is_str(config_org_key(&c, "https://acme.runlayer.com", "ai_watch_mdm"), "rl_org_mdm",
	       "org keys kept");
	is_str(config_org_key(&c, "https://new.example.com:8443", "ci"), "rl_org_ci",
	       "org key on new host under key new.example.com:8443");
	ok(cJSON_GetObjectItemCaseSensitive(c.root, "telemetry") &&
	   cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		   cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c.root, "hosts"),
						    "acme.runlayer.com"), "extra"), "") == NULL,
	   "unknown keys kept");
	is_int(config_forget(&c, "http://localhost:8000", 0), 1, "forget secret");
	is_int(config_forget(&c, "http://localhost:8000", 0), 0, "nothing left to forget");
	ok(config_secret(&c, "http://localhost:8000") == NULL, "secret gone");
	is_int(config_forget(&c, "http://localhost:8000", 1), 1, "forget host entirely");
	ok(config_default_host(&c) == NULL, "default_host dropped with its host");
	ok(config_host_entry(&c, "https://acme.runlayer.com") != NULL, "other host untouched");
	config_release(&c);

	/* Permissions. */
	chmod(path, 0644);
	config_init(&c);
	ok(config_load(&c, dir, &e) == -ERR_INVALID && strstr(e.msg, "chmod 600") &&
	   strstr(e.msg, "other users"), "a group/world-readable file is refused with the fix");
	config_release(&c);
	chmod(path, 0600);
	chmod(dir, 0777);
	config_init(&c);
	ok(config_load(&c, dir, &e) == -ERR_INVALID && strstr(e.msg, "chmod 700"),
	   "a world-writable directory is refused with the fix");
	config_release(&c);
	chmod(dir, 0700);
	{
		char *real = xasprintf("%s/real.yaml", dir);

		rename(path, real);
		if (symlink(real, path) == 0) {
			config_init(&c);
			ok(config_load(&c, dir, &e) == -ERR_INVALID && strstr(e.msg, "symbolic link"),
			   "a symlinked config.yaml is refused");
			config_release(&c);
			unlink(path);
		}
		rename(real, path);
		free(real);
	}

	/* Unparseable: warns, counts as empty, kept as .bak on save. */
	write_file(path, "hosts: [unclosed\n", 0600);
	config_init(&c);
	ok(config_load(&c, dir, &e) == 0 && c.warning[0] && strstr(c.warning, "config.yaml:"),
	   "unparseable file warns with a position (%s)", c.warning);
	ok(cJSON_GetArraySize(c.root) == 0, "and counts as empty");
	config_set_secret(&c, "https://acme.runlayer.com", "rl_x", &e);
	ok(config_save(&c, &e) == 0, "save over an unparseable file");
	{
		char *bak = xasprintf("%s.bak", path), *b = slurp(bak);

		is_str(b, "hosts: [unclosed\n", "the unparseable file is kept as config.yaml.bak");
		free(b);
		free(bak);
	}
	config_release(&c);
	write_file(path, "- a list\n", 0600);
	config_init(&c);
	ok(config_load(&c, dir, &e) == 0 && strstr(c.warning, "not a mapping"), "list root warns");
	config_release(&c);
	write_file(path, "hosts:\n  only.example.com: {url: 'https://only.example.com/'}\n", 0600);
	config_init(&c);
	config_load(&c, dir, &e);
	is_str(config_sole_host(&c), "https://only.example.com/", "sole host");
	config_release(&c);

	/* The lock: a second holder waits, then succeeds after release. */
	{
		struct config a, b;

		config_init(&a);
		config_init(&b);
		ok(config_lock(&a, dir, &e) == 0, "lock taken");
		config_release(&a);
		ok(config_lock(&b, dir, &e) == 0, "lock taken again after release");
		config_release(&b);
	}
	free(dir);
	free(path);
}

static const unsigned char bplist[] =
	"\x62\x70\x6c\x69\x73\x74\x30\x30\xd6\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0f\x10\x11"
	"\x5b\x45\x6e\x66\x6f\x72\x63\x65\x6d\x65\x6e\x74\x54\x48\x6f\x73\x74\x56\x4e\x65\x73"
	"\x74\x65\x64\x59\x4f\x72\x67\x41\x70\x69\x4b\x65\x79\x5c\x50\x72\x6f\x6a\x65\x63\x74"
	"\x44\x65\x70\x74\x68\x58\x55\x73\x65\x72\x6e\x61\x6d\x65\x09\x5f\x10\x17\x68\x74\x74"
	"\x70\x73\x3a\x2f\x2f\x6d\x64\x6d\x2e\x65\x78\x61\x6d\x70\x6c\x65\x2e\x63\x6f\x6d\xd1"
	"\x0a\x0b\x51\x61\xa3\x0c\x0d\x0e\x10\x01\x23\x40\x04\x00\x00\x00\x00\x00\x00\x51\x78"
	"\x5d\x72\x6c\x5f\x6f\x72\x67\x5f\x62\x69\x6e\x61\x72\x79\x10\x09\x63\x00\xfc\x00\x6e"
	"\x00\xef\x08\x15\x21\x26\x2d\x37\x44\x4d\x4e\x68\x6b\x6d\x71\x73\x7c\x7e\x8c\x8e\x00"
	"\x00\x00\x00\x00\x00\x01\x01\x00\x00\x00\x00\x00\x00\x00\x12\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x95";

static void
test_plist(void)
{
	static const char xml[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
		"\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
		"<plist version=\"1.0\">\n<dict>\n"
		"  <!-- pushed by MDM -->\n"
		"  <key>Host</key><string>https://mdm.example.com</string>\n"
		"  <key>OrgApiKey</key><string>rl_org_&amp;&#x41;&#66;</string>\n"
		"  <key>Enforcement</key><true/>\n"
		"  <key>Sessions</key><false/>\n"
		"  <key>ProjectDepth</key><integer> 9 </integer>\n"
		"  <key>Ratio</key><real>0.5</real>\n"
		"  <key>List</key><array><string>a</string><dict/></array>\n"
		"  <key>Empty</key><string/>\n"
		"</dict>\n</plist>\n";
	static const char *const bad[] = {
		"<plist><dict><key>a</key></dict></plist>",
		"<plist><dict><string>x</string></dict></plist>",
		"<plist><dict><key>a</key><integer>x</integer></dict></plist>",
		"<plist><dict><key>a</key><string>&bogus;</string></dict></plist>",
		"<plist><dict>",
		"<plist><array></dict></plist>",
		"<plist><string>x</string></plist>junk",
		"bplist00",
	};
	struct err e = ERR_INIT;
	cJSON *t = NULL;
	char *s;
	size_t i;
	struct buf deep = BUF_INIT;
	unsigned char *mut;

	ok(plist_parse(xml, strlen(xml), &t, &e) == 0, "XML plist parses (%s)", e.msg);
	s = tree_print(t, 0, 0);
	is_str(s, "{\"Host\":\"https://mdm.example.com\",\"OrgApiKey\":\"rl_org_&AB\","
	       "\"Enforcement\":true,\"Sessions\":false,\"ProjectDepth\":9,\"Ratio\":0.5,"
	       "\"List\":[\"a\",{}],\"Empty\":\"\"}", "XML plist tree");
	free(s);
	cJSON_Delete(t);
	ok(plist_parse((const char *)bplist, sizeof(bplist) - 1, &t, &e) == 0,
	   "binary plist parses (%s)", e.msg);
	s = tree_print(t, 0, 0);
	is_str(s, "{\"Enforcement\":true,\"Host\":\"https://mdm.example.com\","
	       "\"Nested\":{\"a\":[1,2.5,\"x\"]},\"OrgApiKey\":\"rl_org_binary\","
	       "\"ProjectDepth\":9,\"Username\":\"\xc3\xbcn\xc3\xaf\"}", "binary plist tree");
	free(s);
	cJSON_Delete(t);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(plist_parse(bad[i], strlen(bad[i]), &t, &e) < 0 && t == NULL,
		   "bad plist refused: %s (%s)", bad[i], e.msg);
	buf_adds(&deep, "<plist>");
	for (i = 0; i < 200; i++)
		buf_adds(&deep, "<array>");
	ok(plist_parse(deep.data, deep.len, &t, &e) == -ERR_LIMIT, "deep XML plist refused");
	buf_release(&deep);
	/* Every single-byte corruption of the binary form fails cleanly or parses. */
	mut = xmalloc(sizeof(bplist));
	for (i = 0; i < sizeof(bplist) - 1; i++) {
		int v;

		for (v = 0; v < 256; v += 51) {
			memcpy(mut, bplist, sizeof(bplist));
			mut[i] = (unsigned char)(mut[i] ^ (v | 1));
			if (plist_parse((const char *)mut, sizeof(bplist) - 1, &t, &e) == 0)
				cJSON_Delete(t);
		}
	}
	free(mut);
	ok(1, "binary plist survives byte corruption");
	/* A dictionary that contains itself. */
	{
		static const unsigned char loop[] =
			"bplist00" "\xd1\x01\x00" "\x51\x61"
			"\x08\x0b" "\x00\x00\x00\x00\x00\x00\x01\x01"
			"\x00\x00\x00\x00\x00\x00\x00\x02" "\x00\x00\x00\x00\x00\x00\x00\x00"
			"\x00\x00\x00\x00\x00\x00\x00\x0d";

		ok(plist_parse((const char *)loop, sizeof(loop) - 1, &t, &e) < 0 &&
		   strstr(e.msg, "itself"), "self-referencing dictionary refused (%s)", e.msg);
	}
}

/* ---- a tiny registry hive writer ---- */

struct hive_w {
	struct buf b;	/* hbin data (offsets relative to 4096) */
};

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t
cell(struct hive_w *h, const void *data, size_t n)
{
	uint32_t off = (uint32_t)h->b.len;
	size_t total = (n + 4 + 7) & ~(size_t)7;
	unsigned char sz[4];
	static const char zeros[8];

	put32(sz, (uint32_t)-(int32_t)total);
	buf_add(&h->b, sz, 4);
	buf_add(&h->b, data, n);
	buf_add(&h->b, zeros, total - n - 4);
	return off;
}

static uint32_t
nk(struct hive_w *h, const char *name, uint32_t nsub, uint32_t list, uint32_t nval,
   uint32_t vlist)
{
	unsigned char d[0x4c + 64];
	size_t n = strlen(name);

	memset(d, 0, sizeof(d));
	memcpy(d, "nk", 2);
	d[2] = 0x20;	/* compressed name */
	put32(d + 0x14, nsub);
	put32(d + 0x1c, list);
	put32(d + 0x24, nval);
	put32(d + 0x28, vlist);
	d[0x48] = (unsigned char)n;
	memcpy(d + 0x4c, name, n);
	return cell(h, d, 0x4c + n);
}

static uint32_t
lh(struct hive_w *h, uint32_t child)
{
	unsigned char d[12];

	memset(d, 0, sizeof(d));
	memcpy(d, "lh", 2);
	d[2] = 1;
	put32(d + 4, child);
	return cell(h, d, sizeof(d));
}

static uint32_t
vk_sz(struct hive_w *h, const char *name, const char *val)
{
	unsigned char d[0x14 + 64], u16[256];
	size_t n = strlen(name), i, vn = strlen(val);

	for (i = 0; i <= vn; i++) {
		u16[2 * i] = (unsigned char)val[i];
		u16[2 * i + 1] = 0;
	}
	memset(d, 0, sizeof(d));
	memcpy(d, "vk", 2);
	d[2] = (unsigned char)n;
	put32(d + 4, (uint32_t)(2 * (vn + 1)));
	put32(d + 8, cell(h, u16, 2 * (vn + 1)));
	put32(d + 0x0c, 1);
	d[0x10] = 1;
	memcpy(d + 0x14, name, n);
	return cell(h, d, 0x14 + n);
}

static uint32_t
vk_dword(struct hive_w *h, const char *name, uint32_t v)
{
	unsigned char d[0x14 + 64];
	size_t n = strlen(name);

	memset(d, 0, sizeof(d));
	memcpy(d, "vk", 2);
	d[2] = (unsigned char)n;
	put32(d + 4, 0x80000004u);
	put32(d + 8, v);
	put32(d + 0x0c, 4);
	d[0x10] = 1;
	memcpy(d + 0x14, name, n);
	return cell(h, d, 0x14 + n);
}

/* A hive whose root holds prefix\Runlayer\AIWatch (prefix may be NULL). */
static void
write_hive(const char *path, const char *prefix, const char *host, const char *key)
{
	struct hive_w h = { BUF_INIT };
	unsigned char base[4096], hdr[32], vl[16];
	uint32_t leaf, mid, top, root, list;
	FILE *fp;
	size_t pad;

	buf_add(&h.b, "hbin", 4);
	memset(hdr, 0, sizeof(hdr));
	buf_add(&h.b, hdr, 28);
	put32(vl, vk_sz(&h, "Host", host));
	put32(vl + 4, vk_sz(&h, "OrgApiKey", key));
	put32(vl + 8, vk_dword(&h, "Enforcement", 1));
	put32(vl + 12, vk_dword(&h, "ProjectDepth", 4));
	leaf = nk(&h, "AIWatch", 0, 0, 4, cell(&h, vl, 16));
	mid = nk(&h, "Runlayer", 1, lh(&h, leaf), 0, 0);
	top = prefix ? nk(&h, prefix, 1, lh(&h, mid), 0, 0) : mid;
	list = lh(&h, top);
	root = nk(&h, "ROOT", 1, list, 0, 0);
	pad = 4096 - (h.b.len % 4096);
	while (pad--)
		buf_addc(&h.b, 0);
	memset(base, 0, sizeof(base));
	memcpy(base, "regf", 4);
	put32(base + 0x24, root);
	put32(base + 0x28, (uint32_t)h.b.len);
	fp = fopen(path, "wb");
	fwrite(base, 1, sizeof(base), fp);
	fwrite(h.b.data, 1, h.b.len, fp);
	fclose(fp);
	buf_release(&h.b);
}

static void
test_regf(void)
{
	char *p = xasprintf("%s/SOFTWARE", tmp);
	struct err e = ERR_INIT;
	cJSON *t = NULL;
	char *s;
	struct buf raw = BUF_INIT;
	size_t i;

	write_hive(p, NULL, "https://win.example.com", "rl_org_win");
	ok(regf_read_key(p, "runlayer\\AIWATCH", &t, &e) == 0, "hive key read (%s)", e.msg);
	s = tree_print(t, 0, 0);
	is_str(s, "{\"Host\":\"https://win.example.com\",\"OrgApiKey\":\"rl_org_win\","
	       "\"Enforcement\":1,\"ProjectDepth\":4}", "hive values");
	free(s);
	cJSON_Delete(t);
	ok(regf_read_key(p, "Runlayer\\CLI", &t, &e) == -ERR_NOTFOUND, "missing key");
	ok(regf_read_key("/nonexistent/hive", "x", &t, &e) == -ERR_NOTFOUND, "missing hive");
	/* Corrupt every byte of the data area in turn: errors, never crashes. */
	file_read(p, 1 << 20, 0, &raw, NULL, &e);
	for (i = 4096; i < raw.len && i < 4096 + 1024; i++) {
		char *q = xasprintf("%s/bad", tmp);

		raw.data[i] ^= 0x5a;
		file_write_atomic(q, raw.data, raw.len, 0600, 0, &e);
		if (regf_read_key(q, "Runlayer\\AIWatch", &t, &e) == 0)
			cJSON_Delete(t);
		raw.data[i] ^= 0x5a;
		free(q);
	}
	ok(1, "corrupted hives fail cleanly");
	buf_release(&raw);
	free(p);
}

/* An index root pointing at one big list over and over: the lookup must
 * stop at REGF_MAX_SUBKEYS entries, not examine 2000 x 2000 (it took
 * minutes, and 65535 x 65535 from a 1 MiB hive took hours). */
static void
test_regf_fanout(void)
{
	struct hive_w h = { BUF_INIT };
	struct buf ri = BUF_INIT, lst = BUF_INIT;
	unsigned char base[4096], w[8];
	uint32_t other, l, r, root;
	char *p = xasprintf("%s/FANOUT", tmp);
	struct err e = ERR_INIT;
	cJSON *t = NULL;
	FILE *fp;
	int i;

	buf_add(&h.b, "hbin", 4);
	memset(base, 0, sizeof(base));
	buf_add(&h.b, base, 28);
	other = nk(&h, "Other", 0, 0, 0, 0);
	buf_add(&lst, "lh\xd0\x07", 4);		/* 2000 entries */
	for (i = 0; i < 2000; i++) {
		put32(w, other);
		put32(w + 4, 0);
		buf_add(&lst, w, 8);
	}
	l = cell(&h, lst.data, lst.len);
	buf_add(&ri, "ri\xd0\x07", 4);
	for (i = 0; i < 2000; i++) {
		put32(w, l);
		buf_add(&ri, w, 4);
	}
	r = cell(&h, ri.data, ri.len);
	root = nk(&h, "ROOT", 1, r, 0, 0);
	memcpy(base, "regf", 4);
	put32(base + 0x24, root);
	fp = fopen(p, "wb");
	fwrite(base, 1, sizeof(base), fp);
	fwrite(h.b.data, 1, h.b.len, fp);
	fclose(fp);
	ok(regf_read_key(p, "Runlayer\\AIWatch", &t, &e) == -ERR_PARSE && t == NULL &&
	   strstr(e.msg, "too many subkeys"), "index root fan-out bounded (%s)", e.msg);
	buf_release(&h.b);
	buf_release(&ri);
	buf_release(&lst);
	free(p);
}

static void
test_managed(void)
{
	struct managed m;
	struct managed_opts o;
	struct err e = ERR_INIT;
	char *root = xasprintf("%s/root", tmp), *p, *home;

	memset(&o, 0, sizeof(o));
	o.root = root;
	o.os = "linux";
	p = xasprintf("%s/etc/runlayer/aiwatch/config.json", root);
	write_file(p, "{\"Host\": \"https://json.example.com\", \"OrgApiKey\": \"REPLACE_WITH_KEY\","
		   " \"Username\": \"{UserEmail}\", \"Mode\": \" Protect \", \"Enforcement\": true,"
		   " \"Sessions\": 1, \"ProjectDepth\": 3, \"ProjectTimeout\": true,"
		   " \"CpuCores\": -2, \"DeviceName\": \"\"}", 0644);
	free(p);
	managed_load(&m, &o, &e);
	is_str(managed_string(&m, "Host"), "https://json.example.com", "config.json Host");
	ok(managed_string(&m, "OrgApiKey") == NULL, "placeholder OrgApiKey ignored");
	ok(managed_string(&m, "Username") == NULL, "Workspace ONE token ignored");
	is_str(managed_string(&m, "Mode"), "protect", "Mode trimmed and lowercased");
	is_int(managed_bool(&m, "Enforcement"), 1, "Enforcement boolean");
	is_int(managed_bool(&m, "Sessions"), -1, "number is not a boolean");
	is_int(managed_int(&m, "ProjectDepth"), 3, "positive int");
	is_int(managed_int(&m, "ProjectTimeout"), -1, "boolean is not an int");
	is_int(managed_int(&m, "CpuCores"), -1, "negative int absent");
	ok(managed_string(&m, "DeviceName") == NULL, "empty string absent");
	managed_release(&m);

	p = xasprintf("%s/etc/runlayer/aiwatch/credentials", root);
	write_file(p, "# pushed\nexport RUNLAYER_API_KEY='rl_org_cred'\n"
		   "RUNLAYER_HOST=\"https://cred.example.com\"  # comment\n", 0644);
	managed_load(&m, &o, &e);
	ok(managed_string(&m, "OrgApiKey") == NULL && strstr(m.warnings.data, "chmod 600"),
	   "credentials readable by others ignored with a warning");
	managed_release(&m);
	chmod(p, 0600);
	managed_load(&m, &o, &e);
	is_str(managed_string(&m, "OrgApiKey"), "rl_org_cred", "credentials key");
	is_str(managed_string(&m, "Host"), "https://cred.example.com", "credentials host wins");
	ok(strstr(managed_source(&m, "OrgApiKey"), "/etc/runlayer/aiwatch/credentials") != NULL,
	   "source recorded");
	is_str(managed_string(&m, "Mode"), "protect", "other keys from config.json");
	managed_release(&m);
	free(p);

	/* macOS: com.runlayer.cli wins over com.runlayer.aiwatch for runlayer. */
	o.os = "darwin";
	p = xasprintf("%s/Library/Managed Preferences/com.runlayer.aiwatch.plist", root);
	write_file(p, "<plist><dict><key>Host</key><string>https://aiwatch.example.com</string>"
		   "<key>OrgApiKey</key><string>rl_org_aiw</string>"
		   "<key>Enforcement</key><true/></dict></plist>", 0644);
	free(p);
	p = xasprintf("%s/Library/Preferences/com.runlayer.cli.plist", root);
	write_file(p, "<plist><dict><key>Host</key><string>https://cli.example.com</string>"
		   "<key>Mode</key><string>bogus</string></dict></plist>", 0644);
	free(p);
	managed_load(&m, &o, &e);
	is_str(managed_string(&m, "Host"), "https://cli.example.com", "runlayer reads the cli domain first");
	is_str(managed_string(&m, "OrgApiKey"), "rl_org_aiw", "then the aiwatch domain");
	is_int(managed_bool(&m, "Enforcement"), 1, "invalid Mode is absent, Enforcement taken");
	managed_release(&m);
	o.aiwatch = 1;
	managed_load(&m, &o, &e);
	is_str(managed_string(&m, "Host"), "https://aiwatch.example.com", "aiwatch reads only its domain");
	managed_release(&m);
	p = xasprintf("%s/Library/Preferences/com.runlayer.aiwatch.plist", root);
	write_file(p, "<plist><dict><key>Host</key>", 0644);
	free(p);
	managed_load(&m, &o, &e);
	ok(strstr(m.warnings.data, "com.runlayer.aiwatch.plist") != NULL, "broken plist warns");
	managed_release(&m);

	/* Windows hives: HKLM before HKCU; DWORD typed by key. */
	o.os = "windows";
	o.aiwatch = 0;
	home = xasprintf("%s/Users/alice", root);
	p = xasprintf("%s/Windows/System32/config", root);
	file_mkdirs(p, 0700, &e);
	free(p);
	file_mkdirs(home, 0700, &e);
	p = xasprintf("%s/Windows/System32/config/SOFTWARE", root);
	write_hive(p, NULL, "https://hklm.example.com", "REPLACE_WITH_ORG_KEY");
	free(p);
	p = xasprintf("%s/NTUSER.DAT", home);
	write_hive(p, "Software", "https://hkcu.example.com", "rl_org_hkcu");
	free(p);
	o.home = home;
	managed_load(&m, &o, &e);
	is_str(managed_string(&m, "Host"), "https://hklm.example.com", "HKLM wins");
	is_str(managed_string(&m, "OrgApiKey"), "rl_org_hkcu", "HKCU fills the placeholder");
	is_int(managed_bool(&m, "Enforcement"), 1, "REG_DWORD boolean");
	is_int(managed_int(&m, "ProjectDepth"), 4, "REG_DWORD int");
	managed_release(&m);
	free(home);
	free(root);
}

static void
test_creds(void)
{
	struct config c;
	struct creds cr;
	struct creds_opts o;
	struct managed m;
	struct err e = ERR_INIT;
	char *dir = xasprintf("%s/credstate", tmp), *path = xasprintf("%s/config.yaml", dir);

	unsetenv("RUNLAYER_HOST");
	unsetenv("RUNLAYER_API_KEY");
	unsetenv("RUNLAYER_ORG_API_KEY_NAME");
	write_file(path,
		   "default_host: https://acme.example.com/\n"
		   "hosts:\n"
		   "  acme.example.com:\n"
		   "    url: https://acme.example.com\n"
		   "    secret: rl_user\n"
		   "    org_api_keys: {ai_watch_mdm: rl_org_implicit, ci: rl_org_ci}\n"
		   "  plain.example.com: {url: 'http://plain.example.com', secret: rl_p}\n", 0600);
	config_init(&c);
	config_load(&c, dir, &e);
	memset(&o, 0, sizeof(o));
	memset(&m, 0, sizeof(m));
	o.cfg = &c;

	ok(creds_resolve(&o, &cr, &e) == 0, "resolve from config");
	is_str(cr.url, "https://acme.example.com", "default_host normalised");
	is_str(cr.secret, "rl_user", "user secret without --scan");
	ok(strstr(cr.secret_source, "saved key for acme.example.com") != NULL, "source named");
	creds_release(&cr);
	o.scan = 1;
	creds_resolve(&o, &cr, &e);
	is_str(cr.secret, "rl_org_implicit", "scan prefers the implicit ai_watch_mdm org key");
	creds_release(&cr);
	o.org_key_name = "ci";
	creds_resolve(&o, &cr, &e);
	is_str(cr.secret, "rl_org_ci", "--org-api-key NAME");
	ok(strstr(cr.secret_source, "org API key 'ci'") != NULL, "named org key source");
	creds_release(&cr);
	o.org_key_name = "missing";
	ok(creds_resolve(&o, &cr, &e) < 0 && cr.failure == CREDS_NO_ORG_KEY &&
	   strcmp(e.msg, "Org API key 'missing' not found for https://acme.example.com. Run "
		  "'runlayer org-api-key list' to see available keys.") == 0,
	   "missing org key: contract message");
	creds_release(&cr);
	o.org_key_name = NULL;
	setenv("RUNLAYER_ORG_API_KEY_NAME", "ci", 1);
	creds_resolve(&o, &cr, &e);
	is_str(cr.secret, "rl_org_ci", "RUNLAYER_ORG_API_KEY_NAME");
	creds_release(&cr);
	unsetenv("RUNLAYER_ORG_API_KEY_NAME");
	setenv("RUNLAYER_API_KEY", "rl_env", 1);
	o.org_key_name = "ci";
	creds_resolve(&o, &cr, &e);
	is_str(cr.secret, "rl_env", "RUNLAYER_API_KEY beats --org-api-key");
	creds_release(&cr);
	o.secret = "rl_flag";
	creds_resolve(&o, &cr, &e);
	is_str(cr.secret, "rl_flag", "--secret beats everything");
	is_str(cr.secret_source, "--secret", "flag source");
	creds_release(&cr);
	o.secret = "REPLACE_WITH_KEY";
	creds_resolve(&o, &cr, &e);
	is_str(cr.secret, "rl_env", "placeholder --secret skipped");
	ok(strstr(cr.warnings.data, "ignoring --secret") != NULL, "with a note");
	creds_release(&cr);
	unsetenv("RUNLAYER_API_KEY");
	o.secret = NULL;
	o.org_key_name = NULL;

	o.host = "http://plain.example.com";
	ok(creds_resolve(&o, &cr, &e) == -ERR_INVALID && cr.failure == CREDS_BAD_HOST &&
	   strstr(e.msg, "(from --host)") && strstr(e.msg, "https://"),
	   "plain http to a remote host refused, source named (%s)", e.msg);
	creds_release(&cr);
	o.host = "https://other.example.com";
	ok(creds_resolve(&o, &cr, &e) == -ERR_NOTFOUND && cr.failure == CREDS_NO_SECRET &&
	   strcmp(e.msg, "No credentials found. Run 'runlayer login' or provide --secret to "
		  "authenticate.") == 0, "no key for another host: contract message");
	creds_release(&cr);

	/* Managed OrgApiKey only when managed Host is the effective host. */
	m.values = cJSON_Parse("{\"Host\": \"https://other.example.com/\", \"OrgApiKey\": \"rl_org_mdm\"}");
	m.sources = cJSON_Parse("{\"Host\": \"/etc/x\", \"OrgApiKey\": \"/etc/x\"}");
	o.mdm = &m;
	creds_resolve(&o, &cr, &e);
	is_str(cr.secret, "rl_org_mdm", "managed key for the managed host");
	creds_release(&cr);
	o.host = NULL;
	creds_resolve(&o, &cr, &e);
	is_str(cr.url, "https://acme.example.com", "default_host beats managed Host");
	is_str(cr.secret, "rl_org_implicit", "managed key not sent to another host");
	creds_release(&cr);
	o.aiwatch = 1;
	creds_resolve(&o, &cr, &e);
	is_str(cr.url, "https://other.example.com", "aiwatch: managed Host acts as RUNLAYER_HOST");
	is_str(cr.secret, "rl_org_mdm", "aiwatch: managed OrgApiKey acts as RUNLAYER_API_KEY");
	creds_release(&cr);
	o.aiwatch = 0;
	config_release(&c);
	config_init(&c);
	o.cfg = &c;
	o.mdm = NULL;
	ok(creds_resolve(&o, &cr, &e) == -ERR_NOTFOUND && cr.failure == CREDS_NO_HOST &&
	   strcmp(e.msg, "No host configured. Please provide --host or run 'runlayer login "
		  "--host <url>' first.") == 0, "no host: contract message");
	creds_release(&cr);
	o.mdm = &m;
	ok(creds_resolve(&o, &cr, &e) == 0, "managed Host as the last resort");
	is_str(cr.url, "https://other.example.com", "managed host");
	creds_release(&cr);
	cJSON_Delete(m.values);
	cJSON_Delete(m.sources);
	config_release(&c);

	{
		char *s = creds_scrub("key rl_secret_1 and rl_secret_1!", "rl_secret_1");

		is_str(s, "key <redacted> and <redacted>!", "scrub");
		free(s);
	}
	free(dir);
	free(path);
}

int
main(void)
{
	char cmd[300];

	snprintf(tmp, sizeof(tmp), "%s/test_config.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL)
		return 1;
	umask(022);
	test_url();
	test_placeholders();
	test_config_file();
	test_plist();
	test_regf();
	test_regf_fanout();
	test_managed();
	test_creds();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", tmp);
	return tap_done();
}
