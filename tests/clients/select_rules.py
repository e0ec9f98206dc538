# Which servers a client loads at a given cwd, decided from our scan payload
# alone (fields client, config_scope, project_path, config_path,
# plugin_identifier, trust, servers[].{name,type,command,args,url,disabled,
# approval}), by applying each client's own rules (clients.md §1.2-§1.4, §2.2,
# §3, §4.1, §4.3, §6.1).
#
# The scan reports every config on the machine; a client at cwd C only loads
# some of them. expected(client, payload, rel, case) returns:
#   servers    {name: (transport, target, state)}: transport stdio|http|sse;
#              target "command arg…" or the URL; state active|pending|
#              disabled, or None when the listing does not show it
#   dont_care  names whose presence cannot be decided from the payload
#   notes      why (printed with a failure)
# Paths are already normalised: the home is "~".

import posixpath


def transport(s):
	t = s.get("type") or ""
	if t in ("streaming-http", "streamable-http", "http"):
		return "http"
	return t	# stdio, sse


def target(s):
	if transport(s) == "stdio":
		return " ".join([s.get("command") or ""] + [str(a) for a in (s.get("args") or [])]).strip()
	return s.get("url")


def entry(s, state):
	return (transport(s), target(s), state)


def configs(payload, client, scope=None):
	return [c for c in payload.get("configurations", [])
		if c.get("client") == client and (scope is None or c.get("config_scope") == scope)]


def base(path):
	return posixpath.basename(path or "")


def ancestors(d):
	"""d and every ancestor of d, outermost first ("~" paths)."""
	out = []
	while True:
		out.append(d)
		up = posixpath.dirname(d)
		if up == d or not up:
			break
		d = up
	return list(reversed(out))


def git_root(case, rel):
	"""The nearest ancestor-or-self of rel that is a git work tree (the
	fixture knows which dirs it made with git init), as a "~" path."""
	best = None
	for g in case["git"]:
		if rel == g or rel.startswith(g + "/"):
			if best is None or len(g) > len(best):
				best = g
	return None if best is None else "~/" + best


def tilde(rel):
	return "~/" + rel if rel else "~"


def untilde(path):
	return "" if path == "~" else path[2:]


def claude_key(case, path):
	"""Claude keys local scope, trust and approvals by the git root, else
	by the folder itself (clients.md §1.2)."""
	return git_root(case, untilde(path)) or path


# ---------------------------------------------------------------- Claude Code

def claude_code(payload, rel, case):
	"""clients.md §1.2, §2.2, §3, §4.1: Object.assign(plugins, user,
	approvedProject, local); `mcp list` order and state."""
	cwd = tilde(rel)
	key = claude_key(case, cwd)
	out, dont_care, notes = {}, set(), []
	user, local, project, plugins = [], [], [], []
	for c in configs(payload, "claude_code"):
		sc, pp = c.get("config_scope"), c.get("project_path")
		if sc == "global" and base(c.get("config_path")) == ".claude.json":
			user = c["servers"]
		elif sc == "plugin":
			plugins.append(c)
		elif sc == "project" and base(c.get("config_path")) == ".claude.json":
			# projects[KEY].mcpServers: only the cwd's key counts;
			# "Subdirectory keys are ignored" (§1.2 local).
			if pp == key:
				local = c["servers"]
		elif sc == "project" and base(c.get("config_path")) == ".mcp.json":
			project.append(c)

	for s in user:
		out[s["name"]] = entry(s, "active")

	# .mcp.json in the cwd and every ancestor, outer files first so the
	# closest wins (§2.2). Rejected servers are hidden; pending ones are
	# listed (§6.1) but never replace a same-named server (§3).
	chain = ancestors(cwd)
	for c in sorted((c for c in project if c.get("project_path") in chain),
			key=lambda c: len(c["project_path"])):
		# The payload's approval is computed for the file's own folder. The
		# client decides at the cwd, from the cwd's key and the cwd's
		# .claude/settings*.json (§1.2 rules 1-3, §2.2). When the file's
		# key differs from the cwd's, only "listed or not" is predictable
		# for approved/pending servers, and a rejection may come from the
		# other folder's settings: leave those names out.
		own_key = claude_key(case, c["project_path"])
		same_key = own_key == key
		for s in c["servers"]:
			ap = s.get("approval")
			if not same_key:
				if ap == "rejected":
					dont_care.add(s["name"])
					notes.append("%s: rejected in %s, cwd key is %s" % (s["name"], own_key, key))
					continue
				if ap in ("approved", "pending"):
					prev = out.get(s["name"])
					if ap == "approved" or prev is None or prev[2] == "pending":
						out[s["name"]] = entry(s, None)
					continue
			if ap == "rejected":
				continue
			if ap == "pending":
				prev = out.get(s["name"])
				if prev is None or prev[2] == "pending":
					out[s["name"]] = entry(s, "pending")
				continue
			out[s["name"]] = entry(s, "active")

	for s in local:
		# disabledMcpServers keeps a server out of sessions, but `mcp list`
		# still shows and health-checks it (§1.2 "Disabled").
		out[s["name"]] = entry(s, "active")

	# Plugins: named plugin:<plugin>:<server>; a plugin server whose
	# command+args or URL equals a manual server's, or an earlier plugin
	# server's, is dropped (§3). Manual means what survived the merge: a
	# user server replaced by a local one no longer hides its plugin twin
	# (observed with 2.1.197).
	seen = {v[1] for v in out.values() if v[2] != "pending"}
	for c in plugins:
		pid = c.get("plugin_identifier") or ""
		pname = pid.split("@")[0]
		for s in c["servers"]:
			if s.get("disabled"):
				continue
			t = target(s)
			if t in seen:
				notes.append("plugin server %s duplicates %s" % (s["name"], t))
				continue
			seen.add(t)
			out["plugin:%s:%s" % (pname, s["name"])] = entry(s, "active")
	return out, dont_care, notes


