/* check_extract.c -- field extraction: amount/date/IBAN/phone parsers on tricky strings, and
 * whole documents (built here, with word boxes) for total, dates, ids, page and bbox. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "extract.h"

/* 2026-06-01T00:00:00Z: the reference "today" of every document test. */
#define TODAY 1780272000

static struct extractor *ex;

static void setup(void)
{
    ck_assert_int_eq(extractor_new(&ex), DP_OK);
}

static void teardown(void)
{
    extractor_free(ex);
    ex = NULL;
}

/* ---- fixtures: a page from text lines; one word per blank-separated token, boxed on a
 * grid of 10 px per character and 30 px per line, all with confidence conf ---- */

static void make_page(struct dp_page *pg, int number, const char *const *lines, float conf)
{
    size_t tl = 0, nw = 0, n = 0;
    for (n = 0; lines[n]; n++) {
        tl += strlen(lines[n]) + 1;
        nw += strlen(lines[n]) / 2 + 1;
    }
    memset(pg, 0, sizeof *pg);
    pg->number = number;
    pg->width = 1000, pg->height = 1400, pg->dpi = 300, pg->conf = conf;
    pg->text = calloc(tl + 1, 1);
    pg->words = calloc(nw, sizeof *pg->words);
    ck_assert_ptr_nonnull(pg->text);
    ck_assert_ptr_nonnull(pg->words);
    char *t = pg->text;
    for (size_t l = 0; l < n; l++) {
        const char *s = lines[l];
        size_t len = strlen(s);
        for (size_t i = 0; i < len;) {
            if (s[i] == ' ') {
                i++;
                continue;
            }
            size_t j = i;
            while (j < len && s[j] != ' ')
                j++;
            struct dp_word *w = &pg->words[pg->nwords++];
            w->text = strndup(s + i, j - i);
            w->conf = conf;
            w->x = 10 + 10 * (int)i, w->y = 20 + 30 * (int)l;
            w->w = 10 * (int)(j - i), w->h = 20;
            w->line = (int)l;
            i = j;
        }
        memcpy(t, s, len);
        t += len;
        if (lines[l + 1])
            *t++ = '\n';
    }
}

/* Runs extraction over pages given as NULL-terminated line arrays (NULL-terminated list). */
static cJSON *run_doc(const struct extract_opts *o, const char *const *const *pages)
{
    struct dp_doc_text d = {0};
    while (pages[d.npages])
        d.npages++;
    d.pages = calloc(d.npages, sizeof *d.pages);
    for (size_t i = 0; i < d.npages; i++)
        make_page(&d.pages[i], (int)i + 1, pages[i], 90);
    cJSON *out = NULL;
    ck_assert_int_eq(extract_fields(ex, &d, o, &out), DP_OK);
    ck_assert(cJSON_IsArray(out));
    doctext_cleanup(&d);
    return out;
}

static cJSON *run_lines(const char *const *lines)
{
    struct extract_opts o = {.today = TODAY};
    const char *const *pages[] = {lines, NULL};
    return run_doc(&o, pages);
}

static const cJSON *field(const cJSON *out, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, out)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return f;
    }
    return NULL;
}

static const char *str_value(const cJSON *out, const char *name)
{
    const cJSON *f = field(out, name);
    if (!f)
        return NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *amount_of(const cJSON *out, const char *name, const char **cur)
{
    const cJSON *f = field(out, name);
    if (!f)
        return NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "currency");
    if (cur)
        *cur = cJSON_IsString(c) ? c->valuestring : NULL;
    return cJSON_GetObjectItemCaseSensitive(v, "amount")->valuestring;
}

static double num(const cJSON *f, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(f, key)->valuedouble;
}

static int is_valid(const cJSON *f)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "valid"));
}

/* ---- amounts ---- */

static const char *amt(const char *s)
{
    static char buf[32];
    if (extract_parse_amount(s, strlen(s), buf, sizeof buf) != DP_OK)
        return "ERR";
    return buf;
}

