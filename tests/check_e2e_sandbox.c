/* check_e2e_sandbox.c -- hostile documents cost a bounded slice, proved against real processes:
 * a PDF of form XObjects nested 26 deep (each drawing the next twice) ends `timeout` at its
 * page deadline, a 100-megapixel RGBA PNG is read shrunk to grey under the child's cap (done,
 * or failed with a reason, within its page budget), a decode child that eats memory ends
 * `too_large` under its cap, a decoder that crashes fails its file `decode_failed` at once, and
 * another tenant's document uploaded after them is still read, by the same worker process. The
 * claim is renewed while a page decodes, and SIGTERM during a long decode hands the job back at
 * once. */
#include <dirent.h>
#include <hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "keys.h"
#include "testutil.h"
#include "util.h"
#include "../workers/worker.h"

#define NEST_DEPTH 26
#define PAGE_MS    5000 /* page_timeout_ms of the first stack */
#define SLACK_MS   5000 /* "a few seconds" past the deadline + grace, for a loaded machine */

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- hostile inputs, made here ---- */

/* A one-page PDF of form XObjects nested depth deep (fixtures.h). Caller frees. */
static unsigned char *nested_pdf(int depth, size_t *len)
{
    unsigned char *buf = NULL;
    ck_assert_int_eq(fixture_pdf_nested_xobjects(depth, &buf, len), DP_OK);
    return buf;
}

/* A 10000 x 10000 RGBA PNG (100 megapixels, at the pixel cap; 400 MB as pixels, a few hundred
 * kB as a file): a transparent page with opaque bands. Caller frees. */
static unsigned char *huge_rgba_png(size_t *len)
{
    PIX *pix = pixCreate(10000, 10000, 32);
    ck_assert_ptr_nonnull(pix);
    pixSetSpp(pix, 4);
    for (int y = 1000; y < 9000; y += 400)
        pixRasterop(pix, 500, y, 9000, 40, PIX_SET, NULL, 0, 0);
    unsigned char *buf = NULL;
    ck_assert_int_eq(fixture_encode(pix, IFF_PNG, &buf, len), DP_OK);
    pixDestroy(&pix);
    return buf;
}

/* ---- looking at the stack ---- */

static redisContext *redis_of(const struct stack *s)
{
    redisContext *c = redisConnect("127.0.0.1", s->redis_port);
    ck_assert_msg(c && !c->err, "test cannot reach redis");
    return c;
}

static long long doc_field_ll(redisContext *c, const char *id, const char *field)
{
    char k[KEYS_MAX];
    keys_doc(k, id);
    redisReply *r = redisCommand(c, "HGET %s %s", k, field);
    long long v = r && r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : -1;
    freeReplyObject(r);
    return v;
}

/* A number the worker logged when it finished doc (e.g. the decode child's peak RSS in kB,
 * decode_peak_rss_kb); -1 if not found. */
static long logged_num(const struct stack *s, const char *doc, const char *name)
{
    char path[256], line[4096];
    long kb = -1;
    snprintf(path, sizeof path, "%s/worker.log", s->dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f)) {
        cJSON *j = cJSON_Parse(line);
        if (j && strcmp(json_str(j, "msg"), "job finished") == 0 &&
            strcmp(json_str(j, "doc"), doc) == 0)
            kb = *json_str(j, name) ? strtol(json_str(j, name), NULL, 10) : -1;
        cJSON_Delete(j);
    }
    fclose(f);
    return kb;
}

/* "worker ready" lines in the worker's log that say the orientation engine was loaded. */
static int ready_with_osd(const struct stack *s)
{
    char path[256], line[4096];
    int n = 0;
    snprintf(path, sizeof path, "%s/worker.log", s->dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f)) {
        cJSON *j = cJSON_Parse(line);
        n += j && strcmp(json_str(j, "msg"), "worker ready") == 0 &&
             strcmp(json_str(j, "osd"), "loaded") == 0;
        cJSON_Delete(j);
    }
    fclose(f);
    return n;
}

/* Context switches of pid so far (voluntary + involuntary, /proc/PID/status); -1 if unknown. */
static long ctx_switches(pid_t pid)
{
    char path[64], line[256];
    long n = -1, v;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
            sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
            n = (n < 0 ? 0 : n) + v;
    fclose(f);
    return n;
}

/* Waits for doc to end failed with code; returns how long it ran (finished - started, ms). */
static long long expect_failed(struct stack *s, const char *id, const char *code)
{
    cJSON *d = stack_wait_doc(s, s->key, id, 120000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "failed");
    ck_assert_msg(strcmp(json_str(d, "error.code"), code) == 0, "%s: %s (%s), want %s", id,
                  json_str(d, "error.code"), json_str(d, "error.message"), code);
    ck_assert_int_eq((int)json_num(d, "attempts"), 1);
    cJSON_Delete(d);
    redisContext *c = redis_of(s);
    long long ran = doc_field_ll(c, id, "finished_at") - doc_field_ll(c, id, "started_at");
    redisFree(c);
    return ran;
}

