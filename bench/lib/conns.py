#!/usr/bin/env python3
"""Memory and scale: many connections or live streams against one server process.

  idle     open connections in steps (e.g. 1000,2000); each sends one chat request, reads the
           reply and then stays open, idle, on keep-alive. After each step the server's RSS
           and open FDs are read from /proc.
  streams  open slow streams in steps (model mock-slow-stream: one chunk every --delay-ms);
           after each step, once every stream has its first event, RSS and FDs are read; then
           every stream is read to its end and counted ok (status 200, `data: [DONE]`, clean
           end) or failed, with the reason.
           With --hold-s H the streams are long (--chunks large) and are not read to the end:
           once all are live the client waits H seconds, counts as ok every stream that is
           still open and received a chunk in the last 2 x --delay-ms, as failed every other
           one (ended, errored, stalled), then hangs up on all of them. Used for the 10,000
           stream run, whose ramp-up can take longer than a stream would otherwise last.

RSS is VmRSS from /proc/<pid>/status, summed over --pid (repeatable: nginx master + worker).
Per-connection cost is reported two ways: (RSS_step - RSS_before) / count, and the slope
between the last two steps, which leaves out one-time growth (allocator arenas, pools).
Prints one JSON object.
"""

import argparse
import asyncio
import json
import os
import sys
import time
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(__file__))
from httpc import ResponseReader, chat_body, request_bytes  # noqa: E402


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def fds(pids):
    return sum(len(os.listdir(f"/proc/{pid}/fd")) for pid in pids)


def snapshot(pids):
    return {"rss_kib": rss_kib(pids), "fds": fds(pids), "t": round(time.monotonic(), 3)}


async def settled_snapshot(pids, settle_s, limit_s=20.0):
    """Waits until the server has closed what the client hung up on (its FD count stops
    falling), at most limit_s, then reads RSS and FDs."""
    await asyncio.sleep(settle_s)
    deadline = time.monotonic() + limit_s
    last = snapshot(pids)
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        now = snapshot(pids)
        if now["fds"] >= last["fds"]:
            return now
        last = now
    return last


class Conn:
    def __init__(self):
        self.reader = None
        self.writer = None
        self.first_event = asyncio.get_running_loop().create_future()
        self.error = None
        self.last_data = None


async def open_and_request(conn, host, port, request, connect_sem, want_first_event):
    """Connects and sends the request; resolves conn.first_event when the first SSE event (or
    the whole reply for idle connections) has arrived; returns the parsed response."""
    async with connect_sem:
        conn.reader, conn.writer = await asyncio.open_connection(host, port, limit=1 << 20)
        conn.writer.write(request)
        await conn.writer.drain()
        response = ResponseReader()
        seen = bytearray()
        while True:
            data = await conn.reader.read(65536)
            if not data:
                raise ConnectionError("closed by the server before the reply ended")
            done = response.feed(data)
            if want_first_event and not conn.first_event.done():
                seen += data
                if b"data:" in seen:
                    conn.first_event.set_result(True)
                    break  # leaves the connect semaphore; the rest is read below
            if done:
                if not conn.first_event.done():
                    conn.first_event.set_result(True)
                return response
    while not response.done:
        data = await conn.reader.read(65536)
        if not data:
            raise ConnectionError("stream cut off before its end")
        conn.last_data = time.monotonic()
        response.feed(data)
    return response


async def run_idle(args, pids, host, port, path):
    body = chat_body(args.model, stream=False)
    request = request_bytes(host, port, path, body, args.keys[0])
    sem = asyncio.Semaphore(args.concurrency)
    conns, failed, steps = [], 0, []
    before = snapshot(pids)
    for target in args.steps:
        batch = [Conn() for _ in range(target - len(conns))]
        results = await asyncio.gather(
            *[open_and_request(c, host, port, request, sem, False) for c in batch],
            return_exceptions=True)
        for c, r in zip(batch, results):
            if isinstance(r, BaseException) or r.status != 200:
                failed += 1
                c.error = repr(r) if isinstance(r, BaseException) else f"status {r.status}"
        conns += batch
        await asyncio.sleep(args.settle_s)
        alive = sum(1 for c in conns if c.error is None)
        steps.append({"connections": alive, **snapshot(pids)})
    for c in conns:
        if c.writer is not None:
            c.writer.close()
    after = await settled_snapshot(pids, args.settle_s)
    errors = sorted({c.error for c in conns if c.error})[:5]
    return {"mode": "idle", "before": before, "steps": steps, "after_close": after,
            "failed": failed, "errors": errors}


