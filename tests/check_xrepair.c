/* check_xrepair.c -- the tenant extractor's typed repairs: a date's year misread by one
 * closed-shape digit gets the confirmed years' one (and stays with the model when stored); a
 * name or address candidate holding a longer run of digits than any confirmed value (a
 * registration or phone number) is ruled out, the rules' value too. */
#include <stdlib.h>
#include <string.h>
#include "fixtures_xdoc.h"
#include "testutil.h"
#include "xfeat.h"
#include "vendor.h"
#include "xmodel.h"

START_TEST(year_fixes)
{
    /* a year outside the confirmed ones, one closed-shape digit from them */
    ck_assert_uint_eq(xmodel_year_fix(2016, 2017, 2019, 2018), 2018);
    ck_assert_uint_eq(xmodel_year_fix(2015, 2017, 2019, 2018), 2018);
    ck_assert_uint_eq(xmodel_year_fix(2010, 2017, 2018, 2018), 2018);
    /* several reachable: the commonest, else none; one only: it */
    ck_assert_uint_eq(xmodel_year_fix(2016, 2017, 2019, 2017), 0);
    ck_assert_uint_eq(xmodel_year_fix(2013, 2015, 2016, 2016), 2016);
    ck_assert_uint_eq(xmodel_year_fix(2013, 2015, 2016, 2015), 2015);
    /* in range or a year ahead, too far, no closed-shape digit, no years learnt: left */
    ck_assert_uint_eq(xmodel_year_fix(2019, 2017, 2019, 2018), 0);
    ck_assert_uint_eq(xmodel_year_fix(2020, 2017, 2019, 2018), 0);
    ck_assert_uint_eq(xmodel_year_fix(2006, 2017, 2019, 2018), 0);
    ck_assert_uint_eq(xmodel_year_fix(2011, 2017, 2019, 2018), 0);
    ck_assert_uint_eq(xmodel_year_fix(2016, 0, 0, 0), 0);
    ck_assert_uint_eq(xmodel_year_fix(16, 2017, 2019, 2018), 0);
    /* applying: the rules' and the model's value repaired, a confirmed one left */
    struct xmodel m = {0};
    struct xmodel_field f = {.name = "date", .kind = XFEAT_KIND_DATE, .replace_above = 2};
    f.flags = XMODEL_SURE_FILL;
    f.year_lo = 2017;
    f.year_hi = 2018;
    f.year_mode = 2018;
    f.w = calloc(XFEAT_DIM + 1, sizeof *f.w);
    ck_assert_ptr_nonnull(f.w);
    m.f = &f;
    m.nf = 1;
    static const char *const lines[] = {"Date: 20/03/2016", "TOTAL 9.00"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 2);
    cJSON *fields = cJSON_Parse("[{\"name\":\"date\",\"value\":\"2016-03-20\",\"text\":"
                                "\"20/03/2016\",\"source\":\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 0), "value")),
        "2018-03-20");
    cJSON_Delete(fields);
    fields = cJSON_Parse("[{\"name\":\"date\",\"value\":\"2016-03-20\",\"text\":"
                         "\"20/03/2016\",\"source\":\"confirmed\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 0), "value")),
        "2016-03-20");
    cJSON_Delete(fields);
    /* stored and loaded with the model */
    unsigned char *buf = NULL;
    size_t len = 0;
    struct xmodel *back = NULL;
    ck_assert_int_eq(xmodel_save(&m, &buf, &len), DP_OK);
    ck_assert_int_eq(xmodel_load(buf, len, &back), DP_OK);
    ck_assert_uint_eq(back->f[0].year_lo, 2017);
    ck_assert_uint_eq(back->f[0].year_hi, 2018);
    ck_assert_uint_eq(back->f[0].year_mode, 2018);
    xmodel_free(back);
    free(buf);
    doctext_cleanup(&d);
    free(f.w);
}
END_TEST

