-- wh_delivery_create: create a webhook delivery unless it exists: its record (with a TTL), its
-- entry in the owner's index (trimmed to the newest max) and its due entry, at once. Delivery
-- ids derive from (event, endpoint), so fanning out one event twice creates nothing new.
-- KEYS: 1 dp:wh:dlv:<dlv>, 2 dp:wh:dlvs:<wh> or dp:wh:dlvs:cb:<t>, 3 dp:wh:due
-- ARGV: 1 event id, 2 event type, 3 tenant, 4 endpoint id (or "callback"), 5 url,
--       6 now_ms (created and first due time), 7 retention seconds, 8 delivery id,
--       9 most deliveries kept in the index
-- Reply: 1 created; 0 it existed (nothing written).
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'event', ARGV[1], 'type', ARGV[2], 'tenant', ARGV[3],
  'endpoint', ARGV[4], 'url', ARGV[5], 'status', 'pending', 'attempts', 0,
  'next_at', ARGV[6], 'created', ARGV[6], 'last_error', '')
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[8])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[9]) + 1))
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[8])
return 1
