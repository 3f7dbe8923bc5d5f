/* check_store.c -- store_render on real hiredis replies built from RESP bytes (no server):
 * statuses, error and progress only when they apply, metadata, inlined result, ISO times. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store.h"

#define ID "doc_01JD3ZQ8X7ABCDEFGHJKMNPQRS"

/* An HGETALL-like reply from NULL-terminated key, value, ... pairs, parsed by hiredis' reader. */
static redisReply *hash_reply(const char *const *kv)
{
    size_t n = 0;
    while (kv[n])
        n++;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    fprintf(f, "*%zu\r\n", n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "$%zu\r\n%s\r\n", strlen(kv[i]), kv[i]);
    fclose(f);
    redisReader *rd = redisReaderCreate();
    ck_assert_ptr_nonnull(rd);
    ck_assert_int_eq(redisReaderFeed(rd, buf, len), REDIS_OK);
    void *reply = NULL;
    ck_assert_int_eq(redisReaderGetReply(rd, &reply), REDIS_OK);
    ck_assert_ptr_nonnull(reply);
    redisReaderFree(rd);
    free(buf);
    return reply;
}

static cJSON *render(const char *const *kv, int with_result)
{
    redisReply *r = hash_reply(kv);
    cJSON *o = store_render(ID, r, with_result);
    freeReplyObject(r);
    ck_assert_ptr_nonnull(o);
    return o;
}

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    ck_assert_msg(cJSON_IsString(v), "%s is a string", key);
    return v->valuestring;
}

#define BASE                                                                                       \
    "tenant", "acme", "created_at", "1614265330123", "attempts", "2", "name", "scan.png", "type",  \
        "image/png", "size", "12345", "sha256", "ab12", "lang", "eng+deu", "pipeline",             \
        "ocr,classify"

START_TEST(queued_document)
{
    const char *kv[] = {BASE, "status", "queued", NULL};
    cJSON *o = render(kv, 1);
    ck_assert_str_eq(str(o, "id"), ID);
    ck_assert_str_eq(str(o, "object"), "document");
    ck_assert_str_eq(str(o, "status"), "queued");
    ck_assert_str_eq(str(o, "created_at"), "2021-02-25T15:02:10.123Z");
    ck_assert(cJSON_IsNull(get(o, "started_at")));
    ck_assert(cJSON_IsNull(get(o, "finished_at")));
    ck_assert_double_eq(get(o, "attempts")->valuedouble, 2);
    const cJSON *file = get(o, "file");
    ck_assert_str_eq(str(file, "name"), "scan.png");
    ck_assert_str_eq(str(file, "type"), "image/png");
    ck_assert_double_eq(get(file, "size")->valuedouble, 12345);
    ck_assert_str_eq(str(file, "sha256"), "ab12");
    ck_assert(cJSON_IsNull(get(file, "pages")));
    const cJSON *opts = get(o, "options");
    ck_assert_str_eq(str(opts, "lang"), "eng+deu");
    ck_assert_str_eq(str(opts, "pipeline"), "ocr,classify");
    ck_assert_ptr_null(get(opts, "callback_url"));
    /* nothing that does not apply */
    ck_assert_ptr_null(get(o, "error"));
    ck_assert_ptr_null(get(o, "progress"));
    ck_assert(cJSON_IsNull(get(o, "metadata")));
    /* the tenant and internal fields are not shown */
    ck_assert_ptr_null(get(o, "tenant"));
    char *s = cJSON_PrintUnformatted(o);
    ck_assert_ptr_null(strstr(s, "acme"));
    free(s);
    cJSON_Delete(o);
}
END_TEST

