/* check_e2e_review.c -- confirming fields end to end through nginx, the API and a worker:
 * PUT /v1/documents/{id}/fields makes the document reviewed with confirmed values
 * (source "confirmed"), every extracted field carries its source, the needs_review and
 * reviewed listing filters agree with the documents, refusals are clear, another tenant sees
 * nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <hiredis.h>
#include "fixtures.h"
#include "harness.h"
#include "keys.h"
#include "testutil.h"

static struct stack st;

static void setup(void)
{
    struct stack_opts o = {.n_api = 1, .workers = 1};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static void upload(const char *const *lines, size_t n, char id[64])
{
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, n, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&st, st.key, png, len, NULL, id), 202);
    free(png);
}

static cJSON *wait_done(const char *id)
{
    cJSON *doc = stack_wait_doc(&st, st.key, id, 90000);
    ck_assert_msg(doc != NULL, "%s did not finish", id);
    ck_assert_str_eq(json_str(doc, "status"), "done");
    return doc;
}

static long call(const char *method, const char *path, const char *key, const char *body,
                 cJSON **json)
{
    char url[512];
    struct http_resp r;
    const char *hdr[] = {"Content-Type: application/json", NULL};
    snprintf(url, sizeof url, "%s%s", st.base, path);
    ck_assert_int_eq(http_req(method, url, key, hdr, body, body ? strlen(body) : 0, &r), 0);
    long status = r.status;
    *json = http_json(&r);
    http_resp_free(&r);
    return status;
}

static void expect_error(const char *method, const char *path, const char *key, const char *body,
                         long want, const char *code)
{
    cJSON *j = NULL;
    long got = call(method, path, key, body, &j);
    ck_assert_msg(got == want, "%s %s: %ld, wanted %ld", method, path, got, want);
    ck_assert_str_eq(json_str(j, "error.code"), code);
    ck_assert(strlen(json_str(j, "error.message")) > 0);
    cJSON_Delete(j);
}

/* The field named name in doc's "fields", or NULL. */
static const cJSON *field(const cJSON *doc, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(doc, "fields"))
    {
        if (strcmp(json_str(f, "name"), name) == 0)
            return f;
    }
    return NULL;
}

/* Whether the listing at query holds id (one page of 100 is all of this test's documents). */
static int listed(const char *query, const char *id)
{
    char path[256];
    cJSON *j = NULL;
    snprintf(path, sizeof path, "/v1/documents?limit=100&%s", query);
    ck_assert_int_eq(call("GET", path, st.key, NULL, &j), 200);
    int found = 0;
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItem(j, "data"))
    {
        found |= strcmp(json_str(d, "id"), id) == 0;
    }
    cJSON_Delete(j);
    return found;
}

static const char *const invoice[] = {"ACME GMBH",         "Invoice No 4471",  "Date 25/12/2018",
                                      "PO number PO-4471", "Widgets 3 x 3.00", "Total 9.00 EUR"};
static const char *const garbage[] = {"#%@& }{ ~~^^ |||| @@##", "%%&& ^^~~ {{}} ##@@ ||",
                                      "~~## @@%% &&^^ }}{{ ||"};

START_TEST(confirm_and_filter)
{
    char a[64], b[64], g[64], path[256];
    cJSON *j = NULL;
    upload(invoice, 6, a);
    upload(invoice, 6, b);
    upload(garbage, 3, g);
    cJSON *da = wait_done(a), *db = wait_done(b), *dg = wait_done(g);

    /* ---- before review: every field carries its source, none is reviewed ---- */
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(da, "reviewed")));
    ck_assert(cJSON_GetArraySize(cJSON_GetObjectItem(da, "fields")) > 0);
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(da, "fields"))
    {
        ck_assert_str_eq(json_str(f, "source"), "rules");
        ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(f, "confidence")));
        int low = json_num(f, "confidence") < 0.5;
        ck_assert_int_eq(cJSON_IsTrue(cJSON_GetObjectItem(f, "needs_review")), low);
    }
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(da, "review_reasons")));
    /* a page of symbols reads poorly: it needs review */
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(dg, "needs_review")));
    ck_assert(listed("needs_review=true", g));
    ck_assert(!listed("needs_review=false", g));
    ck_assert(!listed("reviewed=true", a));
    ck_assert(listed("reviewed=false", a));

    /* ---- refusals ---- */
    snprintf(path, sizeof path, "/v1/documents/%s/fields", a);
    expect_error("PUT", path, st.key, "{\"fields\":", 400, "invalid_json");
    expect_error("PUT", path, st.key, "{\"fields\":{\"Total\":\"9.00\"}}", 400, "invalid_request");
    expect_error("PUT", path, st.key, "{\"fields\":{\"total\":9}}", 400, "invalid_request");
    expect_error("PUT", path, st.key2, "{\"fields\":{\"total\":\"9.00\"}}", 404, "not_found");
    expect_error("PUT", "/v1/documents/doc_00000000000000000000000000/fields", st.key,
                 "{\"fields\":{\"total\":\"9.00\"}}", 404, "not_found");
    expect_error("POST", path, st.key, "{}", 405, "method_not_allowed");
    expect_error("GET", "/v1/documents?needs_review=maybe", st.key, NULL, 400, "invalid_request");

    /* ---- confirm ---- */
    const char *body = "{\"fields\":{\"company\":\"ACME GMBH\",\"date\":\"25/12/2018\","
                       "\"total\":\"9.00\",\"po_number\":{\"value\":\"PO-4471\",\"page\":1,"
                       "\"bbox\":[300,700,400,50]}}}";
    ck_assert_int_eq(call("PUT", path, st.key, body, &j), 200);
    ck_assert_str_eq(json_str(j, "id"), a);
    ck_assert(strncmp(json_str(j, "reviewed.key_id"), "key_", 4) == 0);
    ck_assert(strlen(json_str(j, "reviewed.at")) >= 20);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "needs_review")));
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/documents/%s", a);
    ck_assert_int_eq(call("GET", path, st.key, NULL, &j), 200);
    const cJSON *po = field(j, "po_number"), *date = field(j, "date"), *total = field(j, "total");
    ck_assert_ptr_nonnull(po);
    ck_assert_str_eq(json_str(po, "source"), "confirmed");
    ck_assert_str_eq(json_str(po, "value"), "PO-4471");
    ck_assert_int_eq((int)json_num(po, "page"), 1);
    ck_assert_str_eq(json_str(date, "value"), "2018-12-25");
    ck_assert_str_eq(json_str(date, "source"), "confirmed");
    ck_assert_str_eq(json_str(total, "value.amount"), "9.00");
    int totals = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(j, "fields"))
    {
        totals += strcmp(json_str(f, "name"), "total") == 0;
    }
    ck_assert_int_eq(totals, 1); /* the confirmed total replaced the extracted one */
    cJSON_Delete(j);
    ck_assert(listed("reviewed=true", a));
    ck_assert(!listed("reviewed=true", b));
    ck_assert(listed("reviewed=false", b));
    ck_assert(!listed("needs_review=true", a));

    /* ---- the other tenant sees none of it ---- */
    ck_assert_int_eq(call("GET", path, st.key2, NULL, &j), 404);
    cJSON_Delete(j);

    /* ---- a second confirmation replaces the first ---- */
    snprintf(path, sizeof path, "/v1/documents/%s/fields", a);
    ck_assert_int_eq(call("PUT", path, st.key, "{\"fields\":{\"total\":\"10.00\"}}", &j), 200);
    ck_assert_ptr_null(field(j, "po_number")); /* only the rules' fields and the new total */
    ck_assert_str_eq(json_str(field(j, "total"), "value.amount"), "10.00");
    cJSON_Delete(j);
    cJSON_Delete(da);
    cJSON_Delete(db);
    cJSON_Delete(dg);
}
END_TEST