/* Waits for a w x h page to end done (page size as stored) or failed as too large or out of
 * time (with a message); returns how long it ran (ms). */
static long long expect_big_page(struct stack *s, const char *id, int w, int h)
{
    cJSON *d = stack_wait_doc(s, s->key, id, 120000);
    ck_assert_ptr_nonnull(d);
    const char *st = json_str(d, "status"), *code = json_str(d, "error.code");
    fprintf(stderr, "sandbox: %dx%d page ended %s %s (%s)\n", w, h, st, code,
            json_str(d, "error.message"));
    if (strcmp(st, "done") == 0) {
        const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0);
        ck_assert_ptr_nonnull(p);
        ck_assert_int_eq((int)json_num(p, "width"), w);
        ck_assert_int_eq((int)json_num(p, "height"), h);
    } else {
        ck_assert_str_eq(st, "failed");
        ck_assert_msg(strcmp(code, "too_large") == 0 || strcmp(code, "timeout") == 0, "%s", code);
        ck_assert_str_ne(json_str(d, "error.message"), "");
    }
    ck_assert_int_eq((int)json_num(d, "attempts"), 1);
    cJSON_Delete(d);
    redisContext *c = redis_of(s);
    long long ran = doc_field_ll(c, id, "finished_at") - doc_field_ll(c, id, "started_at");
    redisFree(c);
    return ran;
}

/* Processes in the stack's process group named docproc-worker (supervisor, workers, decode
 * children). */
