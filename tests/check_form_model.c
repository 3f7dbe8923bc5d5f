/* check_form_model.c -- the learned key-value pairing: the couple features (which couples are
 * proposed, in which relation block, with which text and rank features), the model file parser
 * and loader (a good file, corrupt, truncated, over-long, other features: refused, so the
 * caller pairs by the rules), and the model shipped in config/ pairing a simple form. */
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "form.h"
#include "form_int.h"

#include "fixtures_wset.h"

/* A model text: header values as given, weights w_i = (i % 7 - 3) / 10, then "end". */
static char *model_text(int features, const char *threshold, int nweights, int with_end)
{
    size_t cap = 64 + (size_t)nweights * 16 + 256;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    size_t n = (size_t)snprintf(t, cap,
                                "# test model\ndocproc-kv-model 1\nfeatures %d\nbias -0.5\n"
                                "threshold %s\nmulti 0.9\n",
                                features, threshold);
    for (int i = 0; i < nweights; i++)
        n += (size_t)snprintf(t + n, cap - n, "w %g\n", (double)(i % 7 - 3) / 10.0);
    if (with_end)
        snprintf(t + n, cap - n, "end\n");
    return t;
}

static dp_err parse_str(const char *t, struct form_model **m)
{
    return form_model_parse(t, strlen(t), m);
}

START_TEST(model_parse_good_and_prob)
{
    char *t = model_text(FORM_FEAT_N, "0.4", FORM_FEAT_N, 1);
    struct form_model *m = NULL;
    ck_assert_int_eq(parse_str(t, &m), DP_OK);
    ck_assert_ptr_nonnull(m);
    ck_assert(fabs(m->bias + 0.5) < 1e-9 && fabs(m->threshold - 0.4) < 1e-9);
    ck_assert(fabs(m->multi - 0.9) < 1e-9);
    ck_assert(fabs(m->w[FORM_FEAT_N - 1] - (double)((FORM_FEAT_N - 1) % 7 - 3) / 10.0) < 1e-9);
    /* p = sigmoid(bias + w[4] * 2 + w[12] * 1) */
    struct form_fcand c = {.nf = 2, .idx = {4, 12}, .val = {2.0f, 1.0f}};
    double z = -0.5 + m->w[4] * 2.0 + m->w[12];
    ck_assert(fabs(form_model_prob(m, &c) - 1.0 / (1.0 + exp(-z))) < 1e-9);
    c.nf = 0;
    ck_assert(fabs(form_model_prob(m, &c) - 1.0 / (1.0 + exp(0.5))) < 1e-9);
    form_model_free(m);
    form_model_free(NULL);
    free(t);
}
END_TEST

START_TEST(model_parse_refuses_bad_files)
{
    struct form_model *m = (struct form_model *)1;
    char *t;
    /* truncated: weights missing, or no "end" */
    t = model_text(FORM_FEAT_N, "0.4", FORM_FEAT_N / 2, 0);
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    ck_assert_ptr_null(m);
    free(t);
    t = model_text(FORM_FEAT_N, "0.4", FORM_FEAT_N, 0);
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    /* cut in the middle of a number line: still refused */
    ck_assert_int_eq(form_model_parse(t, strlen(t) / 2, &m), DP_EPARSE);
    free(t);
    /* a model of other features */
    t = model_text(FORM_FEAT_N - 1, "0.4", FORM_FEAT_N - 1, 1);
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    /* one weight too many */
    t = model_text(FORM_FEAT_N, "0.4", FORM_FEAT_N + 1, 1);
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    /* a threshold outside (0,1), not a number, not finite */
    t = model_text(FORM_FEAT_N, "1.5", FORM_FEAT_N, 1);
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    t = model_text(FORM_FEAT_N, "x", FORM_FEAT_N, 1);
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    t = model_text(FORM_FEAT_N, "nan", FORM_FEAT_N, 1);
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    /* garbage after "end", a wrong magic, nothing at all */
    t = model_text(FORM_FEAT_N, "0.4", FORM_FEAT_N, 1);
    size_t n = strlen(t);
    char *u = malloc(n + 8);
    snprintf(u, n + 8, "%sw 1\n", t);
    ck_assert_int_eq(parse_str(u, &m), DP_EPARSE);
    free(u);
    t[strlen("# test model\n")] = 'X'; /* "docproc-kv-model 1" -> "Xocproc-kv-model 1" */
    ck_assert_int_eq(parse_str(t, &m), DP_EPARSE);
    free(t);
    ck_assert_int_eq(parse_str("", &m), DP_EPARSE);
    ck_assert_int_eq(parse_str("\n\n# only comments\n", &m), DP_EPARSE);
    /* over the cap */
    ck_assert_int_eq(form_model_parse("x", FORM_MODEL_MAX_BYTES + 1, &m), DP_ETOOBIG);
    ck_assert_ptr_null(m);
}
END_TEST

