#!/usr/bin/env python3
"""Reads one wrk output file (with the WRKJSON line from post.lua) and prints one JSON record
for matrix.jsonl: the wrk numbers plus what the harness knows about the run.

  wrkparse.py FILE key=value ... [cpu_ticks=N] [threads0=name:ticks,... threads1=...] [--echo]

--echo also prints a one-line human summary on stderr (progress while the bench runs).
"""

import json
import os
import sys


def main():
    path = sys.argv[1]
    echo = "--echo" in sys.argv[2:]
    extra = dict(arg.split("=", 1) for arg in sys.argv[2:] if arg != "--echo")
    with open(path) as f:
        text = f.read()
    line = next((l for l in text.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        sys.stderr.write(f"wrkparse: no WRKJSON line in {path}:\n{text[-2000:]}\n")
        sys.exit(1)
    wrk = json.loads(line[len("WRKJSON "):])
    record = {k: v for k, v in extra.items()
              if k not in ("cpu_ticks", "ctx_switches", "threads0", "threads1")}
    for key in ("round", "conns"):
        if record.get(key, "").isdigit():
            record[key] = int(record[key])
    seconds = wrk["duration_us"] / 1e6
    record["rps"] = round(wrk["requests"] / seconds, 1) if seconds else 0.0
    record["requests"] = wrk["requests"]
    record["errors"] = sum(wrk["errors"].values())
    record["error_detail"] = wrk["errors"]
    record["latency_us"] = wrk["latency_us"]
    record["bytes_per_req"] = round(wrk["bytes"] / wrk["requests"]) if wrk["requests"] else 0
    hz = os.sysconf("SC_CLK_TCK")
    if extra.get("cpu_ticks") and wrk["requests"]:
        record["cpu_us_per_req"] = round(int(extra["cpu_ticks"]) / hz * 1e6 / wrk["requests"], 1)
    if extra.get("ctx_switches") and wrk["requests"]:
        record["ctx_switches_per_req"] = round(int(extra["ctx_switches"]) / wrk["requests"], 2)
    if extra.get("threads0") and extra.get("threads1"):
        # CPU seconds per thread name during the run (creditgate names its threads by role:
        # cg-io-N, cg-ledger, cg-log, cg-checkpoint, cg-sweep; the main thread keeps its name).
        def by_name(text):
            totals = {}
            for part in (p for p in text.split(",") if p):
                name, ticks = part.rsplit(":", 1)
                totals[name] = totals.get(name, 0) + int(ticks)
            return totals
        before, after = by_name(extra["threads0"]), by_name(extra["threads1"])
        record["thread_cpu_s"] = {name: round((t - before.get(name, 0)) / hz, 2)
                                  for name, t in after.items()}
    print(json.dumps(record))
    if echo:
        l = record["latency_us"]
        sys.stderr.write(f"  {record.get('scenario', ''):>14} {record.get('target', ''):>7}: "
                         f"{record['rps']:>9,.0f} rps  p50 {l['p50']:>6} us  p99 {l['p99']:>6} us"
                         f"  errors {record['errors']}\n")


if __name__ == "__main__":
    main()
