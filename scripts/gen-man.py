#!/usr/bin/env python3
"""Generate docs/runlayer.1 from docs/runlayer.1.in and the binary's --help.

  scripts/gen-man.py [--runlayer BIN] [--check] [-o FILE]

SYNOPSIS lines are the usage lines of every command and verb, verbatim;
COMMANDS repeats each command's summary, description and options; EXIT
STATUS comes from docs/exit-codes.md; the clients' relocation variables
from `runlayer clients --paths`. --check compares with the committed page
and exits 1 with a diff when it is stale. Every environment variable the
C sources read must be documented in the template (exit 1 otherwise)."""
import argparse
import difflib
import os
import re
import sys
import textwrap

sys.dont_write_bytecode = True    # no scripts/__pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_help  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC_DIRS = ("util", "parsers", "discover", "resolver", "store", "net", "hooks", "ops", "cli")


def esc(text, wrap=True):
    """Roff-escape running text (backslashes, hyphens, leading dots and
    quotes); long lines are wrapped at 72 characters unless wrap is false."""
    t = text.replace("\\", "\\e").replace("-", "\\-")
    t = "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in t)
    lines = []
    for l in t.split("\n"):
        if wrap and len(l) > 78:
            lines.extend(textwrap.wrap(l, 72, break_on_hyphens=False, break_long_words=False))
        else:
            lines.append(l)
    return "\n".join(("\\&" + l if l[:1] in (".", "'") else l) for l in lines)


def opt_spec(short, long, arg):
    parts = []
    if short:
        parts.append("\\fB%s\\fR" % esc(short))
    if long:
        parts.append("\\fB%s\\fR" % esc(long))
    s = ", ".join(parts)
    if arg:
        s += " \\fI%s\\fR" % esc(arg)
    return s


def options_block(opts, skip_universal=True):
    out, group = [], None
    for g, short, long, arg, text in opts:
        if skip_universal and long in cli_help.UNIVERSAL:
            continue
        if g != group and g:
            out.append(".PP\n%s:" % esc(g))
        group = g
        out.append(".TP\n" + opt_spec(short, long, arg) + "\n" + esc(text or ""))
    return "\n".join(out)


def command_block(title, h):
    out = [".SS %s" % esc(title), ".nf", esc(h["usage"], False), ".fi", ".PP", esc(h["summary"])]
    for para in h["description"]:
        out.append(".PP")
        out.append(esc("\n".join(l.strip() for l in para)))
    block = options_block(h["options"])
    if block:
        out.append(".PP\nOptions:")
        out.append(block)
    return "\n".join(out)


def exit_status():
    rows = []
    for ln in open(os.path.join(TOP, "docs/exit-codes.md"), encoding="utf-8"):
        m = re.match(r"^\|\s*(\d+)\s*\|\s*`(\w+)`\s*\|\s*(.*?)\s*\|\s*$", ln)
        if m:
            rows.append(m.groups())
    names = set(re.findall(r"\b(EXIT_[A-Z]+)\s*=", open(os.path.join(TOP, "cli/exit.h")).read()))
    missing = names - {r[1] for r in rows}
    if missing:
        raise SystemExit("gen-man: docs/exit-codes.md lacks %s" % ", ".join(sorted(missing)))
    out = []
    for code, name, text in rows:
        text = re.sub(r"`([^`]*)`", r"\1", text)
        out.append(".TP\n.B %s\n%s" % (code, esc("%s (%s)." % (text.rstrip("."), name))))
    return "\n".join(out)


def client_env(binary):
    names = sorted(set(re.findall(r"\{env:([A-Za-z_][A-Za-z0-9_]*)",
                                  cli_help.run(binary, "clients", "--paths"))))
    return "\n".join(".TP\n.B %s\nRelocates a client's configuration directory (see\n"
                     ".BR \"runlayer clients \\-\\-paths\" )." % n for n in names), names


