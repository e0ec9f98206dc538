/* Enforcement rules: rules.json model, strict loading, atomic 0600 saving,
 * and the first-match decision over managed sources, allowlist and hashes. */
#include "hooks/policy.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parsers/tree.h"
#include "util/file.h"
#include "util/state.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define POLICY_MAX_ENTRIES 100000
#define PROXY_PATH "/api/v1/proxy"

const char *
policy_mode_name(enum policy_mode m)
{
	switch (m) {
	case POLICY_MONITOR: return "monitor";
	case POLICY_PROTECT: return "protect";
	default: return "enforce";
	}
}

int
policy_mode_parse(const char *s, enum policy_mode *out)
{
	static const char *const names[] = { "monitor", "protect", "enforce" };
	size_t n, i;

	if (s == NULL)
		return -1;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	for (i = 0; i < 3; i++) {
		if (strlen(names[i]) == n && strncasecmp(s, names[i], n) == 0) {
			*out = (enum policy_mode)i;
			return 0;
		}
	}
	return -1;
}

const char *
policy_rule_name(enum policy_rule r)
{
	switch (r) {
	case RULE_DENIED: return "denied";
	case RULE_MANAGED_PROXY: return "managed_proxy";
	case RULE_MANAGED_STDIO: return "managed_stdio";
	case RULE_ALLOWLIST: return "allowlist";
	case RULE_APPROVED: return "approved";
	case RULE_BAD_URL: return "bad_url";
	case RULE_SHADOW: return "shadow";
	default: return "unmanaged";
	}
}

void
policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = POLICY_ENFORCE;
}

static void
url_release_one(struct policy_url *u)
{
	free(u->text);
	uri_release(&u->uri);
	free(u->source);
}

static void
hash_release_one(struct policy_hash *h)
{
	free(h->config_hash);
	free(h->name);
	free(h->client);
	free(h->source);
	free(h->at);
}

void
policy_release(struct policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_hosts; i++)
		url_release_one(&p->hosts[i]);
	for (i = 0; i < p->n_allow; i++)
		url_release_one(&p->allow[i]);
	for (i = 0; i < p->n_approved; i++)
		hash_release_one(&p->approved[i]);
	for (i = 0; i < p->n_denied; i++)
		hash_release_one(&p->denied[i]);
	free(p->hosts);
	free(p->allow);
	free(p->approved);
	free(p->denied);
	free(p->path);
	free(p->generated_at);
	free(p->baseline_at);
	policy_init(p);
}

char *
policy_default_path(struct err *e)
{
	char *dir = state_dir(e), *p;

	if (dir == NULL)
		return NULL;
	p = path_join(dir, POLICY_FILE_NAME);
	free(dir);
	return p;
}

static void
now_text(char out[32])
{
	struct timespec t;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &t);
	gmtime_r(&t.tv_sec, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- edits ---------------------------------------------------------------- */

static int
url_list_add(struct policy_url **v, size_t *n, const char *url, const char *source,
	     struct err *e)
{
	struct uri u = URI_INIT;
	char *text;
	size_t i;
	int ret;

	if ((ret = uri_parse_base(url, &u, e)) < 0)
		return ret;
	text = uri_format(&u, 0);
	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i].text, text) == 0) {
			free(text);
			uri_release(&u);
			return 0;
		}
	}
	if (*n >= POLICY_MAX_ENTRIES) {
		free(text);
		uri_release(&u);
		return err_set(e, ERR_LIMIT, "more than %d URLs", POLICY_MAX_ENTRIES);
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].text = text;
	(*v)[*n].uri = u;
	(*v)[*n].source = xstrdup(source ? source : "rules");
	(*n)++;
	return 1;
}

int
policy_allow_url(struct policy *p, const char *url, const char *source, struct err *e)
{
	return url_list_add(&p->allow, &p->n_allow, url, source, e);
}

int
policy_add_host(struct policy *p, const char *url, const char *source, struct err *e)
{
	return url_list_add(&p->hosts, &p->n_hosts, url, source, e);
}

int
policy_remove_url(struct policy *p, const char *url, struct err *e)
{
	struct uri u = URI_INIT;
	char *text;
	size_t i;
	int ret;

	if ((ret = uri_parse_base(url, &u, e)) < 0)
		return ret;
	text = uri_format(&u, 0);
	uri_release(&u);
	for (i = 0; i < p->n_allow; i++) {
		if (strcmp(p->allow[i].text, text) == 0) {
			url_release_one(&p->allow[i]);
			memmove(&p->allow[i], &p->allow[i + 1],
				(p->n_allow - i - 1) * sizeof(*p->allow));
			p->n_allow--;
			free(text);
			return 1;
		}
	}
	free(text);
	return 0;
}

