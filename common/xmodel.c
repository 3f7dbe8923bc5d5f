/* xmodel.c -- applying the tenant's extractor (training: xmodel_train.c, serialisation:
 * xmodel_io.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "align.h"
#include "cand.h"
#include "extract.h"
#include "lexfix.h"
#include "namesfx.h"
#include "readvote.h"
#include "util.h"
#include "xcand.h"
#include "xfeat.h"
#include "xmodel.h"
#include "xmodel_int.h"

double xmodel_prob(const struct xmodel_field *f, const void *xv)
{
    const struct feature_node *x = xv;
    double s = 0;
    for (; x->index != -1; x++)
        if (x->index >= 1 && x->index <= XFEAT_DIM + 1)
            s += f->w[x->index - 1] * x->value;
    return 1.0 / (1.0 + exp(-s));
}

/* Whether text has a run of more than limit digits. */
static int long_number(const char *text, size_t limit)
{
    size_t run = 0;
    for (; *text; text++) {
        run = *text >= '0' && *text <= '9' ? run + 1 : 0;
        if (run > limit)
            return 1;
    }
    return 0;
}

int xmodel_shape_ok(const struct xmodel_field *f, const char *text)
{
    char cut[CAND_TEXT_MAX];
    if (!f || f->kind || !f->digit_run || !text)
        return 1;
    size_t limit = f->digit_run - 1 > XMODEL_DIGIT_RUN ? f->digit_run - 1 : XMODEL_DIGIT_RUN;
    if (!long_number(text, limit))
        return 1;
    /* a registration number in brackets beside a name is cut off later: not held against it */
    return xmodel_strip_id(text, strcmp(f->name, "address") == 0, cut, sizeof cut) &&
           !long_number(cut, limit);
}

int xmodel_boxes_overlap(int ax, int ay, int aw, int ah, int bx, int by, int bw, int bh)
{
    long ix = (long)(ax + aw < bx + bw ? ax + aw : bx + bw) - (ax > bx ? ax : bx);
    long iy = (long)(ay + ah < by + bh ? ay + ah : by + bh) - (ay > by ? ay : by);
    long a = (long)aw * ah, b = (long)bw * bh, small = a < b ? a : b;
    if (ix <= 0 || iy <= 0 || small <= 0)
        return 0;
    return 2 * ix * iy >= small;
}

int xmodel_two_decimals(const char *text)
{
    char buf[64];
    size_t n = 0;
    for (; text && *text && n + 1 < sizeof buf; text++)
        if (*text != ' ' && *text != '\t')
            buf[n++] = *text;
    buf[n] = '\0';
    return n > 0 && readvote_cents(buf, n) >= 0;
}

/* The best candidate of cs (features fx) for f (of its kind and shape): index (or -1) and
 * probability; with q, every candidate's probability into q[i] (-1: not of f's kind or
 * shape). */
static long best_cand_q(const struct xmodel_field *f, const struct cand_set *cs,
                        const struct xfeat_doc *fx, double *p, double *q)
{
    long best = -1;
    double bp = -1;
    for (size_t i = 0; i < fx->n && i < cs->n; i++) {
        if (q)
            q[i] = -1;
        if ((f->kind && !(fx->kind[i] & f->kind)) || !xmodel_shape_ok(f, cs->c[i].text))
            continue;
        double v = xmodel_prob(f, fx->x[i]);
        if (q)
            q[i] = v;
        if (v > bp) {
            bp = v;
            best = (long)i;
        }
    }
    *p = bp < 0 ? 0 : bp;
    return best;
}

static long best_cand(const struct xmodel_field *f, const struct cand_set *cs,
                      const struct xfeat_doc *fx, double *p)
{
    return best_cand_q(f, cs, fx, p, NULL);
}

/* The cents of every amount word of doc's first reading (at most cap), into am; the count. */
static size_t page_amounts(const struct dp_doc_text *doc, long *am, size_t cap)
{
    size_t n = 0;
    for (size_t p = 0; p < doc->npages; p++)
        for (size_t i = 0; i < doc->pages[p].nwords && n < cap; i++) {
            const char *t = doc->pages[p].words[i].text;
            long c = t ? readvote_cents(t, strlen(t)) : -1;
            if (c >= 0)
                am[n++] = c;
        }
    return n;
}

/* The cents of text's last word when it reads as an amount (readvote_cents), else -1. */
static long last_cents(const char *text)
{
    const char *sp = strrchr(text, ' ');
    const char *w = sp ? sp + 1 : text;
    return readvote_cents(w, strlen(w));
}

/* Words that label a payment rather than what is due (the rules' "never a total" words:
 * cash tendered, change; English and Malay); the change given back first. */
static const char *const payment_words[] = {"CHANGE", "BAKI",     "KEMBALI", "CASH",
                                            "TENDER", "TENDERED", "TUNAI"};
#define CHANGE_WORDS 3 /* payment_words[0..3): the change given back */

/* Whether word (its first letters, upper-cased) is one of payment_words[0..n). */
static int label_in(const char *word, size_t n)
{
    char w[32];
    size_t k = 0;
    for (; word && *word && k + 1 < sizeof w; word++)
        if ((*word >= 'A' && *word <= 'Z') || (*word >= 'a' && *word <= 'z'))
            w[k++] = (char)(*word >= 'a' ? *word - 32 : *word);
        else if (k)
            break;
    w[k] = '\0';
    for (size_t i = 0; k && i < n; i++)
        if (strcmp(w, payment_words[i]) == 0)
            return 1;
    return 0;
}

int xmodel_payment_label(const char *word)
{
    return label_in(word, sizeof payment_words / sizeof payment_words[0]);
}

