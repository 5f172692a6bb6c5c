"""The Redis limiter's Lua scripts: ``usage.rules`` run atomically inside Redis.

Keep them in step with ``usage/rules.py``; tests/usage runs the same cases against both.
(Python strings rather than .lua files so they ship with the package without packaging rules.)

Two scripts share the same functions:

- ``ACQUIRE``: first learn from the calls this process recorded since its last round trip, then
  decide on the new call. One round trip per ERP call in steady state.
- ``RECORD``: learn from recorded calls now (a 429, a flush, an idle process).

Recorded calls, each as three arguments: the ledger entry (JSON, empty to only learn), "1" to
learn from it (Visma Connect token calls are only buffered), and its fields joined by newlines
(fewer arguments are cheaper to send): configured limit, alert share, observed at, status, ERP
limit, ERP remaining, reset seconds, request policy ("1"/"0"), retry after, default block
seconds, align tolerance, policy.
"""

from string import Template

from .rules import ThrottlingKind

_FUNCTIONS = r"""
local hour = 3600
local FIELDS = {'e', 'u', 'l', 'r', 'p', 's', 'b', 'a'}

-- Full precision (tostring keeps only 14 digits, which would reorder close timestamps).
local function num(value)
  if type(value) ~= 'number' then return value end
  return string.format('%.17g', value)
end

-- usage/rules.py `observe` for one recorded call; returns the alert rules that fired.
local function learn(key, now, packed)
  local v = {}
  for field in string.gmatch(packed .. '\n', '([^\n]*)\n') do table.insert(v, field) end
  local limit = tonumber(v[1])
  local alert_share = tonumber(v[2])
  local at = tonumber(v[3])
  local status = tonumber(v[4])
  local obs_limit = tonumber(v[5])
  local obs_remaining = tonumber(v[6])
  local reset = tonumber(v[7])
  local request_policy = v[8] == '1'
  local retry_after = tonumber(v[9])
  local default_block = tonumber(v[10])
  local tolerance = tonumber(v[11])
  local policy = v[12] or ''

  local f = redis.call('HMGET', key, unpack(FIELDS))
  local e, u, l, r = tonumber(f[1]), tonumber(f[2]) or 0, tonumber(f[3]), tonumber(f[4])
  local p, s, b, a = f[5] or '', tonumber(f[6]), tonumber(f[7]), tonumber(f[8])
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
      table.insert(events, '$RATE_LIMITED')
    else
      local untl = at + (retry_after or default_block)
      if not (b and b > now) then
        table.insert(events, '$RATE_LIMITED')
      end
      b = math.max(untl, b or 0)
    end
  end

  local effective = l or limit
  if effective < 1 then effective = 1 end
  if u / effective >= alert_share and (a or 0) < e then
    table.insert(events, '$NEAR_LIMIT')
    a = e
  end

  local values, missing = {}, {}
  local state = {e, u, l, r, p, s, b, a}
  for i = 1, 8 do
    if state[i] == nil then
      table.insert(missing, FIELDS[i])
    else
      table.insert(values, FIELDS[i])
      table.insert(values, num(state[i]))
    end
  end
  redis.call('HSET', key, unpack(values))
  if #missing > 0 then redis.call('HDEL', key, unpack(missing)) end
  -- A relative expiry: the app's clock, not Redis's, decides what "now" is.
  redis.call('EXPIRE', key, math.ceil(math.max(e, b or 0) - now + 2 * hour))
  return events
end

-- Buffer and learn from the recorded calls in ARGV[first ...]; KEYS[first_key ...] are their
-- windows. Returns {{index, events..., '|', state...}} for the calls that fired an alert.
local function record_all(now, cap, buffer, first_key, first, count)
  local fired = {}
  for i = 0, count - 1 do
    local entry, learn_it, packed = ARGV[first + 3 * i], ARGV[first + 3 * i + 1],
      ARGV[first + 3 * i + 2]
    if entry ~= '' and redis.call('RPUSH', buffer, entry) > cap then
      redis.call('LTRIM', buffer, -cap, -1)
    end
    if learn_it == '1' then
      local key = KEYS[first_key + i]
      local events = learn(key, now, packed)
      if #events > 0 then
        local answer = {i}
        for _, event in ipairs(events) do table.insert(answer, event) end
        table.insert(answer, '|')
        for _, value in ipairs(redis.call('HMGET', key, unpack(FIELDS))) do
          table.insert(answer, value)
        end
        table.insert(fired, answer)
      end
    end
  end
  return fired
end

-- usage/rules.py `decide`: {1} when the call may go (and counts it), else {0, the fields...}.
local function acquire(key, now, limit, reserve, background)
  local f = redis.call('HMGET', key, 'e', 'u', 'l', 'b')
  local window_end = tonumber(f[1])
  local used = tonumber(f[2]) or 0
  local erp_limit = tonumber(f[3])
  local blocked = tonumber(f[4])
  local function explain()
    return {0, unpack(redis.call('HMGET', key, unpack(FIELDS)))}
  end
  if blocked and now < blocked then
    return explain()
  end
  if not window_end then
    window_end = (math.floor(now / hour) + 1) * hour
    used = 0
    redis.call('HSET', key, 'e', num(window_end), 'u', 0)
  elseif now >= window_end then
    window_end = window_end + (math.floor((now - window_end) / hour) + 1) * hour
    used = 0
    redis.call('HSET', key, 'e', num(window_end), 'u', 0)
    redis.call('HDEL', key, 'r')
  end
  redis.call('EXPIRE', key, math.ceil(math.max(window_end, blocked or 0) - now + 2 * hour))
  if erp_limit then limit = erp_limit end
  local cap = limit
  if background then cap = math.floor(limit * (1 - reserve)) end
  if used >= cap then
    return explain()
  end
  redis.call('HINCRBY', key, 'u', 1)
  return {1}
end
"""
# The alert names come from their one home, usage.rules.ThrottlingKind.
_FUNCTIONS = Template(_FUNCTIONS).substitute(
    RATE_LIMITED=ThrottlingKind.RATE_LIMITED.value, NEAR_LIMIT=ThrottlingKind.NEAR_LIMIT.value
)

