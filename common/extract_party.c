/* extract_party.c -- who issued the document: the company (vendor) name from the header
 * lines of page 1, and the address block printed under it. */
#include "extract_int.h"
#include <stdlib.h>
#include <string.h>

/* How many non-empty header lines of page 1 may hold the company name. */
#define PARTY_HEADER_LINES 10
/* How many lines an address block may span, and how far below the name it may start. */
#define PARTY_ADDR_LINES 5
#define PARTY_ADDR_GAP   4

const struct extract_re extract_party_res[] = {
    {XRE_LEGAL,
     /* longer forms before their prefixes ("S.A.R.L." is not "S.A." + letters) */
     "(?<![\\p{L}])(?:(?<strong>sdn\\.?\\h*bhd|s/b|bhd|berhad|gmbh|ltd|limited|llc|l\\.l\\.c|inc|"
     "incorporated|corp|corporation|s\\.a\\.s\\.u|s\\.a\\.r\\.l|s\\.a\\.s?|sarl|b\\.\\h?v|bv|n\\.v|"
     "ag|kg|ohg|e\\.k|plc|llp|pvt|pte|s\\.l\\.u|s\\.l|s\\.p\\.a|s\\.r\\.l|eurl|vof|a\\.\\h?g|"
     "e\\.\\h?v|kgaa|mbh|gbr|ug\\h*\\(haftungsbeschr(?:ä|ae|a)nkt\\)|sasu|s\\.n\\.c|"
     "sp\\.\\h?z\\h?o\\.\\h?o|srl|bvba|(?-i:SNC|eG|Oy|A/S|ApS|Lda))|co|company|enterprise|"
     "trading|sa|sas|nv)\\.?(?![\\p{L}])",
     PCRE2_CASELESS},
    {XRE_ADDR_CUE,
     "(?<![\\p{L}])(?:jalan|jln|lorong|taman|persiaran|lebuh|kampung|street|st|road|rd|avenue|"
     "ave|lane|drive|boulevard|blvd|place|plaza|square|suite|floor|level|lot|unit|block|blk|"
     "building|bldg|no|p\\.?\\h?o\\.?\\h*box|postfach|rue|bd|chemin|route|impasse|cedex|bp|"
     "avenida|calle|via)(?![\\p{L}])"
     "|\\p{L}*(?:stra(?:ss|ß)e|str\\.|weg|platz|allee|gasse|laan|straat|plein|gracht|dreef|"
     "kade)(?![\\p{L}])"
     "|(?<![0-9(\\-])[0-9]{5}(?![0-9)\\-])|(?<![0-9])[0-9]{4}\\h?[A-Z]{2}(?![\\p{L}])"
     "|(?<![A-Z])[A-Z]{1,2}[0-9][A-Z0-9]?\\h[0-9][A-Z]{2}(?![A-Z])|[0-9]+[,\\h]+\\p{L}{3,}",
     PCRE2_CASELESS},
    {XRE_ADDR_STOP,
     "(?<![\\p{L}])(?:tel|telp|phone|fax|e-?mail|gst|vat|sst|tax|invoice|receipt|date|cashier|"
     "www|http|reg|registration|roc|document|doc|bill|table|order|server|counter|terminal|"
     "member|ust|mwst|btw|tva|siret|siren|kvk|iban|bic|hp)(?![\\p{L}])|@|:",
     PCRE2_CASELESS},
    {XRE_NOT_VENDOR,
     "(?<![\\p{L}])(?:invoice|receipt|tax|facture|rechnung|factuur|page|seite|date|tel|fax|"
     "phone|welcome|bill|copy|original|duplicate|official|statement|quotation|delivery|"
     "simplified|to|from|customer|client|kunde|copyright)(?![\\p{L}])|@|\\(c\\)|©",
     PCRE2_CASELESS},
    /* the label alone, or followed by ':' or '/' ("Lieferant GmbH" is a name, not a label) */
    {XRE_SELLER_LBL,
     "^(?:verk[aä]ufer(?:in)?|lieferant|rechnungs(?:aus)?steller|leistungserbringer|"
     "auftragnehmer|absender|vendeur|fournisseur|prestataire|[ée]metteur|seller|supplier|vendor|"
     "sold\\h+by|leverancier|verkoper|proveedor|vendedor|emisor|fornitore|venditore|"
     "cedente(?:\\h*/\\h*prestatore)?)\\h*(?::|/|$)",
     PCRE2_CASELESS},
    {XRE_BUYER_LBL,
     "^(?:k[aä]ufer|kunde|rechnungsempf[aä]nger|leistungsempf[aä]nger|auftraggeber|buyer|"
     "customer|bill\\h+to|sold\\h+to|ship\\h+to|acheteur|client|destinataire|koper|klant|afnemer|"
     "comprador|cliente|destinatario|acquirente|committente)(?![\\p{L}])",
     PCRE2_CASELESS},
    {XRE_NAME_LBL,
     "^(?:name|firma|firmenname|unternehmen|nom|raison\\h+sociale|d[ée]nomination|naam|"
     "bedrijfsnaam|nombre|raz[oó]n\\h+social|nome|ragione\\h+sociale|denominazione|"
     "company(?:\\h+name)?)\\h*:\\h*",
     PCRE2_CASELESS},
};
const size_t extract_party_nres = sizeof extract_party_res / sizeof extract_party_res[0];