int xmodel_tendered(long above, long change, const long *amounts, size_t n)
{
    if (above <= 0 || change <= 0 || change >= above)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (amounts[i] == above - change)
            return 1;
    return 0;
}

/* The cents of the last word of line li of cp when it reads as an amount, else -1; with
 * change, only when a word before it labels the change given back. */
static long line_amount(const struct cand_page *cp, size_t li, int change)
{
    if (li >= cp->nlines || cp->lines[li].w1 <= cp->lines[li].w0)
        return -1;
    const struct cand_line *l = &cp->lines[li];
    const char *t = cp->page->words[l->w1 - 1].text;
    long c = t ? readvote_cents(t, strlen(t)) : -1;
    int labelled = !change;
    for (size_t i = l->w0; i + 1 < l->w1 && !labelled; i++)
        labelled = label_in(cp->page->words[i].text, CHANGE_WORDS);
    return labelled ? c : -1;
}

/* Whether candidate c's line, left of it, holds a payment label (xmodel_payment_label), or c
 * is the cash tendered whatever its label reads as ("Sash Se 100.10"): the line below it
 * labels the change and c's amount less the change is printed on the page (xmodel_tendered
 * over amounts[0..nam), the page's). */
static int on_payment_line(const struct cand_set *cs, const struct cand *c, const long *amounts,
                           size_t nam)
{
    const struct cand_page *cp = &cs->pages[c->cpage];
    const struct cand_line *l = &cp->lines[c->line0];
    size_t end = c->kind == 2 ? l->w1 : c->w1;
    for (size_t i = l->w0; i < end; i++)
        if (xmodel_payment_label(cp->page->words[i].text))
            return 1;
    if (c->kind == 2 || end != l->w1)
        return 0; /* not the line's last amount */
    return xmodel_tendered(line_amount(cp, c->line0, 0), line_amount(cp, c->line0 + 1, 1), amounts,
                           nam);
}

/* Whether candidate c's amount (its last word) is zero: never a total. */
static int zero_amount(const struct cand *c)
{
    return last_cents(c->text) == 0;
}

/* Whether amount candidate b of field f is the largest amount of the page's readings on no
 * payment line (fx: kinds): a total is what every other amount adds up to or is part of. */
static int largest_amount(const struct xmodel_field *f, const struct cand_set *cs,
                          const struct xfeat_doc *fx, long b, const long *amounts, size_t nam)
{
    long cb = last_cents(cs->c[b].text);
    if (cb <= 0)
        return 0;
    for (size_t i = 0; i < fx->n && i < cs->n; i++) {
        if (!(fx->kind[i] & f->kind) || cs->c[i].kind == 2)
            continue;
        if (last_cents(cs->c[i].text) > cb && !on_payment_line(cs, &cs->c[i], amounts, nam))
            return 0;
    }
    return 1;
}

/* The best candidate of a total (amount field f) on no payment line and not zero: the cash
 * tendered is as total-like to the model as the total (both after a total-like label, among
 * the largest amounts), and few examples do not teach it otherwise. -1 when every candidate
 * is on one. */
static long best_total(const struct xmodel_field *f, const struct cand_set *cs,
                       const struct xfeat_doc *fx, const long *amounts, size_t nam, double *p)
{
    long best = -1;
    double bp = -1;
    for (size_t i = 0; i < fx->n && i < cs->n; i++) {
        if (!(fx->kind[i] & f->kind) || zero_amount(&cs->c[i]) ||
            on_payment_line(cs, &cs->c[i], amounts, nam))
            continue;
        double v = xmodel_prob(f, fx->x[i]);
        if (v > bp) {
            bp = v;
            best = (long)i;
        }
    }
    *p = bp < 0 ? 0 : bp;
    return best;
}

void xmodel_joint(const double *const *q, size_t nf, const struct xmodel_box *box, size_t nc,
                  long *best, double *prob)
{
    size_t order[XMODEL_JOINT_MAX];
    size_t no = 0;
    for (size_t k = 0; k < nf; k++) {
        best[k] = -1;
        prob[k] = 0;
        for (size_t i = 0; i < nc; i++)
            if (q[k][i] >= 0 && (best[k] < 0 || q[k][i] > prob[k])) {
                best[k] = (long)i;
                prob[k] = q[k][i];
            }
        if (best[k] >= 0 && no < XMODEL_JOINT_MAX)
            order[no++] = k;
    }
    for (size_t a = 1; a < no; a++) /* surest first (insertion sort: a handful of fields) */
        for (size_t b = a; b > 0 && prob[order[b]] > prob[order[b - 1]]; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    for (size_t a = 1; a < no; a++) {
        size_t k = order[a];
        best[k] = -1;
        prob[k] = 0;
        for (size_t i = 0; i < nc; i++) {
            if (q[k][i] < 0 || (best[k] >= 0 && q[k][i] <= prob[k]))
                continue;
            size_t t = 0; /* the surer fields' choices it must not share words with */
            while (t < a && (box[i].page != box[best[order[t]]].page ||
                             !xmodel_boxes_overlap(box[i].x, box[i].y, box[i].w, box[i].h,
                                                   box[best[order[t]]].x, box[best[order[t]]].y,
                                                   box[best[order[t]]].w, box[best[order[t]]].h)))
                t++;
            if (t < a)
                continue;
            best[k] = (long)i;
            prob[k] = q[k][i];
        }
    }
}

/* The untyped fields' best candidates chosen jointly (xmodel_joint) into best and prob;
 * typed fields keep theirs. DP_ENOMEM. */
static dp_err choose_jointly(const struct xmodel *m, const struct cand_set *cs,
                             const struct xfeat_doc *fx, long *best, double *prob)
{
    size_t nc = fx->n < cs->n ? fx->n : cs->n, nu = 0, idx[XMODEL_JOINT_MAX];
    for (size_t k = 0; k < m->nf && nu < XMODEL_JOINT_MAX; k++)
        if (!m->f[k].kind)
            idx[nu++] = k;
    if (nu < 2 || nc == 0)
        return DP_OK;
    double *qa = malloc(nu * nc * sizeof *qa);
    struct xmodel_box *box = malloc(nc * sizeof *box);
    const double *q[XMODEL_JOINT_MAX];
    long jb[XMODEL_JOINT_MAX];
    double jp[XMODEL_JOINT_MAX];
    if (!qa || !box) {
        free(qa);
        free(box);
        return DP_ENOMEM;
    }
    for (size_t i = 0; i < nc; i++)
        box[i] = (struct xmodel_box){cs->c[i].page, cs->c[i].x, cs->c[i].y, cs->c[i].w, cs->c[i].h};
    for (size_t u = 0; u < nu; u++) {
        double p;
        best_cand_q(&m->f[idx[u]], cs, fx, &p, qa + u * nc);
        q[u] = qa + u * nc;
    }
    xmodel_joint(q, nu, box, nc, jb, jp);
    for (size_t u = 0; u < nu; u++) {
        best[idx[u]] = jb[u];
        prob[idx[u]] = jp[u];
    }
    free(qa);
    free(box);
    return DP_OK;
}

void xmodel_free(struct xmodel *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nf; i++)
        free(m->f[i].w);
    free(m->f);
    vendor_list_cleanup(&m->vendors);
    free(m);
}

