/* check_altread.c -- altread: when a page is read twice, how the second reading's lines line
 * up with the first's, which are kept, and the page as the alternates have it. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "altread.h"
#include "extract.h"

START_TEST(which_pages_are_read_twice)
{
    ck_assert_int_eq(altread_wanted(6, 80.0f, 40), 1);  /* a receipt read as one block */
    ck_assert_int_eq(altread_wanted(6, 88.0f, 40), 0);  /* ... read surely */
    ck_assert_int_eq(altread_wanted(3, 80.0f, 400), 0); /* a letter read fairly */
    ck_assert_int_eq(altread_wanted(3, 60.0f, 400), 1); /* a form read poorly */
    ck_assert_int_eq(altread_wanted(3, 95.0f, 900), 0); /* a clean page */
    ck_assert_int_eq(altread_wanted(6, 40.0f, 2), 0);   /* almost nothing on it */
    ck_assert_int_eq(altread_wanted(3, 40.0f, ALTREAD_MAX_WORDS + 1), 0);
    /* the weak lines read a third time */
    ck_assert_int_eq(altread_reread_weak(6, 0, 0, 70.0f), 1); /* a receipt read once */
    ck_assert_int_eq(altread_reread_weak(3, 1, 1, 70.0f), 1); /* a form read twice */
    ck_assert_int_eq(altread_reread_weak(3, 1, 0, 70.0f), 1);
    ck_assert_int_eq(altread_reread_weak(6, 1, 1, 70.0f), 0); /* the alternate is kept */
    ck_assert_int_eq(altread_reread_weak(6, 1, 0, 30.0f), 0); /* both read it alike */
    ck_assert_int_eq(altread_reread_weak(6, 1, 1, 47.0f), 1); /* broken and read apart */
    ck_assert_int_eq(altread_reread_weak(6, 1, 1, ALTREAD_BROKEN_CONF), 0);
    ck_assert_int_eq(altread_other_psm(6), 3);
    ck_assert_int_eq(altread_other_psm(3), 6);
    ck_assert_int_eq(altread_other_psm(4), 6);
}
END_TEST

/* A receipt's first reading (one block): three lines. */
static struct dp_word first[] = {
    {"SYARIKAT", 91, 40, 20, 160, 24, 0, 0},     {"SON", 93, 210, 20, 60, 24, 0, 0},
    {"BHD", 92, 280, 20, 60, 24, 0, 0},          {"TOTAL", 90, 20, 100, 90, 22, 1, 0},
    {"60.31", 88, 300, 100, 80, 22, 1, 0},       {"DATE:", 90, 20, 140, 80, 22, 2, 0},
    {"25/12/2018", 90, 110, 140, 160, 22, 2, 0},
};

/* The same page read with layout analysis: the header right, the total's two sides split in
 * two lines (listed right one first), the date read alike, and a line the first read missed. */
static struct dp_word second[] = {
    {"SYARIKAT", 90, 41, 21, 158, 23, 0, 0}, {"SDN", 80, 211, 21, 58, 23, 0, 0},
    {"BHD", 92, 281, 21, 58, 23, 0, 0},      {"60.30", 85, 301, 99, 79, 23, 1, 1},
    {"TOTAL", 91, 21, 101, 88, 21, 2, 2},    {"DATE:", 90, 21, 141, 79, 21, 3, 3},
    {"25/12/", 90, 111, 141, 90, 21, 3, 3},  {"2018", 90, 205, 141, 65, 21, 3, 3},
    {"THANK", 70, 60, 200, 90, 22, 4, 4},    {"YOU", 75, 160, 200, 60, 22, 4, 4},
};

