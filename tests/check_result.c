/* check_result.c -- result JSON of a hand-built document: page fields, confidence scaling, words,
 * text source, review rules, garbage ratio, joined text and hOCR. */
#include "testutil.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "result.h"

static struct dp_word words1[] = {
    {"Invoice", 95.0f, 10, 20, 80, 16, 0, 0},
    {"Total", 87.5f, 10, 60, 50, 16, 1, 0},
    {"12,50", 90.25f, 70, 60, 40, 16, 1, 0},
};

/* Page 1: OCR, good; page 2: text layer, no words; page 3: OCR, garbage, low confidence. */
static void make_doc(struct dp_doc_text *doc, struct dp_page pages[3])
{
    memset(pages, 0, 3 * sizeof pages[0]);
    pages[0] = (struct dp_page){.number = 1,
                                .width = 2480,
                                .height = 3508,
                                .dpi = 300,
                                .rotation = 90,
                                .conf = 91.2345f,
                                .source = DP_SRC_OCR,
                                .text = "Invoice\nTotal 12,50",
                                .hocr = "<div class='ocr_page' id='page_1'></div>\n",
                                .words = words1,
                                .nwords = 3};
    pages[1] = (struct dp_page){.number = 2,
                                .width = 612,
                                .height = 792,
                                .dpi = 72,
                                .conf = 100.0f,
                                .source = DP_SRC_TEXT_LAYER,
                                .text = "Text layer page",
                                .hocr = NULL};
    pages[2] = (struct dp_page){.number = 3,
                                .width = 100,
                                .height = 100,
                                .dpi = 300,
                                .conf = 40.0f,
                                .source = DP_SRC_OCR,
                                .text = "~|^ <>[]",
                                .hocr = "<div class='ocr_page' id='page_3'></div>\n",
                                .words = words1,
                                .nwords = 1};
    doc->pages = pages;
    doc->npages = 3;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "%s is a number", key);
    return v->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsString(v), "%s is a string", key);
    return v->valuestring;
}

static int review(const cJSON *page)
{
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(page, "quality");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(q, "needs_review");
    ck_assert(cJSON_IsBool(b));
    return cJSON_IsTrue(b);
}

START_TEST(page_fields)
{
    struct dp_page pages[3];
    struct dp_doc_text doc;
    make_doc(&doc, pages);
    cJSON *p = result_encode_page(&pages[0]);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq((int)num(p, "number"), 1);
    ck_assert_int_eq((int)num(p, "width"), 2480);
    ck_assert_int_eq((int)num(p, "height"), 3508);
    ck_assert_int_eq((int)num(p, "dpi"), 300);
    ck_assert_int_eq((int)num(p, "rotation"), 90);
    ck_assert_str_eq(str(p, "source"), "ocr");
    /* 0..100 scaled to 0..1, three decimals */
    ck_assert_double_eq_tol(num(p, "confidence"), 0.912, 1e-9);
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(p, "quality");
    ck_assert_double_eq_tol(num(q, "mean_confidence"), 0.912, 1e-9);
    ck_assert_double_eq_tol(num(q, "garbage_ratio"), 0.0, 1e-9);
    ck_assert(!review(p));
    ck_assert_str_eq(str(p, "text"), "Invoice\nTotal 12,50");
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(p, "words");
    ck_assert(cJSON_IsArray(w));
    ck_assert_int_eq(cJSON_GetArraySize(w), 3);
    const cJSON *w1 = cJSON_GetArrayItem(w, 1);
    ck_assert_str_eq(str(w1, "text"), "Total");
    ck_assert_double_eq_tol(num(w1, "conf"), 0.875, 1e-9);
    ck_assert_int_eq((int)num(w1, "line"), 1);
    const cJSON *bb = cJSON_GetObjectItemCaseSensitive(w1, "bbox");
    ck_assert_int_eq(cJSON_GetArraySize(bb), 4);
    int want[4] = {10, 60, 50, 16};
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(cJSON_GetArrayItem(bb, i)->valueint, want[i]);
    ck_assert_double_eq_tol(num(cJSON_GetArrayItem(w, 2), "conf"), 0.903, 1e-9);
    cJSON_Delete(p);

    /* text layer page: source says so; no words -> review */
    p = result_encode_page(&pages[1]);
    ck_assert_str_eq(str(p, "source"), "text_layer");
    ck_assert_double_eq_tol(num(p, "confidence"), 1.0, 1e-9);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p, "words")), 0);
    ck_assert(review(p));
    cJSON_Delete(p);

    /* a NULL text is an empty string, not a missing key */
    struct dp_page empty = {.number = 4, .conf = 0};
    p = result_encode_page(&empty);
    ck_assert_str_eq(str(p, "text"), "");
    ck_assert(review(p));
    cJSON_Delete(p);
}
END_TEST

