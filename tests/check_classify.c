/* check_classify.c -- the document classifier: training separates classes, "unknown" when
 * unsure, cross-validation figures, save/load round trip and hostile buffers, the built-in
 * cold-start model. Every text here is generated or written for this test. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "classify.h"

/* ---- fixtures ---- */

static const char *const vocab_cook[] = {"oven",    "flour",  "bake",   "sugar", "butter",
                                         "recipe",  "simmer", "garlic", "onion", "stir",
                                         "minutes", "pan",    "salt",   "dough", "heat"};
static const char *const vocab_sport[] = {"match",   "goal",   "team",    "league",  "coach",
                                          "season",  "player", "score",   "referee", "win",
                                          "striker", "cup",    "penalty", "fans",    "stadium"};
static const char *const vocab_weather[] = {
    "rain",  "cloud",   "wind",     "forecast", "storm", "sunny", "degrees", "humidity",
    "front", "showers", "pressure", "snow",     "fog",   "north", "cold"};
static const char *const common_words[] = {"the", "and", "was", "with", "for", "then", "after"};

struct lcg {
    unsigned long s;
};

static unsigned next_rand(struct lcg *r)
{
    r->s = r->s * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)(r->s >> 33);
}

/* A text of nwords words drawn from one class vocabulary (2 of 3) and common words. */
static void make_text(char *buf, size_t cap, const char *const *vocab, unsigned seed, int nwords)
{
    struct lcg r = {seed * 7919UL + 17};
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < nwords && n < cap; i++) {
        unsigned x = next_rand(&r);
        const char *w = (x % 3 == 0) ? common_words[(x / 3) % 7] : vocab[(x / 3) % 15];
        int k = snprintf(buf + n, cap - n, "%s%s", i ? (i % 9 == 0 ? "\n" : " ") : "", w);
        if (k < 0)
            break;
        n += (size_t)k;
    }
}

static const char *const *const vocabs[] = {vocab_cook, vocab_sport, vocab_weather};
static const char *const names[] = {"cooking", "sports", "weather"};

/* A classifier trained on per_class examples of each of the three classes. */
static struct classifier *trained(int per_class, unsigned hash_bits, struct classify_stats *st)
{
    struct classify_opts o = classify_opts_default();
    o.hash_bits = hash_bits;
    struct classifier *c = classifier_new_opts(&o);
    ck_assert_ptr_nonnull(c);
    char buf[2048];
    for (int i = 0; i < per_class; i++)
        for (int k = 0; k < 3; k++) {
            make_text(buf, sizeof(buf), vocabs[k], (unsigned)(100 * k + i), 40);
            ck_assert_int_eq(classifier_add_text(c, names[k], buf, strlen(buf)), DP_OK);
        }
    struct classify_stats tmp;
    ck_assert_int_eq(classifier_train(c, st ? st : &tmp), DP_OK);
    return c;
}

static void predict_str(const struct classifier *c, const char *text, struct classify_result *r)
{
    ck_assert_int_eq(classifier_predict(c, text, text ? strlen(text) : 0, NULL, r), DP_OK);
}

/* ---- training and prediction ---- */

START_TEST(training_separates_classes)
{
    struct classify_stats st;
    struct classifier *c = trained(8, 18, &st);
    ck_assert_uint_eq(st.nexamples, 24);
    ck_assert_uint_eq(st.nclasses, 3);
    ck_assert_int_eq(st.cv_folds, 24); /* leave-one-out at 25 examples or fewer */
    ck_assert(st.cv_accuracy > 0.9);
    ck_assert_uint_eq(classifier_version(c), 1);
    char buf[2048];
    for (int k = 0; k < 3; k++)
        for (unsigned s = 500; s < 505; s++) {
            struct classify_result r;
            make_text(buf, sizeof(buf), vocabs[k], s, 30);
            predict_str(c, buf, &r);
            ck_assert_str_eq(r.label, names[k]);
            ck_assert_int_eq(r.why, CLASSIFY_OK);
            ck_assert(r.confidence >= 0.5 && r.confidence < 0.999); /* calibrated, not ~1 */
            ck_assert_uint_eq(r.nscores, 3);
            ck_assert_str_eq(r.scores[0].label, names[k]);
            double sum = 0;
            for (size_t i = 0; i < r.nscores; i++)
                sum += r.scores[i].prob;
            ck_assert(sum > 0.999 && sum < 1.001);
            ck_assert(r.scores[0].prob >= r.scores[1].prob);
        }
    classifier_free(c);
}
END_TEST