START_TEST(amount_formats)
{
    ck_assert_str_eq(amt("1.234,56"), "1234.56");
    ck_assert_str_eq(amt("1,234.56"), "1234.56");
    ck_assert_str_eq(amt("1 234,56"), "1234.56");
    ck_assert_str_eq(amt("1\u202f234,56 €"), "1234.56");
    ck_assert_str_eq(amt("1'234.50"), "1234.50");
    ck_assert_str_eq(amt("1234"), "1234.00");
    ck_assert_str_eq(amt("EUR 12,5"), "12.50");
    ck_assert_str_eq(amt("RM 9.00"), "9.00");
    ck_assert_str_eq(amt("$1,234,567.89"), "1234567.89");
    ck_assert_str_eq(amt("1.234.567,89"), "1234567.89");
    ck_assert_str_eq(amt("1,234"), "1234.00");
    ck_assert_str_eq(amt("0,500"), "0.50");
    ck_assert_str_eq(amt("0.005"), "0.01");
    ck_assert_str_eq(amt("-3,00"), "-3.00");
    ck_assert_str_eq(amt("total"), "ERR");
    ck_assert_str_eq(amt(""), "ERR");
    char small[4];
    ck_assert_int_eq(extract_parse_amount("1234.56", 7, small, sizeof small), DP_ETOOBIG);
}
END_TEST

START_TEST(amount_ocr_confusions)
{
    ck_assert_str_eq(amt("l2.5O"), "12.50");
    ck_assert_str_eq(amt("1O0.00"), "100.00");
    ck_assert_str_eq(amt("I,234.O0"), "1234.00");
    ck_assert_str_eq(amt("9.OO"), "9.00");
}
END_TEST

START_TEST(currency_codes)
{
    ck_assert_str_eq(extract_currency_code("€ 12", 6), "EUR");
    ck_assert_str_eq(extract_currency_code("TOTAL RM 9.00", 13), "MYR");
    ck_assert_str_eq(extract_currency_code("US$ 5", 5), "USD");
    ck_assert_str_eq(extract_currency_code("£3", 3), "GBP");
    ck_assert_str_eq(extract_currency_code("Rs. 450", 7), "INR");
    ck_assert_str_eq(extract_currency_code("12 chf", 6), "CHF");
    ck_assert_ptr_null(extract_currency_code("FORM 12", 7));
    ck_assert_ptr_null(extract_currency_code("EUROPE", 6));
}
END_TEST

/* ---- dates ---- */

static const char *date(const char *s, enum extract_order o)
{
    static char buf[16];
    struct extract_date d;
    if (extract_parse_date(s, strlen(s), o, &d) != DP_OK)
        return "ERR";
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}

START_TEST(date_formats)
{
    ck_assert_str_eq(date("25/12/2018", EXTRACT_DAY_FIRST), "2018-12-25");
    ck_assert_str_eq(date("22-04-16", EXTRACT_DAY_FIRST), "2016-04-22");
    ck_assert_str_eq(date("2018-12-25", EXTRACT_MONTH_FIRST), "2018-12-25");
    ck_assert_str_eq(date("25.12.2018", EXTRACT_DAY_FIRST), "2018-12-25");
    ck_assert_str_eq(date("12/25/2018", EXTRACT_DAY_FIRST), "2018-12-25"); /* 25 forces */
    ck_assert_str_eq(date("Dec 25, 2018", EXTRACT_DAY_FIRST), "2018-12-25");
    ck_assert_str_eq(date("25 December 2018", EXTRACT_MONTH_FIRST), "2018-12-25");
    ck_assert_str_eq(date("25 déc. 2018", EXTRACT_DAY_FIRST), "2018-12-25");
    ck_assert_str_eq(date("3. März 2024", EXTRACT_DAY_FIRST), "2024-03-03");
    ck_assert_str_eq(date("1er juillet 2023", EXTRACT_DAY_FIRST), "2023-07-01");
    ck_assert_str_eq(date("4 juin 2023", EXTRACT_DAY_FIRST), "2023-06-04");
    ck_assert_str_eq(date("17 mei 2022", EXTRACT_DAY_FIRST), "2022-05-17");
    ck_assert_str_eq(date("August 3rd, 2014", EXTRACT_DAY_FIRST), "2014-08-03");
    ck_assert_str_eq(date("29/02/2024", EXTRACT_DAY_FIRST), "2024-02-29");
}
END_TEST

