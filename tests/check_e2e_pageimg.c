/* check_e2e_pageimg.c -- GET /v1/documents/{id}/pages/{n}.jpg through the real stack: page 2 of
 * a two-page PDF decodes as a JPEG of the page's aspect, at most 1600 px, with ink under every
 * word box the result gives (scaled to the image), cacheable with an ETag that answers 304; a
 * page turned by the worker comes back turned; a scanned PDF's and a TIFF's second page too; page
 * 3, page 0, another tenant: 404; not done: 409. A stored file that would hold poppler for hours
 * ends in a clean 422 `timeout` at its page deadline, built in the bounded child, while the API
 * keeps answering. */
#include <hiredis.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "harness_hostile.h"
#include "keys.h"
#include "testutil.h"
#include "util.h"

#define MAX_SIDE 1600

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

static void get_page(const char *key, const char *id, const char *n, const char *const *hdr,
                     struct http_resp *r)
{
    char url[512];
    snprintf(url, sizeof url, "%s/v1/documents/%s/pages/%s", st.base, id, n);
    ck_assert_int_eq(http_req("GET", url, key, hdr, NULL, 0, r), 0);
}

/* The page image of a 200 answer, checked to be an 8-bit JPEG (caller destroys). */
static PIX *jpeg_of(const struct http_resp *r)
{
    char ct[64];
    ck_assert_msg(r->status == 200, "status %ld: %.200s", r->status, r->body ? r->body : "");
    ck_assert_str_eq(http_header(r, "Content-Type", ct, sizeof ct), "image/jpeg");
    l_int32 fmt = 0;
    findFileFormatBuffer((const l_uint8 *)r->body, &fmt);
    ck_assert_int_eq(fmt, IFF_JFIF_JPEG);
    PIX *pix = pixReadMem((const l_uint8 *)r->body, r->len);
    ck_assert_ptr_nonnull(pix);
    ck_assert_int_eq(pixGetDepth(pix), 8);
    return pix;
}

/* Asserts the image has the result page's aspect and fits MAX_SIDE, and that the words of
 * 4+ letters have ink under their boxes scaled to it; returns how many were looked at. */
static int check_page_image(PIX *pix, const cJSON *page)
{
    double pw = json_num(page, "width"), ph = json_num(page, "height");
    int w = (int)pixGetWidth(pix), h = (int)pixGetHeight(pix);
    ck_assert(pw > 0 && ph > 0);
    ck_assert_int_le(w > h ? w : h, MAX_SIDE);
    ck_assert_msg(fabs((double)w / h - pw / ph) < 0.01 * pw / ph,
                  "image %dx%d for a page of %.0fx%.0f", w, h, pw, ph);
    double sx = w / pw, sy = h / ph;
    /* a page of text on white: mostly white */
    l_float32 mean = 0;
    pixGetAverageMasked(pix, NULL, 0, 0, 1, L_MEAN_ABSVAL, &mean);
    ck_assert_msg(mean > 200, "mean grey %.0f: not a page of text on white", mean);
    const cJSON *wd;
    int checked = 0;
    cJSON_ArrayForEach(wd, cJSON_GetObjectItem(page, "words"))
    {
        const cJSON *b = cJSON_GetObjectItem(wd, "bbox");
        if (strlen(json_str(wd, "text")) < 4 || cJSON_GetArraySize(b) != 4)
            continue;
        int x = (int)(cJSON_GetArrayItem(b, 0)->valuedouble * sx);
        int y = (int)(cJSON_GetArrayItem(b, 1)->valuedouble * sy);
        int bw = (int)(cJSON_GetArrayItem(b, 2)->valuedouble * sx + 0.5);
        int bh = (int)(cJSON_GetArrayItem(b, 3)->valuedouble * sy + 0.5);
        BOX *box = boxCreate(x, y, bw > 0 ? bw : 1, bh > 0 ? bh : 1);
        PIX *clip = pixClipRectangle(pix, box, NULL);
        PIX *ink = clip ? pixThresholdToBinary(clip, 128) : NULL;
        l_float32 frac = 0;
        if (ink)
            pixForegroundFraction(ink, &frac);
        ck_assert_msg(frac > 0.05f, "'%s' at %d,%d %dx%d of the image: ink %.3f",
                      json_str(wd, "text"), x, y, bw, bh, frac);
        pixDestroy(&ink);
        pixDestroy(&clip);
        boxDestroy(&box);
        checked++;
    }
    return checked;
}