START_TEST(unknown_when_unsure)
{
    struct classifier *c = trained(6, 18, NULL);
    struct classify_result r;
    predict_str(c, "", &r);
    ck_assert_str_eq(r.label, "unknown");
    ck_assert_int_eq(r.why, CLASSIFY_TOO_SHORT);
    predict_str(c, NULL, &r);
    ck_assert_str_eq(r.label, "unknown");
    predict_str(c, "oven flour bake sugar", &r); /* 4 words: too short to judge */
    ck_assert_str_eq(r.label, "unknown");
    ck_assert_int_eq(r.why, CLASSIFY_TOO_SHORT);
    predict_str(c, "xqzv plorf kwyjibo zzt vrumble qaxe jibjab frobn", &r);
    ck_assert_str_eq(r.label, "unknown");
    ck_assert_int_eq(r.why, CLASSIFY_LOW_COVERAGE);
    ck_assert(r.coverage < 0.2);
    /* a text that mixes the three classes evenly is not confidently any of them */
    predict_str(c, "oven match rain flour goal cloud bake team wind sugar league storm", &r);
    ck_assert(r.confidence < 0.9);

    /* raise the threshold just above a clear prediction's confidence: now unknown */
    char buf[2048];
    make_text(buf, sizeof(buf), vocab_sport, 900, 30);
    predict_str(c, buf, &r);
    ck_assert_str_eq(r.label, "sports");
    ck_assert_int_eq(classifier_set_threshold(c, r.confidence + 0.001), DP_OK);
    predict_str(c, buf, &r);
    ck_assert_str_eq(r.label, "unknown");
    ck_assert_str_eq(r.best, "sports");
    ck_assert_int_eq(r.why, CLASSIFY_LOW_CONF);
    ck_assert_int_eq(classifier_set_threshold(c, 1.5), DP_EINVAL);
    classifier_free(c);
}
END_TEST

START_TEST(untrained_model_is_graceful)
{
    struct classifier *c = classifier_new();
    struct classify_result r;
    struct classify_stats st;
    char buf[2048];
    make_text(buf, sizeof(buf), vocab_cook, 1, 30);
    predict_str(c, buf, &r);
    ck_assert_str_eq(r.label, "unknown");
    ck_assert_int_eq(r.why, CLASSIFY_UNTRAINED);
    ck_assert_uint_eq(r.nscores, 0);
    ck_assert_int_eq(classifier_train(c, &st), DP_EINVAL); /* no examples */

    /* examples added but not trained yet: still no model */
    ck_assert_int_eq(classifier_add_text(c, "cooking", buf, strlen(buf)), DP_OK);
    predict_str(c, buf, &r);
    ck_assert_int_eq(r.why, CLASSIFY_UNTRAINED);
    /* one class only: trained, but nothing to choose between */
    ck_assert_int_eq(classifier_train(c, &st), DP_OK);
    ck_assert_int_eq(st.cv_folds, 0);
    ck_assert(st.cv_accuracy < 0);
    predict_str(c, buf, &r);
    ck_assert_str_eq(r.label, "unknown");
    ck_assert_int_eq(r.why, CLASSIFY_UNTRAINED);
    ck_assert_str_eq(r.best, "cooking");

    /* a class added after training is not predicted until the next train */
    make_text(buf, sizeof(buf), vocab_sport, 2, 30);
    ck_assert_int_eq(classifier_add_text(c, "sports", buf, strlen(buf)), DP_OK);
    predict_str(c, buf, &r);
    ck_assert_uint_eq(r.nscores, 1);
    ck_assert_int_eq(classifier_train(c, &st), DP_OK);
    ck_assert_uint_eq(st.nclasses, 2);
    ck_assert_uint_eq(classifier_version(c), 2);
    classifier_free(c);
    classifier_free(NULL);
}
END_TEST

