-- store_delete: erase a tenant's document (GDPR): record, blob and index entry, and the dedup
-- key of its bytes when that names this document. Pending jobs for it are acknowledged by
-- workers when they find the record gone.
-- KEYS: 1 dp:doc:<id>, 2 dp:blob:<id>, 3 dp:tdocs:<tenant>,
--       [4 dp:dedup:<tenant>:<sha256>:<fingerprint> of the record, when it has one]
-- ARGV: 1 id, 2 tenant
-- Reply: 1 erased; 0 no such document for this tenant (nothing touched).
if redis.call('HGET', KEYS[1], 'tenant') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
if KEYS[4] and redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
return 1
