/* check_e2e_clsstore.c -- clsstore against a real, throwaway redis-server (no API, no OCR):
 * labels and their caps, training and versions, info, and the worker's model cache (reload
 * only on a new version, LRU eviction, a corrupt model falls back to the built-in one), and the
 * training status the API shows (api_train.c). */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <hiredis.h>
#include "../api/api.h"
#include "clsstore.h"
#include "keys.h"
#include "harness.h"
#include "testutil.h"
#include "util.h"

static struct stack st;

static void setup(void)
{
    ck_assert_msg(stack_redis_only(&st) == 0, "redis-server did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static redisContext *rconnect(void)
{
    redisContext *c = stack_redis_plain(&st, 0);
    ck_assert_ptr_nonnull(c);
    return c;
}

static void cmd_ok(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    ck_assert(r && r->type != REDIS_REPLY_ERROR);
    freeReplyObject(r);
}

/* The classifier key `what` of tenant t in out (keys.h), for the commands below. */
static const char *ck(char out[KEYS_MAX], const char *t, enum keys_cls what)
{
    ck_assert_int_eq(keys_cls(out, t, what), DP_OK);
    return out;
}

/* A document record as the worker leaves it. */
static void put_doc(redisContext *c, char id[UTIL_ID_MAX], const char *tenant, const char *status,
                    const char *text)
{
    ck_assert_int_eq(util_new_id("doc_", id), DP_OK);
    char k[KEYS_MAX];
    ck_assert_int_eq(keys_doc(k, id), DP_OK);
    cmd_ok(c, "HSET %s tenant %s status %s text %s", k, tenant, status, text);
}

static const char *const inv[] = {
    "INVOICE No 1042 Bill to Harbor Tools Ltd Qty 3 brackets 45.00 Subtotal 45.00 VAT 9.00 "
    "Total due 54.00 EUR within 30 days",
    "INVOICE No 2230 Bill to Green Leaf Cafe Qty 12 cups 36.00 Subtotal 36.00 VAT 7.20 Total "
    "due 43.20 EUR within 14 days",
    "Invoice number 7781 Bill to Nordic Print AB Qty 1 poster 250.00 Subtotal 250.00 VAT 50.00 "
    "Amount due 300.00 EUR by bank transfer"};
static const char *const rec[] = {
    "Tomato soup recipe Ingredients 4 tomatoes 1 onion 2 cups stock Chop the onion and fry it "
    "in butter then simmer for 20 minutes and serve hot",
    "Pancake recipe Ingredients 2 eggs 1 cup flour 1 cup milk Whisk the eggs with the milk and "
    "flour then cook in butter until golden",
    "Lemon cake recipe Ingredients 3 eggs 200 g flour 1 lemon Beat the butter and sugar then "
    "fold in the flour and bake for 40 minutes"};
static const char *const new_inv = "INVOICE No 5512 Bill to Alpine Sports GmbH Qty 2 helmets "
                                   "180.00 Subtotal 180.00 VAT 36.00 Total due 216.00 EUR";

/* Labels inv[] and rec[] for tenant; ids receive the six document ids. */
static void label_six(redisContext *c, const char *tenant, char ids[6][UTIL_ID_MAX])
{
    for (int i = 0; i < 6; i++) {
        struct clsstore_label_res res;
        put_doc(c, ids[i], tenant, "done", i < 3 ? inv[i] : rec[i - 3]);
        ck_assert_int_eq(
            clsstore_label(c, tenant, ids[i], i < 3 ? "invoice" : "recipe", NULL, &res), DP_OK);
        ck_assert_int_eq(res.outcome, CLSSTORE_LABELLED);
    }
}

START_TEST(label_rules)
{
    redisContext *c = rconnect();
    char d1[UTIL_ID_MAX], d2[UTIL_ID_MAX], d3[UTIL_ID_MAX], dq[UTIL_ID_MAX], de[UTIL_ID_MAX];
    struct clsstore_label_res res;
    struct clsstore_limits lim = {.max_examples = 2, .max_text = 10};
    put_doc(c, d1, "t1", "done", "alpha beta gamma delta epsilon");
    put_doc(c, d2, "t1", "done", "caf\xc3\xa9 au lait"); /* the 'é' is bytes 4 and 5 */
    put_doc(c, d3, "t1", "done", "third document text");
    put_doc(c, dq, "t1", "queued", "");
    put_doc(c, de, "t1", "done", "  \n ");

    ck_assert_int_eq(clsstore_label(c, "t1", d1, "invoice", &lim, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_LABELLED);
    ck_assert_str_eq(res.previous, "");
    ck_assert_uint_eq(res.text_bytes, 10);
    ck_assert_int_eq(res.truncated, 1);
    ck_assert_uint_eq(res.examples, 1);
    /* a cut never ends inside a UTF-8 sequence: 4 bytes would split the 'é', 3 are kept */
    lim.max_text = 4;
    ck_assert_int_eq(clsstore_label(c, "t1", d2, "letter", &lim, &res), DP_OK);
    ck_assert_uint_eq(res.text_bytes, 3);
    char k[KEYS_MAX];
    redisReply *r = redisCommand(c, "HGET %s %s", ck(k, "t1", KEYS_CLS_TEXTS), d2);
    ck_assert_str_eq(r->str, "caf");
    freeReplyObject(r);
    lim.max_text = 5;
    ck_assert_int_eq(clsstore_label(c, "t1", d2, "letter", &lim, &res), DP_OK);
    ck_assert_uint_eq(res.text_bytes, 5);
    ck_assert_str_eq(res.previous, "letter");
    /* relabelling replaces: one example, counts move */
    ck_assert_int_eq(clsstore_label(c, "t1", d2, "receipt", &lim, &res), DP_OK);
    ck_assert_str_eq(res.previous, "letter");
    ck_assert_uint_eq(res.examples, 2);
    ck_assert_uint_eq(res.classes, 2);
    /* the cap counts examples, and a relabel is not a new one */
    ck_assert_int_eq(clsstore_label(c, "t1", d3, "invoice", &lim, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_TOO_MANY_EXAMPLES);
    ck_assert_int_eq(clsstore_label(c, "t1", d1, "letter", &lim, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_LABELLED);
    /* refusals */
    ck_assert_int_eq(clsstore_label(c, "t2", d3, "invoice", NULL, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_NO_DOC);
    ck_assert_int_eq(clsstore_label(c, "t1", "doc_nonsense", "invoice", NULL, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_NO_DOC);
    ck_assert_int_eq(clsstore_label(c, "t1", dq, "invoice", NULL, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_NOT_DONE);
    ck_assert_str_eq(res.status, "queued");
    ck_assert_int_eq(clsstore_label(c, "t1", de, "invoice", NULL, &res), DP_OK);
    ck_assert_int_eq(res.outcome, CLSSTORE_NO_TEXT);
    ck_assert_int_eq(clsstore_label(c, "t1", d3, "unknown", NULL, &res), DP_EINVAL);
    ck_assert_int_eq(clsstore_label(c, "t1", d3, "a b", NULL, &res), DP_EINVAL);

    /* counts as GET /v1/classifier shows them */
    cJSON *info = NULL;
    ck_assert_int_eq(clsstore_info(c, "t1", NULL, &info), DP_OK);
    ck_assert_str_eq(json_str(info, "model"), "builtin");
    ck_assert_int_eq((int)json_num(info, "labelled_total"), 2);
    ck_assert_int_eq((int)json_num(info, "labelled.letter"), 1);
    ck_assert_int_eq((int)json_num(info, "labelled.receipt"), 1);
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetObjectItem(info, "labelled"), "invoice"));
    cJSON_Delete(info);

    /* unlabel */
    int removed = 0;
    char prev[CLASSIFY_LABEL_MAX];
    ck_assert_int_eq(clsstore_unlabel(c, "t1", d2, &removed, prev), DP_OK);
    ck_assert_int_eq(removed, 1);
    ck_assert_str_eq(prev, "receipt");
    ck_assert_int_eq(clsstore_unlabel(c, "t1", d2, &removed, prev), DP_OK);
    ck_assert_int_eq(removed, 0);
    ck_assert_int_eq(clsstore_unlabel(c, "t2", d1, &removed, NULL), DP_OK);
    ck_assert_int_eq(removed, 0); /* another tenant's example is not touched */
    r = redisCommand(c, "HGETALL %s", ck(k, "t1", KEYS_CLS_COUNTS));
    ck_assert_uint_eq(r->elements, 2); /* letter 1; receipt gone */
    freeReplyObject(r);
    r = redisCommand(c, "HLEN %s", ck(k, "t1", KEYS_CLS_TEXTS));
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

START_TEST(train_and_versions)
{
    redisContext *c = rconnect();
    char ids[6][UTIL_ID_MAX];
    struct classify_stats s;
    /* one class is not enough, and nothing is stored */
    char d[UTIL_ID_MAX];
    struct clsstore_label_res res;
    put_doc(c, d, "t3", "done", inv[0]);
    ck_assert_int_eq(clsstore_label(c, "t3", d, "invoice", NULL, &res), DP_OK);
    ck_assert_int_eq(clsstore_train(c, "t3", 0.5, &s), DP_EINVAL);
    ck_assert_uint_eq(s.nclasses, 1);
    ck_assert_str_eq(s.classes[0].label, "invoice");
    ck_assert_uint_eq(s.classes[0].examples, 1);
    ck_assert_int_eq(clsstore_train(c, "empty", 0.5, &s), DP_EINVAL);
    ck_assert_uint_eq(s.nclasses, 0);
    char k[KEYS_MAX], k2[KEYS_MAX];
    redisReply *r =
        redisCommand(c, "EXISTS %s %s", ck(k, "t3", KEYS_CLS_MODEL), ck(k2, "t3", KEYS_CLS_VER));
    ck_assert_int_eq(r->integer, 0);
    freeReplyObject(r);

    label_six(c, "t4", ids);
    ck_assert_int_eq(clsstore_train(c, "t4", 0.5, &s), DP_OK);
    ck_assert_uint_eq(s.version, 1);
    ck_assert_uint_eq(s.nexamples, 6);
    ck_assert_uint_eq(s.nclasses, 2);
    ck_assert(s.cv_folds > 0 && s.cv_accuracy >= 0.8);
    ck_assert_int_eq(clsstore_train(c, "t4", 0.7, &s), DP_OK);
    ck_assert_uint_eq(s.version, 2);
    cJSON *info = NULL;
    ck_assert_int_eq(clsstore_info(c, "t4", NULL, &info), DP_OK);
    ck_assert_str_eq(json_str(info, "object"), "classifier");
    ck_assert_str_eq(json_str(info, "model"), "tenant");
    ck_assert_int_eq((int)json_num(info, "version"), 2);
    ck_assert(json_num(info, "threshold") == 0.7);
    ck_assert_int_eq((int)json_num(info, "examples"), 6);
    ck_assert(json_num(info, "cv_accuracy") >= 0.8);
    ck_assert(strlen(json_str(info, "trained_at")) == 24);
    const cJSON *cls = cJSON_GetObjectItem(info, "classes");
    ck_assert_int_eq(cJSON_GetArraySize(cls), 2);
    ck_assert_int_eq((int)json_num(cJSON_GetArrayItem(cls, 0), "examples"), 3);
    ck_assert_int_eq((int)json_num(info, "labelled_total"), 6);
    cJSON_Delete(info);

    /* a stored version newer than ours (a concurrent training) is never overwritten */
    cmd_ok(c, "HSET %s version 100", ck(k, "t4", KEYS_CLS_MODEL));
    ck_assert_int_eq(clsstore_train(c, "t4", 0.5, &s), DP_ECONFLICT);
    r = redisCommand(c, "HGET %s version", ck(k, "t4", KEYS_CLS_MODEL));
    ck_assert_str_eq(r->str, "100");
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

static void classify(struct clsstore_cache *cache, redisContext *c, const char *tenant,
                     const char *text, struct classify_result *out, const char **model)
{
    ck_assert_int_eq(clsstore_classify(cache, c, tenant, NULL, text, strlen(text), out, model),
                     DP_OK);
}

START_TEST(cache_reloads_on_new_version)
{
    redisContext *c = rconnect();
    struct clsstore_cache *cache = clsstore_cache_new(2);
    struct clsstore_cache_stats cs;
    struct classify_result cr;
    struct classify_stats s;
    const char *model = NULL;
    char ids[6][UTIL_ID_MAX], k[KEYS_MAX];
    ck_assert_ptr_nonnull(cache);
    /* no model yet: built-in */
    classify(cache, c, "t5", rec[0], &cr, &model);
    ck_assert_str_eq(model, "builtin");
    clsstore_cache_stats(cache, &cs);
    ck_assert_uint_eq(cs.lookups, 1);
    ck_assert_uint_eq(cs.loads, 0);
    /* trained: loaded once, then served from the cache */
    label_six(c, "t5", ids);
    ck_assert_int_eq(clsstore_train(c, "t5", 0.5, &s), DP_OK);
    classify(cache, c, "t5", rec[0], &cr, &model);
    ck_assert_str_eq(model, "tenant");
    ck_assert_str_eq(cr.label, "recipe");
    ck_assert_uint_eq(cr.model_version, 1);
    classify(cache, c, "t5", new_inv, &cr, &model);
    ck_assert_str_eq(cr.label, "invoice");
    clsstore_cache_stats(cache, &cs);
    ck_assert_uint_eq(cs.loads, 1);
    ck_assert_uint_eq(cs.lookups, 3);
    /* retrained: the next document sees the new version */
    ck_assert_int_eq(clsstore_train(c, "t5", 0.5, &s), DP_OK);
    classify(cache, c, "t5", new_inv, &cr, &model);
    ck_assert_uint_eq(cr.model_version, 2);
    clsstore_cache_stats(cache, &cs);
    ck_assert_uint_eq(cs.loads, 2);
    ck_assert_uint_eq(cs.tenants, 1);
    /* gibberish is "unknown" with a tenant model too */
    classify(cache, c, "t5", "zorblax quintaveer plonk vexillum drabnor kwispet flanj", &cr,
             &model);
    ck_assert_str_eq(model, "tenant");
    ck_assert_str_eq(cr.label, CLASSIFY_UNKNOWN);

    /* LRU: t6 and t7 trained; with room for two, t5 (least recently used) is evicted */
    label_six(c, "t6", ids);
    label_six(c, "t7", ids);
    ck_assert_int_eq(clsstore_train(c, "t6", 0.5, &s), DP_OK);
    ck_assert_int_eq(clsstore_train(c, "t7", 0.5, &s), DP_OK);
    classify(cache, c, "t6", rec[1], &cr, &model);
    classify(cache, c, "t5", rec[1], &cr, &model); /* t5 used after t6 */
    classify(cache, c, "t7", rec[1], &cr, &model); /* evicts t6 */
    clsstore_cache_stats(cache, &cs);
    ck_assert_uint_eq(cs.tenants, 2);
    ck_assert_uint_eq(cs.evictions, 1);
    ck_assert_uint_eq(cs.loads, 4);
    classify(cache, c, "t5", rec[1], &cr, &model); /* still cached */
    clsstore_cache_stats(cache, &cs);
    ck_assert_uint_eq(cs.loads, 4);
    classify(cache, c, "t6", rec[1], &cr, &model); /* reloaded */
    ck_assert_str_eq(model, "tenant");
    clsstore_cache_stats(cache, &cs);
    ck_assert_uint_eq(cs.loads, 5);

    /* a model that does not load: built-in, logged once, not refetched for that version */
    cmd_ok(c, "HSET %s version 99 blob not-a-model", ck(k, "t7", KEYS_CLS_MODEL));
    classify(cache, c, "t7", new_inv, &cr, &model);
    ck_assert_str_eq(model, "builtin");
    classify(cache, c, "t7", new_inv, &cr, &model);
    ck_assert_str_eq(model, "builtin");
    clsstore_cache_stats(cache, &cs);
    ck_assert_uint_eq(cs.load_errors, 1);
    ck_assert_uint_eq(cs.loads, 6);
    /* the model removed: back to built-in */
    cmd_ok(c, "DEL %s", ck(k, "t6", KEYS_CLS_MODEL));
    classify(cache, c, "t6", new_inv, &cr, &model);
    ck_assert_str_eq(model, "builtin");
    clsstore_cache_stats(cache, &cs);
    ck_assert_uint_eq(cs.tenants, 1);

    /* Redis gone: an error the worker retries, not a silent built-in answer. (Last test: the
     * fixture's redis is killed from this forked test process, which cannot reap it, so wait
     * until it stops answering.) */
    redisFree(c);
    kill(st.redis, SIGTERM);
    for (int i = 0; i < 100; i++) {
        c = redisConnect("127.0.0.1", st.redis_port);
        if (!c || c->err)
            break;
        redisFree(c);
        c = NULL;
        usleep(50 * 1000);
    }
    ck_assert(c != NULL && c->err);
    ck_assert_int_eq(clsstore_classify(cache, c, "t5", NULL, new_inv, strlen(new_inv), &cr, &model),
                     DP_EREDIS);
    redisFree(c);
    clsstore_cache_free(cache);
}
END_TEST

/* GET /v1/classifier's "training" object, from the status hash the trainer writes. */
START_TEST(training_status)
{
    redisContext *c = rconnect();
    char key[KEYS_MAX];
    cJSON *o = (cJSON *)1;
    ck_assert_int_eq(api_train_status(c, "t9", &o), DP_OK);
    ck_assert_ptr_null(o); /* never asked */
    ck_assert_int_eq(keys_cls(key, "t9", KEYS_CLS_TRAINING), DP_OK);
    cmd_ok(c,
           "HSET %s state failed requested_at 1700000000000 started_at 1700000001000 "
           "finished_at 1700000002500 threshold 0.4 version 7 error_code conflict error %s",
           key, "a newer model was trained");
    ck_assert_int_eq(api_train_status(c, "t9", &o), DP_OK);
    ck_assert_str_eq(json_str(o, "object"), "classifier_training");
    ck_assert_str_eq(json_str(o, "state"), "failed");
    ck_assert_str_eq(json_str(o, "requested_at"), "2023-11-14T22:13:20.000Z");
    ck_assert_str_eq(json_str(o, "finished_at"), "2023-11-14T22:13:22.500Z");
    ck_assert(json_num(o, "threshold") == 0.4);
    ck_assert_str_eq(json_str(o, "error.code"), "conflict");
    ck_assert_str_eq(json_str(o, "error.message"), "a newer model was trained");
    ck_assert_ptr_null(cJSON_GetObjectItem(o, "version")); /* only a done training has one */
    cJSON_Delete(o);
    cmd_ok(c, "HSET %s state done", key);
    ck_assert_int_eq(api_train_status(c, "t9", &o), DP_OK);
    ck_assert_int_eq((int)json_num(o, "version"), 7);
    ck_assert_ptr_null(cJSON_GetObjectItem(o, "error"));
    cJSON_Delete(o);
    /* another tenant's status is its own */
    ck_assert_int_eq(api_train_status(c, "t10", &o), DP_OK);
    ck_assert_ptr_null(o);
    redisFree(c);
}
END_TEST

Suite *e2e_clsstore_suite(void)
{
    Suite *s = suite_create("e2e_clsstore");
    TCase *tc = tcase_create("redis");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, label_rules);
    tcase_add_test(tc, train_and_versions);
    tcase_add_test(tc, training_status);
    tcase_add_test(tc, cache_reloads_on_new_version); /* last: it stops redis */
    suite_add_tcase(s, tc);
    return s;
}