/* Trims blanks at both ends of s[*a..*b). */
static void trim(const char *s, size_t *a, size_t *b)
{
    while (*a < *b && (s[*a] == ' ' || s[*a] == '\t' || s[*a] == '|'))
        (*a)++;
    while (*b > *a && (s[*b - 1] == ' ' || s[*b - 1] == '\t' || s[*b - 1] == '|'))
        (*b)--;
}

/* Letters (any script) and other non-blank characters of s[0..len). */
static void census(const char *s, size_t len, int *letters, int *other)
{
    *letters = 0, *other = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch & 0xc0) == 0x80 || ch == ' ' || ch == '\t')
            continue;
        if (((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || ch >= 0xc0)
            (*letters)++;
        else
            (*other)++;
    }
}

/* A line that could be a name: enough letters, mostly letters, not a title or label. */
static int substantial(struct extract_ctx *c, const char *s, size_t len)
{
    int letters, other;
    census(s, len, &letters, &other);
    return letters >= 4 && letters >= 2 * other && s[len - 1] != ':' &&
           !extract_has(c, XRE_NOT_VENDOR, s, len); /* "Währung:" is a label */
}

/* Field value from a span of page text: lines joined with ", " (or " " after a comma). */
static char *join_lines(const struct extract_page *pg, size_t l0, size_t l1)
{
    size_t cap = 1;
    for (size_t l = l0; l <= l1; l++)
        cap += pg->lines[l].len + 2;
    char *v = malloc(cap), *w = v;
    if (!v)
        return NULL;
    for (size_t l = l0; l <= l1; l++) {
        size_t a = 0, b = pg->lines[l].len;
        const char *s = pg->text + pg->lines[l].off;
        trim(s, &a, &b);
        if (a == b)
            continue;
        if (w > v) {
            if (w[-1] != ',')
                *w++ = ',';
            *w++ = ' ';
        }
        memcpy(w, s + a, b - a);
        w += b - a;
    }
    *w = '\0';
    return v;
}

static dp_err emit_lines(struct extract_ctx *c, const char *name, size_t l0, size_t l1,
                         double strength)
{
    const struct extract_page *pg = &c->pages[0];
    char *v = join_lines(pg, l0, l1);
    if (!v)
        return DP_ENOMEM;
    size_t a = 0, b = pg->lines[l0].len;
    trim(pg->text + pg->lines[l0].off, &a, &b);
    size_t start = pg->lines[l0].off + a;
    a = 0, b = pg->lines[l1].len;
    trim(pg->text + pg->lines[l1].off, &a, &b);
    struct extract_span sp = {0, start, pg->lines[l1].off + b - start};
    dp_err err = extract_emit(c, name, cJSON_CreateString(v), &sp, strength, 1);
    free(v);
    return err;
}

