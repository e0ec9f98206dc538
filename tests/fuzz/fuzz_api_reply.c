/* libFuzzer target for the backend's replies: a server thread on 127.0.0.1
 * answers every request with the input's bytes (status line, headers,
 * body) and the real libcurl client takes them through http_send() and
 * api.c's interpretation (scan submission with its 404 fallback and gzip
 * refusal, key check, enrollment). The outcome matches the status, every
 * failure says something, and no key shows in a message or a trace line.
 * The first byte picks the request; "@@NEXT@@" separates the answers to
 * successive requests (the last one repeats). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/api.h"
#include "net/http.h"
#include "util/buf.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define API_KEY		"rl_fuzz_api_key_0123456789"
#define ENROLL_KEY	"rl_fuzz_enroll_key_0123456789"
#define REPLY_SEP	"@@NEXT@@"

static pthread_mutex_t reply_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *reply;		/* a copy: the server may outlive a call */
static size_t reply_len;
static size_t reply_next;	/* offset of the answer to the next request */
static int listen_fd = -1;
static char base_url[64];
static struct http_client client;

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_api_reply: %s\n", what);
		abort();
	}
}

/* The key the current request sends: a server may echo it. (A reply may
 * also hold the other key by chance; that one was never sent.) */
static const char *sent_key;

static int
has_secret(const char *s)
{
	return sent_key && strstr(s, sent_key);
}

static void
on_trace(void *ctx, const char *line)
{
	(void)ctx;
	check(!has_secret(line), "a key in a trace line");
}

/* Read one request: headers, then Content-Length bytes of body. */
static int
read_request(int fd)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t want = (size_t)-1;
	int ret = -1;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;
		char *end;

		if (want == (size_t)-1 && (end = strstr(b.data ? b.data : "", "\r\n\r\n")) != NULL) {
			const char *cl = strcasestr(b.data, "\r\ncontent-length:");
			size_t head = (size_t)(end - b.data) + 4;

			want = head + (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
		}
		if (want != (size_t)-1 && b.len >= want) {
			ret = 0;
			break;
		}
		if (poll(&p, 1, 5000) <= 0)
			break;
		n = read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		buf_add(&b, chunk, (size_t)n);
	}
	buf_release(&b);
	return ret;
}

static void *
serve(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL);

		if (fd < 0)
			continue;
		/* One answer per connection, then close: a client that reuses
		 * it finds it closed and opens another. The lock keeps the
		 * answer alive until it is sent. */
		if (read_request(fd) == 0) {
			size_t off, end;
			const uint8_t *sep;

			pthread_mutex_lock(&reply_lock);
			off = reply_next;
			sep = memmem(reply + off, reply_len - off, REPLY_SEP, sizeof(REPLY_SEP) - 1);
			end = sep ? (size_t)(sep - reply) : reply_len;
			if (sep)
				reply_next = end + sizeof(REPLY_SEP) - 1;
			while (off < end) {
				ssize_t n = send(fd, reply + off, end - off, MSG_NOSIGNAL);

				if (n <= 0)
					break;
				off += (size_t)n;
			}
			pthread_mutex_unlock(&reply_lock);
		}
		shutdown(fd, SHUT_WR);
		close(fd);
	}
	return NULL;
}

static void
setup(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct http_opts o;
	struct err e = ERR_INIT;
	pthread_t t;

	signal(SIGPIPE, SIG_IGN);
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(listen_fd, 64) < 0 || getsockname(listen_fd, (struct sockaddr *)&sa, &sl) < 0) {
		perror("fuzz_api_reply: listen");
		abort();
	}
	snprintf(base_url, sizeof(base_url), "http://127.0.0.1:%d", ntohs(sa.sin_port));
	check(http_global_init(&e) == 0, "curl_global_init");
	memset(&o, 0, sizeof(o));
	o.trace = on_trace;
	check(http_client_init(&client, &o, &e) == 0, "client");
	check(pthread_create(&t, NULL, serve, NULL) == 0, "server thread");
	pthread_detach(t);
}

