/* check_e2e_invoices.c -- invoices through the real stack: an XRechnung/Factur-X XML upload (CII
 * and UBL), a ZUGFeRD PDF built here (text page + embedded CII) whose XML agrees or disagrees
 * with its visible text, and a scanned invoice page whose line items do not add up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "fixtures_invoice.h"
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

static cJSON *read_doc(const void *buf, size_t len)
{
    char id[64];
    ck_assert_int_eq(stack_upload(&st, st.key, buf, len, NULL, id), 202);
    cJSON *d = stack_wait_doc(&st, st.key, id, 90000);
    ck_assert_ptr_nonnull(d);
    ck_assert_msg(strcmp(json_str(d, "status"), "done") == 0, "status %s: %s",
                  json_str(d, "status"), json_str(d, "error.message"));
    return d;
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

static const cJSON *check(const cJSON *d, const char *name)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(d, "checks"))
    {
        if (strcmp(json_str(c, "name"), name) == 0)
            return c;
    }
    return NULL;
}

static int check_ok(const cJSON *d, const char *name)
{
    const cJSON *c = check(d, name);
    ck_assert_msg(c != NULL, "no check %s", name);
    return cJSON_IsTrue(cJSON_GetObjectItem(c, "ok"));
}

/* The sample's values, read exactly, with their source. */
static void assert_sample_fields(const cJSON *d, const char *source)
{
    static const char *const strs[][2] = {
        {"invoice_number", "RE-2026-0815"}, {"date", "2026-03-15"},
        {"due_date", "2026-04-14"},         {"company", "Muster Lieferant GmbH"},
        {"vat_id", "DE136695976"},          {"iban", "DE89370400440532013000"}};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
        const cJSON *f = field(d, strs[i][0]);
        ck_assert_msg(f != NULL, "no field %s", strs[i][0]);
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")), strs[i][1]);
        ck_assert_str_eq(json_str(f, "source"), source);
    }
    ck_assert_str_eq(json_str(field(d, "total"), "value.amount"), "208.25");
    ck_assert_str_eq(json_str(field(d, "total"), "value.currency"), "EUR");
    ck_assert_str_eq(json_str(field(d, "tax"), "value.amount"), "33.25");
    ck_assert_str_eq(json_str(field(d, "subtotal"), "value.amount"), "175.00");
    const cJSON *items = cJSON_GetObjectItem(d, "line_items");
    ck_assert_int_eq(cJSON_GetArraySize(items), 2);
    const cJSON *l0 = cJSON_GetArrayItem(items, 0);
    ck_assert_str_eq(json_str(l0, "description"), "Widget A4");
    ck_assert_str_eq(json_str(l0, "quantity"), "10");
    ck_assert_str_eq(json_str(l0, "unit"), "H87");
    ck_assert_str_eq(json_str(l0, "unit_price.amount"), "9.50");
    ck_assert_str_eq(json_str(l0, "amount.amount"), "95.00");
    ck_assert_str_eq(json_str(l0, "tax_rate"), "19");
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(items, 1), "description"), "Service hour");
    ck_assert(check_ok(d, "lines_sum_subtotal"));
    ck_assert(check_ok(d, "subtotal_tax_total"));
    ck_assert(check_ok(d, "tax_rate_x_base"));
    ck_assert(check_ok(d, "iban_mod97"));
    ck_assert(check_ok(d, "vat_id"));
}

START_TEST(xml_uploads_are_read_exactly)
{
    const char *xmls[] = {fixture_cii_xml(), fixture_ubl_xml()};
    for (int i = 0; i < 2; i++) {
        cJSON *d = read_doc(xmls[i], strlen(xmls[i]));
        ck_assert_str_eq(json_str(d, "file.type"), "application/xml");
        ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "pages")), 0);
        assert_sample_fields(d, "xml");
        ck_assert_ptr_null(check(d, "xml_vs_text")); /* no visible text to compare */
        ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(d, "needs_review")));
        ck_assert_str_eq(json_str(d, "class.label"), "invoice");
        ck_assert_str_eq(json_str(d, "class.model"), "xml");
        cJSON_Delete(d);
    }
    /* XML that is not an e-invoice is refused like any other unknown type */
    char url[256];
    struct http_resp r;
    const char *other = "<?xml version=\"1.0\"?><note><to>Tove</to></note>";
    snprintf(url, sizeof url, "%s/v1/documents", st.base);
    const char *hdr[] = {"Content-Type: application/xml", NULL};
    ck_assert_int_eq(http_req("POST", url, st.key, hdr, other, strlen(other), &r), 0);
    ck_assert_int_eq(r.status, 415);
    http_resp_free(&r);
}
END_TEST

