/* Unit tests for net/uri: strict parsing, canonical forms and allowlist
 * matching (contract §7.2) over a table of adversarial URLs. */
#include <stdlib.h>
#include <string.h>

#include "net/uri.h"
#include "tests/unit/tap.h"

/* The input with control bytes escaped, for one-line TAP descriptions. */
static const char *
show(const char *s)
{
	static char out[256];
	size_t n = 0;

	for (; *s && n + 5 < sizeof(out); s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\\x%02x", (unsigned char)*s);
		else
			out[n++] = *s;
	}
	out[n] = '\0';
	return out;
}

/* Input → canonical uri_format(URI_FMT_QUERY) text, or NULL when refused. */
static const struct {
	const char *in, *want;
} canon[] = {
	{ "https://Example.COM/Path", "https://example.com/Path" },
	{ "HTTPS://example.com", "https://example.com/" },
	{ "https://example.com.", "https://example.com/" },
	{ "https://example.com.:443/", "https://example.com/" },
	{ "https://example.com:0443/x", "https://example.com/x" },
	{ "https://example.com:8443/x", "https://example.com:8443/x" },
	{ "https://example.com:/x", "https://example.com/x" },
	{ "http://example.com:80/", "http://example.com/" },
	{ "https://example.com/a/./b/../c", "https://example.com/a/c" },
	{ "https://example.com/a/b/..", "https://example.com/a/" },
	{ "https://example.com/../../x", "https://example.com/x" },
	{ "https://example.com/a/%2e%2E/b", "https://example.com/b" },
	{ "https://example.com/a/.%2e/b", "https://example.com/b" },
	{ "https://example.com/%7Euser/%41", "https://example.com/~user/A" },
	{ "https://example.com/a%2fb", "https://example.com/a%2Fb" },
	{ "https://example.com/a%2F..%2Fb", "https://example.com/a%2F..%2Fb" },
	{ "https://example.com/a|b", "https://example.com/a%7Cb" },
	{ "https://example.com/\xc3\xa9", "https://example.com/%C3%A9" },
	{ "https://example.com/p?q=1#frag", "https://example.com/p?q=1" },
	{ "https://example.com?x", "https://example.com/?x" },
	{ "https://example.com#x", "https://example.com/" },
	{ "https://u:p@example.com/", "https://example.com/" },
	{ "https://good.example@evil.example/", "https://evil.example/" },
	{ "https://a@b@evil.example/", "https://evil.example/" },
	{ "https://good.example%2eexample/", "https://good.example.example/" },
	{ "https://ex%41mple.com/", "https://example.com/" },
	{ "http://127.1/", "http://127.0.0.1/" },
	{ "http://0x7f.0.0.1/", "http://127.0.0.1/" },
	/* WHATWG: a bare "0x" is the hex number 0. */
	{ "https://0x/", "https://0.0.0.0/" },
	{ "https://1.0x/", "https://1.0.0.0/" },
	{ "https://0X.0x.0x.0x/", "https://0.0.0.0/" },
	{ "http://2130706433/", "http://127.0.0.1/" },
	{ "http://0177.0.0.1/", "http://127.0.0.1/" },
	{ "http://[::1]:8080/", "http://[::1]:8080/" },
	{ "http://[0:0:0:0:0:0:0:1]/", "http://[::1]/" },
	{ "http://[2001:DB8::1]/", "http://[2001:db8::1]/" },
	{ "http://[::ffff:127.0.0.1]/", "http://[::ffff:127.0.0.1]/" },
	{ "wss://example.com:443/ws", "wss://example.com/ws" },
	{ "custom+x://host:1/", "custom+x://host:1/" },
	/* refused */
	{ "", NULL },
	{ "example.com/mcp", NULL },
	{ "https:example.com", NULL },
	{ "https:/example.com", NULL },
	{ "//example.com/", NULL },
	{ "https://", NULL },
	{ "https:///path", NULL },
	{ "https://:443/", NULL },
	{ "https://exa mple.com/", NULL },
	{ "https://example.com/a b", NULL },
	{ "https://example.com\t/", NULL },
	{ "https://example.com\n.evil/", NULL },
	{ "https://evil.example\\@good.example/", NULL },
	{ "https://good.example\\.evil.example/", NULL },
	{ "https://example.com:65536/", NULL },
	{ "https://example.com:-1/", NULL },
	{ "https://example.com:443:443/", NULL },
	{ "https://example.com:http/", NULL },
	{ "https://exa%mple.com/", NULL },
	{ "https://exa%2/", NULL },
	{ "https://good%2fevil.com/", NULL },
	{ "https://good%40evil.com/", NULL },
	{ "https://good%00.com/", NULL },
	{ "https://ex..ample.com/", NULL },
	{ "https://.example.com/", NULL },
	{ "https://example.com../", NULL },
	{ "https://\xc3\xa9xample.com/", NULL },
	{ "https://ex%C3%A9mple.com/", NULL },
	{ "https://a!b.com/", NULL },
	{ "http://1.2.3.4.5/", NULL },
	{ "http://256.0.0.1/", NULL },
	{ "http://example.123/", NULL },
	{ "http://0x100000000/", NULL },
	{ "http://[::1/", NULL },
	{ "http://[::1]x/", NULL },
	{ "http://[fe80::1%25eth0]/", NULL },
	{ "http://[not:an:address]/", NULL },
	{ "https://example.com/%zz", NULL },
	{ "https://example.com/%4", NULL },
	{ "https://example.com/\x7f", NULL },
};

