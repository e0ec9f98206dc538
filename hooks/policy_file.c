/* The local file policy of enforce mode (contract §7.9): environment files
 * and MCP configuration files may not be read by agents, directly or from
 * a shell command. */
#include "hooks/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *const mcp_files[] = {
	"mcp.json", "mcp_config.json", ".mcp.json", "mcp-config.json", "mcp.yaml", "mcp.yml",
	".claude.json", "claude_desktop_config.json", NULL
};

enum policy_file
policy_file_class(const char *path)
{
	char *p, *base, *c;
	enum policy_file ret = POLICY_FILE_OK;
	size_t n, i;

	if (path == NULL || *path == '\0')
		return POLICY_FILE_OK;
	p = xstrdup(path);
	for (c = p; *c; c++) {
		if (*c == '\\')
			*c = '/';
		else if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	}
	/* "dir/" names no file */
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	base = strrchr(p, '/');
	base = base ? base + 1 : p;
	n = strlen(base);
	if (strcmp(base, ".env") == 0 || strcmp(base, ".envrc") == 0 ||
	    strncmp(base, ".env.", 5) == 0 || (n > 4 && strcmp(base + n - 4, ".env") == 0)) {
		ret = POLICY_FILE_ENV;
		goto out;
	}
	for (i = 0; mcp_files[i]; i++) {
		if (strcmp(base, mcp_files[i]) == 0) {
			ret = POLICY_FILE_MCP_CONFIG;
			goto out;
		}
	}
	if (strcmp(base, "settings.json") == 0 || strcmp(base, "settings.local.json") == 0) {
		/* under a .claude directory, relative paths included */
		if (strstr(p, "/.claude/") || strncmp(p, ".claude/", 8) == 0)
			ret = POLICY_FILE_CLAUDE_SETTINGS;
	}
out:
	free(p);
	return ret;
}

const char *
policy_file_message(enum policy_file c)
{
	switch (c) {
	case POLICY_FILE_ENV:
		return "Blocked by organization policy: access to environment files is restricted";
	case POLICY_FILE_MCP_CONFIG:
		return "Blocked by organization policy: access to MCP configuration files is restricted";
	case POLICY_FILE_CLAUDE_SETTINGS:
		return "Blocked by organization policy: access to Claude Code settings is restricted";
	default:
		return "";
	}
}

static int
separator(const char *s, size_t *len)
{
	if (s[0] == '$' && s[1] == '(') {
		*len = 2;
		return 1;
	}
	if (strchr("|;&<>\n`()", s[0]) && s[0] != '\0') {
		*len = 1;
		return 1;
	}
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '\r') {
		*len = 1;
		return 1;
	}
	return 0;
}

static enum policy_file
check_word(struct buf *w, char *word, size_t wn)
{
	enum policy_file c;

	if (w->len == 0 || w->data[0] == '-' || (w->data[0] >= '0' && w->data[0] <= '9'))
		return POLICY_FILE_OK;
	c = policy_file_class(w->data);
	if (c != POLICY_FILE_OK && word && wn)
		snprintf(word, wn, "%s", w->data);
	return c;
}

enum policy_file
policy_shell_check(const char *s, char *word, size_t wn)
{
	struct buf w = BUF_INIT;
	enum policy_file c = POLICY_FILE_OK;
	size_t len = 0;

	if (s == NULL)
		return POLICY_FILE_OK;
	for (; ; ) {
		if (*s == '\0' || separator(s, &len)) {
			c = check_word(&w, word, wn);
			buf_clear(&w);
			if (c != POLICY_FILE_OK || *s == '\0')
				break;
			s += len;
			continue;
		}
		/* quotes are stripped, their content kept in the word */
		if (*s != '"' && *s != '\'')
			buf_addc(&w, *s);
		s++;
	}
	buf_release(&w);
	return c;
}
