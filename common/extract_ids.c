/* extract_ids.c -- identifiers and contacts: IBAN (mod-97, OCR repair), EU VAT id, invoice
 * number, e-mail, phone and URL. */
#include "extract_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Invoice-number labels: a document word, then optionally a kind of number. */
#define INVNO_LABEL                                                                                \
    "(?:tax\\h*invoice|invoice|inv|\\p{L}*rechnung(?:skorrektur)?s?|gutschrift|facture|factura|"   \
    "fattura|factuur|credit\\h*note|avoir|cash\\h*bill|bill|receipt|document|doc|order|booking|"   \
    "reference|ref|transaction|trans|txn|slip|beleg|quittung)"                                     \
    "(?:(?:\\h+\\p{L}{2,}){0,2}\\h*\\([0-9]{3}\\)(?=\\h*(?:nr|no|n[°º]|#)))?"                    \
    "\\h*(?<kind>-?\\h*(?:number|nummer|num[ée]ro|n[úu]mero|numero|num|no|nr|n[°º]|n\\.|#|id)" \
    "(?!\\p{L}))?(?!\\p{L})"                                                                       \
    "|(?:n[°º]|num[ée]ro|n[úu]mero|numero|nr\\.?)\\h*(?:de\\h*(?:la\\h*)?)?"                   \
    "(?:facture|factura|fattura|factuur)"

const struct extract_re extract_ids_res[] = {
    /* Country, check digits (OCR O/I/l allowed), then 11+ alphanumerics with single spaces;
     * the run is cut to the country's length afterwards. */
    {XRE_IBAN, "(?<![A-Za-z0-9])(?<iban>[A-Z]{2}[0-9OIl]{2}(?:\\h?[A-Za-z0-9]){11,32})", 0},
    {XRE_VAT,
     "(?<![A-Za-z0-9])(?<vat>AT\\h?U\\h?[0-9]{8}|BE\\h?[01]?[0-9]{3}[.\\h]?[0-9]{3}[.\\h]?[0-9]{3}"
     "|DE(?:\\h?[0-9]){9}|FR(?:\\h?[0-9A-Z]){2}(?:\\h?[0-9]){9}"
     "|NL\\h?[0-9]{4}\\.?[0-9]{2}\\.?[0-9]{3}\\.?B\\.?[0-9]{2}"
     "|GB\\h?[0-9]{3}\\h?[0-9]{4}\\h?[0-9]{2}(?:\\h?[0-9]{3})?|ES\\h?[0-9A-Z][0-9]{7}[0-9A-Z]"
     "|IT\\h?[0-9]{11}|LU\\h?[0-9]{8}|DK\\h?[0-9]{8}|SE\\h?[0-9]{12}|PL\\h?[0-9]{10}"
     "|PT\\h?[0-9]{9}|IE\\h?[0-9][0-9A-Z][0-9]{5}[A-Z]{1,2}|FI\\h?[0-9]{8}|CZ\\h?[0-9]{8,10}"
     "|CHE[\\-\\h]?[0-9]{3}\\.?[0-9]{3}\\.?[0-9]{3})(?![A-Za-z0-9])",
     0},
    {XRE_KW_VAT,
     "(?<!\\p{L})(?:vat|tva|btw|ust|mwst|uid|iva|moms|umsatzsteuer\\w*|steuernummer)(?!\\p{L})",
     PCRE2_CASELESS},
    {XRE_INVNO,
     "(?<!\\p{L})(?<label>" INVNO_LABEL ")\\.?\\h*(?:[:#]\\h*)*"
     /* not an amount ("Totale fattura 610,00") */
     "(?![0-9]{1,3}(?:[.,'\\h][0-9]{3})*[.,][0-9]{2}(?![0-9A-Za-z\\-/_]))"
     "(?<val>(?=[A-Za-z0-9\\-/_.]*[0-9])[A-Za-z0-9][A-Za-z0-9\\-/_.]{0,30})(?![A-Za-z0-9])",
     PCRE2_CASELESS},
    /* A line that is nothing but an invoice-number label (value printed below it). */
    {XRE_INVNO_HEAD, "^\\h*(?<label>" INVNO_LABEL ")\\.?\\h*[:#]?\\h*$", PCRE2_CASELESS},
    /* A line that starts with a value, optionally after "#" or "No.". */
    {XRE_INVNO_VAL,
     "^\\h*(?:(?:#|no\\.?|nr\\.?|n[°º])\\h*:?\\h*)?"
     "(?<val>(?=[A-Za-z0-9\\-/_.]*[0-9])[A-Za-z0-9][A-Za-z0-9\\-/_.]{0,30})(?![A-Za-z0-9\\-/_.])",
     PCRE2_CASELESS},
    {XRE_EMAIL,
     "(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*"
     "\\.[A-Za-z]{2,24}(?![A-Za-z0-9])",
     0},
    {XRE_URL,
     "(?<![\\p{L}\\p{N}@/.])(?:https?://[^\\s<>\"']+|www\\.[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)+"
     "(?:/[^\\s<>\"']*)?)",
     PCRE2_CASELESS},
    {XRE_PHONE,
     "(?<!\\p{L})(?:(?:tel(?:ephone|efon|p)?|t[ée]l[ée]?(?:phone)?|phone|ph|mobile|mob|h/?p|"
     "handphone|contact|[tp](?=\\h*:))\\.?\\h*(?:no|nr|number)?\\.?\\h*[:.]?\\h*"
     "(?<num>\\+?[0-9(][0-9()\\h.\\-]{5,20}[0-9])"
     "|(?<intl>\\+[0-9]{1,3}[\\h.\\-]?(?:\\(0\\)\\h?)?[0-9][0-9\\h.\\-()]{5,18}[0-9]))"
     "(?![0-9])",
     PCRE2_CASELESS},
};
const size_t extract_ids_nres = sizeof extract_ids_res / sizeof extract_ids_res[0];

