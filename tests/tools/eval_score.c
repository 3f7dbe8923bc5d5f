/* eval_score.c -- pure scorers of docproc-eval: word matching, field comparison, confusion. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eval.h"
#include "extract.h"

/* ---- OCR words ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Length of the UTF-8 sequence at p when it is punctuation: an ASCII punctuation mark, or one
 * of Unicode's that OCR writes for printed marks the truth types in ASCII (the General
 * Punctuation block U+2010-U+205E: curly quotes, dashes, ellipsis, primes; and the Latin-1
 * marks U+00A1 U+00AB U+00B7 U+00BB U+00BF). 0 otherwise (letters, digits, other symbols). */
static size_t punct_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return p[0] && ispunct(p[0]) ? 1 : 0;
    if (p[0] == 0xC2 &&
        (p[1] == 0xA1 || p[1] == 0xAB || p[1] == 0xB7 || p[1] == 0xBB || p[1] == 0xBF))
        return 2;
    if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x90 && p[2] <= 0xBF) /* U+2010-U+203F */
        return 3;
    if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0x80 && p[2] <= 0x9E) /* U+2040-U+205E */
        return 3;
    return 0;
}

/* Loose form of a token in place: ASCII lower case, punctuation around it removed (ASCII marks
 * and the Unicode ones punct_len knows, so a typographic quote counts as the ASCII one).
 * Returns the token start (possibly empty). */