START_TEST(pdf_page_two_as_jpeg)
{
    static const char *const p1[] = {"The first page holds a short greeting only."};
    static const char *const p2[] = {
        "Second page of the delivery contract", "Payment is due within thirty days",
        "Goods remain our property until paid", "Signed in Rotterdam by both parties"};
    const char *const *pages[] = {p1, p2};
    size_t nl[] = {1, 4};
    unsigned char *pdf;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_pdf_text(pages, nl, 2, &pdf, &len), DP_OK);
    cJSON *d = read_doc(pdf, len, id);
    const cJSON *jp = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 1);
    ck_assert_ptr_nonnull(jp);

    struct http_resp r = {0};
    int64_t t0 = util_mono_ms();
    get_page(st.key, id, "2.jpg", NULL, &r);
    fprintf(stderr, "pageimg: page 2 of a text-layer PDF: %zu bytes in %lld ms\n", r.len,
            (long long)(util_mono_ms() - t0));
    PIX *pix = jpeg_of(&r);
    /* a letter page rendered at 200 dpi is 2200 px tall: scaled to fit */
    ck_assert_int_eq((int)pixGetHeight(pix), MAX_SIDE);
    /* ink under the words of lines 2..4, where page 1 has none: this is page 2 */
    ck_assert_int_ge(check_page_image(pix, jp), 15);
    pixDestroy(&pix);
    char cc[64], etag[160];
    ck_assert_str_eq(http_header(&r, "Cache-Control", cc, sizeof cc), "private, max-age=3600");
    ck_assert_ptr_nonnull(http_header(&r, "ETag", etag, sizeof etag));
    ck_assert_msg(etag[0] == '"' && strstr(etag, id), "ETag %s", etag);
    http_resp_free(&r);

    /* the same ETag: 304 without a body; page 1's is another */
    char inm[200];
    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    const char *const hdr[] = {inm, NULL};
    get_page(st.key, id, "2.jpg", hdr, &r);
    ck_assert_int_eq(r.status, 304);
    ck_assert_uint_eq(r.len, 0);
    http_resp_free(&r);
    get_page(st.key, id, "1.jpg", hdr, &r);
    pix = jpeg_of(&r);
    ck_assert_int_ge(check_page_image(pix, cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0)),
                     4);
    pixDestroy(&pix);
    char etag1[160];
    ck_assert_str_ne(http_header(&r, "ETag", etag1, sizeof etag1), etag);
    http_resp_free(&r);

    /* no such page, not a page name, another tenant */
    static const char *const none[] = {"3.jpg", "0.jpg", "x.jpg", "2.png", "02.jpg"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        get_page(st.key, id, none[i], NULL, &r);
        ck_assert_msg(r.status == 404, "%s: %ld", none[i], r.status);
        cJSON *j = http_json(&r);
        ck_assert_str_eq(json_str(j, "error.code"), "not_found");
        cJSON_Delete(j);
        http_resp_free(&r);
    }
    get_page(st.key2, id, "1.jpg", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    cJSON_Delete(d);
    free(pdf);
}
END_TEST

START_TEST(turned_page_comes_back_turned)
{
    const char *const lines[] = {"This page was scanned sideways by a busy clerk",
                                 "The quick brown fox jumps over the lazy dog",
                                 "Please pay within thirty days of receipt"};
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_rotated_png(lines, 3, 90, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len, id);
    const cJSON *jp = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0);
    ck_assert_int_eq((int)json_num(jp, "rotation"), 270);
    /* stored landscape, read upright: the image is portrait like the result's page */
    ck_assert(json_num(jp, "height") > json_num(jp, "width"));
    struct http_resp r = {0};
    get_page(st.key, id, "1.jpg", NULL, &r);
    PIX *pix = jpeg_of(&r);
    ck_assert_int_gt((int)pixGetHeight(pix), (int)pixGetWidth(pix));
    ck_assert_int_ge(check_page_image(pix, jp), 12);
    pixDestroy(&pix);
    http_resp_free(&r);
    cJSON_Delete(d);
    free(png);
}
END_TEST

