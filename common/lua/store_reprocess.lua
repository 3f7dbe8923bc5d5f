-- store_reprocess: put a tenant's document back on the queue (status queued, attempts 0,
-- optionally new lang/pipeline). The old result stays until the new run overwrites it. New
-- options mean another reading: the record stops answering duplicates (dedup_fp goes).
-- Quotas and the queue bound apply as to an upload.
-- KEYS: 1 dp:doc:<id>, 2 dp:jobs, 3 dp:blob:<id>, 4 dp:quota:<t>:queued,
--       5 dp:quota:<t>:rate:<this minute>
-- ARGV: 1 id, 2 tenant, 3 lang ("" = keep), 4 pipeline ("" = keep), 5 tenant's most queued
--       jobs, 6 most uploads a minute (0 = no limit), 7 max_queue (the global bound)
-- Reply: 1 queued; 0 no such document for this tenant; -1 its bytes are gone; -2 the tenant's
--        queued jobs, -3 its uploads this minute are at their limit; -4 the queue is full.
if redis.call('HGET', KEYS[1], 'tenant') ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
local perm, maxq = tonumber(ARGV[6]), tonumber(ARGV[5])
if perm > 0 and tonumber(redis.call('GET', KEYS[5]) or '0') >= perm then return -3 end
if redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 0 then
  if maxq > 0 and redis.call('SCARD', KEYS[4]) >= maxq then return -2 end
  if redis.call('XLEN', KEYS[2]) >= tonumber(ARGV[7]) then return -4 end
end
if perm > 0 then redis.call('INCR', KEYS[5]) redis.call('EXPIRE', KEYS[5], 120) end
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', 0)
redis.call('HDEL', KEYS[1], 'started_at', 'finished_at', 'error_code',
  'error_message', 'pages_done', 'history', 'last_error')
if ARGV[3] ~= '' or ARGV[4] ~= '' then redis.call('HDEL', KEYS[1], 'dedup_fp') end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'lang', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'pipeline', ARGV[4]) end
redis.call('XADD', KEYS[2], '*', 'doc', ARGV[1], 'tenant', ARGV[2])
return 1
