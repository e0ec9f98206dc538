/* Format dispatch, safe file parsing, integer/date flag helpers and the
 * tree printer (plain JSON or toml-test's tagged JSON). */
#include "parsers/tree.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

const struct tree_limits tree_limits_default = {
	TREE_MAX_BYTES_DEFAULT, TREE_MAX_DEPTH_DEFAULT, TREE_MAX_NODES_DEFAULT
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

enum tree_format
tree_format_from_name(const char *path)
{
	if (ends_with(path, ".toml"))
		return TREE_FMT_TOML;
	if (ends_with(path, ".yaml") || ends_with(path, ".yml"))
		return TREE_FMT_YAML;
	if (ends_with(path, ".jsonc"))
		return TREE_FMT_JSONC;
	return TREE_FMT_JSON;
}

enum tree_format
tree_format_from_string(const char *name)
{
	if (strcmp(name, "json") == 0)
		return TREE_FMT_JSON;
	if (strcmp(name, "jsonc") == 0)
		return TREE_FMT_JSONC;
	if (strcmp(name, "toml") == 0)
		return TREE_FMT_TOML;
	if (strcmp(name, "yaml") == 0 || strcmp(name, "yml") == 0)
		return TREE_FMT_YAML;
	return TREE_FMT_UNKNOWN;
}

const char *
tree_format_name(enum tree_format fmt)
{
	switch (fmt) {
	case TREE_FMT_JSON: return "json";
	case TREE_FMT_JSONC: return "jsonc";
	case TREE_FMT_TOML: return "toml";
	case TREE_FMT_YAML: return "yaml";
	default: return "unknown";
	}
}

int
tree_parse(const char *text, size_t len, enum tree_format fmt,
	   const struct tree_limits *lim, cJSON **out, struct err *e)
{
	if (lim == NULL)
		lim = &tree_limits_default;
	*out = NULL;
	if (lim->max_bytes && len > lim->max_bytes)
		return err_set(e, ERR_LIMIT, "input too large (%zu bytes, limit %zu)", len,
			       lim->max_bytes);
	switch (fmt) {
	case TREE_FMT_TOML:
		return toml_parse(text, len, lim, out, e);
	case TREE_FMT_YAML:
		return yaml_parse(text, len, lim, out, e);
	case TREE_FMT_JSON:
	case TREE_FMT_JSONC:
	default:
		return jsonc_parse(text, len, lim, out, e);
	}
}

int
tree_parse_file(const char *path, enum tree_format fmt, const struct tree_limits *lim,
		cJSON **out, struct err *e)
{
	struct buf b = BUF_INIT;
	int r;

	if (lim == NULL)
		lim = &tree_limits_default;
	*out = NULL;
	if (fmt == TREE_FMT_UNKNOWN)
		fmt = tree_format_from_name(path);
	r = file_read(path, lim->max_bytes ? lim->max_bytes : (size_t)-1, FILE_FOLLOW, &b, NULL, e);
	if (r == 0) {
		r = tree_parse(b.data, b.len, fmt, lim, out, e);
		if (r < 0)
			err_set_path(e, path);
	}
	buf_release(&b);
	return r;
}

cJSON *
tree_new_integer(long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", v);
	return tree_new_integer_text(tmp);
}

cJSON *
tree_new_integer_text(const char *decimal)
{
	cJSON *n = cJSON_CreateNumber(strtod(decimal, NULL));

	if (n == NULL)
		abort();
	n->type |= TREE_INTEGER;
	n->valuestring = xstrdup(decimal);
	return n;
}

int
tree_is_integer(const cJSON *item)
{
	if (!cJSON_IsNumber(item))
		return 0;
	if (item->type & TREE_INTEGER)
		return 1;
	return 0;
}

static void
print_string(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	buf_addc(b, '"');
	for (; *p; p++) {
		switch (*p) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		case '\b': buf_adds(b, "\\b"); break;
		case '\f': buf_adds(b, "\\f"); break;
		case 0xc0:
			if (p[1] == 0x80) {
				buf_adds(b, "\\u0000");
				p++;
				break;
			}
			buf_addc(b, (char)*p);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				buf_addf(b, "\\u%04x", *p);
			else
				buf_addc(b, (char)*p);
		}
	}
	buf_addc(b, '"');
}