/* Page n of d as an image, checked against the result's page n (ink under its words). */
static void check_page_n(const char *id, const cJSON *d, int n, int min_words)
{
    char name[16];
    snprintf(name, sizeof name, "%d.jpg", n);
    struct http_resp r = {0};
    get_page(st.key, id, name, NULL, &r);
    PIX *pix = jpeg_of(&r);
    const cJSON *jp = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), n - 1);
    ck_assert_ptr_nonnull(jp);
    ck_assert_int_ge(check_page_image(pix, jp), min_words);
    pixDestroy(&pix);
    http_resp_free(&r);
}

START_TEST(scanned_pdf_and_tiff_pages)
{
    static const char *const p1[] = {"Scanned statement of the month"};
    static const char *const p2[] = {"Opening balance four hundred euros",
                                     "Closing balance nine hundred euros"};
    const char *const *pages[] = {p1, p2};
    size_t nl[] = {1, 2};
    unsigned char *buf;
    size_t len;
    char id[64];
    /* a PDF of page images only: its pages rendered, as the worker OCRed them */
    ck_assert_int_eq(fixture_pdf_scanned(pages, nl, 2, &buf, &len), DP_OK);
    cJSON *d = read_doc(buf, len, id);
    ck_assert_str_ne(json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 1), "source"),
                     "text_layer");
    check_page_n(id, d, 2, 6);
    cJSON_Delete(d);
    free(buf);
    /* a TIFF of two pages: its second page */
    ck_assert_int_eq(fixture_tiff_multipage(pages, nl, 2, &buf, &len), DP_OK);
    d = read_doc(buf, len, id);
    check_page_n(id, d, 2, 6);
    cJSON_Delete(d);
    free(buf);
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
    get_page(st.key, id, "1.jpg", NULL, &r);
    ck_assert_int_eq(r.status, 409);
    cJSON *j = http_json(&r);
    ck_assert_str_eq(json_str(j, "error.code"), "not_ready");
    cJSON_Delete(j);
    char cc[64];
    ck_assert_str_eq(http_header(&r, "Cache-Control", cc, sizeof cc), "no-store");
    http_resp_free(&r);
    free(png);
}
END_TEST

/* ---- a hostile stored file: the page is rendered in a bounded child ---- */

START_TEST(hostile_file_page_is_bounded)
{
    struct hostile h;
    hostile_start(&h);
    struct stack *s = &h.s;
    char path[160];
    snprintf(path, sizeof path, "/v1/documents/%s/pages/1.jpg", h.id);
    struct hostile_call call = {0};
    hostile_call_start(&call, s, path);
    /* meanwhile the API answers: health and another document's page */
    hostile_health(s, 10);
    struct http_resp r = {0};
    char url[512];
    snprintf(url, sizeof url, "%s/v1/documents/%s/pages/1.jpg", s->base, h.good);
    ck_assert_int_eq(http_req("GET", url, s->key, NULL, NULL, 0, &r), 0);
    PIX *pix = jpeg_of(&r);
    pixDestroy(&pix);
    http_resp_free(&r);
    hostile_call_join(&call);
    fprintf(stderr, "pageimg: hostile page answered %ld after %lld ms\n", call.r.status, call.ms);
    ck_assert_int_eq(call.r.status, 422);
    cJSON *j = http_json(&call.r);
    ck_assert_str_eq(json_str(j, "error.code"), "timeout");
    cJSON_Delete(j);
    char cc[64];
    ck_assert_str_eq(http_header(&call.r, "Cache-Control", cc, sizeof cc), "no-store");
    ck_assert_int_ge(call.ms, HOSTILE_PAGE_MS);
    ck_assert_int_le(call.ms, HOSTILE_PAGE_MS + 1000 + HOSTILE_SLACK_MS);
    http_resp_free(&call.r);
    /* and the API process is the one that started */
    int wst = 0;
    ck_assert_int_eq(waitpid(s->api[0], &wst, WNOHANG), 0);
    hostile_stop(&h);
}
END_TEST

Suite *e2e_pageimg_suite(void)
{
    Suite *s = suite_create("e2e_pageimg");
    TCase *tc = tcase_create("stack");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, pdf_page_two_as_jpeg);
    tcase_add_test(tc, turned_page_comes_back_turned);
    tcase_add_test(tc, scanned_pdf_and_tiff_pages);
    tcase_add_test(tc, not_done_is_409);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, hostile_file_page_is_bounded);
    suite_add_tcase(s, tc);
    return s;
}