START_TEST(labels_are_validated)
{
    struct classifier *c = classifier_new();
    const char *t = "some text with enough words in it";
    char longl[80];
    memset(longl, 'a', sizeof(longl) - 1);
    longl[sizeof(longl) - 1] = '\0';
    ck_assert_int_eq(classifier_add_text(c, "unknown", t, strlen(t)), DP_EINVAL);
    ck_assert_int_eq(classifier_add_text(c, "", t, strlen(t)), DP_EINVAL);
    ck_assert_int_eq(classifier_add_text(c, NULL, t, strlen(t)), DP_EINVAL);
    ck_assert_int_eq(classifier_add_text(c, "has space", t, strlen(t)), DP_EINVAL);
    ck_assert_int_eq(classifier_add_text(c, longl, t, strlen(t)), DP_EINVAL);
    ck_assert_int_eq(classifier_add_text(c, "purchase-order_v2.x", t, strlen(t)), DP_OK);
    ck_assert_uint_eq(classifier_examples(c), 1);
    struct classify_opts o = classify_opts_default();
    o.hash_bits = 30;
    ck_assert_ptr_null(classifier_new_opts(&o));
    classifier_free(c);
}
END_TEST

/* ---- cross-validation ---- */

static void add_n(struct classifier *c, const char *label, const char *const *vocab, int n,
                  unsigned seed)
{
    char buf[2048];
    for (int i = 0; i < n; i++) {
        make_text(buf, sizeof(buf), vocab, seed + (unsigned)i, 30);
        ck_assert_int_eq(classifier_add_text(c, label, buf, strlen(buf)), DP_OK);
    }
}

START_TEST(cross_validation_known_set)
{
    /* Disjoint vocabularies: every held-out example is right, except the only example of
     * "weather", whose class has no training document when it is held out: 6 of 7. */
    struct classifier *c = classifier_new();
    struct classify_stats st;
    add_n(c, "cooking", vocab_cook, 3, 10);
    add_n(c, "sports", vocab_sport, 3, 20);
    add_n(c, "weather", vocab_weather, 1, 30);
    ck_assert_int_eq(classifier_train(c, &st), DP_OK);
    ck_assert_int_eq(st.cv_folds, 7);
    ck_assert_uint_eq(st.cv_tested, 7);
    ck_assert_double_eq_tol(st.cv_accuracy, 6.0 / 7.0, 1e-9);
    ck_assert_str_eq(st.classes[0].label, "cooking");
    ck_assert_uint_eq(st.classes[0].examples, 3);
    ck_assert_uint_eq(st.classes[0].cv_correct, 3);
    ck_assert_uint_eq(st.classes[1].cv_correct, 3);
    ck_assert_str_eq(st.classes[2].label, "weather");
    ck_assert_uint_eq(st.classes[2].examples, 1);
    ck_assert_uint_eq(st.classes[2].cv_correct, 0);
    ck_assert(st.temperature > 0);
    struct classify_stats again;
    classifier_stats(c, &again);
    ck_assert_double_eq(again.cv_accuracy, st.cv_accuracy);
    classifier_free(c);

    /* over 25 examples: 5 stratified folds */
    c = classifier_new();
    add_n(c, "cooking", vocab_cook, 10, 40);
    add_n(c, "sports", vocab_sport, 10, 60);
    add_n(c, "weather", vocab_weather, 10, 80);
    ck_assert_int_eq(classifier_train(c, &st), DP_OK);
    ck_assert_int_eq(st.cv_folds, 5);
    ck_assert_uint_eq(st.cv_tested, 30);
    ck_assert_double_eq_tol(st.cv_accuracy, 1.0, 1e-9);
    classifier_free(c);
}
END_TEST