/* ---- applying ---- */

const char *xmodel_rules_value(const cJSON *fields, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "source"));
        if (!n || strcmp(n, name) != 0 || (src && strcmp(src, "rules") != 0))
            continue;
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "text"));
        return t ? t : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "value"));
    }
    return NULL;
}

double xmodel_value_prob(const struct xmodel_field *f, const struct cand_set *cs,
                         const struct xfeat_doc *fx, const char *value)
{
    double best = -1;
    for (size_t i = 0; value && i < fx->n && i < cs->n; i++) {
        if (f->kind && !(fx->kind[i] & f->kind))
            continue;
        if (align_similarity(f->name, value, cs->c[i].text, XMODEL_SAME_SIM) < XMODEL_SAME_SIM)
            continue;
        double q = xmodel_prob(f, fx->x[i]);
        best = q > best ? q : best;
    }
    return best;
}

/* Replaces the unconfirmed fields named name by f unless keep_rules and a rules field exists;
 * takes f (freed when not used). */
static void put_field(cJSON *fields, const char *name, cJSON *f, int keep_rules)
{
    cJSON *it = fields->child;
    while (it) {
        cJSON *next = it->next;
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "source"));
        if (n && strcmp(n, name) == 0) {
            if (keep_rules || (src && strcmp(src, "confirmed") == 0)) {
                cJSON_Delete(f);
                return;
            }
            cJSON_Delete(cJSON_DetachItemViaPointer(fields, it));
        }
        it = next;
    }
    cJSON_AddItemToArray(fields, f);
}

/* ---- registration numbers beside names ---- */

/* Whether s[a, b) (brackets included) is a registration number group. */
static int id_group(const char *s, size_t a, size_t b)
{
    size_t dig = 0, alnum = 0;
    for (size_t i = a; i < b; i++) {
        char c = s[i];
        dig += c >= '0' && c <= '9';
        alnum += (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    return dig >= 4 && 2 * dig >= alnum;
}

static int words_in(const char *s, size_t a, size_t b)
{
    int n = 0, in = 0;
    for (size_t i = a; i < b; i++) {
        int sp = s[i] == ' ' || s[i] == '\t' || s[i] == '\n';
        n += !sp && !in;
        in = !sp;
    }
    return n;
}

int xmodel_strip_id(const char *in, int address, char *out, size_t outsz)
{
    size_t n = in ? strlen(in) : 0, a = 0, b = n;
    while (b > 0 && (in[b - 1] == ' ' || in[b - 1] == '\t'))
        b--;
    while (a < b && (in[a] == ' ' || in[a] == '\t'))
        a++;
    if (b - a < 4 || outsz == 0)
        return 0;
    if (!address && in[b - 1] == ')') {
        const char *open = NULL;
        for (size_t i = b - 1; i > a && !open; i--)
            if (in[i - 1] == '(')
                open = in + i - 1;
        size_t o = open ? (size_t)(open - in) : 0;
        if (!open || !id_group(in, o, b) || words_in(in, a, o) < 2)
            return 0;
        while (o > a && (in[o - 1] == ' ' || in[o - 1] == '\t'))
            o--;
        snprintf(out, outsz, "%.*s", (int)(o - a), in + a);
        return 1;
    }
    if (address && in[a] == '(') {
        const char *close = strchr(in + a, ')');
        size_t c = close ? (size_t)(close - in) + 1 : 0;
        if (!close || c > b || !id_group(in, a, c) || words_in(in, c, b) < 2)
            return 0;
        while (c < b && (in[c] == ' ' || in[c] == '\t'))
            c++;
        snprintf(out, outsz, "%.*s", (int)(b - c), in + c);
        return 1;
    }
    return 0;
}

/* A company value (rules or model) printed over two lines takes in the other (namesfx.h),
 * with the confirmed names of the vendor memory as the closing words' source. */
static dp_err join_name(const struct vendor_list *vendors, const struct dp_doc_text *doc,
                        cJSON *fields)
{
    char **lines = NULL;
    size_t nl = 0;
    const char **names = vendors->n ? calloc(vendors->n, sizeof *names) : NULL;
    cJSON *f;
    if (!names)
        return vendors->n ? DP_ENOMEM : DP_OK;
    for (size_t i = 0; i < vendors->n; i++)
        names[i] = vendors->v[i].company;
    dp_err rc = namesfx_lines_of(doc, &lines, &nl);
    cJSON_ArrayForEach(f, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "source"));
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "value"));
        char out[CAND_TEXT_MAX];
        if (rc || !n || strcmp(n, "company") != 0 || !v ||
            (src && strcmp(src, "rules") != 0 && strcmp(src, "model") != 0))
            continue;
        if (namesfx_extend(v, names, vendors->n, (const char *const *)lines, nl, out, sizeof out) &&
            !cJSON_ReplaceItemInObjectCaseSensitive(f, "value", cJSON_CreateString(out)))
            rc = DP_ENOMEM;
    }
    namesfx_lines_free(lines, nl);
    free(names);
    return rc;
}

