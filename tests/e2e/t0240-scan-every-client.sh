# Every catalog client, every OS: a config file is written at each of the
# client's global paths and project patterns (from `runlayer clients --json`,
# in the shape its server_keys describe) and the scan must attribute a server
# to that client, with the right scope, from that very file.
. "$TOP/tests/e2e/lib.sh"

"$RUNLAYER" clients --json >catalog.json || { echo "Bail out! clients --json failed"; exit 1; }

for os in linux darwin windows; do
	rm -rf "h-$os" "r-$os"
	mkdir -p "h-$os" "r-$os"
	python3 - "$os" "$PWD/h-$os" "$PWD/r-$os" >"expect-$os.txt" <<'PY'
import json, os, sys
target, home, root = sys.argv[1:4]
cat = json.load(open("catalog.json"))["clients"]

def expand(t):
    """One concrete path for a template on target (None when not applicable)."""
    AS = {"linux": "~/.config", "darwin": "~/Library/Application Support",
          "windows": "~/AppData/Roaming"}[target]
    while "{env:" in t:                      # relocation variables: the fallback
        i = t.index("{env:"); bar = t.index("|", i); depth = 0; j = bar + 1
        while True:
            if t[j] == "{": depth += 1
            elif t[j] == "}":
                if depth == 0: break
                depth -= 1
            j += 1
        t = t[:i] + t[bar + 1:j] + t[j + 1:]
    t = (t.replace("{VSU}", AS + "/Code/User").replace("{AS}", AS).replace("{XDG}", "~/.config")
          .replace("{APPDATA}", "~/AppData/Roaming").replace("{LOCALAPPDATA}", "~/AppData/Local")
          .replace("{PROGRAMDATA}", root + "/ProgramData")
          .replace("{PROGRAMFILES}", root + "/Program Files"))
    t = t.replace("*.config.toml", "work.config.toml").replace("*", "x1")
    if t.startswith("~"):
        return home + t[1:]
    if t.startswith(root):
        return t
    return root + t                          # a system path

def container(key, name):
    """A document holding one server `name` under server key `key`."""
    server = {"command": "/bin/true", "args": [name]}
    path = key.split("/")
    leaf = path[-1]
    if leaf.startswith("@"):
        node = {leaf[1:]: [dict(server, name=name)]}
    else:
        node = {leaf: {name: server}}
    for part in reversed(path[:-1]):
        node = {part: node}
    return node

def merge(a, b):
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            merge(a[k], v)
        elif isinstance(v, list) and isinstance(a.get(k), list):
            a[k].extend(v)
        else:
            a[k] = v

def toml_value(v):
    if isinstance(v, str): return json.dumps(v)
    if isinstance(v, list): return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)

def to_toml(doc):
    out = []
    def walk(prefix, d):
        scalars = {k: v for k, v in d.items() if not isinstance(v, (dict, list)) or
                   (isinstance(v, list) and not (v and isinstance(v[0], dict)))}
        if scalars and prefix:
            out.append("[" + ".".join(json.dumps(p) for p in prefix) + "]")
        for k, v in scalars.items():
            out.append(f"{json.dumps(k)} = {toml_value(v)}")
        for k, v in d.items():
            if isinstance(v, dict):
                walk(prefix + [k], v)
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                for item in v:
                    out.append("[[" + ".".join(json.dumps(p) for p in prefix + [k]) + "]]")
                    for ik, iv in item.items():
                        out.append(f"{json.dumps(ik)} = {toml_value(iv)}")
    walk([], doc)
    return "\n".join(out) + "\n"

def to_yaml(doc):
    return json.dumps(doc, indent=2) + "\n"    # JSON is YAML 1.2 flow syntax

files = {}
expect = []
for c in cat:
    if c.get("reported_as"):
        continue
    keys = c["server_keys"]
    for i, p in enumerate(c["config_paths"]):
        if target not in p["os"].split():
            continue
        path = expand(p["path"])
        name = f"{c['id']}-g{i}"
        files.setdefault(path, {})
        merge(files[path], container(keys[0], name))
        expect.append((c["id"], "global", name, path))
    for i, pat in enumerate(c["project_files"]):
        proj = f"{home}/projects/{c['id']}-{i}"
        path = f"{proj}/{pat}"
        name = f"{c['id']}-p{i}"
        files.setdefault(path, {})
        merge(files[path], container(keys[0], name))
        expect.append((c["id"], "project", name, path))
for path, doc in files.items():
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        if path.endswith(".toml"): f.write(to_toml(doc))
        elif path.endswith((".yaml", ".yml")): f.write(to_yaml(doc))
        else: json.dump(doc, f, indent=2)
for e in expect:
    print("\t".join(e))
PY
	"$RUNLAYER" scan --dry-run --home "$PWD/h-$os" --root "$PWD/r-$os" --os "$os" \
		--device-id 11111111-2222-4333-8444-555555555555 >"payload-$os.json" 2>"err-$os.txt"
	check "$os: scan exits 0" test $? -eq 0
	python3 - "payload-$os.json" "expect-$os.txt" <<'PY' >"result-$os.txt"
import json, sys
d = json.load(open(sys.argv[1]))
found = {}
for c in d["configurations"]:
    for s in c["servers"]:
        found.setdefault(s["name"], []).append((c["client"], c["config_scope"], c["config_path"]))
missing = 0
n = 0
for line in open(sys.argv[2]):
    client, scope, name, path = line.rstrip("\n").split("\t")
    n += 1
    if (client, scope, path) not in found.get(name, []):
        missing += 1
        print(f"MISSING {client} {scope} {name} {path} (found: {found.get(name)})")
print(f"checked {n} missing {missing}")
PY
	sed -n 's/^MISSING/#   MISSING/p' "result-$os.txt" | head -n 30
	check "$os: every catalog path and project pattern is attributed to its client ($(tail -n 1 "result-$os.txt"))" \
		grep -q ' missing 0$' "result-$os.txt"
	check "$os: no file could not be parsed" test ! -s "err-$os.txt"
done
done_testing