START_TEST(threshold_from_cross_validation)
{
    /* 3 + 3 + 1: the lone "weather" example is held out wrong (its class is then unseen), so
     * no wrong label at all means a threshold above that prediction's confidence; allowing
     * every wrong label means the lowest held-out confidence, at which nothing is unknown */
    struct classifier *c = classifier_new();
    struct classify_stats st;
    double strict, lax;
    size_t unk_strict, unk_lax;
    ck_assert_int_eq(classifier_cv_threshold(c, 0.01, &strict, NULL), DP_EINVAL); /* untrained */
    add_n(c, "cooking", vocab_cook, 3, 10);
    add_n(c, "sports", vocab_sport, 3, 20);
    add_n(c, "weather", vocab_weather, 1, 30);
    ck_assert_int_eq(classifier_train(c, &st), DP_OK);
    ck_assert_int_eq(classifier_cv_threshold(c, 0.0, &strict, &unk_strict), DP_OK);
    ck_assert_int_eq(classifier_cv_threshold(c, 1.0, &lax, &unk_lax), DP_OK);
    ck_assert(strict >= 0 && strict <= 0.99 && lax >= 0 && lax <= strict);
    ck_assert_uint_eq(unk_lax, 0);
    ck_assert_uint_ge(unk_strict, 1); /* the wrong one at least */
    ck_assert_uint_le(unk_strict, 7);
    ck_assert_int_eq(classifier_cv_threshold(c, 1.5, &lax, NULL), DP_EINVAL);
    /* a loaded model has no held-out predictions */
    char *buf = NULL;
    size_t len = 0;
    struct classifier *back = NULL;
    ck_assert_int_eq(classifier_save(c, &buf, &len), DP_OK);
    ck_assert_int_eq(classifier_load(buf, len, &back), DP_OK);
    ck_assert_int_eq(classifier_cv_threshold(back, 0.01, &lax, NULL), DP_EINVAL);
    free(buf);
    classifier_free(back);
    classifier_free(c);
}
END_TEST

START_TEST(threshold_rule_known_answers)
{
    /* six held-out predictions, most confident first; W = wrong, and the last one wrong but
     * never answered (coverage), so it costs nothing. The threshold lies halfway between the
     * last prediction accepted and the first refused. */
    const double conf[] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3};
    const unsigned char wrong[] = {0, 0, 1, 0, 1, 0, 1}, known[] = {1, 1, 1, 1, 1, 1, 0};
    double thr;
    size_t unk;
    /* no wrong allowed: between the 0.8 one (accepted) and the wrong 0.7 one */
    ck_assert_int_eq(classify_pick_threshold(conf, wrong, known, 7, 0.0, &thr, &unk), DP_OK);
    ck_assert_double_eq_tol(thr, 0.75, 1e-12);
    ck_assert_uint_eq(unk, 5);
    /* one wrong allowed (budget exactly 1): between the 0.6 one and the wrong 0.5 one */
    ck_assert_int_eq(classify_pick_threshold(conf, wrong, known, 7, 1.0 / 7, &thr, &unk), DP_OK);
    ck_assert_double_eq_tol(thr, 0.55, 1e-6);
    ck_assert_uint_eq(unk, 3);
    /* half a wrong: half of the way between the two */
    ck_assert_int_eq(classify_pick_threshold(conf, wrong, known, 7, 0.5 / 7, &thr, &unk), DP_OK);
    ck_assert_double_eq_tol(thr, 0.65, 1e-6);
    ck_assert_uint_eq(unk, 4);
    /* 0.96 of a wrong (1 % of 96): 96 % of the way down */
    ck_assert_int_eq(classify_pick_threshold(conf, wrong, known, 7, 0.96 / 7, &thr, NULL), DP_OK);
    ck_assert_double_eq_tol(thr, 0.75 - 0.96 * 0.2, 1e-6);
    /* everything allowed: nothing refused, so the lowest confidence; nothing answered is
     * unknown */
    ck_assert_int_eq(classify_pick_threshold(conf, wrong, known, 7, 1.0, &thr, &unk), DP_OK);
    ck_assert_double_eq_tol(thr, 0.3, 1e-12);
    ck_assert_uint_eq(unk, 1);
    /* monotone: a larger budget never raises the threshold */
    double prev = 1.0;
    for (int i = 0; i <= 100; i++) {
        ck_assert_int_eq(classify_pick_threshold(conf, wrong, known, 7, i / 100.0, &thr, NULL),
                         DP_OK);
        ck_assert(thr <= prev + 1e-12 && thr >= 0.3 - 1e-12 && thr <= 0.99);
        prev = thr;
    }
    /* ties go together: a right and a wrong one at 0.7 are accepted or refused as one */
    const double tconf[] = {0.9, 0.7, 0.7, 0.2};
    const unsigned char twrong[] = {0, 0, 1, 0}, tknown[] = {1, 1, 1, 1};
    ck_assert_int_eq(classify_pick_threshold(tconf, twrong, tknown, 4, 0.0, &thr, &unk), DP_OK);
    ck_assert_double_eq_tol(thr, 0.8, 1e-12);
    ck_assert_uint_eq(unk, 3);
    /* the most confident one already wrong: nothing accepted, the highest threshold */
    const double fconf[] = {0.95, 0.6};
    const unsigned char fwrong[] = {1, 0}, fknown[] = {1, 1};
    ck_assert_int_eq(classify_pick_threshold(fconf, fwrong, fknown, 2, 0.0, &thr, &unk), DP_OK);
    ck_assert_double_eq_tol(thr, 0.99, 1e-12);
    ck_assert_uint_eq(unk, 2);
    ck_assert_int_eq(classify_pick_threshold(conf, wrong, known, 0, 0.01, &thr, NULL), DP_EINVAL);
    ck_assert_int_eq(classify_pick_threshold(conf, wrong, known, 7, -0.1, &thr, NULL), DP_EINVAL);
    ck_assert_int_eq(classify_pick_threshold(conf, wrong, known, 7, 1.5, &thr, NULL), DP_EINVAL);
}
END_TEST