START_TEST(lines_aligned_by_boxes)
{
    struct dp_word *alt = NULL;
    size_t n = 0;
    ck_assert_int_eq(altread_align(first, 7, second, 10, &alt, &n), DP_OK);
    /* header and total differ; the date only in its spacing (not kept); THANK YOU missed */
    ck_assert_uint_eq(n, 7);
    ck_assert_str_eq(alt[0].text, "SYARIKAT");
    ck_assert_str_eq(alt[1].text, "SDN");
    ck_assert_int_eq(alt[0].line, 0);
    ck_assert_int_eq(alt[2].block, 0);
    /* the two halves of the total joined, left to right */
    ck_assert_str_eq(alt[3].text, "TOTAL");
    ck_assert_str_eq(alt[4].text, "60.30");
    ck_assert_int_eq(alt[3].line, 1);
    ck_assert_int_eq(alt[4].line, 1);
    ck_assert_int_eq(alt[4].block, 1);
    ck_assert_str_eq(alt[5].text, "THANK");
    ck_assert_int_eq(alt[5].line, -1);
    ck_assert_int_eq(alt[6].block, 2);
    altread_words_free(alt, n);
    /* a reading that agrees keeps nothing */
    ck_assert_int_eq(altread_align(first, 7, first, 7, &alt, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(alt);
    /* nothing read the second time */
    ck_assert_int_eq(altread_align(first, 7, NULL, 0, &alt, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
    /* nothing read the first time: every line is missed */
    ck_assert_int_eq(altread_align(NULL, 0, second, 10, &alt, &n), DP_OK);
    ck_assert_uint_eq(n, 10);
    ck_assert_int_eq(alt[9].line, -1);
    ck_assert_int_eq(alt[9].block, 4);
    altread_words_free(alt, n);
}
END_TEST

START_TEST(far_words_do_not_join)
{
    /* a word level with a line but far to its right (a second column) is a line of its own;
     * one a third of the way into the next line's height joins neither */
    struct dp_word a[] = {{"Name", 90, 10, 10, 60, 20, 0, 0}, {"Date", 90, 10, 40, 60, 20, 1, 0}};
    struct dp_word b[] = {{"Nane", 90, 10, 10, 60, 20, 0, 0},
                          {"Page", 90, 900, 10, 60, 20, 0, 0},
                          {"x", 90, 80, 24, 10, 20, 1, 0}};
    struct dp_word *alt = NULL;
    size_t n = 0;
    ck_assert_int_eq(altread_align(a, 2, b, 3, &alt, &n), DP_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(alt[0].text, "Nane");
    ck_assert_int_eq(alt[0].line, 0);
    ck_assert_int_eq(alt[1].line, -1);
    ck_assert_int_eq(alt[2].line, -1);
    ck_assert_int_ne(alt[1].block, alt[2].block);
    altread_words_free(alt, n);
}
END_TEST

START_TEST(the_page_as_alternates_have_it)
{
    struct dp_page p = {.number = 1, .width = 400, .height = 300, .words = first, .nwords = 7};
    struct dp_word *alt = NULL;
    size_t n = 0;
    ck_assert_int_eq(altread_align(first, 7, second, 10, &alt, &n), DP_OK);
    p.alt = alt;
    p.nalt = n;
    struct dp_page v;
    ck_assert_int_eq(altread_variant(&p, &v), DP_OK);
    ck_assert_str_eq(v.text, "SYARIKAT SDN BHD\nTOTAL 60.30\nDATE: 25/12/2018\nTHANK YOU\n");
    ck_assert_uint_eq(v.nwords, 9);
    ck_assert_int_eq(v.words[8].line, 3);
    ck_assert_int_eq(v.words[4].x, 301); /* the alternate's own boxes */
    ck_assert_ptr_null(v.alt);
    page_cleanup(&v);
    /* a missed line above every line comes first */
    struct dp_word top[] = {{"RECEIPT", 80, 100, 2, 100, 10, -1, 0}};
    p.alt = top;
    p.nalt = 1;
    ck_assert_int_eq(altread_variant(&p, &v), DP_OK);
    ck_assert_str_eq(v.text, "RECEIPT\nSYARIKAT SON BHD\nTOTAL 60.31\nDATE: 25/12/2018\n");
    page_cleanup(&v);
    altread_words_free(alt, n);
}
END_TEST

/* The value of field name in fields (a string, or a total's amount), or NULL. */
static const char *field(cJSON *fields, const char *name, cJSON **f)
{
    cJSON *it;
    cJSON_ArrayForEach(it, fields)
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(it, "name")), name))
            continue;
        *f = it;
        cJSON *v = cJSON_GetObjectItem(it, "value");
        return cJSON_IsString(v) ? v->valuestring
                                 : cJSON_GetStringValue(cJSON_GetObjectItem(v, "amount"));
    }
    return NULL;
}

START_TEST(fields_from_the_second_reading)
{
    /* the first reading broke the date and the total's digits; the second read them */
    struct dp_word a[] = {
        {"KEDAI", 91, 40, 20, 100, 24, 0, 0},  {"MAJU", 93, 150, 20, 80, 24, 0, 0},
        {"DATE:", 90, 20, 60, 80, 22, 1, 0},   {"2S/l2/2O18", 60, 110, 60, 160, 22, 1, 0},
        {"TOTAL", 90, 20, 100, 90, 22, 2, 0},  {"RM", 90, 200, 100, 40, 22, 2, 0},
        {"6O.3l", 50, 300, 100, 80, 22, 2, 0}, {"THANK", 90, 20, 140, 90, 22, 3, 0},
        {"YOU", 90, 120, 140, 60, 22, 3, 0},
    };
    struct dp_word b[] = {
        {"KEDAI", 91, 40, 20, 100, 24, 0, 0},  {"MAJU", 93, 150, 20, 80, 24, 0, 0},
        {"DATE:", 90, 20, 60, 80, 22, 1, 0},   {"25/12/2018", 85, 110, 60, 160, 22, 1, 0},
        {"TOTAL", 90, 20, 100, 90, 22, 2, 0},  {"RM", 90, 200, 100, 40, 22, 2, 0},
        {"60.30", 80, 300, 100, 80, 22, 2, 0}, {"THANK", 90, 20, 140, 90, 22, 3, 0},
        {"YOU", 90, 120, 140, 60, 22, 3, 0},
    };
    struct dp_page p = {
        .number = 1, .width = 400, .height = 200, .dpi = 300, .words = a, .nwords = 9, .conf = 80};
    struct dp_doc_text doc = {.pages = &p, .npages = 1};
    ck_assert_int_eq(page_text_from_words(&p), DP_OK);
    cJSON *plain = NULL, *both = NULL, *f = NULL;
    ck_assert_int_eq(extract_fields_alt(NULL, &doc, NULL, &plain), DP_OK);
    ck_assert_ptr_null(field(plain, "date", &f)); /* without alternates: as extract_fields */
    const char *t = field(plain, "total", &f);
    ck_assert(!t || strcmp(t, "60.30") != 0);
    ck_assert_int_eq(altread_align(a, 9, b, 9, &p.alt, &p.nalt), DP_OK);
    ck_assert_uint_eq(p.nalt, 5);
    ck_assert_int_eq(extract_fields_alt(NULL, &doc, NULL, &both), DP_OK);
    ck_assert_str_eq(field(both, "date", &f), "2018-12-25");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "reading")), "alternate");
    ck_assert_str_eq(field(both, "total", &f), "60.30");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "reading")), "alternate");
    ck_assert_double_le(cJSON_GetObjectItem(f, "confidence")->valuedouble, EXTRACT_ALT_PENALTY);
    cJSON_Delete(plain);
    cJSON_Delete(both);
    altread_words_free(p.alt, p.nalt);
    free(p.text);
}
END_TEST

