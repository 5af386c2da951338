-- Counts, once Redis is back, the sends one instance made while it was away.
-- KEYS[1] sends of the last minute, KEYS[2] sends of their day.
-- ARGV: the day's count to add, a member prefix unique to this re-seed, then each send's age in
-- millis (the instance's now minus the send's time: clocks may differ, ages do not).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local added = 0
for i = 3, #ARGV do
  local at = now - tonumber(ARGV[i])
  if at > now - 60000 then
    redis.call('ZADD', KEYS[1], at, ARGV[2] .. (i - 2))
    added = added + 1
  end
end
if added > 0 then
  redis.call('PEXPIRE', KEYS[1], 61000)
end
local today = tonumber(ARGV[1])
if today > 0 then
  redis.call('INCRBY', KEYS[2], today)
  redis.call('EXPIRE', KEYS[2], 172800)
end
return added
