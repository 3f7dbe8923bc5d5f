/* clsstore.c -- tenant training examples, training, stored models and their statistics in
 * Redis (the worker's model cache is in clsstore_cache.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clsstore.h"
#include "keys.h"
#include "rds.h"
#include "scripts.h"
#include "seal.h"
#include "util.h"

#define TRAIN_BATCH 50 /* texts fetched per HMGET while training */

struct clsstore_limits clsstore_limits_default(void)
{
    struct clsstore_limits l = {.max_examples = CLSSTORE_MAX_EXAMPLES,
                                .max_text = CLSSTORE_MAX_TEXT};
    return l;
}

/* Tenant names are checked by apikey at creation; this only keeps keys well-formed. */
static int tenant_ok(const char *tenant)
{
    size_t n = tenant ? strlen(tenant) : 0;
    return n > 0 && n < 64 && !strchr(tenant, ':');
}

/* ---- pure helpers ---- */

int clsstore_label_ok(const char *label, size_t len)
{
    if (!label || len == 0 || len >= CLASSIFY_LABEL_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = label[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '.' || ch == '-'))
            return 0;
    }
    return !(len == strlen(CLASSIFY_UNKNOWN) && memcmp(label, CLASSIFY_UNKNOWN, len) == 0);
}

dp_err clsstore_parse_label_body(const char *buf, size_t len, char label[CLASSIFY_LABEL_MAX],
                                 int *remove, char *err, size_t errsz)
{
    dp_err rc = DP_EINVAL;
    label[0] = '\0';
    *remove = 0;
    cJSON *j = len ? cJSON_ParseWithLength(buf, len) : NULL;
    if (!j || !cJSON_IsObject(j)) {
        snprintf(err, errsz, "body must be a JSON object like {\"class\": \"invoice\"}");
        rc = DP_EPARSE;
        goto out;
    }
    const cJSON *cls = NULL;
    for (const cJSON *it = j->child; it; it = it->next) {
        if (strcmp(it->string, "class") != 0) {
            snprintf(err, errsz, "unknown member '%.64s'; the body takes only \"class\"",
                     it->string);
            goto out;
        }
        cls = it;
    }
    if (!cls) {
        snprintf(err, errsz, "missing \"class\" (a class name, or null to remove the label)");
        goto out;
    }
    if (cJSON_IsNull(cls)) {
        *remove = 1;
        rc = DP_OK;
        goto out;
    }
    const char *s = cJSON_GetStringValue(cls);
    if (!s || !clsstore_label_ok(s, strlen(s))) {
        snprintf(err, errsz,
                 "\"class\" must be 1-63 characters of A-Z a-z 0-9 _ . - and not \"%s\"",
                 CLASSIFY_UNKNOWN);
        goto out;
    }
    snprintf(label, CLASSIFY_LABEL_MAX, "%s", s);
    rc = DP_OK;
out:
    cJSON_Delete(j);
    return rc;
}

dp_err clsstore_parse_train_body(const char *buf, size_t len, double *threshold, char *err,
                                 size_t errsz)
{
    if (len == 0)
        return DP_OK;
    cJSON *j = cJSON_ParseWithLength(buf, len);
    dp_err rc = DP_OK;
    if (!j || !cJSON_IsObject(j)) {
        snprintf(err, errsz, "body must be empty or a JSON object like {\"threshold\": 0.5}");
        rc = DP_EPARSE;
        goto out;
    }
    for (const cJSON *it = j->child; it; it = it->next) {
        if (strcmp(it->string, "threshold") != 0) {
            snprintf(err, errsz, "unknown member '%.64s'; the body takes only \"threshold\"",
                     it->string);
            rc = DP_EINVAL;
            goto out;
        }
        if (!cJSON_IsNumber(it) || !(it->valuedouble >= 0 && it->valuedouble <= 1)) {
            snprintf(err, errsz, "\"threshold\" must be a number from 0 to 1");
            rc = DP_EINVAL;
            goto out;
        }
        *threshold = it->valuedouble;
    }
out:
    cJSON_Delete(j);
    return rc;
}

static double round3(double v)
{
    return floor(v * 1000 + 0.5) / 1000;
}

