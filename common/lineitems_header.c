/* lineitems_header.c -- the role a column header of an items table names, in English,
 * German, French, Dutch, Spanish and Italian. */
#include <ctype.h>
#include <string.h>
#include "lineitems.h"

#define LT_FOLD 256 /* bytes of a header cell looked at */

/* A keyword of a header cell: the role it names; word = 1 when it must stand as a word of its
 * own (short ones: "qty", "pu", "me"), else it may sit inside a compound ("Einzelpreis"). */
struct hw {
    const char *kw;
    enum lineitems_col role;
    int word;
};

/* In priority order: the first that occurs decides ("Unit price" is a price, "Gesamtpreis"
 * an amount, "Mengeneinheit" a unit). Lower case, accents as written. */
static const struct hw header_words[] = {
    /* strong descriptions first: "Artikel-Nr. / Bezeichnung" is the description */
    {"description", LI_COL_DESC, 0},
    {"bezeichnung", LI_COL_DESC, 0},
    {"beschreibung", LI_COL_DESC, 0},
    {"désignation", LI_COL_DESC, 0},
    {"designation", LI_COL_DESC, 0},
    {"libellé", LI_COL_DESC, 0},
    {"libelle", LI_COL_DESC, 0},
    {"omschrijving", LI_COL_DESC, 0},
    {"descripción", LI_COL_DESC, 0},
    {"descripcion", LI_COL_DESC, 0},
    {"descrizione", LI_COL_DESC, 0},
    {"concepto", LI_COL_DESC, 0},
    {"leistung", LI_COL_DESC, 0},
    /* amounts: "Gesamtpreis", "Prix total", "Line total", "Importe" */
    {"amount", LI_COL_AMOUNT, 0},
    {"total", LI_COL_AMOUNT, 0},
    {"betrag", LI_COL_AMOUNT, 0},
    {"gesamt", LI_COL_AMOUNT, 0},
    {"summe", LI_COL_AMOUNT, 0},
    {"montant", LI_COL_AMOUNT, 0},
    {"bedrag", LI_COL_AMOUNT, 0},
    {"totaal", LI_COL_AMOUNT, 0},
    {"importe", LI_COL_AMOUNT, 0},
    {"importo", LI_COL_AMOUNT, 0},
    {"totale", LI_COL_AMOUNT, 0},
    {"subtotal", LI_COL_AMOUNT, 0},
    /* unit price */
    {"price", LI_COL_PRICE, 0},
    {"preis", LI_COL_PRICE, 0},
    {"prix", LI_COL_PRICE, 0},
    {"prijs", LI_COL_PRICE, 0},
    {"precio", LI_COL_PRICE, 0},
    {"prezzo", LI_COL_PRICE, 0},
    {"tarif", LI_COL_PRICE, 0},
    {"rate", LI_COL_PRICE, 1},
    {"cost", LI_COL_PRICE, 1},
    {"p.u.", LI_COL_PRICE, 1},
    {"pu", LI_COL_PRICE, 1},
    {"ep", LI_COL_PRICE, 1},
    /* net or gross line amounts named without "amount" */
    {"netto", LI_COL_AMOUNT, 0},
    {"net", LI_COL_AMOUNT, 1},
    {"ht", LI_COL_AMOUNT, 1},
    {"neto", LI_COL_AMOUNT, 1},
    {"brutto", LI_COL_GROSS, 0},
    {"gross", LI_COL_GROSS, 1},
    {"ttc", LI_COL_GROSS, 1},
    {"bruto", LI_COL_GROSS, 1},
    /* units before quantities: "Mengeneinheit" */
    {"einheit", LI_COL_UNIT, 0},
    {"unité", LI_COL_UNIT, 0},
    {"unite", LI_COL_UNIT, 1},
    {"eenheid", LI_COL_UNIT, 0},
    {"unidad", LI_COL_UNIT, 0},
    {"unità", LI_COL_UNIT, 0},
    {"uom", LI_COL_UNIT, 1},
    {"me", LI_COL_UNIT, 1},
    {"eh", LI_COL_UNIT, 1},
    {"u.m.", LI_COL_UNIT, 1},
    /* quantities */
    {"qty", LI_COL_QTY, 0},
    {"quantity", LI_COL_QTY, 0},
    {"menge", LI_COL_QTY, 0},
    {"anzahl", LI_COL_QTY, 0},
    {"anz", LI_COL_QTY, 1},
    {"quantité", LI_COL_QTY, 0},
    {"quantite", LI_COL_QTY, 0},
    {"qté", LI_COL_QTY, 0},
    {"qte", LI_COL_QTY, 1},
    {"aantal", LI_COL_QTY, 0},
    {"cantidad", LI_COL_QTY, 0},
    {"cant", LI_COL_QTY, 1},
    {"quantità", LI_COL_QTY, 0},
    {"quantita", LI_COL_QTY, 0},
    {"qtà", LI_COL_QTY, 0},
    {"qta", LI_COL_QTY, 1},
    {"hours", LI_COL_QTY, 1},
    {"stunden", LI_COL_QTY, 0},
    {"unit", LI_COL_UNIT, 1},
    {"units", LI_COL_QTY, 1},
    /* numbers of the position or article */
    {"nr", LI_COL_POS, 1},
    {"no", LI_COL_POS, 1},
    {"nº", LI_COL_POS, 1},
    {"n°", LI_COL_POS, 1},
    {"nummer", LI_COL_POS, 0},
    {"number", LI_COL_POS, 0},
    {"code", LI_COL_POS, 1},
    {"sku", LI_COL_POS, 1},
    {"ean", LI_COL_POS, 1},
    {"gtin", LI_COL_POS, 1},
    {"pos", LI_COL_POS, 1},
    {"position", LI_COL_POS, 1},
    {"#", LI_COL_POS, 1},
    {"ref", LI_COL_POS, 1},
    {"réf", LI_COL_POS, 1},
    /* weak descriptions */
    {"artikel", LI_COL_DESC, 0},
    {"article", LI_COL_DESC, 0},
    {"articolo", LI_COL_DESC, 0},
    {"artículo", LI_COL_DESC, 0},
    {"item", LI_COL_DESC, 1},
    {"items", LI_COL_DESC, 1},
    {"product", LI_COL_DESC, 0},
    {"produkt", LI_COL_DESC, 0},
    {"produit", LI_COL_DESC, 0},
    {"producto", LI_COL_DESC, 0},
    {"prodotto", LI_COL_DESC, 0},
    {"service", LI_COL_DESC, 0},
    {"servicio", LI_COL_DESC, 0},
    {"dienst", LI_COL_DESC, 0},
    {"text", LI_COL_DESC, 1},
    {"texte", LI_COL_DESC, 1},
    {"omschr", LI_COL_DESC, 0},
    {"descr", LI_COL_DESC, 0},
};

