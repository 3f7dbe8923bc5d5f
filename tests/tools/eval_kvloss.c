/* eval_kvloss.c -- where FUNSD's truth pairs are lost (docproc-eval --kv-loss --kv-offline SRC
 * FUNSD_DIR): every truth link (question -> answer, answer not blank) of every form is put in
 * the first class that explains it:
 *   found     the pairing's output matches it (the eval's own rule: key and value >= 0.8);
 *   reading   the words read inside the question or the answer (placed by their centres) are
 *             not 0.8 similar to FUNSD's text: no cut of them into phrases could match;
 *   phrases   read well enough, but no entity of ours reads as the question, or none (nor the
 *             run of our entities lying in the answer, as an answer grown over its line and
 *             lines would be) as the answer: our phrases cut differently;
 *   couple    the entities are there but form_feat_cands() proposes no couple of them;
 *   ranking   the couple is proposed but the output has no matching pair (the model scored
 *             another couple higher, or the answer grew wrong).
 * An oracle pairing over our phrases (exactly the truth pairs whose entities exist) has
 * precision 1 and the recall of the first three lines together; over our couples likewise.
 * Also checks the eval's greedy match against a maximum one-to-one matching, and counts the
 * misses that a match ignoring blanks inside the texts would have found ("9/3/92" against
 * FUNSD's "9/ 3/ 92"): a diagnosis of the scorer, which is not changed by it.  And it counts
 * the stacked couples (an entity and the line right under it, form_stack_cands) the pairing
 * joins into one label or leaves apart, against whether FUNSD has them in one entity; with -v
 * each of them ("stack-ok", "stack-WRONG", "stack-MISSED", "stack-apart", the stack block's
 * probability) and, for a question cut over lines, the block's probability of its couples. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eval.h"
#include "form_int.h"

#define LOSS_MAX_LINKS 4096
#define LOSS_TEXT      1024

enum { C_FOUND, C_READ, C_PHRASE_K, C_PHRASE_V, C_COUPLE, C_RANK_WRONG, C_RANK_NONE, C_N };
static const char *const cname[C_N] = {"found",
                                       "reading",
                                       "phrases: no question entity",
                                       "phrases: no answer entity",
                                       "couple not proposed",
                                       "ranking: key paired, wrong answer",
                                       "ranking: couple not taken"};

struct link {
    int q, a;
    char qt[LOSS_TEXT], at[LOSS_TEXT];
};

struct tally {
    size_t n[C_N];
    size_t truth, pred, greedy, maxm, nospace, joined, far[4];
    size_t fp_couple, fp_answer, fp_label[5]; /* unmatched output pairs: the truth couple
                                                 (text off), another answer of a question,
                                                 a key that is no question (by label) */
    size_t ksplit, kjoin, klines;
    size_t stack[4]; /* stacked couples (form_stack_cands): joined and of one FUNSD entity,
                        joined and not, left apart and of one entity, left apart and not */
    size_t table[C_N]; /* links of a question with several answers or an answer with several
                          questions (tables), by class */ /* questions lost to phrases: split over entities (over
                                     lines), joined with other words */
};

/* FUNSD links of an annotation, in eval_kv_truth()'s order, with their texts. */
static size_t links_of(const cJSON *a, struct link *t, size_t max)
{
    size_t n = 0;
    const cJSON *form = cJSON_GetObjectItem(a, "form"), *e, *l, *x;
    cJSON_ArrayForEach(e, form)
    {
        const char *lab = cJSON_GetStringValue(cJSON_GetObjectItem(e, "label"));
        const cJSON *id = cJSON_GetObjectItem(e, "id");
        if (!lab || strcmp(lab, "question") || !cJSON_IsNumber(id))
            continue;
        cJSON_ArrayForEach(l, cJSON_GetObjectItem(e, "linking"))
        {
            const cJSON *f = cJSON_GetArrayItem(l, 0), *to = cJSON_GetArrayItem(l, 1), *ans = NULL;
            if (!cJSON_IsNumber(f) || !cJSON_IsNumber(to) || f->valueint != id->valueint)
                continue;
            cJSON_ArrayForEach(x, form)
            {
                const cJSON *xid = cJSON_GetObjectItem(x, "id");
                if (cJSON_IsNumber(xid) && xid->valueint == to->valueint)
                    ans = x;
            }
            const char *al = cJSON_GetStringValue(cJSON_GetObjectItem(ans, "label"));
            const char *q = cJSON_GetStringValue(cJSON_GetObjectItem(e, "text"));
            const char *at = cJSON_GetStringValue(cJSON_GetObjectItem(ans, "text"));
            if (!al || strcmp(al, "answer") || !q || !at || strspn(at, " \t\n") == strlen(at) ||
                n >= max)
                continue;
            t[n].q = id->valueint;
            t[n].a = to->valueint;
            snprintf(t[n].qt, LOSS_TEXT, "%s", q);
            size_t k = strlen(t[n].qt); /* the question's colon is dropped, as the eval does */
            while (k && (t[n].qt[k - 1] == ':' || t[n].qt[k - 1] == ' '))
                t[n].qt[--k] = '\0';
            snprintf(t[n].at, LOSS_TEXT, "%s", at);
            n++;
        }
    }
    return n;
}

