/* toml-test conformance: every TOML 1.0.0 case of the official suite, valid
 * ones compared structurally with the expected tagged JSON, invalid rejected. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parsers/tree.h"
#include "tests/unit/tap.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"

/* A parsed RFC 3339 date and/or time; fraction as nanoseconds. */
struct dt {
	int has_date, has_time, has_off;
	long long y, mo, d, h, mi, s, ns, off_min;
};

static int
num(const char **p, int n, long long *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

static int
dt_parse(const char *s, struct dt *t)
{
	memset(t, 0, sizeof(*t));
	if (strlen(s) >= 10 && s[4] == '-') {
		if (num(&s, 4, &t->y) || *s++ != '-' || num(&s, 2, &t->mo) || *s++ != '-' ||
		    num(&s, 2, &t->d))
			return -1;
		t->has_date = 1;
		if (*s == 'T' || *s == 't' || *s == ' ')
			s++;
		else
			return *s ? -1 : 0;
	}
	if (num(&s, 2, &t->h) || *s++ != ':' || num(&s, 2, &t->mi))
		return -1;
	if (*s == ':') {
		s++;
		if (num(&s, 2, &t->s))
			return -1;
	}
	t->has_time = 1;
	if (*s == '.') {
		long long scale = 100000000;

		for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
			t->ns += (*s - '0') * scale;
	}
	if (*s == 'Z' || *s == 'z') {
		t->has_off = 1;
		s++;
	} else if (*s == '+' || *s == '-') {
		long long oh, om;
		int sign = *s == '-' ? -1 : 1;

		s++;
		if (num(&s, 2, &oh) || *s++ != ':' || num(&s, 2, &om))
			return -1;
		t->has_off = 1;
		t->off_min = sign * (oh * 60 + om);
	}
	return *s ? -1 : 0;
}

/* Days since 1970-01-01 (proleptic Gregorian). */
static long long
days_from_civil(long long y, long long m, long long d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
dt_equal(const char *type, const char *a, const char *b)
{
	struct dt x, y;

	if (dt_parse(a, &x) < 0 || dt_parse(b, &y) < 0)
		return 0;
	if (x.has_date != y.has_date || x.has_time != y.has_time || x.has_off != y.has_off)
		return 0;
	if (strcmp(type, "datetime") == 0) {
		/* Offset date-times are instants. */
		long long ix = (days_from_civil(x.y, x.mo, x.d) * 86400 + x.h * 3600 + x.mi * 60 +
				x.s) - x.off_min * 60;
		long long iy = (days_from_civil(y.y, y.mo, y.d) * 86400 + y.h * 3600 + y.mi * 60 +
				y.s) - y.off_min * 60;

		return ix == iy && x.ns == y.ns;
	}
	return x.y == y.y && x.mo == y.mo && x.d == y.d && x.h == y.h && x.mi == y.mi &&
	       x.s == y.s && x.ns == y.ns;
}

static int
int_equal(const char *a, const char *b)
{
	char *ea, *eb;
	long long x, y;

	errno = 0;
	x = strtoll(a, &ea, 10);
	y = strtoll(b, &eb, 10);
	return errno == 0 && *a && *b && !*ea && !*eb && x == y;
}

static int
float_equal(const char *a, const char *b)
{
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);

	if (*ea || *eb || !*a || !*b)
		return 0;
	if (isnan(x) || isnan(y))
		return isnan(x) && isnan(y);
	return x == y;
}

/* {"type": T, "value": V} with both strings: a tagged scalar. */
static int
is_scalar(const cJSON *o)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");

	return cJSON_IsObject(o) && cJSON_GetArraySize(o) == 2 && cJSON_IsString(t) &&
	       cJSON_IsString(v);
}

static int
scalar_equal(const cJSON *a, const cJSON *b)
{
	const char *ta = cJSON_GetObjectItemCaseSensitive(a, "type")->valuestring;
	const char *tb = cJSON_GetObjectItemCaseSensitive(b, "type")->valuestring;
	const char *va = cJSON_GetObjectItemCaseSensitive(a, "value")->valuestring;
	const char *vb = cJSON_GetObjectItemCaseSensitive(b, "value")->valuestring;

	if (strcmp(ta, tb) != 0)
		return 0;
	if (strcmp(ta, "integer") == 0)
		return int_equal(va, vb);
	if (strcmp(ta, "float") == 0)
		return float_equal(va, vb);
	if (strcmp(ta, "datetime") == 0 || strcmp(ta, "datetime-local") == 0 ||
	    strcmp(ta, "date-local") == 0 || strcmp(ta, "time-local") == 0)
		return dt_equal(ta, va, vb);
	if (strcmp(ta, "string") == 0 || strcmp(ta, "bool") == 0)
		return strcmp(va, vb) == 0;
	return 0;
}

/* Structural comparison; on mismatch, why[] names the place. */
static int
equal(const cJSON *a, const cJSON *b, struct buf *path)
{
	size_t mark = path->len;
	const cJSON *c, *d;

	if (is_scalar(a) || is_scalar(b)) {
		if (!is_scalar(a) || !is_scalar(b) || !scalar_equal(a, b))
			return 0;
		return 1;
	}
	if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
		if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
			return 0;
		for (c = a->child; c; c = c->next) {
			d = cJSON_GetObjectItemCaseSensitive(b, c->string);
			buf_addf(path, ".%s", c->string);
			if (d == NULL || !equal(c, d, path))
				return 0;
			buf_setlen(path, mark);
		}
		return 1;
	}
	if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
		int i = 0;

		if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
			return 0;
		for (c = a->child, d = b->child; c && d; c = c->next, d = d->next, i++) {
			buf_addf(path, "[%d]", i);
			if (!equal(c, d, path))
				return 0;
			buf_setlen(path, mark);
		}
		return 1;
	}
	return 0;
}