static char *loosen(char *t)
{
    size_t n = strlen(t), k;
    while (n) {
        size_t i = n - 1; /* the last character's first byte */
        while (i && ((unsigned char)t[i] & 0xC0) == 0x80)
            i--;
        if (!(k = punct_len((const unsigned char *)t + i)) || i + k != n)
            break;
        n = i;
        t[n] = '\0';
    }
    while (*t && (k = punct_len((const unsigned char *)t)))
        t += k;
    for (char *p = t; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return t;
}

/* Splits a copy of s into tokens (loosened when loose); *buf and the returned array are the
 * caller's. */
static char **tokens(const char *s, int loose, size_t *n, char **buf)
{
    size_t len = s ? strlen(s) : 0, cap = len / 2 + 1, k = 0;
    char **v = malloc(cap * sizeof *v);
    *buf = malloc(len + 1);
    if (!v || !*buf) {
        free(v);
        free(*buf);
        *buf = NULL;
        *n = 0;
        return NULL;
    }
    memcpy(*buf, s ? s : "", len + 1);
    for (char *p = *buf; *p;) {
        while (*p && isspace((unsigned char)*p))
            *p++ = '\0';
        if (!*p)
            break;
        v[k++] = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if (*p)
            *p++ = '\0';
        if (loose && !*(v[k - 1] = loosen(v[k - 1])))
            k--;
    }
    *n = k;
    return v;
}

void eval_words_match(const char *truth, const char *pred, int loose, struct eval_ocr *acc)
{
    char *tb = NULL, *pb = NULL;
    size_t nt = 0, np = 0, i = 0, j = 0, m = 0;
    char **t = tokens(truth, loose, &nt, &tb), **p = tokens(pred, loose, &np, &pb);
    if (nt)
        qsort(t, nt, sizeof *t, cmp_str);
    if (np)
        qsort(p, np, sizeof *p, cmp_str);
    while (i < nt && j < np) {
        int c = strcmp(t[i], p[j]);
        if (c == 0) {
            m++;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    acc->truth += nt;
    acc->pred += np;
    acc->matched += m;
    free(t);
    free(p);
    free(tb);
    free(pb);
}

/* ---- strings ---- */

void eval_norm_text(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    int space = 0;
    if (!outsz)
        return;
    while (*s && isspace((unsigned char)*s))
        s++;
    for (; *s && k + 1 < outsz; s++) {
        if (isspace((unsigned char)*s)) {
            space = 1;
            continue;
        }
        if (space && k + 2 < outsz)
            out[k++] = ' ';
        space = 0;
        out[k++] = (char)toupper((unsigned char)*s);
    }
    out[k] = '\0';
}

/* Removes every whitespace character, upper case. */
static void squeeze(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    for (; *s && k + 1 < outsz; s++)
        if (!isspace((unsigned char)*s))
            out[k++] = (char)toupper((unsigned char)*s);
    out[k] = '\0';
}

double eval_similarity(const char *a, const char *b)
{
    char x[EVAL_VALUE_MAX], y[EVAL_VALUE_MAX];
    eval_norm_text(a, x, sizeof x);
    eval_norm_text(b, y, sizeof y);
    size_t n = strlen(x), m = strlen(y);
    if (n == 0 && m == 0)
        return 1.0;
    size_t *row = malloc((m + 1) * sizeof *row);
    if (!row)
        return 0.0;
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    double d = (double)row[m];
    free(row);
    return 1.0 - d / (double)(n > m ? n : m);
}

int eval_truth_date(const char *printed, char *out, size_t outsz)
{
    struct extract_date d;
    size_t len = strlen(printed);
    if (extract_parse_date(printed, len, EXTRACT_DAY_FIRST, &d) != DP_OK) {
        /* "20180304": compact ISO, which the extractor does not read as a printed date */
        const char *p = printed;
        while (isspace((unsigned char)*p))
            p++;
        if (strspn(p, "0123456789") != 8 || (p[8] && !isspace((unsigned char)p[8])))
            return -1;
        d.year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
        d.month = (p[4] - '0') * 10 + (p[5] - '0');
        d.day = (p[6] - '0') * 10 + (p[7] - '0');
        if (!extract_date_valid(d.year, d.month, d.day))
            return -1;
    }
    snprintf(out, outsz, "%04d-%02d-%02d", d.year, d.month, d.day);
    return 0;
}

int eval_truth_amount(const char *printed, char *out, size_t outsz)
{
    return extract_parse_amount(printed, strlen(printed), out, outsz) == DP_OK ? 0 : -1;
}

int eval_field_equal(const char *name, const char *truth, const char *pred)
{
    char a[EVAL_VALUE_MAX], b[EVAL_VALUE_MAX];
    if (strcmp(name, "date") == 0 || strcmp(name, "due_date") == 0) {
        /* both sides are ISO when read; a truth that is no date never matches */
        return eval_truth_date(truth, a, sizeof a) == 0 &&
               eval_truth_date(pred, b, sizeof b) == 0 && strcmp(a, b) == 0;
    }
    if (strcmp(name, "total") == 0 || strcmp(name, "subtotal") == 0 || strcmp(name, "tax") == 0) {
        return eval_truth_amount(truth, a, sizeof a) == 0 &&
               eval_truth_amount(pred, b, sizeof b) == 0 && strtod(a, NULL) == strtod(b, NULL);
    }
    if (strcmp(name, "invoice_number") == 0 || strcmp(name, "iban") == 0 ||
        strcmp(name, "vat_id") == 0 || strcmp(name, "currency") == 0) {
        squeeze(truth, a, sizeof a);
        squeeze(pred, b, sizeof b);
        return a[0] && strcmp(a, b) == 0;
    }
    eval_norm_text(truth, a, sizeof a);
    eval_norm_text(pred, b, sizeof b);
    return a[0] && strcmp(a, b) == 0;
}

static const cJSON *find_field(const cJSON *doc, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(doc, "fields"))
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItem(f, "name"));
        if (n && strcmp(n, name) == 0)
            return f;
    }
    return NULL;
}

int eval_pred_field(const cJSON *doc, const char *name, char *out, size_t outsz)
{
    const cJSON *f, *v;
    const char *s = NULL;
    out[0] = '\0';
    if (strcmp(name, "currency") == 0) {
        f = find_field(doc, "total");
        if (!f)
            f = find_field(doc, "subtotal");
        v = cJSON_GetObjectItem(cJSON_GetObjectItem(f, "value"), "currency");
        s = cJSON_GetStringValue(v);
    } else if ((f = find_field(doc, name)) != NULL) {
        v = cJSON_GetObjectItem(f, "value");
        s = cJSON_IsObject(v) ? cJSON_GetStringValue(cJSON_GetObjectItem(v, "amount"))
                              : cJSON_GetStringValue(v);
    }
    if (!s)
        return 0;
    snprintf(out, outsz, "%s", s);
    return 1;
}

