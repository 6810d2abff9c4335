// Lua scripts for Redis: each decision or settlement is one script, so one round trip and atomic.

// Gives back the reservations in `lease_key` whose deadline passed (at most `max`): removes them and takes
// them off `quota_key` (never below zero). Shared by the admit script and the sweep.
const EXPIRE_LEASES = `
local function expire_leases(lease_key, quota_key, now, max)
  local expired = redis.call('ZRANGEBYSCORE', lease_key, '-inf', now, 'LIMIT', 0, max)
  if #expired == 0 then return 0 end
  redis.call('ZREM', lease_key, unpack(expired))
  if redis.call('EXISTS', quota_key) == 1 then
    local left = redis.call('DECRBY', quota_key, #expired)
    if left < 0 then redis.call('INCRBY', quota_key, -left) end
  end
  return #expired
end
`;

/**
 * Decides a batch of calls in order, each exactly as if alone.
 * KEYS: the batch's distinct keys: rate logs (a list of admission times, oldest first), quota counters and
 * owners' leases (a sorted set: call id → lease deadline ms).
 * ARGV: window ms, quota ttl s, lease ms, then the calls as one flat JSON array, eight values per call: the
 * indexes in KEYS of its rate log, quota counter and leases, rate limit, quota limit, counts quota (0/1),
 * seed (-1: none), call id. One packed argument costs far less than eight per call on both sides (Bun's
 * client ~0.3 µs per argument sent; Redis 26 µs against 35–43 for a batch of 21 calls).
 * Returns per call {outcome, count after, quota used, oldest ms, now ms}, flattened; outcome 1 admitted,
 * 0 rate limited, 2 quota exceeded, -1 quota counter missing (ask again with a seed from the database).
 * The log is an exact sliding window: times older than the window are trimmed from its head, and a call is
 * admitted only while fewer than `limit` times remain. Expired leases of the owner are given back before the
 * quota is checked; a reservation gets a lease.
 * Every key is read once per batch and written once at its end (the batch shares one clock reading, so its
 * calls see the same window): a call's decision uses the state the calls before it left, kept in Lua tables,
 * which costs a fraction of a Redis command per call where a batch holds many calls of one key.
 */
export const ADMIT_SCRIPT = EXPIRE_LEASES + `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local rates, rate_order = {}, {}
local quotas, quota_order = {}, {}

-- The rate log of a key after trimming the times out of the window: its length and oldest time.
local function rate_of(rate_key)
  local r = rates[rate_key]
  if r then return r end
  local head = nil
  while true do
    local times = redis.call('LRANGE', rate_key, 0, 63)
    local expired = 0
    for j = 1, #times do
      if tonumber(times[j]) <= now - window then expired = j else head = tonumber(times[j]); break end
    end
    if expired > 0 then redis.call('LTRIM', rate_key, expired, -1) end
    if expired < 64 then break end
  end
  r = { count = redis.call('LLEN', rate_key), oldest = head, pushed = 0 }
  rates[rate_key] = r
  table.insert(rate_order, rate_key)
  return r
end

-- The quota counter of a key (nil when missing and no seed came), with the owner's expired leases given back.
local function quota_of(quota_key, lease_key, seed)
  local q = quotas[quota_key]
  if q and (q.used or seed < 0) then return q end
  local used = redis.call('GET', quota_key)
  if not used and seed >= 0 then
    -- A counter rebuilt from the database holds no reservation: leases left from before are void.
    if redis.call('SET', quota_key, seed, 'EX', ttl, 'NX') then redis.call('DEL', lease_key) end
    used = redis.call('GET', quota_key)
  end
  if used and expire_leases(lease_key, quota_key, now, 1000) > 0 then used = redis.call('GET', quota_key) end
  q = { used = used and tonumber(used) or nil, added = 0, lease_key = lease_key, leases = {} }
  if not quotas[quota_key] then table.insert(quota_order, quota_key) end
  quotas[quota_key] = q
  return q
end

local calls = cjson.decode(ARGV[4])
local out = {}
for a = 1, #calls, 8 do
  local rate_key, quota_key, lease_key = KEYS[calls[a]], KEYS[calls[a + 1]], KEYS[calls[a + 2]]
  local limit, quota_limit = calls[a + 3], calls[a + 4]
  local counts_quota, seed, call_id = calls[a + 5] == 1, calls[a + 6], calls[a + 7]
  local q = quota_of(quota_key, lease_key, seed)
  if not q.used then
    table.insert(out, -1); table.insert(out, 0); table.insert(out, 0); table.insert(out, 0); table.insert(out, now)
  else
    local r = rate_of(rate_key)
    local outcome = 1
    if r.count >= limit then
      outcome = 0
    elseif counts_quota and q.used >= quota_limit then
      outcome = 2
    else
      r.count = r.count + 1
      r.pushed = r.pushed + 1
      r.oldest = r.oldest or now
      if counts_quota then
        q.used = q.used + 1
        q.added = q.added + 1
        table.insert(q.leases, now + lease)
        table.insert(q.leases, call_id)
      end
    end
    table.insert(out, outcome); table.insert(out, r.count); table.insert(out, q.used); table.insert(out, r.oldest or now); table.insert(out, now)
  end
end

for _, rate_key in ipairs(rate_order) do
  local r = rates[rate_key]
  if r.pushed > 0 then
    local times = {}
    for j = 1, r.pushed do times[j] = now end
    redis.call('RPUSH', rate_key, unpack(times))
    redis.call('PEXPIRE', rate_key, window)
  end
end
for _, quota_key in ipairs(quota_order) do
  local q = quotas[quota_key]
  if q.added > 0 then
    redis.call('INCRBY', quota_key, q.added)
    redis.call('ZADD', q.lease_key, unpack(q.leases))
    redis.call('EXPIRE', q.lease_key, ttl)
  end
end
return out
`;

