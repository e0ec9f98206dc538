# `setup hooks` safety and interface: symlinks, managed (MDM) paths per OS
# under --root, concurrent installers, crashes mid-way, the lock, consent for
# Codex trust and the Hermes allowlist, aiwatch verbs and bootstrap exit
# codes, usage errors, --json, quoting of a binary path with a space.
. "$TOP/tests/e2e/lib.sh"

FX=$TOP/fixtures/hooks
BIN=/usr/local/bin/runlayer
export SOURCE_DATE_EPOCH=1770000000

mkhome() {
	rm -rf "$2"
	cp -R "$FX/$1" "$2"
	find "$2" -type f -exec sed -i "s|@HOME@|$PWD/$2|g" {} +
}
snap() { (cd "$1" && find . -type f ! -name '*.backup_*' | LC_ALL=C sort | xargs md5sum); }
rl() { "$RUNLAYER" setup hooks --binary "$BIN" "$@"; }

# ---- symlinks ----
# A settings file kept in a dotfiles repository: edited in place through
# the link, which stays a link.
mkhome basic sl
mkdir -p dotfiles
mv sl/.claude/settings.json dotfiles/claude-settings.json
cp dotfiles/claude-settings.json settings.orig
ln -s ../../dotfiles/claude-settings.json sl/.claude/settings.json
expect_rc "symlink: install" 0 rl --install --yes --home "$PWD/sl" --client claude_code
check "symlink: the link is still a link" test -L sl/.claude/settings.json
check "symlink: the target was edited" grep -q 'hook --client claude_code' dotfiles/claude-settings.json
check "symlink: the backup sits beside the target" test -f dotfiles/claude-settings.backup_20260202_024000.json
expect_rc "symlink: uninstall" 0 rl --uninstall --home "$PWD/sl" --client claude_code
check "symlink: uninstall restores the target's bytes" cmp -s settings.orig dotfiles/claude-settings.json
check "symlink: still a link" test -L sl/.claude/settings.json
# Managed locations never follow a link.
mkdir -p mroot/etc/cursor
echo '{"version": 1}' >elsewhere.json
ln -s "$PWD/elsewhere.json" mroot/etc/cursor/hooks.json
expect_rc "symlink: managed file behind a link is refused" 1 \
	rl --install --mdm --root "$PWD/mroot" --os linux --client cursor
contains "symlink: says why" err "is a symbolic link; not followed in managed locations"
check "symlink: its target untouched" grep -qx '{"version": 1}' elsewhere.json
if [ "$(id -u)" -eq 0 ]; then
	mkhome basic sl2
	mv sl2/.cursor/hooks.json theirs.json
	ln -s "$PWD/theirs.json" sl2/.cursor/hooks.json
	chown -h 65534 sl2/.cursor/hooks.json
	expect_rc "symlink: a link owned by someone else is refused" 1 \
		rl --install --yes --home "$PWD/sl2" --client cursor
	contains "symlink: not ours to write" err "not ours to write"
fi

# Owner and mode survive the edit (the file is replaced, not rewritten).
if [ "$(id -u)" -eq 0 ]; then
	mkhome basic own
	chown 65534:65534 own/.claude/settings.json
	chmod 640 own/.claude/settings.json
	expect_rc "owner: install as root into another user's file" 0 \
		rl --install --yes --home "$PWD/own" --client claude_code
	check "owner: the file keeps its owner" [ "$(stat -c %u:%g own/.claude/settings.json)" = 65534:65534 ]
	check "owner: and its mode" [ "$(stat -c %a own/.claude/settings.json)" = 640 ]
	check "owner: the backup has both" \
		[ "$(stat -c %u:%g:%a own/.claude/settings.backup_20260202_024000.json)" = 65534:65534:640 ]
fi