cJSON *clsstore_stats_json(const struct classify_stats *st, double threshold, int64_t trained_ms)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    char iso[32];
    util_iso8601(trained_ms, iso);
    cJSON_AddNumberToObject(o, "version", st->version);
    cJSON_AddStringToObject(o, "trained_at", iso);
    cJSON_AddNumberToObject(o, "threshold", threshold);
    cJSON_AddNumberToObject(o, "examples", (double)st->nexamples);
    cJSON *classes = cJSON_AddArrayToObject(o, "classes");
    for (size_t i = 0; i < st->nclasses && i < CLASSIFY_MAX_CLASSES; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "label", st->classes[i].label);
        cJSON_AddNumberToObject(c, "examples", (double)st->classes[i].examples);
        cJSON_AddNumberToObject(c, "cv_correct", (double)st->classes[i].cv_correct);
        cJSON_AddItemToArray(classes, c);
    }
    if (st->cv_folds > 0 && st->cv_accuracy >= 0)
        cJSON_AddNumberToObject(o, "cv_accuracy", round3(st->cv_accuracy));
    else
        cJSON_AddNullToObject(o, "cv_accuracy");
    cJSON_AddNumberToObject(o, "cv_folds", st->cv_folds);
    cJSON_AddNumberToObject(o, "cv_tested", (double)st->cv_tested);
    cJSON_AddNumberToObject(o, "cv_unknown", (double)st->cv_unknown);
    cJSON_AddNumberToObject(o, "temperature", round3(st->temperature));
    return o;
}

/* ---- examples ---- */

/* With encryption at rest: the text of the record kdoc, opened, cut to max_text bytes (never
 * inside a UTF-8 sequence) and sealed as "<doc>/example" into *out (malloc'd; NULL when the
 * document has no text that is not blank); *plain = its plain bytes, cut = "1" when cut. */
static dp_err sealed_example(redisContext *c, const char *kdoc, const char *doc_id, size_t max_text,
                             char **out, size_t *outlen, size_t *plain, char cut[2])
{
    const char *hm[] = {"HMGET", kdoc, "text", "duplicate_of"};
    *out = NULL;
    *outlen = *plain = 0;
    redisReply *r = rds_cmdv(c, 4, hm, NULL);
    if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    redisReply *t = r->element[0];
    dp_err rc = DP_OK;
    if (t->type == REDIS_REPLY_STRING &&
        (rc = seal_open_field(doc_id, rds_str(r, 1), "text", &t->str, &t->len)) == DP_OK) {
        size_t n = t->len;
        if (n > max_text) {
            n = max_text;
            while (n > 0 && ((unsigned char)t->str[n] & 0xC0) == 0x80)
                n--;
            cut[0] = '1';
        }
        int blank = 1;
        for (size_t i = 0; i < n && blank; i++)
            blank = t->str[i] == ' ' || (t->str[i] >= '\t' && t->str[i] <= '\r');
        char aad[SEAL_AAD_MAX];
        snprintf(aad, sizeof aad, "%s/example", doc_id);
        if (!blank) {
            *plain = n;
            rc = seal_seal(seal_active(), aad, t->str, n, out, outlen);
        }
    } else if (rc) {
        rc = DP_EIO;
    }
    freeReplyObject(r);
    return rc;
}

