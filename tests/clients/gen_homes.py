#!/usr/bin/env python3
# Fixture homes for the client differential test: Claude Code, Codex and
# Gemini CLI configs with every scope, approval and trust rule that decides
# which servers a client loads (clients.md §1.2-§1.4, §2.2, §3, §4.1, §4.3).
#
# Deterministic: the same --seed gives byte-identical homes. Paths inside the
# files name their home as @HOME@; the runner substitutes the real path of
# each scratch copy. Every stdio command is /bin/true and every URL points at
# http://127.0.0.1:9/ (discard port), so listing spawns nothing real and
# contacts nothing.
#
# Output: <out>/<home>/... plus <out>/cases.json = {"seed": S, "homes":
# [{"name": "home1", "cwds": ["", "work/pa", ...], "git": [...],
# "gemini_bare_url": [...], "features": [...], "kinds": [...]}]}.
# Project dirs that must be git work trees are listed per home under "git";
# the runner runs `git init` in each scratch copy (a .git dir cannot live in
# the source tree).

import argparse
import json
import os
import random
import sys

HOME = "@HOME@"
TRUE = "/bin/true"
BASE_URL = "http://127.0.0.1:9/"

WORDS = ["fs", "git", "search", "notes", "db", "kube", "docs", "mail", "calc", "web",
	 "jira", "chat", "tasks", "time", "maps", "pdf", "sql", "files", "issues", "wiki"]
SEPS = [".", "-", "_"]

# Project kinds (all under ~/work):
#   A  git work tree with a nested sub.dir/ (own .mcp.json and .codex layer);
#      cwds: the root and sub.dir (Claude key and Codex root = the git root)
#   B  plain directory (not git); cwd: the dir
#   C  git work tree approving through .claude/settings.local.json
#      (untracked) and .claude/settings.json; cwd: the dir
#   D  plain parent (trusted in Codex, has .mcp.json) with a plain child;
#      cwd: the child only (a trusted parent of the root does not count in
#      Codex; the parent .mcp.json is an ancestor for Claude)
KINDS = ["A", "B", "C", "D"]

# Features drawn at random, each forced on in one home so that the default
# five homes cover all of them whatever the seed (home index, 1-based;
# kind-A-only features go to homes 1 and 5, which always have kind A).
FORCE = {
	"claude:~/.mcp.json": 1, "claude:user-reject": 1, "codex:user-disabled": 1,
	"claude:local-shadows-user": 1, "gemini:workspace-shadows-user": 1,
	"codex:nested-layer-shadows": 1,
	"claude:plugin": 2, "claude:plugin-dup-url": 2, "claude:user-enableAll": 3,
	"gemini:trust-parent": 2,
	"gemini:enablement-off": 3, "claude:project-shadows-user": 3,
	"codex:project-disables-user": 3, "gemini:do-not-trust": 3,
	"gemini:excluded": 4, "claude:disabledMcpServers": 4, "gemini:ext-name-clash": 4,
	"claude:plugin-disabled": 5, "codex:project-shadows-user": 5,
	"claude:nested-mcp-json-shadows": 5, "gemini:nested-untrusted": 5,
	"claude:legacy-list-untrusted-plain": 2, "claude:legacy-list-untrusted-git": 5,
}


class Gen:
	def __init__(self, rng):
		self.rng = rng
		self.used = set()
		self.bare_url = set()	# Gemini servers written as a bare url

	def name(self, tag=""):
		"""A fresh server name with dots, dashes or underscores."""
		while True:
			w1, w2 = self.rng.sample(WORDS, 2)
			sep = self.rng.choice(SEPS)
			n = "%s%s%s%s%d" % (tag, w1, sep, w2, self.rng.randrange(10))
			if n not in self.used:
				self.used.add(n)
				return n

	def args(self):
		return ["--%s" % self.rng.choice(WORDS) for _ in range(self.rng.randrange(3))]

	def url(self, name):
		return "%s%s/%s" % (BASE_URL, name, self.rng.choice(["mcp", "sse", "v1/mcp"]))


