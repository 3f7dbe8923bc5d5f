-- store_enqueue: store an upload atomically: blob, record, job, tenant index, idempotency key;
-- or, for bytes + options this tenant already had read (dedup), a record that is done at once
-- with the earlier result, a document.completed event and no job.
-- Either all of it exists afterwards or none of it (store_enqueue in store.c). It also reads the
-- tenant's own limits and the idempotency and dedup keys itself, so a new upload costs one
-- round trip: the caller guesses those keys unset and is told their values (reply 4) if not.
-- KEYS: 1 dp:doc:<id> (the new record), 2 dp:blob:<id>: both already written by the caller,
--       see refuse; 3 dp:jobs,
--       4 dp:tdocs:<tenant>, 5 dp:seq, 6 dp:stats, 7 dp:events, 8 dp:devt:<id> (the document's events), 9 dp:quota:<t>:queued,
--       10 dp:quota:<t>:sizes, 11 dp:quota:<t>:bytes, 12 dp:quota:<t>:rate:<this minute>,
--       13 dp:tenant:<t> (the tenant's own limits), then the optional keys ARGV 9-12 say are
--       present, in this order:
--       dp:idem:<tenant>:<sha256(key)> (with an Idempotency-Key),
--       dp:doc:<id the idempotency key names> (the caller knows it set),
--       dp:dedup:<tenant>:<sha256>:<options fingerprint> (dedup asked for),
--       dp:doc:<id the dedup key names> (the caller knows it set).
-- ARGV: 1 id, 2 tenant, 3 created_ms, 4 unused (the blob was here), 5 max_queue, 6 sha256 of blob, 7 idem_ttl_s,
--       8 the idempotency value the caller expects ("" = unset),
--       9 has idem key, 10 has idem target, 11 has dedup key, 12 has dedup target (0|1),
--       13 the dedup value the caller expects ("" = unset), 14 event id, 15 now_s,
--       16 dedup key TTL seconds (0 = none), 17 options fingerprint ("" without dedup),
--       18 "<most queued jobs> <most stored bytes> <most uploads a minute> <bytes this upload
--       stores>": the configured limits (0 = none), which the tenant's own max_queued,
--       max_bytes, uploads_per_minute in KEYS[13] override, 19 the data of the duplicate's
--       document.completed event, should this upload be a duplicate of the document ARGV 13
--       names (built and, with an encryption key, sealed by the caller, event.c: the worker's
--       writer; "" without a dedup target)
-- Reply: {0, id} stored and queued (the record is what the caller wrote); {1, previous id} replay of
--        the same bytes (nothing written); {2, previous id} key used with other bytes; {3, ''}
--        queue over max_queue; {4, '', idempotency value, dedup value} either key is not what
--        the caller expected ("" = unset): call again expecting these; {5, id, earlier id}
--        stored as a duplicate, done, no job; {6, '', limit} the tenant's queued jobs, {7, '',
--        limit} stored bytes, {8, '', limit} uploads this minute are at their limit.
-- The blob and the record arrive beside the script, not through it (Redis's Lua copies every
-- string argument in and out): the caller SETs KEYS[2] and HSETs KEYS[1] (a new id) in the same
-- MULTI/EXEC just before (rds_eval_set), so a refusal removes both and nothing of the upload
-- is left.
local function refuse(reply)
  redis.call('DEL', KEYS[1], KEYS[2])
  return reply
end
local k = 14
local idem, iprev, dedup, dprev
if ARGV[9] == '1' then idem = KEYS[k]; k = k + 1 end
if ARGV[10] == '1' then iprev = KEYS[k]; k = k + 1 end
if ARGV[11] == '1' then dedup = KEYS[k]; k = k + 1 end
if ARGV[12] == '1' then dprev = KEYS[k]; k = k + 1 end
local icur = idem and (redis.call('GET', idem) or '') or ''
local dcur = dedup and (redis.call('GET', dedup) or '') or ''
if icur ~= ARGV[8] or dcur ~= ARGV[13] then return refuse({4, '', icur, dcur}) end
if idem then
  local prev = icur
  if prev ~= '' then
    local sp = string.find(prev, ' ', 1, true)
    local pid, psha = string.sub(prev, 1, sp - 1), string.sub(prev, sp + 1)
    if psha ~= ARGV[6] then return refuse({2, pid}) end
    if iprev and redis.call('EXISTS', iprev) == 1 then return refuse({1, pid}) end
  end
end
-- The earlier document answers only when it is this tenant's, finished done, and still has
-- the same bytes; otherwise this upload is read anew (and becomes the one later ones match).
local earlier
if dedup then
  local seen = dcur
  if seen ~= '' and dprev then
    local e = redis.call('HMGET', dprev, 'tenant', 'status', 'sha256', 'dedup_fp')
    if e[1] == ARGV[2] and e[2] == 'done' and e[3] == ARGV[6] and e[4] == ARGV[17] then
      earlier = seen
    end
  end
end
-- The tenant's quotas, before the global bound: one tenant at its limit is its own answer.
local q = {}
for v in string.gmatch(ARGV[18], '%d+') do q[#q + 1] = tonumber(v) end
-- The tenant's own limit where it has a valid one (quota.c's quota_load reads them alike).
local limits = redis.call('HMGET', KEYS[13], 'max_queued', 'max_bytes', 'uploads_per_minute')
for i = 1, 3 do
  local v = limits[i]
  if v and string.match(v, '^%d+$') and #v <= 16 and tonumber(v) <= 1e15 then
    q[i] = tonumber(v)
  end
end
local maxq, maxb, perm, size = q[1], q[2], q[3], q[4]
if perm > 0 and tonumber(redis.call('GET', KEYS[12]) or '0') >= perm then
  return refuse({8, '', perm}) end
if maxb > 0 and tonumber(redis.call('GET', KEYS[11]) or '0') + size > maxb then
  return refuse({7, '', maxb}) end
if not earlier and maxq > 0 and redis.call('SCARD', KEYS[9]) >= maxq then
  return refuse({6, '', maxq}) end
if not earlier and redis.call('XLEN', KEYS[3]) >= tonumber(ARGV[5]) then
  return refuse({3, ''}) end
if perm > 0 then redis.call('INCR', KEYS[12]) redis.call('EXPIRE', KEYS[12], 120) end
redis.call('HSET', KEYS[10], ARGV[1], size)
redis.call('INCRBY', KEYS[11], size)
redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[5]), ARGV[1])
if idem then
  redis.call('SET', idem, ARGV[1] .. ' ' .. ARGV[6], 'EX', ARGV[7])