START_TEST(digit_runs)
{
    struct xmodel_field f = {.name = "address", .digit_run = 6}; /* postcodes: 5 digits */
    ck_assert(xmodel_shape_ok(&f, "NO 37, JALAN MANIS 7, 56100 CHERAS"));
    ck_assert(!xmodel_shape_ok(&f, "Company Reg. No. 001055194X NO 37, JALAN MANIS 7"));
    ck_assert(!xmodel_shape_ok(&f, "19, JALAN KANCIL 03-40212008"));
    ck_assert(xmodel_shape_ok(&f, "GST 0000 6771 0976")); /* runs of four */
    /* a bracketed registration number cut off later does not count */
    ck_assert(xmodel_shape_ok(&f, "(867388-U) 12, JALAN TAMPOI 7/4"));
    struct xmodel_field c = {.name = "company", .digit_run = 6};
    ck_assert(!xmodel_shape_ok(&c, "(867388-U) 12, JALAN TAMPOI 7/4")); /* not a name's end */
    ck_assert(xmodel_shape_ok(&c, "AEON CO. (M) BHD (126928-H)"));
    f.digit_run = 1; /* no digits confirmed: runs up to XMODEL_DIGIT_RUN still pass */
    ck_assert(xmodel_shape_ok(&f, "99 SPEED MART 12345"));
    ck_assert(!xmodel_shape_ok(&f, "99 SPEED MART 123456"));
    f.digit_run = 8; /* a tenant whose values hold 7-digit numbers */
    ck_assert(xmodel_shape_ok(&f, "PIN 1234567"));
    ck_assert(!xmodel_shape_ok(&f, "PIN 12345678"));
    f.digit_run = 0; /* nothing learnt, or a typed field: anything */
    ck_assert(xmodel_shape_ok(&f, "001055194"));
    f.digit_run = 6;
    f.kind = XFEAT_KIND_AMOUNT;
    ck_assert(xmodel_shape_ok(&f, "1234567.00"));
    /* applying: a rules address holding a registration number gives way to the model's */
    struct xmodel m = {0};
    struct xmodel_field a = {.name = "address", .replace_above = 2, .digit_run = 6};
    a.w = calloc(XFEAT_DIM + 1, sizeof *a.w);
    ck_assert_ptr_nonnull(a.w);
    m.f = &a;
    m.nf = 1;
    static const char *const lines[] = {"Company Reg. No. 001055194X", "NO 37, JALAN MANIS 7"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 2);
    cJSON *fields = cJSON_Parse("[{\"name\":\"address\",\"value\":\"Company Reg. No. "
                                "001055194X NO 37, JALAN MANIS 7\",\"source\":\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 1);
    cJSON *got = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(got, "source")), "model");
    ck_assert(xmodel_shape_ok(&a, cJSON_GetStringValue(cJSON_GetObjectItem(got, "value"))));
    cJSON_Delete(fields);
    /* without the learnt shape the rules' value stands (the model never replaces here) */
    a.digit_run = 0;
    fields = cJSON_Parse("[{\"name\":\"address\",\"value\":\"Company Reg. No. "
                         "001055194X NO 37, JALAN MANIS 7\",\"source\":\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    got = cJSON_GetArrayItem(fields, 0);
    ck_assert_ptr_nonnull(
        strstr(cJSON_GetStringValue(cJSON_GetObjectItem(got, "value")), "001055194X"));
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    free(a.w);
}
END_TEST

/* A rules total the page prints as no amount with two decimals (an item count, an amount cut
 * off) gives way to the model's amount; one the OCR split ("RM 39. 80") stays. */
START_TEST(count_totals)
{
    ck_assert(xmodel_two_decimals("RM 39. 80"));
    ck_assert(xmodel_two_decimals("42,40"));
    ck_assert(xmodel_two_decimals("$8.20"));
    ck_assert(!xmodel_two_decimals("26"));
    ck_assert(!xmodel_two_decimals("343.5"));
    ck_assert(!xmodel_two_decimals(""));
    ck_assert(!xmodel_two_decimals(NULL));
    struct xmodel m = {0};
    struct xmodel_field t = {.name = "total", .kind = XFEAT_KIND_AMOUNT, .replace_above = 2};
    t.flags = XMODEL_SURE_FILL;
    t.w = calloc(XFEAT_DIM + 1, sizeof *t.w);
    ck_assert_ptr_nonnull(t.w);
    m.f = &t;
    m.nf = 1;
    static const char *const lines[] = {"Total ly 26", "Total Sales : 32.70"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 2);
    cJSON *fields = cJSON_Parse("[{\"name\":\"total\",\"value\":{\"amount\":\"26.00\"},"
                                "\"text\":\"26\",\"source\":\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 1);
    cJSON *got = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(got, "source")), "model");
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(got, "value"), "amount")),
        "32.70");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    static const char *const split[] = {"TOTAL RM 39. 80", "CASH 50.00"};
    xdoc_make(&d, split, 2);
    fields = cJSON_Parse("[{\"name\":\"total\",\"value\":{\"amount\":\"39.80\"},"
                         "\"text\":\"RM 39. 80\",\"source\":\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    got = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(got, "source")), "rules");
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(got, "value"), "amount")),
        "39.80");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    free(t.w);
}
END_TEST