/* A receipt whose total line reads "TOTAL RM 1320." at conf_a and "TOTAL RM 13.20" at conf_b
 * the second time: the total extract_fields_alt reports (static buffer). */
static const char *total_of_two(float conf_a, float conf_b, const char **reading)
{
    static char out[32];
    struct dp_word a[] = {
        {"KEDAI", 91, 40, 20, 100, 24, 0, 0},      {"MAJU", 93, 150, 20, 80, 24, 0, 0},
        {"TOTAL", 90, 20, 100, 90, 22, 1, 0},      {"RM", 90, 200, 100, 40, 22, 1, 0},
        {"1320.", conf_a, 300, 100, 80, 22, 1, 0},
    };
    struct dp_word b[] = {
        {"TOTAL", 90, 20, 100, 90, 22, 0, 0},
        {"RM", 90, 200, 100, 40, 22, 0, 0},
        {"13.20", conf_b, 300, 100, 80, 22, 0, 0},
    };
    struct dp_page p = {
        .number = 1, .width = 400, .height = 200, .dpi = 300, .words = a, .nwords = 5, .conf = 80};
    struct dp_doc_text doc = {.pages = &p, .npages = 1};
    cJSON *fields = NULL, *f = NULL;
    ck_assert_int_eq(page_text_from_words(&p), DP_OK);
    ck_assert_int_eq(altread_align(a, 5, b, 3, &p.alt, &p.nalt), DP_OK);
    ck_assert_uint_eq(p.nalt, 3);
    ck_assert_int_eq(extract_fields_alt(NULL, &doc, NULL, &fields), DP_OK);
    const char *t = field(fields, "total", &f);
    snprintf(out, sizeof out, "%s", t ? t : "");
    *reading = cJSON_GetStringValue(cJSON_GetObjectItem(f, "reading")) ? "alternate" : "first";
    cJSON_Delete(fields);
    altread_words_free(p.alt, p.nalt);
    free(p.text);
    return out;
}