/* Cuts the registration number printed beside the company and address values the rules or
 * the model read (xmodel_strip_id), votes their words where the page was read twice
 * (readvote.h) and repairs their misread words, with the words of the confirmed names and
 * addresses in the vendor memory as the lexicon; then a value still an OCR error or two
 * (VENDOR_SNAP_SIM) from a remembered name or address becomes that spelling (source
 * "memory"). */
static dp_err repair_names(const struct vendor_list *vendors, const struct readvote_lines *rl,
                           cJSON *fields)
{
    struct lexfix lx = {0};
    const char **lex = calloc(2 * vendors->n + 1, sizeof *lex);
    size_t nlex = 0;
    dp_err rc = lex ? DP_OK : DP_ENOMEM;
    for (size_t i = 0; i < vendors->n && lex; i++) {
        lex[nlex++] = vendors->v[i].company;
        lex[nlex++] = vendors->v[i].address;
    }
    for (size_t i = 0; i < vendors->n && !rc; i++)
        if (!(rc = lexfix_add_text(&lx, vendors->v[i].company)))
            rc = lexfix_add_text(&lx, vendors->v[i].address);
    const char **addrs = calloc(vendors->n + 1, sizeof *addrs);
    for (size_t i = 0; i < vendors->n && addrs; i++)
        addrs[i] = vendors->v[i].address;
    char habit = addrs ? xcand_mark_habit(addrs, vendors->n) : 0;
    free(addrs);
    cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "source"));
        cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
        char out[CAND_TEXT_MAX];
        if (rc || !n || (strcmp(n, "company") != 0 && strcmp(n, "address") != 0) ||
            !cJSON_IsString(v) || (src && strcmp(src, "rules") != 0 && strcmp(src, "model") != 0))
            continue;
        /* the registration number printed beside the name is not part of it */
        if (xmodel_strip_id(v->valuestring, strcmp(n, "address") == 0, out, sizeof out) &&
            !cJSON_ReplaceItemInObjectCaseSensitive(f, "value", cJSON_CreateString(out)))
            rc = DP_ENOMEM;
        v = cJSON_GetObjectItemCaseSensitive(f, "value");
        if (!rc && cJSON_IsString(v) &&
            readvote_value(v->valuestring, rl->p, rl->n, lex, nlex, out, sizeof out) &&
            !cJSON_ReplaceItemInObjectCaseSensitive(f, "value", cJSON_CreateString(out)))
            rc = DP_ENOMEM;
        v = cJSON_GetObjectItemCaseSensitive(f, "value");
        /* ...but not a word both readings of a line read so (readvote_keep_agreed) */
        char fix[CAND_TEXT_MAX];
        if (!rc && cJSON_IsString(v) && lexfix_correct(&lx, v->valuestring, fix, sizeof fix) &&
            (readvote_keep_agreed(v->valuestring, fix, rl->p, rl->n, out, sizeof out),
             strcmp(out, v->valuestring) != 0) &&
            !cJSON_ReplaceItemInObjectCaseSensitive(f, "value", cJSON_CreateString(out)))
            rc = DP_ENOMEM;
        /* a full stop the reading made of the comma the tenant writes after a word */
        int addr = strcmp(n, "address") == 0;
        v = cJSON_GetObjectItemCaseSensitive(f, "value");
        if (!rc && addr && cJSON_IsString(v) &&
            xcand_marks(v->valuestring, habit, out, sizeof out) &&
            !cJSON_ReplaceItemInObjectCaseSensitive(f, "value", cJSON_CreateString(out)))
            rc = DP_ENOMEM;
        /* a value an OCR error or two from a remembered spelling becomes that spelling */
        v = cJSON_GetObjectItemCaseSensitive(f, "value");
        if (!rc && cJSON_IsString(v) &&
            vendor_snap(vendors, addr, v->valuestring, VENDOR_SNAP_SIM, out, sizeof out) > 0 &&
            strcmp(out, v->valuestring) != 0) {
            char merged[CAND_TEXT_MAX]; /* but not where the page reads another shop's */
            if (addr && vendor_merge(v->valuestring, out, merged, sizeof merged))
                snprintf(out, sizeof out, "%s", merged);
            if (!cJSON_ReplaceItemInObjectCaseSensitive(f, "value", cJSON_CreateString(out)) ||
                !cJSON_ReplaceItemInObjectCaseSensitive(f, "source", cJSON_CreateString("memory")))
                rc = DP_ENOMEM;
        }
    }
    lexfix_cleanup(&lx);
    free(lex);
    return rc;
}

