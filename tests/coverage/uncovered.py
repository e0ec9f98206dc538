#!/usr/bin/env python3
# List the lines no test ran, with their source, from an lcov tracefile:
# uncovered.py TRACEFILE [PREFIX...] (e.g. net/ hooks/policy.c).
import os
import sys


def main():
	if len(sys.argv) < 2:
		sys.stderr.write("usage: uncovered.py TRACEFILE [PREFIX...]\n")
		return 2
	top = os.getcwd()
	want = sys.argv[2:]
	files = {}
	cur = None
	with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
		for line in f:
			line = line.rstrip("\n")
			if line.startswith("SF:"):
				rel = os.path.relpath(os.path.realpath(line[3:]), top)
				cur = files.setdefault(rel, {}) if \
					(not want or any(rel.startswith(w) for w in want)) else None
			elif cur is not None and line.startswith("DA:"):
				no, count = line[3:].split(",")[:2]
				no = int(no)
				# The same line may appear in several records: hit anywhere is hit.
				cur[no] = cur.get(no, 0) + int(count)
	for rel in sorted(files):
		miss = sorted(n for n, c in files[rel].items() if c == 0)
		if not miss:
			continue
		try:
			with open(rel, encoding="utf-8", errors="replace") as f:
				src = f.read().split("\n")
		except OSError:
			src = []
		print("== %s: %d of %d lines not run" % (rel, len(miss), len(files[rel])))
		prev = None
		for n in miss:
			if prev is not None and n != prev + 1:
				print("   --")
			text = src[n - 1] if n - 1 < len(src) else ""
			print("%5d  %s" % (n, text.expandtabs(4)))
			prev = n
	return 0


if __name__ == "__main__":
	sys.exit(main())