static int sim_ok(const char *a, const char *b)
{
    return eval_similarity(a, b) >= EVAL_KV_SIM;
}

/* The text with every blank removed. */
static void squeeze(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    for (; *s && k + 1 < outsz; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n')
            out[k++] = *s;
    out[k] = '\0';
}

/* Appends word text t to buf (space-separated). */
static void append(char *buf, size_t sz, const char *t)
{
    size_t k = strlen(buf);
    snprintf(buf + k, sz - k, "%s%s", k ? " " : "", t);
}

/* A label's text as emitted: trailing blanks and colons dropped. */
static void strip_colon(char *t)
{
    size_t k = strlen(t);
    while (k && (t[k - 1] == ':' || t[k - 1] == ' '))
        t[--k] = '\0';
}

/* Kuhn's augmenting path for truth i over compat[i * np + j]. */
static int augment(const char *compat, size_t np, size_t i, long *of_pred, char *seen)
{
    for (size_t j = 0; j < np; j++) {
        if (!compat[i * np + j] || seen[j])
            continue;
        seen[j] = 1;
        if (of_pred[j] < 0 || augment(compat, np, (size_t)of_pred[j], of_pred, seen)) {
            of_pred[j] = (long)i;
            return 1;
        }
    }
    return 0;
}

/* The FUNSD entity most words of entity e belong to (-1 when under half are in one). */
static int ent_id(const struct tl_layout *L, const struct form_ent *e, const int *wid)
{
    int best = -1;
    size_t bestn = 0;
    for (size_t i = 0; i < e->nw; i++) {
        int id = wid[L->ord[e->w0 + i]];
        size_t c = 0;
        for (size_t j = 0; id >= 0 && j < e->nw; j++)
            c += wid[L->ord[e->w0 + j]] == id;
        if (c > bestn)
            best = id, bestn = c;
    }
    return 2 * bestn >= e->nw ? best : -1;
}

static const char *const flabel[5] = {"question", "answer", "header", "other", "none"};

/* The FUNSD label (index in flabel) of entity id in annotation a. */
static int label_of(const cJSON *a, int id)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(a, "form"))
    {
        const cJSON *xid = cJSON_GetObjectItem(x, "id");
        if (!cJSON_IsNumber(xid) || xid->valueint != id)
            continue;
        const char *l = cJSON_GetStringValue(cJSON_GetObjectItem(x, "label"));
        for (int i = 0; l && i < 4; i++)
            if (!strcmp(l, flabel[i]))
                return i;
    }
    return 4;
}

/* The FUNSD entity most words with their centre in box b belong to (-1 none). */
static int box_id(const struct dp_word *w, const int *wid, size_t n, const struct table_box *b)
{
    int best = -1;
    size_t bestn = 0;
    for (size_t i = 0; i < n; i++) {
        int cx = w[i].x + w[i].w / 2, cy = w[i].y + w[i].h / 2;
        if (wid[i] < 0 || cx < b->x || cx > b->x + b->w || cy < b->y || cy > b->y + b->h)
            continue;
        size_t c = 0;
        for (size_t j = 0; j < n; j++) {
            int dx = w[j].x + w[j].w / 2, dy = w[j].y + w[j].h / 2;
            c += wid[j] == wid[i] && dx >= b->x && dx <= b->x + b->w && dy >= b->y &&
                 dy <= b->y + b->h;
        }
        if (c > bestn)
            best = wid[i], bestn = c;
    }
    return best;
}

