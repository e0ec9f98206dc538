# Helpers for the fault-injection end-to-end tests (sourced after
# tests/e2e/lib.sh): build the shim, a fixture home and inventory, and
# sweep(), which fails each write, fsync, rename or allocation of a command
# in turn and judges what it left behind.
#
#   FAULT_MAX_POINTS / FAULT_MAX_ALLOC   calls failed per sweep (spread out)
#
# Each test defines, before a sweep:
#   prep        restore the state the command starts from
#   verify RC   print what is wrong with the state it left (nothing = fine)
#   prep_after  (optional) state for the run without faults that follows
#   CLEAN_RC    exit status of a run without faults (default 0)
#   FIN         its standard input (default /dev/null)

command -v cc >/dev/null && command -v sqlite3 >/dev/null && command -v python3 >/dev/null ||
	{ echo "1..0 # SKIP no cc, sqlite3 or python3"; exit 0; }
sh "$TOP/tests/faults/build.sh" "$PWD/shim" >shim.log 2>&1 ||
	{ sed 's/^/# /' shim.log; echo "1..0 # SKIP cannot build the fault shim"; exit 0; }
ulimit -c 0

# An ASan runtime must come first in the preload list; it then owns malloc,
# so allocation faults are only swept in a plain build (and fewer points).
PRELOAD=$PWD/shim/inject.so
asan=$(ldd "$RUNLAYER" 2>/dev/null | awk '/libasan/ { print $3; exit }')
[ -n "$asan" ] && PRELOAD="$asan:$PRELOAD"
MAXP=${FAULT_MAX_POINTS:-8}
MAXA=${FAULT_MAX_ALLOC:-6}
[ -n "$asan" ] && { MAXP=${FAULT_MAX_POINTS:-3}; MAXA=0; }
# A coverage build (make coverage) writes its counters at exit with gcov's
# own allocations, which the shim would fail too, crashing gcov: no
# allocation faults there.
grep -q -a __gcov_exit "$RUNLAYER" 2>/dev/null && MAXA=0

SECRET=ghp_fixture_secret_value
KEY=rl_fault_key_0123456789
export RUNLAYER_HOSTNAME=fault-host RUNLAYER_HTTP_RETRIES=0 RUNLAYER_HTTP_TIMEOUT=2
R=$PWD/.runlayer-state
export RUNLAYER_HOME=$R
DB=$R/inventory.db
mkdir -p h/.cursor root
cat >h/.cursor/mcp.json <<JSON
{"mcpServers": {
  "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
             "env": {"GITHUB_TOKEN": "$SECRET"}},
  "docs": {"url": "https://docs.example.com/mcp"}
}}
JSON
SCAN="--home $PWD/h --root $PWD/root --os linux --no-projects --offline
	--device-id 11111111-2222-4333-8444-555555555555 --username alice"
db() { sqlite3 -batch "$DB" "$1" 2>&1; }
# integrity DB: "ok" or what is wrong.
integrity() { sqlite3 -batch "$1" "PRAGMA integrity_check" 2>&1 | head -n 3 | tr '\n' ' ' | sed 's/ $//'; }

# A store of two scans and a directory of two users, kept as base.db.
fault_baseline() {
	expect_rc "baseline scan 1" 0 "$RUNLAYER" scan $SCAN
	sed -i 's|docs.example.com/mcp|docs.example.com/mcp/v2|' h/.cursor/mcp.json
	expect_rc "baseline scan 2" 0 "$RUNLAYER" scan $SCAN
	printf 'email,first_name,last_name,username\nalice@example.com,Alice,A,alice\nbob@example.com,Bob,B,bob\n' >users1.csv
	expect_rc "baseline directory" 0 "$RUNLAYER" users import users1.csv
	cp "$DB" base.db
	base_scans=$(db "select count(*) from scans")
}
prep_db() { cp base.db "$DB"; rm -f "$DB-wal" "$DB-shm" "$DB-journal"; }

# points N MAX: 1..N, or MAX of them spread over 1..N (first and last kept).
points() {
	awk -v n="$1" -v m="$2" 'BEGIN {
		if (m <= 0) exit
		if (n <= m) { for (i = 1; i <= n; i++) print i; exit }
		for (k = 0; k < m; k++) { i = 1 + int(k * (n - 1) / (m - 1) + 0.5); if (i != last) print i; last = i }
	}'
}

errtext() {
	case $1 in
	ENOSPC) echo "No space left on device" ;;
	EIO) echo "Input/output error" ;;
	EROFS) echo "Read-only file system" ;;
	ENOMEM) echo "Cannot allocate memory" ;;
	esac
}

# The file a message must name for a fault on path: the database for its
# -wal/-shm/-journal, the target of a temporary file, a queue's directory.
subject_of() {
	p=${1%-wal}; p=${p%-shm}; p=${p%-journal}; p=${p%.lock}
	case ${p##*/} in
	.tmp-*) p=${p%/*} ;;
	*.tmp.*) p=${p%.tmp.*} ;;
	esac
	echo "${p##*/}"
}

