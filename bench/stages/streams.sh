# Stage: streaming at 1 and $PACED_STREAMS paced streams. stream_probe keeps N streams live for
# the run's duration (after a 1 s warm-up over which the connections open) and times the first
# SSE event and the gaps between events. 1 stream is serial (latency pinning, as the time to
# first byte); N streams are load (throughput pinning, as the 32-connection runs). Each proxied
# stream holds two sockets. streams.jsonl. Sourced by bench/run.sh.

run_streams() {
  local many=$PACED_STREAMS delay_one delay_many round n delay t result
  if ((NOFILE < 2 * many + 64)); then
    many=$(((NOFILE - 64) / 2))
    log "streams: the open-file limit ($NOFILE) caps the many-streams run at $many"
  fi
  IFS=, read -r delay_one delay_many <<<"$PACED_DELAYS"
  for round in $(seq 1 "$ROUNDS"); do
    log "streaming, round $round/$ROUNDS (1 and $many streams, $PACED_CHUNKS chunks every\
 $delay_one / $delay_many ms, $DURATION s each after a 1 s warm-up)"
    round_order "$round"
    for n in 1 "$many"; do
      delay=$([[ $n == 1 ]] && echo "$delay_one" || echo "$delay_many")
      if [[ $n == 1 ]]; then latency_pinning; fi
      for t in "${ORDER[@]}"; do
        result=$(taskset -c "$LOAD_CPUS" "$STREAM_PROBE" --url "${PACED_URL[$t]}" --key "${KEY[$t]}" \
          --model mock-slow-stream --streams "$n" --duration $((DURATION + 1)) --warmup 1 \
          --chunks "$PACED_CHUNKS" --delay-ms "$delay" 2>>"$OUT/raw/streams.err") ||
          { log "stream_probe failed for $t at $n streams"; continue; }
        printf '{"round":%d,"target":"%s","streams":%d,"chunks":%d,"delay_ms":%d,"result":%s}\n' \
          "$round" "$t" "$n" "$PACED_CHUNKS" "$delay" "$result" >>"$OUT/streams.jsonl"
      done
      if [[ $n == 1 ]]; then throughput_pinning; fi
    done
  done
}
