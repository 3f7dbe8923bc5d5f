/* check_e2e_tables.c -- tables, key-value pairs and selection marks through the real stack:
 * an unruled table in a text-layer PDF (JSON, the tables route, CSV), a ruled table on a
 * scanned page (OCR), and a form with ticked and empty boxes and "Label: value" lines (paired
 * by the built-in learned model, and by the hand rules when kv_model_file is unusable). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fixtures_layout.h"
#include "harness.h"
#include "testutil.h"

static struct stack st;

static void setup(void)
{
    struct stack_opts o = {.acl = 1, .workers = 1};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static cJSON *read_doc(const void *buf, size_t len, char *id)
{
    char why[256];
    cJSON *d = stack_read_done(&st, st.key, buf, len, NULL, 90000, id, why, sizeof why);
    ck_assert_msg(d, "%s", why);
    return d;
}

static const cJSON *page0(const cJSON *d)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0);
}

/* Text of the cell covering (row, col) of a table object, or NULL. */
static const char *cell(const cJSON *t, int row, int col)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(t, "cells"))
    {
        int r = (int)json_num(c, "row"), k = (int)json_num(c, "col");
        if (row >= r && row < r + (int)json_num(c, "row_span") && col >= k &&
            col < k + (int)json_num(c, "col_span"))
            return json_str(c, "text");
    }
    return NULL;
}

static void get(const char *id, const char *part, struct http_resp *r)
{
    char url[512];
    snprintf(url, sizeof url, "%s/v1/documents/%s%s", st.base, id, part);
    ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, r), 0);
}

START_TEST(unruled_table_in_a_pdf)
{
    static const char *const rows[][3] = {{"Region", "Sales", "Growth"},
                                          {"North", "1200", "4.5%"},
                                          {"South", "980", "2.1%"},
                                          {"East", "1515", "7.0%"},
                                          {"West", "640", "-1.2%"}};
    struct fx_item it[32];
    size_t n = 0;
    it[n++] = (struct fx_item){
        FX_TEXT, 72, 100, 0, 0, 11, "Quarterly figures for the four regions are listed below."};
    for (int r = 0; r < 5; r++)
        for (int c = 0; c < 3; c++)
            it[n++] = (struct fx_item){FX_TEXT, 72 + 150 * c, 140 + 20 * r, 0, 0, 11, rows[r][c]};
    it[n++] = (struct fx_item){
        FX_TEXT, 72, 280, 0, 0, 11, "All figures are in thousands of euros and are not audited."};
    unsigned char *pdf;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_layout_pdf(it, n, &pdf, &len), DP_OK);
    cJSON *d = read_doc(pdf, len, id);
    const cJSON *tables = cJSON_GetObjectItem(page0(d), "tables");
    ck_assert_int_eq(cJSON_GetArraySize(tables), 1);
    const cJSON *t = cJSON_GetArrayItem(tables, 0);
    ck_assert_int_eq((int)json_num(t, "rows"), 5);
    ck_assert_int_eq((int)json_num(t, "cols"), 3);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(t, "ruled")));
    for (int r = 0; r < 5; r++)
        for (int c = 0; c < 3; c++)
            ck_assert_str_eq(cell(t, r, c), rows[r][c]);
    const cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(t, "cells"), 0);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(c0, "header")));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(c0, "bbox")), 4);

    struct http_resp r;
    get(id, "/tables", &r);
    ck_assert_int_eq(r.status, 200);
    cJSON *all = http_json(&r);
    ck_assert(cJSON_IsArray(all));
    ck_assert_int_eq(cJSON_GetArraySize(all), 1);
    ck_assert_int_eq((int)json_num(cJSON_GetArrayItem(all, 0), "n"), 1);
    ck_assert_int_eq((int)json_num(cJSON_GetArrayItem(all, 0), "page"), 1);
    ck_assert_str_eq(cell(cJSON_GetArrayItem(all, 0), 3, 0), "East");
    cJSON_Delete(all);
    http_resp_free(&r);

    get(id, "/tables/1.csv", &r);
    ck_assert_int_eq(r.status, 200);
    char type[128];
    ck_assert_str_eq(http_header(&r, "Content-Type", type, sizeof type), "text/csv; charset=utf-8");
    ck_assert_str_eq(r.body, "Region,Sales,Growth\r\nNorth,1200,4.5%\r\nSouth,980,2.1%\r\n"
                             "East,1515,7.0%\r\nWest,640,-1.2%\r\n");
    http_resp_free(&r);
    get(id, "/tables/2.csv", &r);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    get(id, "/tables/first.csv", &r);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    get("doc_00000000000000000000000000", "/tables", &r);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    cJSON_Delete(d);
    free(pdf);
}
END_TEST

