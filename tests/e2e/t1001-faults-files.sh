# Fault injection into the commands that write one file atomically
# (tests/faults/inject.c via LD_PRELOAD): `inventory export -o`, `policy
# generate` and `policy allow` (rules.json), `login` (config.yaml) and `setup
# hooks --install` into Claude Code and Codex configs. Each write, fsync and
# rename fails in turn (ENOSPC, EIO), malloc at a sample of calls: the file is
# its previous bytes or the complete new version, with its mode, no temporary
# file is left, a failure names the file and the errno text, and the next run
# without faults succeeds.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/faults/lib.sh"
fault_baseline

# ---- inventory export -o FILE ---------------------------------------------------------
expect_rc "export: a clean run" 0 "$RUNLAYER" inventory export -f csv -o exp.csv
mv exp.csv exp.expected
printf 'the previous export\n' >exp.old
prep() { prep_db; cp exp.old exp.csv; }
verify() {
	if [ "$1" -eq 0 ]; then
		cmp -s exp.csv exp.expected || echo "exit 0 but the export is not the complete new one"
	else
		cmp -s exp.csv exp.old || cmp -s exp.csv exp.expected ||
			echo "exit $1 and the export is neither the previous nor the new one"
	fi
	leftovers . "$R"
}
for cls in write fsync rename alloc; do
	max=$MAXP; [ $cls = alloc ] && max=$MAXA
	sweep "inventory export" $cls $max "$RUNLAYER" inventory export -f csv -o exp.csv
done

# ---- policy generate / allow (rules.json) -------------------------------------------
expect_rc "policy: rules in monitor mode" 0 "$RUNLAYER" policy generate --mode monitor
cp "$R/rules.json" rules.old
hash=$(db "select config_hash from server_versions v join servers s on s.id = v.server where s.name = 'github' limit 1")
rules_are() { # FILE MODE [HASH]: the complete new rules? (prints why not)
	python3 - "$@" <<'PY' 2>&1 | tail -n 1
import json, sys
r = json.load(open(sys.argv[1]))
assert r.get("version") == 1 and r.get("mode") == sys.argv[2], "version %s, mode %s" % (r.get("version"), r.get("mode"))
for k in ("managed_hosts", "allowlist", "approved", "denied"):
	assert isinstance(r.get(k), list), "no %s" % k
if len(sys.argv) > 3:
	assert any(a["config_hash"] == sys.argv[3] for a in r["approved"]), "approval missing"
PY
}
prep() { prep_db; cp rules.old "$R/rules.json"; }
verify_rules() { # RC MODE [HASH]
	rc_=$1; shift
	why=$(rules_are "$R/rules.json" "$@")
	if [ "$rc_" -eq 0 ]; then
		[ -z "$why" ] || echo "exit 0 but the rules are not the new ones: $why"
	else
		cmp -s "$R/rules.json" rules.old || [ -z "$why" ] ||
			echo "exit $rc_ and rules.json is neither the previous nor the new one: $why"
	fi
	[ "$(stat -c %a "$R/rules.json")" = 600 ] || echo "rules.json mode $(stat -c %a "$R/rules.json")"
	leftovers "$R"
}
verify() { verify_rules "$1" enforce; }
for cls in write fsync rename alloc; do
	max=$MAXP; [ $cls = alloc ] && max=$MAXA
	sweep "policy generate" $cls $max "$RUNLAYER" policy generate --mode enforce
done
verify() { verify_rules "$1" monitor "$hash"; }
for cls in write fsync rename; do
	sweep "policy allow" $cls "$MAXP" "$RUNLAYER" policy allow "$hash"
done

# ---- login (config.yaml) -------------------------------------------------------------
printf '%s\n' "$KEY" >key
login_a() { "$RUNLAYER" login --host https://a.example.com --no-verify <key; }
expect_rc "login: a first host" 0 login_a
cp "$R/config.yaml" config.old
FIN=$PWD/key
prep() { cp config.old "$R/config.yaml"; rm -f "$R/config.yaml.bak"; }
verify() {
	# libyaml out of memory reading config.yaml is fatal (as every other
	# allocation), never a parse error that would set the file aside.
	[ -f "$R/config.yaml.bak" ] && echo "config.yaml was set aside as config.yaml.bak"
	grep -q 'https://b.example.com' "$R/config.yaml" && grep -q 'https://a.example.com' "$R/config.yaml" &&
		new=1 || new=0
	if [ "$1" -eq 0 ]; then
		[ $new = 1 ] || echo "exit 0 but config.yaml is not the complete new one"
	else
		cmp -s "$R/config.yaml" config.old || [ $new = 1 ] ||
			echo "exit $1 and config.yaml is neither the previous nor the new one"
	fi
	[ "$(stat -c %a "$R/config.yaml")" = 600 ] || echo "config.yaml mode $(stat -c %a "$R/config.yaml")"
	leftovers "$R"
}
for cls in write fsync rename alloc; do
	max=$MAXP; [ $cls = alloc ] && max=$MAXA
	sweep "login" $cls $max "$RUNLAYER" login --host https://b.example.com --no-verify
done
FIN=/dev/null

# ---- setup hooks --install (Claude Code and Codex) -------------------------------------
FX=$TOP/fixtures/hooks/basic
mkhome() { rm -rf hh; cp -R "$FX" hh; find hh -type f -exec sed -i "s|@HOME@|$PWD/hh|g" {} +; }
snap() { (cd hh && find . -type f ! -name '*.backup_*' | LC_ALL=C sort | xargs md5sum); }
HOOKS="setup hooks --install --yes --home $PWD/hh --binary /usr/local/bin/runlayer --client claude_code --client codex"
mkhome
snap >pre.snap
expect_rc "setup hooks: a clean install" 0 "$RUNLAYER" $HOOKS
snap >post.snap
check "setup hooks: the clean install changed files" sh -c '! cmp -s pre.snap post.snap'
prep() { mkhome; }
prep_after() { mkhome; }
verify() {
	snap >now.snap
	# Each file is its old or its complete new version (an install into two
	# clients is not atomic across files, but each file is).
	python3 - "$1" <<'PY'
import sys
def load(p):
	d = {}
	for line in open(p):
		h, f = line.split(None, 1)
		d[f.strip()] = h
	return d
pre, post, now = load("pre.snap"), load("post.snap"), load("now.snap")
rc = int(sys.argv[1])
for f, h in now.items():
	if h != pre.get(f) and h != post.get(f):
		print("%s is neither the old nor the new version" % f); break
else:
	if set(now) - set(pre) - set(post):
		print("unexpected files: %s" % " ".join(sorted(set(now) - set(pre) - set(post))))
	elif rc == 0 and now != post:
		print("exit 0 but the install is incomplete")
PY
	for b in $(find hh -name '*.backup_*'); do
		grep -q "$(md5sum <"$b" | cut -d' ' -f1)" pre.snap || echo "backup $b is not a copy of an original"
	done
	leftovers hh "$R"
}
for cls in write fsync rename alloc; do
	max=$MAXP; [ $cls = alloc ] && max=$MAXA
	sweep "setup hooks" $cls $max "$RUNLAYER" $HOOKS
done
prep_after() { :; }

done_testing
