/* check_namesfx.c -- a company name printed over two lines: a value that is only the words
 * the tenant's names end in takes in the line above, a value not ending in one takes in a line
 * below that is only such words; a word closing a single name, a line above with digits, or a
 * value on no line changes nothing. */
#include <string.h>
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

Suite *namesfx_suite(void)
{
    Suite *s = suite_create("namesfx");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, joins);
    suite_add_tcase(s, tc);
    return s;
}
