/* check_form.c -- key-value pairs from word boxes (same line, same phrase, below, empty
 * answers, two labels on a line, bare labels, table spreads), the steps of the scored pairing
 * (entities, key and pair scores, candidates, assignment), selection-mark classification of
 * bitmaps, and marks found on a rendered form page. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "fixtures_layout.h"
#include "form.h"
#include "form_int.h"

#include "fixtures_wset.h"

static const struct form_kv *find(const struct form_kv *kv, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(kv[i].key.text, key) == 0)
            return &kv[i];
    return NULL;
}

START_TEST(pairs_right_inline_below_empty)
{
    struct wset s = {0};
    put(&s, 200, 100, "Name: John Smith"); /* one phrase */
    put(&s, 200, 200, "Date of birth:");   /* answer to the right, far */
    put(&s, 900, 200, "12/03/1980");
    put(&s, 200, 300, "Address:"); /* answer below */
    put(&s, 200, 350, "12 High Street, Springfield");
    put(&s, 200, 450, "Fax:"); /* empty, next label right of it */
    put(&s, 900, 450, "Phone: 555 0100");
    put(&s, 200, 550, "Signature:"); /* empty, nothing around */
    put(&s, 200, 700, "This paragraph has no label in it at all.");
    struct form_kv *kv = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_pairs(s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    const struct form_kv *p;
    ck_assert_ptr_nonnull(p = find(kv, n, "Name"));
    ck_assert(p->has_value);
    ck_assert_str_eq(p->value.text, "John Smith");
    ck_assert_int_eq(p->value.bbox.x, 200 + 6 * CW);
    ck_assert_ptr_nonnull(p = find(kv, n, "Date of birth"));
    ck_assert_str_eq(p->value.text, "12/03/1980");
    ck_assert_int_eq(p->key.bbox.x, 200);
    ck_assert_int_eq(p->key.bbox.w, 14 * CW);
    ck_assert_ptr_nonnull(p = find(kv, n, "Address"));
    ck_assert_str_eq(p->value.text, "12 High Street, Springfield");
    ck_assert(p->confidence < find(kv, n, "Name")->confidence);
    ck_assert_ptr_nonnull(p = find(kv, n, "Fax"));
    ck_assert(!p->has_value);
    ck_assert_ptr_nonnull(p = find(kv, n, "Phone"));
    ck_assert_str_eq(p->value.text, "555 0100");
    ck_assert_ptr_nonnull(p = find(kv, n, "Signature"));
    ck_assert(!p->has_value);
    ck_assert_uint_eq(n, 6);
    cJSON *j = form_kv_json(find(kv, n, "Fax"));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "value")));
    cJSON_Delete(j);
    form_kv_list_free(kv, n);
    wset_free(&s);
}
END_TEST

