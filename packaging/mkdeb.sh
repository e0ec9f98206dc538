#!/bin/sh
# Build runlayer_<version>_<arch>.deb with dpkg-deb from a built binary and
# the tree's man page and completions; prints the path of the package.
#   packaging/mkdeb.sh BINARY OUTDIR
# The system units come from `runlayer schedule --print --system`, so the
# package runs exactly what `schedule` would install. Depends: the Debian
# packages owning the shared libraries the binary links directly (dpkg -S).
set -eu
bin=$1
outdir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$top/VERSION")
arch=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-"runlayer-c maintainers <root@localhost>"}
stage=$(mktemp -d "${TMPDIR:-/tmp}/runlayer-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
root="$stage/runlayer_${version}_$arch"

install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" \
	"$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
	"$root/usr/lib/systemd/system" "$root/usr/share/doc/runlayer"
install -m 0755 "$bin" "$root/usr/bin/runlayer"
# The lean hook runtime, built beside the main binary (see the Makefile).
[ -x "$bin-hook" ] && install -m 0755 "$bin-hook" "$root/usr/bin/runlayer-hook"
if command -v strip >/dev/null 2>&1 && [ -z "${DEB_NOSTRIP:-}" ]; then
	for f in "$root/usr/bin/runlayer" "$root/usr/bin/runlayer-hook"; do
		[ -f "$f" ] && strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f"
	done
fi
ln -s runlayer "$root/usr/bin/aiwatch"
gzip -9n <"$top/docs/runlayer.1" >"$root/usr/share/man/man1/runlayer.1.gz"
ln -s runlayer.1.gz "$root/usr/share/man/man1/aiwatch.1.gz"
install -m 0644 "$top/completions/runlayer.bash" "$root/usr/share/bash-completion/completions/runlayer"
ln -s runlayer "$root/usr/share/bash-completion/completions/aiwatch"
install -m 0644 "$top/completions/_runlayer" "$root/usr/share/zsh/vendor-completions/_runlayer"
RUNLAYER_HOME="$stage/state" "$bin" schedule --print --os linux --system \
	--binary /usr/bin/runlayer --output-dir "$root/usr/lib/systemd/system" >/dev/null
chmod 0644 "$root"/usr/lib/systemd/system/*
install -m 0644 "$top/README.md" "$root/usr/share/doc/runlayer/README.md"

# Depends: the packages owning the libraries the binary links directly.
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
deps=$(for so in $needed; do
	lib=$(ldd "$bin" | awk -v so="$so" '$1 == so && $3 ~ /^\// { print $3 }')
	[ -n "$lib" ] || continue
	dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || true
done | sed 's/:.*//' | sort -u | grep -v '^lib\(a\|ub\|l\)san' | paste -sd, - | sed 's/,/, /g')
[ -n "$deps" ] || deps=libc6
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
	-e "s|@DEPENDS@|$deps|" "$top/packaging/debian/control.in" >"$root/DEBIAN/control"
printf 'Installed-Size: %s\n' "$(du -sk --exclude=DEBIAN "$root" | cut -f1)" >>"$root/DEBIAN/control"
for s in postinst prerm postrm; do
	install -m 0755 "$top/packaging/debian/$s" "$root/DEBIAN/$s"
done
(cd "$root" && find usr -type f -exec md5sum {} + | sort -k2) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control"
mkdir -p "$outdir"
out="$outdir/runlayer_${version}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
