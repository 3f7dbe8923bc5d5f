/* check_e2e_inputs.c -- every input kind through the real stack: multi-page TIFF, text-layer
 * PDF (no OCR), scanned PDF, a sideways page, a low-DPI fax, JPEG; fields from an invoice page;
 * language packs; reprocess with other options. */
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "harness.h"
#include "testutil.h"

static struct stack st;

static void setup(void)
{
    struct stack_opts o = {.acl = 1, .workers = 2};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static cJSON *read_doc(const void *buf, size_t len, const char *query)
{
    char why[256];
    cJSON *d = stack_read_done(&st, st.key, buf, len, query, 90000, NULL, why, sizeof why);
    ck_assert_msg(d, "%s", why);
    return d;
}

static const cJSON *page(const cJSON *d, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), i);
}

static const cJSON *field(const cJSON *d, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(d, "fields"))
    {
        if (strcmp(json_str(f, "name"), name) == 0)
            return f;
    }
    return NULL;
}

START_TEST(text_layer_pdf_needs_no_ocr)
{
    const char *const p1[] = {"Born digital page one", "Invoice number INV-2026-0042"};
    const char *const p2[] = {"Second page of the PDF", "Thank you for your business"};
    const char *const *pages[] = {p1, p2};
    size_t n[] = {2, 2};
    unsigned char *pdf;
    size_t len;
    ck_assert_int_eq(fixture_pdf_text(pages, n, 2, &pdf, &len), DP_OK);
    cJSON *d = read_doc(pdf, len, NULL);
    ck_assert_str_eq(json_str(d, "file.type"), "application/pdf");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "pages")), 2);
    for (int i = 0; i < 2; i++)
        ck_assert_str_eq(json_str(page(d, i), "source"), "text_layer");
    ck_assert(strstr(json_str(page(d, 0), "text"), "INV-2026-0042") != NULL);
    ck_assert(strstr(json_str(page(d, 1), "text"), "business") != NULL);
    const cJSON *w = cJSON_GetArrayItem(cJSON_GetObjectItem(page(d, 0), "words"), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(w, "bbox")), 4);
    cJSON_Delete(d);
    free(pdf);
}
END_TEST

START_TEST(scanned_pdf_is_ocred)
{
    const char *const p1[] = {"This PDF is only a picture", "of a scanned letter"};
    const char *const *pages[] = {p1};
    size_t n[] = {2};
    unsigned char *pdf;
    size_t len;
    ck_assert_int_eq(fixture_pdf_scanned(pages, n, 1, &pdf, &len), DP_OK);
    cJSON *d = read_doc(pdf, len, NULL);
    ck_assert_str_eq(json_str(page(d, 0), "source"), "ocr");
    ck_assert(strstr(json_str(d, "text"), "scanned letter") != NULL);
    ck_assert_int_eq((int)json_num(page(d, 0), "dpi"), 300);
    cJSON_Delete(d);
    free(pdf);
}
END_TEST

START_TEST(sideways_page_is_turned_upright)
{
    const char *const lines[] = {"This page was scanned sideways by a busy clerk",
                                 "The quick brown fox jumps over the lazy dog",
                                 "Please pay within thirty days of receipt"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_rotated_png(lines, 3, 90, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len, NULL);
    ck_assert_int_eq((int)json_num(page(d, 0), "rotation"), 270);
    ck_assert(strstr(json_str(d, "text"), "quick brown fox") != NULL);
    ck_assert(json_num(page(d, 0), "confidence") > 0.7);
    cJSON_Delete(d);
    free(png);
    /* upside down */
    ck_assert_int_eq(fixture_rotated_png(lines, 3, 180, &png, &len), DP_OK);
    d = read_doc(png, len, NULL);
    ck_assert_int_eq((int)json_num(page(d, 0), "rotation"), 180);
    ck_assert(strstr(json_str(d, "text"), "thirty days") != NULL);
    cJSON_Delete(d);
    free(png);
}
END_TEST

START_TEST(low_dpi_fax_is_read)
{
    const char *const lines[] = {"Fax transmission at one hundred dots per inch",
                                 "Reference number 8841 confirmed"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_lowdpi_png(lines, 2, 100, 0, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len, NULL);
    ck_assert(strstr(json_str(d, "text"), "transmission") != NULL);
    ck_assert(strstr(json_str(d, "text"), "8841") != NULL);
    /* boxes are reported in the pixels of the image as sent */
    ck_assert_int_eq((int)json_num(page(d, 0), "width"), 850);
    cJSON_Delete(d);
    free(png);
}
END_TEST

START_TEST(invoice_fields_are_typed)
{
    const char *const lines[] = {"ACME Supplies GmbH",     "Hauptstrasse 12, 10115 Berlin",
                                 "Invoice No: INV-7731",   "Invoice date: 15.03.2026",
                                 "Subtotal: 1.000,00 EUR", "VAT 19%: 190,00 EUR",
                                 "Total: 1.190,00 EUR",    "IBAN: DE89 3704 0044 0532 0130 00"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 8, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len, NULL);
    const cJSON *total = field(d, "total");
    ck_assert_ptr_nonnull(total);
    ck_assert_str_eq(json_str(total, "value.amount"), "1190.00");
    ck_assert_str_eq(json_str(total, "value.currency"), "EUR");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(total, "valid")));
    ck_assert_int_eq((int)json_num(total, "page"), 1);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(total, "bbox")), 4);
    const cJSON *date = field(d, "date");
    ck_assert_ptr_nonnull(date);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(date, "value")), "2026-03-15");
    const cJSON *iban = field(d, "iban");
    ck_assert_ptr_nonnull(iban);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(iban, "value")),
                     "DE89370400440532013000");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(iban, "valid")));
    const cJSON *inv = field(d, "invoice_number");
    ck_assert_ptr_nonnull(inv);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(inv, "value")), "INV-7731");
    /* classification: the built-in model answers with a label and scores */
    ck_assert(strlen(json_str(d, "class.label")) > 0);
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "class"), "scores"));
    cJSON_Delete(d);
    /* pipeline=ocr skips classification and extraction */
    d = read_doc(png, len, "pipeline=ocr");
    ck_assert_ptr_null(cJSON_GetObjectItem(d, "fields"));
    ck_assert_ptr_null(cJSON_GetObjectItem(d, "class"));
    cJSON_Delete(d);
    free(png);
}
END_TEST