/* ---- accumulation ---- */

static size_t label_index(char (*labels)[EVAL_LABEL_MAX], size_t *n, const char *label)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(labels[i], label) == 0)
            return i;
    if (*n == EVAL_MAX_LABELS)
        return EVAL_MAX_LABELS - 1; /* Best effort: overflow lands in the last row/column. */
    snprintf(labels[*n], EVAL_LABEL_MAX, "%s", label);
    return (*n)++;
}

void eval_score_label(struct eval_score *sc, const char *truth, const char *pred)
{
    size_t r = label_index(sc->cls.truth, &sc->cls.ntruth, truth);
    size_t c = label_index(sc->cls.pred, &sc->cls.npred, pred && *pred ? pred : "(none)");
    sc->cls.m[r][c]++;
}

static struct eval_field_stat *field_stat(struct eval_score *sc, const char *name)
{
    for (size_t i = 0; i < sc->nfields; i++)
        if (strcmp(sc->fields[i].name, name) == 0)
            return &sc->fields[i];
    if (sc->nfields == EVAL_MAX_FIELDS)
        return NULL;
    struct eval_field_stat *f = &sc->fields[sc->nfields++];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    return f;
}

/* Upper case, runs of ASCII non-alphanumerics -> one space, trimmed; caller frees. */
static char *present_norm(const char *s)
{
    size_t len = strlen(s), k = 0;
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80 && !isalnum(*p)) {
            if (k && out[k - 1] != ' ')
                out[k++] = ' ';
            continue;
        }
        out[k++] = (char)toupper(*p);
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
    return out;
}

int eval_present_in(const char *text, const char *value)
{
    char *t = present_norm(text ? text : ""), *v = present_norm(value ? value : "");
    int yes = t && v && *v && strstr(t, v) != NULL;
    free(t);
    free(v);
    return yes;
}

static struct eval_present *present_stat(struct eval_score *sc, const char *name)
{
    for (size_t i = 0; i < sc->npresent; i++)
        if (strcmp(sc->present[i].name, name) == 0)
            return &sc->present[i];
    if (sc->npresent == EVAL_MAX_PRINTED)
        return NULL;
    struct eval_present *p = &sc->present[sc->npresent++];
    snprintf(p->name, sizeof p->name, "%s", name);
    return p;
}