dp_err clsstore_label(redisContext *c, const char *tenant, const char *doc_id, const char *label,
                      const struct clsstore_limits *limits, struct clsstore_label_res *res)
{
    struct clsstore_limits def = clsstore_limits_default();
    const struct clsstore_limits *lim = limits ? limits : &def;
    memset(res, 0, sizeof *res);
    if (!label || !clsstore_label_ok(label, strlen(label)) || lim->max_text == 0)
        return DP_EINVAL;
    if (!tenant_ok(tenant) || !util_id_valid("doc_", doc_id)) {
        res->outcome = CLSSTORE_NO_DOC;
        return DP_OK;
    }
    char kdoc[KEYS_MAX], klabels[KEYS_MAX], ktexts[KEYS_MAX], kcounts[KEYS_MAX];
    char maxex[24], maxtext[24], maxcls[24];
    keys_doc(kdoc, doc_id);
    keys_cls(klabels, tenant, KEYS_CLS_LABELS);
    keys_cls(ktexts, tenant, KEYS_CLS_TEXTS);
    keys_cls(kcounts, tenant, KEYS_CLS_COUNTS);
    snprintf(maxex, sizeof maxex, "%zu", lim->max_examples);
    snprintf(maxtext, sizeof maxtext, "%zu", lim->max_text);
    snprintf(maxcls, sizeof maxcls, "%d", CLASSIFY_MAX_CLASSES);
    const char *argv[] = {kdoc,  klabels, ktexts, kcounts, doc_id, tenant, label,
                          maxex, maxtext, maxcls, "",      "0",    "0"};
    size_t lens[13];
    for (int i = 0; i < 13; i++)
        lens[i] = strlen(argv[i]);
    char *sealed = NULL, plain[24], cut[2] = "0";
    dp_err rc = DP_OK;
    if (seal_active()) {
        /* The record's text is sealed: Lua cannot cut it, so the example is cut and sealed
         * here and the script stores it as it comes. */
        size_t slen = 0, n = 0;
        rc = sealed_example(c, kdoc, doc_id, lim->max_text, &sealed, &slen, &n, cut);
        if (rc)
            return rc;
        snprintf(plain, sizeof plain, "%zu", n);
        argv[10] = sealed ? sealed : "";
        lens[10] = sealed ? slen : 0;
        argv[11] = plain;
        lens[11] = strlen(plain);
        argv[12] = cut;
        lens[12] = 1;
    }
    redisReply *r = NULL;
    rc = rds_eval(c, &scripts_cls_label, 4, seal_active() ? 9 : 6, argv, lens, &r, NULL, 0);
    free(sealed);
    if (rc)
        return rc;
    long long code = rds_int(r, 0, -1);
    switch (code) {
    case 0:
        res->outcome = CLSSTORE_LABELLED;
        snprintf(res->previous, sizeof res->previous, "%s", rds_str(r, 1) ? rds_str(r, 1) : "");
        res->text_bytes = (size_t)rds_int(r, 2, 0);
        res->truncated = rds_int(r, 3, 0) == 1;
        res->examples = (size_t)rds_int(r, 4, 0);
        res->classes = (size_t)rds_int(r, 5, 0);
        break;
    case 1:
        res->outcome = CLSSTORE_NO_DOC;
        break;
    case 2:
        res->outcome = CLSSTORE_NOT_DONE;
        snprintf(res->status, sizeof res->status, "%s", rds_str(r, 1) ? rds_str(r, 1) : "");
        break;
    case 3:
        res->outcome = CLSSTORE_NO_TEXT;
        break;
    case 4:
        res->outcome = CLSSTORE_TOO_MANY_EXAMPLES;
        break;
    case 5:
        res->outcome = CLSSTORE_TOO_MANY_CLASSES;
        break;
    default:
        rc = DP_EREDIS;
    }
    freeReplyObject(r);
    return rc;
}

dp_err clsstore_unlabel(redisContext *c, const char *tenant, const char *doc_id, int *removed,
                        char previous[CLASSIFY_LABEL_MAX])
{
    *removed = 0;
    if (previous)
        previous[0] = '\0';
    if (!tenant_ok(tenant) || !util_id_valid("doc_", doc_id))
        return DP_OK;
    char klabels[KEYS_MAX], ktexts[KEYS_MAX], kcounts[KEYS_MAX];
    keys_cls(klabels, tenant, KEYS_CLS_LABELS);
    keys_cls(ktexts, tenant, KEYS_CLS_TEXTS);
    keys_cls(kcounts, tenant, KEYS_CLS_COUNTS);
    const char *argv[] = {klabels, ktexts, kcounts, doc_id};
    redisReply *r = NULL;
    dp_err rc = rds_eval(c, &scripts_cls_unlabel, 3, 1, argv, NULL, &r, NULL, 0);
    if (rc)
        return rc;
    *removed = rds_int(r, 0, 0) == 1;
    if (previous && rds_str(r, 1))
        snprintf(previous, CLASSIFY_LABEL_MAX, "%s", rds_str(r, 1));
    freeReplyObject(r);
    return DP_OK;
}

/* ---- training ---- */

