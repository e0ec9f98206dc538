# runlayer users import under stress: kill -9 in the middle of replacing a
# 60 000-user directory leaves the old or the new one, never a mix; two
# imports at once both finish and leave one whole directory; hostile files
# (FIFO, binary garbage, deep JSON, huge fields, control characters) are
# refused or skipped without a crash or a hang; a SCIM page warns.
. "$TOP/tests/e2e/lib.sh"

export RUNLAYER_DB=$PWD/inventory.db

python3 - <<'EOF'
import random
random.seed(7)
def write(path, n, domain):
    with open(path, "w") as f:
        f.write("email,first_name,last_name,sAMAccountName,status\n")
        for i in range(n):
            f.write("u%d@%s,First%d,Last%d,s%d,%s\n" % (i, domain, i % 500, i % 700, i,
                    "SUSPENDED" if i % 17 == 0 else "ACTIVE"))
write("old.csv", 1000, "old.example")
write("new.csv", 60000, "new.example")
EOF

# state: "users domain" of the stored directory, and whether the database
# is consistent (integrity, the import record matches the rows).
state() {
	python3 - "$RUNLAYER_DB" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
n = db.execute("SELECT count(*) FROM directory_users").fetchone()[0]
rec = db.execute("SELECT n_users FROM directory").fetchone()
doms = {r[0] for r in db.execute("SELECT DISTINCT substr(email, instr(email, '@') + 1) FROM directory_users")}
print("%d %s %s" % (n, ",".join(sorted(doms)) or "-", "ok" if ok and rec and rec[0] == n else "BAD"))
EOF
}

expect_rc "import the old directory" 0 "$RUNLAYER" users import -q old.csv
check "old directory stored" test "$(state)" = "1000 old.example ok"

# ---- kill -9 at several points of a replacement.
bad=0 kept_old=0 got_new=0
for delay in 0.05 0.1 0.2 0.3 0.5 0.8; do
	"$RUNLAYER" users import -q new.csv >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	s=$(state)
	case $s in
	"1000 old.example ok") kept_old=$((kept_old + 1)) ;;
	"60000 new.example ok") got_new=$((got_new + 1)) ;;
	*) bad=$((bad + 1)); echo "# after kill at ${delay}s: $s" ;;
	esac
	"$RUNLAYER" users import -q old.csv >/dev/null 2>&1
done
echo "# kills: $kept_old left the old directory, $got_new landed after the commit"
check "kill -9 mid-import leaves the old or the new directory, whole" test "$bad" = 0

# ---- two imports at once.
"$RUNLAYER" users import -q new.csv >a.out 2>a.err &
p1=$!
"$RUNLAYER" users import -q old.csv >b.out 2>b.err &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check "concurrent imports both succeed" test "$r1 $r2" = "0 0"
s=$(state)
check "…and leave one whole directory ($s)" sh -c "[ '$s' = '1000 old.example ok' ] || [ '$s' = '60000 new.example ok' ]"

# ---- hostile files.
mkfifo fifo
expect_rc "a FIFO is refused, not read" 66 timeout 10 "$RUNLAYER" users import fifo
head -c 65536 /dev/urandom >garbage.bin
timeout 20 "$RUNLAYER" users import garbage.bin >out 2>err
rc=$?
check "binary garbage: refused or skipped, no crash (exit $rc)" sh -c "[ $rc -eq 65 ] || [ $rc -eq 0 ]"
python3 -c 'print("[" * 100000)' >deep.json
expect_rc "deep JSON refused" 65 timeout 20 "$RUNLAYER" users import deep.json
contains "…without recursing" err "nested deeper than 64 levels"
python3 -c '
print("email,first,notes")
print("a@x.com,Ann," + "x" * 70000)
print("b@x.com,Bob,ok")' >huge.csv
expect_rc "a huge field skips its row" 0 "$RUNLAYER" users import huge.csv
contains "…reported" err "huge.csv:2:13: field longer than 65536 bytes, skipping"
printf 'email,first_name,last_name\n"=HYPERLINK(""x"")@x.com",Ann,Lee\nesc@x.com,"\033[31mred",Lee\n' >ctl.csv
expect_rc "names with control characters import" 0 "$RUNLAYER" users import ctl.csv
contains "…an address that is a formula is not an address" err "invalid email address"
expect_rc "list escapes them" 0 "$RUNLAYER" users list
check "no raw escape byte on the terminal" sh -c "! grep -q \"\$(printf '\\033')\" out"
contains "…shown escaped" out '\x1b[31mred'

# ---- SCIM: one page of several.
cat >page.json <<'EOF'
{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 250,
 "itemsPerPage": 1, "startIndex": 1,
 "Resources": [{"userName": "p@x.com", "name": {"givenName": "P", "familyName": "Q"}}]}
EOF
expect_rc "a SCIM page imports" 0 "$RUNLAYER" users import page.json
contains "…with a warning about the other pages" err "says totalResults 250 but holds 1 users: one page of several?"
done_testing