static void write_file(const char *path, const char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(model_load_files)
{
    char path[] = "/tmp/dp_kvmodel_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    struct form_model *m = NULL;
    char *t = model_text(FORM_FEAT_N, "0.3", FORM_FEAT_N, 1);
    write_file(path, t, strlen(t));
    ck_assert_int_eq(form_model_load(path, &m), DP_OK);
    ck_assert(fabs(m->threshold - 0.3) < 1e-9);
    form_model_free(m);
    write_file(path, t, strlen(t) - 40); /* truncated */
    ck_assert_int_eq(form_model_load(path, &m), DP_EPARSE);
    ck_assert_ptr_null(m);
    free(t);
    char *big = malloc(FORM_MODEL_MAX_BYTES + 1);
    memset(big, '#', FORM_MODEL_MAX_BYTES + 1);
    write_file(path, big, FORM_MODEL_MAX_BYTES + 1);
    free(big);
    ck_assert_int_eq(form_model_load(path, &m), DP_ETOOBIG);
    unlink(path);
    ck_assert_int_eq(form_model_load(path, &m), DP_EIO);
    ck_assert_ptr_null(m);
}
END_TEST

/* The couple (k, v) among c[0..n), by the entities' first words; NULL when not proposed. */
static const struct form_fcand *couple(const struct tl_layout *L, const struct form_ent *e,
                                       const struct form_fcand *c, size_t n, const char *k,
                                       const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(L->words[L->ord[e[c[i].k].w0]].text, k) &&
            !strcmp(L->words[L->ord[e[c[i].v].w0]].text, v))
            return &c[i];
    return NULL;
}

static int has_feat(const struct form_fcand *c, int idx)
{
    for (int i = 0; i < c->nf; i++)
        if (c->idx[i] == idx)
            return 1;
    return 0;
}