/* A total the rules missed, of which the model is not sure, is filled in where the page
 * prints it again as its largest amount so printed; a repeated tax is not. */
START_TEST(repeated_totals)
{
    struct xmodel m = {0};
    struct xmodel_field t = {.name = "total", .kind = XFEAT_KIND_AMOUNT, .replace_above = 2};
    t.flags = XMODEL_SURE_FILL;
    t.review_below = 0.9; /* every candidate scores 0.5: unsure */
    t.w = calloc(XFEAT_DIM + 1, sizeof *t.w);
    ck_assert_ptr_nonnull(t.w);
    m.f = &t;
    m.nf = 1;
    static const char *const paid[] = {"TOTAL 129.30", "GST 7.32", "AMOUNT DUE 129.30",
                                       "CASH 150.00"};
    struct dp_doc_text d;
    xdoc_make(&d, paid, 4);
    cJSON *fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 1);
    cJSON *got = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(got, "value"), "amount")),
        "129.30");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    /* printed once, a larger amount on no payment line beside it: missing */
    static const char *const once[] = {"TOTAL 129.30", "DEPOSIT 200.00"};
    xdoc_make(&d, once, 2);
    fields = cJSON_CreateArray();
    cJSON *missing = NULL;
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, &missing), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 0);
    ck_assert_int_eq(cJSON_GetArraySize(missing), 1);
    cJSON_Delete(missing);
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    /* a tax repeated in its summary, small beside the subtotal: missing */
    static const char *const tax[] = {"GST 0.40", "SUB-TOTAL 6.80", "TAX TOTAL: 0.40"};
    xdoc_make(&d, tax, 3);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 0);
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    /* zero is no total, however often printed */
    static const char *const zero[] = {"DISCOUNT 0.00", "ROUNDING 0.00"};
    xdoc_make(&d, zero, 2);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 0);
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    free(t.w);
}
END_TEST

/* The cash tendered is no total: the model's total on a payment line gives way to its best
 * amount on no such line. */
START_TEST(cash_totals)
{
    ck_assert(xmodel_payment_label("CASH"));
    ck_assert(xmodel_payment_label("Change:"));
    ck_assert(xmodel_payment_label("tunai"));
    ck_assert(!xmodel_payment_label("TOTAL"));
    ck_assert(!xmodel_payment_label("CASHIER"));
    ck_assert(!xmodel_payment_label("100.00"));
    ck_assert(!xmodel_payment_label(NULL));
    struct xmodel m = {0};
    struct xmodel_field t = {.name = "total", .kind = XFEAT_KIND_AMOUNT, .replace_above = 2};
    t.w = calloc(XFEAT_DIM + 1, sizeof *t.w); /* every candidate 0.5: the first one wins */
    ck_assert_ptr_nonnull(t.w);
    m.f = &t;
    m.nf = 1;
    static const char *const lines[] = {"CASH 100.00", "TOTAL 77.20", "CHANGE 22.80"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 3);
    cJSON *fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    cJSON *got = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(got, "value"), "amount")),
        "77.20");
    cJSON_Delete(fields);
    /* a field of another name may well be the cash */
    memcpy(t.name, "cash", 5);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    got = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(got, "text")), "CASH 100.00");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    /* every amount on a payment line: the best of them stays */
    memcpy(t.name, "total", 6);
    static const char *const paid[] = {"CASH 9.00", "CHANGE 0.00"};
    xdoc_make(&d, paid, 2);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    got = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(got, "value"), "amount")),
        "9.00");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    free(t.w);
}
END_TEST

/* A rules date of a year the tenant never confirms, and no misread of one, gives way to the
 * model's date of a confirmed year. */
