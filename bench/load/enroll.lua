-- wrk script: POST one prepared enrollment body per request (each uses a fresh invitation),
-- and count the answers by status so that only real enrollments (201) are reported.
local bodies = {}
local counter = 0
local statuses = {}

function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  local thread_index = tonumber(args[2]) or 0
  local threads = tonumber(args[3]) or 1
  counter = thread_index
  step = threads
end

function request()
  counter = counter + step
  local body = bodies[(counter % #bodies) + 1]
  return wrk.format("POST", wrk.path, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("requests: %d in %.2fs\n", summary.requests, summary.duration / 1e6))
end
