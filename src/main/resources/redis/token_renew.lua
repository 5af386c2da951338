-- Extends a lease of a managed token's requests in progress that is still held (a long stream).
-- KEYS: 1 the requests in progress (ZSET). ARGV: 1 the lease id, 2 its time to live (ms).
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
