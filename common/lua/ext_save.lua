-- ext_save: store a trained extractor unless a newer version is stored already, so a slow
-- concurrent training never replaces a newer model.
-- KEYS: 1 dp:ext:<t>:model
-- ARGV: 1 version, 2 model blob (xmodel_save), 3 statistics JSON, 4 trained_at (unix ms)
-- Reply: 1 stored; 0 a model of this version or newer exists (nothing written).
local cur = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if cur >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'blob', ARGV[2], 'stats', ARGV[3],
  'trained_at', ARGV[4])
return 1
