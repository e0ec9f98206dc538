/* Directory import: an RFC 4180 CSV reader with line numbers, a JSON
 * scanner that parses one user object at a time (SCIM ListResponse, JSON
 * arrays), and the field recognition shared by both. */
#include "resolver/import.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/tree.h"
#include "resolver/norm.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *
resolver_format_name(enum resolver_format f)
{
	switch (f) {
	case RESOLVER_FMT_CSV: return "csv";
	case RESOLVER_FMT_SCIM: return "scim";
	case RESOLVER_FMT_JSON: return "json";
	case RESOLVER_FMT_AUTO: break;
	}
	return "auto";
}

int
resolver_format_from_name(const char *name)
{
	static const char *const names[] = { "auto", "csv", "scim", "json" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

void
resolver_import_release(struct resolver_import *rep)
{
	size_t i;

	for (i = 0; i < rep->n_issues; i++)
		free(rep->issues[i].msg);
	free(rep->issues);
	memset(rep, 0, sizeof(*rep));
}

/* ---- field recognition ------------------------------------------------ */

enum kind {
	K_ATTR = 0,	/* an identity attribute under its own name */
	K_EMAIL,
	K_ALIASES,
	K_GIVEN,
	K_FAMILY,
	K_DISPLAY,
	K_STATUS,
	K_ACTIVE,	/* boolean: false = inactive */
	K_INACTIVE,	/* boolean: true = inactive */
	K_EXTERNAL_ID,
	K_LOGIN,	/* attribute; also the address when there is no other */
};

/* resolver_attr_key() of a field name → its meaning. */
static const struct {
	const char *key;
	enum kind kind;
} known[] = {
	{ "email", K_EMAIL }, { "emailaddress", K_EMAIL }, { "mail", K_EMAIL },
	{ "primaryemail", K_EMAIL }, { "primaryemailaddress", K_EMAIL },
	{ "workemail", K_EMAIL }, { "useremail", K_EMAIL }, { "emailprimary", K_EMAIL },
	{ "emails", K_ALIASES }, { "secondaryemail", K_ALIASES },
	{ "secondaryemails", K_ALIASES }, { "alternateemail", K_ALIASES },
	{ "alternateemails", K_ALIASES }, { "otheremail", K_ALIASES },
	{ "otheremails", K_ALIASES }, { "emailaliases", K_ALIASES },
	{ "aliases", K_ALIASES },
	{ "firstname", K_GIVEN }, { "givenname", K_GIVEN }, { "first", K_GIVEN },
	{ "given", K_GIVEN }, { "fname", K_GIVEN }, { "forename", K_GIVEN },
	{ "lastname", K_FAMILY }, { "familyname", K_FAMILY }, { "surname", K_FAMILY },
	{ "last", K_FAMILY }, { "family", K_FAMILY }, { "sn", K_FAMILY },
	{ "lname", K_FAMILY },
	{ "displayname", K_DISPLAY }, { "name", K_DISPLAY }, { "fullname", K_DISPLAY },
	{ "formatted", K_DISPLAY }, { "commonname", K_DISPLAY },
	{ "status", K_STATUS }, { "state", K_STATUS }, { "accountstatus", K_STATUS },
	{ "userstatus", K_STATUS }, { "accountstate", K_STATUS },
	{ "active", K_ACTIVE }, { "enabled", K_ACTIVE }, { "isactive", K_ACTIVE },
	{ "accountenabled", K_ACTIVE },
	{ "suspended", K_INACTIVE }, { "disabled", K_INACTIVE }, { "archived", K_INACTIVE },
	{ "deactivated", K_INACTIVE }, { "isdisabled", K_INACTIVE },
	{ "issuspended", K_INACTIVE }, { "deleted", K_INACTIVE },
	{ "externalid", K_EXTERNAL_ID },
	{ "username", K_LOGIN }, { "login", K_LOGIN }, { "userprincipalname", K_LOGIN },
	{ "upn", K_LOGIN },
};

static enum kind
classify(const char *name, struct buf *tmp)
{
	size_t i;

	buf_clear(tmp);
	resolver_attr_key(name, tmp);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(tmp->data, known[i].key) == 0)
			return known[i].kind;
	return K_ATTR;
}

/* Status words (resolver_attr_key form): 1 active, 0 inactive. */
static const struct {
	const char *word;
	int active;
} status_words[] = {
	{ "active", 1 }, { "enabled", 1 }, { "activated", 1 }, { "true", 1 }, { "yes", 1 },
	{ "y", 1 }, { "1", 1 }, { "passwordexpired", 1 }, { "lockedout", 1 },
	{ "recovery", 1 }, { "locked", 1 },
	{ "inactive", 0 }, { "disabled", 0 }, { "suspended", 0 }, { "deprovisioned", 0 },
	{ "deactivated", 0 }, { "deleted", 0 }, { "terminated", 0 }, { "archived", 0 },
	{ "staged", 0 }, { "provisioned", 0 }, { "false", 0 }, { "no", 0 }, { "n", 0 },
	{ "0", 0 }, { "blocked", 0 }, { "left", 0 }, { "offboarded", 0 },
};

static int
status_word(const char *v, struct buf *tmp)
{
	size_t i;

	buf_clear(tmp);
	resolver_attr_key(v, tmp);
	for (i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++)
		if (strcmp(tmp->data, status_words[i].word) == 0)
			return status_words[i].active;
	return -1;
}

static int
bool_word(const char *v, struct buf *tmp)
{
	int s = status_word(v, tmp);

	if (s < 0)
		return -1;
	/* Only boolean spellings for boolean fields. */
	if (strcmp(tmp->data, "true") && strcmp(tmp->data, "false") && strcmp(tmp->data, "yes") &&
	    strcmp(tmp->data, "no") && strcmp(tmp->data, "y") && strcmp(tmp->data, "n") &&
	    strcmp(tmp->data, "1") && strcmp(tmp->data, "0"))
		return -1;
	return s;
}

/* ---- addresses seen (duplicate primary addresses) --------------------- */

struct seen {
	char **keys;
	uint64_t *hashes;
	unsigned long *lines;
	size_t n, cap;		/* cap: power of two */
};

static uint64_t
seen_hash(const char *k)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *k; k++) {
		h ^= (unsigned char)*k;
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t
seen_slot(const struct seen *s, const char *k, uint64_t h)
{
	size_t i = (size_t)h & (s->cap - 1);

	while (s->keys[i] && (s->hashes[i] != h || strcmp(s->keys[i], k) != 0))
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* 0 and records k, or the line that had it first. */
static unsigned long
seen_add(struct seen *s, const char *k, unsigned long line)
{
	uint64_t h = seen_hash(k);
	size_t i;

	if (s->n * 2 >= s->cap) {
		struct seen g = { NULL, NULL, NULL, s->n, s->cap ? s->cap * 2 : 1024 };

		g.keys = xcalloc(g.cap, sizeof(*g.keys));
		g.hashes = xcalloc(g.cap, sizeof(*g.hashes));
		g.lines = xcalloc(g.cap, sizeof(*g.lines));
		for (i = 0; i < s->cap; i++) {
			if (s->keys[i]) {
				size_t j = seen_slot(&g, s->keys[i], s->hashes[i]);

				g.keys[j] = s->keys[i];
				g.hashes[j] = s->hashes[i];
				g.lines[j] = s->lines[i];
			}
		}
		free(s->keys);
		free(s->hashes);
		free(s->lines);
		*s = g;
	}
	i = seen_slot(s, k, h);
	if (s->keys[i])
		return s->lines[i] ? s->lines[i] : 1;
	s->keys[i] = xstrdup(k);
	s->hashes[i] = h;
	s->lines[i] = line;
	s->n++;
	return 0;
}

static void
seen_release(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->keys[i]);
	free(s->keys);
	free(s->hashes);
	free(s->lines);
	memset(s, 0, sizeof(*s));
}

/* ---- one record ------------------------------------------------------- */

struct importer {
	struct resolver_dir *dir;
	struct resolver_import *rep;
	struct seen seen;
	struct buf tmp;
	/* The record being read. */
	struct resolver_user *u;
	unsigned long line, col;
	struct buf why;		/* first problem; empty = good */
	unsigned long why_col;
	int inactive;
	char *login_email;	/* a userName/login that is an address */
};

/* Quote v for a message: at most 64 bytes, control characters escaped. */
static void
add_quoted(struct buf *b, const char *v)
{
	const unsigned char *p;
	size_t n = 0;

	buf_addc(b, '\'');
	for (p = (const unsigned char *)v; *p && n < 64; p++, n++) {
		if (*p < 0x20 || *p == 0x7f)
			buf_addf(b, "\\x%02x", *p);
		else
			buf_addc(b, (char)*p);
	}
	if (*p)
		buf_adds(b, "...");
	buf_addc(b, '\'');
}

static void
add_issue(struct resolver_import *rep, unsigned long line, unsigned long col, const char *msg)
{
	struct resolver_issue *is;

	if (rep->n_issues >= RESOLVER_IMPORT_MAX_ISSUES) {
		rep->n_issues_dropped++;
		return;
	}
	if (rep->n_issues == rep->cap_issues) {
		rep->cap_issues = rep->cap_issues ? rep->cap_issues * 2 : 16;
		rep->issues = xreallocarray(rep->issues, rep->cap_issues, sizeof(*rep->issues));
	}
	is = &rep->issues[rep->n_issues++];
	is->line = line;
	is->col = col;
	is->msg = xstrdup(msg);
}

static void
rec_bad(struct importer *im, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
rec_bad(struct importer *im, unsigned long col, const char *fmt, ...)
{
	va_list ap;

	if (im->why.len)
		return;
	va_start(ap, fmt);
	buf_vaddf(&im->why, fmt, ap);
	va_end(ap);
	im->why_col = col;
}

static int
rec_begin(struct importer *im, unsigned long line, struct err *e)
{
	if (im->dir->n_users >= RESOLVER_MAX_USERS) {
		err_set_pos(e, line, 0);
		return err_set(e, ERR_LIMIT, "more than %u users", RESOLVER_MAX_USERS);
	}
	im->u = resolver_dir_add(im->dir);
	im->u->line = line;
	im->line = line;
	buf_clear(&im->why);
	im->why_col = 0;
	im->inactive = 0;
	free(im->login_email);
	im->login_email = NULL;
	im->rep->n_records++;
	return 0;
}

static int
same_address(const char *a, const char *b)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	int same;

	resolver_fold(a, strlen(a), &x);
	resolver_fold(b, strlen(b), &y);
	same = strcmp(x.data, y.data) == 0;
	buf_release(&x);
	buf_release(&y);
	return same;
}

static void
add_alias(struct importer *im, const char *v)
{
	struct resolver_user *u = im->u;
	size_t i;

	if (u->email && same_address(u->email, v))
		return;
	for (i = 0; i < u->n_aliases; i++)
		if (same_address(u->aliases[i], v))
			return;
	if (!resolver_email_valid(v)) {
		struct buf m = BUF_INIT;

		add_quoted(&m, v);
		rec_bad(im, im->col, "invalid email address %s", m.data);
		buf_release(&m);
		return;
	}
	if (u->n_aliases + 1 >= RESOLVER_MAX_EMAILS) {
		rec_bad(im, im->col, "more than %d email addresses", RESOLVER_MAX_EMAILS);
		return;
	}
	u->aliases = xreallocarray(u->aliases, u->n_aliases + 1, sizeof(*u->aliases));
	u->aliases[u->n_aliases++] = xstrdup(v);
}

static void
add_attr(struct importer *im, const char *name, const char *v)
{
	struct resolver_user *u = im->u;

	if (u->n_attrs >= RESOLVER_MAX_ATTRS) {
		rec_bad(im, im->col, "more than %d attributes", RESOLVER_MAX_ATTRS);
		return;
	}
	u->attrs = xreallocarray(u->attrs, u->n_attrs + 1, sizeof(*u->attrs));
	u->attrs[u->n_attrs].name = xstrdup(name);
	u->attrs[u->n_attrs].value = xstrdup(v);
	u->n_attrs++;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * One named value of the current record (raw bytes, len of them); k is
 * classify(name), or -1 to classify here.
 */
static void
rec_field_kind(struct importer *im, const char *name, int kind, const char *raw, size_t len)
{
	struct resolver_user *u = im->u;
	struct buf m = BUF_INIT;
	char *v = NULL;
	enum kind k;
	int s;

	if (name == NULL || *name == '\0')
		return;
	while (len && is_ws(*raw)) {
		raw++;
		len--;
	}
	while (len && is_ws(raw[len - 1]))
		len--;
	if (len == 0)
		return;
	if (memchr(raw, '\0', len)) {
		add_quoted(&m, name);
		rec_bad(im, im->col, "NUL byte in field %s", m.data);
		goto out;
	}
	if (!resolver_utf8_valid(raw, len)) {
		add_quoted(&m, name);
		rec_bad(im, im->col, "field %s is not valid UTF-8 (save the file as UTF-8)", m.data);
		goto out;
	}
	if (len > RESOLVER_MAX_VALUE) {
		add_quoted(&m, name);
		rec_bad(im, im->col, "field %s is longer than %d bytes", m.data, RESOLVER_MAX_VALUE);
		goto out;
	}
	v = xstrndup(raw, len);
	k = kind >= 0 ? (enum kind)kind : classify(name, &im->tmp);
	switch (k) {
	case K_EMAIL:
		if (u->email == NULL) {
			if (resolver_email_valid(v)) {
				u->email = v;
				v = NULL;
			} else {
				add_quoted(&m, v);
				rec_bad(im, im->col, "invalid email address %s", m.data);
			}
		} else {
			add_alias(im, v);
		}
		break;
	case K_ALIASES: {
		char *p = v, *q;

		/* A list in one cell: separated by ';', ',' or white space. */
		while (*p) {
			while (*p == ';' || *p == ',' || is_ws(*p))
				p++;
			if (*p == '\0')
				break;
			q = p;
			while (*q && *q != ';' && *q != ',' && !is_ws(*q))
				q++;
			{
				char *one = xstrndup(p, (size_t)(q - p));

				add_alias(im, one);
				free(one);
			}
			p = q;
		}
		break;
	}
	case K_GIVEN:
		if (u->given_name == NULL)
			u->given_name = xstrdup(v);
		break;
	case K_FAMILY:
		if (u->family_name == NULL)
			u->family_name = xstrdup(v);
		break;
	case K_DISPLAY:
		if (u->display_name == NULL)
			u->display_name = xstrdup(v);
		break;
	case K_STATUS:
	case K_ACTIVE:
	case K_INACTIVE:
		s = k == K_STATUS ? status_word(v, &im->tmp) : bool_word(v, &im->tmp);
		if (s < 0) {
			add_quoted(&m, v);
			rec_bad(im, im->col, "unknown %s value %s", k == K_STATUS ? "status" : "boolean",
				m.data);
			break;
		}
		if (k == K_INACTIVE)
			s = !s;
		if (!s)
			im->inactive = 1;
		if (u->status == NULL || !s) {
			free(u->status);
			u->status = xstrdup(v);
		}
		break;
	case K_EXTERNAL_ID:
		if (u->external_id == NULL)
			u->external_id = xstrdup(v);
		add_attr(im, name, v);
		break;
	case K_LOGIN:
		if (im->login_email == NULL && resolver_email_valid(v))
			im->login_email = xstrdup(v);
		add_attr(im, name, v);
		break;
	case K_ATTR:
		add_attr(im, name, v);
		break;
	}
out:
	free(v);
	buf_release(&m);
}

static void
rec_field_str(struct importer *im, const char *name, const char *v)
{
	rec_field_kind(im, name, -1, v, strlen(v));
}

/* Keep the record, or report it and drop it. */
static void
rec_end(struct importer *im)
{
	struct resolver_user *u = im->u;
	struct buf m = BUF_INIT;
	unsigned long first;

	if (u->email == NULL && im->login_email && !im->why.len) {
		u->email = im->login_email;
		im->login_email = NULL;
	}
	if (u->email == NULL)
		rec_bad(im, 0, "no email address");
	if (!im->why.len) {
		buf_clear(&im->tmp);
		resolver_fold(u->email, strlen(u->email), &im->tmp);
		first = seen_add(&im->seen, im->tmp.data, im->line);
		if (first) {
			add_quoted(&m, u->email);
			rec_bad(im, 0, "duplicate email address %s (first at line %lu)", m.data, first);
		}
	}
	if (im->why.len) {
		buf_clear(&m);
		buf_addf(&m, "%s, skipping", im->why.data);
		add_issue(im->rep, im->line, im->why_col, m.data);
		im->rep->n_skipped++;
		resolver_dir_drop_last(im->dir);
	} else {
		u->active = !im->inactive;
		im->rep->n_added++;
		if (!u->active)
			im->rep->n_inactive++;
	}
	im->u = NULL;
	buf_release(&m);
}

/* ---- CSV -------------------------------------------------------------- */

struct csv {
	const char *s;
	size_t len, pos;
	unsigned long line;
	size_t line_start;
	char delim;
};

struct csv_rec {
	struct buf data;	/* field values, each followed by a NUL */
	size_t *offs, *lens;
	unsigned long *cols;
	size_t n, cap;
	unsigned long line;
	struct buf why;		/* a problem with the record's syntax */
	unsigned long why_col;
	int quoted;		/* any field was quoted */
};

static unsigned long
csv_col(const struct csv *c)
{
	return (unsigned long)(c->pos - c->line_start + 1);
}

static void
csv_newline(struct csv *c)
{
	c->line++;
	c->line_start = c->pos;
}

static void
csv_rec_bad(struct csv_rec *r, unsigned long col, const char *msg)
{
	if (r->why.len == 0) {
		buf_adds(&r->why, msg);
		r->why_col = col;
	}
}

/*
 * Read one record: 1, 0 at the end of the text, or -ERR_PARSE when the
 * rest of the file cannot be read (an unterminated quoted field).
 */
static int
csv_read(struct csv *c, struct csv_rec *r, struct err *e)
{
	unsigned long qline, qcol;
	size_t flen;
	char ch;

	if (c->pos >= c->len)
		return 0;
	buf_clear(&r->data);
	buf_clear(&r->why);
	r->n = 0;
	r->line = c->line;
	r->quoted = 0;
	for (;;) {
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 32;
			r->offs = xreallocarray(r->offs, r->cap, sizeof(*r->offs));
			r->lens = xreallocarray(r->lens, r->cap, sizeof(*r->lens));
			r->cols = xreallocarray(r->cols, r->cap, sizeof(*r->cols));
		}
		if (r->n == RESOLVER_IMPORT_MAX_COLUMNS)
			csv_rec_bad(r, csv_col(c), "more than 512 fields");
		r->offs[r->n] = r->data.len;
		r->cols[r->n] = csv_col(c);
		flen = 0;
		if (c->pos < c->len && c->s[c->pos] == '"') {
			r->quoted = 1;
			qline = c->line;
			qcol = csv_col(c);
			c->pos++;
			for (;;) {
				if (c->pos >= c->len) {
					err_set_pos(e, qline, qcol);
					return err_set(e, ERR_PARSE, "unterminated quoted field");
				}
				ch = c->s[c->pos];
				if (ch == '"') {
					if (c->pos + 1 < c->len && c->s[c->pos + 1] == '"') {
						c->pos += 2;
					} else {
						c->pos++;
						break;
					}
				} else {
					c->pos++;
					if (ch == '\n')
						csv_newline(c);
				}
				if (++flen > RESOLVER_IMPORT_MAX_FIELD) {
					err_set_pos(e, qline, qcol);
					return err_set(e, ERR_PARSE, "quoted field longer than %u bytes "
						       "(a missing closing quote?)", RESOLVER_IMPORT_MAX_FIELD);
				}
				if (r->n < RESOLVER_IMPORT_MAX_COLUMNS)
					buf_addc(&r->data, ch);
			}
			if (c->pos < c->len && c->s[c->pos] != c->delim && c->s[c->pos] != '\r' &&
			    c->s[c->pos] != '\n')
				csv_rec_bad(r, csv_col(c), "text after a closing quote");
		}
		while (c->pos < c->len && (ch = c->s[c->pos]) != c->delim && ch != '\r' && ch != '\n') {
			c->pos++;
			if (++flen > RESOLVER_IMPORT_MAX_FIELD) {
				if (flen == RESOLVER_IMPORT_MAX_FIELD + 1)
					csv_rec_bad(r, r->cols[r->n], "field longer than 65536 bytes");
				continue;
			}
			if (r->n < RESOLVER_IMPORT_MAX_COLUMNS)
				buf_addc(&r->data, ch);
		}
		if (r->n < RESOLVER_IMPORT_MAX_COLUMNS) {
			r->lens[r->n] = r->data.len - r->offs[r->n];
			buf_addc(&r->data, '\0');
			r->n++;
		}
		if (c->pos >= c->len)
			return 1;
		ch = c->s[c->pos++];
		if (ch == c->delim)
			continue;
		if (ch == '\r' && c->pos < c->len && c->s[c->pos] == '\n')
			c->pos++;
		csv_newline(c);
		return 1;
	}
}

static void
csv_rec_release(struct csv_rec *r)
{
	buf_release(&r->data);
	buf_release(&r->why);
	free(r->offs);
	free(r->lens);
	free(r->cols);
}

/* A record with nothing in it (a blank line, or only delimiters/space). */
static int
csv_blank(const struct csv_rec *r)
{
	size_t i, k;

	if (r->quoted || r->why.len)
		return 0;
	for (i = 0; i < r->n; i++)
		for (k = 0; k < r->lens[i]; k++)
			if (!is_ws(r->data.data[r->offs[i] + k]))
				return 0;
	return 1;
}

/* The delimiter of the header line: ',' unless only ';' or tabs appear. */
static char
csv_delimiter(const char *s, size_t len)
{
	size_t i, comma = 0, semi = 0, tab = 0;
	int q = 0;

	for (i = 0; i < len && i < RESOLVER_IMPORT_MAX_RECORD; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && (s[i] == '\n' || s[i] == '\r'))
			break;
		else if (!q && s[i] == ',')
			comma++;
		else if (!q && s[i] == ';')
			semi++;
		else if (!q && s[i] == '\t')
			tab++;
	}
	if (comma == 0 && semi > 0)
		return ';';
	if (comma == 0 && tab > 0)
		return '\t';
	return ',';
}

