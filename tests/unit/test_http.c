/* Unit tests for the HTTP layer without a network: Retry-After parsing,
 * backoff, the CA bundle order, the loopback-only plain HTTP rule, fault
 * classification of a refused connection, a fresh handle per attempt, gzip
 * bodies (checked against Python's decoder) and CRC-32. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "net/gzip.h"
#include "net/http.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"
#include "tap.h"

static char tmp[256];

static void
test_retry_after(void)
{
	double now = 1784000000.0;	/* 2026-07-14 */

	ok(http_parse_retry_after("120", now) == 120, "delta seconds");
	ok(http_parse_retry_after(" 0 ", now) == 0, "zero with spaces");
	ok(http_parse_retry_after("1.5", now) == 1.5, "fractional seconds");
	ok(http_parse_retry_after("-1", now) < 0, "negative refused");
	ok(http_parse_retry_after("soon", now) < 0, "words refused");
	ok(http_parse_retry_after("12abc", now) < 0, "trailing junk refused");
	ok(http_parse_retry_after("99999999999", now) < 0, "absurd delay refused");
	ok(http_parse_retry_after("Tue, 14 Jul 2026 03:33:20 GMT", 1784000000.0 - 20) >= 19 &&
	   http_parse_retry_after("Tue, 14 Jul 2026 03:33:20 GMT", 1784000000.0 - 20) <= 21,
	   "HTTP date in the future (%.1f)",
	   http_parse_retry_after("Tue, 14 Jul 2026 03:33:20 GMT", 1784000000.0 - 20));
	ok(http_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == 0,
	   "HTTP date in the past: no wait");
}

static void
test_backoff(void)
{
	struct http_retry r = { HTTP_RETRY_ALL, 5, 60, 0.5, 3 };

	ok(http_backoff(&r, 1) == 0.5, "first wait is the base");
	ok(http_backoff(&r, 2) == 1.0, "then doubled");
	ok(http_backoff(&r, 3) == 2.0, "doubled again");
	ok(http_backoff(&r, 4) == 3.0, "capped");
	ok(http_backoff(&r, 30) == 3.0, "stays capped");
	r.base_delay = 0;
	ok(http_backoff(&r, 1) == 0.5, "default base");
}

static void
test_ca_order(void)
{
	const char *src = NULL;

	unsetenv("RUNLAYER_CA_BUNDLE");
	unsetenv("SSL_CERT_FILE");
	unsetenv("REQUESTS_CA_BUNDLE");
	ok(http_ca_bundle(NULL, &src) == NULL && src == NULL, "nothing set");
	setenv("REQUESTS_CA_BUNDLE", "/r", 1);
	is_str(http_ca_bundle(NULL, &src), "/r", "REQUESTS_CA_BUNDLE");
	is_str(src, "REQUESTS_CA_BUNDLE", "its source");
	setenv("SSL_CERT_FILE", "/s", 1);
	is_str(http_ca_bundle(NULL, &src), "/s", "SSL_CERT_FILE beats REQUESTS_CA_BUNDLE");
	setenv("RUNLAYER_CA_BUNDLE", "", 1);
	is_str(http_ca_bundle(NULL, &src), "/s", "an empty RUNLAYER_CA_BUNDLE is skipped");
	setenv("RUNLAYER_CA_BUNDLE", "/x", 1);
	is_str(http_ca_bundle(NULL, &src), "/x", "RUNLAYER_CA_BUNDLE beats SSL_CERT_FILE");
	is_str(http_ca_bundle("/flag", &src), "/flag", "--ca-bundle beats everything");
	is_str(src, "--ca-bundle", "flag source");
	is_str(http_ca_bundle("", &src), "/x", "an empty flag is skipped");
	unsetenv("RUNLAYER_CA_BUNDLE");
	unsetenv("SSL_CERT_FILE");
	unsetenv("REQUESTS_CA_BUNDLE");
}

