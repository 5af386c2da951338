-- wrk script for the benchmark: POST a JSON body with extra headers, print one machine-readable line.
-- Environment (set by bench/run.sh):
--   WRK_BODY_FILE   file holding the request body (required)
--   WRK_HEADER_1..8 extra headers, "Name: value"
local f = assert(io.open(os.getenv("WRK_BODY_FILE"), "rb"), "WRK_BODY_FILE not readable")
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
for i = 1, 8 do
  local h = os.getenv("WRK_HEADER_" .. i)
  if h and h ~= "" then
    local k, v = h:match("^([^:]+):%s*(.*)$")
    wrk.headers[k] = v
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