static int
import_csv(struct importer *im, const char *s, size_t len, struct err *e)
{
	struct csv c = { s, len, 0, 1, 0, ',' };
	struct csv_rec r;
	char **head = NULL;
	int *kinds = NULL;
	size_t n_head = 0, i;
	int ret, has_email = 0;

	memset(&r, 0, sizeof(r));
	buf_init(&r.data, 0);
	buf_init(&r.why, 0);
	im->rep->format = RESOLVER_FMT_CSV;
	c.delim = csv_delimiter(s, len);
	do {
		ret = csv_read(&c, &r, e);
		if (ret < 0)
			goto out;
	} while (ret == 1 && csv_blank(&r));
	if (ret == 0) {
		err_set_pos(e, 1, 0);
		ret = err_set(e, ERR_PARSE, "no header row (an empty file?)");
		goto out;
	}
	if (r.why.len) {
		err_set_pos(e, r.line, r.why_col);
		ret = err_set(e, ERR_PARSE, "header row: %s", r.why.data);
		goto out;
	}
	n_head = r.n;
	head = xcalloc(n_head, sizeof(*head));
	kinds = xcalloc(n_head, sizeof(*kinds));
	for (i = 0; i < n_head; i++) {
		const char *h = r.data.data + r.offs[i];
		size_t hl = r.lens[i];

		while (hl && is_ws(*h)) {
			h++;
			hl--;
		}
		while (hl && is_ws(h[hl - 1]))
			hl--;
		head[i] = xstrndup(h, hl);
		kinds[i] = (int)classify(head[i], &im->tmp);
		if (kinds[i] == K_EMAIL || kinds[i] == K_LOGIN)
			has_email = 1;
	}
	if (!has_email) {
		err_set_pos(e, r.line, 0);
		ret = err_set(e, ERR_PARSE, "the header row names no email column (expected email, "
			      "mail, primaryEmail, userName or userPrincipalName)");
		goto out;
	}
	for (;;) {
		ret = csv_read(&c, &r, e);
		if (ret <= 0)
			break;
		if (csv_blank(&r))
			continue;
		if ((ret = rec_begin(im, r.line, e)) < 0)
			goto out;
		if (r.why.len) {
			rec_bad(im, r.why_col, "%s", r.why.data);
		} else if (r.n != n_head) {
			rec_bad(im, 0, "%zu fields, the header has %zu", r.n, n_head);
		} else {
			for (i = 0; i < n_head; i++) {
				im->col = r.cols[i];
				rec_field_kind(im, head[i], kinds[i], r.data.data + r.offs[i],
					       r.lens[i]);
			}
		}
		rec_end(im);
	}
out:
	for (i = 0; i < n_head; i++)
		free(head[i]);
	free(head);
	free(kinds);
	csv_rec_release(&r);
	return ret < 0 ? ret : 0;
}