end
redis.call('HINCRBY', KEYS[6], 'accepted', 1)
if not earlier then
  redis.call('XADD', KEYS[3], '*', 'doc', ARGV[1], 'tenant', ARGV[2])
  redis.call('SADD', KEYS[9], ARGV[1])
  if dedup then
    local busy = false
    if dcur ~= '' and dprev then
      local st = redis.call('HGET', dprev, 'status')
      busy = st == 'queued' or st == 'processing'
    end
    -- The first reading in flight keeps the key; a failed or erased one gives it up.
    if not busy then
      if tonumber(ARGV[16]) > 0 then redis.call('SET', dedup, ARGV[1], 'EX', ARGV[16])
      else redis.call('SET', dedup, ARGV[1]) end
    end
  end
  return {0, ARGV[1]}
end
-- A duplicate: the earlier reading's result fields, not its identity or its history.
local own = {tenant = 1, status = 1, created_at = 1, started_at = 1, finished_at = 1,
  attempts = 1, history = 1, type = 1, size = 1, sha256 = 1, name = 1, lang = 1, pipeline = 1,
  callback_url = 1, metadata = 1, dedup_fp = 1, duplicate_of = 1, reviewed_at = 1,
  reviewed_by = 1, batch = 1, error_code = 1, error_message = 1}
local src = redis.call('HGETALL', dprev)
for i = 1, #src, 2 do
  if not own[src[i]] then redis.call('HSET', KEYS[1], src[i], src[i + 1]) end
end
redis.call('HSET', KEYS[1], 'status', 'done', 'started_at', ARGV[3], 'finished_at', ARGV[3],
  'duplicate_of', earlier)
-- The same event a worker emits, as the caller wrote it for this case.
local data = ARGV[19]
local cb = redis.call('HGET', KEYS[1], 'callback_url') or ''
local entry = redis.call('XADD', KEYS[7], '*', 'id', ARGV[14], 'type', 'document.completed',
  'tenant', ARGV[2], 'doc', ARGV[1], 'callback_url', cb, 'created', ARGV[15],
  'data', data)
redis.call('HSET', KEYS[8], ARGV[14], entry)
redis.call('HINCRBY', KEYS[6], 'done', 1)
redis.call('HINCRBY', KEYS[6], 'duplicates', 1)
return {5, ARGV[1], earlier}
