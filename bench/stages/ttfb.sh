# Stage: time to first SSE byte at one stream, unpaced. stream_probe sends streamed requests one
# after the other on one keep-alive connection (1,000 measured per target and round, 200 with
# --quick, after 0.2 s of warm-up) and times the first data: event and the whole stream.
# Serial, so on one CPU (latency pinning). Records in ttfb.jsonl. Sourced by bench/run.sh.

run_ttfb() {
  local n=$((QUICK == 1 ? 200 : 1000)) round t result
  latency_pinning
  for round in $(seq 1 "$ROUNDS"); do
    log "time to first byte, round $round/$ROUNDS ($n streams per target, one at a time)"
    round_order "$round"
    for t in "${ORDER[@]}"; do
      # --duration only bounds a target too slow for $n streams.
      result=$(taskset -c "$LOAD_CPUS" "$STREAM_PROBE" --url "${URL[$t]}" --key "${KEY[$t]}" \
        --streams 1 --requests "$n" --warmup 0.2 --duration 60 2>>"$OUT/raw/ttfb.err") ||
        { log "ttfb failed for $t"; continue; }
      printf '{"round":%d,"target":"%s","result":%s}\n' "$round" "$t" "$result" >>"$OUT/ttfb.jsonl"
    done
  done
  throughput_pinning
}
