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

/* The header record and one data record, each ending in CRLF. */
void store_export_csv_header(struct buf *b);
void store_export_csv_row(struct buf *b, const struct store_server_row *r);

/*
 * One row as a JSON object (snake_case keys, args/env/headers as JSON
 * values, git as an object or null, status "present"|"removed"). Caller
 * frees with cJSON_Delete.
 */
cJSON *store_export_row_json(const struct store_server_row *r);

#endif
