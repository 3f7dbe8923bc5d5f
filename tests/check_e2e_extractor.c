/* check_e2e_extractor.c -- the extractor a tenant trains, end to end through nginx, the API and
 * a running worker: confirm a custom field (po_number) and the vendor on eight generated
 * invoices, train in the background, poll until ready, and a new invoice gets po_number from
 * the model (source "model") and its misspelt vendor repaired from memory (source "memory");
 * a retrained version is used by the same worker process without a restart; the other tenant
 * keeps the built-in extraction; erasing a document erases its example. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "testutil.h"

static struct stack st;

static void setup(void)
{
    struct stack_opts o = {.acl = 1, .n_api = 1, .workers = 1};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
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

#define NLINES 8

/* A small invoice: vendor, address, number, date, customer, order reference, item, total. */
static void invoice(const char *vendor, int i, const char *po, char id[64], const char *key)
{
    char l[NLINES][80];
    snprintf(l[0], sizeof l[0], "%s", vendor);
    snprintf(l[1], sizeof l[1], "Hafenstrasse %d, 20457 Hamburg", 10 + i);
    snprintf(l[2], sizeof l[2], "Invoice No INV-%04d", 3100 + 17 * i);
    snprintf(l[3], sizeof l[3], "Date %02d/03/2024", 1 + i);
    snprintf(l[4], sizeof l[4], "Customer C-%05d", 40000 + 311 * i);
    snprintf(l[5], sizeof l[5], "Order ref %s", po);
    snprintf(l[6], sizeof l[6], "Widgets %d x 3.00", 2 + i);
    snprintf(l[7], sizeof l[7], "Total %d.00 EUR", 3 * (2 + i));
    const char *lines[NLINES];
    for (int k = 0; k < NLINES; k++)
        lines[k] = l[k];
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, NLINES, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&st, key, png, len, NULL, id), 202);
    free(png);
}

static cJSON *wait_done(const char *key, const char *id)
{
    cJSON *doc = stack_wait_doc(&st, key, id, 90000);
    ck_assert_msg(doc != NULL, "%s did not finish", id);
    ck_assert_str_eq(json_str(doc, "status"), "done");
    return doc;
}

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

/* GET /v1/extractor's "fields" entry for name, from info. */
static const cJSON *learnt(const cJSON *info, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(info, "fields"))
    {
        if (strcmp(json_str(f, "name"), name) == 0)
            return f;
    }
    return NULL;
}

#define VENDOR "NORDWIND SUPPLIES GMBH"
#define NTRAIN 8