/* The company name: lines l0..l1 of page 1, bytes [start, end) of its text. */
struct party_name {
    size_t l0, l1;
    size_t start, end;
    double strength;
};

/* Legal-form matches of s[a..b): end of the last one, start of the first, any strong. */
static int legal_forms(struct extract_ctx *c, const char *s, size_t a, size_t b, size_t *first,
                       size_t *last_end, int *strong)
{
    int n = 0;
    *strong = 0;
    for (size_t pos = a; extract_match(c, XRE_LEGAL, s, b, pos); n++) {
        PCRE2_SIZE *ov = extract_ov(c);
        size_t so, eo;
        if (n == 0)
            *first = ov[0];
        *last_end = ov[1];
        *strong |= extract_group(c, XRE_LEGAL, "strong", &so, &eo);
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    }
    return n;
}

/* Finds the company name in the header rows of page 1, in visual order (order/row from
 * extract_visual_lines: a letterhead on the right, or the values beside a "Name:" label
 * column, are read where they are printed, not where the layout analysis puts their column
 * in the text). A line with a legal form wins ("Muster GmbH", "AEON CO. (M) BHD (126926-H)"
 * cut after BHD); else the first substantial line. */
static int find_company(struct extract_ctx *c, const size_t *order, const size_t *row,
                        struct party_name *pn)
{
    const struct extract_page *pg = &c->pages[0];
    size_t seen = 0, fallback = SIZE_MAX, last_row = SIZE_MAX;
    for (size_t k = 0; k < pg->nlines && (seen < PARTY_HEADER_LINES || row[k] == last_row); k++) {
        size_t l = order[k];
        const char *s = extract_line_text(c, 0, l);
        size_t a = 0, b = pg->lines[l].len, lf, le;
        int strong;
        trim(s, &a, &b);
        if (b - a < 3)
            continue;
        if (row[k] != last_row)
            seen++, last_row = row[k];
        if (legal_forms(c, s, a, b, &lf, &le, &strong)) {
            const char *colon = memchr(s + a, ':', lf - a);
            if (colon) /* "Owned by: X SDN BHD" */
                for (a = (size_t)(colon - s) + 1; a < lf && s[a] == ' '; a++)
                    ;
            if (!substantial(c, s + a, le - a) || extract_has(c, XRE_ADDR_STOP, s + a, le - a))
                goto plain;
            pn->l0 = pn->l1 = l;
            pn->start = pg->lines[l].off + a;
            pn->end = pg->lines[l].off + le;
            pn->strength = strong ? 0.9 : 0.75;
            /* "SDN BHD" alone under the name: the name starts on the line above. */
            int letters, other;
            census(s + a, lf - a, &letters, &other);
            if (letters < 4 && l > 0) {
                const char *u = extract_line_text(c, 0, l - 1);
                size_t ua = 0, ub = pg->lines[l - 1].len;
                trim(u, &ua, &ub);
                if (substantial(c, u + ua, ub - ua))
                    pn->l0 = l - 1, pn->start = pg->lines[l - 1].off + ua;
            }
            /* A weak form ("ENTERPRISE (SETIA") continued by a strong one below. */
            if (!strong && l + 1 < pg->nlines) {
                const char *d = extract_line_text(c, 0, l + 1);
                size_t da = 0, db = pg->lines[l + 1].len, df, de;
                int dstrong;
                trim(d, &da, &db);
                if (legal_forms(c, d, da, db, &df, &de, &dstrong) && dstrong)
                    pn->l1 = l + 1, pn->end = pg->lines[l + 1].off + de, pn->strength = 0.85;
            }
            return 1;
        }
    plain:
        if (fallback == SIZE_MAX && substantial(c, s + a, b - a))
            fallback = l;
    }
    if (fallback == SIZE_MAX)
        return 0;
    size_t a = 0, b = pg->lines[fallback].len;
    trim(extract_line_text(c, 0, fallback), &a, &b);
    pn->l0 = pn->l1 = fallback;
    pn->start = pg->lines[fallback].off + a;
    pn->end = pg->lines[fallback].off + b;
    pn->strength = 0.5;
    return 1;
}

