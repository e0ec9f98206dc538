/* `runlayer login`: read an API key (stdin or a no-echo prompt), prove it
 * against the backend, and save it in config.yaml for that host. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define KEY_MAX 4096

static const struct cmd_help login_help = {
	"login", "--host URL [--org-api-key NAME] [--no-verify] [--ca-bundle PATH] < key-file",
	"Save an API key for a backend in ~/.runlayer/config.yaml.",
	"The key is read from standard input when it is not a terminal (the first\n"
	"line), otherwise it is asked for without echo. It is never taken from the\n"
	"command line, where other users could see it. Before saving, the key is\n"
	"checked against the backend (GET /api/v1/ai-watch/config): a key the\n"
	"backend rejects (HTTP 401) is not saved. A personal key becomes the host's\n"
	"`secret` and the host becomes default_host; an org key (rl_org_…) is saved\n"
	"under org_api_keys as NAME (default ai_watch_mdm, the key scans use).\n"
	"The file is written atomically with mode 0600 in a 0700 directory."
};

/* Read one line from fd into b (at most KEY_MAX bytes). 0, or -1. */
static int
read_line(int fd, struct buf *b)
{
	char c;
	ssize_t r;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			return r < 0 ? -1 : 0;
		if (buf_addc(b, c) < 0)
			return -1;
	}
}

static int
read_key(const char *url, struct buf *key)
{
	struct termios old, quiet;
	int fd, ret;

	if (!isatty(STDIN_FILENO))
		return read_line(STDIN_FILENO, key);
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		fd = STDIN_FILENO;
	dprintf(fd, "API key for %s: ", url);
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
		ret = read_line(fd, key);
		tcsetattr(fd, TCSAFLUSH, &old);
	} else {
		ret = read_line(fd, key);
	}
	dprintf(fd, "\n");
	if (fd != STDIN_FILENO)
		close(fd);
	return ret;
}

/* Trim, then refuse what cannot be a key. NULL, or the reason. */
static const char *
check_key(struct buf *key)
{
	size_t a = 0, n = key->len, i;

	while (a < n && isspace((unsigned char)key->data[a]))
		a++;
	while (n > a && isspace((unsigned char)key->data[n - 1]))
		n--;
	memmove(key->data, key->data + a, n - a);
	buf_setlen(key, n - a);
	if (key->len == 0)
		return "no API key was given (pipe it on standard input, or type it at the prompt)";
	for (i = 0; i < key->len; i++)
		if ((unsigned char)key->data[i] <= ' ' || (unsigned char)key->data[i] == 0x7f)
			return "the API key contains a space or a control character";
	if (config_is_placeholder(key->data))
		return "the API key is a placeholder (REPLACE_WITH…), not a key";
	if (strncmp(key->data, "rl_enroll_", 10) == 0)
		return "this is an enrollment key: exchange it for a key with 'runlayer enroll'";
	return NULL;
}

