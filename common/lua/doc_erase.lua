-- doc_erase: erase what a document leaves outside its record (at DELETE, or by the sweep once
-- its record expired): copies of the events it emitted and their stream entries, its entry in
-- the tenant index and in the expiry set, and, once all its events are gone, their index.
-- Its stored bytes leave the tenant's quota, and it leaves the tenant's queued set.
-- KEYS: 1 dp:devt:<id>, 2 dp:events, 3 dp:tdocs:<tenant>, 4 dp:expiring,
--       5 dp:quota:<t>:queued, 6 dp:quota:<t>:sizes, 7 dp:quota:<t>:bytes,
--       8.. dp:wh:evt:<evt> for each event id in ARGV (same order)
-- ARGV: 1 id, 2 tenant, 3.. event id, its dp:events entry id, ... (as read from KEYS[1])
-- Reply: the events erased.
local n = 0
for i = 3, #ARGV - 1, 2 do
  redis.call('DEL', KEYS[8 + (i - 3) / 2])
  redis.call('XDEL', KEYS[2], ARGV[i + 1])
  n = n + redis.call('HDEL', KEYS[1], ARGV[i])
end
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[5], ARGV[1])
  local size = redis.call('HGET', KEYS[6], ARGV[1])
  if size then
    redis.call('HDEL', KEYS[6], ARGV[1])
    redis.call('DECRBY', KEYS[7], size)
  end
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1] .. ' ' .. ARGV[2])
end
return n
