-- Charges an answer's tokens to a managed token's windows (issue 20).
-- KEYS: 1 tokens this minute, 2 tokens today. ARGV: 1 the tokens, 2 the minute key's time to live
-- (ms), 3 the day key's (ms).
for i = 1, 2 do
  if redis.call('INCRBY', KEYS[i], ARGV[1]) == tonumber(ARGV[1]) then
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[1 + i]))
  end
end
return 0
