# Stage: system calls per request, counted by `perf trace -s` (exact counts) during a JSON and
# a stream run at 32 connections: nginx's worker, and every creditgate threads 1 thread, named
# by role. The traced runs are slow and not in the table. perf/syscalls.jsonl. Sourced by
# bench/run.sh.

run_syscalls() {
  local scenario t pids trace trace_pid requests
  for scenario in json-c32 stream-c32; do
    for t in nginx cg-1t; do
      log "system calls per request: $t, $scenario"
      pids=$([[ $t == nginx ]] && echo "$NGINX_WORKER" || echo "$CG1_PID")
      trace=$OUT/perf/syscalls-$t-$scenario.txt
      taskset -c "$LOAD_CPUS" perf trace -s -p "$pids" -o "$trace" -- sleep "$((DURATION + 1))" \
        2>/dev/null &
      trace_pid=$!
      sleep 0.5
      MATRIX=$OUT/perf/runs.jsonl measure "$t" "$scenario" 0
      wait "$trace_pid" || true
      requests=$(tail -1 "$OUT/perf/runs.jsonl" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["requests"])')
      "$PY" "$LIB/syscalls.py" "$trace" "$requests" "$t" "$scenario" \
        >>"$OUT/perf/syscalls.jsonl" || log "could not read $trace"
    done
  done
}
