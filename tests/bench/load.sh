#!/usr/bin/env bash
# Load benchmark: LOAD_RUNS (default 10 000) hook invocations across
# LOAD_WORKERS (default 8) parallel workers while `runlayer scan` runs in a
# loop on the same home, through the hook binary `setup hooks` installs
# (runlayer-hook beside runlayer, else `runlayer hook`). Mixed clients
# (Claude Code, Codex, Cursor, Gemini CLI), servers (managed and
# allowlisted: allow; configured but unapproved URL and stdio: shadow, deny
# when enforced; unknown: deny when enforced) and modes (enforce, monitor);
# each invocation carries a unique session and call id. load_driver.c times
# each process from fork to exit and checks its reply bytes and exit status
# against a serial reference run of the same case.
# Fails when any reply differs, any invocation takes longer than the hook's
# own deadline (4 s, RUNLAYER_HOOK_DEADLINE_MS), the store does not hold
# exactly one security_decision per invocation (after the spool import that
# `runlayer inventory events` does), the backend queue does not hold exactly
# one event per invocation, or a scan fails.
# usage: load.sh /abs/path/to/runlayer   (LOAD_RUNS, LOAD_WORKERS)
set -eu
bin=${1:?usage: load.sh /abs/path/to/runlayer}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
obj=$(cd "$(dirname "$bin")" && pwd)
runs=${LOAD_RUNS:-10000}
workers=${LOAD_WORKERS:-8}
deadline=${RUNLAYER_HOOK_DEADLINE_MS:-4000}
out=$(mktemp -d)
scan_pid=
cleanup() {
	[ -n "$scan_pid" ] && kill "$scan_pid" 2>/dev/null && wait "$scan_pid" 2>/dev/null
	if [ -n "${LOAD_KEEP:-}" ]; then echo "load: kept $out"; else rm -rf "$out"; fi
}
trap cleanup EXIT

cc=${CC:-cc}
$cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wformat=2 -Wwrite-strings -Wvla \
	-o "$out/driver" "$here/load_driver.c"
hook=("$obj/runlayer-hook" hook)
[ -x "$obj/runlayer-hook" ] || hook=("$bin" hook)

# The home: every client's configs from the hook tests (34 servers in 12
# configs, 7 clients, plugins), a rules file in protect mode with a
# managed host and an allowlisted URL, and a first scan in the inventory.
H=$out/home
cp -R "$top/tests/e2e/data/hook/home" "$H"
find "$H" -type f -exec sed -i "s|@HOME@|$H|g" {} +
export HOME=$H
unset RUNLAYER_HOME RUNLAYER_DB CLAUDE_CONFIG_DIR RUNLAYER_HOOK_DEADLINE_MS
P=$H/proj
DB=$H/.runlayer/inventory.db
"$bin" scan -q >"$out/scan0.log" 2>&1 || { echo "load: the first scan failed"; cat "$out/scan0.log"; exit 1; }

# Payloads, the manifest and the expected decisions (python3: 10 000 files).
mkdir -p "$out/p" "$out/ref"
python3 - "$out" "$P" "$runs" <<'PY'
import json, sys
out, proj, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
clients = ["claude_code", "codex", "cursor", "gemini_cli"]
# server -> (url or None, allowed when enforced, configured)
servers = {
    "managed": ("https://acme.runlayer.example/api/v1/proxy/0b6c7a3e-7b1f-4a57-9f3a-2f9d1c3e5a7b/mcp", True, True),
    "allowed": ("https://mcp.allowed.example/mcp/v1", True, True),
    "remote": ("https://mcp.other.example/mcp", False, True),
    "local": (None, False, True),
    "ghost": ("https://ghost.example/mcp", False, False),
}
names = list(servers)
modes = ["enforce", "monitor"]

