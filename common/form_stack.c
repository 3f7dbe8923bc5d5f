/* form_stack.c -- labels over two lines: "NO. OF" over "STORES", "APTERTASTE" over
 * "(7= Pleasant)", "Date" over "Submitted".  FUNSD annotates such a header as one question, and
 * as often two stacked labels as two, so a rule cannot tell them apart (both were tried);
 * a logistic model (the stack block of the pairing model file, form_model.c) scores each
 * couple of an entity and the one right under it from their geometry (gap, edges and centres
 * aligned, widths), both text shapes, what lies beside them and under them (numbers under a
 * column header) and both words hashed.  Only a column header over two lines (short phrases,
 * no number, no written label, no row label, numbers under the lower one, the upper one not
 * ending in a word that ends labels) is joined whatever the block says (form_stack_header),
 * and so is a column header over its base, a count in brackets ("Male" over "(99)",
 * base_under).  A note in brackets ends its label: nothing but another note continues it
 * (closed_note).  form.c joins the stacked lines into the text of a label when it emits a
 * pair; the entities themselves and the couples are unchanged. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "form_int.h"

#define STACK_ALIGN_EM 0.5 /* edges this close are aligned */
#define STACK_SIDE_EM  3.0 /* an entity this close beside one is its neighbour */
#define STACK_NUM_EM   3.0 /* a number this far under the lower entity heads a column */

/* Dense features; the hashed words follow from FORM_AUX_DENSE. */
enum {
    K_GAP0 = 0, /* 4 buckets of the vertical gap */
    K_GAP = 4,
    K_LEFT = 5,
    K_CENTRE = 6,
    K_RIGHT = 7,
    K_XOV = 8,
    K_WRATIO = 9,
    K_U = 10, /* 8 text shapes of the upper entity */
    K_L = 18, /* 8 of the lower */
    K_UKEY = 26,
    K_LKEY = 27,
    K_UN1 = 28, /* upper: 1 word, 2+ */
    K_LN1 = 30,
    K_ULINE = 32,
    K_LLINE = 33,
    K_LNUM_UNDER = 34,
    K_UFIRST = 36,
    K_LFIRST = 37,
    K_URIGHT = 38,
    K_LRIGHT = 39,
    K_HDIFF = 40,
    K_LCOLON_ONLY = 41,
    K_ULEFT = 42,
    K_LLEFT = 43,
};
enum { T_COLON, T_NUMERIC, T_UPPER, T_CAP, T_LOWER, T_PAREN, T_DIGITS, T_NOISE };

static void put(struct form_auxx *x, int i, double v)
{
    if (v != 0.0 && x->nf < FORM_AUX_NZ) {
        x->idx[x->nf] = i;
        x->val[x->nf++] = (float)v;
    }
}

static int imin(int a, int b)
{
    return a < b ? a : b;
}

static int imax(int a, int b)
{
    return a > b ? a : b;
}

/* Whether a number lies under entity l (on another line, within STACK_NUM_EM em, overlapping
 * it in x): l heads a column. */
static int num_under(const struct form_ent *e, size_t n, size_t l, int em)
{
    const struct form_ent *D = &e[l];
    for (size_t j = l + 1; j < n; j++) {
        if (e[j].y0 - D->y1 > STACK_NUM_EM * em)
            break;
        if (e[j].line != D->line && e[j].numeric && imin(e[j].x1, D->x1) - imax(e[j].x0, D->x0) > 0)
            return 1;
    }
    return 0;
}

/* Text shapes of an entity (T_* bits). */
static unsigned shapes(const struct tl_layout *L, const struct form_ent *e)
{
    struct form_chars c;
    form_ent_chars(L, e, &c);
    const char *first = e->nw ? L->words[L->ord[e->w0]].text : "";
    unsigned s = 0;
    s |= (e->colon != 0) << T_COLON;
    s |= (e->numeric != 0) << T_NUMERIC;
    s |= (c.letters > 1 && c.upper == c.letters) << T_UPPER;
    s |= (first[0] >= 'A' && first[0] <= 'Z') << T_CAP;
    s |= (first[0] >= 'a' && first[0] <= 'z') << T_LOWER;
    s |= (first[0] == '(') << T_PAREN;
    s |= (c.digits > 0) << T_DIGITS;
    s |= (e->noise != 0) << T_NOISE;
    return s;
}

/* Whether an entity of e's line lies right (dir 1) or left (dir -1) of e within STACK_SIDE_EM. */
static int beside(const struct form_ent *e, size_t n, size_t i, int dir, int em)
{
    long j = (long)i + dir;
    return j >= 0 && (size_t)j < n && e[j].line == e[i].line &&
           (dir > 0 ? e[j].x0 - e[i].x1 : e[i].x0 - e[j].x1) <= STACK_SIDE_EM * em;
}

