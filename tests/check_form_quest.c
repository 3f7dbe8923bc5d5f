/* check_form_quest.c -- is an entity a question at all (form_quest.c): its features (shape,
 * what lies right, under, left and over it), the quest block of the model file (read with or
 * without the stack block, refused when short or repeated), and the couple's probability
 * weighed by the key's. */
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "form_int.h"

#include "fixtures_wset.h"

/* Quest feature indices the tests look at (form_quest.c's Q_*). */
enum { Q_COLON = 0, Q_NUMERIC = 1, Q_RIGHT0 = 30, Q_RNUM = 34, Q_BELOW = 39, Q_LCOLON = 44 };
enum { Q_ACOLON = 45 };

static int feat(const struct form_auxx *x, int idx, float *v)
{
    for (int i = 0; i < x->nf; i++)
        if (x->idx[i] == idx) {
            if (v)
                *v = x->val[i];
            return 1;
        }
    return 0;
}

static long ent_of(const struct tl_layout *L, const struct form_ent *e, size_t n, const char *w0)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(L->words[L->ord[e[i].w0]].text, w0) == 0)
            return (long)i;
    return -1;
}

START_TEST(features_of_an_entity_alone)
{
    struct wset s = {0};
    put(&s, 100, 100, "Brand:");
    put(&s, 700, 100, "PHOENIX");
    put(&s, 100, 300, "Weight");
    put(&s, 100, 360, "974");
    struct tl_layout L;
    ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
    struct form_ent *e = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_entities(&L, &e, &n), DP_OK);
    long brand = ent_of(&L, e, n, "Brand:"), phoenix = ent_of(&L, e, n, "PHOENIX");
    long weight = ent_of(&L, e, n, "Weight"), num = ent_of(&L, e, n, "974");
    ck_assert(brand >= 0 && phoenix >= 0 && weight >= 0 && num >= 0);
    struct form_auxx x;
    float v;
    /* a written label with a value right of it, 10 em away (4th gap bucket: 6-15 em) */
    form_quest_features(&L, e, n, (size_t)brand, &x);
    ck_assert(feat(&x, Q_COLON, NULL));
    ck_assert(feat(&x, Q_RIGHT0 + 2, &v) && v == 1.0f);
    ck_assert(!feat(&x, Q_RNUM, NULL) && !feat(&x, Q_LCOLON, NULL));
    /* its answer: a written label left of it */
    form_quest_features(&L, e, n, (size_t)phoenix, &x);
    ck_assert(feat(&x, Q_LCOLON, NULL) && !feat(&x, Q_COLON, NULL));
    /* a bare label with a number under it */
    form_quest_features(&L, e, n, (size_t)weight, &x);
    ck_assert(feat(&x, Q_BELOW, NULL) && !feat(&x, Q_COLON, NULL));
    form_quest_features(&L, e, n, (size_t)num, &x);
    ck_assert(feat(&x, Q_NUMERIC, NULL) && !feat(&x, Q_BELOW, NULL));
    for (size_t i = 0; i < n; i++) { /* the hashed words: first and last, one each */
        form_quest_features(&L, e, n, i, &x);
        int hashed = 0;
        for (int k = 0; k < x.nf; k++) {
            ck_assert_int_lt(x.idx[k], FORM_AUX_N);
            hashed += x.idx[k] >= FORM_AUX_DENSE;
        }
        ck_assert_int_eq(hashed, 2);
    }
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
}
END_TEST

/* A model text with the optional blocks: stack (ns weights, < 0 none), quest (nq weights, < 0
 * none) with alpha, in the order given (quest_first). */
static char *model_with(int ns, int nq, const char *alpha, int quest_first)
{
    size_t cap = 256 + (size_t)(FORM_FEAT_N + 2 * FORM_AUX_N + 8) * 16;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    size_t k = (size_t)snprintf(t, cap,
                                "docproc-kv-model 1\nfeatures %d\nbias -0.5\nthreshold 0.4\n"
                                "multi 0.9\n",
                                FORM_FEAT_N);
    for (int i = 0; i < FORM_FEAT_N; i++)
        k += (size_t)snprintf(t + k, cap - k, "w 0.01\n");
    for (int b = 0; b < 2; b++) {
        int quest = quest_first ? b == 0 : b == 1, nw = quest ? nq : ns;
        if (nw < 0)
            continue;
        if (quest)
            k += (size_t)snprintf(t + k, cap - k, "quest %d\nquest_bias -1\nquest_alpha %s\n",
                                  FORM_AUX_N, alpha);
        else
            k += (size_t)snprintf(t + k, cap - k, "stack %d\nstack_bias -2\nstack_threshold 0.5\n",
                                  FORM_AUX_N);
        for (int i = 0; i < nw; i++)
            k += (size_t)snprintf(t + k, cap - k, "%s %g\n", quest ? "q" : "s", quest ? 0.5 : 0.25);
    }
    snprintf(t + k, cap - k, "end\n");
    return t;
}