# ---- managed (MDM) locations per OS, under --root ----
for os in linux darwin windows; do
	rm -rf root-$os && mkdir root-$os
	expect_rc "mdm $os: install" 0 rl --install --mdm --root "$PWD/root-$os" --os $os
	case $os in
	linux) f1=etc/claude-code/managed-settings.json; f2=etc/cursor/hooks.json
	       f3=etc/codex/hooks.json; f4=etc/gemini-cli/settings.json; f5=etc/windsurf/hooks.json ;;
	darwin) f1="Library/Application Support/ClaudeCode/managed-settings.json"
		f2="Library/Application Support/Cursor/hooks.json"; f3=etc/codex/hooks.json
		f4="Library/Application Support/GeminiCli/settings.json"
		f5="Library/Application Support/Windsurf/hooks.json" ;;
	windows) f1="Program Files/ClaudeCode/managed-settings.json"; f2=ProgramData/Cursor/hooks.json
		 f3=ProgramData/OpenAI/Codex/hooks.json; f4=ProgramData/gemini-cli/settings.json
		 f5=ProgramData/Windsurf/hooks.json ;;
	esac
	for f in "$f1" "$f2" "$f3" "$f4" "$f5"; do
		check "mdm $os: wrote $f" grep -q 'hook --client' "root-$os/$f"
	done
	check "mdm $os: managed files are readable by everyone (0644)" \
		[ "$(stat -c %a "root-$os/$f2")" = 644 ]
	check "mdm $os: Codex needs no trust entry in the system layer" \
		[ ! -e root-$os/etc/codex/config.toml ]
	expect_rc "mdm $os: check is compliant" 0 rl --check --mdm --root "$PWD/root-$os" --os $os
	expect_rc "mdm $os: uninstall" 0 rl --uninstall --mdm --root "$PWD/root-$os" --os $os
	check "mdm $os: files we created are gone" [ -z "$(find root-$os -type f ! -name '*.backup_*')" ]
done
expect_rc "mdm: Hermes has no managed location" 64 rl --install --mdm --client hermes
contains "mdm: says so" err "Hermes Agent has no managed location"

# ---- consent: Codex trust and the Hermes allowlist ----
mkhome basic nc
expect_rc "consent: install without --yes (no TTY)" 0 rl --install --home "$PWD/nc" </dev/null
contains "consent: Codex hooks installed but not trusted" out "installed, not trusted"
contains "consent: Hermes hooks installed but not allowlisted" out "installed, not allowlisted"
lacks "consent: no trust was written" nc/.codex/config.toml "runlayer hook"
expect_rc "consent: check reports it" 1 rl --check --home "$PWD/nc"
contains "consent: check says installed, not trusted" out "Codex: $PWD/nc/.codex/config.toml: installed, not trusted"
contains "consent: check names the Hermes events" out "pre_tool_call: not allowlisted"
expect_rc "consent: with --yes" 0 rl --install --yes --home "$PWD/nc"
expect_rc "consent: then compliant" 0 rl --check --home "$PWD/nc"
if command -v script >/dev/null 2>&1; then
	mkhome basic tty
	snap tty >s1
	printf 'n\n' | script -qec "$RUNLAYER setup hooks --install --binary $BIN --home $PWD/tty" /dev/null >tty.out 2>&1
	snap tty >s2
	check "tty: a declined prompt writes nothing" cmp -s s1 s2
	contains "tty: the prompt mentions trust" tty.out "trusted (Codex) and allowlisted (Hermes)"
	contains "tty: declined prints Aborted." tty.out "Aborted."
	printf 'y\n' | script -qec "$RUNLAYER setup hooks --install --binary $BIN --home $PWD/tty" /dev/null >tty.out 2>&1
	expect_rc "tty: accepted prompt installs and trusts" 0 rl --check --home "$PWD/tty"
fi

# ---- concurrent installers ----
mkhome basic race
pids=""
for i in 1 2 3 4 5 6 7 8; do
	rl --install --yes --home "$PWD/race" >race.$i.out 2>&1 &
	pids="$pids $!"
done
rcs=0
for p in $pids; do wait $p || rcs=$((rcs + 1)); done
check "race: eight installers all succeed" [ $rcs -eq 0 ]
expect_rc "race: the result is compliant (no duplicates)" 0 rl --check --home "$PWD/race"
check "race: no duplicated entries" sh -c '! grep -Eq "[0-9]+ entries of ours" out'
check "race: no temporary files left" [ -z "$(find race -name '*.tmp.*')" ]
snap race >s1
rl --install --yes --home "$PWD/race" >/dev/null
snap race >s2
check "race: installing again changes nothing" cmp -s s1 s2
# Installers and uninstallers racing: every file always parses.
pids=""
for i in 1 2 3 4 5 6; do
	rl --install --yes --home "$PWD/race" >/dev/null 2>&1 &
	pids="$pids $!"
	rl --uninstall --home "$PWD/race" >/dev/null 2>&1 &
	pids="$pids $!"