/* ---- JSON ------------------------------------------------------------- */

struct js {
	const char *s;
	size_t len, pos;
	unsigned long line;
	size_t line_start;
};

static unsigned long
js_col(const struct js *j)
{
	return (unsigned long)(j->pos - j->line_start + 1);
}

static void
js_ws(struct js *j)
{
	while (j->pos < j->len && is_ws(j->s[j->pos])) {
		if (j->s[j->pos++] == '\n') {
			j->line++;
			j->line_start = j->pos;
		}
	}
}

static int
js_fail(struct js *j, struct err *e, const char *what)
{
	err_set_pos(e, j->line, js_col(j));
	if (j->pos >= j->len)
		return err_set(e, ERR_PARSE, "unexpected end of input: %s", what);
	return err_set(e, ERR_PARSE, "%s", what);
}

static int
js_skip_string(struct js *j, struct err *e)
{
	j->pos++;
	for (;;) {
		if (j->pos >= j->len)
			return js_fail(j, e, "unterminated string");
		switch (j->s[j->pos]) {
		case '"':
			j->pos++;
			return 0;
		case '\\':
			j->pos += 2;
			if (j->pos > j->len)
				j->pos = j->len;
			break;
		case '\n':
			return js_fail(j, e, "line break inside a string");
		default:
			j->pos++;
		}
	}
}

