/* form_model.c -- the learned key-value pairing model: a logistic regression over the couple
 * features of form_feat.c, read from a small text file (written by `make train-kv`):
 *
 *   docproc-kv-model 1
 *   features 384          (must be FORM_FEAT_N: a model of other features is refused)
 *   bias -1.25
 *   threshold 0.4
 *   multi 0.7
 *   w 0.0123              (FORM_FEAT_N lines, in feature order)
 *   stack 304             (optional: labels over two lines, form_stack.c; must be FORM_AUX_N)
 *   stack_bias -2.5
 *   stack_threshold 0.5
 *   s 0.0123              (FORM_AUX_N lines, in feature order)
 *   quest 304             (optional: is the key a question at all, form_quest.c; FORM_AUX_N)
 *   quest_bias -1.5
 *   quest_alpha 1         (a couple's probability times the key's ^ alpha; 0 to 8)
 *   q 0.0123              (FORM_AUX_N lines, in feature order)
 *   end
 *
 * Lines starting with '#' are comments.  Anything else -- a missing or extra weight, a number
 * that does not parse or is not finite, a file over FORM_MODEL_MAX_BYTES -- refuses the whole
 * model, and the caller pairs by the rules.  The model built into the programs is
 * config/kv_model.txt, embedded at build time and parsed once (form_model_builtin). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "form_int.h"
#include "log.h"

#define MODEL_MAGIC   "docproc-kv-model 1"
#define TIER_MIN_RULE 2.0 /* a rules' score taken as a pair (KV_MIN_SCORE of form.c) */

double form_model_prob(const struct form_model *m, const struct form_fcand *c)
{
    double z = m->bias;
    for (int i = 0; i < c->nf; i++)
        if (c->idx[i] >= 0 && c->idx[i] < FORM_FEAT_N)
            z += m->w[c->idx[i]] * c->val[i];
    return 1.0 / (1.0 + exp(-z));
}

/* Reads "NAME number" from line (len bytes, no newline) into *v; -1 when it is not that. */
static int named_number(const char *line, size_t len, const char *name, double *v)
{
    size_t nl = strlen(name);
    char buf[64];
    if (len <= nl + 1 || len - nl - 1 >= sizeof buf || strncmp(line, name, nl) != 0 ||
        line[nl] != ' ')
        return -1;
    memcpy(buf, line + nl + 1, len - nl - 1);
    buf[len - nl - 1] = '\0';
    char *end;
    *v = strtod(buf, &end);
    return end != buf && *end == '\0' && isfinite(*v) ? 0 : -1;
}

dp_err form_model_parse(const char *buf, size_t len, struct form_model **out)
{
    *out = NULL;
    if (!buf || len > FORM_MODEL_MAX_BYTES)
        return DP_ETOOBIG;
    struct form_model *m = calloc(1, sizeof *m);
    if (!m)
        return DP_ENOMEM;
    enum {
        HEAD,
        FEATURES,
        BIAS,
        THRESHOLD,
        MULTI,
        WEIGHTS,
        AUX_BIAS,
        AUX_THRESHOLD,
        AUX_WEIGHTS,
        END
    } st = HEAD;
    struct form_aux *aux = &m->stack;
    int quest = 0; /* the block being read is the quest block */
    size_t nw = 0, na = 0;
    double v;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        const char *line = buf + pos;
        pos += ll + (nl != NULL);
        if (ll && line[ll - 1] == '\r')
            ll--;
        if (ll == 0 || line[0] == '#')
            continue;
        int ok = 0, is_end = ll == 3 && !memcmp(line, "end", 3);
        switch (st) {
        case HEAD:
            ok = ll == strlen(MODEL_MAGIC) && !memcmp(line, MODEL_MAGIC, ll);
            st = FEATURES;
            break;
        case FEATURES:
            ok = !named_number(line, ll, "features", &v) && v == FORM_FEAT_N;
            st = BIAS;
            break;
        case BIAS:
            ok = !named_number(line, ll, "bias", &m->bias);
            st = THRESHOLD;
            break;
        case THRESHOLD:
            ok = !named_number(line, ll, "threshold", &m->threshold) && m->threshold > 0 &&
                 m->threshold < 1;
            st = MULTI;
            break;
        case MULTI:
            ok = !named_number(line, ll, "multi", &m->multi) && m->multi > 0 && m->multi <= 1;
            st = WEIGHTS;
            break;
        case WEIGHTS:
        case END:
            if (st == WEIGHTS && nw < FORM_FEAT_N) {
                ok = !named_number(line, ll, "w", &m->w[nw]);
                nw++;
            } else if (st == END) {
                ok = 0; /* nothing after "end" */
            } else if (is_end) {
                ok = 1;
                st = END;
            } else { /* the optional blocks "stack N" and "quest N", each once */
                quest = !named_number(line, ll, "quest", &v);
                aux = quest ? &m->quest : &m->stack;
                ok = !aux->on && (quest || !named_number(line, ll, "stack", &v)) && v == FORM_AUX_N;
                aux->on = 1;
                na = 0;
                st = AUX_BIAS;
            }
            break;
        case AUX_BIAS:
            ok = !named_number(line, ll, quest ? "quest_bias" : "stack_bias", &aux->bias);
            st = AUX_THRESHOLD;
            break;
        case AUX_THRESHOLD:
            if (quest)
                ok = !named_number(line, ll, "quest_alpha", &m->quest_alpha) &&
                     m->quest_alpha >= 0 && m->quest_alpha <= 8;
            else
                ok = !named_number(line, ll, "stack_threshold", &aux->threshold) &&
                     aux->threshold > 0 && aux->threshold < 1;
            st = AUX_WEIGHTS;
            break;
        case AUX_WEIGHTS:
            ok = !named_number(line, ll, quest ? "q" : "s", &aux->w[na]);
            if (++na == FORM_AUX_N)
                st = WEIGHTS; /* then "end" or the other block */
            break;
        }
        if (!ok) {
            free(m);
            return DP_EPARSE;
        }
    }
    if (st != END) {
        free(m);
        return DP_EPARSE;
    }
    *out = m;
    return DP_OK;
}

