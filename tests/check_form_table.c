/* check_form_table.c -- table links of a form (form_table.c): a header row's headers linked to
 * every number of their columns, a row label to the numbers of its row, nothing for a lone
 * label over its answer, a column of words or a paragraph; entities cut at a table's column
 * gutters and between numbers; and the links as pairs of form_pairs_model() with the
 * built-in model and with the rules. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "form_int.h"

#include "fixtures_wset.h"

/* A small table: a header row over names and numbers, then a sentence across the page. */
static void table(struct wset *s)
{
    put(s, 100, 100, "Memo of the month");
    put(s, 100, 300, "NAME OF ACCOUNT");
    put(s, 700, 300, "STORES");
    put(s, 1000, 300, "VOLUME");
    static const char *names[] = {"Chatham Oil", "Express Stop", "Fowlers Oil"};
    static const char *stores[] = {"23", "21", "15"};
    static const char *vol[] = {"139/27", "202/22", "126/26"};
    for (int i = 0; i < 3; i++) {
        put(s, 100, 380 + 70 * i, names[i]);
        put(s, 720, 380 + 70 * i, stores[i]);
        put(s, 1000, 380 + 70 * i, vol[i]);
    }
    put(s, 100, 640, "These accounts were visited by the sales force in the week before");
}

/* The text of entity i of L. */
static char *ent_text(const struct tl_layout *L, const struct form_ent *e)
{
    char *t = NULL;
    struct table_box b = {0, 0, 0, 0};
    ck_assert_int_eq(tl_append(L, e->w0, e->nw, &t, &b), DP_OK);
    return t;
}

/* Whether the links hold (key text, value text). */
static int linked(const struct tl_layout *L, const struct form_ent *e, const struct form_link *lk,
                  size_t nl, const char *k, const char *v)
{
    int hit = 0;
    for (size_t i = 0; i < nl && !hit; i++) {
        char *kt = ent_text(L, &e[lk[i].k]), *vt = ent_text(L, &e[lk[i].v]);
        hit = !strcmp(kt, k) && !strcmp(vt, v);
        free(kt);
        free(vt);
    }
    return hit;
}

/* Lays the words of s out and finds their entities and table links (the caller frees them with
 * unlink_table). */
static void link_table(const struct wset *s, struct tl_layout *L, struct form_ent **e, size_t *ne,
                       struct form_link **lk, size_t *nl)
{
    *e = NULL;
    *lk = NULL;
    *ne = *nl = 0;
    ck_assert_int_eq(form_layout(L, s->w, s->n, NULL, 0), DP_OK);
    ck_assert_int_eq(form_entities(L, e, ne), DP_OK);
    ck_assert_int_eq(form_table_links(*e, *ne, L->hmed, lk, nl), DP_OK);
}

static void unlink_table(struct wset *s, struct tl_layout *L, struct form_ent *e,
                         struct form_link *lk)
{
    free(lk);
    free(e);
    tl_cleanup(L);
    wset_free(s);
}

START_TEST(links_header_row_to_columns)
{
    struct wset s = {0};
    table(&s);
    struct tl_layout L;
    struct form_ent *e;
    struct form_link *lk;
    size_t ne, nl;
    link_table(&s, &L, &e, &ne, &lk, &nl);
    ck_assert_uint_eq(nl, 6); /* 2 columns of numbers x 3 cells, nothing else */
    /* the names are the table's cells too, but a column of words under a header row is
     * more often a form's labels than a table FUNSD links: no links, and no row labels */
    ck_assert(!linked(&L, e, lk, nl, "NAME OF ACCOUNT", "Chatham Oil"));
    ck_assert(!linked(&L, e, lk, nl, "Chatham Oil", "23"));
    ck_assert(linked(&L, e, lk, nl, "STORES", "23"));
    ck_assert(linked(&L, e, lk, nl, "STORES", "15"));
    ck_assert(linked(&L, e, lk, nl, "VOLUME", "202/22"));
    for (size_t i = 0; i < nl; i++) {
        ck_assert_int_eq(lk[i].rel, FORM_REL_BELOW);
        ck_assert_int_lt(e[lk[i].v].y0, 640); /* the sentence is no cell */
        ck_assert_int_gt(e[lk[i].k].y0, 200); /* the title heads nothing */
    }
    unlink_table(&s, &L, e, lk);
}
END_TEST

/* A header row over a column of answers written in words (names with their numbers): linked,
 * as words (text = 1); a column of words that read as labels under a header row: not. */