/* ---- IBAN ---- */

/* IBAN length by country (ISO 13616 registry). */
static const struct {
    char cc[3];
    unsigned char len;
} iban_lens[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BR", 29}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18},
    {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
    {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LI", 21},
    {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MR", 27},
    {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25},
    {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VG", 24}, {"XK", 20},
};

static int iban_country_len(const char *cc)
{
    for (size_t i = 0; i < sizeof iban_lens / sizeof iban_lens[0]; i++)
        if (cc[0] == iban_lens[i].cc[0] && cc[1] == iban_lens[i].cc[1])
            return iban_lens[i].len;
    return 0;
}

/* 1 if the country's BBAN is all digits (so O/I/l there can only be misread digits). */
static int bban_numeric(const char *cc)
{
    static const char numeric[][3] = {"AT", "BE", "CZ", "DE", "DK", "EE", "ES", "FI",
                                      "FO", "GL", "HR", "HU", "IL", "LT", "NO", "PL",
                                      "PT", "RS", "SE", "SI", "SK", "TN"};
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++)
        if (numeric[i][0] == cc[0] && numeric[i][1] == cc[1])
            return 1;
    return 0;
}

static int is_alnum_letter(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static int up(int ch)
{
    return ch >= 'a' && ch <= 'z' ? ch - 32 : ch;
}

/* mod-97 of the rearranged compact upper-case IBAN s[0..n) == 1. */
static int iban_mod97(const char *s, size_t n)
{
    if (n < 15 || n > 34)
        return 0;
    if (!(s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= '0' && s[2] <= '9' &&
          s[3] >= '0' && s[3] <= '9'))
        return 0;
    unsigned rem = 0;
    for (size_t k = 0; k < n; k++) {
        char ch = s[(k + 4) % n];
        if (ch >= '0' && ch <= '9')
            rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
        else if (ch >= 'A' && ch <= 'Z')
            rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
        else
            return 0;
    }
    return rem == 1;
}

int extract_iban_valid(const char *s, size_t len)
{
    char c[40];
    size_t n = 0;
    if (!s)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ')
            continue;
        if (n == sizeof c)
            return 0;
        c[n++] = (char)up((unsigned char)s[i]);
    }
    if (n < 2)
        return 0;
    int want = iban_country_len(c);
    return (want == 0 || (size_t)want == n) && iban_mod97(c, n);
}

int extract_iban_normalise(const char *s, size_t len, char *out, size_t outsz)
{
    char c[40];
    size_t at[40];                   /* byte in s just after each compact character */
    size_t n = 0, pos[40], npos = 0; /* positions holding an O/I/l that may be a digit */
    if (!s || !out)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == ' ' || ch == '\t')
            continue;
        if (!((ch >= '0' && ch <= '9') || is_alnum_letter(ch)) || n == sizeof c - 1)
            break;
        c[n] = (char)up((unsigned char)ch);
        at[n] = i + 1;
        if ((ch == 'O' || ch == 'o' || ch == 'I' || ch == 'i' || ch == 'l') && n >= 2 &&
            npos < sizeof pos / sizeof pos[0])
            pos[npos++] = n;
        n++;
    }
    if (n < 15 || !(c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'))
        return -1;
    int want = iban_country_len(c), clean = 1;
    if (want) {
        if (n < (size_t)want)
            return -1;
        /* Cut to the country's length; a cut inside a printed group means a misread. */
        if (n > (size_t)want && at[want - 1] < len && s[at[want - 1]] != ' ' &&
            s[at[want - 1]] != '\t')
            clean = 0;
        n = (size_t)want;
    }
    while (npos > 0 && pos[npos - 1] >= n)
        npos--;
    if (outsz <= n)
        return -1;
    /* Check digits are digits; so is every BBAN character where the country says so.
     * Elsewhere: as read, then all confusions as digits, then (for few confusions only,
     * as chance passes grow with tries) the fewest repairs. */
    int numeric = bban_numeric(c);
    for (size_t k = 0; k < npos; k++)
        if (pos[k] < 4 || numeric)
            c[pos[k]] = c[pos[k]] == 'O' ? '0' : '1';
    if (numeric)
        npos = 0;
    char t[40];
    memcpy(t, c, n);
    int valid = iban_mod97(t, n);
    for (size_t k = 0; k < npos && !valid; k++)
        t[pos[k]] = t[pos[k]] == 'O' ? '0' : '1';
    valid = valid || (npos > 0 && iban_mod97(t, n));
    for (unsigned mask = 1; npos <= 3 && mask < (1u << npos) && !valid; mask++) {
        memcpy(t, c, n);
        for (size_t k = 0; k < npos; k++)
            if (mask & (1u << k))
                t[pos[k]] = t[pos[k]] == 'O' ? '0' : '1';
        valid = iban_mod97(t, n);
    }
    valid = valid && clean;
    memcpy(out, valid ? t : c, n);
    out[n] = '\0';
    return valid;
}

/* ---- phone ---- */

dp_err extract_normalise_phone(const char *s, size_t len, const char *cc, char *out, size_t outsz)
{
    char d[24];
    size_t n = 0, i = 0;
    int intl = 0;
    if (!s || !out)
        return DP_EINVAL;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < len && s[i] == '+')
        intl = 1, i++;
    for (; i < len; i++) {
        if (s[i] == '(' && i + 2 < len && s[i + 1] == '0' && s[i + 2] == ')' && intl) {
            i += 2; /* "+49 (0)30": the national trunk 0 is not dialled from abroad */
            continue;
        }
        if (s[i] >= '0' && s[i] <= '9') {
            if (n == sizeof d)
                return DP_EPARSE;
            d[n++] = s[i];
        }
    }
    size_t skip = 0;
    if (!intl && n > 2 && d[0] == '0' && d[1] == '0')
        intl = 1, skip = 2;
    const char *pre = "";
    if (!intl && cc && *cc && n > 1 && d[0] == '0')
        pre = cc, skip = 1, intl = 1;
    size_t total = strlen(pre) + n - skip;
    if (total < 7 || total > 15)
        return DP_EPARSE;
    int w = snprintf(out, outsz, "%s%s%.*s", intl ? "+" : "", pre, (int)(n - skip), d + skip);
    if (w < 0 || (size_t)w >= outsz)
        return DP_ETOOBIG;
    return DP_OK;
}

/* ---- VAT id ---- */

/* German USt-IdNr check digit (ISO 7064 MOD 11,10) over the 9 digits after "DE". */
static int de_vat_ok(const char *d)
{
    int product = 10;
    for (int i = 0; i < 8; i++) {
        int sum = (d[i] - '0' + product) % 10;
        if (sum == 0)
            sum = 10;
        product = (2 * sum) % 11;
    }
    int check = 11 - product;
    if (check == 10)
        check = 0;
    return check == d[8] - '0';
}

/* ---- the pass ---- */

/* Case-insensitive search for an ASCII word in s[0..len). */
static int has_ci(const char *s, size_t len, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= len; i++)
        if (strncasecmp(s + i, w, wl) == 0)
            return 1;
    return 0;
}

/* Compacts s into out: drops spaces, dots and dashes, upper-cases. */
static void compact(const char *s, size_t len, char *out, size_t outsz)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < outsz; i++)
        if (s[i] != ' ' && s[i] != '.' && s[i] != '-' && s[i] != '\t')
            out[n++] = (char)up((unsigned char)s[i]);
    out[n] = '\0';
}