START_TEST(ruled_table_on_a_scan)
{
    static const char *const rows[][3] = {{"Product", "Units", "Price"},
                                          {"Apples", "12", "3.40"},
                                          {"Pears", "7", "2.10"},
                                          {"Plums", "30", "9.95"}};
    struct fx_item it[40];
    size_t n = 0;
    for (int i = 0; i <= 4; i++)
        it[n++] = (struct fx_item){FX_LINE, 72, 120 + 28 * i, 432, 120 + 28 * i, 0, NULL};
    for (int i = 0; i <= 3; i++)
        it[n++] = (struct fx_item){FX_LINE, 72 + 120 * i, 120, 72 + 120 * i, 232, 0, NULL};
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 3; c++)
            it[n++] = (struct fx_item){FX_TEXT, 80 + 120 * c, 139 + 28 * r, 0, 0, 12, rows[r][c]};
    it[n++] = (struct fx_item){FX_TEXT, 72, 300, 0, 0, 12, "Prices are per kilogram."};
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_layout_png(it, n, 300, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len, id);
    ck_assert_str_eq(json_str(page0(d), "source"), "ocr");
    const cJSON *tables = cJSON_GetObjectItem(page0(d), "tables");
    ck_assert_int_eq(cJSON_GetArraySize(tables), 1);
    const cJSON *t = cJSON_GetArrayItem(tables, 0);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(t, "ruled")));
    ck_assert_int_eq((int)json_num(t, "rows"), 4);
    ck_assert_int_eq((int)json_num(t, "cols"), 3);
    /* the grid spans the drawn rules: 72..432 pt x 120..232 pt at 300 DPI */
    const cJSON *bb = cJSON_GetObjectItem(t, "bbox");
    ck_assert_int_lt(abs(cJSON_GetArrayItem(bb, 0)->valueint - 300), 10);
    ck_assert_int_lt(abs(cJSON_GetArrayItem(bb, 2)->valueint - 1500), 20);
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 3; c++)
            ck_assert_str_eq(cell(t, r, c), rows[r][c]);
    cJSON_Delete(d);
    free(png);
}
END_TEST

static const cJSON *kv(const cJSON *page, const char *key)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(page, "key_values"))
    {
        if (strcmp(json_str(p, "key.text"), key) == 0)
            return p;
    }
    return NULL;
}

