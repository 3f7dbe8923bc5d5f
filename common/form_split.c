/* form_split.c -- a label and its answer read as one phrase ("Date Sent 4/19/74", "Tobacco Used
 * SPRING", "NAME Jimmy Bell", "Authorized by Dr. Connie Stone") are cut into two entities: the
 * head reads like a label (a few words without digits, ending in a word that ends labels) and
 * the tail like a value (a number or date, or a change of case), or a dash or a ';' (OCR's
 * ':') parts them ("Original - Project File", "Trade Register; Cologne").  Leaders ("Length ------
 * 85 mm") become entities of their own (noise), so that the label and its answer part. */
#include <stdlib.h>
#include <string.h>
#include "form_int.h"

#define FS_HEAD_MAX  5 /* words of a label head, at most */
#define FS_CASE_HEAD 3 /* ... when only a change of case says where its value starts */

/* The words that end FUNSD's questions much more often than they occur elsewhere: forms 1-100
 * (the development split), last word of a question (lower-cased, letters, digits and '#'
 * kept) at least 3 times, at least 2 letters (or '#'), no digits, and at least half of all its
 * occurrences in questions' ends; month names dropped ("Dec 1985" is a date).  Sorted. */
static const char *const label_end[] = {
    "#",
    "address",
    "affiliation",
    "agency",
    "amount",
    "appropriation",
    "assigned",
    "attention",
    "attn",
    "available",
    "balance",
    "base",
    "blend",
    "booth",
    "branch",
    "brand",
    "brands",
    "bright",
    "budget",
    "by",
    "capital",
    "cartons",
    "cc",
    "cigar",
    "cigt",
    "circumference",
    "client",
    "code",
    "color",
    "comments",
    "complete",
    "conclusion",
    "contact",
    "cost",
    "cratering",
    "date",
    "dates",
    "department",
    "depth",
    "description",
    "difference",
    "distribution",
    "draw",
    "ecu",
    "encap",
    "error",
    "etc",
    "expense",
    "expenses",
    "export",
    "female",
    "flavor",
    "follows",
    "improvement",
    "interview",
    "investigators",
    "kl",
    "labels",
    "leader",
    "length",
    "location",
    "mail",
    "male",
    "manager",
    "mandatory",
    "medium",
    "name",
    "nicotine",
    "no",
    "nos",
    "number",
    "numbers",
    "objective",
    "original",
    "originator",
    "over",
    "overall",
    "pack",
    "packing",
    "page",
    "paper",
    "permissive",
    "personnel",
    "ph",
    "plate",
    "position",
    "price",
    "process",
    "processing",
    "production",
    "publication",
    "purchasing",
    "quantity",
    "rate",
    "re",
    "reasons",
    "received",
    "recommendation",
    "recommendations",
    "remarks",
    "reported",
    "requirement",
    "requirements",
    "revenues",
    "rod",
    "roller",
    "sales",
    "schedule",
    "scorching",
    "score",
    "shipping",
    "signature",
    "signatures",
    "size",
    "solubility",
    "source",
    "speaker",
    "start",
    "subject",
    "supplier",
    "tape",
    "telephone",
    "terms",
    "tested",
    "title",
    "topic",
    "tournament",
    "travel",
    "unencap",
    "units",
    "vendor",
    "waves",
    "weight",
    "year",
    "yes",
    "yr",
};

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* t lower-cased with only letters, digits and '#' kept, into out. */
static void norm(const char *t, char *out, size_t outsz)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p && k + 1 < outsz; p++) {
        if (*p >= 'A' && *p <= 'Z')
            out[k++] = (char)(*p - 'A' + 'a');
        else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '#')
            out[k++] = (char)*p;
    }
    out[k] = '\0';
}

static int is_label_end(const char *t)
{
    char w[32];
    const char *key = w;
    norm(t, w, sizeof w);
    return *w && bsearch(&key, label_end, sizeof label_end / sizeof *label_end, sizeof *label_end,
                         cmp_str) != NULL;
}

int form_label_end(const char *t)
{
    return is_label_end(t);
}

/* A month's name or its abbreviation ("April", "Nov.", "SEPT"). */
static int is_month(const char *t)
{
    char w[32];
    norm(t, w, sizeof w);
    if (strlen(w) < 3)
        return 0;
    for (size_t i = 0; i < sizeof months / sizeof *months; i++)
        if (!strncmp(w, months[i], 3))
            return 1;
    return 0;
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

struct fs_case {
    size_t letters, upper, digits;
};

static void count_case(const char *t, struct fs_case *c)
{
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            c->letters++;
            c->upper++;
        } else if ((*p >= 'a' && *p <= 'z') || *p >= 0xC0) {
            c->letters++;
        } else if (is_digit(*p)) {
            c->digits++;
        }
    }
}

int form_leader(const char *t)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++, n++)
        if (*p != '-' && *p != '.' && *p != '~' && *p != '_')
            return 0;
    return n >= 2;
}

