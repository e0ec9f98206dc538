/* The auditor's export of the inventory: one row per (server, config) as a
 * JSON object or an RFC 4180 CSV record that is safe to open in a spreadsheet. */
#ifndef STORE_EXPORT_H
#define STORE_EXPORT_H

#include <cjson/cJSON.h>

#include "store/store.h"
#include "util/buf.h"

#define STORE_EXPORT_SCHEMA 1

/*
 * Append one CSV field: quoted (with '"' doubled) when it holds '"', ',',
 * CR or LF, and neutralised when a spreadsheet would read it as a formula
 * (first character '=', '+', '-', '@', tab or CR: prefixed with "'"). NULL
 * is an empty field.
 */
void store_csv_cell(struct buf *b, const char *v);

/*
 * The person a row's username resolves to (store/users.h): user_email and
 * resolution_tier ("email", "identity_attribute", "email_local_part",
 * "name_pattern", "admin_mapping"); both NULL when it does not resolve.
 */
struct store_export_user {
	const char *email;
	const char *tier;
};

/* The header record and one data record, each ending in CRLF. A NULL
 * user leaves user_email and resolution_tier empty. */
void store_export_csv_header(struct buf *b);
void store_export_csv_row(struct buf *b, const struct store_server_row *r);
void store_export_csv_row_user(struct buf *b, const struct store_server_row *r,
			       const struct store_export_user *u);

/*
 * One row as a JSON object (snake_case keys, args/env/headers as JSON
 * values, git as an object or null, status "present"|"removed"). Caller
 * frees with cJSON_Delete. The _user form adds user_email and
 * resolution_tier (null when unresolved); without it they are absent.
 */
cJSON *store_export_row_json(const struct store_server_row *r);
cJSON *store_export_row_json_user(const struct store_server_row *r,
				  const struct store_export_user *u);

/*
 * A CSV record from an exported JSON row (as store_export_row_json_user()
 * writes it, e.g. read back from another device's ndjson export): same
 * columns; JSON values as compact JSON text, missing keys empty.
 */
void store_export_csv_row_from_json(struct buf *b, const cJSON *row);

#endif
