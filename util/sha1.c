/* SHA-1 per FIPS 180-4, written from the specification: needed only to
 * derive version-5 UUIDs (device ids). */
#include "util/sha1.h"

#include <string.h>

#include "util/sha256.h"
#include "util/banned.h"

#define ROL(x, n)	(((x) << (n)) | ((x) >> (32 - (n))))

static uint32_t
load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
store_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
sha1_block(struct sha1_ctx *c, const unsigned char *p)
{
	uint32_t w[80], a, b, cc, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = load_be32(p + 4 * i);
	for (i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3]; e = c->h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & cc) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ cc ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & cc) | (b & d) | (cc & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ cc ^ d;
			k = 0xca62c1d6;
		}
		t = ROL(a, 5) + f + e + k + w[i];
		e = d; d = cc; cc = ROL(b, 30); b = a; a = t;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d; c->h[4] += e;
}

void
sha1_init(struct sha1_ctx *c)
{
	c->h[0] = 0x67452301;
	c->h[1] = 0xefcdab89;
	c->h[2] = 0x98badcfe;
	c->h[3] = 0x10325476;
	c->h[4] = 0xc3d2e1f0;
	c->nbytes = 0;
	c->fill = 0;
}

void
sha1_update(struct sha1_ctx *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len == 0)
		return;
	c->nbytes += len;
	if (c->fill) {
		size_t take = 64 - c->fill < len ? 64 - c->fill : len;

		memcpy(c->block + c->fill, p, take);
		c->fill += take;
		p += take;
		len -= take;
		if (c->fill < 64)
			return;
		sha1_block(c, c->block);
		c->fill = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha1_block(c, p);
	if (len) {
		memcpy(c->block, p, len);
		c->fill = len;
	}
}

void
sha1_final(struct sha1_ctx *c, unsigned char out[SHA1_DIGEST_LEN])
{
	uint64_t bits = c->nbytes * 8;
	int i;

	c->block[c->fill++] = 0x80;
	if (c->fill > 56) {
		memset(c->block + c->fill, 0, 64 - c->fill);
		sha1_block(c, c->block);
		c->fill = 0;
	}
	memset(c->block + c->fill, 0, 56 - c->fill);
	store_be32(c->block + 56, (uint32_t)(bits >> 32));
	store_be32(c->block + 60, (uint32_t)bits);
	sha1_block(c, c->block);
	for (i = 0; i < 5; i++)
		store_be32(out + 4 * i, c->h[i]);
	memset(c, 0, sizeof(*c));
}

void
sha1_hex(const void *data, size_t len, char out[SHA1_HEX_LEN + 1])
{
	struct sha1_ctx c;
	unsigned char d[SHA1_DIGEST_LEN];

	sha1_init(&c);
	sha1_update(&c, data, len);
	sha1_final(&c, d);
	hash_to_hex(d, sizeof(d), out);
}
