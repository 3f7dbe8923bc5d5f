-- store_delete: erase a tenant's document (GDPR): record, blob and index entry, and the dedup
-- key of its bytes and its idempotency entry when they name this document. Pending jobs for it are acknowledged by
-- workers when they find the record gone.
-- KEYS: 1 dp:doc:<id>, 2 dp:blob:<id>, 3 dp:tdocs:<tenant>, then the optional keys ARGV 3-4
--       say are present, in this order: dp:dedup:<tenant>:<sha256>:<fingerprint> of the record,
--       dp:idem:<tenant>:<sha256 of its Idempotency-Key>
-- ARGV: 1 id, 2 tenant, 3 has dedup key, 4 has idempotency key (0|1)
-- Reply: 1 erased; 0 no such document for this tenant (nothing touched).
if redis.call('HGET', KEYS[1], 'tenant') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
local k = 4
if ARGV[3] == '1' then
  if redis.call('GET', KEYS[k]) == ARGV[1] then redis.call('DEL', KEYS[k]) end
  k = k + 1
end
if ARGV[4] == '1' then
  local v = redis.call('GET', KEYS[k]) or ''
  if string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then redis.call('DEL', KEYS[k]) end
end
return 1