int
cmd_login(int argc, char **argv)
{
	struct backend_flags f;
	int no_verify = 0;
	const struct opt opts[] = {
		{ OPT_STRING, 'H', "host", &f.host, "URL", "backend URL (RUNLAYER_HOST)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "org-api-key", &f.org_key, "NAME", "save the key as this org API key (default for rl_org_ keys: ai_watch_mdm)", 0, 0, NULL, 0, 0 },
		{ OPT_FLAG, 0, "no-verify", &no_verify, NULL, "save without asking the backend (offline setup)", 0, 0, NULL, 0, 0 },
		{ OPT_STRING, 0, "ca-bundle", &f.ca_bundle, "PATH", "extra CA bundle (RUNLAYER_CA_BUNDLE, SSL_CERT_FILE, REQUESTS_CA_BUNDLE)", 0, 0, NULL, 0, 0 },
		OPT_COMMON,
		{ OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 }
	};
	struct backend b;
	struct buf key = BUF_INIT;
	struct api_result res;
	struct err e = ERR_INIT;
	const char *why, *org_name = NULL;
	char **args, msg[1200];
	int nargs, rc;

	memset(&f, 0, sizeof(f));
	if (opt_parse(opts, &login_help, argc, argv, &args, &nargs) < 0)
		return EXIT_USAGE;
	free(args);
	if (g_opts.help) {
		opt_usage(stdout, &login_help, opts);
		return EXIT_OK;
	}
	if (nargs)
		return opt_usage_error(&login_help, "unexpected argument (the key is read from "
				       "standard input, never from the command line)");
	api_result_init(&res);
	buf_init(&key, KEY_MAX);
	rc = backend_open(&b, "login", &f, BACKEND_HOST_ONLY | BACKEND_LOCK_CONFIG);
	if (rc != 0)
		goto out;
	if (read_key(b.cr.url, &key) < 0) {
		backend_error(&b, "cannot read the API key from standard input");
		rc = EXIT_FAIL;
		goto out;
	}
	why = check_key(&key);
	if (why) {
		backend_error(&b, "%s", why);
		rc = EXIT_FAIL;
		goto out;
	}
	/* From here on every message is scrubbed of the key. */
	b.cr.secret = xstrdup(key.data);
	if (f.org_key || strncmp(key.data, "rl_org_", 7) == 0)
		org_name = f.org_key ? f.org_key : CREDS_IMPLICIT_ORG_KEY;
	if (!no_verify) {
		if ((rc = backend_http(&b, &f)) != 0)
			goto out;
		b.api.key_source = "the key given to 'login'";
		api_get_config(&b.api, &res);
		switch (res.outcome) {
		case API_OK:
			break;
		case API_FORBIDDEN:
			out_warn("%s accepted the key but it lacks the Detect Scan role (HTTP 403): "
				 "scans with it will be refused until an administrator grants the "
				 "role; saving it anyway", b.cr.url);
			break;
		case API_UNAUTHORIZED:
			backend_error(&b, "%s rejected the key (HTTP 401): it is wrong, expired or "
				      "revoked; nothing was saved", b.cr.url);
			rc = EXIT_FAIL;
			goto out;
		case API_NOT_FOUND:
			backend_error(&b, "%s; nothing was saved (for an older backend, pass "
				      "--no-verify to save the key without checking it)", res.message);
			rc = EXIT_UNSUPPORTED;
			goto out;
		default:
			backend_error(&b, "%s; nothing was saved", res.message);
			rc = backend_exit_code(res.outcome);
			goto out;
		}
	}
	if (org_name)
		rc = config_set_org_key(&b.cfg, b.cr.url, org_name, key.data, &e);
	else
		rc = config_set_secret(&b.cfg, b.cr.url, key.data, &e);
	if (rc < 0 || config_save(&b.cfg, &e) < 0) {
		backend_error(&b, "cannot save the key: %s", err_format(&e, msg, sizeof(msg)));
		rc = EXIT_FAIL;
		goto out;
	}
	rc = EXIT_OK;
	log_info("login", LOG_KV(LOG_URL("host", b.cr.url), LOG_INT("verified", !no_verify),
				 LOG_TEXT("kind", org_name ? "org" : "user")));
	if (!g_opts.quiet) {
		if (org_name)
			printf("%s Org API key '%s' for %s %s and saved to %s\n", out_sym_ok(),
			       org_name, b.cr.url, no_verify ? "(not verified)" : "verified",
			       b.cfg.path);
		else
			printf("%s Logged in to %s: key %s and saved to %s (default host)\n",
			       out_sym_ok(), b.cr.url, no_verify ? "not verified" : "verified",
			       b.cfg.path);
	}
out:
	if (key.len)
		memset(key.data, 0, key.len);
	buf_release(&key);
	api_result_release(&res);
	backend_close(&b);
	return rc;
}
