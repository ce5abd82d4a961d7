# Stage: what the run ran on and how busy the machine was at the start (for meta.json).
# Sourced by bench/run.sh.

busy_processes() {
  # (awk, not grep -v: grep exits 1 when nothing else is running, which pipefail would make fatal)
  ps -eo stat=,comm= | awk '$1 ~ /^R/ && $2 != "ps" && $2 != "awk" {print $2}' | sort | uniq -c |
    sort -rn | head -6 | awk '{printf "%s%s×%s", (NR>1?", ":""), $2, $1}'
}

record_machine() {
  local cpu_model wrk_version git_rev dirty
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
 binary built $(date -u -r "$CG" +%Y-%m-%dT%H:%MZ) ($BUILD_TYPE)"
  log "run $RUN_ID: $ROUNDS rounds x $DURATION s; load $LOAD_BEFORE; busy: $BUSY_BEFORE"
}
