# README's "Supported clients" table is generated from `runlayer clients
# --json` (scripts/gen-clients-table.py): the test fails when the README and
# the catalog disagree, and the check bites on a doctored copy.
. "$TOP/tests/e2e/lib.sh"

if python3 "$TOP/scripts/gen-clients-table.py" --runlayer "$RUNLAYER" --check >diff.out 2>gen.err; then
	pass "README table matches the catalog"
else
	fail "README table is stale: run scripts/gen-clients-table.py --runlayer BIN"
	sed 's/^/#   /' gen.err diff.out | head -n 40
fi
expect_rc "clients --json" 0 "$RUNLAYER" clients --json
check "every catalog id has a row, and no other row exists" python3 - <<'PY'
import json, os, re, sys
ids = [c["id"] for c in json.load(open("out"))["clients"]]
readme = open(os.path.join(os.environ["TOP"], "README.md"), encoding="utf-8").read()
block = readme.split("clients-table:begin", 1)[1].split("clients-table:end", 1)[0]
rows = re.findall(r"^\| [^|]+ \| `([^`]+)` \|", block, re.M)
sys.exit(0 if rows == ids else 1)
PY
grep -v '`cursor`' "$TOP/README.md" >README.copy
check "a README missing a client is refused" sh -c \
	'! python3 "$TOP/scripts/gen-clients-table.py" --runlayer "$RUNLAYER" --readme README.copy --check >/dev/null 2>&1'
done_testing
