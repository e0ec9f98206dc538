#!/usr/bin/env python3
# Generate a synthetic home for the crawler benchmark: ~1,000,000 files in
# ~100,000 directories, 2,000 git-like repos with project MCP configs.
#
# usage: gen_home.py OUT [--scale F] [--seed N]
# Builds OUT.tmp.<pid> and renames it to OUT, so an interrupted run leaves no
# half-made home behind. Deterministic for a given seed and scale.
import argparse
import os
import random
import shutil
import sys

files = 0
dirs = 0


def mkdir(path):
    global dirs
    os.mkdir(path)
    dirs += 1
    return path


def touch(path, data=b""):
    global files
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    if data:
        os.write(fd, data)
    os.close(fd)
    files += 1


def fill(d, n, prefix="f", ext=".txt"):
    for i in range(n):
        touch(f"{d}/{prefix}{i}{ext}")


def tree(rng, d, depth, width, per_dir, names):
    """A source-like tree: per_dir files per directory, width subdirs."""
    fill(d, per_dir, rng.choice(("mod", "util", "test", "doc")), rng.choice((".c", ".py", ".ts", ".go", ".md")))
    if depth == 0:
        return
    for i in range(width):
        tree(rng, mkdir(f"{d}/{rng.choice(names)}{i}"), depth - 1, width, per_dir, names)


MCP = b'{"mcpServers": {"x": {"command": "npx", "args": ["-y", "x"]}}}\n'
SRC_NAMES = ("src", "lib", "pkg", "app", "core", "api", "cmd", "internal", "web", "ui")


def git_dir(rng, repo):
    g = mkdir(f"{repo}/.git")
    for f in ("HEAD", "config", "description", "index", "packed-refs", "FETCH_HEAD"):
        touch(f"{g}/{f}")
    fill(mkdir(f"{g}/hooks"), 12, "hook", ".sample")
    touch(f"{mkdir(g + '/info')}/exclude")
    mkdir(f"{g}/refs")
    fill(mkdir(f"{g}/refs/heads"), 3, "branch", "")
    mkdir(f"{g}/refs/tags")
    mkdir(f"{g}/logs")
    touch(f"{g}/logs/HEAD")
    o = mkdir(f"{g}/objects")
    mkdir(f"{o}/pack")
    fill(f"{o}/pack", 4, "pack-", ".idx")
    for i in rng.sample(range(256), rng.randint(4, 8)):
        fill(mkdir(f"{o}/{i:02x}"), rng.randint(8, 20), "", "")
    touch(f"{g}/.mcp.json", MCP)  # inside .git: excluded, must not be found


def node_modules(rng, repo):
    nm = mkdir(f"{repo}/node_modules")
    for p in range(rng.randint(6, 12)):
        pkg = mkdir(f"{nm}/pkg{p}")
        fill(pkg, 6, "index", ".js")
        touch(f"{pkg}/package.json")
        fill(mkdir(f"{pkg}/lib"), 8, "m", ".js")
        if p == 0:
            touch(f"{pkg}/.mcp.json", MCP)  # excluded


def repo(rng, parent, name, monorepo):
    r = mkdir(f"{parent}/{name}")
    for f in ("README.md", "LICENSE", "Makefile", ".gitignore", "package.json"):
        touch(f"{r}/{f}")
    git_dir(rng, r)
    if rng.random() < 0.6:
        node_modules(rng, r)
    if rng.random() < 0.3:
        fill(mkdir(f"{r}/{rng.choice(('build', 'dist', 'target'))}"), 20, "out", ".o")
    tree(rng, mkdir(f"{r}/src"), 2, 3, 12, SRC_NAMES)
    fill(mkdir(f"{r}/docs"), 8, "page", ".md")
    # Project configs, and near misses.
    x = rng.random()
    if x < 0.35:
        touch(f"{r}/.mcp.json", MCP)
    if rng.random() < 0.25:
        c = mkdir(f"{r}/.cursor")
        touch(f"{c}/mcp.json", MCP)
        touch(f"{c}/rules.json")
    if rng.random() < 0.25:
        v = mkdir(f"{r}/.vscode")
        touch(f"{v}/mcp.json", MCP)
        touch(f"{v}/settings.json")
    if rng.random() < 0.15:
        touch(f"{mkdir(r + '/.codex')}/config.toml", b"[mcp_servers.x]\ncommand = 'x'\n")
    if rng.random() < 0.1:
        touch(f"{mkdir(r + '/x.cursor')}/mcp.json", MCP)  # wrong parent name
    if rng.random() < 0.1:
        touch(f"{r}/mcp.json", MCP)  # not a project file name
    if monorepo:
        pk = mkdir(f"{r}/packages")
        for p in range(rng.randint(3, 8)):
            d = mkdir(f"{pk}/p{p}")
            fill(d, 5, "index", ".ts")
            tree(rng, mkdir(f"{d}/src"), 1, 2, 6, SRC_NAMES)
            if rng.random() < 0.5:
                touch(f"{d}/.mcp.json", MCP)
            if rng.random() < 0.3:
                e = mkdir(f"{d}/examples")
                touch(f"{mkdir(e + '/.cursor')}/mcp.json", MCP)  # often beyond depth 7
    return r


