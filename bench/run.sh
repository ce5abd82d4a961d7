#!/usr/bin/env bash
# creditgate benchmark (issue 6). One command, everything on loopback, everything started and
# stopped here. Compares one upstream reached directly, through nginx and through creditgate;
# prints a table of RPS / p50 / p99, ratios against nginx and added latency, plus time to first
# SSE byte, streaming at 1 and 512 paced streams, memory per connection/stream, the ledger's cost
# and a perf profile.
# Not a test: it never fails on a number. See bench/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
LIB=$BENCH/lib
COMMAND="bench/run.sh${*:+ $*}"

ROUNDS=3
DURATION=5
UPSTREAM=auto
BUILD_DIR=$ROOT/build-bench
FORCE_BUILD=0
DOCS=auto
SKIP=""
MEM_STEPS=1000,2000
STREAM_STEPS=1000,2000
STREAMS_BIG=10000
SLOW_DELAY_MS=1000
PACED_STREAMS=512      # the "many" of the streaming section (issue 6: 1 and 512 streams)
PACED_CHUNKS=20
PACED_DELAYS=10,50     # ms between paced chunks at 1 stream, at $PACED_STREAMS streams
QUICK=0
SERVE=0
LATENCY_CPUS=same
NCPU=$(nproc)
PROXY_CPUS=0
LOAD_CPUS=$((NCPU > 1 ? 1 : 0))
ALL_CPUS=0-$((NCPU - 1))

usage() {
  cat <<'TXT'
Usage: bench/run.sh [options]
  --quick            smoke run: 1 round of 2 s, small memory steps, 1,000 streams, docs untouched
  --rounds N         interleaved rounds (default 3)
  --duration S       seconds per wrk run (default 5)
  --upstream U       auto | nginx | mock (default auto: the faster one, measured first)
  --skip LIST        comma list of: ttfb, streams, perf, scale, ledger, ledger-alone
  --paced-delays D1,DN  streaming section: ms between the upstream's chunks at 1 stream and at
                     512 streams (default 10,50; 20 chunks per stream)
  --streams N        slow streams for the scale run (default 10000; capped by the FD limit)
  --build            run ninja even if the binaries exist (default: build only if missing)
  --build-dir DIR    Release build directory (default build-bench)
  --docs | --no-docs write docs/performance.md or not (default: yes, except with --quick)
  --latency-cpus C  where 1-connection runs and the time-to-first-byte client run: "same" (default:
                     every process on the load CPU, see README) or "split" (as the 32-conn runs)
  --serve            start everything, print URLs, keys and pids, and wait (Ctrl-C stops all):
                     for profiling or poking at the targets by hand
TXT
}

while (($#)); do
  case $1 in
    --quick) QUICK=1; ROUNDS=1; DURATION=2; MEM_STEPS=200,400; STREAM_STEPS=200,400
             STREAMS_BIG=1000 ;;
    --rounds) ROUNDS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --upstream) UPSTREAM=$2; shift ;;
    --skip) SKIP=$2; shift ;;
    --streams) STREAMS_BIG=$2; shift ;;
    --paced-delays) PACED_DELAYS=$2; shift ;;
    --build) FORCE_BUILD=1 ;;
    --build-dir) BUILD_DIR=$2; shift ;;
    --docs) DOCS=yes ;;
    --no-docs) DOCS=no ;;
    --serve) SERVE=1 ;;
    --latency-cpus) LATENCY_CPUS=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[[ $DOCS == auto ]] && DOCS=$([[ $QUICK == 1 ]] && echo no || echo yes)
case $UPSTREAM in auto|nginx|mock) ;; *) echo "run.sh: --upstream auto|nginx|mock" >&2; exit 2 ;; esac
skipped() { [[ ",$SKIP," == *",$1,"* ]]; }

# Debian's interpreter, not a pyenv shim (which costs seconds per call on a loaded machine).
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- Tools --------------------------------------------------------------------------------------

need=(wrk:wrk nginx:nginx curl:curl python3:python3 taskset:util-linux)
skipped perf || need+=(perf:linux-perf)
missing=()
for pair in "${need[@]}"; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

