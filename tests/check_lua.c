/* check_lua.c -- every Lua script (common/lua/) run against a throwaway redis-server through
 * the C layer that calls it: normal paths, another tenant, missing keys, replays. Plus the
 * embedding (the SHA1 computed at build time is the one Redis computes, every script says
 * KEYS/ARGV/Reply and builds no key). */
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clsstore.h"
#include "harness.h"
#include "batch.h"
#include "keys.h"
#include "queue.h"
#include "rds.h"
#include "review.h"
#include "scripts.h"
#include "retention.h"
#include "sealstore.h"
#include "stats.h"
#include "store.h"
#include "testutil.h"
#include "util.h"
#include "whstore.h"
#include "xstore.h"

static struct stack st; /* the throwaway redis-server of the "scripts" case */

static void setup(void)
{
    ck_assert_msg(stack_redis_only(&st) == 0, "redis-server did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

/* A connection to the case's server with its data wiped (scripts stay cached). */
static redisContext *rc(void)
{
    redisContext *c = stack_redis_plain(&st, 1);
    ck_assert_ptr_nonnull(c);
    return c;
}

/* Integer reply of a command, or its numeric string reply (HGET), or -1. */
static long long ival(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    long long v = r && r->type == REDIS_REPLY_INTEGER  ? r->integer
                  : r && r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10)
                                                       : -1;
    freeReplyObject(r);
    return v;
}

/* A field of a document record into buf ("" when missing). */
static const char *docf(redisContext *c, const char *id, const char *field, char *buf, size_t sz)
{
    char k[KEYS_MAX];
    ck_assert_int_eq(keys_doc(k, id), DP_OK);
    redisReply *r = redisCommand(c, "HGET %s %s", k, field);
    snprintf(buf, sz, "%s", r && r->type == REDIS_REPLY_STRING ? r->str : "");
    freeReplyObject(r);
    return buf;
}

static dp_err upload(redisContext *c, const char *tenant, const char *bytes, const char *idem,
                     long long max_queue, char id[UTIL_ID_MAX], int *replayed)
{
    struct store_upload u = {.tenant = tenant,
                             .data = (const unsigned char *)bytes,
                             .len = strlen(bytes),
                             .mime = "image/png",
                             .name = "a.png",
                             .idem_key = idem,
                             .max_queue = max_queue,
                             .idem_ttl_s = 3600};
    char err[256] = "";
    return store_enqueue(c, &u, id, replayed, err, sizeof err);
}

static dp_err upload_dedup(redisContext *c, const char *tenant, const char *bytes, const char *fp,
                           char id[UTIL_ID_MAX])
{
    struct store_upload u = {.tenant = tenant,
                             .data = (const unsigned char *)bytes,
                             .len = strlen(bytes),
                             .mime = "image/png",
                             .max_queue = 100,
                             .idem_ttl_s = 3600,
                             .dedup = 1,
                             .fingerprint = fp};
    char err[256] = "";
    int replayed = 0;
    return store_enqueue(c, &u, id, &replayed, err, sizeof err);
}

/* Duplicates: the same bytes + options of a tenant, once the first reading is done, make a
 * done record with its result, an event and no job; anything else is read anew. */
START_TEST(store_dedup)
{
    redisContext *c = rc();
    char a[UTIL_ID_MAX], b[UTIL_ID_MAX], x[UTIL_ID_MAX], kd[KEYS_MAX], kdup[KEYS_MAX], buf[256];
    char sha[UTIL_SHA256_HEX];
    util_sha256_hex("same bytes", 10, sha);
    keys_dedup(kdup, "alpha", sha, "fp1");
    ck_assert_int_eq(upload_dedup(c, "alpha", "same bytes", "fp1", a), DP_OK);
    ck_assert_str_eq(docf(c, a, "status", buf, sizeof buf), "queued");
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 1);
    /* while the first is still queued, a second copy is read anew, and the key stays */
    ck_assert_int_eq(upload_dedup(c, "alpha", "same bytes", "fp1", x), DP_OK);
    ck_assert_str_eq(docf(c, x, "status", buf, sizeof buf), "queued");
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 2);
    redisReply *g = redisCommand(c, "GET %s", kdup);
    ck_assert_str_eq(g->str, a);
    freeReplyObject(g);
    /* the first finishes */
    keys_doc(kd, a);
    freeReplyObject(redisCommand(c, "HSET %s status done result %s text %s", kd,
                                 "{\"fields\":[],\"class\":{\"label\":\"invoice\"}}", "hello"));
    long long events = ival(c, "XLEN %s", KEYS_EVENTS);
    ck_assert_int_eq(upload_dedup(c, "alpha", "same bytes", "fp1", b), DP_OK);
    ck_assert_str_ne(b, a);
    ck_assert_str_eq(docf(c, b, "status", buf, sizeof buf), "done");
    ck_assert_str_eq(docf(c, b, "duplicate_of", buf, sizeof buf), a);
    ck_assert_str_eq(docf(c, b, "text", buf, sizeof buf), "hello");
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 2); /* no job */
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_EVENTS), events + 1);
    redisReply *ev = redisCommand(c, "XREVRANGE %s + - COUNT 1", KEYS_EVENTS);
    ck_assert(ev && ev->type == REDIS_REPLY_ARRAY && ev->elements == 1);
    const redisReply *data = rds_field(ev->element[0]->element[1], "data");
    ck_assert_ptr_nonnull(data);
    ck_assert_ptr_nonnull(strstr(data->str, "\"fields\":[]"));
    ck_assert_ptr_nonnull(strstr(data->str, "\"duplicate_of\""));
    freeReplyObject(ev);
    /* other options, other tenant: read anew */
    ck_assert_int_eq(upload_dedup(c, "alpha", "same bytes", "fp2", x), DP_OK);
    ck_assert_str_eq(docf(c, x, "status", buf, sizeof buf), "queued");
    ck_assert_int_eq(upload_dedup(c, "beta", "same bytes", "fp1", x), DP_OK);
    ck_assert_str_eq(docf(c, x, "status", buf, sizeof buf), "queued");
    /* reprocessed with other options, the first stops answering */
    ck_assert_int_eq(store_reprocess(c, "alpha", a, "deu", NULL, NULL, 0, NULL), DP_OK);
    freeReplyObject(redisCommand(c, "HSET %s status done", kd));
    ck_assert_int_eq(upload_dedup(c, "alpha", "same bytes", "fp1", x), DP_OK);
    ck_assert_str_eq(docf(c, x, "status", buf, sizeof buf), "queued");
    /* erasing the document the key names erases the key (it holds the bytes' hash) */
    g = redisCommand(c, "GET %s", kdup);
    char named[UTIL_ID_MAX];
    snprintf(named, sizeof named, "%s", g->str);
    freeReplyObject(g);
    ck_assert_int_eq(store_delete(c, "alpha", named), DP_OK);
    ck_assert_int_eq(ival(c, "EXISTS %s", kdup), 0);
    redisFree(c);
}
END_TEST

/* ---- batch_attach, batch_seal, batch_tick ---- */