/* Emits a string field unless an equal value was emitted under that name already. */
static dp_err emit_str(struct extract_ctx *c, const char *name, const char *val,
                       const struct extract_span *sp, double strength, int valid, int max)
{
    const cJSON *f;
    int n = 0;
    cJSON_ArrayForEach(f, c->out)
    {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(f, "name");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
        if (!cJSON_IsString(nm) || strcmp(nm->valuestring, name) != 0)
            continue;
        n++;
        if (cJSON_IsString(v) && strcmp(v->valuestring, val) == 0)
            return DP_OK;
    }
    if (n >= max)
        return DP_OK;
    return extract_emit(c, name, cJSON_CreateString(val), sp, strength, valid);
}

struct ids_state {
    int have_iban, iban_valid; /* best IBAN so far, and whether its checksum passed */
    double iban_strength;
    char iban[40];
    struct extract_span iban_sp;
    int have_invno; /* best invoice number so far */
    double invno_strength;
    char invno[40];
    struct extract_span invno_sp;
};

static void line_iban(struct extract_ctx *c, struct ids_state *st, size_t p, size_t l,
                      const char *s, size_t len)
{
    for (size_t pos = 0; st->iban_valid == 0 && extract_match(c, XRE_IBAN, s, len, pos);) {
        PCRE2_SIZE *ov = extract_ov(c);
        size_t ms = ov[0], me = ov[1];
        pos = me;
        char iban[40];
        int v = extract_iban_normalise(s + ms, me - ms, iban, sizeof iban);
        int labelled = has_ci(s, len, "iban");
        /* An invalid IBAN is reported only when labelled, and only until a valid one. */
        if (v < 0 || (!v && (!labelled || st->have_iban)))
            continue;
        /* The span ends where the IBAN's characters end. */
        size_t take = strlen(iban), e = ms;
        for (size_t k = 0; e < me && k < take; e++)
            k += s[e] != ' ' && s[e] != '\t';
        memcpy(st->iban, iban, take + 1);
        st->iban_sp = (struct extract_span){p, c->pages[p].lines[l].off + ms, e - ms};
        st->iban_valid = v;
        st->iban_strength = v ? 1.0 : 0.6;
        st->have_iban = 1;
    }
}

