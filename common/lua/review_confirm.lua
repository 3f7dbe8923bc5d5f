-- review_confirm: store the fields a person confirmed on a finished document: the record is
-- marked reviewed and keeps them, and they become the tenant's training example (replacing an
-- earlier one), with the per-name counts kept in step. The example holds the field names only
-- (readable for the counts); the values stay in the record, sealed there with encryption at rest.
-- KEYS: 1 dp:doc:<id>, 2 dp:ext:<t>:examples, 3 dp:ext:<t>:names
-- ARGV: 1 tenant, 2 doc id, 3 now (unix ms), 4 key id, 5 the field names (JSON array),
--       6 the confirmed fields (JSON object, or its sealed bytes), 7 most names per tenant,
--       8 most examples per tenant
-- Reply: 0 stored; 1 no such document of this tenant; 2 not done; 3 too many names;
--        4 too many examples.
local st = redis.call('HMGET', KEYS[1], 'tenant', 'status')
if st[1] ~= ARGV[1] then return 1 end
if st[2] ~= 'done' then return 2 end
local prev = redis.call('HGET', KEYS[2], ARGV[2])
if not prev and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[8]) then return 4 end
local names = cjson.decode(ARGV[5])
local new = 0
for _, k in ipairs(names) do
  if redis.call('HEXISTS', KEYS[3], k) == 0 then new = new + 1 end
end
if redis.call('HLEN', KEYS[3]) + new > tonumber(ARGV[7]) then return 3 end
if prev then
  for _, k in ipairs(cjson.decode(prev)) do
    if redis.call('HINCRBY', KEYS[3], k, -1) <= 0 then redis.call('HDEL', KEYS[3], k) end
  end
end
for _, k in ipairs(names) do redis.call('HINCRBY', KEYS[3], k, 1) end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[5])
redis.call('HSET', KEYS[1], 'confirmed', ARGV[6], 'reviewed_at', ARGV[3], 'reviewed_key', ARGV[4])
return 0