START_TEST(batch_scripts)
{
    redisContext *c = rc();
    char a[UTIL_ID_MAX], b[UTIL_ID_MAX], x[UTIL_ID_MAX], bid[UTIL_ID_MAX], err[200] = "";
    char kd[KEYS_MAX], kb[KEYS_MAX];
    int replayed;
    ck_assert_int_eq(upload(c, "alpha", "batch-a", NULL, 100, a, &replayed), DP_OK);
    ck_assert_int_eq(upload(c, "alpha", "batch-b", NULL, 100, b, &replayed), DP_OK);
    ck_assert_int_eq(upload(c, "beta", "batch-x", NULL, 100, x, &replayed), DP_OK);
    /* a is done before the batch exists: it counts at once */
    keys_doc(kd, a);
    freeReplyObject(redisCommand(c, "HSET %s status done", kd));
    char ids[2][UTIL_ID_MAX];
    snprintf(ids[0], UTIL_ID_MAX, "%s", a);
    snprintf(ids[1], UTIL_ID_MAX, "%s", x);
    /* another tenant's document: refused before anything is written */
    long long before = ival(c, "DBSIZE");
    ck_assert_int_eq(
        batch_create(c, "alpha", (const char(*)[UTIL_ID_MAX])ids, 2, NULL, bid, err, sizeof err),
        DP_ENOTFOUND);
    ck_assert_int_eq(ival(c, "DBSIZE"), before);
    snprintf(ids[1], UTIL_ID_MAX, "%s", b);
    long long events = ival(c, "XLEN %s", KEYS_EVENTS);
    ck_assert_int_eq(batch_create(c, "alpha", (const char(*)[UTIL_ID_MAX])ids, 2,
                                  "https://example.com/cb", bid, err, sizeof err),
                     DP_OK);
    keys_batch(kb, bid, KEYS_BATCH);
    ck_assert_int_eq(ival(c, "HGET %s done", kb), 1);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_EVENTS), events); /* b is still queued */
    /* b in a second batch: a conflict */
    char bid2[UTIL_ID_MAX];
    ck_assert_int_eq(batch_create(c, "alpha", (const char(*)[UTIL_ID_MAX])ids + 1, 1, NULL, bid2,
                                  err, sizeof err),
                     DP_ECONFLICT);
    /* a tick for a document that has not ended writes nothing */
    ck_assert_int_eq(batch_note_ended(c, b), DP_OK);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_EVENTS), events);
    /* b fails: the batch completes, once, however often the tick comes */
    keys_doc(kd, b);
    freeReplyObject(redisCommand(c, "HSET %s status failed", kd));
    ck_assert_int_eq(batch_note_ended(c, b), DP_OK);
    ck_assert_int_eq(batch_note_ended(c, b), DP_OK);
    ck_assert_int_eq(batch_note_ended(c, a), DP_OK);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_EVENTS), events + 1);
    ck_assert_int_eq(ival(c, "HGET %s failed", kb), 1);
    ck_assert_int_eq(ival(c, "HGET %s done", kb), 1);
    redisReply *ev = redisCommand(c, "XREVRANGE %s + - COUNT 1", KEYS_EVENTS);
    const redisReply *typ = rds_field(ev->element[0]->element[1], "type");
    const redisReply *cb = rds_field(ev->element[0]->element[1], "callback_url");
    ck_assert_str_eq(typ->str, "batch.completed");
    ck_assert_str_eq(cb->str, "https://example.com/cb");
    freeReplyObject(ev);
    cJSON *j = NULL;
    ck_assert_int_eq(batch_json(c, "alpha", bid, &j), DP_OK);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(j, "status")), "completed");
    cJSON_Delete(j);
    ck_assert_int_eq(batch_json(c, "beta", bid, &j), DP_ENOTFOUND);
    /* a batch of documents that have all ended completes when it is sealed */
    ck_assert_int_eq(upload(c, "alpha", "batch-c", NULL, 100, x, &replayed), DP_OK);
    keys_doc(kd, x);
    freeReplyObject(redisCommand(c, "HSET %s status done", kd));
    snprintf(ids[0], UTIL_ID_MAX, "%s", x);
    ck_assert_int_eq(
        batch_create(c, "alpha", (const char(*)[UTIL_ID_MAX])ids, 1, NULL, bid2, err, sizeof err),
        DP_OK);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_EVENTS), events + 2);
    redisFree(c);
}
END_TEST

/* ---- store_enqueue, store_reprocess, store_delete ---- */

/* The record store_enqueue hands back for the 202 (rendered from what it sent, not read back)
 * is the record Redis holds: the same fields with the same values, long ones included. */
START_TEST(store_record_is_what_redis_holds)
{
    redisContext *c = rc();
    char meta[300], id[UTIL_ID_MAX], err[256], k[KEYS_MAX];
    memset(meta, 'm', sizeof meta - 1);
    meta[0] = '{', meta[1] = '"', meta[2] = 'a', meta[3] = '"', meta[4] = ':', meta[5] = '"';
    memcpy(meta + sizeof meta - 3, "\"}", 3);
    struct quota_limits q = {0, 0, 0};
    redisReply *rec = NULL;
    struct store_upload u = {.tenant = "alpha",
                             .data = (const unsigned char *)"png bytes",
                             .len = 9,
                             .mime = "image/png",
                             .name = "scan 1.png",
                             .lang = "eng+deu",
                             .pipeline = "ocr,extract",
                             .callback_url = "https://example.com/hook",
                             .metadata = meta,
                             .idem_key = "key-1",
                             .max_queue = 100,
                             .idem_ttl_s = 60,
                             .quota = &q,
                             .record = &rec};
    int replayed = 0;
    ck_assert_int_eq(store_enqueue(c, &u, id, &replayed, err, sizeof err), DP_OK);
    ck_assert_ptr_nonnull(rec);
    ck_assert_int_eq(rec->type, REDIS_REPLY_ARRAY);
    keys_doc(k, id);
    redisReply *all = redisCommand(c, "HGETALL %s", k);
    ck_assert(all && all->type == REDIS_REPLY_ARRAY);
    ck_assert_uint_eq(rec->elements, all->elements);
    ck_assert_uint_ge(rec->elements, 2 * 10);
    for (size_t i = 0; i + 1 < all->elements; i += 2) {
        const redisReply *v = rds_field(rec, all->element[i]->str);
        ck_assert_msg(v && v->type == REDIS_REPLY_STRING, "%s missing", all->element[i]->str);
        ck_assert_uint_eq(v->len, all->element[i + 1]->len);
        ck_assert(memcmp(v->str, all->element[i + 1]->str, v->len) == 0);
    }
    ck_assert_str_eq(rds_field(rec, "metadata")->str, meta);
    ck_assert_str_eq(rds_field(rec, "status")->str, "queued");
    freeReplyObject(all);
    freeReplyObject(rec);
    /* a replay hands back no record: the caller reads the document as it is now */
    rec = NULL;
    ck_assert_int_eq(store_enqueue(c, &u, id, &replayed, err, sizeof err), DP_OK);
    ck_assert_int_eq(replayed, 1);
    ck_assert_ptr_null(rec);
    redisFree(c);
}
END_TEST

