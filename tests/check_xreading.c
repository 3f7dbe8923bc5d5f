/* check_xreading.c -- which reading of a line a field trusts: twins of a line read by two
 * readings, the wins and losses a confirmed value gives each reading, the twin a field that
 * sides with a reading takes (only one that differs in letters), and the apply path. */
#include <stdlib.h>
#include <string.h>
#include "altread.h"
#include "fixtures_xdoc.h"
#include "testutil.h"
#include "xfeat.h"
#include "xmodel.h"
#include "xreading.h"

/* The candidate with text and reading alt, or cs->n. */
static size_t find(const struct cand_set *cs, const char *text, int alt)
{
    for (size_t i = 0; i < cs->n; i++)
        if (cs->c[i].alt == alt && strcmp(cs->c[i].text, text) == 0)
            return i;
    return cs->n;
}

static const char *const lines[] = {"UAN HING STATIONERY", "NO 12, JALAN MERANTI 3,", "TOTAL 9.50"};

/* A receipt whose name line the second reading and the line look read again, the look
 * right. */
static void make_doc(struct dp_doc_text *d)
{
    xdoc_make(d, lines, 3);
    xdoc_add_alt(d, "UAN H1NG STATIONERY", 0, 100, 0);
    xdoc_add_alt(d, "LIAN HING STATIONERY", 0, 100, ALTREAD_LOOK_BLOCK);
}

START_TEST(slots_and_marks)
{
    ck_assert_int_eq(xreading_slot(0), -1);
    ck_assert_int_eq(xreading_slot(ALTREAD_SECOND), 0);
    ck_assert_int_eq(xreading_slot(ALTREAD_LOOK), 1);
    /* letters only */
    ck_assert(xreading_letters_only("UAN HING STATIONERY", "LIAN HING STATIONERY"));
    ck_assert(xreading_letters_only("TKANO HANDEL SDN BHD", "IKANO HANDEL SDN BHD"));
    ck_assert(xreading_letters_only("MR. D.I.Y. (KUCHAT)", "MR. D.I.Y. (KUCHAI)"));
    ck_assert(xreading_letters_only("a b", "ab"));
    /* a mark at an edge, a symbol for a letter, another digit, a mark for a letter */
    ck_assert(!xreading_letters_only("ADVANCO COMPANY", "_ADVANCO COMPANY"));
    ck_assert(!xreading_letters_only("THAI RESTAURANT", "THAI RESTAURANT = >"));
    ck_assert(!xreading_letters_only("MR.D.I.Y(M)SDN BHD", "MR.D.1.\xc2\xa5(M)SDN BHD"));
    ck_assert(!xreading_letters_only("LOT 1851-A", "LOT 1351-A"));
    ck_assert(!xreading_letters_only("JIAWEI", "JIAWE|"));
    ck_assert(!xreading_letters_only(NULL, "A"));
    ck_assert(!xreading_letters_only("A", NULL));
    /* preference: more wins than losses, and at least two wins */
    ck_assert(xreading_prefers(2, 0));
    ck_assert(xreading_prefers(10, 5));
    ck_assert(!xreading_prefers(1, 0));
    ck_assert(!xreading_prefers(3, 3));
    ck_assert(!xreading_prefers(5, 10));
}
END_TEST