START_TEST(links_column_of_words)
{
    struct wset s = {0};
    put(&s, 100, 300, "NAME OF DEALER");
    put(&s, 700, 300, "UNITS");
    static const char *dealers[] = {"Acme Supply (120-04)", "Bay Depot (301-17)",
                                    "Crest Trading (455-02)"};
    static const char *units[] = {"12", "40", "7"};
    for (int i = 0; i < 3; i++) {
        put(&s, 100, 380 + 70 * i, dealers[i]);
        put(&s, 720, 380 + 70 * i, units[i]);
    }
    struct tl_layout L;
    struct form_ent *e;
    struct form_link *lk;
    size_t ne, nl;
    link_table(&s, &L, &e, &ne, &lk, &nl);
    ck_assert_uint_eq(nl, 6);
    ck_assert(linked(&L, e, lk, nl, "NAME OF DEALER", "Acme Supply (120-04)"));
    ck_assert(linked(&L, e, lk, nl, "NAME OF DEALER", "Crest Trading (455-02)"));
    ck_assert(linked(&L, e, lk, nl, "UNITS", "40"));
    for (size_t i = 0; i < nl; i++) {
        char *kt = ent_text(&L, &e[lk[i].k]);
        ck_assert_int_eq(lk[i].text, !strcmp(kt, "NAME OF DEALER"));
        free(kt);
    }
    unlink_table(&s, &L, e, lk);
    /* the same with two dealers only, with a label among the words, or with the lines of a
     * paragraph (more than 4 words each): no link of NAME OF DEALER */
    static const char *para[] = {"we pay 2 of 3 in 30 days", "or 5 of 6 in 60 days as",
                                 "set out in 4 of the terms"};
    for (int v = 0; v < 3; v++) {
        struct wset t = {0};
        put(&t, 100, 300, "NAME OF DEALER");
        put(&t, 700, 300, "UNITS");
        for (int i = 0; i < 3 - !v; i++) {
            put(&t, 100, 380 + 70 * i, v == 2 ? para[i] : v && i == 1 ? "Region" : dealers[i]);
            put(&t, 720, 380 + 70 * i, units[i]);
        }
        ck_assert_int_eq(form_layout(&L, t.w, t.n, NULL, 0), DP_OK);
        ck_assert_int_eq(form_entities(&L, &e, &ne), DP_OK);
        ck_assert_int_eq(form_table_links(e, ne, L.hmed, &lk, &nl), DP_OK);
        ck_assert_uint_eq(nl, (size_t)(3 - !v));
        for (size_t i = 0; i < nl; i++)
            ck_assert(!lk[i].text);
        unlink_table(&t, &L, e, lk);
    }
}
END_TEST

/* A table's columns go on across a gap between groups of rows of 5.5 em (TAB_DOWN_EM 6), and
 * of 6.5 em to a row of numbers (TAB_GROUP_EM 7) but not to a lone number; past that, up to
 * 20 em (TAB_FAR_EM) to a row of numbers when nothing lies in the band between across the
 * header row (a note there ends the table), and no farther. */
START_TEST(columns_cross_a_group_gap)
{
    /* the gap in half em, whether the row after it has its HEIGHT cell, whether a note lies
     * in the gap between the columns, whether crossed */
    static const int gap[] = {11, 13, 13, 15, 15, 38, 42}, both[] = {1, 1, 0, 1, 1, 1, 1},
                     note[] = {0, 0, 0, 0, 1, 0, 0}, cross[] = {1, 1, 0, 1, 0, 1, 0};
    for (int v = 0; v < 7; v++) {
        struct wset s = {0};
        put(&s, 100, 300, "WEIGHT");
        put(&s, 500, 300, "HEIGHT");
        static const char *w[] = {"61.5", "70.2", "58.0", "66.4"};
        static const char *h[] = {"1.72", "1.80", "1.65", "1.77"};
        int y[] = {380, 450, 0, 0};
        y[2] = y[1] + LH + gap[v] * LH / 2;
        y[3] = y[2] + 70;
        if (note[v])
            put(&s, 300, (y[1] + y[2]) / 2, "See Note");
        for (int i = 0; i < 4; i++) {
            put(&s, 110, y[i], w[i]);
            if (i != 2 || both[v])
                put(&s, 510, y[i], h[i]);
        }
        struct tl_layout L;
        struct form_ent *e;
        struct form_link *lk;
        size_t ne, nl;
        link_table(&s, &L, &e, &ne, &lk, &nl);
        ck_assert(linked(&L, e, lk, nl, "WEIGHT", "70.2"));
        ck_assert_int_eq(linked(&L, e, lk, nl, "WEIGHT", "58.0"), cross[v]);
        ck_assert_int_eq(linked(&L, e, lk, nl, "HEIGHT", "1.77"), cross[v]);
        ck_assert_uint_eq(nl, cross[v] ? 8 : 4);
        unlink_table(&s, &L, e, lk);
    }
}
END_TEST

