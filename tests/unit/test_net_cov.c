/* Error paths of net/: property lists (XML and binary) that are damaged or
 * over a bound, URLs and URIs refused, config and managed files refused. */
#include "net/plist.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/config.h"
#include "net/managed.h"
#include "net/regf.h"
#include "net/uri.h"
#include "net/url.h"
#include "parsers/tree.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

static char base[256];

static char *
tpath(const char *rel)
{
	static char p[8][1024];
	static int i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", base, rel);
	return p[i];
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

static void
put(const char *rel, const void *data, size_t len, mode_t mode)
{
	char *p = tpath(rel), *dir = xstrdup(p), *slash = strrchr(dir, '/');
	struct err e = ERR_INIT;
	FILE *f;

	*slash = '\0';
	file_mkdirs(dir, 0755, &e);
	free(dir);
	f = fopen(p, "wb");
	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
	chmod(p, mode);
}

/* ---- XML property lists ---------------------------------------------------- */

static void
test_plist_xml(void)
{
	static const struct { const char *in, *msg; } bad[] = {
		{ "<plist><!-- never closed", "unterminated comment" },
		{ "<!DOCTYPE plist", "unterminated declaration" },
		{ "<plist>< string>x</string></plist>", "bad element name" },
		{ "<plist><averyveryverylongname/></plist>", "bad element name" },
		{ "<plist><string", "unterminated element" },
		{ "<plist><string>a&bogus;b</string></plist>", "bad character data or entity" },
		{ "<plist><string>a&#xD800;</string></plist>", "bad character data or entity" },
		{ "<plist><string>a&#0;</string></plist>", "bad character data or entity" },
		{ "<plist><string>a & b</string></plist>", "bad character data or entity" },
		{ "<plist><real>abc</real></plist>", "bad real" },
		{ "<plist><real>1e999</real></plist>", "bad real" },
		{ "<plist><integer>12x</integer></plist>", "bad integer" },
		{ "<plist><date2>x</date2></plist>", "unknown element" },
		{ "<dict></dict>", "expected <plist>" },
		{ "<plist/>", "expected <plist>" },
		{ "<plist><dict><string>k</string></dict></plist>", "expected <key> in <dict>" },
		{ "<plist><true/></plist>junk", "unexpected text after </plist>" },
		{ "<plist><string>x</strong></plist>", "mismatched closing element" },
		{ "", "expected an element" },
	};
	struct err e = ERR_INIT;
	cJSON *t = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		ok(plist_parse(bad[i].in, strlen(bad[i].in), &t, &e) == -ERR_PARSE && t == NULL &&
		   strstr(e.msg, bad[i].msg) != NULL && e.line >= 1,
		   "XML '%.30s' refused: %s (%s at %lu:%lu)", bad[i].in, bad[i].msg, e.msg, e.line,
		   e.col);
	}
	{
		const char nul[] = "<plist><string>a\0b</string></plist>";

		err_clear(&e);
		ok(plist_parse(nul, sizeof(nul) - 1, &t, &e) == -ERR_PARSE,
		   "a NUL byte in character data is refused");
	}

	/* Entities, numeric references (one beyond the BMP), an empty key. */
	{
		const char in[] = "<?xml version=\"1.0\"?><!DOCTYPE plist><!-- c -->\n<plist>"
				  "<dict><key>s</key><string>&lt;&gt;&quot;&apos;&amp;&#65;&#x1F600;"
				  "&#xe9;&#x20AC;</string><key/><real> 2.5</real>"
				  "<key>d</key><date>2026-01-01T00:00:00Z</date>"
				  "<key>i</key><integer> -7 </integer><key>e</key><string/></dict>"
				  "</plist>\n<!-- trailing -->";
		const cJSON *v;

		err_clear(&e);
		ok(plist_parse(in, strlen(in), &t, &e) == 0, "XML with entities parses (%s)", e.msg);
		v = cJSON_GetObjectItemCaseSensitive(t, "s");
		is_str(cJSON_GetStringValue(v), "<>\"'&A\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac",
		       "entities and references decoded to UTF-8");
		v = cJSON_GetObjectItemCaseSensitive(t, "");
		ok(cJSON_IsNumber(v) && v->valuedouble == 2.5, "an empty <key/> names a value");
		v = cJSON_GetObjectItemCaseSensitive(t, "i");
		ok(tree_is_integer(v) && v->valuedouble == -7, "an integer with spaces");
		is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "e")), "",
		       "an empty <string/>");
		cJSON_Delete(t);
		t = NULL;
	}

	/* Depth and count bounds. */
	{
		struct buf b = BUF_INIT;
		size_t n;

		buf_adds(&b, "<plist>");
		for (n = 0; n < PLIST_MAX_DEPTH + 2; n++)
			buf_adds(&b, "<array>");
		err_clear(&e);
		ok(plist_parse(b.data, b.len, &t, &e) == -ERR_LIMIT && t == NULL &&
		   strstr(e.msg, "nested too deeply") != NULL, "XML nested too deeply (%s)", e.msg);
		buf_release(&b);
		buf_adds(&b, "<plist><array>");
		for (n = 0; n < PLIST_MAX_NODES + 1; n++)
			buf_adds(&b, "<true/>");
		buf_adds(&b, "</array></plist>");
		err_clear(&e);
		ok(plist_parse(b.data, b.len, &t, &e) == -ERR_LIMIT && t == NULL &&
		   strstr(e.msg, "too many values") != NULL, "XML with too many values (%s)", e.msg);
		buf_release(&b);
	}
	{
		char *big = xcalloc(PLIST_MAX_BYTES + 1, 1);

		err_clear(&e);
		ok(plist_parse(big, PLIST_MAX_BYTES + 1, &t, &e) == -ERR_LIMIT &&
		   strstr(e.msg, "too large") != NULL, "a property list over the size bound");
		free(big);
	}
}