START_TEST(foreign_years)
{
    struct xmodel_field f = {.name = "date", .kind = XFEAT_KIND_DATE, .replace_above = 2};
    ck_assert(!xmodel_year_foreign(&f, 2006)); /* nothing learnt */
    f.year_lo = 2017;
    f.year_hi = 2018;
    f.year_mode = 2018;
    ck_assert(xmodel_year_foreign(&f, 2006));
    ck_assert(xmodel_year_foreign(&f, 2021));
    ck_assert(!xmodel_year_foreign(&f, 2016)); /* one year either side */
    ck_assert(!xmodel_year_foreign(&f, 2019));
    ck_assert(!xmodel_year_foreign(&f, 2013)); /* a misread 2018: repaired, not foreign */
    ck_assert(!xmodel_year_foreign(&f, 0));
    struct xmodel m = {0};
    f.flags = XMODEL_SURE_FILL | XMODEL_DAY_FIRST;
    f.w = calloc(XFEAT_DIM + 1, sizeof *f.w); /* every candidate 0.5: the first one wins */
    ck_assert_ptr_nonnull(f.w);
    m.f = &f;
    m.nf = 1;
    static const char *const lines[] = {"Date: 19-09-17", "Ref 03-04-06"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 2);
    cJSON *fields = cJSON_Parse("[{\"name\":\"date\",\"value\":\"2006-04-03\",\"text\":"
                                "\"03-04-06\",\"source\":\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    cJSON *got = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(got, "value")), "2017-09-19");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(got, "source")), "model");
    cJSON_Delete(fields);
    /* a rules date of a confirmed year stands */
    fields = cJSON_Parse("[{\"name\":\"date\",\"value\":\"2018-04-03\",\"text\":"
                         "\"03-04-18\",\"source\":\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    got = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(got, "value")), "2018-04-03");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(got, "source")), "rules");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    free(f.w);
}
END_TEST

/* The amount (string) of the first field named name in fields, or NULL. */
static const char *amount_of(const cJSON *fields, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, fields)
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(it, "name")), name) != 0)
            continue;
        const cJSON *v = cJSON_GetObjectItem(it, "value");
        return cJSON_GetStringValue(cJSON_IsObject(v) ? cJSON_GetObjectItem(v, "amount") : v);
    }
    return NULL;
}

/* The cash tendered is no total whatever its label reads as, where the line below labels the
 * change and the difference is printed; a zero amount is never a total. */
START_TEST(tendered_totals)
{
    static const long page[] = {10010, 1500, 8510};
    ck_assert(xmodel_tendered(10010, 1500, page, 3));
    ck_assert(!xmodel_tendered(10010, 1000, page, 3)); /* 90.10 is not printed */
    ck_assert(!xmodel_tendered(10010, 0, page, 3));    /* exact payment: nothing to tell */
    ck_assert(!xmodel_tendered(1500, 10010, page, 3));
    ck_assert(!xmodel_tendered(-1, 1500, page, 3));
    ck_assert(!xmodel_tendered(10010, 1500, NULL, 0));
    struct xmodel m = {0};
    struct xmodel_field t = {.name = "total", .kind = XFEAT_KIND_AMOUNT, .replace_above = 2};
    t.w = calloc(XFEAT_DIM + 1, sizeof *t.w); /* every candidate 0.5: the first one wins */
    ck_assert_ptr_nonnull(t.w);
    m.f = &t;
    m.nf = 1;
    static const char *const lines[] = {"Sash Se 100.10", "CHANGE 15.00", "Rounded 85.10"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 3);
    cJSON *fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(amount_of(fields, "total"), "85.10");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    /* the difference not printed: the amount above the change may be the total */
    static const char *const due[] = {"Due 100.10", "CHANGE 15.00", "Items 80.00"};
    xdoc_make(&d, due, 3);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(amount_of(fields, "total"), "100.10");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    static const char *const zero[] = {"MISC 0.00", "TOTAL 7.00"};
    xdoc_make(&d, zero, 2);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(amount_of(fields, "total"), "7.00");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    free(t.w);
}
END_TEST

/* A typed value the rules missed and the model is unsure of: a total is filled in where it is
 * the page's largest amount on no payment line, a date from even odds in a confirmed year. */
