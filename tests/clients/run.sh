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
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
here=$top/tests/clients

start=$(date +%s)
need_runlayer -x
need python3 git
if ! "$RUNLAYER" scan --help >/dev/null 2>&1; then
	echo "not ok 1 - $RUNLAYER has a scan command"
	echo "1..1"
	exit 1
fi
need_clients all verbose

# Scratch under /tmp, never inside a git work tree or below a .mcp.json:
# Claude reads .mcp.json in every ancestor of the cwd and both Claude and
# Codex key projects by the enclosing git root (clients.md §1.2, §2.2).
work=$(mktemp -d "${TMPDIR:-/tmp}/runlayer-clients.XXXXXX") || exit 1
if leak=$(leaky_ancestor "$work" .mcp.json .git .codex .gemini); then
	echo "not ok 1 - scratch ancestor $leak would leak into the clients' view"
	echo "1..1"
	rm -rf "$work"
	exit 1
fi

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
