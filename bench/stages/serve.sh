# Stage (--serve only): print how to reach every target and wait until Ctrl-C, which stops
# them all. Sourced by bench/run.sh.

serve_targets() {
  local t
  for t in "${TARGETS[@]}"; do
    printf '%-7s %s  key=%s  pids=%s\n' "$t" "${URL[$t]}" "${KEY[$t]:-none}" "${PIDS_OF[$t]:-$UP_PIDS}"
  done
  printf 'wrk body: BENCH_BODY=%q\nstream: BENCH_BODY=%q BENCH_CHUNKS=20\n' "$JSON_BODY" "$STREAM_BODY"
  printf 'paced streams (model mock-slow-stream): direct %s, nginx %s, creditgates as above\n' \
    "${PACED_URL[direct]}" "${PACED_URL[nginx]}"
  printf 'e.g. BENCH_BODY=... BENCH_KEY=... taskset -c %s wrk -t1 -c32 -d5s -s %s URL\n' \
    "$LOAD_CPUS" "$LIB/post.lua"
  log "serving until Ctrl-C"
  # In the background so that the signal's trap runs at once; the cleanup stops it too.
  sleep infinity &
  PIDS+=($!)
  wait $!
}
