-- wrk script replaying the mini-program's Feed with its sighting reports (bench/feed_exposures.py).
-- Run with one connection per thread (-tN -cN): each thread is one client going through sessions
-- of PAGES Feed pages as one random viewer: Feed(first: 20), then recordPostViews with the 20 post
-- ids that page returned, then Feed(first: 20, after: the page's endCursor), its report, and so
-- on. Each request's latency is timed here (LuaJIT ffi, CLOCK_MONOTONIC) and kept by kind, so
-- done() prints the Feed pages' own rate and percentiles beside the reports'. BENCH_DATA holds
-- tokens.txt (python -m bench generate) and feed_bodies.txt (name<TAB>json, written by the runner).
-- REPORTS=0 replays the same pages without their reports.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local data = os.getenv("BENCH_DATA") or "bench/data"
local pages_per_session = tonumber(os.getenv("PAGES") or "3")
local reporting = os.getenv("REPORTS") ~= "0" -- 0: the pages alone, no reports

local function lines(name)
  local out = {}
  for line in io.lines(data .. "/" .. name) do
    if line ~= "" then out[#out + 1] = line end
  end
  return out
end

local threads = {}
function setup(thread)
  thread:set("tag", tostring(math.random(1, 1e9)))
  threads[#threads + 1] = thread
end

local tokens, bodies
-- Per-thread state (each thread has its own Lua state and one connection).
local token, page, cursor, seen, kind, started = nil, 0, nil, nil, nil, 0
feed_us, report_us = {}, {}
feed_bad, report_bad, report_limited = 0, 0, 0

function init(args)
  tokens = lines("tokens.txt")
  bodies = {}
  for _, line in ipairs(lines("feed_bodies.txt")) do
    local name, body = line:match("^([^\t]+)\t(.*)$")
    bodies[name] = body
  end
  math.randomseed(os.time() + tonumber(tag or "0"))
end

local function post(body)
  return wrk.format("POST", "/graphql", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function request()
  started = now_us()
  if seen ~= nil then -- the page just shown is reported before the next one is asked for
    kind = "report"
    local ids = seen
    seen = nil
    return post((bodies.report:gsub("\"__IDS__\"", ids)))
  end
  kind = "feed"
  if page == 0 or page >= pages_per_session or cursor == nil then
    token, page, cursor = tokens[math.random(#tokens)], 0, nil
  end
  page = page + 1
  if cursor == nil then return post(bodies.feed_first) end
  return post((bodies.feed_after:gsub("__AFTER__", cursor)))
end

function response(status, headers, body)
  local took = now_us() - started
  if kind == "feed" then
    feed_us[#feed_us + 1] = took
    local ids = {}
    for id in body:gmatch("\"id\":\"(UG9zdDo[^\"]*)\"") do ids[#ids + 1] = "\"" .. id .. "\"" end
    cursor = body:match("\"endCursor\":\"([^\"]*)\"")
    if status ~= 200 or #ids == 0 or body:find("\"errors\"", 1, true) then
      feed_bad = feed_bad + 1
      page = 0 -- start a new session
    elseif reporting then
      seen = table.concat(ids, ",")
    end
  else
    report_us[#report_us + 1] = took
    if status ~= 200 or not body:find("PostViewsRecorded", 1, true) then
      if body:find("RateLimited", 1, true) then
        report_limited = report_limited + 1
      else
        report_bad = report_bad + 1
      end
    end
  end
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  return sorted[math.max(1, math.ceil(#sorted * p / 100))]
end

function done(summary, latency, requests)
  local feed, report = {}, {}
  local fbad, rbad, rlim = 0, 0, 0
  for _, thread in ipairs(threads) do
    for _, v in ipairs(thread:get("feed_us")) do feed[#feed + 1] = v end
    for _, v in ipairs(thread:get("report_us")) do report[#report + 1] = v end
    fbad = fbad + thread:get("feed_bad")
    rbad = rbad + thread:get("report_bad")
    rlim = rlim + thread:get("report_limited")
  end
  table.sort(feed)
  table.sort(report)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "feed": %d, "feed_p50_us": %d, "feed_p99_us": %d, ' ..
    '"reports": %d, "report_p50_us": %d, "report_p99_us": %d, "feed_bad": %d, ' ..
    '"report_bad": %d, "report_limited": %d, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, #feed, percentile(feed, 50), percentile(feed, 99),
    #report, percentile(report, 50), percentile(report, 99), fbad, rbad, rlim,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
