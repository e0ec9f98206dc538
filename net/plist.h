/* Property lists (macOS managed preferences): XML and binary (bplist00)
 * forms parsed into the shared cJSON tree, bounded for hostile input. */
#ifndef NET_PLIST_H
#define NET_PLIST_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "util/err.h"

#define PLIST_MAX_BYTES		(4u * 1024 * 1024)
#define PLIST_MAX_DEPTH		64u
#define PLIST_MAX_NODES		100000u

/*
 * Parse a property list (XML "<plist>" or binary "bplist00", detected from
 * the bytes) into *out (caller frees with cJSON_Delete). dict → object,
 * array → array, string → string, integer → TREE_INTEGER number, real →
 * number, true/false → bool, uid → number; date and data become the text
 * as written in XML and null in binary lists (no managed key uses them). Depth, node
 * count and size are bounded; binary object references are checked so
 * cycles and out-of-range offsets fail. Returns 0, -ERR_PARSE or
 * -ERR_LIMIT with a message.
 */
int plist_parse(const char *data, size_t len, cJSON **out, struct err *e);

#endif