static void
test_client(void)
{
	struct http_client c;
	struct http_opts o;
	struct http_request rq;
	struct http_response rs;
	struct http_retry rp = { HTTP_RETRY_ALL, 3, 5, 0.01, 0.02 };
	struct err e = ERR_INIT;
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char url[64], *bad = xasprintf("%s/no-cert.pem", tmp);
	int s, n = 0;

	ok(http_global_init(&e) == 0, "curl initialised");
	memset(&o, 0, sizeof(o));
	o.ca_bundle = bad;
	o.ca_bundle_source = "RUNLAYER_CA_BUNDLE";
	ok(http_client_init(&c, &o, &e) == 0, "client with an unreadable bundle");
	ok(strstr(c.warning, "cannot read the CA bundle") && strstr(c.warning, "RUNLAYER_CA_BUNDLE"),
	   "unreadable bundle: warning names it and its source");
	ok(c.ca_blob == NULL, "and falls back to the system store");
	http_client_release(&c);
	file_write_atomic(bad, "junk\n", 5, 0600, 0, &e);
	http_client_init(&c, &o, &e);
	ok(strstr(c.warning, "no PEM certificate") != NULL, "a bundle without certificates warns");
	http_client_release(&c);

	o.ca_bundle = NULL;
	http_client_init(&c, &o, &e);
	http_response_init(&rs);
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = "http://example.com/api";
	rq.api_key = "k";
	ok(http_perform(&c, &rq, &rs) < 0 && rs.fault == HTTP_FAULT_URL &&
	   strstr(rs.error, "unencrypted"), "plain http to a remote host is refused before connecting");
	rq.url = "ftp://127.0.0.1/";
	ok(http_perform(&c, &rq, &rs) < 0 && rs.fault == HTTP_FAULT_URL, "ftp refused");

	/* A port with nothing listening: connect fault, retried, never sent. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(s, (struct sockaddr *)&sa, &len);
	close(s);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", ntohs(sa.sin_port));
	rq.url = url;
	ok(http_send(&c, &rq, &rp, &rs, &n) < 0, "refused connection fails");
	is_int(rs.fault, HTTP_FAULT_CONNECT, "classified as a connect fault");
	ok(!rs.sent, "nothing was sent");
	is_int(n, 3, "retried up to max_attempts");
	rp.on = HTTP_RETRY_5XX;
	http_send(&c, &rq, &rp, &rs, &n);
	is_int(n, 1, "not retried when connect faults are not selected");
	rp.on = HTTP_RETRY_ALL;
	rp.max_attempts = 50;
	rp.budget = 0.3;
	rp.base_delay = 0.1;
	rp.max_delay = 0.1;
	{
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		http_send(&c, &rq, &rp, &rs, &n);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ok((double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9 < 1.0 && n < 50,
		   "the time budget ends the retries (%d attempts)", n);
	}
	http_response_release(&rs);
	http_client_release(&c);
	http_global_cleanup();
	free(bad);
}

/*
 * One client, answers from a loopback server: headers cut short, then a
 * status line followed by a folded header line (libcurl 7.88 reused the
 * first answer's header storage across curl_easy_reset() and wrote the
 * second into freed memory; ASan saw it), then a status line libcurl reads
 * as status 0 (both found by fuzz_api_reply).
 */
static void
test_handle_per_attempt(void)
{
	static const char *const answers[] = {
		"HTTP/1.1 429 Too Many\r\nRetry-After: z30\r\nContent-Lengt",
		"HTTP/1.1 200 OK\n Accept-Encoding: x\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/200 OK\r\nContent-Length: 2\r\n\r\n{}",
	};
	struct http_client c;
	struct http_opts o;
	struct http_request rq;
	struct http_response rs;
	struct err e = ERR_INIT;
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char url[64];
	int s, i, st;
	pid_t pid;

	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) < 0) {
		ok(0, "listen on loopback");
		close(s);
		return;
	}
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < 3; i++) {
			int fd = accept(s, NULL, NULL);
			char req[4096];

			if (fd < 0)
				_exit(1);
			if (read(fd, req, sizeof(req)) <= 0 ||
			    write(fd, answers[i], strlen(answers[i])) < 0)
				_exit(1);
			shutdown(fd, SHUT_WR);
			while (read(fd, req, sizeof(req)) > 0)
				;
			close(fd);
		}
		_exit(0);
	}
	close(s);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", ntohs(sa.sin_port));
	memset(&o, 0, sizeof(o));
	http_global_init(&e);
	http_client_init(&c, &o, &e);
	http_response_init(&rs);
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = url;
	rq.timeout_ms = 5000;
	i = http_perform(&c, &rq, &rs);
	ok((i == 0 && rs.status > 0) || (i < 0 && rs.fault != HTTP_FAULT_NONE),
	   "headers cut short: an answer or a fault (%ld %s)", rs.status, rs.error);
	/* libcurl refuses a first header line that continues nothing. */
	i = http_perform(&c, &rq, &rs);
	ok((i < 0 && rs.fault != HTTP_FAULT_NONE && rs.error[0]) || (i == 0 && rs.status == 200),
	   "a folded first header: refused cleanly (%s)", rs.error);
	/* libcurl reads this as status 0 and no error. */
	ok(http_perform(&c, &rq, &rs) < 0 && rs.fault == HTTP_FAULT_OTHER && rs.status == 0 &&
	   strstr(rs.error, "status line"), "no valid status line: a fault (%s)", rs.error);
	http_response_release(&rs);
	http_client_release(&c);
	http_global_cleanup();
	ok(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "the server saw three requests");
}

