/* worker_hint.c -- lang=auto's per-tenant language hint: the language the tenant's last
 * lang=auto document was found in (dp:langhint:<t>) is read before a job, and the document is
 * read with that language's pack from the start (worker_decode_pages); what the document turned
 * out to be is written back after it. A tenant whose invoices are German thus pays neither an
 * English first read nor the re-reads with the German pack, and reads better (the pack from the
 * start reads more words right than a re-read of the weak lines: docs/EVAL.md). */
#include <stdio.h>
#include <string.h>
#include "keys.h"
#include "langdetect.h"
#include "log.h"
#include "rds.h"
#include "reqopts.h"
#include "worker.h"

#define HINT_TTL_S (30 * 24 * 3600) /* a hint no document confirmed for this long is dropped */

/* Whether code[0..len) is a language langdetect_guess can name (the hint is only ever one). */
static const char *known_language(const char *code, size_t len)
{
    for (size_t i = 0; i < LANGDETECT_NLANGS; i++)
        if (strlen(langdetect_codes[i]) == len && memcmp(langdetect_codes[i], code, len) == 0)
            return langdetect_codes[i];
    return NULL;
}

const char *worker_hint_pack(const char *hint, char *buf, size_t bufsz)
{
    if (!hint || !hint[0] || strcmp(hint, "eng") == 0)
        snprintf(buf, bufsz, "eng");
    else
        snprintf(buf, bufsz, "%s+eng", hint);
    return buf;
}

void worker_hint_load(struct worker *w, const char *tenant)
{
    char k[KEYS_MAX], pack[32], missing[64];
    w->lang_hint[0] = '\0';
    if (keys_langhint(k, tenant))
        return;
    /* Best effort: without the hint the document is read in English first, as with none */
    redisReply *r = rds_command(w->redis, "GET %s", k);
    const char *lang = r && r->type == REDIS_REPLY_STRING ? known_language(r->str, r->len) : NULL;
    if (lang && reqopts_lang_installed(w->ocr.tessdata, worker_hint_pack(lang, pack, sizeof pack),
                                       missing, sizeof missing))
        snprintf(w->lang_hint, sizeof w->lang_hint, "%s", lang);
    freeReplyObject(r);
}

void worker_hint_learn(struct worker *w, const char *tenant, const struct dp_doc_text *doc)
{
    const char *found = NULL;
    char k[KEYS_MAX], pack[32];
    for (size_t i = 0; i < doc->npages && !found; i++)
        if (doc->pages[i].lang_detected[0])
            found =
                known_language(doc->pages[i].lang_detected, strlen(doc->pages[i].lang_detected));
    if (!found)
        return; /* no OCR page, too few words to tell, or another script: the hint stands */
    /* the pack this document needed stays loaded in this worker (the spare engine), so the
     * decode children of the next documents in it need not load it */
    if (strcmp(found, "eng") != 0)
        (void)ocr_preload(&w->ocr, worker_hint_pack(found, pack, sizeof pack));
    if (keys_langhint(k, tenant))
        return;
    /* Written every time, so that the hint expires HINT_TTL_S after the tenant's last document
     * in that language. Best effort: a hint not written costs the next document its English
     * first read. */
    redisReply *r = rds_command(w->redis, "SET %s %s EX %d", k, found, HINT_TTL_S);
    if (rds_failed(r))
        log_kv(LOG_WARN, "language hint not written", "tenant", tenant, NULL);
    freeReplyObject(r);
}
