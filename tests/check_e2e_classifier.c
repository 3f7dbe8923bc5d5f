/* check_e2e_classifier.c -- classification users train, end to end through nginx, the API and
 * a running worker: label OCRed documents, train, classify new ones with the tenant's model,
 * "unknown" for nonsense, the other tenant keeps the built-in model, and a retrained version is
 * picked up by the same worker processes without a restart. */
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

/* Short pages (five lines) of three clearly different kinds. */
#define NLINES 5
static const char *const invoices[][NLINES] = {
    {"INVOICE No 1042", "Bill to: Harbor Tools Ltd", "Qty 3 Steel brackets 45.00",
     "Subtotal 45.00 VAT 9.00", "Total due 54.00 EUR within 30 days"},
    {"INVOICE No 2230", "Bill to: Green Leaf Cafe", "Qty 12 Coffee cups 36.00",
     "Subtotal 36.00 VAT 7.20", "Total due 43.20 EUR within 14 days"},
    {"Invoice number 7781", "Bill to: Nordic Print AB", "Qty 1 Poster design 250.00",
     "Subtotal 250.00 VAT 50.00", "Amount due 300.00 EUR by bank transfer"},
};
static const char *const recipes[][NLINES] = {
    {"Tomato soup recipe", "Ingredients: 4 tomatoes, 1 onion, stock",
     "Chop the onion and fry it in butter", "Add the tomatoes and simmer 20 minutes",
     "Blend, season with salt and serve hot"},
    {"Pancake recipe", "Ingredients: 2 eggs, 1 cup flour, milk",
     "Whisk the eggs with the milk and flour", "Heat butter in a pan, pour the batter",
     "Cook until golden, serve with sugar"},
    {"Lemon cake recipe", "Ingredients: 3 eggs, 200 g flour, 1 lemon",
     "Beat the butter and sugar until pale", "Fold in the flour and the lemon zest",
     "Bake for 40 minutes and let it cool"},
    /* not trained on: classified after training */
    {"Vegetable curry recipe", "Ingredients: 2 potatoes, 1 onion, curry",
     "Fry the onion and the paste in oil", "Add the potatoes and simmer 25 minutes",
     "Season with salt and serve with rice"},
};
static const char *const minutes[][NLINES] = {
    {"Minutes of the board meeting", "Present: A. Smith, J. Lee, K. Brown",
     "Item 1: the budget review was approved", "Action: J. Lee to circulate the report",
     "Next meeting on Tuesday at 10 am"},
    {"Minutes of the staff meeting", "Present: M. Jones, P. Clark, R. Evans",
     "Item 2: the office move was discussed", "Action: P. Clark to book the movers",
     "The meeting closed at 4 pm"},
    {"Minutes of the committee meeting", "Attendees: L. Baker, S. Hall, T. Young",
     "Item 3: the annual report was agreed", "Action: S. Hall to send the minutes",
     "Next meeting in two weeks"},
    /* not trained on */
    {"Minutes of the project meeting", "Present: D. White, E. Green, F. King",
     "Item 4: the schedule was reviewed", "Action: E. Green to update the plan",
     "Next meeting on Friday at 2 pm"},
};
static const char *const nonsense[NLINES] = {"Zorblax quintaveer plonk", "vexillum drabnor kwispet",
                                             "morvath glintrew sposh yarbek",
                                             "quedlo trimpax vornish ublat", "frendax quolm zapho"};

static void upload(const char *key, const char *const *lines, char id[64])
{
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, NLINES, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&st, key, png, len, NULL, id), 202);
    free(png);
}

/* The finished document (caller frees); fails the test unless it is done. */
static cJSON *wait_done(const char *key, const char *id)
{
    cJSON *doc = stack_wait_doc(&st, key, id, 60000);
    ck_assert_msg(doc != NULL, "%s did not finish", id);
    ck_assert_str_eq(json_str(doc, "status"), "done");
    return doc;
}

/* Sends method url with body (may be NULL); returns the status, *json the parsed reply. */
static long call(const char *method, const char *path, const char *key, const char *body,
                 cJSON **json)
{
    char url[256];
    struct http_resp r;
    const char *hdr[] = {"Content-Type: application/json", NULL};
    snprintf(url, sizeof url, "%s%s", st.base, path);
    ck_assert_int_eq(http_req(method, url, key, hdr, body, body ? strlen(body) : 0, &r), 0);
    long status = r.status;
    if (json)
        *json = http_json(&r);
    http_resp_free(&r);
    return status;
}