/* ---- the seller's block: "Verkäufer" / "Name: X" ---- */

/* How many visual rows under a seller label its "Name:" row may be. */
#define PARTY_BLOCK_ROWS 8

/* Leftmost word box x among the words at bytes [a, b) of page 1's text (INT32_MAX if none),
 * and the tallest of their heights in *h. */
static int span_left(const struct extract_ctx *c, size_t a, size_t b, int *h)
{
    const struct extract_page *p = &c->pages[0];
    int left = INT32_MAX;
    *h = 0;
    for (size_t i = 0; i < p->pg->nwords; i++) {
        const struct dp_word *w = &p->pg->words[i];
        if (p->woff[i] == SIZE_MAX || p->woff[i] < a || p->woff[i] >= b)
            continue;
        left = w->x < left ? w->x : left;
        *h = w->h > *h ? w->h : *h;
    }
    return left;
}

/* A company name read from pieces of page 1's lines: bytes [off, off + len) each. */
struct party_piece {
    size_t off, len;
};

/* Finds the seller's name in a labelled block: a line that is a seller label ("Verkäufer",
 * "Lieferant:", "Vendeur"), then within the next rows a "Name:" label whose value stands after
 * it on its line or in the next line of its row, with the value lines printed above it in the
 * value's column (a name wrapped over two lines beside a label set at its last one); or the
 * value after the seller label itself ("Vendeur : Dupont SARL").  Stops at a buyer label.
 * pieces[0..*np) (at most 4) get the name's parts; 1 when found. */
