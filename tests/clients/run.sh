#!/bin/sh
# `make check-clients`: differential test of `runlayer scan` against the real
# Claude Code, Codex and Gemini CLI (clients.md §6). Installs the clients
# from npm into build/clients-npm/ (reused when present), generates fixture
# homes, lists each client's servers at several cwds, and checks that the
# client's own selection rules applied to our scan payload give the same set.
#
# Environment: RUNLAYER (required, absolute path of the binary); SEED (1);
# HOMES (5); JOBS (parallel runs); KEEP=1 keeps the scratch dir; VERBOSE=1
# prints every payload and set; CLIENTS_NPM_DIR overrides the npm cache.
# See tests/clients/README.md.
# Exit: 0 pass, 1 mismatch or error, 77 skipped (clients not installable).
set -u
: "${RUNLAYER:?RUNLAYER must point at the runlayer binary}"
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/clients
npm_dir=${CLIENTS_NPM_DIR:-$top/build/clients-npm}
bin=$npm_dir/node_modules/.bin

# Versions checked in clients.md (header and §6.2).
CLAUDE_PKG=@anthropic-ai/claude-code@2.1.197
CODEX_PKG=@openai/codex@0.169.0
GEMINI_PKG=@google/gemini-cli@0.61.0

skip() {
	echo "1..0 # SKIP $*"
	exit 77
}

start=$(date +%s)
case $RUNLAYER in
/*) ;;
*) echo "run.sh: RUNLAYER must be an absolute path" >&2; exit 1 ;;
esac
[ -x "$RUNLAYER" ] || { echo "run.sh: $RUNLAYER is not executable" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
command -v git >/dev/null 2>&1 || skip "git not found"
if ! "$RUNLAYER" scan --help >/dev/null 2>&1; then
	echo "not ok 1 - $RUNLAYER has a scan command"
	echo "1..1"
	exit 1
fi

installed() {
	[ -x "$bin/claude" ] && [ -x "$bin/codex" ] && [ -x "$bin/gemini" ] &&
	"$bin/claude" --version 2>/dev/null | grep -q '^2\.1\.197 ' &&
	"$bin/codex" --version 2>/dev/null | grep -q ' 0\.169\.0$' &&
	GEMINI_CLI_NO_RELAUNCH=true "$bin/gemini" --version 2>/dev/null | grep -q '^0\.61\.0$'
}

if ! installed; then
	command -v npm >/dev/null 2>&1 || skip "npm not found: cannot install the clients"
	echo "# installing $CLAUDE_PKG $CODEX_PKG $GEMINI_PKG into $npm_dir"
	mkdir -p "$npm_dir"
	if ! npm install --prefix "$npm_dir" --no-audit --no-fund --loglevel=error \
		--fetch-retries=1 --fetch-timeout=60000 "$CLAUDE_PKG" "$CODEX_PKG" "$GEMINI_PKG" >"$npm_dir/install.log" 2>&1; then
		sed 's/^/#   /' "$npm_dir/install.log" | tail -n 15
		skip "npm install failed (no registry?): see $npm_dir/install.log"
	fi
	installed || skip "the clients do not run after npm install: see $npm_dir/install.log"
fi

# Scratch under /tmp, never inside a git work tree or below a .mcp.json:
# Claude reads .mcp.json in every ancestor of the cwd and both Claude and
# Codex key projects by the enclosing git root (clients.md §1.2, §2.2).
work=$(mktemp -d "${TMPDIR:-/tmp}/runlayer-clients.XXXXXX") || exit 1
d=$work
while [ "$d" != / ]; do
	d=$(dirname "$d")
	for f in .mcp.json .git .codex .gemini; do
		if [ -e "$d/$f" ]; then
			echo "not ok 1 - scratch ancestor $d/$f would leak into the clients' view"
			echo "1..1"
			rm -rf "$work"
			exit 1
		fi
	done
done

python3 "$here/difftest.py" --runlayer "$RUNLAYER" --bin-dir "$bin" --work "$work" \
	--seed "${SEED:-1}" --homes "${HOMES:-5}" ${JOBS:+--jobs "$JOBS"} \
	${VERBOSE:+--verbose}
rc=$?
end=$(date +%s)
echo "# check-clients: $((end - start))s"
if [ -n "${KEEP:-}" ]; then
	echo "# scratch kept in $work"
else
	rm -rf "$work"
	[ $rc -eq 0 ] || echo "# run with KEEP=1 to keep the homes, listings and payloads"
fi
exit $rc