def dump_json(path, obj):
	os.makedirs(os.path.dirname(path), exist_ok=True)
	with open(path, "w", encoding="utf-8") as f:
		json.dump(obj, f, indent=2, sort_keys=False)
		f.write("\n")


def dump_text(path, text):
	os.makedirs(os.path.dirname(path), exist_ok=True)
	with open(path, "w", encoding="utf-8") as f:
		f.write(text)


def toml_str(s):
	return json.dumps(s)	# a JSON string is a valid TOML basic string here


def toml_key(k):
	if all(c.isalnum() or c in "-_" for c in k):
		return k
	return toml_str(k)


# ---------------------------------------------------------------- Claude Code

def claude_server(g, kind, name):
	"""One Claude server object of transport kind stdio|http|sse."""
	if kind == "stdio":
		s = {"command": TRUE, "args": g.args()}
		if g.rng.random() < 0.3:
			s = {"type": "stdio", **s}
		if not s["args"] and g.rng.random() < 0.5:
			del s["args"]
		return s
	t = kind
	if kind == "http" and g.rng.random() < 0.3:
		t = "streamable-http"	# alias of http (clients.md §1.2 fields)
	return {"type": t, "url": g.url(name)}


def claude_servers(g, n, tag=""):
	out = {}
	for _ in range(n):
		name = g.name(tag)
		out[name] = claude_server(g, g.rng.choice(["stdio", "stdio", "http", "sse"]), name)
	return out


def approval_name(g, name):
	"""Approval lists compare names after [^A-Za-z0-9_-] -> _ (clients.md
	§1.2): sometimes write the normalised form."""
	if "." in name and g.rng.random() < 0.5:
		return name.replace(".", "_")
	return name


# ---------------------------------------------------------------- Codex

def codex_table(name, body):
	lines = ["[mcp_servers.%s]" % toml_key(name)]
	for k, v in body.items():
		if isinstance(v, bool):
			lines.append("%s = %s" % (k, "true" if v else "false"))
		elif isinstance(v, list):
			lines.append("%s = [%s]" % (k, ", ".join(toml_str(x) for x in v)))
		else:
			lines.append("%s = %s" % (k, toml_str(v)))
	return "\n".join(lines) + "\n"


def codex_server(g, name, kind=None):
	"""kind: None (random), "stdio" or "url". A project layer redefining a
	server deep-merges into it (§3), so it must keep its transport: command
	plus url is fatal for the whole config (§1.3)."""
	if kind == "stdio" or kind is None and g.rng.random() < 0.65:
		s = {"command": TRUE}
		a = g.args()
		if a or g.rng.random() < 0.5:
			s["args"] = a
		return s
	return {"url": g.url(name)}


# ---------------------------------------------------------------- Gemini

def gemini_server(g, name):
	r = g.rng.random()
	if r < 0.45:
		s = {"command": TRUE}
		a = g.args()
		if a:
			s["args"] = a
		return s
	if r < 0.65:
		return {"url": g.url(name), "type": g.rng.choice(["sse", "http"])}
	if r < 0.85:
		return {"httpUrl": g.url(name)}
	g.bare_url.add(name)
	return {"url": g.url(name)}	# bare url: 0.61.0 shows it as http (§1.1)


# ---------------------------------------------------------------- one home

