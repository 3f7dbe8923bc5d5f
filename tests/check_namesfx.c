/* check_namesfx.c -- a company name printed over two lines: a value that is only the words
 * the tenant's names end in takes in the line above, a value not ending in one takes in a line
 * below that is only such words; a word closing a single name, a line above with digits, or a
 * value on no line changes nothing. A reading's speck beside a legal form is dropped, an
 * abbreviation's mark is not; a value another reading read finds its neighbours there. */
#include <string.h>
#include "altread.h"
#include "fixtures_xdoc.h"
#include "namesfx.h"
#include "testutil.h"

static const char *const names[] = {"LIAN HING STATIONERY SDN BHD",    "MR. D.I.Y. (M) SDN BHD",
                                    "POPULAR BOOK CO. (M) SDN BHD",    "YONGFATT ENTERPRISE",
                                    "TRIPLE SIX POINT ENTERPRISE 666", "SAM SAM TRADING CO"};
#define NN (sizeof names / sizeof names[0])

static void expect(const char *value, const char *const *lines, size_t nl, const char *want)
{
    char out[256] = "untouched";
    int r = namesfx_extend(value, names, NN, lines, nl, out, sizeof out);
    ck_assert_msg(r == (want != NULL), "[%s]: %d", value, r);
    if (want)
        ck_assert_str_eq(out, want);
    else
        ck_assert_str_eq(out, "untouched");
}

START_TEST(joins)
{
    static const char *const page[] = {
        "PASARAYA BORONG PINTAR", "SDN BHD", "(1234-X)", "ZHENG HUI", "ENTERPRISE", "TEL 03-1234"};
    /* the closing words alone take in the name above; a name takes in its closing line */
    expect("SDN BHD", page, 6, "PASARAYA BORONG PINTAR SDN BHD");
    expect("PASARAYA BORONG PINTAR", page, 6, "PASARAYA BORONG PINTAR SDN BHD");
    expect("ZHENG HUI", page, 6, "ZHENG HUI ENTERPRISE");
    /* a value already closed, or whose next line is not only closing words: as it is */
    expect("ZHENG HUI ENTERPRISE", page, 6, NULL);
    expect("(1234-X)", page, 6, NULL);
    /* a line above with digits, no line above, two closing lines: as it is */
    static const char *const page2[] = {"NO 5 JALAN 2", "SDN BHD"};
    expect("SDN BHD", page2, 2, NULL);
    expect("SDN BHD", page2 + 1, 1, NULL);
    static const char *const page3[] = {"ENTERPRISE", "SDN BHD"};
    expect("SDN BHD", page3, 2, NULL);
    /* CO is a legal form (it closes names though it ends one confirmed name only); 666 ends
     * one name only and is none: no closing word */
    static const char *const page4[] = {"SAM SAM TRADING", "CO", "TRIPLE SIX POINT", "666"};
    expect("SAM SAM TRADING", page4, 4, "SAM SAM TRADING CO");
    expect("TRIPLE SIX POINT", page4, 4, NULL);
    /* legal forms alone take in the name above, whatever the tenant confirmed */
    static const char *const page5[] = {"POPULAR BOOK", "CO. (M) SDN BHD", "KEDAI", "LTD"};
    static const char *const one[] = {"KEDAI ABC"};
    char o5[64];
    ck_assert_int_eq(namesfx_extend("CO. (M) SDN BHD", one, 1, page5, 4, o5, sizeof o5), 1);
    ck_assert_str_eq(o5, "POPULAR BOOK CO. (M) SDN BHD");
    expect("LTD", page5, 4, "KEDAI LTD");
    expect("KEDAI", page5, 4, "KEDAI LTD");
    ck_assert(namesfx_legal_form("SDN"));
    ck_assert(namesfx_legal_form("Bhd."));
    ck_assert(namesfx_legal_form("(M)"));
    ck_assert(namesfx_legal_form("ltd"));
    ck_assert(!namesfx_legal_form("TRADING"));
    ck_assert(!namesfx_legal_form(""));
    ck_assert(!namesfx_legal_form(NULL));
    /* a name ending in a connector takes in the next line when it reads as a name */
    static const char *const page6[] = {"HOME MASTER HARDWARE &", "ELECTRICAL", "SRI AND",
                                        "NO 5 JALAN 2"};
    expect("HOME MASTER HARDWARE &", page6, 4, "HOME MASTER HARDWARE & ELECTRICAL");
    expect("SRI AND", page6, 4, NULL);
    /* not on any line, empty, no names */
    expect("KEDAI RUNCIT", page, 6, NULL);
    expect("", page, 6, NULL);
    char out[8];
    ck_assert_int_eq(namesfx_extend("SDN BHD", names, 0, page, 6, out, sizeof out), 0);
    /* the output is cut to its size */
    ck_assert_int_eq(namesfx_extend("SDN BHD", names, NN, page, 6, out, sizeof out), 1);
    ck_assert_str_eq(out, "PASARAY");
}
END_TEST

static void unmarked(const char *s, const char *want)
{
    char out[128] = "untouched";
    int r = namesfx_unmark(s, out, sizeof out);
    ck_assert_msg(r == (want != NULL), "[%s]: %d", s, r);
    ck_assert_str_eq(out, want ? want : "untouched");
}

