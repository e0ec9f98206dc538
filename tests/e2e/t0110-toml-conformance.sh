# toml-test 1.0.0 through the real binary: `runlayer debug parse --tagged`
# must equal every valid case's expected JSON and reject every invalid case.
. "$TOP/tests/e2e/lib.sh"

suite=${TOML_TEST_DIR:-$TOP/../shared/conformance/toml-test}
list=$suite/tests/files-toml-1.0.0
if [ ! -f "$list" ]; then
	echo "Bail out! toml-test suite not found at $suite"
	exit 1
fi

python3 - "$RUNLAYER" "$suite/tests" "$list" <<'PY' >report.txt
import json, math, os, subprocess, sys, datetime
binary, base, listing = sys.argv[1:4]
cases = [l.strip() for l in open(listing) if l.strip().endswith(".toml")]
# Under valgrind (make valgrind) a run costs seconds: every 10th case (the
# unit test test_toml_conformance runs them all in one process).
if os.environ.get("RUNLAYER_VALGRIND"):
    cases = cases[::10]

def dt(v):
    s = v.replace(" ", "T").replace("z", "Z").replace("Z", "+00:00")
    try:
        return datetime.datetime.fromisoformat(s)
    except ValueError:
        return v

def same(a, b):
    if isinstance(a, dict) and set(a) == {"type", "value"} and isinstance(a.get("type"), str):
        if not (isinstance(b, dict) and b.get("type") == a["type"]):
            return False
        t, x, y = a["type"], a["value"], b["value"]
        if t == "float":
            fx, fy = float(x), float(y)
            return (math.isnan(fx) and math.isnan(fy)) or fx == fy
        if t == "integer":
            return int(x) == int(y)
        if t == "datetime":
            return dt(x) == dt(y)
        if t in ("datetime-local", "time-local", "date-local"):
            return x.replace(" ", "T").rstrip("0").rstrip(".") == y.replace(" ", "T").rstrip("0").rstrip(".")
        return x == y
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b

valid_ok = valid_n = invalid_ok = invalid_n = 0
for c in cases:
    p = subprocess.run([binary, "debug", "parse", "--tagged", "--compact", f"{base}/{c}"],
                       capture_output=True, text=True)
    if c.startswith("valid/"):
        valid_n += 1
        exp = json.load(open(f"{base}/{c[:-5]}.json"))
        try:
            got = json.loads(p.stdout) if p.returncode == 0 else None
        except ValueError:
            got = None
        if got is not None and same(exp, got):
            valid_ok += 1
        else:
            print(f"FAIL valid {c}: rc={p.returncode} {p.stderr.strip()[:200]}")
    else:
        invalid_n += 1
        if p.returncode == 65 and p.stderr.strip():
            invalid_ok += 1
        else:
            print(f"FAIL invalid {c}: rc={p.returncode}")
print(f"valid {valid_ok}/{valid_n} invalid {invalid_ok}/{invalid_n}")
PY
tail -n 1 report.txt | sed 's/^/# /'
grep '^FAIL' report.txt | head -n 20 | sed 's/^/#   /'
check "every 1.0.0 valid case parses to the expected value" grep -Eq '^valid ([0-9]+)/\1 ' report.txt
check "every 1.0.0 invalid case is rejected with exit 65 and a message" grep -Eq ' invalid ([0-9]+)/\1$' report.txt
done_testing