def make_home(root, idx, rng):
	g = Gen(rng)
	h = os.path.join(root, "home%d" % idx)

	def want(feature, p):
		"""Draw a feature; always on in the home FORCE names for it."""
		return rng.random() < p or FORCE.get(feature) == idx

	os.makedirs(h)
	features = []
	git_dirs = []
	cwds = [""]

	# Every kind appears in some home: home i forces kind i % 4, the others
	# are drawn at random.
	kinds = sorted(set([KINDS[(idx - 1) % 4]] + [k for k in KINDS if rng.random() < 0.5]))
	projects = []	# (kind, relpath)
	for k in kinds:
		projects.append((k, "work/p%s" % k.lower()))

	# ---- Claude Code: user scope, settings, plugin, ~/.mcp.json
	cl_user = claude_servers(g, rng.randrange(2, 5), "u")
	cl = {"numStartups": 3, "mcpServers": cl_user, "projects": {}}
	settings = {}
	user_enable_all = want("claude:user-enableAll", 0.4)
	if FORCE["claude:legacy-list-untrusted-plain"] == idx:
		user_enable_all = False	# would approve everything and hide the probe
	if user_enable_all:
		settings["enableAllProjectMcpServers"] = True
		features.append("claude:user-enableAll")
	user_rejects = []	# names rejected by user settings (any .mcp.json)
	home_mcp = {}
	if want("claude:~/.mcp.json", 0.6):
		home_mcp = claude_servers(g, rng.randrange(1, 3), "h")
		dump_json(os.path.join(h, ".mcp.json"), {"mcpServers": home_mcp})
		features.append("claude:~/.mcp.json")
		if want("claude:user-reject", 0.5):
			user_rejects.append(rng.choice(sorted(home_mcp)))
	plugins = []	# (name, version, enabled)
	if want("claude:plugin", 0.6):
		plugins.append(("deploy-%s" % rng.choice(WORDS), "1.%d.0" % rng.randrange(10), True))
		features.append("claude:plugin")
	if want("claude:plugin-disabled", 0.4):
		# Installed but switched off in enabledPlugins: not loaded (§4.1).
		plugins.append(("legacy-%s" % rng.choice(WORDS), "0.%d.0" % rng.randrange(10), False))
		features.append("claude:plugin-disabled")
	mkt = "acme"
	mroot = ".claude/plugins/marketplaces/" + mkt
	for pname, ver, on in plugins:
		# A plugin from a github marketplace, loaded from the cache:
		# servers in plugin.json and .mcp.json; one may duplicate a user
		# URL and is then dropped (§3).
		proot = os.path.join(h, ".claude/plugins/cache", mkt, pname, ver)
		s1 = g.name("p")
		s2 = g.name("p")
		dump_json(os.path.join(proot, ".claude-plugin/plugin.json"), {
			"name": pname, "version": ver,
			"mcpServers": {s1: {"command": TRUE,
					     "args": ["${CLAUDE_PLUGIN_ROOT}/server.js"]}}})
		pm = {s2: {"type": "http", "url": g.url(s2)}}
		if on and want("claude:plugin-dup-url", 0.7):
			urls = [v["url"] for v in cl_user.values() if "url" in v]
			if not urls:
				n = g.name("u")
				cl_user[n] = claude_server(g, "http", n)
				urls = [cl_user[n]["url"]]
			pm[g.name("p")] = {"type": "http", "url": urls[0]}
			features.append("claude:plugin-dup-url")
		dump_json(os.path.join(proot, ".mcp.json"), {"mcpServers": pm})
	if plugins:
		dump_json(os.path.join(h, ".claude/plugins/installed_plugins.json"), {
			"version": 2, "plugins": {"%s@%s" % (pname, mkt): [{
				"scope": "user",
				"installPath": HOME + "/.claude/plugins/cache/%s/%s/%s" % (mkt, pname, ver),
				"version": ver, "installedAt": "2025-01-01T00:00:00.000Z",
				"lastUpdated": "2025-01-01T00:00:00.000Z"}] for pname, ver, _ in plugins}})
		dump_json(os.path.join(h, mroot, ".claude-plugin/marketplace.json"), {
			"name": mkt, "owner": {"name": mkt},
			"plugins": [{"name": pname, "source": "./plugins/" + pname, "version": ver}
				    for pname, ver, _ in plugins]})
		dump_json(os.path.join(h, ".claude/plugins/known_marketplaces.json"), {
			mkt: {"source": {"source": "github", "repo": "acme/marketplace"},
			      "installLocation": HOME + "/" + mroot,
			      "lastUpdated": "2025-01-01T00:00:00.000Z"}})
		settings["enabledPlugins"] = {"%s@%s" % (pname, mkt): on for pname, _, on in plugins}
	if user_rejects:
		settings["disabledMcpjsonServers"] = [approval_name(g, n) for n in user_rejects]
		features.append("claude:user-reject")
	if settings:
		dump_json(os.path.join(h, ".claude/settings.json"), settings)

	# ---- Codex: user config
	cx_user = {}
	cx = ["# codex user config (generated)\nmodel = \"gpt-5\"\n\n"]
	for i in range(rng.randrange(2, 5)):
		n = g.name("c")
		if i == 0:
			n = n.replace("-", ".") if "-" in n else n + ".x"	# a quoted name
		body = codex_server(g, n)
		if i == 1 and want("codex:user-disabled", 0.6):
			body["enabled"] = False
			features.append("codex:user-disabled")
		cx.append(codex_table(n, body) + "\n")
		cx_user[n] = body
	cx_projects = []

	# ---- Gemini: user settings, trusted folders, extensions
	gm_user = {}
	for _ in range(rng.randrange(2, 5)):
		n = g.name("g")
		gm_user[n] = gemini_server(g, n)
	gm_settings = {"mcpServers": gm_user}
	gm_enablement = {}
	if want("gemini:enablement-off", 0.4):
		n = sorted(gm_user)[0]
		gm_enablement[n.lower()] = {"enabled": False}
		features.append("gemini:enablement-off")
	if want("gemini:excluded", 0.4):
		gm_settings["mcp"] = {"excluded": [sorted(gm_user)[-1]]}
		features.append("gemini:excluded")
	trusted = {}
	for e in range(rng.randrange(1, 3)):
		ename = "ext-%s%d" % (rng.choice(WORDS), e)
		ed = os.path.join(h, ".gemini/extensions", ename)
		es = {}
		for _ in range(rng.randrange(1, 3)):
			n = g.name("e")
			es[n] = gemini_server(g, n)
			if "command" in es[n]:
				es[n]["args"] = ["${extensionPath}${/}run.js"] + es[n].get("args", [])
		if e == 0 and want("gemini:ext-name-clash", 0.5):
			# Same name as a user server: the settings copy wins (§6.1).
			es[sorted(gm_user)[0]] = {"command": TRUE, "args": ["from-extension"]}
			features.append("gemini:ext-name-clash")
		dump_json(os.path.join(ed, "gemini-extension.json"),
			  {"name": ename, "version": "1.0.0", "mcpServers": es})

	# ---- projects
	for kind, rel in projects:
		p = os.path.join(h, rel)
		key = HOME + "/" + rel
		os.makedirs(p)
		entry = {}
		mcp = claude_servers(g, rng.randrange(1, 4), "m")
		if want("claude:project-shadows-user", 0.4):
			# An approved project server replaces the user one of the same
			# name; a pending one does not (§3).
			n = rng.choice(sorted(cl_user))
			mcp[n] = claude_server(g, "stdio", n)
			features.append("claude:project-shadows-user")
		names = sorted(mcp)
		trust = rng.random() < 0.6
		r = rng.random()
		settings_file = kind == "C"
		if (kind == "B" and FORCE["claude:legacy-list-untrusted-plain"] == idx or
		    kind == "A" and FORCE["claude:legacy-list-untrusted-git"] == idx):
			trust, r = False, 0.5
		entry["hasTrustDialogAccepted"] = trust
		if r < 0.3:
			entry["enableAllProjectMcpServers"] = True
		elif r < 0.8 and not settings_file:
			entry["enabledMcpjsonServers"] = [approval_name(g, n) for n in
							  rng.sample(names, rng.randrange(1, len(names) + 1))]
			if not trust and kind != "D":
				# Legacy approvals of an untrusted folder: `claude` moves
				# them to <cwd>/.claude/settings.local.json, which counts
				# only inside git (§1.2 rules 3 and 5).
				features.append("claude:legacy-list-untrusted-" +
						("git" if kind in ("A", "C") else "plain"))
		if rng.random() < 0.4 and kind != "D":
			entry["disabledMcpjsonServers"] = [approval_name(g, rng.choice(names))]
		if rng.random() < 0.7 or idx in (FORCE["claude:local-shadows-user"],
						 FORCE["claude:disabledMcpServers"]):
			entry["mcpServers"] = claude_servers(g, rng.randrange(1, 3), "l")
			if want("claude:local-shadows-user", 0.4):
				n = rng.choice(sorted(cl_user))
				entry["mcpServers"][n] = claude_server(g, "stdio", n)
				features.append("claude:local-shadows-user")
			if want("claude:disabledMcpServers", 0.3):
				entry["disabledMcpServers"] = [sorted(entry["mcpServers"])[0]]
				features.append("claude:disabledMcpServers")
		dump_json(os.path.join(p, ".mcp.json"), {"mcpServers": mcp})
		if settings_file:
			# Local settings approve in an untrusted folder when the file is
			# untracked in git; project settings only when trusted (§1.2).
			loc = rng.sample(names, 1)
			dump_json(os.path.join(p, ".claude/settings.local.json"),
				  {"enabledMcpjsonServers": [approval_name(g, n) for n in loc]})
			rest = [n for n in names if n not in loc]
			if rest:
				dump_json(os.path.join(p, ".claude/settings.json"),
					  {"enabledMcpjsonServers": [approval_name(g, rest[0])]})
			features.append("claude:settings-files")
		if kind != "D":
			cl["projects"][key] = entry
			cwds.append(rel)
		else:
			# The parent of D is a project of its own in Claude's list, but
			# never a cwd here; its child is.
			cl["projects"][key] = entry

		# Codex project layer
		layer = {}
		for _ in range(rng.randrange(1, 3)):
			n = g.name("k")
			layer[n] = codex_server(g, n)
		if want("codex:project-shadows-user", 0.4):
			n = rng.choice(sorted(cx_user))
			layer[n] = codex_server(g, n, "stdio" if "command" in cx_user[n] else "url")
			features.append("codex:project-shadows-user")
		if rng.random() < 0.3:
			layer[g.name("k")] = {"command": TRUE, "enabled": False}
		if want("codex:project-disables-user", 0.3):
			# Only `enabled = false` for a user server: merges into it and
			# turns it off (§3 Codex).
			n = rng.choice(sorted(cx_user))
			if n not in layer:
				layer[n] = {"enabled": False}
				features.append("codex:project-disables-user")
		dump_text(os.path.join(p, ".codex/config.toml"),
			  "".join(codex_table(n, b) for n, b in layer.items()))
		ctrust = rng.choice(["trusted", "trusted", "untrusted", None])
		if kind == "D":
			ctrust = "trusted"
		if ctrust:
			cx_projects.append((key, ctrust))

		# Gemini workspace
		ws = {}
		for _ in range(rng.randrange(1, 3)):
			n = g.name("w")
			ws[n] = gemini_server(g, n)
		if want("gemini:workspace-shadows-user", 0.5):
			n = rng.choice(sorted(gm_user))
			ws[n] = {"command": TRUE, "args": ["workspace-copy"]}
			features.append("gemini:workspace-shadows-user")
		if kind != "D":
			dump_json(os.path.join(p, ".gemini/settings.json"), {"mcpServers": ws})
			t = rng.choice(["TRUST_FOLDER", "TRUST_FOLDER", "DO_NOT_TRUST", None, "PARENT"])
			if FORCE["gemini:trust-parent"] == idx and not any(
					v == "TRUST_PARENT" for v in trusted.values()):
				t = "PARENT"
			elif FORCE["gemini:do-not-trust"] == idx and "DO_NOT_TRUST" not in trusted.values():
				t = "DO_NOT_TRUST"
			if t == "PARENT":
				# TRUST_PARENT trusts the parent of the named folder (§1.4).
				trusted[key + "/.trusted-child"] = "TRUST_PARENT"
				features.append("gemini:trust-parent")
			elif t:
				trusted[key] = t
				if t == "DO_NOT_TRUST":
					features.append("gemini:do-not-trust")

		if kind in ("A", "C"):
			git_dirs.append(rel)
		if kind == "A":
			sub = rel + "/sub.dir"
			sp = os.path.join(h, sub)
			smcp = claude_servers(g, rng.randrange(1, 3), "s")
			if want("claude:nested-mcp-json-shadows", 0.5):
				# Same name as the root .mcp.json: the closer file wins.
				n = names[0]
				smcp[n] = claude_server(g, "stdio", n)
				features.append("claude:nested-mcp-json-shadows")
			dump_json(os.path.join(sp, ".mcp.json"), {"mcpServers": smcp})
			# Claude keys local scope and approvals by the git root: this
			# entry is ignored at sub.dir (§1.2 "Subdirectory keys are
			# ignored").
			cl["projects"][HOME + "/" + sub] = {
				"hasTrustDialogAccepted": True, "enableAllProjectMcpServers": True,
				"mcpServers": claude_servers(g, 1, "i")}
			n = g.name("k")
			slayer = {n: codex_server(g, n)}
			if want("codex:nested-layer-shadows", 0.6):
				# Same name as the root layer: the closest layer wins.
				n = sorted(layer)[0]
				slayer[n] = codex_server(g, n, "stdio" if "command" in layer[n] else "url")
				features.append("codex:nested-layer-shadows")
			dump_text(os.path.join(sp, ".codex/config.toml"),
				  "".join(codex_table(n, b) for n, b in slayer.items()))
			ws2 = {g.name("w"): {"command": TRUE, "args": ["nested"]}}
			dump_json(os.path.join(sp, ".gemini/settings.json"), {"mcpServers": ws2})
			if want("gemini:nested-untrusted", 0.5):
				trusted[HOME + "/" + sub] = "DO_NOT_TRUST"	# longest match wins
				features.append("gemini:nested-untrusted")
			cwds.append(sub)
		if kind == "D":
			child = rel + "/child"
			cp = os.path.join(h, child)
			dump_text(os.path.join(cp, ".codex/config.toml"),
				  codex_table(g.name("k"), {"command": TRUE, "args": ["child"]}))
			dump_json(os.path.join(cp, ".gemini/settings.json"),
				  {"mcpServers": {g.name("w"): {"command": TRUE, "args": ["child"]}}})
			trusted[HOME + "/" + child] = "TRUST_FOLDER"
			cmcp = claude_servers(g, 1, "d")
			dump_json(os.path.join(cp, ".mcp.json"), {"mcpServers": cmcp})
			cl["projects"][HOME + "/" + child] = {
				"hasTrustDialogAccepted": True,
				"enabledMcpjsonServers": sorted(cmcp),
				"mcpServers": claude_servers(g, 1, "l")}
			cwds.append(child)

	dump_json(os.path.join(h, ".claude.json"), cl)
	for key, t in cx_projects:
		cx.append("[projects.%s]\ntrust_level = %s\n\n" % (toml_str(key), toml_str(t)))
	dump_text(os.path.join(h, ".codex/config.toml"), "".join(cx))
	dump_json(os.path.join(h, ".gemini/settings.json"), gm_settings)
	if trusted:
		dump_json(os.path.join(h, ".gemini/trustedFolders.json"), trusted)
	if gm_enablement:
		dump_json(os.path.join(h, ".gemini/mcp-server-enablement.json"), gm_enablement)
	return {"name": "home%d" % idx, "cwds": cwds, "git": git_dirs,
		"gemini_bare_url": sorted(g.bare_url),
		"features": sorted(set(features)), "kinds": kinds}


def main():
	ap = argparse.ArgumentParser(description=__doc__)
	ap.add_argument("--seed", type=int, default=1)
	ap.add_argument("--count", type=int, default=5)
	ap.add_argument("--out", required=True)
	a = ap.parse_args()
	if os.path.exists(a.out) and os.listdir(a.out):
		sys.exit("gen_homes: %s is not empty" % a.out)
	os.makedirs(a.out, exist_ok=True)
	homes = []
	for i in range(1, a.count + 1):
		homes.append(make_home(a.out, i, random.Random("%d/%d" % (a.seed, i))))
	dump_json(os.path.join(a.out, "cases.json"), {"seed": a.seed, "homes": homes})


if __name__ == "__main__":
	main()
