/* check_checks.c -- invoice arithmetic (sums, tax, quantity x price within rounding), IBAN and
 * VAT id check digits, and the XML-against-text comparison. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "checks.h"

static cJSON *parse(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    ck_assert_msg(j != NULL, "bad test JSON: %s", json);
    return j;
}

/* The check named name (the n-th of that name, 0-based) or NULL. */
static const cJSON *find(const cJSON *checks, const char *name, int n)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, checks)
    {
        if (strcmp(cJSON_GetObjectItem(c, "name")->valuestring, name) == 0 && n-- == 0)
            return c;
    }
    return NULL;
}

static int ok_of(const cJSON *checks, const char *name, int n)
{
    const cJSON *c = find(checks, name, n);
    ck_assert_msg(c != NULL, "no check %s #%d", name, n);
    ck_assert_ptr_nonnull(cJSON_GetStringValue(cJSON_GetObjectItem(c, "detail")));
    return cJSON_IsTrue(cJSON_GetObjectItem(c, "ok"));
}

#define M(n, a) "{\"name\":\"" n "\",\"value\":{\"amount\":\"" a "\",\"currency\":\"EUR\"}}"
#define S(n, v) "{\"name\":\"" n "\",\"value\":\"" v "\"}"
#define LINE(q, p, a, t)                                                                           \
    "{\"description\":\"x\",\"quantity\":" q ",\"unit_price\":{\"amount\":\"" p "\"},"             \
    "\"amount\":{\"amount\":\"" a "\"},\"tax_rate\":" t "}"

START_TEST(arithmetic_that_adds_up)
{
    cJSON *f =
        parse("[" M("subtotal", "175.00") "," M("tax", "33.25") "," M("total", "208.25") "]");
    cJSON *l = parse("[" LINE("\"10\"", "9.50", "95.00", "\"19\"") "," LINE("\"2\"", "40.00",
                                                                            "80.00", "\"19\"") "]");
    cJSON *c = checks_run(f, l, NULL);
    ck_assert(ok_of(c, "lines_sum_subtotal", 0));
    ck_assert(ok_of(c, "subtotal_tax_total", 0));
    ck_assert(ok_of(c, "qty_x_price", 0));
    ck_assert(ok_of(c, "qty_x_price", 1));
    ck_assert_int_eq((int)cJSON_GetObjectItem(find(c, "qty_x_price", 1), "line")->valuedouble, 2);
    ck_assert(ok_of(c, "tax_rate_x_base", 0)); /* one rate on every line: 19 % of 175.00 */
    ck_assert(!checks_any_failed(c));
    cJSON_Delete(c);
    cJSON_Delete(f);
    cJSON_Delete(l);
}
END_TEST

START_TEST(arithmetic_that_does_not)
{
    /* lines add up to 175.00, the subtotal says 185.00; 185 + 33.25 != 210.00; 3 x 9.50 != 95 */
    cJSON *f =
        parse("[" M("subtotal", "185.00") "," M("tax", "33.25") "," M("total", "210.00") "]");
    cJSON *l = parse(
        "[" LINE("\"3\"", "9.50", "95.00", "null") "," LINE("\"2\"", "40.00", "80.00", "null") "]");
    cJSON *c = checks_run(f, l, NULL);
    ck_assert(!ok_of(c, "lines_sum_subtotal", 0));
    ck_assert(strstr(cJSON_GetObjectItem(find(c, "lines_sum_subtotal", 0), "detail")->valuestring,
                     "175.00") != NULL);
    ck_assert(!ok_of(c, "subtotal_tax_total", 0));
    ck_assert(!ok_of(c, "qty_x_price", 0));
    ck_assert(ok_of(c, "qty_x_price", 1));
    ck_assert_ptr_null(find(c, "tax_rate_x_base", 0)); /* no rate anywhere: no check */
    ck_assert(checks_any_failed(c));
    cJSON_Delete(c);
    cJSON_Delete(f);
    cJSON_Delete(l);
}
END_TEST

/* Rounded unit prices: 400 x 0.79 (really 0.7901) may be 316.04; 3 x 3.333 = 10.00. A line
 * total is preferred over the subtotal when both exist (allowances sit between them). */
START_TEST(within_rounding)
{
    cJSON *f = parse("[" M("line_total", "326.04") "," M("subtotal", "300.00") "]");
    cJSON *l = parse("[" LINE("\"400\"", "0.79", "316.04", "null") "," LINE("\"3\"", "3.333",
                                                                            "10.00", "null") "]");
    cJSON *c = checks_run(f, l, NULL);
    ck_assert(ok_of(c, "qty_x_price", 0));
    ck_assert(ok_of(c, "qty_x_price", 1));
    ck_assert(ok_of(c, "lines_sum_subtotal", 0));
    cJSON_Delete(c);
    cJSON_Delete(l);
    /* ... but 400 x 0.79 is not 376.04 */
    l = parse("[" LINE("\"400\"", "0.79", "376.04", "null") "]");
    c = checks_run(NULL, l, NULL);
    ck_assert(!ok_of(c, "qty_x_price", 0));
    cJSON_Delete(c);
    cJSON_Delete(l);
    /* a price per basis quantity: 250 x 12.00 per 100 = 30.00 */
    l = parse("[{\"quantity\":\"250\",\"unit_price\":{\"amount\":\"12.00\"},\"price_basis\":"
              "\"100\",\"amount\":{\"amount\":\"30.00\"}}]");
    c = checks_run(NULL, l, NULL);
    ck_assert(ok_of(c, "qty_x_price", 0));
    cJSON_Delete(c);
    cJSON_Delete(l);
    cJSON_Delete(f);
}
END_TEST

