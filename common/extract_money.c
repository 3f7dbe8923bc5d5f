/* extract_money.c -- choosing total, subtotal and tax by their labels, their rows and the
 * arithmetic subtotal + tax = total (amount parsing is in extract_amount.c). */
#include "extract_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Amounts: an optional currency before or after; thousands grouped by ',', '.', '\'' or
 * (with a decimal comma) spaces; OCR confusions O/o and l/I allowed where digits belong
 * (the caller insists on at least one real digit). Not glued to letters, digits, dates,
 * times or percentages. */
#define CUR_RE "EUR|USD|GBP|INR|MYR|CHF|AUD|CAD|SGD|RM|Rs\\.?|€|\\$|£|₹|¥"
#define D      "[0-9OolI]"
#define DD     "[0-9Oo]"

const struct extract_re extract_money_res[] = {
    {XRE_AMOUNT,
     "(?<![\\p{L}\\p{N}.,/:\\-])(?:(?<c1>" CUR_RE ")\\h?)?"
     "(?<num>" D "{1,3}(?:," DD "{3})+(?:\\." DD "{1,2})?"
     "|" D "{1,3}(?:\\." DD "{3})+(?:," DD "{1,2})?"
     "|" D "{1,3}(?:['’]" DD "{3})+(?:\\." DD "{1,2})?"
     "|[0-9]{1,3}(?:\\h[0-9]{3})+,[0-9]{2}"
     "|" D "{1,6}[.,]\\h" DD "{2}"
     "|" D "+(?:[.,]" DD "{1,2})?)"
     "(?:\\h?(?<c2>" CUR_RE ")(?!\\p{L}))?"
     "(?![\\p{L}\\p{N}%]|[.,/:\\-][0-9])",
     0},
    {XRE_KW_TOTAL,
     "(?<!\\p{L})(?:(?<strong>grand\\h*total|total\\h*round\\w*|round\\w*\\h*total|total\\h*(?:"
     "amount|due|payable|to\\h*pay|"
     "incl\\w*|inkl\\w*|ttc|\\(\\h*incl\\w*)|amount\\h*(?:due|payable)|balance\\h*due|"
     "net\\h*[àa]\\h*payer|montant\\h*(?:total|ttc|[àa]\\h*payer|d[uû])|gesamt\\h*betrag|"
     "gesamtsumme|rechnungsbetrag|endbetrag|zu\\h*zahlen|te\\h*betalen|totaal\\h*bedrag|"
     "totaalbedrag|te\\h*voldoen|"
     /* German, Spanish, Italian, Dutch, French amounts payable */
     "zahlbetrag|bruttosumme|bruttobetrag|brutto\\h*gesamt|gesamt\\h*brutto|rechnungssumme|"
     "rechnungsendbetrag|f[äa]lliger\\h*betrag|zu\\h*zahlender\\h*betrag|due\\h*payable|"
     "total\\h*(?:de\\h*la\\h*)?factura|importe\\h*(?:total|a\\h*pagar)|total\\h*a\\h*pagar|"
     "totale\\h*(?:fattura|documento|da\\h*pagare|dovuto|complessivo|generale)|"
     "importo\\h*(?:totale|da\\h*pagare)|netto\\h*a\\h*pagare|montant\\h*net|"
     "totaal\\h*incl\\w*)|"
     "(?<plain>total|totaal|totale|summe|montant|jumlah|gesamt))"
     "(?!\\p{L})",
     PCRE2_CASELESS},
    {XRE_KW_SUB,
     "(?<!\\p{L})(?:sub\\h*-?\\h*total|subtotaal|zwischensumme|nettobetrag|netto\\w*|"
     "net\\h*amount|amount\\h*before|excl\\w*|exkl\\w*|before\\h*(?:tax|gst|vat)|"
     "w/o\\h*(?:tax|gst|vat)|without\\h*(?:tax|gst|vat)|hors\\h*tax\\w*|h\\.?t\\.?|"
     "ohne\\h*(?:ust|mwst|umsatzsteuer|steuer)|positionssumme|warenwert|nettosumme|"
     "summe\\h*netto|base\\h*imponible|imponibile|subtotale|sin\\h*iva|senza\\h*iva)(?!\\p{L})",
     PCRE2_CASELESS},
    {XRE_KW_TAX,
     "(?<!\\p{L})(?:tax(?:es)?|vat|gst|sst|mwst|mehrwertsteuer|ust|umsatzsteuer|tva|btw|iva|"
     "steuer|steuerbetrag|mwst\\.?-?betrag|ust\\.?-?betrag|umsatzsteuerbetrag|imposta|"
     "btw-?bedrag|versicherungssteuer)(?!\\p{L})",
     PCRE2_CASELESS},
    {XRE_KW_INCL, "(?<!\\p{L})(?:incl\\w*|inkl\\w*|inclusive|including|ttc|brutto|gross)(?!\\p{L})",
     PCRE2_CASELESS},
    {XRE_KW_NOTOTAL,
     "(?<!\\p{L})(?:cash|change|tender\\w*|qty|quantity|items?|discount\\w*|disc|savings?|"
     "points?|deposit|tips?|refund|kembali|tunai|baki|weight|pcs|units?|"
     "zuschl[äa]ge?|abschl[äa]ge?|anzahlung\\w*|skonto|rabatt\\w*|remise|acompte|descuento|"
     "sconto|korting|erhalten\\w*)(?!\\p{L})",
     PCRE2_CASELESS},
    {XRE_KW_TAXNOT,
     "(?<!\\p{L})(?:invoice|factur\\w*|rechnung|reg\\w*|id|no|nr|id-?nr|number|nummer|code|"
     "ident\\w*|summary)(?!\\p{L})|#",
     PCRE2_CASELESS},
    {XRE_KW_ROUND, "(?<!\\p{L})round\\w*(?!\\p{L})", PCRE2_CASELESS},
};
const size_t extract_money_nres = sizeof extract_money_res / sizeof extract_money_res[0];

