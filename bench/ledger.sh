#!/usr/bin/env bash
# The ledger alone: hold+settle pairs per second through the real writer and a real SQLite
# file, with `process` and `power` durability (bench/ledger/ledger_bench.cpp). Builds the
# Release binary first (scripts/build.sh, build dir build/), runs it, and saves the output under
# bench/results/ledger-<UTC time>/. Not a test: it fails only if the money does not add up.
# See bench/README.md ("Ledger alone").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COMMAND="bench/ledger.sh${*:+ $*}"
PAIRS=200000
LATENCY_PAIRS=20000
BUILD=1
LATENCY=1
EXTRA=()

usage() {
  cat <<'TXT'
Usage: bench/ledger.sh [options] [-- ledger_bench options]
  --quick         50,000 pairs per durability (default 200,000) and 5,000 for the latency run
  --pairs N       pairs per durability for the throughput run
  --no-latency    skip the second run with one pair in flight per client
  --no-build      use build/bench/ledger_bench as it is
Runs, for process and power durability:
  throughput: 2 client threads x 128 pairs in flight (ledger_bench defaults)
  latency:    2 client threads x 1 pair in flight (an almost idle ledger)
Anything after "--" goes to both ledger_bench runs (ledger_bench --help lists it).
TXT
}

while (($#)); do
  case $1 in
    --quick) PAIRS=50000; LATENCY_PAIRS=5000 ;;
    --pairs) PAIRS=$2; shift ;;
    --no-latency) LATENCY=0 ;;
    --no-build) BUILD=0 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "ledger.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[ledger-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

BIN=$ROOT/build/bench/ledger_bench
if [[ $BUILD == 1 ]]; then
  log "building Release (scripts/build.sh release ledger_bench)"
  "$ROOT/scripts/build.sh" release ledger_bench >&2
fi
[[ -x $BIN ]] || { echo "ledger.sh: $BIN missing (drop --no-build)" >&2; exit 1; }

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/bench/results/ledger-$RUN_ID
mkdir -p "$OUT"

busy_processes() {
  ps -eo stat=,comm= | awk '$1 ~ /^R/ && $2 != "ps" && $2 != "awk" {print $2}' | sort | uniq -c |
    sort -rn | head -6 | awk '{printf "%s%s×%s", (NR>1?", ":""), $2, $1}'
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
busy_before=$(busy_processes)
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
machine="$cpu_model, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),\
 Linux $(uname -r), $(df -PT /tmp | awk 'NR == 2 {print $2}') temp dir"
git_rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain -- src include bench/ledger 2>/dev/null | wc -l)
log "run ledger-$RUN_ID; load $load_before; busy: ${busy_before:-none}"

{
  echo "# ledger_bench run $RUN_ID"
  echo
  echo "- Command: \`$COMMAND\`"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Machine: $machine"
  echo "- creditgate: commit $git_rev$([[ $dirty -gt 0 ]] && echo " + $dirty uncommitted files")"
  echo "- Load average before: $load_before; other busy processes: ${busy_before:-none}"
} >"$OUT/summary.md"

status=0
log "throughput: $PAIRS pairs per durability, 2 clients x 128 in flight"
"$BIN" --pairs "$PAIRS" --json "$OUT/ledger.jsonl" "${EXTRA[@]}" >"$OUT/throughput.txt" || status=1
{ echo; echo "## Throughput (2 client threads × 128 pairs in flight)"; cat "$OUT/throughput.txt"; } >>"$OUT/summary.md"
if [[ $LATENCY == 1 ]]; then
  log "latency: $LATENCY_PAIRS pairs per durability, 2 clients x 1 in flight"
  "$BIN" --pairs "$LATENCY_PAIRS" --window 1 --json "$OUT/ledger.jsonl" "${EXTRA[@]}" \
    >"$OUT/latency.txt" || status=1
  { echo; echo "## Latency (2 client threads × 1 pair in flight)"; cat "$OUT/latency.txt"; } >>"$OUT/summary.md"
fi
echo "- Load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/summary.md"

cat "$OUT/summary.md"
log "results in ${OUT#"$ROOT"/}"
exit $status