/* ---- the tenant's day/month order ---- */

int xmodel_date_in_order(const char *text, uint32_t order, char *iso, size_t isosz)
{
    struct extract_date d;
    enum extract_order o = order == XMODEL_MONTH_FIRST ? EXTRACT_MONTH_FIRST : EXTRACT_DAY_FIRST;
    if (!text || extract_parse_date(text, strlen(text), o, &d) != DP_OK)
        return 0;
    snprintf(iso, isosz, "%04d-%02d-%02d", d.year, d.month, d.day);
    return 1;
}

uint32_t xmodel_date_order(const char *confirmed, const char *page)
{
    char cd[16], cm[16], pd[16], pm[16];
    int hd = xmodel_date_in_order(confirmed, XMODEL_DAY_FIRST, cd, sizeof cd);
    int hm = xmodel_date_in_order(confirmed, XMODEL_MONTH_FIRST, cm, sizeof cm);
    if (!hd && !hm)
        return 0;
    if (hd && hm && strcmp(cd, cm) != 0)
        return 0; /* the confirmed value is itself ambiguous */
    const char *c = hd ? cd : cm;
    int d = xmodel_date_in_order(page, XMODEL_DAY_FIRST, pd, sizeof pd) && strcmp(pd, c) == 0;
    int m = xmodel_date_in_order(page, XMODEL_MONTH_FIRST, pm, sizeof pm) && strcmp(pm, c) == 0;
    return d && !m ? XMODEL_DAY_FIRST : m && !d ? XMODEL_MONTH_FIRST : 0;
}

/* Reads the unconfirmed value of date field f (rules or model) in the tenant's order, from the
 * text it was read from. */
static dp_err reorder_date(const struct xmodel_field *f, cJSON *fields)
{
    uint32_t order = f->flags & (XMODEL_DAY_FIRST | XMODEL_MONTH_FIRST);
    cJSON *it;
    if (!order || order == (XMODEL_DAY_FIRST | XMODEL_MONTH_FIRST))
        return DP_OK;
    cJSON_ArrayForEach(it, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "source"));
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "text"));
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "value"));
        char iso[16];
        if (!n || strcmp(n, f->name) != 0 || !v ||
            (src && strcmp(src, "rules") != 0 && strcmp(src, "model") != 0))
            continue;
        if (xmodel_date_in_order(t, order, iso, sizeof iso) && strcmp(iso, v) != 0 &&
            !cJSON_ReplaceItemInObjectCaseSensitive(it, "value", cJSON_CreateString(iso)))
            return DP_ENOMEM;
    }
    return DP_OK;
}

uint32_t xmodel_year_fix(uint32_t year, uint32_t lo, uint32_t hi, uint32_t mode)
{
    if (!lo || hi < lo || (year >= lo && year <= hi + 1) || year < 1000 || year > 9999)
        return 0;
    uint32_t found = 0, nfound = 0, pow10 = 1;
    for (int pos = 0; pos < 4; pos++, pow10 *= 10) {
        uint32_t dig = year / pow10 % 10;
        if (!strchr(XMODEL_YEAR_DIGITS, (int)('0' + dig)))
            continue;
        for (const char *c = XMODEL_YEAR_DIGITS; *c; c++) {
            uint32_t nd = (uint32_t)(*c - '0');
            uint32_t y = year - dig * pow10 + nd * pow10;
            if (nd == dig || y < lo || y > hi)
                continue;
            if (y == mode)
                return mode;
            found = y;
            nfound++;
        }
    }
    return nfound == 1 ? found : 0;
}

/* Repairs the year of date field f's unconfirmed value (rules or model) with the tenant's
 * confirmed years (xmodel_year_fix). */
static dp_err fix_year(const struct xmodel_field *f, cJSON *fields)
{
    cJSON *it;
    if (!f->year_lo)
        return DP_OK;
    cJSON_ArrayForEach(it, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "source"));
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "value"));
        char iso[16];
        if (!n || strcmp(n, f->name) != 0 || !v || strlen(v) != 10 || v[4] != '-' ||
            (src && strcmp(src, "rules") != 0 && strcmp(src, "model") != 0))
            continue;
        uint32_t y =
            xmodel_year_fix((uint32_t)strtoul(v, NULL, 10), f->year_lo, f->year_hi, f->year_mode);
        if (!y)
            continue;
        snprintf(iso, sizeof iso, "%04u%s", (unsigned)y, v + 4);
        if (!cJSON_ReplaceItemInObjectCaseSensitive(it, "value", cJSON_CreateString(iso)))
            return DP_ENOMEM;
    }
    return DP_OK;
}

int xmodel_year_foreign(const struct xmodel_field *f, uint32_t year)
{
    if (!f->year_lo || !year)
        return 0;
    if (year + 1 >= f->year_lo && year <= f->year_hi + 1)
        return 0;
    return xmodel_year_fix(year, f->year_lo, f->year_hi, f->year_mode) == 0;
}

/* The year of the rules' ISO date value of field name (0: none). */
static uint32_t rules_year(const cJSON *fields, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "source"));
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "value"));
        if (n && strcmp(n, name) == 0 && (!src || strcmp(src, "rules") == 0) && v &&
            strlen(v) == 10 && v[4] == '-')
            return (uint32_t)strtoul(v, NULL, 10);
    }
    return 0;
}

/* The year text reads as in date field f's order (day first without one); 0: no date. */
static uint32_t text_year(const struct xmodel_field *f, const char *text)
{
    char iso[16];
    uint32_t order = (f->flags & XMODEL_MONTH_FIRST) ? XMODEL_MONTH_FIRST : XMODEL_DAY_FIRST;
    return xmodel_date_in_order(text, order, iso, sizeof iso) ? (uint32_t)strtoul(iso, NULL, 10)
                                                              : 0;
}

