-- wrk's readers for bench/news.py: each request picks a page of the mix (NEWS_PATHS, one
-- path a line, most popular first) by Zipf popularity (s = 1.1), and each answer's
-- Cache-Status is counted as bench/news.py's Python readers count it.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  paths, bounds, total = {}, {}, 0
  for line in io.lines(os.getenv("NEWS_PATHS")) do
    paths[#paths + 1] = line
    total = total + 1 / (#paths) ^ 1.1
    bounds[#paths] = total
  end
  hits, stale, renders, refills = 0, 0, 0, 0
  math.randomseed(os.time() * 1000 + id)
end

function request()
  local target, low, high = math.random() * total, 1, #bounds
  while low < high do
    local middle = math.floor((low + high) / 2)
    if bounds[middle] < target then low = middle + 1 else high = middle end
  end
  return wrk.format("GET", paths[low], { ["Accept-Encoding"] = "gzip" })
end

function response(status, headers, body)
  local all = headers["Cache-Status"] or ""
  local nearest = all:match("([^,]*)$")
  if nearest:find("hit", 1, true) then hits = hits + 1 end
  if nearest:find("detail=stale", 1, true) then stale = stale + 1 end
  -- Rendered for this read, or after it (the stale copy it got is rendered again).
  if (all:find("Carnet; fwd=", 1, true) or all:find("stale-revalidating", 1, true))
      and not all:find("Varnish; hit", 1, true) then
    renders = renders + 1
  end
  -- Its counts filled in again in Carnet's copy: no render.
  if all:find("detail=refilled", 1, true) and not all:find("Varnish; hit", 1, true) then
    refills = refills + 1
  end
end

function done(summary, latency, requests)
  local h, s, r, f = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    h, s, r = h + thread:get("hits"), s + thread:get("stale"), r + thread:get("renders")
    f = f + thread:get("refills")
  end
  local e = summary.errors
  io.write(string.format("NEWS %d %d %d %d %d %d %.3f %.3f\n", summary.requests, h, s, r, f,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
