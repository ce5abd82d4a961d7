# What the kernel counted for a process, from /proc: CPU ticks, context switches, CPU by
# thread. Sourced by bench/run.sh.

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
