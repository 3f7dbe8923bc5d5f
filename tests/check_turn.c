/* check_turn.c -- turn: when a read page may be turned, which turns are tried, on which strip,
 * and which trial wins. */
#include "testutil.h"
#include "turn.h"

/* Words of a reading: n words of text t, each w x h pixels, one a line. */
static void words(struct dp_word *v, size_t n, char *t, int w, int h, float conf)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (struct dp_word){t, conf, 10, 10 + (int)i * 40, w, h, (int)i, 0};
}

START_TEST(sideways_text_is_seen_in_its_words)
{
    struct dp_word v[8];
    words(v, 8, "TOTAL", 90, 20, 85.0f); /* rows: wider than tall */
    ck_assert_int_eq(turn_sideways(v, 8), 0);
    words(v, 8, "TOTAL", 20, 90, 85.0f); /* layout analysis read the lines standing up */
    ck_assert_int_eq(turn_sideways(v, 8), 1);
    ck_assert_int_eq(turn_sideways(v, TURN_MIN_LONG - 1), 0); /* too few to tell */
    /* short words (digits, "RM") stand up in any reading: they do not count */
    words(v, 8, "RM", 20, 90, 85.0f);
    ck_assert_int_eq(turn_sideways(v, 8), 0);
    /* a few standing words among rows */
    words(v, 8, "TOTAL", 90, 20, 85.0f);
    v[0].w = v[1].w = v[2].w = 10;
    ck_assert_int_eq(turn_sideways(v, 8), 0);
}
END_TEST

START_TEST(which_turns_are_tried)
{
    int c[TURN_MAX_CANDIDATE];
    ck_assert_uint_eq(turn_candidates(80.0f, 200, 0, c), 0); /* a fair reading of rows */
    ck_assert_uint_eq(turn_candidates(80.0f, 200, 1, c), 2); /* sideways: a quarter turn */
    ck_assert_int_eq(c[0], 90);
    ck_assert_int_eq(c[1], 270);
    ck_assert_uint_eq(turn_candidates(35.0f, 120, 0, c), 3); /* poor: any turn */
    ck_assert_int_eq(c[0], 180);
    ck_assert_uint_eq(turn_candidates(TURN_POOR_CONF, 120, 0, c), 0);
    ck_assert_uint_eq(turn_candidates(90.0f, 2, 0, c), 3); /* almost nothing read */
}
END_TEST

START_TEST(the_strip_a_turn_is_tried_on)
{
    /* 20 px characters: 6 lines of 2 character heights = 240 px, in the middle */
    struct turn_strip s = turn_strip_of(800, 2000, 20.0, 180, -1, -1);
    ck_assert_int_eq(s.x, 0);
    ck_assert_int_eq(s.w, 800);
    ck_assert_int_eq(s.h, 240);
    ck_assert_int_eq(s.y, 880);
    /* a quarter turn: the turned page's rows are this page's columns */
    s = turn_strip_of(2000, 800, 20.0, 90, -1, -1);
    ck_assert_int_eq(s.y, 0);
    ck_assert_int_eq(s.h, 800);
    ck_assert_int_eq(s.w, 240);
    ck_assert_int_eq(s.x, 880);
    ck_assert_int_eq(turn_strip_of(2000, 800, 20.0, 270, -1, -1).x, 880);
    /* clamped to a small page; unknown character height: 20 */
    s = turn_strip_of(100, 100, 0.0, 0, -1, -1);
    ck_assert_int_eq(s.y, 0);
    ck_assert_int_eq(s.h, 100);
    /* around the text: three lines at the top of an A4 page, read upside down */
    s = turn_strip_of(2480, 3508, 20.0, 180, 1200, 3300);
    ck_assert_int_eq(s.y, 3180);
    ck_assert_int_eq(turn_strip_of(2480, 3508, 20.0, 180, 1200, 3450).y, 3508 - 240);
    s = turn_strip_of(2480, 3508, 20.0, 180, 1200, 1000);
    ck_assert_int_eq(s.y, 880);
    int cx = 0, cy = 0;
    struct dp_word c[3] = {{"a", 90, 0, 0, 10, 10, 0, 0},
                           {"b", 90, 100, 200, 10, 10, 1, 0},
                           {"c", 90, 1000, 3000, 10, 10, 2, 0}};
    ck_assert_int_eq(turn_text_centre(c, 3, &cx, &cy), DP_OK);
    ck_assert_int_eq(cx, 105);
    ck_assert_int_eq(cy, 205);
    ck_assert_int_eq(turn_text_centre(c, 0, &cx, &cy), DP_OK);
    ck_assert_int_eq(cx, -1);
    /* the upright reading's words in a strip */
    struct dp_word v[10];
    words(v, 10, "WORD", 60, 20, 50.0f); /* lines at y = 10, 50, ... 370 */
    v[4].conf = v[5].conf = v[6].conf = 80.0f;
    struct turn_strip mid = {0, 160, 800, 120}; /* centres 180..299: words 4, 5, 6 */
    ck_assert_float_eq_tol(turn_strip_conf(v, 10, mid, 1.0f), 80.0f, 0.01f);
    mid.h = 40; /* one word: too few, the fallback */
    ck_assert_float_eq_tol(turn_strip_conf(v, 10, mid, 1.0f), 1.0f, 0.01f);
}
END_TEST

START_TEST(the_trial_that_wins)
{
    int deg[3] = {180, 90, 270};
    float conf[3] = {78.0f, 31.0f, 29.0f};
    /* upside down: the turned strip reads far surer than the page did upright */
    ck_assert_int_eq(turn_pick(deg, conf, 3, 34.0f, 0), 0);
    /* an upright poor page: no turn reads TURN_GAIN surer */
    conf[0] = 50.0f;
    ck_assert_int_eq(turn_pick(deg, conf, 3, 45.0f, 0), -1);
    /* sideways: the surer quarter turn, if it reads fairly */
    float q[2] = {40.0f, 82.0f};
    ck_assert_int_eq(turn_pick(deg + 1, q, 2, 85.0f, 1), 1);
    q[1] = 50.0f;
    ck_assert_int_eq(turn_pick(deg + 1, q, 2, 85.0f, 1), -1);
    ck_assert_int_eq(turn_pick(deg, conf, 0, 10.0f, 0), -1);
}
END_TEST

Suite *turn_suite(void)
{
    Suite *s = suite_create("turn");
    TCase *tc = tcase_create("turn");
    tcase_add_test(tc, sideways_text_is_seen_in_its_words);
    tcase_add_test(tc, which_turns_are_tried);
    tcase_add_test(tc, the_strip_a_turn_is_tried_on);
    tcase_add_test(tc, the_trial_that_wins);
    suite_add_tcase(s, tc);
    return s;
}
