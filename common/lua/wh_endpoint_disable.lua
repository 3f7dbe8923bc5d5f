-- wh_endpoint_disable: mark an endpoint disabled with a reason (the receiver answered 410).
-- Only an existing endpoint is touched: HSET on a deleted one would resurrect it.
-- KEYS: 1 dp:wh:ep:<wh>
-- ARGV: 1 reason
-- Reply: 1 disabled; 0 no such endpoint.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'disabled', 'disabled_reason', ARGV[1])
return 1