def payload(c, s, sid, call):
    url = servers[s][0]
    if c == "claude_code":
        return {"session_id": sid, "transcript_path": "/tmp/t.jsonl", "cwd": proj,
                "permission_mode": "default", "hook_event_name": "PreToolUse",
                "tool_name": "mcp__%s__echo" % s, "tool_input": {"text": "hi"}, "tool_use_id": call}
    if c == "codex":
        return {"session_id": sid, "turn_id": "t-1", "transcript_path": None, "cwd": proj,
                "hook_event_name": "PreToolUse", "model": "mock-model", "permission_mode": "default",
                "tool_name": "mcp__%s__echo" % s, "tool_input": {"text": "hi"}, "tool_use_id": call}
    if c == "gemini_cli":
        ctx = {"server_name": s, "tool_name": "echo"}
        if url:
            ctx["url"] = url
        else:
            ctx.update(command="python3", args=["/opt/local/server.py"])
        return {"session_id": sid, "transcript_path": "/tmp/g.jsonl", "cwd": proj,
                "hook_event_name": "BeforeTool", "timestamp": "2026-11-22T02:05:56.975Z",
                "tool_name": "mcp_%s_echo" % s, "tool_input": {"text": "hi"}, "mcp_context": ctx}
    p = {"conversation_id": sid, "generation_id": call, "model": "default",
         "hook_event_name": "beforeMCPExecution", "cursor_version": "1.7.2",
         "workspace_roots": [proj], "user_email": None, "transcript_path": None,
         "tool_name": "echo", "tool_input": json.dumps({"text": "hi"}, separators=(",", ":"))}
    if url:
        p["url"] = url
    else:
        p["command"] = "python3 /opt/local/server.py"
    p["mcp_server_name"] = s
    return p

with open(out + "/ref/cases", "w") as f:
    for c in clients:
        for s in names:
            for m in modes:
                with open("%s/ref/%s-%s-%s.json" % (out, c, s, m), "w") as p:
                    json.dump(payload(c, s, "ref-%s-%s-%s" % (c, s, m), "call-ref"), p)
                f.write("%s %s %s\n" % (c, s, m))
