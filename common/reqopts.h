/* reqopts.h -- the options an upload may carry (query string or multipart fields), validated.
 * Pure: every value is checked against its own rule and size cap. */
#ifndef DP_REQOPTS_H
#define DP_REQOPTS_H
#include <stddef.h>
#include "err.h"

#define REQOPTS_LANG_MAX     128
#define REQOPTS_PIPELINE_MAX 64
#define REQOPTS_URL_MAX      2048
#define REQOPTS_META_MAX     16384
#define REQOPTS_NAME_MAX     256

/* Validated upload options; empty string = not given. */
struct reqopts {
    char lang[REQOPTS_LANG_MAX];         /* Tesseract codes joined by '+', or "auto" */
    char pipeline[REQOPTS_PIPELINE_MAX]; /* subset of ocr,classify,extract (normalised order) */
    char callback_url[REQOPTS_URL_MAX];  /* http(s) URL */
    char metadata[REQOPTS_META_MAX];     /* a JSON object, as sent */
    char filename[REQOPTS_NAME_MAX];     /* client file name (multipart) */
    int wait_s;                          /* synchronous wait asked for, -1 = none */
    int psm;   /* Tesseract page segmentation mode forced for every page, 0 = each page chooses */
    int dedup; /* 1 (default): the same bytes with the same options are answered from the
                * earlier reading; 0 (`dedup=false`): always read anew */
};

void reqopts_init(struct reqopts *o);

/* Whether psm is a page segmentation mode an upload may force: one that reads text
 * (Tesseract's 1 and 3..13; not 0, orientation only, nor 2, layout without reading). */
int reqopts_psm_valid(long psm);

/* Sets option `name` from value[0..len). Unknown names → DP_EINVAL; bad values → DP_EINVAL with
 * a message naming the rule. max_wait bounds `wait`. */
dp_err reqopts_set(struct reqopts *o, const char *name, const char *value, size_t len, int max_wait,
                   char *err, size_t errsz);

#define REQOPTS_FP_HEX 17 /* 16 hex digits + NUL */

/* The fingerprint of the options that shape a result, for recognising duplicates: lang and
 * pipeline as the worker will apply them (def_lang when lang is not given; the full pipeline when
 * pipeline is not). Options that do not change the reading (callback_url, metadata, wait,
 * filename) are left out. Every new option that changes the result must be added here. */
void reqopts_fingerprint(const struct reqopts *o, const char *def_lang, char out[REQOPTS_FP_HEX]);

/* Whether name is one of the option names (so a multipart parser knows what to collect). */
int reqopts_known(const char *name);

/* Whether every Tesseract language pack of lang ("eng+deu") is installed in tessdata_dir
 * ("" = TESSDATA_PREFIX or the Debian default). On 0, missing names the first absent one.
 * "auto" (detect the language) is always available. */
int reqopts_lang_installed(const char *tessdata_dir, const char *lang, char *missing,
                           size_t missingsz);

#endif