/* ---- total, subtotal, tax ---- */

enum money_kind { MK_TOTAL, MK_SUB, MK_TAX };

/* One labelled amount found in the text. */
struct money_cand {
    enum money_kind kind;
    int64_t cents;
    char amount[32]; /* normalised decimal */
    const char *cur; /* ISO 4217 (static) or NULL */
    double strength; /* rule strength 0..1 */
    int same_line;   /* amount on the label's line (not the next line) */
    int rounded;     /* the label says the amount is rounded ("total rounded") */
    int integer;     /* printed without decimals */
    int strong;      /* unmistakable label: grand total, amount due, total incl. tax */
    double lang_w;   /* its label in the document's language: extract_label_weight */
    struct extract_span sp;
};

#define MONEY_MAX_CANDS 256

struct money_scan {
    struct money_cand c[MONEY_MAX_CANDS];
    size_t n;
    int rounding;      /* a cash-rounding line was seen */
    int64_t round_adj; /* its amount in cents (sign as printed), 0 if unreadable */
};

/* Counts real digits and OCR confusions in s[0..len). */
static int real_amount(const char *s, size_t len)
{
    int digits = 0, conf = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (extract_conf_digit(s[i]))
            conf++;
    }
    return digits > 0 && conf <= digits;
}

/* 1 if the printed number ends in 1-2 decimals ("9.00", "12,5", OCR'd "39. 80"). */
static int has_decimals(const char *s, size_t len)
{
    size_t k = len, digits = 0;
    while (k > 0 && s[k - 1] != '.' && s[k - 1] != ',') {
        k--;
        digits += s[k] != ' ';
    }
    return k > 1 && digits >= 1 && digits <= 2;
}

/* Best amount in s[from..len) (a line, or one word), merged into *mc: amounts with
 * decimals beat integers; among equals the largest (want_max > 0), the first (want_max < 0,
 * the value next to its label when columns share a line) or the last one wins.
 * base is the page offset of s. Returns 1 if mc took an amount from s. */