START_TEST(unsure_fills)
{
    struct xmodel m = {0};
    struct xmodel_field t = {.name = "total",
                             .kind = XFEAT_KIND_AMOUNT,
                             .replace_above = 2,
                             .review_below = 0.9,
                             .flags = XMODEL_SURE_FILL};
    t.w = calloc(XFEAT_DIM + 1, sizeof *t.w); /* every candidate 0.5: the first one wins */
    ck_assert_ptr_nonnull(t.w);
    m.f = &t;
    m.nf = 1;
    static const char *const largest[] = {"TOTAL 9.00", "ITEM 3.00", "CASH 10.00"};
    struct dp_doc_text d;
    xdoc_make(&d, largest, 3);
    cJSON *fields = cJSON_CreateArray(), *missing = NULL;
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, &missing), DP_OK);
    ck_assert_str_eq(amount_of(fields, "total"), "9.00");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 0), "needs_review")));
    ck_assert_ptr_null(missing);
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    /* a larger amount on no payment line: left out, as before */
    static const char *const smaller[] = {"ITEM 3.00", "TOTAL 9.00"};
    xdoc_make(&d, smaller, 2);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, &missing), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 0);
    ck_assert_int_eq(cJSON_GetArraySize(missing), 1);
    cJSON_Delete(missing);
    missing = NULL;
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    free(t.w);
    /* dates: even odds in a confirmed year */
    struct xmodel_field f = {.name = "date",
                             .kind = XFEAT_KIND_DATE,
                             .replace_above = 2,
                             .review_below = 0.9,
                             .flags = XMODEL_SURE_FILL | XMODEL_DAY_FIRST,
                             .year_lo = 2017,
                             .year_hi = 2018,
                             .year_mode = 2018};
    f.w = calloc(XFEAT_DIM + 1, sizeof *f.w);
    ck_assert_ptr_nonnull(f.w);
    m.f = &f;
    static const char *const dated[] = {"Date: 19-09-17"};
    xdoc_make(&d, dated, 1);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(amount_of(fields, "date"), "2017-09-19");
    cJSON_Delete(fields);
    f.w[XFEAT_DIM] = -1; /* the bias: every candidate 0.27 */
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 0);
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    f.w[XFEAT_DIM] = 0;
    static const char *const foreign[] = {"Ref 03-04-06"}; /* 2006: no confirmed year */
    xdoc_make(&d, foreign, 1);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 0);
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    free(f.w);
}
END_TEST

/* The remembered address with the page's own words where they are no misreading of it:
 * another shop's floor or number stays, OCR's look-alike characters take the remembered
 * spelling. */
START_TEST(vendor_merges)
{
    char out[VENDOR_TEXT_MAX];
    static const char *const aeon =
        "3RD FLR, AEON TAMAN MALURI SC JLN JEJAKA, TAMAN MALURI CHERAS, 55100 KUALA LUMPUR";
    ck_assert(vendor_merge("3 FLOOR, AEON TAMAN MALURI SC, JLN JEJAKA, TAMAN MALURT, CHERAS, "
                           "55100 KUALA LUMPUR",
                           aeon, out, sizeof out));
    ck_assert_str_eq(out, "3 FLOOR, AEON TAMAN MALURI SC JLN JEJAKA, TAMAN MALURI CHERAS, 55100 "
                          "KUALA LUMPUR");
    /* "SRO" is "3RD" misread (S/3, O/D): the remembered spelling, nothing of the page's */
    ck_assert(!vendor_merge("SRO FLR, AEON TAMAN MALURI SC, JLN JEJAKA, TANAN MALURT, CHERAS, "
                            "55100 KUALA LUMPUR",
                            aeon, out, sizeof out));
    ck_assert_str_eq(out, aeon);
    /* another shop of the chain: its number and place */
    ck_assert(vendor_merge("LOT P.T, 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR "
                           "1245-DESA SRI HARTAMAS",
                           "LOT P.T. 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR "
                           "1076-IJOK",
                           out, sizeof out));
    ck_assert_str_eq(out, "LOT P.T. 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR "
                          "1245-DESA SRI HARTAMAS");
    /* words the page lost: the remembered ones */
    ck_assert(!vendor_merge("JALAN MANIS 4 TAMAN SEGAR 56100 KL",
                            "14 JALAN MANIS 4 TAMAN SEGAR 56100 KL", out, sizeof out));
    ck_assert_str_eq(out, "14 JALAN MANIS 4 TAMAN SEGAR 56100 KL");
    ck_assert(!vendor_merge(NULL, "A B", out, sizeof out));
    ck_assert(!vendor_merge("A B", "", out, sizeof out));
}
END_TEST

Suite *xrepair_suite(void)
{
    Suite *s = suite_create("xrepair");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, year_fixes);
    tcase_add_test(tc, digit_runs);
    tcase_add_test(tc, count_totals);
    tcase_add_test(tc, repeated_totals);
    tcase_add_test(tc, cash_totals);
    tcase_add_test(tc, foreign_years);
    tcase_add_test(tc, tendered_totals);
    tcase_add_test(tc, unsure_fills);
    tcase_add_test(tc, vendor_merges);
    suite_add_tcase(s, tc);
    return s;
}
