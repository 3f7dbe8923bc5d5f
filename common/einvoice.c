/* einvoice.c -- CII and UBL invoice XML -> header fields, tax breakdown and line items. */
#include "einvoice.h"
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "extract.h"
#include "result.h"

#define SNIFF_SPAN (64u << 10)

/* ---- sniffing ---- */

/* Skips blanks, the XML declaration, processing instructions, comments and a DOCTYPE from
 * *i; 0 when the span ends first. */
static int skip_prolog(const char *buf, size_t len, size_t *i)
{
    for (;;) {
        while (*i < len &&
               (buf[*i] == ' ' || buf[*i] == '\t' || buf[*i] == '\r' || buf[*i] == '\n'))
            (*i)++;
        const char *end = NULL;
        size_t skip = 0;
        if (*i + 1 < len && buf[*i] == '<' && buf[*i + 1] == '?')
            end = memmem(buf + *i, len - *i, "?>", 2), skip = 2;
        else if (*i + 3 < len && memcmp(buf + *i, "<!--", 4) == 0)
            end = memmem(buf + *i, len - *i, "-->", 3), skip = 3;
        else if (*i + 1 < len && buf[*i] == '<' && buf[*i + 1] == '!')
            end = memchr(buf + *i, '>', len - *i), skip = 1;
        else
            return *i < len;
        if (!end)
            return 0;
        *i = (size_t)(end - buf) + skip;
    }
}

int einvoice_sniff(const char *buf, size_t len)
{
    size_t i = 0;
    if (!buf)
        return 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    size_t span = len - i < SNIFF_SPAN ? len : i + SNIFF_SPAN;
    if (!skip_prolog(buf, span, &i) || buf[i] != '<')
        return 0;
    /* the root element's local name */
    size_t n = i + 1;
    while (n < span && !strchr(" \t\r\n/>", buf[n]))
        n++;
    const char *name = buf + i + 1, *colon = memchr(name, ':', (size_t)(buf + n - name));
    if (colon)
        name = colon + 1;
    size_t nl = (size_t)(buf + n - name);
    if ((nl == 20 && memcmp(name, "CrossIndustryInvoice", 20) == 0) ||
        (nl == 21 && memcmp(name, "CrossIndustryDocument", 21) == 0))
        return 1;
    if (!(nl == 7 && memcmp(name, "Invoice", 7) == 0) &&
        !(nl == 10 && memcmp(name, "CreditNote", 10) == 0))
        return 0;
    /* Invoice / CreditNote: CII (ZUGFeRD 1) or UBL by their namespaces */
    static const char *const ns[] = {"urn:un:unece:uncefact:data:standard:",
                                     "urn:oasis:names:specification:ubl:schema:xsd:"};
    for (size_t k = 0; k < 2; k++)
        if (memmem(buf + i, span - i, ns[k], strlen(ns[k])))
            return 1;
    return 0;
}

/* ---- tree helpers: elements by local name, namespace-agnostic ---- */

static int named(const xmlNode *n, const char *name, size_t nlen)
{
    return n && n->type == XML_ELEMENT_NODE && strlen((const char *)n->name) == nlen &&
           memcmp(n->name, name, nlen) == 0;
}

/* First child element whose local name is one of alts ("A|B"), alternatives tried in order. */
static xmlNode *child_alt(xmlNode *n, const char *alts, size_t len)
{
    if (!n)
        return NULL;
    for (const char *a = alts; a < alts + len;) {
        const char *bar = memchr(a, '|', (size_t)(alts + len - a));
        size_t alen = bar ? (size_t)(bar - a) : (size_t)(alts + len - a);
        for (xmlNode *c = n->children; c; c = c->next)
            if (named(c, a, alen))
                return c;
        a += alen + 1;
    }
    return NULL;
}

/* Follows "A|B/C/D" from n, one child step per '/'. */
static xmlNode *path(xmlNode *n, const char *p)
{
    while (n && *p) {
        size_t step = strcspn(p, "/");
        n = child_alt(n, p, step);
        p += step + (p[step] == '/');
    }
    return n;
}