/* Tax words: a column naming one is the tax rate, or a tax amount (not an item column). */
static const char *const tax_words[] = {"vat",  "mwst",   "ust",  "tax",  "tva",     "btw",
                                        "iva",  "steuer", "igic", "gst",  "imposta", "taxe",
                                        "vat%", "mwst.",  "ust.", "u.st", NULL};
static const char *const rate_words[] = {"%",    "satz",  "rate",     "taux", "tarief", "tipo",
                                         "tasa", "tasso", "aliquota", "code", "cat",    NULL};

/* Lower-cases ASCII and the Latin-1 capitals of UTF-8 (C3 80..C3 9E) into out[outsz]. */
static void fold(const char *s, char *out, size_t outsz)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 2 < outsz; p++) {
        if (p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97) {
            out[o++] = (char)0xC3;
            out[o++] = (char)(p[1] + 0x20);
            p++;
        } else {
            out[o++] = (char)tolower(*p);
        }
    }
    out[o] = '\0';
}

static int is_letter(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* Whether kw occurs in s; as a word of its own (not inside letters) when word is set. */
static int has(const char *s, const char *kw, int word)
{
    size_t kl = strlen(kw);
    for (const char *p = strstr(s, kw); p; p = strstr(p + 1, kw)) {
        if (!word)
            return 1;
        int before = p > s && is_letter((unsigned char)p[-1]) && is_letter((unsigned char)kw[0]);
        int after = is_letter((unsigned char)p[kl]) && is_letter((unsigned char)kw[kl - 1]);
        if (!before && !after)
            return 1;
    }
    return 0;
}

enum lineitems_col lineitems_header_role(const char *text)
{
    char f[LT_FOLD];
    fold(text ? text : "", f, sizeof f);
    for (const char *const *t = tax_words; *t; t++) {
        if (!has(f, *t, 1) && !(strlen(*t) > 3 && has(f, *t, 0)))
            continue;
        for (const char *const *r = rate_words; *r; r++)
            if (has(f, *r, strcmp(*r, "%") != 0))
                return LI_COL_TAX;
        /* "MwSt-Betrag" is the tax of the line; "Total incl. VAT" is its gross amount */
        if (has(f, "incl", 0) || has(f, "inkl", 0) || has(f, "ttc", 1) || has(f, "brutto", 0))
            return LI_COL_GROSS;
        for (size_t i = 0; i < sizeof header_words / sizeof *header_words; i++)
            if (header_words[i].role == LI_COL_AMOUNT && has(f, header_words[i].kw, 0))
                return LI_COL_NONE;
        return LI_COL_TAX;
    }
    for (size_t i = 0; i < sizeof header_words / sizeof *header_words; i++)
        if (has(f, header_words[i].kw, header_words[i].word))
            return header_words[i].role;
    return LI_COL_NONE;
}