/*
 * Move past one value, checking only brackets and strings (the value is
 * parsed for real afterwards, when it matters). Nesting is capped at 64.
 */
static int
js_skip(struct js *j, struct err *e)
{
	char stack[64];
	size_t depth = 0, n;
	int ret;
	char ch;

	for (;;) {
		js_ws(j);
		if (j->pos >= j->len)
			return js_fail(j, e, "a value is incomplete");
		ch = j->s[j->pos];
		if (ch == '"') {
			if ((ret = js_skip_string(j, e)) < 0)
				return ret;
		} else if (ch == '{' || ch == '[') {
			if (depth == sizeof(stack))
				return js_fail(j, e, "nested deeper than 64 levels");
			stack[depth++] = ch == '{' ? '}' : ']';
			j->pos++;
			continue;
		} else if (ch == '}' || ch == ']') {
			if (depth == 0 || stack[depth - 1] != ch)
				return js_fail(j, e, ch == '}' ? "unexpected '}'" : "unexpected ']'");
			depth--;
			j->pos++;
		} else if ((ch == ',' || ch == ':') && depth > 0) {
			j->pos++;
			continue;
		} else {
			for (n = 0; j->pos < j->len; j->pos++, n++) {
				ch = j->s[j->pos];
				if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				      (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.'))
					break;
			}
			if (n == 0)
				return js_fail(j, e, "unexpected character");
		}
		if (depth == 0)
			return 0;
	}
}

/* Text of a scalar as a field value; NULL for null, arrays and objects. */
static const char *
scalar_text(const cJSON *c, char *num, size_t numlen)
{
	if (cJSON_IsString(c))
		return c->valuestring;
	if (cJSON_IsBool(c))
		return cJSON_IsTrue(c) ? "true" : "false";
	if (cJSON_IsNumber(c)) {
		if (tree_is_integer(c) && c->valuestring)
			return c->valuestring;
		snprintf(num, numlen, "%.17g", c->valuedouble);
		return num;
	}
	return NULL;
}

static int
container_key(const char *name, struct buf *tmp)
{
	if (strncmp(name, "urn:", 4) == 0)
		return 1;
	buf_clear(tmp);
	resolver_attr_key(name, tmp);
	return strcmp(tmp->data, "profile") == 0 || strcmp(tmp->data, "identityattributes") == 0 ||
	       strcmp(tmp->data, "attributes") == 0 || strcmp(tmp->data, "customattributes") == 0;
}

/* Pass 1: scalars, the "name" object and attribute containers. */
static void
json_members(struct importer *im, const cJSON *obj, int depth)
{
	const cJSON *c, *n;
	char num[64];
	const char *v;

	for (c = obj->child; c; c = c->next) {
		if (c->string == NULL)
			continue;
		if (cJSON_IsObject(c)) {
			buf_clear(&im->tmp);
			resolver_attr_key(c->string, &im->tmp);
			if (strcmp(im->tmp.data, "name") == 0) {
				for (n = c->child; n; n = n->next)
					if (n->string && (v = scalar_text(n, num, sizeof(num))) != NULL)
						rec_field_str(im, n->string, v);
			} else if (depth < 3 && container_key(c->string, &im->tmp)) {
				json_members(im, c, depth + 1);
			}
		} else if ((v = scalar_text(c, num, sizeof(num))) != NULL) {
			rec_field_str(im, c->string, v);
		}
	}
}

struct addr_list {
	const char *v[64];
	int primary[64], work[64];
	size_t n;
};

/* Pass 2 gathers the "emails" arrays (strings or {value|address, primary, type}). */
static void
json_addresses(struct importer *im, const cJSON *obj, int depth, struct addr_list *al)
{
	const cJSON *c, *el, *x;

	for (c = obj->child; c; c = c->next) {
		if (c->string == NULL)
			continue;
		if (cJSON_IsObject(c) && depth < 3 && container_key(c->string, &im->tmp)) {
			json_addresses(im, c, depth + 1, al);
			continue;
		}
		if (!cJSON_IsArray(c))
			continue;
		buf_clear(&im->tmp);
		resolver_attr_key(c->string, &im->tmp);
		if (classify(c->string, &im->tmp) != K_ALIASES && strcmp(im->tmp.data, "othermails"))
			continue;
		for (el = c->child; el; el = el->next) {
			const char *a = NULL;
			int prim = 0, work = 0;

			if (cJSON_IsString(el)) {
				a = el->valuestring;
			} else if (cJSON_IsObject(el)) {
				x = cJSON_GetObjectItemCaseSensitive(el, "value");
				if (!cJSON_IsString(x))
					x = cJSON_GetObjectItemCaseSensitive(el, "address");
				a = cJSON_IsString(x) ? x->valuestring : NULL;
				prim = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(el, "primary"));
				x = cJSON_GetObjectItemCaseSensitive(el, "type");
				work = cJSON_IsString(x) && strcmp(x->valuestring, "work") == 0;
			}
			if (a == NULL || *a == '\0')
				continue;
			if (al->n == sizeof(al->v) / sizeof(al->v[0])) {
				rec_bad(im, im->col, "more than %d email addresses", RESOLVER_MAX_EMAILS);
				return;
			}
			al->v[al->n] = a;
			al->primary[al->n] = prim;
			al->work[al->n] = work;
			al->n++;
		}
	}
}