/* Trimmed text content of n, capped, or NULL if empty. Caller frees. */
static char *text_of(xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *c = xmlNodeGetContent(n);
    if (!c)
        return NULL;
    const char *s = (const char *)c, *e = s + strlen(s);
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    size_t n2 = (size_t)(e - s);
    if (n2 > EINVOICE_MAX_TEXT) {
        n2 = EINVOICE_MAX_TEXT;
        while (n2 > 0 && ((unsigned char)s[n2] & 0xC0) == 0x80)
            n2--; /* cut at a character boundary */
    }
    char *out = n2 ? strndup(s, n2) : NULL;
    xmlFree(c);
    return out;
}

static char *text_at(xmlNode *n, const char *p)
{
    return text_of(path(n, p));
}

static char *attr_of(xmlNode *n, const char *name)
{
    if (!n)
        return NULL;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *out = v && *v ? strndup((const char *)v, EINVOICE_MAX_TEXT) : NULL;
    xmlFree(v);
    return out;
}

/* CII dates are "YYYYMMDD" (format 102); UBL dates are "YYYY-MM-DD". Others are kept. */
static char *date_at(xmlNode *n, const char *p)
{
    char *s = text_at(n, p);
    if (s && strlen(s) == 8 && strspn(s, "0123456789") == 8) {
        char *d = malloc(11);
        if (d) {
            memcpy(d, s, 4), d[4] = '-', memcpy(d + 5, s + 4, 2), d[7] = '-';
            memcpy(d + 8, s + 6, 3);
        }
        free(s);
        return d;
    }
    return s;
}

/* First child named name (of the alternatives) whose attribute attr equals want. */
static xmlNode *child_with_attr(xmlNode *n, const char *name, const char *attr, const char *want)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (!named(c, name, strlen(name)))
            continue;
        xmlChar *v = xmlGetProp(c, (const xmlChar *)attr);
        int ok = v && want && strcmp((const char *)v, want) == 0;
        xmlFree(v);
        if (ok)
            return c;
    }
    return NULL;
}

/* An amount child that may repeat once per currency (TaxTotalAmount, TaxAmount): the one in
 * the invoice currency, else the first. */
static char *amount_in(xmlNode *n, const char *name, const char *currency)
{
    xmlNode *c = child_with_attr(n, name, "currencyID", currency);
    return text_of(c ? c : path(n, name));
}

/* ---- CII ---- */

/* The seller's or buyer's VAT id: SpecifiedTaxRegistration/ID with schemeID VA. */
static char *cii_vat(xmlNode *party)
{
    for (xmlNode *c = party ? party->children : NULL; c; c = c->next) {
        if (!named(c, "SpecifiedTaxRegistration", 24))
            continue;
        xmlNode *id = child_with_attr(c, "ID", "schemeID", "VA");
        char *v = text_of(id);
        if (v)
            return v;
    }
    return NULL;
}

/* The next zeroed line of inv, growing its array (*cap is the allocated count, doubled from 16);
 * NULL when memory runs out. The caller has checked EINVOICE_MAX_LINES. */
static struct einvoice_line *line_add(struct einvoice *inv, size_t *cap)
{
    if (inv->nlines == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        void *p = realloc(inv->lines, ncap * sizeof *inv->lines);
        if (!p)
            return NULL;
        inv->lines = p, *cap = ncap;
    }
    struct einvoice_line *l = &inv->lines[inv->nlines++];
    memset(l, 0, sizeof *l);
    return l;
}