static int
python_gunzip_equals(const char *gz, size_t gzlen, const char *want, size_t wlen)
{
	char *in = xasprintf("%s/body.gz", tmp), *out = xasprintf("%s/body.out", tmp), *cmd;
	struct buf got = BUF_INIT;
	struct err e = ERR_INIT;
	int ok_ = 0;

	file_write_atomic(in, gz, gzlen, 0600, 0, &e);
	cmd = xasprintf("python3 -c 'import gzip,sys; open(sys.argv[2], \"wb\").write("
			"gzip.decompress(open(sys.argv[1], \"rb\").read()))' '%s' '%s'", in, out);
	if (system(cmd) == 0 && file_read(out, 64u << 20, 0, &got, NULL, &e) == 0)
		ok_ = got.len == wlen && memcmp(got.data, want, wlen) == 0;
	buf_release(&got);
	free(cmd);
	free(in);
	free(out);
	return ok_;
}

static void
test_gzip(void)
{
	struct buf json = BUF_INIT, gz = BUF_INIT, rnd = BUF_INIT, capped;
	size_t i;
	int have_python = system("python3 -c 'import gzip' 2>/dev/null") == 0;
	unsigned long x = 12345;

	is_int(gzip_crc32(0, "123456789", 9), 0xcbf43926ul, "CRC-32 check value");
	is_int(gzip_crc32(gzip_crc32(0, "1234", 4), "56789", 5), 0xcbf43926ul, "CRC-32 in pieces");
	buf_adds(&json, "{\"configurations\": [");
	for (i = 0; i < 300; i++)
		buf_addf(&json, "%s{\"name\": \"server-%zu\", \"type\": \"stdio\", \"command\": \"npx\", "
			 "\"args\": [\"-y\", \"@example/server-%zu\"], \"url\": null, \"env\": null}",
			 i ? ", " : "", i, i * 7919 % 1000);
	buf_adds(&json, "]}");
	ok(gzip_compress(json.data, json.len, &gz) == 0, "compress a JSON body");
	ok(gz.len * 4 < json.len, "JSON shrinks more than 4x (%zu -> %zu)", json.len, gz.len);
	ok((unsigned char)gz.data[0] == 0x1f && (unsigned char)gz.data[1] == 0x8b && gz.data[2] == 8,
	   "gzip header");
	if (have_python) {
		ok(python_gunzip_equals(gz.data, gz.len, json.data, json.len),
		   "Python decodes it to the same bytes");
		for (i = 0; i < 200000; i++) {
			x = x * 6364136223846793005ul + 1442695040888963407ul;
			buf_addc(&rnd, (char)(x >> 56));
			if (i % 1000 < 300)
				buf_addc(&rnd, 'a');	/* some runs */
		}
		buf_clear(&gz);
		gzip_compress(rnd.data, rnd.len, &gz);
		ok(python_gunzip_equals(gz.data, gz.len, rnd.data, rnd.len),
		   "random bytes with runs round-trip");
		buf_clear(&gz);
		gzip_compress("", 0, &gz);
		ok(python_gunzip_equals(gz.data, gz.len, "", 0), "empty input round-trips");
		buf_clear(&gz);
		buf_clear(&rnd);
		for (i = 0; i < 100000; i++)
			buf_addc(&rnd, 'z');
		gzip_compress(rnd.data, rnd.len, &gz);
		ok(gz.len < 1000 && python_gunzip_equals(gz.data, gz.len, rnd.data, rnd.len),
		   "a long run: max-length matches at distance 1 (%zu bytes)", gz.len);
	} else {
		ok(1, "# SKIP python3 not available");
	}
	buf_init(&capped, 16);
	ok(gzip_compress(json.data, json.len, &capped) == -1 && capped.len == 0,
	   "a capped buffer refuses and stays empty");
	buf_release(&capped);
	buf_release(&json);
	buf_release(&gz);
	buf_release(&rnd);
}

int
main(void)
{
	char cmd[300];

	snprintf(tmp, sizeof(tmp), "%s/test_http.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL)
		return 1;
	test_retry_after();
	test_backoff();
	test_ca_order();
	test_client();
	test_handle_per_attempt();
	test_gzip();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", tmp);
	return tap_done();
}
