-- One benchmark scenario for wrk, driven by a config file that bench.py writes:
--   wrk ... -s bench/wrk/scenario.lua URL -- CONFIG
--
-- CONFIG has one "key<TAB>value" per line: method, path, body (templates), header (repeatable),
-- rows (a TSV file with a header line), nonce, and for walks walk_param / walk_next / walk_end.
-- Templates name "${column}" of a row drawn at random per request, or "${n}", unique per
-- request (nonce-thread-counter). A walk follows the cursor that walk_next (a Lua pattern)
-- captures in each response, as walk_param, until walk_end matches or no cursor comes back.
-- walk_state names a file that carries the cursor from one wrk run to the next, so that rounds
-- continue one walk (a scroll may not be reopened while it is open).
-- done() prints one "WRK_JSON {...}" line with the figures bench.py reads.

local cfg = { headers = {} }
local columns = {}
local row_count = 0
local counter = 0
cursor = nil -- global: done() reads it from the thread with thread:get
local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
   thread:set("tid", #threads)
end

local function read_config(path)
   for line in io.lines(path) do
      local key, value = line:match("^([%w_]+)\t(.*)$")
      if key == "header" then
         local name, v = value:match("^([^:]+):%s*(.*)$")
         cfg.headers[name] = v
      elseif key then
         cfg[key] = value
      end
   end
end

local function read_rows(path)
   local names = nil
   for line in io.lines(path) do
      local fields = {}
      for field in (line .. "\t"):gmatch("([^\t]*)\t") do
         fields[#fields + 1] = field
      end
      if not names then
         names = fields
         for _, name in ipairs(names) do
            columns[name] = {}
         end
      else
         row_count = row_count + 1
         for i, name in ipairs(names) do
            columns[name][row_count] = fields[i] or ""
         end
      end
   end
end

local function fill(template, row)
   return (template:gsub("%${([%w_]+)}", function(name)
      if name == "n" then
         return cfg.nonce .. "-" .. tid .. "-" .. counter
      end
      local column = columns[name]
      if column and row > 0 then
         return column[row]
      end
      return nil
   end))
end

-- Cursors and the end marker sit next to the list, not inside it: looking only at the first
-- and last 4 KB keeps wrk's own cost flat for large pages (a 70 KB page scanned whole in Lua
-- made the load generator, not the server, the bottleneck).
local function find(body, pattern)
   return body:sub(-4096):match(pattern) or body:sub(1, 4096):match(pattern)
end

local function on_response(status, headers, body)
   cursor = nil
   if status == 200 and body then
      if not (cfg.walk_end and find(body, cfg.walk_end)) then
         cursor = find(body, cfg.walk_next)
      end
   end
end

function init(args)
   read_config(args[1])
   if cfg.rows and cfg.rows ~= "" then
      read_rows(cfg.rows)
   end
   math.randomseed(tid * 7919 + 17)
   -- Only walks read responses: wrk skips buffering bodies when no response() exists.
   if cfg.walk_param and cfg.walk_param ~= "" then
      response = on_response
      walk_state = cfg.walk_state
      local file = walk_state and io.open(walk_state, "r")
      if file then
         local saved = file:read("*l")
         file:close()
         if saved and saved ~= "" then
            cursor = saved
         end
      end
   end
end

function request()
   counter = counter + 1
   local row = row_count > 0 and math.random(row_count) or 0
   local path = fill(cfg.path, row)
   if cursor then
      path = path .. (path:find("?", 1, true) and "&" or "?") .. cfg.walk_param .. "=" .. cursor
   end
   local body = nil
   if cfg.body and cfg.body ~= "" then
      body = fill(cfg.body, row)
   end
   return wrk.format(cfg.method, path, cfg.headers, body)
end

function done(summary, latency, requests)
   -- A walk runs on one connection (one thread): keep its cursor for the next run.
   local path = threads[1] and threads[1]:get("walk_state")
   if path then
      local file = io.open(path, "w")
      file:write((threads[1]:get("cursor") or "") .. "\n")
      file:close()
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,"connect_errors":%d,'
         .. '"read_errors":%d,"write_errors":%d,"timeouts":%d,'
         .. '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
      summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