dp_err form_model_load(const char *path, struct form_model **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return DP_EIO;
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size < 0 || sb.st_size > FORM_MODEL_MAX_BYTES) {
        fclose(f);
        return sb.st_size > FORM_MODEL_MAX_BYTES ? DP_ETOOBIG : DP_EIO;
    }
    size_t len = (size_t)sb.st_size;
    char *buf = malloc(len + 1);
    if (!buf) {
        fclose(f);
        return DP_ENOMEM;
    }
    size_t got = fread(buf, 1, len, f);
    fclose(f);
    dp_err rc = got == len ? form_model_parse(buf, len, out) : DP_EIO;
    free(buf);
    return rc;
}

void form_model_free(struct form_model *m)
{
    free(m);
}

static int by_score(const void *pa, const void *pb)
{
    const struct form_cand *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    return (a->v > b->v) - (a->v < b->v);
}

dp_err form_learn_candidates(const struct form_model *m, const struct tl_layout *L,
                             const struct form_ent *ents, size_t n, struct form_cand **out,
                             size_t *nc)
{
    struct form_fcand *f = NULL;
    size_t nf = 0, k = 0;
    *out = NULL;
    *nc = 0;
    dp_err rc = form_feat_cands(L, ents, n, &f, &nf);
    if (rc || nf == 0)
        return rc;
    struct form_cand *c = malloc(nf * sizeof *c);
    double *q = malloc(n * sizeof *q);
    if (!c || !q) {
        free(c);
        free(q);
        free(f);
        return DP_ENOMEM;
    }
    form_quest_probs(m, L, ents, n, q);
    for (size_t i = 0; i < nf; i++) {
        double p = form_quest_weigh(m, form_model_prob(m, &f[i]), q[f[i].k]);
        if (ents[f[i].v].colon)
            continue;
        if (p < m->threshold) {
            /* second tier: a couple the hand rules take comes after every couple the model
             * takes (FUNSD rarely answers a written label below it; forms elsewhere do) --
             * for a written label only: a bare one the model turned down is mostly a header,
             * an answer or a question left blank (dev pairs of FUNSD, end to end: 149
             * such couples, 13 of them right) */
            enum form_rel rel;
            double rs = form_pair_score(&ents[f[i].k], &ents[f[i].v], L->hmed, &rel);
            if (ents[f[i].k].colon && rs >= TIER_MIN_RULE && rel == f[i].rel && f[i].between == 0)
                p = m->threshold * (0.5 + 0.1 * (rs > 4.0 ? 4.0 : rs) / 4.0);
            else
                continue;
        }
        c[k++] = (struct form_cand){f[i].k, f[i].v, p, f[i].rel};
    }
    free(q);
    free(f);
    if (k == 0) {
        free(c);
        return DP_OK;
    }
    qsort(c, k, sizeof *c, by_score);
    *out = c;
    *nc = k;
    return DP_OK;
}

/* ---- the built-in model ---- */

/* config/kv_model.txt as bytes (empty when the file is missing), and a final 0. */
static const unsigned char builtin_bytes[] = {
#include "kv_model.inc"
    0x00};

/* Parsed once, then only read: the one process-wide instance is immutable. */
static struct form_model *builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_parse(void)
{
    dp_err rc = form_model_parse((const char *)builtin_bytes, sizeof builtin_bytes - 1, &builtin);
    if (rc)
        log_kv(LOG_ERROR, "kv model: the built-in pairing model is unusable, pairing by rules",
               "error", dp_strerror(rc), NULL);
}

const struct form_model *form_model_builtin(void)
{
    pthread_once(&builtin_once, builtin_parse);
    return builtin;
}
