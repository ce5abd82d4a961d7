# Talking to a running creditgate: its ports, its admin API, a funded key. Sourced by
# bench/run.sh; NAME is the instance's name in $TMP (cg1, cgd).

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

# new_key NAME: a real account, a real key and a real top-up over the admin API; prints
# ACCOUNT:KEY.
new_key() {
  local name=$1 account key
  account=$(admin "$name" POST /admin/accounts '{"name":"bench"}' | field id)
  key=$(admin "$name" POST "/admin/accounts/$account/keys" '{"name":"bench"}' | field key)
  admin "$name" POST "/admin/accounts/$account/topups" '{"amount":"1000000"}' \
    -H "Idempotency-Key: bench-$account" >/dev/null
  echo "$account:$key"
}
