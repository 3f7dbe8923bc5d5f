/* check_e2e_export.c -- a finished document in other formats through the real stack: the
 * searchable PDF of an OCRed scan read back with poppler (the words are found where the result
 * boxed them), a text-layer PDF returned byte for byte, another tenant's 404, a document not done
 * yet 409; the Markdown of a page with a heading, a list and a table. A stored file that would
 * hold poppler for hours ends 422 `timeout` at its page deadline, built in a bounded child,
 * while the API answers health checks and another document's PDF. */
#include <hiredis.h>
#include <math.h>
#include <pthread.h>
#include <poppler.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include "fixtures.h"
#include "fixtures_layout.h"
#include "harness.h"
#include "harness_hostile.h"
#include "keys.h"
#include "testutil.h"
#include "util.h"

static struct stack st;

static void setup(void)
{
    struct stack_opts o = {.workers = 1};
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

static void get(const char *key, const char *id, const char *part, struct http_resp *r)
{
    char url[512];
    snprintf(url, sizeof url, "%s/v1/documents/%s%s", st.base, id, part);
    ck_assert_int_eq(http_req("GET", url, key, NULL, NULL, 0, r), 0);
}

static PopplerDocument *open_pdf(const struct http_resp *r)
{
    GBytes *b = g_bytes_new(r->body, r->len);
    GError *err = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(b, NULL, &err);
    g_bytes_unref(b);
    ck_assert_msg(doc != NULL, "not a PDF: %s", err ? err->message : "?");
    return doc;
}

START_TEST(searchable_pdf_of_a_scan)
{
    static const char *const lines[] = {"Quarterly Report", "Revenue increased by twelve percent",
                                        "Customer satisfaction remained strong",
                                        "Operating expenses were reduced"};
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_png(lines, 4, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len, id);
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0);
    double dpi = json_num(p, "dpi"), pw = json_num(p, "width"), ph = json_num(p, "height");
    ck_assert(dpi > 0);

    struct http_resp r = {0};
    get(st.key, id, "/pdf", &r);
    ck_assert_int_eq(r.status, 200);
    char ct[64];
    ck_assert_str_eq(http_header(&r, "Content-Type", ct, sizeof ct), "application/pdf");
    /* a scanned page embedded compressed: far below the raw grey pixels */
    ck_assert_msg(r.len < (size_t)(pw * ph) / 10, "PDF of %zu bytes for %.0fx%.0f px", r.len, pw,
                  ph);
    PopplerDocument *doc = open_pdf(&r);
    ck_assert_int_eq(poppler_document_get_n_pages(doc), 1);
    PopplerPage *pg = poppler_document_get_page(doc, 0);
    double w_pt, h_pt;
    poppler_page_get_size(pg, &w_pt, &h_pt);
    ck_assert(fabs(w_pt - pw * 72.0 / dpi) < 1.0 && fabs(h_pt - ph * 72.0 / dpi) < 1.0);
    char *text = poppler_page_get_text(pg);
    ck_assert_msg(strstr(text, "Revenue") && strstr(text, "satisfaction") &&
                      strstr(text, "expenses"),
                  "text layer: %s", text);
    g_free(text);

    /* every stored word of 5+ letters is found where the result boxed it (within 3 px) */
    const cJSON *w;
    int checked = 0;
    double tol = 3.0 * 72.0 / dpi;
    cJSON_ArrayForEach(w, cJSON_GetObjectItem(p, "words"))
    {
        const char *t = json_str(w, "text");
        if (strlen(t) < 5)
            continue;
        const cJSON *b = cJSON_GetObjectItem(w, "bbox");
        double bx = cJSON_GetArrayItem(b, 0)->valuedouble * 72.0 / dpi;
        double by = cJSON_GetArrayItem(b, 1)->valuedouble * 72.0 / dpi;
        double bw = cJSON_GetArrayItem(b, 2)->valuedouble * 72.0 / dpi;
        double bh = cJSON_GetArrayItem(b, 3)->valuedouble * 72.0 / dpi;
        GList *hits = poppler_page_find_text(pg, t), *l;
        int near = 0;
        for (l = hits; l; l = l->next) {
            const PopplerRectangle *rc = l->data;
            /* find_text boxes have their origin at the bottom left */
            double x1 = rc->x1, x2 = rc->x2, top = h_pt - rc->y2, bot = h_pt - rc->y1;
            if (fabs(x1 - bx) < tol && fabs(x2 - (bx + bw)) < tol && top > by - bh &&
                bot < by + 2 * bh && fabs((top + bot) / 2 - (by + bh / 2)) < bh)
                near = 1;
        }
        for (l = hits; l; l = l->next)
            poppler_rectangle_free(l->data);
        g_list_free(hits);
        ck_assert_msg(near, "'%s' not found at its box %.1f,%.1f %.1fx%.1f pt", t, bx, by, bw, bh);
        checked++;
    }
    ck_assert_int_ge(checked, 6);
    g_object_unref(pg);
    g_object_unref(doc);
    http_resp_free(&r);

    /* another tenant sees no such document */
    get(st.key2, id, "/pdf", &r);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    cJSON_Delete(d);
    free(png);
}
END_TEST