void form_stack_cands(const struct form_ent *e, size_t n, int em, long *up)
{
    long *down = malloc((n ? n : 1) * sizeof *down);
    for (size_t i = 0; i < n; i++)
        up[i] = -1;
    if (!down)
        return;
    for (size_t i = 0; i < n; i++)
        down[i] = -1;
    /* each entity's best below: on the nearest line under it within the gap, most overlap */
    for (int pass = 0; pass < 2; pass++)
        for (size_t a = 0; a < n; a++) {
            long best = -1;
            int best_ov = 0, line_y = 1 << 30;
            for (size_t b = 0; b < n; b++) {
                const struct form_ent *u = pass ? &e[b] : &e[a], *l = pass ? &e[a] : &e[b];
                if (u->line >= l->line)
                    continue;
                int gap = l->y0 - u->y1, ov = imin(u->x1, l->x1) - imax(u->x0, l->x0);
                int y = pass ? u->y1 : l->y0;
                if (gap > FORM_STACK_GAP * em || gap < -em / 2 || ov <= 0)
                    continue;
                /* nearest line first (below for pass 0, above for pass 1), then overlap */
                int nearer = pass ? y > line_y + em / 3 : y < line_y - em / 3;
                int same = abs(y - line_y) <= em / 3;
                if (best < 0 || nearer || (same && ov > best_ov)) {
                    best = (long)b;
                    best_ov = ov;
                    line_y = y;
                }
            }
            if (pass == 0)
                down[a] = best;
            else if (best >= 0 && down[best] == (long)a)
                up[a] = best;
        }
    free(down);
}

void form_stack_features(const struct tl_layout *L, const struct form_ent *e, size_t n, size_t u,
                         size_t l, struct form_auxx *x)
{
    const struct form_ent *U = &e[u], *D = &e[l];
    int em = L->hmed > 0 ? L->hmed : 1;
    double gap = (double)(D->y0 - U->y1) / em;
    int ov = imin(U->x1, D->x1) - imax(U->x0, D->x0);
    int wu = U->x1 - U->x0, wl = D->x1 - D->x0;
    unsigned su = shapes(L, U), sl = shapes(L, D);
    x->nf = 0;
    put(x, K_GAP0 + (gap < 0.2 ? 0 : gap < 0.5 ? 1 : gap < 0.8 ? 2 : 3), 1);
    put(x, K_GAP, gap < 0 ? 0 : gap);
    put(x, K_LEFT, abs(U->x0 - D->x0) <= STACK_ALIGN_EM * em);
    put(x, K_CENTRE, abs((U->x0 + U->x1) - (D->x0 + D->x1)) <= 2 * STACK_ALIGN_EM * em);
    put(x, K_RIGHT, abs(U->x1 - D->x1) <= STACK_ALIGN_EM * em);
    put(x, K_XOV, (double)ov / (double)(imin(wu, wl) > 0 ? imin(wu, wl) : 1));
    put(x, K_WRATIO, (double)imin(wu, wl) / (double)(imax(wu, wl) > 0 ? imax(wu, wl) : 1));
    for (int s = 0; s < 8; s++) {
        put(x, K_U + s, (su >> s) & 1);
        put(x, K_L + s, (sl >> s) & 1);
    }
    put(x, K_UKEY, (U->key < -2 ? -2 : U->key > 3 ? 3 : U->key) / 3.0);
    put(x, K_LKEY, (D->key < -2 ? -2 : D->key > 3 ? 3 : D->key) / 3.0);
    put(x, K_UN1 + (U->nw > 1), 1);
    put(x, K_LN1 + (D->nw > 1), 1);
    put(x, K_ULINE, L->lines[U->line].ns > 1);
    put(x, K_LLINE, L->lines[D->line].ns > 1);
    put(x, K_LNUM_UNDER, num_under(e, n, l, em)); /* a number under the lower one: a header */
    put(x, K_UFIRST, u == 0 || e[u - 1].line != U->line);
    put(x, K_LFIRST, l == 0 || e[l - 1].line != D->line);
    put(x, K_URIGHT, beside(e, n, u, 1, em));
    put(x, K_LRIGHT, beside(e, n, l, 1, em));
    put(x, K_ULEFT, beside(e, n, u, -1, em));
    put(x, K_LLEFT, beside(e, n, l, -1, em));
    double hd = fabs((double)((U->y1 - U->y0) - (D->y1 - D->y0))) / em;
    put(x, K_HDIFF, hd > 1 ? 1 : hd);
    put(x, K_LCOLON_ONLY, D->colon && !U->colon);
    put(x,
        FORM_AUX_DENSE +
            (int)(form_word_hash(L->words[L->ord[U->w0 + U->nw - 1]].text) % FORM_AUX_VOCAB),
        1);
    put(x,
        FORM_AUX_DENSE + FORM_AUX_VOCAB +
            (int)(form_word_hash(L->words[L->ord[D->w0]].text) % FORM_AUX_VOCAB),
        1);
}