static int
valid_hash(const char *h, char out[65])
{
	size_t i;

	if (h == NULL || strlen(h) != 64)
		return 0;
	for (i = 0; i < 64; i++) {
		char c = h[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
		out[i] = c;
	}
	out[64] = '\0';
	return 1;
}

static ssize_t
hash_index(const struct policy_hash *v, size_t n, const char *hash)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].config_hash, hash) == 0)
			return (ssize_t)i;
	return -1;
}

static void
hash_remove(struct policy_hash *v, size_t *n, size_t i)
{
	hash_release_one(&v[i]);
	memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(*v));
	(*n)--;
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void
hash_append(struct policy_hash **v, size_t *n, const char *hash, const char *name,
	    const char *client, const char *source, const char *at)
{
	char now[32];

	if (at == NULL) {
		now_text(now);
		at = now;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].config_hash = xstrdup(hash);
	(*v)[*n].name = dup_or_null(name);
	(*v)[*n].client = dup_or_null(client);
	(*v)[*n].source = xstrdup(source ? source : "admin");
	(*v)[*n].at = xstrdup(at);
	(*n)++;
}

int
policy_set_hash(struct policy *p, const char *hash, int deny, const char *name,
		const char *client, const char *source, struct err *e)
{
	char h[65];
	struct policy_hash **to = deny ? &p->denied : &p->approved;
	size_t *nto = deny ? &p->n_denied : &p->n_approved;
	struct policy_hash *from = deny ? p->approved : p->denied;
	size_t *nfrom = deny ? &p->n_approved : &p->n_denied;
	ssize_t i;
	int changed = 0;

	if (!valid_hash(hash, h))
		return err_set(e, ERR_INVALID, "'%s' is not a config_hash (64 hex digits)",
			       hash ? hash : "");
	if ((i = hash_index(from, *nfrom, h)) >= 0) {
		hash_remove(from, nfrom, (size_t)i);
		changed = 1;
	}
	if ((i = hash_index(*to, *nto, h)) >= 0) {
		struct policy_hash *x = &(*to)[i];

		/* An admin decision outranks a baseline one. */
		if (source && strcmp(source, "admin") == 0 && strcmp(x->source, "admin") != 0) {
			free(x->source);
			x->source = xstrdup("admin");
			changed = 1;
		}
		if (name && x->name == NULL)
			x->name = xstrdup(name);
		if (client && x->client == NULL)
			x->client = xstrdup(client);
		return changed;
	}
	if (*nto >= POLICY_MAX_ENTRIES)
		return err_set(e, ERR_LIMIT, "more than %d config hashes", POLICY_MAX_ENTRIES);
	hash_append(to, nto, h, name, client, source, NULL);
	return 1;
}

int
policy_forget_hash(struct policy *p, const char *hash, struct err *e)
{
	char h[65];
	ssize_t i;
	int removed = 0;

	if (!valid_hash(hash, h))
		return err_set(e, ERR_INVALID, "'%s' is not a config_hash (64 hex digits)",
			       hash ? hash : "");
	if ((i = hash_index(p->approved, p->n_approved, h)) >= 0) {
		hash_remove(p->approved, &p->n_approved, (size_t)i);
		removed = 1;
	}
	if ((i = hash_index(p->denied, p->n_denied, h)) >= 0) {
		hash_remove(p->denied, &p->n_denied, (size_t)i);
		removed = 1;
	}
	return removed;
}

size_t
policy_drop_baseline(struct policy *p)
{
	size_t i = 0, dropped = 0;

	while (i < p->n_approved) {
		if (strcmp(p->approved[i].source, "baseline") == 0) {
			hash_remove(p->approved, &p->n_approved, i);
			dropped++;
		} else {
			i++;
		}
	}
	return dropped;
}

/* ---- load / save ---------------------------------------------------------- */

