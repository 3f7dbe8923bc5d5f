/* langdetect.h -- which language a page's words are in, from the function words they use
 * (a stop-word count), to pick the Tesseract pack to read it with (lang=auto). Knows the
 * packs docproc installs: eng deu fra nld spa ita por. Pure. */
#ifndef DP_LANGDETECT_H
#define DP_LANGDETECT_H
#include <stddef.h>

#define LANGDETECT_MIN_HITS 4     /* fewer function words than this: no verdict */
#define LANGDETECT_MARGIN   1.5   /* the winner needs this many times the runner-up's hits */
#define LANGDETECT_MAX_TEXT 65536 /* bytes of text looked at, at most */

/* Hits per language, in the order of langdetect_codes. */
#define LANGDETECT_NLANGS 7
struct langdetect_scores {
    size_t hits[LANGDETECT_NLANGS];
    size_t words; /* words looked at */
};

/* Tesseract codes of the languages it knows, LANGDETECT_NLANGS of them (static). */
extern const char *const langdetect_codes[LANGDETECT_NLANGS];

/* The Tesseract code ("eng", "deu"...) of the language of text[0..len) (UTF-8, OCR output),
 * or NULL when it has too few function words to tell (LANGDETECT_MIN_HITS) or two languages
 * are too close (LANGDETECT_MARGIN). scores (may be NULL) receives the counts. Words are
 * compared in lower case (ASCII letters; accented letters as written). The result is static. */
const char *langdetect_guess(const char *text, size_t len, struct langdetect_scores *scores);

/* Share (0..1) of the words of three or more letters in text[0..len) that no Latin-script
 * language writes: case mixed inside the word ("TeYeHUe") or digits between letters
 * ("O6A3yeTCA"), what an English read of another script looks like. 0 when there are fewer
 * than LANGDETECT_ODD_MIN_WORDS such words. Looks at LANGDETECT_MAX_TEXT bytes at most. */
#define LANGDETECT_ODD_MIN_WORDS 5
double langdetect_odd_words(const char *text, size_t len);

/* Tesseract packs that read a script OSD names ("Cyrillic" -> rus, ukr, bul, srp, then the
 * script pack "script/Cyrillic"), best first: a static NULL-terminated list, empty for a
 * script no pack is known for. NULL for the Latin script (and "Common"): the language then
 * comes from the words (langdetect_guess). */
const char *const *langdetect_script_packs(const char *script);

#endif
