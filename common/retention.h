/* retention.h -- how long a tenant's finished documents live, and erasing everything a
 * document leaves outside its record.
 *
 * A finished document's record, blob, idempotency entry and dedup key get an EXPIRE of the
 * tenant's retention (dp:tenant:<t> retention_days, else config retention_days; 0 = keep), and
 * an entry in KEYS_EXPIRING. What cannot expire with them -- copies of its webhook events and
 * their stream entries (dp:devt:<id> lists them), its training examples (classifier texts,
 * confirmed fields), its tenant index entry -- is erased by retention_erase, which DELETE calls
 * at once and the sweep (docproc-worker, when idle) calls once the record has expired. */
#ifndef DP_RETENTION_H
#define DP_RETENTION_H
#include <hiredis.h>
#include "err.h"

#define RETENTION_DAYS_MAX 36500

/* What retention a process applies: the config default and the length of a "day" (86400;
 * tests shorten it to seconds). */
struct retention_cfg {
    long long default_days; /* 0 = keep */
    long long day_s;
};

/* The tenant's retention in days into *days (its own setting, else the default); *own = 1 when
 * the tenant has its own. */
dp_err retention_get(redisContext *c, const struct retention_cfg *rc, const char *tenant,
                     long long *days, int *own);

/* Sets the tenant's retention (0 = keep; -1 = back to the default). DP_EINVAL out of range. */
dp_err retention_set(redisContext *c, const char *tenant, long long days);

/* Gives finished document id of tenant its TTL (nothing when its retention is 0, or it is not
 * finished). */
dp_err retention_apply(redisContext *c, const struct retention_cfg *rc, const char *tenant,
                       const char *id);

/* Erases the document's event copies and stream entries, training examples, tenant index and
 * expiry entries (not its record and blob: store_delete does those). */
dp_err retention_erase(redisContext *c, const char *tenant, const char *id);

/* Erases the extras of up to max documents whose retention has run out; *n = how many. */
dp_err retention_sweep(redisContext *c, long long now_ms, int max, int *n);

#endif
