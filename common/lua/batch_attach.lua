-- batch_attach: make one of a tenant's documents part of a batch (POST /v1/batches). A
-- document that has ended already is counted as ended at once.
-- KEYS: 1 dp:doc:<id>, 2 dp:batch:<b>, 3 dp:batch:<b>:ended, 4 dp:batch:<b>:docs
-- ARGV: 1 document id, 2 tenant, 3 batch id
-- Reply: 1 attached (or already in this batch); 0 no such document or batch for this tenant;
--        -1 the document belongs to another batch (nothing written).
local d = redis.call('HMGET', KEYS[1], 'tenant', 'batch', 'status')
if d[1] ~= ARGV[2] or redis.call('HGET', KEYS[2], 'tenant') ~= ARGV[2] then return 0 end
if d[2] and d[2] ~= ARGV[3] then return -1 end
if not d[2] then
  redis.call('HSET', KEYS[1], 'batch', ARGV[3])
  redis.call('RPUSH', KEYS[4], ARGV[1])
end
if (d[3] == 'done' or d[3] == 'failed') and redis.call('SADD', KEYS[3], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[2], d[3], 1)
end
return 1
