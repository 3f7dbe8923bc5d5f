/* worker_loop.c -- the job loop: connect, drain own pending, reclaim, read, process, finish. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "log.h"
#include "rds.h"
#include "result.h"
#include "store.h"
#include "worker.h"

/* ---- pages ---- */

/* Decodes the document's bytes into images, one per page (multi-page TIFF: every page). */
static dp_err load_images(const unsigned char *buf, size_t len, long long max_pages,
                          long long max_pixels, PIXA **out, char *err, size_t errsz)
{
    l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, iscmap = 0;
    if (pixReadHeaderMem(buf, len, &format, &w, &h, &bps, &spp, &iscmap) != 0) {
        snprintf(err, errsz, "the file's image header could not be read");
        return DP_EDECODE;
    }
    if ((long long)w * h > max_pixels) {
        snprintf(err, errsz, "page is %dx%d pixels, over the %lld pixel limit", w, h, max_pixels);
        return DP_ETOOBIG;
    }
    PIXA *pixa = NULL;
    if (format == IFF_TIFF || format == IFF_TIFF_G4 || format == IFF_TIFF_G3 ||
        format == IFF_TIFF_LZW || format == IFF_TIFF_ZIP || format == IFF_TIFF_PACKBITS ||
        format == IFF_TIFF_RLE || format == IFF_TIFF_JPEG) {
        pixa = pixaReadMemMultipageTiff(buf, len);
    } else {
        PIX *pix = pixReadMem(buf, len);
        if (pix) {
            pixa = pixaCreate(1);
            pixaAddPix(pixa, pix, L_INSERT);
        }
    }
    if (!pixa || pixaGetCount(pixa) == 0) {
        pixaDestroy(&pixa);
        snprintf(err, errsz, "the image could not be decoded");
        return DP_EDECODE;
    }
    if (pixaGetCount(pixa) > max_pages) {
        snprintf(err, errsz, "%d pages, over the %lld page limit", pixaGetCount(pixa), max_pages);
        pixaDestroy(&pixa);
        return DP_ETOOBIG;
    }
    *out = pixa;
    return DP_OK;
}

/* ---- one job ---- */

struct job_ctx {
    const char *error_code;
    char error_message[256];
};

static const char *hfield(const redisReply *rec, const char *name)
{
    const redisReply *v = rds_field(rec, name);
    return v && v->type == REDIS_REPLY_STRING ? v->str : NULL;
}

/* Test-only fault injection: metadata {"debug_fault": "crash"} kills the worker mid-job. */
static void maybe_fault(const struct worker *w, const redisReply *rec)
{
    const char *meta = hfield(rec, "metadata");
    if (!w->cfg.debug_faults || !meta)
        return;
    cJSON *m = cJSON_Parse(meta);
    const char *f = cJSON_GetStringValue(cJSON_GetObjectItem(m, "debug_fault"));
    int crash = f && strcmp(f, "crash") == 0;
    cJSON_Delete(m);
    if (crash) {
        log_kv(LOG_WARN, "debug fault: crashing on purpose", NULL);
        abort();
    }
}

static cJSON *event_data(const char *doc, const char *status, cJSON *result,
                         const struct job_ctx *jc)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "id", doc);
    cJSON_AddStringToObject(d, "status", status);
    if (jc->error_code) {
        cJSON *e = cJSON_AddObjectToObject(d, "error");
        cJSON_AddStringToObject(e, "code", jc->error_code);
        cJSON_AddStringToObject(e, "message", jc->error_message);
    }
    if (result) {
        cJSON *cls = cJSON_GetObjectItem(result, "class");
        cJSON *fields = cJSON_GetObjectItem(result, "fields");
        if (cls)
            cJSON_AddItemToObject(d, "class", cJSON_Duplicate(cls, 1));
        if (fields)
            cJSON_AddItemToObject(d, "fields", cJSON_Duplicate(fields, 1));
    }
    return d;
}

/* OCRs every page; returns DP_OK with doc filled, or an error with jc set. *handed_back when
 * shutdown interrupted the job between pages. */