# KEYS: the new call's window, the ledger buffer, then one window per recorded call.
# ARGV: now, configured limit, background reserve, "1" for background, buffer cap, recorded calls
#       (count, then three arguments each). Returns {decision, fired alerts}.
ACQUIRE = (
    _FUNCTIONS
    + r"""
local now = tonumber(ARGV[1])
local count = tonumber(ARGV[6])
local fired = {}
if count > 0 then
  fired = record_all(now, tonumber(ARGV[5]), KEYS[2], 3, 7, count)
end
local decision = acquire(KEYS[1], now, tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1')
return {decision, fired}
"""
)

# KEYS: the ledger buffer, then one window per recorded call (any key where only buffering).
# ARGV: now, buffer cap, count, then three arguments per recorded call. Returns the fired alerts.
RECORD = (
    _FUNCTIONS
    + r"""
return record_all(tonumber(ARGV[1]), tonumber(ARGV[2]), KEYS[1], 2, 4, tonumber(ARGV[3]))
"""
)

# --- the ledger buffer's batches (see RedisLimiter.take) ---------------------------------------

# Move up to ARGV[1] entries from the buffer into a new batch, in one step.
# KEYS: the buffer, the batch's list, the index of batches. ARGV: count, batch id, now.
TAKE = r"""
local entries = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #entries == 0 then return entries end
redis.call('LTRIM', KEYS[1], #entries, -1)
redis.call('RPUSH', KEYS[2], unpack(entries))
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
return entries
"""

# Take over the batches taken before ARGV[1] (their flusher died): each is stamped with now, so
# one flusher takes it over, and returned as {id, entries}.
# KEYS: the index of batches. ARGV: cutoff, now, the batch lists' key prefix, how many at most.
RECLAIM = r"""
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[4]))
local batches = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[2], id)
  table.insert(batches, {id, redis.call('LRANGE', ARGV[3] .. id, 0, -1)})
end
return batches
"""

# Put a batch back at the head of the buffer (its database write failed), in one step.
# KEYS: the buffer, the batch's list, the index of batches. ARGV: batch id.
GIVE_BACK = r"""
local entries = redis.call('LRANGE', KEYS[2], 0, -1)
for i = #entries, 1, -1 do redis.call('LPUSH', KEYS[1], entries[i]) end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
return #entries
"""