START_TEST(store_scripts)
{
    redisContext *c = rc();
    char id[UTIL_ID_MAX], id2[UTIL_ID_MAX], id3[UTIL_ID_MAX], buf[64], k[KEYS_MAX];
    int replayed = -1;
    ck_assert_int_eq(upload(c, "alpha", "bytes-1", "idem-1", 100, id, &replayed), DP_OK);
    ck_assert_int_eq(replayed, 0);
    ck_assert_str_eq(docf(c, id, "status", buf, sizeof buf), "queued");
    ck_assert_str_eq(docf(c, id, "tenant", buf, sizeof buf), "alpha");
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 1);
    keys_tdocs(k, "alpha");
    ck_assert_int_eq(ival(c, "ZCARD %s", k), 1);
    ck_assert_int_eq(ival(c, "HGET %s accepted", KEYS_STATS), 1);
    /* replay: same key, same bytes -> the same document, nothing written */
    ck_assert_int_eq(upload(c, "alpha", "bytes-1", "idem-1", 100, id2, &replayed), DP_OK);
    ck_assert_int_eq(replayed, 1);
    ck_assert_str_eq(id2, id);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 1);
    ck_assert_int_eq(ival(c, "HGET %s accepted", KEYS_STATS), 1);
    /* same key, other bytes -> conflict; the same key of another tenant is another key */
    ck_assert_int_eq(upload(c, "alpha", "bytes-2", "idem-1", 100, id2, &replayed), DP_ECONFLICT);
    ck_assert_int_eq(upload(c, "beta", "bytes-2", "idem-1", 100, id2, &replayed), DP_OK);
    ck_assert_int_eq(replayed, 0);
    ck_assert_str_ne(id2, id);
    /* queue bound: refused with nothing half-written (the blob set beside it removed) */
    ck_assert_int_eq(upload(c, "alpha", "bytes-3", NULL, 2, id3, &replayed), DP_EBUSY);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 2);
    /* 2 x (doc, blob, tdocs, idem, quota queued/sizes/bytes), seq, stats, jobs */
    ck_assert_int_eq(ival(c, "DBSIZE"), 17);
    /* the script refuses when the idempotency key changed after the caller read it */
    char kdoc[KEYS_MAX], kblob[KEYS_MAX], ki[KEYS_MAX];
    keys_doc(kdoc, "doc_X");
    keys_blob(kblob, "doc_X");
    keys_idem(ki, "alpha", "0000");
    char kdevt[KEYS_MAX], kq[4][KEYS_MAX];
    keys_doc_events(kdevt, "doc_X");
    keys_quota(kq[0], "alpha", KEYS_QUOTA_QUEUED);
    keys_quota(kq[1], "alpha", KEYS_QUOTA_SIZES);
    keys_quota(kq[2], "alpha", KEYS_QUOTA_BYTES);
    keys_quota_rate(kq[3], "alpha", 1);
    char kten[KEYS_MAX];
    keys_tenant(kten, "alpha");
    freeReplyObject(redisCommand(c, "SET %s %s", ki, "doc_OTHER abc"));
    const char *argv[] = {kdoc,
                          kblob,
                          KEYS_JOBS,
                          k,
                          KEYS_SEQ,
                          KEYS_STATS,
                          KEYS_EVENTS,
                          kdevt,
                          kq[0],
                          kq[1],
                          kq[2],
                          kq[3],
                          kten,
                          ki,
                          "doc_X",
                          "alpha",
                          "1",
                          "b",
                          "100",
                          "abc",
                          "60",
                          "" /* seen: nothing */,
                          "1" /* idem key */,
                          "0",
                          "0",
                          "0",
                          "",
                          "evt_X",
                          "1",
                          "0",
                          "",
                          "0 0 0 1",
                          "" /* no duplicate event */};
    /* the caller writes the record beside the script: a refusal takes it away again */
    freeReplyObject(redisCommand(c, "HSET %s tenant alpha status queued", kdoc));
    redisReply *r = NULL;
    ck_assert_int_eq(rds_eval(c, &scripts_store_enqueue, 14, 19, argv, NULL, &r, NULL, 0), DP_OK);
    ck_assert_int_eq(rds_int(r, 0, -1), 4);
    /* ...and tells what it found, so the caller need not read the keys itself */
    ck_assert_str_eq(rds_str(r, 2), "doc_OTHER abc");
    ck_assert_str_eq(rds_str(r, 3), "");
    freeReplyObject(r);
    ck_assert_int_eq(ival(c, "EXISTS %s", kdoc), 0);

    /* reprocess: another tenant's document is not found; the owner's is queued again */
    ck_assert_int_eq(store_reprocess(c, "beta", id, NULL, NULL, NULL, 0, NULL), DP_ENOTFOUND);
    ck_assert_int_eq(
        store_reprocess(c, "alpha", "doc_01ARZ3NDEKTSV4RRFFQ69G5FAV", NULL, NULL, NULL, 0, NULL),
        DP_ENOTFOUND);
    ck_assert_int_eq(store_reprocess(c, "alpha", id, "deu", NULL, NULL, 0, NULL), DP_OK);
    ck_assert_str_eq(docf(c, id, "status", buf, sizeof buf), "queued");
    ck_assert_str_eq(docf(c, id, "lang", buf, sizeof buf), "deu");
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 3);
    keys_blob(kblob, id2);
    freeReplyObject(redisCommand(c, "DEL %s", kblob)); /* bytes gone: nothing to run */
    ck_assert_int_eq(store_reprocess(c, "beta", id2, NULL, NULL, NULL, 0, NULL), DP_ENOTFOUND);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 3);

    /* delete: not by another tenant; then gone; a second delete finds nothing */
    ck_assert_int_eq(store_delete(c, "beta", id), DP_ENOTFOUND);
    ck_assert_str_eq(docf(c, id, "tenant", buf, sizeof buf), "alpha");
    ck_assert_int_eq(store_delete(c, "alpha", id), DP_OK);
    ck_assert_str_eq(docf(c, id, "tenant", buf, sizeof buf), "");
    ck_assert_int_eq(ival(c, "ZCARD %s", k), 0);
    ck_assert_int_eq(store_delete(c, "alpha", id), DP_ENOTFOUND);
    /* the idempotency key now names a deleted document: a new upload makes a new one */
    ck_assert_int_eq(upload(c, "alpha", "bytes-1", "idem-1", 100, id3, &replayed), DP_OK);
    ck_assert_int_eq(replayed, 0);
    ck_assert_str_ne(id3, id);
    /* the blob goes beside the script (rds_eval_set), and still arrives when Redis has
     * forgotten the script (NOSCRIPT inside the transaction: sent again with EVAL) */
    keys_blob(k, id3);
    redisReply *b = redisCommand(c, "GET %s", k);
    ck_assert(b && b->type == REDIS_REPLY_STRING && strcmp(b->str, "bytes-1") == 0);
    freeReplyObject(b);
    freeReplyObject(redisCommand(c, "SCRIPT FLUSH"));
    ck_assert_int_eq(upload(c, "gamma", "bytes-g", NULL, 100, id3, &replayed), DP_OK);
    keys_blob(k, id3);
    b = redisCommand(c, "GET %s", k);
    ck_assert(b && b->type == REDIS_REPLY_STRING && strcmp(b->str, "bytes-g") == 0);
    freeReplyObject(b);
    ck_assert_str_eq(docf(c, id3, "tenant", buf, sizeof buf), "gamma"); /* the record too */
    /* ...and a refusal after NOSCRIPT leaves neither the blob nor the record written beside
     * the script behind */
    long long keys = ival(c, "DBSIZE");
    freeReplyObject(redisCommand(c, "SCRIPT FLUSH"));
    ck_assert_int_eq(upload(c, "gamma", "bytes-h", NULL, 1, id3, &replayed), DP_EBUSY);
    ck_assert_int_eq(ival(c, "DBSIZE"), keys);
    redisFree(c);
}
END_TEST

/* Field name of the last entry of stream key into buf ("" when none). */
static const char *last_entry(redisContext *c, const char *key, const char *name, char *buf,
                              size_t sz)
{
    redisReply *r = redisCommand(c, "XREVRANGE %s + - COUNT 1", key);
    const redisReply *v = r && r->type == REDIS_REPLY_ARRAY && r->elements == 1
                              ? rds_field(r->element[0]->element[1], name)
                              : NULL;
    snprintf(buf, sz, "%s", v && v->type == REDIS_REPLY_STRING ? v->str : "");
    freeReplyObject(r);
    return buf;
}

static void read_job(redisContext *c, const char *consumer, const char *doc, struct queue_job *job)
{
    int got = 0;
    ck_assert_int_eq(queue_read(c, consumer, 0, 100, job, &got), DP_OK);
    ck_assert_int_eq(got, 1);
    ck_assert_str_eq(job->doc, doc);
}

static enum queue_start_outcome start(redisContext *c, const char *consumer,
                                      const struct queue_job *job, int max_attempts, int *attempt)
{
    enum queue_start_outcome out = QUEUE_SKIP;
    redisReply *rec = NULL;
    ck_assert_int_eq(queue_start(c, consumer, job, max_attempts, &out, attempt, &rec), DP_OK);
    ck_assert(out == QUEUE_RUN ? rec != NULL : rec == NULL);
    freeReplyObject(rec);
    return out;
}

/* ---- queue_progress, queue_start, queue_finish, queue_handback ---- */