/* Whether the amount text reads as is the largest amount printed at least twice among the
 * page's amounts am[0..n) (page_amounts) and at least half of every amount (a total is printed
 * again as the amount due or paid; a tax amount repeated in a tax summary is smaller). */
static int amount_repeated(const long *am, size_t n, const char *text)
{
    size_t same = 0;
    long c = last_cents(text);
    for (size_t i = 0; c > 0 && i < n; i++)
        same += am[i] == c;
    for (size_t i = 0; same >= 2 && i < n; i++) {
        if (am[i] > 2 * c)
            return 0; /* small beside the page's amounts: a tax, a discount */
        if (am[i] > c)
            for (size_t j = i + 1; j < n; j++)
                if (am[j] == am[i])
                    return 0; /* a larger amount printed twice */
    }
    return same >= 2;
}

/* Where the page was read twice and the readings read amount field f's unconfirmed value
 * differently, the other reading's amount when it fits the page's amounts am[0..nam)
 * (page_amounts) and the value does not (readvote_amount). */
static dp_err vote_amount(const struct xmodel_field *f, const long *am, size_t nam,
                          const struct readvote_lines *rl, cJSON *fields)
{
    cJSON *it;
    if (!rl->n)
        return DP_OK;
    cJSON_ArrayForEach(it, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "source"));
        cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "value");
        cJSON *a = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "amount") : v;
        const char *as = cJSON_GetStringValue(a);
        if (!n || strcmp(n, f->name) != 0 || !as ||
            (src && strcmp(src, "rules") != 0 && strcmp(src, "model") != 0))
            continue;
        long other = readvote_amount(readvote_cents(as, strlen(as)), rl->p, rl->n, am, nam);
        char buf[32];
        if (other < 0)
            continue;
        snprintf(buf, sizeof buf, "%ld.%02ld", other / 100, other % 100);
        if (!cJSON_SetValuestring(a, buf))
            return DP_ENOMEM;
    }
    return DP_OK;
}

/* Marks the rules' field name needs_review, because the model prefers another value
 * ("model_disagrees", which review_mark_fields keeps). */
static void flag_rules_field(cJSON *fields, const char *name)
{
    cJSON *it;
    cJSON_ArrayForEach(it, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "source"));
        if (!n || strcmp(n, name) != 0 || (src && strcmp(src, "rules") != 0))
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(it, "needs_review");
        cJSON_DeleteItemFromObjectCaseSensitive(it, "model_disagrees");
        cJSON_AddBoolToObject(it, "needs_review", 1);
        cJSON_AddBoolToObject(it, "model_disagrees", 1);
    }
}

/* The best-scored candidate of f that is XMODEL_RESPAN_SIM alike the rules' value rv (its
 * probability in *p), or -1. */
static long respan(const struct xmodel_field *f, const struct cand_set *cs,
                   const struct xfeat_doc *fx, const char *rv, double *p)
{
    double bq = -1;
    long bi = -1;
    for (size_t i = 0; i < fx->n && i < cs->n; i++) {
        if (align_similarity(f->name, rv, cs->c[i].text, XMODEL_RESPAN_SIM) < XMODEL_RESPAN_SIM)
            continue;
        double q = xmodel_prob(f, fx->x[i]);
        if (q > bq) {
            bq = q;
            bi = (long)i;
        }
    }
    if (bi >= 0)
        *p = bq;
    return bi;
}

/* Candidate b, or its twin of the reading field f's confirmed values side with
 * (xreading_side, xreading_twin): of that reading's twins that differ from it in letters only,
 * the one f scores best. Best effort: without memory b stays. */
static long reading_twin(const struct xmodel_field *f, const struct cand_set *cs,
                         const struct xfeat_doc *fx, long b)
{
    int r = xreading_side(cs, (size_t)b, f->read_wins, f->read_losses);
    double *q = r >= 0 ? malloc(cs->n * sizeof *q) : NULL;
    if (!q)
        return b;
    for (size_t i = 0; i < cs->n; i++)
        q[i] = i < fx->n && cs->c[i].alt == r && xmodel_kind_ok(fx, i, f->kind) &&
                       xreading_twins(cs, (size_t)b, i)
                   ? xmodel_prob(f, fx->x[i])
                   : -1;
    long t = (long)xreading_twin(cs, (size_t)b, r, q);
    free(q);
    return t;
}

/* Candidate b, or where the other readings of one of its lines outvote its digits
 * (xreading_outvoted), its twin of another reading that is not outvoted and reads as it
 * (XMODEL_RESPAN_SIM: a span of the same words), the one f scores best (b when there is
 * none): the learner's weights cannot tell twins apart, the readings' vote can. */
static long digit_vote(const struct xmodel_field *f, const struct cand_set *cs,
                       const struct xfeat_doc *fx, long b)
{
    if (b < 0 || !xreading_outvoted(cs, (size_t)b))
        return b;
    long t = b;
    double tq = -1;
    for (size_t i = 0; i < cs->n && i < fx->n; i++) {
        if (!xmodel_kind_ok(fx, i, f->kind) || !xreading_twins(cs, (size_t)b, i) ||
            !xmodel_shape_ok(f, cs->c[i].text) ||
            align_similarity(f->name, cs->c[b].text, cs->c[i].text, XMODEL_RESPAN_SIM) <
                XMODEL_RESPAN_SIM ||
            xreading_outvoted(cs, i))
            continue;
        double q = xmodel_prob(f, fx->x[i]);
        if (q > tq) {
            tq = q;
            t = (long)i;
        }
    }
    return t;
}

