/* libFuzzer target for the hook installer's editors: on any text, installing
 * our entries either fails cleanly or gives text that parses, checks as
 * compliant, is unchanged by a second install, and uninstalls to text that
 * parses (or is refused). The
 * first byte picks the format (JSON as Claude Code, YAML as Hermes, TOML
 * statement scan). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/edit_toml.h"
#include "hooks/install_int.h"
#include "parsers/tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
release_notes(struct hook_file_report *fr)
{
	size_t i;

	for (i = 0; i < fr->nnotes; i++)
		free(fr->notes[i]);
	free(fr->notes);
	memset(fr, 0, sizeof(*fr));
}

static int
edit(enum hook_client c, const struct hook_wants *w, int check, const char *t, size_t n,
     struct buf *out, struct hook_file_report *fr)
{
	struct err e = ERR_INIT;
	int rm = 0;

	if (c == HOOK_HERMES)
		return hfile_yaml_edit(&hook_specs[c], w, check, t, n, 1, out, fr, &e);
	return hfile_json_edit(&hook_specs[c], w, check, t, n, 1, out, check ? NULL : &rm, fr, &e);
}

static void
installer(enum hook_client c, const char *t, size_t n)
{
	struct hook_wants w;
	struct hook_file_report fr;
	struct buf a = BUF_INIT, b = BUF_INIT, u = BUF_INIT;
	char *cmd = hooks_command("/usr/bin/runlayer", c, HOOK_MODE_ALL_EVENTS);

	hook_wants_build(c, HOOK_MODE_ALL_EVENTS, cmd, &w);
	memset(&fr, 0, sizeof(fr));
	if (edit(c, &w, 0, t, n, &a, &fr) == 0) {
		release_notes(&fr);
		/* Installed text: compliant, stable, and uninstallable. */
		if (edit(c, &w, 1, a.data, a.len, NULL, &fr) != 0 || fr.problems != 0)
			abort();
		release_notes(&fr);
		if (edit(c, &w, 0, a.data, a.len, &b, &fr) != 0 || b.len != a.len ||
		    memcmp(a.data, b.data, a.len) != 0)
			abort();
		release_notes(&fr);
		/* Uninstall may refuse a pathological layout (our removal would
		 * change what surrounds it), but what it writes must parse. */
		if (edit(c, NULL, 0, a.data, a.len, &u, &fr) == 0 && u.len) {
			struct err e = ERR_INIT;
			cJSON *parsed = NULL;

			if ((c == HOOK_HERMES ? yaml_parse(u.data, u.len, NULL, &parsed, &e) :
			     jsonc_parse(u.data, u.len, NULL, &parsed, &e)) != 0)
				abort();
			cJSON_Delete(parsed);
		}
	}
	release_notes(&fr);
	hook_wants_release(&w);
	buf_release(&a);
	buf_release(&b);
	buf_release(&u);
	free(cmd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdoc d;
	struct err e = ERR_INIT;
	const char *t = (const char *)data + 1;
	size_t n = size ? size - 1 : 0;

	if (size == 0 || size > 65536)
		return 0;
	switch (data[0] % 4) {
	case 0:
		installer(HOOK_CLAUDE_CODE, t, n);
		break;
	case 1:
		installer(HOOK_CURSOR, t, n);
		break;
	case 2:
		installer(HOOK_HERMES, t, n);
		break;
	default:
		if (tdoc_scan(&d, t, n, &e) == 0)
			tdoc_release(&d);
	}
	return 0;
}
