-- queue_handback: give a started job back (the worker is stopping between pages): acknowledge
-- our entry and queue a fresh one at once; the interrupted attempt is not counted.
-- KEYS: 1 dp:jobs, 2 dp:doc:<id>
-- ARGV: 1 group, 2 consumer, 3 stream entry id, 4 document id, 5 tenant
-- Reply: 1 handed back (or dropped when the document is gone); 0 the entry is not ours.
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #p == 0 or p[1][2] ~= ARGV[2] then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 0 then return 1 end
redis.call('XADD', KEYS[1], '*', 'doc', ARGV[4], 'tenant', ARGV[5])
local st = redis.call('HMGET', KEYS[2], 'attempts', 'history')
local hist = st[2] and cjson.decode(st[2]) or {}
if #hist > 0 then hist[#hist].outcome = 'handed_back' end
local a = tonumber(st[1] or '1') - 1
if a < 0 then a = 0 end
redis.call('HSET', KEYS[2], 'status', 'queued', 'attempts', a,
  'history', cjson.encode(hist))
redis.call('HDEL', KEYS[2], 'pages_done')
return 1
