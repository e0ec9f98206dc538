/* RFC 9562 UUIDs: version 5 from SHA-1 for stable device ids, version 4
 * from the kernel CSPRNG for fresh ids and idempotency keys. */
#include "util/uuid.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "util/sha1.h"
#include "util/hex.h"
#include "util/banned.h"

const unsigned char uuid_ns_dns[UUID_LEN] = {
	0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
	0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
};

int
uuid_parse(const char *text, unsigned char out[UUID_LEN])
{
	size_t i, n = 0;

	if (text == NULL)
		return -1;
	for (i = 0; i < UUID_TEXT_LEN; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i] != '-')
				return -1;
			continue;
		}
		hi = hex_value((unsigned char)text[i]);
		if (hi < 0)
			return -1;
		lo = hex_value((unsigned char)text[++i]);
		if (lo < 0)
			return -1;
		out[n++] = (unsigned char)(hi << 4 | lo);
	}
	return text[UUID_TEXT_LEN] == '\0' ? 0 : -1;
}

void
uuid_format(const unsigned char u[UUID_LEN], char out[UUID_TEXT_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < UUID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = digits[u[i] >> 4];
		out[o++] = digits[u[i] & 15];
	}
	out[o] = '\0';
}

void
uuid_v5_bytes(const unsigned char ns[UUID_LEN], const void *name, size_t len,
	      unsigned char out[UUID_LEN])
{
	struct sha1_ctx c;
	unsigned char d[SHA1_DIGEST_LEN];

	sha1_init(&c);
	sha1_update(&c, ns, UUID_LEN);
	sha1_update(&c, name, len);
	sha1_final(&c, d);
	memcpy(out, d, UUID_LEN);
	out[6] = (unsigned char)((out[6] & 0x0f) | 0x50);
	out[8] = (unsigned char)((out[8] & 0x3f) | 0x80);
}

void
uuid_v5(const unsigned char ns[UUID_LEN], const void *name, size_t len,
	char out_text[UUID_TEXT_LEN + 1])
{
	unsigned char u[UUID_LEN];

	uuid_v5_bytes(ns, name, len, u);
	uuid_format(u, out_text);
}

static int
random_bytes(unsigned char *p, size_t n)
{
	size_t got = 0;
	int fd;

	while (got < n) {
		ssize_t r = getrandom(p + got, n - got, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	if (got == n)
		return 0;
	/* Old kernels (ENOSYS) or seccomp filters: use the device instead. */
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			if (r == 0)
				errno = EIO;
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	return 0;
}

int
uuid_v4(char out_text[UUID_TEXT_LEN + 1])
{
	unsigned char u[UUID_LEN];

	out_text[0] = '\0';
	if (random_bytes(u, sizeof(u)) < 0)
		return -1;
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	uuid_format(u, out_text);
	return 0;
}