static const char *
str_member(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
load_urls(struct policy *p, const cJSON *arr, int hosts, const char *key, struct err *e)
{
	const cJSON *c;
	size_t i = 0;

	if (arr == NULL)
		return 0;
	if (!cJSON_IsArray(arr))
		return err_set(e, ERR_PARSE, "'%s' must be an array of URLs", key);
	cJSON_ArrayForEach(c, arr) {
		const char *text = cJSON_IsString(c) ? c->valuestring : str_member(c, "url");
		const char *src = cJSON_IsObject(c) ? str_member(c, "source") : NULL;
		struct err ue = ERR_INIT;
		int ret;

		if (text == NULL)
			return err_set(e, ERR_PARSE, "%s[%zu] is not a URL", key, i);
		ret = hosts ? policy_add_host(p, text, src ? src : "rules", &ue)
			    : policy_allow_url(p, text, src ? src : "rules", &ue);
		if (ret < 0)
			return err_set(e, ERR_PARSE, "%s[%zu] '%s': %s", key, i, text, ue.msg);
		i++;
	}
	return 0;
}

static int
load_hashes(struct policy *p, const cJSON *arr, int deny, const char *key, struct err *e)
{
	const cJSON *c;
	size_t i = 0;

	if (arr == NULL)
		return 0;
	if (!cJSON_IsArray(arr))
		return err_set(e, ERR_PARSE, "'%s' must be an array", key);
	cJSON_ArrayForEach(c, arr) {
		const char *h = cJSON_IsString(c) ? c->valuestring : str_member(c, "config_hash");
		const char *src = str_member(c, "source");
		char hh[65];

		if (!valid_hash(h, hh))
			return err_set(e, ERR_PARSE, "%s[%zu] has no valid config_hash", key, i);
		if (src && strcmp(src, "admin") != 0 && strcmp(src, "baseline") != 0)
			return err_set(e, ERR_PARSE, "%s[%zu]: source must be admin or baseline", key, i);
		if (hash_index(deny ? p->denied : p->approved, deny ? p->n_denied : p->n_approved,
			       hh) < 0) {
			if ((deny ? p->n_denied : p->n_approved) >= POLICY_MAX_ENTRIES)
				return err_set(e, ERR_LIMIT, "more than %d entries in '%s'",
					       POLICY_MAX_ENTRIES, key);
			hash_append(deny ? &p->denied : &p->approved,
				    deny ? &p->n_denied : &p->n_approved, hh, str_member(c, "name"),
				    str_member(c, "client"), src ? src : "admin",
				    str_member(c, "at") ? str_member(c, "at") : "");
		}
		i++;
	}
	return 0;
}

int
policy_load(struct policy *p, const char *path, struct err *e)
{
	struct buf b = BUF_INIT;
	cJSON *root = NULL;
	const cJSON *v;
	const char *s, *end = NULL;
	int ret;

	free(p->path);
	p->path = xstrdup(path);
	ret = file_read(path, POLICY_MAX_BYTES, FILE_FOLLOW, &b, NULL, e);
	if (ret == -ERR_NOTFOUND || (ret == -ERR_IO && e && e->sys_errno == ENOENT)) {
		err_clear(e);
		buf_release(&b);
		return 0;
	}
	if (ret < 0)
		goto out;
	root = cJSON_ParseWithLengthOpts(b.data, b.len, &end, 0);
	if (root == NULL) {
		unsigned long line, col;
		size_t off = end && end >= b.data ? (size_t)(end - b.data) : 0;

		err_pos_of(b.data, b.len, off, &line, &col);
		ret = err_set(e, ERR_PARSE, "rules file is not valid JSON");
		err_set_pos(e, line, col);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		ret = err_set(e, ERR_PARSE, "rules file is not a JSON object");
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "version");
	/* No cast before the range is known: (int)1e300 is undefined. */
	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble != floor(v->valuedouble)) {
		ret = err_set(e, ERR_PARSE, "rules file has no valid \"version\"");
		goto out;
	}
	if (v->valuedouble > POLICY_VERSION) {
		ret = err_set(e, ERR_INVALID, "rules file version %d is newer than this runlayer "
			      "supports (%d); upgrade runlayer", v->valueint, POLICY_VERSION);
		goto out;
	}
	if ((s = str_member(root, "mode")) != NULL) {
		if (policy_mode_parse(s, &p->mode) < 0) {
			ret = err_set(e, ERR_PARSE, "unknown mode '%s' (monitor, protect or enforce)", s);
			goto out;
		}
	} else if (cJSON_GetObjectItemCaseSensitive(root, "mode")) {
		ret = err_set(e, ERR_PARSE, "\"mode\" must be a string");
		goto out;
	}
	if ((s = str_member(root, "generated_at")) != NULL)
		p->generated_at = xstrdup(s);
	if ((s = str_member(cJSON_GetObjectItemCaseSensitive(root, "baseline"), "at")) != NULL)
		p->baseline_at = xstrdup(s);
	if ((ret = load_urls(p, cJSON_GetObjectItemCaseSensitive(root, "managed_hosts"), 1,
			     "managed_hosts", e)) < 0 ||
	    (ret = load_urls(p, cJSON_GetObjectItemCaseSensitive(root, "allowlist"), 0,
			     "allowlist", e)) < 0 ||
	    (ret = load_hashes(p, cJSON_GetObjectItemCaseSensitive(root, "approved"), 0,
			       "approved", e)) < 0 ||
	    (ret = load_hashes(p, cJSON_GetObjectItemCaseSensitive(root, "denied"), 1,
			       "denied", e)) < 0)
		goto out;
	p->exists = 1;
out:
	if (ret < 0) {
		char *keep = p->path;

		p->path = NULL;
		policy_release(p);
		p->path = keep;
		err_set_path(e, path);
	}
	cJSON_Delete(root);
	buf_release(&b);
	return ret;
}