void eval_score_doc(struct eval_score *sc, const struct eval_item *it, const cJSON *doc,
                    int verbose)
{
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "text"));
    char *alt = it->nprinted ? eval_alt_text(doc) : NULL;
    for (size_t i = 0; i < it->nprinted; i++) {
        struct eval_present *p = present_stat(sc, it->printed[i].name);
        if (!p)
            continue;
        p->truth++;
        int yes = eval_present_in(text, it->printed[i].value);
        int yes_alt = yes || (alt && eval_present_in(alt, it->printed[i].value));
        p->present += (size_t)yes;
        p->present_alt += (size_t)yes_alt;
        if (verbose && !yes)
            fprintf(stderr, "  %s: %s \"%s\" not in the text%s\n", it->name, p->name,
                    it->printed[i].value, yes_alt ? " (in the second reading)" : "");
    }
    free(alt);
    if (it->words) {
        struct eval_ocr one = {0};
        eval_words_match(it->words, text ? text : "", 0, &one);
        sc->ocr.truth += one.truth;
        sc->ocr.pred += one.pred;
        sc->ocr.matched += one.matched;
        eval_words_match(it->words, text ? text : "", 1, &sc->ocr_loose);
        if (verbose)
            fprintf(stderr, "  %s: words recall %.3f precision %.3f\n", it->name,
                    one.truth ? (double)one.matched / (double)one.truth : 0.0,
                    one.pred ? (double)one.matched / (double)one.pred : 0.0);
    }
    for (size_t i = 0; i < it->nfields; i++) {
        const struct eval_truth_field *t = &it->fields[i];
        struct eval_field_stat *f = field_stat(sc, t->name);
        char pred[EVAL_VALUE_MAX];
        if (!f)
            continue;
        int have = eval_pred_field(doc, t->name, pred, sizeof pred);
        int ok = have && eval_field_equal(t->name, t->value, pred);
        f->truth++;
        f->pred += (size_t)have;
        f->correct += (size_t)ok;
        f->sim_sum += have ? eval_similarity(t->value, pred) : 0.0;
        if (verbose && !ok)
            fprintf(stderr, "  %s: %-14s want \"%s\" got %s%s%s\n", it->name, t->name, t->value,
                    have ? "\"" : "", have ? pred : "nothing", have ? "\"" : "");
    }
    if (it->table_rels) {
        struct eval_ocr one = {0};
        char *pred = eval_tables_pred(doc);
        eval_rel_match(it->table_rels, pred, &one);
        free(pred);
        sc->tables.truth += one.truth;
        sc->tables.pred += one.pred;
        sc->tables.matched += one.matched;
        if (verbose)
            fprintf(stderr, "  %s: table relations truth %zu found %zu matched %zu\n", it->name,
                    one.truth, one.pred, one.matched);
    }
    if (it->kv_pairs) {
        eval_kv_match(it->kv_pairs, doc, &sc->kv);
        eval_kv_match_squeezed(it->kv_pairs, doc, &sc->kv_nb);
    }
    if (it->lines_json) {
        cJSON *truth = cJSON_Parse(it->lines_json);
        size_t t = 0, p = 0, m = 0;
        eval_lines_match(truth, cJSON_GetObjectItem(doc, "line_items"), &t, &p, &m);
        sc->li_truth += t, sc->li_pred += p, sc->li_matched += m;
        if (verbose && m < t)
            fprintf(stderr, "  %s: line items: %zu of %zu matched, %zu read\n", it->name, m, t, p);
        cJSON_Delete(truth);
    }
    if (it->label[0]) {
        const cJSON *cls = cJSON_GetObjectItem(doc, "class");
        const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(cls, "label"));
        eval_score_label(sc, it->label, p);
        if (verbose && (!p || strcmp(p, it->label) != 0))
            fprintf(stderr, "  %s: class want %s got %s\n", it->name, it->label, p ? p : "-");
    }
}

/* ---- self-test ---- */

#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "selftest: %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
            fails++;                                                                               \
        }                                                                                          \
    } while (0)