START_TEST(pairs_two_labels_one_phrase_and_marks)
{
    struct wset s = {0};
    put(&s, 200, 100, "City: Paris Zip: 75001");
    put(&s, 200, 200, "Married:");
    put(&s, 200, 300, ":"); /* a lone colon is no label */
    put(&s, 200, 400, "Smoker:");
    put(&s, 560, 400, "Yes");
    put(&s, 760, 400, "No");
    /* Married: [ ] No  [x] Yes ; Smoker: [ ] Yes [ ] No */
    struct form_mark m[] = {{{900, 195, 50, 50}, FORM_SELECTED, 0, "Yes"},
                            {{700, 195, 50, 50}, FORM_UNSELECTED, 0, "No"},
                            {{500, 395, 50, 50}, FORM_UNSELECTED, 0, "Yes"},
                            {{700, 395, 50, 50}, FORM_UNSELECTED, 0, "No"}};
    struct form_kv *kv = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_pairs(s.w, s.n, m, 4, &kv, &n), DP_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(find(kv, n, "City")->value.text, "Paris");
    ck_assert_str_eq(find(kv, n, "Zip")->value.text, "75001");
    const struct form_kv *p = find(kv, n, "Married");
    ck_assert(p->has_value);
    ck_assert_str_eq(p->value.text, "Yes");
    ck_assert_int_eq(p->mark, 0);
    cJSON *j = form_kv_json(p);
    ck_assert_int_eq(cJSON_GetObjectItem(j, "selection_mark")->valueint, 0);
    cJSON_Delete(j);
    p = find(kv, n, "Smoker");
    ck_assert(!p->has_value);
    ck_assert_int_eq(p->mark, 2);
    form_kv_list_free(kv, n);
    wset_free(&s);
    ck_assert_int_eq(form_pairs(NULL, 0, NULL, 0, &kv, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
}
END_TEST

/* Draws a w x w bitmap: outline square (1), circle (2), plus an X (4) or a dot (8). */
static unsigned char *bitmap(int w, int what)
{
    unsigned char *b = calloc((size_t)w * (size_t)w, 1);
    double c = (w - 1) / 2.0, r = w / 2.0 - 1;
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++) {
            int on = 0;
            double d2 = (x - c) * (x - c) + (y - c) * (y - c);
            if ((what & 1) && (x < 2 || y < 2 || x >= w - 2 || y >= w - 2))
                on = 1;
            if ((what & 2) && d2 <= r * r && d2 >= (r - 2) * (r - 2))
                on = 1;
            if ((what & 4) && x > w / 5 && x < w - w / 5 &&
                (abs(x - y) <= 1 || abs(x + y - w) <= 1))
                on = 1;
            if ((what & 8) && d2 <= (r / 2) * (r / 2))
                on = 1;
            b[y * w + x] = (unsigned char)on;
        }
    return b;
}

START_TEST(mark_classify_bitmaps)
{
    enum form_mark_state st;
    int round;
    unsigned char *b = bitmap(40, 1);
    ck_assert(form_mark_classify(b, 40, 40, &st, &round));
    ck_assert_int_eq(st, FORM_UNSELECTED);
    ck_assert_int_eq(round, 0);
    free(b);
    b = bitmap(40, 1 | 4);
    ck_assert(form_mark_classify(b, 40, 40, &st, &round));
    ck_assert_int_eq(st, FORM_SELECTED);
    free(b);
    b = bitmap(40, 2);
    ck_assert(form_mark_classify(b, 40, 40, &st, &round));
    ck_assert_int_eq(st, FORM_UNSELECTED);
    ck_assert_int_eq(round, 1);
    free(b);
    b = bitmap(40, 2 | 8);
    ck_assert(form_mark_classify(b, 40, 40, &st, &round));
    ck_assert_int_eq(st, FORM_SELECTED);
    ck_assert_int_eq(round, 1);
    free(b);
    /* a letter-like stroke (an X alone) and a solid blob are no marks */
    b = bitmap(40, 4);
    ck_assert(!form_mark_classify(b, 40, 40, &st, &round));
    memset(b, 1, 40 * 40);
    ck_assert(!form_mark_classify(b, 40, 40, &st, &round));
    ck_assert(!form_mark_classify(b, 3, 3, &st, &round));
    ck_assert(!form_mark_classify(NULL, 40, 40, &st, &round));
    free(b);
}
END_TEST

/* A rendered form: a ticked and an empty box, a selected and an empty radio button, text. */
START_TEST(marks_on_a_page)
{
    const struct fx_item it[] = {
        {FX_TICKED, 100, 100, 0, 0, 10, NULL},
        {FX_TEXT, 116, 109, 0, 0, 11, "Yes"},
        {FX_BOX, 200, 100, 0, 0, 10, NULL},
        {FX_TEXT, 216, 109, 0, 0, 11, "No"},
        {FX_DOT, 100, 200, 0, 0, 10, NULL},
        {FX_CIRCLE, 200, 200, 0, 0, 10, NULL},
        {FX_TEXT, 100, 300, 0, 0, 11, "Office hours: Monday to Friday"},
    };
    PIX *pix = NULL;
    ck_assert_int_eq(fixture_layout_pix(it, sizeof it / sizeof it[0], 300, &pix), DP_OK);
    /* the words a reader would have found, in pixels at 300 DPI */
    struct dp_word words[] = {
        {"Yes", 90, 483, 417, 60, 40, 0, 0},
        {"No", 90, 900, 417, 45, 40, 0, 0},
        {"Office", 90, 417, 1215, 120, 40, 1, 0},
    };
    struct form_mark *m = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_marks_find(pix, 300, 1.0f, words, 3, &m, &n), DP_OK);
    ck_assert_uint_eq(n, 4);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        int x = m[i].bbox.x, y = m[i].bbox.y;
        ck_assert_int_gt(m[i].bbox.w, 35);
        if (abs(x - 417) < 8 && abs(y - 417) < 8) {
            ck_assert_int_eq(m[i].state, FORM_SELECTED);
            ck_assert_int_eq(m[i].round, 0);
            ck_assert_str_eq(m[i].label, "Yes");
            seen |= 1;
        } else if (abs(x - 833) < 8 && abs(y - 417) < 8) {
            ck_assert_int_eq(m[i].state, FORM_UNSELECTED);
            ck_assert_str_eq(m[i].label, "No");
            seen |= 2;
        } else if (abs(x - 417) < 8 && abs(y - 833) < 8) {
            ck_assert_int_eq(m[i].state, FORM_SELECTED);
            ck_assert_int_eq(m[i].round, 1);
            seen |= 4;
        } else if (abs(x - 833) < 8 && abs(y - 833) < 8) {
            ck_assert_int_eq(m[i].state, FORM_UNSELECTED);
            ck_assert_int_eq(m[i].round, 1);
            seen |= 8;
        }
    }
    ck_assert_int_eq(seen, 15);
    cJSON *j = form_mark_json(&m[0]);
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(j, "state"));
    cJSON_Delete(j);
    form_mark_list_free(m, n);
    pixDestroy(&pix);
}
END_TEST