START_TEST(processing_has_progress)
{
    const char *kv[] = {BASE,          "status", "processing", "started_at", "1614265331000",
                        "pages_total", "7",      "pages_done", "3",          NULL};
    cJSON *o = render(kv, 1);
    ck_assert_str_eq(str(o, "status"), "processing");
    ck_assert_str_eq(str(o, "started_at"), "2021-02-25T15:02:11.000Z");
    const cJSON *pr = get(o, "progress");
    ck_assert(cJSON_IsObject(pr));
    ck_assert_double_eq(get(pr, "pages_done")->valuedouble, 3);
    ck_assert_double_eq(get(pr, "pages_total")->valuedouble, 7);
    ck_assert_double_eq(get(get(o, "file"), "pages")->valuedouble, 7);
    ck_assert_ptr_null(get(o, "error"));
    cJSON_Delete(o);

    /* progress without counts yet: zeros, not missing keys */
    const char *kv2[] = {BASE, "status", "processing", NULL};
    o = render(kv2, 1);
    pr = get(o, "progress");
    ck_assert_double_eq(get(pr, "pages_done")->valuedouble, 0);
    ck_assert_double_eq(get(pr, "pages_total")->valuedouble, 0);
    cJSON_Delete(o);

    /* pages counts of a finished document are no progress */
    const char *kv3[] = {BASE, "status", "done", "pages_total", "7", "pages_done", "7", NULL};
    o = render(kv3, 1);
    ck_assert_ptr_null(get(o, "progress"));
    cJSON_Delete(o);
}
END_TEST

START_TEST(error_only_when_failed)
{
    const char *failed[] = {
        BASE,         "status",        "failed",        "finished_at",  "1614265340000",
        "error_code", "decode_failed", "error_message", "not an image", NULL};
    cJSON *o = render(failed, 1);
    const cJSON *e = get(o, "error");
    ck_assert(cJSON_IsObject(e));
    ck_assert_str_eq(str(e, "code"), "decode_failed");
    ck_assert_str_eq(str(e, "message"), "not an image");
    ck_assert_str_eq(str(o, "finished_at"), "2021-02-25T15:02:20.000Z");
    cJSON_Delete(o);

    /* a failure without a message still has a message key */
    const char *nomsg[] = {BASE, "status", "failed", "error_code", "timeout", NULL};
    o = render(nomsg, 1);
    ck_assert_str_eq(str(get(o, "error"), "message"), "");
    cJSON_Delete(o);

    /* a stale error of an earlier attempt on a queued/processing/done document is not shown */
    static const char *const others[] = {"queued", "processing", "done"};
    for (size_t i = 0; i < 3; i++) {
        const char *kv[] = {BASE,      "status",        others[i], "error_code",
                            "timeout", "error_message", "late",    NULL};
        o = render(kv, 1);
        ck_assert_msg(get(o, "error") == NULL, "%s shows an error", others[i]);
        cJSON_Delete(o);
    }
}
END_TEST

START_TEST(metadata_and_history)
{
    const char *kv[] = {BASE,
                        "status",
                        "done",
                        "metadata",
                        "{\"order\":\"A-17\",\"n\":[1,2]}",
                        "history",
                        "[{\"attempt\":1,\"error\":\"timeout\"}]",
                        "callback_url",
                        "https://example.com/hook",
                        NULL};
    cJSON *o = render(kv, 1);
    const cJSON *m = get(o, "metadata");
    ck_assert(cJSON_IsObject(m));
    ck_assert_str_eq(str(m, "order"), "A-17");
    ck_assert_int_eq(cJSON_GetArraySize(get(m, "n")), 2);
    const cJSON *h = get(o, "attempt_history");
    ck_assert(cJSON_IsArray(h));
    ck_assert_str_eq(str(cJSON_GetArrayItem(h, 0), "error"), "timeout");
    ck_assert_str_eq(str(get(o, "options"), "callback_url"), "https://example.com/hook");
    cJSON_Delete(o);

    /* unparsable metadata is null, never raw text */
    const char *bad[] = {BASE, "status", "done", "metadata", "{broken", NULL};
    o = render(bad, 1);
    ck_assert(cJSON_IsNull(get(o, "metadata")));
    cJSON_Delete(o);
}
END_TEST

