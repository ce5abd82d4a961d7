# Stage: the throughput and latency matrix. wrk against every target, JSON and stream, 32
# connections and 1 connection, for $ROUNDS interleaved rounds (target order rotated each
# round); each round ends with the ledger's share (the JSON run on a model priced "0").
# Records in matrix.jsonl. Sourced by bench/run.sh.

SCENARIOS=(json-c32 stream-c32 json-c1 stream-c1)

run_matrix() {
  local t round scenario
  log "warm-up"
  for t in "${TARGETS[@]}"; do
    run_wrk "warmup-json-$t" "${URL[$t]}" "${KEY[$t]}" "$JSON_BODY" "" 32 1
    run_wrk "warmup-stream-$t" "${URL[$t]}" "${KEY[$t]}" "$STREAM_BODY" 20 32 1
  done
  for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS"
    round_order "$round"
    for scenario in "${SCENARIOS[@]}"; do
      if [[ $scenario == *-c1 ]]; then latency_pinning; fi
      for t in "${ORDER[@]}"; do measure "$t" "$scenario" "$round"; done
      if [[ $scenario == *-c1 ]]; then throughput_pinning; fi
    done
    if ! skipped ledger; then
      # The ledger's share: the same JSON run on a model priced "0" (still held and settled,
      # see docs/performance.md), right after the priced one in the same round.
      measure cg-1t json-c32-free "$round"
    fi
  done
}
