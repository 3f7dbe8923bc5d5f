-- cls_label: store the text of a tenant's finished document as a training example of a class,
-- replacing an earlier label of it; labels, texts and per-class counts never disagree.
-- KEYS: 1 dp:doc:<id>, 2 dp:cls:<t>:labels, 3 dp:cls:<t>:texts, 4 dp:cls:<t>:counts
-- ARGV: 1 document id, 2 tenant, 3 label, 4 max_examples, 5 max_text bytes, 6 max_classes,
--       with encryption at rest also: 7 the example as the caller cut and sealed it from the
--       record's text ('' = no text), 8 its plain bytes, 9 1 if it was cut
-- Reply: {0, previous label or '', text bytes, 1 if cut, examples, classes} stored;
--        {1} no such document for this tenant; {2, status} not done; {3} no text;
--        {4} max_examples reached; {5} a new class past max_classes.
local rec = redis.call('HMGET', KEYS[1], 'tenant', 'status')
if rec[1] ~= ARGV[2] then return {1} end
if rec[2] ~= 'done' then return {2, rec[2] or ''} end
local sealed = ARGV[7] ~= nil
local text = sealed and ARGV[7] or redis.call('HGET', KEYS[1], 'text')
if not text or not string.find(text, '%S') then return {3} end
local prev = redis.call('HGET', KEYS[2], ARGV[1])
if not prev and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then
  return {4} end
if prev ~= ARGV[3] and redis.call('HEXISTS', KEYS[4], ARGV[3]) == 0 then
  local n = redis.call('HLEN', KEYS[4])
  if prev and tonumber(redis.call('HGET', KEYS[4], prev)) == 1 then n = n - 1 end
  if n >= tonumber(ARGV[6]) then return {5} end
end
local max, cut, bytes = tonumber(ARGV[5]), 0, #text
if sealed then cut, bytes = tonumber(ARGV[9]), tonumber(ARGV[8])
elseif #text > max then
  local n = max
  while n > 0 do -- never end inside a UTF-8 sequence
    local b = string.byte(text, n + 1)
    if b < 128 or b >= 192 then break end
    n = n - 1
  end
  text, cut = string.sub(text, 1, n), 1
  bytes = #text
end
if prev and redis.call('HINCRBY', KEYS[4], prev, -1) <= 0 then
  redis.call('HDEL', KEYS[4], prev) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], text)
redis.call('HINCRBY', KEYS[4], ARGV[3], 1)
return {0, prev or '', bytes, cut, redis.call('HLEN', KEYS[2]),
        redis.call('HLEN', KEYS[4])}
