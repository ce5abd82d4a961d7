# Stage: the upstream every target reaches, answering from memory as fast as it can so that it
# is never the bottleneck. Two candidates: the project's mock (1 thread; it also serves the
# paced streams, whichever upstream is chosen) and replay_upstream, which replays the mock's
# own replies recorded here, byte for byte (SSE chunked, one chunk per event, as providers
# send it), one write per reply. --upstream auto measures both directly and keeps the faster.
# Sourced by bench/run.sh.

start_upstreams() {
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

  record_replies
  REPLAY_PORT=""
  [[ $UPSTREAM == mock ]] || start_replay
  CALIBRATION=""
  [[ $UPSTREAM == auto ]] && calibrate_upstream
  if [[ $UPSTREAM == replay ]]; then
    UP_PORT=$REPLAY_PORT
    UP_PIDS=$REPLAY_PID
    UP_DESC="replay_upstream (1 thread), replaying the mock's recorded replies byte for byte, one\
 write per reply"
  else
    [[ -n $REPLAY_PORT ]] && kill -TERM "$REPLAY_PID"
    UP_PORT=$MOCK_PORT
    UP_PIDS=$MOCK_PID
    UP_DESC="mock_upstream --threads 1 (Release), one write per SSE event"
  fi
  UP_DESC="$UP_DESC: $(reply_sizes)${CALIBRATION:+; chosen by $CALIBRATION}"
}

# record_replies: the mock's two replies, raw (status line, headers, chunked body):
# $TMP/replies/reply.{json,sse}. The stream includes the usage chunk (creditgate asks for it
# and needs it to settle).
record_replies() {
  local url=http://127.0.0.1:$MOCK_PORT/v1/chat/completions
  mkdir -p "$TMP/replies"
  curl -fsS -i --raw "$url" -H 'Content-Type: application/json' -d "$JSON_BODY" \
    -o "$TMP/replies/reply.json"
  curl -fsS -i --raw "$url" -H 'Content-Type: application/json' -H 'x-mock-chunks: 20' \
    -o "$TMP/replies/reply.sse" \
    -d '{"model":"mock-fixed","messages":[{"role":"user","content":"hello"}],"stream":true,"stream_options":{"include_usage":true}}'
}

reply_sizes() {  # "JSON N B, SSE N B in K chunks (...)" from the recorded replies
  "$PY" - "$TMP/replies/reply.json" "$TMP/replies/reply.sse" "$LIB" <<'PY'
import sys
sys.path.insert(0, sys.argv[3])
from httpc import ResponseReader
sizes = []
for path in sys.argv[1:3]:
    reader = ResponseReader()
    reader.feed(open(path, "rb").read())
    sizes.append((len(reader.body), reader.chunks, reader.headers.get("content-length")))
(json_bytes, _, json_length), (sse_bytes, sse_chunks, _) = sizes
print(f"JSON {json_bytes} B{' with Content-Length' if json_length else ''}, SSE {sse_bytes} B in"
      f" {sse_chunks} HTTP chunks, one per event (role + 20 content chunks + finish + usage +"
      " [DONE])")
PY
}

start_replay() {
  start replay "$LOAD_CPUS" "$REPLAY" --port 0 --json "$TMP/replies/reply.json" \
    --sse "$TMP/replies/reply.sse"
  REPLAY_PID=$LAST_PID
  wait_for "$REPLAY_PID" "$TMP/replay.out" listening
  REPLAY_PORT=$(sed -n 's/.*listening 127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/replay.out")
}

# calibrate_upstream: 2 s of wrk against each candidate directly, JSON and stream at 32
# connections; keeps the one with the larger product of the two rates in $UPSTREAM.
calibrate_upstream() {
  local u port kind body chunks better
  declare -A cal
  for u in mock replay; do
    port=$([[ $u == mock ]] && echo "$MOCK_PORT" || echo "$REPLAY_PORT")
    for kind in json stream; do
      body=$([[ $kind == json ]] && echo "$JSON_BODY" || echo "$STREAM_BODY")
      chunks=$([[ $kind == json ]] && echo "" || echo 20)
      run_wrk "calibrate-$u-$kind" "http://127.0.0.1:$port/v1/chat/completions" "" "$body" \
        "$chunks" 32 2
      cal[$u-$kind]=$(rps_of "calibrate-$u-$kind")
    done
  done
  better=$("$PY" -c 'import sys; m=float(sys.argv[1])*float(sys.argv[2]); r=float(sys.argv[3])*float(sys.argv[4]); print("replay" if r>=m else "mock")' \
    "${cal[mock-json]}" "${cal[mock-stream]}" "${cal[replay-json]}" "${cal[replay-stream]}")
  CALIBRATION="direct RPS at 32 conns, JSON/stream: mock_upstream ${cal[mock-json]%.*}/${cal[mock-stream]%.*},\
 replay_upstream ${cal[replay-json]%.*}/${cal[replay-stream]%.*}"
  log "upstream calibration: $CALIBRATION -> $better"
  UPSTREAM=$better
}
