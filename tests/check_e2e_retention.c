/* check_e2e_retention.c -- retention, erasure and the audit log against real processes: a
 * tenant's retention (PATCH /v1/tenant, a "day" shortened to a second) expires a finished
 * document and the workers' sweep erases the rest; DELETE erases at once; either way no key in
 * Redis mentions the document afterwards (record, blob, idempotency and dedup keys, event
 * copies and stream entries, training examples, index entries), save the audit log that says
 * it was deleted. */
#include <hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fixtures.h"
#include "harness.h"
#include "keys.h"
#include "testutil.h"
#include "util.h"

/* 1 when reply r (any shape) holds needle in a string. */
static int reply_mentions(const redisReply *r, const char *needle)
{
    if (!r)
        return 0;
    if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
        return memmem(r->str, r->len, needle, strlen(needle)) != NULL;
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++)
        if (reply_mentions(r->element[i], needle))
            return 1;
    return 0;
}

/* The first key (but the audit log) whose name or value mentions id, into out; 0 if none. */
static int key_mentioning(redisContext *c, const char *id, char *out, size_t outsz)
{
    char audit[KEYS_MAX];
    keys_audit(audit, "");
    char cursor[32] = "0";
    do {
        redisReply *r = redisCommand(c, "SCAN %s COUNT 1000", cursor);
        ck_assert(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2);
        snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
        for (size_t i = 0; i < r->element[1]->elements; i++) {
            const char *k = r->element[1]->element[i]->str;
            if (strncmp(k, audit, strlen(audit)) == 0)
                continue;
            redisReply *t = redisCommand(c, "TYPE %s", k);
            const char *ty = t ? t->str : "";
            redisReply *v = !strcmp(ty, "string") ? redisCommand(c, "GET %s", k)
                            : !strcmp(ty, "hash") ? redisCommand(c, "HGETALL %s", k)
                            : !strcmp(ty, "zset") ? redisCommand(c, "ZRANGE %s 0 -1", k)
                            : !strcmp(ty, "list") ? redisCommand(c, "LRANGE %s 0 -1", k)
                            : !strcmp(ty, "set")  ? redisCommand(c, "SMEMBERS %s", k)
                                                  : redisCommand(c, "XRANGE %s - +", k);
            int hit = strstr(k, id) || reply_mentions(v, id);
            freeReplyObject(v);
            freeReplyObject(t);
            if (hit) {
                snprintf(out, outsz, "%s", k);
                freeReplyObject(r);
                return 1;
            }
        }
        freeReplyObject(r);
    } while (strcmp(cursor, "0") != 0);
    return 0;
}

static long req(const char *method, struct stack *s, const char *key, const char *path,
                const char *body, cJSON **out)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    const char *hdr[] = {"Content-Type: application/json", NULL};
    struct http_resp r;
    ck_assert_int_eq(http_req(method, url, key, hdr, body, body ? strlen(body) : 0, &r), 0);
    long st = r.status;
    if (out)
        *out = http_json(&r);
    http_resp_free(&r);
    return st;
}

/* Uploads a page with an Idempotency-Key, waits until done, labels it, and waits until
 * docproc-webhookd has copied its event: every kind of key that mentions a document. */
static void one_document(struct stack *s, redisContext *c, const char *key, const char *word,
                         char id[64])
{
    const char *lines[] = {"Invoice number", word, "Total 18.20 EUR"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 3, &png, &len), DP_OK);
    char url[256], idem[80];
    snprintf(url, sizeof url, "%s/v1/documents", s->base);
    snprintf(idem, sizeof idem, "Idempotency-Key: k-%s", word);
    const char *hdr[] = {"Content-Type: application/octet-stream", idem, NULL};
    struct http_resp r;
    ck_assert_int_eq(http_req("POST", url, key, hdr, png, len, &r), 0);
    ck_assert_int_eq(r.status, 202);
    cJSON *j = http_json(&r);
    snprintf(id, 64, "%s", json_str(j, "id"));
    cJSON_Delete(j);
    http_resp_free(&r);
    free(png);
    cJSON *d = stack_wait_doc(s, key, id, 90000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    cJSON_Delete(d);
    char path[128];
    snprintf(path, sizeof path, "/v1/documents/%s/label", id);
    ck_assert_int_eq(req("POST", s, key, path, "{\"class\":\"invoice\"}", NULL), 200);
    char kdevt[KEYS_MAX], kevt[KEYS_MAX];
    keys_doc_events(kdevt, id);
    int copied = 0;
    for (int i = 0; i < 200 && !copied; i++) {
        redisReply *x = redisCommand(c, "HKEYS %s", kdevt);
        if (x && x->elements > 0) {
            keys_wh_event(kevt, x->element[0]->str);
            redisReply *e = redisCommand(c, "EXISTS %s", kevt);
            copied = e && e->integer == 1;
            freeReplyObject(e);
        }
        freeReplyObject(x);
        if (!copied)
            usleep(50000);
    }
    ck_assert_msg(copied, "webhookd did not copy the event of %s", id);
}

