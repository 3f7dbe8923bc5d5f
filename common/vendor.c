/* vendor.c -- the tenant's vendor memory: fuzzy name, VAT id and IBAN matching. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "align.h"
#include "vendor.h"

static const char *str(const cJSON *confirmed, const char *name)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(confirmed, name);
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "value"));
    return v ? v : cJSON_GetStringValue(o);
}

/* Upper case without spaces (ids). */
static void compact(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    for (; s && *s && k + 1 < outsz; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '-' || *s == '.')
            continue;
        out[k++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
    }
    out[k] = '\0';
}

/* ---- numbers that name a vendor ---- */

/* Whether word t (any case, punctuation around it ignored) is a registration, tax or phone
 * label. */
static int id_label(const char *t)
{
    static const char *const labels[] = {"GST", "SST", "VAT", "REG",   "CO",  "COMPANY", "ROC",
                                         "BRN", "TEL", "FAX", "PHONE", "H/P", "TIN"};
    char w[16];
    size_t k = 0;
    for (; *t && k + 1 < sizeof w; t++) {
        if ((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || *t == '/')
            w[k++] = (char)(*t >= 'a' && *t <= 'z' ? *t - 32 : *t);
        else if (k)
            break; /* "Reg.No" reads as "REG" */
    }
    w[k] = '\0';
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(w, labels[i]) == 0)
            return 1;
    return 0;
}

/* Adds number id (digits) to ids[0..*n) unless it is there, too short or the list full. */
static void add_id(char ids[][VENDOR_ID_MAX], size_t *n, size_t max, const char *id, size_t len)
{
    if (len < VENDOR_ID_DIGITS || len >= VENDOR_ID_MAX || *n >= max)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strlen(ids[i]) == len && memcmp(ids[i], id, len) == 0)
            return;
    memcpy(ids[*n], id, len);
    ids[*n][len] = '\0';
    (*n)++;
}

size_t vendor_page_ids(const struct cand_set *s, char ids[][VENDOR_ID_MAX], size_t max)
{
    size_t n = 0;
    for (size_t pi = 0; pi < s->npages; pi++) {
        const struct cand_page *cp = &s->pages[pi];
        for (size_t li = 0; li < cp->nlines; li++) {
            const struct cand_line *l = &cp->lines[li];
            int labelled = 0;
            for (size_t wi = l->w0; wi < l->w1 && !labelled; wi++)
                labelled = id_label(cp->page->words[wi].text ? cp->page->words[wi].text : "");
            if (!labelled)
                continue;
            char run[VENDOR_ID_MAX];
            size_t rl = 0;
            for (size_t wi = l->w0; wi <= l->w1; wi++) {
                const char *t =
                    wi < l->w1 && cp->page->words[wi].text ? cp->page->words[wi].text : "";
                /* a numeric word: digits and separators, punctuation around it ignored */
                size_t a = 0, b = strlen(t), digits = 0;
                while (a < b && !(t[a] >= '0' && t[a] <= '9'))
                    a++;
                while (b > a && !(t[b - 1] >= '0' && t[b - 1] <= '9'))
                    b--;
                int numeric = b > a && (a == 0 || strchr("(:#[", t[a - 1]) || a <= 1);
                for (size_t i = a; i < b && numeric; i++) {
                    digits += t[i] >= '0' && t[i] <= '9';
                    numeric =
                        (t[i] >= '0' && t[i] <= '9') || t[i] == '-' || t[i] == '.' || t[i] == '/';
                }
                if (!numeric || !digits) {
                    add_id(ids, &n, max, run, rl);
                    rl = 0;
                    continue;
                }
                for (size_t i = a; i < b; i++) {
                    if (t[i] == '/') {
                        add_id(ids, &n, max, run, rl);
                        rl = 0;
                    } else if (t[i] >= '0' && t[i] <= '9' && rl + 1 < sizeof run) {
                        run[rl++] = t[i];
                    }
                }
            }
        }
    }
    return n;
}

