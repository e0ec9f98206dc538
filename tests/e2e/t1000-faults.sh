# Fault injection into the inventory's writers (tests/faults/inject.c via
# LD_PRELOAD): each write, fsync and rename of `scan`, a scan queued for a
# backend that is down, `users import` and the hook fails in turn (ENOSPC
# and EIO), and malloc at a sample of calls. Each run exits 0 having written
# everything, or non-zero with a message naming the file and the errno text;
# the inventory passes integrity_check and keeps every earlier row, no
# temporary file is left, the hook still denies, and the next run succeeds.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/faults/lib.sh"
fault_baseline

# ---- scan ---------------------------------------------------------------------------
sed -i 's|"docs"|"docs2"|' h/.cursor/mcp.json
prep() { prep_db; }
verify() {
	got=$(integrity "$DB")
	[ "$got" = ok ] || { echo "integrity_check: $got"; return; }
	want=$base_scans
	[ "$1" -eq 0 ] && want=$((base_scans + 1))
	n=$(db "select count(*) || ' ' || sum(id <= 2) from scans")
	[ "$n" = "$want 2" ] || echo "exit $1 and scans (count, earlier ones) are '$n', want '$want 2'"
	leftovers "$R"
}
for cls in write fsync rename alloc; do
	max=$MAXP; [ $cls = alloc ] && max=$MAXA
	sweep "scan" $cls $max "$RUNLAYER" scan $SCAN
done

# Without --device-id the scan also writes the device id file.
prep() { prep_db; rm -f "$R"/device*; }
verify() {
	got=$(integrity "$DB")
	[ "$got" = ok ] || { echo "integrity_check: $got"; return; }
	for f in "$R"/device*; do
		[ -f "$f" ] || continue
		grep -qE '^[0-9a-f-]{36}$' "$f" || echo "torn device id file: $(head -c 60 "$f")"
	done
	leftovers "$R"
}
SCAN_NOID=$(echo "$SCAN" | sed 's/--device-id [^ ]*//')
for cls in write fsync rename; do
	sweep "scan, new device id" $cls "$MAXP" "$RUNLAYER" scan $SCAN_NOID
done

# ---- scan with the backend down: the submission queue ----------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SPOOL="$(echo "$SCAN" | sed 's/--offline//') --host https://127.0.0.1:$port --secret $KEY"
base_spool=$(db "select count(*) from spool")
prep() { prep_db; }
verify() {
	got=$(integrity "$DB")
	[ "$got" = ok ] || { echo "integrity_check: $got"; return; }
	n=$(db "select count(*) from scans") q=$(db "select count(*) from spool")
	[ "$n" -ge "$base_scans" ] && [ "$q" -ge "$base_spool" ] || { echo "rows lost: $n scans, $q queued"; return; }
	# Exit 3 is the submission failing: the scan is recorded and queued,
	# or the message says which of the two could not be written and why.
	if [ "$1" -eq 3 ]; then
		if [ "$n" = "$base_scans" ] && ! grep -q "cannot record the scan" err; then
			echo "exit 3, the scan is not recorded and nothing says so"
		elif [ "$q" = "$base_spool" ] && grep -q "The scan is queued" err; then
			echo "says the scan is queued but the queue is empty"
		elif [ "$q" = "$base_spool" ] && ! grep -qF -e "$(errtext "$ERRNO")" -e "disk is full" err; then
			echo "exit 3, the scan is not queued and nothing says why: $(tr '\n' ' ' <err)"
		fi
	fi
	! db .dump | grep -qF "$KEY" || echo "the key is in the inventory"
	leftovers "$R"
}
CLEAN_RC=3
for cls in write fsync; do
	sweep "scan, backend down" $cls "$MAXP" "$RUNLAYER" scan $SPOOL
done
CLEAN_RC=0

# ---- users import ------------------------------------------------------------------------
printf 'email,first_name,last_name,username\ncarol@example.com,Carol,C,carol\ndave@example.com,Dave,D,dave\nerin@example.com,Erin,E,erin\n' >users2.csv
prep() { prep_db; }
verify() {
	got=$(integrity "$DB")
	[ "$got" = ok ] || { echo "integrity_check: $got"; return; }
	users=$(db "select group_concat(email, ' ') from (select email from directory_users order by email)")
	if [ "$1" -eq 0 ]; then
		[ "$users" = "carol@example.com dave@example.com erin@example.com" ] || echo "exit 0 but the directory is: $users"
	else
		[ "$users" = "alice@example.com bob@example.com" ] || echo "exit $1 and the directory is: $users"
	fi
	[ "$(db "select count(*) from scans")" = "$base_scans" ] || echo "scans lost"
	leftovers "$R"
}
for cls in write fsync alloc; do
	max=$MAXP; [ $cls = alloc ] && max=$MAXA
	sweep "users import" $cls $max "$RUNLAYER" users import users2.csv
done