/* POST /v1/documents/{id}/label with {"class": klass}; returns the status. */
static long label(const char *key, const char *id, const char *klass, cJSON **json)
{
    char path[128], body[128];
    snprintf(path, sizeof path, "/v1/documents/%s/label", id);
    snprintf(body, sizeof body, "{\"class\":\"%s\"}", klass);
    return call("POST", path, key, body, json);
}

static void label_ok(const char *id, const char *klass)
{
    ck_assert_int_eq(label(st.key, id, klass, NULL), 200);
}

/* got: a status from call()/label() that stored its reply in *j (read only after the call:
 * the order in which arguments are evaluated is unspecified). */
static void expect_error(long got, long want, cJSON **j, const char *code)
{
    ck_assert_int_eq(got, want);
    ck_assert_str_eq(json_str(*j, "error.code"), code);
    ck_assert(strlen(json_str(*j, "error.message")) > 0);
    cJSON_Delete(*j);
    *j = NULL;
}

/* Whether GET /v1/classifier's "classes" lists label. */
static int has_class(const cJSON *info, const char *label)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(info, "classes"))
    {
        if (strcmp(json_str(c, "label"), label) == 0)
            return 1;
    }
    return 0;
}

/* POST /v1/classifier/train: 202 with the queued training (no thread held while it runs);
 * then GET /v1/classifier until the training is done or failed. Returns that GET's body. */