/* Whether two numbers are the same one: equal, or for long ones one edit apart. */
static int same_id(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la == lb && strcmp(a, b) == 0)
        return 1;
    if (la < VENDOR_ID_FUZZY || lb < VENDOR_ID_FUZZY)
        return 0;
    return align_distance(a, la, b, lb, 1) <= 1;
}

/* How many of vendor v's numbers are among ids[0..n). */
static size_t shared_ids(const struct vendor *v, char ids[][VENDOR_ID_MAX], size_t n)
{
    size_t hits = 0;
    for (size_t i = 0; i < VENDOR_IDS && v->ids[i][0]; i++)
        for (size_t k = 0; k < n; k++)
            if (same_id(v->ids[i], ids[k])) {
                hits++;
                break;
            }
    return hits;
}

/* ---- the list ---- */

dp_err vendor_add(struct vendor_list *l, const cJSON *confirmed, const struct cand_set *page)
{
    const char *company = str(confirmed, "company");
    if (!company)
        company = str(confirmed, "vendor");
    if (!company || !*company)
        return DP_OK;
    char a[VENDOR_TEXT_MAX], b[VENDOR_TEXT_MAX];
    align_norm(company, a, sizeof a);
    struct vendor *v = NULL;
    for (size_t i = 0; i < l->n && !v; i++) {
        align_norm(l->v[i].company, b, sizeof b);
        if (strcmp(a, b) == 0)
            v = &l->v[i];
    }
    if (!v) {
        if (l->n >= VENDOR_MAX)
            return DP_OK;
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 16;
            struct vendor *nv = realloc(l->v, cap * sizeof *nv);
            if (!nv)
                return DP_ENOMEM;
            l->v = nv;
            l->cap = cap;
        }
        v = &l->v[l->n++];
        memset(v, 0, sizeof *v);
    }
    /* this page's numbers first, then those the entry had */
    char ids[VENDOR_IDS][VENDOR_ID_MAX];
    size_t nid = page ? vendor_page_ids(page, ids, VENDOR_IDS) : 0;
    for (size_t i = 0; i < VENDOR_IDS && v->ids[i][0]; i++)
        add_id(ids, &nid, VENDOR_IDS, v->ids[i], strlen(v->ids[i]));
    memset(v, 0, sizeof *v);
    memcpy(v->ids, ids, nid * sizeof ids[0]);
    snprintf(v->company, sizeof v->company, "%s", company); /* the confirmed spelling */
    const char *addr = str(confirmed, "address");
    if (addr)
        snprintf(v->address, sizeof v->address, "%s", addr);
    compact(str(confirmed, "vat_id"), v->vat_id, sizeof v->vat_id);
    compact(str(confirmed, "iban"), v->iban, sizeof v->iban);
    return DP_OK;
}

dp_err vendor_vote(struct vendor_list *l, const cJSON *const *confirmed, size_t n)
{
    char a[VENDOR_TEXT_MAX], b[VENDOR_TEXT_MAX];
    size_t *of = malloc((n ? n : 1) * sizeof *of); /* vendor of each document, or l->n */
    if (!of)
        return DP_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *c = str(confirmed[i], "company");
        of[i] = l->n;
        if (!c)
            c = str(confirmed[i], "vendor");
        if (!c || !*c)
            continue;
        align_norm(c, a, sizeof a);
        for (size_t k = 0; k < l->n && of[i] == l->n; k++) {
            align_norm(l->v[k].company, b, sizeof b);
            if (strcmp(a, b) == 0)
                of[i] = k;
        }
    }
    for (size_t k = 0; k < l->n; k++) {
        size_t best = 0;
        const char *spelling = NULL;
        for (size_t i = 0; i < n; i++) {
            const char *ai = of[i] == k ? str(confirmed[i], "address") : NULL;
            if (!ai || !*ai)
                continue;
            align_norm(ai, a, sizeof a);
            size_t votes = 0; /* documents of the vendor confirming this spelling */
            for (size_t j = 0; j < n; j++) {
                const char *aj = of[j] == k ? str(confirmed[j], "address") : NULL;
                if (aj && align_norm(aj, b, sizeof b) && strcmp(a, b) == 0)
                    votes++;
            }
            if (votes >= best) {
                best = votes;
                spelling = ai;
            }
        }
        if (spelling)
            snprintf(l->v[k].address, sizeof l->v[k].address, "%s", spelling);
    }
    free(of);
    return DP_OK;
}