static void
json_user(struct importer *im, const cJSON *o, int scim)
{
	struct addr_list al;
	const cJSON *schemas, *x;
	size_t i, pick;

	if (!cJSON_IsObject(o)) {
		rec_bad(im, im->col, "a user must be a JSON object");
		return;
	}
	schemas = cJSON_GetObjectItemCaseSensitive(o, "schemas");
	if (scim && cJSON_IsArray(schemas)) {
		int user = 0;
		size_t n;

		cJSON_ArrayForEach(x, schemas) {
			if (cJSON_IsString(x) && (n = strlen(x->valuestring)) >= 5 &&
			    strcmp(x->valuestring + n - 5, ":User") == 0)
				user = 1;
		}
		if (!user) {
			rec_bad(im, im->col, "not a SCIM User resource");
			return;
		}
	}
	json_members(im, o, 0);
	al.n = 0;
	json_addresses(im, o, 0, &al);
	if (al.n == 0)
		return;
	pick = 0;
	for (i = al.n; i-- > 0;)
		if (al.work[i])
			pick = i;
	for (i = al.n; i-- > 0;)
		if (al.primary[i])
			pick = i;
	if (im->u->email == NULL) {
		if (resolver_email_valid(al.v[pick])) {
			im->u->email = xstrdup(al.v[pick]);
		} else {
			struct buf m = BUF_INIT;

			add_quoted(&m, al.v[pick]);
			rec_bad(im, im->col, "invalid email address %s", m.data);
			buf_release(&m);
		}
	}
	for (i = 0; i < al.n; i++)
		add_alias(im, al.v[i]);
}

