#!/bin/sh
# Install the Debian packages the build and the tests need, only when missing.
set -eu
pkgs="build-essential pkg-config libcurl4-openssl-dev libcjson-dev libyaml-dev libgit2-dev
libsqlite3-dev clang libclang-rt-14-dev git ca-certificates sqlite3 openssl python3 mandoc"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null || true
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
