/* Standalone driver: feeds every file named on the command line (or every
 * file in named directories) to LLVMFuzzerTestOneInput, without libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;

	if (file_read(path, 64u * 1024 * 1024, 0, &b, NULL, &e) < 0) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path, e.msg);
		return -1;
	}
	/* Hand the fuzzer a private copy of exactly size bytes, as libFuzzer does. */
	{
		uint8_t *copy = xmalloc(b.len ? b.len : 1);

		memcpy(copy, b.data, b.len);
		LLVMFuzzerTestOneInput(copy, b.len);
		free(copy);
	}
	buf_release(&b);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *de;

			while (d && (de = readdir(d)) != NULL) {
				char *p;

				if (de->d_name[0] == '.')
					continue;
				p = xasprintf("%s/%s", argv[i], de->d_name);
				if (run_file(p) == 0)
					n++;
				free(p);
			}
			if (d)
				closedir(d);
		} else if (run_file(argv[i]) == 0) {
			n++;
		}
	}
	printf("replayed %d inputs\n", n);
	return 0;
}
