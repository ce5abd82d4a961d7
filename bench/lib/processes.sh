# The run's directories and every process it starts: started pinned, waited for, and all stopped
# by one cleanup (also on Ctrl-C). Sourced by bench/run.sh.

PIDS=()

# open_run_dir: bench/results/<UTC time>/ for the results ($OUT), a temp dir for configs,
# databases and logs ($TMP, copied to $OUT/raw at the end), the cleanup trap, and as many file
# descriptors as allowed ($NOFILE): each proxied stream of the scale run holds two sockets.
open_run_dir() {
  RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
  OUT=$BENCH/results/$RUN_ID
  mkdir -p "$OUT/raw" "$OUT/perf"
  TMP=$(mktemp -d /tmp/creditgate-bench.XXXXXX)
  chmod 755 "$TMP"  # nginx workers (not root) reach their temp dirs in here
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  NOFILE=$(ulimit -n)
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  cp "$TMP"/*.err "$TMP"/*.err.log "$TMP"/*.conf "$TMP"/*.json "$TMP"/replies/* "$OUT/raw/" \
    2>/dev/null || true
  rm -rf "$TMP"
  exit "$status"
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start NAME CPUS CMD...: starts CMD pinned to CPUS; stdout/stderr in $TMP/NAME.{out,err}.
start() {
  local name=$1 cpus=$2
  shift 2
  taskset -c "$cpus" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PIDS+=($!)
  LAST_PID=$!
}

# wait_for PID FILE PATTERN: waits until FILE contains PATTERN, or fails if PID died.
wait_for() {
  local pid=$1 file=$2 pattern=$3
  for _ in $(seq 1 400); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      log "process $pid exited before '$pattern':"; cat "${file%.out}.err" "$file" >&2 || true
      exit 1
    fi
    sleep 0.05
  done
  log "timed out waiting for '$pattern' in $file"; exit 1
}

wait_port() {  # wait_port PID PORT
  for _ in $(seq 1 400); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  log "nothing listens on port $2 (process $1: $(kill -0 "$1" 2>/dev/null && echo alive || echo exited))"
  cat "$TMP"/*.err.log >&2 2>/dev/null || true
  exit 1
}