/* ---- binary property lists ------------------------------------------------- */

/* Objects (each given as bytes) → bplist00 with 1-byte offsets and refs. */
struct bp {
	unsigned char d[4096];
	size_t len;
	unsigned char offs[256];
	unsigned n;
};

static void
bp_start(struct bp *b)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->d, "bplist00", 8);
	b->len = 8;
}

static void
bp_obj(struct bp *b, const void *bytes, size_t n)
{
	b->offs[b->n++] = (unsigned char)b->len;
	memcpy(b->d + b->len, bytes, n);
	b->len += n;
}

/* Finish with object top at the root; n_objects may be overridden (0 = n). */
static size_t
bp_finish(struct bp *b, unsigned top)
{
	size_t table = b->len, i;
	unsigned char *t;

	for (i = 0; i < b->n; i++)
		b->d[b->len++] = b->offs[i];
	t = b->d + b->len;
	memset(t, 0, 32);
	t[6] = 1;	/* offset size */
	t[7] = 1;	/* reference size */
	t[15] = (unsigned char)b->n;
	t[23] = (unsigned char)top;
	t[30] = (unsigned char)(table >> 8);
	t[31] = (unsigned char)table;
	b->len += 32;
	return b->len;
}

static int
bp_parse_expect(struct bp *b, const char *desc, int want, const char *msg)
{
	struct err e = ERR_INIT;
	cJSON *t = NULL;
	int ret = plist_parse((const char *)b->d, b->len, &t, &e);

	ok(ret == want && (want == 0 ? t != NULL : t == NULL) &&
	   (msg == NULL || strstr(e.msg, msg) != NULL), "binary: %s (%s)", desc, e.msg);
	cJSON_Delete(t);
	return ret;
}

