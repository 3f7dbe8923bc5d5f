/* check_e2e_invoices.c -- invoices through the real stack: an XRechnung/Factur-X XML upload (CII
 * and UBL), a ZUGFeRD PDF built here (text page + embedded CII) whose XML agrees or disagrees
 * with its visible text, a scanned invoice page whose line items do not add up, the same with
 * its items in a ruled table (scan and PDF), and EPC QR codes on a scan and in a PDF with a
 * text layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "fixtures_invoice.h"
#include "fixtures_layout.h"
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
    char why[256];
    cJSON *d = stack_read_done(&st, st.key, buf, len, NULL, 90000, NULL, why, sizeof why);
    ck_assert_msg(d, "%s", why);
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

/* The line of check name whose "line" is line (1-based), or NULL. */
static const cJSON *check_line(const cJSON *d, const char *name, int line)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(d, "checks"))
    {
        if (strcmp(json_str(c, "name"), name) == 0 && (int)json_num(c, "line") == line)
            return c;
    }
    return NULL;
}

/* An invoice whose items sit in a ruled table: the second amount is wrong (2 x 40.00 printed
 * as 85.00) and the subtotal is the sum of the right amounts. The third item's description
 * runs over two lines of its cell. */
static size_t ruled_invoice(struct fx_item *it)
{
    static const char *const cells[][4] = {{"Description", "Qty", "Unit price", "Amount"},
                                           {"Widget A4", "10", "9.50", "95.00"},
                                           {"Service hour", "2", "40.00", "85.00"},
                                           {"Patch cable", "4", "2.25", "9.00"}};
    static const double colx[] = {72, 262, 332, 432, 522};
    static const double rowy[] = {150, 176, 202, 228, 270};
    size_t n = 0;
    it[n++] = (struct fx_item){FX_TEXT, 72, 80, 0, 0, 14, "ACME Supplies GmbH"};
    it[n++] = (struct fx_item){FX_TEXT, 72, 104, 0, 0, 12, "Invoice No: INV-5120"};
    it[n++] = (struct fx_item){FX_TEXT, 72, 124, 0, 0, 12, "Invoice date: 15.03.2026"};
    for (int r = 0; r < 5; r++)
        it[n++] = (struct fx_item){FX_LINE, colx[0], rowy[r], colx[4], rowy[r], 0, NULL};
    for (int c = 0; c < 5; c++)
        it[n++] = (struct fx_item){FX_LINE, colx[c], rowy[0], colx[c], rowy[4], 0, NULL};
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++)
            it[n++] = (struct fx_item){FX_TEXT, colx[c] + 8, rowy[r] + 18, 0, 0, 12, cells[r][c]};
    it[n++] = (struct fx_item){FX_TEXT, colx[0] + 8, rowy[3] + 34, 0, 0, 12, "(black, braided)"};
    it[n++] = (struct fx_item){FX_TEXT, 332, 310, 0, 0, 12, "Subtotal: 184.00 EUR"};
    it[n++] = (struct fx_item){FX_TEXT, 332, 330, 0, 0, 12, "VAT 19%: 34.96 EUR"};
    it[n++] = (struct fx_item){FX_TEXT, 332, 350, 0, 0, 12, "Total: 218.96 EUR"};
    return n;
}