/* The array of user objects at j->pos ('['). */
static int
json_users(struct importer *im, struct js *j, int scim, struct err *e)
{
	static const struct tree_limits lim = { RESOLVER_IMPORT_MAX_RECORD, 32, 20000 };
	unsigned long line, col;
	size_t start;
	int ret;

	j->pos++;
	js_ws(j);
	if (j->pos < j->len && j->s[j->pos] == ']') {
		j->pos++;
		return 0;
	}
	for (;;) {
		struct err pe = ERR_INIT;
		cJSON *tree = NULL;

		js_ws(j);
		start = j->pos;
		line = j->line;
		col = js_col(j);
		if ((ret = js_skip(j, e)) < 0)
			return ret;
		if ((ret = rec_begin(im, line, e)) < 0)
			return ret;
		im->col = col;
		if (j->pos - start > RESOLVER_IMPORT_MAX_RECORD) {
			rec_bad(im, col, "user object larger than %u bytes", RESOLVER_IMPORT_MAX_RECORD);
		} else if (jsonc_parse(j->s + start, j->pos - start, &lim, &tree, &pe) < 0) {
			/* Report where in the file, not where in the object. */
			im->line = line + (pe.line ? pe.line - 1 : 0);
			rec_bad(im, pe.line <= 1 ? col + (pe.col ? pe.col - 1 : 0) : pe.col, "%s",
				pe.msg);
		} else {
			json_user(im, tree, scim);
		}
		cJSON_Delete(tree);
		rec_end(im);
		js_ws(j);
		if (j->pos < j->len && j->s[j->pos] == ',') {
			j->pos++;
			continue;
		}
		if (j->pos < j->len && j->s[j->pos] == ']') {
			j->pos++;
			return 0;
		}
		return js_fail(j, e, "expected ',' or ']' after a user");
	}
}