START_TEST(form_pairs_and_marks)
{
    const struct fx_item it[] = {
        {FX_TEXT, 72, 100, 0, 0, 12, "Name: John"},  {FX_TEXT, 72, 140, 0, 0, 12, "Date of birth:"},
        {FX_TEXT, 250, 140, 0, 0, 12, "1980-03-12"}, {FX_TEXT, 72, 180, 0, 0, 12, "Newsletter:"},
        {FX_BOX, 200, 170, 0, 0, 11, NULL},          {FX_TEXT, 216, 180, 0, 0, 12, "Yes"},
        {FX_TICKED, 280, 170, 0, 0, 11, NULL},       {FX_TEXT, 296, 180, 0, 0, 12, "No"},
        {FX_TEXT, 72, 220, 0, 0, 12, "Remarks:"},
    };
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_layout_png(it, sizeof it / sizeof it[0], 300, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len, id);
    const cJSON *p = page0(d), *x;
    ck_assert_ptr_nonnull(x = kv(p, "Name"));
    ck_assert_str_eq(json_str(x, "value.text"), "John");
    ck_assert_ptr_nonnull(x = kv(p, "Date of birth"));
    ck_assert_str_eq(json_str(x, "value.text"), "1980-03-12");
    ck_assert_ptr_nonnull(x = kv(p, "Remarks"));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(x, "value")));
    const cJSON *marks = cJSON_GetObjectItem(p, "selection_marks");
    ck_assert_int_eq(cJSON_GetArraySize(marks), 2);
    int yes = strcmp(json_str(cJSON_GetArrayItem(marks, 0), "label"), "Yes") == 0 ? 0 : 1;
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(marks, yes), "label"), "Yes");
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(marks, yes), "state"), "unselected");
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(marks, !yes), "label"), "No");
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(marks, !yes), "state"), "selected");
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(marks, !yes), "kind"), "checkbox");
    ck_assert_ptr_nonnull(x = kv(p, "Newsletter"));
    ck_assert_str_eq(json_str(x, "value.text"), "No");
    ck_assert_int_eq((int)json_num(x, "selection_mark"), !yes);
    cJSON_Delete(d);
    free(png);
}
END_TEST

/* A truncated kv_model_file: the worker starts, logs the error and pairs by the hand rules. */
START_TEST(form_pairs_with_a_broken_model_file)
{
    struct stack own;
    char model[256], env[300], logp[300];
    memset(&own, 0, sizeof own);
    snprintf(model, sizeof model, "/tmp/dp_kvbroken_%d.txt", (int)getpid());
    FILE *f = fopen(model, "w");
    ck_assert_ptr_nonnull(f);
    fputs("docproc-kv-model 1\nfeatures 3\nbias 0.1\n", f); /* truncated, other features */
    fclose(f);
    snprintf(env, sizeof env, "DOCPROC_KV_MODEL_FILE=%s", model);
    const char *const envs[] = {env, NULL};
    struct stack_opts o = {.acl = 1, .workers = 1, .env = envs};
    ck_assert_msg(stack_start(&own, &o) == 0, "stack did not start");
    const struct fx_item it[] = {
        {FX_TEXT, 72, 100, 0, 0, 12, "Name: John"},
        {FX_TEXT, 72, 140, 0, 0, 12, "Date of birth:"},
        {FX_TEXT, 250, 140, 0, 0, 12, "1980-03-12"},
    };
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_layout_png(it, sizeof it / sizeof it[0], 300, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&own, own.key, png, len, NULL, id), 202);
    cJSON *d = stack_wait_doc(&own, own.key, id, 90000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    const cJSON *p = page0(d), *x;
    ck_assert_ptr_nonnull(x = kv(p, "Name"));
    ck_assert_str_eq(json_str(x, "value.text"), "John");
    ck_assert_ptr_nonnull(x = kv(p, "Date of birth"));
    ck_assert_str_eq(json_str(x, "value.text"), "1980-03-12");
    snprintf(logp, sizeof logp, "%s/worker.log", own.dir);
    FILE *lf = fopen(logp, "r");
    ck_assert_ptr_nonnull(lf);
    char line[2048];
    int logged = 0;
    while (!logged && fgets(line, sizeof line, lf))
        logged = strstr(line, "kv model: cannot use the file") != NULL;
    fclose(lf);
    ck_assert_msg(logged, "the worker did not log the unusable model file");
    cJSON_Delete(d);
    free(png);
    stack_stop(&own);
    unlink(model);
}
END_TEST

Suite *e2e_tables_suite(void)
{
    Suite *s = suite_create("e2e_tables");
    TCase *tc = tcase_create("stack");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, unruled_table_in_a_pdf);
    tcase_add_test(tc, ruled_table_on_a_scan);
    tcase_add_test(tc, form_pairs_and_marks);
    suite_add_tcase(s, tc);
    TCase *own = tcase_create("broken_model"); /* a stack of its own, with kv_model_file */
    tcase_set_timeout(own, 240);
    tcase_add_test(own, form_pairs_with_a_broken_model_file);
    suite_add_tcase(s, own);
    return s;
}
