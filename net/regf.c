/* A minimal, bounds-checked reader of Windows registry hive files: walk
 * from the root key down a path through lf/lh/li/ri lists, read the values. */
#include "net/regf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parsers/tree.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define REGF_BASE	4096u	/* cell offsets count from the first hbin */
#define NK_HEADER	0x4c
#define VK_HEADER	0x14
#define KEY_COMP_NAME	0x0020
#define VALUE_COMP_NAME	0x0001

enum { REG_SZ = 1, REG_EXPAND_SZ = 2, REG_DWORD = 4, REG_QWORD = 11 };

struct hive {
	int fd;
	uint64_t size;
	struct err *e;
	size_t visits;		/* list entries examined for the current key name */
};

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int
damaged(struct hive *h, const char *what)
{
	return err_set(h->e, ERR_PARSE, "damaged registry hive: %s", what);
}

static int
read_at(struct hive *h, uint64_t off, void *dst, size_t n)
{
	ssize_t r;

	if (off > h->size || n > h->size - off)
		return damaged(h, "offset past the end of the file");
	r = pread(h->fd, dst, n, (off_t)off);
	if (r < 0)
		return err_sys(h->e, ERR_IO, "cannot read");
	if ((size_t)r != n)
		return damaged(h, "short read");
	return 0;
}

/* The data of the cell at a hive offset (new buffer in *data, *len bytes). */
static int
read_cell(struct hive *h, uint32_t off, unsigned char **data, size_t *len)
{
	unsigned char sz[4];
	int32_t size;
	int ret;

	*data = NULL;
	if (off == 0xffffffffu)
		return damaged(h, "missing cell");
	if ((ret = read_at(h, (uint64_t)REGF_BASE + off, sz, 4)) < 0)
		return ret;
	size = (int32_t)le32(sz);
	if (size >= 0)
		return damaged(h, "reference to a free cell");
	if (size == INT32_MIN || (uint32_t)-size < 8 || (uint32_t)-size > REGF_MAX_CELL)
		return damaged(h, "bad cell size");
	*len = (size_t)(-size) - 4;
	*data = xmalloc(*len);
	if ((ret = read_at(h, (uint64_t)REGF_BASE + off + 4, *data, *len)) < 0) {
		free(*data);
		*data = NULL;
	}
	return ret;
}

/* A key or value name as UTF-8 (compressed names are Latin-1). */
static char *
name_utf8(const unsigned char *p, size_t n, int compressed)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i + (compressed ? 0 : 1) < n; i += compressed ? 1 : 2) {
		unsigned cp = compressed ? p[i] : le16(p + i);

		if (cp == 0)
			break;
		if (cp < 0x80) {
			buf_addc(&b, (char)cp);
		} else if (cp < 0x800) {
			buf_addc(&b, (char)(0xc0 | (cp >> 6)));
			buf_addc(&b, (char)(0x80 | (cp & 0x3f)));
		} else if (cp >= 0xd800 && cp <= 0xdbff && !compressed && i + 3 < n &&
			   le16(p + i + 2) >= 0xdc00 && le16(p + i + 2) <= 0xdfff) {
			unsigned long c = 0x10000 + ((unsigned long)(cp - 0xd800) << 10) +
					  (le16(p + i + 2) - 0xdc00u);

			buf_addc(&b, (char)(0xf0 | (c >> 18)));
			buf_addc(&b, (char)(0x80 | ((c >> 12) & 0x3f)));
			buf_addc(&b, (char)(0x80 | ((c >> 6) & 0x3f)));
			buf_addc(&b, (char)(0x80 | (c & 0x3f)));
			i += 2;
		} else {
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;
			buf_addc(&b, (char)(0xe0 | (cp >> 12)));
			buf_addc(&b, (char)(0x80 | ((cp >> 6) & 0x3f)));
			buf_addc(&b, (char)(0x80 | (cp & 0x3f)));
		}
	}
	return buf_detach(&b, NULL);
}

