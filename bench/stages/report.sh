# Stage: meta.json (what ran, where, how busy, the accounts' balances after the run), then the
# table (report.py: summary.md, and docs/performance.md's generated part unless --no-docs).
# Sourced by bench/run.sh.

write_meta() {
  local ledger_cg1 ledger_cgd
  ledger_cg1=$(admin cg1 GET "/admin/accounts/$CG1_ACCOUNT" || echo '{}')
  ledger_cgd=$(admin cgd GET "/admin/accounts/$CGD_ACCOUNT" || echo '{}')
  M_DATE=$(date -u '+%Y-%m-%d %H:%M UTC') M_COMMAND=$COMMAND M_MACHINE=$MACHINE \
  M_CREDITGATE=$CG_VERSION M_LOAD_BEFORE=$LOAD_BEFORE M_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg) \
  M_BUSY_BEFORE=$BUSY_BEFORE M_UPSTREAM=$UP_DESC M_PINNING=$PINNING M_ROUNDS=$ROUNDS \
  M_DURATION=$DURATION M_NOFILE=$NOFILE M_LEDGER_CG1=$ledger_cg1 M_LEDGER_CGD=$ledger_cgd \
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
}

write_report() {
  local docs_args=()
  write_meta
  [[ $DOCS == yes ]] && docs_args=(--docs "$ROOT/docs/performance.md")
  echo
  "$PY" "$LIB/report.py" "$OUT" "${docs_args[@]}"
  log "raw results in ${OUT#"$ROOT"/}$([[ $DOCS == yes ]] && echo "; docs/performance.md updated")"
}