START_TEST(result_inlined)
{
    const char *kv[] = {BASE,
                        "status",
                        "done",
                        "finished_at",
                        "1614265340500",
                        "result",
                        "{\"class\":{\"label\":\"invoice\",\"confidence\":0.9},"
                        "\"fields\":[{\"name\":\"total\"}],\"pages\":[{\"number\":1}],"
                        "\"text\":\"Invoice\",\"needs_review\":false}",
                        "text",
                        "raw text field",
                        "hocr",
                        "<html/>",
                        NULL};
    cJSON *o = render(kv, 1);
    ck_assert_str_eq(str(get(o, "class"), "label"), "invoice");
    ck_assert_int_eq(cJSON_GetArraySize(get(o, "fields")), 1);
    ck_assert_int_eq(cJSON_GetArraySize(get(o, "pages")), 1);
    ck_assert_str_eq(str(o, "text"), "Invoice");
    ck_assert(cJSON_IsFalse(get(o, "needs_review")));
    ck_assert_ptr_null(get(o, "result"));
    ck_assert_ptr_null(get(o, "hocr"));
    ck_assert_str_eq(str(o, "finished_at"), "2021-02-25T15:02:20.500Z");
    /* each key once */
    int n = 0;
    for (const cJSON *it = o->child; it; it = it->next)
        n += strcmp(it->string, "text") == 0;
    ck_assert_int_eq(n, 1);
    cJSON_Delete(o);

    /* listing renders without the result */
    o = render(kv, 0);
    ck_assert_ptr_null(get(o, "class"));
    ck_assert_ptr_null(get(o, "fields"));
    ck_assert_ptr_null(get(o, "pages"));
    ck_assert_ptr_null(get(o, "text"));
    cJSON_Delete(o);

    /* a result that is not an object is ignored (and not leaked) */
    const char *odd[] = {BASE, "status", "done", "result", "[1,{\"a\":2}]", NULL};
    o = render(odd, 1);
    ck_assert_ptr_null(get(o, "pages"));
    cJSON_Delete(o);
    const char *broken[] = {BASE, "status", "done", "result", "{\"class\":", NULL};
    o = render(broken, 1);
    ck_assert_ptr_null(get(o, "class"));
    cJSON_Delete(o);
}
END_TEST

START_TEST(missing_fields)
{
    /* an empty or odd record renders without crashing, with neutral values */
    const char *none[] = {NULL};
    cJSON *o = render(none, 1);
    ck_assert_str_eq(str(o, "status"), "unknown");
    ck_assert(cJSON_IsNull(get(o, "created_at")));
    ck_assert_double_eq(get(o, "attempts")->valuedouble, 0);
    ck_assert(cJSON_IsNull(get(get(o, "file"), "name")));
    ck_assert_str_eq(str(get(o, "file"), "type"), "");
    cJSON_Delete(o);
    /* an odd number of elements: the last key has no value */
    const char *odd[] = {"status", "done", "created_at", NULL};
    o = render(odd, 1);
    ck_assert_str_eq(str(o, "status"), "done");
    ck_assert(cJSON_IsNull(get(o, "created_at")));
    cJSON_Delete(o);
    /* a reply that is not an array */
    redisReply *r = NULL;
    redisReader *rd = redisReaderCreate();
    ck_assert_int_eq(redisReaderFeed(rd, "-ERR nope\r\n", 11), REDIS_OK);
    ck_assert_int_eq(redisReaderGetReply(rd, (void **)&r), REDIS_OK);
    redisReaderFree(rd);
    o = store_render(ID, r, 1);
    ck_assert_str_eq(str(o, "status"), "unknown");
    cJSON_Delete(o);
    freeReplyObject(r);
    o = store_render(ID, NULL, 1);
    ck_assert_ptr_nonnull(o);
    cJSON_Delete(o);
}
END_TEST

Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("render");
    tcase_add_test(tc, queued_document);
    tcase_add_test(tc, processing_has_progress);
    tcase_add_test(tc, error_only_when_failed);
    tcase_add_test(tc, metadata_and_history);
    tcase_add_test(tc, result_inlined);
    tcase_add_test(tc, missing_fields);
    suite_add_tcase(s, tc);
    return s;
}