START_TEST(queue_scripts)
{
    redisContext *c = rc();
    char a[UTIL_ID_MAX], b[UTIL_ID_MAX], d[UTIL_ID_MAX], buf[256], k[KEYS_MAX];
    struct queue_job job;
    int replayed = 0, attempt = 0;
    ck_assert_int_eq(queue_ensure_group(c), DP_OK);
    ck_assert_int_eq(upload(c, "alpha", "doc-a", NULL, 100, a, &replayed), DP_OK);
    read_job(c, "w1", a, &job);
    /* progress: only the consumer holding the entry may extend it */
    ck_assert_int_eq(queue_progress(c, "w2", &job, 1, 2), DP_ENOTFOUND);
    ck_assert_str_eq(docf(c, a, "pages_done", buf, sizeof buf), "");
    ck_assert_int_eq(queue_progress(c, "w1", &job, 1, 2), DP_OK);
    ck_assert_str_eq(docf(c, a, "pages_done", buf, sizeof buf), "1");
    ck_assert_int_eq(start(c, "w1", &job, 3, &attempt), QUEUE_RUN);
    ck_assert_int_eq(attempt, 1);
    ck_assert_str_eq(docf(c, a, "status", buf, sizeof buf), "processing");
    /* finish: record, ack + delete the entry, event, counters at once */
    struct queue_result res = {.status = "done",
                               .result_json = "{\"text\":\"hi\"}",
                               .text = "hi",
                               .klass = "invoice",
                               .event_data = "{\"id\":\"x\"}",
                               .pages = 2};
    int64_t bucket = util_now_ms() / 1000 / STATS_DONE_BUCKET_S;
    ck_assert_int_eq(queue_finish(c, &job, &res), DP_OK);
    ck_assert_str_eq(docf(c, a, "status", buf, sizeof buf), "done");
    ck_assert_str_eq(docf(c, a, "class", buf, sizeof buf), "invoice");
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 0);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_EVENTS), 1);
    ck_assert_str_eq(last_entry(c, KEYS_EVENTS, "doc", buf, sizeof buf), a);
    ck_assert_str_eq(last_entry(c, KEYS_EVENTS, "type", buf, sizeof buf), "document.completed");
    ck_assert_str_eq(last_entry(c, KEYS_EVENTS, "tenant", buf, sizeof buf), "alpha");
    ck_assert_int_eq(ival(c, "HGET %s done", KEYS_STATS), 1);
    long long done = 0;
    for (int64_t n = bucket; n <= bucket + 1; n++) { /* the bucket may have turned meanwhile */
        keys_done_bucket(k, n);
        done += ival(c, "EXISTS %s", k) == 1 ? ival(c, "GET %s", k) : 0;
        ck_assert(ival(c, "TTL %s", k) <= STATS_DONE_TTL_S);
    }
    ck_assert_int_eq(done, 1);
    /* replay (a duplicate delivery finishing again): no second event, no second count */
    ck_assert_int_eq(queue_finish(c, &job, &res), DP_OK);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_EVENTS), 1);
    ck_assert_int_eq(ival(c, "HGET %s done", KEYS_STATS), 1);
    /* a job for a finished document is acknowledged and skipped */
    freeReplyObject(redisCommand(c, "XADD %s * doc %s tenant alpha", KEYS_JOBS, a));
    read_job(c, "w1", a, &job);
    ck_assert_int_eq(start(c, "w1", &job, 3, &attempt), QUEUE_SKIP);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 0);

    /* attempts used up: failed, dead-lettered, document.failed naming the document */
    ck_assert_int_eq(upload(c, "alpha", "doc-b", NULL, 100, b, &replayed), DP_OK);
    keys_doc(k, b);
    freeReplyObject(redisCommand(c, "HSET %s attempts 3", k));
    read_job(c, "w1", b, &job);
    ck_assert_int_eq(start(c, "w1", &job, 3, &attempt), QUEUE_DEAD);
    ck_assert_int_eq(attempt, 3);
    ck_assert_str_eq(docf(c, b, "status", buf, sizeof buf), "failed");
    ck_assert_str_eq(docf(c, b, "error_code", buf, sizeof buf), "worker_crashed");
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_DEAD), 1);
    ck_assert_str_eq(last_entry(c, KEYS_DEAD, "doc", buf, sizeof buf), b);
    ck_assert_str_eq(last_entry(c, KEYS_EVENTS, "doc", buf, sizeof buf), b);
    ck_assert_str_eq(last_entry(c, KEYS_EVENTS, "type", buf, sizeof buf), "document.failed");
    ck_assert_ptr_nonnull(strstr(last_entry(c, KEYS_EVENTS, "data", buf, sizeof buf), b));
    ck_assert_int_eq(ival(c, "HGET %s dead_lettered", KEYS_STATS), 1);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 0);

    /* hand back: not someone else's entry; ours goes back to the queue, attempt not counted */
    ck_assert_int_eq(upload(c, "alpha", "doc-d", NULL, 100, d, &replayed), DP_OK);
    read_job(c, "w1", d, &job);
    ck_assert_int_eq(start(c, "w1", &job, 3, &attempt), QUEUE_RUN);
    ck_assert_int_eq(queue_handback(c, "w2", &job), DP_ENOTFOUND);
    ck_assert_int_eq(queue_handback(c, "w1", &job), DP_OK);
    ck_assert_str_eq(docf(c, d, "status", buf, sizeof buf), "queued");
    ck_assert_str_eq(docf(c, d, "attempts", buf, sizeof buf), "0");
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 1);
    ck_assert_int_eq(queue_handback(c, "w1", &job), DP_ENOTFOUND); /* replay: entry gone */
    /* the document erased meanwhile: its job is skipped; a handback just drops it */
    read_job(c, "w1", d, &job);
    ck_assert_int_eq(start(c, "w1", &job, 3, &attempt), QUEUE_RUN);
    ck_assert_int_eq(store_delete(c, "alpha", d), DP_OK);
    ck_assert_int_eq(queue_progress(c, "w1", &job, 1, 1), DP_OK);
    ck_assert_int_eq(queue_handback(c, "w1", &job), DP_OK);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 0);
    ck_assert_int_eq(upload(c, "alpha", "doc-e", NULL, 100, d, &replayed), DP_OK);
    read_job(c, "w1", d, &job);
    ck_assert_int_eq(store_delete(c, "alpha", d), DP_OK);
    ck_assert_int_eq(start(c, "w1", &job, 3, &attempt), QUEUE_SKIP);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_JOBS), 0);
    redisFree(c);
}
END_TEST

/* ---- cls_label, cls_unlabel, cls_save ---- */

