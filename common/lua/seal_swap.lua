-- seal_swap: replace one stored value by its re-sealed copy (docproc-admin rekey), only while it
-- is still the value that was read: a value written or erased meanwhile is left alone.
-- KEYS: 1 the key: a string (dp:blob:<id>) or, with ARGV 1, a hash (dp:doc:<id>, dp:wh:evt:<evt>,
--       dp:cls:<t>:texts)
-- ARGV: 1 hash field ('' = the key is a string), 2 the value read, 3 the re-sealed value
-- Reply: 1 replaced; 0 changed or gone (nothing written).
local cur
if ARGV[1] == '' then cur = redis.call('GET', KEYS[1])
else cur = redis.call('HGET', KEYS[1], ARGV[1]) end
if cur ~= ARGV[2] then return 0 end
if ARGV[1] == '' then redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