/* Allowlist entry, candidate URL, expected url_under() result. */
static const struct {
	const char *entry, *url;
	int want;
} match[] = {
	/* contract §7.2 table */
	{ "https://p.example.com", "https://p.example.com:443/x", 1 },
	{ "https://p.example.com/mcp", "https://p.example.com/mcp/stream", 1 },
	{ "https://p.example.com/mcp", "https://p.example.com/mcpbackup", 0 },
	{ "https://p.example.com", "http://p.example.com/", 0 },
	{ "https://p.example.com:8443", "https://p.example.com/mcp", 0 },
	/* paths */
	{ "https://p.example.com/mcp", "https://p.example.com/mcp", 1 },
	{ "https://p.example.com/mcp/", "https://p.example.com/mcp", 1 },
	{ "https://p.example.com/mcp/", "https://p.example.com/mcp/x", 1 },
	{ "https://p.example.com/mcp", "https://p.example.com/MCP", 0 },
	{ "https://p.example.com/mcp", "https://p.example.com/", 0 },
	{ "https://p.example.com/mcp", "https://p.example.com/mcp/../admin", 0 },
	{ "https://p.example.com/mcp", "https://p.example.com/mcp/%2e%2e/admin", 0 },
	{ "https://p.example.com/mcp", "https://p.example.com/mcp/./x", 1 },
	{ "https://p.example.com/mcp", "https://p.example.com/x/../mcp/y", 1 },
	{ "https://p.example.com/mcp", "https://p.example.com/%6dcp/y", 1 },
	{ "https://p.example.com/mcp", "https://p.example.com/mcp%2F..%2Fadmin", 0 },
	{ "https://p.example.com/mcp", "https://p.example.com/mcp%2Fx", 0 },
	{ "https://p.example.com/mcp", "https://p.example.com/mcp?x=/../admin", 1 },
	{ "https://p.example.com/mcp", "https://p.example.com/admin?u=/mcp", 0 },
	{ "https://p.example.com/mcp", "https://p.example.com/admin#/mcp", 0 },
	{ "https://p.example.com/a/b", "https://p.example.com/a/b/../../a/b/c", 1 },
	{ "https://p.example.com/", "https://p.example.com/anything/at/all", 1 },
	/* hosts */
	{ "https://p.example.com", "https://P.EXAMPLE.COM/", 1 },
	{ "https://p.example.com", "https://p.example.com./", 1 },
	{ "https://p.example.com.", "https://p.example.com/", 1 },
	{ "https://p.example.com", "https://p.example.com.evil.com/", 0 },
	{ "https://p.example.com", "https://evil-p.example.com/", 0 },
	{ "https://p.example.com", "https://xp.example.com/", 0 },
	{ "https://example.com", "https://p.example.com/", 0 },
	{ "https://p.example.com", "https://p%2eexample.com/", 1 },
	/* userinfo */
	{ "https://good.example", "https://good.example@evil.example/", 0 },
	{ "https://good.example", "https://user:pw@good.example/", 1 },
	{ "https://good.example", "https://good.example:443@evil.example/", 0 },
	{ "https://evil.example", "https://good.example@evil.example/", 1 },
	/* ports */
	{ "https://p.example.com", "https://p.example.com:8443/", 0 },
	{ "https://p.example.com:443", "https://p.example.com/", 1 },
	{ "http://p.example.com", "http://p.example.com:80/x", 1 },
	{ "http://p.example.com", "http://p.example.com:443/x", 0 },
	{ "https://p.example.com", "https://p.example.com:00443/x", 1 },
	{ "wss://p.example.com", "https://p.example.com/", 0 },
	/* addresses */
	{ "http://127.0.0.1:8080", "http://127.1:8080/mcp", 1 },
	{ "http://127.0.0.1:8080", "http://2130706433:8080/mcp", 1 },
	{ "http://127.0.0.1:8080", "http://127.0.0.2:8080/mcp", 0 },
	{ "http://[::1]:8080", "http://[0::1]:8080/mcp", 1 },
	{ "http://[::1]:8080", "http://[::2]:8080/mcp", 0 },
	{ "http://[::1]:8080", "http://localhost:8080/mcp", 0 },
	{ "http://localhost", "http://127.0.0.1/", 0 },
	{ "http://[::ffff:7f00:1]", "http://127.0.0.1/", 0 },
};