static dp_err line_vat(struct extract_ctx *c, size_t p, size_t l, const char *s, size_t len)
{
    for (size_t pos = 0; extract_match(c, XRE_VAT, s, len, pos);) {
        PCRE2_SIZE *ov = extract_ov(c);
        size_t ms = ov[0], me = ov[1];
        pos = me;
        char v[32];
        compact(s + ms, me - ms, v, sizeof v);
        int labelled = extract_has(c, XRE_KW_VAT, s, ms);
        int ok = strncmp(v, "DE", 2) != 0 || de_vat_ok(v + 2);
        struct extract_span sp = {p, c->pages[p].lines[l].off + ms, me - ms};
        dp_err err = emit_str(c, "vat_id", v, &sp, labelled ? 1.0 : 0.7, ok, 1);
        if (err != DP_OK)
            return err;
    }
    return DP_OK;
}

/* Strength of an invoice-number label s[ls..le): invoice words beat bills and receipts, which
 * beat orders and references; a label without a kind of number ("No", "#") is weaker. */
static double invno_strength(const char *s, size_t ls, size_t le, int has_kind)
{
    double strength = 0.6;
    if (has_ci(s + ls, le - ls, "inv") || has_ci(s + ls, le - ls, "rechn") ||
        has_ci(s + ls, le - ls, "fact"))
        strength = 1.0;
    else if (has_ci(s + ls, le - ls, "bill") || has_ci(s + ls, le - ls, "receipt") ||
             has_ci(s + ls, le - ls, "doc") || has_ci(s + ls, le - ls, "beleg") ||
             has_ci(s + ls, le - ls, "quittung"))
        strength = 0.8;
    return has_kind ? strength : strength * 0.7;
}

