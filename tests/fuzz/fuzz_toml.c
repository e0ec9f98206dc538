/* Fuzz target for the TOML parser: parse with the default limits, print the
 * tree both ways, check the printed JSON reads back, free everything. */
#include <stdint.h>
#include <stdlib.h>

#include "parsers/tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = ERR_INIT;
	cJSON *tree = NULL, *back;
	char *s;
	int r;

	r = toml_parse((const char *)data, size, NULL, &tree, &e);
	if (r < 0) {
		/* A failure leaves no tree and always says what and where. */
		if (tree != NULL || e.msg[0] == '\0' || (r == -ERR_PARSE && e.line == 0))
			abort();
		return 0;
	}
	s = tree_print(tree, 0, 1);
	back = cJSON_Parse(s);
	/* Strings are valid UTF-8 and the printer escapes controls: the tagged
	 * output is always JSON. */
	if (back == NULL)
		abort();
	cJSON_Delete(back);
	free(s);
	s = tree_print(tree, 1, 0);
	free(s);
	cJSON_Delete(tree);
	return 0;
}
