/* check_lineitems.c -- line items from receipt and invoice lines: the usual column orders,
 * number formats, and the lines that must not become items (totals, taxes, dates, phones). */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "lineitems.h"

struct want {
    const char *line, *desc, *qty, *unit, *price, *amount, *rate;
};

START_TEST(item_lines)
{
    static const struct want cases[] = {
        {"2 x Coffee 3.50 7.00", "Coffee", "2", "", "3.50", "7.00", ""},
        {"1 Trennblätter A4 20 Stk 9,90 19 % 198,00", "Trennblätter A4", "20", "Stk", "9.90",
         "198.00", "19"},
        {"Joghurt Banane 50,0000 H87 5,5000 7% 275,00", "Joghurt Banane", "50.0000", "H87",
         "5.5000", "275.00", "7"},
        {"Beratung 2 h 80,00 160,00", "Beratung", "2", "h", "80.00", "160.00", ""},
        {"3 Bread 1.20", "Bread", "3", "", "", "1.20", ""},
        {"Milk 1L 2.49 A", "Milk 1L", "", "", "", "2.49", ""},
        {"Widget 1.234,50 €", "Widget", "", "", "", "1234.50", ""},
        {"Consulting services 10 150.00 1,500.00", "Consulting services", "10", "", "150.00",
         "1500.00", ""},
        {"Return deposit 0,25-", "Return deposit", "", "", "", "-0.25", ""},
        {"Licence 12 x 9.99 119.88 EUR", "Licence", "12", "", "9.99", "119.88", ""},
        /* price before quantity: the number a unit follows is the quantity */
        {"1 TB100A4 Trennblätter A4 9,9000 20 Stk 19 % 198,00", "TB100A4 Trennblätter A4", "20",
         "Stk", "9.9000", "198.00", "19"},
        /* a decimal quantity first, the tax rate, price and amount with currency signs */
        {"1,00 Künstlerische Gestaltung 7% 160,00 € 160,00 €", "Künstlerische Gestaltung", "1.00",
         "", "160.00", "160.00", "7"},
        {"800.00 Hot air 19% 0.025 € 20.00 €", "Hot air", "800.00", "", "0.025", "20.00", "19"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct lineitem it;
        const struct want *w = &cases[i];
        ck_assert_msg(lineitems_parse_line(w->line, strlen(w->line), &it), "not an item: %s",
                      w->line);
        ck_assert_str_eq(it.description, w->desc);
        ck_assert_msg(strcmp(it.quantity, w->qty) == 0, "%s: qty %s", w->line, it.quantity);
        ck_assert_msg(strcmp(it.unit, w->unit) == 0, "%s: unit %s", w->line, it.unit);
        ck_assert_msg(strcmp(it.unit_price, w->price) == 0, "%s: price %s", w->line, it.unit_price);
        ck_assert_str_eq(it.amount, w->amount);
        ck_assert_msg(strcmp(it.tax_rate, w->rate) == 0, "%s: rate %s", w->line, it.tax_rate);
    }
}
END_TEST

START_TEST(lines_that_are_not_items)
{
    static const char *const lines[] = {
        "TOTAL 12.50",
        "Zwischensumme 473,00",
        "MwSt. 19% 37,62",
        "Gesamtbetrag EUR 529,87",
        "Montant TTC 120,00",
        "Totaal te betalen 99,95",
        "Importe total 45,10",
        "Rechnungsdatum 05.03.2018",
        "Telefon 030 1234,56",
        "Thank you for your visit",
        "12.50",
        "1 2.00",
        "Item 1.5",
        "Cash 20.00",
        "Positionssumme 473,00",
        "Belegsummen 180,76",
        "getLineTradeAgreementBruttopreis : 9,9000",
        "",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        struct lineitem it;
        ck_assert_msg(!lineitems_parse_line(lines[i], strlen(lines[i]), &it), "item: %s (%s)",
                      lines[i], it.description);
    }
}
END_TEST

/* A page of words: header, two items, the totals, a line after them. */
START_TEST(items_of_a_page)
{
    static const char *const lines[] = {
        "ACME GmbH",
        "Pos Bezeichnung Menge Preis Betrag",
        "1 Widget A4 10 9,50 95,00",
        "2 Service hour 2 40,00 80,00",
        "Zwischensumme 175,00",
        "Late fee 5,00",
    };
    struct dp_page pg = {.number = 2, .width = 1000, .height = 1400, .dpi = 300, .conf = 90};
    pg.words = calloc(64, sizeof *pg.words);
    for (size_t l = 0; l < sizeof lines / sizeof *lines; l++) {
        char *copy = strdup(lines[l]), *save = NULL;
        int col = 0;
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
            struct dp_word *w = &pg.words[pg.nwords++];
            *w = (struct dp_word){.text = strdup(t),
                                  .conf = 90,
                                  .x = 10 + col * 100,
                                  .y = 50 + (int)l * 40,
                                  .w = 90,
                                  .h = 30,
                                  .line = (int)l};
            col++;
        }
        free(copy);
    }
    struct dp_doc_text doc = {.pages = &pg, .npages = 1};
    cJSON *fields = cJSON_Parse("[{\"name\":\"total\",\"value\":{\"amount\":\"208.25\","
                                "\"currency\":\"EUR\"}}]");
    cJSON *items = lineitems_find(&doc, fields);
    ck_assert_int_eq(cJSON_GetArraySize(items), 2);
    const cJSON *a = cJSON_GetArrayItem(items, 0), *b = cJSON_GetArrayItem(items, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(a, "description")->valuestring, "Widget A4");
    ck_assert_str_eq(cJSON_GetObjectItem(a, "quantity")->valuestring, "10");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "amount"), "currency")->valuestring,
                     "EUR");
    ck_assert_int_eq((int)cJSON_GetObjectItem(a, "page")->valuedouble, 2);
    const cJSON *box = cJSON_GetObjectItem(a, "bbox");
    ck_assert_int_eq(cJSON_GetArrayItem(box, 0)->valueint, 10);
    ck_assert_int_eq(cJSON_GetArrayItem(box, 1)->valueint, 130);
    ck_assert_int_eq(cJSON_GetArrayItem(box, 2)->valueint, 590);        /* 6 words of 100 px */
    ck_assert(cJSON_GetObjectItem(a, "confidence")->valuedouble > 0.9); /* 10 x 9.50 = 95.00 */
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(a, "tax_rate")));
    ck_assert_str_eq(cJSON_GetObjectItem(b, "description")->valuestring, "Service hour");
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(b, "unit_price"), "amount")->valuestring, "40.00");
    cJSON_Delete(items);
    cJSON_Delete(fields);
    for (size_t i = 0; i < pg.nwords; i++)
        free(pg.words[i].text);
    free(pg.words);
}
END_TEST

