# Stage: the proxies under test, all up for the whole run: nginx (1 worker; a second server
# for the paced streams) and two creditgates metering for real (threads 1 and default
# threads), each with its own SQLite file, account, key and top-up. Sourced by bench/run.sh.

nginx_common() {  # NAME: the settings every nginx instance shares
  cat <<CONF
worker_processes 1;
daemon off;
pid $TMP/$1.pid;
error_log $TMP/$1.err.log warn;
worker_rlimit_nofile $NOFILE;
events { worker_connections $((NOFILE - 64)); }
CONF
}

nginx_proxy_server() {  # nginx_proxy_server PORT UPSTREAM: a keep-alive proxy, no buffering
  cat <<CONF
  server {
    listen 127.0.0.1:$1;
    location / {
      proxy_pass http://$2;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
CONF
}

nginx_upstream() {  # nginx_upstream NAME PORT: a pool of up to 256 idle keep-alive connections
  cat <<CONF
  upstream $1 {
    server 127.0.0.1:$2;
    keepalive 256;
    keepalive_requests 10000000;
    keepalive_timeout 600s;
  }
CONF
}

start_nginx_proxy() {
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
CONF
    nginx_upstream bench_upstream "$UP_PORT"
    nginx_proxy_server "$NGINX_PORT" bench_upstream
    # Paced streams (streaming section): only the mock can pace chunks, whichever upstream the
    # rest of the run uses. Same settings, second port.
    nginx_upstream paced_upstream "$MOCK_PORT"
    nginx_proxy_server "$NGINX_PACED_PORT" paced_upstream
    echo "}"
  } >"$TMP/proxy.conf"
  start nginx "$PROXY_CPUS" nginx -p "$TMP" -c "$TMP/proxy.conf"
  NGINX_PID=$LAST_PID
  wait_port "$NGINX_PID" "$NGINX_PORT"
  wait_port "$NGINX_PID" "$NGINX_PACED_PORT"
  NGINX_PIDS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
  NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1)
}

# start_creditgate NAME THREADS CPUS: a creditgate with its own SQLite file in $TMP/NAME/.
start_creditgate() {
  local name=$1 threads=$2 cpus=$3 price
  mkdir -p "$TMP/$name"
  # o200k_base: every benchmarked request pays for counting its prompt (and streamed output)
  # with the real BPE, as a gpt-4o request does (docs/performance.md, "Counting tokens").
  price='"input": "0.15", "cached_input": "0.075", "output": "0.60", "max_output_tokens": 16384,
         "tokenizer": "o200k_base"'
  cat >"$TMP/$name.json" <<CONF
{
  "listen": "127.0.0.1:0",
  "admin": { "listen": "127.0.0.1:0", "token_env": "CREDITGATE_ADMIN_TOKEN" },
  "database": { "sqlite": "$TMP/$name/ledger.db" },
  "threads": $threads,
  "limits": { "client_idle_ms": 600000, "upstream_idle_ms": 120000 },
  "markup": { "percent": "10", "fixed": "0" },
  "providers": {
    "bench": { "base_url": "http://127.0.0.1:$UP_PORT/v1", "api_key_env": "BENCH_PROVIDER_KEY",
               "forward_headers": ["x-mock-chunks", "x-mock-delay-ms", "x-mock-first-delay-ms"] },
    "mock":  { "base_url": "http://127.0.0.1:$MOCK_PORT/v1", "api_key_env": "BENCH_PROVIDER_KEY",
               "forward_headers": ["x-mock-chunks", "x-mock-delay-ms", "x-mock-first-delay-ms"] }
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

start_proxies() {
  start_nginx_proxy
  start_creditgate cg1 1 "$PROXY_CPUS"
  CG1_PID=$LAST_PID
  start_creditgate cgd 0 "$ALL_CPUS"
  CGD_PID=$LAST_PID
  IFS=: read -r CG1_ACCOUNT CG1_KEY <<<"$(new_key cg1)"
  IFS=: read -r CGD_ACCOUNT CGD_KEY <<<"$(new_key cgd)"
  CG1_PORT=$(cg_public cg1)
  CGD_PORT=$(cg_public cgd)
}