dp_err xmodel_apply(const struct xmodel *m, const struct dp_doc_text *doc, cJSON *fields,
                    cJSON **missing)
{
    struct cand_set cs;
    struct xfeat_doc fx;
    if (missing)
        *missing = NULL;
    if (!cJSON_IsArray(fields))
        return DP_EINVAL;
    dp_err rc = cand_generate(doc, &cs);
    if (rc)
        return rc;
    if ((rc = xfeat_doc(&cs, fields, &fx))) {
        cand_set_cleanup(&cs);
        return rc;
    }
    long am[256];
    size_t nam = page_amounts(doc, am, sizeof am / sizeof am[0]);
    long *bests = calloc(m->nf ? m->nf : 1, sizeof *bests);
    double *probs = calloc(m->nf ? m->nf : 1, sizeof *probs);
    if (!bests || !probs)
        rc = DP_ENOMEM;
    for (size_t k = 0; k < m->nf && !rc; k++) {
        const struct xmodel_field *mf = &m->f[k];
        bests[k] = best_cand(mf, &cs, &fx, &probs[k]);
        if (bests[k] >= 0 && mf->kind == XFEAT_KIND_AMOUNT && strcmp(mf->name, "total") == 0 &&
            (zero_amount(&cs.c[bests[k]]) || on_payment_line(&cs, &cs.c[bests[k]], am, nam))) {
            double q;
            long o = best_total(mf, &cs, &fx, am, nam, &q);
            if (o >= 0) {
                bests[k] = o;
                probs[k] = q;
            }
        }
    }
    if (!rc)
        rc = choose_jointly(m, &cs, &fx, bests, probs);
    for (size_t k = 0; k < m->nf && !rc; k++) /* the reading of its line the field trusts */
        if (bests[k] >= 0)
            bests[k] = reading_twin(&m->f[k], &cs, &fx, bests[k]);
    for (size_t k = 0; k < m->nf && !rc; k++) /* the digits most readings of its lines read */
        bests[k] = digit_vote(&m->f[k], &cs, &fx, bests[k]);
    for (size_t k = 0; k < m->nf && !rc; k++) {
        const struct xmodel_field *mf = &m->f[k];
        double p = probs[k];
        long b = bests[k];
        const char *rv = b >= 0 ? xmodel_rules_value(fields, mf->name) : NULL;
        if (rv && !xmodel_shape_ok(mf, rv))
            rv = NULL; /* a registration or phone number the rules took: the model's stands */
        /* a typed value the rules did not find: only when the model is sure of it */
        int unsure = !rv && (mf->flags & XMODEL_SURE_FILL) && p < mf->review_below;
        /* ...or an amount the page prints again as the largest so (due, paid) */
        if (unsure && mf->kind == XFEAT_KIND_AMOUNT && b >= 0 && p >= XMODEL_FILL_REPEATED &&
            amount_repeated(am, nam, cs.c[b].text))
            unsure = 0;
        /* ...or a total that is the page's largest amount on no payment line: what every
         * other amount adds up to or is part of (SROIE, 10-75 labelled: 6 totals filled so
         * right, 2 wrong; every best amount filled in was right 5 times in 11 at 10) */
        if (unsure && mf->kind == XFEAT_KIND_AMOUNT && b >= 0 && strcmp(mf->name, "total") == 0 &&
            largest_amount(mf, &cs, &fx, b, am, nam))
            unsure = 0;
        /* ...or a date the model gives at least even odds, of a year the tenant confirms */
        if (unsure && mf->kind == XFEAT_KIND_DATE && b >= 0 && p >= XMODEL_FILL_DATE &&
            !xmodel_year_foreign(mf, text_year(mf, cs.c[b].text)))
            unsure = 0;
        if (b < 0 || p < XMODEL_MIN_OUTPUT || unsure) {
            if (missing && !*missing)
                *missing = cJSON_CreateArray();
            if (missing && *missing)
                cJSON_AddItemToArray(*missing, cJSON_CreateString(mf->name));
            continue;
        }
        const struct cand *c = &cs.c[b];
        double pr = rv ? xmodel_value_prob(mf, &cs, &fx, rv) : -1;
        int keep = rv && !xmodel_replaces(mf, p, pr);
        /* a rules amount the page prints as no amount with two decimals ("Total ly 26": a
         * count; "343.5": cut off) and no amount candidate reads as gives way to the
         * model's amount */
        if (keep && mf->kind == XFEAT_KIND_AMOUNT && pr < 0 && !xmodel_two_decimals(rv))
            keep = 0;
        /* a rules date of a year the tenant never confirms, no misread of one ("03-04-06"
         * read as 2006), gives way to the model's date of a confirmed year */
        if (keep && mf->kind == XFEAT_KIND_DATE &&
            xmodel_year_foreign(mf, rules_year(fields, mf->name)) &&
            !xmodel_year_foreign(mf, text_year(mf, cs.c[b].text)))
            keep = 0;
        /* the rules' value stands, but the model still picks its span: of the candidates that
         * read as it, the one it scores best (the rules' own cut - lines joined by ", ", a
         * stray mark - gives way to the span the tenant's confirmed values look like) */
        long bi = keep && !mf->kind ? respan(mf, &cs, &fx, rv, &p) : -1;
        if (bi >= 0)
            bi = digit_vote(mf, &cs, &fx, bi);
        if (bi >= 0) {
            c = &cs.c[bi];
            keep = 0;
        }
        /* the rules' value stands though the model prefers another candidate: a person
         * should look (not for amounts: a receipt prints several the model finds total-like -
         * cash, rounding - so its preference is no evidence against the rules; SROIE at
         * 10-75 labelled: 8 more wrong dates and addresses marked for none right, 8 more wrong
         * totals for 19 right) */
        if (keep && pr < p && mf->kind != XFEAT_KIND_AMOUNT)
            flag_rules_field(fields, mf->name);
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", mf->name);
        cJSON_AddItemToObject(f, "value", review_typed_value(mf->name, c->text));
        cJSON_AddStringToObject(f, "text", c->text);
        cJSON_AddNumberToObject(f, "confidence", (double)(int)(p * 1000 + 0.5) / 1000);
        cJSON_AddNumberToObject(f, "page", (double)c->page + 1);
        int box[4] = {c->x, c->y, c->w, c->h};
        cJSON_AddItemToObject(f, "bbox", cJSON_CreateIntArray(box, 4));
        cJSON_AddBoolToObject(f, "valid", 1);
        cJSON_AddStringToObject(f, "source", "model");
        if (p < mf->review_below)
            cJSON_AddBoolToObject(f, "needs_review", 1);
        /* the rules keep their value unless the model beat them on the tenant's examples */
        put_field(fields, mf->name, f, keep);
    }
    free(bests);
    free(probs);
    for (size_t k = 0; k < m->nf && !rc; k++)
        if (m->f[k].kind == XFEAT_KIND_DATE && !(rc = reorder_date(&m->f[k], fields)))
            rc = fix_year(&m->f[k], fields);
    struct readvote_lines rl = {0};
    if (!rc)
        rc = readvote_lines_of(doc, &rl);
    for (size_t k = 0; k < m->nf && !rc; k++)
        if (m->f[k].kind == XFEAT_KIND_AMOUNT)
            rc = vote_amount(&m->f[k], am, nam, &rl, fields);
    vendor_apply(&m->vendors, &cs, fields);
    if (!rc)
        rc = join_name(&m->vendors, doc, fields);
    if (!rc)
        rc = repair_names(&m->vendors, &rl, fields);
    readvote_lines_cleanup(&rl);
    xfeat_doc_cleanup(&fx);
    cand_set_cleanup(&cs);
    return rc;
}