static dp_err cii_lines(xmlNode *tx, struct einvoice *inv)
{
    size_t cap = 0;
    for (xmlNode *c = tx->children; c; c = c->next) {
        if (!named(c, "IncludedSupplyChainTradeLineItem", 32))
            continue;
        if (inv->nlines >= EINVOICE_MAX_LINES)
            break;
        struct einvoice_line *l = line_add(inv, &cap);
        if (!l)
            return DP_ENOMEM;
        xmlNode *prod = path(c, "SpecifiedTradeProduct");
        l->description = text_at(prod, "Name");
        if (!l->description)
            l->description = text_at(prod, "Description");
        xmlNode *agr = path(c, "SpecifiedLineTradeAgreement|SpecifiedSupplyChainTradeAgreement");
        xmlNode *price = path(agr, "NetPriceProductTradePrice|GrossPriceProductTradePrice");
        l->unit_price = text_at(price, "ChargeAmount");
        l->price_basis = text_at(price, "BasisQuantity");
        xmlNode *q = path(c, "SpecifiedLineTradeDelivery|SpecifiedSupplyChainTradeDelivery/"
                             "BilledQuantity");
        l->quantity = text_of(q);
        l->unit = attr_of(q, "unitCode");
        xmlNode *set = path(c, "SpecifiedLineTradeSettlement|SpecifiedSupplyChainTradeSettlement");
        l->tax_rate = text_at(set, "ApplicableTradeTax/RateApplicablePercent|ApplicablePercent");
        l->amount = text_at(set, "SpecifiedTradeSettlementLineMonetarySummation|"
                                 "SpecifiedTradeSettlementMonetarySummation/LineTotalAmount");
    }
    return DP_OK;
}

static dp_err taxes_add(struct einvoice *inv, char *rate, char *basis, char *amount)
{
    if (inv->ntaxes >= EINVOICE_MAX_TAXES || (!basis && !amount)) {
        free(rate), free(basis), free(amount);
        return DP_OK;
    }
    if (!inv->taxes && !(inv->taxes = calloc(EINVOICE_MAX_TAXES, sizeof *inv->taxes))) {
        free(rate), free(basis), free(amount);
        return DP_ENOMEM;
    }
    inv->taxes[inv->ntaxes++] = (struct einvoice_tax){rate, basis, amount};
    return DP_OK;
}

static dp_err cii_read(xmlNode *root, struct einvoice *inv)
{
    dp_err rc;
    inv->syntax = EINVOICE_CII;
    xmlNode *hd = path(root, "ExchangedDocument|HeaderExchangedDocument");
    inv->number = text_at(hd, "ID");
    inv->type_code = text_at(hd, "TypeCode");
    inv->issue_date = date_at(hd, "IssueDateTime");
    xmlNode *tx = path(root, "SupplyChainTradeTransaction|SpecifiedSupplyChainTradeTransaction");
    if (!tx)
        return hd ? DP_OK : DP_EPARSE;
    xmlNode *agr = path(tx, "ApplicableHeaderTradeAgreement|ApplicableSupplyChainTradeAgreement");
    xmlNode *seller = path(agr, "SellerTradeParty"), *buyer = path(agr, "BuyerTradeParty");
    inv->seller = text_at(seller, "Name");
    inv->seller_vat = cii_vat(seller);
    inv->buyer = text_at(buyer, "Name");
    inv->buyer_vat = cii_vat(buyer);
    xmlNode *set = path(tx, "ApplicableHeaderTradeSettlement|ApplicableSupplyChainTradeSettlement");
    inv->currency = text_at(set, "InvoiceCurrencyCode");
    for (xmlNode *c = set ? set->children : NULL; c; c = c->next) {
        if (named(c, "SpecifiedTradeSettlementPaymentMeans", 36) && !inv->iban) {
            inv->iban = text_at(c, "PayeePartyCreditorFinancialAccount/IBANID");
            if (!inv->iban) /* a direct debit names the payer's account instead */
                inv->iban = text_at(c, "PayerPartyDebtorFinancialAccount/IBANID");
            if (!inv->bic)
                inv->bic = text_at(c, "PayeeSpecifiedCreditorFinancialInstitution/BICID");
        } else if (named(c, "ApplicableTradeTax", 18)) {
            rc = taxes_add(inv, text_at(c, "RateApplicablePercent|ApplicablePercent"),
                           text_at(c, "BasisAmount"), text_at(c, "CalculatedAmount"));
            if (rc)
                return rc;
        } else if (named(c, "SpecifiedTradePaymentTerms", 26) && !inv->due_date) {
            inv->due_date = date_at(c, "DueDateDateTime");
        }
    }
    xmlNode *sum = path(set, "SpecifiedTradeSettlementHeaderMonetarySummation|"
                             "SpecifiedTradeSettlementMonetarySummation");
    inv->line_total = text_at(sum, "LineTotalAmount");
    inv->tax_basis = text_at(sum, "TaxBasisTotalAmount");
    inv->tax_total = amount_in(sum, "TaxTotalAmount", inv->currency);
    inv->grand_total = text_at(sum, "GrandTotalAmount");
    inv->due_payable = text_at(sum, "DuePayableAmount");
    return cii_lines(tx, inv);
}

