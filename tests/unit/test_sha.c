/* Unit tests for util/sha256, util/sha1 and util/uuid: FIPS 180 vectors,
 * streaming splits, RFC 9562 name-based and random UUIDs. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/tap.h"
#include "util/sha1.h"
#include "util/sha256.h"
#include "util/uuid.h"

static const char msg448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char msg896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			     "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static void
million_a(char *out256, char *out1)
{
	struct sha256_ctx c;
	struct sha1_ctx c1;
	unsigned char d[32];
	char a[1000];
	int i;

	memset(a, 'a', sizeof(a));
	sha256_init(&c);
	sha1_init(&c1);
	for (i = 0; i < 1000; i++) {
		sha256_update(&c, a, sizeof(a));
		sha1_update(&c1, a, sizeof(a));
	}
	sha256_final(&c, d);
	hash_to_hex(d, 32, out256);
	sha1_final(&c1, d);
	hash_to_hex(d, 20, out1);
}

static void
test_sha256(void)
{
	char hex[65], hex1[41];
	struct sha256_ctx c;
	unsigned char d[32];
	size_t split, len = strlen(msg896);

	sha256_hex("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 empty");
	sha256_hex(NULL, 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 NULL,0");
	sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 abc");
	sha256_hex(msg448, strlen(msg448), hex);
	is_str(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "sha256 448-bit");
	sha256_hex(msg896, len, hex);
	is_str(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1", "sha256 896-bit");
	million_a(hex, hex1);
	is_str(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "sha256 million a");
	is_str(hex1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f", "sha1 million a");

	/* Every split point of a two-block message gives the same digest. */
	for (split = 0; split <= len; split++) {
		sha256_init(&c);
		sha256_update(&c, msg896, split);
		sha256_update(&c, msg896 + split, len - split);
		sha256_final(&c, d);
		hash_to_hex(d, 32, hex);
		if (strcmp(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1") != 0)
			break;
	}
	is_int(split, len + 1, "sha256 streaming at every split point");

	/* Padding edge cases: 55, 56, 63, 64 bytes (python3 hashlib). */
	{
		static const struct { size_t n; const char *hex; } pad[] = {
			{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
			{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
			{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
			{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
			{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		};
		char buf[80];
		size_t i;

		memset(buf, 'a', sizeof(buf));
		for (i = 0; i < sizeof(pad) / sizeof(pad[0]); i++) {
			sha256_hex(buf, pad[i].n, hex);
			is_str(hex, pad[i].hex, "sha256 of %zu x 'a'", pad[i].n);
		}
	}
}

static void
test_sha1(void)
{
	char hex[41];

	sha1_hex("", 0, hex);
	is_str(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha1 empty");
	sha1_hex("abc", 3, hex);
	is_str(hex, "a9993e364706816aba3e25717850c26c9cd0d89d", "sha1 abc");
	sha1_hex(msg448, strlen(msg448), hex);
	is_str(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1", "sha1 448-bit");
	sha1_hex(msg896, strlen(msg896), hex);
	is_str(hex, "a49b2446a02c645bf419f995b67091253a04a259", "sha1 896-bit");
}

static void
test_uuid(void)
{
	unsigned char u[16], ns[16];
	char text[37], seen[37];
	int i, all_ok = 1, distinct = 1;

	uuid_v5(uuid_ns_dns, "python.org", 10, text);
	is_str(text, "886313e1-3b8a-5372-9b90-0c9aee199e5d", "uuid5(DNS, python.org)");

	/* Device-id namespace (python3: uuid.uuid5(uuid.NAMESPACE_DNS, ...)). */
	uuid_v5(uuid_ns_dns, "device-id.aiwatch.runlayer.com", 30, text);
	is_str(text, "f2c03859-5b50-5013-9a90-f1360814867b", "device-id namespace");
	ok(uuid_parse(text, ns) == 0, "parse namespace text");
	uuid_v5(ns, "0123456789abcdef0123456789abcdef", 32, text);
	is_str(text, "e89e3384-742c-5398-8a0b-b8db2fa4d256", "device id of a machine-id");
	uuid_v5(uuid_ns_dns, NULL, 0, text);
	is_str(text, "4ebd0208-8328-5d69-8c44-ec50939c0967", "uuid5 of empty name");

	ok(uuid_parse("6BA7B810-9DAD-11D1-80B4-00C04FD430C8", u) == 0 &&
	   memcmp(u, uuid_ns_dns, 16) == 0, "parse upper case");
	uuid_format(u, text);
	is_str(text, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "format is lowercase");
	ok(uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c", u) < 0, "short refused");
	ok(uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8 ", u) < 0, "trailing space refused");
	ok(uuid_parse("6ba7b8109dad11d180b400c04fd430c8", u) < 0, "unhyphenated refused");
	ok(uuid_parse("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", u) < 0, "braces refused");
	ok(uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430cg", u) < 0, "non-hex refused");
	ok(uuid_parse("6ba7b810x9dad-11d1-80b4-00c04fd430c8", u) < 0, "bad separator refused");
	ok(uuid_parse("", u) < 0, "empty refused");
	ok(uuid_parse(NULL, u) < 0, "NULL refused");

	seen[0] = '\0';
	for (i = 0; i < 64; i++) {
		if (uuid_v4(text) < 0 || uuid_parse(text, u) < 0 ||
		    text[14] != '4' || strchr("89ab", text[19]) == NULL)
			all_ok = 0;
		if (strcmp(text, seen) == 0)
			distinct = 0;
		memcpy(seen, text, sizeof(seen));
	}
	ok(all_ok, "uuid4: version 4, RFC variant, parses back");
	ok(distinct, "uuid4: consecutive values differ");
}

int
main(void)
{
	test_sha256();
	test_sha1();
	test_uuid();
	return tap_done();
}