static void
test_plist_binary(void)
{
	struct bp b;
	struct err e = ERR_INIT;
	cJSON *t = NULL;
	unsigned i;

	/* UTF-16 with a surrogate pair, a uid, a data and a date. */
	{
		static const unsigned char dict[] = { 0xd4, 1, 2, 3, 4, 5, 6, 7, 8 };
		static const unsigned char k1[] = { 0x51, 's' }, k2[] = { 0x51, 'u' };
		static const unsigned char k3[] = { 0x51, 'b' }, k4[] = { 0x51, 'd' };
		static const unsigned char s[] = { 0x63, 0x00, 'h', 0xd8, 0x3d, 0xde, 0x00 };
		static const unsigned char uid[] = { 0x81, 0x01, 0x02 };
		static const unsigned char data[] = { 0x42, 0xde, 0xad };
		static const unsigned char date[] = { 0x33, 0, 0, 0, 0, 0, 0, 0, 0 };

		bp_start(&b);
		bp_obj(&b, dict, sizeof(dict));
		bp_obj(&b, k1, sizeof(k1));
		bp_obj(&b, k2, sizeof(k2));
		bp_obj(&b, k3, sizeof(k3));
		bp_obj(&b, k4, sizeof(k4));
		bp_obj(&b, s, sizeof(s));
		bp_obj(&b, uid, sizeof(uid));
		bp_obj(&b, data, sizeof(data));
		bp_obj(&b, date, sizeof(date));
		bp_finish(&b, 0);
		ok(plist_parse((const char *)b.d, b.len, &t, &e) == 0, "binary dictionary (%s)", e.msg);
		is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "s")),
		       "h\xf0\x9f\x98\x80", "UTF-16 surrogate pair decoded");
		ok(tree_is_integer(cJSON_GetObjectItemCaseSensitive(t, "u")) &&
		   cJSON_GetObjectItemCaseSensitive(t, "u")->valuedouble == 258, "uid as an integer");
		ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(t, "b")) &&
		   cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(t, "d")), "data and date as null");
		cJSON_Delete(t);
		t = NULL;
	}

	/* A length given by a following int that runs off the object area. */
	{
		static const unsigned char s[] = { 0x5f, 0x10 };

		bp_start(&b);
		bp_obj(&b, s, sizeof(s));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "length marker at the end of the objects", -ERR_PARSE,
				"truncated length");
	}
	{
		static const unsigned char s[] = { 0x5f, 0x13, 0, 0 };

		bp_start(&b);
		bp_obj(&b, s, sizeof(s));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "8-byte length cut short", -ERR_PARSE, "truncated length");
	}
	{
		static const unsigned char s[] = { 0x5f, 0x20, 1 };

		bp_start(&b);
		bp_obj(&b, s, sizeof(s));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "length that is not an int", -ERR_PARSE, "bad length");
	}
	{
		static const unsigned char d[] = { 0x4f, 0x10, 0x40, 1, 2 };

		bp_start(&b);
		bp_obj(&b, d, sizeof(d));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "data longer than the file", -ERR_PARSE, "truncated data");
	}
	{
		static const unsigned char s[] = { 0x62, 0xdc, 0x00, 0x00, 'a' };

		bp_start(&b);
		bp_obj(&b, s, sizeof(s));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "a lone low surrogate", -ERR_PARSE, "bad UTF-16 string");
	}
	{
		static const unsigned char s[] = { 0x52, 'a', 0x80 };

		bp_start(&b);
		bp_obj(&b, s, sizeof(s));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "non-ASCII in an ASCII string", -ERR_PARSE, "bad ASCII string");
	}
	{
		static const unsigned char u[] = { 0x88, 1 };

		bp_start(&b);
		bp_obj(&b, u, sizeof(u));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "uid wider than 8 bytes", -ERR_PARSE, "bad uid");
	}
	{
		static const unsigned char x[] = { 0x70 };

		bp_start(&b);
		bp_obj(&b, x, sizeof(x));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "unknown object type", -ERR_PARSE, "unknown object type");
	}
	{
		/* A dictionary key that is an int, a value out of range. */
		static const unsigned char dict[] = { 0xd1, 1, 2 }, k[] = { 0x10, 1 };
		static const unsigned char arr[] = { 0xa1, 9 };

		bp_start(&b);
		bp_obj(&b, dict, sizeof(dict));
		bp_obj(&b, k, sizeof(k));
		bp_obj(&b, k, sizeof(k));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "a dictionary key that is not a string", -ERR_PARSE,
				"key is not a string");
		bp_start(&b);
		bp_obj(&b, arr, sizeof(arr));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "a reference out of range", -ERR_PARSE, "out of range");
	}
	{
		/* 70 arrays each holding the next. */
		unsigned char a[2] = { 0xa1, 0 };
		static const unsigned char leaf[] = { 0x09 };

		bp_start(&b);
		for (i = 0; i < PLIST_MAX_DEPTH + 6; i++) {
			a[1] = (unsigned char)(i + 1);
			bp_obj(&b, a, sizeof(a));
		}
		bp_obj(&b, leaf, sizeof(leaf));
		bp_finish(&b, 0);
		bp_parse_expect(&b, "arrays nested too deeply", -ERR_LIMIT, "nested too deeply");
	}
	{
		bp_start(&b);
		b.len = 20;
		bp_parse_expect(&b, "shorter than a trailer", -ERR_PARSE, "too short");
	}
}

