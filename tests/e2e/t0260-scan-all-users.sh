# scan --all-users (root): one scan per local user with a home, each as that
# user with a reset environment; duplicate and missing homes skipped; exit 1
# when any user's scan fails; refused without root or with --dry-run.
. "$TOP/tests/e2e/lib.sh"

expect_rc "--all-users refuses --dry-run" 2 "$RUNLAYER" scan --all-users --dry-run
contains "and says why" err "cannot be combined with --all-users"
if [ "$(id -u)" -ne 0 ]; then
	expect_rc "--all-users needs root" 2 "$RUNLAYER" scan --all-users
	done_testing
	exit $?
fi
nobody=$(id -u nobody) nogroup=$(id -g nobody)
chmod 755 "$PWD"
for u in alice bob; do
	mkdir -p "$u/.cursor"
	echo "{\"mcpServers\": {\"$u-server\": {\"command\": \"x\"}}}" >"$u/.cursor/mcp.json"
	chown -R "$nobody:$nogroup" "$u"
done
mkdir -p carol/.cursor && echo '{"mcpServers": {"carol-server": {"command": "x"}}}' >carol/.cursor/mcp.json
chmod 755 carol   # owned by root: carol (nobody) cannot create her inventory
ln -s "$PWD/alice" alias-of-alice
cat >passwd <<PW
alice:x:$nobody:$nogroup::$PWD/alice:/bin/sh
ghost:x:$nobody:$nogroup::$PWD/does-not-exist:/bin/sh
alias:x:$nobody:$nogroup::$PWD/alias-of-alice:/bin/sh
bob:x:$nobody:$nogroup::$PWD/bob:/bin/sh
PW
export RUNLAYER_PASSWD_FILE=$PWD/passwd RUNLAYER_HOME=$PWD/rootstate
expect_rc "all users scanned" 0 "$RUNLAYER" scan --all-users --offline --no-projects -v
contains "summary counts the users (ghost and the duplicate home skipped)" out "Scanned 2 users: 2 ok, 0 failed"
for u in alice bob; do
	check "$u's scan wrote her own inventory, owned by her" test "$(stat -c %u "$u/.runlayer/inventory.db")" = "$nobody"
	expect_rc "$u's inventory lists $u-server" 0 "$RUNLAYER" inventory list --db "$u/.runlayer/inventory.db"
	contains "$u's inventory holds $u-server" out "$u-server"
	lacks "$u's inventory holds nobody else's servers" out "carol-server"
done
echo "carol:x:$nobody:$nogroup::$PWD/carol:/bin/sh" >>passwd
expect_rc "a failing user makes the run fail" 1 "$RUNLAYER" scan --all-users --offline --no-projects
contains "the failing user is named" err "scan failed for user carol"
contains "the others still ran" out "Scanned 3 users: 2 ok, 1 failed"
# A secret given with --secret reaches the users through the environment only.
expect_rc "secret run exits" 1 "$RUNLAYER" scan --all-users --offline --no-projects --secret CANARYSECRETKEY
lacks "the secret is not echoed" err CANARYSECRETKEY
done_testing
