# The submission spool: a failed scan stays queued and goes out, oldest
# first, with the next successful submission or `runlayer sync`; kills of
# the backend or of the client mid-request never lose a scan nor count it
# twice; the queue is bounded; a second concurrent scan steps aside.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/server/lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null && command -v sqlite3 >/dev/null ||
	{ echo "1..0 # SKIP no openssl/python3/sqlite3"; exit 0; }
srv_certs || { fail "make test certificates"; done_testing; exit 1; }
scan_home
fast_http
export RUNLAYER_CA_BUNDLE=$PWD/ca/ca.pem RUNLAYER_HTTP_RETRIES=2
trap srv_cleanup EXIT
srv_start s1 || { fail "start the test backend"; done_testing; exit 1; }
PORT=$SRV_PORT URL=$SRV_URL
DB=$HOME/.runlayer/inventory.db
# With the inventory, to follow each scan's submission status.
SCAN_DB=$(echo "$SCAN" | sed 's/--no-store//')
K="--host $URL --secret rl_org_good"
queue_keys() { "$RUNLAYER" sync --list --json | python3 -c 'import json,sys; print(" ".join(e["idempotency_key"] for e in json.load(sys.stdin) if e["state"] == "queued"))'; }
copies() { q 'len([r for r in received if r["idempotency_key"] == "'"$1"'"])'; }
nscans() { q 'len([r for r in reqs if r["path"].endswith("/scan")])'; }
# Wait until the backend holds scan request number $1 + 1 in a stall.
wait_stall() {
	i=0
	while [ "$(q 'len([r for r in reqs if r["path"].endswith("/scan")]) > '"$1"' and "stall" in (reqs[-1]["action"] or {})')" != true ]; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
}

# ---- the backend is down: scans queue up, then go out oldest first --------
srv_stop
for i in 1 2 3; do
	expect_rc "scan $i with the backend down exits 3" 3 "$RUNLAYER" scan $SCAN_DB $K
done
contains "third failure: three waiting" err "The scan is queued (3 waiting for $URL)"
keys=$(queue_keys)
is_eq "three entries queued" "$(echo $keys | wc -w)" 3
is_eq "inventory: the three scans are pending" "$(sqlite3 "$DB" "select group_concat(submission) from scans")" "pending,pending,pending"
check "the spool holds no key" sh -c "! sqlite3 '$DB' .dump | grep -q rl_org_good"
srv_start s1 --port "$PORT"
expect_rc "the next scan succeeds" 0 "$RUNLAYER" scan $SCAN_DB $K
contains "and delivers the queue" out "Also delivered 3 scans queued by earlier runs."
sent=$(q '" ".join(r["headers"]["x-runlayer-idempotency-key"] for r in reqs if r["path"].endswith("/scan"))')
is_eq "oldest first, then the new scan" "$(echo $sent | cut -d' ' -f1-3)" "$keys"
is_eq "four scans, each stored once" "$(q 'len(received)'):$(q 'len(set(r["idempotency_key"] for r in received))')" 4:4
is_eq "queue empty" "$(queue_keys)" ""
is_eq "inventory: all submitted" "$(sqlite3 "$DB" "select group_concat(submission) from scans")" "submitted,submitted,submitted,submitted"

# ---- runlayer sync on demand ---------------------------------------------------
srv_plan '{"scan": [{"status": 503, "repeat": true}]}'
expect_rc "a 503 scan exits 3" 3 "$RUNLAYER" scan $SCAN $K
expect_rc "sync while the backend still fails exits 3" 3 "$RUNLAYER" sync $K
contains "sync says what is left" err "Sent 0; 1 scan still queued for $URL."
expect_rc "sync --list shows the entry" 0 "$RUNLAYER" sync --list
contains "list shows the last error" out "(HTTP 503: injected)"
srv_plan '{}'
expect_rc "sync delivers it" 0 "$RUNLAYER" sync $K
contains "sync counts" out "Sent 1 queued scan to $URL"
expect_rc "a second sync has nothing to do" 0 "$RUNLAYER" sync $K
contains "nothing to send" out "Nothing to send: no scans or hook events are queued for $URL."

