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
        /* more numbers than quantity and price (packing unit, rate without '%'): the pair
         * whose product is the amount */
        {"Zitronensäure 100ml 4123456000014 28997 100,0000 Stk. 1 1,0000 19,0 100,00",
         "Zitronensäure 100ml", "100.0000", "Stk.", "1.0000", "100.00", "19.0"},
        {"Bierbrau Pils 15,0000 Stk. 20 12,0000 19,0 180,00", "Bierbrau Pils", "15.0000", "Stk.",
         "12.0000", "180.00", "19.0"},
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

/* ---- tables of items ---- */

START_TEST(header_roles)
{
    static const struct {
        const char *text;
        enum lineitems_col role;
    } cases[] = {
        {"Description", LI_COL_DESC},
        {"Bezeichnung", LI_COL_DESC},
        {"DÉSIGNATION", LI_COL_DESC},
        {"Omschrijving", LI_COL_DESC},
        {"Descripción", LI_COL_DESC},
        {"Descrizione", LI_COL_DESC},
        {"Qty", LI_COL_QTY},
        {"Menge", LI_COL_QTY},
        {"Quantité", LI_COL_QTY},
        {"Aantal", LI_COL_QTY},
        {"Cantidad", LI_COL_QTY},
        {"Quantità", LI_COL_QTY},
        {"Unit price", LI_COL_PRICE},
        {"Einzelpreis", LI_COL_PRICE},
        {"Prix unitaire", LI_COL_PRICE},
        {"Stukprijs", LI_COL_PRICE},
        {"Precio unitario", LI_COL_PRICE},
        {"Prezzo unitario", LI_COL_PRICE},
        {"Nettopreis", LI_COL_PRICE},
        {"Amount", LI_COL_AMOUNT},
        {"Betrag", LI_COL_AMOUNT},
        {"Gesamtpreis", LI_COL_AMOUNT},
        {"Montant HT", LI_COL_AMOUNT},
        {"Bedrag", LI_COL_AMOUNT},
        {"Importe", LI_COL_AMOUNT},
        {"Importo", LI_COL_AMOUNT},
        {"Nettobetrag", LI_COL_AMOUNT},
        {"Line total", LI_COL_AMOUNT},
        {"Total TTC", LI_COL_AMOUNT},
        {"Brutto", LI_COL_GROSS},
        {"VAT %", LI_COL_TAX},
        {"MwSt", LI_COL_TAX},
        {"Steuersatz", LI_COL_TAX},
        {"TVA", LI_COL_TAX},
        {"BTW %", LI_COL_TAX},
        {"IVA", LI_COL_TAX},
        {"MwSt-Betrag", LI_COL_NONE},
        {"Amount incl. VAT", LI_COL_GROSS},
        {"Einheit", LI_COL_UNIT},
        {"Mengeneinheit", LI_COL_UNIT},
        {"Unit", LI_COL_UNIT},
        {"Pos.", LI_COL_POS},
        {"Art.-Nr.", LI_COL_POS},
        {"Item no.", LI_COL_POS},
        {"Artikel", LI_COL_DESC},
        {"Customer", LI_COL_NONE},
        {"", LI_COL_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ck_assert_msg(lineitems_header_role(cases[i].text) == cases[i].role, "%s: %d, want %d",
                      cases[i].text, lineitems_header_role(cases[i].text), cases[i].role);
}
END_TEST

/* A table of rows x cols cells (NULL = empty slot), each cell in a 100 x 30 px slot. */
static struct table make_table(const char *const *cells, int rows, int cols)
{
    struct table t = {.rows = rows, .cols = cols, .bbox = {50, 400, 100 * cols, 30 * rows}};
    t.cells = calloc((size_t)(rows * cols), sizeof *t.cells);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            const char *s = cells[r * cols + c];
            if (!s)
                continue;
            t.cells[t.ncells++] =
                (struct table_cell){r, c, 1, 1, strdup(s), {50 + 100 * c, 400 + 30 * r, 90, 20}, 0};
        }
    return t;
}

static void want_item(const struct lineitem *it, const char *desc, const char *qty,
                      const char *price, const char *amount, const char *rate)
{
    ck_assert_str_eq(it->description, desc);
    ck_assert_str_eq(it->quantity, qty);
    ck_assert_str_eq(it->unit_price, price);
    ck_assert_str_eq(it->amount, amount);
    ck_assert_str_eq(it->tax_rate, rate);
}

START_TEST(table_columns_by_header)
{
    /* price before quantity, a tax column, units in the quantity cells, a total row and a
     * row after it */
    static const char *const cells[] = {
        "Pos", "Bezeichnung",    "Einzelpreis", "Menge",  "MwSt", "Betrag",
        "1",   "Trennblätter",   "9,90",        "20 Stk", "19 %", "198,00",
        "2",   "Joghurt Banane", "5,50",        "50 Stk", "7 %",  "275,00",
        NULL,  "Zwischensumme",  NULL,          NULL,     NULL,   "473,00",
        "3",   "Late fee",       "5,00",        "1",      "19 %", "5,00",
    };
    struct table t = make_table(cells, 5, 6);
    struct lineitem it[8];
    ck_assert_uint_eq(lineitems_table(&t, it, 8), 2);
    want_item(&it[0], "Trennblätter", "20", "9.90", "198.00", "19");
    ck_assert_str_eq(it[0].unit, "Stk");
    want_item(&it[1], "Joghurt Banane", "50", "5.50", "275.00", "7");
    /* the box covers the row's cells; 20 x 9.90 = 198.00 and the header named the columns */
    ck_assert_int_eq(it[0].bbox[0], 50);
    ck_assert_int_eq(it[0].bbox[1], 430);
    ck_assert_int_eq(it[0].bbox[2], 590);
    ck_assert(it[0].conf > 0.95f);
    /* room for one item only */
    ck_assert_uint_eq(lineitems_table(&t, it, 1), 1);
    table_cleanup(&t);
}
END_TEST

START_TEST(table_columns_by_arithmetic)
{
    /* no header: the two columns whose product is the last one are quantity and price; the
     * whole numbers are the quantity even when printed second */
    static const char *const cells[] = {
        "Widget A4", "9.50",  "10",   "95.00", "Service hour", "40.00", "2",
        "80.00",     "Cable", "2.25", "4",     "9.00",
    };
    struct table t = make_table(cells, 3, 4);
    struct lineitem it[4];
    ck_assert_uint_eq(lineitems_table(&t, it, 4), 3);
    want_item(&it[0], "Widget A4", "10", "9.50", "95.00", "");
    want_item(&it[2], "Cable", "4", "2.25", "9.00", "");
    ck_assert(it[0].conf > 0.8f && it[0].conf < 0.9f); /* adds up, but no header */
    table_cleanup(&t);

    /* a header naming two amounts: the one the arithmetic agrees with is the line amount */
    static const char *const cells2[] = {
        "Description", "Qty", "Price", "Amount", "Amount incl. VAT",
        "Widget",      "3",   "2.00",  "6.00",   "7.14",
        "Gadget",      "1",   "10.00", "10.00",  "11.90",
    };
    t = make_table(cells2, 3, 5);
    ck_assert_uint_eq(lineitems_table(&t, it, 4), 2);
    want_item(&it[0], "Widget", "3", "2.00", "6.00", "");
    table_cleanup(&t);

    /* no header and nothing multiplies: not a table of items */
    static const char *const cells3[] = {
        "Apples", "12", "3.40", "Pears", "7", "2.10", "Plums", "30", "9.95",
    };
    t = make_table(cells3, 3, 3);
    ck_assert_uint_eq(lineitems_table(&t, it, 4), 0);
    table_cleanup(&t);
}
END_TEST

START_TEST(table_rows_of_one_item)
{
    /* a description over two rows; an amount on the row below the item's other columns
     * (beside its article number); a note row; then "Total" ends the items */
    static const char *const cells[] = {
        "Art.-Nr.",
        "Description",
        "Qty",
        "Unit price",
        "Amount",
        "KR3M",
        "Artificial turf",
        "3",
        "3.3333",
        NULL,
        "4012345001235",
        NULL,
        NULL,
        NULL,
        "10.00",
        NULL,
        "green, 3 m wide",
        NULL,
        NULL,
        NULL,
        "SFK5",
        "Steak",
        "1",
        "5.50",
        "5.50",
        NULL,
        "Total",
        NULL,
        NULL,
        "15.50",
    };
    struct table t = make_table(cells, 6, 5);
    struct lineitem it[4];
    ck_assert_uint_eq(lineitems_table(&t, it, 4), 2);
    want_item(&it[0], "Artificial turf green, 3 m wide", "3", "3.3333", "10.00", "");
    ck_assert_int_eq(it[0].bbox[1], 430);
    ck_assert_int_eq(it[0].bbox[3], 3 * 30 - 10); /* rows 1..3 */
    want_item(&it[1], "Steak", "1", "5.50", "5.50", "");
    table_cleanup(&t);
}
END_TEST

START_TEST(tables_that_are_not_items)
{
    struct lineitem it[4];
    /* label: value pairs */
    static const char *const kv[] = {
        "Name:", "Lieferant GmbH", "Nummer:", "549910", "Steuernummer:", "201/113/40209"};
    struct table t = make_table(kv, 3, 2);
    ck_assert_uint_eq(lineitems_table(&t, it, 4), 0);
    table_cleanup(&t);
    /* a tax breakdown: rates and amounts, no descriptions */
    static const char *const tax[] = {"Steuersatz", "Basisbetrag", "Steuerbetrag", "19 %", "473,00",
                                      "89,87",      "7 %",         "100,00",       "7,00"};
    t = make_table(tax, 3, 3);
    ck_assert_uint_eq(lineitems_table(&t, it, 4), 0);
    table_cleanup(&t);
    ck_assert_uint_eq(lineitems_table(NULL, it, 4), 0);
}
END_TEST

/* A page whose items sit in a table: the table's items come first in reading order with an
 * item read from a line below it, and the totals end the list. */
START_TEST(items_from_a_page_table)
{
    static const char *const cells[] = {
        "Description", "Qty",   "Unit price",   "Amount", "Widget A4", "10",
        "9.50",        "95.00", "Service hour", "2",      "40.00",     "80.00",
    };
    struct dp_page pg = {.number = 1, .width = 2550, .height = 3300, .dpi = 300};
    struct table t = make_table(cells, 3, 4);
    pg.tables = &t;
    pg.ntables = 1;
    static const struct {
        const char *text;
        int x, y;
    } words[] = {{"Widget", 55, 435}, {"A4", 120, 435},   {"10", 155, 435},     {"9.50", 255, 435},
                 {"95.00", 355, 435}, {"Cable", 55, 600}, {"4", 155, 600},      {"2.25", 255, 600},
                 {"9.00", 355, 600},  {"Total", 55, 700}, {"184.00", 355, 700}, {"Fee", 55, 800},
                 {"5.00", 355, 800}};
    pg.words = calloc(16, sizeof *pg.words);
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        pg.words[pg.nwords++] = (struct dp_word){.text = strdup(words[i].text),
                                                 .conf = 100,
                                                 .x = words[i].x,
                                                 .y = words[i].y,
                                                 .w = 40,
                                                 .h = 20,
                                                 .line = (int)i};
    struct dp_doc_text doc = {.pages = &pg, .npages = 1};
    cJSON *items = lineitems_find(&doc, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(items), 3);
    const cJSON *a = cJSON_GetArrayItem(items, 0), *c = cJSON_GetArrayItem(items, 2);
    ck_assert_str_eq(cJSON_GetObjectItem(a, "description")->valuestring, "Widget A4");
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(a, "unit_price"), "amount")->valuestring, "9.50");
    ck_assert_int_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(a, "bbox"), 1)->valueint, 430);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 1), "description")->valuestring,
                     "Service hour");
    ck_assert_str_eq(cJSON_GetObjectItem(c, "description")->valuestring, "Cable");
    cJSON_Delete(items);
    for (size_t i = 0; i < pg.nwords; i++)
        free(pg.words[i].text);
    free(pg.words);
    table_cleanup(&t);
}
END_TEST