START_TEST(twins)
{
    struct dp_doc_text d;
    struct cand_set cs;
    make_doc(&d);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    size_t first = find(&cs, "UAN HING STATIONERY", 0);
    size_t second = find(&cs, "UAN H1NG STATIONERY", ALTREAD_SECOND);
    size_t look = find(&cs, "LIAN HING STATIONERY", ALTREAD_LOOK);
    size_t look_span = find(&cs, "LIAN HING", ALTREAD_LOOK);
    size_t other = find(&cs, "NO 12, JALAN MERANTI 3,", 0);
    size_t run = find(&cs, "UAN HING STATIONERY NO 12, JALAN MERANTI 3,", 0);
    size_t look_run = find(&cs, "LIAN HING STATIONERY NO 12, JALAN MERANTI 3,", ALTREAD_LOOK);
    ck_assert(first < cs.n && second < cs.n && look < cs.n && look_span < cs.n);
    ck_assert(other < cs.n && run < cs.n && look_run < cs.n);
    ck_assert(xreading_twins(&cs, first, look));
    ck_assert(xreading_twins(&cs, look, first));
    ck_assert(xreading_twins(&cs, first, second));
    ck_assert(xreading_twins(&cs, second, look));
    ck_assert(xreading_twins(&cs, run, look_run));
    ck_assert(!xreading_twins(&cs, first, first));     /* the same reading */
    ck_assert(!xreading_twins(&cs, first, look_span)); /* a line and a span */
    ck_assert(!xreading_twins(&cs, other, look));      /* another line */
    ck_assert(!xreading_twins(&cs, run, look));        /* a run and a line */
    ck_assert(!xreading_twins(&cs, first, look_run));
    /* the evidence of one document: the look held the value, the first reading did not */
    unsigned char *exact = calloc(cs.n, 1);
    uint32_t wins[XREADING_N] = {0}, losses[XREADING_N] = {0};
    exact[look] = 1;
    xreading_count(&cs, exact, wins, losses);
    ck_assert_uint_eq(wins[1], 1);
    ck_assert_uint_eq(wins[0], 0);
    ck_assert_uint_eq(losses[0] + losses[1], 0);
    /* the first reading held it: a loss of both readings that read the line again */
    memset(exact, 0, cs.n);
    exact[first] = 1;
    xreading_count(&cs, exact, wins, losses);
    ck_assert_uint_eq(losses[0], 1);
    ck_assert_uint_eq(losses[1], 1);
    ck_assert_uint_eq(wins[1], 1);
    /* both held it, or a line no other reading read: no evidence */
    exact[look] = 1;
    exact[other] = 1;
    xreading_count(&cs, exact, wins, losses);
    ck_assert_uint_eq(losses[1], 1);
    ck_assert_uint_eq(wins[1], 1);
    ck_assert_uint_eq(losses[0], 2); /* the second reading's twin is not exact */
    free(exact);
    /* the side a field takes, the twin it takes */
    uint32_t w[XREADING_N] = {0, 2}, l[XREADING_N] = {0, 0};
    ck_assert_int_eq(xreading_side(&cs, first, w, l), ALTREAD_LOOK);
    ck_assert_uint_eq(xreading_twin(&cs, first, ALTREAD_LOOK, NULL), look);
    ck_assert_int_eq(xreading_side(&cs, other, w, l), -1); /* no twin */
    ck_assert_int_eq(xreading_side(&cs, look, w, l), -1);  /* already the look's */
    uint32_t w2[XREADING_N] = {3, 0}, l2[XREADING_N] = {0, 0};
    ck_assert_int_eq(xreading_side(&cs, first, w2, l2), -1); /* "H1NG": a digit for a letter */
    uint32_t w3[XREADING_N] = {0, 1}, l3[XREADING_N] = {0, 4};
    ck_assert_int_eq(xreading_side(&cs, look, w3, l3), 0); /* the first reading preferred */
    ck_assert_uint_eq(xreading_twin(&cs, look, 0, NULL), first);
    ck_assert_int_eq(xreading_side(&cs, first, w3, l3), -1);
    ck_assert_int_eq(xreading_side(&cs, cs.n, w, l), -1);
    /* of several twins the best-scored; a negative score is none */
    double *q = calloc(cs.n, sizeof *q);
    for (size_t i = 0; i < cs.n; i++)
        q[i] = -1;
    ck_assert_uint_eq(xreading_twin(&cs, first, ALTREAD_LOOK, q), first);
    q[look] = 0.4;
    ck_assert_uint_eq(xreading_twin(&cs, first, ALTREAD_LOOK, q), look);
    free(q);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
}
END_TEST

/* A candidate of the second reading: the line look's twin when the field prefers the look
 * and not the second reading (the model may choose the second reading's twin: SROIE 073, 075,
 * branch xtr9); the first reading's when it prefers the first to the second. */