/* ASCII case-insensitive equality (registry names fold case). */
static int
name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
}

static int
read_nk(struct hive *h, uint32_t off, unsigned char **nk, size_t *len)
{
	int ret = read_cell(h, off, nk, len);

	if (ret < 0)
		return ret;
	if (*len < NK_HEADER || memcmp(*nk, "nk", 2) != 0 ||
	    le16(*nk + 0x48) > *len - NK_HEADER) {
		free(*nk);
		*nk = NULL;
		return damaged(h, "bad key node");
	}
	return 0;
}

/* Find the child named name in a subkey list (recursing once through ri). */
static int
find_in_list(struct hive *h, uint32_t list, const char *name, int depth, uint32_t *found)
{
	unsigned char *l = NULL;
	size_t len, i, n, stride;
	int ret;

	if ((ret = read_cell(h, list, &l, &len)) < 0)
		return ret;
	if (len < 4) {
		ret = damaged(h, "bad subkey list");
		goto out;
	}
	n = le16(l + 2);
	if (memcmp(l, "lf", 2) == 0 || memcmp(l, "lh", 2) == 0)
		stride = 8;
	else if (memcmp(l, "li", 2) == 0 || memcmp(l, "ri", 2) == 0)
		stride = 4;
	else {
		ret = damaged(h, "unknown subkey list");
		goto out;
	}
	if (n > (len - 4) / stride) {
		ret = damaged(h, "subkey list overflows its cell");
		goto out;
	}
	ret = -ERR_NOTFOUND;
	for (i = 0; i < n; i++) {
		uint32_t off = le32(l + 4 + i * stride);

		/* Index roots may point at one big list many times over: bound
		 * the work of one lookup, not only the size of each list. */
		if (++h->visits > REGF_MAX_SUBKEYS) {
			ret = damaged(h, "too many subkeys");
			break;
		}

		if (memcmp(l, "ri", 2) == 0) {
			if (depth > 0) {
				ret = damaged(h, "nested index roots");
				break;
			}
			ret = find_in_list(h, off, name, depth + 1, found);
		} else {
			unsigned char *nk = NULL;
			size_t nlen;
			char *kn;

			if ((ret = read_nk(h, off, &nk, &nlen)) < 0)
				break;
			kn = name_utf8(nk + NK_HEADER, le16(nk + 0x48),
				       le16(nk + 2) & KEY_COMP_NAME);
			ret = name_eq(kn, name) ? 0 : -ERR_NOTFOUND;
			if (ret == 0)
				*found = off;
			free(kn);
			free(nk);
		}
		if (ret != -ERR_NOTFOUND)
			break;
	}
out:
	free(l);
	return ret;
}