static dp_err read_pages(struct worker *w, const struct queue_job *job, const redisReply *blob,
                         const char *lang, struct dp_doc_text *doc, struct job_ctx *jc,
                         int *abandoned)
{
    PIXA *pixa = NULL;
    char err[256];
    dp_err rc = load_images((const unsigned char *)blob->str, blob->len, w->cfg.max_pages,
                            w->cfg.max_page_pixels, &pixa, err, sizeof err);
    if (rc) {
        jc->error_code = rc == DP_ETOOBIG ? "too_large" : "decode_failed";
        snprintf(jc->error_message, sizeof jc->error_message, "%s", err);
        return rc;
    }
    if ((rc = ocr_use_lang(&w->ocr, lang, err, sizeof err))) {
        jc->error_code = rc == DP_EINVAL ? "language_unavailable" : "ocr_failed";
        snprintf(jc->error_message, sizeof jc->error_message, "%s", err);
        pixaDestroy(&pixa);
        return rc;
    }
    int n = pixaGetCount(pixa);
    doc->pages = calloc((size_t)n, sizeof *doc->pages);
    if (!doc->pages) {
        pixaDestroy(&pixa);
        return DP_ENOMEM;
    }
    int64_t job_deadline = util_mono_ms() + w->cfg.job_timeout_ms;
    for (int i = 0; i < n && !rc; i++) {
        PIX *pix = pixaGetPix(pixa, i, L_CLONE);
        int dpi = (int)pixGetXRes(pix);
        if (dpi < 50 || dpi > 2400)
            dpi = 300; /* unknown: Tesseract's sweet spot; decode refines this */
        long long left = job_deadline - util_mono_ms();
        long long budget = left < w->cfg.page_timeout_ms ? left : w->cfg.page_timeout_ms;
        rc = budget > 0 ? ocr_page(&w->ocr, pix, dpi, i + 1, budget, &doc->pages[i]) : DP_ETIMEOUT;
        pixDestroy(&pix);
        if (rc == DP_ETIMEOUT) {
            jc->error_code = "timeout";
            snprintf(jc->error_message, sizeof jc->error_message,
                     "page %d was not read within its time budget (page %lld ms, job %lld ms)",
                     i + 1, w->cfg.page_timeout_ms, w->cfg.job_timeout_ms);
        } else if (rc) {
            jc->error_code = "ocr_failed";
            snprintf(jc->error_message, sizeof jc->error_message, "page %d: %s", i + 1,
                     dp_strerror(rc));
        } else {
            doc->npages++;
            /* Keep the claim alive and show progress; lost claim = someone else has it. */
            if (queue_progress(w->redis, w->consumer, job, i + 1, n) == DP_ENOTFOUND) {
                *abandoned = 1;
                break;
            }
            if (*w->stop && i + 1 < n) {
                *abandoned = 1;
                break;
            }
        }
    }
    pixaDestroy(&pixa);
    return rc;
}