START_TEST(date_order_and_invalid)
{
    ck_assert_str_eq(date("03/04/2026", EXTRACT_DAY_FIRST), "2026-04-03");
    ck_assert_str_eq(date("03/04/2026", EXTRACT_MONTH_FIRST), "2026-03-04");
    ck_assert_str_eq(date("31/02/2024", EXTRACT_DAY_FIRST), "ERR");
    ck_assert_str_eq(date("29/02/2023", EXTRACT_DAY_FIRST), "ERR");
    ck_assert_str_eq(date("13/13/2020", EXTRACT_DAY_FIRST), "ERR");
    ck_assert_str_eq(date("25 Foo 2018", EXTRACT_DAY_FIRST), "ERR");
    ck_assert_str_eq(date("25/12/2018 total", EXTRACT_DAY_FIRST), "ERR");
    ck_assert_int_eq(extract_date_valid(2000, 2, 29), 1);
    ck_assert_int_eq(extract_date_valid(1900, 2, 29), 0);
}
END_TEST

/* ---- IBAN and phone ---- */

START_TEST(iban_checksums)
{
    ck_assert_int_eq(extract_iban_valid("DE89370400440532013000", 22), 1);
    ck_assert_int_eq(extract_iban_valid("GB82WEST12345698765432", 22), 1);
    ck_assert_int_eq(extract_iban_valid("de89 3704 0044 0532 0130 00", 27), 1);
    ck_assert_int_eq(extract_iban_valid("DE88370400440532013000", 22), 0);
    ck_assert_int_eq(extract_iban_valid("GB82WEST12345698765433", 22), 0);
    ck_assert_int_eq(extract_iban_valid("DE8937040044053201300", 21), 0); /* too short */
    ck_assert_int_eq(extract_iban_valid("", 0), 0);
}
END_TEST

START_TEST(iban_ocr_repair)
{
    char out[40];
    const char *s = "DE89 37O4 OO44 O532 Ol3O OO";
    ck_assert_int_eq(extract_iban_normalise(s, strlen(s), out, sizeof out), 1);
    ck_assert_str_eq(out, "DE89370400440532013000");
    s = "GB82 WEST 1234 5698 7654 3Z";
    ck_assert_int_eq(extract_iban_normalise(s, strlen(s), out, sizeof out), 0);
    s = "GB82WEST123456987654321 BIC";
    ck_assert_int_eq(extract_iban_normalise(s, strlen(s), out, sizeof out), 0);
    s = "GB82WEST12345698765432 BIC";
    ck_assert_int_eq(extract_iban_normalise(s, strlen(s), out, sizeof out), 1);
    ck_assert_str_eq(out, "GB82WEST12345698765432");
    ck_assert_int_eq(extract_iban_normalise("hello", 5, out, sizeof out), -1);
}
END_TEST

START_TEST(phone_normalise)
{
    char out[24];
    ck_assert_int_eq(extract_normalise_phone("+49 (0)30 1234-5", 16, NULL, out, sizeof out), 0);
    ck_assert_str_eq(out, "+493012345");
    ck_assert_int_eq(extract_normalise_phone("0049 30 123456", 14, NULL, out, sizeof out), 0);
    ck_assert_str_eq(out, "+4930123456");
    ck_assert_int_eq(extract_normalise_phone("030 123456", 10, "49", out, sizeof out), 0);
    ck_assert_str_eq(out, "+4930123456");
    ck_assert_int_eq(extract_normalise_phone("03-5542 1234", 12, NULL, out, sizeof out), 0);
    ck_assert_str_eq(out, "0355421234");
    ck_assert_int_eq(extract_normalise_phone("12 34", 5, NULL, out, sizeof out), DP_EPARSE);
}
END_TEST

/* ---- whole documents ---- */