START_TEST(text_layer_pdf_comes_back_unchanged)
{
    static const char *const l1[] = {"This contract is between the two parties named below",
                                     "and takes effect on the first day of next month."};
    const char *const *pages[] = {l1};
    size_t nl[] = {2};
    unsigned char *pdf;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_pdf_text(pages, nl, 1, &pdf, &len), DP_OK);
    cJSON *d = read_doc(pdf, len, id);
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0), "source"),
                     "text_layer");
    struct http_resp r = {0};
    get(st.key, id, "/pdf", &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.len, len);
    ck_assert(memcmp(r.body, pdf, len) == 0);
    http_resp_free(&r);
    cJSON_Delete(d);
    free(pdf);
}
END_TEST

static char *markdown_of(const char *id)
{
    struct http_resp r = {0};
    get(st.key, id, "/markdown", &r);
    ck_assert_int_eq(r.status, 200);
    char ct[64];
    ck_assert_str_eq(http_header(&r, "Content-Type", ct, sizeof ct),
                     "text/markdown; charset=utf-8");
    char *md = strndup(r.body, r.len);
    http_resp_free(&r);
    return md;
}

/* 1 when md has a line starting with prefix and containing word. */
static int has_line(const char *md, const char *prefix, const char *word)
{
    for (const char *s = md; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
        size_t n = strcspn(s, "\n");
        if (!strncmp(s, prefix, strlen(prefix)) && memmem(s, n, word, strlen(word)))
            return 1;
    }
    return 0;
}

START_TEST(markdown_heading_and_list_of_a_scan)
{
    const struct fx_item it[] = {
        {FX_TEXT, 72, 100, 0, 0, 24, "Travel Checklist"},
        {FX_TEXT, 72, 150, 0, 0, 11, "Pack these things the evening before you leave home."},
        {FX_TEXT, 90, 180, 0, 0, 11, "- Passport and tickets"},
        {FX_TEXT, 90, 200, 0, 0, 11, "- Phone charger"},
        {FX_TEXT, 90, 220, 0, 0, 11, "- Warm sweater"},
    };
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_layout_png(it, sizeof it / sizeof it[0], 300, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len, id);
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0);
    const cJSON *b0 = cJSON_GetArrayItem(cJSON_GetObjectItem(p, "blocks"), 0);
    ck_assert_str_eq(json_str(b0, "kind"), "heading");
    /* the 24 pt heading is read as written: its letters' strokes are no ruling lines to erase
     * (there is no grid), and a sure re-read of garbage does not replace it (linemerge) */
    const cJSON *hl = cJSON_GetArrayItem(cJSON_GetObjectItem(b0, "lines"), 0);
    ck_assert_str_eq(json_str(hl, "text"), "Travel Checklist");
    char *md = markdown_of(id);
    const char *want = "# Travel Checklist\n\n";
    ck_assert_msg(strncmp(md, want, strlen(want)) == 0, "no heading '%s' in:\n%s", want, md);
    ck_assert_msg(has_line(md, "- ", "Passport") && has_line(md, "- ", "charger") &&
                      has_line(md, "- ", "sweater"),
                  "no list in:\n%s", md);
    ck_assert_msg(has_line(md, "", "evening") && !has_line(md, "- ", "evening") &&
                      !has_line(md, "#", "evening"),
                  "no paragraph in:\n%s", md);
    free(md);
    cJSON_Delete(d);
    free(png);
}
END_TEST