/* A column goes on past rows where it is blank (7.75 em here, past TAB_GROUP_EM) when those
 * rows are rows of numbers of the other columns; not past a row with a single number, nor past
 * a line of words. */
START_TEST(columns_cross_rows_blank_in_them)
{
    /* what the four rows where WEIGHT is blank hold: 0 HEIGHT and AGE, 1 AGE only, 2 words */
    for (int v = 0; v < 3; v++) {
        struct wset s = {0};
        put(&s, 100, 300, "WEIGHT");
        put(&s, 500, 300, "HEIGHT");
        put(&s, 800, 300, "AGE");
        static const char *w[] = {"61.5", "70.2", "58.0"};
        int y[] = {380, 450, 800};
        for (int i = 0; i < 3; i++) {
            put(&s, 110, y[i], w[i]);
            put(&s, 510, y[i], "1.72");
            put(&s, 810, y[i], "34");
        }
        for (int r = 0; r < 4; r++) {
            if (v == 2) {
                put(&s, 100, 520 + 70 * r, "measured again in the spring");
                continue;
            }
            if (v == 0)
                put(&s, 510, 520 + 70 * r, "1.80");
            put(&s, 810, 520 + 70 * r, "41");
        }
        struct tl_layout L;
        struct form_ent *e;
        struct form_link *lk;
        size_t ne, nl;
        link_table(&s, &L, &e, &ne, &lk, &nl);
        ck_assert(linked(&L, e, lk, nl, "WEIGHT", "70.2"));
        ck_assert_int_eq(linked(&L, e, lk, nl, "WEIGHT", "58.0"), v == 0);
        unlink_table(&s, &L, e, lk);
    }
}
END_TEST