dp_err worker_process(struct worker *w, const struct queue_job *job)
{
    enum queue_start_outcome outcome;
    int attempt = 0;
    redisReply *rec = NULL, *blob = NULL;
    struct dp_doc_text doc = {0};
    struct job_ctx jc = {0};
    cJSON *result = NULL, *evdata = NULL;
    char *result_json = NULL, *text = NULL, *ev = NULL, *hocr = NULL;
    int abandoned = 0;
    int64_t t0 = util_mono_ms();
    dp_err rc =
        queue_start(w->redis, w->consumer, job, (int)w->cfg.max_attempts, &outcome, &attempt, &rec);
    if (rc || outcome != QUEUE_RUN) {
        if (outcome == QUEUE_DEAD) {
            w->jobs_failed++;
            log_kv(LOG_WARN, "job dead-lettered", "doc", job->doc, NULL);
        }
        goto out;
    }
    maybe_fault(w, rec);
    blob = redisCommand(w->redis, "GET dp:blob:%s", job->doc);
    if (!blob) {
        rc = DP_EREDIS;
        goto out;
    }
    const char *lang = hfield(rec, "lang");
    if (blob->type != REDIS_REPLY_STRING) {
        jc.error_code = "file_missing";
        snprintf(jc.error_message, sizeof jc.error_message, "the stored file is gone");
    } else {
        dp_err prc = read_pages(w, job, blob, lang ? lang : w->cfg.lang, &doc, &jc, &abandoned);
        if (prc == DP_EREDIS) {
            rc = prc;
            goto out;
        }
        if (abandoned) {
            log_kv(LOG_INFO, "job handed back", "doc", job->doc, NULL);
            goto out; /* stays pending: a restarted or other worker finishes it */
        }
    }
    struct queue_result res = {0};
    if (!jc.error_code) {
        result = result_encode(&doc);
        result_json = cJSON_PrintUnformatted(result);
        text = result_join_text(&doc);
        hocr = result_join_hocr(&doc);
        res.status = "done";
        res.result_json = result_json;
        res.text = text;
        res.hocr = hocr;
        res.pages = (int)doc.npages;
    } else {
        res.status = "failed";
        res.error_code = jc.error_code;
        res.error_message = jc.error_message;
    }
    evdata = event_data(job->doc, res.status, result, &jc);
    ev = cJSON_PrintUnformatted(evdata);
    res.event_data = ev;
    if (!result_json && !jc.error_code) {
        rc = DP_ENOMEM;
        goto out;
    }
    rc = queue_finish(w->redis, job, &res);
    if (!rc) {
        if (jc.error_code)
            w->jobs_failed++;
        else
            w->jobs_done++;
        char ms[24], att[16], np[16];
        snprintf(ms, sizeof ms, "%lld", (long long)(util_mono_ms() - t0));
        snprintf(att, sizeof att, "%d", attempt);
        snprintf(np, sizeof np, "%zu", doc.npages);
        log_kv(jc.error_code ? LOG_WARN : LOG_INFO, "job finished", "doc", job->doc, "status",
               res.status, "error", jc.error_code ? jc.error_code : "", "ms", ms, "attempt", att,
               "pages", np, NULL);
    }
out:
    freeReplyObject(rec);
    freeReplyObject(blob);
    doctext_cleanup(&doc);
    cJSON_Delete(result);
    cJSON_Delete(evdata);
    free(result_json);
    free(text);
    free(hocr);
    free(ev);
    return rc;
}

/* ---- the loop ---- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int connect_redis(struct worker *w)
{
    long backoff = 100;
    while (!*w->stop) {
        char err[256];
        w->redis = rds_connect(&w->cfg, err, sizeof err);
        if (w->redis && queue_ensure_group(w->redis) == DP_OK)
            return 0;
        redisFree(w->redis);
        w->redis = NULL;
        log_kv(LOG_WARN, "redis unavailable, retrying", "error", err, NULL);
        sleep_ms(backoff);
        backoff = backoff * 2 > 5000 ? 5000 : backoff * 2;
    }
    return -1;
}

int worker_run(struct worker *w)
{
    int64_t last_claim = 0;
    long long claim_every = w->cfg.visibility_timeout_ms / 4;
    while (!*w->stop) {
        if (!w->redis) {
            if (connect_redis(w))
                break;
            /* First our own pending entries: jobs this consumer name held before a restart. */
            struct queue_job job;
            int got = 1;
            while (!*w->stop && got && w->redis) {
                if (queue_read(w->redis, w->consumer, 1, 0, &job, &got) || !got)
                    break;
                if (worker_process(w, &job) == DP_EREDIS)
                    break;
            }
        }
        struct queue_job job;
        int got = 0;
        dp_err rc = DP_OK;
        if (util_mono_ms() - last_claim >= claim_every) {
            last_claim = util_mono_ms();
            rc = queue_autoclaim(w->redis, w->consumer, w->cfg.visibility_timeout_ms, &job, &got);
            if (!rc && got)
                log_kv(LOG_INFO, "reclaimed an idle job", "doc", job.doc, NULL);
        }
        if (!rc && !got)
            rc = queue_read(w->redis, w->consumer, 0, 1000, &job, &got);
        if (!rc && got)
            rc = worker_process(w, &job);
        if (rc == DP_EREDIS || (w->redis && w->redis->err)) {
            log_kv(LOG_WARN, "lost redis; reconnecting", NULL);
            redisFree(w->redis);
            w->redis = NULL;
        } else if (rc) {
            sleep_ms(200); /* unexpected failure: the job stays pending; don't spin */
        }
    }
    redisFree(w->redis);
    w->redis = NULL;
    return 0;
}