/* A mark after a whole word before a legal form is a speck; abbreviations keep theirs. */
START_TEST(unmark)
{
    unmarked("POPULAR BOOK. CO. (M) SDN BHD", "POPULAR BOOK CO. (M) SDN BHD");
    unmarked("UNIHAKKA INTERNATIONAL.SDN BHD", "UNIHAKKA INTERNATIONAL SDN BHD");
    unmarked("UNIHAKKA INTERNATIONAL-SDN BHD", "UNIHAKKA INTERNATIONAL SDN BHD");
    unmarked("KEDAI MAJU, (M) SDN BHD", "KEDAI MAJU (M) SDN BHD");
    unmarked("KEDAI TRDG, (M) SDN BHD", NULL); /* no vowel: an abbreviation */
    unmarked("KEDAI MAJ, (M) SDN BHD", NULL);  /* three letters */
    unmarked("TRADING; SDN BHD AND BOOKS, LTD", "TRADING SDN BHD AND BOOKS LTD");
    /* abbreviations, legal forms, words with other marks, no legal form next: as they are */
    unmarked("MR. D.I.Y. (M) SDN BHD", NULL);
    unmarked("SYL ROASTED DELIGHTS SDN. BHD.", NULL);
    unmarked("ABC INTL. SDN BHD", NULL);
    unmarked("ABC MFG. SDN BHD", NULL);
    unmarked("S.H.H. MOTOR (SUNGAI RENGIT) SDN. BHD.", NULL);
    unmarked("NO 5, JALAN BESAR, 45600 BATANG", NULL);
    unmarked("POPULAR BOOK.", NULL);
    unmarked("BOOK..CO", NULL);
    unmarked("BOOKS.COM", NULL);
    unmarked("", NULL);
    unmarked(NULL, NULL);
    /* spacing kept, output cut to its size */
    unmarked("POPULAR  BOOK. CO.", "POPULAR  BOOK CO.");
    char out[8];
    ck_assert_int_eq(namesfx_unmark("POPULAR BOOK. CO.", out, sizeof out), 1);
    ck_assert_str_eq(out, "POPULAR");
    /* a join takes the speck out too */
    static const char *const page[] = {"POPULAR BOOK.", ") CO. (M) SDN BHD"};
    char o[64];
    ck_assert_int_eq(namesfx_extend("CO. (M) SDN BHD", names, NN, page, 2, o, sizeof o), 1);
    ck_assert_str_eq(o, "POPULAR BOOK CO. (M) SDN BHD");
}
END_TEST

/* Adds to d's page an alternate line of reading block `block` standing for line `line`. */
static void add_alt(struct dp_doc_text *d, const char *text, int line, int block)
{
    struct dp_page *p = &d->pages[0];
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    p->alt = realloc(p->alt, (p->nalt + 16) * sizeof *p->alt);
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
        p->alt[p->nalt++] = (struct dp_word){strdup(w), 80, 100, 100, 20, 30, line, block};
}

/* The first reading's lines, then each other reading's with its lines in place, after an
 * empty line: a name the second reading read takes in its own line above. */
START_TEST(lines_of_readings)
{
    static const char *const lines[] = {"POPULAR BODE.", ") C0. (M) SDN BHD", "NO 8, JALAN 7/1198"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 3);
    char **l;
    size_t n;
    ck_assert_int_eq(namesfx_lines_of(&d, &l, &n), DP_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(l[1], ") C0. (M) SDN BHD");
    namesfx_lines_free(l, n);
    add_alt(&d, "POPULAR BOOK.", 0, 0);
    add_alt(&d, ") CO. (M) SDN BHD", 1, 1);
    add_alt(&d, "POPULAR BOOKS", 0, ALTREAD_LOOK_BLOCK);
    add_alt(&d, "MISSED LINE", -1, 2); /* a line the first reading missed: not placed */
    ck_assert_int_eq(namesfx_lines_of(&d, &l, &n), DP_OK);
    ck_assert_uint_eq(n, 3 + 4 + 4);
    ck_assert_str_eq(l[3], "");
    ck_assert_str_eq(l[4], "POPULAR BOOK.");
    ck_assert_str_eq(l[5], ") CO. (M) SDN BHD");
    ck_assert_str_eq(l[6], "NO 8, JALAN 7/1198");
    ck_assert_str_eq(l[7], "");
    ck_assert_str_eq(l[8], "POPULAR BOOKS");
    ck_assert_str_eq(l[9], ") C0. (M) SDN BHD");
    char out[64];
    ck_assert_int_eq(
        namesfx_extend("CO. (M) SDN BHD", names, NN, (const char *const *)l, n, out, sizeof out),
        1);
    ck_assert_str_eq(out, "POPULAR BOOK CO. (M) SDN BHD");
    namesfx_lines_free(l, n);
    doctext_cleanup(&d);
}
END_TEST

Suite *namesfx_suite(void)
{
    Suite *s = suite_create("namesfx");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, joins);
    tcase_add_test(tc, unmark);
    tcase_add_test(tc, lines_of_readings);
    suite_add_tcase(s, tc);
    return s;
}