/* ---- UBL ---- */

static char *ubl_party_name(xmlNode *party)
{
    char *v = text_at(party, "PartyLegalEntity/RegistrationName");
    return v ? v : text_at(party, "PartyName/Name");
}

static char *ubl_vat(xmlNode *party)
{
    for (xmlNode *c = party ? party->children : NULL; c; c = c->next) {
        if (!named(c, "PartyTaxScheme", 14))
            continue;
        char *scheme = text_at(c, "TaxScheme/ID");
        int vat = !scheme || strcmp(scheme, "VAT") == 0;
        free(scheme);
        char *v = vat ? text_at(c, "CompanyID") : NULL;
        if (v)
            return v;
    }
    return NULL;
}

static dp_err ubl_read(xmlNode *root, struct einvoice *inv)
{
    dp_err rc;
    size_t cap = 0;
    inv->syntax = EINVOICE_UBL;
    inv->number = text_at(root, "ID");
    inv->type_code = text_at(root, "InvoiceTypeCode|CreditNoteTypeCode");
    inv->issue_date = date_at(root, "IssueDate");
    inv->due_date = date_at(root, "DueDate");
    if (!inv->due_date)
        inv->due_date = date_at(root, "PaymentMeans/PaymentDueDate");
    inv->currency = text_at(root, "DocumentCurrencyCode");
    xmlNode *seller = path(root, "AccountingSupplierParty/Party");
    xmlNode *buyer = path(root, "AccountingCustomerParty/Party");
    inv->seller = ubl_party_name(seller);
    inv->seller_vat = ubl_vat(seller);
    inv->buyer = ubl_party_name(buyer);
    inv->buyer_vat = ubl_vat(buyer);
    xmlNode *acct = path(root, "PaymentMeans/PayeeFinancialAccount");
    inv->iban = text_at(acct, "ID");
    inv->bic = text_at(acct, "FinancialInstitutionBranch/ID");
    xmlNode *sum = path(root, "LegalMonetaryTotal");
    inv->line_total = text_at(sum, "LineExtensionAmount");
    inv->tax_basis = text_at(sum, "TaxExclusiveAmount");
    inv->grand_total = text_at(sum, "TaxInclusiveAmount");
    inv->due_payable = text_at(sum, "PayableAmount");
    for (xmlNode *c = root->children; c; c = c->next) {
        if (named(c, "TaxTotal", 8)) {
            if (!inv->tax_total)
                inv->tax_total = text_at(c, "TaxAmount");
            for (xmlNode *s = c->children; s; s = s->next)
                if (named(s, "TaxSubtotal", 11) &&
                    (rc = taxes_add(inv, text_at(s, "TaxCategory/Percent"),
                                    text_at(s, "TaxableAmount"), text_at(s, "TaxAmount"))))
                    return rc;
            continue;
        }
        if (!named(c, "InvoiceLine", 11) && !named(c, "CreditNoteLine", 14))
            continue;
        if (inv->nlines >= EINVOICE_MAX_LINES)
            continue;
        struct einvoice_line *l = line_add(inv, &cap);
        if (!l)
            return DP_ENOMEM;
        xmlNode *item = path(c, "Item");
        l->description = text_at(item, "Name");
        if (!l->description)
            l->description = text_at(item, "Description");
        xmlNode *q = path(c, "InvoicedQuantity|CreditedQuantity");
        l->quantity = text_of(q);
        l->unit = attr_of(q, "unitCode");
        l->unit_price = text_at(c, "Price/PriceAmount");
        l->price_basis = text_at(c, "Price/BaseQuantity");
        l->amount = text_at(c, "LineExtensionAmount");
        l->tax_rate = text_at(item, "ClassifiedTaxCategory/Percent");
    }
    return DP_OK;
}

