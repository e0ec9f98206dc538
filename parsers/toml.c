/* Placeholder until the toml parser lands. */
#include "parsers/tree.h"

int
toml_parse(const char *text, size_t len, const struct tree_limits *lim, cJSON **out,
	   struct err *e)
{
	(void)text; (void)len; (void)lim;
	*out = NULL;
	return err_set(e, ERR_PARSE, "toml support is not built yet");
}