START_TEST(links_row_labels_and_no_table)
{
    struct wset s = {0};
    put(&s, 100, 100, "Male");
    put(&s, 400, 100, "1.9");
    put(&s, 600, 100, "(104)");
    put(&s, 800, 100, "7");
    put(&s, 100, 300, "Address"); /* one answer below: a form's field, no table */
    put(&s, 100, 360, "12 High Street");
    put(&s, 100, 500, "Remarks"); /* a line of words right of it: no row of numbers */
    put(&s, 400, 500, "none so far");
    put(&s, 100, 700, "Colour"); /* two words below a lone label: not a header row */
    put(&s, 100, 770, "red");
    put(&s, 100, 840, "blue");
    struct tl_layout L;
    struct form_ent *e;
    struct form_link *lk;
    size_t ne, nl;
    link_table(&s, &L, &e, &ne, &lk, &nl);
    ck_assert_uint_eq(nl, 3);
    ck_assert(linked(&L, e, lk, nl, "Male", "1.9"));
    ck_assert(linked(&L, e, lk, nl, "Male", "(104)"));
    ck_assert(linked(&L, e, lk, nl, "Male", "7"));
    ck_assert_int_eq(lk[0].rel, FORM_REL_RIGHT);
    free(lk);
    free(e);
    /* no entities, no links */
    ck_assert_int_eq(form_table_links(NULL, 0, L.hmed, &lk, &nl), DP_OK);
    ck_assert_uint_eq(nl, 0);
    ck_assert_ptr_null(lk);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

/* A row label far left of its numbers (over 10 em, TAB_RIGHT_EM) is linked to them when they
 * are cells of a header row's columns; the same row with no header row over it is not. */
START_TEST(row_label_far_left_of_its_cells)
{
    for (int head = 0; head < 2; head++) {
        struct wset s = {0};
        if (head) {
            put(&s, 1000, 300, "SCORE");
            put(&s, 1200, 300, "BASE");
        }
        put(&s, 100, 380, "Test Brand Smokers"); /* ends at 460: 13.75 em to the first cell */
        put(&s, 1010, 380, "33");
        put(&s, 1200, 380, "(42)");
        put(&s, 100, 450, "All Other Smokers");
        put(&s, 1010, 450, "30");
        put(&s, 1200, 450, "(125)");
        struct tl_layout L;
        struct form_ent *e;
        struct form_link *lk;
        size_t ne, nl;
        link_table(&s, &L, &e, &ne, &lk, &nl);
        ck_assert_int_eq(linked(&L, e, lk, nl, "Test Brand Smokers", "33"), head);
        ck_assert_int_eq(linked(&L, e, lk, nl, "Test Brand Smokers", "(42)"), head);
        ck_assert_int_eq(linked(&L, e, lk, nl, "All Other Smokers", "(125)"), head);
        ck_assert_int_eq(linked(&L, e, lk, nl, "SCORE", "30"), head);
        ck_assert_uint_eq(nl, head ? 8 : 0);
        unlink_table(&s, &L, e, lk);
    }
}
END_TEST

/* Rows of a table whose labels have a note on the line under them: each row label keeps its
 * row of numbers (the numbers of a row label's line are cells of the header row's columns, no
 * header row of that label's own: its note and the labels under it are no column of it). */
START_TEST(row_labels_under_row_labels_keep_their_rows)
{
    struct wset s = {0};
    put(&s, 400, 300, "Total");
    put(&s, 600, 300, "Male");
    static const char *labels[] = {"STRENGTH", "SMOOTHNESS", "SATISFYING"};
    static const char *notes[] = {"(7=Stronger)", "(7=Smoother)", "(7=More)"};
    static const char *tot[] = {"4.31", "3.60", "3.12"}, *male[] = {"4.59", "3.42", "2.78"};
    for (int i = 0; i < 3; i++) {
        put(&s, 100, 380 + 90 * i, labels[i]);
        put(&s, 410, 380 + 90 * i, tot[i]);
        put(&s, 610, 380 + 90 * i, male[i]);
        put(&s, 110, 425 + 90 * i, notes[i]);
    }
    struct tl_layout L;
    struct form_ent *e;
    struct form_link *lk;
    size_t ne, nl;
    link_table(&s, &L, &e, &ne, &lk, &nl);
    for (int i = 0; i < 3; i++) {
        ck_assert(linked(&L, e, lk, nl, labels[i], tot[i]));
        ck_assert(linked(&L, e, lk, nl, labels[i], male[i]));
        ck_assert(linked(&L, e, lk, nl, "Total", tot[i]));
        ck_assert(!linked(&L, e, lk, nl, "STRENGTH", labels[i])); /* no column of labels */
    }
    ck_assert_uint_eq(nl, 12);
    unlink_table(&s, &L, e, lk);
}
END_TEST

/* The stacked lines of a row label end at the next row's label: SATISFYING / (7=More) /
 * APTERTASTE / (7=Pleasant) joined in one chain become two labels of two lines each. */
START_TEST(row_label_lines_end_at_the_next_row)
{
    struct form_ent e[8];
    memset(e, 0, sizeof e);
    e[0].head = 1; /* SATISFYING, then its numbers 4, 5 */
    e[2].head = 1; /* APTERTASTE, then 6, 7; 1 and 3 are the notes under the labels */
    struct form_link lk[] = {{0, 4, FORM_REL_RIGHT, 0},
                             {0, 5, FORM_REL_RIGHT, 0},
                             {2, 6, FORM_REL_RIGHT, 0},
                             {2, 7, FORM_REL_RIGHT, 0}};
    long up[8], down[8];
    for (int i = 0; i < 8; i++)
        up[i] = down[i] = -1;
    for (int i = 0; i < 3; i++) { /* one chain 0 - 1 - 2 - 3 */
        down[i] = i + 1;
        up[i + 1] = i;
    }
    form_table_row_lines(e, lk, 4, up, down);
    ck_assert_int_eq(down[0], 1);
    ck_assert_int_eq(up[1], 0);
    ck_assert_int_eq(down[1], -1);
    ck_assert_int_eq(up[2], -1);
    ck_assert_int_eq(down[2], 3);
    ck_assert_int_eq(up[3], 2);
    /* a chain above a row label is cut at a row label too; other chains are left alone */
    for (int i = 0; i < 8; i++)
        up[i] = down[i] = -1;
    up[2] = 0, down[0] = 2; /* row label 0 over row label 2 */
    up[5] = 4, down[4] = 5; /* two cells stacked: not a row label's */
    form_table_row_lines(e, lk, 4, up, down);
    ck_assert_int_eq(up[2], -1);
    ck_assert_int_eq(down[0], -1);
    ck_assert_int_eq(up[5], 4);
    ck_assert_int_eq(down[4], 5);
}
END_TEST

/* The texts of the entities of L on line l, joined by '|'. */
static void line_texts(const struct tl_layout *L, const struct form_ent *e, size_t n, size_t l,
                       char *out, size_t outsz)
{
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (e[i].line != l)
            continue;
        char *t = ent_text(L, &e[i]);
        size_t len = strlen(out);
        snprintf(out + len, outsz - len, "%s%s", len ? "|" : "", t);
        free(t);
    }
}