START_TEST(markdown_table)
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
    unsigned char *pdf;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_layout_pdf(it, n, &pdf, &len), DP_OK);
    cJSON *d = read_doc(pdf, len, id);
    ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(
                         cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0), "tables")),
                     1);
    char *md = markdown_of(id);
    ck_assert_msg(strstr(md, "| Region | Sales | Growth |\n| --- | --- | --- |\n") &&
                      strstr(md, "| South | 980 | 2.1% |"),
                  "no table in:\n%s", md);
    ck_assert_msg(has_line(md, "Quarterly", "listed below"), "no paragraph in:\n%s", md);
    free(md);
    cJSON_Delete(d);
    free(pdf);
}
END_TEST

START_TEST(not_done_is_409)
{
    stack_kill(&st.worker, SIGTERM);
    static const char *const lines[] = {"Nobody reads this page yet"};
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&st, st.key, png, len, NULL, id), 202);
    struct http_resp r = {0};
    get(st.key, id, "/pdf", &r);
    ck_assert_int_eq(r.status, 409);
    ck_assert_ptr_nonnull(strstr(r.body, "not_ready"));
    http_resp_free(&r);
    get(st.key, id, "/markdown", &r);
    ck_assert_int_eq(r.status, 409);
    http_resp_free(&r);
    free(png);
}
END_TEST

/* ---- a hostile stored file: the PDF is built in a bounded child, the API keeps answering ---- */

START_TEST(hostile_file_export_is_bounded)
{
    struct hostile h;
    hostile_start(&h);
    struct stack *s = &h.s;
    char path[160];
    snprintf(path, sizeof path, "/v1/documents/%s/pdf", h.id);
    struct hostile_call call = {0};
    hostile_call_start(&call, s, path);
    /* meanwhile the API answers: health and another document's PDF */
    int health = hostile_health(s, 10);
    struct http_resp r = {0};
    char url[512];
    snprintf(url, sizeof url, "%s/v1/documents/%s/pdf", s->base, h.good);
    ck_assert_int_eq(http_req("GET", url, s->key, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_gt(r.len, 100);
    http_resp_free(&r);
    hostile_call_join(&call);
    fprintf(stderr, "export: hostile PDF answered %ld after %lld ms (%d health checks meanwhile)\n",
            call.r.status, call.ms, health);
    ck_assert_int_eq(call.r.status, 422);
    cJSON *j = http_json(&call.r);
    ck_assert_str_eq(json_str(j, "error.code"), "timeout");
    cJSON_Delete(j);
    ck_assert_int_ge(call.ms, HOSTILE_PAGE_MS);
    ck_assert_int_le(call.ms, HOSTILE_PAGE_MS + 1000 + HOSTILE_SLACK_MS);
    http_resp_free(&call.r);
    /* and the API process is the one that started */
    int wst = 0;
    ck_assert_int_eq(waitpid(s->api[0], &wst, WNOHANG), 0);
    hostile_stop(&h);
}
END_TEST

Suite *e2e_export_suite(void)
{
    Suite *s = suite_create("e2e_export");
    TCase *tc = tcase_create("stack");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, searchable_pdf_of_a_scan);
    tcase_add_test(tc, text_layer_pdf_comes_back_unchanged);
    tcase_add_test(tc, markdown_heading_and_list_of_a_scan);
    tcase_add_test(tc, markdown_table);
    tcase_add_test(tc, not_done_is_409);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, hostile_file_export_is_bounded);
    suite_add_tcase(s, tc);
    return s;
}