/* Takes s[vs..ve) as the invoice number if it beats the best so far and is not a date. */
static void take_invno(struct extract_ctx *c, struct ids_state *st, size_t p, size_t l,
                       const char *s, size_t vs, size_t ve, double strength)
{
    while (ve > vs && (s[ve - 1] == '.' || s[ve - 1] == '-' || s[ve - 1] == '/'))
        ve--;
    if (ve == vs || ve - vs >= sizeof st->invno || strength <= st->invno_strength)
        return;
    /* A date or an amount after the label is not a number of the document. */
    if (extract_match(c, XRE_DATE_NUM, s, ve, vs) && extract_ov(c)[0] == vs)
        return;
    memcpy(st->invno, s + vs, ve - vs);
    st->invno[ve - vs] = '\0';
    st->invno_strength = strength;
    st->invno_sp = (struct extract_span){p, c->pages[p].lines[l].off + vs, ve - vs};
    st->have_invno = 1;
}

/* 1 if line l of page p reads like a label of a stacked label column ("Invoice Date:"): short,
 * without digits, ending in ':' or an invoice-number label on its own. */
static int label_like(struct extract_ctx *c, size_t p, size_t l)
{
    const char *s = extract_line_text(c, p, l);
    size_t len = c->pages[p].lines[l].len;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0 || len > 40)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return 0;
    return s[len - 1] == ':' || extract_has(c, XRE_INVNO_HEAD, s, len);
}

/* An invoice-number label alone on line l: its value is printed below it. Labels stacked on
 * consecutive lines ("Invoice Number:" / "Invoice Date:") are followed by their values in the
 * same order, so the k-th label of the stack takes the k-th line after it. A value glued to
 * the next column's label by the text layer ("IBZY2087Payment Mode") loses that word. */
static void detached_invno(struct extract_ctx *c, struct ids_state *st, size_t p, size_t l,
                           double strength, int has_kind)
{
    const struct extract_page *pg = &c->pages[p];
    size_t first = l, end = l + 1;
    while (first > 0 && l - first < 8 && label_like(c, p, first - 1))
        first--;
    while (end < pg->nlines && end - first < 8 && label_like(c, p, end))
        end++;
    size_t want = l - first, vl = end;
    for (size_t k = 0; vl < pg->nlines; vl++)
        if (pg->lines[vl].len > 0 && k++ == want)
            break;
    if (vl >= pg->nlines || vl > end + 2 * want + 2)
        return;
    const char *s = extract_line_text(c, p, vl);
    size_t len = pg->lines[vl].len, vs, ve;
    if (!extract_match(c, XRE_INVNO_VAL, s, len, 0) ||
        !extract_group(c, XRE_INVNO_VAL, "val", &vs, &ve))
        return;
    size_t rest = ve;
    while (rest < len && (s[rest] == ' ' || s[rest] == '\t'))
        rest++;
    /* A bare title ("INVOICE") takes only a marked value ("# 123", "No. 123") or a line that
     * holds nothing else: the line under a title may be an address. */
    size_t lead = 0;
    while (lead < vs && (s[lead] == ' ' || s[lead] == '\t'))
        lead++;
    if (!has_kind && lead == vs && rest < len)
        return;
    /* Cut a capitalised word glued after the last digit. */
    size_t cut = ve;
    while (cut > vs && s[cut - 1] >= 'a' && s[cut - 1] <= 'z')
        cut--;
    if (cut < ve && cut > vs + 1 && s[cut - 1] >= 'A' && s[cut - 1] <= 'Z' && s[cut - 2] >= '0' &&
        s[cut - 2] <= '9')
        ve = cut - 1;
    take_invno(c, st, p, vl, s, vs, ve, strength * 0.85);
}