START_TEST(zugferd_pdf_embedded_xml)
{
    const char *xml = fixture_cii_xml();
    const char *const agree[] = {"Muster Lieferant GmbH",           "Rechnung Nr. RE-2026-0815",
                                 "Rechnungsdatum 15.03.2026",       "Widget A4 10 9,50 95,00",
                                 "Service hour 2 40,00 80,00",      "Gesamtbetrag 208,25 EUR",
                                 "IBAN DE89 3704 0044 0532 0130 00"};
    unsigned char *pdf;
    size_t len;
    ck_assert_int_eq(fixture_zugferd_pdf(agree, 7, xml, strlen(xml), "factur-x.xml", &pdf, &len),
                     DP_OK);
    cJSON *d = read_doc(pdf, len);
    free(pdf);
    ck_assert_str_eq(json_str(d, "file.type"), "application/pdf");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "pages")), 1);
    assert_sample_fields(d, "embedded_xml");
    ck_assert(check_ok(d, "xml_vs_text"));
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(d, "needs_review")));
    cJSON_Delete(d);

    /* the page says 280,25 where the XML says 208.25: a failed check, and a person must look */
    const char *const differ[] = {"Muster Lieferant GmbH", "Rechnung Nr. RE-2026-0815",
                                  "Gesamtbetrag 280,25 EUR", "IBAN DE89 3704 0044 0532 0130 00"};
    ck_assert_int_eq(fixture_zugferd_pdf(differ, 4, xml, strlen(xml), "factur-x.xml", &pdf, &len),
                     DP_OK);
    d = read_doc(pdf, len);
    free(pdf);
    ck_assert_str_eq(json_str(field(d, "total"), "source"), "embedded_xml");
    ck_assert(!check_ok(d, "xml_vs_text"));
    ck_assert(strstr(json_str(check(d, "xml_vs_text"), "detail"), "208.25") != NULL);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(d, "needs_review")));
    cJSON_Delete(d);
}
END_TEST

START_TEST(scanned_invoice_with_a_wrong_sum)
{
    const char *const lines[] = {
        "ACME Supplies GmbH",           "Invoice No: INV-4410",    "Invoice date: 15.03.2026",
        "Description Qty Price Amount", "Widget A4 10 9.50 95.00", "Service hour 2 40.00 80.00",
        "Subtotal: 185.00 EUR",         "VAT 19%: 35.15 EUR",      "Total: 220.15 EUR"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 9, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len);
    free(png);
    const cJSON *items = cJSON_GetObjectItem(d, "line_items");
    ck_assert_int_eq(cJSON_GetArraySize(items), 2);
    const cJSON *l0 = cJSON_GetArrayItem(items, 0);
    ck_assert_str_eq(json_str(l0, "description"), "Widget A4");
    ck_assert_str_eq(json_str(l0, "quantity"), "10");
    ck_assert_str_eq(json_str(l0, "unit_price.amount"), "9.50");
    ck_assert_str_eq(json_str(l0, "amount.amount"), "95.00");
    ck_assert_str_eq(json_str(l0, "source"), "rules");
    ck_assert_str_eq(json_str(field(d, "invoice_number"), "source"), "rules");
    ck_assert_int_eq((int)json_num(l0, "page"), 1);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(l0, "bbox")), 4);
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(items, 1), "amount.amount"), "80.00");
    /* 95 + 80 = 175, not 185: the sum check fails, the other arithmetic holds */
    ck_assert(!check_ok(d, "lines_sum_subtotal"));
    ck_assert(check_ok(d, "subtotal_tax_total"));
    ck_assert(check_ok(d, "qty_x_price"));
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(d, "needs_review")));
    cJSON_Delete(d);
}
END_TEST

START_TEST(epc_qr_code_becomes_fields)
{
    const char *payload = "BCD\n002\n1\nSCT\nCOBADEFFXXX\nMuster Lieferant GmbH\n"
                          "DE89370400440532013000\nEUR208.25\n\n\nRE-2026-0815";
    const char *const lines[] = {"Muster Lieferant GmbH", "Invoice No: RE-2026-0815",
                                 "Total: 208.25 EUR", "Pay with your banking app:"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_qr_page(lines, 4, payload, 1500, 1800, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len);
    free(png);
    const cJSON *codes =
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0), "barcodes");
    ck_assert_int_eq(cJSON_GetArraySize(codes), 1);
    const cJSON *qr = cJSON_GetArrayItem(codes, 0);
    ck_assert_str_eq(json_str(qr, "type"), "QR-Code");
    ck_assert_str_eq(json_str(qr, "text"), payload);
    const cJSON *box = cJSON_GetObjectItem(qr, "bbox");
    /* pasted at (1500, 1800) with a 2-module (12 px) quiet zone */
    ck_assert_int_le(abs(cJSON_GetArrayItem(box, 0)->valueint - 1512), 6);
    ck_assert_int_le(abs(cJSON_GetArrayItem(box, 1)->valueint - 1812), 6);
    ck_assert_int_gt(cJSON_GetArrayItem(box, 2)->valueint, 100);
    const cJSON *iban = field(d, "iban");
    ck_assert_ptr_nonnull(iban);
    ck_assert_str_eq(json_str(iban, "source"), "qr");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(iban, "value")),
                     "DE89370400440532013000");
    ck_assert_str_eq(json_str(field(d, "payee"), "source"), "qr");
    ck_assert_str_eq(json_str(field(d, "bic"), "value"), "COBADEFFXXX");
    ck_assert_str_eq(json_str(field(d, "amount_due"), "value.amount"), "208.25");
    ck_assert_str_eq(json_str(field(d, "payment_text"), "value"), "RE-2026-0815");
    ck_assert(check_ok(d, "iban_mod97"));
    /* the total printed on the page is still read from the text */
    ck_assert_str_eq(json_str(field(d, "total"), "value.amount"), "208.25");
    cJSON_Delete(d);
}
END_TEST

Suite *e2e_invoices_suite(void)
{
    Suite *s = suite_create("e2e_invoices");
    TCase *tc = tcase_create("invoices");
    tcase_set_timeout(tc, 240);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, xml_uploads_are_read_exactly);
    tcase_add_test(tc, zugferd_pdf_embedded_xml);
    tcase_add_test(tc, scanned_invoice_with_a_wrong_sum);
    tcase_add_test(tc, epc_qr_code_becomes_fields);
    suite_add_tcase(s, tc);
    return s;
}