START_TEST(review_rules)
{
    struct dp_page pages[3];
    struct dp_doc_text doc;
    make_doc(&doc, pages);
    struct dp_page pg = pages[0];
    /* the confidence threshold: exactly RESULT_REVIEW_CONF is fine, just below is not */
    pg.conf = (float)(RESULT_REVIEW_CONF * 100.0);
    cJSON *p = result_encode_page(&pg);
    ck_assert(!review(p));
    cJSON_Delete(p);
    pg.conf = (float)(RESULT_REVIEW_CONF * 100.0 - 0.2);
    p = result_encode_page(&pg);
    ck_assert(review(p));
    cJSON_Delete(p);
    /* garbage: 1 bad of 4 characters is at the threshold (not above), 2 of 4 is above */
    pg.conf = 95.0f;
    pg.text = "ab~d";
    p = result_encode_page(&pg);
    ck_assert_double_eq_tol(num(cJSON_GetObjectItemCaseSensitive(p, "quality"), "garbage_ratio"),
                            0.25, 1e-9);
    ck_assert(!review(p));
    cJSON_Delete(p);
    pg.text = "a~~d";
    p = result_encode_page(&pg);
    ck_assert(review(p));
    cJSON_Delete(p);

    /* the document needs review when any page does */
    cJSON *o = result_encode(&doc);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "needs_review")));
    cJSON_Delete(o);
    doc.npages = 1;
    o = result_encode(&doc);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "needs_review")));
    cJSON_Delete(o);
}
END_TEST

START_TEST(garbage_ratio)
{
    ck_assert_double_eq(result_garbage_ratio(""), 0.0);
    ck_assert_double_eq(result_garbage_ratio(" \n\t\f"), 0.0);
    ck_assert_double_eq(result_garbage_ratio("Total: 12,50 EUR (incl. 19% VAT)!"), 0.0);
    ck_assert_double_eq(result_garbage_ratio("~~~~"), 1.0);
    ck_assert_double_eq_tol(result_garbage_ratio("ab|{"), 0.5, 1e-12);
    /* spaces do not count either way */
    ck_assert_double_eq_tol(result_garbage_ratio("a  b   |   {"), 0.5, 1e-12);
    /* a UTF-8 letter is one good character, however many bytes it has */
    ck_assert_double_eq_tol(result_garbage_ratio("\xc3\xa9~"), 0.5, 1e-12);     /* é~ */
    ck_assert_double_eq_tol(result_garbage_ratio("\xe2\x82\xac~"), 0.5, 1e-12); /* €~ */
    ck_assert_double_eq_tol(result_garbage_ratio("\xf0\x9f\x98\x80~~~"), 0.75, 1e-12);
    ck_assert_double_eq(result_garbage_ratio("Gr\xc3\xbc\xc3\x9f"
                                             "e"),
                        0.0); /* Grüße */
    /* control characters are garbage */
    ck_assert_double_eq_tol(result_garbage_ratio("a\x01"), 0.5, 1e-12);
}
END_TEST

START_TEST(encode_document)
{
    struct dp_page pages[3];
    struct dp_doc_text doc;
    make_doc(&doc, pages);
    cJSON *o = result_encode(&doc);
    ck_assert_ptr_nonnull(o);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "pages");
    ck_assert_int_eq(cJSON_GetArraySize(arr), 3);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq((int)num(cJSON_GetArrayItem(arr, i), "number"), i + 1);
    ck_assert_str_eq(str(cJSON_GetArrayItem(arr, 1), "source"), "text_layer");
    ck_assert_str_eq(str(o, "text"), "Invoice\nTotal 12,50\fText layer page\f~|^ <>[]");
    /* the JSON prints and parses back */
    char *s = cJSON_PrintUnformatted(o);
    ck_assert_ptr_nonnull(s);
    cJSON *back = cJSON_Parse(s);
    ck_assert_ptr_nonnull(back);
    ck_assert(cJSON_Compare(o, back, 1));
    cJSON_Delete(back);
    free(s);
    cJSON_Delete(o);

    /* no pages: empty arrays and text */
    struct dp_doc_text none = {NULL, 0};
    o = result_encode(&none);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "pages")), 0);
    ck_assert_str_eq(str(o, "text"), "");
    cJSON_Delete(o);
}
END_TEST

