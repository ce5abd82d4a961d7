#!/usr/bin/env python3
"""Time to first SSE byte at one stream, on one keep-alive connection.

Sends N streamed chat requests one after the other and, for each, records
  ttfb:  from the request's last byte written to the first received byte of the first
         `data:` event (what a user waits for before the first token), and
  total: to the response's last byte.
The client's own overhead is the same for every target, so (target - direct) is the time
the proxy adds. Prints one JSON object.
"""

import argparse
import json
import socket
import sys
import time
from urllib.parse import urlsplit

sys.path.insert(0, __import__("os").path.dirname(__file__))
from httpc import ResponseReader, chat_body, request_bytes  # noqa: E402


def percentile(sorted_values, pct):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def one(sock, request):
    reader = ResponseReader()
    sock.sendall(request)
    start = time.perf_counter_ns()
    first = None
    seen = bytearray()
    while True:
        data = sock.recv(65536)
        now = time.perf_counter_ns()
        if not data:
            raise ConnectionError("connection closed mid-response")
        if first is None:
            seen += data
            if b"data:" in seen:
                first = now
        if reader.feed(data):
            break
    if reader.status != 200:
        raise RuntimeError(f"status {reader.status}: {bytes(reader.body[:200])!r}")
    if first is None:
        raise RuntimeError("no SSE data in the response")
    return (first - start) / 1000.0, (now - start) / 1000.0, reader.keep_alive()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", default="")
    parser.add_argument("--model", default="mock-fixed")
    parser.add_argument("--chunks", default="20")
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()

    url = urlsplit(args.url)
    body = chat_body(args.model, stream=True)
    request = request_bytes(url.hostname, url.port, url.path, body, args.key,
                            {"x-mock-chunks": args.chunks})
    ttfbs, totals, errors = [], [], 0
    sock = None
    for i in range(args.warmup + args.n):
        if sock is None:
            sock = socket.create_connection((url.hostname, url.port))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            ttfb, total, keep = one(sock, request)
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors += 1
            if errors <= 3:
                print(f"ttfb: {e}", file=sys.stderr)
            sock.close()
            sock = None
            continue
        if not keep:
            sock.close()
            sock = None
        if i >= args.warmup:
            ttfbs.append(ttfb)
            totals.append(total)
    ttfbs.sort()
    totals.sort()

    def stats(values):
        return {"p50": percentile(values, 50), "p90": percentile(values, 90),
                "p99": percentile(values, 99),
                "mean": round(sum(values) / len(values), 1) if values else None}

    print(json.dumps({"n": len(ttfbs), "errors": errors, "ttfb_us": stats(ttfbs),
                      "total_us": stats(totals)}))


if __name__ == "__main__":
    main()
