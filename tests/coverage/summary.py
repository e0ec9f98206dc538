#!/usr/bin/env python3
# Per-directory coverage table (lines, functions, branches) from an lcov
# tracefile: one row per top-level source directory, then the total.
import os
import sys

DIRS = ["util", "parsers", "discover", "resolver", "store", "net", "hooks",
        "ops", "cli"]


def pct(hit, found):
	return "%6.1f%%" % (100.0 * hit / found) if found else "     - "


def main():
	if len(sys.argv) < 2:
		sys.stderr.write("usage: summary.py TRACEFILE [TOP] [--min DIR=PCT ...]\n")
		return 2
	trace = sys.argv[1]
	top = os.path.realpath(sys.argv[2]) if len(sys.argv) > 2 and \
		not sys.argv[2].startswith("--") else os.getcwd()
	mins = {}
	args = sys.argv[2:]
	for i, a in enumerate(args):
		if a == "--min" and i + 1 < len(args):
			d, _, p = args[i + 1].partition("=")
			mins[d] = float(p)
	# Per directory: [LF, LH, FNF, FNH, BRF, BRH, files]
	acc = {d: [0, 0, 0, 0, 0, 0, 0] for d in DIRS}
	cur = None
	with open(trace, encoding="utf-8", errors="replace") as f:
		for line in f:
			line = line.rstrip("\n")
			if line.startswith("SF:"):
				path = os.path.realpath(line[3:])
				rel = os.path.relpath(path, top)
				d = rel.split(os.sep, 1)[0]
				cur = acc.get(d) if not rel.startswith("..") else None
				if cur is not None:
					cur[6] += 1
			elif cur is None:
				continue
			elif line.startswith("LF:"):
				cur[0] += int(line[3:])
			elif line.startswith("LH:"):
				cur[1] += int(line[3:])
			elif line.startswith("FNF:"):
				cur[2] += int(line[4:])
			elif line.startswith("FNH:"):
				cur[3] += int(line[4:])
			elif line.startswith("BRF:"):
				cur[4] += int(line[4:])
			elif line.startswith("BRH:"):
				cur[5] += int(line[4:])
			elif line == "end_of_record":
				cur = None
	out = sys.stdout

	def cell(hit, found):
		return "%s %13s" % (pct(hit, found), "%d/%d" % (hit, found))

	out.write("%-10s %5s  %-21s  %-21s  %-21s\n" % ("directory", "files",
		  "lines", "functions", "branches"))
	tot = [0] * 7
	below = []
	for d in DIRS + ["total"]:
		if d == "total":
			a, name = tot, "total"
		else:
			a, name = acc[d], d + "/"
			tot = [x + y for x, y in zip(tot, a)]
		out.write("%-10s %5d  %s  %s  %s\n" % (name, a[6], cell(a[1], a[0]),
			  cell(a[3], a[2]), cell(a[5], a[4])))
		if d in mins and a[0] and 100.0 * a[1] / a[0] < mins[d]:
			below.append("%s/ %.1f%% < %g%%" % (d, 100.0 * a[1] / a[0], mins[d]))
	for b in below:
		sys.stderr.write("coverage: line coverage below target: %s\n" % b)
	return 1 if below else 0


if __name__ == "__main__":
	sys.exit(main())