/* Words of lines (blank-separated, 100 px a word, 40 px a line) as a page. */
static void page_of_lines(struct dp_page *pg, const char *const *lines, size_t n)
{
    *pg = (struct dp_page){.number = 1, .width = 2480, .height = 3508, .dpi = 300};
    pg->words = calloc(256, sizeof *pg->words);
    for (size_t l = 0; l < n; l++) {
        char *copy = strdup(lines[l]), *save = NULL;
        int col = 0;
        for (char *t = strtok_r(copy, " ", &save); t && pg->nwords < 256;
             t = strtok_r(NULL, " ", &save))
            pg->words[pg->nwords++] = (struct dp_word){.text = strdup(t),
                                                       .conf = 95,
                                                       .x = 10 + 100 * col++,
                                                       .y = 50 + 40 * (int)l,
                                                       .w = 90,
                                                       .h = 30,
                                                       .line = (int)l};
        free(copy);
    }
}

/* The amount on the row below, beside the rest of the description (an EAN before it); a
 * "label : value" row under a position number is no such continuation. */
START_TEST(description_on_the_amount_row)
{
    static const char *const lines[] = {
        "3 GTRWA5 Mineralwasser Medium 5,4900 20 Stk 7%",
        "4000001234561 12 x 1,0l PET 109,80",
        "02 Außerhalb Angebot",
        "getLineTradeAgreementBruttopreis : 122,50",
    };
    struct dp_page pg;
    page_of_lines(&pg, lines, 4);
    struct dp_doc_text doc = {.pages = &pg, .npages = 1};
    cJSON *items = lineitems_find(&doc, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    const cJSON *a = cJSON_GetArrayItem(items, 0);
    ck_assert_str_eq(cJSON_GetObjectItem(a, "description")->valuestring,
                     "GTRWA5 Mineralwasser Medium 12 x 1,0l PET");
    ck_assert_str_eq(cJSON_GetObjectItem(a, "quantity")->valuestring, "20");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "amount"), "amount")->valuestring,
                     "109.80");
    ck_assert_int_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(a, "bbox"), 3)->valueint, 70);
    cJSON_Delete(items);
    for (size_t i = 0; i < pg.nwords; i++)
        free(pg.words[i].text);
    free(pg.words);
}
END_TEST

