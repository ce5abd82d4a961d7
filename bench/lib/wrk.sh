# One wrk run, and one measured wrk run (a record in matrix.jsonl with the proxy's CPU and
# context switches over the run). Sourced by bench/run.sh.

# run_wrk LABEL URL KEY BODY CHUNKS CONNS SECONDS: one wrk run; output in $OUT/raw/LABEL.txt.
run_wrk() {
  local label=$1 url=$2 key=$3 body=$4 chunks=$5 conns=$6 seconds=$7
  BENCH_BODY=$body BENCH_KEY=$key BENCH_CHUNKS=$chunks taskset -c "$LOAD_CPUS" \
    wrk -t1 -c"$conns" -d"${seconds}s" --timeout 10s --latency -s "$LIB/post.lua" "$url" \
    >"$OUT/raw/$label.txt" 2>&1 || log "wrk failed for $label (see raw/$label.txt)"
}

rps_of() {  # RPS of a wrk run, 0 if any request failed
  "$PY" "$LIB/wrkparse.py" "$OUT/raw/$1.txt" |
    "$PY" -c 'import json,sys; r=json.load(sys.stdin); print(0 if r["errors"] else r["rps"])'
}

# measure TARGET SCENARIO ROUND: one wrk run, one record in $MATRIX (default matrix.jsonl).
# SCENARIO is json|stream-cCONNS[-free]; -free asks for the model priced "0".
measure() {
  local t=$1 scenario=$2 round=$3 body kind conns chunks label before after cs0 cs1 threads0="" threads1=""
  kind=${scenario%%-*}
  conns=${scenario#*-c}; conns=${conns%%-*}
  if [[ $kind == json ]]; then body=$JSON_BODY; chunks=""; else body=$STREAM_BODY; chunks=20; fi
  [[ $scenario == *-free ]] && body=$FREE_BODY
  label="r$round-$scenario-$t"
  # shellcheck disable=SC2086
  before=$(cpu_ticks ${PIDS_OF[$t]})
  # shellcheck disable=SC2086
  cs0=$(ctx_switches ${PIDS_OF[$t]})
  [[ $t == cg-1t ]] && threads0=$(thread_ticks "$CG1_PID")
  run_wrk "$label" "${URL[$t]}" "${KEY[$t]}" "$body" "$chunks" "$conns" "$DURATION"
  # shellcheck disable=SC2086
  after=$(cpu_ticks ${PIDS_OF[$t]})
  # shellcheck disable=SC2086
  cs1=$(ctx_switches ${PIDS_OF[$t]})
  [[ $t == cg-1t ]] && threads1=$(thread_ticks "$CG1_PID")
  "$PY" "$LIB/wrkparse.py" "$OUT/raw/$label.txt" target="$t" scenario="$scenario" \
    round="$round" conns="$conns" kind="$kind" threads0="$threads0" threads1="$threads1" --echo \
    cpu_ticks="$([[ -n ${PIDS_OF[$t]} ]] && echo $((after - before)))" \
    ctx_switches="$([[ -n ${PIDS_OF[$t]} ]] && echo $((cs1 - cs0)))" \
    >>"${MATRIX:-$OUT/matrix.jsonl}" || true
}
