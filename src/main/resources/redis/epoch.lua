-- Which life of Redis this is: a random name set by the first instance to ask after Redis started
-- (a Redis that lost its data has none), so that each instance can tell a restart that lost the
-- counts from an outage that kept them. KEYS[1] the name's key; ARGV[1] a new name to set if none.
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1])
  current = ARGV[1]
end
return current
