# 200 `runlayer hook` processes started at once on a fresh home (no
# inventory yet): every one answers, exits 0 and prints nothing but its
# reply, and the audit log holds exactly 200 decisions.
. "$TOP/tests/e2e/lib.sh"

DATA=$TOP/tests/e2e/data/hook
H=$PWD/home
rm -rf "$H"
cp -R "$DATA/home" "$H"
find "$H" -type f -exec sed -i "s|@HOME@|$H|g" {} +
export HOME=$H
N=200 D=50
# Concurrency, not speed, is under test: on a loaded machine (or under
# AddressSanitizer) 200 processes may need more than the 4 s default.
export RUNLAYER_HOOK_DEADLINE_MS=30000
# Under valgrind (make valgrind) a process is ~30x slower and ~100 MB.
if [ -n "${RUNLAYER_VALGRIND:-}" ]; then
	N=20 D=10
	export RUNLAYER_HOOK_DEADLINE_MS=300000
fi

i=0
while [ $i -lt $N ]; do
	printf '{"session_id":"par-%d","cwd":"%s/proj","hook_event_name":"PreToolUse","tool_name":"mcp__managed__echo","tool_input":{"i":%d},"tool_use_id":"toolu_%d"}' \
		$i "$H" $i $i >in.$i
	i=$((i + 1))
done
i=0
while [ $i -lt $N ]; do
	( "$RUNLAYER" hook --client claude_code --mode enforce <in.$i >out.$i 2>err.$i; echo $? >rc.$i ) &
	i=$((i + 1))
done
wait

bad_rc=0 noisy=0
i=0
while [ $i -lt $N ]; do
	[ "$(cat rc.$i)" = 0 ] || bad_rc=$((bad_rc + 1))
	{ [ -s out.$i ] || [ -s err.$i ]; } && noisy=$((noisy + 1))
	i=$((i + 1))
done
check "all $N hooks exit 0" [ $bad_rc -eq 0 ]
check "none prints anything (allow in Claude Code is silent)" [ $noisy -eq 0 ]
DB=$H/.runlayer/inventory.db
# The audit log is the store plus what hooks spooled when it was busy (or,
# under valgrind, when creating it took longer than a hook may stay):
# `inventory events` brings the spool in, as the next hook or scan would.
"$RUNLAYER" inventory events -q >/dev/null 2>&1
rows=$(sqlite3 "$DB" "select count(*) from events where type='security_decision'")
check "$N security_decision rows (got $rows)" [ "$rows" -eq $N ]
check "one per session" [ "$(sqlite3 "$DB" "select count(distinct json_extract(details,'\$.session_id')) from events where type='security_decision'")" -eq $N ]
check "all allowed by the managed proxy rule" [ "$(sqlite3 "$DB" "select count(*) from events where type='security_decision' and json_extract(details,'\$.rule')='managed_proxy' and json_extract(details,'\$.decision')='allow'")" -eq $N ]
check "no hook errors" [ "$(sqlite3 "$DB" "select count(*) from events where type='hook.error'")" -eq 0 ]
check "$N events queued" [ "$(ls "$H/.runlayer/queue/hook-events" | wc -l)" -eq $N ]
check "the database is private" [ "$(stat -c %a "$DB")" = 600 ]

# The same with denials: 50 shadow calls in enforce mode, all denied.
i=0
while [ $i -lt $D ]; do
	printf '{"session_id":"den-%d","cwd":"%s/proj","hook_event_name":"PreToolUse","tool_name":"mcp__ghost__echo","tool_input":{},"tool_use_id":"toolu_d%d"}' $i "$H" $i >in.$i
	( "$RUNLAYER" hook --client claude_code --mode enforce <in.$i >out.$i 2>err.$i; echo $? >rc.$i ) &
	i=$((i + 1))
done
wait
denied=0
i=0
while [ $i -lt $D ]; do
	grep -q '"permissionDecision":"deny"' out.$i && [ ! -s err.$i ] && [ "$(cat rc.$i)" = 0 ] && denied=$((denied + 1))
	i=$((i + 1))
done
check "$D parallel shadow calls all denied" [ $denied -eq $D ]
"$RUNLAYER" inventory events -q >/dev/null 2>&1
check "$D shadow_mcp_detected rows" [ "$(sqlite3 "$DB" "select count(*) from events where type='shadow_mcp_detected'")" -eq $D ]

done_testing