/*
 * U+0000 in a string: the tree stores it as TREE_NUL_UTF8 and tree_print()
 * writes \u0000, so the printed text and the expected file agree; cJSON cuts
 * both at the NUL alike here, and t0110-toml-conformance.sh compares them
 * exactly through the binary.
 */

static int
read_all(const char *path, struct buf *b)
{
	struct err e = ERR_INIT;

	buf_clear(b);
	return file_read(path, 64u * 1024 * 1024, 0, b, NULL, &e);
}

static void
run_valid(const char *dir, const char *rel, int *passed, int *total)
{
	struct buf toml = BUF_INIT, json = BUF_INIT, where = BUF_INIT;
	struct err e = ERR_INIT;
	cJSON *tree = NULL, *got = NULL, *want = NULL;
	char *p, *printed = NULL;
	int r, good = 0;

	(*total)++;
	p = xasprintf("%s/tests/%s", dir, rel);
	if (read_all(p, &toml) < 0) {
		ok(0, "%s: cannot read", rel);
		goto out;
	}
	memcpy(p + strlen(p) - 5, ".json", 5);
	if (read_all(p, &json) < 0) {
		ok(0, "%s: cannot read expected json", rel);
		goto out;
	}
	r = toml_parse(toml.data, toml.len, NULL, &tree, &e);
	if (r < 0) {
		ok(0, "%s: rejected: %lu:%lu: %s", rel, e.line, e.col, e.msg);
		goto out;
	}
	printed = tree_print(tree, 0, 1);
	got = cJSON_Parse(printed);
	want = cJSON_Parse(json.data);
	if (got == NULL || want == NULL) {
		ok(0, "%s: %s JSON does not parse", rel, got ? "expected" : "printed");
		goto out;
	}
	good = equal(got, want, &where);
	if (ok(good, "%s", rel))
		(*passed)++;
	else
		printf("#   differs at '%s'\n#   got:  %s\n#   want: %s\n",
		       where.data, printed, json.data);
out:
	free(p);
	free(printed);
	cJSON_Delete(tree);
	cJSON_Delete(got);
	cJSON_Delete(want);
	buf_release(&toml);
	buf_release(&json);
	buf_release(&where);
}

static void
run_invalid(const char *dir, const char *rel, int *rejected, int *total)
{
	struct buf toml = BUF_INIT;
	struct err e = ERR_INIT;
	cJSON *tree = NULL;
	char *p;
	int r;

	(*total)++;
	p = xasprintf("%s/tests/%s", dir, rel);
	if (read_all(p, &toml) < 0) {
		ok(0, "%s: cannot read", rel);
		goto out;
	}
	r = toml_parse(toml.data, toml.len, NULL, &tree, &e);
	/* Rejected as a syntax error, with a position and a message. */
	if (ok(r == -ERR_PARSE && tree == NULL && e.line > 0 && e.col > 0 && e.msg[0],
	       "%s rejected (%lu:%lu: %s)", rel, e.line, e.col, e.msg))
		(*rejected)++;
	else if (r == 0) {
		char *s = tree_print(tree, 0, 1);

		printf("#   accepted as: %s\n", s);
		free(s);
	}
out:
	free(p);
	cJSON_Delete(tree);
	buf_release(&toml);
}

int
main(void)
{
	const char *dir = getenv("TOML_TEST_DIR");
	struct buf list = BUF_INIT;
	int vpass = 0, vtotal = 0, irej = 0, itotal = 0;
	char *lp, *line, *save = NULL, *listpath;
	struct stat st;

	if (dir == NULL || *dir == '\0')
		dir = "../shared/conformance/toml-test";
	listpath = xasprintf("%s/tests/files-toml-1.0.0", dir);
	if (stat(listpath, &st) < 0 || read_all(listpath, &list) < 0) {
		ok(1, "# SKIP toml-test suite not found at %s (set TOML_TEST_DIR)", dir);
		free(listpath);
		return tap_done();
	}
	for (lp = list.data; (line = strtok_r(lp, "\n", &save)) != NULL; lp = NULL) {
		size_t n = strlen(line);

		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n < 5 || strcmp(line + n - 5, ".toml") != 0)
			continue;
		if (strncmp(line, "valid/", 6) == 0)
			run_valid(dir, line, &vpass, &vtotal);
		else if (strncmp(line, "invalid/", 8) == 0)
			run_invalid(dir, line, &irej, &itotal);
	}
	/* The list must be the real one, not an empty or truncated file. */
	ok(vtotal > 150 && itotal > 300, "suite has %d valid and %d invalid cases", vtotal,
	   itotal);
	printf("# toml-test 1.0.0: %d valid passed of %d, %d invalid rejected of %d\n", vpass,
	       vtotal, irej, itotal);
	free(listpath);
	buf_release(&list);
	return tap_done();
}
