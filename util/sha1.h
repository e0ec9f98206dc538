/* SHA-1 (FIPS 180-4), only for name-based UUIDs (RFC 9562 version 5):
 * never use it where collision resistance matters. */
#ifndef UTIL_SHA1_H
#define UTIL_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_DIGEST_LEN	20
#define SHA1_HEX_LEN	40	/* out buffers need SHA1_HEX_LEN + 1 */

struct sha1_ctx {
	uint32_t h[5];
	uint64_t nbytes;
	unsigned char block[64];
	size_t fill;
};

void sha1_init(struct sha1_ctx *c);
/* Feed len bytes (data may be NULL when len is 0). */
void sha1_update(struct sha1_ctx *c, const void *data, size_t len);
/* Write the 20-byte digest to out; re-initialise before reuse. */
void sha1_final(struct sha1_ctx *c, unsigned char out[SHA1_DIGEST_LEN]);

/* Digest of data as 40 lowercase hex digits plus NUL in out. */
void sha1_hex(const void *data, size_t len, char out[SHA1_HEX_LEN + 1]);

#endif