/* ---- URLs ---------------------------------------------------------------------- */

static void
test_url(void)
{
	static const struct { const char *in, *msg; } bad[] = {
		{ "https://[]/", "bad IPv6 address" },
		{ "https://[::1/", "bad IPv6 address" },
		{ "https://[::g]/", "bad IPv6 address" },
		{ "https://h:/", "bad port" },
		{ "https://h:1x/", "bad port" },
		{ "https://h:0/", "bad port" },
		{ "https://h:999999/", "bad port" },
		{ "https://[::1]x/", "bad port" },
		{ "https://h/p?q=1", "no query or fragment" },
		{ "ftp://h/", "unsupported URL scheme" },
		{ "https://u:p@h/", "credentials in the URL" },
		{ "https://h_!/", "bad character" },
		{ "https:///", "no host" },
		{ "https://h/ x", "space or control" },
		{ "h", "not a URL" },
	};
	struct url u;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		ok(url_parse(bad[i].in, &u, &e) == -ERR_INVALID && strstr(e.msg, bad[i].msg),
		   "URL '%s' refused: %s (%s)", bad[i].in, bad[i].msg, e.msg);
		url_release(&u);
	}
	buf_adds(&b, "https://h/");
	while (b.len <= 4096)
		buf_adds(&b, "aaaaaaaaaaaaaaaa");
	err_clear(&e);
	ok(url_parse(b.data, &u, &e) == -ERR_INVALID && strstr(e.msg, "too long"),
	   "a URL over the length bound is refused (%s)", e.msg);
	url_release(&u);
	buf_release(&b);
	ok(url_parse("https://[::ffff:127.0.0.1]:8443/api/", &u, &e) == 0 && url_is_loopback(&u) &&
	   u.port == 8443, "IPv4-mapped loopback is loopback");
	url_release(&u);
	ok(url_parse("http://[::ffff:10.0.0.1]/", &u, &e) == 0 && !url_is_loopback(&u),
	   "IPv4-mapped non-loopback is not");
	url_release(&u);
}