START_TEST(the_surer_of_two_valid_values)
{
    const char *reading = NULL;
    /* read unsure the first time, sure the second: the second */
    ck_assert_str_eq(total_of_two(35.0f, 96.0f, &reading), "13.20");
    ck_assert_str_eq(reading, "alternate");
    /* sure the first time: the first stands */
    ck_assert_str_eq(total_of_two(96.0f, 60.0f, &reading), "1320.00");
    ck_assert_str_eq(reading, "first");
}
END_TEST

/* A receipt of 30 lines, one word a line: a header, items, the totals, a footer. */
START_TEST(the_band_a_receipt_is_read_again_in)
{
    static const char *const text[30] = {"SYARIKAT",
                                         "SON",
                                         "BHD",
                                         "JALAN",
                                         "TAMPOI",
                                         "JOHOR",
                                         "TEL",
                                         "GST",
                                         "INVOICE",
                                         /* 9 */ "27/03/2018",
                                         "KOPI",
                                         "1.20",
                                         "TEH",
                                         "2.40",
                                         "ROTI",
                                         "3.60",
                                         "MEE",
                                         "4.80",
                                         /* 18 */ "T0TAL:",
                                         "RM",
                                         "GST",
                                         "12.00",
                                         "AMOUNT",
                                         "CHANGE",
                                         "0.00",
                                         "THANK",
                                         /* 26 */ "27 Mat 2018",
                                         "SEE",
                                         "YOU",
                                         "AGAIN"};
    struct dp_word w[30];
    unsigned char keep[30];
    for (int i = 0; i < 30; i++)
        w[i] = (struct dp_word){(char *)text[i], 90, 10, 10 + 30 * i, 80, 20, i, 0};
    /* the top max(8, 30 %) = 9 lines, the date line, T0TAL: and (no digit on it) the line
     * after it, AMOUNT and the line after it, the year of line 26 */
    ck_assert_uint_eq(altread_band(w, 30, keep, 30), 15);
    for (int l = 0; l < 9; l++)
        ck_assert_int_eq(keep[l], 1);
    ck_assert_int_eq(keep[9], 1);  /* 27/03/2018 */
    ck_assert_int_eq(keep[10], 0); /* the items */
    ck_assert_int_eq(keep[15], 0);
    ck_assert_int_eq(keep[18], 1); /* T0TAL: (TOT...) */
    ck_assert_int_eq(keep[19], 1); /* ... its amount may be on the next line */
    ck_assert_int_eq(keep[20], 0); /* GST */
    ck_assert_int_eq(keep[21], 0);
    ck_assert_int_eq(keep[22], 1); /* AMOUNT */
    ck_assert_int_eq(keep[23], 1);
    ck_assert_int_eq(keep[24], 0);
    ck_assert_int_eq(keep[26], 1); /* a year */
    ck_assert_int_eq(keep[27], 0);
    /* a short receipt is read whole */
    ck_assert_uint_eq(altread_band(w, 8, keep, 8), 8);
    ck_assert_uint_eq(altread_band(w, ALTREAD_BAND_MIN_LINES - 1, keep, ALTREAD_BAND_MIN_LINES - 1),
                      ALTREAD_BAND_MIN_LINES - 1);
    /* a year inside a longer number is none; a misread year (2078 for 2018) is one */
    struct dp_word y[22];
    for (int i = 0; i < 22; i++)
        y[i] = (struct dp_word){
            i == 20 ? "9556939020116" : i == 21 ? "2078" : "x", 90, 10, 10 + 30 * i, 80, 20, i, 0};
    ck_assert_uint_eq(altread_band(y, 22, keep, 22), 9);
    ck_assert_int_eq(keep[20], 0);
    ck_assert_int_eq(keep[21], 1);
}
END_TEST