void vendor_list_cleanup(struct vendor_list *l)
{
    if (!l)
        return;
    free(l->v);
    memset(l, 0, sizeof *l);
}

int vendor_match(const struct vendor_list *l, const struct cand_set *s, size_t *cand, double *sim)
{
    char ct[VENDOR_TEXT_MAX], ids[VENDOR_IDS * 4][VENDOR_ID_MAX];
    size_t nid = vendor_page_ids(s, ids, VENDOR_IDS * 4);
    double *name = calloc(l->n ? l->n : 1, sizeof *name); /* best name similarity per vendor */
    size_t *at = calloc(l->n ? l->n : 1, sizeof *at);
    int best = -1;
    double bs = 0;
    *cand = (size_t)-1;
    *sim = 0;
    if (!name || !at) {
        free(name);
        free(at);
        return -1;
    }
    for (size_t ci = 0; ci < s->n; ci++) {
        const char *t = s->c[ci].text;
        /* ids are looked for inside whole lines: an IBAN is printed in groups of four */
        int idline = s->c[ci].kind == 1 && strlen(t) < sizeof ct;
        if (idline)
            compact(t, ct, sizeof ct);
        for (size_t vi = 0; vi < l->n; vi++) {
            const struct vendor *v = &l->v[vi];
            double x = 0;
            if (idline && ((strlen(v->vat_id) >= 8 && strstr(ct, v->vat_id)) ||
                           (strlen(v->iban) >= 15 && strstr(ct, v->iban))))
                x = 1.0;
            else if (strlen(v->company) >= VENDOR_MIN_NAME)
                x = align_similarity("company", v->company, t,
                                     name[vi] > VENDOR_MIN_SIM ? name[vi] : VENDOR_MIN_SIM);
            else
                x = align_similarity("company", v->company, t, 0.999);
            if (x >= VENDOR_MIN_SIM && x > name[vi]) {
                name[vi] = x;
                at[vi] = ci;
            }
        }
    }
    /* a shared number outweighs a name alone; among vendors sharing numbers, the most numbers,
     * then the name */
    for (size_t vi = 0; vi < l->n; vi++) {
        size_t hits = nid ? shared_ids(&l->v[vi], ids, nid) : 0;
        double score = (hits ? 1.0 + (double)hits : 0) + name[vi];
        if (score > bs) {
            bs = score;
            best = (int)vi;
            *cand = name[vi] > 0 ? at[vi] : (size_t)-1;
            *sim = hits ? 1.0 : name[vi];
        }
    }
    free(name);
    free(at);
    return best;
}

/* ---- another spelling or a misreading ---- */

#define OWN_WORDS    24 /* words compared (longer names are never another spelling) */
#define OWN_WORD_MAX 32

/* The words of s, letters and digits only, upper case; words left empty are dropped. Returns
 * how many (OWN_WORDS + 1 when there are more). */
