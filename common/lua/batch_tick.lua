-- batch_tick: a document of a batch has ended (docproc-webhookd calls it for every
-- document.completed/failed event): count it once, and when the batch is sealed and all of its
-- documents have ended, complete the batch and emit batch.completed (once).
-- KEYS: 1 dp:doc:<id>, 2 dp:batch:<b>, 3 dp:batch:<b>:ended, 4 dp:events
-- ARGV: 1 document id, 2 batch id (the caller read it from the record), 3 event id, 4 now_s,
--       5 now_ms
-- Reply: 2 the batch completed now; 1 counted (or counted before); 0 not this batch's or not
--        ended (nothing written).
local d = redis.call('HMGET', KEYS[1], 'batch', 'status')
if d[1] ~= ARGV[2] or (d[2] ~= 'done' and d[2] ~= 'failed') then return 0 end
if redis.call('SADD', KEYS[3], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[2], d[2], 1) end
-- (the same completion step as batch_seal.lua)
local b = redis.call('HMGET', KEYS[2], 'tenant', 'callback_url', 'sealed')
if b[3] ~= '1' then return 1 end
local t = redis.call('HMGET', KEYS[2], 'total', 'done', 'failed', 'completed_at')
if t[4] or redis.call('SCARD', KEYS[3]) < tonumber(t[1]) then return 1 end
redis.call('HSET', KEYS[2], 'completed_at', ARGV[5])
local data = cjson.encode({id = ARGV[2], object = 'batch', status = 'completed',
  total = tonumber(t[1]), done = tonumber(t[2] or '0'), failed = tonumber(t[3] or '0')})
redis.call('XADD', KEYS[4], '*', 'id', ARGV[3], 'type', 'batch.completed', 'tenant', b[1],
  'doc', '', 'callback_url', b[2] or '', 'created', ARGV[4], 'data', data)
return 2