START_TEST(doc_order_day_first)
{
    static const char *const lines[] = {"ACME Trading Ltd", "Invoice date: 03/04/2026",
                                        "Delivered 25/04/2026", "Total 10.00", NULL};
    cJSON *out = run_lines(lines);
    ck_assert_str_eq(str_value(out, "date"), "2026-04-03");
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_order_month_first)
{
    static const char *const lines[] = {"ACME Trading Ltd", "Invoice date: 03/04/2026",
                                        "Delivered 04/25/2026", "Total 10.00", NULL};
    cJSON *out = run_lines(lines);
    ck_assert_str_eq(str_value(out, "date"), "2026-03-04");
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_order_us_currency)
{
    static const char *const lines[] = {"Date 03/04/2026", "Amount due $ 12.00", NULL};
    cJSON *out = run_lines(lines);
    ck_assert_str_eq(str_value(out, "date"), "2026-03-04");
    const char *cur = NULL;
    ck_assert_str_eq(amount_of(out, "total", &cur), "12.00");
    ck_assert_str_eq(cur, "USD");
    cJSON_Delete(out);
    static const char *const eu[] = {"Date 03/04/2026", "Total 12,00 EUR", NULL};
    out = run_lines(eu);
    ck_assert_str_eq(str_value(out, "date"), "2026-04-03");
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_glued_date)
{
    static const char *const lines[] = {"Ref 80101911/26.06.2025", NULL};
    cJSON *out = run_lines(lines);
    ck_assert_str_eq(str_value(out, "date"), "2025-06-26");
    const cJSON *f;
    cJSON_ArrayForEach(f, out)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
        if (cJSON_IsString(v))
            ck_assert_msg(strncmp(v->valuestring, "19", 2) != 0, "19xx value %s", v->valuestring);
    }
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_invalid_and_implausible_dates)
{
    static const char *const bad[] = {"Date: 31/02/2024", NULL};
    cJSON *out = run_lines(bad);
    ck_assert_ptr_null(field(out, "date"));
    cJSON_Delete(out);
    static const char *const old[] = {"Date: 12.05.1972", "Date: 01.01.2031", NULL};
    out = run_lines(old);
    ck_assert_ptr_null(field(out, "date"));
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_due_date)
{
    static const char *const lines[] = {"Rechnungsdatum: 1. März 2026",
                                        "Zahlbar bis (fällig): 15.03.2026",
                                        "Gesamtbetrag 1.234,56 €", NULL};
    cJSON *out = run_lines(lines);
    ck_assert_str_eq(str_value(out, "date"), "2026-03-01");
    ck_assert_str_eq(str_value(out, "due_date"), "2026-03-15");
    const char *cur = NULL;
    ck_assert_str_eq(amount_of(out, "total", &cur), "1234.56");
    ck_assert_str_eq(cur, "EUR");
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_receipt_total_not_cash)
{
    static const char *const p1[] = {"KEDAI MAJU SDN BHD", "NO 12, JALAN BESAR", "Item A 4.50",
                                     NULL};
    static const char *const p2[] = {"Item B 3.00",     "TOTAL RM 7.50", "CASH RM 50.00",
                                     "CHANGE RM 42.50", "Total Qty: 2",  NULL};
    struct extract_opts o = {.today = TODAY};
    const char *const *pages[] = {p1, p2, NULL};
    cJSON *out = run_doc(&o, pages);
    const char *cur = NULL;
    ck_assert_str_eq(amount_of(out, "total", &cur), "7.50");
    ck_assert_str_eq(cur, "MYR");
    const cJSON *t = field(out, "total");
    ck_assert_int_eq((int)num(t, "page"), 2);
    /* "RM 7.50" on line 1 of page 2: columns 6..12 of "TOTAL RM 7.50". */
    const cJSON *bb = cJSON_GetObjectItemCaseSensitive(t, "bbox");
    ck_assert_int_eq(cJSON_GetArraySize(bb), 4);
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 0)->valueint, 70);
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 1)->valueint, 50);
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 2)->valueint, 70);
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 3)->valueint, 20);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(t, "text")->valuestring, "RM 7.50");
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_arithmetic_raises_confidence)
{
    static const char *const full[] = {"Subtotal 100.00", "VAT 19% 19.00", "Total 119.00", NULL};
    static const char *const alone[] = {"Total 119.00", NULL};
    static const char *const wrong[] = {"Subtotal 100.00", "VAT 19% 18.00", "Total 119.00", NULL};
    cJSON *a = run_lines(full), *b = run_lines(alone), *c = run_lines(wrong);
    ck_assert_str_eq(amount_of(a, "total", NULL), "119.00");
    ck_assert_str_eq(amount_of(a, "subtotal", NULL), "100.00");
    ck_assert_str_eq(amount_of(a, "tax", NULL), "19.00");
    ck_assert(is_valid(field(a, "total")));
    ck_assert(is_valid(field(a, "tax")));
    ck_assert_double_gt(num(field(a, "total"), "confidence"), num(field(b, "total"), "confidence"));
    ck_assert_double_gt(num(field(a, "total"), "confidence"), num(field(c, "total"), "confidence"));
    ck_assert(!is_valid(field(c, "total")));
    ck_assert_double_le(num(field(a, "total"), "confidence"), 1.0);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
}
END_TEST