struct example_ref {
    const char *doc;   /* borrowed from the HGETALL reply */
    const char *label; /* same */
};

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const struct example_ref *)a)->doc, ((const struct example_ref *)b)->doc);
}

/* Per-class example counts of refs (sorted by label name) into out->classes. */
static void count_classes(const struct example_ref *refs, size_t n, struct classify_stats *out)
{
    memset(out, 0, sizeof *out);
    out->cv_accuracy = -1;
    out->nexamples = n;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < out->nclasses && strcmp(out->classes[k].label, refs[i].label) != 0)
            k++;
        if (k == out->nclasses) {
            if (k == CLASSIFY_MAX_CLASSES)
                continue;
            snprintf(out->classes[k].label, CLASSIFY_LABEL_MAX, "%s", refs[i].label);
            out->nclasses++;
        }
        out->classes[k].examples++;
    }
}

/* Adds the texts of refs[0..n) to cl, TRAIN_BATCH per round trip. */
static dp_err add_texts(redisContext *c, const char *ktexts, const struct example_ref *refs,
                        size_t n, struct classifier *cl)
{
    const char *argv[TRAIN_BATCH + 2] = {"HMGET", ktexts};
    for (size_t at = 0; at < n; at += TRAIN_BATCH) {
        size_t m = n - at < TRAIN_BATCH ? n - at : TRAIN_BATCH;
        for (size_t i = 0; i < m; i++)
            argv[2 + i] = refs[at + i].doc;
        redisReply *r = rds_cmdv(c, (int)m + 2, argv, NULL);
        if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY || r->elements != m) {
            freeReplyObject(r);
            return DP_EREDIS;
        }
        dp_err rc = DP_OK;
        for (size_t i = 0; i < m && !rc; i++) {
            const redisReply *t = r->element[i];
            if (t->type != REDIS_REPLY_STRING)
                continue; /* unlabelled since the label list was read */
            char aad[SEAL_AAD_MAX];
            snprintf(aad, sizeof aad, "%s/example", refs[at + i].doc);
            redisReply *w = (redisReply *)t; /* opened in place (encryption at rest) */
            if (seal_open_inplace(aad, &w->str, &w->len) != DP_OK)
                rc = DP_EIO;
            else
                rc = classifier_add_text(cl, refs[at + i].label, t->str, t->len);
        }
        freeReplyObject(r);
        if (rc)
            return rc;
    }
    return DP_OK;
}

static dp_err save_model(redisContext *c, const char *tenant, struct classifier *cl,
                         double threshold, struct classify_stats *out)
{
    char kver[KEYS_MAX], kmodel[KEYS_MAX];
    char *blob = NULL, *stats = NULL;
    size_t blen = 0;
    keys_cls(kver, tenant, KEYS_CLS_VER);
    keys_cls(kmodel, tenant, KEYS_CLS_MODEL);
    dp_err rc = rds_next_version(c, kver, &out->version);
    if (rc)
        return rc;
    classifier_set_version(cl, out->version);
    int64_t now = util_now_ms();
    if ((rc = classifier_save(cl, &blob, &blen)))
        return rc;
    cJSON *sj = clsstore_stats_json(out, threshold, now);
    stats = sj ? cJSON_PrintUnformatted(sj) : NULL;
    rc = stats ? rds_model_save(c, &scripts_cls_save, kmodel, out->version, blob, blen, stats, now)
               : DP_ENOMEM;
    cJSON_Delete(sj);
    free(stats);
    free(blob);
    return rc;
}

