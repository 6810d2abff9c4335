// Lua scripts for Redis: each decision or settlement is one script, so one round trip and atomic.

/**
 * Decides a batch of calls in order, each exactly as if alone.
 * KEYS: per call, its rate log (a list of admission times, oldest first) and its quota counter.
 * ARGV: window ms, quota ttl s, then per call: rate limit, quota limit, counts quota (0/1), seed (-1: none).
 * Returns per call {outcome, count after, quota used, oldest ms, now ms}, flattened; outcome 1 admitted,
 * 0 rate limited, 2 quota exceeded, -1 quota counter missing (ask again with a seed from the database).
 * The log is an exact sliding window: times older than the window are popped from its head (each time
 * once, so O(1) amortised), and a call is admitted only while fewer than `limit` times remain.
 */
export const ADMIT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS / 2 do
  local rate_key, quota_key = KEYS[2 * i - 1], KEYS[2 * i]
  local a = 2 + (i - 1) * 4
  local limit, quota_limit = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local counts_quota, seed = ARGV[a + 3] == '1', tonumber(ARGV[a + 4])
  local used = redis.call('GET', quota_key)
  if not used and seed >= 0 then
    redis.call('SET', quota_key, seed, 'EX', ttl, 'NX')
    used = redis.call('GET', quota_key)
  end
  if not used then
    table.insert(out, -1); table.insert(out, 0); table.insert(out, 0); table.insert(out, 0); table.insert(out, now)
  else
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
      if counts_quota then used = redis.call('INCR', quota_key) end
      count = count + 1
    end
    table.insert(out, outcome); table.insert(out, count); table.insert(out, used); table.insert(out, oldest); table.insert(out, now)
  end
end
return out
`;

/**
 * Settles a batch of calls: gives back each reservation marked for refund (when its counter still exists)
 * and appends each record to the usage stream, atomically.
 * KEYS: the usage stream, then per call its quota counter. ARGV: per call its refund flag (0/1), then per
 * call its record's JSON.
 */
export const SETTLE_SCRIPT = `
local n = #KEYS - 1
for i = 1, n do
  if ARGV[i] == '1' and redis.call('EXISTS', KEYS[i + 1]) == 1 then
    if tonumber(redis.call('GET', KEYS[i + 1])) > 0 then redis.call('DECR', KEYS[i + 1]) end
  end
  redis.call('XADD', KEYS[1], '*', 'r', ARGV[n + i])
end
return n
`;
