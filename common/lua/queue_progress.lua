-- queue_progress: the owner of a job records page progress and resets the job's idle time, so
-- XAUTOCLAIM does not hand it to another worker while it is still working (XCLAIM with
-- min-idle 0 by the owner only resets the idle clock). A record erased meanwhile is not
-- written again (HSET would leave a stub of an erased document).
-- KEYS: 1 dp:jobs, 2 dp:doc:<id>
-- ARGV: 1 group, 2 consumer, 3 stream entry id, 4 pages_done, 5 pages_total
-- Reply: 1 recorded; 0 the entry is not pending for this consumer (it was reclaimed).
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #p == 0 or p[1][2] ~= ARGV[2] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'pages_done', ARGV[4], 'pages_total', ARGV[5])
end
return 1