static cJSON *train(const char *key, const char *body)
{
    cJSON *j = NULL;
    ck_assert_int_eq(call("POST", "/v1/classifier/train", key, body, &j), 202);
    ck_assert_str_eq(json_str(j, "object"), "classifier_training");
    /* the trainer may have taken it, or even finished it, before the 202 was written */
    const char *state = json_str(j, "state");
    ck_assert_msg(!strcmp(state, "queued") || !strcmp(state, "running") || !strcmp(state, "done"),
                  "state %s", state);
    ck_assert(strlen(json_str(j, "requested_at")) > 0);
    cJSON_Delete(j);
    for (int t = 0; t < 600; t++) {
        ck_assert_int_eq(call("GET", "/v1/classifier", key, NULL, &j), 200);
        state = json_str(j, "training.state");
        if (!strcmp(state, "done") || !strcmp(state, "failed"))
            return j;
        ck_assert_msg(!strcmp(state, "queued") || !strcmp(state, "running"), "state %s", state);
        cJSON_Delete(j);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    ck_abort_msg("the training did not finish in 60 s");
    return NULL;
}

static int count_workers(pid_t *pids, int max)
{
    return stack_worker_children(&st, pids, max);
}

START_TEST(train_classify_retrain)
{
    char inv[3][64], rec[4][64], min[4][64], junk[64], beta_doc[64];
    cJSON *j = NULL;
    /* ---- training documents; the last is still queued when it is labelled ---- */
    for (int i = 0; i < 3; i++) {
        upload(st.key, invoices[i], inv[i]);
        upload(st.key, recipes[i], rec[i]);
        upload(st.key, minutes[i], min[i]);
    }
    expect_error(label(st.key, min[2], "minutes", &j), 409, &j, "not_ready");
    for (int i = 0; i < 3; i++) {
        cJSON_Delete(wait_done(st.key, inv[i]));
        cJSON_Delete(wait_done(st.key, rec[i]));
        cJSON_Delete(wait_done(st.key, min[i]));
    }

    /* ---- untrained: the built-in classes, version 0 ---- */
    ck_assert_int_eq(call("GET", "/v1/classifier", st.key, NULL, &j), 200);
    ck_assert_str_eq(json_str(j, "model"), "builtin");
    ck_assert_int_eq((int)json_num(j, "version"), 0);
    ck_assert(has_class(j, "receipt") && has_class(j, "invoice"));
    ck_assert(!has_class(j, "recipe"));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "training"))); /* never asked */
    cJSON_Delete(j);

    /* ---- label errors ---- */
    expect_error(label(st.key, inv[0], "two words", &j), 400, &j, "invalid_request");
    expect_error(label(st.key, inv[0], "unknown", &j), 400, &j, "invalid_request");
    char path[128];
    snprintf(path, sizeof path, "/v1/documents/%s/label", inv[0]);
    expect_error(call("POST", path, st.key, "{\"class\":", &j), 400, &j, "invalid_json");
    expect_error(label(st.key2, inv[0], "invoice", &j), 404, &j, "not_found");
    expect_error(label(st.key, "doc_00000000000000000000000000", "invoice", &j), 404, &j,
                 "not_found");

    /* ---- one class is not enough ---- */
    for (int i = 0; i < 3; i++)
        label_ok(inv[i], "invoice");
    expect_error(call("POST", "/v1/classifier/train", st.key, NULL, &j), 422, &j,
                 "not_enough_examples");
    ck_assert_int_eq(call("POST", "/v1/classifier/train", st.key, NULL, &j), 422);
    ck_assert(strstr(json_str(j, "error.message"), "'invoice'") != NULL);
    cJSON_Delete(j);

    /* ---- label the rest (one relabelled) and train: version 1 ---- */
    label_ok(rec[0], "minutes");
    ck_assert_int_eq(label(st.key, rec[0], "recipe", &j), 200);
    ck_assert_str_eq(json_str(j, "previous"), "minutes");
    ck_assert(json_num(j, "text_bytes") > 50);
    cJSON_Delete(j);
    for (int i = 0; i < 3; i++) {
        label_ok(rec[i], "recipe");
        label_ok(min[i], "minutes");
    }
    j = train(st.key, NULL);
    ck_assert_str_eq(json_str(j, "training.state"), "done");
    ck_assert_int_eq((int)json_num(j, "training.version"), 1);
    ck_assert(strlen(json_str(j, "training.finished_at")) > 0);
    ck_assert_str_eq(json_str(j, "model"), "tenant");
    ck_assert_int_eq((int)json_num(j, "version"), 1);
    ck_assert_int_eq((int)json_num(j, "examples"), 9);
    ck_assert_int_eq((int)json_num(j, "labelled_total"), 9);
    ck_assert_int_eq((int)json_num(j, "labelled.recipe"), 3);
    ck_assert(json_num(j, "cv_accuracy") >= 0.8);
    /* no threshold asked for: the one the tenant's cross-validation calls for (wrong labels
     * within 1 % of the held-out examples; these nine are all classified right) */
    ck_assert_str_eq(json_str(j, "training.threshold"), "auto");
    ck_assert(json_num(j, "threshold") >= 0 && json_num(j, "threshold") <= 0.99);
    ck_assert_int_eq((int)json_num(j, "cv_unknown"), 0);
    ck_assert(strlen(json_str(j, "trained_at")) > 0);
    const cJSON *c;
    int nclasses = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(j, "classes"))
    {
        ck_assert_int_eq((int)json_num(c, "examples"), 3);
        nclasses++;
    }
    ck_assert_int_eq(nclasses, 3);
    cJSON_Delete(j);
    /* the other tenant is untouched */
    ck_assert_int_eq(call("GET", "/v1/classifier", st.key2, NULL, &j), 200);
    ck_assert_str_eq(json_str(j, "model"), "builtin");
    ck_assert_int_eq((int)json_num(j, "labelled_total"), 0);
    cJSON_Delete(j);

    /* ---- new documents: the tenant model; nonsense is unknown; beta stays built-in ---- */
    pid_t before[8], after[8];
    int nb = count_workers(before, 8);
    ck_assert_int_ge(nb, 1);
    upload(st.key, recipes[3], rec[3]);
    upload(st.key, nonsense, junk);
    upload(st.key2, recipes[3], beta_doc);
    cJSON *d = wait_done(st.key, rec[3]);
    ck_assert_str_eq(json_str(d, "class.model"), "tenant");
    ck_assert_str_eq(json_str(d, "class.label"), "recipe");
    ck_assert_int_eq((int)json_num(d, "class.model_version"), 1);
    ck_assert(json_num(d, "class.confidence") >= 0.5);
    ck_assert(json_num(d, "class.scores.recipe") > json_num(d, "class.scores.invoice"));
    cJSON_Delete(d);
    d = wait_done(st.key, junk);
    ck_assert_str_eq(json_str(d, "class.model"), "tenant");
    ck_assert_str_eq(json_str(d, "class.label"), "unknown");
    cJSON_Delete(d);
    d = wait_done(st.key2, beta_doc);
    ck_assert_str_eq(json_str(d, "class.model"), "builtin");
    ck_assert_str_ne(json_str(d, "class.label"), "recipe");
    cJSON_Delete(d);

    /* ---- retrain with one more example: version 2, picked up by the same workers ---- */
    label_ok(rec[3], "recipe");
    j = train(st.key, "{\"threshold\":0.4}");
    ck_assert_str_eq(json_str(j, "training.state"), "done");
    ck_assert_int_eq((int)json_num(j, "training.version"), 2);
    ck_assert(json_num(j, "training.threshold") == 0.4);
    ck_assert_int_eq((int)json_num(j, "version"), 2);
    ck_assert_int_eq((int)json_num(j, "examples"), 10);
    ck_assert(json_num(j, "threshold") == 0.4);
    cJSON_Delete(j);
    upload(st.key, minutes[3], min[3]);
    d = wait_done(st.key, min[3]);
    ck_assert_str_eq(json_str(d, "class.model"), "tenant");
    ck_assert_str_eq(json_str(d, "class.label"), "minutes");
    ck_assert_int_eq((int)json_num(d, "class.model_version"), 2);
    cJSON_Delete(d);
    int na = count_workers(after, 8);
    ck_assert_int_eq(na, nb);
    for (int i = 0; i < nb; i++)
        ck_assert_int_eq(after[i], before[i]);

    /* ---- removing examples: {"class": null}, DELETE, and erasing the document ---- */
    snprintf(path, sizeof path, "/v1/documents/%s/label", rec[3]);
    ck_assert_int_eq(call("POST", path, st.key, "{\"class\":null}", &j), 200);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "deleted")));
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/documents/%s/label", min[0]);
    ck_assert_int_eq(call("DELETE", path, st.key, NULL, &j), 200);
    ck_assert_str_eq(json_str(j, "previous"), "minutes");
    cJSON_Delete(j);
    expect_error(call("DELETE", path, st.key2, NULL, &j), 404, &j, "not_found");
    snprintf(path, sizeof path, "/v1/documents/%s", inv[0]);
    ck_assert_int_eq(call("DELETE", path, st.key, NULL, NULL), 200);
    ck_assert_int_eq(call("GET", "/v1/classifier", st.key, NULL, &j), 200);
    ck_assert_int_eq((int)json_num(j, "labelled_total"), 7);
    ck_assert_int_eq((int)json_num(j, "labelled.invoice"), 2);
    ck_assert_int_eq((int)json_num(j, "version"), 2); /* the trained model is unchanged */
    cJSON_Delete(j);
}
END_TEST

