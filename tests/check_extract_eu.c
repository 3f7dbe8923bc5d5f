/* check_extract_eu.c -- the typed extractors on German, French, Dutch, Spanish and Italian
 * invoices: their invoice-number and total labels, allowances and prepayments that are not
 * totals, and number and date formats ("1 234,56 €", "12. März 2025"). */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "extract.h"

#define TODAY 1780272000 /* 2026-06-01 */

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

/* Fields of one page, one word per blank-separated token (10 px a character, 30 px a line). */
static cJSON *run(const char *const *lines)
{
    struct dp_page pg = {.number = 1, .width = 2000, .height = 3000, .dpi = 300, .conf = 95};
    size_t tl = 1, nw = 0;
    for (size_t l = 0; lines[l]; l++)
        tl += strlen(lines[l]) + 1, nw += strlen(lines[l]) / 2 + 1;
    pg.text = calloc(tl, 1);
    pg.words = calloc(nw, sizeof *pg.words);
    char *t = pg.text;
    for (size_t l = 0; lines[l]; l++) {
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
            pg.words[pg.nwords++] = (struct dp_word){.text = strndup(s + i, j - i),
                                                     .conf = 95,
                                                     .x = 10 + 10 * (int)i,
                                                     .y = 20 + 30 * (int)l,
                                                     .w = 10 * (int)(j - i),
                                                     .h = 20,
                                                     .line = (int)l};
            i = j;
        }
        memcpy(t, s, len);
        t += len;
        *t++ = '\n';
    }
    struct dp_doc_text doc = {.pages = &pg, .npages = 1};
    struct extract_opts o = {.today = TODAY};
    cJSON *out = NULL;
    ck_assert_int_eq(extract_fields(ex, &doc, &o, &out), DP_OK);
    page_cleanup(&pg);
    return out;
}

static const char *value(const cJSON *out, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, out)
    {
        if (strcmp(cJSON_GetObjectItem(f, "name")->valuestring, name) != 0)
            continue;
        const cJSON *v = cJSON_GetObjectItem(f, "value");
        return cJSON_IsObject(v) ? cJSON_GetObjectItem(v, "amount")->valuestring : v->valuestring;
    }
    return "(none)";
}

struct want {
    const char *number, *date, *total, *subtotal, *tax;
};

static void expect(const char *const *lines, const struct want *w)
{
    cJSON *out = run(lines);
    ck_assert_str_eq(value(out, "invoice_number"), w->number);
    ck_assert_str_eq(value(out, "date"), w->date);
    ck_assert_str_eq(value(out, "total"), w->total);
    if (w->subtotal)
        ck_assert_str_eq(value(out, "subtotal"), w->subtotal);
    if (w->tax)
        ck_assert_str_eq(value(out, "tax"), w->tax);
    cJSON_Delete(out);
}

START_TEST(german)
{
    /* an XRechnung rendering: title line with type code, the sums block with allowances */
    const char *const a[] = {"Handelsrechnung (380) Nr. 471102 vom 05.03.2018",
                             "Positionssumme 473,00",
                             "Gesamtbetrag der Zuschläge 0,00",
                             "Rechnungssumme ohne USt. 473,00",
                             "Steuerbetrag 56,87",
                             "Bruttosumme 529,87",
                             "Erhaltene Anzahlungen -0,00",
                             "Zahlbetrag 529,87",
                             NULL};
    expect(a, &(struct want){"471102", "2018-03-05", "529.87", "473.00", "56.87"});
    const char *const b[] = {"Rechnung des Versicherers (575) Nr. 01.234.567.8-2018-1",
                             "Rechnungsdatum: 12. März 2025", "Gesamtbetrag 1.234,56 EUR", NULL};
    expect(b, &(struct want){"01.234.567.8-2018-1", "2025-03-12", "1234.56", NULL, NULL});
    const char *const c[] = {"Rechnungsnummer: RE-2025-17", "Datum 01.02.2025",
                             "Nettobetrag 100,00 €",        "MwSt. 19 % 19,00 €",
                             "Bruttobetrag 119,00 €",       NULL};
    expect(c, &(struct want){"RE-2025-17", "2025-02-01", "119.00", "100.00", "19.00"});
}
END_TEST

START_TEST(french)
{
    const char *const a[] = {"FACTURE N° FA-2025-0042", "Date : 3 févr. 2025",
                             "Total HT 1 000,00 €",     "TVA 20 % 200,00 €",
                             "Montant TTC 1 200,00 €",  NULL};
    expect(a, &(struct want){"FA-2025-0042", "2025-02-03", "1200.00", "1000.00", "200.00"});
    const char *const b[] = {"Numéro de facture : 2025/118", "Le 14/05/2025", "Net à payer 87,50 €",
                             NULL};
    expect(b, &(struct want){"2025/118", "2025-05-14", "87.50", NULL, NULL});
}
END_TEST

START_TEST(dutch)
{
    const char *const a[] = {"Factuurnummer: 2025-0311",   "Factuurdatum: 11-03-2025",
                             "Subtotaal € 250,00",         "BTW 21% € 52,50",
                             "Totaal te betalen € 302,50", NULL};
    expect(a, &(struct want){"2025-0311", "2025-03-11", "302.50", "250.00", "52.50"});
}
END_TEST

START_TEST(spanish)
{
    const char *const a[] = {"Factura nº F2025-77",    "Fecha: 07/04/2025",
                             "Base imponible 80,00 €", "IVA 21% 16,80 €",
                             "Importe total 96,80 €",  NULL};
    expect(a, &(struct want){"F2025-77", "2025-04-07", "96.80", "80.00", "16.80"});
}
END_TEST

START_TEST(italian)
{
    const char *const a[] = {"Fattura n. 125/2025",     "Data 30/06/2025",
                             "Imponibile 500,00 €",     "IVA 22% 110,00 €",
                             "Totale fattura 610,00 €", NULL};
    expect(a, &(struct want){"125/2025", "2025-06-30", "610.00", "500.00", "110.00"});
}
END_TEST

Suite *extract_eu_suite(void)
{
    Suite *s = suite_create("extract_eu");
    TCase *tc = tcase_create("labels");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, german);
    tcase_add_test(tc, french);
    tcase_add_test(tc, dutch);
    tcase_add_test(tc, spanish);
    tcase_add_test(tc, italian);
    suite_add_tcase(s, tc);
    return s;
}
