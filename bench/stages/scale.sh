# Stage: memory per connection and the scale run, against creditgate threads 1 (RSS and FDs from
# /proc): idle keep-alive connections (nginx too, for reference), live slow streams, then
# $STREAMS_BIG concurrent slow streams (capped by the FD limit). scale.json. Sourced by
# bench/run.sh.

scale_py() { taskset -c "$LOAD_CPUS" "$PY" "$LIB/conns.py" "$@" 2>>"$OUT/raw/scale.err"; }

run_memory_and_scale() {
  local idle_cg idle_nginx streams_cg streams_big big cap note="" keys=() nginx_pid_args=() p
  log "memory: idle keep-alive connections ($MEM_STEPS) on creditgate threads 1 and nginx"
  # 32 requests at a time, as in the wrk runs: the upstream pool does not grow past what the
  # benchmark already opened, so the slope is the client connection's own cost.
  idle_cg=$(scale_py idle --concurrency 32 --url "${URL[cg-1t]}" --key "$CG1_KEY" --pid "$CG1_PID" --steps "$MEM_STEPS") || idle_cg=null
  for p in $NGINX_PIDS; do nginx_pid_args+=(--pid "$p"); done
  idle_nginx=$(scale_py idle --concurrency 32 --url "${URL[nginx]}" "${nginx_pid_args[@]}" --steps "$MEM_STEPS") || idle_nginx=null

  # Holds are limited per account (10,000 open): spread the streams over several accounts.
  big=$STREAMS_BIG
  cap=$(((NOFILE - 256) / 2))
  if ((big > cap)); then
    note="Capped at $cap streams: the open-file limit here is $NOFILE (hard) and each proxied stream holds two sockets in creditgate."
    big=$cap
  fi
  for _ in $(seq 1 $(((big + 4999) / 5000))); do keys+=(--key "$(new_key cg1 | cut -d: -f2)"); done

  log "memory: live slow streams ($STREAM_STEPS, one chunk per ${SLOW_DELAY_MS} ms)"
  streams_cg=$(scale_py streams --url "${URL[cg-1t]}" "${keys[@]}" --pid "$CG1_PID" \
    --steps "$STREAM_STEPS" --model mock-slow-stream --delay-ms "$SLOW_DELAY_MS" \
    --chunks $((QUICK == 1 ? 8 : 20))) || streams_cg=null
  # Ramping up 10,000 streams can take longer than a stream lasts: these streams are long, the
  # client holds them all open for a while once all are live, checks each still receives its
  # chunk every second, then hangs up (creditgate settles them as client_closed).
  log "scale: $big concurrent slow streams"
  streams_big=$(scale_py streams --url "${URL[cg-1t]}" "${keys[@]}" --pid "$CG1_PID" \
    --steps "$big" --model mock-slow-stream --delay-ms "$SLOW_DELAY_MS" \
    --chunks 90 --hold-s $((QUICK == 1 ? 5 : 10)) --ramp-timeout-s 75 --concurrency 500) || streams_big=null
  cat >"$OUT/scale.json" <<JSON
{"idle_cg": $idle_cg, "idle_nginx": $idle_nginx, "streams_cg": $streams_cg,
 "streams_big_cg": $streams_big, "streams_big_requested": $STREAMS_BIG,
 "streams_big_note": $("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$note")}
JSON
}
