/* Windows registry hive files (regf): read the values of one key from a
 * hive on disk (a mounted Windows volume, or --root in tests). */
#ifndef NET_REGF_H
#define NET_REGF_H

#include <cjson/cJSON.h>

#include "util/err.h"

#define REGF_MAX_VALUES		4096u
#define REGF_MAX_SUBKEYS	65536u
#define REGF_MAX_CELL		(1024u * 1024)

/*
 * Open the hive at path (a regular file, symlinks refused) and read the
 * values of key, a backslash-separated path below the hive's root key
 * matched case-insensitively (e.g. "Runlayer\\AIWatch" in the SOFTWARE
 * hive). Stores a new object in *out: REG_SZ and REG_EXPAND_SZ values as
 * strings (UTF-16LE decoded, trailing NULs dropped), REG_DWORD and
 * REG_QWORD as TREE_INTEGER numbers; other types are skipped. Reads cells
 * on demand (hives can be large); every offset and size is bounds-checked,
 * and one path component examines at most REGF_MAX_SUBKEYS list entries
 * (index roots may repeat a list).
 * Returns 0, -ERR_NOTFOUND when the file or the key does not exist,
 * -ERR_PARSE for a damaged hive, -ERR_IO.
 */
int regf_read_key(const char *path, const char *key, cJSON **out, struct err *e);

#endif
