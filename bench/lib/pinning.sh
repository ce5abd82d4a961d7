# Where the proxies run. Throughput runs: nginx and creditgate threads=1 (all their threads) on
# $PROXY_CPUS, the load on $LOAD_CPUS, creditgate default threads unpinned. Serial runs (1
# connection, 1 stream) need one CPU, and keeping every process on one CPU keeps cross-CPU
# wake-ups out of the latency: on a VM those cost 100s of µs (a halted vCPU has to be woken by
# an IPI through the hypervisor) and swamp what a proxy adds. So for those runs the proxies
# (all threads) move to the load CPU, and back afterwards. Sourced by bench/run.sh.

pin_proxies() {  # pin_proxies CPUS-for-the-pinned-proxies CPUS-for-the-default-creditgate
  [[ $LATENCY_CPUS == same && $NCPU -gt 1 ]] || return 0
  local pid
  for pid in $NGINX_PIDS $CG1_PID; do taskset -a -p -c "$1" "$pid" >/dev/null; done
  taskset -a -p -c "$2" "$CGD_PID" >/dev/null
}
latency_pinning() { pin_proxies "$LOAD_CPUS" "$LOAD_CPUS"; }
throughput_pinning() { pin_proxies "$PROXY_CPUS" "$ALL_CPUS"; }
