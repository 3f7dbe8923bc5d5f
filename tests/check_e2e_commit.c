/* check_e2e_commit.c -- uploads that share a Redis round trip (api_commit.c) each get their own
 * answer: many clients upload distinct files at once through nginx into one API process, and
 * every 202 names a document of its own whose stored bytes are that client's file (SHA-256 in
 * the answer, bytes read back); the round trips really were shared (/metrics). Then Redis is
 * SIGKILLed while uploads stream in: the answers are 202 or 503 only, and after Redis restarts
 * from its AOF (appendfsync always) every document answered 202 is there with its bytes. */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <leptonica/allheaders.h>
#include "harness.h"
#include "promtext.h"
#include "testutil.h"
#include "util.h"

#define CLIENTS     16
#define PER_CLIENT  12
#define MAX_UPLOADS 400 /* per client in the kill test */

/* Group commit on (it is off by default); nginx's per-key rate (200/s by default) would answer
 * some of these 429 */
static const char *const no_rate_limit[] = {"DOCPROC_API_GROUP_COMMIT=1",
                                            "DOCPROC_RATE_LIMIT_PER_S=0", NULL};

/* A small PNG of noise from seed: distinct bytes per seed. Caller frees. */
static void noise_png(unsigned seed, unsigned char **buf, size_t *len)
{
    PIX *p = pixCreate(40, 40, 8);
    ck_assert_ptr_nonnull(p);
    l_uint32 *d = pixGetData(p);
    unsigned long s = 0x9e3779b97f4a7c15UL ^ seed;
    for (int i = 0; i < pixGetWpl(p) * 40; i++) {
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        d[i] = (l_uint32)(s >> 32);
    }
    *buf = NULL;
    ck_assert_int_eq(pixWriteMem(buf, len, p, IFF_PNG), 0);
    pixDestroy(&p);
}

/* One upload as a client sent it and what it was answered. */
struct upload {
    unsigned char *png;
    size_t len;
    char sha[UTIL_SHA256_HEX];
    long status; /* -1: no answer */
    char id[64];
    char why[256]; /* what was wrong with a 202 ("" = nothing) */
};

struct client {
    pthread_t th;
    struct stack *st;
    struct upload *up;
    int n;                 /* uploads to send (the first test) or the most (the kill test) */
    atomic_int sent;       /* answered so far */
    atomic_int *go;        /* kill test: 0 run, 1 Redis killed, 2 stop */
    atomic_int after_kill; /* answers to uploads sent after the kill */
};

/* POSTs u and checks a 202 against it: the id, the Location, the SHA-256 of its bytes. */
static void post(struct stack *st, struct upload *u)
{
    char url[256], loc[128], want[128];
    struct http_resp r;
    snprintf(url, sizeof url, "%s/v1/documents?dedup=false", st->base);
    u->status = -1;
    if (http_req("POST", url, st->key, NULL, u->png, u->len, &r) != 0) {
        snprintf(u->why, sizeof u->why, "no answer: %s", curl_easy_strerror(r.curl_rc));
        http_resp_free(&r);
        return;
    }
    u->status = r.status;
    if (r.status == 202) {
        cJSON *j = http_json(&r);
        snprintf(u->id, sizeof u->id, "%s", json_str(j, "id"));
        snprintf(want, sizeof want, "/v1/documents/%s", u->id);
        if (strncmp(u->id, "doc_", 4) != 0)
            snprintf(u->why, sizeof u->why, "202 without an id");
        else if (strcmp(json_str(j, "file.sha256"), u->sha) != 0)
            snprintf(u->why, sizeof u->why, "%s: sha256 %.16s..., sent %.16s...", u->id,
                     json_str(j, "file.sha256"), u->sha);
        else if (!http_header(&r, "Location", loc, sizeof loc) || strcmp(loc, want) != 0)
            snprintf(u->why, sizeof u->why, "%s: Location '%s'", u->id, loc);
        cJSON_Delete(j);
    }
    http_resp_free(&r);
}

static void *client_all(void *arg)
{
    struct client *c = arg;
    for (int i = 0; i < c->n; i++) {
        post(c->st, &c->up[i]);
        atomic_fetch_add(&c->sent, 1);
    }
    return NULL;
}