double form_aux_prob(const struct form_aux *b, const struct form_auxx *x)
{
    double z = b->bias;
    for (int i = 0; i < x->nf; i++)
        if (x->idx[i] >= 0 && x->idx[i] < FORM_AUX_N)
            z += b->w[x->idx[i]] * x->val[i];
    return 1.0 / (1.0 + exp(-z));
}

int form_stack_header(const struct form_ent *e, size_t n, size_t u, size_t l, int em)
{
    const struct form_ent *U = &e[u], *D = &e[l];
    if (U->numeric || D->numeric || U->colon || D->colon || U->noise || D->noise || U->head ||
        D->head || U->nw > FORM_STACK_HEADER_WORDS || D->nw > FORM_STACK_HEADER_WORDS)
        return 0;
    return num_under(e, n, l, em);
}

int form_stack_count(const char *t)
{
    size_t n = strlen(t), digits = 0, i = 1;
    if (n < 3 || t[0] != '(' || t[n - 1] != ')')
        return 0;
    if (t[i] == 'n' || t[i] == 'N') { /* "(n=99)", "(N= 205)" */
        i++;
        while (t[i] == ' ')
            i++;
        if (t[i++] != '=')
            return 0;
        while (t[i] == ' ')
            i++;
    }
    for (; i + 1 < n; i++, digits++)
        if (t[i] < '0' || t[i] > '9')
            return 0;
    return digits > 0 && digits <= FORM_STACK_COUNT_DIGITS;
}

/* Whether l, right under u, is u's base: one word, a count in brackets ("Male" over "(99)"),
 * u no number, written label or noise of at most FORM_STACK_HEADER_WORDS words, and a number
 * under l in its column: a column header over the size of its sample, which FUNSD reads as
 * one question.  (A count is a number, so form_stack_header leaves these apart.) */
static int base_under(const struct tl_layout *L, const struct form_ent *e, size_t n, size_t u,
                      size_t l, int em)
{
    const struct form_ent *U = &e[u], *D = &e[l];
    if (U->numeric || U->colon || U->noise || U->nw > FORM_STACK_HEADER_WORDS || D->nw != 1 ||
        !form_stack_count(L->words[L->ord[D->w0]].text))
        return 0;
    return num_under(e, n, l, em);
}

/* Whether entity x is a note in brackets, closed: its first word opens with '(' and its last
 * ends with ')' ("(7=More)", "(Current Year)").  A note ends the label it is under: the line
 * under it continues it only when that is a note too. */
static int closed_note(const struct tl_layout *L, const struct form_ent *x)
{
    const char *a = L->words[L->ord[x->w0]].text, *b = L->words[L->ord[x->w0 + x->nw - 1]].text;
    size_t nb = strlen(b);
    return x->nw > 0 && a[0] == '(' && nb > 0 && b[nb - 1] == ')';
}

void form_stack_links(const struct form_model *m, const struct tl_layout *L,
                      const struct form_ent *e, size_t n, long *up, long *down)
{
    for (size_t i = 0; i < n; i++)
        up[i] = down[i] = -1;
    if (!m || !m->stack.on || n == 0)
        return;
    form_stack_cands(e, n, L->hmed, up);
    for (size_t l = 0; l < n; l++) {
        struct form_auxx x;
        if (up[l] < 0)
            continue;
        form_stack_features(L, e, n, (size_t)up[l], l, &x);
        const struct form_ent *U = &e[up[l]];
        /* a line ending in a word that ends labels is a whole label, no header's first line
         * ("Project No." over "Account Name", "Estimate Cost" over "TOTAL") */
        int whole = form_label_end(L->words[L->ord[U->w0 + U->nw - 1]].text);
        if (closed_note(L, U) && L->words[L->ord[e[l].w0]].text[0] != '(') {
            up[l] = -1; /* "(7=More)" ends "SATISFYING"; "APTERTASTE" under it starts a label */
            continue;
        }
        if ((!whole && form_stack_header(e, n, (size_t)up[l], l, L->hmed)) ||
            base_under(L, e, n, (size_t)up[l], l, L->hmed) ||
            form_aux_prob(&m->stack, &x) >= m->stack.threshold)
            down[up[l]] = (long)l;
        else
            up[l] = -1;
    }
}