# ---- kill the backend after it stored the scan, before it answered -----------
n0=$(q 'len(received)')
srv_plan '{"scan": [{"kill": true, "store": true}]}'
expect_rc "the backend dies mid-request: exits 3" 3 "$RUNLAYER" scan $SCAN $K
key=$(queue_keys)
is_eq "the backend had stored it" "$(copies "$key")" 1
srv_start s1 --port "$PORT"
expect_rc "after a restart, sync exits 0" 0 "$RUNLAYER" sync $K
is_eq "the resend carried the same key" "$(q 'len([r for r in reqs if r["headers"].get("x-runlayer-idempotency-key") == "'"$key"'"])' )" 2
is_eq "the scan arrived exactly once" "$(copies "$key")" 1
is_eq "one new scan in all" "$(($(q 'len(received)') - n0))" 1

# ---- kill the backend before it stored anything -------------------------------
srv_plan '{"scan": [{"kill": true}]}'
expect_rc "the backend dies on receipt: exits 3" 3 "$RUNLAYER" scan $SCAN $K
key=$(queue_keys)
is_eq "nothing stored yet" "$(copies "$key")" 0
srv_start s1 --port "$PORT"
expect_rc "restart, sync" 0 "$RUNLAYER" sync $K
is_eq "the scan arrived exactly once" "$(copies "$key")" 1

# ---- kill -9 the backend from outside while it holds the request -----------
srv_plan '{"scan": [{"stall": 30}]}'
n0=$(nscans)
"$RUNLAYER" scan $SCAN $K >bg.out 2>bg.err &
cpid=$!
check "the backend holds the request" wait_stall "$n0"
srv_kill
wait $cpid; rc=$?
is_eq "the client exits 3" "$rc" 3
key=$(queue_keys)
srv_start s1 --port "$PORT"
expect_rc "restart, sync" 0 "$RUNLAYER" sync $K
is_eq "the scan arrived exactly once" "$(copies "$key")" 1

# ---- kill -9 the client mid-request: the write-ahead entry survives ---------
srv_plan '{"scan": [{"stall": 2}]}'
n0=$(nscans)
"$RUNLAYER" scan $SCAN $K >bg.out 2>bg.err &
cpid=$!
check "the backend holds the request" wait_stall "$n0"
kill -9 $cpid; wait $cpid 2>/dev/null
key=$(queue_keys)
is_eq "the killed client's scan is still queued" "$(echo $key | wc -w)" 1
sleep 2.5	# the stalled handler wakes up and stores its copy
expect_rc "sync after the client was killed" 0 "$RUNLAYER" sync $K
is_eq "the scan arrived exactly once" "$(copies "$key")" 1

# ---- the bound ----------------------------------------------------------------
srv_stop
for i in 1 2 3 4; do
	RUNLAYER_SPOOL_MAX=2 "$RUNLAYER" scan $SCAN_DB $K >out 2>err
done
contains "dropping is announced" err "the submission queue is full: dropped 1 older queued scan"
contains "dropped scans stay in the inventory" err "it is kept in the local inventory"
is_eq "two entries kept" "$(queue_keys | wc -w)" 2
is_eq "each drop is an audit event" "$(sqlite3 "$DB" "select count(*) from events where type = 'submission_dropped'")" 2
is_eq "dropped scans are marked failed" "$(sqlite3 "$DB" "select count(*) from scans where submission = 'failed' and submission_detail like 'dropped from the full submission queue%'")" 2
newest=$(queue_keys)
srv_start s1 --port "$PORT"
expect_rc "sync after the bound" 0 "$RUNLAYER" sync $K
is_eq "the two newest were kept and sent" "$(for k in $newest; do copies "$k"; done | tr '\n' ' ')" "1 1 "

# ---- run lock ---------------------------------------------------------------------
python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(10)' "$HOME/.runlayer/aiwatch-scan.lock" locked &
lpid=$!
while [ ! -e locked ]; do sleep 0.05; done
n0=$(q 'len(reqs)')
expect_rc "a second concurrent scan exits 0" 0 "$RUNLAYER" scan $SCAN $K
contains "with a note" err "another scan is running"
expect_rc "quiet: no note" 0 "$RUNLAYER" scan $SCAN $K --quiet
check "quiet: nothing printed" test ! -s err -a ! -s out
expect_rc "sync steps aside too" 0 "$RUNLAYER" sync $K
is_eq "no request while locked" "$(q 'len(reqs)')" "$n0"
kill $lpid; wait $lpid 2>/dev/null
expect_rc "after the lock is released the scan runs" 0 "$RUNLAYER" scan $SCAN $K
check "the lock file stays (never deleted), mode 0600" sh -c "test \"\$(stat -c %a '$HOME/.runlayer/aiwatch-scan.lock')\" = 600"

done_testing
