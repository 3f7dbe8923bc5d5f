/* extract_lang.c -- the document's language for the extractors: which languages a label is
 * written in, how much a label of another language counts, the decimal mark and the date order
 * a language prints. */
#include "extract_int.h"
#include <string.h>

/* Tesseract codes, index = enum extract_lang. */
static const char *const lang_codes[EXL_COUNT] = {"eng", "deu", "fra", "nld", "spa", "ita", "por"};

#define B(l) (1u << (l))

/* Label words and the languages that use them: a stem is found anywhere in the label (German
 * compounds: "Gesamtbetrag"), a word only as a whole word ("nr", "le"). Lower case UTF-8. */
static const struct label_word {
    const char *w;
    unsigned langs;
    int whole; /* 1: whole word only */
} label_words[] = {
    /* English */
    {"invoice", B(EXL_ENG), 0},
    {"amount", B(EXL_ENG), 0},
    {"balance", B(EXL_ENG), 0},
    {"payable", B(EXL_ENG), 0},
    {"grand", B(EXL_ENG), 0},
    {"due", B(EXL_ENG), 1},
    {"bill", B(EXL_ENG), 0},
    {"receipt", B(EXL_ENG), 0},
    {"number", B(EXL_ENG), 0},
    {"subtotal", B(EXL_ENG), 0},
    {"sub total", B(EXL_ENG), 0},
    {"tax", B(EXL_ENG), 0},
    {"vat", B(EXL_ENG), 1},
    {"gst", B(EXL_ENG), 1},
    {"dated", B(EXL_ENG), 1},
    {"issued", B(EXL_ENG), 1},
    {"date", B(EXL_ENG) | B(EXL_FRA), 1},
    {"total", B(EXL_ENG) | B(EXL_FRA) | B(EXL_SPA) | B(EXL_POR), 1},
    /* German */
    {"rechnung", B(EXL_DEU), 0},
    {"betrag", B(EXL_DEU), 0},
    {"summe", B(EXL_DEU), 0},
    {"gesamt", B(EXL_DEU), 0},
    {"zahl", B(EXL_DEU), 0},
    {"brutto", B(EXL_DEU), 0},
    {"steuer", B(EXL_DEU), 0},
    {"mwst", B(EXL_DEU), 0},
    {"ust", B(EXL_DEU), 1},
    {"nummer", B(EXL_DEU), 0},
    {"nr", B(EXL_DEU) | B(EXL_NLD), 1},
    {"fällig", B(EXL_DEU), 0},
    {"beleg", B(EXL_DEU), 0},
    {"quittung", B(EXL_DEU), 0},
    {"netto", B(EXL_DEU) | B(EXL_NLD), 0},
    {"datum", B(EXL_DEU) | B(EXL_NLD), 0},
    /* French */
    {"facture", B(EXL_FRA), 0},
    {"montant", B(EXL_FRA), 0},
    {"ttc", B(EXL_FRA), 1},
    {"payer", B(EXL_FRA), 0},
    {"tva", B(EXL_FRA), 1},
    {"hors", B(EXL_FRA), 1},
    {"ht", B(EXL_FRA), 1},
    {"numéro", B(EXL_FRA), 0},
    {"n°", B(EXL_FRA) | B(EXL_SPA) | B(EXL_ITA) | B(EXL_POR), 0},
    {"échéance", B(EXL_FRA), 0},
    {"le", B(EXL_FRA), 1},
    /* Dutch */
    {"factuur", B(EXL_NLD), 0},
    {"totaal", B(EXL_NLD), 0},
    {"bedrag", B(EXL_NLD), 0},
    {"betalen", B(EXL_NLD), 0},
    {"voldoen", B(EXL_NLD), 0},
    {"btw", B(EXL_NLD), 1},
    {"verval", B(EXL_NLD), 0},
    /* Spanish, Italian, Portuguese */
    {"factura", B(EXL_SPA), 0},
    {"importe", B(EXL_SPA), 0},
    {"pagar", B(EXL_SPA) | B(EXL_POR), 0},
    {"fecha", B(EXL_SPA), 0},
    {"imponible", B(EXL_SPA), 0},
    {"nº", B(EXL_SPA) | B(EXL_POR) | B(EXL_ITA), 0},
    {"iva", B(EXL_SPA) | B(EXL_ITA) | B(EXL_POR), 1},
    {"fattura", B(EXL_ITA), 0},
    {"totale", B(EXL_ITA), 0},
    {"importo", B(EXL_ITA), 0},
    {"imponibile", B(EXL_ITA), 0},
    {"pagare", B(EXL_ITA), 0},
    {"data", B(EXL_ITA) | B(EXL_POR), 1},
    {"fatura", B(EXL_POR), 0},
    {"valor", B(EXL_POR), 0},
};

int extract_lang_index(const char *lang)
{
    if (!lang || strlen(lang) < 3 || (lang[3] != '\0' && lang[3] != '+'))
        return -1;
    for (int i = 0; i < EXL_COUNT; i++)
        if (strncmp(lang, lang_codes[i], 3) == 0)
            return i;
    return -1;
}

/* Lower-cases ASCII letters of s[0..len) into out (outsz >= 1); other bytes as they are. */
static size_t fold(const char *s, size_t len, char *out, size_t outsz)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < outsz; i++) {
        char ch = s[i];
        out[n++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    out[n] = '\0';
    return n;
}

static int letter_at(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return 0;
    unsigned char ch = (unsigned char)s[i];
    return (ch >= 'a' && ch <= 'z') || ch >= 0x80;
}

unsigned extract_label_langs(const char *s, size_t len)
{
    char f[128];
    size_t n = fold(s, len, f, sizeof f);
    unsigned langs = 0;
    for (size_t k = 0; k < sizeof label_words / sizeof label_words[0]; k++) {
        const struct label_word *lw = &label_words[k];
        size_t wl = strlen(lw->w);
        for (const char *p = f; (p = strstr(p, lw->w)) != NULL; p++) {
            size_t at = (size_t)(p - f);
            /* UTF-8 letters count as letters: "é" after "le" makes it no whole word */
            if (lw->whole && ((at > 0 && letter_at(f, n, at - 1)) || letter_at(f, n, at + wl)))
                continue;
            langs |= lw->langs;
            break;
        }
    }
    return langs;
}

double extract_label_weight(const struct extract_ctx *c, const char *s, size_t len)
{
    if (c->lang < 0)
        return 1.0;
    unsigned langs = extract_label_langs(s, len);
    if (langs == 0 || (langs & B(c->lang)))
        return 1.0;
    return langs & B(EXL_ENG) ? EXTRACT_W_ENGLISH : EXTRACT_W_FOREIGN;
}

char extract_lang_decimal(int lang)
{
    return lang < 0 ? 0 : lang == EXL_ENG ? '.' : ',';
}
