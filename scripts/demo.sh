#!/usr/bin/env bash
# One command from a fresh Debian 12 checkout to a running creditgate: installs what is missing,
# builds Release, starts the mock upstream and `creditgate serve --config config/demo.json`,
# creates a demo account, key and top-up over the admin API, and prints how to call it.
# Works offline. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh release creditgate mock_upstream

export CREDITGATE_ADMIN_TOKEN=${CREDITGATE_ADMIN_TOKEN:-demo-admin-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}
export MOCK_UPSTREAM_KEY=${MOCK_UPSTREAM_KEY:-mock-provider-key}
public=http://127.0.0.1:8080
admin=http://127.0.0.1:8081
mkdir -p var
run=$(mktemp -d)

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$run"
}
trap stop INT TERM EXIT

# Waits until a process prints its "listening" line (or dies).
wait_listening() {
  local file=$1 pid=$2
  for _ in $(seq 1 200); do
    grep -q listening "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "failed to start:"; cat "$file" "$file.err" 2>/dev/null; exit 1; }
    sleep 0.05
  done
  echo "timed out waiting for $file"; exit 1
}

build/tests/mock_upstream/mock_upstream --listen 127.0.0.1:18090 >"$run/mock.out" 2>"$run/mock.out.err" &
pids+=($!); wait_listening "$run/mock.out" $!
build/creditgate serve --config config/demo.json >"$run/cg.out" 2>var/demo.log &
pids+=($!); wait_listening "$run/cg.out" $!

auth=(-H "Authorization: Bearer $CREDITGATE_ADMIN_TOKEN" -H "Content-Type: application/json")
json_field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p"; }
account=$(curl -fsS "${auth[@]}" "$admin/admin/accounts" -d '{"name":"demo"}' | json_field id)
key=$(curl -fsS "${auth[@]}" "$admin/admin/accounts/$account/keys" -d '{"name":"demo key"}' | json_field key)
curl -fsS "${auth[@]}" -H "Idempotency-Key: demo-$account" "$admin/admin/accounts/$account/topups" \
  -d '{"amount":"5","reference":"demo top-up"}' >/dev/null

cat <<TXT

creditgate is running (offline demo against the mock upstream).
  base URL     $public/v1
  API key      $key
  account      $account, topped up with 5 credits
  admin token  $CREDITGATE_ADMIN_TOKEN   (admin API on $admin)
  log          var/demo.log (one JSON line per request)

Try it:
  curl -s $public/v1/chat/completions -H "Authorization: Bearer $key" \\
    -H "Content-Type: application/json" \\
    -d '{"model":"mock-fixed","messages":[{"role":"user","content":"Hello"}]}' -D - 

  curl -s -H "Authorization: Bearer $CREDITGATE_ADMIN_TOKEN" $admin/admin/accounts/$account

With the OpenAI SDK (npm install openai):
  node -e 'const OpenAI = require("openai"); const c = new OpenAI({baseURL: "$public/v1", apiKey: "$key"});
    c.chat.completions.create({model: "mock-fixed", messages: [{role: "user", content: "Hello"}]})
     .then(r => console.log(r.choices[0].message.content, r.usage));'

Press Ctrl-C to stop.
TXT
wait -n "${pids[@]}"