static dp_err parse_text(char *t, struct form_model **m)
{
    dp_err rc = form_model_parse(t, strlen(t), m);
    free(t);
    return rc;
}

START_TEST(quest_block_in_model_file)
{
    struct form_model *m = NULL;
    ck_assert_int_eq(parse_text(model_with(-1, -1, "1", 0), &m), DP_OK);
    ck_assert(!m->quest.on && !m->stack.on); /* no blocks: as before */
    form_model_free(m);
    ck_assert_int_eq(parse_text(model_with(FORM_AUX_N, FORM_AUX_N, "1.5", 0), &m), DP_OK);
    ck_assert(m->quest.on && m->stack.on);
    ck_assert(fabs(m->quest_alpha - 1.5) < 1e-9 && fabs(m->quest.bias + 1) < 1e-9);
    ck_assert(fabs(m->quest.w[FORM_AUX_N - 1] - 0.5) < 1e-9);
    ck_assert(fabs(m->stack.w[0] - 0.25) < 1e-9 && fabs(m->stack.threshold - 0.5) < 1e-9);
    form_model_free(m);
    ck_assert_int_eq(parse_text(model_with(FORM_AUX_N, FORM_AUX_N, "1", 1), &m), DP_OK);
    ck_assert(m->quest.on && m->stack.on && fabs(m->stack.w[0] - 0.25) < 1e-9);
    form_model_free(m);
    ck_assert_int_eq(parse_text(model_with(-1, FORM_AUX_N, "0", 0), &m), DP_OK);
    ck_assert(m->quest.on && !m->stack.on);
    form_model_free(m);
    /* refused: a weight short, an alpha out of range or not a number */
    ck_assert_int_eq(parse_text(model_with(-1, FORM_AUX_N - 1, "1", 0), &m), DP_EPARSE);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(parse_text(model_with(-1, FORM_AUX_N, "9", 0), &m), DP_EPARSE);
    ck_assert_int_eq(parse_text(model_with(-1, FORM_AUX_N, "-1", 0), &m), DP_EPARSE);
    ck_assert_int_eq(parse_text(model_with(-1, FORM_AUX_N, "x", 0), &m), DP_EPARSE);
    /* a block twice */
    char *t = model_with(-1, FORM_AUX_N, "1", 0), *two = malloc(2 * strlen(t) + 1);
    ck_assert_ptr_nonnull(two);
    char *q = strstr(t, "quest ");
    size_t head = (size_t)(q - t), blk = strlen(q) - 4; /* the block without "end\n" */
    memcpy(two, t, head + blk);
    memcpy(two + head + blk, q, strlen(q) + 1);
    free(t);
    ck_assert_int_eq(parse_text(two, &m), DP_EPARSE);
}
END_TEST

START_TEST(couples_weighed_by_their_key)
{
    struct form_model *m = NULL;
    ck_assert_int_eq(parse_text(model_with(-1, FORM_AUX_N, "2", 0), &m), DP_OK);
    ck_assert(fabs(form_quest_weigh(m, 0.8, 0.5) - 0.2) < 1e-9); /* 0.8 * 0.5^2 */
    ck_assert(fabs(form_quest_weigh(m, 0.8, 1.0) - 0.8) < 1e-9);
    m->quest_alpha = 0; /* alpha 0: the block says nothing */
    ck_assert(fabs(form_quest_weigh(m, 0.8, 0.1) - 0.8) < 1e-9);
    m->quest_alpha = 2;
    m->quest.on = 0;
    ck_assert(fabs(form_quest_weigh(m, 0.8, 0.1) - 0.8) < 1e-9);
    /* probabilities: 1 for every entity without a block, the block's own with one */
    struct wset s = {0};
    put(&s, 100, 100, "Brand:");
    put(&s, 400, 100, "PHOENIX");
    struct tl_layout L;
    ck_assert_int_eq(form_layout(&L, s.w, s.n, NULL, 0), DP_OK);
    struct form_ent *e = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_entities(&L, &e, &n), DP_OK);
    ck_assert_uint_eq(n, 2);
    double q[2];
    form_quest_probs(m, &L, e, n, q);
    ck_assert(q[0] == 1.0 && q[1] == 1.0);
    m->quest.on = 1;
    form_quest_probs(m, &L, e, n, q);
    for (size_t i = 0; i < n; i++) {
        struct form_auxx x;
        form_quest_features(&L, e, n, i, &x);
        double z = -1;
        for (int k = 0; k < x.nf; k++)
            z += 0.5 * x.val[k];
        ck_assert(fabs(q[i] - 1.0 / (1.0 + exp(-z))) < 1e-9);
    }
    free(e);
    tl_cleanup(&L);
    wset_free(&s);
    form_model_free(m);
}
END_TEST

Suite *form_quest_suite(void)
{
    Suite *s = suite_create("form_quest");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, features_of_an_entity_alone);
    tcase_add_test(tc, quest_block_in_model_file);
    tcase_add_test(tc, couples_weighed_by_their_key);
    suite_add_tcase(s, tc);
    return s;
}
