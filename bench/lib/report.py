#!/usr/bin/env python3
"""Turns one bench/results/<run>/ directory into the summary table (Markdown).

  report.py RUN_DIR                       prints the summary and writes RUN_DIR/summary.md
  report.py RUN_DIR --docs FILE           also replaces the generated part of FILE, between
                                          <!-- bench:begin --> and <!-- bench:end -->

Every number is the median over the rounds; "spread" is (max - min) / median of RPS, a quick
sign of a noisy machine. Targets are shown as pass/miss and never fail anything.
"""

import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))
from roles import role_of  # noqa: E402

TARGETS = [("direct", "direct (no proxy)"), ("nginx", "nginx, 1 worker"),
           ("cg-1t", "creditgate, threads 1"), ("cg-def", "creditgate, default threads")]
SCENARIOS = [("json-c32", "JSON, 32 conns"), ("stream-c32", "stream, 32 conns"),
             ("json-c1", "JSON, 1 conn"), ("stream-c1", "stream, 1 conn")]
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LEDGER_TARGET_PAIRS_PER_S = 100_000  # issue 12 (issue 6: 50,000)


def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def load_json(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0, sign=False):
    if value is None:
        return "–"
    text = f"{value:+,.{digits}f}" if sign else f"{value:,.{digits}f}"
    return text


def verdict(ok):
    return "–" if ok is None else ("**pass**" if ok else "**miss**")


class Matrix:
    def __init__(self, records):
        self.cells = {}
        for r in records:
            self.cells.setdefault((r["scenario"], r["target"]), []).append(r)

    def rows(self, scenario, target):
        return self.cells.get((scenario, target), [])

    def stat(self, scenario, target, key):
        rows = self.rows(scenario, target)
        if key == "rps":
            return med([r["rps"] for r in rows])
        if key == "cpu":
            return med([r.get("cpu_us_per_req") for r in rows])
        if key == "cs":
            return med([r.get("ctx_switches_per_req") for r in rows])
        if key == "errors":
            return sum(r["errors"] for r in rows) if rows else None
        if key == "spread":
            values = [r["rps"] for r in rows]
            if len(values) < 2 or not med(values):
                return None
            return 100.0 * (max(values) - min(values)) / med(values)
        return med([r["latency_us"][key] for r in rows])