START_TEST(join_text)
{
    struct dp_page pages[3];
    struct dp_doc_text doc;
    make_doc(&doc, pages);
    pages[1].text = NULL; /* a page without text still separates */
    char *t = result_join_text(&doc);
    ck_assert_str_eq(t, "Invoice\nTotal 12,50\f\f~|^ <>[]");
    free(t);
    doc.npages = 1;
    t = result_join_text(&doc);
    ck_assert_str_eq(t, "Invoice\nTotal 12,50");
    free(t);
    doc.npages = 0;
    t = result_join_text(&doc);
    ck_assert_str_eq(t, "");
    free(t);
    /* form feeds: npages - 1 of them */
    struct dp_page blank[4] = {{.number = 1}, {.number = 2}, {.number = 3}, {.number = 4}};
    struct dp_doc_text b = {blank, 4};
    t = result_join_text(&b);
    ck_assert_str_eq(t, "\f\f\f");
    free(t);
}
END_TEST

/* Counts non-overlapping occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + strlen(needle), needle))
        n++;
    return n;
}

START_TEST(join_hocr)
{
    struct dp_page pages[3];
    struct dp_doc_text doc;
    make_doc(&doc, pages);
    char *h = result_join_hocr(&doc);
    ck_assert_ptr_nonnull(h);
    /* an XHTML document: declaration first, one html/head/body each, closed in order */
    ck_assert(strncmp(h, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
    ck_assert_int_eq(count(h, "<html "), 1);
    ck_assert_int_eq(count(h, "</html>"), 1);
    ck_assert_int_eq(count(h, "<head>"), 1);
    ck_assert_int_eq(count(h, "</head>"), 1);
    ck_assert_int_eq(count(h, "<body>"), 1);
    ck_assert_int_eq(count(h, "</body>"), 1);
    ck_assert_ptr_nonnull(strstr(h, "xmlns=\"http://www.w3.org/1999/xhtml\""));
    const char *body = strstr(h, "<body>"), *ebody = strstr(h, "</body>");
    const char *p1 = strstr(h, "id='page_1'"), *p3 = strstr(h, "id='page_3'");
    ck_assert(strstr(h, "</head>") < body);
    /* the page fragments in order inside the body */
    ck_assert_ptr_nonnull(p1);
    ck_assert_ptr_nonnull(p3);
    ck_assert(body < p1 && p1 < p3 && p3 < ebody);
    size_t n = strlen(h);
    ck_assert_str_eq(h + n - strlen("</body>\n</html>\n"), "</body>\n</html>\n");
    /* every element opened in the head is closed or self-closed (XHTML) */
    ck_assert_int_eq(count(h, "<meta "), count(h, "\"/>\n"));
    ck_assert_int_eq(count(h, "<title>"), count(h, "</title>"));
    free(h);

    /* no pages: still a complete document */
    doc.npages = 0;
    h = result_join_hocr(&doc);
    ck_assert_ptr_nonnull(strstr(h, "<body>\n</body>\n</html>\n"));
    free(h);
}
END_TEST

/* A field object: its members in order, page and bbox null when not given, value taken over. */
START_TEST(field_object)
{
    const int box[4] = {10, 20, 300, 40};
    cJSON *f = result_field("iban", cJSON_CreateString("DE89370400440532013000"),
                            "DE89 3704 0044 0532 0130 00", 0.875, 2, box, 1, "qr");
    char *s = cJSON_PrintUnformatted(f);
    ck_assert_str_eq(s, "{\"name\":\"iban\",\"value\":\"DE89370400440532013000\",\"text\":"
                        "\"DE89 3704 0044 0532 0130 00\",\"confidence\":0.875,\"page\":2,"
                        "\"bbox\":[10,20,300,40],\"valid\":true,\"source\":\"qr\"}");
    free(s);
    cJSON_Delete(f);
    f = result_field("date", cJSON_CreateNull(), "31.02.2024", 1, 0, NULL, 0, "xml");
    s = cJSON_PrintUnformatted(f);
    ck_assert_str_eq(s, "{\"name\":\"date\",\"value\":null,\"text\":\"31.02.2024\","
                        "\"confidence\":1,\"page\":null,\"bbox\":null,\"valid\":false,"
                        "\"source\":\"xml\"}");
    free(s);
    cJSON_Delete(f);
    ck_assert_ptr_null(result_field("total", NULL, "9.00", 1, 1, NULL, 1, "rules"));
}
END_TEST

Suite *result_suite(void)
{
    Suite *s = suite_create("result");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, page_fields);
    tcase_add_test(tc, review_rules);
    tcase_add_test(tc, garbage_ratio);
    tcase_add_test(tc, encode_document);
    tcase_add_test(tc, join_text);
    tcase_add_test(tc, join_hocr);
    tcase_add_test(tc, field_object);
    suite_add_tcase(s, tc);
    return s;
}