/* The stored bytes of document id are exactly u's. "" or what differs into why. */
static void check_stored(struct stack *st, const struct upload *u, char *why, size_t whysz)
{
    char url[256], sha[UTIL_SHA256_HEX];
    struct http_resp r;
    snprintf(url, sizeof url, "%s/v1/documents/%s/file", st->base, u->id);
    why[0] = '\0';
    if (http_req("GET", url, st->key, NULL, NULL, 0, &r) != 0) {
        snprintf(why, whysz, "%s: no answer", u->id);
        return;
    }
    util_sha256_hex(r.body, r.len, sha);
    if (r.status != 200)
        snprintf(why, whysz, "%s: GET file %ld", u->id, r.status);
    else if (r.len != u->len || memcmp(r.body, u->png, u->len) != 0 || strcmp(sha, u->sha) != 0)
        snprintf(why, whysz, "%s: stored %zu bytes (sha256 %.16s...), sent %zu (%.16s...)", u->id,
                 r.len, sha, u->len, u->sha);
    http_resp_free(&r);
}

static double metric(struct stack *st, const char *series)
{
    char url[128];
    struct http_resp r;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", st->api_ports[0]);
    ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    char *text = strndup(r.body, r.len);
    http_resp_free(&r);
    double v = promtext_value(text, series);
    free(text);
    return v;
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(concurrent_uploads_each_get_their_own)
{
    static struct upload up[CLIENTS * PER_CLIENT];
    static struct client cl[CLIENTS];
    static char *ids[CLIENTS * PER_CLIENT];
    struct stack st;
    struct stack_opts o = {.n_api = 1, .workers = -1, .env = no_rate_limit};
    curl_global_init(CURL_GLOBAL_DEFAULT);
    ck_assert_int_eq(stack_start(&st, &o), 0);
    for (int i = 0; i < CLIENTS * PER_CLIENT; i++) {
        memset(&up[i], 0, sizeof up[i]);
        noise_png((unsigned)i + 1, &up[i].png, &up[i].len);
        util_sha256_hex(up[i].png, up[i].len, up[i].sha);
    }
    double trips0 = metric(&st, "docproc_upload_round_trips_total");
    double ups0 = metric(&st, "docproc_upload_round_trip_uploads_total");
    for (int c = 0; c < CLIENTS; c++) {
        memset(&cl[c], 0, sizeof cl[c]);
        cl[c].st = &st, cl[c].up = &up[c * PER_CLIENT], cl[c].n = PER_CLIENT;
        ck_assert_int_eq(pthread_create(&cl[c].th, NULL, client_all, &cl[c]), 0);
    }
    for (int c = 0; c < CLIENTS; c++)
        pthread_join(cl[c].th, NULL);
    for (int i = 0; i < CLIENTS * PER_CLIENT; i++) {
        ck_assert_msg(up[i].status == 202, "upload %d answered %ld", i, up[i].status);
        ck_assert_msg(up[i].why[0] == '\0', "upload %d: %s", i, up[i].why);
        ids[i] = up[i].id;
    }
    /* every answer a document of its own */
    qsort(ids, CLIENTS * PER_CLIENT, sizeof ids[0], cmp_id);
    for (int i = 1; i < CLIENTS * PER_CLIENT; i++)
        ck_assert_msg(strcmp(ids[i - 1], ids[i]) != 0, "two uploads answered %s", ids[i]);
    /* holding the bytes that were sent for it */
    for (int i = 0; i < CLIENTS * PER_CLIENT; i++) {
        char why[256];
        check_stored(&st, &up[i], why, sizeof why);
        ck_assert_msg(why[0] == '\0', "upload %d: %s", i, why);
    }
    /* and the uploads did share round trips */
    double trips = metric(&st, "docproc_upload_round_trips_total") - trips0;
    double ups = metric(&st, "docproc_upload_round_trip_uploads_total") - ups0;
    ck_assert_msg(ups == CLIENTS * PER_CLIENT, "%.0f uploads in round trips", ups);
    ck_assert_msg(trips < ups, "%.0f round trips for %.0f uploads: none shared", trips, ups);
    for (int i = 0; i < CLIENTS * PER_CLIENT; i++)
        free(up[i].png);
    stack_stop(&st);
    curl_global_cleanup();
}
END_TEST

static void *client_until_stopped(void *arg)
{
    struct client *c = arg;
    for (int i = 0; i < c->n && atomic_load(c->go) < 2; i++) {
        int killed = atomic_load(c->go) == 1;
        post(c->st, &c->up[i]);
        atomic_fetch_add(&c->sent, 1);
        atomic_fetch_add(&c->after_kill, killed);
    }
    return NULL;
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

START_TEST(redis_killed_mid_batch_no_202_lost)
{
    enum { KCLIENTS = 8 };
    static struct upload up[KCLIENTS][MAX_UPLOADS];
    static struct client cl[KCLIENTS];
    atomic_int go;
    struct stack st;
    struct stack_opts o = {
        .n_api = 1, .workers = -1, .env = no_rate_limit, .appendfsync = "always"};
    curl_global_init(CURL_GLOBAL_DEFAULT);
    ck_assert_int_eq(stack_start(&st, &o), 0);
    atomic_init(&go, 0);
    for (int c = 0; c < KCLIENTS; c++)
        for (int i = 0; i < MAX_UPLOADS; i++) {
            memset(&up[c][i], 0, sizeof up[c][i]);
            noise_png((unsigned)(1000 + c * MAX_UPLOADS + i), &up[c][i].png, &up[c][i].len);
            util_sha256_hex(up[c][i].png, up[c][i].len, up[c][i].sha);
        }
    for (int c = 0; c < KCLIENTS; c++) {
        memset(&cl[c], 0, sizeof cl[c]);
        cl[c].st = &st, cl[c].up = up[c], cl[c].n = MAX_UPLOADS, cl[c].go = &go;
        ck_assert_int_eq(pthread_create(&cl[c].th, NULL, client_until_stopped, &cl[c]), 0);
    }
    /* uploads stream in; once some were accepted, Redis dies under them */
    for (int t = 0; t < 600; t++) {
        int sent = 0;
        for (int c = 0; c < KCLIENTS; c++)
            sent += atomic_load(&cl[c].sent);
        if (sent >= 10 * KCLIENTS)
            break;
        msleep(50);
    }
    stack_kill(&st.redis, SIGKILL);
    atomic_store(&go, 1);
    for (int t = 0; t < 200; t++) { /* a few answers per client after the kill */
        int after = 0;
        for (int c = 0; c < KCLIENTS; c++)
            after += atomic_load(&cl[c].after_kill);
        if (after >= 3 * KCLIENTS)
            break;
        msleep(50);
    }
    atomic_store(&go, 2);
    for (int c = 0; c < KCLIENTS; c++)
        pthread_join(cl[c].th, NULL);
    ck_assert_int_eq(stack_start_redis(&st), 0); /* the same AOF, replayed */
    int n202 = 0, n503 = 0;
    for (int c = 0; c < KCLIENTS; c++)
        for (int i = 0; i < atomic_load(&cl[c].sent); i++) {
            struct upload *u = &up[c][i];
            ck_assert_msg(u->status == 202 || u->status == 503, "upload answered %ld %s", u->status,
                          u->why);
            ck_assert_msg(u->why[0] == '\0', "%s", u->why);
            n202 += u->status == 202;
            n503 += u->status == 503;
            if (u->status == 202) { /* acknowledged: it must have survived the kill */
                char why[256];
                check_stored(&st, u, why, sizeof why);
                ck_assert_msg(why[0] == '\0', "acknowledged, then: %s", why);
            }
        }
    ck_assert_msg(n202 > 0 && n503 > 0, "%d accepted, %d refused: the kill missed the uploads",
                  n202, n503);
    for (int c = 0; c < KCLIENTS; c++)
        for (int i = 0; i < MAX_UPLOADS; i++)
            free(up[c][i].png);
    stack_stop(&st);
    curl_global_cleanup();
}
END_TEST

Suite *e2e_commit_suite(void)
{
    Suite *s = suite_create("e2e_commit");
    TCase *tc = tcase_create("commit");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, concurrent_uploads_each_get_their_own);
    tcase_add_test(tc, redis_killed_mid_batch_no_202_lost);
    suite_add_tcase(s, tc);
    return s;
}