START_TEST(doc_us_number_format_and_grand_total)
{
    static const char *const lines[] = {"Sub Total $1,000.00", "Sales Tax $82.50",
                                        "Grand Total $1,082.50", "Amount paid $1,100.00", NULL};
    cJSON *out = run_lines(lines);
    ck_assert_str_eq(amount_of(out, "total", NULL), "1082.50");
    ck_assert_str_eq(amount_of(out, "subtotal", NULL), "1000.00");
    ck_assert_str_eq(amount_of(out, "tax", NULL), "82.50");
    ck_assert(is_valid(field(out, "total")));
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_ocr_confused_amount)
{
    static const char *const lines[] = {"TOTAL l2.5O", NULL};
    cJSON *out = run_lines(lines);
    ck_assert_str_eq(amount_of(out, "total", NULL), "12.50");
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_ids_and_contacts)
{
    static const char *const lines[] = {"Muster GmbH",
                                        "Hauptstraße 5",
                                        "10115 Berlin",
                                        "Tel.: +49 (0)30 1234-567",
                                        "info@muster.example  www.muster.example",
                                        "USt-IdNr.: DE 136 695 976",
                                        "Rechnungsnummer: RE-2026-0042",
                                        "IBAN: DE89 37O4 OO44 O532 Ol3O OO",
                                        NULL};
    cJSON *out = run_lines(lines);
    ck_assert_str_eq(str_value(out, "company"), "Muster GmbH");
    ck_assert_str_eq(str_value(out, "address"), "Hauptstraße 5, 10115 Berlin");
    ck_assert_str_eq(str_value(out, "phone"), "+49301234567");
    ck_assert_str_eq(str_value(out, "email"), "info@muster.example");
    ck_assert_str_eq(str_value(out, "url"), "www.muster.example");
    ck_assert_str_eq(str_value(out, "vat_id"), "DE136695976");
    ck_assert_str_eq(str_value(out, "invoice_number"), "RE-2026-0042");
    ck_assert_str_eq(str_value(out, "iban"), "DE89370400440532013000");
    ck_assert(is_valid(field(out, "iban")));
    /* The IBAN's box spans its six printed groups on line 7. */
    const cJSON *bb = cJSON_GetObjectItemCaseSensitive(field(out, "iban"), "bbox");
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 0)->valueint, 70);
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 1)->valueint, 230);
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 2)->valueint, 270);
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_bad_iban_reported_invalid)
{
    static const char *const lines[] = {"IBAN GB82 WEST 1234 5698 7654 33", NULL};
    cJSON *out = run_lines(lines);
    ck_assert_str_eq(str_value(out, "iban"), "GB82WEST12345698765433");
    ck_assert(!is_valid(field(out, "iban")));
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_invoice_number_labels)
{
    static const char *const fr[] = {"Facture n° FA-2026/117", "Date : 4 juin 2026", NULL};
    cJSON *out = run_lines(fr);
    ck_assert_str_eq(str_value(out, "invoice_number"), "FA-2026/117");
    ck_assert_str_eq(str_value(out, "date"), "2026-06-04");
    cJSON_Delete(out);
    static const char *const nl[] = {"Factuurnummer: 2026001", "Totaal € 24,20", NULL};
    out = run_lines(nl);
    ck_assert_str_eq(str_value(out, "invoice_number"), "2026001");
    ck_assert_str_eq(amount_of(out, "total", NULL), "24.20");
    cJSON_Delete(out);
    static const char *const en[] = {"Receipt # 88812", "Invoice No.: INV-77", NULL};
    out = run_lines(en);
    ck_assert_str_eq(str_value(out, "invoice_number"), "INV-77");
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_invoice_number_below_label)
{
    /* Labels stacked in one column, values in the next: the k-th label takes the k-th value. */
    static const char *const stack[] = {
        "Invoice Summary", "Invoice Number:", "Invoice Date:", "42183017", "August 3 , 2014", NULL};
    cJSON *out = run_lines(stack);
    ck_assert_str_eq(str_value(out, "invoice_number"), "42183017");
    cJSON_Delete(out);
    /* A title with the number marked on the next line. */
    static const char *const title[] = {"Sammy Example", "INVOICE", "# INV_2022_17",
                                        "Bill To:", NULL};
    out = run_lines(title);
    ck_assert_str_eq(str_value(out, "invoice_number"), "INV_2022_17");
    cJSON_Delete(out);
    /* A title followed by an address line: no number. */
    static const char *const addr[] = {"INVOICE", "12 Market Street", NULL};
    out = run_lines(addr);
    ck_assert_ptr_null(field(out, "invoice_number"));
    cJSON_Delete(out);
    /* A value glued to the next column's label by the text layer. */
    static const char *const glued[] = {"Booking ID", "IBZY2087Payment Mode", "Cash at Hotel",
                                        NULL};
    out = run_lines(glued);
    ck_assert_str_eq(str_value(out, "invoice_number"), "IBZY2087");
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_words_only_and_default_currency)
{
    /* A page without text: the extractor joins the words itself. */
    static const char *const lines[] = {"Summe 42,00", NULL};
    struct dp_doc_text d = {0};
    d.npages = 1;
    d.pages = calloc(1, sizeof *d.pages);
    make_page(&d.pages[0], 1, lines, 50);
    free(d.pages[0].text);
    d.pages[0].text = NULL;
    struct extract_opts o = {.today = TODAY, .default_currency = "CHF"};
    cJSON *out = NULL;
    ck_assert_int_eq(extract_fields(NULL, &d, &o, &out), DP_OK);
    const char *cur = NULL;
    ck_assert_str_eq(amount_of(out, "total", &cur), "42.00");
    ck_assert_str_eq(cur, "CHF");
    const cJSON *t = field(out, "total");
    ck_assert_double_lt(num(t, "confidence"), 0.85);
    ck_assert(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(t, "bbox")));
    cJSON_Delete(out);
    doctext_cleanup(&d);
}
END_TEST

