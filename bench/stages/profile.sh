# Stage: where creditgate threads 1 spends its CPU. perf record (DWARF stacks) during a JSON and
# a stream run at 32 connections, folded into a flame graph, top functions and shares by
# library under perf/. The profiled runs are not in the table (perf slows the process down).
# Sourced by bench/run.sh.

run_profile() {
  local scenario data perf_pid
  for scenario in json-c32 stream-c32; do
    log "perf: creditgate threads 1, $scenario"
    data=$OUT/perf/$scenario.data
    taskset -c "$LOAD_CPUS" perf record -q -F 499 --call-graph dwarf,16384 -o "$data" -p "$CG1_PID" \
      -- sleep "$((DURATION > 2 ? DURATION - 1 : DURATION))" 2>"$OUT/perf/$scenario.record.log" &
    perf_pid=$!
    sleep 0.3
    MATRIX=$OUT/perf/runs.jsonl measure cg-1t "$scenario" 0
    wait "$perf_pid" || log "perf record failed (see perf/$scenario.record.log)"
    perf report -i "$data" --stdio --no-children --sort dso -g none --percent-limit 0.5 \
      >"$OUT/perf/dso-$scenario.txt" 2>/dev/null || true
    perf script -i "$data" 2>/dev/null | "$PY" "$LIB/flame.py" --folded "$OUT/perf/$scenario.folded" \
      --svg "$OUT/perf/flame-$scenario.svg" --top "$OUT/perf/top-$scenario.txt" --limit 20 \
      --title "creditgate threads=1, $scenario, $(date -u +%F)" || log "flame graph failed"
    rm -f "$data"  # large; the folded stacks keep what the graph needs
  done
}
