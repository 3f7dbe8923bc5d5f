-- queue_finish: write an attempt's outcome, acknowledge and delete the job entry, emit the
-- document.completed/failed event and count it, all at once. A document already finished
-- (a duplicate delivery of its job) is left as it is; its entry is still acknowledged.
-- KEYS: 1 dp:doc:<id>, 2 dp:jobs, 3 dp:events, 4 dp:stats, 5 dp:metrics:done:<bucket of now_s>,
--       6 dp:devt:<id> (the document's events, erased with it), 7 dp:quota:<t>:queued
-- ARGV: 1 group, 2 stream entry id, 3 status (done|failed), 4 now_ms, 5 event id, 6 now_s,
--       7 event data JSON, 8 done-bucket TTL seconds, 9 document id,
--       10.. record field, value, ...
-- Reply: 1 written; 0 already finished or gone (entry acknowledged, nothing else written).
local function ack() redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[2], ARGV[2]) end
local st = redis.call('HMGET', KEYS[1], 'status', 'tenant', 'callback_url', 'history')
if not st[1] or st[1] == 'done' or st[1] == 'failed' then
  redis.call('SREM', KEYS[7], ARGV[9]) ack() return 0 end
redis.call('SREM', KEYS[7], ARGV[9])
local hist = st[4] and cjson.decode(st[4]) or {}
if #hist > 0 then hist[#hist].outcome = ARGV[3]
  hist[#hist].finished_at = tonumber(ARGV[4]) end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'finished_at', ARGV[4],
  'history', cjson.encode(hist))
if #ARGV > 9 then redis.call('HSET', KEYS[1], unpack(ARGV, 10)) end
ack()
local typ = ARGV[3] == 'done' and 'document.completed' or 'document.failed'
local entry = redis.call('XADD', KEYS[3], '*', 'id', ARGV[5], 'type', typ, 'tenant', st[2],
  'doc', ARGV[9], 'callback_url', st[3] or '', 'created', ARGV[6],
  'data', ARGV[7])
redis.call('HSET', KEYS[6], ARGV[5], entry)
redis.call('HINCRBY', KEYS[4], ARGV[3], 1)
if ARGV[3] == 'done' then
  redis.call('INCR', KEYS[5]) redis.call('EXPIRE', KEYS[5], ARGV[8]) end
return 1
