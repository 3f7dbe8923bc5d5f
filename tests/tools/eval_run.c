/* eval_run.c -- drives the real stack for docproc-eval: uploads through nginx with bounded
 * concurrency, polls results, scores them, measures wall clock and worker CPU. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "eval.h"
#include "harness.h"

#define MAX_INFLIGHT 64
#define POLL_MS      100

struct cached {
    char *path; /* owned */
    char label[EVAL_LABEL_MAX];
    char *text; /* owned: the result's text (for eval_classify), NULL when it had none */
};

struct eval_runner {
    const struct eval_set *cur; /* the set being run */
    struct stack st;
    struct eval_opts o;
    struct cached *cache; /* class label of every document read in this run, by path */
    size_t ncache, capcache;
};

/* One uploaded document being waited for. */
struct flight {
    const struct eval_item *it;
    char id[64];
    double t0; /* monotonic seconds at upload */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- cache ---- */

/* The same file reached by two paths (classes/../sroie/img/000.jpg) is one entry. */
static const char *canonical(const char *path, char *buf)
{
    return realpath(path, buf) ? buf : path;
}

static const struct cached *cache_find(const struct eval_runner *r, const char *file)
{
    char buf[PATH_MAX];
    const char *path = canonical(file, buf);
    for (size_t i = 0; i < r->ncache; i++)
        if (strcmp(r->cache[i].path, path) == 0)
            return &r->cache[i];
    return NULL;
}

static const char *cache_get(const struct eval_runner *r, const char *file)
{
    const struct cached *c = cache_find(r, file);
    return c ? c->label : NULL;
}

const char *eval_runner_text(const struct eval_runner *r, const char *file)
{
    const struct cached *c = cache_find(r, file);
    return c ? c->text : NULL;
}

int eval_runner_same(const struct eval_runner *r, const char *a, const char *b)
{
    char ba[PATH_MAX], bb[PATH_MAX];
    (void)r;
    return strcmp(canonical(a, ba), canonical(b, bb)) == 0;
}

static void cache_put(struct eval_runner *r, const char *file, const cJSON *doc)
{
    char buf[PATH_MAX];
    const char *path = canonical(file, buf);
    const char *l =
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "class"), "label"));
    if (cache_get(r, path))
        return;
    if (r->ncache == r->capcache) {
        size_t cap = r->capcache ? r->capcache * 2 : 256;
        struct cached *v = realloc(r->cache, cap * sizeof *v);
        if (!v)
            return; /* Best effort: a label not cached is read again later. */
        r->cache = v;
        r->capcache = cap;
    }
    char *p = strdup(path);
    if (!p)
        return;
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "text"));
    r->cache[r->ncache].path = p;
    r->cache[r->ncache].text = text ? strdup(text) : NULL;
    snprintf(r->cache[r->ncache].label, EVAL_LABEL_MAX, "%s", l ? l : "");
    r->ncache++;
}

/* ---- stack ---- */

struct eval_runner *eval_runner_new(const struct eval_opts *o)
{
    struct eval_runner *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->o = *o;
    struct stack_opts so = {.n_api = 1, .workers = o->workers};
    /* Info logs only: debug lines for every poll would cost CPU that belongs to the workers. */
    static const char *const env[] = {"DOCPROC_LOG_LEVEL=info", NULL};
    so.env = env;
    if (stack_start(&r->st, &so) != 0) {
        free(r);
        return NULL;
    }
    return r;
}

void eval_runner_keep(struct eval_runner *r, cJSON **keep)
{
    r->o.keep = keep;
}

void eval_runner_free(struct eval_runner *r)
{
    if (!r)
        return;
    stack_stop(&r->st);
    for (size_t i = 0; i < r->ncache; i++) {
        free(r->cache[i].path);
        free(r->cache[i].text);
    }
    free(r->cache);
    free(r);
}

/* User + system CPU seconds of the worker supervisor's children (the OCR processes). */
static double worker_cpu_s(const struct eval_runner *r)
{
    pid_t kids[256];
    int n = stack_worker_children(&r->st, kids, 256);
    double total = 0;
    for (int i = 0; i < n; i++)
        total += harness_proc_cpu_s(kids[i]);
    return total;
}

/* "2026-01-02T03:04:05.678Z" -> unix ms; -1 if not that form. */
static long long iso_ms(const char *s)
{
    struct tm tm;
    int ms = 0;
    memset(&tm, 0, sizeof tm);
    if (!s || sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                     &tm.tm_min, &tm.tm_sec, &ms) != 7)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm) * 1000 + ms;
}