def matrix_table(m):
    out = ["| scenario | target | RPS | spread | p50 µs | p99 µs | added p50 µs | added p99 µs "
           "| RPS / nginx | proxy CPU µs/req | ctx switches/req | errors |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for scenario, s_label in SCENARIOS:
        direct_p50 = m.stat(scenario, "direct", "p50")
        direct_p99 = m.stat(scenario, "direct", "p99")
        nginx_rps = m.stat(scenario, "nginx", "rps")
        for target, t_label in TARGETS:
            if not m.rows(scenario, target):
                continue
            rps, p50, p99 = (m.stat(scenario, target, k) for k in ("rps", "p50", "p99"))
            added50 = p50 - direct_p50 if target != "direct" and direct_p50 is not None else None
            added99 = p99 - direct_p99 if target != "direct" and direct_p99 is not None else None
            ratio = rps / nginx_rps if target.startswith("cg") and nginx_rps else None
            spread = m.stat(scenario, target, "spread")
            out.append(
                f"| {s_label} | {t_label} | {fmt(rps)} | "
                f"{fmt(spread, 0) + ' %' if spread is not None else '–'} | {fmt(p50)} | "
                f"{fmt(p99)} | {fmt(added50, 0, True)} | {fmt(added99, 0, True)} | "
                f"{fmt(ratio, 2) if ratio else '–'} | "
                f"{fmt(m.stat(scenario, target, 'cpu'), 1)} | "
                f"{fmt(m.stat(scenario, target, 'cs'), 2)} | {m.stat(scenario, target, 'errors')} |")
    return out


def ttfb_stats(records):
    by_target = {}
    for r in records:
        by_target.setdefault(r["target"], []).append(r["result"])
    out = {}
    for target, results in by_target.items():
        out[target] = {k: med([x["ttfb_us"][k] for x in results]) for k in ("p50", "p99")}
        out[target].update({"total_" + k: med([x["total_us"][k] for x in results])
                            for k in ("p50", "p99")})
        out[target]["errors"] = sum(x["errors"] for x in results)
        # stream_probe counts "streams"; runs before it had ttfb.py's "n"
        out[target]["n"] = sum(x.get("streams", x.get("n", 0)) for x in results)
    return out


def ttfb_table(t):
    if not t:
        return []
    direct = t.get("direct", {})
    out = ["| target | TTFB p50 µs | TTFB p99 µs | added p50 µs | added p99 µs | "
           "whole stream p50 µs | requests | errors |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for target, label in TARGETS:
        if target not in t:
            continue
        row = t[target]
        a50 = row["p50"] - direct["p50"] if target != "direct" and direct else None
        a99 = row["p99"] - direct["p99"] if target != "direct" and direct else None
        out.append(f"| {label} | {fmt(row['p50'])} | {fmt(row['p99'])} | {fmt(a50, 0, True)} | "
                   f"{fmt(a99, 0, True)} | {fmt(row['total_p50'])} | {row['n']} | "
                   f"{row['errors']} |")
    return out


def streams_stats(records):
    """streams.jsonl (stream_probe) -> {(streams, target): medians over rounds}."""
    cells = {}
    for r in records:
        cells.setdefault((r["streams"], r["target"]), []).append(r)
    out = {}
    for key, rows in cells.items():
        results = [r["result"] for r in rows]
        stat = {f"{m}_{k}": med([x[f"{m}_us"][k] for x in results])
                for m in ("ttfb", "gap") for k in ("p50", "p99")}
        stat["done"] = sum(x["streams"] for x in results)
        stat["errors"] = sum(x["errors"] for x in results)
        stat["pacing"] = (rows[0]["chunks"], rows[0]["delay_ms"])
        out[key] = stat
    return out


def streams_added(s, n, target, key):
    """target - direct of one median (µs), or None."""
    row, direct = s.get((n, target)), s.get((n, "direct"))
    if target == "direct" or not row or not direct or None in (row[key], direct[key]):
        return None
    return row[key] - direct[key]


def streams_title(s):
    pacings = sorted({(n, row["pacing"]) for (n, _), row in s.items()})
    text = "; ".join(f"{k} chunks every {d} ms at {n:,} stream{'s' if n > 1 else ''}"
                     for n, (k, d) in pacings)
    return f"Streaming at 1 and 512 streams (paced upstream: {text})"


def streams_table(s):
    if not s:
        return []
    out = ["| target | streams | TTFB p50 µs | TTFB p99 µs | added TTFB p50 µs | "
           "added TTFB p99 µs | gap p50 µs | gap p99 µs | added gap p50 µs | added gap p99 µs | "
           "streams done | errors |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sorted({n for n, _ in s}):
        for target, label in TARGETS:
            row = s.get((n, target))
            if not row:
                continue
            added = [streams_added(s, n, target, k)
                     for k in ("ttfb_p50", "ttfb_p99", "gap_p50", "gap_p99")]
            out.append(f"| {label} | {n:,} | {fmt(row['ttfb_p50'])} | {fmt(row['ttfb_p99'])} | "
                       f"{fmt(added[0], 0, True)} | {fmt(added[1], 0, True)} | "
                       f"{fmt(row['gap_p50'])} | {fmt(row['gap_p99'])} | "
                       f"{fmt(added[2], 0, True)} | {fmt(added[3], 0, True)} | "
                       f"{row['done']:,} | {row['errors']} |")
    return out


def per_conn(result):
    """KiB per connection: the slope between the last two steps when there are two, else the
    average over the baseline."""
    if not result or not result.get("per_step"):
        return None
    last = result["per_step"][-1]
    return last.get("slope_kib", last.get("per_conn_kib"))


def scale_tables(scale):
    if not scale:
        return []
    out = ["| what | process | count | RSS MiB | FDs | KiB per conn (vs before) | "
           "KiB per conn (slope) | failed |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, label in (("idle_cg", "idle keep-alive"), ("idle_nginx", "idle keep-alive"),
                        ("streams_cg", "live slow streams"),
                        ("streams_big_cg", "live slow streams (scale)")):
        result = scale.get(name)
        if not result:
            continue
        proc = "nginx, 1 worker" if name.endswith("nginx") else "creditgate, threads 1"
        before = result["before"]
        out.append(f"| {label} | {proc} | 0 | {fmt(before['rss_kib'] / 1024, 1)} | "
                   f"{before['fds']} | | | |")
        for row in result["per_step"]:
            out.append(f"| {label} | {proc} | {row['n']:,} | {fmt(row['rss_kib'] / 1024, 1)} | "
                       f"{row['fds']:,} | {fmt(row['per_conn_kib'], 1)} | "
                       f"{fmt(row.get('slope_kib'), 1)} | {result.get('failed', 0)} |")
        after = result.get("after_close") or result.get("after_end")
        if after:
            out.append(f"| {label}: all closed | {proc} | 0 | {fmt(after['rss_kib'] / 1024, 1)} "
                       f"| {after['fds']} | | | |")
    big = scale.get("streams_big_cg")
    if big:
        out.append("")
        live = max((s["live"] for s in big["steps"]), default=0)
        out.append(f"Scale run: {big['total']:,} slow streams opened (requested "
                   f"{scale.get('streams_big_requested', big['total']):,}), {live:,} live at once "
                   f"after a {big['steps'][-1]['ramp_s']} s ramp-up; after the hold "
                   f"{big['ok']:,} still live and receiving a chunk a second, "
                   f"{big['failed']:,} failed"
                   + (f" ({json.dumps(big['failures'])})" if big["failures"] else "")
                   + f", in {big['duration_s']} s.")
        if scale.get("streams_big_note"):
            out.append(scale["streams_big_note"])
    return out


def targets_table(m, ttfb, scale, streams, ledger_alone):
    rows = []

    def ratio(scenario, a, b):
        ra, rb = m.stat(scenario, a, "rps"), m.stat(scenario, b, "rps")
        return ra / rb if ra and rb else None

    for scenario, label in (("json-c32", "RPS, JSON, 32 conns, same workers as nginx"),
                            ("stream-c32", "RPS, stream, 32 conns, same workers")):
        r = ratio(scenario, "cg-1t", "nginx")
        rows.append((label, "≥ 0.80 × nginx", f"{r:.2f} ×" if r else "–",
                     None if r is None else r >= 0.8))
    for scenario, label in (("json-c1", "added p99 at 1 connection, JSON"),
                            ("stream-c1", "added p99 at 1 connection, stream")):
        a, d = m.stat(scenario, "cg-1t", "p99"), m.stat(scenario, "direct", "p99")
        added = a - d if a is not None and d is not None else None
        rows.append((label, "≤ 100 µs", f"{added:+.0f} µs" if added is not None else "–",
                     None if added is None else added <= 100))
    for scenario, label in (("json-c32", "added p99 at 32 connections, JSON, same workers"),
                            ("stream-c32", "added p99 at 32 connections, stream, same workers")):
        a, d = m.stat(scenario, "cg-1t", "p99"), m.stat(scenario, "direct", "p99")
        added = a - d if a is not None and d is not None else None
        rows.append((label, "≤ 1,000 µs", f"{added:+,.0f} µs" if added is not None else "–",
                     None if added is None else added <= 1000))
    if ttfb and "cg-1t" in ttfb and "direct" in ttfb:
        added = ttfb["cg-1t"]["p50"] - ttfb["direct"]["p50"]
        rows.append(("added time to first SSE byte (p50, 1 stream)", "≤ 300 µs",
                     f"{added:+.0f} µs", added <= 300))
    else:
        rows.append(("added time to first SSE byte", "≤ 300 µs", "–", None))
    many = max((n for n, _ in streams), default=None) if streams else None
    if many and many > 1:
        added = streams_added(streams, many, "cg-1t", "ttfb_p50")
        rows.append((f"added time to first SSE byte (p50, {many:,} streams)", "≤ 300 µs",
                     f"{added:+.0f} µs" if added is not None else "–",
                     None if added is None else added <= 300))
    for n in sorted({n for n, _ in streams or {}}):
        a50, a99 = (streams_added(streams, n, "cg-1t", k) for k in ("gap_p50", "gap_p99"))
        rows.append((f"added gap between chunks (p50 / p99, {n:,} stream{'s' if n > 1 else ''})",
                     "no target", f"{fmt(a50, 0, True)} / {fmt(a99, 0, True)} µs", None))
    big = (scale or {}).get("streams_big_cg")
    if big:
        live = max((s["live"] for s in big["steps"]), default=0)
        ok = live >= 10000 and big["failed"] == 0
        note = " (FD-capped)" if scale.get("streams_big_note") else ""
        rows.append(("concurrent live streams", "10,000, none failed",
                     f"{live:,} live{note}, {big['failed']} failed", ok))
    else:
        rows.append(("concurrent live streams", "10,000, none failed", "–", None))
    stream_kib = per_conn((scale or {}).get("streams_cg"))
    idle_kib = per_conn((scale or {}).get("idle_cg"))
    rows.append(("memory per live stream", "≤ 64 KiB",
                 f"{stream_kib:.1f} KiB" if stream_kib is not None else "–",
                 None if stream_kib is None else stream_kib <= 64))
    rows.append(("memory per idle keep-alive connection", "≤ 16 KiB",
                 f"{idle_kib:.1f} KiB" if idle_kib is not None else "–",
                 None if idle_kib is None else idle_kib <= 16))
    priced, free = m.stat("json-c32", "cg-1t", "rps"), m.stat("json-c32-free", "cg-1t", "rps")
    r = priced / free if priced and free else None
    rows.append(("ledger on vs ledger-free pricing (JSON, 32 conns, threads 1)", "≥ 0.90 ×",
                 f"{r:.2f} ×" if r else "–", None if r is None else r >= 0.9))
    alone = next((x["pairs_per_s"] for x in ledger_alone if x["durability"] == "process"), None)
    rows.append(("ledger alone (ledger_bench, process durability)",
                 f"≥ {LEDGER_TARGET_PAIRS_PER_S:,} pairs/s",
                 f"{alone:,.0f} pairs/s" if alone else "–",
                 None if alone is None else alone >= LEDGER_TARGET_PAIRS_PER_S))
    out = ["| measure | target | measured | result |", "|---|---|---:|---|"]
    out += [f"| {a} | {b} | {c} | {verdict(d)} |" for a, b, c, d in rows]
    return out


def ledger_table(m):
    priced, free = m.rows("json-c32", "cg-1t"), m.rows("json-c32-free", "cg-1t")
    if not priced or not free:
        return []
    out = ["| model (creditgate threads 1, JSON, 32 conns) | RPS | p50 µs | p99 µs | "
           "CPU µs/req | ctx switches/req |", "|---|---:|---:|---:|---:|---:|"]
    for scenario, label in (("json-c32", "priced (mock-fixed)"),
                            ("json-c32-free", "priced \"0\" (mock-free)")):
        out.append(f"| {label} | {fmt(m.stat(scenario, 'cg-1t', 'rps'))} | "
                   f"{fmt(m.stat(scenario, 'cg-1t', 'p50'))} | "
                   f"{fmt(m.stat(scenario, 'cg-1t', 'p99'))} | "
                   f"{fmt(m.stat(scenario, 'cg-1t', 'cpu'), 1)} | "
                   f"{fmt(m.stat(scenario, 'cg-1t', 'cs'), 2)} |")
    return out


def ledger_alone_table(records):
    """ledger_bench (bench/ledger/): the ledger without HTTP, hold+settle pairs through the writer."""
    if not records:
        return []

    def sched(r):
        if r.get("writer_on_cpu") is None:
            return "–"
        return f"{r['writer_on_cpu'] * 100:.0f} % / {r['writer_waiting_for_cpu'] * 100:.0f} %"

    out = ["| durability | clients × in flight | pairs/s | vs 100k | hold p50 µs | hold p99 µs | "
           "hold max µs | writer CPU µs/pair | writer-bound pairs/s | writer on CPU / waiting | "
           "WAL at end | money adds up |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in records:
        writer = r.get("writer_cpu_us_per_pair")
        out.append(f"| {r['durability']} | {r['clients']} × {r['window']} | {fmt(r['pairs_per_s'])} | "
                   f"{r['pairs_per_s'] / LEDGER_TARGET_PAIRS_PER_S:.2f} × | {fmt(r['hold_p50_us'])} | {fmt(r['hold_p99_us'])} | "
                   f"{fmt(r['hold_max_us'])} | {fmt(writer, 1)} | "
                   f"{fmt(1e6 / writer if writer else None)} | "
                   f"{sched(r)} | {r['wal_bytes_at_end'] / 1048576:.1f} MiB | {'yes' if r['check_ok'] else '**NO**'} |")
    return out


def thread_table(m):
    out = []
    for scenario, label in SCENARIOS[:2] + [("json-c32-free", "JSON, 32 conns, priced 0")]:
        rows = [r for r in m.rows(scenario, "cg-1t") if r.get("thread_cpu_s") and r["requests"]]
        if not rows:
            continue
        names = sorted({n for r in rows for n in r["thread_cpu_s"]})
        per_req = {role_of(n): med([r["thread_cpu_s"].get(n, 0) * 1e6 / r["requests"] for r in rows])
                   for n in names}
        cells = ", ".join(f"{n} {v:.1f}" for n, v in sorted(per_req.items(), key=lambda kv: -kv[1])
                          if v >= 0.05)
        out.append(f"| {label} | {cells} | {sum(per_req.values()):.1f} |")
    if out:
        out = ["| scenario (creditgate threads 1) | CPU µs per request, by thread | total |",
               "|---|---|---:|"] + out
    return out


def summary(run_dir):
    meta = load_json(os.path.join(run_dir, "meta.json")) or {}
    m = Matrix(load_jsonl(os.path.join(run_dir, "matrix.jsonl")))
    ttfb = ttfb_stats(load_jsonl(os.path.join(run_dir, "ttfb.jsonl")))
    scale = load_json(os.path.join(run_dir, "scale.json"))
    streams = streams_stats(load_jsonl(os.path.join(run_dir, "streams.jsonl")))
    out = [f"Run `{os.path.basename(run_dir.rstrip('/'))}` — {meta.get('date', '?')}", "",
           f"- Command: `{meta.get('command', '?')}`",
           f"- Machine: {meta.get('machine', '?')}",
           f"- creditgate: {meta.get('creditgate', '?')}",
           f"- Load average before / after: {meta.get('load_before', '?')} / "
           f"{meta.get('load_after', '?')}; other busy processes at start: "
           f"{meta.get('busy_before', '?')}",
           f"- Upstream: {meta.get('upstream', '?')}",
           f"- Pinning: {meta.get('pinning', '?')}",
           f"- {meta.get('rounds', '?')} rounds × {meta.get('duration_s', '?')} s per wrk run, "
           f"targets interleaved (order rotated each round); numbers are medians over rounds.",
           "", "### Targets (issues 6 and 12)", ""]
    alone = load_jsonl(os.path.join(run_dir, "ledger_alone.jsonl"))
    out += targets_table(m, ttfb, scale, streams, alone)
    out += ["", "### Throughput and latency (wrk)", ""]
    out += matrix_table(m)
    ledger = ledger_table(m)
    if ledger:
        out += ["", "### Ledger cost on the request path", ""] + ledger
    if ttfb:
        out += ["", "### Time to first SSE byte (1 stream, sequential requests)", ""]
        out += ttfb_table(ttfb)
    if streams:
        out += ["", f"### {streams_title(streams)}", ""] + streams_table(streams)
    if scale:
        out += ["", "### Memory and scale (RSS and FDs from /proc)", ""] + scale_tables(scale)
    if alone:
        out += ["", "### Ledger alone (ledger_bench: hold+settle pairs through the writer, no HTTP)",
                ""] + ledger_alone_table(alone)
    threads = thread_table(m)
    if threads:
        out += ["", "### Where creditgate's CPU goes, by thread (/proc/<pid>/task, 10 ms ticks)",
                ""] + threads
    syscalls = load_jsonl(os.path.join(run_dir, "perf", "syscalls.jsonl"))
    if syscalls:
        out += ["", "### System calls per request (perf trace -s, 32 conns)", "",
                "| scenario | target | total | by thread: calls per request |", "|---|---|---:|---|"]
        for r in syscalls:
            cells = "; ".join(f"{name}: " + ", ".join(f"{c} {n}" for c, n in list(calls.items())[:6])
                              for name, calls in r["by_thread"].items() if calls)
            label = dict(SCENARIOS).get(r["scenario"], r["scenario"])
            out.append(f"| {label} | {dict(TARGETS).get(r['target'], r['target'])} | "
                       f"{r['syscalls_per_req']} | {cells} |")
    for scenario, label in SCENARIOS[:2]:
        top_path = os.path.join(run_dir, "perf", f"top-{scenario}.txt")
        if not os.path.exists(top_path):
            continue
        with open(top_path) as f:
            lines = f.read().splitlines()
        dso_path = os.path.join(run_dir, "perf", f"dso-{scenario}.txt")
        dso = []
        if os.path.exists(dso_path):
            with open(dso_path) as f:
                dso = [" ".join(l.split()) for l in f if l.strip() and not l.startswith("#")]
        out += ["", f"### Profile: creditgate threads 1, {label} (perf, cpu-clock, DWARF stacks)",
                "", f"Flame graph: `bench/results/{os.path.basename(run_dir.rstrip('/'))}/perf/"
                f"flame-{scenario}.svg`. By library: {'; '.join(dso[:8])}.", "", "```"]
        out += lines + ["```"]
    return "\n".join(out) + "\n"


def splice(docs_path, text):
    block = f"{BEGIN}\n{text}{END}"
    if os.path.exists(docs_path):
        with open(docs_path) as f:
            doc = f.read()
        if BEGIN in doc and END in doc:
            head, rest = doc.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            doc = head + block + tail
        else:
            doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    else:
        doc = ("# Performance\n\nGenerated by `bench/run.sh` (see `bench/README.md`).\n\n"
               "## Latest run\n\n" + block + "\n")
    with open(docs_path, "w") as f:
        f.write(doc)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir")
    parser.add_argument("--docs")
    args = parser.parse_args()
    text = summary(args.run_dir)
    with open(os.path.join(args.run_dir, "summary.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    if args.docs:
        splice(args.docs, text)


if __name__ == "__main__":
    main()