/* The numbers of an item on one row, its description on the row under them (articles with
 * GTIN and article number first: the ZUGFeRD "Extended" sample's layout); notes and discount
 * rows under an item are no items, nor do they lend it their amount. */
START_TEST(description_under_the_numbers)
{
    static const char *const lines[] = {
        "4123456000014 28997 100,0000 Stk. 1 1,0000 19,0 100,00",
        "Zitronensäure 100ml",
        "Verpackung Flasche",
        "Lieferung in 4 Kartons",
        "4123456000021 Gz250 50,0000 Stk. 1 1,4500 7,0 72,50",
        "Gelierzucker Extra 250g",
        "Verpackung: Karton",
        "Artikelrabatt 1: 2,00% Basis: 75,00 € Rabatt: -0,03 €/Stk.",
        "4100130013294 2031 15,0000 Stk. 20 12,0000 19,0 180,00",
        "K4321 Bierbrau Pils 20/0500",
        "Rechnungsrabatt 1: 2,00% Basisbetrag: 280,00, MwSt.-% 19,0, Rabattbetrag: -5,60",
    };
    static const char *const want[][3] = {{"Zitronensäure 100ml", "100.00", "100.0000"},
                                          {"Gelierzucker Extra 250g", "72.50", "50.0000"},
                                          {"K4321 Bierbrau Pils 20/0500", "180.00", "15.0000"}};
    struct dp_page pg;
    page_of_lines(&pg, lines, sizeof lines / sizeof *lines);
    struct dp_doc_text doc = {.pages = &pg, .npages = 1};
    cJSON *items = lineitems_find(&doc, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(items), 3);
    for (int i = 0; i < 3; i++) {
        const cJSON *a = cJSON_GetArrayItem(items, i);
        ck_assert_str_eq(cJSON_GetObjectItem(a, "description")->valuestring, want[i][0]);
        ck_assert_str_eq(
            cJSON_GetObjectItem(cJSON_GetObjectItem(a, "amount"), "amount")->valuestring,
            want[i][1]);
        ck_assert_str_eq(cJSON_GetObjectItem(a, "quantity")->valuestring, want[i][2]);
    }
    cJSON_Delete(items);
    /* a vertical banner in the margin (one word as tall as the list) joins no row */
    pg.words[pg.nwords++] = (struct dp_word){.text = strdup("Beispielrechnung"),
                                             .conf = 60,
                                             .x = 2400,
                                             .y = 40,
                                             .w = 30,
                                             .h = 500,
                                             .line = 99};
    items = lineitems_find(&doc, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(items), 3);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 2), "description")->valuestring,
                     want[2][0]);
    cJSON_Delete(items);
    for (size_t i = 0; i < pg.nwords; i++)
        free(pg.words[i].text);
    free(pg.words);
    /* a row with a description and a price takes the amount of the numbers row under it,
     * even when a tag stands under that row (the description-below rule does not) */
    static const char *const lines2[] = {
        "GTRWA5 Mineralwasser Medium 5,4900 20 Stk 7%",
        "4000001234561 12 x 1,0l PET 109,80",
        "(GTIN)",
    };
    page_of_lines(&pg, lines2, 3);
    items = lineitems_find(&doc, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "description")->valuestring,
                     "GTRWA5 Mineralwasser Medium 12 x 1,0l PET");
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
    tcase_add_test(tc, header_roles);
    tcase_add_test(tc, table_columns_by_header);
    tcase_add_test(tc, table_columns_by_arithmetic);
    tcase_add_test(tc, table_rows_of_one_item);
    tcase_add_test(tc, tables_that_are_not_items);
    tcase_add_test(tc, items_from_a_page_table);
    tcase_add_test(tc, description_on_the_amount_row);
    tcase_add_test(tc, description_under_the_numbers);
    suite_add_tcase(s, tc);
    return s;
}