static void
check_result(const struct api_result *r, int enroll)
{
	check(!has_secret(r->message) && !has_secret(r->detail), "a key in the message");
	check(r->attempts >= 1, "no attempt counted");
	if (r->fault != HTTP_FAULT_NONE) {
		check(r->outcome == API_FAILED && r->status == 0, "a fault that did not fail");
		check(r->message[0] != '\0', "a fault without a message");
		return;
	}
	/* libcurl takes odd status lines ("HTTP/2 14"): any number, but one. */
	check(r->status > 0, "a response without a status");
	if (r->status >= 200 && r->status <= 299)
		check(r->outcome == API_OK || (enroll && r->outcome == API_REJECTED),
		      "2xx is not OK");
	else if (r->status == 401)
		check(r->outcome == API_UNAUTHORIZED, "401 is not UNAUTHORIZED");
	else if (r->status == 403)
		check(r->outcome == API_FORBIDDEN, "403 is not FORBIDDEN");
	else if (r->status == 404)
		check(r->outcome == API_NOT_FOUND, "404 is not NOT_FOUND");
	else if (r->status == 408 || r->status == 429 || r->status >= 500)
		check(r->outcome == API_FAILED, "a retryable status is not FAILED");
	else
		check(r->outcome == API_REJECTED, "a refusal is not REJECTED");
	check(r->outcome == API_OK || r->message[0] != '\0', "a failure without a message");
	check(r->retry_after == -1 || r->retry_after >= 0, "negative Retry-After");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api a;
	struct api_result r;
	char *body = NULL;
	size_t n;

	if (size < 1 || size > 256 * 1024)
		return 0;
	if (listen_fd < 0)
		setup();
	pthread_mutex_lock(&reply_lock);
	free(reply);
	reply = xmalloc(size);
	memcpy(reply, data + 1, size - 1);
	reply_len = size - 1;
	reply_next = 0;
	pthread_mutex_unlock(&reply_lock);

	memset(&a, 0, sizeof(a));
	a.http = &client;
	a.base_url = base_url;
	a.api_key = API_KEY;
	a.key_source = "the fuzzer";
	a.retry.on = 0;
	a.retry.max_attempts = 1;
	a.retry.budget = 10;
	a.timeout_ms = 10000;
	api_result_init(&r);
	sent_key = data[0] % 4 == 3 ? ENROLL_KEY : API_KEY;
	switch (data[0] % 4) {
	case 0:
	case 1:
		/* 1: a body large enough to go out compressed. */
		n = data[0] % 4 ? 4096 : 2;
		body = xmalloc(n + 1);
		memset(body, ' ', n);
		body[0] = '{';
		body[n - 1] = '}';
		body[n] = '\0';
		a.gzip = data[0] % 4 == 1;
		api_scan(&a, body, n, "00000000-0000-4000-8000-000000000000", &r);
		check_result(&r, 0);
		check(r.outcome != API_NOT_FOUND || strstr(r.path, "mcp-watch"),
		      "404 without the legacy path");
		check(!r.gzip_refused || a.gzip == 0, "a gzip refusal kept gzip on");
		break;
	case 2:
		api_get_config(&a, &r);
		check_result(&r, 0);
		break;
	default:
		api_enroll(&a, ENROLL_KEY, "fuzz user", "fuzz device", &r);
		check_result(&r, 1);
		if (r.outcome == API_OK) {
			const cJSON *k = cJSON_GetObjectItemCaseSensitive(r.json, "api_key");

			check(cJSON_IsString(k) && k->valuestring[0], "enrolled without a key");
			/* A key long enough to be searched must not show. */
			if (strlen(k->valuestring) >= 8 && !strchr(k->valuestring, '<') &&
			    !strchr(k->valuestring, '>') && !strstr("<redacted>", k->valuestring))
				check(strstr(r.message, k->valuestring) == NULL &&
				      strstr(r.detail, k->valuestring) == NULL,
				      "the new key in the message");
		}
	}
	api_result_release(&r);
	free(body);
	/* Retry-After parsing on the raw bytes too. */
	{
		char *s = xstrndup((const char *)data + 1, size - 1 < 200 ? size - 1 : 200);
		double d = http_parse_retry_after(s, 1.7e9);

		check(d == -1 || d >= 0, "negative Retry-After");
		free(s);
	}
	return 0;
}