/* Whether the tail starting with word t[0] (n words) reads as the value of head h[0..nh). */
static int value_tail(const char *const *h, size_t nh, const char *const *t, size_t n)
{
    const unsigned char *a = (const unsigned char *)t[0];
    if (is_digit(a[0]) || ((a[0] == '#' || a[0] == '$' || a[0] == '(') && is_digit(a[1])))
        return 1; /* a number, a date, an amount */
    if (n > 1 && is_month(t[0]) && is_digit((unsigned char)t[1][0]))
        return 1; /* "April 30, 1985" */
    struct fs_case hc = {0, 0, 0}, tc = {0, 0, 0};
    for (size_t i = 0; i < nh; i++)
        count_case(h[i], &hc);
    count_case(t[0], &tc);
    /* a change of case after a short head */
    int short_head = nh <= FS_CASE_HEAD && hc.letters >= 2;
    int head_upper = short_head && hc.upper == hc.letters;
    int head_lower = short_head && hc.upper < hc.letters; /* some lower case */
    int tail_upper = tc.letters >= 2 && tc.upper == tc.letters;
    int tail_cap = tc.letters >= 2 && a[0] >= 'A' && a[0] <= 'Z' && tc.upper < tc.letters;
    if (head_lower && tail_upper)
        return 1; /* "Tobacco Used SPRING" */
    if (head_upper && tail_cap)
        return 1; /* "NAME Jimmy Bell" */
    char w[8];
    norm(h[nh - 1], w, sizeof w);
    /* a name after "by" / "to": "Dr. Connie Stone", "W. Barnes"; not "BY | THE AGENCY" */
    return (!strcmp(w, "by") || !strcmp(w, "to")) && a[0] >= 'A' && a[0] <= 'Z' &&
           (tc.upper < tc.letters || (tc.letters == 1 && a[1] == '.'));
}

/* A dash set apart between a label and its answer ("Original - Project File"). */
static int lone_dash(const char *t)
{
    return !strcmp(t, "-") || !strcmp(t, "\xe2\x80\x93") || !strcmp(t, "\xe2\x80\x94");
}

size_t form_label_cut(const char *const *t, size_t n)
{
    for (size_t i = 1; i < n && i <= FS_HEAD_MAX; i++) {
        struct fs_case c = {0, 0, 0};
        count_case(t[i - 1], &c);
        if (c.digits || form_leader(t[i - 1]) || strchr(t[i - 1], ':'))
            return 0; /* the head has no digits and no colon */
        /* a label starts with a capital ("for Export", "procedures by": prose) */
        const unsigned char c0 = (unsigned char)t[0][0];
        if (!(c0 >= 'A' && c0 <= 'Z'))
            return 0;
        if (is_label_end(t[i - 1]) && t[i - 1][0] != '(' && !is_month(t[i - 1]) &&
            value_tail(t, i, t + i, n - i))
            return i;
        if (i >= 2 && lone_dash(t[i - 1]) && is_label_end(t[i - 2]))
            return i; /* "Original - Project File": a dash after a label word parts them */
        size_t len = strlen(t[i - 1]);
        if (len > 1 && t[i - 1][len - 1] == ';')
            return i; /* "Trade Register; Cologne HRB 367": OCR's ';' for a label's ':' */
    }
    return 0;
}

/* The cuts of entity e: after a leader and before it ("Length ------ 85 mm"), and between a
 * label head and its value (form_label_cut).  cut[i] = 1 when a new entity starts at word
 * e->w0 + i (i = 1 .. e->nw - 1). */
static void ent_cuts(const struct tl_layout *L, const struct form_ent *e, char *cut)
{
    const char *t[FS_HEAD_MAX + 2];
    memset(cut, 0, e->nw);
    for (size_t i = 1; i < e->nw; i++)
        if (form_leader(L->words[L->ord[e->w0 + i]].text) ||
            form_leader(L->words[L->ord[e->w0 + i - 1]].text))
            cut[i] = 1;
    if (e->colon)
        return; /* a written label, whole */
    /* the first part (up to a leader) may be a label with its value */
    size_t end = 1;
    while (end < e->nw && !cut[end])
        end++;
    size_t n = end < FS_HEAD_MAX + 2 ? end : FS_HEAD_MAX + 2;
    for (size_t i = 0; i < n; i++)
        t[i] = L->words[L->ord[e->w0 + i]].text;
    size_t c = form_label_cut(t, n);
    if (c)
        cut[c] = 1;
}

size_t form_split_labels(const struct tl_layout *L, struct form_ent *v, size_t n, size_t cap)
{
    struct form_ent *old = malloc((n ? n : 1) * sizeof *old);
    char *cut = malloc(cap ? cap : 1);
    if (!old || !cut) {
        free(old);
        free(cut);
        return n; /* best effort: the entities as they were */
    }
    memcpy(old, v, n * sizeof *old);
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        const struct form_ent *e = &old[k];
        ent_cuts(L, e, cut);
        size_t start = 0;
        for (size_t i = 1; i <= e->nw; i++) {
            if (i < e->nw && !cut[i])
                continue;
            struct form_ent part = *e;
            if (start != 0 || i != e->nw) {
                part.w0 = e->w0 + start;
                part.nw = i - start;
                form_ent_finish(L, &part);
            }
            if (m < cap)
                v[m++] = part;
            start = i;
        }
    }
    free(old);
    free(cut);
    return m;
}