/* ---- parse / free ---- */

dp_err einvoice_parse(const char *buf, size_t len, struct einvoice **out)
{
    dp_err rc = DP_EPARSE;
    struct einvoice *inv = NULL;
    xmlDoc *doc = NULL;
    if (!out || !buf)
        return DP_EINVAL;
    *out = NULL;
    if (len > EINVOICE_MAX_BYTES)
        return DP_ETOOBIG;
    if (len > 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        buf += 3, len -= 3; /* libxml2 handles a BOM, but not one before leading blanks */
    while (len && (*buf == ' ' || *buf == '\t' || *buf == '\r' || *buf == '\n'))
        buf++, len--;
    /* No network, no entity substitution, no DTD loading; quiet (errors are ours to report). */
    doc = xmlReadMemory(buf, (int)len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        goto out;
    if (doc->intSubset || doc->extSubset)
        goto out; /* a DTD: refused */
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root)
        goto out;
    const char *ns = root->ns && root->ns->href ? (const char *)root->ns->href : "";
    int ubl = strstr(ns, "urn:oasis:names:specification:ubl:") != NULL;
    int cii = strstr(ns, "urn:un:unece:uncefact:") != NULL ||
              named(root, "CrossIndustryInvoice", 20) || named(root, "CrossIndustryDocument", 21);
    if (!ubl && !cii)
        goto out;
    if (ubl && !named(root, "Invoice", 7) && !named(root, "CreditNote", 10))
        goto out;
    if (!(inv = calloc(1, sizeof *inv))) {
        rc = DP_ENOMEM;
        goto out;
    }
    rc = ubl ? ubl_read(root, inv) : cii_read(root, inv);
    if (!rc && !inv->number && !inv->grand_total && !inv->nlines)
        rc = DP_EPARSE; /* the right root, but nothing of an invoice in it */
out:
    xmlFreeDoc(doc);
    if (rc) {
        einvoice_free(inv);
        return rc;
    }
    *out = inv;
    return DP_OK;
}

void einvoice_free(struct einvoice *inv)
{
    if (!inv)
        return;
    char **s[] = {&inv->number,    &inv->type_code, &inv->issue_date,  &inv->due_date,
                  &inv->currency,  &inv->seller,    &inv->seller_vat,  &inv->buyer,
                  &inv->buyer_vat, &inv->iban,      &inv->bic,         &inv->line_total,
                  &inv->tax_basis, &inv->tax_total, &inv->grand_total, &inv->due_payable};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        free(*s[i]);
    for (size_t i = 0; i < inv->nlines; i++) {
        struct einvoice_line *l = &inv->lines[i];
        free(l->description), free(l->quantity), free(l->unit), free(l->unit_price);
        free(l->price_basis), free(l->amount), free(l->tax_rate);
    }
    for (size_t i = 0; i < inv->ntaxes; i++)
        free(inv->taxes[i].rate), free(inv->taxes[i].basis), free(inv->taxes[i].amount);
    free(inv->lines);
    free(inv->taxes);
    free(inv);
}

/* ---- result JSON ---- */

static cJSON *money(const char *amount, const char *currency)
{
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "amount", amount);
    cJSON_AddItemToObject(v, "currency",
                          currency ? cJSON_CreateString(currency) : cJSON_CreateNull());
    return v;
}

