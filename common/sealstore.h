/* sealstore.h -- encryption at rest over the whole store: `docproc-admin rekey` re-seals every
 * sealed (or still plain) content value with the keyring's current key.
 *
 * Content values (seal.h; associated text in brackets): dp:blob:<id> [<id>/blob]; the record
 * fields result, text, hocr of dp:doc:<id> [<id>/<field>, or <duplicate_of>/<field> for a
 * duplicate's copied result]; the event copies' data dp:wh:evt:<evt> [<evt>/data]; training
 * examples, the fields of dp:cls:<t>:texts [<doc id>/example]. Each value
 * is swapped by the seal_swap script only while it is still the value read, so rekey runs
 * beside live traffic. Events still in the dp:events stream are not rewritten (entries cannot
 * be; they are read within seconds): keep the old key in encryption_old_keys until it drains. */
#ifndef DP_SEALSTORE_H
#define DP_SEALSTORE_H
#include <hiredis.h>
#include "err.h"
#include "seal.h"

struct sealstore_counts {
    long long resealed; /* values now sealed with the current key */
    long long current;  /* already sealed with it: left alone */
    long long failed;   /* did not open with the keyring (unknown key, tampered): left alone */
    long long raced;    /* changed between read and swap: left alone (written fresh anyway) */
};

/* Re-seals every content value with kr's current key (kr must hold one). DP_EREDIS when Redis
 * failed; counts say what happened to each value. */
dp_err sealstore_rekey(redisContext *c, const struct seal_keyring *kr,
                       struct sealstore_counts *out);

#endif
