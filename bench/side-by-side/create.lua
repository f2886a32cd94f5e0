-- wrk script of bench/side-by-side/webhook_creates.sh: POST /contacts with a new email each time.
local counter = 0
local tag = tostring(math.random(1, 1000000000))
request = function()
  counter = counter + 1
  local body = string.format('{"role":"user","email":"u%s_%d_%d@example.com","name":"Bench User"}', tag, counter, math.random(1, 1000000000))
  return wrk.format("POST", "/contacts", {["Authorization"] = "Bearer " .. os.getenv("TOKEN"), ["Content-Type"] = "application/json", ["Accept"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.stderr:write(string.format("REQS %d ERRS %d\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