START_TEST(features_of_couples)
{
    struct wset s = {0};
    put(&s, 100, 100, "Name:");
    put(&s, 300, 100, "John");
    put(&s, 100, 200, "Address:");
    put(&s, 100, 250, "Springfield");
    put(&s, 3000, 250, "Far");
    struct tl_layout L;
    struct form_ent *e = NULL;
    struct form_fcand *c = NULL;
    size_t ne = 0, nc = 0;
    ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
    ck_assert_int_eq(form_entities(&L, &e, &ne), DP_OK);
    ck_assert_uint_eq(ne, 5);
    ck_assert_int_eq(form_feat_cands(&L, e, ne, &c, &nc), DP_OK);
    const struct form_fcand *right = couple(&L, e, c, nc, "Name:", "John");
    const struct form_fcand *below = couple(&L, e, c, nc, "Address:", "Springfield");
    ck_assert_ptr_nonnull(right);
    ck_assert_ptr_nonnull(below);
    ck_assert_int_eq(right->rel, FORM_REL_RIGHT);
    ck_assert_int_eq(below->rel, FORM_REL_BELOW);
    ck_assert(has_feat(right, 0) && !has_feat(right, FORM_FEAT_REL)); /* the right block */
    ck_assert(has_feat(below, FORM_FEAT_REL) && !has_feat(below, 0)); /* the below block */
    /* the label's colon (text slot 0 of the label's shape features, index 28 of a block) */
    ck_assert(has_feat(right, 28) && has_feat(below, FORM_FEAT_REL + 28));
    /* John is Name's nearest answer right, and Name John's nearest label (ranks 0) */
    ck_assert(has_feat(right, 17) && has_feat(right, 20));
    /* Name: is first on its line (80), John not alone on it (81); Springfield shares its line
     * with Far */
    ck_assert(has_feat(right, 80) && !has_feat(right, 81));
    ck_assert(has_feat(below, FORM_FEAT_REL + 80) && !has_feat(below, FORM_FEAT_REL + 81));
    /* "Far" is 70 em right of the labels: no couple (too far right, too far to the side) */
    ck_assert_ptr_null(couple(&L, e, c, nc, "Address:", "Far"));
    ck_assert_ptr_null(couple(&L, e, c, nc, "Name:", "Far"));
    for (size_t i = 0; i < nc; i++) {
        ck_assert_int_le(c[i].nf, FORM_FEAT_NZ);
        for (int j = 0; j < c[i].nf; j++)
            ck_assert(c[i].idx[j] >= 0 && c[i].idx[j] < FORM_FEAT_N);
    }
    free(c);
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

/* Entity at x0..x1, y0..y0+20 on line `line` with one word. */
static struct form_ent ent_at(int x0, int x1, int y0, size_t line)
{
    return (struct form_ent){.x0 = x0, .y0 = y0, .x1 = x1, .y1 = y0 + 20, .nw = 1, .line = line};
}

/* A label column (NAME, DATE, far below PHONE) answered in a column to the right; a header
 * row over a row of cells. */
START_TEST(columns_and_parallel_couples)
{
    struct form_ent e[] = {
        ent_at(100, 200, 100, 0), ent_at(400, 500, 100, 0), /* NAME  John */
        ent_at(105, 190, 150, 1), ent_at(410, 520, 150, 1), /* DATE  1/2/90 */
        ent_at(100, 210, 900, 2), ent_at(700, 800, 900, 2), /* PHONE far below, answer far right */
    };
    size_t n = sizeof e / sizeof e[0];
    ck_assert_int_eq(form_feat_aligned(e, n, 0, 20), 1); /* DATE; PHONE is 40 em below */
    ck_assert_int_eq(form_feat_aligned(e, n, 1, 20), 1); /* 1/2/90 */
    ck_assert_int_eq(form_feat_aligned(e, n, 4, 20), 0);
    ck_assert_int_eq(form_feat_parallel(e, n, 0, 1, FORM_REL_RIGHT, 20), 1);
    ck_assert_int_eq(form_feat_parallel(e, n, 2, 3, FORM_REL_RIGHT, 20), 1);
    ck_assert_int_eq(form_feat_parallel(e, n, 4, 5, FORM_REL_RIGHT, 20), 0); /* alone */
    e[3].x0 = 600; /* DATE's answer 10 em further right: no longer the same shape */
    e[3].x1 = 700;
    ck_assert_int_eq(form_feat_parallel(e, n, 0, 1, FORM_REL_RIGHT, 20), 0);
    ck_assert_int_eq(form_feat_aligned(e, n, 1, 20), 0);
    /* a header row (A, B) over a row of cells: each header's cell repeats the other's */
    struct form_ent t[] = {ent_at(100, 160, 100, 0), ent_at(300, 360, 100, 0),
                           ent_at(100, 140, 140, 1), ent_at(305, 350, 140, 1)};
    ck_assert_int_eq(form_feat_parallel(t, 4, 0, 2, FORM_REL_BELOW, 20), 1);
    ck_assert_int_eq(form_feat_parallel(t, 4, 1, 3, FORM_REL_BELOW, 20), 1);
    ck_assert_int_eq(form_feat_parallel(t, 3, 0, 2, FORM_REL_BELOW, 20), 0); /* B has no cell */
}
END_TEST

/* A label with nothing right of it on its band is coupled with what was typed right of it a
 * little above or below; not a label with an answer on its band, not an entity that is
 * another label's answer on its band, not one too far off the band or too far right. */
START_TEST(couples_beside_the_band)
{
    struct wset s = {0};
    put(&s, 100, 100, "PROJECT LEADER"); /* x 100..380, centre y 120 */
    put(&s, 600, 40, "Barbee");          /* centre 60: 1.5 em up, 5.5 em right */
    put(&s, 100, 400, "Name");
    put(&s, 300, 400, "John");
    put(&s, 500, 340, "Extra"); /* 1.5 em over Name's band, but Name has John */
    put(&s, 100, 700, "Code");
    put(&s, 200, 640, "Ref");
    put(&s, 400, 640, "1234"); /* Ref's answer on its band */
    put(&s, 100, 1000, "Lot");
    put(&s, 300, 900, "Off");   /* 2.5 em up */
    put(&s, 900, 1040, "Afar"); /* 1 em down, 17 em right */
    struct tl_layout L;
    struct form_ent *e = NULL;
    struct form_fcand *c = NULL;
    size_t ne = 0, nc = 0;
    ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
    ck_assert_int_eq(form_entities(&L, &e, &ne), DP_OK);
    ck_assert_int_eq(form_feat_cands(&L, e, ne, &c, &nc), DP_OK);
    const struct form_fcand *b = couple(&L, e, c, nc, "PROJECT", "Barbee");
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(b->rel, FORM_REL_RIGHT);
    ck_assert(has_feat(b, 0) && !has_feat(b, FORM_FEAT_REL)); /* scored as a right couple */
    ck_assert(fabs(b->dist - 5.5) < 1e-9);
    ck_assert_ptr_nonnull(couple(&L, e, c, nc, "Name", "John"));
    ck_assert_ptr_null(couple(&L, e, c, nc, "Name", "Extra"));
    ck_assert_ptr_nonnull(couple(&L, e, c, nc, "Ref", "1234"));
    ck_assert_ptr_null(couple(&L, e, c, nc, "Code", "1234"));
    ck_assert_ptr_null(couple(&L, e, c, nc, "Lot", "Off"));
    ck_assert_ptr_null(couple(&L, e, c, nc, "Lot", "Afar"));
    free(c);
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

static const struct form_kv *find(const struct form_kv *kv, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(kv[i].key.text, key) == 0)
            return &kv[i];
    return NULL;
}

START_TEST(shipped_model_pairs_a_form)
{
    const struct form_model *m = form_model_builtin();
    ck_assert_msg(m != NULL, "config/kv_model.txt is missing or unusable");
    struct wset s = {0};
    put(&s, 200, 100, "Name: John Smith");
    put(&s, 200, 200, "Date of birth:");
    put(&s, 700, 200, "12/03/1980");
    put(&s, 200, 300, "Address:");
    put(&s, 200, 350, "12 High Street");
    put(&s, 200, 450, "Phone:");
    put(&s, 500, 450, "555 0100");
    struct form_kv *kv = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_pairs_model(m, s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    const struct form_kv *p;
    ck_assert_ptr_nonnull(p = find(kv, n, "Name"));
    ck_assert_str_eq(p->value.text, "John Smith");
    ck_assert_ptr_nonnull(p = find(kv, n, "Date of birth"));
    ck_assert_str_eq(p->value.text, "12/03/1980");
    ck_assert(p->confidence > 0 && p->confidence <= 1);
    ck_assert_ptr_nonnull(p = find(kv, n, "Address"));
    ck_assert_str_eq(p->value.text, "12 High Street");
    ck_assert_ptr_nonnull(p = find(kv, n, "Phone"));
    ck_assert_str_eq(p->value.text, "555 0100");
    form_kv_list_free(kv, n);
    /* no model: the rules pair, exactly as form_pairs() */
    struct form_kv *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    ck_assert_int_eq(form_pairs_model(NULL, s.w, s.n, NULL, 0, &a, &na), DP_OK);
    ck_assert_int_eq(form_pairs(s.w, s.n, NULL, 0, &b, &nb), DP_OK);
    ck_assert_uint_eq(na, nb);
    for (size_t i = 0; i < na; i++) {
        ck_assert_str_eq(a[i].key.text, b[i].key.text);
        ck_assert_int_eq(a[i].has_value, b[i].has_value);
    }
    form_kv_list_free(a, na);
    form_kv_list_free(b, nb);
    wset_free(&s);
}
END_TEST

/* A written label whose answer was typed beside it, a little under its line, is answered by
 * it; one with nothing beside it stays empty. */
START_TEST(written_label_answered_beside)
{
    struct wset s = {0};
    put(&s, 200, 100, "Approved by:");
    put(&s, 480, 150, "Director of Operations");
    put(&s, 200, 400, "Remarks:");
    put(&s, 200, 700, "Page 2");
    struct form_kv *kv = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_pairs_model(form_model_builtin(), s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    const struct form_kv *p;
    ck_assert_ptr_nonnull(p = find(kv, n, "Approved by"));
    ck_assert_int_eq(p->has_value, 1);
    ck_assert_str_eq(p->value.text, "Director of Operations");
    ck_assert_ptr_nonnull(p = find(kv, n, "Remarks"));
    ck_assert_int_eq(p->has_value, 0);
    form_kv_list_free(kv, n);
    wset_free(&s);
}
END_TEST

/* A phrase repeated along a row is not the answer of its twin. */
START_TEST(twin_is_no_answer)
{
    struct wset s = {0};
    put(&s, 100, 100, "Non Porous");
    put(&s, 500, 100, "Non Porous");
    put(&s, 100, 300, "Porous");
    put(&s, 500, 300, "Yes");
    struct form_kv *kv = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_pairs_model(form_model_builtin(), s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    for (size_t i = 0; i < n; i++)
        ck_assert(!kv[i].has_value || strcmp(kv[i].key.text, kv[i].value.text));
    form_kv_list_free(kv, n);
    wset_free(&s);
}
END_TEST

/* The rules' second tier (couples the model turned down) answers written labels only: with a
 * model that takes nothing, "Address:" over "12 High Street" is still a couple, the same
 * label written bare is not. */
START_TEST(second_tier_for_written_labels_only)
{
    size_t cap = 128 + (size_t)FORM_FEAT_N * 4, len = 0;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    len += (size_t)snprintf(t, cap,
                            "docproc-kv-model 1\nfeatures %d\nbias -30\nthreshold 0.4\n"
                            "multi 0.9\n",
                            FORM_FEAT_N);
    for (int i = 0; i < FORM_FEAT_N; i++)
        len += (size_t)snprintf(t + len, cap - len, "w 0\n");
    snprintf(t + len, cap - len, "end\n");
    struct form_model *m = NULL;
    ck_assert_int_eq(parse_str(t, &m), DP_OK);
    free(t);
    static const char *const label[2] = {"Address:", "Address"};
    for (int bare = 0; bare < 2; bare++) {
        struct wset s = {0};
        put(&s, 200, 300, label[bare]);
        put(&s, 200, 350, "12 High Street");
        struct tl_layout L;
        ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
        struct form_ent *e = NULL;
        struct form_cand *c = NULL;
        size_t ne = 0, nc = 0;
        ck_assert_int_eq(form_entities(&L, &e, &ne), DP_OK);
        ck_assert_uint_eq(ne, 2);
        /* the rules take both */
        enum form_rel rel;
        ck_assert(form_pair_score(&e[0], &e[1], L.hmed, &rel) >= 2.0);
        ck_assert_int_eq(rel, FORM_REL_BELOW);
        ck_assert_int_eq(form_learn_candidates(m, &L, e, ne, &c, &nc), DP_OK);
        if (bare) {
            ck_assert_uint_eq(nc, 0);
        } else {
            ck_assert_uint_eq(nc, 1);
            ck_assert(c[0].k == 0 && c[0].v == 1 && c[0].score < m->threshold);
        }
        free(c);
        free(e);
        tl_cleanup(&L);
        wset_free(&s);
    }
    form_model_free(m);
}
END_TEST

/* A written label whose answer is a blank line read as marks is an empty pair; a bare one
 * is no pair. */
START_TEST(blank_answers_are_empty)
{
    struct wset s = {0};
    put(&s, 200, 100, "Filter Length:");
    put(&s, 560, 100, "*");
    put(&s, 200, 200, "Brand:");
    put(&s, 400, 200, "PHOENIX");
    struct form_kv *kv = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_pairs_model(form_model_builtin(), s.w, s.n, NULL, 0, &kv, &n), DP_OK);
    const struct form_kv *p;
    ck_assert_ptr_nonnull(p = find(kv, n, "Filter Length"));
    ck_assert_int_eq(p->has_value, 0);
    ck_assert_ptr_nonnull(p = find(kv, n, "Brand"));
    ck_assert_int_eq(p->has_value, 1);
    ck_assert_str_eq(p->value.text, "PHOENIX");
    for (size_t i = 0; i < n; i++)
        ck_assert(!kv[i].has_value || !form_marks_only(kv[i].value.text));
    form_kv_list_free(kv, n);
    wset_free(&s);
}
END_TEST

Suite *form_model_suite(void)
{
    Suite *s = suite_create("form_model");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, model_parse_good_and_prob);
    tcase_add_test(tc, model_parse_refuses_bad_files);
    tcase_add_test(tc, model_load_files);
    tcase_add_test(tc, features_of_couples);
    tcase_add_test(tc, columns_and_parallel_couples);
    tcase_add_test(tc, couples_beside_the_band);
    tcase_add_test(tc, shipped_model_pairs_a_form);
    tcase_add_test(tc, written_label_answered_beside);
    tcase_add_test(tc, twin_is_no_answer);
    tcase_add_test(tc, second_tier_for_written_labels_only);
    tcase_add_test(tc, blank_answers_are_empty);
    suite_add_tcase(s, tc);
    return s;
}