static void
add_opt_string(cJSON *o, const char *k, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(o, k, v);
}

static cJSON *
urls_json(const struct policy_url *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "url", v[i].text);
		cJSON_AddStringToObject(o, "source", v[i].source);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
hashes_json(const struct policy_hash *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "config_hash", v[i].config_hash);
		add_opt_string(o, "name", v[i].name);
		add_opt_string(o, "client", v[i].client);
		cJSON_AddStringToObject(o, "source", v[i].source);
		add_opt_string(o, "at", v[i].at);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *
policy_to_json(const struct policy *p)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "version", tree_new_integer(POLICY_VERSION));
	add_opt_string(o, "generated_at", p->generated_at);
	cJSON_AddStringToObject(o, "mode", policy_mode_name(p->mode));
	if (p->baseline_at) {
		cJSON *b = cJSON_AddObjectToObject(o, "baseline");
		size_t i, n = 0;

		cJSON_AddStringToObject(b, "at", p->baseline_at);
		for (i = 0; i < p->n_approved; i++)
			n += strcmp(p->approved[i].source, "baseline") == 0;
		cJSON_AddItemToObject(b, "servers", tree_new_integer((long long)n));
	}
	cJSON_AddItemToObject(o, "managed_hosts", urls_json(p->hosts, p->n_hosts));
	cJSON_AddItemToObject(o, "allowlist", urls_json(p->allow, p->n_allow));
	cJSON_AddItemToObject(o, "approved", hashes_json(p->approved, p->n_approved));
	cJSON_AddItemToObject(o, "denied", hashes_json(p->denied, p->n_denied));
	return o;
}

int
policy_save(struct policy *p, struct err *e)
{
	cJSON *j;
	char *text, *dir, *slash;
	struct buf b = BUF_INIT;
	int ret;

	if (p->path == NULL)
		return err_set(e, ERR_INVALID, "no rules file path");
	if (p->generated_at == NULL) {
		char now[32];

		now_text(now);
		p->generated_at = xstrdup(now);
	}
	dir = xstrdup(p->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if ((ret = file_mkdirs(dir, 0700, e)) < 0) {
			free(dir);
			return ret;
		}
	}
	free(dir);
	j = policy_to_json(p);
	text = tree_print(j, 1, 0);
	cJSON_Delete(j);
	buf_adds(&b, text);
	buf_addc(&b, '\n');
	free(text);
	ret = file_write_atomic(p->path, b.data, b.len, 0600, 0, e);
	buf_release(&b);
	if (ret == 0)
		p->exists = 1;
	return ret;
}

/* ---- decisions ------------------------------------------------------------ */

static const struct policy_hash *
find_hash(const struct policy_hash *v, size_t n, const char *hash)
{
	char h[65];
	ssize_t i;

	if (!valid_hash(hash, h))
		return NULL;
	i = hash_index(v, n, h);
	return i >= 0 ? &v[i] : NULL;
}

