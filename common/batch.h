/* batch.h -- batches: a set of a tenant's documents followed as one (POST /v1/batches). A batch
 * is created, its documents are attached one by one (each attach is atomic), then it is sealed
 * with its total. Every document.completed/failed event that docproc-webhookd handles ticks the
 * document's batch (batch_note_ended); when a sealed batch has seen all of its documents end it
 * completes once, emitting batch.completed. Counting is by set membership, so redelivered events
 * and reprocessed documents never count twice. Keys: keys_batch (keys.h). */
#ifndef DP_BATCH_H
#define DP_BATCH_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include <stddef.h>
#include "err.h"
#include "util.h"

#define BATCH_MAX_DOCS 500 /* documents per batch */

/* A parsed POST /v1/batches JSON body: {"documents": ["doc_…", …], "callback_url": "…"}. */
struct batch_request {
    char (*ids)[UTIL_ID_MAX]; /* n ids, owned (free with batch_request_cleanup) */
    size_t n;
    char callback_url[2048]; /* "" when absent */
};

/* Parses body[0..len) (pure). DP_EINVAL with a message in err for anything else than an object
 * with 1..BATCH_MAX_DOCS distinct document ids and an optional http(s) callback_url. */
dp_err batch_parse_request(const char *body, size_t len, struct batch_request *out, char *err,
                           size_t errsz);
void batch_request_cleanup(struct batch_request *r);

/* Creates a batch of the tenant's documents ids[0..n) and seals it. id_out gets its id.
 * DP_ENOTFOUND: a document is not the tenant's (err names it); DP_ECONFLICT: one is in another
 * batch already; DP_EREDIS. Checked before anything is written, so those leave no batch. */
dp_err batch_create(redisContext *c, const char *tenant, const char (*ids)[UTIL_ID_MAX], size_t n,
                    const char *callback_url, char id_out[UTIL_ID_MAX], char *err, size_t errsz);

/* The public JSON of a tenant's batch: {id, object, status (processing|completed), created_at,
 * completed_at, total, counts {queued, processing, done, failed, deleted}, documents [{id,
 * status}]}. DP_ENOTFOUND for another tenant's or a missing batch. *out owned by the caller. */
dp_err batch_json(redisContext *c, const char *tenant, const char *id, cJSON **out);

/* A document ended: counts it in its batch if it has one (and completes the batch when it was
 * the last). DP_OK when there was nothing to do. */
dp_err batch_note_ended(redisContext *c, const char *doc_id);

#endif
