#!/usr/bin/env python3
# Differential test of `runlayer scan` against the real clients' listings
# (clients.md §6): what Claude Code, Codex and Gemini CLI say they load at a
# cwd, versus what their own selection rules pick from our scan payload.
#
# Usage: difftest.py --runlayer BIN --bin-dir NPM/.bin --work DIR [--seed S]
#                    [--homes N] [--jobs J]
# Prints TAP; exit 0 when every comparison passes, 1 otherwise.

import argparse
import concurrent.futures as cf
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_homes  # noqa: E402
import select_rules  # noqa: E402

DEVICE_ID = "11111111-2222-4333-8444-555555555555"
CLIENTS = ["claude_code", "codex", "gemini_cli"]
TIMEOUT = 120

# Hermetic environment per client: clients.md §6.1, table "Hermetic
# environment". env -i semantics: nothing from the caller leaks in except
# PATH (node) and the variables below, so every API key and relocating
# variable (CLAUDE_CONFIG_DIR, CODEX_HOME, GEMINI_CLI_HOME, XDG_*) is unset.
BASE_ENV = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC", "NO_COLOR": "1",
	    "TERM": "dumb", "CI": "1"}
CLIENT_ENV = {
	"claude_code": {"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_TELEMETRY": "1",
			"DISABLE_AUTOUPDATER": "1", "DISABLE_ERROR_REPORTING": "1"},
	"codex": {},
	"gemini_cli": {"GEMINI_CLI_NO_RELAUNCH": "true"},
}
CLIENT_ARGV = {
	"claude_code": ["claude", "mcp", "list"],
	"codex": ["codex", "mcp", "list", "--json"],
	"gemini_cli": ["gemini", "mcp", "list"],
}


def env_for(home, tmp, extra):
	e = dict(BASE_ENV)
	e.update(extra)
	e["HOME"] = home
	e["TMPDIR"] = tmp
	e["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
	return e


def materialise(src, dst, git_dirs):
	"""Copy a fixture home to dst, naming dst as its home, and make the git
	work trees. Listing writes state, so every run gets its own copy."""
	shutil.copytree(src, dst, symlinks=True)
	for d, _, files in os.walk(dst):
		for f in files:
			p = os.path.join(d, f)
			with open(p, "rb") as fh:
				b = fh.read()
			if b"@HOME@" in b:
				with open(p, "wb") as fh:
					fh.write(b.replace(b"@HOME@", dst.encode()))
	for g in git_dirs:
		subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q",
				os.path.join(dst, g)], check=True,
			       env={"PATH": os.environ.get("PATH", ""), "HOME": dst,
				    "GIT_CONFIG_NOSYSTEM": "1"})


# ---------------------------------------------------------------- listings

def norm_path(s, home):
	"""Scratch copies live at different paths: name the home ~."""
	if s is None:
		return None
	return s.replace(home + "/", "~/").replace(home, "~") if home else s


CLAUDE_LINE = re.compile(r"^(?P<name>.+?): (?P<target>.*) - (?P<status>[✔✘!⏸].*)$")
CLAUDE_URL = re.compile(r"^(?P<url>\S+) \((?P<kind>HTTP|SSE)\)$")
GEMINI_LINE = re.compile(r"^(?P<icon>\S+) (?P<name>.+?)(?: \(from (?P<ext>[^)]*)\))?: "
			 r"(?P<target>.*) \((?P<kind>stdio|http|sse)\) - (?P<status>.+)$")


def parse_claude(out, home):
	"""`claude mcp list`: `name: cmd args - status` or `name: url (HTTP|SSE) -
	status` (clients.md §6.1). Disabled servers look like any other; the
	only state the listing shows is pending approval."""
	res = {}
	for line in out.splitlines():
		m = CLAUDE_LINE.match(line)
		if not m:
			continue
		target = m.group("target").strip()
		u = CLAUDE_URL.match(target)
		if u:
			kind, target = u.group("kind").lower(), u.group("url")
		else:
			kind = "stdio"
		state = "pending" if "Pending approval" in m.group("status") else "active"
		res[m.group("name")] = (kind, norm_path(target, home), state)
	return res


def parse_codex(out, home):
	"""`codex mcp list --json`: a name-sorted array (clients.md §6.1)."""
	res = {}
	for s in json.loads(out):
		t = s["transport"]
		if t["type"] == "stdio":
			target = " ".join([t["command"]] + list(t.get("args") or []))
			kind = "stdio"
		else:
			target, kind = t["url"], "http"	# streamable_http
		res[s["name"]] = (kind, norm_path(target, home),
				  "active" if s["enabled"] else "disabled")
	return res


def parse_gemini(err, home):
	"""`gemini mcp list` prints on stderr: `<icon> <name>[ (from <ext>)]:
	<target> (<kind>) - <status>`. Blocked and Disabled both mean the
	server does not load."""
	res = {}
	for line in err.splitlines():
		m = GEMINI_LINE.match(line)
		if not m:
			continue
		st = m.group("status")
		state = "disabled" if st.startswith(("Disabled", "Blocked")) else "active"
		res[m.group("name")] = (m.group("kind"), norm_path(m.group("target").strip(), home), state)
	return res