static void line_invno(struct extract_ctx *c, struct ids_state *st, size_t p, size_t l,
                       const char *s, size_t len)
{
    size_t ls, le, vs, ve, ks, ke;
    int found = 0;
    for (size_t pos = 0; extract_match(c, XRE_INVNO, s, len, pos);) {
        PCRE2_SIZE *ov = extract_ov(c);
        pos = ov[1];
        if (!extract_group(c, XRE_INVNO, "label", &ls, &le) ||
            !extract_group(c, XRE_INVNO, "val", &vs, &ve))
            continue;
        int has_kind =
            extract_group(c, XRE_INVNO, "kind", &ks, &ke) || has_ci(s + ls, le - ls, "n°");
        found = 1;
        take_invno(c, st, p, l, s, vs, ve,
                   invno_strength(s, ls, le, has_kind) * extract_label_weight(c, s + ls, le - ls));
    }
    if (!found && extract_match(c, XRE_INVNO_HEAD, s, len, 0) &&
        extract_group(c, XRE_INVNO_HEAD, "label", &ls, &le)) {
        int has_kind =
            extract_group(c, XRE_INVNO_HEAD, "kind", &ks, &ke) || has_ci(s + ls, le - ls, "n°");
        detached_invno(c, st, p, l,
                       invno_strength(s, ls, le, has_kind) *
                           extract_label_weight(c, s + ls, le - ls),
                       has_kind);
    }
}

static dp_err line_contacts(struct extract_ctx *c, size_t p, size_t l, const char *s, size_t len)
{
    size_t base = c->pages[p].lines[l].off;
    dp_err err = DP_OK;
    for (size_t pos = 0; err == DP_OK && extract_match(c, XRE_EMAIL, s, len, pos);) {
        PCRE2_SIZE *ov = extract_ov(c);
        size_t ms = ov[0], me = ov[1];
        pos = me;
        char v[128];
        if (me - ms >= sizeof v)
            continue;
        for (size_t i = 0; i < me - ms; i++)
            v[i] = (char)(s[ms + i] >= 'A' && s[ms + i] <= 'Z' ? s[ms + i] + 32 : s[ms + i]);
        v[me - ms] = '\0';
        struct extract_span sp = {p, base + ms, me - ms};
        err = emit_str(c, "email", v, &sp, 0.95, 1, 4);
    }
    for (size_t pos = 0; err == DP_OK && extract_match(c, XRE_URL, s, len, pos);) {
        PCRE2_SIZE *ov = extract_ov(c);
        size_t ms = ov[0], me = ov[1];
        pos = me;
        while (me > ms && strchr(".,;:)]}>", s[me - 1]))
            me--;
        char v[256];
        if (me - ms >= sizeof v)
            continue;
        memcpy(v, s + ms, me - ms);
        v[me - ms] = '\0';
        struct extract_span sp = {p, base + ms, me - ms};
        err = emit_str(c, "url", v, &sp, 0.9, 1, 4);
    }
    for (size_t pos = 0; err == DP_OK && extract_match(c, XRE_PHONE, s, len, pos);) {
        size_t ns, ne;
        pos = extract_ov(c)[1];
        int labelled = extract_group(c, XRE_PHONE, "num", &ns, &ne);
        if (!labelled && !extract_group(c, XRE_PHONE, "intl", &ns, &ne))
            continue;
        while (ne > ns && s[ne - 1] == ' ')
            ne--;
        char v[32];
        if (extract_normalise_phone(s + ns, ne - ns, c->phone_cc, v, sizeof v) != DP_OK)
            continue;
        struct extract_span sp = {p, base + ns, ne - ns};
        err = emit_str(c, "phone", v, &sp, labelled ? 0.9 : 0.7, 1, 4);
    }
    return err;
}

dp_err extract_ids_run(struct extract_ctx *c)
{
    struct ids_state st = {0};
    dp_err err = DP_OK;
    for (size_t p = 0; p < c->npages && err == DP_OK; p++)
        for (size_t l = 0; l < c->pages[p].nlines && err == DP_OK; l++) {
            const char *s = extract_line_text(c, p, l);
            size_t len = c->pages[p].lines[l].len;
            if (len == 0)
                continue;
            line_invno(c, &st, p, l, s, len);
            line_iban(c, &st, p, l, s, len);
            if ((err = line_vat(c, p, l, s, len)) == DP_OK)
                err = line_contacts(c, p, l, s, len);
        }
    if (err == DP_OK && st.have_iban)
        err = extract_emit(c, "iban", cJSON_CreateString(st.iban), &st.iban_sp, st.iban_strength,
                           st.iban_valid);
    if (err == DP_OK && st.have_invno)
        err = extract_emit(c, "invoice_number", cJSON_CreateString(st.invno), &st.invno_sp,
                           st.invno_strength, 1);
    return err;
}
