#!/usr/bin/env python3
"""Print the results table of tests/fuzz/README.md from libFuzzer logs:
summary.py [DIR...] reads DIR/<target>/log.txt (default build/fuzz) for every
target that has a log; for a target logged in several DIRs the longest run
wins (a later DIR on a tie)."""
import os
import re
import sys

STATUS = re.compile(r'^#(\d+)\s+(\S+)\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+) .*?exec/s: (\d+)', re.M)


def row(name, text):
    status = STATUS.findall(text)
    if not status:
        return None
    n, _, cov, ft, units, size, rate = status[-1]
    done = re.findall(r'Done (\d+) runs in (\d+) second', text)
    execs = re.findall(r'stat::number_of_executed_units: (\d+)', text)
    avg = re.findall(r'stat::average_exec_per_sec:\s+(\d+)', text)
    bad = re.search(r'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|'
                    r'libFuzzer)|runtime error:|^fuzz_\w+: ', text, re.M)
    seconds = done[-1][1] if done else '?'
    return [name, seconds, execs[-1] if execs else n, avg[-1] if avg else rate,
            '%s / %s' % (units, size), cov, ft, 'stopped: see log' if bad else 'none']


def secs(r):
    return int(r[1]) if r[1].isdigit() else 0


def main():
    dirs = sys.argv[1:] or ['build/fuzz']
    rows = {}
    for d in dirs:
        for name in sorted(os.listdir(d)):
            log = os.path.join(d, name, 'log.txt')
            if os.path.isfile(log):
                r = row(name, open(log, errors='replace').read())
                if r and (name not in rows or secs(r) >= secs(rows[name])):
                    rows[name] = r
    print('| target | seconds | executions | exec/s | corpus (units / size) | cov | ft | findings |')
    print('|---|---|---|---|---|---|---|---|')
    for name in sorted(rows):
        print('| ' + ' | '.join(rows[name]) + ' |')


main()
