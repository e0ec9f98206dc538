/* gzip (RFC 1952) compression of request bodies without zlib: DEFLATE
 * with fixed Huffman codes and hash-chain LZ77 matching. */
#ifndef NET_GZIP_H
#define NET_GZIP_H

#include <stddef.h>

#include "util/buf.h"

/*
 * Append the gzip member of in (n bytes) to out. JSON payloads shrink to
 * roughly a fifth. Returns 0, or -1 when out's cap would be exceeded.
 */
int gzip_compress(const void *in, size_t n, struct buf *out);

/* CRC-32 (IEEE 802.3, as gzip and zlib use), continued from crc (0 to start). */
unsigned long gzip_crc32(unsigned long crc, const void *data, size_t n);

#endif