START_TEST(min_df_rule_known_answers)
{
    /* one more document per feature for every 8 examples of the smallest class, 1..3 */
    ck_assert_uint_eq(classify_min_df(0), 1);
    ck_assert_uint_eq(classify_min_df(1), 1);
    ck_assert_uint_eq(classify_min_df(7), 1);
    ck_assert_uint_eq(classify_min_df(8), 2);
    ck_assert_uint_eq(classify_min_df(15), 2);
    ck_assert_uint_eq(classify_min_df(16), 3);
    ck_assert_uint_eq(classify_min_df(20), 3);
    ck_assert_uint_eq(classify_min_df(20000), 3);
}
END_TEST

/* CLASSIFY_FEATURES_AUTO: set 3 below 16 examples in the smallest class, set 4 from 16, the size
 * at which classify_min_df reaches its cap. */
START_TEST(set_rule_known_answers)
{
    ck_assert_uint_eq(classify_pick_set(0), CLASSIFY_FEATURES_V3);
    ck_assert_uint_eq(classify_pick_set(3), CLASSIFY_FEATURES_V3);
    ck_assert_uint_eq(classify_pick_set(8), CLASSIFY_FEATURES_V3);
    ck_assert_uint_eq(classify_pick_set(15), CLASSIFY_FEATURES_V3);
    ck_assert_uint_eq(classify_pick_set(16), CLASSIFY_FEATURES);
    ck_assert_uint_eq(classify_pick_set(20), CLASSIFY_FEATURES);
    ck_assert_uint_eq(classify_pick_set(20000), CLASSIFY_FEATURES);
    for (size_t n = 0; n < 64; n++)
        ck_assert_int_eq(classify_pick_set(n) == CLASSIFY_FEATURES, classify_min_df(n) == 3);
}
END_TEST

/* per_class examples of each class; the first "cooking" one also has five words no other
 * example has. 2^24 buckets, so that none of these shares a bucket with another feature. */
static struct classifier *trained_with_rare(int per_class)
{
    struct classify_opts o = classify_opts_default();
    o.hash_bits = 24; /* no bucket of the rare words shared with another feature by chance */
    struct classifier *c = classifier_new_opts(&o);
    ck_assert_ptr_nonnull(c);
    char buf[2048];
    for (int i = 0; i < per_class; i++)
        for (int k = 0; k < 3; k++) {
            make_text(buf, sizeof(buf), vocabs[k], (unsigned)(100 * k + i), 40);
            if (i == 0 && k == 0) {
                size_t n = strlen(buf);
                snprintf(buf + n, sizeof(buf) - n, " zebrafish quokka narwhal axolotl pangolin");
            }
            ck_assert_int_eq(classifier_add_text(c, names[k], buf, strlen(buf)), DP_OK);
        }
    struct classify_stats st;
    ck_assert_int_eq(classifier_train(c, &st), DP_OK);
    return c;
}