static int seller_block(struct extract_ctx *c, const size_t *order, const size_t *row,
                        struct party_piece *pieces, size_t *np)
{
    const struct extract_page *pg = &c->pages[0];
    size_t n = pg->nlines;
    for (size_t k = 0; k < n; k++) {
        size_t l = order[k], a = 0, b = pg->lines[l].len;
        const char *s = extract_line_text(c, 0, l);
        trim(s, &a, &b);
        if (a == b || !extract_match(c, XRE_SELLER_LBL, s + a, b - a, 0))
            continue;
        size_t e = a + extract_ov(c)[1];
        int slash = s[e - 1] == '/'; /* "Verkäufer/Leistungserbringer": labels only */
        while (e < b && s[e] == ' ')
            e++;
        if (e < b && !slash && substantial(c, s + e, b - e)) {
            pieces[0] = (struct party_piece){pg->lines[l].off + e, b - e};
            *np = 1;
            return 1; /* "Vendeur : Dupont SARL" */
        }
        size_t last_label = k; /* the last row start with a label, for wrapped values */
        for (size_t j = k + 1; j < n && row[j] <= row[k] + PARTY_BLOCK_ROWS; j++) {
            if (row[j] == row[j - 1])
                continue; /* rows are looked at by their first (leftmost) line */
            size_t m = order[j], ma = 0, mb = pg->lines[m].len;
            const char *t = extract_line_text(c, 0, m);
            trim(t, &ma, &mb);
            if (ma == mb)
                continue;
            if (extract_match(c, XRE_BUYER_LBL, t + ma, mb - ma, 0))
                break;
            if (!extract_match(c, XRE_NAME_LBL, t + ma, mb - ma, 0)) {
                if (memchr(t + ma, ':', mb - ma))
                    last_label = j;
                continue;
            }
            size_t va = ma + extract_ov(c)[1], voff, vlen;
            if (va < mb) {
                voff = pg->lines[m].off + va, vlen = mb - va;
            } else {
                /* the value column's line: the next non-blank line of the row */
                size_t xa = 0, xb = 0, v = 0;
                for (size_t q = j + 1; q < n && row[q] == row[j] && xa == xb; q++) {
                    v = order[q], xa = 0, xb = pg->lines[v].len;
                    trim(extract_line_text(c, 0, v), &xa, &xb);
                }
                if (xa == xb)
                    break; /* an empty name */
                voff = pg->lines[v].off + xa, vlen = xb - xa;
            }
            if (!vlen || !substantial(c, pg->text + voff, vlen))
                break;
            *np = 0;
            /* rows between the last labelled row and this one, alone in the value's column */
            int vh, uh, vx = span_left(c, voff, voff + vlen, &vh), tol = 2 * vh;
            for (size_t q = last_label + 1; q < j && *np < 2; q++) {
                size_t u = order[q], ua = 0, ub = pg->lines[u].len;
                const char *ut = extract_line_text(c, 0, u);
                trim(ut, &ua, &ub);
                int ux = span_left(c, pg->lines[u].off + ua, pg->lines[u].off + ub, &uh);
                if (ua == ub || memchr(ut + ua, ':', ub - ua) || vx == INT32_MAX ||
                    ux == INT32_MAX || abs(ux - vx) > tol || (q + 1 < j && row[q + 1] == row[q]) ||
                    (q > 0 && row[q - 1] == row[q]))
                    continue;
                pieces[(*np)++] = (struct party_piece){pg->lines[u].off + ua, ub - ua};
            }
            pieces[(*np)++] = (struct party_piece){voff, vlen};
            /* a name without a legal form continued below by a line in its column that ends
             * with one ("Name: MVM Musterhafter" over "Versicherungsverein Musterstadt
             * a.G."): in the same visual row (a tall label line), or alone in the next row */
            size_t q = j + 1, lf, le, cont = SIZE_MAX;
            int strong;
            for (; q < n && row[q] == row[j]; q++) {
                size_t u = order[q], ua = 0, ub = pg->lines[u].len;
                trim(extract_line_text(c, 0, u), &ua, &ub);
                size_t uoff = pg->lines[u].off;
                if (cont == SIZE_MAX && ua < ub && uoff + ua != voff &&
                    abs(span_left(c, uoff + ua, uoff + ub, &uh) - vx) <= tol)
                    cont = u;
            }
            if (cont == SIZE_MAX && q < n && (q + 1 >= n || row[q + 1] != row[q]))
                cont = order[q];
            if (cont != SIZE_MAX && vx != INT32_MAX &&
                !legal_forms(c, pg->text, voff, voff + vlen, &lf, &le, &strong)) {
                size_t ua = 0, ub = pg->lines[cont].len, uoff = pg->lines[cont].off;
                const char *ut = extract_line_text(c, 0, cont);
                trim(ut, &ua, &ub);
                if (ua < ub && !memchr(ut + ua, ':', ub - ua) &&
                    abs(span_left(c, uoff + ua, uoff + ub, &uh) - vx) <= tol &&
                    legal_forms(c, ut, ua, ub, &lf, &le, &strong) && le + 1 >= ub)
                    pieces[(*np)++] = (struct party_piece){uoff + ua, ub - ua};
            }
            return 1;
        }
    }
    return 0;
}