START_TEST(classifier_scripts)
{
    redisContext *c = rc();
    char id[UTIL_ID_MAX], k[KEYS_MAX], prev[CLASSIFY_LABEL_MAX];
    struct clsstore_label_res res;
    int removed = -1;
    ck_assert_int_eq(util_new_id("doc_", id), DP_OK);
    /* no such document yet, then one that has not finished */
    ck_assert_int_eq(clsstore_label(c, "t1", id, "invoice", NULL, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_NO_DOC);
    keys_doc(k, id);
    freeReplyObject(redisCommand(c, "HSET %s tenant t1 status processing", k));
    ck_assert_int_eq(clsstore_label(c, "t1", id, "invoice", NULL, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_NOT_DONE);
    ck_assert_str_eq(res.status, "processing");
    freeReplyObject(redisCommand(c, "HSET %s status done text %s", k, "Total 12.00 EUR"));
    /* another tenant's document is not found; the owner's is labelled */
    ck_assert_int_eq(clsstore_label(c, "t2", id, "invoice", NULL, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_NO_DOC);
    ck_assert_int_eq(clsstore_label(c, "t1", id, "invoice", NULL, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_LABELLED);
    ck_assert_uint_eq(res.examples, 1);
    /* replay: the same label again changes nothing; another label replaces it */
    ck_assert_int_eq(clsstore_label(c, "t1", id, "invoice", NULL, &res), DP_OK);
    ck_assert_str_eq(res.previous, "invoice");
    ck_assert_uint_eq(res.examples, 1);
    ck_assert_uint_eq(res.classes, 1);
    ck_assert_int_eq(clsstore_label(c, "t1", id, "receipt", NULL, &res), DP_OK);
    ck_assert_uint_eq(res.classes, 1);
    keys_cls(k, "t1", KEYS_CLS_COUNTS);
    ck_assert_int_eq(ival(c, "HLEN %s", k), 1);
    /* unlabel: not another tenant's; then once; a replay removes nothing */
    ck_assert_int_eq(clsstore_unlabel(c, "t2", id, &removed, prev), DP_OK);
    ck_assert_int_eq(removed, 0);
    ck_assert_int_eq(clsstore_unlabel(c, "t1", id, &removed, prev), DP_OK);
    ck_assert_int_eq(removed, 1);
    ck_assert_str_eq(prev, "receipt");
    ck_assert_int_eq(ival(c, "HLEN %s", k), 0);
    ck_assert_int_eq(clsstore_unlabel(c, "t1", id, &removed, prev), DP_OK);
    ck_assert_int_eq(removed, 0);
    /* save: versions come from INCR; a version is stored only over an older one (a replay of
     * the same is refused); the blob is binary safe */
    char kver[KEYS_MAX];
    uint32_t ver = 0, ver2 = 0;
    keys_cls(kver, "t1", KEYS_CLS_VER);
    ck_assert_int_eq(rds_next_version(c, kver, &ver), DP_OK);
    ck_assert_int_eq(rds_next_version(c, kver, &ver2), DP_OK);
    ck_assert_uint_eq(ver, 1);
    ck_assert_uint_eq(ver2, 2);
    keys_cls(k, "t1", KEYS_CLS_MODEL);
    const char b2[] = {'b', '\0', '2'};
    ck_assert_int_eq(rds_model_save(c, &scripts_cls_save, k, 2, b2, 3, "{}", 1000), DP_OK);
    ck_assert_int_eq(rds_model_save(c, &scripts_cls_save, k, 2, b2, 3, "{}", 1000), DP_ECONFLICT);
    ck_assert_int_eq(rds_model_save(c, &scripts_cls_save, k, 1, "blob-1", 6, "{}", 999),
                     DP_ECONFLICT);
    redisReply *r = redisCommand(c, "HGET %s blob", k);
    ck_assert_int_eq(r->len, 3);
    ck_assert_mem_eq(r->str, b2, 3);
    freeReplyObject(r);
    ck_assert_int_eq(ival(c, "HGET %s trained_at", k), 1000);
    /* a counter that is not a number is an error, not version 0 */
    freeReplyObject(redisCommand(c, "SET %s x", kver));
    ck_assert_int_eq(rds_next_version(c, kver, &ver), DP_EREDIS);
    redisFree(c);
}
END_TEST

/* ---- review_confirm, review_forget, ext_save ---- */

/* A finished document of tenant with one page: "Order ref PO-<n>" and "Total 5.00". */
static void done_doc(redisContext *c, const char *tenant, int n, char id[UTIL_ID_MAX])
{
    char k[KEYS_MAX], res[700];
    ck_assert_int_eq(util_new_id("doc_", id), DP_OK);
    keys_doc(k, id);
    snprintf(res, sizeof res,
             "{\"pages\":[{\"number\":1,\"width\":1000,\"height\":800,\"words\":["
             "{\"text\":\"Order\",\"conf\":0.9,\"bbox\":[100,100,80,20],\"line\":0},"
             "{\"text\":\"ref\",\"conf\":0.9,\"bbox\":[200,100,50,20],\"line\":0},"
             "{\"text\":\"PO-%04d\",\"conf\":0.9,\"bbox\":[270,100,90,20],\"line\":0},"
             "{\"text\":\"Total\",\"conf\":0.9,\"bbox\":[100,140,70,20],\"line\":1},"
             "{\"text\":\"5.00\",\"conf\":0.9,\"bbox\":[190,140,50,20],\"line\":1}]}],"
             "\"fields\":[]}",
             n);
    freeReplyObject(redisCommand(c, "HSET %s tenant %s status done result %s", k, tenant, res));
}

static cJSON *confirmed(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    ck_assert_ptr_nonnull(j);
    return j;
}

START_TEST(extractor_scripts)
{
    redisContext *c = rc();
    char a[UTIL_ID_MAX], b[UTIL_ID_MAX], k[KEYS_MAX], buf[64];
    enum review_outcome out;
    cJSON *po1 = confirmed("{\"po_number\":{\"value\":\"PO-1001\"},\"note\":\"x\"}");
    cJSON *po2 = confirmed("{\"po_number\":{\"value\":\"PO-2002\"}}");
    done_doc(c, "t1", 1001, a);
    done_doc(c, "t1", 2002, b);
    /* another tenant's document, a document that has not finished */
    ck_assert_int_eq(review_confirm(c, "t2", a, "key_x", po1, &out), DP_OK);
    ck_assert_int_eq(out, REVIEW_NO_DOC);
    keys_doc(k, b);
    freeReplyObject(redisCommand(c, "HSET %s status processing", k));
    ck_assert_int_eq(review_confirm(c, "t1", b, "key_x", po2, &out), DP_OK);
    ck_assert_int_eq(out, REVIEW_NOT_DONE);
    freeReplyObject(redisCommand(c, "HSET %s status done", k));
    /* stored: record stamped, example kept, names counted; a replay counts once */
    ck_assert_int_eq(review_confirm(c, "t1", a, "key_x", po1, &out), DP_OK);
    ck_assert_int_eq(out, REVIEW_STORED);
    ck_assert_int_eq(review_confirm(c, "t1", a, "key_x", po1, &out), DP_OK);
    ck_assert_str_eq(docf(c, a, "reviewed_key", buf, sizeof buf), "key_x");
    ck_assert(strlen(docf(c, a, "reviewed_at", buf, sizeof buf)) >= 13);
    ck_assert_int_eq(review_confirm(c, "t1", b, "key_y", po2, &out), DP_OK);
    keys_ext(k, "t1", KEYS_EXT_EXAMPLES);
    ck_assert_int_eq(ival(c, "HLEN %s", k), 2);
    keys_ext(k, "t1", KEYS_EXT_NAMES);
    ck_assert_int_eq(ival(c, "HGET %s po_number", k), 2);
    ck_assert_int_eq(ival(c, "HGET %s note", k), 1);
    /* replacing a's example drops the name it no longer has */
    ck_assert_int_eq(review_confirm(c, "t1", a, "key_x", po2, &out), DP_OK);
    ck_assert_int_eq(ival(c, "HEXISTS %s note", k), 0);
    ck_assert_int_eq(review_confirm(c, "t1", a, "key_x", po1, &out), DP_OK);
    /* the per-tenant cap on names */
    cJSON *many = cJSON_CreateObject();
    for (int i = 0; i < REVIEW_MAX_NAMES; i++) {
        char n[16];
        snprintf(n, sizeof n, "f%d", i);
        cJSON_AddStringToObject(many, n, "v");
    }
    ck_assert_int_eq(review_confirm(c, "t1", b, "key_y", many, &out), DP_OK);
    ck_assert_int_eq(out, REVIEW_TOO_MANY_NAMES);
    cJSON_Delete(many);
    /* training stores version 1 through ext_save; a replayed older version is refused */
    int busy = -1, trainable = -1;
    ck_assert_int_eq(xstore_train_begin(c, "t1", &busy, &trainable), DP_OK);
    ck_assert_int_eq(trainable, 1);
    ck_assert_int_eq(busy, 0);
    ck_assert_int_eq(xstore_train_begin(c, "t1", &busy, &trainable), DP_OK);
    ck_assert_int_eq(busy, 1); /* the lock is held */
    unsigned version = 0;
    ck_assert_int_eq(xstore_train(c, "t1", &version), DP_OK);
    ck_assert_uint_eq(version, 1);
    keys_ext(k, "t1", KEYS_EXT_MODEL);
    ck_assert_int_eq(ival(c, "HGET %s version", k), 1);
    const char *v1[] = {k, "1", "blob-1", "{}", "999"};
    ck_assert_int_eq(rds_eval_found(c, &scripts_ext_save, 1, 4, v1), DP_ENOTFOUND);
    cJSON *info = NULL;
    ck_assert_int_eq(xstore_info(c, "t1", &info), DP_OK);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(info, "status")), "ready");
    cJSON_Delete(info);
    /* erasure: forget removes the example and its counts; a replay is harmless */
    ck_assert_int_eq(review_forget(c, "t1", a), DP_OK);
    ck_assert_int_eq(review_forget(c, "t1", a), DP_OK);
    keys_ext(k, "t1", KEYS_EXT_NAMES);
    ck_assert_int_eq(ival(c, "HGET %s po_number", k), 1);
    ck_assert_int_eq(ival(c, "HEXISTS %s note", k), 0);
    keys_ext(k, "t1", KEYS_EXT_EXAMPLES);
    ck_assert_int_eq(ival(c, "HLEN %s", k), 1);
    cJSON_Delete(po1);
    cJSON_Delete(po2);
    redisFree(c);
}
END_TEST

/* ---- wh_delivery_create, wh_due_claim, wh_endpoint_disable ---- */

START_TEST(webhook_scripts)
{
    redisContext *c = rc();
    char ids[4][WHSTORE_ID_MAX], k[KEYS_MAX], data[] = "{\"id\":\"doc_1\"}";
    size_t made = 0, n = 0;
    struct whstore_event ev = {.id = "evt_1",
                               .type = "document.completed",
                               .tenant = "t1",
                               .doc = "doc_1",
                               .callback_url = "http://127.0.0.1:9/cb",
                               .created = 1700000000,
                               .data = data,
                               .data_len = sizeof data - 1};
    long long now = 1700000000000LL;
    ck_assert_int_eq(whstore_event_fanout(c, &ev, now, &made), DP_OK);
    ck_assert_uint_eq(made, 1);
    ck_assert_int_eq(whstore_event_fanout(c, &ev, now, &made), DP_OK); /* replay */
    ck_assert_uint_eq(made, 0);
    ck_assert_int_eq(ival(c, "ZCARD %s", KEYS_WH_DUE), 1);
    keys_wh_deliveries(k, NULL, "t1");
    ck_assert_int_eq(ival(c, "ZCARD %s", k), 1);
    /* claim: due now; claimed again only once the lease is over */
    ck_assert_int_eq(whstore_due_claim(c, now - 1, 1000, ids, 4, &n), DP_OK);
    ck_assert_uint_eq(n, 0); /* not due yet */
    ck_assert_int_eq(whstore_due_claim(c, now, 1000, ids, 4, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    struct whstore_delivery d;
    ck_assert_int_eq(whstore_delivery_load(c, ids[0], &d), DP_OK);
    ck_assert_str_eq(d.event, "evt_1");
    ck_assert_str_eq(d.endpoint, WHSTORE_CALLBACK);
    ck_assert_int_eq(whstore_due_claim(c, now + 999, 1000, ids, 4, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(whstore_due_claim(c, now + 1000, 1000, ids, 4, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    /* disable: a missing endpoint is not created; an existing one is disabled */
    ck_assert_int_eq(whstore_endpoint_disable(c, "wh_missing", "gone"), DP_ENOTFOUND);
    keys_wh_endpoint(k, "wh_missing");
    ck_assert_int_eq(ival(c, "EXISTS %s", k), 0);
    cJSON *ep = NULL;
    ck_assert_int_eq(
        whstore_endpoint_create(c, "t1", "http://127.0.0.1:9/x", NULL, 0, NULL, 1, &ep), DP_OK);
    char id[WHSTORE_ID_MAX];
    snprintf(id, sizeof id, "%s", cJSON_GetObjectItem(ep, "id")->valuestring);
    cJSON_Delete(ep);
    ck_assert_int_eq(whstore_endpoint_disable(c, id, "receiver answered 410 Gone"), DP_OK);
    struct whstore_endpoint e;
    ck_assert_int_eq(whstore_endpoint_load(c, id, &e), DP_OK);
    ck_assert_int_eq(e.enabled, 0);
    ck_assert_int_eq(whstore_endpoint_delete(c, "t2", id), DP_ENOTFOUND); /* not t2's */
    ck_assert_int_eq(whstore_endpoint_delete(c, "t1", id), DP_OK);
    ck_assert_int_eq(whstore_endpoint_disable(c, id, "late 410"), DP_ENOTFOUND);
    keys_wh_endpoint(k, id);
    ck_assert_int_eq(ival(c, "EXISTS %s", k), 0); /* not resurrected */
    redisFree(c);
}
END_TEST

/* ---- seal_swap (through sealstore_rekey) ---- */

START_TEST(seal_scripts)
{
    redisContext *c = rc();
    static const char old_b64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static const char new_b64[] = "H+Hw3ezC9DCFEPtOeK4ve09h3yWqnQahuR3s3HpjQfE=";
    struct seal_keyring old = {0}, ring = {0};
    ck_assert_int_eq(seal_keyring_add_b64(&old, old_b64, strlen(old_b64)), DP_OK);
    ck_assert_int_eq(seal_keyring_add_b64(&ring, new_b64, strlen(new_b64)), DP_OK);
    ck_assert_int_eq(seal_keyring_add_b64(&ring, old_b64, strlen(old_b64)), DP_OK);
    char kblob[KEYS_MAX], kdoc[KEYS_MAX], kplain[KEYS_MAX], *sv, *p;
    size_t sl, pl;
    keys_blob(kblob, "doc_a");
    keys_doc(kdoc, "doc_a");
    keys_blob(kplain, "doc_b");
    ck_assert_int_eq(seal_seal(&old, "doc_a/blob", "bytes", 5, &sv, &sl), DP_OK);
    freeReplyObject(redisCommand(c, "SET %s %b EX 1000", kblob, sv, sl));
    free(sv);
    ck_assert_int_eq(seal_seal(&old, "doc_a/text", "the text", 8, &sv, &sl), DP_OK);
    freeReplyObject(redisCommand(c, "HSET %s text %b status done", kdoc, sv, sl));
    free(sv);
    freeReplyObject(redisCommand(c, "SET %s plain", kplain));
    struct sealstore_counts n;
    ck_assert_int_eq(sealstore_rekey(c, &ring, &n), DP_OK);
    ck_assert_int_eq(n.resealed, 3); /* two old, one plain */
    ck_assert_int_eq(n.failed + n.raced + n.current, 0);
    /* every value now opens with the new key alone; the TTL was kept */
    struct seal_keyring only_new = ring;
    only_new.n = 1;
    const char *keys[] = {kblob, kdoc, kplain},
               *aads[] = {"doc_a/blob", "doc_a/text", "doc_b/blob"};
    const char *want[] = {"bytes", "the text", "plain"};
    for (int i = 0; i < 3; i++) {
        redisReply *r =
            i == 1 ? redisCommand(c, "HGET %s text", keys[i]) : redisCommand(c, "GET %s", keys[i]);
        ck_assert_int_eq(seal_open(&only_new, aads[i], r->str, r->len, &p, &pl), DP_OK);
        ck_assert_str_eq(p, want[i]);
        free(p);
        freeReplyObject(r);
    }
    ck_assert_int_gt(ival(c, "TTL %s", kblob), 900);
    /* again: nothing left to do; a value of an unknown key is counted, not touched */
    ck_assert_int_eq(sealstore_rekey(c, &only_new, &n), DP_OK);
    ck_assert_int_eq(n.current, 3);
    ck_assert_int_eq(n.resealed, 0);
    struct seal_keyring other = {0};
    ck_assert_int_eq(seal_keyring_add_b64(&other, old_b64, strlen(old_b64)), DP_OK);
    ck_assert_int_eq(sealstore_rekey(c, &other, &n), DP_OK);
    ck_assert_int_eq(n.failed, 3);
    /* the swap writes only over the value it read */
    const char *argv[] = {kplain, "", "not what is stored", "x"};
    redisReply *r = NULL;
    ck_assert_int_eq(rds_eval(c, &scripts_seal_swap, 1, 3, argv, NULL, &r, NULL, 0), DP_OK);
    ck_assert_int_eq(r->integer, 0);
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

/* cls_label with encryption at rest: the caller cuts and seals the example; training opens it. */
START_TEST(classifier_sealed)
{
    redisContext *c = rc();
    struct dp_config cfg;
    char err[128], k[KEYS_MAX], ids[2][UTIL_ID_MAX], *sv, *p;
    size_t sl, pl;
    config_defaults(&cfg);
    snprintf(cfg.encryption_key, sizeof cfg.encryption_key, "%s",
             "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    ck_assert_int_eq(seal_setup(&cfg, err, sizeof err), DP_OK);
    const char *texts[] = {"Invoice total due 12.00 EUR vat", "Receipt cash change thank you"};
    const char *labels[] = {"invoice", "receipt"};
    struct clsstore_limits lim = {.max_examples = 10, .max_text = 12};
    struct clsstore_label_res res;
    for (int i = 0; i < 2; i++) {
        char aad[64];
        util_new_id("doc_", ids[i]);
        snprintf(aad, sizeof aad, "%s/text", ids[i]);
        ck_assert_int_eq(seal_seal(seal_active(), aad, texts[i], strlen(texts[i]), &sv, &sl),
                         DP_OK);
        keys_doc(k, ids[i]);
        freeReplyObject(redisCommand(c, "HSET %s tenant t1 status done text %b", k, sv, sl));
        free(sv);
        ck_assert_int_eq(clsstore_label(c, "t1", ids[i], labels[i], &lim, &res), DP_OK);
        ck_assert_int_eq(res.outcome, CLSSTORE_LABELLED);
        ck_assert_uint_eq(res.text_bytes, 12);
        ck_assert_int_eq(res.truncated, 1);
    }
    /* stored sealed, for this document's example only */
    keys_cls(k, "t1", KEYS_CLS_TEXTS);
    redisReply *r = redisCommand(c, "HGET %s %s", k, ids[0]);
    ck_assert(seal_is_sealed(r->str, r->len));
    char aad[64];
    snprintf(aad, sizeof aad, "%s/example", ids[0]);
    ck_assert_int_eq(seal_open(seal_active(), aad, r->str, r->len, &p, &pl), DP_OK);
    ck_assert_str_eq(p, "Invoice tota");
    free(p);
    freeReplyObject(r);
    /* a blank text is no example */
    keys_doc(k, ids[0]);
    snprintf(aad, sizeof aad, "%s/text", ids[0]);
    ck_assert_int_eq(seal_seal(seal_active(), aad, " \n ", 3, &sv, &sl), DP_OK);
    freeReplyObject(redisCommand(c, "HSET %s text %b", k, sv, sl));
    free(sv);
    ck_assert_int_eq(clsstore_label(c, "t1", ids[0], "invoice", &lim, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_NO_TEXT);
    /* training reads the sealed examples */
    struct classify_stats cs;
    ck_assert_int_eq(clsstore_train(c, "t1", 0.5, &cs), DP_OK);
    ck_assert_uint_eq(cs.nexamples, 2);
    redisFree(c);
}
END_TEST

/* ---- ret_expire, doc_erase, store_delete (retention and erasure) ---- */

START_TEST(retention_scripts)
{
    redisContext *c = rc();
    char id[UTIL_ID_MAX], kdoc[KEYS_MAX], kblob[KEYS_MAX], kdevt[KEYS_MAX], kevt[KEYS_MAX];
    char ktd[KEYS_MAX];
    int replayed = 0, n = -1;
    struct retention_cfg ret = {0, 100}; /* default: keep; a "day" of 100 s */
    ck_assert_int_eq(upload(c, "t1", "bytes-r", "idem-r", 100, id, &replayed), DP_OK);
    keys_doc(kdoc, id);
    keys_blob(kblob, id);
    keys_doc_events(kdevt, id);
    keys_wh_event(kevt, "evt_r1");
    keys_tdocs(ktd, "t1");
    /* not finished: nothing expires; default 0: nothing either */
    ck_assert_int_eq(retention_set(c, "t1", 2), DP_OK);
    ck_assert_int_eq(retention_apply(c, &ret, "t1", id), DP_OK);
    ck_assert_int_eq(ival(c, "TTL %s", kdoc), -1);
    freeReplyObject(redisCommand(c, "HSET %s status done", kdoc));
    ck_assert_int_eq(retention_set(c, "t1", -1), DP_OK);
    ck_assert_int_eq(retention_apply(c, &ret, "t1", id), DP_OK);
    ck_assert_int_eq(ival(c, "TTL %s", kdoc), -1);
    /* the tenant's 2 days: record, blob and idempotency entry expire, the expiry is noted */
    ck_assert_int_eq(retention_set(c, "t1", 2), DP_OK);
    ck_assert_int_eq(retention_apply(c, &ret, "t1", id), DP_OK);
    ck_assert_int_gt(ival(c, "TTL %s", kdoc), 190);
    ck_assert_int_le(ival(c, "TTL %s", kblob), 200);
    ck_assert_int_eq(ival(c, "ZCARD %s", KEYS_EXPIRING), 1);
    char kidem[KEYS_MAX], kh[UTIL_SHA256_HEX];
    util_sha256_hex("idem-r", 6, kh);
    keys_idem(kidem, "t1", kh);
    ck_assert_int_le(ival(c, "TTL %s", kidem), 200);
    /* another tenant's document is not touched */
    ck_assert_int_eq(retention_apply(c, &ret, "t2", id), DP_OK);
    /* an event it emitted, copied by webhookd; the sweep leaves it while the record lives */
    redisReply *x = redisCommand(c, "XADD %s * id evt_r1 doc %s", KEYS_EVENTS, id);
    freeReplyObject(redisCommand(c, "HSET %s evt_r1 %s", kdevt, x->str));
    freeReplyObject(x);
    freeReplyObject(redisCommand(c, "HSET %s doc %s data secret", kevt, id));
    ck_assert_int_eq(retention_sweep(c, util_now_ms() + 300000, 10, &n), DP_OK);
    ck_assert_int_eq(n, 0);
    ck_assert_int_eq(ival(c, "EXISTS %s", kevt), 1);
    /* once the record has expired, the sweep erases the rest */
    freeReplyObject(redisCommand(c, "DEL %s %s", kdoc, kblob));
    ck_assert_int_eq(retention_sweep(c, util_now_ms() + 900000, 10, &n), DP_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(ival(c, "EXISTS %s", kevt), 0);
    ck_assert_int_eq(ival(c, "EXISTS %s", kdevt), 0);
    ck_assert_int_eq(ival(c, "XLEN %s", KEYS_EVENTS), 0);
    ck_assert_int_eq(ival(c, "ZCARD %s", ktd), 0);
    ck_assert_int_eq(ival(c, "ZCARD %s", KEYS_EXPIRING), 0);
    /* DELETE: record, blob, idempotency entry, then the rest */
    ck_assert_int_eq(upload(c, "t1", "bytes-d", "idem-d", 100, id, &replayed), DP_OK);
    util_sha256_hex("idem-d", 6, kh);
    keys_idem(kidem, "t1", kh);
    ck_assert_int_eq(ival(c, "EXISTS %s", kidem), 1);
    ck_assert_int_eq(store_delete(c, "t2", id), DP_ENOTFOUND);
    ck_assert_int_eq(store_delete(c, "t1", id), DP_OK);
    ck_assert_int_eq(ival(c, "EXISTS %s", kidem), 0);
    ck_assert_int_eq(retention_erase(c, "t1", id), DP_OK);
    ck_assert_int_eq(ival(c, "ZCARD %s", ktd), 0);
    redisFree(c);
}
END_TEST

/* ---- quotas (store_enqueue, store_reprocess, queue_finish, doc_erase) ---- */

START_TEST(quota_scripts)
{
    redisContext *c = rc();
    char a[UTIL_ID_MAX], b[UTIL_ID_MAX], err[128], code[32] = "", k[KEYS_MAX];
    int replayed;
    struct quota_limits q = {.max_queued = 1, .max_bytes = 100, .per_minute = 3};
    struct store_upload u = {.tenant = "t1",
                             .data = (const unsigned char *)"123456",
                             .len = 6,
                             .mime = "image/png",
                             .max_queue = 100,
                             .idem_ttl_s = 60,
                             .quota = &q};
    ck_assert_int_eq(store_enqueue(c, &u, a, &replayed, err, sizeof err), DP_OK);
    /* one queued: the next is refused for that, and nothing is written */
    long long keys = ival(c, "DBSIZE");
    ck_assert_int_eq(store_enqueue(c, &u, b, &replayed, err, sizeof err), DP_EBUSY);
    ck_assert_int_eq(strncmp(err, QUOTA_CODE_QUEUED ":", strlen(QUOTA_CODE_QUEUED) + 1), 0);
    ck_assert_int_eq(ival(c, "DBSIZE"), keys);
    /* finished: no longer queued; 6 + 6 bytes pass a limit of 10 */
    struct queue_job job = {.entry = "0-1"};
    snprintf(job.doc, sizeof job.doc, "%s", a);
    snprintf(job.tenant, sizeof job.tenant, "t1");
    struct queue_result res = {.status = "done", .text = "t"};
    char kdoc[KEYS_MAX];
    keys_doc(kdoc, a);
    freeReplyObject(redisCommand(c, "HSET %s status processing", kdoc));
    ck_assert_int_eq(queue_finish(c, &job, &res), DP_OK);
    keys_quota(k, "t1", KEYS_QUOTA_QUEUED);
    ck_assert_int_eq(ival(c, "SCARD %s", k), 0);
    q.max_bytes = 10;
    ck_assert_int_eq(store_enqueue(c, &u, b, &replayed, err, sizeof err), DP_EBUSY);
    ck_assert_int_eq(strncmp(err, QUOTA_CODE_BYTES ":", strlen(QUOTA_CODE_BYTES) + 1), 0);
    /* erasure gives the bytes back */
    ck_assert_int_eq(store_delete(c, "t1", a), DP_OK);
    ck_assert_int_eq(retention_erase(c, "t1", a), DP_OK);
    keys_quota(k, "t1", KEYS_QUOTA_BYTES);
    ck_assert_int_eq(ival(c, "GET %s", k), 0);
    ck_assert_int_eq(store_enqueue(c, &u, b, &replayed, err, sizeof err), DP_OK);
    /* reprocess obeys the queued limit (b is queued; a finished one would be a second) */
    ck_assert_int_eq(store_reprocess(c, "t1", b, NULL, NULL, &q, 100, code), DP_OK);
    /* the rate: 3 a minute (2 uploads and a reprocess so far) */
    q.max_queued = 0;
    q.max_bytes = 0;
    ck_assert_int_eq(store_enqueue(c, &u, a, &replayed, err, sizeof err), DP_EBUSY);
    ck_assert_int_eq(strncmp(err, QUOTA_CODE_RATE ":", strlen(QUOTA_CODE_RATE) + 1), 0);
    ck_assert_int_eq(store_reprocess(c, "t1", b, NULL, NULL, &q, 100, code), DP_EBUSY);
    ck_assert_str_eq(code, QUOTA_CODE_RATE);
    q.per_minute = 0;
    q.max_queued = 1;
    struct store_upload u2 = u;
    u2.tenant = "t2"; /* another tenant has its own counters */
    ck_assert_int_eq(store_enqueue(c, &u2, a, &replayed, err, sizeof err), DP_OK);
    ck_assert_int_eq(store_reprocess(c, "t2", a, NULL, NULL, &q, 1, code), DP_OK); /* queued */
    keys_doc(kdoc, a);
    freeReplyObject(redisCommand(c, "HSET %s status done", kdoc));
    keys_quota(k, "t2", KEYS_QUOTA_QUEUED);
    freeReplyObject(redisCommand(c, "SREM %s %s", k, a));
    ck_assert_int_eq(store_reprocess(c, "t2", a, NULL, NULL, &q, 1, code), DP_EBUSY);
    ck_assert_str_eq(code, "queue_full"); /* the global bound: 2 jobs in the stream */
    ck_assert_int_gt(quota_retry_after(QUOTA_CODE_RATE, 119), 0);
    ck_assert_int_le(quota_retry_after(QUOTA_CODE_RATE, 119), 60);
    /* The tenant's own limits (quota_set) override the configured ones inside the script, an
     * unreadable one does not, and the refusal names the limit applied. */
    struct quota_limits q3 = {.max_queued = 1, .max_bytes = 100};
    struct store_upload u3 = u;
    u3.tenant = "t3";
    u3.quota = &q3;
    ck_assert_int_eq(store_enqueue(c, &u3, a, &replayed, err, sizeof err), DP_OK);
    ck_assert_int_eq(store_enqueue(c, &u3, b, &replayed, err, sizeof err), DP_EBUSY);
    ck_assert_int_eq(strncmp(err, QUOTA_CODE_QUEUED ":", strlen(QUOTA_CODE_QUEUED) + 1), 0);
    ck_assert_ptr_nonnull(strstr(err, " 1 documents"));
    ck_assert_int_eq(quota_set(c, "t3", "max_queued", 7), DP_OK);
    ck_assert_int_eq(quota_set(c, "t3", "max_bytes", 12), DP_OK);
    ck_assert_int_eq(store_enqueue(c, &u3, b, &replayed, err, sizeof err), DP_OK);
    ck_assert_int_eq(store_enqueue(c, &u3, b, &replayed, err, sizeof err), DP_EBUSY);
    ck_assert_int_eq(strncmp(err, QUOTA_CODE_BYTES ":", strlen(QUOTA_CODE_BYTES) + 1), 0);
    ck_assert_ptr_nonnull(strstr(err, " 12 bytes"));
    ck_assert_int_eq(quota_set(c, "t3", "max_bytes", -1), DP_OK);
    keys_tenant(k, "t3");
    freeReplyObject(redisCommand(c, "HSET %s max_queued x7", k));
    ck_assert_int_eq(store_enqueue(c, &u3, b, &replayed, err, sizeof err), DP_EBUSY);
    ck_assert_ptr_nonnull(strstr(err, " 1 documents"));
    redisFree(c);
}
END_TEST

/* ---- the embedding ---- */

/* Runs last in its case: every script was run above (each first reached the fresh server by
 * NOSCRIPT -> EVAL, which caches it), the SHA1 made at build time is Redis's, and each file
 * documents itself and builds no key of its own. */
START_TEST(every_script_ran_and_is_what_redis_loads)
{
    redisContext *c = redisConnect("127.0.0.1", st.redis_port);
    ck_assert(c && !c->err);
    /* the build embedded every file of common/lua */
    char pattern[600];
    glob_t g;
    const char *src = getenv("DOCPROC_SRC_DIR");
    snprintf(pattern, sizeof pattern, "%s/common/lua/*.lua", src ? src : ".");
    ck_assert_int_eq(glob(pattern, 0, NULL, &g), 0);
    ck_assert_uint_eq(scripts_count, g.gl_pathc);
    globfree(&g);
    ck_assert_uint_ge(scripts_count, 13);
    char q1[8], q2[8]; /* a key prefix (taken from keys.h) in a Lua string literal */
    snprintf(q1, sizeof q1, "'%.3s", KEYS_SEQ);
    snprintf(q2, sizeof q2, "%c%.3s", '"', KEYS_SEQ);
    for (size_t i = 0; i < scripts_count; i++) {
        const struct rds_script *s = scripts_all[i];
        ck_assert_ptr_eq(scripts_find(s->name), s);
        redisReply *r = redisCommand(c, "SCRIPT EXISTS %s", s->sha);
        ck_assert_msg(r && r->type == REDIS_REPLY_ARRAY && r->element[0]->integer == 1,
                      "script %s was never run by the tests", s->name);
        freeReplyObject(r);
        r = redisCommand(c, "SCRIPT LOAD %b", s->src, s->len);
        ck_assert_str_eq(r->str, s->sha);
        freeReplyObject(r);
        ck_assert_uint_eq(strlen(s->src), s->len);
        char head[64];
        snprintf(head, sizeof head, "-- %s: ", s->name);
        ck_assert_msg(strncmp(s->src, head, strlen(head)) == 0, "%s: no purpose line", s->name);
        ck_assert_msg(strstr(s->src, "\n-- KEYS: ") && strstr(s->src, "\n-- ARGV: ") &&
                          strstr(s->src, "\n-- Reply: "),
                      "%s: comment block lacks KEYS, ARGV or Reply", s->name);
        ck_assert_msg(!strstr(s->src, q1) && !strstr(s->src, q2) &&
                          !strstr(s->src, "string.sub(KEYS"),
                      "%s builds a key itself", s->name);
    }
    ck_assert_ptr_null(scripts_find("no_such_script"));
    redisFree(c);
}
END_TEST

Suite *lua_suite(void)
{
    Suite *s = suite_create("lua");
    TCase *tc = tcase_create("scripts");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, store_scripts);
    tcase_add_test(tc, store_record_is_what_redis_holds);
    tcase_add_test(tc, store_dedup);
    tcase_add_test(tc, batch_scripts);
    tcase_add_test(tc, queue_scripts);
    tcase_add_test(tc, classifier_scripts);
    tcase_add_test(tc, extractor_scripts);
    tcase_add_test(tc, webhook_scripts);
    tcase_add_test(tc, seal_scripts);
    tcase_add_test(tc, classifier_sealed);
    tcase_add_test(tc, retention_scripts);
    tcase_add_test(tc, quota_scripts);
    tcase_add_test(tc, every_script_ran_and_is_what_redis_loads);
    suite_add_tcase(s, tc);
    return s;
}