/* Reads path (at most EVAL_MAX_FILE bytes) and uploads it; 0 with id set on 2xx. */
static int upload(struct eval_runner *r, const struct eval_item *it, char *id)
{
    FILE *f = fopen(it->path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 20, len = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            unsigned char *nb = cap < EVAL_MAX_FILE ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return -1;
    char query[96];
    if (r->o.lang)
        snprintf(query, sizeof query, "lang=%s", r->o.lang);
    long st = stack_upload(&r->st, r->st.key, buf, len, r->o.lang ? query : NULL, id);
    free(buf);
    if (st < 200 || st > 299 || !id[0]) {
        fprintf(stderr, "eval: upload of %s answered %ld\n", it->path, st);
        return -1;
    }
    return 0;
}

/* The document if it is finished (done or failed), else NULL. */
static cJSON *poll_doc(struct eval_runner *r, const char *id)
{
    char url[256];
    struct http_resp resp;
    cJSON *j = NULL;
    snprintf(url, sizeof url, "%s/v1/documents/%s", r->st.base, id);
    if (http_req("GET", url, r->st.key, NULL, NULL, 0, &resp) == 0 && resp.status == 200) {
        j = http_json(&resp);
        const char *st = json_str(j, "status");
        if (strcmp(st, "done") != 0 && strcmp(st, "failed") != 0) {
            cJSON_Delete(j);
            j = NULL;
        }
    }
    http_resp_free(&resp);
    return j;
}

static void finish(struct eval_runner *r, struct eval_score *sc, const struct flight *fl,
                   cJSON *doc)
{
    const char *st = json_str(doc, "status");
    sc->docs++;
    if (strcmp(st, "done") != 0) {
        sc->failed++;
        fprintf(stderr, "eval: %s %s (%s)\n", fl->it->name, st[0] ? st : "timed out",
                json_str(doc, "error.code"));
    }
    double pages = json_num(doc, "file.pages");
    cJSON *pv = cJSON_GetObjectItem(doc, "pages");
    if (cJSON_IsArray(pv) && cJSON_GetArraySize(pv) > 0)
        pages = cJSON_GetArraySize(pv);
    sc->pages += pages > 0 ? (size_t)pages : 0;
    long long a = iso_ms(json_str(doc, "started_at")), b = iso_ms(json_str(doc, "finished_at"));
    if (a > 0 && b >= a)
        sc->busy_s += (double)(b - a) / 1000.0;
    eval_score_doc(sc, fl->it, doc, r->o.verbose);
    cache_put(r, fl->it->path, doc);
    if (r->o.keep)
        r->o.keep[fl->it - r->cur->items] = cJSON_Duplicate(doc, 1);
}

/* results_dir/<name with '/' as '_'>.json */
static void result_path(const struct eval_runner *r, const struct eval_item *it, char *out,
                        size_t outsz)
{
    char name[128];
    snprintf(name, sizeof name, "%s", it->name);
    for (char *p = name; *p; p++)
        if (*p == '/')
            *p = '_';
    snprintf(out, outsz, "%s/%s.json", r->o.results_dir, name);
}

/* The saved result of it, or NULL. */
static cJSON *saved_result(const struct eval_runner *r, const struct eval_item *it)
{
    char path[EVAL_PATH_MAX + 200];
    if (!r->o.results_dir)
        return NULL;
    result_path(r, it, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                break;
            buf = nb;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    cJSON *j = buf ? cJSON_ParseWithLength(buf, len) : NULL;
    free(buf);
    if (j && strcmp(json_str(j, "status"), "done") != 0) {
        cJSON_Delete(j);
        j = NULL;
    }
    return j;
}

static void save_result(const struct eval_runner *r, const struct eval_item *it, const cJSON *doc)
{
    char path[EVAL_PATH_MAX + 200];
    if (!r->o.results_dir || strcmp(json_str(doc, "status"), "done") != 0)
        return;
    result_path(r, it, path, sizeof path);
    char *s = cJSON_PrintUnformatted(doc);
    FILE *f = fopen(path, "wb");
    if (s && f)
        fputs(s, f);
    if (f)
        fclose(f);
    free(s);
}

int eval_runner_run(struct eval_runner *r, const struct eval_set *set, struct eval_score *sc)
{
    struct flight fl[MAX_INFLIGHT];
    int nfl = 0, maxfl = r->o.inflight > 0 && r->o.inflight <= MAX_INFLIGHT ? r->o.inflight : 4;
    size_t next = 0;
    memset(sc, 0, sizeof *sc);
    snprintf(sc->set, sizeof sc->set, "%s", set->name);
    r->cur = set;
    double cpu0 = worker_cpu_s(r), t0 = now_s(), last = t0;
    while (next < set->n || nfl > 0) {
        while (nfl < maxfl && next < set->n) {
            const struct eval_item *it = &set->items[next++];
            const char *label = it->words || it->nfields ? NULL : cache_get(r, it->path);
            if (label) { /* already read in an earlier set of this run */
                eval_score_label(sc, it->label, label);
                sc->reused++;
                continue;
            }
            fl[nfl].it = it;
            fl[nfl].t0 = now_s();
            cJSON *saved = saved_result(r, it);
            if (saved) {
                finish(r, sc, &fl[nfl], saved);
                cJSON_Delete(saved);
                continue;
            }
            if (upload(r, it, fl[nfl].id) != 0) {
                cJSON *none = cJSON_CreateObject();
                finish(r, sc, &fl[nfl], none);
                cJSON_Delete(none);
                continue;
            }
            nfl++;
        }
        int progressed = 0;
        for (int i = 0; i < nfl;) {
            cJSON *doc = poll_doc(r, fl[i].id);
            int expired = !doc && now_s() - fl[i].t0 > r->o.timeout_s;
            if (!doc && !expired) {
                i++;
                continue;
            }
            if (!doc)
                doc = cJSON_CreateObject();
            finish(r, sc, &fl[i], doc);
            save_result(r, fl[i].it, doc);
            cJSON_Delete(doc);
            last = now_s();
            fl[i] = fl[--nfl];
            progressed = 1;
        }
        if (!progressed && nfl > 0)
            sleep_ms(POLL_MS);
        if (progressed && r->o.verbose)
            fprintf(stderr, "eval: %s %zu/%zu\n", set->name, sc->docs + sc->reused, set->n);
    }
    sc->wall_s = last - t0;
    sc->cpu_s = worker_cpu_s(r) - cpu0;
    return 0;
}