START_TEST(rare_features_leave_the_model)
{
    const char *rare = "zebrafish quokka narwhal axolotl pangolin zebrafish quokka";
    struct classify_result r;
    /* 16 examples per class: words in one document only are not kept, so the model does not
     * know any word of `rare` */
    struct classifier *big = trained_with_rare(16);
    predict_str(big, rare, &r);
    ck_assert_double_eq_tol(r.coverage, 0.0, 1e-9);
    ck_assert_str_eq(r.label, "unknown");
    /* what the classes share still decides */
    char buf[2048];
    make_text(buf, sizeof(buf), vocab_sport, 4242, 40);
    predict_str(big, buf, &r);
    ck_assert_str_eq(r.label, "sports");
    classifier_free(big);
    /* 4 examples per class: every feature counts, and these words are the cooking example's */
    struct classifier *small = trained_with_rare(4);
    predict_str(small, rare, &r);
    ck_assert_double_eq_tol(r.coverage, 1.0, 1e-6);
    ck_assert_str_eq(r.best, "cooking");
    classifier_free(small);
}
END_TEST

/* ---- serialisation ---- */

static uint32_t test_crc32(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return crc ^ 0xFFFFFFFFu;
}

/* Rewrites the trailing CRC so that only the semantic checks can reject the buffer. */
static void fix_crc(char *buf, size_t len)
{
    uint32_t crc = test_crc32((const unsigned char *)buf, len - 4);
    for (int i = 0; i < 4; i++)
        buf[len - 4 + (size_t)i] = (char)(crc >> (8 * i));
}

START_TEST(save_load_round_trip)
{
    struct classifier *c = trained(6, 18, NULL), *d = NULL;
    classifier_set_version(c, 42);
    char *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(classifier_save(c, &buf, &len), DP_OK);
    ck_assert(len > 16);
    ck_assert_int_eq(classifier_load(buf, len, &d), DP_OK);
    ck_assert_uint_eq(classifier_version(d), 42);
    const char *probes[] = {"oven flour sugar butter and the dough then bake for minutes",
                            "the striker scored a penalty and the fans of the team sang",
                            "rain and storm with wind from the north then fog and cold",
                            "oven goal storm with the salt then referee showers",
                            "",
                            "a b"};
    char gen[2048];
    for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]) + 6; i++) {
        const char *t = probes[i % 6];
        if (i >= 6) {
            make_text(gen, sizeof(gen), vocabs[i % 3], (unsigned)(700 + i), 25);
            t = gen;
        }
        struct classify_result a, b;
        predict_str(c, t, &a);
        predict_str(d, t, &b);
        ck_assert_str_eq(a.label, b.label);
        ck_assert_double_eq(a.confidence, b.confidence); /* bit-identical */
        ck_assert_double_eq(a.coverage, b.coverage);
        ck_assert_uint_eq(a.nscores, b.nscores);
        for (size_t k = 0; k < a.nscores; k++) {
            ck_assert_str_eq(a.scores[k].label, b.scores[k].label);
            ck_assert_double_eq(a.scores[k].prob, b.scores[k].prob);
        }
    }
    struct classify_stats sa, sb;
    classifier_stats(c, &sa);
    classifier_stats(d, &sb);
    ck_assert_double_eq(sa.cv_accuracy, sb.cv_accuracy);
    ck_assert_uint_eq(sa.nclasses, sb.nclasses);
    ck_assert_uint_eq(sb.classes[1].examples, 6);
    /* saving the loaded model gives the same bytes */
    char *buf2 = NULL;
    size_t len2 = 0;
    ck_assert_int_eq(classifier_save(d, &buf2, &len2), DP_OK);
    ck_assert_uint_eq(len, len2);
    ck_assert_int_eq(memcmp(buf, buf2, len), 0);
    /* a loaded model can be retrained from new examples */
    add_n(d, "cooking", vocab_cook, 2, 5);
    add_n(d, "sports", vocab_sport, 2, 6);
    ck_assert_int_eq(classifier_train(d, NULL), DP_OK);
    ck_assert_uint_eq(classifier_version(d), 43);
    free(buf);
    free(buf2);
    classifier_free(c);
    classifier_free(d);
}
END_TEST