static int
import_json(struct importer *im, const char *s, size_t len, enum resolver_format fmt,
	    struct err *e)
{
	struct js j = { s, len, 0, 1, 0 };
	int ret, found = 0;

	js_ws(&j);
	if (j.pos < len && s[j.pos] == '[') {
		if (fmt == RESOLVER_FMT_SCIM)
			return js_fail(&j, e, "expected a SCIM ListResponse object, found an array");
		im->rep->format = RESOLVER_FMT_JSON;
		if ((ret = json_users(im, &j, 0, e)) < 0)
			return ret;
	} else if (j.pos < len && s[j.pos] == '{') {
		j.pos++;
		for (;;) {
			size_t ks, vs;
			char *key;

			js_ws(&j);
			if (j.pos < len && s[j.pos] == '}' && !found) {
				j.pos++;
				break;
			}
			if (j.pos >= len || s[j.pos] != '"')
				return js_fail(&j, e, "expected a member name");
			ks = j.pos;
			if ((ret = js_skip_string(&j, e)) < 0)
				return ret;
			key = xstrndup(s + ks + 1, j.pos - ks - 2);
			js_ws(&j);
			if (j.pos >= len || s[j.pos] != ':') {
				free(key);
				return js_fail(&j, e, "expected ':'");
			}
			j.pos++;
			js_ws(&j);
			vs = j.pos;
			if (!found && j.pos < len && s[j.pos] == '[' &&
			    (strcmp(key, "Resources") == 0 || strcmp(key, "users") == 0 ||
			     strcmp(key, "value") == 0)) {
				found = 1;
				im->rep->format = strcmp(key, "Resources") == 0 ? RESOLVER_FMT_SCIM :
						  RESOLVER_FMT_JSON;
				ret = json_users(im, &j, im->rep->format == RESOLVER_FMT_SCIM, e);
			} else {
				ret = js_skip(&j, e);
				if (ret == 0 && strcmp(key, "totalResults") == 0) {
					char *end, *num = xstrndup(s + vs, j.pos - vs);
					long long v = strtoll(num, &end, 10);

					if (*num && *end == '\0' && v >= 0)
						im->rep->total_results = v;
					free(num);
				}
			}
			free(key);
			if (ret < 0)
				return ret;
			js_ws(&j);
			if (j.pos < len && s[j.pos] == ',') {
				j.pos++;
				continue;
			}
			if (j.pos < len && s[j.pos] == '}') {
				j.pos++;
				break;
			}
			return js_fail(&j, e, "expected ',' or '}'");
		}
		if (!found) {
			err_set_pos(e, 1, 0);
			return err_set(e, ERR_PARSE, "no \"Resources\" array: not a SCIM ListResponse "
				       "(nor a {\"users\": [...]} or {\"value\": [...]} list)");
		}
	} else {
		return js_fail(&j, e, "expected a JSON array of users or a SCIM ListResponse object");
	}
	js_ws(&j);
	if (j.pos < len)
		return js_fail(&j, e, "unexpected text after the end of the JSON document");
	return 0;
}

