/* check_e2e_dedup.c -- duplicates answered at once: the same bytes with the same options for the
 * same tenant, once read, are answered from the stored result (200, done, duplicate_of) with no
 * OCR and a document.completed event; dedup=false, other options or another tenant read anew;
 * erasing the document erases what recognised its bytes. */
#include <hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "keys.h"
#include "testutil.h"
#include "util.h"

/* POST the bytes with a query; status, id into id, the parsed answer into *out (caller frees). */
static long post(struct stack *s, const char *key, const void *buf, size_t len, const char *query,
                 char *id, cJSON **out)
{
    char url[512];
    snprintf(url, sizeof url, "%s/v1/documents%s%s", s->base, query ? "?" : "", query ? query : "");
    const char *hdr[] = {"Content-Type: application/octet-stream", NULL};
    struct http_resp r;
    ck_assert_int_eq(http_req("POST", url, key, hdr, buf, len, &r), 0);
    cJSON *j = http_json(&r);
    snprintf(id, 64, "%s", json_str(j, "id"));
    long st = r.status;
    http_resp_free(&r);
    if (out)
        *out = j;
    else
        cJSON_Delete(j);
    return st;
}

static char *get_text(struct stack *s, const char *id)
{
    char url[256];
    snprintf(url, sizeof url, "%s/v1/documents/%s/text", s->base, id);
    struct http_resp r;
    ck_assert_int_eq(http_req("GET", url, s->key, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    char *t = strndup(r.body, r.len);
    http_resp_free(&r);
    return t;
}

START_TEST(same_bytes_answered_from_the_earlier_reading)
{
    struct stack s;
    struct stack_opts o = {.workers = 1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    redisContext *rc = redisConnect("127.0.0.1", s.redis_port);
    ck_assert(rc && !rc->err);
    const char *lines[] = {"Invoice number DD-7781", "Total 41.20 EUR", "Thank you"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 3, &png, &len), DP_OK);

    char first[64], dup[64], fresh[64], other[64], deu[64];
    ck_assert_int_eq(post(&s, s.key, png, len, NULL, first, NULL), 202);
    /* a second copy while the first is still being read is read anew */
    cJSON *d = stack_wait_doc(&s, s.key, first, 60000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    cJSON_Delete(d);
    char *text_first = get_text(&s, first);
    long long jobs_before = -1;
    redisReply *x;
    x = redisCommand(rc, "HGET %s accepted", KEYS_STATS);
    jobs_before = x && x->str ? strtoll(x->str, NULL, 10) : -1;
    freeReplyObject(x);
    x = redisCommand(rc, "XLEN %s", KEYS_EVENTS);
    long long events_before = x ? x->integer : -1;
    freeReplyObject(x);
    x = redisCommand(rc, "XLEN %s", KEYS_JOBS);
    long long queue_before = x ? x->integer : -1;
    freeReplyObject(x);

    /* the duplicate: answered at once, done, with the earlier reading */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cJSON *ans = NULL;
    long st = post(&s, s.key, png, len, NULL, dup, &ans);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    ck_assert_int_eq(st, 200);
    ck_assert_str_ne(dup, first);
    ck_assert_str_eq(json_str(ans, "status"), "done");
    ck_assert_str_eq(json_str(ans, "duplicate_of"), first);
    ck_assert_int_eq((int)json_num(ans, "attempts"), 0);
    cJSON_Delete(ans);
    char *text_dup = get_text(&s, dup);
    ck_assert_str_eq(text_dup, text_first);
    ck_assert_ptr_nonnull(strstr(text_dup, "DD-7781"));
    x = redisCommand(rc, "XLEN %s", KEYS_JOBS);
    ck_assert_int_eq(x->integer, queue_before); /* no job */
    freeReplyObject(x);
    x = redisCommand(rc, "XREVRANGE %s + - COUNT 1", KEYS_EVENTS);
    ck_assert(x && x->type == REDIS_REPLY_ARRAY && x->elements == 1);
    char flat[4096] = "";
    size_t fl = 0;
    redisReply *f = x->element[0]->element[1];
    for (size_t i = 0; i < f->elements && fl < sizeof flat; i++)
        fl += (size_t)snprintf(flat + fl, sizeof flat - fl, "%s ", f->element[i]->str);
    ck_assert_ptr_nonnull(strstr(flat, "document.completed"));
    ck_assert_ptr_nonnull(strstr(flat, dup));
    freeReplyObject(x);
    x = redisCommand(rc, "XLEN %s", KEYS_EVENTS);
    ck_assert_int_eq(x->integer, events_before + 1);
    freeReplyObject(x);
    x = redisCommand(rc, "HGET %s accepted", KEYS_STATS);
    ck_assert_int_eq(strtoll(x->str, NULL, 10), jobs_before + 1);
    freeReplyObject(x);
    fprintf(stderr, "dedup: duplicate answered done in %.2f ms (upload through nginx)\n", ms);

    /* dedup=false, other options, another tenant: read anew */
    ck_assert_int_eq(post(&s, s.key, png, len, "dedup=false", fresh, NULL), 202);
    ck_assert_int_eq(post(&s, s.key, png, len, "lang=deu", deu, NULL), 202);
    ck_assert_int_eq(post(&s, s.key2, png, len, NULL, other, NULL), 202);
    ck_assert_int_eq(post(&s, s.key, png, len, "dedup=maybe", fresh + 32, NULL), 400);
    const char *ids[] = {fresh, deu};
    for (int i = 0; i < 2; i++) {
        d = stack_wait_doc(&s, s.key, ids[i], 60000);
        ck_assert_ptr_nonnull(d);
        ck_assert_str_eq(json_str(d, "status"), "done");
        ck_assert_int_eq((int)json_num(d, "attempts"), 1);
        ck_assert_str_eq(json_str(d, "duplicate_of"), "");
        cJSON_Delete(d);
    }
    d = stack_wait_doc(&s, s.key2, other, 60000);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq((int)json_num(d, "attempts"), 1);
    cJSON_Delete(d);

    /* erasing the first erases the key that recognised its bytes; the next copy is read anew */
    char kdoc[KEYS_MAX], sha[UTIL_SHA256_HEX], kdup[KEYS_MAX];
    keys_doc(kdoc, first);
    x = redisCommand(rc, "HGET %s dedup_fp", kdoc);
    ck_assert(x && x->type == REDIS_REPLY_STRING);
    util_sha256_hex(png, len, sha);
    keys_dedup(kdup, "alpha", sha, x->str);
    freeReplyObject(x);
    x = redisCommand(rc, "GET %s", kdup);
    ck_assert(x && x->type == REDIS_REPLY_STRING);
    ck_assert_str_eq(x->str, first);
    freeReplyObject(x);
    char url[256];
    snprintf(url, sizeof url, "%s/v1/documents/%s", s.base, first);
    struct http_resp r;
    ck_assert_int_eq(http_req("DELETE", url, s.key, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    x = redisCommand(rc, "EXISTS %s", kdup);
    ck_assert_int_eq(x->integer, 0);
    freeReplyObject(x);
    char again[64];
    ck_assert_int_eq(post(&s, s.key, png, len, NULL, again, NULL), 202);

    free(text_first);
    free(text_dup);
    free(png);
    redisFree(rc);
    stack_stop(&s);
}
END_TEST

Suite *e2e_dedup_suite(void)
{
    Suite *s = suite_create("e2e_dedup");
    TCase *tc = tcase_create("dedup");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, same_bytes_answered_from_the_earlier_reading);
    suite_add_tcase(s, tc);
    return s;
}
