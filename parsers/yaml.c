/* Placeholder until the yaml parser lands. */
#include "parsers/tree.h"

int
yaml_parse(const char *text, size_t len, const struct tree_limits *lim, cJSON **out,
	   struct err *e)
{
	(void)text; (void)len; (void)lim;
	*out = NULL;
	return err_set(e, ERR_PARSE, "yaml support is not built yet");
}
