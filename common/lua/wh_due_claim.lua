-- wh_due_claim: claim deliveries due for an attempt by pushing their due time forward by a
-- lease, so two daemons never take the same one and an attempt lost with a crashed daemon
-- runs again once the lease is over.
-- KEYS: 1 dp:wh:due
-- ARGV: 1 now_ms, 2 lease end (unix ms), 3 most ids to claim
-- Reply: the claimed delivery ids (array, maybe empty).
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id) end
return ids