/**
 * Settles a batch of calls and appends their records to the usage stream, atomically. A call holding a
 * reservation releases its lease; if the lease was still live, a refund gives the reservation back; if it
 * had expired (the reservation was given back already), a refund does nothing and a charge counts again.
 * KEYS: the usage stream, then the batch's distinct quota counters and owners' leases.
 * ARGV: the batch's records as one JSON array, how many they are, then the calls holding a reservation as
 * one flat JSON array, four values per call: the indexes in KEYS of its quota counter and leases, its mode
 * (r: refund, c: charge) and its call id.
 * The records go in as one stream entry {n: count, b: JSON array}, read back by the flusher; each lease set
 * and counter is read and written once per batch.
 */
export const SETTLE_SCRIPT = `
local n = tonumber(ARGV[2])
local calls = cjson.decode(ARGV[3])
local groups, order = {}, {}
for a = 1, #calls, 4 do
  local quota_key, lease_key = KEYS[calls[a]], KEYS[calls[a + 1]]
  local g = groups[quota_key]
  if not g then
    g = { lease_key = lease_key, ids = {}, modes = {} }
    groups[quota_key] = g
    table.insert(order, quota_key)
  end
  table.insert(g.ids, calls[a + 3])
  table.insert(g.modes, calls[a + 2])
end
for _, quota_key in ipairs(order) do
  local g = groups[quota_key]
  local scores = redis.call('ZMSCORE', g.lease_key, unpack(g.ids))
  redis.call('ZREM', g.lease_key, unpack(g.ids))
  local used = redis.call('GET', quota_key)
  if used then
    local value = tonumber(used)
    local start = value
    for j = 1, #g.ids do
      local live = scores[j] ~= false and scores[j] ~= nil
      if g.modes[j] == 'r' and live then
        if value > 0 then value = value - 1 end
      elseif g.modes[j] == 'c' and not live then
        value = value + 1
      end
    end
    if value ~= start then redis.call('INCRBY', quota_key, value - start) end
  end
end
redis.call('XADD', KEYS[1], '*', 'n', n, 'b', ARGV[1])
return n
`;

/** Gives back expired reservations. KEYS: pairs of leases and quota counter. ARGV: max per pair. Returns how many. */
export const RECONCILE_SCRIPT = EXPIRE_LEASES + `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local total = 0
for i = 1, #KEYS / 2 do
  total = total + expire_leases(KEYS[2 * i - 1], KEYS[2 * i], now, tonumber(ARGV[1]))
end
return total
`;