/* ---- with encryption at rest ---- */

#define SEAL_KEY "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

static void setup_sealed(void)
{
    static const char *const env[] = {"DOCPROC_ENCRYPTION_KEY=" SEAL_KEY, NULL};
    struct stack_opts o = {.n_api = 1, .workers = 1, .env = env};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

/* The confirmed values are sealed in Redis (the record's copy; the training example keeps only
 * the names), read back through the API, and the extractor trains on them. */
START_TEST(confirmed_sealed_at_rest)
{
    char a[64], b[64], path[256], k[KEYS_MAX];
    cJSON *j = NULL;
    upload(invoice, 6, a);
    upload(invoice, 6, b);
    cJSON_Delete(wait_done(a));
    cJSON_Delete(wait_done(b));
    snprintf(path, sizeof path, "/v1/documents/%s/fields", a);
    ck_assert_int_eq(call("PUT", path, st.key, "{\"fields\":{\"po_number\":\"PO-4471\"}}", &j),
                     200);
    ck_assert_str_eq(json_str(field(j, "po_number"), "value"), "PO-4471");
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/documents/%s/fields", b);
    ck_assert_int_eq(call("PUT", path, st.key, "{\"fields\":{\"po_number\":\"PO-4471\"}}", &j),
                     200);
    cJSON_Delete(j);
    redisContext *rc = redisConnect("127.0.0.1", st.redis_port);
    ck_assert(rc && !rc->err);
    keys_doc(k, a);
    redisReply *x = redisCommand(rc, "HGET %s confirmed", k);
    ck_assert(x && x->type == REDIS_REPLY_STRING && x->len > 16 &&
              memcmp(x->str, "dpenc1:", 7) == 0);
    ck_assert_ptr_null(memmem(x->str, x->len, "PO-4471", 7));
    freeReplyObject(x);
    keys_ext(k, "alpha", KEYS_EXT_EXAMPLES);
    x = redisCommand(rc, "HGET %s %s", k, a);
    ck_assert(x && x->type == REDIS_REPLY_STRING);
    ck_assert_str_eq(x->str, "[\"po_number\"]");
    freeReplyObject(x);
    redisFree(rc);
    snprintf(path, sizeof path, "/v1/documents/%s", a);
    ck_assert_int_eq(call("GET", path, st.key, NULL, &j), 200);
    ck_assert_str_eq(json_str(field(j, "po_number"), "source"), "confirmed");
    cJSON_Delete(j);
    /* training opens the sealed values */
    ck_assert_int_eq(call("POST", "/v1/extractor/train", st.key, NULL, &j), 202);
    cJSON_Delete(j);
    j = NULL;
    for (int t = 0; t < 600; t++) {
        cJSON_Delete(j);
        ck_assert_int_eq(call("GET", "/v1/extractor", st.key, NULL, &j), 200);
        if (strcmp(json_str(j, "status"), "training") != 0)
            break;
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
    ck_assert_msg(strcmp(json_str(j, "status"), "ready") == 0, "status %s: %s",
                  json_str(j, "status"), json_str(j, "error"));
    cJSON_Delete(j);
}
END_TEST

Suite *e2e_review_suite(void)
{
    Suite *s = suite_create("e2e_review");
    TCase *tc = tcase_create("review");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, confirm_and_filter);
    suite_add_tcase(s, tc);
    TCase *ts = tcase_create("sealed");
    tcase_add_checked_fixture(ts, setup_sealed, teardown);
    tcase_set_timeout(ts, 240);
    tcase_add_test(ts, confirmed_sealed_at_rest);
    suite_add_tcase(s, ts);
    return s;
}