START_TEST(tax_breakdown)
{
    cJSON *t = parse("[{\"rate\":\"19.00\",\"basis\":\"198.00\",\"amount\":\"37.62\"},"
                     "{\"rate\":\"7\",\"basis\":\"275.00\",\"amount\":\"19.52\"}]");
    cJSON *c = checks_run(NULL, NULL, t);
    ck_assert(ok_of(c, "tax_rate_x_base", 0));
    ck_assert(!ok_of(c, "tax_rate_x_base", 1)); /* 7 % of 275.00 is 19.25 */
    cJSON_Delete(c);
    cJSON_Delete(t);
}
END_TEST

START_TEST(ibans_and_vat_ids)
{
    cJSON *f = parse("[" S("iban", "DE89370400440532013000") "," S("vat_id", "DE136695976") "," S(
        "buyer_vat_id", "DE123456789") "," S("vat_id", "GB123456789") "]");
    cJSON *c = checks_run(f, NULL, NULL);
    ck_assert(ok_of(c, "iban_mod97", 0));
    ck_assert(ok_of(c, "vat_id", 0));
    ck_assert(!ok_of(c, "vat_id", 1));        /* DE123456789: wrong check digit */
    ck_assert_ptr_null(find(c, "vat_id", 2)); /* GB: no rule here, no check */
    cJSON_Delete(c);
    cJSON_Delete(f);
    f = parse("[" S("iban", "DE89370400440532013001") "]");
    c = checks_run(f, NULL, NULL);
    ck_assert(!ok_of(c, "iban_mod97", 0));
    cJSON_Delete(c);
    cJSON_Delete(f);
}
END_TEST

START_TEST(vat_check_digits)
{
    static const struct {
        const char *id;
        int want;
    } cases[] = {
        {"DE136695976", 1},    {"DE 136 695 976", 1},
        {"DE136695977", 0},    {"DE12345678", 0},
        {"FR40303265045", 1},  {"FR41303265045", 0},
        {"FRXX303265045", -1}, {"IT00743110157", 1},
        {"IT00743110158", 0},  {"NL123456782B01", 1},
        {"NL123456783B01", 0}, {"NL123456789B0", 0},
        {"BE0403170701", 1},   {"BE0403.170.701", 1},
        {"BE0403170702", 0},   {"BE403170701", 1},
        {"ESA58818501", 1},    {"ESA58818502", 0},
        {"ES12345678Z", 1},    {"ES12345678A", 0},
        {"ESX1234567L", 1},    {"ATU13585627", 1},
        {"ATU13585628", 0},    {"GB123456789", -1},
        {"12345", -1},         {"", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ck_assert_msg(checks_vat_id(cases[i].id, strlen(cases[i].id)) == cases[i].want,
                      "%s: %d, want %d", cases[i].id,
                      checks_vat_id(cases[i].id, strlen(cases[i].id)), cases[i].want);
}
END_TEST

START_TEST(xml_against_text)
{
    cJSON *f = parse("[" S("invoice_number", "RE-2026-0815") "," M("total", "1208.25") "," S(
        "iban", "DE89370400440532013000") "]");
    const char *good[] = {
        "Rechnung Nr. RE-2026-0815\nGesamtbetrag 1.208,25 EUR\nIBAN DE89 3704 0044 0532 0130 00",
        "Invoice RE-2026-0815 total EUR 1,208.25 iban de89370400440532013000",
        "Facture RE-2026-0815 Net a payer 1 208,25 \xE2\x82\xAC DE89 3704 0044 0532 0130 00",
    };
    for (size_t i = 0; i < 3; i++) {
        cJSON *c = checks_xml_vs_text(f, good[i]);
        ck_assert_ptr_nonnull(c);
        ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItem(c, "ok")), "case %zu: %s", i,
                      cJSON_GetObjectItem(c, "detail")->valuestring);
        cJSON_Delete(c);
    }
    /* 11208.25 is not 1208.25; the number is missing */
    cJSON *c = checks_xml_vs_text(
        f, "Invoice RE-2026-0816 total 11208,25 IBAN DE89 3704 0044 0532 0130 00");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(c, "ok")));
    const char *d = cJSON_GetObjectItem(c, "detail")->valuestring;
    ck_assert(strstr(d, "invoice_number") && strstr(d, "total 1208.25"));
    ck_assert(!strstr(d, "iban"));
    cJSON_Delete(c);
    ck_assert_ptr_null(checks_xml_vs_text(f, NULL));
    ck_assert_ptr_null(checks_xml_vs_text(f, " \n\f "));
    cJSON_Delete(f);
}
END_TEST

START_TEST(decimals)
{
    double v;
    int d;
    ck_assert_int_eq(checks_decimal("-12.50", &v, &d), 0);
    ck_assert(v == -12.5 && d == 2);
    ck_assert_int_eq(checks_decimal("3", &v, &d), 0);
    ck_assert_int_eq(d, 0);
    static const char *const bad[] = {"", "-", "1,5", "1.2.3", "abc", "1e5", " 1", NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(checks_decimal(bad[i], &v, &d) == -1, "%s", bad[i]);
    ck_assert_int_eq(checks_decimal(NULL, &v, &d), -1);
    cJSON *c = checks_run(NULL, NULL, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(c), 0);
    cJSON_Delete(c);
}
END_TEST

Suite *checks_suite(void)
{
    Suite *s = suite_create("checks");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, arithmetic_that_adds_up);
    tcase_add_test(tc, arithmetic_that_does_not);
    tcase_add_test(tc, within_rounding);
    tcase_add_test(tc, tax_breakdown);
    tcase_add_test(tc, ibans_and_vat_ids);
    tcase_add_test(tc, vat_check_digits);
    tcase_add_test(tc, xml_against_text);
    tcase_add_test(tc, decimals);
    suite_add_tcase(s, tc);
    return s;
}