CG=$BUILD_DIR/creditgate
MOCK=$BUILD_DIR/tests/mock_upstream/mock_upstream
LEDGER_BENCH=$BUILD_DIR/bench/ledger_bench
STREAM_PROBE=$BUILD_DIR/bench/stream_probe
if [[ $FORCE_BUILD == 1 || ! -x $CG || ! -x $MOCK ]] ||
  { ! skipped ledger-alone && [[ ! -x $LEDGER_BENCH ]]; } ||
  { ! skipped streams && [[ ! -x $STREAM_PROBE ]]; }; then
  log "building Release in $BUILD_DIR"
  command -v cmake >/dev/null && command -v ninja >/dev/null || "$ROOT/scripts/install-deps.sh" --test
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCREDITGATE_TESTS=ON \
    -DCREDITGATE_BENCH=ON >/dev/null
  ninja -C "$BUILD_DIR" creditgate mock_upstream $(skipped ledger-alone || echo ledger_bench) \
    $(skipped streams || echo stream_probe)
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
[[ $build_type == Release ]] || log "warning: $BUILD_DIR is a '$build_type' build, not Release"

# --- Run directory, processes, cleanup ----------------------------------------------------------

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$BENCH/results/$RUN_ID
mkdir -p "$OUT/raw" "$OUT/perf"
TMP=$(mktemp -d /tmp/creditgate-bench.XXXXXX)
chmod 755 "$TMP"  # nginx workers (not root) read the upstream bodies from here
PIDS=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  cp "$TMP"/*.err "$TMP"/*.err.log "$TMP"/*.conf "$TMP"/*.json "$TMP"/www/* "$OUT/raw/" 2>/dev/null || true
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Many connections for the scale run: each proxied stream holds two sockets in the proxy.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)

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

cpu_ticks() {  # utime + stime of the given pids (and their threads), in clock ticks
  local total=0 pid f
  for pid in "$@"; do
    f=$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + $(awk '{print $12 + $13}' <<<"$f")))
  done
  echo "$total"
}

ctx_switches() {  # voluntary + involuntary context switches of all threads of the given pids
  local pid total=0
  for pid in "$@"; do
    total=$((total + $(cat /proc/"$pid"/task/*/status 2>/dev/null |
      awk '/ctxt_switches/ {n += $2} END {print n + 0}')))
  done
  echo "$total"
}

thread_ticks() {  # name:ticks for each thread of a pid (creditgate names its threads by role)
  local pid=$1 tid out=()
  for tid in $(ls "/proc/$pid/task" | sort -n); do
    out+=("$(tr -d ' ' <"/proc/$pid/task/$tid/comm"):$(cut -d')' -f2- "/proc/$pid/task/$tid/stat" | awk '{print $12 + $13}')")
  done
  local IFS=,
  echo "${out[*]}"
}

# --- Metadata ----------------------------------------------------------------------------------

busy_processes() {
  # (awk, not grep -v: grep exits 1 when nothing else is running, which pipefail would make fatal)
  ps -eo stat=,comm= | awk '$1 ~ /^R/ && $2 != "ps" && $2 != "awk" {print $2}' | sort | uniq -c |
    sort -rn | head -6 | awk '{printf "%s%s×%s", (NR>1?", ":""), $2, $1}'
}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY_BEFORE=$(busy_processes)
BUSY_BEFORE=${BUSY_BEFORE:-none}
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
wrk_version=$( (wrk -v 2>&1 || true) | awk 'NR == 1 {print $2}')
MACHINE="$cpu_model, $NCPU cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),\
 Linux $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo ?),\
 $(nginx -v 2>&1 | sed 's/.*: //'), wrk $wrk_version"
git_rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain -- src include CMakeLists.txt cmake 2>/dev/null | wc -l)
CG_VERSION="commit $git_rev$([[ $dirty -gt 0 ]] && echo " + $dirty uncommitted files in src/include/cmake"),\
 binary built $(date -u -r "$CG" +%Y-%m-%dT%H:%MZ) ($build_type)"
log "run $RUN_ID: $ROUNDS rounds x $DURATION s; load $LOAD_BEFORE; busy: $BUSY_BEFORE"

