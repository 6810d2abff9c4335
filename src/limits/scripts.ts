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
 * KEYS: per call, its rate log (a list of admission times, oldest first), its quota counter and its
 * owner's leases (a sorted set: call id → lease deadline ms).
 * ARGV: window ms, quota ttl s, lease ms, then per call: rate limit, quota limit, counts quota (0/1),
 * seed (-1: none), call id.
 * Returns per call {outcome, count after, quota used, oldest ms, now ms}, flattened; outcome 1 admitted,
 * 0 rate limited, 2 quota exceeded, -1 quota counter missing (ask again with a seed from the database).
 * The log is an exact sliding window: times older than the window are popped from its head (each time
 * once, so O(1) amortised), and a call is admitted only while fewer than `limit` times remain. Expired
 * leases of the owner are given back before the quota is checked; a reservation gets a lease.
 */
export const ADMIT_SCRIPT = EXPIRE_LEASES + `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local out = {}
for i = 1, #KEYS / 3 do
  local rate_key, quota_key, lease_key = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local a = 3 + (i - 1) * 5
  local limit, quota_limit = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local counts_quota, seed, call_id = ARGV[a + 3] == '1', tonumber(ARGV[a + 4]), ARGV[a + 5]
  local used = redis.call('GET', quota_key)
  if not used and seed >= 0 then
    -- A counter rebuilt from the database holds no reservation: leases left from before are void.
    if redis.call('SET', quota_key, seed, 'EX', ttl, 'NX') then redis.call('DEL', lease_key) end
    used = redis.call('GET', quota_key)
  end
  if not used then
    table.insert(out, -1); table.insert(out, 0); table.insert(out, 0); table.insert(out, 0); table.insert(out, now)
  else
    if expire_leases(lease_key, quota_key, now, 100) > 0 then used = redis.call('GET', quota_key) end
    used = tonumber(used)
    local head = redis.call('LINDEX', rate_key, 0)
    while head and tonumber(head) <= now - window do
      redis.call('LPOP', rate_key)
      head = redis.call('LINDEX', rate_key, 0)
    end
    local count = redis.call('LLEN', rate_key)
    local oldest = now
    if head then oldest = tonumber(head) end
    local outcome = 1
    if count >= limit then
      outcome = 0
    elseif counts_quota and used >= quota_limit then
      outcome = 2
    else
      redis.call('RPUSH', rate_key, now)
      redis.call('PEXPIRE', rate_key, window)
      if counts_quota then
        used = redis.call('INCR', quota_key)
        redis.call('ZADD', lease_key, now + lease, call_id)
        redis.call('EXPIRE', lease_key, ttl)
      end
      count = count + 1
    end
    table.insert(out, outcome); table.insert(out, count); table.insert(out, used); table.insert(out, oldest); table.insert(out, now)
  end
end
return out
`;

/**
 * Settles a batch of calls and appends each record to the usage stream, atomically. A call holding a
 * reservation releases its lease; if the lease was still live, a refund gives the reservation back; if it
 * had expired (the reservation was given back already), a refund does nothing and a charge counts again.
 * KEYS: the usage stream, then per call its quota counter and its owner's leases.
 * ARGV: per call its mode (0: no reservation, r: refund, c: charge) and call id, then per call its record's JSON.
 */
export const SETTLE_SCRIPT = `
local n = (#KEYS - 1) / 2
for i = 1, n do
  local quota_key, lease_key, mode = KEYS[2 * i], KEYS[2 * i + 1], ARGV[2 * i - 1]
  if mode ~= '0' then
    local live = redis.call('ZREM', lease_key, ARGV[2 * i]) == 1
    if redis.call('EXISTS', quota_key) == 1 then
      if mode == 'r' and live then
        if tonumber(redis.call('GET', quota_key)) > 0 then redis.call('DECR', quota_key) end
      elseif mode == 'c' and not live then
        redis.call('INCR', quota_key)
      end
    end
  end
  redis.call('XADD', KEYS[1], '*', 'r', ARGV[2 * n + i])
end
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
