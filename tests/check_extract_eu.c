/* check_extract_eu.c -- the typed extractors on German, French, Dutch, Spanish and Italian
 * invoices: their invoice-number and total labels, allowances and prepayments that are not
 * totals, and number and date formats ("1 234,56 €", "12. März 2025"). */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "extract.h"
#include "extract_int.h"

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

/* A line of page text and where it is printed (its first character's top-left corner). */
struct placed {
    const char *text;
    int x, y;
};

/* Fields of one page in language lang (NULL: unknown) whose text holds the n lines of pl in
 * that order; one word per blank-separated token, 10 px a character, 20 px high. */
static cJSON *run_placed(const struct placed *pl, size_t n, const char *lang)
{
    struct dp_page pg = {.number = 1, .width = 2000, .height = 3000, .dpi = 300, .conf = 95};
    size_t tl = 1, nw = 0;
    for (size_t l = 0; l < n; l++)
        tl += strlen(pl[l].text) + 1, nw += strlen(pl[l].text) / 2 + 1;
    pg.text = calloc(tl, 1);
    pg.words = calloc(nw, sizeof *pg.words);
    char *t = pg.text;
    for (size_t l = 0; l < n; l++) {
        const char *s = pl[l].text;
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
                                                     .x = pl[l].x + 10 * (int)i,
                                                     .y = pl[l].y,
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
    struct extract_opts o = {.today = TODAY, .lang = lang};
    cJSON *out = NULL;
    ck_assert_int_eq(extract_fields(ex, &doc, &o, &out), DP_OK);
    page_cleanup(&pg);
    return out;
}

/* The same with one line under the other (30 px a line). */
static cJSON *run_lang(const char *const *lines, const char *lang)
{
    struct placed pl[64];
    size_t n = 0;
    for (; lines[n]; n++) {
        ck_assert_uint_lt(n, sizeof pl / sizeof *pl);
        pl[n] = (struct placed){lines[n], 10, 20 + 30 * (int)n};
    }
    return run_placed(pl, n, lang);
}

static cJSON *run(const char *const *lines)
{
    return run_lang(lines, NULL);
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
    /* a VAT-id label ("USt-IdNr") on a line with another number is no tax line */
    const char *const d[] = {"USt-IdNr : DE123456789 Abteilung : 8211", "Beleg-Datum : 06.08.2013",
                             NULL};
    cJSON *out = run_lang(d, "deu");
    ck_assert_str_eq(value(out, "tax"), "(none)");
    cJSON_Delete(out);
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

/* ---- chosen by the document's language ---- */

static void expect_field(const char *const *lines, const char *lang, const char *name,
                         const char *want)
{
    cJSON *out = run_lang(lines, lang);
    ck_assert_msg(strcmp(value(out, name), want) == 0, "%s in %s: %s, want %s", name,
                  lang ? lang : "(none)", value(out, name), want);
    cJSON_Delete(out);
}

START_TEST(amount_decimal_mark)
{
    char a[32];
    /* one separator and three digits: the only case the printing leaves open */
    ck_assert_int_eq(extract_parse_amount_dec("1.234", 5, '.', a, sizeof a), DP_OK);
    ck_assert_str_eq(a, "1.23");
    ck_assert_int_eq(extract_parse_amount_dec("1.234", 5, ',', a, sizeof a), DP_OK);
    ck_assert_str_eq(a, "1234.00");
    ck_assert_int_eq(extract_parse_amount_dec("1,234", 5, ',', a, sizeof a), DP_OK);
    ck_assert_str_eq(a, "1.23");
    ck_assert_int_eq(extract_parse_amount_dec("1,234", 5, '.', a, sizeof a), DP_OK);
    ck_assert_str_eq(a, "1234.00");
    ck_assert_int_eq(extract_parse_amount_dec("1,234", 5, 0, a, sizeof a), DP_OK);
    ck_assert_str_eq(a, "1234.00");
    /* what the printing settles stays settled, whatever the language */
    const char *const fixed[][2] = {{"1.234,56", "1234.56"},     {"1,234.56", "1234.56"},
                                    {"1 234,56", "1234.56"},     {"12,50", "12.50"},
                                    {"1.234.567", "1234567.00"}, {"9.99", "9.99"}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        for (int k = 0; k < 3; k++) {
            char dec = k == 0 ? 0 : k == 1 ? '.' : ',';
            ck_assert_int_eq(
                extract_parse_amount_dec(fixed[i][0], strlen(fixed[i][0]), dec, a, sizeof a),
                DP_OK);
            ck_assert_str_eq(a, fixed[i][1]);
        }
    /* in a document: the same line, German and English */
    const char *const t[] = {"Total 1.234 EUR", NULL};
    expect_field(t, "deu", "total", "1234.00");
    expect_field(t, "deu+eng", "total", "1234.00");
    expect_field(t, "eng", "total", "1.23");
    const char *const u[] = {"Montant TTC 1,234", NULL};
    expect_field(u, "fra", "total", "1.23");
    expect_field(u, "eng", "total", "1234.00");
    expect_field(u, NULL, "total", "1234.00"); /* unknown: as before, thousands */
}
END_TEST

START_TEST(date_order)
{
    /* 02/03/2024: 2 March in France, February 3 on a US invoice */
    const char *const a[] = {"Date 02/03/2024", "Total 12.00 $", NULL};
    expect_field(a, "fra", "date", "2024-03-02");
    expect_field(a, "eng", "date", "2024-02-03");
    expect_field(a, NULL, "date", "2024-02-03");
    const char *const b[] = {"Date 02/03/2024", "Total 12,00 EUR", NULL};
    expect_field(b, "fra", "date", "2024-03-02");
    expect_field(b, "deu", "date", "2024-03-02");
    expect_field(b, "eng", "date", "2024-03-02"); /* an English invoice in euros */
    /* a date the printing settles (25 > 12) decides the order for the other dates */
    const char *const c[] = {"Date 02/03/2024", "Delivery 12/25/2023", "Total 12,00 EUR", NULL};
    expect_field(c, "fra", "date", "2024-02-03");
}
END_TEST

START_TEST(labels_by_language)
{
    ck_assert_uint_eq(extract_label_langs("Gesamtbetrag", 12), 1u << EXL_DEU);
    ck_assert_uint_eq(extract_label_langs("Montant TTC", 11), 1u << EXL_FRA);
    ck_assert_uint_eq(extract_label_langs("Totaal", 6), 1u << EXL_NLD);
    ck_assert_uint_eq(extract_label_langs("Totale fattura", 14), 1u << EXL_ITA);
    ck_assert(extract_label_langs("TOTAL", 5) & (1u << EXL_ENG));
    ck_assert(extract_label_langs("TOTAL", 5) & (1u << EXL_FRA));
    ck_assert_uint_eq(extract_label_langs("Le", 2), 1u << EXL_FRA);
    ck_assert_uint_eq(extract_label_langs("Lettre", 6), 0);
    ck_assert_uint_eq(extract_label_langs("#", 1), 0);
    ck_assert_int_eq(extract_lang_index("deu+eng"), EXL_DEU);
    ck_assert_int_eq(extract_lang_index("eng"), EXL_ENG);
    ck_assert_int_eq(extract_lang_index("rus"), -1);
    ck_assert_int_eq(extract_lang_index("de"), -1);
    ck_assert_int_eq(extract_lang_index(NULL), -1);
    /* two totals of equal rank: the label in the document's language wins; unknown: the
     * larger, as before */
    const char *const t[] = {"Summe 60.00", "Total 50.00", NULL};
    expect_field(t, "eng", "total", "50.00");
    expect_field(t, NULL, "total", "60.00");
    const char *const g[] = {"Summe 60,00", "Total 50,00", NULL};
    expect_field(g, "deu", "total", "60.00");
    /* two invoice-number labels: the document's language's first; unknown: the first line */
    const char *const n[] = {"Invoice No. A-100", "Rechnung Nr. B-200", NULL};
    expect_field(n, "deu", "invoice_number", "B-200");
    expect_field(n, "eng", "invoice_number", "A-100");
    expect_field(n, NULL, "invoice_number", "A-100");
}
END_TEST

/* Tesseract's layout analysis gives the text column by column: the company is found where
 * it is printed, not where its column lands in the text (e-invoice scans, 200 dpi). */
START_TEST(company_where_printed)
{
    /* a "Name:" label column, then its values (EN16931 samples) */
    const struct placed a[] = {
        {"Handelsrechnung (380) Nr. 471102 vom 05.03.2018", 150, 150},
        {"Beispiel-Rechnungen für ZUGFeRD 2.2, (c) FeRD 2022", 1100, 100},
        {"Währung: EUR", 150, 250},
        {"Liefer- und Leistungsdatum: 05.03.2018", 150, 290},
        {"Verkäufer", 150, 350},
        {"Nummer: 549910", 150, 390},
        {"Globale Nummer:", 150, 430},
        {"Name:", 150, 470},
        {"Anschrift:", 150, 510},
        {"Steuernummer:", 150, 590},
        {"USt.-Id.-Nr.:", 150, 630},
        {"4000001123452 (GLN)", 600, 432},
        {"Lieferant GmbH", 600, 472},
        {"Lieferantenstraße 20", 600, 512},
        {"DE 80333 München", 600, 552},
        {"Kunden AG Mitte", 600, 800},
    };
    cJSON *out = run_placed(a, sizeof a / sizeof *a, "deu");
    ck_assert_str_eq(value(out, "company"), "Lieferant GmbH");
    cJSON_Delete(out);
    /* the letterhead on the right, read after the whole left column with the sender line
     * above the window (GnuAccounting samples) */
    const struct placed b[] = {
        {"2017-05-09", 180, 163},
        {"Bei SpielGmbH e Ecke12 e 12345 Stadthausen", 284, 435},
        {"Theodor Est", 198, 474},
        {"Bahnstr. 42", 200, 554},
        {"88802 Spielkreis", 198, 666},
        {"Rechnung # RE-20170509/505 von 09.05.2017", 160, 984},
        {"Gesamtbetrag: 571,04 €", 159, 1674},
        {"Bei Spiel GmbH", 1255, 344},
        {"Ecke 12", 1255, 389},
        {"12345 Stadthausen", 1255, 429},
    };
    out = run_placed(b, sizeof b / sizeof *b, "deu");
    ck_assert_str_eq(value(out, "company"), "Bei Spiel GmbH");
    /* the address follows the name in its own column ("Ecke 12" carries no street cue) */
    ck_assert_str_eq(value(out, "address"), "12345 Stadthausen");
    cJSON_Delete(out);
    /* one column read top down (a receipt): the order of the text, as before */
    const char *const r[] = {"Thank you for shopping", "ACME TRADING SDN BHD", "JALAN SAGU 18",
                             NULL};
    out = run(r);
    ck_assert_str_eq(value(out, "company"), "ACME TRADING SDN BHD");
    cJSON_Delete(out);
}
END_TEST

/* A seller block: the "Name:" under the seller label is the company, even without a legal
 * form and under a banner line; a name wrapped above its label is taken whole. */
START_TEST(company_seller_block)
{
    /* EN16931 sample as read from a scan: label column, then the values' column */
    const struct placed a[] = {
        {"Beispiel-Rechnungen fiir ZUGFeRD 2.2, (c) FeRD 2022", 1100, 100},
        {"Mietrechnung (387) Nr. 9314110911/00/M/00/N vom", 150, 150},
        {"Wahrung:", 150, 250},
        {"Verkaufer", 150, 350},
        {"Nummer:", 150, 390},
        {"Globale Nummer:", 150, 430},
        {"Name:", 150, 470},
        {"", 150, 470}, /* the reader's blank line after it */
        {"Anschrift:", 150, 510},
        {"Kaufer/Leistungsempfanger", 150, 650},
        {"Name:", 150, 730},
        {"EUR", 600, 250},
        {"549910", 600, 390},
        {"4333741000005 (GLN)", 600, 430},
        {"MUSTER-Autovermietung", 600, 470},
        {"Musterstr. 99", 600, 510},
        {"MUSTER-KUNDE GMBH", 600, 730},
    };
    cJSON *out = run_placed(a, sizeof a / sizeof *a, "deu");
    ck_assert_str_eq(value(out, "company"), "MUSTER-Autovermietung");
    cJSON_Delete(out);
    /* the name over two lines, its label beside the second */
    const struct placed b[] = {
        {"Beispiel-Rechnungen für ZUGFeRD 2.2, (c) FeRD 2022", 1100, 100},
        {"Verkäufer", 150, 350},
        {"Nummer: 549910", 150, 390},
        {"MVM Musterhafter", 210, 430},
        {"Name: Versicherungsverein Musterstadt a.G.", 150, 470},
        {"Anschrift: Musterstr. 12", 150, 510},
        {"DE 12345 Musterstadt", 260, 550},
    };
    out = run_placed(b, sizeof b / sizeof *b, "deu");
    ck_assert_str_eq(value(out, "company"),
                     "MVM Musterhafter Versicherungsverein Musterstadt a.G.");
    cJSON_Delete(out);
    /* ... or beside the first, the rest (with the legal form) under it; a text layer's
     * U+2010 hyphens are written as '-' */
    const struct placed b2[] = {
        {"Verkäufer", 150, 350},
        {"Nummer: 549910", 150, 390},
        {"Name: MVM Musterhafter", 150, 430},
        {"Versicherungsverein Musterstadt a.G.", 210, 470},
        {"Anschrift: Musterstr. 12", 150, 510},
        {"Musterstadt", 210, 550},
    };
    out = run_placed(b2, sizeof b2 / sizeof *b2, "deu");
    ck_assert_str_eq(value(out, "company"),
                     "MVM Musterhafter Versicherungsverein Musterstadt a.G.");
    cJSON_Delete(out);
    const struct placed b3[] = {
        {"Verkäufer", 150, 350},
        {"Name: MUSTER\u2010Autovermietung", 150, 430},
        {"Anschrift: Musterstr. 12", 150, 510},
    };
    out = run_placed(b3, sizeof b3 / sizeof *b3, "deu");
    ck_assert_str_eq(value(out, "company"), "MUSTER-Autovermietung");
    cJSON_Delete(out);
    /* the value after the label itself (French) */
    const struct placed c[] = {
        {"FACTURE N° 2024-118", 150, 100},
        {"Client : Martin Bâtiment SARL", 150, 200},
        {"Vendeur : Atelier Lefèvre", 150, 300},
        {"12 rue des Lilas, 69003 Lyon", 150, 340},
    };
    out = run_placed(c, sizeof c / sizeof *c, "fra");
    ck_assert_str_eq(value(out, "company"), "Atelier Lefèvre");
    cJSON_Delete(out);
    /* a seller label without a name under it: the buyer's name is never taken */
    const struct placed d[] = {
        {"Nordlicht Handel GmbH", 150, 100},
        {"Lieferant", 150, 300},
        {"Kunde", 150, 340},
        {"Name: Kunden AG Mitte", 150, 380},
    };
    out = run_placed(d, sizeof d / sizeof *d, "deu");
    ck_assert_str_eq(value(out, "company"), "Nordlicht Handel GmbH");
    cJSON_Delete(out);
}
END_TEST

/* Legal forms of more countries mark a header line as the company; a copyright banner never
 * is one. */
START_TEST(company_legal_forms)
{
    static const char *const names[] = {
        "Versicherungsverein Musterstadt a.G.",
        "Tierschutzverein Nord e.V.",
        "Bäckerei Korn eG",
        "Muster Holding KGaA",
        "Klein UG (haftungsbeschränkt)",
        "Dupont Frères S.A.S.U.",
        "Nowak Sp. z o.o.",
        "Rossi Forniture S.a.s.",
        "Van Dijk BVBA",
        "Nordsjø Fisk A/S",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const struct placed p[] = {
            {"Beispiel-Rechnungen, (c) FeRD 2022", 150, 60},
            {"Rechnungskopie zur Ansicht", 150, 100},
            {names[i], 150, 200},
            {"Musterstr. 12", 150, 240},
        };
        cJSON *out = run_placed(p, sizeof p / sizeof *p, "deu");
        ck_assert_msg(value(out, "company") && strcmp(value(out, "company"), names[i]) == 0,
                      "%s: got %s", names[i], value(out, "company"));
        cJSON_Delete(out);
    }
    /* garbage OCR that happens to hold a lower-case "snc" is no legal form */
    const struct placed g[] = {
        {"ASIA MART", 150, 100},
        {"sssuisz007, 7 Ges 080 shoes snc", 150, 140},
    };
    cJSON *gout = run_placed(g, sizeof g / sizeof *g, "eng");
    ck_assert_str_eq(value(gout, "company"), "ASIA MART");
    cJSON_Delete(gout);
    /* no legal form anywhere: the first substantial line, not the banner */
    const struct placed q[] = {
        {"Beispiel-Rechnungen für ZUGFeRD 2.2, (c) FeRD 2022", 150, 60},
        {"Muster Autovermietung", 150, 200},
    };
    cJSON *out = run_placed(q, sizeof q / sizeof *q, "deu");
    ck_assert_str_eq(value(out, "company"), "Muster Autovermietung");
    cJSON_Delete(out);
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
    tc = tcase_create("language");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, amount_decimal_mark);
    tcase_add_test(tc, date_order);
    tcase_add_test(tc, labels_by_language);
    suite_add_tcase(s, tc);
    tc = tcase_create("party");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, company_where_printed);
    tcase_add_test(tc, company_seller_block);
    tcase_add_test(tc, company_legal_forms);
    suite_add_tcase(s, tc);
    return s;
}