START_TEST(side_from_second)
{
    struct dp_doc_text d;
    struct cand_set cs;
    xdoc_make(&d, lines, 3);
    xdoc_add_alt(&d, "VAN HING STATIONERY", 0, 100, 0);
    xdoc_add_alt(&d, "LIAN HING STATIONERY", 0, 100, ALTREAD_LOOK_BLOCK);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    size_t first = find(&cs, "UAN HING STATIONERY", 0);
    size_t second = find(&cs, "VAN HING STATIONERY", ALTREAD_SECOND);
    size_t look = find(&cs, "LIAN HING STATIONERY", ALTREAD_LOOK);
    ck_assert(first < cs.n && second < cs.n && look < cs.n);
    uint32_t w[XREADING_N] = {0, 2}, l[XREADING_N] = {0, 0};
    ck_assert_int_eq(xreading_side(&cs, second, w, l), ALTREAD_LOOK);
    ck_assert_uint_eq(xreading_twin(&cs, second, ALTREAD_LOOK, NULL), look);
    ck_assert_int_eq(xreading_side(&cs, look, w, l), -1); /* already the look's */
    /* the second reading preferred too: its own stands */
    uint32_t w2[XREADING_N] = {3, 2}, l2[XREADING_N] = {1, 0};
    ck_assert_int_eq(xreading_side(&cs, second, w2, l2), -1);
    /* the look preferred, the first preferred to the second: the look's first */
    uint32_t w3[XREADING_N] = {0, 2}, l3[XREADING_N] = {3, 0};
    ck_assert_int_eq(xreading_side(&cs, second, w3, l3), ALTREAD_LOOK);
    /* only the first preferred to the second */
    uint32_t w4[XREADING_N] = {0, 0}, l4[XREADING_N] = {3, 0};
    ck_assert_int_eq(xreading_side(&cs, second, w4, l4), 0);
    ck_assert_uint_eq(xreading_twin(&cs, second, 0, NULL), first);
    /* the look a candidate: the second reading preferred, the look not */
    uint32_t w5[XREADING_N] = {2, 1}, l5[XREADING_N] = {0, 1};
    ck_assert_int_eq(xreading_side(&cs, look, w5, l5), ALTREAD_SECOND);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    /* a look that reads a speck at the edge as a word: no twin to take */
    xdoc_make(&d, lines, 3);
    xdoc_add_alt(&d, "VAN HING STATIONERY", 0, 100, 0);
    xdoc_add_alt(&d, "ee LIAN HING STATIONERY", 0, 100, ALTREAD_LOOK_BLOCK);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    first = find(&cs, "UAN HING STATIONERY", 0);
    second = find(&cs, "VAN HING STATIONERY", ALTREAD_SECOND);
    look = find(&cs, "ee LIAN HING STATIONERY", ALTREAD_LOOK);
    ck_assert(first < cs.n && second < cs.n && look < cs.n);
    ck_assert(xreading_twins(&cs, second, look));
    ck_assert(xreading_letters_only(cs.c[second].text, cs.c[look].text));
    ck_assert_uint_eq(xreading_twin(&cs, second, ALTREAD_LOOK, NULL), second);
    ck_assert_int_eq(xreading_side(&cs, second, w, l), -1);
    ck_assert_int_eq(xreading_side(&cs, first, w, l), -1);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
}
END_TEST

/* Applying: a company field whose confirmed values sided with the line look takes the look's
 * twin of the line it chose; without that evidence the first reading's stands; the wins and
 * losses are stored with the model. */
START_TEST(apply_path)
{
    struct xmodel m = {0};
    struct xmodel_field f = {.name = "company", .replace_above = 2};
    f.w = calloc(XFEAT_DIM + 1, sizeof *f.w);
    ck_assert_ptr_nonnull(f.w);
    m.f = &f;
    m.nf = 1;
    struct dp_doc_text d;
    make_doc(&d);
    /* all candidates score alike: the first one, the first reading's "UAN", is chosen */
    cJSON *fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 0), "value")), "UAN");
    cJSON_Delete(fields);
    f.read_wins[1] = 3;
    f.read_losses[1] = 1;
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 0), "value")), "LIAN");
    cJSON_Delete(fields);
    unsigned char *buf = NULL;
    size_t len = 0;
    struct xmodel *back = NULL;
    ck_assert_int_eq(xmodel_save(&m, &buf, &len), DP_OK);
    ck_assert_int_eq(xmodel_load(buf, len, &back), DP_OK);
    ck_assert_uint_eq(back->f[0].read_wins[1], 3);
    ck_assert_uint_eq(back->f[0].read_losses[1], 1);
    ck_assert_uint_eq(back->f[0].read_wins[0], 0);
    xmodel_free(back);
    free(buf);
    doctext_cleanup(&d);
    free(f.w);
}
END_TEST

/* The digits of a line three readings read: the one most of them read wins; with two a
 * disagreement is a tie; a digit more or less (a letter read as one) is no vote. */