/* One form: classifies its links into t (verbose: each loss on stderr). */
static void form_loss(const struct eval_item *it, const char *src, const struct form_model *fm,
                      struct dp_word *w, int *wid, struct form_mark *m, struct tally *t,
                      int verbose)
{
    static struct link lk[LOSS_MAX_LINKS];
    size_t nm = 0, ne = 0, nf = 0, nkv = 0;
    cJSON *j = NULL, *a = eval_kv_annotation(it);
    size_t n = eval_kv_words(it, src, w, FORM_MAX_WORDS, wid, m, FORM_MAX_MARKS, &nm, &j);
    size_t nl = a ? links_of(a, lk, LOSS_MAX_LINKS) : 0;
    struct form_ent *e = NULL;
    struct form_fcand *f = NULL;
    struct form_kv *kv = NULL;
    char(*et)[LOSS_TEXT] = NULL, *compat = NULL, *used = NULL, *seen = NULL;
    int *eid = NULL;
    long *of_pred = NULL, *up = NULL;
    struct tl_layout L;
    int have_L = 0;
    t->truth += nl;
    if (!a || !j || n == 0 || form_layout(&L, w, n, m, nm) != DP_OK)
        goto out;
    have_L = 1;
    if (form_entities(&L, &e, &ne) || form_feat_cands(&L, e, ne, &f, &nf) ||
        form_pairs_model(fm, w, n, m, nm, &kv, &nkv))
        goto out;
    up = malloc((ne ? ne : 1) * sizeof *up);
    if (up)
        form_stack_cands(e, ne, L.hmed, up);
    et = calloc(ne ? ne : 1, sizeof *et);
    eid = malloc((ne ? ne : 1) * sizeof *eid);
    compat = calloc((nl ? nl : 1) * (nkv ? nkv : 1), 1);
    used = calloc(nl ? nl : 1, 1);
    seen = malloc(nkv ? nkv : 1);
    of_pred = malloc((nkv ? nkv : 1) * sizeof *of_pred);
    if (!et || !eid || !compat || !used || !seen || !of_pred)
        goto out;
    for (size_t i = 0; i < ne; i++) {
        for (size_t k = 0; k < e[i].nw; k++)
            append(et[i], LOSS_TEXT, L.words[L.ord[e[i].w0 + k]].text);
        strip_colon(et[i]);
        eid[i] = ent_id(&L, &e[i], wid);
    }
    if (up && fm) { /* the stacked couples: joined or not, one FUNSD entity or not */
        long *su = malloc(ne * sizeof *su), *sd = malloc(ne * sizeof *sd);
        if (su && sd) {
            form_stack_links(fm, &L, e, ne, su, sd);
            for (size_t k = 0; k < ne; k++) {
                if (up[k] < 0)
                    continue;
                size_t u = (size_t)up[k];
                struct form_auxx x;
                form_stack_features(&L, e, ne, u, k, &x);
                int same = eid[u] >= 0 && eid[u] == eid[k], joined = su[k] == (long)u;
                t->stack[2 * !joined + !same]++;
                if (verbose)
                    fprintf(stderr, "  stack-%s [%s] / [%s] p %.2f\n",
                            joined ? (same ? "ok" : "WRONG") : (same ? "MISSED" : "apart"), et[u],
                            et[k], fm->stack.on ? form_aux_prob(&fm->stack, &x) : -1.0);
            }
        }
        free(su);
        free(sd);
    }
    /* the eval's greedy match (eval_kv_match), and which pairs could match which links */
    for (size_t p = 0; p < nkv; p++) {
        if (!kv[p].has_value)
            continue;
        t->pred++;
        int taken = 0;
        for (size_t i = 0; i < nl; i++) {
            int ok = sim_ok(lk[i].qt, kv[p].key.text) && sim_ok(lk[i].at, kv[p].value.text);
            compat[i * nkv + p] = (char)ok;
            if (ok && !taken && !used[i]) {
                used[i] = 1;
                taken = 1;
                t->greedy++;
            }
        }
    }
    for (size_t p = 0; p < nkv; p++) { /* the output pairs that match no link */
        int hit = 0;
        for (size_t i = 0; i < nl && !hit; i++)
            hit = used[i] && compat[i * nkv + p];
        if (!kv[p].has_value || hit)
            continue;
        int kid = box_id(w, wid, n, &kv[p].key.bbox), vid = box_id(w, wid, n, &kv[p].value.bbox);
        int couple = 0, linked = 0;
        for (size_t i = 0; i < nl; i++) {
            couple |= lk[i].q == kid && lk[i].a == vid;
            linked |= lk[i].q == kid;
        }
        if (couple && verbose) {
            for (size_t i = 0; i < nl; i++)
                if (lk[i].q == kid && lk[i].a == vid)
                    fprintf(stderr, "  off-text [%s] = [%s]  truth [%s] = [%s]\n", kv[p].key.text,
                            kv[p].value.text, lk[i].qt, lk[i].at);
        }
        if (couple)
            t->fp_couple++;
        else if (linked)
            t->fp_answer++;
        else
            t->fp_label[kid < 0 ? 4 : label_of(a, kid)]++;
        if (!couple && !linked && verbose)
            fprintf(stderr, "  wrong-key(%s) [%s] = [%s]\n", flabel[kid < 0 ? 4 : label_of(a, kid)],
                    kv[p].key.text, kv[p].value.text);
    }
    for (size_t p = 0; p < nkv; p++)
        of_pred[p] = -1;
    for (size_t i = 0; i < nl; i++) {
        memset(seen, 0, nkv ? nkv : 1);
        t->maxm += (size_t)augment(compat, nkv, i, of_pred, seen);
    }
    for (size_t i = 0; i < nl; i++) {
        const struct link *l = &lk[i];
        char rq[LOSS_TEXT] = "", ra[LOSS_TEXT] = "", ga[LOSS_TEXT] = "";
        enum { NOPE = -1 };
        int cls;
        long kq[16], va[17];
        size_t nkq = 0, nva = 0;
        if (used[i]) {
            size_t same = 0;
            for (size_t o = 0; o < nl; o++)
                same += lk[o].q == l->q || lk[o].a == l->a;
            t->n[C_FOUND]++;
            t->table[C_FOUND] += same > 1;
            continue;
        }
        for (size_t k = 0; k < L.nord; k++) { /* the words read inside each entity */
            size_t wi = L.ord[k];
            if (wid[wi] == l->q)
                append(rq, sizeof rq, L.words[wi].text);
            else if (wid[wi] == l->a)
                append(ra, sizeof ra, L.words[wi].text);
        }
        strip_colon(rq);
        for (size_t k = 0; k < ne; k++) {
            if (sim_ok(l->qt, et[k]) && nkq < 16)
                kq[nkq++] = (long)k;
            if (sim_ok(l->at, et[k]) && nva < 16)
                va[nva++] = (long)k;
        }
        long first = NOPE; /* our entities lying in the answer, joined: a grown answer */
        for (size_t k = 0; k < ne; k++)
            if (eid[k] == l->a) {
                append(ga, sizeof ga, et[k]);
                if (first == NOPE)
                    first = (long)k;
            }
        if (nva == 0 && first != NOPE && sim_ok(l->at, ga)) {
            va[nva++] = first;
            t->joined++;
        }
        if (!sim_ok(l->qt, rq) || !sim_ok(l->at, ra)) {
            cls = C_READ;
        } else if (nkq == 0) {
            cls = C_PHRASE_K;
            char gq[LOSS_TEXT] = "";
            size_t parts = 0, line0 = 0, lines = 0;
            for (size_t k = 0; k < ne; k++)
                if (eid[k] == l->q) {
                    append(gq, sizeof gq, et[k]);
                    lines += parts == 0 || e[k].line != line0;
                    line0 = e[k].line;
                    parts++;
                }
            if (parts >= 2 && sim_ok(l->qt, gq)) {
                t->ksplit++;
                t->klines += lines >= 2;
            } else {
                t->kjoin++;
            }
        } else if (nva == 0) {
            cls = C_PHRASE_V;
        } else {
            int cand = 0;
            for (size_t c = 0; c < nf && !cand; c++)
                for (size_t x = 0; x < nkq && !cand; x++)
                    for (size_t y = 0; y < nva && !cand; y++)
                        cand = f[c].k == (size_t)kq[x] && f[c].v == (size_t)va[y];
            if (!cand) {
                /* where the answer sits: above, left, right beyond reach, below beyond */
                const struct form_ent *K = &e[kq[0]], *V = &e[va[0]];
                int cyk = (K->y0 + K->y1) / 2, cyv = (V->y0 + V->y1) / 2;
                int where = V->y1 <= cyk ? 0 : V->x1 <= K->x0 ? 1 : cyv < K->y1 ? 2 : 3;
                t->far[where]++;
                cls = C_COUPLE;
                if (verbose)
                    fprintf(stderr, "  geometry: dy %.1f em, dx0 %.1f em, dx(right gap) %.1f em\n",
                            (double)(V->y0 - K->y1) / L.hmed, (double)(V->x0 - K->x0) / L.hmed,
                            (double)(V->x0 - K->x1) / L.hmed);
            } else {
                int keyed = 0;
                for (size_t p = 0; p < nkv && !keyed; p++)
                    keyed = kv[p].has_value && sim_ok(l->qt, kv[p].key.text);
                cls = keyed ? C_RANK_WRONG : C_RANK_NONE;
            }
        }
        t->n[cls]++;
        size_t same = 0;
        for (size_t o = 0; o < nl; o++)
            same += lk[o].q == l->q || lk[o].a == l->a;
        if (same > 1)
            t->table[cls]++;
        for (size_t p = 0; p < nkv; p++) { /* the scorer ignoring blanks: a diagnosis */
            char k1[LOSS_TEXT], k2[LOSS_TEXT], v1[LOSS_TEXT], v2[LOSS_TEXT];
            if (!kv[p].has_value)
                continue;
            squeeze(l->qt, k1, sizeof k1);
            squeeze(kv[p].key.text, k2, sizeof k2);
            squeeze(l->at, v1, sizeof v1);
            squeeze(kv[p].value.text, v2, sizeof v2);
            if (sim_ok(k1, k2) && sim_ok(v1, v2)) {
                t->nospace++;
                break;
            }
        }
        if (verbose) {
            fprintf(stderr, "  %-34s [%s] = [%s]   read [%s] = [%s]", cname[cls], l->qt, l->at, rq,
                    ra);
            for (size_t k = 0; cls == C_PHRASE_K && k < ne; k++) {
                int in = 0;
                for (size_t x = 0; x < e[k].nw && !in; x++)
                    in = wid[L.ord[e[k].w0 + x]] == l->q;
                if (in)
                    fprintf(stderr, " {%s}", et[k]);
            }
            for (size_t k = 0; cls == C_PHRASE_K && fm && up && k < ne; k++) {
                /* a question over lines: what the stack step said of each of its couples */
                if (eid[k] != l->q)
                    continue;
                for (size_t u = 0; u < ne; u++) {
                    if (eid[u] != l->q || e[u].line >= e[k].line)
                        continue;
                    struct form_auxx x;
                    form_stack_features(&L, e, ne, u, k, &x);
                    fprintf(stderr, " <stack {%s}/{%s} cand %d p %.2f>", et[u], et[k],
                            up[k] == (long)u, fm->stack.on ? form_aux_prob(&fm->stack, &x) : -1.0);
                }
            }
            for (size_t p = 0; cls == C_RANK_WRONG && p < nkv; p++)
                if (kv[p].has_value && sim_ok(l->qt, kv[p].key.text))
                    fprintf(stderr, " {gave %s}", kv[p].value.text);
            fputc('\n', stderr);
        }
    }
out:
    if (have_L)
        tl_cleanup(&L);
    form_kv_list_free(kv, nkv);
    free(of_pred);
    free(up);
    free(seen);
    free(used);
    free(compat);
    free(eid);
    free(et);
    free(f);
    free(e);
    cJSON_Delete(a);
    cJSON_Delete(j);
}