START_TEST(doc_amount_on_same_row)
{
    /* Receipt OCR in columns: labels and values are separate text lines on one row. */
    static const char *const lines[] = {"TOTAL", "CASH", "12.30", "20.00", NULL};
    struct dp_doc_text d = {0};
    d.npages = 1;
    d.pages = calloc(1, sizeof *d.pages);
    make_page(&d.pages[0], 1, lines, 90);
    for (int i = 2; i < 4; i++) { /* move the values right of their labels */
        d.pages[0].words[i].x = 400;
        d.pages[0].words[i].y = d.pages[0].words[i - 2].y + 4;
    }
    struct extract_opts o = {.today = TODAY};
    cJSON *out = NULL;
    ck_assert_int_eq(extract_fields(ex, &d, &o, &out), DP_OK);
    ck_assert_str_eq(amount_of(out, "total", NULL), "12.30");
    const cJSON *bb = cJSON_GetObjectItemCaseSensitive(field(out, "total"), "bbox");
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 0)->valueint, 400);
    ck_assert_int_eq(cJSON_GetArrayItem(bb, 1)->valueint, 24);
    cJSON_Delete(out);
    doctext_cleanup(&d);
}
END_TEST

START_TEST(doc_rounded_total_and_columns)
{
    static const char *const rounded[] = {"TOTAL RM 33.92",         "ROUNDING ADJ -RM 0.02",
                                          "TOTAL ROUNDED RM 33.90", "CASH RM 50.00",
                                          "CHANGE RM 16.10",        NULL};
    cJSON *out = run_lines(rounded);
    ck_assert_str_eq(amount_of(out, "total", NULL), "33.90");
    cJSON_Delete(out);
    static const char *const cols[] = {"Exclusief BTW € 593,36      Subtotaal € 717,97",
                                       "BTW 21% € 124,61", "Totaal € 717,97", NULL};
    out = run_lines(cols);
    ck_assert_str_eq(amount_of(out, "subtotal", NULL), "593.36");
    ck_assert_str_eq(amount_of(out, "tax", NULL), "124.61");
    ck_assert_str_eq(amount_of(out, "total", NULL), "717.97");
    ck_assert(is_valid(field(out, "total")));
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_cash_rounding)
{
    /* Only the unrounded total is labelled; the rounding line says the cash was rounded. */
    static const char *const adj[] = {"Sub Total (RM) 106.10",
                                      "Total GST (RM) 6.37",
                                      "Rounding (RM) : 0.02",
                                      "Total (RM) 112.47",
                                      "Cash (RM) 120.00",
                                      "Change (RM) 7.55",
                                      NULL};
    cJSON *out = run_lines(adj);
    ck_assert_str_eq(amount_of(out, "total", NULL), "112.45");
    ck_assert_str_eq(amount_of(out, "subtotal", NULL), "106.10");
    cJSON_Delete(out);
    /* The adjustment's decimal point was lost by OCR: round to 5 cents. */
    static const char *const lost[] = {"Total Sales (Excluding GST) 80.91", "Total GST 0.00",
                                       "Rounding 001", "Total 80.91", NULL};
    out = run_lines(lost);
    ck_assert_str_eq(amount_of(out, "total", NULL), "80.90");
    cJSON_Delete(out);
    /* Without a rounding line the total stays as printed. */
    static const char *const none[] = {"Total Sales 80.91", "Total 80.91", NULL};
    out = run_lines(none);
    ck_assert_str_eq(amount_of(out, "total", NULL), "80.91");
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_company_cut_and_address)
{
    static const char *const lines[] = {
        "AEON CO. (M) BHD (126926-H)", "3RD FLR, AEON TAMAN MALURI SC", "JLN JEJAKA, TAMAN MALURI",
        "CHERAS, 55100 KUALA LUMPUR",  "GST ID : 002017394688",         NULL};
    cJSON *out = run_lines(lines);
    ck_assert_str_eq(str_value(out, "company"), "AEON CO. (M) BHD");
    ck_assert_str_eq(str_value(out, "address"),
                     "3RD FLR, AEON TAMAN MALURI SC, JLN JEJAKA, TAMAN MALURI, CHERAS, 55100 "
                     "KUALA LUMPUR");
    ck_assert_ptr_null(field(out, "total"));
    ck_assert_ptr_null(field(out, "tax"));
    cJSON_Delete(out);
}
END_TEST