int eval_selftest(void)
{
    int fails = 0;
    char buf[64];
    EXPECT(eval_present_in("Tel: 07-1234\nTOTAL  RM 9.00", "rm9.00") == 0);
    EXPECT(eval_present_in("Tel: 07-1234\nTOTAL  RM 9.00", "RM 9.00"));
    EXPECT(eval_present_in("NO.53 55,57 & 59,\nJALAN SAGU", "no 53 55 57 59 jalan sagu"));
    EXPECT(eval_present_in("25/12/2018", "25-12-2018") && !eval_present_in("x", ""));
    struct eval_ocr o = {0};
    eval_words_match("the cat the dog", "the the the cat", 0, &o);
    EXPECT(o.truth == 4 && o.pred == 4 && o.matched == 3);
    eval_words_match("", "x", 0, &o);
    EXPECT(o.truth == 4 && o.pred == 5 && o.matched == 3);
    memset(&o, 0, sizeof o);
    eval_words_match("TOTAL: 9.00 (RM)", "total 9.00 rm ,", 0, &o);
    EXPECT(o.truth == 3 && o.pred == 4 && o.matched == 1);
    memset(&o, 0, sizeof o);
    eval_words_match("TOTAL: 9.00 (RM)", "total 9.00 rm ,", 1, &o);
    EXPECT(o.truth == 3 && o.pred == 3 && o.matched == 3);
    eval_norm_text("  a\t b\n\nc  ", buf, sizeof buf);
    EXPECT(strcmp(buf, "A B C") == 0);
    EXPECT(eval_truth_date("25/12/2018", buf, sizeof buf) == 0 && strcmp(buf, "2018-12-25") == 0);
    EXPECT(eval_truth_date("04/02/2017", buf, sizeof buf) == 0 && strcmp(buf, "2017-02-04") == 0);
    EXPECT(eval_truth_date("22-04-16", buf, sizeof buf) == 0 && strcmp(buf, "2016-04-22") == 0);
    EXPECT(eval_truth_date("20180304", buf, sizeof buf) == 0 && strcmp(buf, "2018-03-04") == 0);
    EXPECT(eval_truth_date("total", buf, sizeof buf) == -1);
    EXPECT(eval_truth_amount("RM 9.00", buf, sizeof buf) == 0 && strcmp(buf, "9.00") == 0);
    EXPECT(eval_field_equal("total", "9.00", "9.0"));
    EXPECT(!eval_field_equal("total", "9.00", "9.01"));
    EXPECT(eval_field_equal("date", "2018-12-25", "25/12/2018"));
    EXPECT(!eval_field_equal("date", "2018-12-25", "2018-12-26"));
    EXPECT(eval_field_equal("company", "BOOK TA .K  SDN BHD", "book ta .k sdn bhd"));
    EXPECT(!eval_field_equal("company", "", ""));
    EXPECT(eval_field_equal("iban", "NL50 INGB 0683 2513 09", "NL50INGB0683251309"));
    EXPECT(eval_similarity("abc", "abc") == 1.0);
    EXPECT(eval_similarity("abcd", "abce") == 0.75);
    cJSON *doc = cJSON_Parse("{\"fields\":[{\"name\":\"total\",\"value\":{\"amount\":\"9.00\","
                             "\"currency\":\"MYR\"}},{\"name\":\"company\",\"value\":\"X SDN\"}]}");
    EXPECT(eval_pred_field(doc, "total", buf, sizeof buf) && strcmp(buf, "9.00") == 0);
    EXPECT(eval_pred_field(doc, "currency", buf, sizeof buf) && strcmp(buf, "MYR") == 0);
    EXPECT(eval_pred_field(doc, "company", buf, sizeof buf) && strcmp(buf, "X SDN") == 0);
    EXPECT(!eval_pred_field(doc, "date", buf, sizeof buf));
    struct eval_score sc;
    memset(&sc, 0, sizeof sc);
    struct eval_item it;
    memset(&it, 0, sizeof it);
    snprintf(it.fields[0].name, sizeof it.fields[0].name, "total");
    snprintf(it.fields[0].value, sizeof it.fields[0].value, "9.00");
    snprintf(it.fields[1].name, sizeof it.fields[1].name, "date");
    snprintf(it.fields[1].value, sizeof it.fields[1].value, "2018-12-25");
    it.nfields = 2;
    snprintf(it.label, sizeof it.label, "receipt");
    eval_score_doc(&sc, &it, doc, 0);
    EXPECT(sc.nfields == 2 && sc.fields[0].correct == 1 && sc.fields[1].pred == 0);
    EXPECT(sc.fields[1].truth == 1 && sc.cls.ntruth == 1 && sc.cls.m[0][0] == 1);
    EXPECT(strcmp(sc.cls.pred[0], "(none)") == 0);
    EXPECT(eval_errkind_of(1, 1, 1, 1, 1.0) == EVAL_ERR_RIGHT);
    EXPECT(eval_errkind_of(0, 1, 1, 1, 1.0) == EVAL_ERR_RANKING);
    EXPECT(eval_errkind_of(0, 0, 1, 1, 1.0) == EVAL_ERR_MISSING_RANKING);
    EXPECT(eval_errkind_of(0, 1, 0, 1, 0.95) == EVAL_ERR_NOT_CAND);
    EXPECT(eval_errkind_of(0, 1, 0, 0, 0.85) == EVAL_ERR_OCR);
    EXPECT(eval_errkind_of(0, 0, 0, 0, 0.5) == EVAL_ERR_NOWHERE);
    EXPECT(strcmp(eval_errkind_name(EVAL_ERR_OCR), "ocr_errors") == 0);
    cJSON_Delete(doc);
    return fails;
}
