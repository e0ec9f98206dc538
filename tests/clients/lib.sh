# shellcheck shell=sh
# shellcheck disable=SC2034 # the variables are for the scripts that source this
# What the scripts of tests/clients share (run.sh, hooks_accept.sh,
# enforce_*.sh), sourced first: `. "$(dirname "$0")/lib.sh"`. Sets top (the
# source tree), npm_dir and bin (the clients, from CLIENTS_NPM_DIR or
# build/clients-npm), the pinned client packages and me (the script's
# name); gives the TAP helpers, the client install, the scratch dir, the
# hermetic environment and the mock model servers (enforce/mock_*.py).
# POSIX sh; the callers run with set -u.

me=${0##*/}
top=$(cd "$(dirname "$0")/../.." && pwd)
npm_dir=${CLIENTS_NPM_DIR:-$top/build/clients-npm}
bin=$npm_dir/node_modules/.bin

# Versions checked in clients.md (header and §6.2).
CLAUDE_PKG=@anthropic-ai/claude-code@2.1.197
CODEX_PKG=@openai/codex@0.169.0
GEMINI_PKG=@google/gemini-cli@0.61.0

# ---- TAP ----
n=0
failures=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; }
skip() { echo "1..0 # SKIP $*"; exit 77; }
check() {	# description, command...: pass when the command succeeds
	_desc=$1; shift
	if "$@"; then pass "$_desc"; else fail "$_desc"; fi
}
dump() { sed 's/^/#   /' "$@"; }	# files (or stdin) as TAP comments
# tap_done [TEXT]: the plan and "# N passed, N failed" followed by TEXT;
# succeeds when nothing failed (the script's exit status, as its last command).
tap_done() {
	echo "1..$n"
	echo "# $((n - failures)) passed, $failures failed${1:-}"
	[ "$failures" -eq 0 ]
}

# ---- what the test needs ----
# need_runlayer [-x]: exit 1 unless RUNLAYER is an absolute path (-x: of an
# executable file).
need_runlayer() {
	case $RUNLAYER in
	/*) ;;
	*) echo "$me: RUNLAYER must be an absolute path" >&2; exit 1 ;;
	esac
	if [ "${1:-}" = -x ] && [ ! -x "$RUNLAYER" ]; then
		echo "$me: $RUNLAYER is not executable" >&2
		exit 1
	fi
}
need() {	# program...: skip the test unless each one is on PATH
	for _prog in "$@"; do
		command -v "$_prog" >/dev/null 2>&1 || skip "$_prog not found"
	done
}

# clients_run claude|codex|gemini|all: the pinned versions run from $bin.
clients_run() {
	case $1 in
	claude) [ -x "$bin/claude" ] && "$bin/claude" --version 2>/dev/null | grep -q '^2\.1\.197 ' ;;
	codex) [ -x "$bin/codex" ] && "$bin/codex" --version 2>/dev/null | grep -q ' 0\.169\.0$' ;;
	gemini) [ -x "$bin/gemini" ] &&
		GEMINI_CLI_NO_RELAUNCH=true "$bin/gemini" --version 2>/dev/null | grep -q '^0\.61\.0$' ;;
	all) clients_run claude && clients_run codex && clients_run gemini ;;
	esac
}
# need_clients claude|gemini|all [verbose]: unless clients_run, npm installs
# into $npm_dir Claude Code alone for claude, else all three clients (the
# scripts share the dir). Skips the test (exit 77) when npm is missing, the
# install fails or the clients still do not run; verbose (run.sh) shows the
# end of the npm log and points at it.
need_clients() {
	_which=$1
	_verbose=${2:-}
	clients_run "$_which" && return 0
	command -v npm >/dev/null 2>&1 || skip "npm not found: cannot install the clients"
	if [ "$_which" = claude ]; then
		set -- "$CLAUDE_PKG"
	else
		set -- "$CLAUDE_PKG" "$CODEX_PKG" "$GEMINI_PKG"
	fi
	echo "# installing $* into $npm_dir"
	mkdir -p "$npm_dir"
	if ! npm install --prefix "$npm_dir" --no-audit --no-fund --loglevel=error \
		--fetch-retries=1 --fetch-timeout=60000 "$@" >"$npm_dir/install.log" 2>&1; then
		if [ -n "$_verbose" ]; then
			dump "$npm_dir/install.log" | tail -n 15
			skip "npm install failed (no registry?): see $npm_dir/install.log"
		fi
		skip "npm install failed: see $npm_dir/install.log"
	fi
	clients_run "$_which" && return 0
	if [ "$_which" = all ]; then _which="the clients do"; else _which="$_which does"; fi
	skip "$_which not run after npm install${_verbose:+: see $npm_dir/install.log}"
}

# ---- scratch dir, mock model ----
mock_pid=
stop_mock() {
	if [ -n "$mock_pid" ]; then
		kill "$mock_pid" 2>/dev/null
		wait "$mock_pid" 2>/dev/null
		mock_pid=
	fi
}
scratch_cleanup() {
	stop_mock
	if [ -n "${KEEP:-}" ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
# scratch NAME: $work, a fresh runlayer-NAME.XXXXXX under TMPDIR (or /tmp);
# on exit (also by HUP, INT, TERM: status 1) the mock is stopped and $work
# removed, or kept with KEEP=1.
scratch() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/runlayer-$1.XXXXXX") || exit 1
	trap scratch_cleanup EXIT
	trap 'exit 1' HUP INT TERM
}
# leaky_ancestor DIR NAME...: prints the first ANCESTOR/NAME that exists
# above DIR (Claude reads .mcp.json in every ancestor of the cwd, Claude and
# Codex key projects by the enclosing git root); fails when there is none.
leaky_ancestor() {
	_dir=$1; shift
	while [ "$_dir" != / ]; do
		_dir=$(dirname "$_dir")
		for _name in "$@"; do
			if [ -e "$_dir/$_name" ]; then
				echo "$_dir/$_name"
				return 0
			fi
		done
	done
	return 1
}

# start_mock CLIENT PORTFILE LOGFILE ARG...: enforce/mock_CLIENT.py in the
# background ($mock_pid, stopped by stop_mock), with the caller's stdout and
# stderr; waits up to 10 s for PORTFILE and fails when it did not appear.
start_mock() {
	_mock=$top/tests/clients/enforce/mock_$1.py
	shift
	rm -f "$1"
	python3 "$_mock" "$@" &
	mock_pid=$!
	_i=0
	while [ ! -s "$1" ] && [ $_i -lt 100 ]; do
		kill -0 "$mock_pid" 2>/dev/null || break
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -s "$1" ]
}

# ---- the hermetic environment of clients.md §6.1 ----
# Ours and XDG's; each script adds its client's variables.
hermetic_unset="RUNLAYER_HOME RUNLAYER_DB RUNLAYER_HOST XDG_CONFIG_HOME XDG_DATA_HOME
XDG_STATE_HOME XDG_CACHE_HOME"
# be_hermetic HOME: from here on, HOME, NO_COLOR=1, LC_ALL=C, TZ=UTC and
# none of $hermetic_unset (our hooks inherit the client's environment).
be_hermetic() {
	for _var in $hermetic_unset; do unset "$_var"; done
	HOME=$1
	export HOME NO_COLOR=1 LC_ALL=C TZ=UTC
}
# hermetic HOME COMMAND...: COMMAND in that environment (NAME=VALUE words
# first, as env takes them).
hermetic() {
	(
		be_hermetic "$1"
		shift
		exec env "$@"
	)
}
