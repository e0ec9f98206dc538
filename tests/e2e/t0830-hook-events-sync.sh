# Hook events reach the backend: each `runlayer hook` run queues its event
# (secrets redacted) on disk, and `runlayer sync` or the next submitted scan
# posts them to /api/v1/hooks/events, oldest first, each exactly once; a
# failing backend keeps them queued, a 4xx refusal drops only that event.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/server/lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null ||
	{ echo "1..0 # SKIP no openssl/python3"; exit 0; }
srv_certs || { fail "make test certificates"; done_testing; exit 1; }
scan_home
fast_http
export RUNLAYER_CA_BUNDLE=$PWD/ca/ca.pem RUNLAYER_HTTP_RETRIES=2
export RUNLAYER_DEVICE_ID=11111111-2222-4333-8444-555555555555 RUNLAYER_USERNAME=alice
trap srv_cleanup EXIT
srv_start s1 || { fail "start the test backend"; done_testing; exit 1; }
PORT=$SRV_PORT URL=$SRV_URL
K="--host $URL --secret rl_org_good"
QDIR=$HOME/.runlayer/queue/hook-events
CANARY=sk-canary-0123456789abcdefghijklmnop
queued() { find "$QDIR" -name '*.json' 2>/dev/null | wc -l | tr -d ' '; }

# hook N: a Claude Code pre-call event with tool_use_id toolu_N, a secret
# in its input, in monitor mode (the call is allowed and recorded).
hook() {
	printf '{"session_id":"s-1","transcript_path":"/tmp/t.jsonl","cwd":"%s","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"mcp__ghost__echo","tool_input":{"text":"hi","api_key":"%s","header":"Authorization: Bearer %s"},"tool_use_id":"toolu_%s"}' \
		"$PWD" "$CANARY" "$CANARY" "$1" | "$RUNLAYER" hook --client claude_code --mode monitor >hook.out 2>hook.err
}
for i in 1 2 3 4 5; do
	hook $i || fail "hook $i exits 0"
done
is_eq "five hook runs queue five events" "$(queued)" 5
check "the queued events hold no secret" sh -c "! grep -rqF '$CANARY' '$QDIR'"

# ---- the backend is down: nothing is lost ---------------------------------
srv_stop
expect_rc "sync with the backend down exits 3" 3 "$RUNLAYER" sync $K
contains "sync says the events stay queued" err "hook events not delivered (5 still queued"
is_eq "all five still queued" "$(queued)" 5
srv_start s1 --port "$PORT"

# ---- a 5xx stops the delivery and keeps the rest ------------------------------
srv_plan '{"hook-events": [{"status": 200, "body": {"ok": true}}, {"status": 503}]}'
expect_rc "sync against a failing backend exits 3" 3 "$RUNLAYER" sync $K
contains "one sent before the failure" out "Sent 1 hook event to $URL."
contains "the rest stays" err "4 still queued"
is_eq "four still queued" "$(queued)" 4

# ---- a 422 drops that event only; the rest goes out --------------------------
srv_plan '{"hook-events": [{"status": 422, "body": {"detail": "bad event"}}]}'
expect_rc "sync delivers the rest" 0 "$RUNLAYER" sync $K
contains "sync counts" out "Sent 3 hook events to $URL."
contains "the refused one is announced" err "1 hook event was refused by $URL and dropped"
is_eq "queue empty" "$(queued)" 0
expect_rc "a second sync has nothing to do" 0 "$RUNLAYER" sync $K
contains "nothing to send" out "Nothing to send: no scans or hook events are queued"

# What the backend stored: events 3, 4, 5 accepted (1 was taken by the
# injected 200, 2 refused), in order, each once, with the device.
is_eq "stored in order, once each" "$(q '",".join(e["payload"]["tool_use_id"] for e in events)')" "toolu_3,toolu_4,toolu_5"
is_eq "contract fields" "$(q 'sorted(events[0].keys())')" '["client", "device", "event_name", "payload"]'
is_eq "client and event name as sent" "$(q 'events[0]["client"] + " " + events[0]["event_name"]')" "claude_code PreToolUse"
is_eq "the device" "$(q 'events[0]["device"]')" '{"device_id": "11111111-2222-4333-8444-555555555555", "username": "alice"}'
is_eq "a timestamp is added" "$(q 'all("timestamp" in e["payload"] for e in events)')" true
is_eq "the org key goes in its header" "$(q 'all(r["headers"].get("x-runlayer-api-key") == "rl_org_good" for r in reqs if r["path"] == "/api/v1/hooks/events")')" true
check "no request body holds the secret" sh -c "! grep -qF '$CANARY' '$SRV_DIR/requests.jsonl'"
is_eq "redacted, not removed" "$(q 'events[0]["payload"]["tool_input"]["api_key"] != ""')" true

# ---- the next submitted scan sends them too ----------------------------------
for i in 6 7; do hook $i; done
is_eq "two more queued" "$(queued)" 2
expect_rc "a scan succeeds" 0 "$RUNLAYER" scan $SCAN $K
contains "and sends the hook events" out "Sent 2 hook events to $URL."
is_eq "queue empty after the scan" "$(queued)" 0
is_eq "the backend holds five events" "$(q 'len(events)')" 5

# ---- a key the backend refuses keeps everything ----------------------------
hook 8
expect_rc "sync with a bad key exits 1" 1 "$RUNLAYER" sync --host "$URL" --secret rl_org_wrong
is_eq "the event stays queued" "$(queued)" 1
check "the key is not printed" sh -c "! grep -qF rl_org_wrong out err"

# ---- a busy store: the hook spools its record, `inventory events` takes it in
DB=$HOME/.runlayer/inventory.db
SPOOL=$HOME/.runlayer/audit-pending
python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open("locked", "w").close()
time.sleep(4)
c.execute("COMMIT")' "$DB" &
LOCKER=$!
i=0; while [ ! -f locked ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
RUNLAYER_HOOK_DEADLINE_MS=1500 hook 9
is_eq "the hook answers while the store is locked" "$?:$(cat hook.out)" "0:"
is_eq "its records (decision, shadow server) wait in the audit spool" "$(find "$SPOOL" -name '*.json' | wc -l | tr -d ' ')" 2
wait $LOCKER
expect_rc "inventory events reads the log" 0 "$RUNLAYER" inventory events --type security_decision --json
is_eq "the spooled decision is in it" "$(python3 -c 'import json,sys; print(sum(1 for e in json.load(open("out"))["events"] if "toolu_9" in json.dumps(e)))')" 1
is_eq "the spool is empty" "$(find "$SPOOL" -name '*.json' | wc -l | tr -d ' ')" 0
expect_rc "a second look" 0 "$RUNLAYER" inventory events --type security_decision --json
is_eq "imported once" "$(python3 -c 'import json,sys; print(sum(1 for e in json.load(open("out"))["events"] if "toolu_9" in json.dumps(e)))')" 1
done_testing