static int
read_values(struct hive *h, const unsigned char *nk, cJSON *obj)
{
	uint32_t n = le32(nk + 0x24), list = le32(nk + 0x28), i;
	unsigned char *l = NULL;
	size_t len;
	int ret;

	if (n == 0)
		return 0;
	if (n > REGF_MAX_VALUES)
		return damaged(h, "too many values");
	if ((ret = read_cell(h, list, &l, &len)) < 0)
		return ret;
	if (n > len / 4) {
		free(l);
		return damaged(h, "value list overflows its cell");
	}
	for (i = 0; i < n && ret == 0; i++) {
		unsigned char *vk = NULL, *data = NULL, inl[4];
		size_t vlen, dlen = 0;
		uint32_t size, type;
		char *name = NULL;
		const unsigned char *d;

		if ((ret = read_cell(h, le32(l + 4 * i), &vk, &vlen)) < 0)
			break;
		if (vlen < VK_HEADER || memcmp(vk, "vk", 2) != 0 ||
		    le16(vk + 2) > vlen - VK_HEADER) {
			free(vk);
			ret = damaged(h, "bad value node");
			break;
		}
		name = name_utf8(vk + VK_HEADER, le16(vk + 2), le16(vk + 0x10) & VALUE_COMP_NAME);
		size = le32(vk + 4);
		type = le32(vk + 0x0c);
		if (size & 0x80000000u) {
			/* Small data lives in the offset field itself. */
			dlen = size & 0x7fffffffu;
			if (dlen > 4)
				dlen = 4;
			memcpy(inl, vk + 8, 4);
			d = inl;
		} else if (type == REG_SZ || type == REG_EXPAND_SZ || type == REG_DWORD ||
			   type == REG_QWORD) {
			if (size > 16344) {
				/* Big-data cells hold no managed setting: skip. */
				free(vk);
				free(name);
				continue;
			}
			if ((ret = read_cell(h, le32(vk + 8), &data, &dlen)) < 0) {
				free(vk);
				free(name);
				break;
			}
			if (dlen > size)
				dlen = size;
			d = data;
		} else {
			d = NULL;
		}
		if (d && (type == REG_SZ || type == REG_EXPAND_SZ)) {
			char *s = name_utf8(d, dlen, 0);

			cJSON_DeleteItemFromObjectCaseSensitive(obj, name);
			cJSON_AddStringToObject(obj, name, s);
			free(s);
		} else if (d && type == REG_DWORD && dlen == 4) {
			cJSON_DeleteItemFromObjectCaseSensitive(obj, name);
			cJSON_AddItemToObject(obj, name, tree_new_integer(le32(d)));
		} else if (d && type == REG_QWORD && dlen == 8) {
			uint64_t q = le32(d) | (uint64_t)le32(d + 4) << 32;

			cJSON_DeleteItemFromObjectCaseSensitive(obj, name);
			cJSON_AddItemToObject(obj, name, tree_new_integer((long long)q));
		}
		free(data);
		free(vk);
		free(name);
	}
	free(l);
	return ret;
}

int
regf_read_key(const char *path, const char *key, cJSON **out, struct err *e)
{
	struct hive h;
	struct stat st;
	unsigned char base[REGF_BASE], *nk = NULL;
	size_t nlen;
	uint32_t cur;
	char *copy = NULL, *part, *save = NULL;
	int ret;

	*out = NULL;
	memset(&h, 0, sizeof(h));
	h.e = e;
	h.fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (h.fd < 0) {
		err_set_path(e, path);
		return err_sys(e, errno == ENOENT || errno == ENOTDIR ? ERR_NOTFOUND : ERR_IO,
			       "cannot open");
	}
	err_set_path(e, path);
	if (fstat(h.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ret = err_set(e, ERR_IO, "not a regular file");
		goto out;
	}
	h.size = (uint64_t)st.st_size;
	if ((ret = read_at(&h, 0, base, sizeof(base))) < 0)
		goto out;
	if (memcmp(base, "regf", 4) != 0) {
		ret = damaged(&h, "no regf signature");
		goto out;
	}
	cur = le32(base + 0x24);
	if ((ret = read_nk(&h, cur, &nk, &nlen)) < 0)
		goto out;
	copy = xstrdup(key);
	for (part = strtok_r(copy, "\\", &save); part; part = strtok_r(NULL, "\\", &save)) {
		uint32_t nsub = le32(nk + 0x14), list = le32(nk + 0x1c), next = 0;

		if (nsub == 0 || nsub > REGF_MAX_SUBKEYS) {
			ret = nsub ? damaged(&h, "too many subkeys") : -ERR_NOTFOUND;
			goto out;
		}
		h.visits = 0;
		if ((ret = find_in_list(&h, list, part, 0, &next)) < 0)
			goto out;
		free(nk);
		nk = NULL;
		if ((ret = read_nk(&h, next, &nk, &nlen)) < 0)
			goto out;
	}
	*out = cJSON_CreateObject();
	ret = read_values(&h, nk, *out);
out:
	if (ret == -ERR_NOTFOUND)
		err_set(e, ERR_NOTFOUND, "no key '%s'", key);
	if (ret < 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	free(copy);
	free(nk);
	close(h.fd);
	return ret;
}