# ---- the hook: audit records and the event queue ----------------------------------------
prep_db
expect_rc "hook: rules that enforce" 0 "$RUNLAYER" policy generate --mode enforce
printf '{"session_id":"s-1","transcript_path":"/tmp/t.jsonl","cwd":"%s","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"mcp__ghost__echo","tool_input":{"text":"hi"},"tool_use_id":"toolu_01"}' "$PWD" >hook.json
FIN=$PWD/hook.json
records() { echo $(( $(db "select count(*) from events") + $(ls "$R/audit-pending" 2>/dev/null | grep -c '\.json$') )); }
prep() { prep_db; rm -rf "$R/queue" "$R/audit-pending"; }
prep
r0=$(records)
hook_run() { "$RUNLAYER" hook --client claude_code <hook.json; }
expect_rc "hook: a clean run exits 0" 0 hook_run
contains "hook: and denies the unknown server" out '"permissionDecision":"deny"'
dr=$(( $(records) - r0 ))
check "hook: it records an audit event and queues one for the backend" \
	test "$dr" -ge 1 -a "$(ls "$R/queue/hook-events" | grep -c '\.json$')" -ge 1
verify() {
	# A deny that cannot be written to stdout, or running out of memory
	# before the answer, still blocks: exit 2 with a line on stderr.
	if [ "$(head -n 1 flog 2>/dev/null | cut -d' ' -f4)" = "$PWD/out" ]; then
		[ "$1" -eq 2 ] && grep -q "reply could not be written to .*; the call is blocked" err ||
			echo "a deny that cannot be written exits $1, not 2 with a message"
		echo "$1" >>blocked-reply
		leftovers "$R"; return
	elif [ "$1" -eq 2 ] && grep -q "ran out of memory; the call is blocked" err; then
		echo "$1" >>blocked-oom
		leftovers "$R"; return
	else
		grep -q '"permissionDecision":"deny"' out || { echo "the hook did not deny (exit $1): $(head -c 200 out)"; return; }
	fi
	got=$(integrity "$DB")
	[ "$got" = ok ] || { echo "integrity_check: $got"; return; }
	[ $(( $(records) - r0 )) -ge "$dr" ] || echo "an audit record was lost"
	[ "$(db "select count(*) from scans")" = "$base_scans" ] || echo "scans lost"
	leftovers "$R"
}
for cls in write fsync rename alloc; do
	max=$MAXP; [ $cls = alloc ] && max=$MAXA
	sweep "hook" $cls $max "$RUNLAYER" hook --client claude_code
done
if [ -z "${RUNLAYER_VALGRIND:-}" ]; then	# (the sweeps skip under valgrind)
	check "hook: a deny that cannot be written to stdout was swept" test -f blocked-reply
	[ "$MAXA" -gt 0 ] && check "hook: out of memory before the answer was swept" test -f blocked-oom
fi

# A store that hangs (every write to it stalls 20 s, as on a hung disk): the
# hook still answers, stops at its recording deadline (2 s after the reply)
# and spools the records; the next import takes each exactly once.
if [ -z "${RUNLAYER_VALGRIND:-}" ]; then
	prep
	t0=$(date +%s)
	env FAULT_FN=write FAULT_PATH=inventory.db FAULT_FROM=1 FAULT_DELAY_MS=20000 \
		LD_PRELOAD="$PRELOAD" "$RUNLAYER" hook --client claude_code <hook.json >out 2>err
	rc=$? took=$(( $(date +%s) - t0 ))
	check "hook, hung store: still denies (exit $rc)" \
		sh -c "[ $rc -eq 0 ] && grep -q '\"permissionDecision\":\"deny\"' out"
	check "hook, hung store: exits within the recording deadline (${took}s)" [ "$took" -le 8 ]
	spooled=$(ls "$R/audit-pending" 2>/dev/null | grep -c '\.json$')
	check "hook, hung store: its $dr records were spooled ($spooled)" [ "$spooled" -eq "$dr" ]
	check "hook, hung store: the queue still got its event" \
		test "$(ls "$R/queue/hook-events" | grep -c '\.json$')" -ge 1
	expect_rc "hook, hung store: inventory events imports the spool" 0 "$RUNLAYER" inventory events -q
	check "hook, hung store: every record in the store once" \
		[ "$(db "select count(*) from events where json_extract(details,'\$.session_id') = 's-1'")" -eq "$dr" ]
	check "hook, hung store: the spool is empty" \
		[ "$(ls "$R/audit-pending" 2>/dev/null | grep -c '\.json$')" -eq 0 ]
	check "hook, hung store: the database is intact" [ "$(integrity "$DB")" = ok ]

	# A home that hangs while the hook reads the client's configuration:
	# the watchdog answers at the deadline, and records that answer.
	prep
	t0=$(date +%s)
	env FAULT_FN=open FAULT_PATH=installed_plugins.json FAULT_FROM=1 FAULT_DELAY_MS=20000 \
		RUNLAYER_HOOK_DEADLINE_MS=1500 LD_PRELOAD="$PRELOAD" \
		"$RUNLAYER" hook --client claude_code <hook.json >out 2>err
	rc=$? took=$(( $(date +%s) - t0 ))
	check "hook, hung home: denies at the deadline (exit $rc, ${took}s)" \
		sh -c "[ $rc -eq 0 ] && [ $took -le 6 ] && grep -q 'did not finish in time' out"
	expect_rc "hook, hung home: inventory events imports the spool" 0 "$RUNLAYER" inventory events -q
	check "hook, hung home: the deadline's deny is recorded" \
		[ "$(db "select json_extract(details,'\$.decision') || ' ' || json_extract(details,'\$.rule') from events where type = 'security_decision' and json_extract(details,'\$.session_id') = 's-1'")" = "deny deadline" ]
fi
FIN=/dev/null

done_testing