static void
test_uri(void)
{
	static const struct { const char *in, *msg; } bad[] = {
		{ "https://:443/x", "empty host" },
		{ "https://[::1/x", "IPv6" },
		{ "https://[zz]/x", "IPv6" },
		/* A host ending in a number must be a whole IPv4 address. */
		{ "https://1.2.3.256/", "not an IPv4 address" },
		{ "https://256.1.1.1/", "not an IPv4 address" },
		{ "https://1.2.65536/", "not an IPv4 address" },
		{ "https://a.08/", "not an IPv4 address" },
		{ "https://1.2.3.4.5/", "not an IPv4 address" },
	};
	struct uri u;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	char *s;
	size_t i;

	memset(&u, 0, sizeof(u));	/* uri_parse() releases what u holds */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		ok(uri_parse(bad[i].in, &u, &e) == -ERR_PARSE && strstr(e.msg, bad[i].msg),
		   "URI '%s' refused: %s (%s)", bad[i].in, bad[i].msg, e.msg);
		uri_release(&u);
	}
	buf_adds(&b, "https://");
	for (i = 0; i < 300; i++)
		buf_addc(&b, 'a');
	buf_adds(&b, ".example/");
	err_clear(&e);
	ok(uri_parse(b.data, &u, &e) == -ERR_PARSE && strstr(e.msg, "host name longer"),
	   "a host name over the bound is refused (%s)", e.msg);
	uri_release(&u);
	buf_release(&b);
	/* Dot segments that climb above the root stay at the root. */
	ok(uri_parse("https://h/../a/./b/../../..", &u, &e) == 0, "dot segments parse (%s)", e.msg);
	s = uri_format(&u, 0);
	ok(s && strstr(s, "..") == NULL && strncmp(s, "https://h/", 10) == 0,
	   "dot segments removed (%s)", s ? s : "null");
	free(s);
	uri_release(&u);
}

/* ---- config.yaml and managed sources --------------------------------------------- */

static void
test_config_refusals(void)
{
	struct config c;
	struct err e = ERR_INIT;
	int ret;

	put("notdir", "x", 1, 0600);
	config_init(&c);
	ret = config_load(&c, tpath("notdir"), &e);
	ok(ret == -ERR_INVALID && strstr(e.msg, "not a directory"), "state dir that is a file (%s)",
	   e.msg);
	config_release(&c);

	mkdir(tpath("other"), 0700);
	if (chown(tpath("other"), 4242, 4242) == 0) {
		config_init(&c);
		err_clear(&e);
		ret = config_load(&c, tpath("other"), &e);
		ok(ret == -ERR_INVALID && strstr(e.msg, "owned by uid 4242"),
		   "state dir of another user (%s)", e.msg);
		config_release(&c);
	} else {
		ok(1, "# SKIP chown not permitted");
	}

	mkdir(tpath("mine"), 0700);
	put("mine/config.yaml", "default_host: https://a.example\n", 32, 0600);
	if (chown(tpath("mine/config.yaml"), 4242, 4242) == 0) {
		config_init(&c);
		err_clear(&e);
		ret = config_load(&c, tpath("mine"), &e);
		ok(ret == -ERR_INVALID && strstr(e.msg, "chown"),
		   "config.yaml of another user, with the fix (%s)", e.msg);
		config_release(&c);
	} else {
		ok(1, "# SKIP chown not permitted");
	}

	/* A lock directory that is a file: the lock cannot be taken. */
	put("lockfile/x", "", 0, 0600);
	config_init(&c);
	err_clear(&e);
	ret = config_lock(&c, tpath("lockfile/x"), &e);
	ok(ret < 0 && e.msg[0], "lock under a file fails (%s)", e.msg);
	config_release(&c);
}

static const char *
warnings(const struct managed *m)
{
	return m->warnings.data ? m->warnings.data : "";
}