# ---------------------------------------------------------------- Codex

def codex(payload, rel, case):
	"""clients.md §1.3, §2.2, §3: user config, then trusted project layers
	from the project root (nearest .git, else the cwd) down to the cwd,
	deep-merged per name, closest wins. `mcp list --json` shows disabled
	servers with enabled=false and never lists untrusted layers."""
	cwd = tilde(rel)
	root = git_root(case, rel) or cwd
	out, notes = {}, []
	merged = {}

	def merge(s):
		m = merged.setdefault(s["name"], {})
		# A layer holding only some keys (enabled=false, args) merges into
		# the server below it (§3 Codex); such a partial entry has neither
		# command nor url in the payload, and its type is then meaningless.
		for k in ("command", "args", "url"):
			if s.get(k) is not None:
				m[k] = s[k]
		if s.get("command") is not None or s.get("url") is not None:
			m["type"] = s.get("type")
		m["disabled"] = bool(s.get("disabled")) or m.get("disabled", False)

	for c in configs(payload, "codex", "global"):
		for s in c["servers"]:
			merge(s)
	chain = [d for d in ancestors(cwd) if len(d) >= len(root)]
	for d in chain:
		for c in configs(payload, "codex", "project"):
			if c.get("project_path") != d:
				continue
			if c.get("trust") != "trusted":
				notes.append("%s layer is %s" % (d, c.get("trust")))
				continue
			for s in c["servers"]:
				merge(s)
	for name, m in merged.items():
		out[name] = entry(m, "disabled" if m.get("disabled") else "active")
	return out, set(), notes


# ---------------------------------------------------------------- Gemini

def gemini_cli(payload, rel, case):
	"""clients.md §1.4, §4.3, §6.1: user settings, then the workspace
	<cwd>/.gemini/settings.json (never when cwd = home), a shallow merge per
	name; extension servers are added unless the settings define the name.
	An untrusted folder loads nothing, but `mcp list` still merges and lists
	the workspace servers and shows every server Disabled (§6.1, observed
	with 0.61.0: the workspace copy of a name replaces the user copy in the
	listing whether or not the folder is trusted). Blocked (mcp.excluded)
	and mcp-server-enablement.json switch-offs show regardless."""
	cwd = tilde(rel)
	out, dont_care, notes = {}, set(), []
	trust = None
	in_effect = []
	for c in configs(payload, "gemini_cli", "global"):
		if base(c.get("config_path")) == "settings.json":
			for s in c["servers"]:
				out[s["name"]] = s
				in_effect.append(s)
	if rel:
		for c in configs(payload, "gemini_cli", "project"):
			if c.get("project_path") != cwd:
				continue
			trust = c.get("trust")
			for s in c["servers"]:
				in_effect.append(s)
				out[s["name"]] = s
	for c in configs(payload, "gemini_cli", "plugin"):
		for s in c["servers"]:
			if s["name"] not in out:
				out[s["name"]] = s
	if trust is None:
		notes.append("no workspace config at %s: folder trust unknown from the payload" % cwd)
	# mcp-server-enablement.json and mcp.excluded switch a name off, whatever
	# file defines it (§1.4 "Off"): a name flagged in a file in effect is
	# off in every copy.
	off = {s["name"] for s in in_effect if s.get("disabled")}
	res = {}
	for name, s in out.items():
		if name in off:
			state = "disabled"
		elif trust is None:
			state = None
		else:
			state = "active" if trust == "trusted" else "disabled"
		res[name] = entry(s, state)
	return res, dont_care, notes


RULES = {"claude_code": claude_code, "codex": codex, "gemini_cli": gemini_cli}


def expected(client, payload, rel, case):
	return RULES[client](payload, rel, case)