/* A receipt's top lines and its date lines are looked at once more, alone. */
START_TEST(the_lines_a_receipt_is_looked_at_again)
{
    static const char *const text[12] = {"***",   "99",    "SYARIKAT",   "TAMPOI",
                                         "JOHOR", "TEL",   "KOPI",       "1.20",
                                         "TOTAL", "12.00", "27/03/2018", "THANK"};
    struct dp_word w[12];
    unsigned char keep[12];
    for (int i = 0; i < 12; i++)
        w[i] = (struct dp_word){(char *)text[i], 90, 10, 10 + 30 * i, 80, 20, i, 0};
    /* the first ALTREAD_LOOK_TOP lines holding a letter (a logo's marks and a lone number
     * passed over), and the date line */
    ck_assert_uint_eq(altread_look_lines(w, 12, keep, 12), ALTREAD_LOOK_TOP + 1);
    ck_assert_int_eq(keep[0], 0);
    ck_assert_int_eq(keep[1], 0);
    ck_assert_int_eq(keep[2], ALTREAD_LOOK_NAME);
    ck_assert_int_eq(keep[3], ALTREAD_LOOK_NAME);
    ck_assert_int_eq(keep[4], ALTREAD_LOOK_NAME);
    ck_assert_int_eq(keep[5], 0);
    ck_assert_int_eq(keep[9], 0);
    ck_assert_int_eq(keep[10], ALTREAD_LOOK_DATE);
    ck_assert_int_eq(keep[11], 0);
    /* a date among the top lines is looked at as a date */
    w[3].text = "27 Mat 2018";
    ck_assert_uint_eq(altread_look_lines(w, 12, keep, 12), ALTREAD_LOOK_TOP + 1);
    ck_assert_int_eq(keep[3], ALTREAD_LOOK_DATE);
    w[3].text = "TAMPOI";
    /* a date with a digit misread as a letter, a two-digit year: looked at as a date; an
     * amount, a range, a code of two groups are not */
    w[10].text = "O7/01/18";
    ck_assert_uint_eq(altread_look_lines(w, 12, keep, 12), ALTREAD_LOOK_TOP + 1);
    ck_assert_int_eq(keep[10], ALTREAD_LOOK_DATE);
    static const char *const no[] = {"12.00", "1-2", "CS-20322", "07/01/", "/07/01/18", "07//18"};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        w[10].text = (char *)no[i];
        ck_assert_msg(altread_look_lines(w, 12, keep, 12) == ALTREAD_LOOK_TOP, "%s", no[i]);
    }
    w[10].text = "27/03/2018";
    /* a page of dated rows: the first ALTREAD_LOOK_MAX_DATES are looked at */
    struct dp_word rows[20];
    unsigned char k20[20];
    for (int i = 0; i < 20; i++)
        rows[i] =
            (struct dp_word){i < 2 ? "SHOP" : "01/02/2018", 90, 10, 10 + 30 * i, 80, 20, i, 0};
    ck_assert_uint_eq(altread_look_lines(rows, 20, k20, 20), 2 + ALTREAD_LOOK_MAX_DATES);
    ck_assert_int_eq(k20[2], ALTREAD_LOOK_DATE);
    ck_assert_int_eq(k20[1 + ALTREAD_LOOK_MAX_DATES], ALTREAD_LOOK_DATE);
    ck_assert_int_eq(k20[2 + ALTREAD_LOOK_MAX_DATES], 0);
    ck_assert_int_eq(k20[19], 0);
    /* a page of two lines: what it has */
    ck_assert_uint_eq(altread_look_lines(w + 2, 2, keep, 2), 0); /* lines 2, 3: not 0..1 */
    w[0].text = "MR";
    ck_assert_uint_eq(altread_look_lines(w, 2, keep, 2), 1);
    ck_assert_int_eq(keep[0], ALTREAD_LOOK_NAME);
}
END_TEST