START_TEST(split_at_gutters_and_numbers)
{
    struct wset s = {0};
    put(&s, 100, 60, "Smoke analysis and burning test report, weekly"); /* a title across */
    put(&s, 300, 100, "Present Sample"); /* two headers one space apart */
    put(&s, 620, 100, "Mean of Last");
    static const char *a[] = {"1.089", "0.34", "39.7"}, *b[] = {"1.106", "0.37", "35.6"};
    for (int i = 0; i < 3; i++) {
        put(&s, 320, 180 + 60 * i, a[i]);
        put(&s, 640, 180 + 60 * i, b[i]);
    }
    put(&s, 100, 400, "Tar 4.31*** 4.59"); /* two numbers, one space apart */
    put(&s, 100, 460, "Moisture 1 .089");  /* one number read in two pieces */
    put(&s, 100, 520, "Harvest of 13, 1982");
    struct tl_layout L;
    ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
    struct form_ent *e = NULL;
    size_t ne = 0, before;
    ck_assert_int_eq(form_entities(&L, &e, &ne), DP_OK);
    before = ne;
    char buf[512];
    line_texts(&L, e, ne, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "Present Sample Mean of Last"); /* one phrase as read */
    ck_assert_int_eq(form_split_gutters(&L, &e, &ne), DP_OK);
    ck_assert_uint_eq(ne, before + 2);
    line_texts(&L, e, ne, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "Smoke analysis and burning test report, weekly");
    line_texts(&L, e, ne, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "Present Sample|Mean of Last");
    line_texts(&L, e, ne, 5, buf, sizeof buf);
    ck_assert_str_eq(buf, "Tar 4.31***|4.59");
    line_texts(&L, e, ne, 6, buf, sizeof buf);
    ck_assert_str_eq(buf, "Moisture 1 .089");
    line_texts(&L, e, ne, 7, buf, sizeof buf);
    ck_assert_str_eq(buf, "Harvest of 13, 1982");
    for (size_t i = 0; i < ne; i++) /* boxes follow the words */
        ck_assert_int_lt(e[i].x0, e[i].x1);
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

/* The links come out as pairs of the built-in model, once each (the rules keep their own
 * table spread). */
START_TEST(pairs_hold_table_links)
{
    struct wset s = {0};
    table(&s);
    const struct form_model *models[1] = {form_model_builtin()};
    ck_assert_ptr_nonnull(models[0]);
    for (int m = 0; m < 1; m++) {
        struct form_kv *kv = NULL;
        size_t n = 0, stores = 0, volume = 0;
        ck_assert_int_eq(form_pairs_model(models[m], s.w, s.n, NULL, 0, &kv, &n), DP_OK);
        for (size_t i = 0; i < n; i++) {
            if (!kv[i].has_value)
                continue;
            if (!strcmp(kv[i].key.text, "STORES")) {
                ck_assert(!strcmp(kv[i].value.text, "23") || !strcmp(kv[i].value.text, "21") ||
                          !strcmp(kv[i].value.text, "15"));
                stores++;
            }
            volume += !strcmp(kv[i].key.text, "VOLUME");
            for (size_t j = 0; j < i; j++) /* no pair twice */
                ck_assert(!kv[j].has_value || strcmp(kv[i].key.text, kv[j].key.text) ||
                          strcmp(kv[i].value.text, kv[j].value.text));
        }
        ck_assert_uint_eq(stores, 3);
        ck_assert_uint_eq(volume, 3);
        form_kv_list_free(kv, n);
    }
    wset_free(&s);
}
END_TEST

/* A table's number cells keep their unit written apart ("84   mm"); a misread digit ("ll")
 * is no unit. */
START_TEST(table_cells_keep_their_units)
{
    struct wset s = {0};
    put(&s, 100, 100, "Memo of the month");
    put(&s, 100, 300, "NAME OF ACCOUNT");
    put(&s, 700, 300, "STORES");
    put(&s, 1000, 300, "LENGTH");
    static const char *names[] = {"Chatham Oil", "Express Stop", "Fowlers Oil"};
    static const char *stores[] = {"23", "21", "15"};
    static const char *len[] = {"84", "99", "72"};
    for (int i = 0; i < 3; i++) {
        put(&s, 100, 380 + 70 * i, names[i]);
        put(&s, 720, 380 + 70 * i, stores[i]);
        put(&s, 1000, 380 + 70 * i, len[i]);
        put(&s, 1160, 380 + 70 * i, i == 1 ? "ll" : "mm");
    }
    struct form_kv *kv = NULL;
    size_t n = 0, lengths = 0, stores_n = 0;
    ck_assert_int_eq(form_pairs_model(form_model_builtin(), s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    for (size_t i = 0; i < n; i++) {
        if (!kv[i].has_value)
            continue;
        if (!strcmp(kv[i].key.text, "LENGTH")) {
            ck_assert(!strcmp(kv[i].value.text, "84 mm") || !strcmp(kv[i].value.text, "99") ||
                      !strcmp(kv[i].value.text, "72 mm"));
            lengths++;
        }
        if (!strcmp(kv[i].key.text, "STORES")) {
            ck_assert(!strcmp(kv[i].value.text, "23") || !strcmp(kv[i].value.text, "21") ||
                      !strcmp(kv[i].value.text, "15"));
            stores_n++;
        }
    }
    ck_assert_uint_eq(lengths, 3);
    ck_assert_uint_eq(stores_n, 3);
    form_kv_list_free(kv, n);
    wset_free(&s);
}
END_TEST

/* Two cells of a column that read alike ("23" and "23") are two pairs of their header; the
 * same cell reached twice (the model's further answer and the table link) is one. */
START_TEST(twin_cells_are_two_pairs)
{
    struct wset s = {0};
    put(&s, 100, 100, "Memo of the month");
    put(&s, 100, 300, "NAME OF ACCOUNT");
    put(&s, 700, 300, "STORES");
    put(&s, 1000, 300, "VOLUME");
    static const char *names[] = {"Chatham Oil", "Express Stop", "Fowlers Oil"};
    static const char *stores[] = {"23", "23", "15"};
    static const char *vol[] = {"139/27", "202/22", "126/26"};
    for (int i = 0; i < 3; i++) {
        put(&s, 100, 380 + 70 * i, names[i]);
        put(&s, 720, 380 + 70 * i, stores[i]);
        put(&s, 1000, 380 + 70 * i, vol[i]);
    }
    struct form_kv *kv = NULL;
    size_t n = 0, twins = 0, vols = 0;
    ck_assert_int_eq(form_pairs_model(form_model_builtin(), s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    for (size_t i = 0; i < n; i++) {
        if (!kv[i].has_value)
            continue;
        if (!strcmp(kv[i].key.text, "STORES") && !strcmp(kv[i].value.text, "23"))
            twins++;
        vols += !strcmp(kv[i].key.text, "VOLUME");
        for (size_t j = 0; j < i; j++) /* no cell twice under one header */
            ck_assert(!kv[j].has_value || strcmp(kv[i].key.text, kv[j].key.text) ||
                      kv[i].value.bbox.x != kv[j].value.bbox.x ||
                      kv[i].value.bbox.y != kv[j].value.bbox.y);
    }
    ck_assert_uint_eq(twins, 2);
    ck_assert_uint_eq(vols, 3);
    form_kv_list_free(kv, n);
    wset_free(&s);
}
END_TEST

Suite *form_table_suite(void)
{
    Suite *s = suite_create("form_table");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, links_header_row_to_columns);
    tcase_add_test(tc, links_row_labels_and_no_table);
    tcase_add_test(tc, links_column_of_words);
    tcase_add_test(tc, columns_cross_a_group_gap);
    tcase_add_test(tc, columns_cross_rows_blank_in_them);
    tcase_add_test(tc, split_at_gutters_and_numbers);
    tcase_add_test(tc, pairs_hold_table_links);
    tcase_add_test(tc, table_cells_keep_their_units);
    tcase_add_test(tc, twin_cells_are_two_pairs);
    tcase_add_test(tc, row_label_far_left_of_its_cells);
    tcase_add_test(tc, row_labels_under_row_labels_keep_their_rows);
    tcase_add_test(tc, row_label_lines_end_at_the_next_row);
    suite_add_tcase(s, tc);
    return s;
}