static void add_field(cJSON *arr, const char *name, cJSON *value, const char *text, int valid,
                      const char *source)
{
    cJSON *f = result_field(name, value, text, 1, 0, NULL, valid, source);
    if (f)
        cJSON_AddItemToArray(arr, f);
}

static int date_ok(const char *s)
{
    struct extract_date d;
    return extract_parse_date(s, strlen(s), EXTRACT_DAY_FIRST, &d) == DP_OK;
}

cJSON *einvoice_fields(const struct einvoice *inv, const char *source)
{
    cJSON *a = cJSON_CreateArray();
    if (!a || !inv)
        return a;
    const struct {
        const char *name, *val;
    } strs[] = {{"invoice_number", inv->number},  {"company", inv->seller},
                {"vat_id", inv->seller_vat},      {"buyer", inv->buyer},
                {"buyer_vat_id", inv->buyer_vat}, {"bic", inv->bic},
                {"currency", inv->currency}};
    const struct {
        const char *name, *val;
    } sums[] = {{"line_total", inv->line_total},
                {"subtotal", inv->tax_basis},
                {"tax", inv->tax_total},
                {"total", inv->grand_total},
                {"amount_due", inv->due_payable}};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        if (strs[i].val)
            add_field(a, strs[i].name, cJSON_CreateString(strs[i].val), strs[i].val, 1, source);
    if (inv->issue_date)
        add_field(a, "date", cJSON_CreateString(inv->issue_date), inv->issue_date,
                  date_ok(inv->issue_date), source);
    if (inv->due_date)
        add_field(a, "due_date", cJSON_CreateString(inv->due_date), inv->due_date,
                  date_ok(inv->due_date), source);
    if (inv->iban) {
        char norm[64];
        int ok = extract_iban_normalise(inv->iban, strlen(inv->iban), norm, sizeof norm) == 1;
        add_field(a, "iban", cJSON_CreateString(ok ? norm : inv->iban), inv->iban, ok, source);
    }
    for (size_t i = 0; i < sizeof sums / sizeof *sums; i++)
        if (sums[i].val)
            add_field(a, sums[i].name, money(sums[i].val, inv->currency), sums[i].val, 1, source);
    return a;
}

static void add_str_or_null(cJSON *o, const char *k, const char *v)
{
    cJSON_AddItemToObject(o, k, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

cJSON *einvoice_line_items(const struct einvoice *inv, const char *source)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && inv && i < inv->nlines; i++) {
        const struct einvoice_line *l = &inv->lines[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        add_str_or_null(o, "description", l->description);
        add_str_or_null(o, "quantity", l->quantity);
        add_str_or_null(o, "unit", l->unit);
        cJSON_AddItemToObject(o, "unit_price",
                              l->unit_price ? money(l->unit_price, inv->currency)
                                            : cJSON_CreateNull());
        if (l->price_basis)
            cJSON_AddStringToObject(o, "price_basis", l->price_basis);
        cJSON_AddItemToObject(o, "amount",
                              l->amount ? money(l->amount, inv->currency) : cJSON_CreateNull());
        add_str_or_null(o, "tax_rate", l->tax_rate);
        cJSON_AddNullToObject(o, "page");
        cJSON_AddNullToObject(o, "bbox");
        cJSON_AddNumberToObject(o, "confidence", 1);
        cJSON_AddStringToObject(o, "source", source);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

cJSON *einvoice_taxes(const struct einvoice *inv)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && inv && i < inv->ntaxes; i++) {
        cJSON *o = cJSON_CreateObject();
        add_str_or_null(o, "rate", inv->taxes[i].rate);
        add_str_or_null(o, "basis", inv->taxes[i].basis);
        add_str_or_null(o, "amount", inv->taxes[i].amount);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}