static int pick_amount(struct extract_ctx *c, const char *s, size_t len, size_t from, size_t base,
                       int want_max, struct money_cand *mc)
{
    int took = 0;
    for (size_t pos = from; extract_match(c, XRE_AMOUNT, s, len, pos);) {
        PCRE2_SIZE *ov = extract_ov(c);
        size_t ms = ov[0], me = ov[1], ns, ne, cs, ce;
        pos = me > ms ? me : ms + 1;
        if (!extract_group(c, XRE_AMOUNT, "num", &ns, &ne) || !real_amount(s + ns, ne - ns))
            continue;
        int has_dec = has_decimals(s + ns, ne - ns);
        if (!has_dec && ne - ns > 7)
            continue; /* long bare numbers are ids, not amounts */
        char buf[32];
        if (extract_parse_amount_dec(s + ns, ne - ns, c->decimal, buf, sizeof buf) != DP_OK)
            continue;
        int64_t cents = extract_to_cents(buf);
        if (mc->amount[0] && (mc->integer < !has_dec ||
                              (mc->integer == !has_dec &&
                               ((want_max > 0 && cents <= mc->cents) || (want_max < 0 && took)))))
            continue;
        memcpy(mc->amount, buf, sizeof buf);
        mc->cents = cents;
        mc->integer = !has_dec;
        mc->cur = NULL;
        if (extract_group(c, XRE_AMOUNT, "c1", &cs, &ce) ||
            extract_group(c, XRE_AMOUNT, "c2", &cs, &ce))
            mc->cur = extract_currency_code(s + cs, ce - cs);
        mc->sp.off = base + ms;
        mc->sp.len = me - ms;
        took = 1;
    }
    return took;
}

/* 1 if line s holds nothing but one amount (a value printed under its label). */
static int amount_only(struct extract_ctx *c, const char *s, size_t len)
{
    size_t a = 0, b = len;
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == ':'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    if (a == b || !extract_match(c, XRE_AMOUNT, s, b, a))
        return 0;
    PCRE2_SIZE *ov = extract_ov(c);
    return ov[0] == a && ov[1] == b;
}

/* What a line is about: which kind of amount it labels, how surely, and where the label
 * ends (*lang_w: the label's weight in the document's language). 0 if it labels none. */
static int classify(struct extract_ctx *c, const char *s, size_t len, enum money_kind *kind,
                    double *strength, int *is_strong, double *lang_w, size_t *kw_end)
{
    int tot = 0, strong = 0;
    *is_strong = 0;
    double tot_w = 1.0; /* the labels' weight in the document's language */
    *kw_end = 0;
    if (extract_match(c, XRE_KW_TOTAL, s, len, 0)) {
        size_t so, eo, ts = extract_ov(c)[0];
        tot = 1;
        strong = extract_group(c, XRE_KW_TOTAL, "strong", &so, &eo);
        *kw_end = extract_ov(c)[1];
        tot_w = extract_label_weight(c, s + ts, *kw_end - ts);
    }
    int incl = extract_has(c, XRE_KW_INCL, s, len);
    if (!incl && extract_match(c, XRE_KW_SUB, s, len, 0)) {
        size_t ss = extract_ov(c)[0], se = extract_ov(c)[1];
        *lang_w = extract_label_weight(c, s + ss, se - ss);
        *kind = MK_SUB, *strength = 0.9 * *lang_w;
        *kw_end = se > *kw_end ? se : *kw_end;
    } else if (!incl && !strong && extract_match(c, XRE_KW_TAX, s, len, 0)) {
        size_t ts = extract_ov(c)[0], te = extract_ov(c)[1];
        if (extract_has(c, XRE_KW_TAXNOT, s, len))
            return 0;
        *lang_w = extract_label_weight(c, s + ts, te - ts);
        *kind = MK_TAX, *strength = 0.9 * *lang_w;
        *kw_end = te > *kw_end ? te : *kw_end;
    } else if (tot) {
        if (extract_has(c, XRE_KW_NOTOTAL, s, len))
            return 0;
        *lang_w = tot_w;
        *kind = MK_TOTAL, *strength = (strong ? 1.0 : 0.85) * tot_w;
        *is_strong = strong;
    } else {
        return 0;
    }
    return 1;
}

/* Value for a label with no amount after it on its line: an amount on the same visual row
 * further right (receipts OCR into columns), else an amount alone on the next line. */
static int find_detached(struct extract_ctx *c, size_t p, size_t l, int want_max,
                         struct money_cand *mc, size_t *at, double *factor)
{
    const struct extract_page *pg = &c->pages[p];
    size_t idx[16];
    size_t n = extract_row_right(c, p, l, idx, sizeof idx / sizeof idx[0]);
    int took = 0;
    for (size_t i = 0; i < n; i++) {
        const char *w = pg->pg->words[idx[i]].text;
        took |= pick_amount(c, pg->text + pg->woff[idx[i]], strlen(w), 0, pg->woff[idx[i]],
                            want_max, mc);
    }
    if (took) {
        *factor = 0.85;
        for (*at = 0; *at + 1 < pg->nlines && pg->lines[*at + 1].off <= mc->sp.off; (*at)++)
            ;
        return 1;
    }
    size_t nl = l + 1;
    while (nl < pg->nlines && pg->lines[nl].len == 0)
        nl++;
    if (nl >= pg->nlines || nl > l + 2)
        return 0;
    const char *t = extract_line_text(c, p, nl);
    if (!amount_only(c, t, pg->lines[nl].len) ||
        !pick_amount(c, t, pg->lines[nl].len, 0, pg->lines[nl].off, want_max, mc))
        return 0;
    *factor = 0.75;
    *at = nl;
    return 1;
}

