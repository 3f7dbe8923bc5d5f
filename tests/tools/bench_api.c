/* bench_api.c -- the cost of accepting: concurrent keep-alive POST /v1/documents, latency
 * percentiles and requests per second. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "bench.h"

#define MAX_THREADS 64

struct hammer {
    const char *url, *key;
    const void *body;
    size_t len;
    size_t requests; /* total to send, over all threads */
    double deadline; /* monotonic seconds */
    pthread_mutex_t mu;
    size_t sent; /* claimed so far (under mu) */
    double *lat_ms;
    size_t nlat, accepted, limited, other; /* under mu */
    double t_last;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

static void *hammer_thread(void *arg)
{
    struct hammer *h = arg;
    char auth[128];
    CURL *c = curl_easy_init();
    struct curl_slist *hl = NULL;
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", h->key);
    hl = curl_slist_append(hl, auth);
    hl = curl_slist_append(hl, "Content-Type: image/png");
    hl = curl_slist_append(hl, "Expect:");
    if (!c || !hl)
        goto out;
    curl_easy_setopt(c, CURLOPT_URL, h->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, h->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)h->len);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    for (;;) {
        pthread_mutex_lock(&h->mu);
        int go = h->sent < h->requests && now_s() < h->deadline;
        h->sent += (size_t)go;
        pthread_mutex_unlock(&h->mu);
        if (!go)
            break;
        double t0 = now_s();
        long status = 0;
        CURLcode rc = curl_easy_perform(c);
        double t1 = now_s();
        if (rc == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        pthread_mutex_lock(&h->mu);
        if (rc == CURLE_OK)
            h->lat_ms[h->nlat++] = (t1 - t0) * 1000.0;
        if (status == 202)
            h->accepted++;
        else if (status == 429)
            h->limited++;
        else
            h->other++;
        if (t1 > h->t_last)
            h->t_last = t1;
        pthread_mutex_unlock(&h->mu);
    }
out:
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
    if (!n)
        return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

int bench_api(const char *url, const char *key, const void *body, size_t len, int conc,
              size_t requests, int max_s, struct bench_api_result *out)
{
    struct hammer h = {.url = url, .key = key, .body = body, .len = len, .requests = requests};
    pthread_t th[MAX_THREADS];
    int n = 0;
    memset(out, 0, sizeof *out);
    if (conc < 1 || conc > MAX_THREADS || !(h.lat_ms = calloc(requests + 1, sizeof(double))))
        return -1;
    pthread_mutex_init(&h.mu, NULL);
    double t0 = now_s();
    h.deadline = t0 + max_s;
    h.t_last = t0;
    for (; n < conc; n++)
        if (pthread_create(&th[n], NULL, hammer_thread, &h) != 0)
            break;
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    qsort(h.lat_ms, h.nlat, sizeof(double), cmp_double);
    out->requests = h.sent;
    out->accepted = h.accepted;
    out->limited = h.limited;
    out->other = h.other;
    out->seconds = h.t_last - t0;
    out->p50_ms = pct(h.lat_ms, h.nlat, 0.50);
    out->p99_ms = pct(h.lat_ms, h.nlat, 0.99);
    out->max_ms = h.nlat ? h.lat_ms[h.nlat - 1] : 0;
    pthread_mutex_destroy(&h.mu);
    free(h.lat_ms);
    return n == conc ? 0 : -1;
}
