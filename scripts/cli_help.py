"""Walk the real binary's --help output: commands, nested verbs, usage lines
and option tables. Shared by gen-man.py, gen-completions.py and the tests,
so the man page and completions are generated from what the binary says."""
import os
import re
import subprocess
import tempfile

OPT_RE = re.compile(r"^  (?:(-[A-Za-z0-9?])(?:, |(?=\s)))?\s*(--[A-Za-z0-9][A-Za-z0-9-]*)?(?: ([^\s]+))?")
# Options every command accepts; documented once (GLOBAL OPTIONS).
UNIVERSAL = {"--verbose", "--quiet", "--color", "--help"}


def run(binary, *args):
    home = tempfile.mkdtemp(prefix="runlayer-help.")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
           "RUNLAYER_HOME": os.path.join(home, ".runlayer"), "LC_ALL": "C",
           "NO_COLOR": "1", "TZ": "UTC"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    try:
        p = subprocess.run([binary, *args], capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=60)
    finally:
        subprocess.run(["rm", "-rf", home])
    if p.returncode != 0:
        raise SystemExit("%s %s exited %d: %s" % (binary, " ".join(args), p.returncode, p.stderr))
    return p.stdout


def section(lines, title):
    """Lines of an indented list after a 'title:' line, up to a blank line."""
    out, on = [], False
    for ln in lines:
        if ln == title + ":":
            on = True
            continue
        if on:
            if not ln.strip():
                break
            out.append(ln)
    return out


def parse_options(lines):
    """[(group or None, short, long, arg, help)] from an 'options:' block."""
    opts, group, cur = [], None, None
    i = lines.index("options:") + 1 if "options:" in lines else len(lines)
    for ln in lines[i:]:
        if not ln.strip():
            continue
        if ln.startswith(" " * 28) and cur is not None:
            cur[4] = (cur[4] + " " + ln.strip()).strip()
            continue
        if not ln.startswith(" ") and ln.endswith(":"):
            group = ln[:-1]
            continue
        m = OPT_RE.match(ln)
        if not m or not (m.group(1) or m.group(2)):
            continue
        rest = ln[m.end():]
        cur = [group, m.group(1), m.group(2), m.group(3), rest.strip()]
        opts.append(cur)
    return [tuple(o) for o in opts]


def parse_help(text):
    lines = text.rstrip("\n").split("\n")
    if not lines[0].startswith("usage: "):
        raise SystemExit("unexpected --help output: %r" % lines[0])
    usage = lines[0][len("usage: "):]
    h = {"usage": usage, "summary": "", "description": [], "options": [], "verbs": []}
    if "verbs:" in lines:
        h["verbs"] = [l.split()[0] for l in section(lines, "verbs")]
        h["verb_summaries"] = {l.split()[0]: " ".join(l.split()[1:]) for l in section(lines, "verbs")}
        return h
    # Paragraphs between the usage line and "options:".
    body = lines[1:lines.index("options:")] if "options:" in lines else lines[1:]
    paras, cur = [], []
    for ln in body:
        if ln.strip():
            cur.append(ln)
        elif cur:
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    if paras:
        h["summary"] = " ".join(paras[0])
        h["description"] = paras[1:]
    h["options"] = parse_options(lines)
    return h


def walk(binary):
    """{"main": main help, "commands": [(name, summary, help or None, [(verb, help)])]}"""
    top = run(binary, "--help")
    lines = top.rstrip("\n").split("\n")
    main_usage = lines[0][len("usage: "):]
    cmds = []
    for ln in section(lines, "commands"):
        name, summary = ln.split()[0], " ".join(ln.split()[1:])
        text = run(binary, name, "--help")
        h = parse_help(text)
        verbs = []
        if h["verbs"]:
            for v in h["verbs"]:
                verbs.append((v, parse_help(run(binary, name, v, "--help"))))
        if h["usage"] == main_usage:
            h = None        # `help`: prints the main usage
        cmds.append((name, summary, h, verbs))
    glob = []
    for ln in section(lines, "global options (accepted by every command)"):
        m = OPT_RE.match(ln)
        if m:
            glob.append((None, m.group(1), m.group(2), m.group(3), ln[m.end():].strip()))
    return {"main_usage": main_usage, "summary": lines[2] if len(lines) > 2 else "",
            "commands": cmds, "global": glob}


def usages(tree):
    """Every usage line, in man-page order."""
    out = [tree["main_usage"]]
    for name, _, h, verbs in tree["commands"]:
        if h and not h["verbs"]:
            out.append(h["usage"])
        for _, vh in verbs:
            out.append(vh["usage"])
    return out


def all_options(tree):
    """{usage-name: set of option strings} for every command and verb."""
    res = {}
    for name, _, h, verbs in tree["commands"]:
        if h and not h["verbs"]:
            res[name] = {x for o in h["options"] for x in (o[1], o[2]) if x}
        for v, vh in verbs:
            res[name + " " + v] = {x for o in vh["options"] for x in (o[1], o[2]) if x}
    return res