static int count_workers(const struct stack *s)
{
    DIR *dir = opendir("/proc");
    struct dirent *e;
    int n = 0;
    ck_assert_ptr_nonnull(dir);
    while ((e = readdir(dir))) {
        char buf[512], path[64];
        long pid = strtol(e->d_name, NULL, 10);
        if (pid <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/comm", pid);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        int is_worker = fgets(buf, sizeof buf, f) && strncmp(buf, "docproc-worker", 14) == 0;
        fclose(f);
        const char *st = is_worker ? harness_proc_stat((pid_t)pid, buf, sizeof buf) : NULL;
        char state = 0;
        int ppid = 0, pgrp = 0;
        if (st && sscanf(st, "%c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == s->pgid &&
            state != 'Z')
            n++;
    }
    closedir(dir);
    return n;
}

/* ---- tests ---- */

START_TEST(hostile_documents_cost_a_bounded_slice)
{
    /* 512 MB rather than the default 1 GB: the child that eats memory up to its cap must
     * finish inside a page's budget on a loaded machine */
    static const char *const env[] = {"DOCPROC_PAGE_TIMEOUT_MS=5000",
                                      "DOCPROC_JOB_TIMEOUT_MS=30000", "DOCPROC_DEBUG_FAULTS=1",
                                      "DOCPROC_DECODE_MEMORY_LIMIT_MB=512", NULL};
    /* where RLIMIT_AS cannot apply (ASan), the worker caps the child's RSS at a multiple */
    const long cap_kb = 512L * 1024 * (SANDBOX_ASAN ? SANDBOX_ASAN_RSS_FACTOR : 1);
    struct stack s;
    struct stack_opts o = {.workers = 1, .env = env};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    pid_t before[4];
    int nkids = 0;
    for (int t = 0; t < 100 && nkids != 1; t++, msleep(50))
        nkids = stack_worker_children(&s, before, 4);
    ck_assert_int_eq(nkids, 1);

    size_t plen, hlen, nlen, olen;
    unsigned char *pdf = nested_pdf(NEST_DEPTH, &plen), *huge = huge_rgba_png(&hlen), *normal,
                  *other;
    ck_assert_uint_lt(plen, 8192);
    ck_assert_uint_lt(hlen, 4u << 20);
    const char *mine[] = {"A plain page that only eats memory"};
    const char *theirs[] = {"Another tenant's invoice", "is read all the same"};
    ck_assert_int_eq(fixture_png(mine, 1, &normal, &nlen), DP_OK);
    ck_assert_int_eq(fixture_png(theirs, 2, &other, &olen), DP_OK);
    char deep[64], big[64], eater[64], crash[64], next[64];
    ck_assert_int_eq(stack_upload(&s, s.key, pdf, plen, NULL, deep), 202);
    ck_assert_int_eq(stack_upload(&s, s.key, huge, hlen, NULL, big), 202);
    ck_assert_int_eq(stack_upload(&s, s.key, normal, nlen,
                                  "metadata=%7B%22debug_fault%22%3A%22alloc%22%7D", eater),
                     202);
    ck_assert_int_eq(stack_upload(&s, s.key, normal, nlen,
                                  "metadata=%7B%22debug_fault%22%3A%22decoder_crash%22%7D", crash),
                     202);
    ck_assert_int_eq(stack_upload(&s, s.key2, other, olen, NULL, next), 202);

    /* the XObject bomb: killed at its page deadline (+ 1 s grace), not hours later */
    long long ran = expect_failed(&s, deep, "timeout");
    fprintf(stderr, "sandbox: nested depth %d PDF (%zu bytes) failed after %lld ms\n", NEST_DEPTH,
            plen, ran);
    ck_assert_int_ge(ran, PAGE_MS);
    ck_assert_int_le(ran, PAGE_MS + 1000 + SLACK_MS);
    /* 100 megapixels of RGBA: 900 MB to decode whole, more than the child may use, so it is
     * read row by row straight to grey and shrunk to fit; it ends done, its page in the PNG's
     * own pixels, or failed with a reason, within its page budget */
    ran = expect_big_page(&s, big, 10000, 10000);
    ck_assert_int_le(ran, PAGE_MS + 1000 + SLACK_MS);
    /* a child that really takes memory is stopped by its cap, and only the child */
    ran = expect_failed(&s, eater, "too_large");
    ck_assert_int_le(ran, PAGE_MS + SLACK_MS);
    /* a decoder that crashes on a file fails that file at once: no retry, no worker restart */
    ran = expect_failed(&s, crash, "decode_failed");
    ck_assert_int_le(ran, PAGE_MS + SLACK_MS);

    cJSON *d = stack_wait_doc(&s, s.key2, next, 120000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    ck_assert_msg(strstr(json_str(d, "text"), "tenant") != NULL, "text: %s", json_str(d, "text"));
    cJSON_Delete(d);

    long rss_deep = logged_num(&s, deep, "decode_peak_rss_kb"),
         rss_big = logged_num(&s, big, "decode_peak_rss_kb"),
         rss_eater = logged_num(&s, eater, "decode_peak_rss_kb"),
         rss_next = logged_num(&s, next, "decode_peak_rss_kb");
    fprintf(stderr, "sandbox: decode child peak RSS kB: pdf %ld, png %ld, eater %ld, normal %ld\n",
            rss_deep, rss_big, rss_eater, rss_next);
    ck_assert(rss_deep > 0 && rss_deep < cap_kb);
    ck_assert(rss_big > 0 && rss_big < cap_kb);
    ck_assert(rss_next > 0 && rss_next < cap_kb);
    /* the eater got close to its cap (so the cap is what stopped it) but never over */
    ck_assert_int_gt(rss_eater, 512L * 1024 / 2);
    ck_assert_int_lt(rss_eater, cap_kb);
    /* its memory came in page by page: the child's minor faults and system CPU are logged
     * (how a page's CPU splits between reading and the kernel): at least one fault per 2 MB
     * it touched (a 4 kB page each, a huge page each where transparent huge pages are on) */
    long flt = logged_num(&s, eater, "decode_minflt"), sys = logged_num(&s, eater, "decode_sys_ms"),
         cpu = logged_num(&s, eater, "decode_cpu_ms");
    fprintf(stderr, "sandbox: eater's child: %ld minor faults, %ld ms system of %ld ms CPU\n", flt,
            sys, cpu);
    ck_assert_int_ge(flt, rss_eater / 2048);
    ck_assert_int_ge(sys, 0);
    ck_assert_int_le(sys, cpu);
    ck_assert_int_gt(logged_num(&s, next, "decode_minflt"), 0);
    /* the child's wall time is part of the job's */
    long dms = logged_num(&s, next, "decode_ms"), jms = logged_num(&s, next, "ms");
    ck_assert_int_gt(dms, 0);
    ck_assert_int_le(dms, jms);
    /* the orientation engine is loaded before the worker says it is ready, so no job (and no
     * decode child) pays for loading it */
    ck_assert_int_ge(ready_with_osd(&s), 1);

    /* and the worker process that did all this is the one that started: nothing crashed */
    pid_t after[4];
    ck_assert_int_eq(stack_worker_children(&s, after, 4), 1);
    ck_assert_int_eq(after[0], before[0]);
    free(pdf);
    free(huge);
    free(normal);
    free(other);
    stack_stop(&s);
}
END_TEST

START_TEST(claim_renewed_while_a_page_decodes)
{
    /* Two workers, a 2 s visibility timeout and a 6 s page: without renewal during the page,
     * the idle worker would take the job over after two seconds and count a second attempt.
     * (1 s was too tight for a SCHED_IDLE worker on a machine loaded 25 deep under ASan.) */
    static const char *const env[] = {"DOCPROC_VISIBILITY_TIMEOUT_MS=2000",
                                      "DOCPROC_PAGE_TIMEOUT_MS=6000", NULL};
    struct stack s;
    struct stack_opts o = {.workers = 2, .env = env};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    size_t plen;
    unsigned char *pdf = nested_pdf(NEST_DEPTH, &plen);
    char deep[64];
    ck_assert_int_eq(stack_upload(&s, s.key, pdf, plen, NULL, deep), 202);
    long long ran = expect_failed(&s, deep, "timeout");
    ck_assert_int_ge(ran, 6000);
    cJSON *d = stack_wait_doc(&s, s.key, deep, 1000);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "attempt_history")), 1);
    cJSON_Delete(d);
    free(pdf);
    stack_stop(&s);
}
END_TEST

