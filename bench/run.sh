#!/usr/bin/env bash
# creditgate benchmark (issue 6). One command, everything on loopback, everything started and
# stopped here. Compares one upstream reached directly, through nginx and through creditgate;
# prints a table of RPS / p50 / p99, ratios against nginx and added latency, plus time to first
# SSE byte, streaming at 1 and 512 paced streams, memory per connection/stream, the ledger's cost
# and a perf profile.
# Not a test: it never fails on a number. See bench/README.md.
#
# This file is the order of the stages. Each stage is one function in bench/stages/, the helpers
# they share are in bench/lib/*.sh; all are sourced, not run, because the stages share the
# targets' URLs, keys and pids, and one cleanup stops every process any of them started.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
LIB=$BENCH/lib
COMMAND="bench/run.sh${*:+ $*}"

for file in "$LIB"/*.sh "$BENCH"/stages/*.sh; do
  # shellcheck source=/dev/null
  source "$file"
done

parse_options "$@"
install_tools
build_binaries
open_run_dir
record_machine
start_upstreams
start_proxies
define_targets
check_targets
if [[ $SERVE == 1 ]]; then serve_targets; fi

run_matrix
if ! skipped ttfb; then run_ttfb; fi
if ! skipped perf; then run_profile; run_syscalls; fi
if ! skipped scale; then run_memory_and_scale; fi
# Streaming after the memory section: the 512-stream runs leave freed heap in creditgate that
# later connections would reuse, which would make the memory per connection read as zero.
if ! skipped streams; then run_streams; fi
if ! skipped ledger-alone; then run_ledger_alone; fi
write_report