static void print(const char *what, const struct tally *t)
{
    size_t reach_ent = t->truth - t->n[C_READ] - t->n[C_PHRASE_K] - t->n[C_PHRASE_V];
    size_t reach_cand = reach_ent - t->n[C_COUPLE];
    double re = t->truth ? (double)reach_ent / (double)t->truth : 0;
    double rc = t->truth ? (double)reach_cand / (double)t->truth : 0;
    printf("%s: %zu truth pairs, %zu pairs output\n", what, t->truth, t->pred);
    size_t tab = 0;
    for (int c = 0; c < C_N; c++)
        tab += t->table[c];
    printf("  %-36s %5s  %5s  %s\n", "", "pairs", "share", "of them in tables (several links)");
    for (int c = 0; c < C_N; c++)
        printf("  %-36s %5zu  %.3f  %5zu  %.3f\n", cname[c], t->n[c],
               t->truth ? (double)t->n[c] / (double)t->truth : 0.0, t->table[c],
               tab ? (double)t->table[c] / (double)tab : 0.0);
    printf("  (answers found only as our entities joined: %zu; couples missing: answer above "
           "%zu, left %zu, right beyond %zu, below beyond %zu)\n",
           t->joined, t->far[0], t->far[1], t->far[2], t->far[3]);
    printf("  wrong pairs output: the truth couple with a text under 0.8 similar %zu, another "
           "answer of a linked question %zu, a key that is no linked question: ",
           t->fp_couple, t->fp_answer);
    for (int i = 0; i < 5; i++)
        printf("%s %zu%s", flabel[i], t->fp_label[i], i < 4 ? ", " : "\n");
    printf("  (questions cut apart: %zu, of them over lines %zu; joined with other words or "
           "cut and misread: %zu)\n",
           t->ksplit, t->klines, t->kjoin);
    printf("  stacked couples (an entity and the line under it): joined %zu, of them one FUNSD "
           "entity %zu; left apart %zu, of them one FUNSD entity %zu\n",
           t->stack[0] + t->stack[1], t->stack[0], t->stack[2] + t->stack[3], t->stack[2]);
    printf("  oracle pairing over our entities: recall %.3f, F1 %.3f; over our couples: recall "
           "%.3f, F1 %.3f\n",
           re, re > 0 ? 2 * re / (1 + re) : 0.0, rc, rc > 0 ? 2 * rc / (1 + rc) : 0.0);
    printf("  scorer: greedy match %zu, maximum one-to-one %zu; misses matched ignoring blanks "
           "inside texts: %zu\n",
           t->greedy, t->maxm, t->nospace);
}

