# `runlayer setup hooks` on fixture homes (fixtures/hooks): install → check
# compliant → install again changes no byte → uninstall gives back the
# original bytes; goldens of the installed files and of --dry-run; stale
# entries of ours replaced; unparseable files left alone with file:line:col.
. "$TOP/tests/e2e/lib.sh"

FX=$TOP/fixtures/hooks
GOLD=$TOP/tests/e2e/data/t0700
BIN=/usr/local/bin/runlayer
export SOURCE_DATE_EPOCH=1770000000

# mkhome FIXTURE DIR: a copy with @HOME@ set to the copy's path.
mkhome() {
	rm -rf "$2"
	cp -R "$FX/$1" "$2"
	find "$2" -type f -exec sed -i "s|@HOME@|$PWD/$2|g" {} +
}
# Checksums of every file but backups.
snap() { (cd "$1" && find . -type f ! -name '*.backup_*' | LC_ALL=C sort | xargs md5sum); }
backups() { find "$1" -name '*.backup_*' | wc -l; }
rl() { "$RUNLAYER" setup hooks --binary "$BIN" "$@"; }
# golden_tree DESC HOME NAME: every non-backup file, @HOME@ put back.
golden_tree() {
	rm -rf gt && mkdir gt
	(cd "$2" && find . -type f ! -name '*.backup_*' | LC_ALL=C sort) | while read -r f; do
		mkdir -p "gt/$(dirname "$f")"
		sed "s|$PWD/$2|@HOME@|g" "$2/$f" >"gt/$f"
	done
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		rm -rf "$GOLD/$3" && mkdir -p "$GOLD" && cp -R gt "$GOLD/$3"
		pass "$1 (golden updated)"
	elif diff -ru "$GOLD/$3" gt >diff.out 2>&1; then
		pass "$1"
	else
		fail "$1"
		sed 's/^/#   /' diff.out | head -n 80
	fi
}

for h in basic odd; do
	mkhome $h $h
	rm -rf $h.orig
	cp -R $h $h.orig
	expect_rc "$h: install" 0 rl --install --yes --home "$PWD/$h"
	lacks "$h: nothing failed" err "left unchanged"
	golden_tree "$h: installed files match the goldens" $h $h.installed
	expect_rc "$h: check is compliant" 0 rl --check --home "$PWD/$h"
	lacks "$h: check reports no drift" out "drift"
	contains "$h: check names Claude Code's file" out "Claude Code: $PWD/$h/.claude/settings.json: compliant"
	snap $h >s1
	nb=$(backups $h)
	expect_rc "$h: install again" 0 rl --install --yes --home "$PWD/$h"
	snap $h >s2
	check "$h: a second install changes no byte" cmp -s s1 s2
	check "$h: and makes no backup" [ "$(backups $h)" -eq "$nb" ]
	lacks "$h: and reports nothing changed" out "updated"
	expect_rc "$h: uninstall" 0 rl --uninstall --home "$PWD/$h"
	if diff -r -x '*.backup_*' $h.orig $h >diff.out; then
		pass "$h: uninstall gives back the original bytes"
	else
		fail "$h: uninstall gives back the original bytes"
		sed 's/^/#   /' diff.out | head -n 40
	fi
	expect_rc "$h: check after uninstall finds drift" 1 rl --check --home "$PWD/$h"
	contains "$h: the missing events are named" out "PreToolUse: missing"
done

# Every backup holds the bytes the file had before that change.
mkhome basic bk
cp bk/.claude/settings.json settings.orig
rl --install --yes --home "$PWD/bk" >/dev/null 2>&1
check "backup: named <stem>.backup_<date>_<time><suffix>" \
	test -f bk/.claude/settings.backup_20260202_024000.json
check "backup: holds the original bytes" cmp -s settings.orig bk/.claude/settings.backup_20260202_024000.json
chmod 600 bk/.cursor/hooks.json
rl --uninstall --home "$PWD/bk" >/dev/null 2>&1
check "backup: a second change the same second gets _2" \
	test -f bk/.claude/settings.backup_20260202_024000_2.json
check "mode of the edited file is kept" [ "$(stat -c %a bk/.claude/settings.json)" = "$(stat -c %a "$FX/basic/.claude/settings.json")" ]
check "the backup keeps the mode of its file" [ "$(stat -c %a bk/.cursor/hooks.backup_20260202_024000_2.json)" = 600 ]

# --dry-run: a unified diff of every file, nothing written.
mkhome basic dry
snap dry >s1
expect_rc "dry-run exits 0" 0 rl --install --yes --dry-run --home "$PWD/dry"
sed "s|$PWD/dry|@HOME@|g" out >dry.out
golden "dry-run prints the unified diff of every change" dry.out "$GOLD/dry-run.out"
contains "dry-run: the report goes to stderr" err "Claude Code: $PWD/dry/.claude/settings.json: would update"
snap dry >s2
check "dry-run writes nothing" cmp -s s1 s2
check "dry-run makes no backup" [ "$(backups dry)" -eq 0 ]
# The diff applies: patch turns the originals into what install writes.
if command -v patch >/dev/null 2>&1; then
	mkhome basic p
	rl --install --yes --dry-run --home "$PWD/p" >p.diff 2>/dev/null
	(cd / && patch -s -p0 <"$OLDPWD/p.diff") >patch.out 2>&1
	check "the dry-run output is a clean patch" [ ! -s patch.out ]
	snap p | grep -v '\.orig$' >s1
	mkhome basic p
	rl --install --yes --home "$PWD/p" >/dev/null
	snap p >s2
	check "the dry-run diff, applied with patch, gives what install writes" cmp -s s1 s2
fi

# Stale entries of ours (older shims, another binary path, duplicates, a
# shared group, an event the mode does not use) are replaced; the user's
# hooks and their Codex trust follow.
mkhome stale stale
expect_rc "stale: check finds drift" 1 rl --check --home "$PWD/stale" --client claude_code
contains "stale: duplicates are reported" out "PreToolUse: 3 entries of ours"
expect_rc "stale: install" 0 rl --install --yes --home "$PWD/stale"
golden_tree "stale: installed files match the goldens" stale stale.installed
expect_rc "stale: check is compliant" 0 rl --check --home "$PWD/stale"
expect_rc "stale: uninstall" 0 rl --uninstall --home "$PWD/stale"
golden_tree "stale: uninstall leaves only the user's entries" stale stale.uninstalled

# Files that do not parse are left alone, with their position.
mkhome bad bad
snap bad >s1
expect_rc "bad: install fails" 1 rl --install --yes --home "$PWD/bad"
snap bad >s2
check "bad: no file was touched" cmp -s s1 s2
check "bad: no backup was made" [ "$(backups bad)" -eq 0 ]
contains "bad: JSON error with line:col" err "$PWD/bad/.claude/settings.json:5:27:"
contains "bad: TOML error with line:col" err "$PWD/bad/.codex/config.toml:2:15:"
contains "bad: YAML error with line:col" err "$PWD/bad/.hermes/config.yaml:4:1:"
contains "bad: hooks not an object" err "Cursor: $PWD/bad/.cursor/hooks.json: \"hooks\" is not an object"
contains "bad: top level not an object" err "Gemini CLI: $PWD/bad/.gemini/settings.json: the top level is not an object"
contains "bad: the client's other files say why they were not changed" out "$PWD/bad/.codex/hooks.json: left unchanged (see the error)"
expect_rc "bad: check fails too" 1 rl --check --home "$PWD/bad"

done_testing