/* Is u a proxy URL of managed host h: <h>/api/v1/proxy/<something>? */
static int
is_proxy_url(const struct policy_url *h, const struct uri *u)
{
	const char *hp = h->uri.path;
	size_t hn = strlen(hp), pn = strlen(PROXY_PATH);

	if (strcmp(h->uri.scheme, u->scheme) != 0 || strcmp(h->uri.host, u->host) != 0 ||
	    uri_effective_port(&h->uri) != uri_effective_port(u))
		return 0;
	if (hn == 1 && hp[0] == '/')
		hn = 0;
	if (strncmp(u->path, hp, hn) != 0 || strncmp(u->path + hn, PROXY_PATH, pn) != 0)
		return 0;
	/* a segment boundary and at least one more segment */
	return u->path[hn + pn] == '/' && u->path[hn + pn + 1] != '\0' &&
	       u->path[hn + pn + 1] != '/';
}

static void
detailf(struct policy_decision *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
detailf(struct policy_decision *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
	va_end(ap);
}

void
policy_decide(const struct policy *p, const struct policy_subject *s, struct policy_decision *d)
{
	const struct policy_hash *h;
	char why[300] = "";
	int bad_url = 0;
	size_t i;

	memset(d, 0, sizeof(*d));
	if (s->config_hash && (h = find_hash(p->denied, p->n_denied, s->config_hash)) != NULL) {
		d->rule = RULE_DENIED;
		detailf(d, "config_hash %s denied by %s", h->config_hash, h->source);
		return;
	}
	if (s->url) {
		struct uri u = URI_INIT;
		struct err e = ERR_INIT;

		if (uri_parse(s->url, &u, &e) < 0) {
			bad_url = 1;
			snprintf(why, sizeof(why), "%.250s", e.msg);
		} else {
			for (i = 0; i < p->n_hosts; i++) {
				if (is_proxy_url(&p->hosts[i], &u)) {
					d->allow = 1;
					d->rule = RULE_MANAGED_PROXY;
					detailf(d, "proxy of managed host %s", p->hosts[i].text);
					uri_release(&u);
					return;
				}
			}
			for (i = 0; i < p->n_allow; i++) {
				if (uri_under(&p->allow[i].uri, &u)) {
					d->allow = 1;
					d->rule = RULE_ALLOWLIST;
					detailf(d, "under allowlisted %s", p->allow[i].text);
					uri_release(&u);
					return;
				}
			}
		}
		uri_release(&u);
	} else if (s->command) {
		if (policy_managed_stdio(p, s->command, s->args, why, sizeof(why))) {
			d->allow = 1;
			d->rule = RULE_MANAGED_STDIO;
			detailf(d, "runlayer run (managed stdio)");
			return;
		}
	}
	if (s->config_hash && (h = find_hash(p->approved, p->n_approved, s->config_hash)) != NULL) {
		d->allow = 1;
		d->rule = RULE_APPROVED;
		detailf(d, "config_hash %s approved (%s%s%s)", h->config_hash, h->source,
			h->at && *h->at ? " " : "", h->at ? h->at : "");
		return;
	}
	if (bad_url) {
		d->rule = RULE_BAD_URL;
		detailf(d, "URL refused: %s", why);
	} else if (!s->found) {
		d->rule = RULE_SHADOW;
		detailf(d, "not defined in any configuration the client reads");
	} else {
		d->rule = RULE_UNMANAGED;
		if (s->url)
			detailf(d, "URL is not a managed Runlayer proxy and not on the allowlist; "
				"config_hash not approved");
		else if (s->command)
			detailf(d, "command is not a managed 'runlayer run' launch (%s); "
				"config_hash not approved", why);
		else
			detailf(d, "no URL or command known; config_hash not approved");
	}
}

/* ---- managed stdio -------------------------------------------------------- */

struct words {
	char **v;
	size_t n;
};

static void
words_add(struct words *w, const char *s, size_t len)
{
	w->v = xreallocarray(w->v, w->n + 1, sizeof(*w->v));
	w->v[w->n++] = xstrndup(s, len);
}

static void
words_release(struct words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

/* Split a command line at blanks, honouring '…' and "…" quotes. */
static void
split_line(const char *s, struct words *w)
{
	struct buf cur = BUF_INIT;
	int in = 0;
	char q = 0;

	for (;; s++) {
		char c = *s;

		if (c == '\0' || (!q && (c == ' ' || c == '\t' || c == '\n'))) {
			if (in)
				words_add(w, cur.data, cur.len);
			buf_clear(&cur);
			in = 0;
			if (c == '\0')
				break;
			continue;
		}
		in = 1;
		if (q) {
			if (c == q)
				q = 0;
			else
				buf_addc(&cur, c);
		} else if (c == '\'' || c == '"') {
			q = c;
		} else {
			buf_addc(&cur, c);
		}
	}
	buf_release(&cur);
}

/* Basename without a Windows .exe, for comparing program names. */
static int
prog_is(const char *path, const char *name)
{
	const char *b = path, *p;
	size_t n, ln = strlen(name);

	for (p = path; *p; p++)
		if (*p == '/' || *p == '\\')
			b = p + 1;
	n = strlen(b);
	if (n == ln + 4 && strcasecmp(b + ln, ".exe") == 0)
		n = ln;
	return n == ln && strncmp(b, name, ln) == 0;
}

/* "runlayer", "runlayer@1.2", "runlayer==1.2", "runlayer>=1" (a package spec). */
static int
is_runlayer_spec(const char *s)
{
	if (strncmp(s, "runlayer", 8) != 0)
		return 0;
	s += 8;
	if (*s == '\0')
		return 1;
	if (*s == '@' || *s == '=' || *s == '>' || *s == '<' || *s == '~' || *s == '!') {
		/* a version, never a URL or path */
		for (; *s; s++)
			if (*s == '/' || *s == ':' || *s == '\\')
				return 0;
		return 1;
	}
	return 0;
}

static int
is_uuid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };
	size_t i, k = 0;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (k < 4 && (int)i == dash[k]) {
			if (s[i] != '-')
				return 0;
			k++;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			     (s[i] >= 'A' && s[i] <= 'F'))) {
			return 0;
		}
	}
	return 1;
}

