"""The Redis limiter's Lua scripts: ``usage.rules`` run atomically inside Redis.

Keep them in step with ``usage/rules.py``; tests/usage runs the same cases against both.
(Python strings rather than .lua files so they ship with the package without packaging rules.)
"""

ACQUIRE = """
-- usage/rules.py `decide`, atomically in Redis. Keep the two in step (tests/usage check both).
-- KEYS[1] the window hash; ARGV: now, configured limit, background reserve, "1" for background.
-- Returns {1} when the call may go (and counts it), else {0, the hash's fields...} to explain.
local key = KEYS[1]
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local reserve = tonumber(ARGV[3])
local background = ARGV[4] == '1'
local hour = 3600

local f = redis.call('HMGET', key, 'e', 'u', 'l', 'b')
local window_end = tonumber(f[1])
local used = tonumber(f[2]) or 0
local erp_limit = tonumber(f[3])
local blocked = tonumber(f[4])

local function explain()
  return {0, unpack(redis.call('HMGET', key, 'e', 'u', 'l', 'r', 'p', 's', 'b', 'a'))}
end

if blocked and now < blocked then
  return explain()
end
if not window_end then
  window_end = (math.floor(now / hour) + 1) * hour
  used = 0
  redis.call('HSET', key, 'e', tostring(window_end), 'u', 0)
elseif now >= window_end then
  window_end = window_end + (math.floor((now - window_end) / hour) + 1) * hour
  used = 0
  redis.call('HSET', key, 'e', tostring(window_end), 'u', 0)
  redis.call('HDEL', key, 'r')
end
-- A relative expiry: the app's clock, not Redis's, decides what "now" is.
redis.call('EXPIRE', key, math.ceil(math.max(window_end, blocked or 0) - now + 2 * hour))
if erp_limit then limit = erp_limit end
local cap = limit
if background then cap = math.floor(limit * (1 - reserve)) end
if used >= cap then
  return explain()
end
redis.call('HINCRBY', key, 'u', 1)
return {1}
"""

RECORD = """
-- usage/rules.py `observe`, atomically in Redis, plus buffering the call for the ledger.
-- KEYS[1] the window hash (absent for Visma Connect token calls), KEYS[2] the ledger buffer list.
-- ARGV: entry (JSON, or empty to only learn), buffer cap, learn ("1"/"0"), now,
--       configured limit, alert share, observed at, status, erp limit, erp remaining,
--       reset seconds, policy, request policy ("1"/"0"), retry after, default block seconds,
--       align tolerance.
-- Returns {events..., "|", the hash's fields...}.
local buffer = KEYS[2]
if ARGV[1] ~= '' then
  local cap = tonumber(ARGV[2])
  if redis.call('RPUSH', buffer, ARGV[1]) > cap then
    redis.call('LTRIM', buffer, -cap, -1)
  end
end
if ARGV[3] ~= '1' then
  return {'|'}
end

local key = KEYS[1]
local hour = 3600
local now = tonumber(ARGV[4])
local limit = tonumber(ARGV[5])
local alert_share = tonumber(ARGV[6])
local at = tonumber(ARGV[7])
local status = tonumber(ARGV[8])
local obs_limit = tonumber(ARGV[9])
local obs_remaining = tonumber(ARGV[10])
local reset = tonumber(ARGV[11])
local policy = ARGV[12]
local request_policy = ARGV[13] == '1'
local retry_after = tonumber(ARGV[14])
local default_block = tonumber(ARGV[15])
local tolerance = tonumber(ARGV[16])

local f = redis.call('HMGET', key, 'e', 'u', 'l', 'r', 'p', 's', 'b', 'a')
local e = tonumber(f[1])
local u = tonumber(f[2]) or 0
local l = tonumber(f[3])
local r = tonumber(f[4])
local p = f[5] or ''
local s = tonumber(f[6])
local b = tonumber(f[7])
local a = tonumber(f[8])
local events = {}

-- current(): move into the window holding now
if not e then
  e = (math.floor(now / hour) + 1) * hour
  u = 0
  r = nil
elseif now >= e then
  e = e + (math.floor((now - e) / hour) + 1) * hour
  u = 0
  r = nil
end

if obs_remaining and obs_limit and not request_policy then
  local erp_end = nil
  if reset then erp_end = at + reset end
  if (not erp_end) or erp_end > now then
    if erp_end and math.abs(erp_end - e) > tolerance then
      e = erp_end
      u = 0
    end
    local erp_used = math.max(obs_limit - obs_remaining, 0)
    if erp_used > u then u = erp_used end
    l = obs_limit
    if (not s) or at >= s then
      r = obs_remaining
      p = policy
      s = at
    end
  end
end

if status == 429 then
  if request_policy then
    table.insert(events, 'rate_limited')
  else
    local wait = retry_after or default_block
    local untl = at + wait
    if not (b and b > now) then
      table.insert(events, 'rate_limited')
    end
    b = math.max(untl, b or 0)
  end
end

local effective = l or limit
if effective < 1 then effective = 1 end
if u / effective >= alert_share and (a or 0) < e then
  table.insert(events, 'near_limit')
  a = e
end

local function put(name, value)
  if value == nil then
    redis.call('HDEL', key, name)
  else
    redis.call('HSET', key, name, tostring(value))
  end
end
put('e', e)
put('u', u)
put('l', l)
put('r', r)
put('p', p)
put('s', s)
put('b', b)
put('a', a)
redis.call('EXPIRE', key, math.ceil(math.max(e, b or 0) - now + 2 * hour))

table.insert(events, '|')
for _, value in ipairs(redis.call('HMGET', key, 'e', 'u', 'l', 'r', 'p', 's', 'b', 'a')) do
  table.insert(events, value)
end
return events
"""