/* ---- entry points ----------------------------------------------------- */

int
resolver_import(const char *text, size_t len, enum resolver_format fmt,
		struct resolver_dir *dir, struct resolver_import *rep, struct err *e)
{
	struct importer im;
	size_t i = 0;
	int ret;

	memset(rep, 0, sizeof(*rep));
	rep->total_results = -1;
	if (len > RESOLVER_IMPORT_MAX_BYTES)
		return err_set(e, ERR_LIMIT, "directory file larger than %u bytes",
			       RESOLVER_IMPORT_MAX_BYTES);
	memset(&im, 0, sizeof(im));
	im.dir = dir;
	im.rep = rep;
	buf_init(&im.tmp, 0);
	buf_init(&im.why, 0);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	while (i < len && is_ws(text[i]))
		i++;
	if (fmt == RESOLVER_FMT_CSV || (fmt == RESOLVER_FMT_AUTO && (i == len ||
					(text[i] != '{' && text[i] != '['))))
		ret = import_csv(&im, text, len, e);
	else
		ret = import_json(&im, text, len, fmt, e);
	/* A fatal error in the middle of a record: drop the record too. */
	if (im.u)
		resolver_dir_drop_last(dir);
	seen_release(&im.seen);
	buf_release(&im.tmp);
	buf_release(&im.why);
	free(im.login_email);
	return ret;
}

static int
read_stdin(struct buf *out, struct err *e)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_add(out, chunk, n) < 0)
			return err_set(e, ERR_LIMIT, "standard input larger than %u bytes",
				       RESOLVER_IMPORT_MAX_BYTES);
	if (ferror(stdin))
		return err_sys(e, ERR_IO, "cannot read standard input");
	return 0;
}

int
resolver_import_file(const char *path, enum resolver_format fmt, struct resolver_dir *dir,
		     struct resolver_import *rep, struct err *e)
{
	struct buf b;
	int ret;

	buf_init(&b, RESOLVER_IMPORT_MAX_BYTES);
	if (strcmp(path, "-") == 0)
		ret = read_stdin(&b, e);
	else
		ret = file_read(path, RESOLVER_IMPORT_MAX_BYTES, FILE_FOLLOW, &b, NULL, e);
	if (ret == 0)
		ret = resolver_import(b.data, b.len, fmt, dir, rep, e);
	else
		memset(rep, 0, sizeof(*rep));
	if (ret < 0)
		err_set_path(e, strcmp(path, "-") == 0 ? "<stdin>" : path);
	buf_release(&b);
	return ret;
}
