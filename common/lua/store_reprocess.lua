-- store_reprocess: put a tenant's document back on the queue (status queued, attempts 0,
-- optionally new lang/pipeline). The old result stays until the new run overwrites it. New
-- options mean another reading: the record stops answering duplicates (dedup_fp goes).
-- KEYS: 1 dp:doc:<id>, 2 dp:jobs, 3 dp:blob:<id>
-- ARGV: 1 id, 2 tenant, 3 lang ("" = keep), 4 pipeline ("" = keep)
-- Reply: 1 queued; 0 no such document for this tenant; -1 its bytes are gone.
if redis.call('HGET', KEYS[1], 'tenant') ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', 0)
redis.call('HDEL', KEYS[1], 'started_at', 'finished_at', 'error_code',
  'error_message', 'pages_done', 'history', 'last_error')
if ARGV[3] ~= '' or ARGV[4] ~= '' then redis.call('HDEL', KEYS[1], 'dedup_fp') end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'lang', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'pipeline', ARGV[4]) end
redis.call('XADD', KEYS[2], '*', 'doc', ARGV[1], 'tenant', ARGV[2])
return 1
