/* langdetect.c -- language of a text from its function words. */
#include "langdetect.h"
#include <string.h>

const char *const langdetect_codes[LANGDETECT_NLANGS] = {"eng", "deu", "fra", "nld",
                                                         "spa", "ita", "por"};

/* Frequent words of each language (and a few words every invoice has), space-separated, lower
 * case, UTF-8. Words shared by several languages count for each: only the rest decides. */
static const char *const words[LANGDETECT_NLANGS] = {
    /* eng */ " the and of to in is for on with that this by from are be at as your you our we"
              " it not or have has will an was which all please invoice amount due thank ",
    /* deu */
    " der die das und ist nicht mit von zu den dem des ein eine einer für auf im sich"
    " auch bei oder wir sie ihre ihr nach aus wird werden sind vom zum zur bitte"
    " rechnung betrag gesamt datum netto brutto summe steuer menge preis über ",
    /* fra */
    " le la les et est des du une un pour par sur dans au aux avec ce cette qui que ne"
    " pas sont nous vous votre notre facture montant tva prix quantité hors être ",
    /* nld */
    " de het een en van is niet met voor op te zijn dat die deze wij u uw bij aan ook"
    " als factuur bedrag totaal btw prijs aantal graag ",
    /* spa */
    " el la los las y es en de del que por para con una un no se su sus al factura"
    " importe fecha cantidad iva precio gracias ",
    /* ita */
    " il lo la gli le e è di del della che per con non una un sono al alla fattura"
    " importo quantità iva totale prezzo grazie ",
    /* por */
    " o a os as e é de do da dos das que para com não uma um em no na ao fatura valor"
    " quantidade preço obrigado ",
};

/* A word byte: ASCII letter or any byte of a multi-byte UTF-8 sequence. */
static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

const char *langdetect_guess(const char *text, size_t len, struct langdetect_scores *scores)
{
    struct langdetect_scores sc;
    memset(&sc, 0, sizeof sc);
    if (len > LANGDETECT_MAX_TEXT)
        len = LANGDETECT_MAX_TEXT;
    size_t i = 0;
    while (text && i < len) {
        while (i < len && !word_byte((unsigned char)text[i]))
            i++;
        size_t start = i;
        while (i < len && word_byte((unsigned char)text[i]))
            i++;
        size_t n = i - start;
        if (n == 0 || n > 30)
            continue;
        char w[34];
        w[0] = ' ';
        for (size_t k = 0; k < n; k++) {
            char c = text[start + k];
            w[k + 1] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
        w[n + 1] = ' ';
        w[n + 2] = '\0';
        sc.words++;
        for (size_t l = 0; l < LANGDETECT_NLANGS; l++)
            sc.hits[l] += strstr(words[l], w) != NULL;
    }
    if (scores)
        *scores = sc;
    size_t best = 0, second = 0;
    for (size_t l = 1; l < LANGDETECT_NLANGS; l++)
        if (sc.hits[l] > sc.hits[best])
            best = l;
    second = best == 0 ? 1 : 0;
    for (size_t l = 0; l < LANGDETECT_NLANGS; l++)
        if (l != best && sc.hits[l] > sc.hits[second])
            second = l;
    if (sc.hits[best] < LANGDETECT_MIN_HITS ||
        (double)sc.hits[best] < LANGDETECT_MARGIN * (double)sc.hits[second])
        return NULL;
    return langdetect_codes[best];
}
