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

/* Scripts OSD names and the packs that read them, most used language first. */
static const struct {
    const char *script;
    const char *packs[6];
} script_packs[] = {
    {"Cyrillic", {"rus", "ukr", "bul", "srp", "script/Cyrillic", NULL}},
    {"Greek", {"ell", "script/Greek", NULL}},
    {"Arabic", {"ara", "fas", "urd", "script/Arabic", NULL}},
    {"Hebrew", {"heb", "script/Hebrew", NULL}},
    {"Han", {"chi_sim", "chi_tra", "script/HanS", "script/HanT", NULL}},
    {"Japanese", {"jpn", "script/Japanese", NULL}},
    {"Katakana", {"jpn", "script/Japanese", NULL}},
    {"Hiragana", {"jpn", "script/Japanese", NULL}},
    {"Hangul", {"kor", "script/Hangul", NULL}},
    {"Devanagari", {"hin", "mar", "nep", "script/Devanagari", NULL}},
    {"Thai", {"tha", "script/Thai", NULL}},
    {"Bengali", {"ben", "script/Bengali", NULL}},
    {"Tamil", {"tam", "script/Tamil", NULL}},
    {"Telugu", {"tel", "script/Telugu", NULL}},
    {"Kannada", {"kan", "script/Kannada", NULL}},
    {"Malayalam", {"mal", "script/Malayalam", NULL}},
    {"Gujarati", {"guj", "script/Gujarati", NULL}},
    {"Gurmukhi", {"pan", "script/Gurmukhi", NULL}},
    {"Georgian", {"kat", "script/Georgian", NULL}},
    {"Armenian", {"hye", "script/Armenian", NULL}},
    {"Ethiopic", {"amh", "script/Ethiopic", NULL}},
    {"Khmer", {"khm", "script/Khmer", NULL}},
    {"Lao", {"lao", "script/Lao", NULL}},
    {"Myanmar", {"mya", "script/Myanmar", NULL}},
    {"Sinhala", {"sin", "script/Sinhala", NULL}},
    {"Tibetan", {"bod", "script/Tibetan", NULL}},
};

const char *const *langdetect_script_packs(const char *script)
{
    static const char *const none[] = {NULL};
    if (!script || strcmp(script, "Latin") == 0 || strcmp(script, "Common") == 0)
        return NULL;
    for (size_t i = 0; i < sizeof script_packs / sizeof script_packs[0]; i++)
        if (strcmp(script, script_packs[i].script) == 0)
            return script_packs[i].packs;
    return none;
}

static int is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_lower(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || c >= 0x80;
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* 1 if the token t[0..n) is odd: a lower-case letter followed by an upper-case one from the
 * third letter on ("TeYeHUe"; not "eBay", but also "McDonald"), or a digit with letters on both
 * sides ("O6A3yeTCA", not "A4" or "3rd"). */
static int odd_token(const unsigned char *t, size_t n)
{
    int caps_switch = 0;
    for (size_t i = 1; i < n; i++) {
        if (is_lower(t[i - 1]) && is_upper(t[i]) && i >= 2)
            caps_switch++;
        if (is_digit(t[i]) && i + 1 < n && !is_digit(t[i - 1]) && !is_digit(t[i + 1]) &&
            (is_upper(t[i - 1]) || is_lower(t[i - 1])) &&
            (is_upper(t[i + 1]) || is_lower(t[i + 1])))
            return 1;
    }
    return caps_switch > 0;
}

double langdetect_odd_words(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t nwords = 0, odd = 0, i = 0;
    if (len > LANGDETECT_MAX_TEXT)
        len = LANGDETECT_MAX_TEXT;
    while (s && i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t'))
            i++;
        size_t start = i, letters = 0;
        while (i < len && s[i] != ' ' && s[i] != '\n' && s[i] != '\t')
            letters += is_upper(s[i]) || is_lower(s[i]), i++;
        if (letters < 3)
            continue;
        nwords++;
        odd += (size_t)odd_token(s + start, i - start);
    }
    return nwords < LANGDETECT_ODD_MIN_WORDS ? 0.0 : (double)odd / (double)nwords;
}

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
        /* letters glued to digits ("o6a3yeTca", "3a") are no words of any language */
        if (n == 0 || n > 30 || (start > 0 && is_digit((unsigned char)text[start - 1])) ||
            (i < len && is_digit((unsigned char)text[i])))
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
