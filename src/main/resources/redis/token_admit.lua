-- Admits one request of a managed token when every one of its limits allows it (issue 20).
-- KEYS: 1 requests this minute, 2 requests today, 3 tokens this minute, 4 tokens today (fixed
-- windows, the window's number in the key), 5 the requests in progress (ZSET of lease ids scored
-- by their expiry on Redis's clock).
-- ARGV: 1-5 the limits in KEYS' order (-1: none), 6 the minute keys' time to live (ms), 7 the day
-- keys' (ms), 8 the lease id, 9 the lease's time to live (ms).
-- Returns 0 when admitted (the request counted, the lease taken), else the number of the limit
-- that refused (1-5); nothing is counted then.
local function over(key, limit)
  limit = tonumber(limit)
  return limit >= 0 and tonumber(redis.call('GET', key) or '0') >= limit
end
for i = 1, 4 do
  if over(KEYS[i], ARGV[i]) then
    return i
  end
end
local concurrent = tonumber(ARGV[5])
if concurrent >= 0 then
  local t = redis.call('TIME')
  local now = t[1] * 1000 + math.floor(t[2] / 1000)
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
  if redis.call('ZCARD', KEYS[5]) >= concurrent then
    return 5
  end
  redis.call('ZADD', KEYS[5], now + tonumber(ARGV[9]), ARGV[8])
  redis.call('PEXPIRE', KEYS[5], tonumber(ARGV[9]))
end
for i = 1, 2 do
  if tonumber(ARGV[i]) >= 0 and redis.call('INCR', KEYS[i]) == 1 then
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[5 + i]))
  end
end
return 0
