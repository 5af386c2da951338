-- Google proved the cell's per-minute limit lower than configured, for one Pacific day.
-- KEYS[1] the cell's state hash. ARGV: rpm, day. The lowest of one day wins; another day replaces it.
local state = redis.call('HMGET', KEYS[1], 'learnedRpm', 'learnedDay')
local rpm = tonumber(ARGV[1])
if state[2] == ARGV[2] and tonumber(state[1]) and tonumber(state[1]) < rpm then
  rpm = tonumber(state[1])
end
redis.call('HSET', KEYS[1], 'learnedRpm', rpm, 'learnedDay', ARGV[2])
if redis.call('PTTL', KEYS[1]) < 172800000 then
  redis.call('PEXPIRE', KEYS[1], 172800000)
end
return rpm