START_TEST(ruled_table_items_with_a_wrong_amount)
{
    struct fx_item it[64];
    size_t n = ruled_invoice(it);
    for (int pdf = 0; pdf <= 1; pdf++) {
        unsigned char *buf;
        size_t len;
        ck_assert_int_eq(pdf ? fixture_layout_pdf(it, n, &buf, &len)
                             : fixture_layout_png(it, n, 300, &buf, &len),
                         DP_OK);
        cJSON *d = read_doc(buf, len);
        free(buf);
        const cJSON *page = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0);
        ck_assert_str_eq(json_str(page, "source"), pdf ? "text_layer" : "ocr");
        const cJSON *tables = cJSON_GetObjectItem(page, "tables");
        ck_assert_int_ge(cJSON_GetArraySize(tables), 1);
        const cJSON *tb = cJSON_GetObjectItem(cJSON_GetArrayItem(tables, 0), "bbox");
        int ty = cJSON_GetArrayItem(tb, 1)->valueint, th = cJSON_GetArrayItem(tb, 3)->valueint;
        const cJSON *items = cJSON_GetObjectItem(d, "line_items");
        ck_assert_int_eq(cJSON_GetArraySize(items), 3);
        const cJSON *l0 = cJSON_GetArrayItem(items, 0), *l1 = cJSON_GetArrayItem(items, 1),
                    *l2 = cJSON_GetArrayItem(items, 2);
        ck_assert_str_eq(json_str(l0, "description"), "Widget A4");
        ck_assert_str_eq(json_str(l0, "quantity"), "10");
        ck_assert_str_eq(json_str(l0, "unit_price.amount"), "9.50");
        ck_assert_str_eq(json_str(l0, "amount.amount"), "95.00");
        ck_assert_str_eq(json_str(l0, "amount.currency"), "EUR");
        ck_assert_str_eq(json_str(l1, "description"), "Service hour");
        ck_assert_str_eq(json_str(l1, "amount.amount"), "85.00");
        /* the cell's second line belongs to the item: read from the table, not the lines */
        ck_assert_str_eq(json_str(l2, "description"), "Patch cable (black, braided)");
        ck_assert_str_eq(json_str(l2, "quantity"), "4");
        ck_assert_int_eq((int)json_num(l2, "page"), 1);
        /* each item's box lies inside the table's */
        const cJSON *b = cJSON_GetObjectItem(l2, "bbox");
        ck_assert_int_ge(cJSON_GetArrayItem(b, 1)->valueint, ty);
        ck_assert_int_le(cJSON_GetArrayItem(b, 1)->valueint + cJSON_GetArrayItem(b, 3)->valueint,
                         ty + th);
        /* a line that adds up is surer than the one that does not */
        ck_assert(json_num(l0, "confidence") > json_num(l1, "confidence"));
        /* 2 x 40.00 is not 85.00; the amounts add up to 189.00, the subtotal says 184.00 */
        ck_assert(check_line(d, "qty_x_price", 1) != NULL);
        ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(check_line(d, "qty_x_price", 1), "ok")));
        const cJSON *bad = check_line(d, "qty_x_price", 2);
        ck_assert_ptr_nonnull(bad);
        ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(bad, "ok")));
        ck_assert(strstr(json_str(bad, "detail"), "85.00") != NULL);
        ck_assert(!check_ok(d, "lines_sum_subtotal"));
        ck_assert(check_ok(d, "subtotal_tax_total"));
        ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(d, "needs_review")));
        cJSON_Delete(d);
    }
}
END_TEST

START_TEST(epc_qr_code_in_a_text_pdf)
{
    const char *payload = "BCD\n002\n1\nSCT\nCOBADEFFXXX\nMuster Lieferant GmbH\n"
                          "DE89370400440532013000\nEUR208.25\n\n\nRE-2026-0815";
    const char *const lines[] = {"Muster Lieferant GmbH", "Invoice No: RE-2026-0815",
                                 "Total: 208.25 EUR", "Pay with your banking app:"};
    unsigned char *pdf;
    size_t len;
    /* a 2 cm code painted as an image at (400, 200) pt: (1667, 833) px at 300 DPI */
    ck_assert_int_eq(fixture_qr_pdf(lines, 4, payload, 400, 200, 57, 0, &pdf, &len), DP_OK);
    cJSON *d = read_doc(pdf, len);
    free(pdf);
    const cJSON *page = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0);
    ck_assert_str_eq(json_str(page, "source"), "text_layer");
    const cJSON *codes = cJSON_GetObjectItem(page, "barcodes");
    ck_assert_int_eq(cJSON_GetArraySize(codes), 1);
    const cJSON *qr = cJSON_GetArrayItem(codes, 0);
    ck_assert_str_eq(json_str(qr, "type"), "QR-Code");
    ck_assert_str_eq(json_str(qr, "text"), payload);
    const cJSON *box = cJSON_GetObjectItem(qr, "bbox");
    ck_assert_int_le(abs(cJSON_GetArrayItem(box, 0)->valueint - 1667), 25);
    ck_assert_int_le(abs(cJSON_GetArrayItem(box, 1)->valueint - 833), 25);
    ck_assert_int_le(abs(cJSON_GetArrayItem(box, 2)->valueint - 236), 30);
    const cJSON *iban = field(d, "iban");
    ck_assert_ptr_nonnull(iban);
    ck_assert_str_eq(json_str(iban, "source"), "qr");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(iban, "value")),
                     "DE89370400440532013000");
    ck_assert_str_eq(json_str(field(d, "amount_due"), "value.amount"), "208.25");
    ck_assert_str_eq(json_str(field(d, "amount_due"), "source"), "qr");
    ck_assert_str_eq(json_str(field(d, "payee"), "value"), "Muster Lieferant GmbH");
    ck_assert_str_eq(json_str(field(d, "payment_text"), "value"), "RE-2026-0815");
    /* the words still come from the text layer */
    ck_assert_str_eq(json_str(field(d, "total"), "source"), "rules");
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
    tcase_add_test(tc, ruled_table_items_with_a_wrong_amount);
    tcase_add_test(tc, epc_qr_code_in_a_text_pdf);
    suite_add_tcase(s, tc);
    return s;
}