static size_t own_words(const char *s, char w[][OWN_WORD_MAX])
{
    size_t n = 0, k = 0;
    for (;; s++) {
        char c = *s;
        if (!c || c == ' ' || c == '\t' || c == '\n') {
            if (k) {
                if (n == OWN_WORDS)
                    return OWN_WORDS + 1;
                w[n++][k] = '\0';
                k = 0;
            }
            if (!c)
                break;
            continue;
        }
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum && n < OWN_WORDS && k + 1 < OWN_WORD_MAX)
            w[n][k++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    return n;
}

int vendor_own_spelling(const char *page, const char *remembered)
{
    char a[OWN_WORDS][OWN_WORD_MAX], b[OWN_WORDS][OWN_WORD_MAX];
    size_t na = page ? own_words(page, a) : 0, nb = remembered ? own_words(remembered, b) : 0;
    if (na < 2 || nb < 2 || na > OWN_WORDS || nb > OWN_WORDS)
        return 0;
    /* the same letters and digits: the page's spacing and punctuation are what is printed */
    char sa[OWN_WORDS * OWN_WORD_MAX], sb[OWN_WORDS * OWN_WORD_MAX];
    size_t ka = 0, kb = 0;
    for (size_t i = 0; i < na; i++)
        for (const char *p = a[i]; *p; p++)
            sa[ka++] = *p;
    for (size_t i = 0; i < nb; i++)
        for (const char *p = b[i]; *p; p++)
            sb[kb++] = *p;
    sa[ka] = sb[kb] = '\0';
    if (strcmp(sa, sb) == 0) {
        char x[VENDOR_TEXT_MAX], y[VENDOR_TEXT_MAX];
        align_norm(page, x, sizeof x);
        align_norm(remembered, y, sizeof y);
        return strcmp(x, y) != 0;
    }
    if (na == nb)
        return 0;
    /* the shorter one must be the longer one with inner words left out */
    char(*s)[OWN_WORD_MAX] = na < nb ? a : b, (*l)[OWN_WORD_MAX] = na < nb ? b : a;
    size_t ns = na < nb ? na : nb, nl = na < nb ? nb : na;
    if (strcmp(s[0], l[0]) != 0 || strcmp(s[ns - 1], l[nl - 1]) != 0)
        return 0;
    size_t i = 0;
    for (size_t j = 0; j < nl; j++) {
        if (i < ns && strcmp(s[i], l[j]) == 0)
            i++;
        else if (l == a && strlen(l[j]) < 2)
            return 0; /* a stray mark on the page is a misreading */
    }
    return i == ns;
}

/* Replaces the unconfirmed field name by a memory field. */
static void set_field(cJSON *fields, const char *name, const char *value, const struct cand *c,
                      const char *text, double conf)
{
    cJSON *it = fields->child;
    while (it) {
        cJSON *next = it->next;
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "source"));
        if (n && strcmp(n, name) == 0) {
            if (src && strcmp(src, "confirmed") == 0)
                return;
            cJSON_Delete(cJSON_DetachItemViaPointer(fields, it));
        }
        it = next;
    }
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "name", name);
    cJSON_AddStringToObject(f, "value", value);
    cJSON_AddStringToObject(f, "text", text);
    cJSON_AddNumberToObject(f, "confidence", (double)(int)(conf * 1000 + 0.5) / 1000);
    if (c) {
        int box[4] = {c->x, c->y, c->w, c->h};
        cJSON_AddNumberToObject(f, "page", (double)c->page + 1);
        cJSON_AddItemToObject(f, "bbox", cJSON_CreateIntArray(box, 4));
    } else {
        cJSON_AddNullToObject(f, "page");
        cJSON_AddNullToObject(f, "bbox");
    }
    cJSON_AddBoolToObject(f, "valid", 1);
    cJSON_AddStringToObject(f, "source", "memory");
    cJSON_AddItemToArray(fields, f);
}

int vendor_apply(const struct vendor_list *l, const struct cand_set *s, cJSON *fields)
{
    size_t ci = 0;
    double sim = 0;
    int vi = vendor_match(l, s, &ci, &sim);
    if (vi < 0 || !cJSON_IsArray(fields))
        return 0;
    const struct vendor *v = &l->v[vi];
    const struct cand *c = ci < s->n ? &s->c[ci] : NULL;
    /* the page names another shop of the chain: its own spelling stands */
    if (!c || !vendor_own_spelling(c->text, v->company))
        set_field(fields, "company", v->company, c, c ? c->text : v->company, sim);
    /* the remembered address only where the page shows it: a vendor with branches prints
     * another one */
    double best = 0;
    size_t at = 0;
    for (size_t i = 0; i < s->n && v->address[0]; i++) {
        if (s->c[i].kind == 0)
            continue;
        double x = align_similarity("address", v->address, s->c[i].text,
                                    best > VENDOR_ADDR_SIM ? best : VENDOR_ADDR_SIM);
        if (x > best) {
            best = x;
            at = i;
        }
    }
    /* ...with the page's own words where they are no misreading of it (another shop's floor
     * or number: vendor_merge) */
    char merged[VENDOR_TEXT_MAX];
    if (best >= VENDOR_ADDR_SIM)
        set_field(fields, "address",
                  vendor_merge(s->c[at].text, v->address, merged, sizeof merged) ? merged
                                                                                 : v->address,
                  &s->c[at], s->c[at].text, best);
    return 1;
}