/* Entries refused as allowlist bases. */
static const char *const bad_base[] = {
	"https://u@p.example.com",
	"https://:pw@p.example.com",
	"https://p.example.com/?x=1",
	"https://p.example.com/#top",
	"ftp://p.example.com",
	"file:///etc/passwd",
	"p.example.com",
	"https://p.example.com:99999",
};

static void
test_canon(void)
{
	size_t i;

	for (i = 0; i < sizeof(canon) / sizeof(canon[0]); i++) {
		struct uri u = URI_INIT;
		struct err e = ERR_INIT;
		int ret = uri_parse(canon[i].in, &u, &e);

		if (canon[i].want == NULL) {
			ok(ret == -ERR_PARSE && u.host == NULL && e.msg[0],
			   "refused: '%s' (%s)", show(canon[i].in), e.msg);
		} else if (ok(ret == 0, "parses: '%s'", canon[i].in)) {
			char *f = uri_format(&u, URI_FMT_QUERY);

			is_str(f, canon[i].want, "canonical form of '%s'", canon[i].in);
			free(f);
		} else {
			printf("#   error: %s\n", e.msg);
		}
		uri_release(&u);
	}
}

static void
test_match(void)
{
	size_t i;

	for (i = 0; i < sizeof(match) / sizeof(match[0]); i++) {
		struct uri b = URI_INIT, u = URI_INIT;
		struct err e = ERR_INIT;

		if (uri_parse_base(match[i].entry, &b, &e) < 0 || uri_parse(match[i].url, &u, &e) < 0) {
			ok(0, "parse %s / %s: %s", match[i].entry, match[i].url, e.msg);
		} else {
			is_int(uri_under(&b, &u), match[i].want, "%s %s %s", match[i].entry,
			       match[i].want ? "allows" : "blocks", match[i].url);
		}
		uri_release(&b);
		uri_release(&u);
	}
}

static void
test_base(void)
{
	size_t i;
	struct uri u = URI_INIT;
	struct err e = ERR_INIT;
	char *f;

	for (i = 0; i < sizeof(bad_base) / sizeof(bad_base[0]); i++) {
		ok(uri_parse_base(bad_base[i], &u, &e) < 0 && u.scheme == NULL,
		   "not a base URL: '%s'", bad_base[i]);
		uri_release(&u);
	}
	ok(uri_parse_base("https://p.example.com/mcp/", &u, &e) == 0, "base with slash");
	f = uri_format(&u, 0);
	is_str(f, "https://p.example.com/mcp", "trailing slash dropped");
	free(f);
	uri_release(&u);
	ok(uri_parse_base("https://p.example.com/", &u, &e) == 0, "root base");
	is_str(u.path, "/", "root stays /");
	uri_release(&u);
	/* Found by fuzz_policy: a saved allowlist entry read back wider. */
	ok(uri_parse_base("http://a.example///", &u, &e) == 0, "base with three slashes");
	is_str(u.path, "/", "every trailing slash dropped at once");
	uri_release(&u);
	ok(uri_parse_base("https://p.example.com/mcp//", &u, &e) == 0, "base with two slashes");
	f = uri_format(&u, 0);
	is_str(f, "https://p.example.com/mcp", "formats as read back");
	free(f);
	uri_release(&u);

	/* Fields kept but never matched on. */
	ok(uri_parse("https://a:b@h.example:8443/p/q?x=1&y#f", &u, &e) == 0, "full URL");
	is_str(u.userinfo, "a:b", "userinfo");
	is_str(u.host, "h.example", "host");
	is_int(u.port, 8443, "port");
	is_str(u.path, "/p/q", "path");
	is_str(u.query, "x=1&y", "query");
	is_str(u.fragment, "f", "fragment");
	is_int(uri_effective_port(&u), 8443, "effective port");
	uri_release(&u);
	ok(uri_parse("custom://h/", &u, &e) == 0, "unknown scheme");
	is_int(uri_effective_port(&u), -1, "no default port");
	uri_release(&u);

	/* Limits. */
	{
		char *big = malloc(URI_MAX_LEN + 32);

		memcpy(big, "https://h/", 10);
		memset(big + 10, 'a', URI_MAX_LEN + 10);
		big[URI_MAX_LEN + 20] = '\0';
		ok(uri_parse(big, &u, &e) == -ERR_PARSE, "over-long URL refused");
		memset(big + 8, 'a', 70);
		memcpy(big + 78, ".com/", 6);
		ok(uri_parse(big, &u, &e) == -ERR_PARSE, "over-long label refused");
		free(big);
	}
}

int
main(void)
{
	test_canon();
	test_match();
	test_base();
	return tap_done();
}
