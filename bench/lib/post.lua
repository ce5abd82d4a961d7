-- wrk script: POSTs one fixed chat body per request and prints a machine-readable summary.
-- Driven by environment variables so one script serves every target:
--   BENCH_BODY    request body (JSON text)
--   BENCH_KEY     bearer key for creditgate ("" for direct / nginx targets)
--   BENCH_CHUNKS  value of x-mock-chunks ("" = not sent)
-- The summary line starts with "WRKJSON " so the harness can find it in wrk's output.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_KEY") or ""
if key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
local chunks = os.getenv("BENCH_CHUNKS") or ""
if chunks ~= "" then wrk.headers["x-mock-chunks"] = chunks end

-- No response() callback: defining one makes wrk hand every reply to Lua, which would make
-- the load generator, not the target, the bottleneck. Non-2xx/3xx replies are counted by wrk
-- itself in summary.errors.status.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,' ..
    '"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9)))
end