START_TEST(digit_votes)
{
    static const char *const addr[] = {"4-20, Jalan Ria 25/62", "Taman Sri Muda"};
    struct dp_doc_text d;
    struct cand_set cs;
    xdoc_make(&d, addr, 2);
    xdoc_add_alt(&d, "4-20, Jalan Ria 29/62", 0, 100, 0);
    xdoc_add_alt(&d, "4-20, Jalan Ria 25/62", 0, 100, ALTREAD_LOOK_BLOCK);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    size_t first = find(&cs, "4-20, Jalan Ria 25/62", 0);
    size_t second = find(&cs, "4-20, Jalan Ria 29/62", ALTREAD_SECOND);
    size_t run2 = find(&cs, "4-20, Jalan Ria 29/62 Taman Sri Muda", ALTREAD_SECOND);
    size_t look = find(&cs, "4-20, Jalan Ria 25/62", ALTREAD_LOOK);
    ck_assert(first < cs.n && second < cs.n && run2 < cs.n && look < cs.n);
    ck_assert(xreading_outvoted(&cs, second));
    ck_assert(xreading_outvoted(&cs, run2)); /* a run holding the line */
    ck_assert(!xreading_outvoted(&cs, first));
    ck_assert(!xreading_outvoted(&cs, look));
    ck_assert(!xreading_outvoted(&cs, cs.n));
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    /* two readings: a tie */
    xdoc_make(&d, addr, 2);
    xdoc_add_alt(&d, "4-20, Jalan Ria 29/62", 0, 100, 0);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    second = find(&cs, "4-20, Jalan Ria 29/62", ALTREAD_SECOND);
    ck_assert(second < cs.n);
    ck_assert(!xreading_outvoted(&cs, second));
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    /* "CO." read as "C0." by two readings: no vote against the one that reads letters */
    static const char *const co[] = {"POPULAR C0. SDN BHD"};
    xdoc_make(&d, co, 1);
    xdoc_add_alt(&d, "POPULAR CO. SDN BHD", 0, 100, 0);
    xdoc_add_alt(&d, "POPULAR 0. SDN BHD", 0, 100, ALTREAD_LOOK_BLOCK);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    second = find(&cs, "POPULAR CO. SDN BHD", ALTREAD_SECOND);
    ck_assert(second < cs.n);
    ck_assert(!xreading_outvoted(&cs, second));
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
}
END_TEST

/* Applying: the model's choice whose digits the other readings outvote gives way to its twin
 * of a reading that reads them as most do. */
START_TEST(digit_vote_apply)
{
    static const char *const addr[] = {"4-20, Jalan Ria 25/62"};
    struct dp_doc_text d;
    xdoc_make(&d, addr, 1);
    xdoc_add_alt(&d, "4-20, Jalan Ria 29/62", 0, 100, 0);
    xdoc_add_alt(&d, "4-20, Jalan Ria 25/62", 0, 100, ALTREAD_LOOK_BLOCK);
    struct xmodel m = {0};
    struct xmodel_field f = {.name = "address", .replace_above = 2};
    f.w = calloc(XFEAT_DIM + 1, sizeof *f.w);
    ck_assert_ptr_nonnull(f.w);
    m.f = &f;
    m.nf = 1;
    /* the second reading's line scores best */
    struct cand_set cs;
    struct xfeat_doc fx;
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    ck_assert_int_eq(xfeat_doc(&cs, NULL, &fx), DP_OK);
    size_t second = find(&cs, "4-20, Jalan Ria 29/62", ALTREAD_SECOND);
    ck_assert(second < cs.n);
    for (const struct feature_node *x = fx.x[second]; x->index != -1; x++)
        if (x->index <= XFEAT_DIM)
            f.w[x->index - 1] += 1.0f;
    xfeat_doc_cleanup(&fx);
    cand_set_cleanup(&cs);
    cJSON *fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 0), "value")),
        "4-20, Jalan Ria 25/62");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    free(f.w);
}
END_TEST

Suite *xreading_suite(void)
{
    Suite *s = suite_create("xreading");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, slots_and_marks);
    tcase_add_test(tc, twins);
    tcase_add_test(tc, side_from_second);
    tcase_add_test(tc, apply_path);
    tcase_add_test(tc, digit_votes);
    tcase_add_test(tc, digit_vote_apply);
    suite_add_tcase(s, tc);
    return s;
}