async def run_streams(args, pids, host, port, path):
    body = chat_body(args.model, stream=True)
    requests = [request_bytes(host, port, path, body, key,
                              {"x-mock-delay-ms": args.delay_ms, "x-mock-chunks": args.chunks})
                for key in args.keys]
    sem = asyncio.Semaphore(args.concurrency)
    tasks, conns, steps = [], [], []
    before = snapshot(pids)
    started = time.monotonic()
    for target in args.steps:
        batch = []
        for i in range(len(conns), target):
            c = Conn()
            batch.append(c)
            tasks.append(asyncio.create_task(open_and_request(
                c, host, port, requests[i % len(requests)], sem, True)))
        conns += batch
        # Wait until every stream opened so far has its first event (or has failed).
        waiters = [asyncio.ensure_future(asyncio.wait(
            [c.first_event, t], return_when=asyncio.FIRST_COMPLETED))
            for c, t in zip(conns, tasks) if not c.first_event.done()]
        if waiters:
            await asyncio.wait(waiters, timeout=args.ramp_timeout_s)
        live = sum(1 for c, t in zip(conns, tasks) if c.first_event.done() and not t.done())
        steps.append({"streams_opened": len(conns), "live": live,
                      "ramp_s": round(time.monotonic() - started, 2), **snapshot(pids)})
    if args.hold_s:
        await asyncio.sleep(args.hold_s)
        now = time.monotonic()
        window = 2 * int(args.delay_ms) / 1000.0
        results = []
        for c, t in zip(conns, tasks):
            if t.done():
                results.append(t.exception() or ConnectionError("ended during the hold"))
            elif not c.first_event.done():
                results.append(TimeoutError("no first event"))
            elif c.last_data is None or c.last_data < now - window:
                results.append(TimeoutError(f"no chunk in the last {window:.0f} s"))
            else:
                results.append("live")
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    else:
        results = await asyncio.gather(*tasks, return_exceptions=True)
    ok, failures = 0, {}
    for r in results:
        if r == "live":
            ok += 1
            continue
        if isinstance(r, BaseException):
            reason = type(r).__name__ + ": " + str(r)[:80]
        elif r.status != 200:
            reason = f"status {r.status}"
        elif b"data: [DONE]" not in r.body:
            reason = "no [DONE]"
        else:
            ok += 1
            continue
        failures[reason] = failures.get(reason, 0) + 1
    for c in conns:
        if c.writer is not None:
            c.writer.close()
    return {"mode": "streams", "before": before, "steps": steps,
            "after_end": await settled_snapshot(pids, args.settle_s),
            "total": len(results), "ok": ok, "failed": len(results) - ok, "failures": failures,
            "duration_s": round(time.monotonic() - started, 1)}


def per_connection(result, count_key):
    steps = result["steps"]
    out = []
    for i, step in enumerate(steps):
        n = step[count_key]
        row = {"n": n, "rss_kib": step["rss_kib"], "fds": step["fds"],
               "per_conn_kib": round((step["rss_kib"] - result["before"]["rss_kib"]) / n, 2)
               if n else None}
        if i > 0:
            dn = n - steps[i - 1][count_key]
            row["slope_kib"] = round((step["rss_kib"] - steps[i - 1]["rss_kib"]) / dn, 2) \
                if dn else None
        out.append(row)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["idle", "streams"])
    parser.add_argument("--url", required=True, help="http://host:port/v1/chat/completions")
    parser.add_argument("--key", action="append", dest="keys", default=[])
    parser.add_argument("--pid", action="append", type=int, required=True)
    parser.add_argument("--steps", required=True, help="cumulative counts, e.g. 1000,2000")
    parser.add_argument("--model", default="mock-fixed")
    parser.add_argument("--delay-ms", default="1000")
    parser.add_argument("--chunks", default="30")
    parser.add_argument("--concurrency", type=int, default=200,
                        help="connections being opened at once")
    parser.add_argument("--settle-s", type=float, default=1.0)
    parser.add_argument("--ramp-timeout-s", type=float, default=120.0)
    parser.add_argument("--hold-s", type=float, default=0.0)
    args = parser.parse_args()
    args.steps = [int(s) for s in args.steps.split(",")]
    if not args.keys:
        args.keys = [""]
    url = urlsplit(args.url)
    runner = run_idle if args.mode == "idle" else run_streams
    result = asyncio.run(runner(args, args.pid, url.hostname, url.port, url.path))
    result["per_step"] = per_connection(
        result, "connections" if args.mode == "idle" else "live")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
