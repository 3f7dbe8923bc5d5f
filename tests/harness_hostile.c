/* harness_hostile.c -- see harness_hostile.h. */
#include "harness_hostile.h"
#include <hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "fixtures.h"
#include "keys.h"
#include "testutil.h"
#include "util.h"

void hostile_start(struct hostile *h)
{
    static const char *const env[] = {"DOCPROC_PAGE_TIMEOUT_MS=4000",
                                      "DOCPROC_JOB_TIMEOUT_MS=30000", NULL};
    static const char *const lines[] = {"Delivery note 4471", "Forty crates of apples"};
    struct stack_opts o = {.workers = 1, .env = env};
    ck_assert_int_eq(stack_start(&h->s, &o), 0);
    unsigned char *png, *bomb;
    size_t len, blen;
    ck_assert_int_eq(fixture_png(lines, 2, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&h->s, h->s.key, png, len, "dedup=false", h->id), 202);
    ck_assert_int_eq(stack_upload(&h->s, h->s.key, png, len, "dedup=false", h->good), 202);
    free(png);
    for (int i = 0; i < 2; i++) {
        cJSON *d = stack_wait_doc(&h->s, h->s.key, i ? h->good : h->id, 90000);
        ck_assert_ptr_nonnull(d);
        ck_assert_str_eq(json_str(d, "status"), "done");
        cJSON_Delete(d);
    }
    /* what a hostile or damaged store would hand the renderer */
    ck_assert_int_eq(fixture_pdf_nested_xobjects(26, &bomb, &blen), DP_OK);
    redisContext *rc = redisConnect("127.0.0.1", h->s.redis_port);
    ck_assert(rc && !rc->err);
    char kblob[KEYS_MAX], kdoc[KEYS_MAX];
    keys_blob(kblob, h->id);
    keys_doc(kdoc, h->id);
    freeReplyObject(redisCommand(rc, "SET %s %b", kblob, bomb, blen));
    freeReplyObject(redisCommand(rc, "HSET %s type application/pdf", kdoc));
    redisFree(rc);
    free(bomb);
}

void hostile_stop(struct hostile *h)
{
    stack_stop(&h->s);
}

static void *call_thread(void *arg)
{
    struct hostile_call *c = arg;
    int64_t t0 = util_mono_ms();
    if (http_req("GET", c->url, c->key, NULL, NULL, 0, &c->r))
        c->r.status = -1;
    c->ms = util_mono_ms() - t0;
    return NULL;
}

void hostile_call_start(struct hostile_call *c, const struct stack *s, const char *path)
{
    snprintf(c->url, sizeof c->url, "%s%s", s->base, path);
    c->key = s->key;
    ck_assert_int_eq(pthread_create(&c->t, NULL, call_thread, c), 0);
}

void hostile_call_join(struct hostile_call *c)
{
    pthread_join(c->t, NULL);
}

int hostile_health(const struct stack *s, int n)
{
    char url[512];
    snprintf(url, sizeof url, "%s/healthz", s->base);
    for (int i = 0; i < n; i++) {
        struct http_resp h = {0};
        int64_t t0 = util_mono_ms();
        ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &h), 0);
        ck_assert_int_eq(h.status, 200);
        ck_assert_int_lt(util_mono_ms() - t0, 2000);
        http_resp_free(&h);
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return n;
}