# Temporary files a writer may have left behind (at most three names).
leftovers() { find "$@" \( -name '*.tmp.*' -o -name '.tmp-*' -o -name '*.tmp' \) 2>/dev/null | head -n 3; }

# sweep NAME CLASS MAX CMD...: count CMD's calls of CLASS (write, fsync,
# rename, alloc), then fail each of them in turn (at most MAX, spread out),
# with the errnos of ERRNOS taking turns. Each run is judged (judge, verify),
# then CMD runs again without faults and must exit CLEAN_RC. One TAP line.
sweep() {
	name=$1 cls=$2 max=$3; shift 3
	# Under valgrind the shim would be preloaded into the wrapper's shell,
	# unshare, mount and valgrind as well (their calls counted and failed),
	# and valgrind owns malloc: the sweeps need the real binary.
	if [ -n "${RUNLAYER_VALGRIND:-}" ]; then
		pass "$name, $cls # SKIP fault sweeps need the real binary, not valgrind's wrapper"
		return
	fi
	prep
	env FAULT_FN="$cls" FAULT_COUNT="$PWD/fcount" LD_PRELOAD="$PRELOAD" "$@" <"$FIN" >out 2>err
	rc=$?
	total=$(cut -d' ' -f1 fcount 2>/dev/null)
	rm -f fcount
	if [ "$rc" -ne "$CLEAN_RC" ] || [ -z "$total" ]; then
		fail "$name, $cls: a run with the shim and no fault exits $CLEAN_RC (got $rc)"
		sed 's/^/#   /' err | head -n 5
		return
	fi
	if [ "$total" -eq 0 ] || [ "$max" -eq 0 ]; then
		pass "$name, $cls: $total calls # SKIP nothing to sweep"
		return
	fi
	bad=0 nerr=0 nok=0 nabort=0 swept=0
	for i in $(points "$total" "$max"); do
		if [ "$cls" = alloc ]; then
			ERRNO=ENOMEM
		else
			ERRNO=$(echo $ERRNOS | awk -v k="$swept" '{ print $(k % NF + 1) }')
		fi
		prep
		rm -f flog
		env FAULT_FN="$cls" FAULT_NTH="$i" FAULT_ERRNO="$ERRNO" FAULT_LOG="$PWD/flog" \
			LD_PRELOAD="$PRELOAD" "$@" <"$FIN" >out 2>err
		rc=$?
		swept=$((swept + 1))
		why=$(judge "$cls")
		[ -z "$why" ] && why=$(verify "$rc")
		if [ -z "$why" ]; then
			prep_after
			"$@" <"$FIN" >out2 2>err2
			rc2=$?
			[ "$rc2" -ne "$CLEAN_RC" ] &&
				why="the next run without faults exits $rc2: $(head -n 2 err2 | tr '\n' ' ')"
		fi
		case $rc in 0) nok=$((nok + 1)) ;; 134) nabort=$((nabort + 1)) ;; *) nerr=$((nerr + 1)) ;; esac
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			[ $bad -le 4 ] && echo "#   $name, $cls call $i/$total ($(head -n 1 flog 2>/dev/null)): $why"
		fi
	done
	echo "# $name, $cls: $swept of $total calls failed in turn: $nerr errors, $nok completed, $nabort out-of-memory aborts"
	if [ $bad -eq 0 ]; then
		pass "$name: each $cls fault ($swept of $total) handled"
	else
		fail "$name: $bad of $swept $cls faults mishandled"
	fi
}

# Checks shared by every command; prints what is wrong.
judge() {
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' err; then
		echo "sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error' err)"; return
	fi
	if grep -qF -e "$SECRET" -e "$KEY" out err; then echo "a secret was printed"; return; fi
	if [ "$1" = alloc ]; then
		case $rc in
		134) grep -q "out of memory" err && return
			# A known silent abort (a library's own), counted by the test.
			[ -n "${SILENT_ABORT:-}" ] && { echo x >>"$SILENT_ABORT"; return; }
			echo "aborted without the out-of-memory message" ;;
		0) ;;
		*) [ "$rc" -ge 128 ] && echo "crashed (exit $rc): $(tail -n 1 err)" ;;
		esac
		return
	fi
	[ "$rc" -eq "$CLEAN_RC" ] && return
	[ "$rc" -ge 128 ] && { echo "crashed (exit $rc): $(tail -n 1 err)"; return; }
	[ -s flog ] || { echo "exit $rc but no fault was injected"; return; }
	set -- $(head -n 1 flog)
	subj=$(subject_of "$4")
	# A directory's fsync fails after the rename: the file is named instead.
	[ -d "$4" ] && subj=""
	if [ -n "$subj" ] && ! grep -qF "$subj" err; then
		echo "message does not name '$subj': $(head -n 1 err)"
	elif ! grep -qF -e "$(errtext "$ERRNO")" -e "disk is full" err; then
		echo "message lacks the errno text: $(head -n 1 err)"
	fi
}

prep_after() { :; }
SILENT_ABORT=
FIN=/dev/null
CLEAN_RC=0
ERRNOS="ENOSPC EIO"