static void
format_double(char *out, size_t n, double v)
{
	if (isnan(v)) {
		snprintf(out, n, "nan");
		return;
	}
	if (isinf(v)) {
		snprintf(out, n, v < 0 ? "-inf" : "inf");
		return;
	}
	snprintf(out, n, "%.15g", v);
	if (strtod(out, NULL) != v)
		snprintf(out, n, "%.17g", v);
	/* Keep a float looking like one (1.0, not 1). */
	if (strpbrk(out, ".eEn") == NULL && strlen(out) + 2 < n)
		memcpy(out + strlen(out), ".0", 3);
}

static void
number_text(const cJSON *item, char *out, size_t n)
{
	if ((item->type & TREE_INTEGER) && item->valuestring)
		snprintf(out, n, "%s", item->valuestring);
	else
		format_double(out, n, item->valuedouble);
}

static void
indent(struct buf *b, int pretty, int depth)
{
	if (!pretty)
		return;
	buf_addc(b, '\n');
	for (int i = 0; i < depth; i++)
		buf_adds(b, "  ");
}

static void
print_tagged_scalar(struct buf *b, const char *type, const char *value)
{
	buf_adds(b, "{\"type\": ");
	print_string(b, type);
	buf_adds(b, ", \"value\": ");
	print_string(b, value);
	buf_addc(b, '}');
}

static void
print_item(struct buf *b, const cJSON *item, int pretty, int tagged, int depth)
{
	char num[64];
	const cJSON *c;

	switch (item->type & 0xff) {
	case cJSON_NULL:
		buf_adds(b, tagged ? "{\"type\": \"null\", \"value\": \"\"}" : "null");
		return;
	case cJSON_False:
	case cJSON_True: {
		const char *v = (item->type & 0xff) == cJSON_True ? "true" : "false";

		if (tagged)
			print_tagged_scalar(b, "bool", v);
		else
			buf_adds(b, v);
		return;
	}
	case cJSON_Number:
		number_text(item, num, sizeof(num));
		if (tagged)
			print_tagged_scalar(b, (item->type & TREE_INTEGER) ? "integer" : "float", num);
		else if (!isfinite(item->valuedouble) && !(item->type & TREE_INTEGER))
			print_string(b, num);
		else
			buf_adds(b, num);
		return;
	case cJSON_String:
	case cJSON_Raw: {
		const char *s = item->valuestring ? item->valuestring : "";

		if (!tagged)
			print_string(b, s);
		else if (item->type & TREE_DATETIME)
			print_tagged_scalar(b, "datetime", s);
		else if (item->type & TREE_DATETIME_LOCAL)
			print_tagged_scalar(b, "datetime-local", s);
		else if (item->type & TREE_DATE_LOCAL)
			print_tagged_scalar(b, "date-local", s);
		else if (item->type & TREE_TIME_LOCAL)
			print_tagged_scalar(b, "time-local", s);
		else
			print_tagged_scalar(b, "string", s);
		return;
	}
	case cJSON_Array:
		buf_addc(b, '[');
		for (c = item->child; c; c = c->next) {
			indent(b, pretty, depth + 1);
			print_item(b, c, pretty, tagged, depth + 1);
			if (c->next)
				buf_addc(b, ',');
		}
		if (item->child)
			indent(b, pretty, depth);
		buf_addc(b, ']');
		return;
	case cJSON_Object:
		buf_addc(b, '{');
		for (c = item->child; c; c = c->next) {
			indent(b, pretty, depth + 1);
			print_string(b, c->string ? c->string : "");
			buf_adds(b, pretty ? ": " : ":");
			print_item(b, c, pretty, tagged, depth + 1);
			if (c->next)
				buf_addc(b, ',');
		}
		if (item->child)
			indent(b, pretty, depth);
		buf_addc(b, '}');
		return;
	default:
		buf_adds(b, "null");
	}
}

char *
tree_print(const cJSON *tree, int pretty, int tagged)
{
	struct buf b = BUF_INIT;

	print_item(&b, tree, pretty, tagged, 0);
	return buf_detach(&b, NULL);
}
