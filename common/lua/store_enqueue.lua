-- store_enqueue: store an upload atomically: blob, record, job, tenant index, idempotency key.
-- Either all of it exists afterwards or none of it (store_enqueue in store.c).
-- KEYS: 1 dp:doc:<id>, 2 dp:blob:<id>, 3 dp:jobs, 4 dp:tdocs:<tenant>, 5 dp:seq, 6 dp:stats,
--       [7 dp:idem:<tenant>:<sha256(key)>, [8 dp:doc:<previous id>]]
--       KEYS[7] only with an Idempotency-Key; KEYS[8] when the caller found it already set
--       (GET before the call), naming the document it points at.
-- ARGV: 1 id, 2 tenant, 3 created_ms, 4 blob, 5 max_queue, 6 sha256 of blob, 7 idem_ttl_s,
--       8 the idempotency value the caller read ("" when none), 9.. record field, value, ...
-- Reply: {0, id} stored; {1, previous id} replay of the same bytes (nothing written);
--        {2, previous id} key used with other bytes; {3, ''} queue over max_queue;
--        {4, ''} the idempotency key changed since the caller read it: read it again, retry.
local idem = KEYS[7]
if idem then
  local prev = redis.call('GET', idem) or ''
  if prev ~= ARGV[8] then return {4, ''} end
  if prev ~= '' then
    local sp = string.find(prev, ' ', 1, true)
    local pid, psha = string.sub(prev, 1, sp - 1), string.sub(prev, sp + 1)
    if psha ~= ARGV[6] then return {2, pid} end
    if KEYS[8] and redis.call('EXISTS', KEYS[8]) == 1 then return {1, pid} end
  end
end
if redis.call('XLEN', KEYS[3]) >= tonumber(ARGV[5]) then return {3, ''} end
redis.call('SET', KEYS[2], ARGV[4])
redis.call('HSET', KEYS[1], unpack(ARGV, 9))
redis.call('XADD', KEYS[3], '*', 'doc', ARGV[1], 'tenant', ARGV[2])
redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[5]), ARGV[1])
if idem then
  redis.call('SET', idem, ARGV[1] .. ' ' .. ARGV[6], 'EX', ARGV[7])
end
redis.call('HINCRBY', KEYS[6], 'accepted', 1)
return {0, ARGV[1]}