/* A reader that swallowed a check box into the word after it ("No" with a box from the mark's
 * left edge): when it was unsure of that word, the box is still a mark, labelled by it; a word
 * read surely over a box-shaped blob (a letter 'D' or 'O') hides it. */
START_TEST(box_swallowed_by_an_unsure_word)
{
    const struct fx_item it[] = {
        {FX_TEXT, 100, 109, 0, 0, 11, "Newsletter:"},
        {FX_BOX, 200, 100, 0, 0, 10, NULL},
        {FX_TEXT, 216, 109, 0, 0, 11, "No"},
    };
    PIX *pix = NULL;
    ck_assert_int_eq(fixture_layout_pix(it, sizeof it / sizeof it[0], 300, &pix), DP_OK);
    struct dp_word words[] = {
        {"Newsletter:", 95, 417, 417, 300, 40, 0, 0},
        {"No", 51, 833, 410, 112, 50, 0, 0},
    };
    struct form_mark *m = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_marks_find(pix, 300, 1.0f, words, 2, &m, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_lt(abs(m[0].bbox.x - 833), 8);
    ck_assert_int_eq(m[0].state, FORM_UNSELECTED);
    ck_assert_str_eq(m[0].label, "No");
    form_mark_list_free(m, n);
    words[1].conf = 95;
    ck_assert_int_eq(form_marks_find(pix, 300, 1.0f, words, 2, &m, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
    form_mark_list_free(m, n);
    pixDestroy(&pix);
}
END_TEST

/* ---- the steps of the scored pairing (form_pair.c) ---- */

/* Entity i's words joined by ' '. */
static void ent_text(const struct tl_layout *L, const struct form_ent *e, char *out, size_t sz)
{
    out[0] = '\0';
    for (size_t i = 0; i < e->nw; i++) {
        size_t l = strlen(out);
        snprintf(out + l, sz - l, "%s%s", i ? " " : "", L->words[L->ord[e->w0 + i]].text);
    }
}

START_TEST(entities_cut_after_labels)
{
    struct wset s = {0};
    put(&s, 100, 100, "City: Paris Zip: 75001");
    put(&s, 100, 200, "Date of birth");
    put(&s, 420, 200, ":"); /* a colon set apart still ends the label */
    put(&s, 700, 200, "12/03/1980");
    put(&s, 100, 300, "Brand");
    put(&s, 400, 300, "PHOENIX"); /* a wide gap: two entities */
    struct tl_layout L;
    ck_assert_int_eq(tl_build(&L, s.w, s.n, NULL, 0.8), DP_OK);
    ck_assert_int_eq(form_word_space(&L), CW); /* most gaps are the spaces inside phrases */
    struct form_ent *e = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_entities(&L, &e, &n), DP_OK);
    static const char *const want[] = {"City:",           "Paris",      "Zip:",  "75001",
                                       "Date of birth :", "12/03/1980", "Brand", "PHOENIX"};
    static const int colon[] = {1, 0, 1, 0, 1, 0, 0, 0}, numeric[] = {0, 0, 0, 1, 0, 1, 0, 0};
    ck_assert_uint_eq(n, 8);
    for (size_t i = 0; i < n; i++) {
        char t[128];
        ent_text(&L, &e[i], t, sizeof t);
        ck_assert_str_eq(t, want[i]);
        ck_assert_int_eq(e[i].colon, colon[i]);
        ck_assert_int_eq(e[i].numeric, numeric[i]);
    }
    ck_assert_int_eq(e[4].x0, 100);
    ck_assert_int_eq(e[4].x1, 440);
    ck_assert_uint_eq(e[5].line, e[4].line);
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

START_TEST(key_scores_from_text_shape)
{
    const char *colon[] = {"Date", "of", "birth:"}, *bare[] = {"Brand"}, *num[] = {"12.50"};
    const char *q[] = {"Married?"}, *no[] = {"Project", "No."}, *paren[] = {"(if", "any)"};
    const char *longt[] = {"this", "is", "a", "long", "sentence", "of", "running", "text", "ok"};
    double c = form_key_score(colon, 3), b = form_key_score(bare, 1), d = form_key_score(num, 1);
    ck_assert(c > form_key_score(q, 1));
    ck_assert(form_key_score(q, 1) > b);
    ck_assert(form_key_score(no, 2) > form_key_score((const char *[]){"Project", "Name"}, 2));
    ck_assert(b > form_key_score(paren, 2));
    ck_assert(b > d);
    ck_assert(d < 0);
    ck_assert(form_key_score(longt, 9) < 0);
    const char *mm[] = {"mm"}, *mgcc[] = {"mg/cc"}, *pct[] = {"%"}, *word[] = {"Brand"};
    ck_assert(form_unit_like(mm, 1) && form_unit_like(mgcc, 1) && form_unit_like(pct, 1));
    ck_assert(!form_unit_like(word, 1) && !form_unit_like(num, 1));
    ck_assert(!form_unit_like((const char *[]){"from", "mouth", "end"}, 3));
    /* a cell's unit: not one letter, not digits misread ("ll" = 11) */
    ck_assert(form_cell_unit(mm, 1) && form_cell_unit(mgcc, 1) && form_cell_unit(pct, 1));
    ck_assert(form_cell_unit((const char *[]){"gm/", "m2"}, 2));
    ck_assert(!form_cell_unit((const char *[]){"ll"}, 1) &&
              !form_cell_unit((const char *[]){"a"}, 1));
    ck_assert(!form_cell_unit((const char *[]){"i2"}, 1) && !form_cell_unit(word, 1));
    ck_assert(form_key_score(mm, 1) < b - 1.0);
}
END_TEST

static struct form_ent ent(int x0, int y0, int x1, int y1, int colon, int numeric, double key)
{
    return (struct form_ent){.x0 = x0,
                             .y0 = y0,
                             .x1 = x1,
                             .y1 = y1,
                             .nw = 1,
                             .colon = colon,
                             .numeric = numeric,
                             .key = key};
}

START_TEST(pair_scores_from_geometry)
{
    const int em = 40;
    struct form_ent k = ent(100, 100, 300, 140, 1, 0, 3.0);
    struct form_ent near = ent(340, 102, 500, 142, 0, 0, 0),
                    far = ent(1100, 100, 1300, 140, 0, 0, 0);
    struct form_ent below = ent(100, 160, 400, 200, 0, 0, 0),
                    deep = ent(100, 400, 400, 440, 0, 0, 0);
    struct form_ent above = ent(100, 40, 300, 80, 0, 0, 0),
                    label = ent(340, 100, 500, 140, 1, 0, 3);
    struct form_ent aside = ent(700, 160, 900, 200, 0, 0, 0),
                    num = ent(340, 102, 500, 142, 0, 1, -1);
    enum form_rel r;
    double sn = form_pair_score(&k, &near, em, &r);
    ck_assert_int_eq(r, FORM_REL_RIGHT);
    double sf = form_pair_score(&k, &far, em, &r);
    ck_assert_int_eq(r, FORM_REL_RIGHT);
    double sb = form_pair_score(&k, &below, em, &r);
    ck_assert_int_eq(r, FORM_REL_BELOW);
    ck_assert(sn > sf && sn > sb);
    ck_assert(form_pair_score(&k, &num, em, &r) > sn);    /* a number answers better */
    ck_assert(form_pair_score(&k, &deep, em, &r) < -1e6); /* 6.5 em down */
    ck_assert_int_eq(r, FORM_REL_NONE);
    ck_assert(form_pair_score(&k, &above, em, &r) < -1e6);
    ck_assert(form_pair_score(&k, &label, em, &r) < -1e6); /* a written label answers nothing */
    ck_assert(form_pair_score(&k, &aside, em, &r) < -1e6); /* below but off the column */
    ck_assert(form_pair_score(&k, &k, em, &r) < -1e6);
    struct form_ent head = near;
    head.head = 1; /* a row label (a number follows it) answers no label */
    ck_assert(form_pair_score(&k, &head, em, &r) < -1e6);
}
END_TEST

START_TEST(candidates_and_assignment)
{
    /* A: B  C   (C is blocked from A by B); D below A */
    struct form_ent e[] = {ent(100, 100, 200, 140, 1, 0, 3.0), ent(240, 100, 400, 140, 0, 0, 0.5),
                           ent(600, 100, 800, 140, 0, 1, -1.5), ent(100, 160, 300, 200, 0, 0, 0.5)};
    struct form_cand *c = NULL;
    size_t nc = 0;
    ck_assert_int_eq(form_candidates(e, 4, 40, 1.0, &c, &nc), DP_OK);
    ck_assert_uint_ge(nc, 2);
    for (size_t i = 0; i < nc; i++) {
        ck_assert(!(c[i].k == 0 && c[i].v == 2));
        if (i)
            ck_assert(c[i - 1].score >= c[i].score);
    }
    ck_assert_uint_eq(c[0].k, 0);
    ck_assert_uint_eq(c[0].v, 1);
    long role[4] = {-1, -1, -1, -1};
    size_t taken = form_assign(c, nc, 4, role);
    ck_assert_uint_ge(taken, 1);
    ck_assert_int_eq(role[0], 0);
    ck_assert_int_eq(role[1], 0);
    ck_assert(role[3] == -1 || c[role[3]].k != 0); /* A has one answer */
    free(c);
    /* greedy, best first, one role per entity; a taken entity (role set) is left alone */
    struct form_cand g[] = {{0, 1, 5.0, FORM_REL_RIGHT},
                            {2, 1, 4.0, FORM_REL_RIGHT},
                            {1, 3, 3.5, FORM_REL_BELOW},
                            {2, 3, 3.0, FORM_REL_BELOW},
                            {4, 5, 2.0, FORM_REL_RIGHT}};
    long r2[6] = {-1, -1, -1, -1, -2, -1};
    ck_assert_uint_eq(form_assign(g, 5, 6, r2), 2);
    ck_assert_int_eq(r2[0], 0);
    ck_assert_int_eq(r2[1], 0);
    ck_assert_int_eq(r2[2], 3);
    ck_assert_int_eq(r2[3], 3);
    ck_assert_int_eq(r2[4], -2);
    ck_assert_int_eq(r2[5], -1);
}
END_TEST

START_TEST(pairs_table_spread_and_bare_labels)
{
    struct wset s = {0};
    put(&s, 100, 100, "Brand");
    put(&s, 300, 100, "PHOENIX");
    put(&s, 100, 300, "Tar");
    put(&s, 400, 300, "9.1");
    put(&s, 700, 300, "5.5");
    put(&s, 1000, 300, "4.0");
    put(&s, 100, 500, "Units");
    put(&s, 100, 560, "12");
    put(&s, 100, 620, "7");
    put(&s, 100, 680, "30");
    put(&s, 100, 900, "Total");
    put(&s, 100, 1100, "Rod Length"); /* a number's unit set apart is part of the answer */
    put(&s, 400, 1100, "84");
    put(&s, 600, 1100, "mm");
    struct form_kv *kv = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_pairs(s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    size_t tar = 0, units = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert(kv[i].has_value);
        if (!strcmp(kv[i].key.text, "Tar"))
            tar |= 1u << (kv[i].value.text[0] - '0');
        if (!strcmp(kv[i].key.text, "Units"))
            units++;
        ck_assert_str_ne(kv[i].key.text, "Total"); /* nothing near it */
    }
    ck_assert_str_eq(find(kv, n, "Brand")->value.text, "PHOENIX");
    ck_assert_uint_eq(tar, (1u << 9) | (1u << 5) | (1u << 4));
    ck_assert_uint_eq(units, 3);
    ck_assert_str_eq(find(kv, n, "Rod Length")->value.text, "84 mm");
    ck_assert_uint_eq(n, 8);
    form_kv_list_free(kv, n);
    wset_free(&s);
}
END_TEST

START_TEST(pairs_skip_noise_and_blanks)
{
    struct wset s = {0};
    put(&s, 100, 100, "Name:");
    put(&s, 300, 100, "|@~"); /* mostly not letters: no answer */
    put(&s, 100, 200, "Phone:");
    put(&s, 300, 200, "555 0100");
    put(&s, 100, 300, "Office");
    put(&s, 300, 300, "Lab 4"); /* read unsurely: neither label nor answer */
    s.w[s.n - 1].conf = s.w[s.n - 2].conf = s.w[s.n - 3].conf = 20.0f;
    s.w[s.n++] = (struct dp_word){strdup(" "), 95.0f, 100, 400, 300, 300, 0, 0}; /* a logo */
    put(&s, 420, 500, "Ref:");
    put(&s, 600, 500, "A-12");
    struct form_kv *kv = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_pairs(s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    ck_assert(!find(kv, n, "Name")->has_value);
    ck_assert_str_eq(find(kv, n, "Phone")->value.text, "555 0100");
    ck_assert_ptr_null(find(kv, n, "Office"));
    ck_assert_str_eq(find(kv, n, "Ref")->value.text, "A-12");
    ck_assert_uint_eq(n, 3);
    form_kv_list_free(kv, n);
    wset_free(&s);
}
END_TEST

START_TEST(fill_lines_cleaned)
{
    struct dp_word in[] = {
        {"____June", 90.0f, 100, 10, 160, 40, 0, 0},          /* 8 characters, 4 of them '_' */
        {"300__", 90.0f, 400, 10, 100, 40, 0, 0},             /* trailing */
        {"\xE2\x80\x94__409", 90.0f, 600, 10, 120, 40, 0, 0}, /* an em dash, 2 '_', 3 digits */
        {"____", 90.0f, 800, 10, 80, 40, 0, 0},               /* a fill-in line alone */
        {"-14,165", 90.0f, 900, 10, 140, 40, 0, 0},           /* a minus is kept */
        {"snake_case", 90.0f, 1100, 10, 200, 40, 0, 0},       /* inside a word: kept */
        {"", 90.0f, 1400, 10, 10, 40, 0, 0},
    };
    size_t n = sizeof in / sizeof in[0];
    struct dp_word *out = NULL;
    char *buf = NULL;
    ck_assert_int_eq(form_clean_words(in, n, &out, &buf), DP_OK);
    ck_assert_str_eq(out[0].text, "June");
    ck_assert_int_eq(out[0].x, 180); /* 4 of 8 characters dropped on the left */
    ck_assert_int_eq(out[0].w, 80);
    ck_assert_str_eq(out[1].text, "300");
    ck_assert(out[1].x == 400 && out[1].w == 60);
    ck_assert_str_eq(out[2].text, "409");
    ck_assert(out[2].x == 660 && out[2].w == 60);
    ck_assert_str_eq(out[3].text, "");
    ck_assert_str_eq(out[4].text, "-14,165");
    ck_assert_str_eq(out[5].text, "snake_case");
    ck_assert(out[5].x == 1100 && out[5].w == 200 && out[5].conf == 90.0f);
    ck_assert_str_eq(out[6].text, "");
    ck_assert_str_eq(in[0].text, "____June"); /* the input is untouched */
    free(out);
    free(buf);
    /* through the pairing: the answer reads without its fill-in line */
    struct wset s = {0};
    put(&s, 100, 100, "Date: ____June 3, 1995");
    put(&s, 100, 200, "Amount: ________");
    struct form_kv *kv = NULL;
    size_t nkv = 0;
    ck_assert_int_eq(form_pairs(s.w, s.n, NULL, 0, &kv, &nkv), DP_OK);
    ck_assert_uint_eq(nkv, 2);
    ck_assert_str_eq(kv[0].key.text, "Date");
    ck_assert_str_eq(kv[0].value.text, "June 3, 1995");
    ck_assert_str_eq(kv[1].key.text, "Amount");
    ck_assert_int_eq(kv[1].has_value, 0); /* a blank line is an empty answer */
    form_kv_list_free(kv, nkv);
    wset_free(&s);
}
END_TEST

START_TEST(leaders_cut_off_texts)
{
    char a[] = "Filter Length---", b[] = "Circumference--~", c[] = "Original --";
    char d[] = "Cigt. Wt.", e[] = "------ Manufacturing - A. Kraus", f[] = "-0-";
    char g[] = "Name \xE2\x80\x94\xE2\x80\x94", h[] = "3.--", i[] = "..... 12";
    form_tidy_leaders(a, 1);
    form_tidy_leaders(b, 1);
    form_tidy_leaders(c, 1);
    form_tidy_leaders(d, 1);
    ck_assert_str_eq(a, "Filter Length");
    ck_assert_str_eq(b, "Circumference");
    ck_assert_str_eq(c, "Original");
    ck_assert_str_eq(d, "Cigt. Wt."); /* one dot is an abbreviation's */
    form_tidy_leaders(g, 1);
    ck_assert_str_eq(g, "Name");
    form_tidy_leaders(e, 0);
    form_tidy_leaders(f, 0);
    form_tidy_leaders(h, 0);
    form_tidy_leaders(i, 0);
    ck_assert_str_eq(e, "Manufacturing - A. Kraus");
    ck_assert_str_eq(f, "-0-"); /* an answer of its own */
    ck_assert_str_eq(h, "3.--");
    ck_assert_str_eq(i, "12");
    /* stray marks before a text; a quoted label keeps its quotes */
    char j[] = "| PROJECTED Field Start", k[] = "\\OVERALL", l[] = "\xE2\x80\x98State";
    char m[] = "\"TAR\"", o[] = "| brand to various markets", q[] = "\xE2\x80\x9CHEAD\xE2\x80\x9D";
    form_tidy_leaders(j, 1);
    form_tidy_leaders(k, 1);
    form_tidy_leaders(l, 1);
    form_tidy_leaders(m, 1);
    form_tidy_leaders(o, 0);
    form_tidy_leaders(q, 1);
    ck_assert_str_eq(j, "PROJECTED Field Start");
    ck_assert_str_eq(k, "OVERALL");
    ck_assert_str_eq(l, "State");
    ck_assert_str_eq(m, "\"TAR\"");
    ck_assert_str_eq(o, "brand to various markets");
    ck_assert_str_eq(q, "\xE2\x80\x9CHEAD\xE2\x80\x9D");
    char r[] = "Client:,", u[] = "No.|", v[] = "Paid, Free";
    form_tidy_leaders(r, 1);
    form_tidy_leaders(u, 1);
    form_tidy_leaders(v, 1);
    ck_assert_str_eq(r, "Client:");
    ck_assert_str_eq(u, "No.");
    ck_assert_str_eq(v, "Paid, Free");
    char w[] = "2/22 by courier ..", x[] = "1969-105 |", y[] = "Total 12.5", z[] = "a -";
    form_tidy_leaders(w, 0);
    form_tidy_leaders(x, 0);
    form_tidy_leaders(y, 0);
    form_tidy_leaders(z, 0);
    ck_assert_str_eq(w, "2/22 by courier");
    ck_assert_str_eq(x, "1969-105");
    ck_assert_str_eq(y, "Total 12.5");
    ck_assert_str_eq(z, "a -");
}
END_TEST

/* An answer of marks alone is a blank: no letter or digit ("--", "*", "- - -", a Latin-1 or
 * punctuation sign); letters of other scripts and a currency sign alone are answers. */
START_TEST(answers_of_marks_only)
{
    ck_assert(form_marks_only("--"));
    ck_assert(form_marks_only("- - - - -"));
    ck_assert(form_marks_only("*"));
    ck_assert(form_marks_only("|"));
    ck_assert(form_marks_only(""));
    ck_assert(form_marks_only("\xC2\xA7"));       /* section sign */
    ck_assert(form_marks_only("\xE2\x80\x99 .")); /* right quote */
    ck_assert(!form_marks_only("-0-"));
    ck_assert(!form_marks_only("x"));
    ck_assert(!form_marks_only("N/A"));
    ck_assert(!form_marks_only("\xC3\xA9")); /* e acute */
    ck_assert(!form_marks_only("\xD0\x94")); /* Cyrillic De */
    ck_assert(!form_marks_only("$"));
    ck_assert(!form_marks_only("\xE2\x82\xAC")); /* euro sign */
    ck_assert(form_marks_only("$ $"));
}
END_TEST

Suite *form_suite(void)
{
    Suite *s = suite_create("form");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, pairs_right_inline_below_empty);
    tcase_add_test(tc, pairs_two_labels_one_phrase_and_marks);
    tcase_add_test(tc, mark_classify_bitmaps);
    tcase_add_test(tc, marks_on_a_page);
    tcase_add_test(tc, box_swallowed_by_an_unsure_word);
    tcase_add_test(tc, entities_cut_after_labels);
    tcase_add_test(tc, key_scores_from_text_shape);
    tcase_add_test(tc, pair_scores_from_geometry);
    tcase_add_test(tc, candidates_and_assignment);
    tcase_add_test(tc, pairs_table_spread_and_bare_labels);
    tcase_add_test(tc, pairs_skip_noise_and_blanks);
    tcase_add_test(tc, fill_lines_cleaned);
    tcase_add_test(tc, leaders_cut_off_texts);
    tcase_add_test(tc, answers_of_marks_only);
    suite_add_tcase(s, tc);
    return s;
}