/* A PDF text layer's order: column by column. The item's amount sits on the row below its
 * other columns, beside the article number. Rows are rebuilt from the boxes. */
START_TEST(rows_from_boxes)
{
    static const struct {
        const char *text;
        int x, y;
    } cols[] = {
        {"1", 290, 562},
        {"Trennblätter", 795, 562},
        {"A4", 974, 562},
        {"9,9000", 1470, 562},
        {"20", 1679, 562},
        {"Stk", 1720, 562},
        {"19", 1895, 562},
        {"%", 1936, 562},
        {"4012345001235", 495, 600},
        {"198,00", 2133, 595},
        {"Positionssumme", 795, 900},
        {"198,00", 2133, 900},
    };
    size_t order[] = {0, 8, 1, 2, 10, 3, 4, 5, 6, 7, 9, 11}; /* column-wise */
    struct dp_page pg = {.number = 1, .width = 2480, .height = 3508, .dpi = 300};
    pg.words = calloc(16, sizeof *pg.words);
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        size_t k = order[i];
        pg.words[pg.nwords++] = (struct dp_word){.text = strdup(cols[k].text),
                                                 .conf = 100,
                                                 .x = cols[k].x,
                                                 .y = cols[k].y,
                                                 .w = 20 * (int)strlen(cols[k].text),
                                                 .h = 34,
                                                 .line = (int)i};
    }
    struct dp_doc_text doc = {.pages = &pg, .npages = 1};
    cJSON *items = lineitems_find(&doc, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    const cJSON *a = cJSON_GetArrayItem(items, 0);
    ck_assert_str_eq(cJSON_GetObjectItem(a, "description")->valuestring, "Trennblätter A4");
    ck_assert_str_eq(cJSON_GetObjectItem(a, "quantity")->valuestring, "20");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "amount"), "amount")->valuestring,
                     "198.00");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "amount"), "currency")));
    /* the box spans both rows */
    const cJSON *box = cJSON_GetObjectItem(a, "bbox");
    ck_assert_int_eq(cJSON_GetArrayItem(box, 1)->valueint, 562);
    ck_assert_int_eq(cJSON_GetArrayItem(box, 3)->valueint, 600 + 34 - 562);
    cJSON_Delete(items);
    for (size_t i = 0; i < pg.nwords; i++)
        free(pg.words[i].text);
    free(pg.words);
}
END_TEST

Suite *lineitems_suite(void)
{
    Suite *s = suite_create("lineitems");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, item_lines);
    tcase_add_test(tc, lines_that_are_not_items);
    tcase_add_test(tc, items_of_a_page);
    tcase_add_test(tc, rows_from_boxes);
    suite_add_tcase(s, tc);
    return s;
}