START_TEST(doc_empty_and_bad_args)
{
    struct dp_doc_text d = {0};
    cJSON *out = NULL;
    ck_assert_int_eq(extract_fields(ex, &d, NULL, &out), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(out), 0);
    cJSON_Delete(out);
    ck_assert_int_eq(extract_fields(ex, NULL, NULL, &out), DP_EINVAL);
    ck_assert_int_eq(extract_fields(ex, &d, NULL, NULL), DP_EINVAL);
    extractor_free(NULL);
}
END_TEST

Suite *extract_suite(void)
{
    Suite *s = suite_create("extract");
    TCase *tc = tcase_create("parsers");
    tcase_add_test(tc, amount_formats);
    tcase_add_test(tc, amount_ocr_confusions);
    tcase_add_test(tc, currency_codes);
    tcase_add_test(tc, date_formats);
    tcase_add_test(tc, date_order_and_invalid);
    tcase_add_test(tc, iban_checksums);
    tcase_add_test(tc, iban_ocr_repair);
    tcase_add_test(tc, phone_normalise);
    suite_add_tcase(s, tc);
    tc = tcase_create("documents");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, doc_order_day_first);
    tcase_add_test(tc, doc_order_month_first);
    tcase_add_test(tc, doc_order_us_currency);
    tcase_add_test(tc, doc_glued_date);
    tcase_add_test(tc, doc_invalid_and_implausible_dates);
    tcase_add_test(tc, doc_due_date);
    tcase_add_test(tc, doc_receipt_total_not_cash);
    tcase_add_test(tc, doc_arithmetic_raises_confidence);
    tcase_add_test(tc, doc_us_number_format_and_grand_total);
    tcase_add_test(tc, doc_ocr_confused_amount);
    tcase_add_test(tc, doc_ids_and_contacts);
    tcase_add_test(tc, doc_bad_iban_reported_invalid);
    tcase_add_test(tc, doc_invoice_number_labels);
    tcase_add_test(tc, doc_invoice_number_below_label);
    tcase_add_test(tc, doc_words_only_and_default_currency);
    tcase_add_test(tc, doc_amount_on_same_row);
    tcase_add_test(tc, doc_rounded_total_and_columns);
    tcase_add_test(tc, doc_cash_rounding);
    tcase_add_test(tc, doc_company_cut_and_address);
    tcase_add_test(tc, doc_empty_and_bad_args);
    suite_add_tcase(s, tc);
    return s;
}