START_TEST(expiry_and_erasure_leave_no_key)
{
    struct stack s;
    const char *env[] = {"DOCPROC_RETENTION_DAY_S=1", NULL};
    struct stack_opts o = {.workers = 1, .env = env, .webhookd = 1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    redisContext *c = redisConnect("127.0.0.1", s.redis_port);
    ck_assert(c && !c->err);
    cJSON *j = NULL;
    /* settings: default keep; bad values refused; the tenant's 3 "days" (seconds here) */
    ck_assert_int_eq(req("GET", &s, s.key, "/v1/tenant", NULL, &j), 200);
    ck_assert_int_eq((int)json_num(j, "retention_days"), 0);
    ck_assert_str_eq(json_str(j, "retention_source"), "default");
    cJSON_Delete(j);
    ck_assert_int_eq(req("PATCH", &s, s.key, "/v1/tenant", "{\"retention_days\":-4}", NULL), 422);
    ck_assert_int_eq(req("PATCH", &s, s.key, "/v1/tenant", "[1]", NULL), 400);
    ck_assert_int_eq(req("PATCH", &s, s.key, "/v1/tenant", "{\"retention_days\":3}", &j), 200);
    ck_assert_int_eq((int)json_num(j, "retention_days"), 3);
    ck_assert_str_eq(json_str(j, "retention_source"), "tenant");
    cJSON_Delete(j);

    /* expiry: within the retention it is all there; after it, nothing mentions it */
    char a[64], b[64], where[KEYS_MAX] = "";
    one_document(&s, c, s.key, "Quillfeather", a);
    ck_assert(key_mentioning(c, a, where, sizeof where));
    int gone = 0;
    for (int i = 0; i < 300 && !gone; i++) {
        gone = !key_mentioning(c, a, where, sizeof where);
        if (!gone)
            usleep(100000);
    }
    ck_assert_msg(gone, "30 s after a 3 s retention, %s still mentions %s", where, a);
    char path[128];
    snprintf(path, sizeof path, "/v1/documents/%s", a);
    ck_assert_int_eq(req("GET", &s, s.key, path, NULL, NULL), 404);
    ck_assert_int_eq(req("GET", &s, s.key, "/v1/documents", NULL, &j), 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "data")), 0);
    cJSON_Delete(j);

    /* DELETE (tenant beta keeps its documents): erased at once */
    one_document(&s, c, s.key2, "Harrowgate", b);
    snprintf(path, sizeof path, "/v1/documents/%s", b);
    ck_assert_int_eq(req("DELETE", &s, s.key2, path, NULL, NULL), 200);
    ck_assert_msg(!key_mentioning(c, b, where, sizeof where), "after DELETE %s mentions %s", where,
                  b);

    /* the audit logs: each tenant sees its own, newest first, paged */
    ck_assert_int_eq(req("GET", &s, s.key2, "/v1/audit?limit=1", NULL, &j), 200);
    cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0);
    ck_assert_str_eq(json_str(e, "action"), "document.deleted");
    ck_assert_str_eq(json_str(e, "target"), b);
    ck_assert_int_eq(strncmp(json_str(e, "actor"), "key_", 4), 0);
    char next[64];
    snprintf(next, sizeof next, "%s", json_str(j, "next_cursor"));
    cJSON_Delete(j);
    ck_assert(next[0]); /* the key's creation is older */
    snprintf(path, sizeof path, "/v1/audit?limit=5&cursor=%s", next);
    ck_assert_int_eq(req("GET", &s, s.key2, path, NULL, &j), 200);
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0);
    ck_assert_str_eq(json_str(e, "action"), "api_key.created");
    ck_assert_str_eq(json_str(e, "actor"), "admin");
    cJSON_Delete(j);
    ck_assert_int_eq(req("GET", &s, s.key, "/v1/audit", NULL, &j), 200);
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0);
    ck_assert_str_eq(json_str(e, "action"), "tenant.retention_changed");
    ck_assert_str_eq(json_str(e, "detail"), "3");
    char *txt = cJSON_PrintUnformatted(j);
    ck_assert_ptr_null(strstr(txt, b)); /* not the other tenant's */
    free(txt);
    cJSON_Delete(j);
    ck_assert_int_eq(req("GET", &s, s.key, "/v1/audit?cursor=nonsense", NULL, NULL), 400);
    redisFree(c);
    stack_stop(&s);
}
END_TEST

Suite *e2e_retention_suite(void)
{
    Suite *s = suite_create("e2e_retention");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, expiry_and_erasure_leave_no_key);
    suite_add_tcase(s, tc);
    return s;
}
