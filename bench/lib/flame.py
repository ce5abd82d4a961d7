#!/usr/bin/env python3
"""Folds `perf script` call-graph output and draws a flame graph SVG (standard library only).

  perf script -i perf.data | flame.py --folded out.folded --svg out.svg --top out.txt --title T

Brendan Gregg's FlameGraph scripts are not packaged by Debian; this is a small equivalent:
one box per frame, width proportional to samples, callers below callees, hover for the full
name. --top writes the functions with the largest inclusive share (time in the function and
everything it calls) and self share, which is what docs/performance.md quotes.
"""

import argparse
import collections
import hashlib
import html
import re
import sys

OFFSET = re.compile(r"\+0x[0-9a-f]+$")


def clean(symbol, dso):
    symbol = OFFSET.sub("", symbol.strip())
    if symbol in ("", "[unknown]"):
        base = dso.rsplit("/", 1)[-1] if dso else "?"
        return f"[{base}]"
    return symbol


# The root frame is the thread's role, recognised from its stack (all creditgate threads share
# one name): where the time goes per thread is the first question.
ROLES = (("creditgate::Writer::run", "ledger writer thread"),
         ("spdlog::details::thread_pool::worker_loop", "log thread"),
         ("io_context::run", "I/O thread"), ("scheduler::run", "I/O thread"))
# Frames every sample of a thread has: left out of the inclusive list, they say nothing.
PLUMBING = re.compile(r"^(clone3?|start_thread|\[libstdc\+\+[^]]*\]|\[libc\.so[^]]*\]|"
                      r"std::thread::_State_impl.*|execute_native_thread_routine|"
                      r"boost::asio::io_context::run|boost::asio::detail::scheduler::(run|do_run_one)|"
                      r"creditgate::Writer::run|creditgate::Server::start.*|"
                      r"boost::asio::detail::executor_op<.*>::do_complete|"
                      r"boost::asio::detail::executor_function::complete<.*|"
                      r"boost::asio::detail::scheduler_operation::complete|"
                      r"boost::asio::io_context::basic_executor_type<.*>::execute<.*)$")


def role_of(comm, frames):
    """frames are leaf first; the outermost frame that names a thread's loop decides (an I/O
    thread that enqueues a log line also has spdlog's thread_pool frames on its stack)."""
    for frame in reversed(frames):
        for needle, role in ROLES:
            if needle in frame:
                return role
    return comm


def fold(lines):
    stacks = collections.Counter()
    comm, frames = None, []

    def flush():
        if comm is not None:
            stacks[";".join([role_of(comm, frames)] + frames[::-1])] += 1

    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            flush()
            comm, frames = None, []
            continue
        if not line.startswith((" ", "\t")):
            flush()
            comm, frames = line.split()[0], []
            continue
        parts = line.strip().split(None, 1)
        if len(parts) < 2:
            continue
        rest = parts[1]
        dso = ""
        if rest.endswith(")") and " (" in rest:
            rest, dso = rest.rsplit(" (", 1)
            dso = dso[:-1]
        frames.append(clean(rest, dso))
    flush()
    return stacks


def short(name, limit=None):
    # Template arguments make C++ frames unreadable; the full name stays in the tooltip.
    out, depth = [], 0
    for ch in name:
        if ch == "<":
            if depth == 0:
                out.append("<…>")
            depth += 1
        elif ch == ">" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    text = "".join(out)
    text = re.sub(r"\(.*\)", "()", text) if "(" in text else text
    if limit and len(text) > limit:
        text = text[:max(0, limit - 1)] + "…"
    return text


def build_tree(stacks):
    tree = {"name": "all", "value": 0, "children": {}}
    for stack, count in stacks.items():
        node = tree
        node["value"] += count
        for frame in stack.split(";"):
            node = node["children"].setdefault(frame, {"name": frame, "value": 0, "children": {}})
            node["value"] += count
    return tree


