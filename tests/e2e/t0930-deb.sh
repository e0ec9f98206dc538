# The Debian package: built with packaging/mkdeb.sh (what `make deb` runs),
# its contents and control fields, then installed and removed with dpkg —
# first into a scratch root (--instdir, maintainer scripts see DPKG_ROOT),
# with and without a managed configuration (the timer is enabled only with
# one), then, as root, for real with dpkg -i / dpkg -r.
. "$TOP/tests/e2e/lib.sh"

if ! command -v dpkg-deb >/dev/null 2>&1; then
	echo "# skipped: dpkg-deb is not installed (not a Debian system)"
	done_testing
	exit 0
fi
if [ -n "${RUNLAYER_VALGRIND:-}" ]; then
	# $RUNLAYER is the wrapper script of make valgrind: it cannot be stripped,
	# packaged or installed as /usr/bin/runlayer.
	echo "1..0 # SKIP under valgrind: the package holds the binary, not the valgrind wrapper"
	exit 0
fi
export RUNLAYER_HOME="$PWD/state"
deb=$(sh "$TOP/packaging/mkdeb.sh" "$RUNLAYER" "$PWD/debs" 2>mk.err)
check "package built" test -f "$deb"
sed 's/^/#   /' mk.err
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >contents
for f in /usr/bin/runlayer /usr/bin/aiwatch /usr/share/man/man1/runlayer.1.gz \
	/usr/share/man/man1/aiwatch.1.gz /usr/share/bash-completion/completions/runlayer \
	/usr/share/bash-completion/completions/aiwatch /usr/share/zsh/vendor-completions/_runlayer \
	/usr/lib/systemd/system/runlayer-scan.service /usr/lib/systemd/system/runlayer-scan.timer; do
	check "package has $f" grep -qx "$f" contents
done
check "control fields" sh -c "[ \"\$(dpkg-deb -f '$deb' Package)\" = runlayer ] &&
	[ \"\$(dpkg-deb -f '$deb' Version)\" = \"\$(cat '$TOP/VERSION')\" ] &&
	dpkg-deb -f '$deb' Depends | grep -q libc6"
dpkg-deb -x "$deb" x
check "packaged timer runs /usr/bin/runlayer scan --quiet every 15 min" sh -c \
	'grep -qx "ExecStart=/usr/bin/runlayer scan --quiet" x/usr/lib/systemd/system/runlayer-scan.service &&
	 grep -qx "OnUnitActiveSec=15min" x/usr/lib/systemd/system/runlayer-scan.timer'
check "packaged man page is the tree's" sh -c 'gzip -dc x/usr/share/man/man1/runlayer.1.gz | cmp -s - "$TOP/docs/runlayer.1"'

# ---- a scratch root -----------------------------------------------------
inst() {
	root=$1; shift
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
	touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
	force="--force-script-chrootless --force-depends --force-not-root --force-bad-path"
	# shellcheck disable=SC2086
	dpkg --instdir="$root" --admindir="$root/var/lib/dpkg" --log=/dev/null $force "$@"
}
R="$PWD/root"
if inst "$R" -i "$deb" >inst.out 2>&1; then pass "dpkg -i into a scratch root"; else fail "dpkg -i into a scratch root"; sed 's/^/#   /' inst.out; fi
check "binary installed" test -x "$R/usr/bin/runlayer"
check "aiwatch link installed" sh -c "[ \"\$(readlink '$R/usr/bin/aiwatch')\" = runlayer ]"
check "units installed" test -f "$R/usr/lib/systemd/system/runlayer-scan.timer"
check "timer not enabled without a managed config" test ! -e "$R/etc/systemd/system/timers.target.wants/runlayer-scan.timer"
if inst "$R" -r runlayer >rm.out 2>&1; then pass "dpkg -r from the scratch root"; else fail "dpkg -r from the scratch root"; sed 's/^/#   /' rm.out; fi
check "files gone after dpkg -r" sh -c "[ -z \"\$(cd '$R' && find usr -type f -o -type l 2>/dev/null)\" ]"

M="$PWD/managed"
mkdir -p "$M/etc/runlayer/aiwatch"
echo '{"Host": "https://backend.example"}' >"$M/etc/runlayer/aiwatch/config.json"
if command -v systemctl >/dev/null 2>&1; then
	inst "$M" -i "$deb" >inst.out 2>&1
	check "managed config: timer enabled by postinst" test -L "$M/etc/systemd/system/timers.target.wants/runlayer-scan.timer"
	contains "postinst says so" inst.out "runlayer-scan.timer enabled"
	inst "$M" -r runlayer >rm.out 2>&1
	check "prerm disabled the timer" test ! -e "$M/etc/systemd/system/timers.target.wants/runlayer-scan.timer"
	check "managed config kept" test -f "$M/etc/runlayer/aiwatch/config.json"
	check "no package file left" sh -c "[ -z \"\$(cd '$M' && find usr -type f -o -type l 2>/dev/null)\" ]"
else
	echo "# skipped the managed-config case: systemctl is not installed"
fi

# ---- the real thing (root only) -------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	echo "# skipped dpkg -i / dpkg -r on this system: needs root (CI runs as root)"
elif dpkg-query -W -f='${Status}' runlayer 2>/dev/null | grep -q installed || [ -e /usr/bin/runlayer ]; then
	echo "# skipped dpkg -i / dpkg -r on this system: a runlayer is already installed"
else
	(
		flock 9
		dpkg -i "$deb" >sys.out 2>&1; echo $? >sys.rc
		for f in $(grep -v '/$' contents); do [ -e "$f" ] || [ -L "$f" ] || echo "$f" >>missing; done
		/usr/bin/runlayer --version >sys.version 2>&1
		[ -e /etc/systemd/system/timers.target.wants/runlayer-scan.timer ] && echo enabled >sys.timer
		dpkg -r runlayer >sysrm.out 2>&1; echo $? >sysrm.rc
		for f in $(grep -v '/$' contents); do { [ -e "$f" ] || [ -L "$f" ]; } && echo "$f" >>left; done
		dpkg -P runlayer >/dev/null 2>&1
	) 9>/tmp/runlayer-deb-test.lock
	check "dpkg -i" sh -c '[ "$(cat sys.rc)" = 0 ]'
	[ "$(cat sys.rc)" = 0 ] || sed 's/^/#   /' sys.out
	check "every packaged file present after dpkg -i" test ! -s missing
	contains "installed binary runs" sys.version "runlayer version"
	check "timer left disabled (no managed config here)" test ! -e sys.timer
	check "dpkg -r" sh -c '[ "$(cat sysrm.rc)" = 0 ]'
	check "every packaged file gone after dpkg -r" test ! -e left
	check "package not installed any more" sh -c '! dpkg-query -W -f="\${Status}" runlayer 2>/dev/null | grep -q "install ok"'
fi
done_testing