int xmodel_replaces(const struct xmodel_field *f, double p, double pr)
{
    if (!xmodel_replaces_rules(f) || p < f->replace_above)
        return 0;
    return !(f->flags & XMODEL_GATE) || pr < f->replace_above;
}

int xmodel_replaces_rules(const struct xmodel_field *f)
{
    double w = f->cv_wins, l = f->cv_losses;
    return w - l > sqrt(w + l);
}

cJSON *xmodel_stats_json(const struct xmodel *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *fs = cJSON_AddArrayToObject(o, "fields");
    for (size_t i = 0; i < m->nf; i++) {
        const struct xmodel_field *f = &m->f[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "name", f->name);
        cJSON_AddNumberToObject(j, "examples", f->examples);
        cJSON_AddNumberToObject(j, "aligned", f->aligned);
        cJSON_AddNumberToObject(j, "cv_docs", f->cv_docs);
        cJSON_AddNumberToObject(j, "cv_correct", f->cv_correct);
        if (f->cv_docs)
            cJSON_AddNumberToObject(
                j, "cv_accuracy", (double)(int)(1000.0 * f->cv_correct / f->cv_docs + 0.5) / 1000);
        else
            cJSON_AddNullToObject(j, "cv_accuracy");
        cJSON_AddNumberToObject(j, "rules_correct", f->rules_correct);
        cJSON_AddNumberToObject(
            j, "rules_accuracy",
            f->examples ? (double)(int)(1000.0 * f->rules_correct / f->examples + 0.5) / 1000 : 0);
        cJSON_AddNumberToObject(j, "cv_wins", f->cv_wins);
        cJSON_AddNumberToObject(j, "cv_losses", f->cv_losses);
        cJSON_AddBoolToObject(j, "replaces_rules", xmodel_replaces_rules(f));
        if (xmodel_replaces_rules(f))
            cJSON_AddNumberToObject(j, "replace_above",
                                    (double)(int)(f->replace_above * 1000) / 1000);
        else
            cJSON_AddNullToObject(j, "replace_above");
        cJSON_AddBoolToObject(j, "rules_gate", (f->flags & XMODEL_GATE) != 0);
        cJSON_AddBoolToObject(j, "fill_only_sure", (f->flags & XMODEL_SURE_FILL) != 0);
        if (f->flags & (XMODEL_DAY_FIRST | XMODEL_MONTH_FIRST))
            cJSON_AddStringToObject(j, "date_order",
                                    (f->flags & XMODEL_DAY_FIRST) ? "day_first" : "month_first");
        else
            cJSON_AddNullToObject(j, "date_order");
        if (f->digit_run)
            cJSON_AddNumberToObject(j, "longest_number", (double)(f->digit_run - 1));
        else
            cJSON_AddNullToObject(j, "longest_number");
        if (f->year_lo) {
            int yr[2] = {(int)f->year_lo, (int)f->year_hi};
            cJSON_AddItemToObject(j, "years", cJSON_CreateIntArray(yr, 2));
        } else {
            cJSON_AddNullToObject(j, "years");
        }
        cJSON_AddNumberToObject(j, "review_below", (double)(int)(f->review_below * 1000) / 1000);
        cJSON_AddItemToArray(fs, j);
    }
    cJSON_AddNumberToObject(o, "vendors", (double)m->vendors.n);
    cJSON_AddNumberToObject(o, "train_seconds", (double)(int)(m->train_s * 1000) / 1000);
    return o;
}
