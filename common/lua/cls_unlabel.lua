-- cls_unlabel: remove a tenant's training example of a document (unlabel, or the document was
-- erased), keeping the per-class counts in step.
-- KEYS: 1 dp:cls:<t>:labels, 2 dp:cls:<t>:texts, 3 dp:cls:<t>:counts
-- ARGV: 1 document id
-- Reply: {1, previous label} removed; {0, ''} there was none.
local prev = redis.call('HGET', KEYS[1], ARGV[1])
if not prev then return {0, ''} end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('HINCRBY', KEYS[3], prev, -1) <= 0 then
  redis.call('HDEL', KEYS[3], prev) end
return {1, prev}