def color(name):
    h = int(hashlib.md5(name.encode()).hexdigest()[:6], 16)
    if name.startswith("[") or "kernel" in name or name.startswith(("__x64", "do_syscall",
                                                                   "entry_SYSCALL", "tcp_")):
        return f"rgb({200 + h % 55},{100 + h % 80},{60 + h % 40})"  # kernel-ish: orange
    if "sqlite3" in name:
        return f"rgb({60 + h % 40},{140 + h % 60},{200 + h % 55})"  # SQLite: blue
    return f"rgb({220 + h % 35},{120 + (h >> 8) % 110},{40 + (h >> 16) % 50})"


def svg(tree, title, width=1600, row=17):
    total = tree["value"] or 1
    rects = []

    def depth_of(node):
        return 1 + max((depth_of(c) for c in node["children"].values()), default=0)

    depth = depth_of(tree)
    height = depth * row + 60

    def walk(node, x, level):
        w = node["value"] / total * (width - 20)
        if w < 0.3:
            return
        y = height - 30 - (level + 1) * row
        pct = 100.0 * node["value"] / total
        label = short(node["name"], int(w / 7))
        tip = html.escape(f"{node['name']} ({node['value']} samples, {pct:.2f}%)")
        text = (f'<text x="{x + 3:.1f}" y="{y + 12}">{html.escape(label)}</text>'
                if w > 30 else "")
        rects.append(f'<g><title>{tip}</title><rect x="{x:.1f}" y="{y}" width="{w:.1f}" '
                     f'height="{row - 1}" fill="{color(node["name"])}" rx="2"/>{text}</g>')
        cx = x
        for child in sorted(node["children"].values(), key=lambda c: c["name"]):
            walk(child, cx, level + 1)
            cx += child["value"] / total * (width - 20)

    walk(tree, 10, 0)
    return (f'<?xml version="1.0" standalone="no"?>\n'
            f'<svg version="1.1" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg">\n'
            f'<style>text{{font:11px monospace;fill:#000;pointer-events:none}}</style>\n'
            f'<rect width="100%" height="100%" fill="#f8f8f8"/>\n'
            f'<text x="10" y="20" style="font:15px sans-serif">{html.escape(title)} '
            f'({total} samples; hover a box for its full name)</text>\n'
            + "\n".join(rects) + "\n</svg>\n")


def top(stacks, limit):
    total = sum(stacks.values()) or 1
    inclusive, self_, roles = collections.Counter(), collections.Counter(), collections.Counter()
    for stack, count in stacks.items():
        role, *frames = stack.split(";")
        roles[role] += count
        for name in set(frames):
            if not PLUMBING.match(name):
                inclusive[name] += count
        if frames:
            self_[frames[-1]] += count
    lines = [f"samples: {total}", "", "per thread:"]
    for role, count in roles.most_common():
        lines.append(f"  {100.0 * count / total:6.2f}%  {role}")
    lines += ["", "inclusive % (the function and what it calls; thread plumbing left out):"]
    for name, count in inclusive.most_common(limit):
        lines.append(f"  {100.0 * count / total:6.2f}%  {short(name, 140)}")
    lines += ["", "self % (the function's own code):"]
    for name, count in self_.most_common(limit):
        lines.append(f"  {100.0 * count / total:6.2f}%  {short(name, 140)}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--folded")
    parser.add_argument("--svg")
    parser.add_argument("--top")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--title", default="creditgate")
    parser.add_argument("--from-folded", help="re-read a folded file instead of perf script")
    args = parser.parse_args()
    if args.from_folded:
        stacks = collections.Counter()
        with open(args.from_folded) as f:
            for line in f:
                stack, count = line.rstrip("\n").rsplit(" ", 1)
                role, *frames = stack.split(";")
                stacks[";".join([role_of(role, frames[::-1])] + frames)] += int(count)
    else:
        stacks = fold(sys.stdin)
    if args.folded:
        with open(args.folded, "w") as f:
            for stack, count in stacks.most_common():
                f.write(f"{stack} {count}\n")
    if args.svg:
        with open(args.svg, "w") as f:
            f.write(svg(build_tree(stacks), args.title))
    if args.top:
        with open(args.top, "w") as f:
            f.write(top(stacks, args.limit))


if __name__ == "__main__":
    main()
