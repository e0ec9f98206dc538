/* `runlayer clients`: the client catalog (ids, names, config files per OS,
 * project files), as a table or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "discover/catalog.h"
#include "parsers/tree.h"
#include "util/banned.h"

static const struct cmd_help clients_help = {
	"clients", "[--json] [--paths]",
	"List the AI clients whose MCP configuration the scan reads.",
	"With --paths, every configuration file template is listed per OS\n"
	"(~ is the home, {AS} the per-OS application-support directory, {VSU} every\n"
	"VS Code fork's User directory, {env:X|default} a relocation variable).\n"
	"In --json, server_keys says where servers live in each file: \"a/b\" is a\n"
	"nested key, a key with a dot is literal, and '@' marks a list of objects\n"
	"with a \"name\"."
};

static const char *
os_list(unsigned os)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%s%s%s", (os & CAT_LINUX) ? "linux " : "",
		 (os & CAT_DARWIN) ? "darwin " : "", (os & CAT_WINDOWS) ? "windows " : "");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

static unsigned
client_os(const struct client_def *d)
{
	const struct cat_path *p;
	unsigned os = 0;

	for (p = d->globals; p->tmpl; p++)
		os |= p->os;
	if (d->projects[0])
		os |= CAT_ALL;
	return os;
}

static cJSON *
client_json(const struct client_def *d)
{
	cJSON *o = cJSON_CreateObject(), *paths, *projects, *osarr, *conts;
	const struct cat_path *p;
	const char *const *pp;
	unsigned i;

	cJSON_AddStringToObject(o, "id", d->id);
	cJSON_AddStringToObject(o, "name", d->label);
	osarr = cJSON_AddArrayToObject(o, "os");
	if (client_os(d) & CAT_LINUX)
		cJSON_AddItemToArray(osarr, cJSON_CreateString("linux"));
	if (client_os(d) & CAT_DARWIN)
		cJSON_AddItemToArray(osarr, cJSON_CreateString("darwin"));
	if (client_os(d) & CAT_WINDOWS)
		cJSON_AddItemToArray(osarr, cJSON_CreateString("windows"));
	paths = cJSON_AddArrayToObject(o, "config_paths");
	for (p = d->globals; p->tmpl; p++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "path", p->tmpl);
		cJSON_AddStringToObject(e, "os", os_list(p->os));
		cJSON_AddBoolToObject(e, "managed", (p->flags & CAT_MANAGED) != 0);
		cJSON_AddItemToArray(paths, e);
	}
	conts = cJSON_AddArrayToObject(o, "server_keys");
	for (i = 0; i < CAT_MAX_CONTAINERS && d->containers[i]; i++)
		cJSON_AddItemToArray(conts, cJSON_CreateString(d->containers[i]));
	projects = cJSON_AddArrayToObject(o, "project_files");
	for (pp = d->projects; *pp; pp++)
		cJSON_AddItemToArray(projects, cJSON_CreateString(*pp));
	if (d->shares)
		cJSON_AddStringToObject(o, "reported_as", d->shares);
	if (d->notes)
		cJSON_AddStringToObject(o, "notes", d->notes);
	return o;
}

int
cmd_clients(int argc, char **argv)
{
	int paths = 0;
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "paths", &paths, NULL, "list every configuration file template", 0, 0, NULL, 0, 0 },
		OPT_COMMON, OPT_COMMON_JSON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	char **args;
	int nargs;
	size_t i;

	if (opt_parse(opts, &clients_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &clients_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&clients_help, "unexpected argument");
	if (g_opts.json) {
		cJSON *root = out_json_doc(1), *arr;

		arr = cJSON_AddArrayToObject(root, "clients");
		for (i = 0; i < catalog_len; i++)
			cJSON_AddItemToArray(arr, client_json(&catalog[i]));
		out_json(root);
		return EXIT_OK;
	}
	printf("%-20s %-36s %s\n", "ID", "CLIENT", "OS");
	for (i = 0; i < catalog_len; i++) {
		const struct client_def *d = &catalog[i];
		const struct cat_path *p;
		const char *const *pp;

		printf("%-20s %-36s %s\n", d->id, d->label, os_list(client_os(d)));
		if (!paths)
			continue;
		for (p = d->globals; p->tmpl; p++)
			printf("    %s%s  [%s]\n", p->tmpl, (p->flags & CAT_MANAGED) ? " (managed)" : "",
			       os_list(p->os));
		for (pp = d->projects; *pp; pp++)
			printf("    <project>/%s\n", *pp);
		if (d->shares)
			printf("    (reads %s's files; reported as %s)\n", d->shares, d->shares);
	}
	return EXIT_OK;
}
