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

Suite *lineitems_suite(void)
{
    Suite *s = suite_create("lineitems");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, item_lines);
    tcase_add_test(tc, lines_that_are_not_items);
    tcase_add_test(tc, items_of_a_page);
    suite_add_tcase(s, tc);
    return s;
}