/* A cash-rounding line ("ROUNDING ADJ -0.02", "Rounding (RM): 0.01"): remembers its amount
 * when it reads as one below 0.10, else just that the total was rounded. */
static void note_rounding(struct extract_ctx *c, struct money_scan *ms, const char *s, size_t len)
{
    struct money_cand mc;
    memset(&mc, 0, sizeof mc);
    ms->rounding = 1;
    if (!pick_amount(c, s, len, 0, 0, -1, &mc) || mc.integer || mc.cents >= 10 || mc.cents <= -10)
        return;
    int neg = mc.cents < 0;
    for (size_t i = 0; !neg && i < mc.sp.off; i++)
        neg = s[i] == '-';
    ms->round_adj = neg && mc.cents > 0 ? -mc.cents : mc.cents;
}

/* The payable amount of total t when the receipt rounds cash to 5 cents: t plus the printed
 * adjustment when that lands on a multiple of 5 cents (the other sign if OCR lost it), else
 * t rounded to the nearest 5 cents. t itself when no rounding line was seen, when t is
 * already a rounded total, or when nothing lands on 5 cents. */
static int64_t payable(const struct money_scan *ms, int64_t t, int t_rounded)
{
    if (!ms->rounding || t_rounded || t <= 0 || t % 5 == 0)
        return t;
    int64_t a = ms->round_adj;
    if (a != 0) {
        if ((t + a) % 5 == 0)
            return t + a;
        if ((t - a) % 5 == 0)
            return t - a;
        return t;
    }
    return t % 5 <= 2 ? t - t % 5 : t + 5 - t % 5;
}

static void scan_line(struct extract_ctx *c, struct money_scan *ms, size_t p, size_t l)
{
    const struct extract_page *pg = &c->pages[p];
    const char *s = extract_line_text(c, p, l);
    size_t len = pg->lines[l].len, kw_end = 0, at = l;
    double strength, factor = 1.0, lang_w = 1.0;
    int strong = 0;
    enum money_kind kind;
    if (ms->n == MONEY_MAX_CANDS || len == 0)
        return;
    if (!classify(c, s, len, &kind, &strength, &strong, &lang_w, &kw_end)) {
        if (extract_has(c, XRE_KW_ROUND, s, len))
            note_rounding(c, ms, s, len);
        return;
    }
    struct money_cand *mc = &ms->c[ms->n];
    memset(mc, 0, sizeof *mc);
    /* A total line may carry net, tax and gross: take the largest. A subtotal or tax
     * label: the amount after it (another column may follow on the same line). */
    int want_max = kind == MK_TOTAL ? 1 : -1;
    if (!pick_amount(c, s, len, kw_end, pg->lines[l].off, want_max, mc) &&
        !find_detached(c, p, l, want_max, mc, &at, &factor))
        return;
    mc->same_line = factor == 1.0;
    if (!mc->cur)
        mc->cur = extract_currency_code(extract_line_text(c, p, at), pg->lines[at].len);
    if (!mc->cur && at != l)
        mc->cur = extract_currency_code(s, len);
    mc->kind = kind;
    mc->rounded = extract_has(c, XRE_KW_ROUND, s, len);
    mc->strong = kind == MK_TOTAL && strong;
    mc->lang_w = lang_w;
    mc->strength = strength * factor * (mc->integer ? 0.8 : 1.0);
    mc->sp.page = p;
    ms->n++;
}

static dp_err emit_money(struct extract_ctx *c, const char *name, const struct money_cand *m,
                         double strength, int valid)
{
    cJSON *v = cJSON_CreateObject();
    if (!v)
        return DP_ENOMEM;
    const char *cur = m->cur ? m->cur : c->currency;
    cJSON_AddItemToObject(v, "amount", cJSON_CreateString(m->amount));
    cJSON_AddItemToObject(v, "currency", cur ? cJSON_CreateString(cur) : cJSON_CreateNull());
    return extract_emit(c, name, v, &m->sp, strength > 1 ? 1 : strength, valid);
}