/* Hyphens a text layer writes as U+2010/U+2011 become '-' (names compare as typed). */
static void ascii_hyphens(char *v)
{
    char *w = v;
    for (const char *r = v; *r;) {
        if ((unsigned char)r[0] == 0xe2 && (unsigned char)r[1] == 0x80 &&
            ((unsigned char)r[2] == 0x90 || (unsigned char)r[2] == 0x91)) {
            *w++ = '-';
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* Emits the pieces joined by one space (the field's text span runs from the first to the
 * last piece when they are in text order, else it is the last piece, the "Name:" value). */
static dp_err emit_pieces(struct extract_ctx *c, const struct party_piece *pc, size_t np)
{
    size_t cap = 1;
    for (size_t i = 0; i < np; i++)
        cap += pc[i].len + 1;
    char *v = malloc(cap), *w = v;
    if (!v)
        return DP_ENOMEM;
    for (size_t i = 0; i < np; i++) {
        if (w > v)
            *w++ = ' ';
        memcpy(w, c->pages[0].text + pc[i].off, pc[i].len);
        w += pc[i].len;
    }
    *w = '\0';
    ascii_hyphens(v);
    struct extract_span sp = {0, pc[np - 1].off, pc[np - 1].len};
    if (np > 1 && pc[0].off < pc[np - 1].off)
        sp.off = pc[0].off, sp.len = pc[np - 1].off + pc[np - 1].len - pc[0].off;
    dp_err err = extract_emit(c, "company", cJSON_CreateString(v), &sp, 0.9, 1);
    free(v);
    return err;
}

static dp_err emit_company(struct extract_ctx *c, const struct party_name *pn)
{
    const char *t = c->pages[0].text;
    char *v = malloc(pn->end - pn->start + 1);
    size_t n = 0;
    if (!v)
        return DP_ENOMEM;
    for (size_t i = pn->start; i < pn->end; i++) {
        char ch = t[i] == '\n' || t[i] == '\t' ? ' ' : t[i];
        if (ch == ' ' && (n == 0 || v[n - 1] == ' '))
            continue; /* lines joined by one space */
        v[n++] = ch;
    }
    while (n > 0 && v[n - 1] == ' ')
        n--;
    v[n] = '\0';
    ascii_hyphens(v);
    struct extract_span sp = {0, pn->start, pn->end - pn->start};
    dp_err err = extract_emit(c, "company", cJSON_CreateString(v), &sp, pn->strength, 1);
    free(v);
    return err;
}

/* 1 if s has no letters (a phone or registration number line). */
static int no_letters(const char *s, size_t len)
{
    int letters, other;
    census(s, len, &letters, &other);
    return letters == 0;
}

dp_err extract_party_run(struct extract_ctx *c)
{
    struct party_name pn;
    if (c->npages == 0 || c->pages[0].nlines == 0)
        return DP_OK;
    size_t n = c->pages[0].nlines;
    size_t *order = malloc(n * sizeof *order), *row = malloc(n * sizeof *row);
    dp_err err = order && row ? extract_visual_lines(c, 0, order, row) : DP_ENOMEM;
    struct party_piece pieces[4];
    size_t np = 0;
    /* a name the page labels as the seller's comes first: it is said, not guessed */
    int labelled = err == DP_OK && seller_block(c, order, row, pieces, &np);
    int found = err == DP_OK && !labelled && find_company(c, order, row, &pn);
    free(order);
    free(row);
    if (labelled)
        return emit_pieces(c, pieces, np);
    if (err != DP_OK || !found)
        return err;
    err = emit_company(c, &pn);
    if (err != DP_OK)
        return err;
    /* Address: the first street/postcode line shortly under the name, and the lines that
     * follow it up to a blank line, a label (tel, gst, invoice, ...), a line without
     * letters (phone, registration number) or the cap. */
    const struct extract_page *pg = &c->pages[0];
    size_t a0 = SIZE_MAX, a1 = 0;
    for (size_t l = pn.l1 + 1; l < pg->nlines && l <= pn.l1 + PARTY_ADDR_GAP + 1; l++) {
        const char *s = extract_line_text(c, 0, l);
        size_t len = pg->lines[l].len;
        if (extract_has(c, XRE_ADDR_STOP, s, len))
            break;
        if (extract_has(c, XRE_ADDR_CUE, s, len)) {
            a0 = a1 = l;
            break;
        }
    }
    if (a0 == SIZE_MAX)
        return DP_OK;
    for (size_t l = a0 + 1; l < pg->nlines && l < a0 + PARTY_ADDR_LINES; l++) {
        const char *s = extract_line_text(c, 0, l);
        size_t a = 0, b = pg->lines[l].len;
        trim(s, &a, &b);
        if (a == b || extract_has(c, XRE_ADDR_STOP, s, b) || no_letters(s + a, b - a))
            break;
        a1 = l;
    }
    return emit_lines(c, "address", a0, a1, pn.strength >= 0.8 ? 0.8 : 0.6);
}
