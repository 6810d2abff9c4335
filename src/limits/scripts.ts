// Lua scripts for Redis: each decision or settlement is one script, so one round trip and atomic.

/**
 * KEYS: rate log (a list of admission times, oldest first), quota counter.
 * ARGV: rate limit, window ms, quota limit, counts quota (0/1), seed (-1: none), (unused), quota ttl s.
 * Returns {outcome, count after, quota used, oldest ms, now ms}; outcome 1 admitted, 0 rate limited,
 * 2 quota exceeded, -1 quota counter missing (call again with a seed read from the database).
 * The log is an exact sliding window: times older than the window are popped from its head (each time
 * once, so O(1) amortised), and a call is admitted only while fewer than `limit` times remain.
 */
export const ADMIT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local quota_limit = tonumber(ARGV[3])
local counts_quota = ARGV[4] == '1'
local seed = tonumber(ARGV[5])
local used = redis.call('GET', KEYS[2])
if not used then
  if seed < 0 then return {-1, 0, 0, 0, now} end
  redis.call('SET', KEYS[2], seed, 'EX', tonumber(ARGV[7]), 'NX')
  used = redis.call('GET', KEYS[2])
end
used = tonumber(used)
local head = redis.call('LINDEX', KEYS[1], 0)
while head and tonumber(head) <= now - window do
  redis.call('LPOP', KEYS[1])
  head = redis.call('LINDEX', KEYS[1], 0)
end
local count = redis.call('LLEN', KEYS[1])
local oldest = now
if head then oldest = tonumber(head) end
if count >= limit then return {0, count, used, oldest, now} end
if counts_quota and used >= quota_limit then return {2, count, used, oldest, now} end
redis.call('RPUSH', KEYS[1], now)
redis.call('PEXPIRE', KEYS[1], window)
if counts_quota then used = redis.call('INCR', KEYS[2]) end
return {1, count + 1, used, oldest, now}
`;

/**
 * KEYS: quota counter, usage stream. ARGV: refund (0/1), record JSON, stream max length.
 * Gives the reservation back (when the counter still exists) and appends the record, atomically.
 */
export const SETTLE_SCRIPT = `
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then
  if tonumber(redis.call('GET', KEYS[1])) > 0 then redis.call('DECR', KEYS[1]) end
end
return redis.call('XADD', KEYS[2], '*', 'r', ARGV[2])
`;

/** KEYS: throttle log (a list of times). ARGV: limit, window ms, record (0/1). Returns {allowed 0/1, retry ms}. */
export const THROTTLE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
local head = redis.call('LINDEX', KEYS[1], 0)
while head and tonumber(head) <= now - window do
  redis.call('LPOP', KEYS[1])
  head = redis.call('LINDEX', KEYS[1], 0)
end
if ARGV[3] == '1' then
  redis.call('RPUSH', KEYS[1], now)
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
if redis.call('LLEN', KEYS[1]) < tonumber(ARGV[1]) then return {1, 0} end
return {0, tonumber(head) + window - now}
`;
