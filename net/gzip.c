/* A small DEFLATE encoder for request bodies: one fixed-Huffman block,
 * greedy LZ77 over a 32 KiB window with bounded hash chains. */
#include "net/gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define WSIZE		32768u
#define WMASK		(WSIZE - 1)
#define HBITS		15
#define HSIZE		(1u << HBITS)
#define MIN_MATCH	3
#define MAX_MATCH	258
#define MAX_CHAIN	64

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
	115, 131, 163, 195, 227, 258
};
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
	1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577
};
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12,
	12, 13, 13
};

struct bits {
	struct buf *out;
	uint32_t acc;
	unsigned n;
	int failed;
};

static void
put_bits(struct bits *b, uint32_t v, unsigned n)
{
	b->acc |= v << b->n;
	b->n += n;
	while (b->n >= 8) {
		if (buf_addc(b->out, (char)(b->acc & 0xff)) < 0)
			b->failed = 1;
		b->acc >>= 8;
		b->n -= 8;
	}
}

/* Huffman codes go out most significant bit first. */
static void
put_code(struct bits *b, uint32_t code, unsigned len)
{
	uint32_t r = 0;
	unsigned i;

	for (i = 0; i < len; i++)
		r |= ((code >> i) & 1u) << (len - 1 - i);
	put_bits(b, r, len);
}

static void
put_litlen(struct bits *b, unsigned v)
{
	if (v < 144)
		put_code(b, 0x30 + v, 8);
	else if (v < 256)
		put_code(b, 0x190 + (v - 144), 9);
	else if (v < 280)
		put_code(b, v - 256, 7);
	else
		put_code(b, 0xc0 + (v - 280), 8);
}

static void
put_match(struct bits *b, unsigned len, unsigned dist)
{
	unsigned i;

	for (i = 28; len_base[i] > len; i--)
		;
	put_litlen(b, 257 + i);
	put_bits(b, len - len_base[i], len_extra[i]);
	for (i = 29; dist_base[i] > dist; i--)
		;
	put_code(b, i, 5);
	put_bits(b, dist - dist_base[i], dist_extra[i]);
}

static unsigned
hash3(const unsigned char *p)
{
	return ((unsigned)p[0] << 10 ^ (unsigned)p[1] << 5 ^ p[2]) & (HSIZE - 1);
}

unsigned long
gzip_crc32(unsigned long crc, const void *data, size_t n)
{
	static uint32_t table[256];
	static int ready;
	const unsigned char *p = data;
	uint32_t c = (uint32_t)crc ^ 0xffffffffu;
	size_t i;

	if (!ready) {
		uint32_t k, j, v;

		for (k = 0; k < 256; k++) {
			v = k;
			for (j = 0; j < 8; j++)
				v = v & 1 ? 0xedb88320u ^ (v >> 1) : v >> 1;
			table[k] = v;
		}
		ready = 1;
	}
	for (i = 0; i < n; i++)
		c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static void
put_le32(struct buf *out, uint32_t v, int *failed)
{
	char b[4] = { (char)(v & 0xff), (char)(v >> 8 & 0xff), (char)(v >> 16 & 0xff),
		      (char)(v >> 24 & 0xff) };

	if (buf_add(out, b, 4) < 0)
		*failed = 1;
}

int
gzip_compress(const void *in, size_t n, struct buf *out)
{
	static const char header[10] = { 0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0, 0, (char)0xff };
	const unsigned char *p = in;
	struct bits b = { out, 0, 0, 0 };
	int32_t *head = xmalloc(HSIZE * sizeof(*head));
	int32_t *prev = xmalloc(WSIZE * sizeof(*prev));
	size_t pos = 0, i, start = out->len;

	for (i = 0; i < HSIZE; i++)
		head[i] = -1;
	if (buf_add(out, header, sizeof(header)) < 0)
		b.failed = 1;
	put_bits(&b, 1, 1);	/* BFINAL */
	put_bits(&b, 1, 2);	/* BTYPE = fixed Huffman */
	while (pos < n && !b.failed) {
		unsigned best = 0, best_dist = 0;

		if (n - pos >= MIN_MATCH) {
			unsigned h = hash3(p + pos), chain = MAX_CHAIN;
			int32_t cand = head[h];
			size_t max = n - pos < MAX_MATCH ? n - pos : MAX_MATCH;

			while (cand >= 0 && chain-- && pos - (size_t)cand <= WSIZE - 262) {
				const unsigned char *a = p + cand, *c = p + pos;
				unsigned l = 0;

				if (a[best] == c[best]) {
					while (l < max && a[l] == c[l])
						l++;
					if (l > best) {
						best = l;
						best_dist = (unsigned)(pos - (size_t)cand);
						if (l == max)
							break;
					}
				}
				cand = prev[(size_t)cand & WMASK];
			}
		}
		if (best >= MIN_MATCH) {
			put_match(&b, best, best_dist);
		} else {
			best = 1;
			put_litlen(&b, p[pos]);
		}
		/* Index every position the match covered. */
		for (i = 0; i < best; i++, pos++) {
			if (n - pos >= MIN_MATCH) {
				unsigned h = hash3(p + pos);

				prev[pos & WMASK] = head[h];
				head[h] = (int32_t)pos;
			}
		}
	}
	put_litlen(&b, 256);	/* end of block */
	if (b.n)
		put_bits(&b, 0, 8 - b.n);
	put_le32(out, (uint32_t)gzip_crc32(0, in, n), &b.failed);
	put_le32(out, (uint32_t)n, &b.failed);
	free(head);
	free(prev);
	if (b.failed) {
		buf_setlen(out, start);
		return -1;
	}
	return 0;
}