dp_err clsstore_train(redisContext *c, const char *tenant, double threshold,
                      struct classify_stats *out)
{
    char klabels[KEYS_MAX], ktexts[KEYS_MAX];
    struct example_ref *refs = NULL;
    struct classifier *cl = NULL;
    redisReply *r = NULL;
    dp_err rc = DP_EINVAL;
    memset(out, 0, sizeof *out);
    int autothr = threshold == CLSSTORE_THRESHOLD_AUTO;
    if (autothr)
        threshold = CLSSTORE_THRESHOLD;
    if (!tenant_ok(tenant) || !(threshold >= 0 && threshold <= 1))
        return DP_EINVAL;
    keys_cls(klabels, tenant, KEYS_CLS_LABELS);
    keys_cls(ktexts, tenant, KEYS_CLS_TEXTS);
    r = rds_command(c, "HGETALL %s", klabels);
    if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY) {
        rc = DP_EREDIS;
        goto out;
    }
    size_t n = r->elements / 2;
    refs = calloc(n ? n : 1, sizeof *refs);
    if (!refs) {
        rc = DP_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        refs[i].doc = r->element[2 * i]->str;
        refs[i].label = r->element[2 * i + 1]->str;
    }
    qsort(refs, n, sizeof *refs, cmp_ref);
    count_classes(refs, n, out);
    if (out->nclasses < 2) {
        rc = DP_EINVAL;
        goto out;
    }
    struct classify_opts opts = classify_opts_default();
    opts.threshold = threshold;
    cl = classifier_new_opts(&opts);
    if (!cl) {
        rc = DP_ENOMEM;
        goto out;
    }
    rc = add_texts(c, ktexts, refs, n, cl);
    if (!rc)
        rc = classifier_train(cl, out);
    if (!rc && out->nclasses < 2)
        rc = DP_EINVAL; /* examples vanished between the two reads */
    double chosen;
    size_t unknown;
    if (!rc && autothr &&
        classifier_cv_threshold(cl, CLSSTORE_MAX_WRONG, &chosen, &unknown) == DP_OK &&
        classifier_set_threshold(cl, chosen) == DP_OK) {
        threshold = chosen;
        out->cv_unknown = unknown;
    }
    if (!rc)
        rc = save_model(c, tenant, cl, threshold, out);
out:
    classifier_free(cl);
    free(refs);
    freeReplyObject(r);
    return rc;
}

/* ---- info ---- */

static cJSON *builtin_json(const struct classifier *builtin)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", 0);
    cJSON_AddNullToObject(o, "trained_at");
    cJSON_AddNumberToObject(o, "threshold", CLSSTORE_THRESHOLD);
    cJSON *classes = cJSON_AddArrayToObject(o, "classes");
    if (builtin) {
        struct classify_stats st;
        classifier_stats(builtin, &st);
        for (size_t i = 0; i < st.nclasses && i < CLASSIFY_MAX_CLASSES; i++) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "label", st.classes[i].label);
            cJSON_AddItemToArray(classes, c);
        }
    }
    cJSON_AddNullToObject(o, "cv_accuracy");
    return o;
}

dp_err clsstore_info(redisContext *c, const char *tenant, const struct classifier *builtin,
                     cJSON **out)
{
    char kmodel[KEYS_MAX], kcounts[KEYS_MAX];
    *out = NULL;
    if (!tenant_ok(tenant))
        return DP_EINVAL;
    keys_cls(kmodel, tenant, KEYS_CLS_MODEL);
    keys_cls(kcounts, tenant, KEYS_CLS_COUNTS);
    redisReply *m = rds_command(c, "HGET %s stats", kmodel);
    if (rds_failed(m)) {
        freeReplyObject(m);
        return DP_EREDIS;
    }
    redisReply *cnt = rds_command(c, "HGETALL %s", kcounts);
    if (rds_failed(cnt) || cnt->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(m);
        freeReplyObject(cnt);
        return DP_EREDIS;
    }
    cJSON *o = NULL;
    if (m->type == REDIS_REPLY_STRING)
        o = cJSON_ParseWithLength(m->str, m->len);
    const char *model = "tenant";
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        o = builtin_json(builtin);
        model = "builtin";
    }
    dp_err rc = DP_ENOMEM;
    if (!o)
        goto out;
    cJSON_AddStringToObject(o, "object", "classifier");
    cJSON_AddStringToObject(o, "model", model);
    cJSON *lab = cJSON_AddObjectToObject(o, "labelled");
    long long total = 0;
    for (size_t i = 0; lab && i + 1 < cnt->elements; i += 2) {
        long long v = rds_int(cnt, i + 1, 0);
        const char *name = rds_str(cnt, i);
        if (name && v > 0) {
            cJSON_AddNumberToObject(lab, name, (double)v);
            total += v;
        }
    }
    cJSON_AddNumberToObject(o, "labelled_total", (double)total);
    *out = o;
    rc = DP_OK;
out:
    freeReplyObject(m);
    freeReplyObject(cnt);
    return rc;
}
