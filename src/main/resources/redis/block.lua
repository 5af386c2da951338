-- A block (cooldown, park, disable-for-model) set by one instance, seen by all at their next take.
-- KEYS[1] the cell's state hash. ARGV: millis from now the block lasts, its kind.
-- A later end replaces an earlier one; the hash lives as long as the block and at least two days.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilAt = now + tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'blockedUntil') or '0')
if untilAt > current then
  redis.call('HSET', KEYS[1], 'blockedUntil', untilAt, 'blockKind', ARGV[2])
end
local ttl = redis.call('PTTL', KEYS[1])
local keep = math.max(tonumber(ARGV[1]), 172800000)
if ttl < keep then
  redis.call('PEXPIRE', KEYS[1], keep)
end
return 1
