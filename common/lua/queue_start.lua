-- queue_start: start an attempt of a job. Counts the attempt in the record; past max_attempts
-- the document fails, the job moves to the dead-letter stream and document.failed is emitted,
-- so a file that crashes its worker every time cannot loop forever.
-- KEYS: 1 dp:doc:<id>, 2 dp:jobs, 3 dp:dead, 4 dp:events, 5 dp:stats, 6 dp:quota:<t>:queued,
--       7 dp:devt:<id>
-- ARGV: 1 group, 2 stream entry id, 3 consumer, 4 max_attempts, 5 now_ms, 6 event id,
--       7 now_s, 8 document id
-- Reply: {0, attempt} run it; {1, 0} document gone or finished (entry acknowledged and
--        deleted); {2, attempts} attempts used up (failed, dead-lettered, event emitted).
local function ack() redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[2], ARGV[2]) end
local st = redis.call('HMGET', KEYS[1], 'status', 'attempts', 'tenant', 'history',
  'last_error', 'callback_url')
if not st[1] or st[1] == 'done' or st[1] == 'failed' then
  redis.call('SREM', KEYS[6], ARGV[8]) ack() return {1, 0} end
local a = tonumber(st[2] or '0')
local hist = st[4] and cjson.decode(st[4]) or {}
if a >= tonumber(ARGV[4]) then
  local code = st[5] or 'worker_crashed'
  local msg = 'gave up after ' .. a .. ' attempts'
  if code == 'worker_crashed' then
    msg = 'the worker stopped during each of ' .. a .. ' attempts (crash or kill)'
  end
  redis.call('HSET', KEYS[1], 'status', 'failed', 'error_code', code,
    'error_message', msg, 'finished_at', ARGV[5])
  redis.call('XADD', KEYS[3], '*', 'doc', ARGV[8], 'tenant', st[3],
    'reason', code, 'attempts', a)
  ack()
  local data = cjson.encode({id = ARGV[8], status = 'failed',
    error = {code = code, message = msg}, attempts = a})
  local entry = redis.call('XADD', KEYS[4], '*', 'id', ARGV[6], 'type', 'document.failed',
    'tenant', st[3], 'doc', ARGV[8], 'callback_url', st[6] or '',
    'created', ARGV[7], 'data', data)
  redis.call('HSET', KEYS[7], ARGV[6], entry)
  redis.call('SREM', KEYS[6], ARGV[8])
  redis.call('HINCRBY', KEYS[5], 'failed', 1)
  redis.call('HINCRBY', KEYS[5], 'dead_lettered', 1)
  return {2, a}
end
a = a + 1
if #hist > 0 and not hist[#hist].outcome then hist[#hist].outcome = 'worker_crashed' end
hist[#hist + 1] = {attempt = a, worker = ARGV[3], started_at = tonumber(ARGV[5])}
redis.call('HSET', KEYS[1], 'status', 'processing', 'attempts', a, 'started_at',
  ARGV[5], 'worker', ARGV[3], 'history', cjson.encode(hist))
return {0, a}