/* Owned copies of n words. */
static struct dp_word *own(const struct dp_word *w, size_t n)
{
    struct dp_word *o = calloc(n, sizeof *o);
    ck_assert_ptr_nonnull(o);
    for (size_t i = 0; i < n; i++) {
        o[i] = w[i];
        o[i].text = strdup(w[i].text);
    }
    return o;
}

START_TEST(a_line_look_is_one_more_alternate)
{
    struct dp_page p = {.number = 1, .width = 400, .height = 300, .words = first, .nwords = 7};
    struct dp_word *alt = NULL;
    size_t n = 0;
    ck_assert_int_eq(altread_align(first, 7, second, 10, &alt, &n), DP_OK);
    p.alt = alt;
    p.nalt = n;
    ck_assert_int_eq(altread_has_look(&p), 0);
    ck_assert_int_eq(altread_reading(&p.alt[0]), ALTREAD_SECOND);
    int kept = -1;
    /* the look reads the header as the second reading did, spaced otherwise: not kept */
    struct dp_word same[] = {{"SYARIKATSDN", 80, 40, 20, 220, 24, 0, 0},
                             {"BHD", 80, 280, 20, 60, 24, 0, 0}};
    ck_assert_int_eq(altread_add_look(&p, 0, own(same, 2), 2, &kept), DP_OK);
    ck_assert_int_eq(kept, 0);
    /* ... nor the date line as the first reading has it */
    struct dp_word date[] = {{"DATE:25/12/2018", 80, 20, 140, 250, 22, 0, 0}};
    ck_assert_int_eq(altread_add_look(&p, 2, own(date, 1), 1, &kept), DP_OK);
    ck_assert_int_eq(kept, 0);
    ck_assert_uint_eq(p.nalt, n);
    /* another reading of the header: a second alternate of line 0 */
    struct dp_word other[] = {{"SYARIKAT", 85, 40, 20, 160, 24, 5, 9},
                              {"SDN.", 85, 210, 20, 60, 24, 5, 9},
                              {"BHD", 85, 280, 20, 60, 24, 5, 9}};
    ck_assert_int_eq(altread_add_look(&p, 0, own(other, 3), 3, &kept), DP_OK);
    ck_assert_int_eq(kept, 1);
    ck_assert_uint_eq(p.nalt, n + 3);
    ck_assert_int_eq(p.alt[n].line, 0);
    ck_assert_int_ge(p.alt[n].block, ALTREAD_LOOK_BLOCK);
    ck_assert_int_eq(p.alt[n + 2].block, p.alt[n].block);
    /* and of the date line, which had none: its first */
    struct dp_word d2[] = {{"DATE:", 80, 20, 140, 80, 22, 0, 0},
                           {"26/12/2018", 80, 110, 140, 160, 22, 0, 0}};
    ck_assert_int_eq(altread_add_look(&p, 2, own(d2, 2), 2, &kept), DP_OK);
    ck_assert_int_eq(kept, 1);
    ck_assert_int_eq(altread_has_look(&p), 1);
    ck_assert_int_eq(altread_reading(&p.alt[n]), ALTREAD_LOOK);
    struct dp_page v;
    /* the second reading's lines (THANK YOU, a line the first reading missed, among them) */
    ck_assert_int_eq(altread_variant_of(&p, ALTREAD_SECOND, &v), DP_OK);
    ck_assert_str_eq(v.text, "SYARIKAT SDN BHD\nTOTAL 60.30\nDATE: 25/12/2018\nTHANK YOU\n");
    page_cleanup(&v);
    /* the line look's */
    ck_assert_int_eq(altread_variant_of(&p, ALTREAD_LOOK, &v), DP_OK);
    ck_assert_str_eq(v.text, "SYARIKAT SDN. BHD\nTOTAL 60.31\nDATE: 26/12/2018\n");
    page_cleanup(&v);
    /* all: a line's first alternate (the second reading's) */
    ck_assert_int_eq(altread_variant(&p, &v), DP_OK);
    ck_assert_str_eq(v.text, "SYARIKAT SDN BHD\nTOTAL 60.30\nDATE: 26/12/2018\nTHANK YOU\n");
    page_cleanup(&v);
    /* a look that read nothing */
    ck_assert_int_eq(altread_add_look(&p, 1, NULL, 0, &kept), DP_OK);
    ck_assert_int_eq(kept, 0);
    altread_words_free(p.alt, p.nalt);
}
END_TEST