def noise(rng, home, budget_files):
    """Caches, app data and documents outside repos."""
    per = budget_files // 8
    big = [("Library/Caches", True), ("Library/Application Support", True), (".cache", True),
           ("Library/Mobile Documents", True), (".npm", True),
           ("Documents", False), ("Downloads", False), ("Pictures", False)]
    for rel, excluded in big:
        parts = rel.split("/")
        d = home
        for p in parts:
            d = f"{d}/{p}"
            if not os.path.isdir(d):
                mkdir(d)
        made = 0
        i = 0
        while made < per:
            sub = mkdir(f"{d}/{'app' if excluded else 'folder'}{i}")
            n = rng.randint(10, 40)
            inner = mkdir(f"{sub}/data")
            fill(sub, n // 2)
            fill(inner, n - n // 2)
            if excluded and i % 50 == 0:
                touch(f"{sub}/.mcp.json", MCP)  # excluded
            made += n
            i += 1
    # A deep chain: hits beyond depth 7 must not be reported.
    d = home
    for i in range(10):
        d = mkdir(f"{d}/deep{i}")
        touch(f"{d}/.mcp.json", MCP)
    # Home-level configs and things never followed or read.
    touch(f"{home}/.mcp.json", MCP)
    c = mkdir(f"{home}/.cursor")
    touch(f"{c}/mcp.json", MCP)
    os.symlink("src", f"{home}/src-link")            # symlinked dir: not followed
    os.symlink(".mcp.json", f"{home}/Documents/.mcp.json")  # symlinked candidate
    os.mkfifo(f"{home}/Downloads/.mcp.json")        # FIFO: never a hit


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    tmp = f"{a.out}.tmp.{os.getpid()}"
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    home = mkdir(tmp)
    n_repos = max(1, int(2000 * a.scale))
    src = mkdir(f"{home}/src")
    work = mkdir(f"{home}/work")
    for i in range(n_repos):
        k = i % 10
        if k < 7:      # ~/src/<org>/<repo>: repo at depth 3
            org = f"{src}/org{i % 50}"
            if not os.path.isdir(org):
                mkdir(org)
            repo(rng, org, f"repo{i}", rng.random() < 0.1)
        elif k < 9:    # ~/work/<client>/<team>/<repo>: depth 4
            team = f"{work}/client{i % 20}"
            if not os.path.isdir(team):
                mkdir(team)
            team = f"{team}/team{i % 3}"
            if not os.path.isdir(team):
                mkdir(team)
            repo(rng, team, f"repo{i}", rng.random() < 0.2)
        else:          # ~/<repo>: depth 1
            repo(rng, home, f"proj{i}", False)
    noise(rng, home, max(1000, int(1_000_000 * a.scale) - files))
    try:
        os.rename(tmp, a.out)
    except OSError:
        shutil.rmtree(tmp)  # someone else finished first
        if not os.path.isdir(a.out):
            raise
    summary = f"{files} files, {dirs} directories, {n_repos} repos"
    with open(f"{a.out}.stats", "w") as f:
        f.write(summary + "\n")
    print(f"gen_home: {summary} in {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