/* The total: amounts with decimals beat bare integers, unmistakable labels (grand total,
 * rounded total, total incl. tax) beat a plain "total", a label in the document's language
 * one in another (lang_w); then the largest (a receipt's TOTAL is not
 * smaller than any other total-labelled amount once cash tendered and change are excluded). */
static const struct money_cand *best_total(const struct money_scan *ms)
{
    const struct money_cand *best = NULL;
    for (size_t i = 0; i < ms->n; i++) {
        const struct money_cand *m = &ms->c[i];
        if (m->kind != MK_TOTAL)
            continue;
        if (!best || m->integer < best->integer ||
            (m->integer == best->integer &&
             (m->strong > best->strong ||
              (m->strong == best->strong &&
               (m->lang_w > best->lang_w ||
                (m->lang_w == best->lang_w && m->cents > best->cents))))))
            best = m;
    }
    return best;
}

/* Largest candidate of a kind not above limit (limit < 0: no limit). */
static const struct money_cand *largest(const struct money_scan *ms, enum money_kind k,
                                        int64_t limit)
{
    const struct money_cand *best = NULL;
    for (size_t i = 0; i < ms->n; i++) {
        const struct money_cand *m = &ms->c[i];
        if (m->kind == k && (limit < 0 || m->cents <= limit) && (!best || m->cents > best->cents))
            best = m;
    }
    return best;
}

dp_err extract_money_run(struct extract_ctx *c)
{
    struct money_scan *ms = calloc(1, sizeof *ms);
    dp_err err = DP_ENOMEM;
    if (!ms)
        return DP_ENOMEM;
    for (size_t p = 0; p < c->npages; p++)
        for (size_t l = 0; l < c->pages[p].nlines; l++)
            scan_line(c, ms, p, l);
    /* Arithmetic: a subtotal and a tax that add up to a total confirm all three. */
    const struct money_cand *t = NULL, *s = NULL, *x = NULL;
    for (size_t i = 0; i < ms->n; i++) {
        if (ms->c[i].kind != MK_TOTAL)
            continue;
        for (size_t j = 0; j < ms->n; j++) {
            if (ms->c[j].kind != MK_SUB)
                continue;
            for (size_t k = 0; k < ms->n; k++) {
                if (ms->c[k].kind != MK_TAX)
                    continue;
                int64_t d = ms->c[j].cents + ms->c[k].cents - ms->c[i].cents;
                if (d >= -1 && d <= 1 && ms->c[i].cents > 0 &&
                    (!t || ms->c[i].strength > t->strength ||
                     (ms->c[i].strength == t->strength && ms->c[i].cents > t->cents)))
                    t = &ms->c[i], s = &ms->c[j], x = &ms->c[k];
            }
        }
    }
    int checked = t != NULL;
    if (!checked) {
        t = best_total(ms);
        s = largest(ms, MK_SUB, t ? t->cents : -1);
        x = largest(ms, MK_TAX, t ? t->cents : -1);
    }
    /* Best effort: a receipt that prints only a subtotal (no tax, no total) was paid that. */
    double sub_as_total = 1.0;
    if (!t && s && !x)
        t = s, sub_as_total = 0.6;
    double boost = checked ? 0.15 : 0;
    /* Without the arithmetic the total is only known to be wrong when both parts exist. */
    int valid = checked || !(s && x);
    err = DP_OK;
    struct money_cand paid;
    if (t && payable(ms, t->cents, t->rounded) != t->cents) {
        /* Cash rounding: report what was paid, a little less surely. */
        paid = *t;
        paid.cents = payable(ms, t->cents, t->rounded);
        snprintf(paid.amount, sizeof paid.amount, "%s%lld.%02lld", paid.cents < 0 ? "-" : "",
                 (long long)(paid.cents < 0 ? -paid.cents : paid.cents) / 100,
                 (long long)(paid.cents < 0 ? -paid.cents : paid.cents) % 100);
        paid.strength *= 0.9;
        t = &paid;
    }
    if (t && (err = emit_money(c, "total", t, t->strength * sub_as_total + boost, valid)) != DP_OK)
        goto out;
    if (s && (err = emit_money(c, "subtotal", s, s->strength + boost, valid)) != DP_OK)
        goto out;
    if (x && (err = emit_money(c, "tax", x, x->strength + boost, valid)) != DP_OK)
        goto out;
out:
    free(ms);
    return err;
}