int eval_kv_loss(const struct eval_set *s, const char *src, const char *model, int verbose)
{
    struct dp_word *w = malloc(FORM_MAX_WORDS * sizeof *w);
    int *wid = malloc(FORM_MAX_WORDS * sizeof *wid);
    struct form_mark *m = malloc(FORM_MAX_MARKS * sizeof *m);
    struct form_model *own = NULL;
    const struct form_model *fm = NULL;
    struct tally dev, held;
    size_t docs = 0;
    int rc = -1;
    memset(&dev, 0, sizeof dev);
    memset(&held, 0, sizeof held);
    if (!w || !wid || !m)
        goto out;
    if (!model) {
        fm = form_model_builtin();
    } else if (strcmp(model, "rules") != 0) {
        if (form_model_load(model, &own)) {
            fprintf(stderr, "kv-loss: model %s cannot be read\n", model);
            goto out;
        }
        fm = own;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (!s->items[i].kv_pairs)
            continue;
        docs++;
        if (verbose)
            fprintf(stderr, "== %s\n", s->items[i].name);
        form_loss(&s->items[i], src, fm, w, wid, m, docs <= EVAL_KV_DEV ? &dev : &held, verbose);
    }
    printf("where the truth pairs of %s are lost, from %s (%s):\n", s->name,
           strcmp(src, "words") ? src : "the annotations' words",
           fm ? (own ? model : "the built-in model") : "the rules");
    print("forms 1-100 (dev)", &dev);
    print("forms 101- (held out)", &held);
    rc = 0;
out:
    form_model_free(own);
    free(m);
    free(wid);
    free(w);
    return rc;
}