double vendor_snap(const struct vendor_list *l, int address, const char *value, double min,
                   char *out, size_t outsz)
{
    double best = 0;
    const char *bv = NULL;
    int tie = 0;
    char a[VENDOR_TEXT_MAX], b[VENDOR_TEXT_MAX];
    for (size_t i = 0; l && value && i < l->n; i++) {
        const char *v = address ? l->v[i].address : l->v[i].company;
        if (!v[0] || (!address && vendor_own_spelling(value, v)))
            continue;
        double x = align_similarity(address ? "address" : "company", v, value, min);
        if (x < min || x < best - 1e-9)
            continue;
        if (x <= best + 1e-9 && bv) { /* as alike: the same spelling, or no answer */
            align_norm(v, a, sizeof a);
            align_norm(bv, b, sizeof b);
            tie |= strcmp(a, b) != 0;
            continue;
        }
        best = x;
        bv = v;
        tie = 0;
    }
    if (!bv || tie || outsz == 0)
        return 0;
    snprintf(out, outsz, "%s", bv);
    return best;
}

/* ---- the page's own words where they are no misreading of the remembered ones ---- */

#define MERGE_WORDS 64 /* words of either text merged (longer texts are left alone) */

/* Whether OCR reads characters a and b (upper case) for one another: closed shapes, strokes. */
static int confusable(char a, char b)
{
    static const char *const pairs[] = {"S3", "S5", "O0", "OD", "D0", "I1", "L1", "IL", "TI",
                                        "B8", "G6", "Z2", "MN", "HN", "UV", "CG", "EF", "T7"};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if ((pairs[i][0] == a && pairs[i][1] == b) || (pairs[i][0] == b && pairs[i][1] == a))
            return 1;
    return 0;
}

/* The edit distance of a and b, a substitution OCR makes (confusable) costing a half. */
static double ocr_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    double row[VENDOR_TEXT_MAX + 1];
    if (lb > VENDOR_TEXT_MAX)
        return (double)(la > lb ? la : lb);
    for (size_t j = 0; j <= lb; j++)
        row[j] = (double)j;
    for (size_t i = 1; i <= la; i++) {
        double diag = row[0];
        row[0] = (double)i;
        for (size_t j = 1; j <= lb; j++) {
            double sub = diag + (a[i - 1] == b[j - 1]             ? 0
                                 : confusable(a[i - 1], b[j - 1]) ? 0.5
                                                                  : 1);
            double del = row[j] + 1, ins = row[j - 1] + 1;
            diag = row[j];
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    }
    return row[lb];
}

/* Splits s (a copy in buf) into its words (w, at most MERGE_WORDS) and their letters and
 * digits upper-cased (nw, own_words form). Returns how many, MERGE_WORDS + 1 when more. */
