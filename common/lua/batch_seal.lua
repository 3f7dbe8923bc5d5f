-- batch_seal: close a batch once all its documents are attached; if every one of them has
-- ended already, the batch completes now (batch.completed emitted, once).
-- KEYS: 1 dp:batch:<b>, 2 dp:batch:<b>:ended, 3 dp:events
-- ARGV: 1 batch id, 2 tenant, 3 total documents, 4 event id, 5 now_s, 6 now_ms
-- Reply: 2 sealed and completed; 1 sealed; 0 no such batch for this tenant.
local b = redis.call('HMGET', KEYS[1], 'tenant', 'callback_url')
if b[1] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'sealed', 1, 'total', ARGV[3])
-- (the same completion step as batch_tick.lua)
local t = redis.call('HMGET', KEYS[1], 'total', 'done', 'failed', 'completed_at')
if t[4] or redis.call('SCARD', KEYS[2]) < tonumber(t[1]) then return 1 end
redis.call('HSET', KEYS[1], 'completed_at', ARGV[6])
local data = cjson.encode({id = ARGV[1], object = 'batch', status = 'completed',
  total = tonumber(t[1]), done = tonumber(t[2] or '0'), failed = tonumber(t[3] or '0')})
redis.call('XADD', KEYS[3], '*', 'id', ARGV[4], 'type', 'batch.completed', 'tenant', ARGV[2],
  'doc', '', 'callback_url', b[2] or '', 'created', ARGV[5], 'data', data)
return 2
