#!/usr/bin/env python3
"""Parses a `perf trace -s` summary into system calls per request, per thread.

  syscalls.py TRACE_FILE REQUESTS TARGET SCENARIO

creditgate's threads are named by role (cg-io-0, cg-ledger, ...) and reported as in the CPU
table. Prints one JSON object.
"""

import json
import re
import sys

from roles import role_of

THREAD = re.compile(r"^\s*(\S+) \((\d+)\), (\d+) events")
ROW = re.compile(r"^\s+([a-z_0-9]+)\s+(\d+)\s+(\d+)\s+([\d.]+)")


def main():
    path, requests, target, scenario = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    threads, current = {}, None
    with open(path) as f:
        for line in f:
            m = THREAD.match(line)
            if m:
                current = threads.setdefault(role_of(m.group(1)), {})
                continue
            m = ROW.match(line)
            if m and current is not None:
                current[m.group(1)] = current.get(m.group(1), 0) + int(m.group(2))
    per_req = {name: {call: round(n / requests, 2) for call, n in sorted(
        calls.items(), key=lambda kv: -kv[1]) if n / requests >= 0.05}
        for name, calls in threads.items()} if requests else {}
    total = round(sum(sum(c.values()) for c in per_req.values()), 1)
    print(json.dumps({"target": target, "scenario": scenario, "requests": requests,
                      "syscalls_per_req": total, "by_thread": per_req}))


if __name__ == "__main__":
    main()