static size_t merge_words(const char *s, char *buf, size_t bufsz, char **w, char nw[][OWN_WORD_MAX])
{
    size_t n = 0;
    snprintf(buf, bufsz, "%s", s);
    for (char *p = buf; *p;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        if (n == MERGE_WORDS)
            return MERGE_WORDS + 1;
        w[n] = p;
        size_t k = 0;
        for (; *p && *p != ' '; p++)
            if (((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                 (*p >= '0' && *p <= '9')) &&
                k + 1 < OWN_WORD_MAX)
                nw[n][k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        nw[n++][k] = '\0';
    }
    return n;
}

/* Appends words w[a..b) to out (at *k, space-separated). */
static void put_words(char **w, size_t a, size_t b, char *out, size_t outsz, size_t *k)
{
    for (size_t i = a; i < b; i++) {
        int n = snprintf(out + *k, outsz - *k, "%s%s", *k ? " " : "", w[i]);
        if (n < 0 || (size_t)n >= outsz - *k)
            return;
        *k += (size_t)n;
    }
}

/* The letters and digits of words [a, b) joined (into out, VENDOR_TEXT_MAX bytes). */
static void joined(char nw[][OWN_WORD_MAX], size_t a, size_t b, char *out)
{
    size_t k = 0;
    for (size_t i = a; i < b; i++)
        for (const char *p = nw[i]; *p && k + 1 < VENDOR_TEXT_MAX; p++)
            out[k++] = *p;
    out[k] = '\0';
}

int vendor_merge(const char *page, const char *remembered, char *out, size_t outsz)
{
    char pb[VENDOR_TEXT_MAX * 2], rb[VENDOR_TEXT_MAX * 2];
    char *pw[MERGE_WORDS], *rw[MERGE_WORDS];
    char pn[MERGE_WORDS][OWN_WORD_MAX], rn[MERGE_WORDS][OWN_WORD_MAX];
    if (!page || !remembered || outsz == 0)
        return 0;
    size_t np = merge_words(page, pb, sizeof pb, pw, pn);
    size_t nr = merge_words(remembered, rb, sizeof rb, rw, rn);
    if (np > MERGE_WORDS || nr > MERGE_WORDS || !np || !nr)
        return 0;
    /* the longest common run of words (letters and digits equal), from the end */
    static const size_t cap = MERGE_WORDS + 1;
    unsigned char lcs[(MERGE_WORDS + 1) * (MERGE_WORDS + 1)];
    for (size_t i = np + 1; i-- > 0;)
        for (size_t j = nr + 1; j-- > 0;) {
            unsigned char *c = &lcs[i * cap + j];
            if (i == np || j == nr)
                *c = 0;
            else if (pn[i][0] && strcmp(pn[i], rn[j]) == 0)
                *c = (unsigned char)(lcs[(i + 1) * cap + j + 1] + 1);
            else
                *c = lcs[(i + 1) * cap + j] > lcs[i * cap + j + 1] ? lcs[(i + 1) * cap + j]
                                                                   : lcs[i * cap + j + 1];
        }
    size_t i = 0, j = 0, k = 0, own = 0;
    out[0] = '\0';
    while (i < np || j < nr) {
        /* the next pair of equal words (or the ends), and the stretch before it */
        size_t a = i, b = j;
        while (a < np && b < nr &&
               !(pn[a][0] && strcmp(pn[a], rn[b]) == 0 &&
                 lcs[a * cap + b] == lcs[(a + 1) * cap + b + 1] + 1)) {
            if (lcs[(a + 1) * cap + b] >= lcs[a * cap + b + 1])
                a++;
            else
                b++;
        }
        if (a == np || b == nr) {
            a = np;
            b = nr;
        }
        char ps[VENDOR_TEXT_MAX], rs[VENDOR_TEXT_MAX];
        joined(pn, i, a, ps);
        joined(rn, j, b, rs);
        size_t lp = strlen(ps), lr = strlen(rs), lmax = lp > lr ? lp : lr;
        /* the page's words where they are no misreading of the remembered ones: another
         * branch's number, floor or mall ("1245-DESA SRI HARTAMAS" for "1076-IJOK") */
        if (lp && lr && ocr_distance(ps, rs) > 0.5 * (double)lmax) {
            put_words(pw, i, a, out, outsz, &k);
            own = 1;
        } else {
            put_words(rw, j, b, out, outsz, &k);
        }
        if (a < np && b < nr)
            put_words(rw, b, b + 1, out, outsz, &k); /* the equal word, remembered spelling */
        i = a < np ? a + 1 : np;
        j = b < nr ? b + 1 : nr;
    }
    return own;
}
