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

/* Polls GET path (a batch) every 100 ms until its status is "completed", up to ms; the last
 * answer (the caller deletes it) once it is. */
static cJSON *wait_completed(struct stack *s, const char *path, long ms)
{
    cJSON *j = NULL;
    const char *status = "";
    for (long t = 0; t < ms / 100; t++) {
        cJSON_Delete(j);
        j = NULL;
        ck_assert_int_eq(req(s, "GET", path, s->key, NULL, &j), 200);
        status = json_str(j, "status");
        if (strcmp(status, "completed") == 0)
            break;
        msleep(100);
    }
    ck_assert_str_eq(status, "completed");
    return j;
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
    j = wait_completed(&s, path, 60000);
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

/* A multipart body: files[i] (lens[i] bytes) as field "file" named page-<i>.png, then the
 * NULL-terminated name,value pairs. Caller frees *out. */
static size_t multipart(unsigned char *const *files, const size_t *lens, int n,
                        const char *const *fields, unsigned char **out)
{
    static const char B[] = "dpbatchboundary7MA4YWxkTrZu0gW";
    size_t cap = 4096, len = 0;
    for (int i = 0; i < n; i++)
        cap += lens[i] + 256;
    unsigned char *b = malloc(cap);
    ck_assert_ptr_nonnull(b);
    for (int i = 0; i < n; i++) {
        len += (size_t)snprintf((char *)b + len, cap - len,
                                "--%s\r\nContent-Disposition: form-data; name=\"file\"; "
                                "filename=\"page-%d.png\"\r\nContent-Type: image/png\r\n\r\n",
                                B, i + 1);
        memcpy(b + len, files[i], lens[i]);
        len += lens[i];
        len += (size_t)snprintf((char *)b + len, cap - len, "\r\n");
    }
    for (int i = 0; fields && fields[i]; i += 2)
        len += (size_t)snprintf((char *)b + len, cap - len,
                                "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                                B, fields[i], fields[i + 1]);
    len += (size_t)snprintf((char *)b + len, cap - len, "--%s--\r\n", B);
    *out = b;
    return len;
}

static long post_multipart(struct stack *s, const char *key, const unsigned char *body, size_t len,
                           const char *idem, cJSON **out)
{
    char url[512], ih[300];
    snprintf(url, sizeof url, "%s/v1/batches", s->base);
    snprintf(ih, sizeof ih, "Idempotency-Key: %s", idem ? idem : "");
    const char *hdr[] = {
        "Content-Type: multipart/form-data; boundary=dpbatchboundary7MA4YWxkTrZu0gW",
        idem ? ih : NULL, NULL};
    struct http_resp r;
    ck_assert_int_eq(http_req("POST", url, key, hdr, body, len, &r), 0);
    long st = r.status;
    *out = http_json(&r);
    http_resp_free(&r);
    return st;
}

static int count_docs(struct stack *s)
{
    cJSON *j = NULL;
    ck_assert_int_eq(req(s, "GET", "/v1/documents?limit=100", s->key, NULL, &j), 200);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(j, "data"));
    cJSON_Delete(j);
    return n;
}

/* Many files in one multipart POST: each becomes a document with the request's options, all in
 * one batch that completes; a retry with the same Idempotency-Key finds the same batch; a request
 * with one bad file, over the byte cap, without files or with an unknown field stores nothing. */
START_TEST(batch_from_multipart_files)
{
    static const char *const env[] = {"DOCPROC_MAX_BATCH_BYTES=300000", NULL};
    struct stack s;
    struct stack_opts o = {.acl = 1, .workers = 1, .webhookd = 1, .env = env};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    enum { N = 3 };
    unsigned char *files[N + 1];
    size_t lens[N + 1];
    for (int i = 0; i < N; i++) {
        char l1[64];
        snprintf(l1, sizeof l1, "Dropped file number %d", i + 1);
        const char *lines[] = {l1, "Total 12.50 EUR"};
        ck_assert_int_eq(fixture_png(lines, 2, &files[i], &lens[i]), DP_OK);
    }
    const char *fields[] = {"lang",  "eng",   "metadata", "{\"drop\":\"d-7\"}",
                            "dedup", "false", NULL};
    unsigned char *body;
    size_t len = multipart(files, lens, N, fields, &body);
    cJSON *j = NULL;
    ck_assert_int_eq(post_multipart(&s, s.key, body, len, "drop-7", &j), 201);
    char bid[64], path[128], first[64];
    snprintf(bid, sizeof bid, "%s", json_str(j, "id"));
    ck_assert_int_eq((int)json_num(j, "total"), N);
    cJSON *docs = cJSON_GetObjectItem(j, "documents");
    ck_assert_int_eq(cJSON_GetArraySize(docs), N);
    snprintf(first, sizeof first, "%s", json_str(cJSON_GetArrayItem(docs, 0), "id"));
    cJSON_Delete(j);
    /* each document carries the request's options and its own file name */
    snprintf(path, sizeof path, "/v1/documents/%s", first);
    ck_assert_int_eq(req(&s, "GET", path, s.key, NULL, &j), 200);
    ck_assert_str_eq(json_str(j, "metadata.drop"), "d-7");
    ck_assert_str_eq(json_str(j, "file.name"), "page-1.png");
    cJSON_Delete(j);

    /* the same request again: the same batch, nothing stored twice */
    ck_assert_int_eq(post_multipart(&s, s.key, body, len, "drop-7", &j), 200);
    ck_assert_str_eq(json_str(j, "id"), bid);
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "documents"), 0), "id"),
                     first);
    cJSON_Delete(j);
    free(body);
    ck_assert_int_eq(count_docs(&s), N);

    /* refused whole, nothing stored: a file that is no document, too many bytes, no file, an
     * unknown field, no key */
    static const char text[] = "just some words, not a document";
    files[N] = (unsigned char *)strdup(text);
    lens[N] = strlen(text);
    unsigned char *mixed[] = {files[0], files[N]};
    size_t mixed_len[] = {lens[0], lens[N]};
    len = multipart(mixed, mixed_len, 2, NULL, &body);
    ck_assert_int_eq(post_multipart(&s, s.key, body, len, NULL, &j), 415);
    ck_assert_str_eq(json_str(j, "error.code"), "unsupported_type");
    ck_assert_ptr_nonnull(strstr(json_str(j, "error.message"), "file 2"));
    cJSON_Delete(j);
    free(body);
    size_t big_len = 310000;
    unsigned char *big = calloc(1, big_len);
    memcpy(big, files[0], lens[0]);
    len = multipart(&big, &big_len, 1, NULL, &body);
    ck_assert_int_eq(post_multipart(&s, s.key, body, len, NULL, &j), 413);
    ck_assert_str_eq(json_str(j, "error.code"), "too_large");
    cJSON_Delete(j);
    free(body);
    free(big);
    len = multipart(files, lens, 0, fields, &body);
    ck_assert_int_eq(post_multipart(&s, s.key, body, len, NULL, &j), 400);
    ck_assert_str_eq(json_str(j, "error.code"), "empty_body");
    cJSON_Delete(j);
    free(body);
    const char *unknown[] = {"colour", "blue", NULL};
    len = multipart(files, lens, 1, unknown, &body);
    ck_assert_int_eq(post_multipart(&s, s.key, body, len, NULL, &j), 400);
    ck_assert_str_eq(json_str(j, "error.code"), "invalid_request");
    cJSON_Delete(j);
    ck_assert_int_eq(post_multipart(&s, NULL, body, len, NULL, &j), 401);
    cJSON_Delete(j);
    free(body);
    ck_assert_int_eq(count_docs(&s), N);

    /* the batch completes when its documents have been read */
    snprintf(path, sizeof path, "/v1/batches/%s", bid);
    j = wait_completed(&s, path, 90000);
    ck_assert_int_eq((int)json_num(j, "counts.done"), N);
    cJSON_Delete(j);
    for (int i = 0; i <= N; i++)
        free(files[i]);
    stack_stop(&s);
}
END_TEST

Suite *e2e_batches_suite(void)
{
    Suite *s = suite_create("e2e_batches");
    TCase *tc = tcase_create("batches");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, batch_completes_once_with_one_event);
    tcase_add_test(tc, batch_from_multipart_files);
    suite_add_tcase(s, tc);
    return s;
}
