# The man page: generated from the binary's --help (scripts/gen-man.py
# --check fails when docs/runlayer.1 is stale or an environment variable the
# code reads is undocumented), lints clean with mandoc, and its rendering
# has every command's usage line verbatim in SYNOPSIS and every option.
. "$TOP/tests/e2e/lib.sh"

if python3 "$TOP/scripts/gen-man.py" --runlayer "$RUNLAYER" --check >diff.out 2>gen.err; then
	pass "docs/runlayer.1 is up to date with --help and the template"
else
	fail "docs/runlayer.1 is stale: run scripts/gen-man.py --runlayer BIN"
	sed 's/^/#   /' gen.err diff.out | head -n 60
fi

if command -v mandoc >/dev/null 2>&1; then
	check "mandoc -Tlint is clean" sh -c 'mandoc -Tlint "$TOP/docs/runlayer.1" >lint.out 2>&1'
	sed 's/^/#   /' lint.out | head -n 20
	mandoc -Tascii -O width=400 "$TOP/docs/runlayer.1" >man.txt
else
	echo "# mandoc is not installed (scripts/deps.sh installs it): checking the roff source"
	sed -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/\\f[BIR]//g' -e 's/\\&//g' "$TOP/docs/runlayer.1" >man.txt
fi

check "SYNOPSIS has every usage line verbatim, each command has its options" python3 - <<'EOF'
import os, re, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.environ["TOP"], "scripts"))
import cli_help
text = re.sub(r".\x08", "", open("man.txt", encoding="utf-8", errors="replace").read())
lines = [l.strip() for l in text.split("\n")]
tree = cli_help.walk(os.environ["RUNLAYER"])
bad = 0
try:
    syn = lines[lines.index("SYNOPSIS") + 1:lines.index("DESCRIPTION")]
except ValueError:
    syn = lines
for u in cli_help.usages(tree):
    if u not in syn:
        print("# usage line not in SYNOPSIS: %s" % u)
        bad += 1
heads = [i for i, l in enumerate(lines) if l.startswith("runlayer ") and text.split("\n")[i].startswith("   r")]
def block(title):
    for i in heads:
        if lines[i] == title:
            nxt = [j for j in heads if j > i]
            return "\n".join(lines[i:nxt[0] if nxt else len(lines)])
    return None
glob = "\n".join(lines[lines.index("GLOBAL OPTIONS"):lines.index("EXIT STATUS")]) if "GLOBAL OPTIONS" in lines else text
for name, opts in cli_help.all_options(tree).items():
    b = block("runlayer " + name)
    if b is None:
        print("# no section for 'runlayer %s'" % name)
        bad += 1
        continue
    for o in sorted(opts):
        if o in cli_help.UNIVERSAL or o in ("-v", "-q", "-h"):
            if o not in glob:
                print("# global option %s missing" % o)
                bad += 1
        elif not re.search(r"(^|[\s,\[])" + re.escape(o) + r"($|[\s,=\]])", b):
            print("# %s: option %s not in its section" % (name, o))
            bad += 1
sys.exit(1 if bad else 0)
EOF

check "EXIT STATUS lists every code of cli/exit.h" python3 - <<'EOF'
import os, re, sys
text = open("man.txt", encoding="utf-8", errors="replace").read()
names = re.findall(r"\b(EXIT_[A-Z]+)\s*=\s*(\d+)", open(os.path.join(os.environ["TOP"], "cli/exit.h")).read())
missing = [n for n, c in names if n not in text]
print("# missing: %s" % missing if missing else "# %d exit codes" % len(names))
sys.exit(1 if missing else 0)
EOF

# The staleness check must bite: a page missing one option is refused.
sed '/^\\fB\\-\\-since\\fR/d' "$TOP/docs/runlayer.1" >stale.1
check "a stale page is detected" sh -c '! python3 "$TOP/scripts/gen-man.py" --runlayer "$RUNLAYER" --check -o stale.1 >/dev/null 2>&1'
done_testing
