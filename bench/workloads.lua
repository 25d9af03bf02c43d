-- wrk script for every workload: WORKLOAD names one (see bench/run.py), BENCH_DATA the folder
-- with the files `python -m bench generate` wrote (tokens, cursors, post ids) and the request
-- bodies `python -m bench run` wrote (bodies.txt: name<TAB>json with __PLACEHOLDERS__).
-- Each request picks a random viewer's token, cursor and post; done() prints one JSON line.

local data = os.getenv("BENCH_DATA") or "bench/data"
local workload = os.getenv("WORKLOAD") or "feed_first"

local function lines(name)
  local out = {}
  for line in io.lines(data .. "/" .. name) do
    if line ~= "" then out[#out + 1] = line end
  end
  return out
end

local tokens, cursors, portal_cursors, posts, bodies, search_numbers
local counter = 0
local thread_tag = ""

local function pick(list) return list[math.random(#list)] end

function setup(thread)
  thread:set("tag", tostring(math.random(1, 1e9)))
end

function init(args)
  tokens = lines("tokens.txt")
  cursors = lines("cursors.txt")
  portal_cursors = lines("portal_cursors.txt")
  posts = lines("post_ids.txt")
  search_numbers = lines("search_numbers.txt")
  bodies = {}
  for _, line in ipairs(lines("bodies.txt")) do
    local name, body = line:match("^([^\t]+)\t(.*)$")
    bodies[name] = body
  end
  thread_tag = tag or tostring(os.time())
  math.randomseed(os.time() + tonumber(thread_tag))
end

local function graphql(name, fill)
  local body = bodies[name]
  for key, value in pairs(fill or {}) do
    body = body:gsub(key, value)
  end
  return wrk.format("POST", "/graphql", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. pick(tokens),
  }, body)
end

local builders = {
  feed_first = function() return graphql("feed_first") end,
  feed_first_apq = function() return graphql("feed_first_apq") end,
  feed_deep = function() return graphql("feed_deep", { __AFTER__ = pick(cursors) }) end,
  post_detail = function() return graphql("post_detail", { __POST__ = pick(posts) }) end,
  leaderboard = function() return graphql("leaderboard") end,
  points = function() return graphql("points") end,
  campaign = function() return graphql("campaign") end,
  events = function() return graphql("events") end,
  rewards = function() return graphql("rewards") end,
  like = function() return graphql("like", { __POST__ = pick(posts) }) end,
  redeem = function()
    counter = counter + 1
    return graphql("redeem", { __KEY__ = "b" .. thread_tag .. "-" .. os.time() .. "-" .. counter })
  end,
  search_common = function() return graphql("search_common") end,
  search_two_words_kind = function() return graphql("search_two_words_kind") end,
  search_rare = function()
    return graphql("search_rare", { __NUMBER__ = pick(search_numbers) })
  end,
  portal_feed = function()
    return wrk.format("GET", "/feed?after=" .. pick(portal_cursors), { ["HX-Request"] = "true" })
  end,
}

-- The mix: 80% feed (half first pages, half deep), 8% leaderboard, 5% campaign tally, 5% points,
-- 2% like.
local mix = {
  { 40, "feed_first" }, { 40, "feed_deep" }, { 8, "leaderboard" }, { 5, "campaign" },
  { 5, "points" }, { 2, "like" },
}
builders.mix = function()
  local roll = math.random() * 100
  for _, entry in ipairs(mix) do
    roll = roll - entry[1]
    if roll <= 0 then return builders[entry[2]]() end
  end
  return builders.feed_first()
end

function request()
  return builders[workload]()
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "mean_us": %.1f, ' ..
    '"non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