/* A date line with a rule read as "~-" beside it: its rows are the date's, not the rule's. */
START_TEST(the_rows_a_line_stands_on)
{
    struct dp_word w[] = {
        {"Se", 40, 10, 100, 30, 60, 7, 0}, /* a smudge read as two letters, tall */
        {"~-", 30, 50, 60, 40, 110, 7, 0}, /* a rule down the side */
        {"TAXINVOICE", 80, 100, 118, 200, 24, 7, 0}, {"92/12/2017", 70, 320, 120, 160, 22, 7, 0},
        {"OTHER", 90, 10, 200, 80, 30, 8, 0},
    };
    int y0 = 0, y1 = 0;
    ck_assert_int_eq(altread_line_rows(w, 5, 7, &y0, &y1), 1);
    /* the median centre (130 of 130, 130, 131) and height (24 of 22, 24, 60) of the words of
     * two letters or digits; the rule "~-" is left out */
    ck_assert_int_eq(y0, 118);
    ck_assert_int_eq(y1, 142);
    /* a line of specks only: all its words */
    struct dp_word specks[] = {{"~", 30, 10, 10, 10, 20, 0, 0}, {"|", 30, 30, 14, 4, 30, 0, 0}};
    ck_assert_int_eq(altread_line_rows(specks, 2, 0, &y0, &y1), 1);
    ck_assert_int_eq(y0, 14);
    ck_assert_int_eq(y1, 44);
    ck_assert_int_eq(altread_line_rows(w, 5, 3, &y0, &y1), 0); /* no such line */
}
END_TEST

Suite *altread_suite(void)
{
    Suite *s = suite_create("altread");
    TCase *tc = tcase_create("altread");
    tcase_add_test(tc, which_pages_are_read_twice);
    tcase_add_test(tc, lines_aligned_by_boxes);
    tcase_add_test(tc, far_words_do_not_join);
    tcase_add_test(tc, the_page_as_alternates_have_it);
    tcase_add_test(tc, fields_from_the_second_reading);
    tcase_add_test(tc, the_surer_of_two_valid_values);
    tcase_add_test(tc, the_band_a_receipt_is_read_again_in);
    tcase_add_test(tc, the_lines_a_receipt_is_looked_at_again);
    tcase_add_test(tc, a_line_look_is_one_more_alternate);
    tcase_add_test(tc, the_rows_a_line_stands_on);
    suite_add_tcase(s, tc);
    return s;
}