START_TEST(language_packs_and_reprocess)
{
    const char *const lines[] = {"Reprocess me with other options"};
    unsigned char *jpg;
    size_t len;
    char id[64], url[256];
    ck_assert_int_eq(fixture_jpeg(lines, 1, &jpg, &len), DP_OK);
    /* a language pack that is not installed: a clear 422 naming it */
    ck_assert_int_eq(stack_upload(&st, st.key, jpg, len, "lang=eng%2Bxyz", id), 422);
    struct http_resp r;
    snprintf(url, sizeof url, "%s/v1/documents?lang=eng%%2Bxyz", st.base);
    ck_assert_int_eq(http_req("POST", url, st.key, NULL, jpg, len, &r), 0);
    ck_assert(strstr(r.body, "language_unavailable") && strstr(r.body, "xyz"));
    http_resp_free(&r);
    cJSON *d = read_doc(jpg, len, "pipeline=ocr");
    snprintf(id, sizeof id, "%s", json_str(d, "id"));
    ck_assert_str_eq(json_str(d, "file.type"), "image/jpeg");
    ck_assert_ptr_null(cJSON_GetObjectItem(d, "fields"));
    cJSON_Delete(d);
    snprintf(url, sizeof url, "%s/v1/documents/%s/reprocess", st.base, id);
    const char *body = "{\"pipeline\":\"ocr,extract\",\"lang\":\"eng\"}";
    ck_assert_int_eq(http_req("POST", url, st.key, NULL, body, strlen(body), &r), 0);
    ck_assert_int_eq(r.status, 202);
    http_resp_free(&r);
    const char *bad = "{\"lang\":\"klingon\"}";
    ck_assert_int_eq(http_req("POST", url, st.key, NULL, bad, strlen(bad), &r), 0);
    ck_assert_int_eq(r.status, 422);
    http_resp_free(&r);
    d = stack_wait_doc(&st, st.key, id, 90000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    ck_assert_str_eq(json_str(d, "options.pipeline"), "ocr,extract");
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(d, "fields"));
    ck_assert(strstr(json_str(d, "text"), "Reprocess") != NULL);
    cJSON_Delete(d);
    free(jpg);
}
END_TEST

START_TEST(broken_file_fails_with_reason)
{
    const char *const lines[] = {"about to be cut short"};
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&st, st.key, png, 200, NULL, id), 202); /* signature intact */
    cJSON *d = stack_wait_doc(&st, st.key, id, 60000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "failed");
    ck_assert_str_eq(json_str(d, "error.code"), "decode_failed");
    ck_assert(strlen(json_str(d, "error.message")) > 0);
    ck_assert_int_eq((int)json_num(d, "attempts"), 1); /* a bad file is not retried */
    cJSON_Delete(d);
    /* a page over the pixel cap is refused from its header, before decoding */
    unsigned char *huge;
    size_t hlen;
    ck_assert_int_eq(fixture_png_huge_header(60000, 60000, &huge, &hlen), DP_OK);
    ck_assert_int_eq(stack_upload(&st, st.key, huge, hlen, NULL, id), 202);
    d = stack_wait_doc(&st, st.key, id, 60000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "failed");
    ck_assert_str_eq(json_str(d, "error.code"), "too_large");
    cJSON_Delete(d);
    free(huge);
    free(png);
}
END_TEST

Suite *e2e_inputs_suite(void)
{
    Suite *s = suite_create("e2e_inputs");
    TCase *tc = tcase_create("inputs");
    tcase_set_timeout(tc, 240);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, text_layer_pdf_needs_no_ocr);
    tcase_add_test(tc, scanned_pdf_is_ocred);
    tcase_add_test(tc, sideways_page_is_turned_upright);
    tcase_add_test(tc, low_dpi_fax_is_read);
    tcase_add_test(tc, invoice_fields_are_typed);
    tcase_add_test(tc, language_packs_and_reprocess);
    tcase_add_test(tc, broken_file_fails_with_reason);
    suite_add_tcase(s, tc);
    return s;
}