START_TEST(confirm_train_apply)
{
    char ids[NTRAIN][64], po[NTRAIN][16], path[640], body[640];
    cJSON *j = NULL;
    for (int i = 0; i < NTRAIN; i++) {
        snprintf(po[i], sizeof po[i], "PO-%04d", 4471 + 523 * i);
        invoice(VENDOR, i, po[i], ids[i], st.key);
    }
    /* not trainable yet */
    ck_assert_int_eq(call("POST", "/v1/extractor/train", st.key, NULL, &j), 422);
    ck_assert_str_eq(json_str(j, "error.code"), "not_enough_examples");
    cJSON_Delete(j);
    for (int i = 0; i < NTRAIN; i++) {
        cJSON_Delete(wait_done(st.key, ids[i]));
        snprintf(path, sizeof path, "/v1/documents/%s/fields", ids[i]);
        snprintf(body, sizeof body, "{\"fields\":{\"po_number\":\"%s\",\"company\":\"%s\"}}", po[i],
                 VENDOR);
        ck_assert_int_eq(call("PUT", path, st.key, body, &j), 200);
        cJSON_Delete(j);
    }
    ck_assert_int_eq(call("GET", "/v1/extractor", st.key, NULL, &j), 200);
    ck_assert_str_eq(json_str(j, "status"), "none");
    ck_assert_int_eq((int)json_num(j, "version"), 0);
    ck_assert_int_eq((int)json_num(j, "examples"), NTRAIN);
    ck_assert_int_eq((int)json_num(j, "labelled.po_number"), NTRAIN);
    cJSON_Delete(j);

    /* ---- train in the background, poll until ready ---- */
    ck_assert_int_eq(call("POST", "/v1/extractor/train", st.key, NULL, &j), 202);
    ck_assert(strcmp(json_str(j, "status"), "training") == 0 ||
              strcmp(json_str(j, "status"), "ready") == 0);
    cJSON_Delete(j);
    for (int t = 0; t < 600; t++) {
        ck_assert_int_eq(call("GET", "/v1/extractor", st.key, NULL, &j), 200);
        if (strcmp(json_str(j, "status"), "training") != 0)
            break;
        cJSON_Delete(j);
        j = NULL;
        msleep(100);
    }
    ck_assert_msg(strcmp(json_str(j, "status"), "ready") == 0, "status %s: %s",
                  json_str(j, "status"), json_str(j, "error"));
    ck_assert_int_eq((int)json_num(j, "version"), 1);
    ck_assert(strlen(json_str(j, "trained_at")) >= 20);
    const cJSON *pf = learnt(j, "po_number");
    ck_assert_ptr_nonnull(pf);
    ck_assert_int_eq((int)json_num(pf, "examples"), NTRAIN);
    ck_assert_int_eq((int)json_num(pf, "aligned"), NTRAIN);
    ck_assert_int_eq((int)json_num(pf, "cv_docs"), NTRAIN);
    ck_assert(json_num(pf, "cv_accuracy") >= 0.75);
    ck_assert(json_num(j, "vendors") >= 1);
    cJSON_Delete(j);

    /* ---- a new invoice: po_number from the model, the misspelt vendor from memory ---- */
    char fresh[64], other[64];
    invoice("NORDWIND SUPPLLES GMBH", 9, "PO-9876", fresh, st.key);
    invoice("NORDWIND SUPPLLES GMBH", 9, "PO-9876", other, st.key2);
    cJSON *d = wait_done(st.key, fresh);
    const cJSON *f = field(d, "po_number");
    ck_assert_msg(f != NULL, "no po_number in %s", json_str(d, "text"));
    ck_assert_str_eq(json_str(f, "source"), "model");
    ck_assert_str_eq(json_str(f, "value"), "PO-9876");
    ck_assert(json_num(f, "confidence") > 0 && json_num(f, "confidence") <= 1);
    ck_assert_int_eq((int)json_num(f, "page"), 1);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(f, "bbox")), 4);
    const cJSON *c = field(d, "company");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(json_str(c, "source"), "memory");
    ck_assert_str_eq(json_str(c, "value"), VENDOR);
    ck_assert_int_eq((int)json_num(d, "extractor_version"), 1);
    cJSON_Delete(d);

    /* ---- confirm it too and retrain: the same worker uses version 2 without a restart ---- */
    pid_t before[4], after[4];
    int nb = stack_worker_children(&st, before, 4);
    snprintf(path, sizeof path, "/v1/documents/%s/fields", fresh);
    ck_assert_int_eq(call("PUT", path, st.key, "{\"fields\":{\"po_number\":\"PO-9876\"}}", &j),
                     200);
    cJSON_Delete(j);
    ck_assert_int_eq(call("POST", "/v1/extractor/train", st.key, NULL, &j), 202);
    cJSON_Delete(j);
    j = NULL;
    for (int t = 0; t < 600; t++) {
        cJSON_Delete(j);
        ck_assert_int_eq(call("GET", "/v1/extractor", st.key, NULL, &j), 200);
        if (strcmp(json_str(j, "status"), "ready") == 0 && json_num(j, "version") == 2)
            break;
        msleep(100);
    }
    ck_assert_int_eq((int)json_num(j, "version"), 2);
    ck_assert_int_eq((int)json_num(learnt(j, "po_number"), "examples"), NTRAIN + 1);
    cJSON_Delete(j);
    char again[64];
    invoice(VENDOR, 11, "PO-5150", again, st.key);
    d = wait_done(st.key, again);
    ck_assert_int_eq((int)json_num(d, "extractor_version"), 2);
    ck_assert_str_eq(json_str(field(d, "po_number"), "value"), "PO-5150");
    cJSON_Delete(d);
    ck_assert_int_eq(stack_worker_children(&st, after, 4), nb);
    for (int k = 0; k < nb; k++)
        ck_assert_int_eq(after[k], before[k]);

    /* ---- the other tenant: built-in extraction only ---- */
    d = stack_wait_doc(&st, st.key2, other, 90000);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_null(field(d, "po_number"));
    c = field(d, "company");
    ck_assert(!c || strcmp(json_str(c, "source"), "rules") == 0);
    cJSON_Delete(d);
    ck_assert_int_eq(call("GET", "/v1/extractor", st.key2, NULL, &j), 200);
    ck_assert_str_eq(json_str(j, "status"), "none");
    ck_assert_int_eq((int)json_num(j, "examples"), 0);
    cJSON_Delete(j);

    /* ---- erasing a document erases its example ---- */
    snprintf(path, sizeof path, "/v1/documents/%s", ids[0]);
    ck_assert_int_eq(call("DELETE", path, st.key, NULL, &j), 200);
    cJSON_Delete(j);
    ck_assert_int_eq(call("GET", "/v1/extractor", st.key, NULL, &j), 200);
    ck_assert_int_eq((int)json_num(j, "examples"), NTRAIN);
    ck_assert_int_eq((int)json_num(j, "labelled.po_number"), NTRAIN);
    cJSON_Delete(j);
}
END_TEST

Suite *e2e_extractor_suite(void)
{
    Suite *s = suite_create("e2e_extractor");
    TCase *tc = tcase_create("extractor");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, confirm_train_apply);
    suite_add_tcase(s, tc);
    return s;
}
