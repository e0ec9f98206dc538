/* SHA-256 (FIPS 180-4): streaming context and a one-shot helper that
 * returns lowercase hex. No external crypto library. */
#ifndef UTIL_SHA256_H
#define UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN	32
#define SHA256_HEX_LEN		64	/* out buffers need SHA256_HEX_LEN + 1 */

struct sha256_ctx {
	uint32_t h[8];
	uint64_t nbytes;		/* total input length so far */
	unsigned char block[64];	/* pending partial block */
	size_t fill;			/* bytes used in block */
};

void sha256_init(struct sha256_ctx *c);
/* Feed len bytes (data may be NULL when len is 0). */
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* Write the 32-byte digest to out; the context must be re-initialised
 * before reuse. */
void sha256_final(struct sha256_ctx *c, unsigned char out[SHA256_DIGEST_LEN]);

/* Digest of data as 64 lowercase hex digits plus NUL in out. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

/* Lowercase hex of n bytes into out (2n + 1 bytes). Shared by sha1. */
void hash_to_hex(const unsigned char *bytes, size_t n, char *out);

#endif
