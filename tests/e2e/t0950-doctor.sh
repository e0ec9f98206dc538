# `runlayer doctor`: read-only checks with an exit status: a fresh home has
# warnings only; a scan, hooks, a schedule and logs turn checks green; a
# config.yaml readable by others and a world-writable state dir fail.
. "$TOP/tests/e2e/lib.sh"

mkdir -p "$HOME/.claude" bin fake
ln -s "$RUNLAYER" bin/runlayer
printf '#!/bin/sh\nexit 0\n' >fake/systemctl
chmod +x fake/systemctl

is_status() { # is_status NAME WANT [PATTERN]: the first check NAME (whose detail has PATTERN) is WANT
	python3 -c '
import json, sys
d = json.load(open("out"))
for c in d["checks"]:
    if c["name"] == sys.argv[1] and (len(sys.argv) < 4 or sys.argv[3] in c["detail"]):
        sys.exit(0 if c["status"] == sys.argv[2] else 1)
sys.exit(1)
' "$@"
}

expect_rc "fresh home: doctor passes" 0 "$RUNLAYER" doctor
contains "no scan yet is a warning" out "last_scan: no scan recorded"
contains "summary line" out "0 checks failed"
expect_rc "--json" 0 "$RUNLAYER" doctor --json
check "JSON schema and ok" python3 -c '
import json; d = json.load(open("out")); assert d["schema"] == 1 and d["ok"] is True
names = {c["name"] for c in d["checks"]}
assert {"binary", "state_dir", "config", "managed", "hooks", "inventory", "last_scan", "schedule", "logs"} <= names, names'
check "binary not on PATH is a warning" is_status binary warn
check "doctor wrote nothing" test ! -e "$HOME/.runlayer"

expect_rc "scan" 0 "$RUNLAYER" scan --offline -q
PATH="$PWD/bin:$PWD/fake:$PATH" "$RUNLAYER" schedule --install >/dev/null 2>&1
"$RUNLAYER" setup hooks --install --client claude_code --yes >/dev/null 2>&1
PATH="$PWD/bin:$PATH" "$RUNLAYER" doctor --json >out 2>err
check "binary on PATH is ok" is_status binary ok
check "inventory ok" is_status inventory ok
check "last scan ok" is_status last_scan ok
check "schedule found" is_status schedule ok
check "logs ok" is_status logs ok
check "state dir ok" is_status state_dir ok
check "Claude Code hooks ok" is_status hooks ok "Claude Code"

printf 'default_host: https://h.example\nhosts: {}\n' >"$HOME/.runlayer/config.yaml"
chmod 644 "$HOME/.runlayer/config.yaml"
expect_rc "config.yaml readable by others fails" 1 "$RUNLAYER" doctor
contains "says which file" out "config.yaml"
chmod 600 "$HOME/.runlayer/config.yaml"
chmod 777 "$HOME/.runlayer"
expect_rc "world-writable state dir fails" 1 "$RUNLAYER" doctor --json
check "state_dir fail" is_status state_dir fail
chmod 700 "$HOME/.runlayer"
expect_rc "unexpected argument" 64 "$RUNLAYER" doctor extra
done_testing
