-- A send Google did not count (it answered 404) leaves the minute and the day it was counted in.
-- KEYS[1] sends of the last minute, KEYS[2] sends of the send's day. ARGV: the member's prefix
-- (instance and local take time; a counter follows). Nothing happens when no such member is left.
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local prefix = ARGV[1]
for i = #members, 1, -1 do
  if string.sub(members[i], 1, #prefix) == prefix then
    redis.call('ZREM', KEYS[1], members[i])
    if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
      redis.call('DECR', KEYS[2])
    end
    return 1
  end
end
return 0
