-- review_forget: remove a document's confirmed-fields training example (erasure) and its
-- per-name counts. The example holds the field names (a JSON array: review_confirm).
-- KEYS: 1 dp:ext:<t>:examples, 2 dp:ext:<t>:names
-- ARGV: 1 doc id
-- Reply: 1 removed; 0 there was none.
local prev = redis.call('HGET', KEYS[1], ARGV[1])
if not prev then return 0 end
for _, k in ipairs(cjson.decode(prev)) do
  if redis.call('HINCRBY', KEYS[2], k, -1) <= 0 then redis.call('HDEL', KEYS[2], k) end
end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