man = open(out + "/manifest", "w")
exp = open(out + "/expected", "w")
ghosts = 0
for i in range(runs):
    c = clients[i % 4]
    s = names[(i // 4) % 5]
    m = modes[(i // 20) % 2]
    sid, call = "load-%05d" % i, "call-%05d" % i
    with open("%s/p/%d.json" % (out, i), "w") as p:
        json.dump(payload(c, s, sid, call), p)
    man.write("%s\t%s\t%s\t%s/p/%d.json\t%s/ref/%s-%s-%s\n" % (sid, c, m, out, i, out, c, s, m))
    allow = servers[s][1] or m == "monitor"
    exp.write("%s|%s|%s|%s|%s\n" % (sid, c, s, m, "allow" if allow else "deny"))
    ghosts += not servers[s][2]
open(out + "/ghosts", "w").write("%d\n" % ghosts)
PY

# The reference: each of the 40 cases once, serially, recorded elsewhere;
# its decision must be the expected one before it can judge the load run.
bad_ref=0
while read -r c s m; do
	r=$out/ref/$c-$s-$m
	set +e
	(cd "$P" && "${hook[@]}" --db "$out/ref/db/inventory.db" --queue-dir "$out/ref/q" \
		--client "$c" --mode "$m" <"$r.json" >"$r.out" 2>"$r.err")
	echo $? >"$r.rc"
	set -e
	case $s:$m in
	managed:*|allowed:*|*:monitor) want=allow ;;
	*) want=deny ;;
	esac
	if [ "$c" = cursor ]; then
		grep -q "\"permission\":\"$want\"" "$r.out" || bad_ref=$((bad_ref + 1))
	elif [ $want = allow ]; then
		[ ! -s "$r.out" ] || bad_ref=$((bad_ref + 1))
	else
		grep -Eq '"(permissionDecision|decision)":"deny"' "$r.out" || bad_ref=$((bad_ref + 1))
	fi
	{ [ "$(cat "$r.rc")" = 0 ] && [ ! -s "$r.err" ]; } || bad_ref=$((bad_ref + 1))
done <"$out/ref/cases"
[ $bad_ref -eq 0 ] || { echo "load: $bad_ref reference replies are not the expected decision"; exit 1; }

# The scan loop, then the load.
: >"$out/scan.fail"
(
	n=0
	while [ ! -e "$out/stop" ]; do
		"$bin" scan -q >>"$out/scan.log" 2>&1 || echo "$n" >>"$out/scan.fail"
		n=$((n + 1))
	done
	echo $n >"$out/scans"
) &
scan_pid=$!
mkdir -p "$out/res"
(cd "$P" && "$out/driver" "$workers" "$out/manifest" "$out/res" -- "${hook[@]}") >"$out/summary"
touch "$out/stop"
wait "$scan_pid"
scan_pid=
scans=$(cat "$out/scans")
scan_fails=$(wc -l <"$out/scan.fail")
spooled=$(find "$H/.runlayer/audit-pending" -name '*.json' 2>/dev/null | wc -l)

# Recording: bring in what the hooks had to spool, then count.
"$bin" inventory events >/dev/null 2>"$out/events.err" || { echo "load: inventory events failed"; cat "$out/events.err"; exit 1; }
left=$(find "$H/.runlayer/audit-pending" -name '*.json' 2>/dev/null | wc -l)
q() { sqlite3 "$DB" "$1"; }
rows=$(q "select count(*) from events where type='security_decision'")
ids=$(q "select count(distinct json_extract(details,'\$.session_id')) from events where type='security_decision'")
q "select json_extract(details,'\$.session_id') || '|' || client || '|' || server_name || '|' ||
	json_extract(details,'\$.mode') || '|' || json_extract(details,'\$.decision')
	from events where type='security_decision' order by 1" >"$out/got"
sort "$out/expected" >"$out/want"
diff_lines=$(diff "$out/want" "$out/got" | grep -c '^[<>]' || true)
# (scans record shadow servers too: count the hooks' alone)
shadows=$(q "select count(*) from events where type='shadow_mcp_detected' and json_extract(details,'\$.session_id') like 'load-%'")
errors=$(q "select count(*) from events where type='hook.error'")
python3 - "$H/.runlayer/queue/hook-events" "$out/queue" <<'PY'
import json, os, sys
d, res = sys.argv[1], sys.argv[2]
ids, bad = [], 0
for n in os.listdir(d):
    if n.startswith("."):
        continue
    try:
        p = json.load(open(os.path.join(d, n)))["payload"]
        ids.append(p.get("session_id") or p.get("conversation_id"))
    except (OSError, ValueError, KeyError):
        bad += 1
open(res, "w").write("%d %d %d\n" % (len(ids), len(set(ids)), bad))
PY
read -r q_n q_ids q_bad <"$out/queue"

get() { tr ' ' '\n' <"$out/summary" | sed -n "s/^$1=//p"; }
fails=$(get failures) late=$(get late)
echo "load: $runs hook invocations, $workers workers, through ${hook[0]##*/}; $("$bin" --version 2>/dev/null | head -n 1)"
sed 's/^/  /' "$out/summary"
echo "  replies: $((runs - fails)) exact, $fails wrong; over the ${deadline} ms deadline: $late"
echo "  scans run concurrently: $scans ($scan_fails failed)"
echo "  audit: $rows security_decision rows, $ids distinct ids, $diff_lines differ from the expected decisions; $shadows shadow_mcp_detected (want $(cat "$out/ghosts")); $errors hook.error; spool: $spooled records waiting when the load ended, $left after the import"
echo "  queue: $q_n events, $q_ids distinct ids, $q_bad unreadable"
awk -v p50="$(get p50_ms)" -v p90="$(get p90_ms)" -v p99="$(get p99_ms)" -v mx="$(get max_ms)" \
    -v tp="$(get throughput_per_s)" -v dl="$deadline" 'BEGIN {
	printf "  latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %.0f hooks/s; goal max < %d ms: %s\n",
		p50, p90, p99, mx, tp, dl, (mx < dl ? "met" : "MISSED")
}'
status=0
for f in "$out"/res/fail.*.out; do
	[ -e "$f" ] || break
	id=${f##*/fail.}; id=${id%.out}
	echo "  first wrong reply ($id): $(head -c 300 "$f")$(head -c 300 "${f%.out}.err")"
	break
done
[ "$fails" -eq 0 ] || { echo "load: $fails invocations answered wrong"; status=1; }
[ "$late" -eq 0 ] || { echo "load: $late invocations over the ${deadline} ms deadline"; status=1; }
[ "$scan_fails" -eq 0 ] || { echo "load: $scan_fails concurrent scans failed"; tail -n 5 "$out/scan.log"; status=1; }
[ "$scans" -gt 0 ] || { echo "load: no scan ran during the load"; status=1; }
[ "$rows" -eq "$runs" ] || { echo "load: $rows security_decision rows, want $runs"; status=1; }
[ "$ids" -eq "$runs" ] || { echo "load: $ids distinct ids in the audit log, want $runs"; status=1; }
[ "$diff_lines" -eq 0 ] || { echo "load: recorded decisions differ from the expected:"; diff "$out/want" "$out/got" | head -n 10; status=1; }
[ "$shadows" -eq "$(cat "$out/ghosts")" ] || { echo "load: $shadows shadow_mcp_detected rows"; status=1; }
[ "$errors" -eq 0 ] || { echo "load: $errors hook.error rows"; status=1; }
[ "$left" -eq 0 ] || { echo "load: $left records still spooled"; status=1; }
[ "$q_n" -eq "$runs" ] && [ "$q_ids" -eq "$runs" ] && [ "$q_bad" -eq 0 ] ||
	{ echo "load: queue holds $q_n events ($q_ids distinct, $q_bad unreadable), want $runs"; status=1; }
exit $status
