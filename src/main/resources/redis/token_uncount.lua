-- Takes back one request that token_admit.lua counted for an admission whose answer came too late
-- and that this instance refused on its own counts: the request was never served (issue 20).
-- KEYS: the request windows the script counted in (requests this minute, today). A window whose
-- key has expired meanwhile is left alone: DECR would make it anew, at -1 and without an expiry.
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then
    redis.call('DECR', KEYS[i])
  end
end
return 0