static void
test_managed(void)
{
	struct managed_opts o;
	struct managed m;
	struct err e = ERR_INIT;
	static const char creds[] = "RUNLAYER_API_KEY=rl_abc\nRUNLAYER_HOST=https://h.example\n";

	memset(&o, 0, sizeof(o));
	o.root = tpath("linux");
	o.os = "linux";
	put("linux/etc/runlayer/aiwatch/credentials", creds, strlen(creds), 0600);
	put("linux/etc/runlayer/aiwatch/config.json", "[1]", 3, 0644);
	if (chown(tpath("linux/etc/runlayer/aiwatch/credentials"), 4242, 0) == 0) {
		memset(&m, 0, sizeof(m));
		ok(managed_load(&m, &o, &e) == 0, "linux sources read");
		ok(strstr(warnings(&m), "owned by uid 4242, not root") != NULL,
		   "credentials of another user ignored (%s)", warnings(&m));
		ok(managed_string(&m, "OrgApiKey") == NULL, "…and their key is not used");
		ok(strstr(warnings(&m), "not a JSON object") != NULL,
		   "config.json that is not an object ignored");
		ok(strstr(warnings(&m), "rl_abc") == NULL, "no key in the warnings");
		managed_release(&m);
	} else {
		ok(1, "# SKIP chown not permitted");
	}
	put("linux/etc/runlayer/aiwatch/config.json", "{\"Host\": ", 9, 0644);
	unlink(tpath("linux/etc/runlayer/aiwatch/credentials"));
	mkdir(tpath("linux/etc/runlayer/aiwatch/credentials"), 0700);
	memset(&m, 0, sizeof(m));
	ok(managed_load(&m, &o, &e) == 0, "linux sources read again");
	ok(strstr(warnings(&m), "ignoring managed credentials") != NULL,
	   "credentials that are a directory ignored (%s)", warnings(&m));
	ok(strstr(warnings(&m), "ignoring managed configuration") != NULL,
	   "config.json that does not parse ignored");
	managed_release(&m);

	o.root = tpath("mac");
	o.os = "darwin";
	put("mac/Library/Managed Preferences/com.runlayer.cli.plist",
	    "<plist><array/></plist>", 23, 0644);
	put("mac/Library/Preferences/com.runlayer.cli.plist", "<plist><dict>", 13, 0644);
	memset(&m, 0, sizeof(m));
	ok(managed_load(&m, &o, &e) == 0, "darwin sources read");
	ok(strstr(warnings(&m), "not a dictionary") != NULL, "a plist that is an array ignored (%s)",
	   warnings(&m));
	ok(strstr(warnings(&m), "ignoring managed preferences") != NULL &&
	   strstr(warnings(&m), "property list") != NULL, "a damaged plist ignored");
	managed_release(&m);

	o.root = tpath("win");
	o.os = "windows";
	o.home = tpath("win/Users/a");
	put("win/Windows/System32/config/SOFTWARE", "regf", 4, 0644);
	mkdir(tpath("win/Users/a/NTUSER.DAT"), 0700);
	memset(&m, 0, sizeof(m));
	ok(managed_load(&m, &o, &e) == 0, "windows sources read");
	ok(strstr(warnings(&m), "ignoring registry hive") != NULL, "a damaged hive ignored (%s)",
	   warnings(&m));
	managed_release(&m);
}

static void
test_regf(void)
{
	struct err e = ERR_INIT;
	cJSON *t = NULL;

	mkdir(tpath("hivedir"), 0700);
	ok(regf_read_key(tpath("hivedir"), "Software", &t, &e) < 0 && t == NULL && e.msg[0],
	   "a directory is not a hive (%s)", e.msg);
	err_clear(&e);
	is_int(regf_read_key(tpath("nohive"), "Software", &t, &e), -ERR_NOTFOUND,
	       "a missing hive is not found");
	ok(symlink(tpath("hivedir"), tpath("hivelink")) == 0, "symlink made");
	err_clear(&e);
	ok(regf_read_key(tpath("hivelink"), "Software", &t, &e) < 0 && t == NULL,
	   "a symlinked hive is refused (%s)", e.msg);
}

int
main(void)
{
	snprintf(base, sizeof(base), "%s/runlayer-net-cov.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_plist_xml();
	test_plist_binary();
	test_url();
	test_uri();
	test_config_refusals();
	test_managed();
	test_regf();
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
