/* UUIDs (RFC 9562): name-based version 5 (SHA-1), random version 4, and
 * canonical text parsing/formatting. Text is always lowercase on output. */
#ifndef UTIL_UUID_H
#define UTIL_UUID_H

#include <stddef.h>

#define UUID_LEN	16
#define UUID_TEXT_LEN	36	/* text buffers need UUID_TEXT_LEN + 1 */

/* The RFC 9562 DNS namespace, 6ba7b810-9dad-11d1-80b4-00c04fd430c8. */
extern const unsigned char uuid_ns_dns[UUID_LEN];

/*
 * Parse the canonical 8-4-4-4-12 hex form (either case, exactly 36
 * characters, nothing before or after) into out. Braces, "urn:uuid:" and
 * unhyphenated forms are refused. Returns 0, or -1 when text is not a UUID
 * (out is then unspecified).
 */
int uuid_parse(const char *text, unsigned char out[UUID_LEN]);

/* Format 16 bytes as canonical lowercase text (36 characters plus NUL). */
void uuid_format(const unsigned char u[UUID_LEN], char out[UUID_TEXT_LEN + 1]);

/*
 * Version-5 UUID of name (len bytes, any content; NULL allowed when len is
 * 0) in namespace ns: SHA-1(ns || name), first 16 bytes, version and variant
 * bits set. uuid_v5 writes canonical lowercase text, uuid_v5_bytes the bytes.
 */
void uuid_v5(const unsigned char ns[UUID_LEN], const void *name, size_t len,
	     char out_text[UUID_TEXT_LEN + 1]);
void uuid_v5_bytes(const unsigned char ns[UUID_LEN], const void *name, size_t len,
		   unsigned char out[UUID_LEN]);

/*
 * Random version-4 UUID from the kernel CSPRNG (getrandom(2), falling back
 * to /dev/urandom). Returns 0, or -1 with errno set when no randomness is
 * available (out_text is then the empty string).
 */
int uuid_v4(char out_text[UUID_TEXT_LEN + 1]);

#endif
