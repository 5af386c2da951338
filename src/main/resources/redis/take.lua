-- Takes one slot of a key x model cell for every gateway instance at once, or says when one frees.
-- KEYS[1] sends of the last minute (sorted set scored by Redis's clock, one member per send)
-- KEYS[2] sends of the Pacific day (a counter named by the day)
-- KEYS[3] the cell's state (hash: blockedUntil on Redis's clock, learnedRpm, learnedDay)
-- ARGV: rpm (0 = unlimited), rpd (0 = unlimited), day (epoch day), millis until the day ends
--       (on the instance's clock), the member naming this send
-- Returns {taken 1|0, millis until free (0 when taken), sends this minute, sends today}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rpm = tonumber(ARGV[1])
local rpd = tonumber(ARGV[2])
local wait = 0
local state = redis.call('HMGET', KEYS[3], 'blockedUntil', 'learnedRpm', 'learnedDay')
local blockedUntil = tonumber(state[1])
if blockedUntil and blockedUntil > now then
  wait = blockedUntil - now
end
local learned = tonumber(state[2])
if learned and learned > 0 and state[3] == ARGV[3] and (rpm == 0 or learned < rpm) then
  rpm = learned
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
local minute = redis.call('ZCARD', KEYS[1])
if rpm > 0 and minute >= rpm then
  -- the rpm-th most recent send: one more may go when it is 60 s old
  local nth = redis.call('ZRANGE', KEYS[1], minute - rpm, minute - rpm, 'WITHSCORES')
  local free = tonumber(nth[2]) + 60000 - now
  if free > wait then
    wait = free
  end
end
local today = tonumber(redis.call('GET', KEYS[2]) or '0')
if rpd > 0 and today >= rpd then
  local dayEnd = tonumber(ARGV[4])
  if dayEnd > wait then
    wait = dayEnd
  end
end
if wait > 0 then
  return {0, wait, minute, today}
end
-- Without a minute limit the sends are not kept: a window of every send of a busy key is large.
if rpm > 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], 61000)
  minute = minute + 1
end
today = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 172800)
return {1, 0, minute, today}
