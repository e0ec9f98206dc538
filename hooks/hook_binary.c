/* The program written into AI clients' hook settings: the lean runlayer-hook
 * when installed beside runlayer, so every tool call starts fast. */
#include "hooks/hook_binary.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/file.h"
#include "util/xalloc.h"
#include "util/banned.h"

char *
hook_binary_for(const char *self)
{
	char *dir = xstrdup(self), *slash = strrchr(dir, '/'), *hook;

	if (slash == NULL) {
		free(dir);
		return xstrdup(self);
	}
	*slash = '\0';
	hook = path_join(dir[0] ? dir : "/", "runlayer-hook");
	free(dir);
	if (access(hook, X_OK) == 0)
		return hook;
	free(hook);
	return xstrdup(self);
}
