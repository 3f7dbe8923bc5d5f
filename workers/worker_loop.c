/* worker_loop.c -- the job loop: connect, drain own pending, reclaim, read, process, finish. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "event.h"
#include "keys.h"
#include "log.h"
#include "rds.h"
#include "result.h"
#include "retention.h"
#include "seal.h"
#include "store.h"
#include "reqopts.h"
#include "worker.h"

/* ---- one job ---- */

static const char *hfield(const redisReply *rec, const char *name)
{
    const redisReply *v = rds_field(rec, name);
    return v && v->type == REDIS_REPLY_STRING ? v->str : NULL;
}

/* Test-only fault injection: metadata {"debug_fault": "crash"} kills the worker mid-job;
 * "alloc" makes the decode child take memory until its cap stops it, "decoder_crash" makes it
 * die of SIGSEGV. */
static void maybe_fault(struct worker *w, const char *doc, const redisReply *rec)
{
    redisReply *meta = (redisReply *)rds_field(rec, "metadata");
    w->debug_fault[0] = '\0';
    if (!w->cfg.debug_faults || !meta || meta->type != REDIS_REPLY_STRING ||
        seal_open_field(doc, NULL, "metadata", &meta->str, &meta->len) != DP_OK)
        return;
    cJSON *m = cJSON_ParseWithLength(meta->str, meta->len);
    const char *f = cJSON_GetStringValue(cJSON_GetObjectItem(m, "debug_fault"));
    int crash = f && strcmp(f, "crash") == 0;
    if (f && (strcmp(f, "alloc") == 0 || strcmp(f, "decoder_crash") == 0))
        snprintf(w->debug_fault, sizeof w->debug_fault, "%s", f);
    cJSON_Delete(m);
    if (crash) {
        log_kv(LOG_WARN, "debug fault: crashing on purpose", NULL);
        abort();
    }
}

