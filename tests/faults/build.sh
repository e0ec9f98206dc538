#!/bin/sh
# Build the fault-injection shim (tests/faults/inject.c) into DIR/inject.so.
# Usage: tests/faults/build.sh DIR. Prints nothing on success.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh DIR}
mkdir -p "$out"
${CC:-cc} -std=c11 -shared -fPIC -O1 -g -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wvla \
	-o "$out/inject.so" "$here/inject.c" -ldl -lpthread