def source_env():
    """Environment variables the C sources read."""
    names = set()
    pat_call = re.compile(r'[A-Za-z_]*env[A-Za-z_]*\(\s*(?:[a-z_>.-]+,\s*)?"([A-Z][A-Z0-9_]+)"')
    pat_lit = re.compile(r'"((?:RUNLAYER|SSL|REQUESTS)_[A-Z0-9_]+)"')
    for d in SRC_DIRS:
        for root, _, files in os.walk(os.path.join(TOP, d)):
            for f in files:
                if f.endswith((".c", ".h")):
                    text = open(os.path.join(root, f), encoding="utf-8", errors="replace").read()
                    names.update(pat_call.findall(text))
                    names.update(pat_lit.findall(text))
    return names


def generate(binary):
    tree = cli_help.walk(binary)
    version = cli_help.run(binary, "--version").split()[-1]
    tmpl = open(os.path.join(TOP, "docs/runlayer.1.in"), encoding="utf-8").read()
    syn = [".nf"] + [esc(u, False) for u in cli_help.usages(tree)] + [".fi"]
    cmds = []
    for name, summary, h, verbs in tree["commands"]:
        if h is None:
            cmds.append(".SS %s\n.nf\n%s\n.fi\n.PP\n%s." % (
                esc("runlayer " + name), esc("runlayer %s [<command> [<verb>]]" % name, False),
                esc(summary[:1].upper() + summary[1:])))
            continue
        if h["verbs"]:
            cmds.append(".SS %s\n%s.\nVerbs:\n.RS\n%s\n.RE" % (
                esc("runlayer %s" % name), esc(summary[:1].upper() + summary[1:]),
                "\n".join(".TP\n.B %s\n%s" % (esc(v), esc(vh["summary"])) for v, vh in verbs)))
            for v, vh in verbs:
                cmds.append(command_block("runlayer %s %s" % (name, v), vh))
            continue
        cmds.append(command_block("runlayer " + name, h))
    cenv, cnames = client_env(binary)
    page = (tmpl.replace("@VERSION@", version)
            .replace("@SYNOPSIS@", "\n".join(syn))
            .replace("@COMMANDS@", "\n".join(cmds))
            .replace("@GLOBAL@", options_block(tree["global"], skip_universal=False))
            .replace("@EXIT@", exit_status())
            .replace("@CLIENT_ENV@", cenv))
    page = "\n".join(l for l in page.split("\n") if not l.startswith(".\\\" Template") and
                     not l.startswith(".\\\" the binary") and not l.startswith(".\\\" Edit this") and
                     not l.startswith(".\\\" page is stale"))
    header = (".\\\" Generated by scripts/gen-man.py from docs/runlayer.1.in and the\n"
              ".\\\" binary's --help output: edit the template, then run the script.\n")
    page = header + page
    documented = set(re.findall(r"^\.B ([A-Z][A-Z0-9_]+)$", page, re.M))
    undocumented = sorted(source_env() - documented - set(cnames))
    return page, undocumented


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runlayer", default=os.path.join(TOP, "build/runlayer"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("-o", "--output", default=os.path.join(TOP, "docs/runlayer.1"))
    a = ap.parse_args()
    page, undocumented = generate(a.runlayer)
    rc = 0
    if undocumented:
        print("gen-man: environment variables read by the code but not in the ENVIRONMENT "
              "section of docs/runlayer.1.in: %s" % ", ".join(undocumented), file=sys.stderr)
        rc = 1
    if a.check:
        try:
            old = open(a.output, encoding="utf-8").read()
        except FileNotFoundError:
            old = ""
        if old != page:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), page.splitlines(True), a.output, "generated"))
            print("gen-man: %s is stale: run scripts/gen-man.py --runlayer BIN" % a.output,
                  file=sys.stderr)
            rc = 1
        return rc
    with open(a.output, "w", encoding="utf-8") as f:
        f.write(page)
    return rc


if __name__ == "__main__":
    sys.exit(main())