/*
 * Skip the launcher's options at w->v[*i]: only harmless ones pass; --from
 * and --spec must name the runlayer package. Returns 0, or -1 with why.
 */
static int
skip_launcher_opts(const struct words *w, size_t *i, char *why, size_t wn)
{
	static const char *const flags[] = {
		"--quiet", "-q", "--no-cache", "--refresh", "--offline", "--isolated", NULL
	};
	static const char *const valued[] = { "--python", "-p", NULL };

	while (*i < w->n && w->v[*i][0] == '-') {
		const char *o = w->v[*i], *eq = strchr(o, '=');
		size_t on = eq ? (size_t)(eq - o) : strlen(o), k;
		int known = 0;

		for (k = 0; flags[k]; k++)
			if (strlen(flags[k]) == on && strncmp(o, flags[k], on) == 0 && !eq)
				known = 1;
		for (k = 0; !known && valued[k]; k++) {
			if (strlen(valued[k]) == on && strncmp(o, valued[k], on) == 0) {
				known = 1;
				if (!eq)
					(*i)++;
			}
		}
		if (!known && ((on == 6 && strncmp(o, "--from", 6) == 0) ||
			       (on == 6 && strncmp(o, "--spec", 6) == 0))) {
			const char *val = eq ? eq + 1 : (*i + 1 < w->n ? w->v[*i + 1] : "");

			if (!is_runlayer_spec(val)) {
				snprintf(why, wn, "launcher option %.*s names another package", (int)on, o);
				return -1;
			}
			if (!eq)
				(*i)++;
			known = 1;
		}
		if (!known) {
			snprintf(why, wn, "launcher option '%.80s' is not allowed for managed servers", o);
			return -1;
		}
		(*i)++;
	}
	return 0;
}

static int
host_is_managed(const struct policy *p, const char *url)
{
	struct uri u = URI_INIT;
	size_t i;
	int ok = 0;

	if (uri_parse_base(url, &u, NULL) < 0)
		return 0;
	for (i = 0; i < p->n_hosts && !ok; i++)
		ok = strcmp(p->hosts[i].uri.scheme, u.scheme) == 0 &&
		     strcmp(p->hosts[i].uri.host, u.host) == 0 &&
		     uri_effective_port(&p->hosts[i].uri) == uri_effective_port(&u) &&
		     strcmp(p->hosts[i].uri.path, u.path) == 0;
	uri_release(&u);
	return ok;
}

