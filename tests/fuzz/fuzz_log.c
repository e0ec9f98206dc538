/* Fuzz target for util/log: any line parses or is refused without a crash;
 * any value written by log_format() parses back to one line whose value is
 * the redacted input; file names and times never crash their parsers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/redact.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	struct log_entry en;
	struct log_name ln;
	struct buf line = BUF_INIT;
	time_t t;

	memcpy(s, data, size);
	s[size] = '\0';
	if (log_parse_line((const char *)data, size, &en) == 0)
		log_entry_release(&en);
	log_parse_time(s, &t);
	log_name_parse(s, &ln);

	/* Round trip: the written line is one line and reads back. */
	if (strlen(s) == size) {
		char *want;

		log_format(&line, 0, 0, LOG_INFO, "fuzz", LOG_KV(LOG_TEXT("v", s)));
		if (memchr(line.data, '\n', line.len) != line.data + line.len - 1)
			abort();
		if (log_parse_line(line.data, line.len - 1, &en) != 0 || en.n != 1)
			abort();
		want = redact_arg("--v", s);
		if (strlen(want) <= LOG_VALUE_MAX && strcmp(en.values[0], want) != 0) {
			fprintf(stderr, "fuzz_log: round trip changed '%s' into '%s'\n", want,
				en.values[0]);
			abort();
		}
		free(want);
		log_entry_release(&en);
	}
	buf_release(&line);
	free(s);
	return 0;
}
