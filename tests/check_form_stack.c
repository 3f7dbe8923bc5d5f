/* check_form_stack.c -- labels over two lines (form_stack.c): which stacked couples are
 * proposed (the nearest line under, overlapping, each the other's best), their features, the
 * links a model's stack block keeps, the block in the model file (good, refused), and a pair's
 * key text joined over its lines when the block says so. */
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "form_int.h"

#include "fixtures_wset.h"

/* The index of the entity whose text starts with word w0 (-1 when none). */
static long ent_of(const struct tl_layout *L, const struct form_ent *e, size_t n, const char *w0)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(L->words[L->ord[e[i].w0]].text, w0) == 0)
            return (long)i;
    return -1;
}

static int has_feat(const struct form_auxx *x, int idx)
{
    for (int i = 0; i < x->nf; i++)
        if (x->idx[i] == idx)
            return 1;
    return 0;
}

/* A column header over two lines above a number, a label far to the right, another far down. */
static void header_page(struct wset *s)
{
    put(s, 100, 100, "NO. OF");
    put(s, 100, 150, "STORES");
    put(s, 140, 220, "39");
    put(s, 900, 100, "Name:");
    put(s, 900, 400, "Date:");
}

START_TEST(stack_cands_and_features)
{
    struct wset s = {0};
    header_page(&s);
    struct tl_layout L;
    struct form_ent *e = NULL;
    size_t ne = 0;
    ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
    ck_assert_int_eq(form_entities(&L, &e, &ne), DP_OK);
    long no = ent_of(&L, e, ne, "NO."), st = ent_of(&L, e, ne, "STORES"),
         num = ent_of(&L, e, ne, "39"), name = ent_of(&L, e, ne, "Name:"),
         date = ent_of(&L, e, ne, "Date:");
    ck_assert(no >= 0 && st >= 0 && num >= 0 && name >= 0 && date >= 0);
    long *up = malloc(ne * sizeof *up);
    ck_assert_ptr_nonnull(up);
    form_stack_cands(e, ne, L.hmed, up);
    ck_assert_int_eq(up[st], no);   /* STORES continues NO. OF (a quarter em under it) */
    ck_assert_int_eq(up[num], st);  /* the number is under STORES */
    ck_assert_int_eq(up[no], -1);   /* nothing above the top line */
    ck_assert_int_eq(up[name], -1); /* nothing above, overlapping */
    ck_assert_int_eq(up[date], -1); /* Name: is 6 em above it: too far */
    struct form_auxx x;
    form_stack_features(&L, e, ne, (size_t)no, (size_t)st, &x);
    ck_assert_int_le(x.nf, FORM_AUX_NZ);
    for (int i = 0; i < x.nf; i++)
        ck_assert(x.idx[i] >= 0 && x.idx[i] < FORM_AUX_N);
    ck_assert(has_feat(&x, 5));  /* left edges aligned */
    ck_assert(has_feat(&x, 34)); /* a number under the lower line: a column header */
    ck_assert(has_feat(&x, 12)); /* the upper one in capitals (its shape slot 2) */
    form_stack_features(&L, e, ne, (size_t)st, (size_t)num, &x);
    ck_assert(!has_feat(&x, 5)); /* "39" starts an em right of STORES */
    ck_assert(has_feat(&x, 19)); /* the lower one is a number (its shape slot 1) */
    /* a stack block that says yes to everything, no to everything, none at all */
    struct form_model *m = calloc(1, sizeof *m);
    long *down = malloc(ne * sizeof *down);
    ck_assert(m && down);
    form_stack_links(NULL, &L, e, ne, up, down);
    for (size_t i = 0; i < ne; i++)
        ck_assert(up[i] == -1 && down[i] == -1);
    m->stack = (struct form_aux){.on = 1, .bias = 5.0, .threshold = 0.5};
    form_stack_links(m, &L, e, ne, up, down);
    ck_assert_int_eq(up[st], no);
    ck_assert_int_eq(down[no], st);
    ck_assert_int_eq(down[st], num);
    ck_assert_int_eq(up[date], -1);
    m->stack.bias = -5.0; /* no to everything: only the column header over two lines stays */
    form_stack_links(m, &L, e, ne, up, down);
    for (size_t i = 0; i < ne; i++)
        ck_assert(i == (size_t)st ? up[i] == no : up[i] == -1);
    for (size_t i = 0; i < ne; i++)
        ck_assert(i == (size_t)no ? down[i] == st : down[i] == -1);
    ck_assert(form_stack_header(e, ne, (size_t)no, (size_t)st, L.hmed));
    ck_assert(!form_stack_header(e, ne, (size_t)st, (size_t)num, L.hmed)); /* a number */
    /* the block's probability: sigmoid(bias + w . x) */
    m->stack.w[5] = 2.0;
    struct form_auxx one = {.nf = 1, .idx = {5}, .val = {1.5f}};
    ck_assert(fabs(form_aux_prob(&m->stack, &one) - 1.0 / (1.0 + exp(-(-5.0 + 3.0)))) < 1e-9);
    free(down);
    free(m);
    free(up);
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

/* Column headers over two lines are joined by rule; row labels stacked (a number right of
 * each), a written label, a sentence, or a header with no number under it are not. */
START_TEST(column_headers_over_two_lines)
{
    struct wset s = {0};
    put(&s, 100, 100, "Cost Per");
    put(&s, 100, 150, "Interview");
    put(&s, 120, 230, "$47.22");
    put(&s, 600, 100, "Male");
    put(&s, 900, 100, "3.4");
    put(&s, 600, 150, "Female");
    put(&s, 900, 150, "2.9");
    put(&s, 620, 230, "15"); /* under Female too */
    put(&s, 100, 500, "Approved");
    put(&s, 100, 550, "by:");
    put(&s, 120, 630, "12");
    put(&s, 600, 500, "Remarks");
    put(&s, 600, 550, "none");
    struct tl_layout L;
    struct form_ent *e = NULL;
    size_t ne = 0;
    ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
    ck_assert_int_eq(form_entities(&L, &e, &ne), DP_OK);
    long cost = ent_of(&L, e, ne, "Cost"), inter = ent_of(&L, e, ne, "Interview"),
         male = ent_of(&L, e, ne, "Male"), fem = ent_of(&L, e, ne, "Female"),
         appr = ent_of(&L, e, ne, "Approved"), by = ent_of(&L, e, ne, "by:"),
         rem = ent_of(&L, e, ne, "Remarks"), none = ent_of(&L, e, ne, "none");
    ck_assert(cost >= 0 && inter >= 0 && male >= 0 && fem >= 0 && appr >= 0 && by >= 0 &&
              rem >= 0 && none >= 0);
    ck_assert(form_stack_header(e, ne, (size_t)cost, (size_t)inter, L.hmed));
    ck_assert(e[male].head && e[fem].head);
    ck_assert(!form_stack_header(e, ne, (size_t)male, (size_t)fem, L.hmed)); /* row labels */
    ck_assert(!form_stack_header(e, ne, (size_t)appr, (size_t)by, L.hmed));  /* written */
    ck_assert(!form_stack_header(e, ne, (size_t)rem, (size_t)none, L.hmed)); /* no number */
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

/* A column header over its base (a count in brackets, then the column's numbers) is joined by
 * rule; a count with no number under it, or a number in brackets that is no count, is not. */
START_TEST(column_header_over_its_base)
{
    ck_assert(form_stack_count("(99)"));
    ck_assert(form_stack_count("(n=205)"));
    ck_assert(form_stack_count("(N=96)"));
    ck_assert(!form_stack_count("(1.5)")); /* decimals: a value */
    ck_assert(!form_stack_count("(1,234)"));
    ck_assert(!form_stack_count("(123456)")); /* too long for a sample */
    ck_assert(!form_stack_count("(n=)"));
    ck_assert(!form_stack_count("()"));
    ck_assert(!form_stack_count("(99"));
    ck_assert(!form_stack_count("99"));
    struct wset s = {0};
    put(&s, 100, 100, "Male");
    put(&s, 100, 150, "(99)");
    put(&s, 110, 220, "60");
    put(&s, 600, 100, "Female");
    put(&s, 600, 150, "(106)"); /* nothing under it */
    put(&s, 1100, 100, "Score");
    put(&s, 1100, 150, "(1.5)");
    put(&s, 1110, 220, "42");
    struct tl_layout L;
    struct form_ent *e = NULL;
    size_t ne = 0;
    ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
    ck_assert_int_eq(form_entities(&L, &e, &ne), DP_OK);
    long male = ent_of(&L, e, ne, "Male"), base = ent_of(&L, e, ne, "(99)"),
         fem = ent_of(&L, e, ne, "Female"), fbase = ent_of(&L, e, ne, "(106)"),
         score = ent_of(&L, e, ne, "Score"), sval = ent_of(&L, e, ne, "(1.5)");
    ck_assert(male >= 0 && base >= 0 && fem >= 0 && fbase >= 0 && score >= 0 && sval >= 0);
    ck_assert(e[base].numeric);                                               /* a count */
    ck_assert(!form_stack_header(e, ne, (size_t)male, (size_t)base, L.hmed)); /* so no header */
    struct form_model *m = calloc(1, sizeof *m);
    long *up = malloc(ne * sizeof *up), *down = malloc(ne * sizeof *down);
    ck_assert(m && up && down);
    m->stack = (struct form_aux){.on = 1, .bias = -5.0, .threshold = 0.5}; /* says no */
    form_stack_links(m, &L, e, ne, up, down);
    ck_assert_int_eq(up[base], male);
    ck_assert_int_eq(down[male], base);
    ck_assert_int_eq(up[fbase], -1);
    ck_assert_int_eq(up[sval], -1);
    free(up);
    free(down);
    free(m);
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

/* A line that ends in a word ending labels is a whole label, not a column header's first line:
 * the header rule leaves it apart from the line under it. */
START_TEST(whole_label_heads_no_column)
{
    ck_assert(form_label_end("No."));
    ck_assert(form_label_end("Cost"));
    ck_assert(!form_label_end("Per"));
    struct wset s = {0};
    put(&s, 100, 100, "Project No.");
    put(&s, 100, 150, "Account Name");
    put(&s, 120, 230, "1989");
    put(&s, 600, 100, "Cost Per");
    put(&s, 600, 150, "Interview");
    put(&s, 620, 230, "47");
    struct tl_layout L;
    struct form_ent *e = NULL;
    size_t ne = 0;
    ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
    ck_assert_int_eq(form_entities(&L, &e, &ne), DP_OK);
    long proj = ent_of(&L, e, ne, "Project"), acct = ent_of(&L, e, ne, "Account"),
         cost = ent_of(&L, e, ne, "Cost"), inter = ent_of(&L, e, ne, "Interview");
    ck_assert(proj >= 0 && acct >= 0 && cost >= 0 && inter >= 0);
    ck_assert(form_stack_header(e, ne, (size_t)proj, (size_t)acct, L.hmed)); /* by shape */
    struct form_model *m = calloc(1, sizeof *m);
    long *up = malloc(ne * sizeof *up), *down = malloc(ne * sizeof *down);
    ck_assert(m && up && down);
    m->stack = (struct form_aux){.on = 1, .bias = -5.0, .threshold = 0.5}; /* says no */
    form_stack_links(m, &L, e, ne, up, down);
    ck_assert_int_eq(up[acct], -1); /* "No." ends the label */
    ck_assert_int_eq(up[inter], cost);
    free(up);
    free(down);
    free(m);
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

/* A note in brackets ends the label it is under: the line under the note starts another one,
 * unless it is a note too. */
START_TEST(note_ends_its_label)
{
    struct wset s = {0};
    put(&s, 100, 100, "SATISFYING");
    put(&s, 100, 150, "(7=More)");
    put(&s, 100, 200, "AFTERTASTE");
    put(&s, 600, 100, "Tar");
    put(&s, 600, 150, "(mg/cigt)");
    put(&s, 600, 200, "(FTC)");
    struct tl_layout L;
    struct form_ent *e = NULL;
    size_t ne = 0;
    ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
    ck_assert_int_eq(form_entities(&L, &e, &ne), DP_OK);
    long sat = ent_of(&L, e, ne, "SATISFYING"), note = ent_of(&L, e, ne, "(7=More)"),
         aft = ent_of(&L, e, ne, "AFTERTASTE"), tar = ent_of(&L, e, ne, "Tar"),
         unit = ent_of(&L, e, ne, "(mg/cigt)"), ftc = ent_of(&L, e, ne, "(FTC)");
    ck_assert(sat >= 0 && note >= 0 && aft >= 0 && tar >= 0 && unit >= 0 && ftc >= 0);
    struct form_model *m = calloc(1, sizeof *m);
    long *up = malloc(ne * sizeof *up), *down = malloc(ne * sizeof *down);
    ck_assert(m && up && down);
    m->stack = (struct form_aux){.on = 1, .bias = 5.0, .threshold = 0.5}; /* says yes */
    form_stack_links(m, &L, e, ne, up, down);
    ck_assert_int_eq(up[note], sat);
    ck_assert_int_eq(up[aft], -1); /* under the note: a label of its own */
    ck_assert_int_eq(down[note], -1);
    ck_assert_int_eq(up[unit], tar);
    ck_assert_int_eq(up[ftc], unit); /* a note under a note */
    free(up);
    free(down);
    free(m);
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

/* A model file with pairing weights 0 and, when nstack >= 0, a stack block of nstack weights;
 * extra is appended after "end" (or instead of it when with_end is 0). */
static char *model_text(int nstack, const char *thr, int with_end, const char *extra)
{
    size_t cap = 64 + (size_t)(FORM_FEAT_N + FORM_AUX_N + 8) * 8 + 256;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    size_t n = (size_t)snprintf(t, cap,
                                "docproc-kv-model 1\nfeatures %d\nbias -0.5\nthreshold 0.4\n"
                                "multi 0.9\n",
                                FORM_FEAT_N);
    for (int i = 0; i < FORM_FEAT_N; i++)
        n += (size_t)snprintf(t + n, cap - n, "w 0\n");
    if (nstack >= 0) {
        n += (size_t)snprintf(t + n, cap - n, "stack %d\nstack_bias 1.5\nstack_threshold %s\n",
                              FORM_AUX_N, thr);
        for (int i = 0; i < nstack; i++)
            n += (size_t)snprintf(t + n, cap - n, "s %g\n", i == 7 ? 0.25 : 0.0);
    }
    snprintf(t + n, cap - n, "%s%s", with_end ? "end\n" : "", extra);
    return t;
}

static dp_err parse_str(const char *t, struct form_model **m)
{
    return form_model_parse(t, strlen(t), m);
}

START_TEST(stack_block_in_model_file)
{
    struct form_model *m = NULL;
    char *t = model_text(-1, "", 1, "");
    ck_assert_int_eq(parse_str(t, &m), DP_OK); /* no block: pairing alone, as before */
    ck_assert_int_eq(m->stack.on, 0);
    form_model_free(m);
    free(t);
    t = model_text(FORM_AUX_N, "0.6", 1, "");
    ck_assert_int_eq(parse_str(t, &m), DP_OK);
    ck_assert_int_eq(m->stack.on, 1);
    ck_assert(fabs(m->stack.bias - 1.5) < 1e-9 && fabs(m->stack.threshold - 0.6) < 1e-9);
    ck_assert(fabs(m->stack.w[7] - 0.25) < 1e-9 && m->stack.w[6] == 0.0);
    form_model_free(m);
    free(t);
    m = (struct form_model *)1;
    t = model_text(FORM_AUX_N - 1, "0.6", 1, ""); /* a weight short */
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    ck_assert_ptr_null(m);
    free(t);
    t = model_text(FORM_AUX_N + 1, "0.6", 1, ""); /* one too many */
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    t = model_text(FORM_AUX_N, "0.6", 0, ""); /* no end */
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    t = model_text(FORM_AUX_N, "1", 1, ""); /* threshold outside (0,1) */
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    t = model_text(-1, "", 1, "stack 304\n"); /* a block after "end" */
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    char twice[64];
    snprintf(twice, sizeof twice, "stack %d\n", FORM_AUX_N); /* the block twice */
    t = model_text(FORM_AUX_N, "0.6", 0, twice);
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    snprintf(twice, sizeof twice, "stack %d\nend\n", FORM_AUX_N + 1); /* other features */
    t = model_text(-1, "", 0, twice);
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
}
END_TEST

static const struct form_kv *with_value(const struct form_kv *kv, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (kv[i].has_value && strcmp(kv[i].value.text, v) == 0)
            return &kv[i];
    return NULL;
}

START_TEST(pair_key_joined_over_lines)
{
    const struct form_model *b = form_model_builtin();
    ck_assert_msg(b != NULL, "config/kv_model.txt is missing or unusable");
    struct form_model *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    *m = *b;
    struct wset s = {0};
    put(&s, 100, 100, "Date");
    put(&s, 100, 150, "Submitted:");
    put(&s, 500, 150, "July 6, 1995");
    put(&s, 100, 400, "Department:");
    put(&s, 500, 400, "Tax");
    struct form_kv *kv = NULL;
    size_t n = 0;
    const struct form_kv *p;
    m->stack = (struct form_aux){.on = 1, .bias = 5.0, .threshold = 0.5}; /* joins every stack */
    ck_assert_int_eq(form_pairs_model(m, s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    ck_assert_ptr_nonnull(p = with_value(kv, n, "July 6, 1995"));
    ck_assert_str_eq(p->key.text, "Date Submitted");
    ck_assert(p->key.bbox.y == 100 && p->key.bbox.h == 90); /* both lines */
    ck_assert_ptr_nonnull(p = with_value(kv, n, "Tax"));
    ck_assert_str_eq(p->key.text, "Department"); /* 6 em under the other: alone */
    form_kv_list_free(kv, n);
    m->stack.on = 0; /* no block: the label's own line */
    ck_assert_int_eq(form_pairs_model(m, s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    ck_assert_ptr_nonnull(p = with_value(kv, n, "July 6, 1995"));
    ck_assert_str_eq(p->key.text, "Submitted");
    form_kv_list_free(kv, n);
    free(m);
    wset_free(&s);
}
END_TEST

/* A label joined over two lines is never answered by its own second line (the title
 * "MARKETING RESEARCH AUTHORIZATION" over "(Recommended Proposal Attached)": the shipped
 * stack block joins them, and the couple of the two scored as a pair). */
START_TEST(own_line_is_no_answer)
{
    const struct form_model *m = form_model_builtin();
    ck_assert_ptr_nonnull(m);
    struct wset s = {0};
    put(&s, 100, 100, "MARKETING RESEARCH AUTHORIZATION");
    put(&s, 200, 150, "(Recommended Proposal Attached)");
    put(&s, 100, 300, "Project No.");
    put(&s, 500, 300, "1990-488");
    struct form_kv *kv = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_pairs_model(m, s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    ck_assert_ptr_null(with_value(kv, n, "(Recommended Proposal Attached)"));
    const struct form_kv *p = with_value(kv, n, "1990-488");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->key.text, "Project No.");
    form_kv_list_free(kv, n);
    wset_free(&s);
}
END_TEST

Suite *form_stack_suite(void)
{
    Suite *s = suite_create("form_stack");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, stack_cands_and_features);
    tcase_add_test(tc, column_headers_over_two_lines);
    tcase_add_test(tc, column_header_over_its_base);
    tcase_add_test(tc, whole_label_heads_no_column);
    tcase_add_test(tc, note_ends_its_label);
    tcase_add_test(tc, stack_block_in_model_file);
    tcase_add_test(tc, pair_key_joined_over_lines);
    tcase_add_test(tc, own_line_is_no_answer);
    suite_add_tcase(s, tc);
    return s;
}