# --- Upstreams ----------------------------------------------------------------------------------

export BENCH_PROVIDER_KEY=bench-provider-key
export CREDITGATE_ADMIN_TOKEN=bench-admin-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')

start mock "$LOAD_CPUS" "$MOCK" --listen 127.0.0.1:0 --threads 1
MOCK_PID=$LAST_PID
wait_for "$MOCK_PID" "$TMP/mock.out" listening
MOCK_PORT=$(sed -n 's/.*listening 127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/mock.out")

JSON_BODY=$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import httpc
print(httpc.chat_body("mock-fixed", False))' "$LIB")
STREAM_BODY=$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import httpc
print(httpc.chat_body("mock-fixed", True))' "$LIB")
FREE_BODY=${JSON_BODY/mock-fixed/mock-free}

# Fixed upstream bodies for nginx, recorded from the mock: the SSE stream includes the usage
# chunk (creditgate asks for it and needs it to settle).
mkdir -p "$TMP/www"
curl -fsS "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" -H 'Content-Type: application/json' \
  -d "$JSON_BODY" -o "$TMP/www/body.json"
curl -fsS "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" -H 'Content-Type: application/json' \
  -H 'x-mock-chunks: 20' -o "$TMP/www/body.sse" \
  -d '{"model":"mock-fixed","messages":[{"role":"user","content":"hello"}],"stream":true,"stream_options":{"include_usage":true}}'

nginx_common() {  # NAME: the settings both nginx instances share
  cat <<CONF
worker_processes 1;
daemon off;
pid $TMP/$1.pid;
error_log $TMP/$1.err.log warn;
worker_rlimit_nofile $NOFILE;
events { worker_connections $((NOFILE - 64)); }
CONF
}

STATIC_PORT=""
start_static_nginx() {
  STATIC_PORT=$(free_port)
  {
    nginx_common static
    cat <<CONF
http {
  access_log off;
  client_body_temp_path $TMP/static-body;
  keepalive_requests 10000000;
  keepalive_timeout 600s;
  server {
    listen 127.0.0.1:$STATIC_PORT;
    root $TMP/www;
    open_file_cache max=16;
    # The x-mock-chunks header (sent for streams) picks the SSE body. The bodies are too long
    # for "return 200 '...'" (4 KiB per config token), so they are files; the static module
    # refuses POST with 405, which error_page turns into a 200 with the file.
    location = /v1/chat/completions {
      if (\$http_x_mock_chunks) { rewrite ^ /body.sse last; }
      rewrite ^ /body.json last;
    }
    location = /body.json { internal; default_type application/json; error_page 405 =200 \$uri; }
    location = /body.sse { internal; default_type text/event-stream; error_page 405 =200 \$uri; }
  }
}
CONF
  } >"$TMP/static.conf"
  start static "$LOAD_CPUS" nginx -p "$TMP" -c "$TMP/static.conf"
  STATIC_PID=$LAST_PID
  wait_port "$STATIC_PID" "$STATIC_PORT"
}

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

if [[ $UPSTREAM != mock ]]; then start_static_nginx; fi
CALIBRATION=""
if [[ $UPSTREAM == auto ]]; then
  # The upstream must not be the bottleneck: measure both directly, keep the faster.
  declare -A cal
  for u in mock static; do
    port=$([[ $u == mock ]] && echo "$MOCK_PORT" || echo "$STATIC_PORT")
    for kind in json stream; do
      body=$([[ $kind == json ]] && echo "$JSON_BODY" || echo "$STREAM_BODY")
      chunks=$([[ $kind == json ]] && echo "" || echo 20)
      run_wrk "calibrate-$u-$kind" "http://127.0.0.1:$port/v1/chat/completions" "" "$body" \
        "$chunks" 32 2
      cal[$u-$kind]=$(rps_of "calibrate-$u-$kind")
    done
  done
  better=$("$PY" -c 'import sys; m=float(sys.argv[1])*float(sys.argv[2]); s=float(sys.argv[3])*float(sys.argv[4]); print("nginx" if s>=m else "mock")' \
    "${cal[mock-json]}" "${cal[mock-stream]}" "${cal[static-json]}" "${cal[static-stream]}")
  CALIBRATION="direct RPS at 32 conns, JSON/stream: mock_upstream ${cal[mock-json]%.*}/${cal[mock-stream]%.*},\
 nginx static ${cal[static-json]%.*}/${cal[static-stream]%.*}"
  log "upstream calibration: $CALIBRATION -> $better"
  UPSTREAM=$better
fi
if [[ $UPSTREAM == nginx ]]; then
  UP_PORT=$STATIC_PORT
  UP_PIDS="$STATIC_PID $(pgrep -P "$STATIC_PID" | tr '\n' ' ')"
  UP_DESC="nginx, 1 worker, serving the recorded mock replies as static files (error_page 405 =200)"
else
  [[ -n $STATIC_PORT ]] && kill -TERM "$STATIC_PID"
  UP_PORT=$MOCK_PORT
  UP_PIDS=$MOCK_PID
  UP_DESC="mock_upstream --threads 1 (Release)"
fi
UP_DESC="$UP_DESC: JSON $(wc -c <"$TMP/www/body.json") B, SSE $(wc -c <"$TMP/www/body.sse") B\
 (20 content chunks + finish + usage + [DONE])${CALIBRATION:+; chosen by $CALIBRATION}"

# --- Proxies ------------------------------------------------------------------------------------

NGINX_PORT=$(free_port)
NGINX_PACED_PORT=$(free_port)
{
  nginx_common proxy
  cat <<CONF
http {
  access_log off;
  client_body_temp_path $TMP/proxy-body;
  proxy_temp_path $TMP/proxy-temp;
  keepalive_requests 10000000;
  keepalive_timeout 600s;
  upstream bench_upstream {
    server 127.0.0.1:$UP_PORT;
    keepalive 256;
    keepalive_requests 10000000;
    keepalive_timeout 600s;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
  # Paced streams (streaming section): only the mock can pace chunks, whichever upstream the
  # rest of the run uses. Same settings, second port.
  upstream paced_upstream {
    server 127.0.0.1:$MOCK_PORT;
    keepalive 256;
    keepalive_requests 10000000;
    keepalive_timeout 600s;
  }
  server {
    listen 127.0.0.1:$NGINX_PACED_PORT;
    location / {
      proxy_pass http://paced_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
CONF
} >"$TMP/proxy.conf"
start nginx "$PROXY_CPUS" nginx -p "$TMP" -c "$TMP/proxy.conf"
NGINX_PID=$LAST_PID
wait_port "$NGINX_PID" "$NGINX_PORT"
wait_port "$NGINX_PID" "$NGINX_PACED_PORT"
NGINX_PIDS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1)

# start_creditgate NAME THREADS CPUS: a creditgate with its own SQLite file in $TMP/NAME/.
start_creditgate() {
  local name=$1 threads=$2 cpus=$3 price
  mkdir -p "$TMP/$name"
  price='"input": "0.15", "cached_input": "0.075", "output": "0.60", "max_output_tokens": 16384'
  cat >"$TMP/$name.json" <<CONF
{
  "listen": "127.0.0.1:0",
  "admin": { "listen": "127.0.0.1:0", "token_env": "CREDITGATE_ADMIN_TOKEN" },
  "database": { "sqlite": "$TMP/$name/ledger.db" },
  "threads": $threads,
  "limits": { "client_idle_ms": 600000, "upstream_idle_ms": 120000 },
  "markup": { "percent": "10", "fixed": "0" },
  "providers": {
    "bench": { "base_url": "http://127.0.0.1:$UP_PORT/v1", "api_key_env": "BENCH_PROVIDER_KEY" },
    "mock":  { "base_url": "http://127.0.0.1:$MOCK_PORT/v1", "api_key_env": "BENCH_PROVIDER_KEY" }
  },
  "models": {
    "mock-fixed":       { "provider": "bench", "upstream_model": "mock-fixed", $price },
    "mock-free":        { "provider": "bench", "upstream_model": "mock-fixed", "input": "0",
                          "output": "0", "max_output_tokens": 16384 },
    "mock-slow-stream": { "provider": "mock", "upstream_model": "mock-slow-stream", $price }
  }
}
CONF
  # The access log (one JSON line per request) is written, to /dev/null: its cost is measured,
  # the disk is not.
  taskset -c "$cpus" "$CG" serve --config "$TMP/$name.json" >"$TMP/$name.out" 2>/dev/null &
  PIDS+=($!)
  LAST_PID=$!
  for _ in $(seq 1 200); do
    grep -q listening "$TMP/$name.out" 2>/dev/null && break
    if ! kill -0 "$LAST_PID" 2>/dev/null; then
      log "creditgate $name did not start; check-config says:"
      "$CG" check-config --config "$TMP/$name.json" >&2 || true
      exit 1
    fi
    sleep 0.05
  done
  grep -q listening "$TMP/$name.out" || { log "creditgate $name did not start"; exit 1; }
}
cg_public() { sed -n 's/.*public=127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/$1.out"; }
cg_admin() { sed -n 's/.*admin=127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/$1.out"; }

admin() {  # admin NAME METHOD PATH [BODY] [extra curl args...]
  local name=$1 method=$2 path=$3 body=${4:-}
  shift 4 || shift $#
  curl -fsS -X "$method" "http://127.0.0.1:$(cg_admin "$name")$path" \
    -H "Authorization: Bearer $CREDITGATE_ADMIN_TOKEN" -H 'Content-Type: application/json' \
    ${body:+-d "$body"} "$@"
}
field() { "$PY" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# new_key NAME: a real account, a real key and a real top-up over the admin API; prints the key.
new_key() {
  local name=$1 account key
  account=$(admin "$name" POST /admin/accounts '{"name":"bench"}' | field id)
  key=$(admin "$name" POST "/admin/accounts/$account/keys" '{"name":"bench"}' | field key)
  admin "$name" POST "/admin/accounts/$account/topups" '{"amount":"1000000"}' \
    -H "Idempotency-Key: bench-$account" >/dev/null
  echo "$account:$key"
}

start_creditgate cg1 1 "$PROXY_CPUS"
CG1_PID=$LAST_PID
start_creditgate cgd 0 "$ALL_CPUS"
CGD_PID=$LAST_PID
IFS=: read -r CG1_ACCOUNT CG1_KEY <<<"$(new_key cg1)"
IFS=: read -r CGD_ACCOUNT CGD_KEY <<<"$(new_key cgd)"
CG1_PORT=$(cg_public cg1)
CGD_PORT=$(cg_public cgd)

declare -A URL KEY PIDS_OF
URL[direct]=http://127.0.0.1:$UP_PORT/v1/chat/completions;  KEY[direct]="";       PIDS_OF[direct]=""
URL[nginx]=http://127.0.0.1:$NGINX_PORT/v1/chat/completions; KEY[nginx]="";        PIDS_OF[nginx]=$NGINX_PIDS
URL[cg-1t]=http://127.0.0.1:$CG1_PORT/v1/chat/completions;  KEY[cg-1t]=$CG1_KEY;  PIDS_OF[cg-1t]=$CG1_PID
URL[cg-def]=http://127.0.0.1:$CGD_PORT/v1/chat/completions; KEY[cg-def]=$CGD_KEY; PIDS_OF[cg-def]=$CGD_PID
TARGETS=(direct nginx cg-1t cg-def)
# Paced streams come from the mock (model mock-slow-stream, which it paces by x-mock-delay-ms),
# whichever upstream the rest uses: directly, through nginx's second server, and through
# creditgate's "mock" provider (mock-slow-stream is priced like mock-fixed).
declare -A PACED_URL
PACED_URL[direct]=http://127.0.0.1:$MOCK_PORT/v1/chat/completions
PACED_URL[nginx]=http://127.0.0.1:$NGINX_PACED_PORT/v1/chat/completions
PACED_URL[cg-1t]=${URL[cg-1t]}
PACED_URL[cg-def]=${URL[cg-def]}
PINNING="wrk, the upstream and the bench clients on CPU $LOAD_CPUS; nginx (1 worker) and creditgate\
 threads=1 (all its threads: I/O, ledger writer, log) on CPU $PROXY_CPUS; creditgate default threads\
 ($NCPU I/O threads) unpinned on CPUs $ALL_CPUS, sharing with wrk and the upstream"
[[ $LATENCY_CPUS == same && $NCPU -gt 1 ]] && PINNING="$PINNING. 1-connection, time-to-first-byte\
 and 1-stream streaming runs: every process, proxies included, on CPU $LOAD_CPUS (no cross-CPU wake-ups)"

# 1-connection runs are serial: one CPU is enough, and keeping every process on one CPU keeps
# cross-CPU wake-ups out of the latency. On a VM those cost 100s of µs (a halted vCPU has to be
# woken by an IPI through the hypervisor) and swamp what a proxy adds. The proxies are moved
# (all threads) to the load CPU for these runs and back afterwards.
pin_proxies() {  # pin_proxies CPUS-for-the-pinned-proxies CPUS-for-the-default-creditgate
  [[ $LATENCY_CPUS == same && $NCPU -gt 1 ]] || return 0
  local pid
  for pid in $NGINX_PIDS $CG1_PID; do taskset -a -p -c "$1" "$pid" >/dev/null; done
  taskset -a -p -c "$2" "$CGD_PID" >/dev/null
}
latency_pinning() { pin_proxies "$LOAD_CPUS" "$LOAD_CPUS"; }
throughput_pinning() { pin_proxies "$PROXY_CPUS" "$ALL_CPUS"; }

# Sanity: every target answers both shapes with 200 before anything is measured, and creditgate
# charged the request (x-creditgate-cost).
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

if [[ $SERVE == 1 ]]; then
  for t in "${TARGETS[@]}"; do
    printf '%-7s %s  key=%s  pids=%s\n' "$t" "${URL[$t]}" "${KEY[$t]:-none}" "${PIDS_OF[$t]:-$UP_PIDS}"
  done
  printf 'wrk body: BENCH_BODY=%q\nstream: BENCH_BODY=%q BENCH_CHUNKS=20\n' "$JSON_BODY" "$STREAM_BODY"
  printf 'paced streams (model mock-slow-stream): direct %s, nginx %s, creditgates as above\n' \
    "${PACED_URL[direct]}" "${PACED_URL[nginx]}"
  printf 'e.g. BENCH_BODY=... BENCH_KEY=... taskset -c %s wrk -t1 -c32 -d5s -s %s URL\n' \
    "$LOAD_CPUS" "$LIB/post.lua"
  log "serving until Ctrl-C"
  while :; do sleep 3600 & wait $!; done
fi

# --- Throughput and latency matrix --------------------------------------------------------------

# measure TARGET SCENARIO ROUND [MODEL-BODY]: one wrk run, one record in matrix.jsonl.
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

log "warm-up"
for t in "${TARGETS[@]}"; do
  run_wrk "warmup-json-$t" "${URL[$t]}" "${KEY[$t]}" "$JSON_BODY" "" 32 1
  run_wrk "warmup-stream-$t" "${URL[$t]}" "${KEY[$t]}" "$STREAM_BODY" 20 32 1
done

SCENARIOS=(json-c32 stream-c32 json-c1 stream-c1)
for round in $(seq 1 "$ROUNDS"); do
  log "round $round/$ROUNDS"
  # Rotate the target order each round so no target always runs first or last.
  order=("${TARGETS[@]:$(((round - 1) % 4))}" "${TARGETS[@]:0:$(((round - 1) % 4))}")
  for scenario in "${SCENARIOS[@]}"; do
    if [[ $scenario == *-c1 ]]; then latency_pinning; fi
    for t in "${order[@]}"; do measure "$t" "$scenario" "$round"; done
    if [[ $scenario == *-c1 ]]; then throughput_pinning; fi
  done
  if ! skipped ledger; then
    # The ledger's share: the same JSON run on a model priced "0" (still held and settled,
    # see docs/performance.md), right after the priced one in the same round.
    measure cg-1t json-c32-free "$round"
  fi
done

# --- Time to first SSE byte ---------------------------------------------------------------------

if ! skipped ttfb; then
  latency_pinning
  n=$((QUICK == 1 ? 200 : 1000))
  for round in $(seq 1 "$ROUNDS"); do
    log "time to first byte, round $round/$ROUNDS ($n streams per target, one at a time)"
    order=("${TARGETS[@]:$(((round - 1) % 4))}" "${TARGETS[@]:0:$(((round - 1) % 4))}")
    for t in "${order[@]}"; do
      result=$(taskset -c "$LOAD_CPUS" "$PY" "$LIB/ttfb.py" --url "${URL[$t]}" --key "${KEY[$t]}" \
        -n "$n" 2>>"$OUT/raw/ttfb.err") || { log "ttfb failed for $t"; continue; }
      printf '{"round":%d,"target":"%s","result":%s}\n' "$round" "$t" "$result" >>"$OUT/ttfb.jsonl"
    done
  done
  throughput_pinning
fi

# --- Profile ------------------------------------------------------------------------------------

if ! skipped perf; then
  for scenario in json-c32 stream-c32; do
    log "perf: creditgate threads 1, $scenario"
    data=$OUT/perf/$scenario.data
    taskset -c "$LOAD_CPUS" perf record -q -F 499 --call-graph dwarf,16384 -o "$data" -p "$CG1_PID" \
      -- sleep "$((DURATION > 2 ? DURATION - 1 : DURATION))" 2>"$OUT/perf/$scenario.record.log" &
    perf_pid=$!
    sleep 0.3
    # The profiled run is not part of the matrix (perf slows the process down).
    MATRIX=$OUT/perf/runs.jsonl measure cg-1t "$scenario" 0
    wait "$perf_pid" || log "perf record failed (see perf/$scenario.record.log)"
    perf report -i "$data" --stdio --no-children --sort dso -g none --percent-limit 0.5 \
      >"$OUT/perf/dso-$scenario.txt" 2>/dev/null || true
    perf script -i "$data" 2>/dev/null | "$PY" "$LIB/flame.py" --folded "$OUT/perf/$scenario.folded" \
      --svg "$OUT/perf/flame-$scenario.svg" --top "$OUT/perf/top-$scenario.txt" --limit 20 \
      --title "creditgate threads=1, $scenario, $(date -u +%F)" || log "flame graph failed"
    rm -f "$data"  # large; the folded stacks keep what the graph needs
  done
  # System calls per request, counted by `perf trace -s` (exact counts; the traced run is slow
  # and is not in the table). nginx: its worker; creditgate: every thread, named by role.
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
fi

# --- Memory and scale ---------------------------------------------------------------------------

if ! skipped scale; then
  scale_py() { taskset -c "$LOAD_CPUS" "$PY" "$LIB/conns.py" "$@" 2>>"$OUT/raw/scale.err"; }
  log "memory: idle keep-alive connections ($MEM_STEPS) on creditgate threads 1 and nginx"
  # 32 requests at a time, as in the wrk runs: the upstream pool does not grow past what the
  # benchmark already opened, so the slope is the client connection's own cost.
  idle_cg=$(scale_py idle --concurrency 32 --url "${URL[cg-1t]}" --key "$CG1_KEY" --pid "$CG1_PID" --steps "$MEM_STEPS") || idle_cg=null
  nginx_pid_args=(); for p in $NGINX_PIDS; do nginx_pid_args+=(--pid "$p"); done
  idle_nginx=$(scale_py idle --concurrency 32 --url "${URL[nginx]}" "${nginx_pid_args[@]}" --steps "$MEM_STEPS") || idle_nginx=null

  # Holds are limited per account (10,000 open): spread the streams over several accounts.
  big=$STREAMS_BIG
  cap=$(((NOFILE - 256) / 2))
  note=""
  if ((big > cap)); then
    note="Capped at $cap streams: the open-file limit here is $NOFILE (hard) and each proxied stream holds two sockets in creditgate."
    big=$cap
  fi
  keys=()
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
fi

# --- Streaming at 1 and many streams ------------------------------------------------------------
# (After the memory section: the 512-stream runs leave freed heap in creditgate that later
# connections would reuse, which would make the memory per connection read as zero.)

if ! skipped streams; then
  # stream_probe keeps N paced streams live for the run's duration (after a 1 s warm-up over
  # which the connections open) and times the first SSE event and the gaps between events.
  # 1 stream is serial (latency pinning, as the time to first byte); N streams are load
  # (throughput pinning, as the 32-connection runs). Each proxied stream holds two sockets.
  many=$PACED_STREAMS
  if ((NOFILE < 2 * many + 64)); then
    many=$(((NOFILE - 64) / 2))
    log "streams: the open-file limit ($NOFILE) caps the many-streams run at $many"
  fi
  IFS=, read -r delay_one delay_many <<<"$PACED_DELAYS"
  for round in $(seq 1 "$ROUNDS"); do
    log "streaming, round $round/$ROUNDS (1 and $many streams, $PACED_CHUNKS chunks every\
 $delay_one / $delay_many ms, $DURATION s each after a 1 s warm-up)"
    order=("${TARGETS[@]:$(((round - 1) % 4))}" "${TARGETS[@]:0:$(((round - 1) % 4))}")
    for n in 1 "$many"; do
      delay=$([[ $n == 1 ]] && echo "$delay_one" || echo "$delay_many")
      if [[ $n == 1 ]]; then latency_pinning; fi
      for t in "${order[@]}"; do
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
fi

# --- Ledger alone -------------------------------------------------------------------------------

if ! skipped ledger-alone; then
  # The ledger without HTTP: hold+settle pairs through the real writer, process and power
  # durability (bench/ledger.sh runs the same program on its own). The proxies are idle now.
  log "ledger alone: ledger_bench, process and power durability"
  "$LEDGER_BENCH" --pairs $((QUICK == 1 ? 50000 : 200000)) --json "$OUT/ledger_alone.jsonl" \
    >"$OUT/raw/ledger_bench.txt" 2>&1 || log "ledger_bench failed: see raw/ledger_bench.txt"
fi

# --- Ledger check, metadata, report -------------------------------------------------------------

LEDGER_CG1=$(admin cg1 GET "/admin/accounts/$CG1_ACCOUNT" || echo '{}')
LEDGER_CGD=$(admin cgd GET "/admin/accounts/$CGD_ACCOUNT" || echo '{}')
M_DATE=$(date -u '+%Y-%m-%d %H:%M UTC') M_COMMAND=$COMMAND M_MACHINE=$MACHINE \
M_CREDITGATE=$CG_VERSION M_LOAD_BEFORE=$LOAD_BEFORE M_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg) \
M_BUSY_BEFORE=$BUSY_BEFORE M_UPSTREAM=$UP_DESC M_PINNING=$PINNING M_ROUNDS=$ROUNDS \
M_DURATION=$DURATION M_NOFILE=$NOFILE M_LEDGER_CG1=$LEDGER_CG1 M_LEDGER_CGD=$LEDGER_CGD \
"$PY" - "$OUT/meta.json" <<'PY'
import json, os, sys
e = os.environ
def parsed(text):
    try:
        return json.loads(text)
    except ValueError:
        return text
meta = {
  "date": e["M_DATE"], "command": e["M_COMMAND"], "machine": e["M_MACHINE"],
  "creditgate": e["M_CREDITGATE"], "load_before": e["M_LOAD_BEFORE"],
  "load_after": e["M_LOAD_AFTER"], "busy_before": e["M_BUSY_BEFORE"],
  "upstream": e["M_UPSTREAM"], "pinning": e["M_PINNING"], "rounds": int(e["M_ROUNDS"]),
  "duration_s": float(e["M_DURATION"]), "nofile": int(e["M_NOFILE"]),
  "ledger_accounts_after": {"cg-1t": parsed(e["M_LEDGER_CG1"]),
                            "cg-def": parsed(e["M_LEDGER_CGD"])},
}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
PY

docs_args=()
[[ $DOCS == yes ]] && docs_args=(--docs "$ROOT/docs/performance.md")
echo
"$PY" "$LIB/report.py" "$OUT" "${docs_args[@]}"
log "raw results in ${OUT#"$ROOT"/}$([[ $DOCS == yes ]] && echo "; docs/performance.md updated")"