done
torn=0
for k in 1 2 3 4 5 6 7 8 9 10; do
	for f in race/.claude/settings.json race/.codex/config.toml race/.hermes/config.yaml \
		race/.gemini/settings.json; do
		[ -f "$f" ] && ! "$RUNLAYER" debug parse "$f" >/dev/null 2>&1 && torn=$((torn + 1))
	done
done
for p in $pids; do wait $p; done
check "race: files read while installers race always parse" [ $torn -eq 0 ]
"$RUNLAYER" setup hooks --check --binary "$BIN" --home "$PWD/race" >race.chk 2>&1
check "race: never duplicated" sh -c '! grep -Eq "[0-9]+ entries of ours" race.chk'
lacks "race: never an error" race.chk "left unchanged"
# A held lock makes the installer wait, then give up with a clear error.
if command -v flock >/dev/null 2>&1; then
	mkhome basic lk
	flock lk/.claude sleep 3 &
	lockpid=$!
	sleep 0.5
	expect_rc "lock: busy directory fails after the wait" 1 \
		rl --install --yes --home "$PWD/lk" --client claude_code --lock-timeout 300
	contains "lock: says it is locked" err "locked by another process"
	check "lock: file untouched" cmp -s lk/.claude/settings.json "$FX/basic/.claude/settings.json"
	expect_rc "lock: a longer wait succeeds" 0 \
		rl --install --yes --home "$PWD/lk" --client claude_code --lock-timeout 10000
	wait $lockpid
fi

# ---- crashes ----
# Killed after the backup, before the rename: the old file is intact.
mkhome basic cr
cp cr/.claude/settings.json settings.orig
RUNLAYER_TEST_CRASH=after-backup rl --install --yes --home "$PWD/cr" --client claude_code >/dev/null 2>&1
check "crash: the installer was killed" [ $? -ne 0 ]
check "crash: the file is the old one, whole" cmp -s settings.orig cr/.claude/settings.json
check "crash: no temporary file left behind" [ -z "$(find cr -name '*.tmp.*')" ]
expect_rc "crash: running again succeeds" 0 rl --install --yes --home "$PWD/cr" --client claude_code
# Killed between Codex's hooks.json and its trust: hooks Codex skips, never
# trust without hooks; check says so and install repairs it.
mkhome basic cr2
cp cr2/.codex/config.toml cr2.toml
RUNLAYER_TEST_CRASH=codex-between rl --install --yes --home "$PWD/cr2" --client codex >/dev/null 2>&1
check "crash: hooks.json is the new one" grep -q 'hook --client codex' cr2/.codex/hooks.json
check "crash: config.toml is the old one" cmp -s cr2/.codex/config.toml cr2.toml
expect_rc "crash: check reports untrusted" 1 rl --check --home "$PWD/cr2" --client codex
expect_rc "crash: install repairs" 0 rl --install --yes --home "$PWD/cr2" --client codex
expect_rc "crash: then compliant" 0 rl --check --home "$PWD/cr2" --client codex

# ---- quoting a binary path with a space ----
mkhome basic q
expect_rc "quote: install with a spaced path" 0 \
	"$RUNLAYER" setup hooks --install --yes --home "$PWD/q" --binary "/opt/AI Watch/runlayer"
check "quote: the command is quoted" grep -q '"\\"/opt/AI Watch/runlayer\\" hook --client claude_code"' q/.claude/settings.json
check "quote: Hermes gets the quoted command" grep -q '"\\"/opt/AI Watch/runlayer\\" hook --client hermes"' q/.hermes/config.yaml
snap q >s1
"$RUNLAYER" setup hooks --install --yes --home "$PWD/q" --binary "/opt/AI Watch/runlayer" >/dev/null
snap q >s2
check "quote: reinstall recognises it (no change)" cmp -s s1 s2
expect_rc "quote: a path with a double quote is refused" 1 \
	"$RUNLAYER" setup hooks --install --yes --home "$PWD/q" --binary '/opt/a"b/runlayer' --client cursor