START_TEST(routes_and_scopes)
{
    cJSON *j = NULL;
    expect_error(call("GET", "/v1/classifier", NULL, NULL, &j), 401, &j, "unauthorized");
    expect_error(call("POST", "/v1/classifier", st.key, NULL, &j), 405, &j, "method_not_allowed");
    expect_error(call("GET", "/v1/classifier/train", st.key, NULL, &j), 405, &j,
                 "method_not_allowed");
    expect_error(call("GET", "/v1/classifier/nothing", st.key, NULL, &j), 404, &j, "not_found");
    expect_error(call("POST", "/v1/classifier/train", st.key2, "{\"threshold\":2}", &j), 400, &j,
                 "invalid_request");
    /* a read-only key may look but not label or train */
    char out[128], ro[64];
    ck_assert_int_eq(stack_run(&st, out, sizeof out, "docproc-admin", "key", "create", "--tenant",
                               "beta", "--scopes", "documents:read", NULL),
                     0);
    snprintf(ro, sizeof ro, "%.*s", (int)strcspn(out, "\n"), out);
    ck_assert_int_eq(call("GET", "/v1/classifier", ro, NULL, &j), 200);
    cJSON_Delete(j);
    expect_error(call("POST", "/v1/classifier/train", ro, NULL, &j), 403, &j, "forbidden");
    expect_error(call("POST", "/v1/documents/doc_00000000000000000000000000/label", ro,
                      "{\"class\":\"invoice\"}", &j),
                 403, &j, "forbidden");
}
END_TEST

Suite *e2e_classifier_suite(void)
{
    Suite *s = suite_create("e2e_classifier");
    TCase *tc = tcase_create("stack");
    tcase_set_timeout(tc, 180);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, routes_and_scopes);
    tcase_add_test(tc, train_classify_retrain);
    suite_add_tcase(s, tc);
    return s;
}