START_TEST(load_rejects_bad_buffers)
{
    struct classify_stats st;
    struct classifier *c = trained(2, 10, &st), *d = (struct classifier *)1;
    char *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(classifier_save(c, &buf, &len), DP_OK);
    /* every truncation */
    for (size_t n = 0; n < len; n++) {
        char *cut = malloc(n ? n : 1);
        memcpy(cut, buf, n);
        ck_assert_int_eq(classifier_load(cut, n, &d), DP_EPARSE);
        ck_assert_ptr_null(d);
        free(cut);
    }
    /* every single-bit corruption */
    for (size_t i = 0; i < len; i++) {
        buf[i] ^= 0x10;
        ck_assert_int_eq(classifier_load(buf, len, &d), DP_EPARSE);
        buf[i] ^= 0x10;
    }
    /* trailing garbage */
    char *more = malloc(len + 3);
    memcpy(more, buf, len);
    memcpy(more + len, "xyz", 3);
    ck_assert_int_eq(classifier_load(more, len + 3, &d), DP_EPARSE);
    /* well-checksummed but invalid fields: hash_bits, class count, magic, label */
    size_t offs[] = {5, 6, 0, 73};
    for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
        memcpy(more, buf, len);
        more[offs[i]] = (char)0xEE;
        fix_crc(more, len);
        ck_assert_int_eq(classifier_load(more, len, &d), DP_EPARSE);
    }
    memcpy(more, buf, len); /* control: an untouched copy with a recomputed CRC loads */
    fix_crc(more, len);
    ck_assert_int_eq(classifier_load(more, len, &d), DP_OK);
    classifier_free(d);
    ck_assert_int_eq(classifier_load(NULL, 0, &d), DP_EPARSE);
    char *huge = calloc(1, (size_t)CLASSIFY_MAX_MODEL + 1);
    ck_assert_ptr_nonnull(huge);
    ck_assert_int_eq(classifier_load(huge, (size_t)CLASSIFY_MAX_MODEL + 1, &d), DP_ETOOBIG);
    free(huge);
    free(more);
    free(buf);
    classifier_free(c);
}
END_TEST

/* ---- documents with pages ---- */

START_TEST(examples_from_pages)
{
    struct classifier *c = classifier_new();
    char t1[2048], t2[2048];
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < 2; k++) {
            make_text(t1, sizeof(t1), vocabs[k], (unsigned)(10 * i + k), 30);
            make_text(t2, sizeof(t2), vocabs[k], (unsigned)(10 * i + k + 1000), 30);
            struct dp_page pages[2] = {{.number = 1, .text = t1, .nwords = 30},
                                       {.number = 2, .text = t2, .nwords = 30}};
            struct dp_doc_text doc = {.pages = pages, .npages = 2};
            ck_assert_int_eq(classifier_add_example(c, names[k], &doc), DP_OK);
        }
    ck_assert_int_eq(classifier_train(c, NULL), DP_OK);
    make_text(t1, sizeof(t1), vocab_sport, 4242, 30);
    struct dp_page page = {.number = 1, .text = t1, .nwords = 30};
    struct dp_doc_text doc = {.pages = &page, .npages = 1};
    struct classify_result r;
    ck_assert_int_eq(classifier_predict(c, NULL, 0, &doc, &r), DP_OK);
    ck_assert_str_eq(r.label, "sports");
    ck_assert_int_eq(classifier_predict(c, t1, strlen(t1), &doc, &r), DP_OK);
    ck_assert_str_eq(r.label, "sports");
    struct dp_doc_text empty = {0};
    ck_assert_int_eq(classifier_predict(c, NULL, 0, &empty, &r), DP_OK);
    ck_assert_str_eq(r.label, "unknown");
    classifier_free(c);
}
END_TEST

/* ---- built-in cold-start model ---- */

