/* Helpers for fuzz targets whose entry points read files: one private
 * temporary directory per process ($TMPDIR/runlayer-fuzz-<pid>-XXXXXX,
 * removed at exit or by a later process once <pid> is gone), and a file
 * writer. */
#ifndef TESTS_FUZZ_FUZZ_TMP_H
#define TESTS_FUZZ_FUZZ_TMP_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_tmp_dir[256];

static inline int
fuzz_tmp_rm(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static inline void
fuzz_tmp_cleanup(void)
{
	if (fuzz_tmp_dir[0])
		nftw(fuzz_tmp_dir, fuzz_tmp_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* Remove the directories of processes that are gone: a crash, a timeout
 * or libFuzzer's own exits skip atexit(). */
static inline void
fuzz_tmp_sweep(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *de;
	char path[512];

	while (d && (de = readdir(d)) != NULL) {
		long pid;
		char *end;

		if (strncmp(de->d_name, "runlayer-fuzz-", 14) != 0)
			continue;
		pid = strtol(de->d_name + 14, &end, 10);
		if (end == de->d_name + 14 || *end != '-' || pid <= 0 ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		nftw(path, fuzz_tmp_rm, 16, FTW_DEPTH | FTW_PHYS);
	}
	if (d)
		closedir(d);
}

/* The process's directory (mode 0700), created on first use. */
static inline const char *
fuzz_tmp(void)
{
	if (fuzz_tmp_dir[0] == '\0') {
		const char *t = getenv("TMPDIR");

		t = t && t[0] == '/' ? t : "/tmp";
		fuzz_tmp_sweep(t);
		snprintf(fuzz_tmp_dir, sizeof(fuzz_tmp_dir), "%s/runlayer-fuzz-%ld-XXXXXX", t,
			 (long)getpid());
		if (mkdtemp(fuzz_tmp_dir) == NULL) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(fuzz_tmp_cleanup);
	}
	return fuzz_tmp_dir;
}

/* mkdir -p of the parent of path, relative paths under fuzz_tmp(). */
static inline void
fuzz_tmp_mkdirs(char *path)
{
	char *s;

	for (s = path + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(path, 0700);
		*s = '/';
	}
}

/* Write data to <tmp>/rel with mode (replacing it); returns the full path
 * in a static buffer. Aborts on failure: the target cannot go on. */
static inline const char *
fuzz_tmp_write(const char *rel, const void *data, size_t size, mode_t mode)
{
	static char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fuzz_tmp(), rel);
	fuzz_tmp_mkdirs(path);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd) < 0) {
		perror("fuzz: write");
		abort();
	}
	chmod(path, mode);
	return path;
}

#endif
