/* libFuzzer target for the JSONC parser: parse with the default and with
 * tight limits, check the result honours them and that strict JSON cJSON
 * accepts is accepted too, print it, free it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/tree.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Values in the tree and its depth; integers must carry their own value
 * (this catches integer marking out of step with cJSON's numbers). */
static void
walk(const cJSON *item, unsigned depth, size_t *nodes, unsigned *maxdepth)
{
	const cJSON *c;

	(*nodes)++;
	if (cJSON_IsArray(item) || cJSON_IsObject(item)) {
		depth++;
		if (depth > *maxdepth)
			*maxdepth = depth;
	}
	if (tree_is_integer(item) &&
	    (item->valuestring == NULL || strtod(item->valuestring, NULL) != item->valuedouble))
		abort();
	for (c = item->child; c; c = c->next) {
		if (cJSON_IsObject(item) && c->string == NULL)
			abort();
		walk(c, depth, nodes, maxdepth);
	}
}

static int
one(const uint8_t *data, size_t size, const struct tree_limits *lim)
{
	struct err e = ERR_INIT;
	cJSON *tree = NULL;
	size_t nodes = 0;
	unsigned depth = 0;
	char *s;
	int r;

	r = jsonc_parse((const char *)data, size, lim, &tree, &e);
	if (r < 0) {
		if (tree != NULL || r != -e.code || e.msg[0] == '\0' || e.line == 0 ||
		    (r != -ERR_PARSE && r != -ERR_LIMIT))
			abort();
		return r;
	}
	if (tree == NULL)
		abort();
	walk(tree, 0, &nodes, &depth);
	if (lim && (nodes > lim->max_nodes || depth > lim->max_depth))
		abort();
	s = tree_print(tree, 1, 1);
	free(s);
	s = tree_print(tree, 0, 0);
	free(s);
	cJSON_Delete(tree);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tree_limits tight = { 1 << 16, 6, 200 };
	cJSON *ref;
	char *copy;
	int r;

	r = one(data, size, NULL);
	one(data, size, &tight);
	/* Strict JSON that cJSON takes must not be a JSONC syntax error (bar
	 * \u0000, refused on purpose). */
	if (r == -ERR_PARSE && memchr(data, '\0', size) == NULL &&
	    memmem(data, size, "\\u0000", 6) == NULL) {
		copy = xmalloc(size + 1);
		memcpy(copy, data, size);
		copy[size] = '\0';
		ref = cJSON_ParseWithLengthOpts(copy, size + 1, NULL, 1);
		if (ref != NULL)
			abort();
		free(copy);
	}
	return 0;
}
