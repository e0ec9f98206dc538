/* libFuzzer target for the registry hive reader: any hive fails with a
 * message or gives string and integer values; read through the managed
 * configuration (HKLM and HKCU) only typed, known values come out. Input:
 * a whole hive ("regf…"), or 4 bytes of root cell offset followed by the
 * hbin data (the 4 KiB base block is then made here). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/managed.h"
#include "net/regf.h"
#include "parsers/tree.h"
#include "util/xalloc.h"
#include "tests/fuzz/fuzz_tmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_regf: %s\n", what);
		abort();
	}
}

static void
read_key(const char *path, const char *key)
{
	struct err e = ERR_INIT;
	cJSON *t = NULL;
	const cJSON *v;
	int ret;

	ret = regf_read_key(path, key, &t, &e);
	if (ret < 0) {
		check(t == NULL, "a failed read left a tree");
		check((ret == -ERR_PARSE || ret == -ERR_NOTFOUND) && e.msg[0],
		      "unexpected error, or no message");
		return;
	}
	check(cJSON_IsObject(t), "values are not an object");
	check(cJSON_GetArraySize(t) <= (int)REGF_MAX_VALUES, "too many values");
	cJSON_ArrayForEach(v, t)
		check(v->string && (cJSON_IsString(v) || (cJSON_IsNumber(v) && tree_is_integer(v))),
		      "value of an unexpected type");
	cJSON_Delete(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *hive;
	size_t len;
	const char *path;
	struct managed_opts o;
	struct managed m;
	struct err e = ERR_INIT;
	const cJSON *v;

	if (size > 2 * 1024 * 1024)
		return 0;
	if (size >= 4 && memcmp(data, "regf", 4) == 0) {
		hive = xmalloc(size);
		memcpy(hive, data, size);
		len = size;
	} else {
		len = 4096 + (size > 4 ? size - 4 : 0);
		hive = xcalloc(len, 1);
		memcpy(hive, "regf", 4);
		memcpy(hive + 0x24, data, size < 4 ? size : 4);
		if (size > 4)
			memcpy(hive + 4096, data + 4, size - 4);
	}
	path = fuzz_tmp_write("Windows/System32/config/SOFTWARE", hive, len, 0644);
	read_key(path, "Software\\Runlayer\\CLI");
	read_key(path, "");
	fuzz_tmp_write("NTUSER.DAT", hive, len, 0600);
	free(hive);

	memset(&o, 0, sizeof(o));
	o.root = fuzz_tmp();
	o.home = fuzz_tmp();
	o.os = "windows";
	o.aiwatch = 1;		/* Runlayer\\AIWatch in HKLM and HKCU */
	managed_load(&m, &o, &e);
	cJSON_ArrayForEach(v, m.values)
		check(cJSON_IsString(v) || cJSON_IsBool(v) ||
		      (cJSON_IsNumber(v) && tree_is_integer(v) && v->valuedouble > 0),
		      "managed value of the wrong type");
	managed_release(&m);
	return 0;
}