START_TEST(sigterm_during_decode_hands_back_promptly)
{
    static const char *const env[] = {"DOCPROC_PAGE_TIMEOUT_MS=600000", NULL};
    struct stack s;
    struct stack_opts o = {.workers = 1, .env = env};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    size_t plen;
    unsigned char *pdf = nested_pdf(NEST_DEPTH, &plen);
    char deep[64];
    ck_assert_int_eq(stack_upload(&s, s.key, pdf, plen, NULL, deep), 202);
    redisContext *c = redis_of(&s);
    char kdeep[KEYS_MAX];
    keys_doc(kdeep, deep);
    int started = 0;
    for (int t = 0; t < 600 && !started; t++) {
        redisReply *r = redisCommand(c, "HGET %s status", kdeep);
        started = r && r->type == REDIS_REPLY_STRING && strcmp(r->str, "processing") == 0;
        freeReplyObject(r);
        msleep(50);
    }
    ck_assert_msg(started, "the job never started");
    /* supervisor, worker, decode child: a SCHED_IDLE worker on a loaded machine may take a
     * while to fork it after marking the job processing */
    int n = 0;
    for (int t = 0; t < 600 && (n = count_workers(&s)) != 3; t++)
        msleep(50);
    ck_assert_int_eq(n, 3);
    msleep(500); /* well inside the page */
    /* while its child reads, the worker sleeps: it wakes for the child's frames, the claim's
     * renewal (visibility timeout / 4, minutes by default) and the deadline, not on a tick
     * (which was 10 times a second) */
    pid_t w;
    ck_assert_int_eq(stack_worker_children(&s, &w, 1), 1);
    long sw0 = ctx_switches(w);
    msleep(2000);
    long sw = ctx_switches(w) - sw0;
    fprintf(stderr, "sandbox: the worker woke %ld times in 2 s of its child's decoding\n", sw);
    ck_assert_int_ge(sw0, 0);
    /* under ASan (no RLIMIT_AS) the worker looks at its child's RSS every 100 ms: 20 in 2 s */
    ck_assert_int_le(sw, SANDBOX_ASAN ? 30 : 4);
    int64_t t0 = util_mono_ms();
    int st = -1;
    kill(s.worker, SIGTERM);
    ck_assert_int_eq(waitpid(s.worker, &st, 0), s.worker);
    s.worker = 0;
    int64_t took = util_mono_ms() - t0;
    fprintf(stderr, "sandbox: SIGTERM during a decode: worker gone in %lld ms\n", (long long)took);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ck_assert_int_lt(took, 3000);
    ck_assert_int_eq(count_workers(&s), 0); /* the decode child went with it */
    redisReply *r = redisCommand(c, "HGET %s status", kdeep);
    ck_assert_str_eq(r->str, "queued");
    freeReplyObject(r);
    r = redisCommand(c, "XLEN %s", KEYS_JOBS);
    ck_assert_int_eq(r->integer, 1);
    freeReplyObject(r);
    r = redisCommand(c, "HGET %s history", kdeep);
    ck_assert(r->type == REDIS_REPLY_STRING && strstr(r->str, "handed_back"));
    freeReplyObject(r);
    redisFree(c);
    free(pdf);
    stack_stop(&s);
}
END_TEST

Suite *e2e_sandbox_suite(void)
{
    Suite *s = suite_create("e2e_sandbox");
    TCase *tc = tcase_create("bounded");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, hostile_documents_cost_a_bounded_slice);
    tcase_add_test(tc, claim_renewed_while_a_page_decodes);
    tcase_add_test(tc, sigterm_during_decode_hands_back_promptly);
    suite_add_tcase(s, tc);
    return s;
}