START_TEST(builtin_labels_obvious_documents)
{
    struct classifier *b = classifier_builtin();
    ck_assert_ptr_nonnull(b);
    struct classify_stats st;
    classifier_stats(b, &st);
    ck_assert_uint_eq(st.nclasses, 5);
    ck_assert(classifier_version(b) >= 1);
    static const struct {
        const char *want, *text;
    } cases[] = {
        {"receipt", "SUNNY GROCER\nCashier 4\nAPPLES 2.30\nRICE 5KG 11.90\nSUBTOTAL 14.20\n"
                    "TAX 0.85\nTOTAL 15.05\nCASH 20.00\nCHANGE 4.95\nTHANK YOU COME AGAIN"},
        {"invoice", "INVOICE\nInvoice no: 7781\nInvoice date: 3 March 2024\nDue date: 2 April "
                    "2024\nBill to: Omega Parts Ltd\nWidgets 10 x 4.00 40.00\nSubtotal 40.00\n"
                    "VAT 8.00\nTotal due 48.00\nPayment terms 30 days, bank transfer"},
        {"form", "MEMBERSHIP APPLICATION FORM\nName:\nAddress:\nDate of birth:\nTelephone:\n"
                 "Email:\n[ ] New member [ ] Renewal\nSignature:\nDate:\nFor office use only"},
        /* a scanned business form as OCR gives it: field labels, blanks, ticks, approvals */
        {"form", "QUALITY ASSURANCE SAMPLE SUBMISSION\nDate:  March 3, 1987  Sample no.: 4411\n"
                 "Product:  Filter KS  Brand:\nSubmitted by: R. Hale  Dept.: R&D\nTests: "
                 "[x] weight [ ] draw [x] moisture\nPlease complete and return to the lab.\n"
                 "Approved by:  Signature:  Fax: 555-0100"},
        /* a broadcast station's advertising invoice: spots aired, gross, commission, net */
        {"invoice", "WXYZ-TV  INVOICE  Page 1 of 1\nInvoice # 30411  Invoice date 11/30/21\n"
                    "Advertiser: Lakeside Furniture  Agency: Crest Media Group\nLine  Air date  "
                    "Air time  Program  Len  Rate\n1  11/22  6:14 PM  Evening News  :30  $300.00\n"
                    "Gross $500.00  Agency commission $75.00  Net amount $425.00"},
        /* an agreement ends in signature fields too, but it is not a form */
        {"other", "CONFIDENTIALITY AGREEMENT\nThe recipient agrees to keep all proprietary "
                  "information received from the discloser confidential and to use it solely "
                  "to evaluate a possible business relationship. This agreement is governed "
                  "by the laws of the State.\nAccepted and agreed:\nName:  Title:  Date:"},
        {"letter", "Dear Mrs Jones,\nThank you for your letter about the meeting. I am pleased "
                   "to confirm that we will attend. Please do not hesitate to contact me if "
                   "you need anything further.\nYours sincerely,\nTom Baker"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct classify_result r;
        predict_str(b, cases[i].text, &r);
        ck_assert_str_eq(r.label, cases[i].want);
    }
    struct classify_result r;
    predict_str(b, "zorbl quaxit vemprodine fliggle shnarp wubbo krintel yaxxo", &r);
    ck_assert_str_eq(r.label, "unknown");
    predict_str(b, "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do", &r);
    ck_assert_str_eq(r.label, "unknown");
    classifier_free(b);
}
END_TEST

Suite *classify_suite(void)
{
    Suite *s = suite_create("classify");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, training_separates_classes);
    tcase_add_test(tc, unknown_when_unsure);
    tcase_add_test(tc, threshold_from_cross_validation);
    tcase_add_test(tc, threshold_rule_known_answers);
    tcase_add_test(tc, min_df_rule_known_answers);
    tcase_add_test(tc, set_rule_known_answers);
    tcase_add_test(tc, rare_features_leave_the_model);
    tcase_add_test(tc, untrained_model_is_graceful);
    tcase_add_test(tc, labels_are_validated);
    tcase_add_test(tc, cross_validation_known_set);
    tcase_add_test(tc, save_load_round_trip);
    tcase_add_test(tc, load_rejects_bad_buffers);
    tcase_add_test(tc, examples_from_pages);
    tcase_add_test(tc, builtin_labels_obvious_documents);
    suite_add_tcase(s, tc);
    return s;
}
