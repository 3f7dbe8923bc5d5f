/* check_e2e_batches.c -- POST /v1/batches and GET /v1/batches/{id} against the real stack with
 * docproc-webhookd: a batch of documents completes once all have ended, and its one
 * batch.completed event reaches the endpoint that asked for it, signed; errors are JSON with the
 * right status, another tenant sees 404. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "harness_receiver.h"
#include "testutil.h"

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long req(struct stack *s, const char *method, const char *path, const char *key,
                const char *json, cJSON **out)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    const char *hdr[] = {"Content-Type: application/json", NULL};
    struct http_resp r;
    ck_assert_int_eq(
        http_req(method, url, key, json ? hdr : NULL, json, json ? strlen(json) : 0, &r), 0);
    long st = r.status;
    if (out)
        *out = http_json(&r);
    http_resp_free(&r);
    return st;
}

static void upload_page(struct stack *s, int i, char *id)
{
    char l1[64];
    snprintf(l1, sizeof l1, "Batch member number %d", i);
    const char *lines[] = {l1, "Invoice total 10.00 EUR"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 2, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(s, s->key, png, len, NULL, id), 202);
    free(png);
}

START_TEST(batch_completes_once_with_one_event)
{
    static const char *const env[] = {"DOCPROC_WEBHOOK_ALLOW_PRIVATE=1",
                                      "DOCPROC_WEBHOOK_RETRY_SCHEDULE=0,1,1", NULL};
    struct stack s;
    struct stack_opts o = {.acl = 1, .workers = 1, .webhookd = 1, .env = env};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    struct receiver rv;
    ck_assert_int_eq(receiver_start(&rv, "127.0.0.1"), 0);
    char body[4096];
    snprintf(body, sizeof body,
             "{\"url\":\"http://127.0.0.1:%d/hook\",\"events\":[\"batch.completed\"]}", rv.port);
    cJSON *j = NULL;
    ck_assert_int_eq(req(&s, "POST", "/v1/webhooks", s.key, body, &j), 201);
    cJSON_Delete(j);

    enum { N = 3 };
    char ids[N][64];
    for (int i = 0; i < N; i++)
        upload_page(&s, i, ids[i]);
    snprintf(body, sizeof body, "{\"documents\":[\"%s\",\"%s\",\"%s\"]}", ids[0], ids[1], ids[2]);
    ck_assert_int_eq(req(&s, "POST", "/v1/batches", s.key, body, &j), 201);
    char bid[64], path[128];
    snprintf(bid, sizeof bid, "%s", json_str(j, "id"));
    ck_assert_int_eq((int)json_num(j, "total"), N);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "documents")), N);
    cJSON_Delete(j);

    /* errors: a document in a batch already, an unknown one, a bad body, another tenant */
    snprintf(body, sizeof body, "{\"documents\":[\"%s\"]}", ids[0]);
    ck_assert_int_eq(req(&s, "POST", "/v1/batches", s.key, body, &j), 409);
    ck_assert_str_eq(json_str(j, "error.code"), "already_in_batch");
    cJSON_Delete(j);
    ck_assert_int_eq(req(&s, "POST", "/v1/batches", s.key2, body, &j), 422);
    ck_assert_str_eq(json_str(j, "error.code"), "unknown_document");
    cJSON_Delete(j);
    ck_assert_int_eq(req(&s, "POST", "/v1/batches", s.key, "{\"documents\":[]}", &j), 400);
    ck_assert_str_eq(json_str(j, "error.code"), "invalid_request");
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/batches/%s", bid);
    ck_assert_int_eq(req(&s, "GET", path, s.key2, NULL, &j), 404);
    cJSON_Delete(j);
    ck_assert_int_eq(req(&s, "GET", "/v1/batches/bat_01ARZ3NDEKTSV4RRFFQ69G5FAV", s.key, NULL, &j),
                     404);
    cJSON_Delete(j);

    /* it completes when the last document ends */
    const char *status = "";
    j = NULL;
    for (int t = 0; t < 600; t++) {
        cJSON_Delete(j);
        j = NULL;
        ck_assert_int_eq(req(&s, "GET", path, s.key, NULL, &j), 200);
        status = json_str(j, "status");
        if (strcmp(status, "completed") == 0)
            break;
        msleep(100);
    }
    ck_assert_str_eq(status, "completed");
    ck_assert_int_eq((int)json_num(j, "counts.done"), N);
    ck_assert_int_eq((int)json_num(j, "counts.queued") + (int)json_num(j, "counts.processing"), 0);
    cJSON_Delete(j);

    /* one signed batch.completed, naming the batch */
    char quoted[80];
    snprintf(quoted, sizeof quoted, "\"%s\"", bid);
    const char *want[] = {"batch.completed", quoted, "webhook-signature: v1,", NULL};
    for (int t = 0; t < 100 && receiver_count(&rv, want) < 1; t++)
        msleep(100);
    msleep(1000); /* time for a second, wrong, delivery to show up */
    ck_assert_int_eq(receiver_count(&rv, want), 1);
    const char *any_doc[] = {"document.completed", NULL};
    ck_assert_int_eq(receiver_count(&rv, any_doc), 0); /* the endpoint asked for batches only */
    receiver_stop(&rv);
    stack_stop(&s);
}
END_TEST

Suite *e2e_batches_suite(void)
{
    Suite *s = suite_create("e2e_batches");
    TCase *tc = tcase_create("batches");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, batch_completes_once_with_one_event);
    suite_add_tcase(s, tc);
    return s;
}