dp_err worker_process(struct worker *w, const struct queue_job *job)
{
    /* Set by queue_start only when it reached Redis: a failed call leaves it SKIP, so a Redis
     * error is never mistaken for an outcome. */
    enum queue_start_outcome outcome = QUEUE_SKIP;
    int attempt = 0;
    redisReply *rec = NULL, *blob = NULL;
    struct dp_doc_text doc = {0};
    struct worker_failure jc = {0};
    cJSON *result = NULL, *evdata = NULL;
    char *result_json = NULL, *text = NULL, *ev = NULL, *hocr = NULL;
    int abandoned = 0;
    int64_t t0 = util_mono_ms();
    double cpu0 = util_cpu_s();
    w->decode_peak_rss_kb = 0;
    w->decode_cpu_s = w->decode_sys_s = 0;
    w->decode_minflt = 0;
    w->decode_ms = 0;
    dp_err rc =
        queue_start(w->redis, w->consumer, job, (int)w->cfg.max_attempts, &outcome, &attempt, &rec);
    if (rc || outcome != QUEUE_RUN) {
        if (!rc && outcome == QUEUE_DEAD) {
            w->jobs_failed++;
            log_kv(LOG_WARN, "job dead-lettered", "doc", job->doc, NULL);
        }
        goto out;
    }
    maybe_fault(w, job->doc, rec);
    char kblob[KEYS_MAX];
    blob = keys_blob(kblob, job->doc) ? NULL : rds_command(w->redis, "GET %s", kblob);
    if (!blob) {
        rc = DP_EREDIS;
        goto out;
    }
    const char *lang = hfield(rec, "lang"), *psm_s = hfield(rec, "psm");
    char *psm_end = NULL;
    long psm = psm_s ? strtol(psm_s, &psm_end, 10) : 0;
    if (!psm_s || psm_end == psm_s || *psm_end || !reqopts_psm_valid(psm))
        psm = 0; /* the API let only valid modes in; anything else: let the page decide */
    char aad[SEAL_AAD_MAX];
    snprintf(aad, sizeof aad, "%s/blob", job->doc);
    if (blob->type == REDIS_REPLY_STRING &&
        (rc = seal_open_inplace(aad, &blob->str, &blob->len)) != DP_OK) {
        /* Not the file's fault: a key missing from this worker's ring. Leave the job pending. */
        log_kv(LOG_ERROR, "stored file does not open", "doc", job->doc, "error", dp_strerror(rc),
               NULL);
        goto out;
    }
    if (blob->type != REDIS_REPLY_STRING) {
        jc.error_code = "file_missing";
        snprintf(jc.error_message, sizeof jc.error_message, "the stored file is gone");
    } else {
        const char *use = lang ? lang : w->cfg.lang;
        int autolang = strcmp(use, "auto") == 0;
        w->lang_hint[0] = '\0';
        if (autolang)
            worker_hint_load(w, job->tenant);
        dp_err prc = worker_read_pages(w, job, (const unsigned char *)blob->str, blob->len, use,
                                       (int)psm, &doc, &jc, &abandoned);
        if (autolang && !prc && !jc.error_code && !abandoned)
            worker_hint_learn(w, job->tenant, &doc);
        if (prc && !jc.error_code && !abandoned) {
            /* A failure with no reason for the document (Redis, memory) is not the file's
             * fault: leave the job pending so this or another worker tries again. */
            rc = prc;
            goto out;
        }
        if (abandoned) {
            /* Shutdown (the decode child was killed): give the job back at once. A lost claim
             * (someone else reclaimed it) makes this a no-op. */
            if (*w->stop && queue_handback(w->redis, w->consumer, job) == DP_OK)
                log_kv(LOG_INFO, "job handed back on shutdown", "doc", job->doc, NULL);
            else
                log_kv(LOG_WARN, "job abandoned: claim lost", "doc", job->doc, NULL);
            goto out;
        }
    }
    struct queue_result res = {0};
    if (!jc.error_code) {
        result = result_encode(&doc);
        text = result_join_text(&doc);
        const char *pipeline = hfield(rec, "pipeline");
        if (result && text &&
            worker_analyze(w, job->tenant, pipeline ? pipeline : "ocr,classify,extract", &doc, text,
                           result) == DP_EREDIS) {
            rc = DP_EREDIS;
            goto out;
        }
        result_json = cJSON_PrintUnformatted(result);
        res.klass = cJSON_GetStringValue(
            cJSON_GetObjectItem(cJSON_GetObjectItem(result, "class"), "label"));
        hocr = result_join_hocr(&doc);
        res.needs_review = cJSON_IsTrue(cJSON_GetObjectItem(result, "needs_review")) ? "1" : "0";
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
    evdata =
        event_data(job->doc, res.status, NULL, result, result_json ? strlen(result_json) : SIZE_MAX,
                   jc.error_code, jc.error_message);
    ev = cJSON_PrintUnformatted(evdata);
    res.event_data = ev;
    if (!result_json && !jc.error_code) {
        rc = DP_ENOMEM;
        goto out;
    }
    rc = queue_finish(w->redis, job, &res);
    if (!rc) {
        struct retention_cfg ret = {w->cfg.retention_days, w->cfg.retention_day_s};
        if (retention_apply(w->redis, &ret, job->tenant, job->doc) != DP_OK)
            log_kv(LOG_WARN, "retention not applied", "doc", job->doc, NULL); /* kept longer */
        if (jc.error_code)
            w->jobs_failed++;
        else
            w->jobs_done++;
        char ms[24], att[16], np[16], rss[24], cpu[24], dcpu[24], dsys[24], dflt[24], dms[24];
        snprintf(ms, sizeof ms, "%lld", (long long)(util_mono_ms() - t0));
        /* CPU of this job: the worker's own (Redis, analysis, result) and its decode child's */
        snprintf(cpu, sizeof cpu, "%.0f", (util_cpu_s() - cpu0) * 1000.0);
        snprintf(dcpu, sizeof dcpu, "%.0f", w->decode_cpu_s * 1000.0);
        snprintf(dsys, sizeof dsys, "%.0f", w->decode_sys_s * 1000.0);
        snprintf(dflt, sizeof dflt, "%ld", w->decode_minflt);
        /* the job's wall time outside the child: Redis, analysis, waiting for a core */
        snprintf(dms, sizeof dms, "%lld", w->decode_ms);
        snprintf(att, sizeof att, "%d", attempt);
        snprintf(np, sizeof np, "%zu", doc.npages);
        snprintf(rss, sizeof rss, "%ld", w->decode_peak_rss_kb);
        log_kv(jc.error_code ? LOG_WARN : LOG_INFO, "job finished", "doc", job->doc, "status",
               res.status, "error", jc.error_code ? jc.error_code : "", "ms", ms, "attempt", att,
               "pages", np, "decode_peak_rss_kb", rss, "cpu_ms", cpu, "decode_cpu_ms", dcpu,
               "decode_sys_ms", dsys, "decode_minflt", dflt, "decode_ms", dms, NULL);
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
    int64_t last_claim = 0, last_sweep = 0;
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
        if (!rc && !got && util_mono_ms() - last_sweep >= 1000) {
            /* Idle: erase what expired documents left (retention.h); any worker may. */
            int n = 0;
            last_sweep = util_mono_ms();
            rc = retention_sweep(w->redis, util_now_ms(), 50, &n);
        }
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
