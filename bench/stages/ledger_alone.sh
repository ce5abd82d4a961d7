# Stage: the ledger without HTTP: hold+settle pairs through the real writer, process and power
# durability (bench/ledger.sh runs the same program on its own). The proxies are idle by now.
# ledger_alone.jsonl. Sourced by bench/run.sh.

run_ledger_alone() {
  log "ledger alone: ledger_bench, process and power durability"
  "$LEDGER_BENCH" --pairs $((QUICK == 1 ? 50000 : 200000)) --json "$OUT/ledger_alone.jsonl" \
    >"$OUT/raw/ledger_bench.txt" 2>&1 || log "ledger_bench failed: see raw/ledger_bench.txt"
}
