# Stage: the four targets every measurement compares (direct, nginx, creditgate threads 1,
# creditgate default threads): their URLs, keys and pids, and a check that each answers both
# shapes before anything is measured. Sourced by bench/run.sh.

declare -A URL KEY PIDS_OF PACED_URL
TARGETS=(direct nginx cg-1t cg-def)

define_targets() {
  local path=/v1/chat/completions
  URL[direct]=http://127.0.0.1:$UP_PORT$path;   KEY[direct]="";       PIDS_OF[direct]=""
  URL[nginx]=http://127.0.0.1:$NGINX_PORT$path; KEY[nginx]="";        PIDS_OF[nginx]=$NGINX_PIDS
  URL[cg-1t]=http://127.0.0.1:$CG1_PORT$path;   KEY[cg-1t]=$CG1_KEY;  PIDS_OF[cg-1t]=$CG1_PID
  URL[cg-def]=http://127.0.0.1:$CGD_PORT$path;  KEY[cg-def]=$CGD_KEY; PIDS_OF[cg-def]=$CGD_PID
  # Paced streams come from the mock (model mock-slow-stream, which it paces by x-mock-delay-ms),
  # whichever upstream the rest uses: directly, through nginx's second server, and through
  # creditgate's "mock" provider (mock-slow-stream is priced like mock-fixed).
  PACED_URL[direct]=http://127.0.0.1:$MOCK_PORT$path
  PACED_URL[nginx]=http://127.0.0.1:$NGINX_PACED_PORT$path
  PACED_URL[cg-1t]=${URL[cg-1t]}
  PACED_URL[cg-def]=${URL[cg-def]}
  PINNING="wrk, the upstream and the bench clients on CPU $LOAD_CPUS; nginx (1 worker) and creditgate\
 threads=1 (all its threads: I/O, ledger writer, log) on CPU $PROXY_CPUS; creditgate default threads\
 ($NCPU I/O threads) unpinned on CPUs $ALL_CPUS, sharing with wrk and the upstream"
  if [[ $LATENCY_CPUS == same && $NCPU -gt 1 ]]; then
    PINNING="$PINNING. 1-connection, time-to-first-byte and 1-stream streaming runs: every\
 process, proxies included, on CPU $LOAD_CPUS (no cross-CPU wake-ups)"
  fi
}

# check_targets: every target answers both shapes with 200 (the stream ends with [DONE]), and
# creditgate charged the request (x-creditgate-cost).
check_targets() {
  local t auth headers
  for t in "${TARGETS[@]}"; do
    auth=(); [[ -n ${KEY[$t]} ]] && auth=(-H "Authorization: Bearer ${KEY[$t]}")
    headers=$(curl -fsS -o /dev/null -D - "${URL[$t]}" "${auth[@]}" -H 'Content-Type: application/json' \
      -d "$JSON_BODY") || { log "$t: JSON request failed"; exit 1; }
    curl -fsS -o "$TMP/sanity-$t.sse" "${URL[$t]}" "${auth[@]}" -H 'Content-Type: application/json' \
      -H 'x-mock-chunks: 20' -d "$STREAM_BODY" || { log "$t: stream request failed"; exit 1; }
    grep -q 'data: \[DONE\]' "$TMP/sanity-$t.sse" || { log "$t: stream has no [DONE]"; exit 1; }
    if [[ $t == cg-* ]] && ! grep -qi '^x-creditgate-cost:' <<<"$headers"; then
      log "$t: no x-creditgate-cost header: is the ledger settling?"; exit 1
    fi
  done
  log "targets up: upstream :$UP_PORT ($UPSTREAM), nginx :$NGINX_PORT, creditgate-1t :$CG1_PORT, creditgate-default :$CGD_PORT"
}
