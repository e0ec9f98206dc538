# `runlayer logs`: reads the log files of every command from the state
# directory and the temp-directory fallback, merges them by time, filters by
# --since / --level / --command / --limit, prints text or versioned JSON.
. "$TOP/tests/e2e/lib.sh"

export RUNLAYER_HOME="$PWD/state"
logs="$RUNLAYER_HOME/logs"
mkdir -p "$logs" "$TMPDIR/runlayer-logs"
chmod 700 "$logs" "$TMPDIR/runlayer-logs"
cat >"$logs/runlayer-v0-1-0-scan-2026-01-01.log" <<'EOF'
2026-01-01T10:00:00.000+00:00 INFO scan_start home=/home/me
2026-01-01T10:00:05.000+00:00 WARNING config_skipped path="/home/me/a b.json" reason="bad \"quote\"\nnext"
this line is not an event
2026-01-01T10:00:09.000+00:00 ERROR scan_failed exit=3
EOF
cat >"$logs/runlayer-v0-1-0-setup-hooks-2026-01-02.log" <<'EOF'
2026-01-02T00:00:00.000+02:00 INFO hooks_installed client=cursor
EOF
cat >"$TMPDIR/runlayer-logs/runlayer-v0-0-9-scan-2025-12-31.log" <<'EOF'
2025-12-31T23:59:59.000+00:00 DEBUG fallback_event n=1
EOF
echo "2026-01-01T09:00:00Z INFO not_a_log_file" >"$logs/notes.txt"
ln -s "$logs/runlayer-v0-1-0-scan-2026-01-01.log" "$logs/runlayer-v0-1-0-link-2026-01-03.log"

expect_rc "logs" 0 "$RUNLAYER" logs
cat >want <<'EOF'
[scan] 2025-12-31T23:59:59.000+00:00 DEBUG fallback_event n=1
[scan] 2026-01-01T10:00:00.000+00:00 INFO scan_start home=/home/me
[scan] 2026-01-01T10:00:05.000+00:00 WARNING config_skipped path="/home/me/a b.json" reason="bad \"quote\"\nnext"
[scan] 2026-01-01T10:00:09.000+00:00 ERROR scan_failed exit=3
[setup-hooks] 2026-01-02T00:00:00.000+02:00 INFO hooks_installed client=cursor
EOF
golden "all events, merged by time (offsets honoured), fallback dir included" out want
lacks "not-a-log file ignored" out not_a_log_file
lacks "symlinked log skipped" out "[link]"

expect_rc "--level warning" 0 "$RUNLAYER" logs --level warning
check "only WARNING and ERROR" sh -c '[ "$(wc -l <out)" -eq 2 ] && grep -q WARNING out && grep -q ERROR out'
expect_rc "--level is case-insensitive" 0 "$RUNLAYER" logs --level ERROR
check "one ERROR" sh -c '[ "$(wc -l <out)" -eq 1 ]'
expect_rc "--command 'setup hooks'" 0 "$RUNLAYER" logs --command "setup hooks"
check "only the setup-hooks file" sh -c '[ "$(wc -l <out)" -eq 1 ] && grep -q hooks_installed out'
expect_rc "--since a time with a zone" 0 "$RUNLAYER" logs --since 2026-01-01T10:00:05Z
check "from 10:00:05 on" sh -c '[ "$(wc -l <out)" -eq 3 ] && ! grep -q scan_start out'
expect_rc "--since a local date" 0 "$RUNLAYER" logs --since 2026-01-01
check "fallback event (Dec 31) excluded" sh -c '[ "$(wc -l <out)" -eq 4 ] && ! grep -q fallback_event out'
expect_rc "--since a local time" 0 "$RUNLAYER" logs --since 2026-01-01T21:30
check "22:00Z event only" sh -c '[ "$(wc -l <out)" -eq 1 ] && grep -q hooks_installed out'
expect_rc "--since a duration" 0 "$RUNLAYER" logs --since 2h
check "old events are older than 2h" sh -c '[ ! -s out ]'
contains "says nothing matched" err "no log events match"
expect_rc "--limit 2" 0 "$RUNLAYER" logs --limit 2
check "newest two" sh -c '[ "$(wc -l <out)" -eq 2 ] && grep -q scan_failed out && grep -q hooks_installed out'

expect_rc "--json" 0 "$RUNLAYER" logs --json --level warning
check "JSON entries, unescaped fields" python3 -c '
import json; d = json.load(open("out"))
assert d["schema"] == 1
e = d["entries"]
assert [x["event"] for x in e] == ["config_skipped", "scan_failed"], e
assert e[0]["fields"]["reason"] == "bad \"quote\"\nnext", e[0]["fields"]
assert e[0]["fields"]["path"] == "/home/me/a b.json"
assert e[0]["command"] == "scan" and e[0]["level"] == "WARNING"
assert e[1]["fields"] == {"exit": "3"}
'

expect_rc "bad --since" 64 "$RUNLAYER" logs --since yesterday
contains "--since message" err "is not a date, time or duration"
expect_rc "bad --level" 64 "$RUNLAYER" logs --level loud
expect_rc "no logs at all" 0 env RUNLAYER_HOME="$PWD/empty" TMPDIR="$PWD/empty" "$RUNLAYER" logs
contains "says there are none" err "no log events in"
done_testing