int
policy_managed_stdio(const struct policy *p, const char *command, const cJSON *args,
		     char *detail, size_t detail_len)
{
	struct words w = { NULL, 0 };
	char why[300] = "not a 'runlayer run <uuid>' command";
	size_t i = 0;
	int ok = 0;

	if (command == NULL || *command == '\0')
		goto out;
	if (cJSON_IsArray(args)) {
		const cJSON *c;

		words_add(&w, command, strlen(command));
		cJSON_ArrayForEach(c, args) {
			if (!cJSON_IsString(c)) {
				snprintf(why, sizeof(why), "non-string argument");
				goto out;
			}
			words_add(&w, c->valuestring, strlen(c->valuestring));
		}
	} else {
		split_line(command, &w);
	}
	if (w.n == 0)
		goto out;
	if (prog_is(w.v[0], "runlayer")) {
		i = 1;
	} else if (prog_is(w.v[0], "uvx") ||
		   (prog_is(w.v[0], "uv") && w.n > 2 && strcmp(w.v[1], "tool") == 0 &&
		    strcmp(w.v[2], "run") == 0) ||
		   (prog_is(w.v[0], "pipx") && w.n > 1 && strcmp(w.v[1], "run") == 0)) {
		i = prog_is(w.v[0], "uvx") ? 1 : prog_is(w.v[0], "uv") ? 3 : 2;
		if (skip_launcher_opts(&w, &i, why, sizeof(why)) < 0)
			goto out;
		if (i >= w.n || !is_runlayer_spec(w.v[i]))
			goto out;
		i++;
	} else {
		goto out;
	}
	if (i + 1 >= w.n || strcmp(w.v[i], "run") != 0)
		goto out;
	if (!is_uuid(w.v[i + 1])) {
		snprintf(why, sizeof(why), "'runlayer run' without a server UUID");
		goto out;
	}
	for (i += 2; i < w.n; i++) {
		const char *a = w.v[i], *host = NULL;

		if (strcmp(a, "--host") == 0 || strcmp(a, "-H") == 0)
			host = i + 1 < w.n ? w.v[++i] : "";
		else if (strncmp(a, "--host=", 7) == 0)
			host = a + 7;
		if (host && !host_is_managed(p, host)) {
			snprintf(why, sizeof(why), "--host %.200s is not a managed Runlayer host", host);
			goto out;
		}
	}
	ok = 1;
out:
	if (!ok && detail)
		snprintf(detail, detail_len, "%s", why);
	words_release(&w);
	return ok;
}

/* ---- description ---------------------------------------------------------- */

void
policy_describe(const struct policy *p, struct buf *out)
{
	size_t i, base = 0;

	for (i = 0; i < p->n_approved; i++)
		base += strcmp(p->approved[i].source, "baseline") == 0;
	if (p->exists)
		buf_addf(out, "Rules: %s (mode %s%s%s)\n", p->path ? p->path : "?",
			 policy_mode_name(p->mode), p->generated_at ? ", generated " : "",
			 p->generated_at ? p->generated_at : "");
	else
		buf_addf(out, "Rules: none yet (%s); built-in default, mode %s\n",
			 p->path ? p->path : "~/.runlayer/rules.json", policy_mode_name(p->mode));
	buf_adds(out, "Allowed MCP servers:\n");
	if (p->n_hosts) {
		for (i = 0; i < p->n_hosts; i++)
			buf_addf(out, "  - proxies of the managed Runlayer host %s\n", p->hosts[i].text);
	} else {
		buf_adds(out, "  - no managed Runlayer host configured (run 'runlayer login')\n");
	}
	buf_adds(out, "  - 'runlayer run <uuid>' stdio servers\n");
	if (p->n_allow)
		buf_addf(out, "  - %zu allowlisted base URL%s\n", p->n_allow, p->n_allow == 1 ? "" : "s");
	if (p->n_approved - base)
		buf_addf(out, "  - %zu server%s approved by config_hash\n", p->n_approved - base,
			 p->n_approved - base == 1 ? "" : "s");
	if (base)
		buf_addf(out, "  - %zu server%s approved by the baseline of %s\n", base,
			 base == 1 ? "" : "s", p->baseline_at ? p->baseline_at : "?");
	if (p->n_denied)
		buf_addf(out, "Denied by config_hash: %zu server%s\n", p->n_denied,
			 p->n_denied == 1 ? "" : "s");
	buf_adds(out, "Every other MCP server is a shadow server");
	buf_adds(out, p->mode == POLICY_MONITOR ? " and is recorded (monitor mode: nothing is blocked).\n"
						: " and is blocked.\n");
	if (!base)
		buf_adds(out, "To approve the servers configured today before enforcing, run\n"
			      "'runlayer scan' then 'runlayer policy generate --baseline'.\n");
}
