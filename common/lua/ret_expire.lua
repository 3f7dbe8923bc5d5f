-- ret_expire: give a finished document's keys its retention TTL (record, blob, the idempotency
-- entry and dedup key that name it) and note when they expire, so the sweep can erase what
-- cannot expire with them (event copies, training examples, index entries).
-- KEYS: 1 dp:doc:<id>, 2 dp:blob:<id>, 3 dp:expiring, then the optional keys ARGV 5-6 say are
--       present, in this order: dp:idem:<t>:<sha256(key)>, dp:dedup:<t>:<sha256>:<fp>
-- ARGV: 1 id, 2 tenant, 3 TTL seconds, 4 now (unix ms), 5 has idem key, 6 has dedup key (0|1)
-- Reply: 1 set; 0 the record is gone, another tenant's or not finished (nothing written).
local st = redis.call('HMGET', KEYS[1], 'tenant', 'status')
if st[1] ~= ARGV[2] or (st[2] ~= 'done' and st[2] ~= 'failed') then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
local k = 4
if ARGV[5] == '1' then
  local v = redis.call('GET', KEYS[k]) or ''
  if string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then
    redis.call('EXPIRE', KEYS[k], ttl, 'LT') end
  k = k + 1
end
if ARGV[6] == '1' and redis.call('GET', KEYS[k]) == ARGV[1] then
  redis.call('EXPIRE', KEYS[k], ttl) end
redis.call('ZADD', KEYS[3], tonumber(ARGV[4]) + ttl * 1000, ARGV[1] .. ' ' .. ARGV[2])
return 1
