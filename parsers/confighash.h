/* config_hash (contract §3.5) and the serializer behind it: JSON text
 * byte-identical to Python's json.dumps(obj, sort_keys=True). */
#ifndef PARSERS_CONFIGHASH_H
#define PARSERS_CONFIGHASH_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "util/buf.h"

#define CONFIG_HASH_HEX_LEN	64	/* out buffers need CONFIG_HASH_HEX_LEN + 1 */
#define PYJSON_MAX_DEPTH	512	/* deeper trees are refused (Python would recurse out) */
#define PY_FLOAT_REPR_MAX	32	/* enough for any double's repr plus NUL */

enum pyjson_flags {
	/* Keep members in tree order (json.dumps without sort_keys). */
	PYJSON_NO_SORT = 1 << 0,
	/* Print numbers that lack TREE_INTEGER but hold an integral value of
	 * magnitude up to 2^53 as integers; for trees built in code with
	 * cJSON_CreateNumber rather than parsed from a config file. */
	PYJSON_PLAIN_INTEGERS = 1 << 1,
};

/*
 * Serialize item the way Python's json.dumps(obj, sort_keys=True) prints
 * the object Python would have loaded from the same config:
 *  - separators ", " and ": ", no newline;
 *  - strings with ensure_ascii: \" \\ \n \r \t \b \f, other bytes below 0x20
 *    and 0x7f as \u00xx, every non-ASCII code point as \uxxxx (lowercase
 *    hex, astral planes as surrogate pairs), '/' unescaped. Invalid UTF-8
 *    decodes as Python's bytes.decode(errors="replace") would: each maximal
 *    invalid subsequence becomes one \ufffd;
 *  - numbers flagged TREE_INTEGER print as Python ints from their exact
 *    text (sign '+', leading zeros and '_' dropped, -0 -> 0; 0x/0o/0b forms
 *    converted). Other numbers are floats and print like float.__repr__
 *    (1.0, 1e+16, 1.5e-05, shortest round-trip digits), with infinities and
 *    NaN as Infinity, -Infinity, NaN;
 *  - true, false, null; strings flagged as TOML dates print as strings
 *    (Python's json would refuse a datetime);
 *  - object members sorted by key (code point order = UTF-8 byte order);
 *    of duplicate keys only the last is printed, as a Python dict keeps it.
 * Returns a new string (caller frees), or NULL when item is NULL, holds an
 * invalid node, or nests deeper than PYJSON_MAX_DEPTH.
 */
char *pyjson_dumps(const cJSON *item);

/*
 * Same with pyjson_flags and an indent: indent < 0 prints on one line as
 * above; indent >= 0 prints like json.dumps(indent=N): newline plus N
 * spaces per level, "," between members, ": " after keys, and empty
 * containers as [] and {}.
 */
char *pyjson_dumps_opts(const cJSON *item, unsigned flags, int indent);

/* Append item to out (same rules). Returns 0, or -1 on the NULL cases above
 * or when out's cap is hit (out then holds a partial text). */
int pyjson_dump_buf(struct buf *out, const cJSON *item, unsigned flags, int indent);

/* Append s (len bytes) as a quoted, ensure_ascii-escaped JSON string. */
void pyjson_add_string(struct buf *out, const char *s, size_t len);

/*
 * Python's repr() of a float into out (n >= PY_FLOAT_REPR_MAX): shortest
 * digits that read back to v; positional notation for 1e-4 <= |v| < 1e16
 * with a ".0" on integral values, else d.ddde+XX; "inf", "-inf", "nan".
 */
void py_float_repr(double v, char *out, size_t n);

/*
 * Decode one UTF-8 code point from s (len > 0 bytes available). Stores the
 * code point in *cp and returns the bytes consumed (1-4). Overlong forms,
 * surrogates, values above U+10FFFF and truncated sequences give U+FFFD
 * and consume the maximal invalid subpart (at least 1 byte), as Python's
 * "replace" error handler does.
 */
size_t utf8_decode(const char *s, size_t len, unsigned long *cp);

/* Number of code points in s as utf8_decode counts them (Python len()). */
size_t utf8_length(const char *s);

/*
 * config_hash (contract §3.5): lowercase hex SHA-256 of
 *   {"args": A, "command": C, "name": N, "type": T, "url": U}
 * printed by pyjson_dumps, where A is args printed as configured (element
 * types kept) or [] when args is NULL or falsy in Python terms (null, false,
 * 0, "", [], {}: the existing CLI writes `args or []`), C and U are strings
 * or null when NULL, N is name and T parsed_type (transport_parsed_type(),
 * never the wire type). Pass the configured values, before any redaction.
 * Writes 64 hex digits plus NUL to out and returns 0; returns -ERR_INVALID
 * when name or parsed_type is NULL and -ERR_LIMIT when args nests too deep
 * (out is then the empty string).
 */
int config_hash(const char *name, const char *parsed_type, const char *command,
		const cJSON *args, const char *url, char out[CONFIG_HASH_HEX_LEN + 1]);

/* The exact text config_hash hashes (caller frees), or NULL on the same
 * errors. */
char *config_hash_text(const char *name, const char *parsed_type, const char *command,
		       const cJSON *args, const char *url);

#endif