contains "quote: says why" err "cannot write a command for binary"

# ---- usage and exit codes ----
expect_rc "usage: no action" 64 rl
expect_rc "usage: two actions" 64 rl --install --uninstall
expect_rc "usage: unknown client" 64 rl --install --client vim
contains "usage: names it" err "unknown client 'vim'"
expect_rc "usage: unknown verb" 64 "$RUNLAYER" setup hooks frobnicate
mkdir -p empty
expect_rc "check: no supported client installed exits 2" 2 rl --check --home "$PWD/empty"
expect_rc "--host: not configured" 1 rl --install --home "$PWD/empty" --host https://acme.example.com
contains "--host: names the config file" err "host 'https://acme.example.com' is not configured in $PWD/empty/.runlayer/config.yaml"
mkdir -p hosted/.runlayer hosted/.cursor
printf 'default_host: https://acme.example.com\nhosts:\n  acme.example.com:\n    url: https://acme.example.com\n' >hosted/.runlayer/config.yaml
expect_rc "--host: configured host accepted" 0 rl --install --home "$PWD/hosted" --host https://acme.example.com --client cursor
expect_rc "help exits 0" 0 "$RUNLAYER" setup hooks --help
contains "help lists --dry-run" out "--dry-run"

# ---- --json ----
mkhome basic js
expect_rc "json: install" 0 rl --install --yes --home "$PWD/js" --json
check "json: valid, versioned, every file reported" python3 -c '
import json
d = json.load(open("out"))
assert d["schema"] == 1 and d["action"] == "install"
c = {x["client"]: x for x in d["clients"]}
assert c["claude_code"]["status"] == "ok" and c["claude_code"]["files"][0]["action"] == "modified"
assert c["codex"]["files"][1]["role"] == "trust"
assert c["github-copilot-cli"]["files"][0]["action"] == "created"
'
expect_rc "json: check" 0 rl --check --home "$PWD/js" --json
check "json: check statuses" python3 -c '
import json
d = json.load(open("out"))
assert all(x["status"] in ("compliant", "skipped") for x in d["clients"]), d
assert d["clients"][0]["files"][0]["entries"] == 3
'

# ---- aiwatch ----
AIW=$(dirname "$RUNLAYER")/aiwatch
if [ -x "$AIW" ]; then
	mkhome basic aw
	expect_rc "aiwatch: setup hooks install (verb form)" 0 \
		"$AIW" setup hooks install --user --yes --home "$PWD/aw" --binary "$BIN"
	check "aiwatch: report on stderr" grep -q 'Claude Code:' err
	check "aiwatch: entries run aiwatch's binary" grep -q "$BIN hook --client claude_code" aw/.claude/settings.json
	expect_rc "aiwatch: setup hooks check" 0 "$AIW" setup hooks check --user --home "$PWD/aw" --binary "$BIN"
	expect_rc "bootstrap --check: no host" 2 "$AIW" bootstrap --check --user --home "$PWD/aw" --binary "$BIN"
	RUNLAYER_HOST=https://acme.example.com
	export RUNLAYER_HOST
	expect_rc "bootstrap --check: no credential" 4 "$AIW" bootstrap --check --user --home "$PWD/aw" --binary "$BIN"
	contains "bootstrap: names the host" err "no user credential for https://acme.example.com"
	mkdir -p aw/.runlayer
	cp hosted/.runlayer/config.yaml aw/.runlayer/
	expect_rc "bootstrap --check: compliant" 0 "$AIW" bootstrap --check --user --home "$PWD/aw" --binary "$BIN"
	rl --uninstall --home "$PWD/aw" --client cursor >/dev/null
	expect_rc "bootstrap --check: drift" 1 "$AIW" bootstrap --check --user --home "$PWD/aw" --binary "$BIN"
	expect_rc "bootstrap: repairs" 0 "$AIW" bootstrap --user --yes --home "$PWD/aw" --binary "$BIN"
	expect_rc "bootstrap --check: compliant again" 0 "$AIW" bootstrap --check --user --home "$PWD/aw" --binary "$BIN"
	unset RUNLAYER_HOST
fi

done_testing
