/* xstore.h -- the tenant's extractor in Redis: training from the confirmed examples
 * (review.h), the stored model with its version and statistics, the training status, and the
 * worker's per-process model cache (a new version is picked up at the next document, without
 * a restart).
 *
 * Keys (keys.h): dp:ext:<tenant>:model {version, blob (xmodel_save), stats (JSON), trained_at},
 * :ver (INCR at every training, so versions only grow), :status {status: training|ready|failed,
 * started_at, finished_at, error, version} and :lock (held, SET NX EX, while a training runs).
 * One Lua script (lua/ext_save.lua) stores a model and refuses a version older than the stored
 * one. */
#ifndef DP_XSTORE_H
#define DP_XSTORE_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include "err.h"
#include "page.h"

#define XSTORE_TRAIN_DOCS                                                                          \
    500                   /* newest confirmed documents a training reads (about 0.35 MB            \
                           * of features each while it runs) */
#define XSTORE_LOCK_S 900 /* a training holding the lock longer is presumed dead */
#define XSTORE_CACHE  16  /* tenants whose models a worker keeps loaded */

/* Claims the tenant's training (lock + status "training"). *busy = 1 when one is already
 * running (nothing changed). *trainable = 0 when no field has enough confirmed examples
 * (nothing changed). */
dp_err xstore_train_begin(redisContext *c, const char *tenant, int *busy, int *trainable);

/* Trains on the tenant's confirmed examples and stores the model with a new version, then
 * sets the status (ready, or failed with the reason) and releases the lock. Runs for seconds:
 * call it off the request thread. *version receives the new version (may be NULL). */
dp_err xstore_train(redisContext *c, const char *tenant, unsigned *version);

/* GET /v1/extractor: {"status": "none"|"training"|"ready"|"failed", "version", "trained_at",
 * "fields": [{name, examples, aligned, cv_docs, cv_correct, cv_accuracy, review_below}],
 * "examples" (confirmed documents now), "labelled": {name: documents confirming it},
 * "vendors", "train_seconds", "error"}. *out owned by the caller. */
dp_err xstore_info(redisContext *c, const char *tenant, cJSON **out);

/* ---- the worker's model cache (one per worker process, not locked) ---- */

struct xstore_cache;

struct xstore_cache *xstore_cache_new(void);
void xstore_cache_free(struct xstore_cache *cache);

/* Applies the tenant's extractor to doc's fields (xmodel_apply): one HGET of the model
 * version per call, a reload only when it moved. A tenant without a model: nothing changes.
 * Names the model knows but did not find are added to *missing (may be NULL; caller owns);
 * *version receives the version applied, 0 when none (may be NULL). DP_EREDIS when Redis
 * failed. */
dp_err xstore_apply(struct xstore_cache *cache, redisContext *c, const char *tenant,
                    const struct dp_doc_text *doc, cJSON *fields, cJSON **missing,
                    unsigned *version);

#endif