PARSERS = {"claude_code": lambda o, e, h: parse_claude(o, h),
	   "codex": lambda o, e, h: parse_codex(o, h),
	   "gemini_cli": lambda o, e, h: parse_gemini(e, h)}


# ---------------------------------------------------------------- jobs

def run_client(job):
	client, home_src, git_dirs, rel, dst, bin_dir = job
	materialise(home_src, dst, git_dirs)
	tmp = dst + ".tmp"
	os.makedirs(tmp)
	cwd = os.path.join(dst, rel) if rel else dst
	argv = list(CLIENT_ARGV[client])
	argv[0] = os.path.join(bin_dir, argv[0])
	t0 = time.monotonic()
	try:
		p = subprocess.run(argv, cwd=cwd, env=env_for(dst, tmp, CLIENT_ENV[client]),
				   stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
		rc, out, err = p.returncode, p.stdout.decode("utf-8", "replace"), \
			p.stderr.decode("utf-8", "replace")
	except subprocess.TimeoutExpired:
		rc, out, err = -1, "", "timed out after %ds" % TIMEOUT
	return {"rc": rc, "out": out, "err": err, "home": dst,
		"secs": time.monotonic() - t0}


def run_scan(job):
	runlayer, home_src, git_dirs, dst = job
	materialise(home_src, dst, git_dirs)
	root = dst + ".root"
	tmp = dst + ".tmp"
	os.makedirs(root)
	os.makedirs(tmp)
	argv = [runlayer, "scan", "--dry-run", "--home", dst, "--os", "linux", "--root", root,
		"--device-id", DEVICE_ID]
	try:
		p = subprocess.run(argv, cwd=dst, env=env_for(dst, tmp, {}), stdin=subprocess.DEVNULL,
				   capture_output=True, timeout=TIMEOUT)
		rc, out, err = p.returncode, p.stdout.decode("utf-8", "replace"), \
			p.stderr.decode("utf-8", "replace")
	except subprocess.TimeoutExpired:
		rc, out, err = -1, "", "timed out"
	return {"rc": rc, "out": out, "err": err, "home": dst}


# ---------------------------------------------------------------- TAP

class Tap:
	def __init__(self):
		self.n = 0
		self.failed = 0

	def result(self, good, desc, diag=()):
		self.n += 1
		if not good:
			self.failed += 1
		print("%sok %d - %s" % ("" if good else "not ", self.n, desc))
		for d in diag:
			print("#   " + d)
		sys.stdout.flush()

	def done(self, extra=""):
		print("1..%d" % self.n)
		print("# %d passed, %d failed%s" % (self.n - self.failed, self.failed, extra))
		return 1 if self.failed else 0


def fmt(name, v):
	return "%s [%s] %s%s" % (name, v[0], v[1], "" if v[2] is None else " (%s)" % v[2])


def known_divergence(client, case, name, c, e):
	"""Differences the contract mandates. A Gemini server written as a bare
	`url` (no type) loads as streamable HTTP in 0.61.0 (clients.md §1.1),
	but the contract's parsed type for an untyped url is sse (contract
	§3.4), which we send. The generator records which servers it wrote
	that way, so an explicit type stays strictly checked."""
	return client == "gemini_cli" and name in case.get("gemini_bare_url", ()) and \
		c[0] == "http" and e[0] == "sse" and c[1] == e[1]


def compare(client, case, client_set, expected, dont_care, known):
	"""Set equality on (name, transport, target); states where known."""
	diag = []
	names = (set(client_set) | set(expected)) - dont_care
	for n in sorted(names):
		c, e = client_set.get(n), expected.get(n)
		if c is None:
			diag.append("only in our scan:   " + fmt(n, e))
		elif e is None:
			diag.append("only in the client: " + fmt(n, c))
		elif c[:2] != e[:2] and known_divergence(client, case, n, c, e):
			known.append("%s: client %s, scan %s (bare url)" % (n, c[0], e[0]))
			if e[2] is not None and c[2] != e[2]:
				diag.append("state differs: client %s / scan %s" % (fmt(n, c), fmt(n, e)))
		elif c[:2] != e[:2]:
			diag.append("differs: client %s / scan %s" % (fmt(n, c), fmt(n, e)))
		elif e[2] is not None and c[2] != e[2]:
			diag.append("state differs: client %s / scan %s" % (fmt(n, c), fmt(n, e)))
	return diag


def main():
	ap = argparse.ArgumentParser()
	ap.add_argument("--runlayer", required=True)
	ap.add_argument("--bin-dir", required=True)
	ap.add_argument("--work", required=True)
	ap.add_argument("--seed", type=int, default=1)
	ap.add_argument("--homes", type=int, default=5)
	ap.add_argument("--jobs", type=int, default=max(2, (os.cpu_count() or 2) * 2))
	ap.add_argument("--verbose", action="store_true")
	a = ap.parse_args()

	t0 = time.monotonic()
	fixtures = os.path.join(a.work, "fixtures")
	subprocess.run([sys.executable, os.path.join(HERE, "gen_homes.py"), "--seed", str(a.seed),
			"--count", str(a.homes), "--out", fixtures], check=True)
	with open(os.path.join(fixtures, "cases.json")) as f:
		cases = json.load(f)["homes"]
	print("# seed %d, %d homes, %d cwds, fixtures in %s" % (
		a.seed, len(cases), sum(len(c["cwds"]) for c in cases), fixtures))

	jobs = {}
	scans = {}
	with cf.ThreadPoolExecutor(max_workers=a.jobs) as pool:
		for c in cases:
			src = os.path.join(fixtures, c["name"])
			scans[c["name"]] = pool.submit(run_scan, (
				a.runlayer, src, c["git"], os.path.join(a.work, "scan", c["name"])))
			for i, rel in enumerate(c["cwds"]):
				for cl in CLIENTS:
					dst = os.path.join(a.work, "run", "%s-%d-%s" % (c["name"], i, cl))
					jobs[(c["name"], rel, cl)] = pool.submit(run_client, (
						cl, src, c["git"], rel, dst, a.bin_dir))
		scans = {k: v.result() for k, v in scans.items()}
		jobs = {k: v.result() for k, v in jobs.items()}

	tap = Tap()
	if len(cases) >= 5:
		have = set().union(*[set(c["features"]) | {"kind:" + k for k in c["kinds"]} for c in cases])
		need = set(gen_homes.FORCE) | {"kind:" + k for k in gen_homes.KINDS}
		tap.result(need <= have, "fixture homes cover %d features and every project kind" % len(need),
			   ["missing: " + ", ".join(sorted(need - have))] if need - have else ())
	counts = {cl: 0 for cl in CLIENTS}
	skipped = {cl: 0 for cl in CLIENTS}
	n_known = {cl: 0 for cl in CLIENTS}
	no_state = {cl: 0 for cl in CLIENTS}
	for c in cases:
		s = scans[c["name"]]
		payload = None
		if s["rc"] == 0:
			try:
				payload = json.loads(s["out"])
			except ValueError as e:
				s["err"] += "\nbad JSON: %s" % e
		tap.result(payload is not None, "%s: runlayer scan --dry-run exits 0 with JSON" % c["name"],
			   ["rc %d" % s["rc"]] + s["err"].splitlines()[:20] if payload is None else ())
		if payload is None:
			continue
		payload = json.loads(norm_path(s["out"], s["home"]))
		if a.verbose:
			print("# payload %s:" % c["name"])
			for line in json.dumps(payload, indent=1).splitlines():
				print("#  " + line)
		for rel in c["cwds"]:
			for cl in CLIENTS:
				r = jobs[(c["name"], rel, cl)]
				where = "%s cwd=~%s %s" % (c["name"], "/" + rel if rel else "", cl)
				if r["rc"] != 0:
					tap.result(False, "%s: listing exits 0" % where,
						   ["rc %d" % r["rc"]] + r["err"].splitlines()[-15:])
					continue
				try:
					got = PARSERS[cl](r["out"], r["err"], r["home"])
				except (ValueError, KeyError) as e:
					tap.result(False, "%s: listing parses (%s)" % (where, e),
						   r["out"].splitlines()[:15])
					continue
				exp, dont_care, notes = select_rules.expected(cl, payload, rel, c)
				known = []
				diag = compare(cl, c, got, exp, dont_care, known)
				n_known[cl] += len(known)
				n = len((set(got) | set(exp)) - dont_care)
				counts[cl] += n
				skipped[cl] += len(dont_care)
				no_state[cl] += sum(1 for k, v in exp.items() if v[2] is None and k not in dont_care)
				if diag:
					diag += ["note: " + x for x in notes]
					diag.append("client listing (%s):" % ("stderr" if cl == "gemini_cli" else "stdout"))
					diag += ["  " + x for x in (r["err"] if cl == "gemini_cli" else r["out"]).splitlines()
						 if x.strip()][:40]
				good = not diag
				diag += ["known: " + k for k in known]
				if a.verbose:
					diag = diag + ["client: " + fmt(k, v) for k, v in sorted(got.items())] + \
						["scan:   " + fmt(k, v) for k, v in sorted(exp.items())]
				tap.result(good, "%s: %d servers agree" % (where, n) if good
					   else "%s: listing and scan differ" % where, diag)
	for cl in CLIENTS:
		tap.result(counts[cl] > 0, "%s: compared %d servers (state of %d not decidable from "
			   "the payload, %d names left out, %d known contract divergences)" % (
				   cl, counts[cl], no_state[cl], skipped[cl], n_known[cl]))
	return tap.done(" (%.0fs)" % (time.monotonic() - t0))


if __name__ == "__main__":
	sys.exit(main())
