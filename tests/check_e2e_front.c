/* check_e2e_front.c -- make run's front door, against a real config/run.sh: HTTPS with the CA it
 * generated (HTTP/2, HSTS), security headers on the dashboard and the API, the APIs on private
 * Unix sockets and Redis on loopback while nginx listens on every address, privileges dropped and
 * private run files, 3,000 idle connections that do not lock anyone out (and are dropped after the
 * header timeout), rate limits per API key and on /metrics, and processes that come back after kill
 * -9. */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "fixtures.h"
#include "harness.h"
#include "harness_run.h"
#include "testutil.h"

#define IDLE_CONNS 3000

static struct run run;
static struct run_opts opts;
static char dir[] = "/tmp/docproc-front-XXXXXX";
static int https_port, started;

static void front_start(void)
{
    static char env_https[48];
    static const char *env[8];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!mkdtemp(dir))
        return;
    https_port = harness_free_port();
    snprintf(env_https, sizeof env_https, "DOCPROC_HTTPS_PORT=%d", https_port);
    env[0] = env_https;
    env[1] = "DOCPROC_PUBLIC_ADDR=0.0.0.0";
    env[2] = "DOCPROC_CLIENT_HEADER_TIMEOUT_S=4";
    env[3] = "DOCPROC_RATE_LIMIT_PER_S=5";
    env[4] = "DOCPROC_METRICS_RATE_LIMIT_PER_S=2";
    env[5] = NULL;
    opts = (struct run_opts){.dir = dir,
                             .http = harness_free_port(),
                             .api = run_two_free_ports(),
                             .redis = harness_free_port(),
                             .env = env};
    started = run_start(&run, &opts, 120) == 0;
    if (!started)
        fprintf(stderr, "e2e_front: make run did not start:\n%s\n", run.text);
}

static void front_stop(void)
{
    run_stop(&run, SIGTERM);
    run_group_gone(run.pid, 15000);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "e2e_front: could not remove %s\n", dir);
}

#define NEED_RUN() ck_assert_msg(started, "make run did not start: %s", run.text)

/* ---- helpers ---- */

struct buf {
    char *p;
    size_t len;
};

static size_t collect(char *d, size_t sz, size_t n, void *arg)
{
    struct buf *b = arg;
    char *p = realloc(b->p, b->len + sz * n + 1);
    if (!p)
        return 0;
    memcpy(p + b->len, d, sz * n);
    b->p = p;
    b->len += sz * n;
    b->p[b->len] = '\0';
    return sz * n;
}

/* One HTTPS request with the run's CA (or without it: ca NULL = the system's store). */
static CURLcode https_get(const char *path, const char *ca, long *status, long *version,
                          struct buf *hdr)
{
    char url[256];
    snprintf(url, sizeof url, "https://127.0.0.1:%d%s", https_port, path);
    CURL *c = curl_easy_init();
    struct buf body = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (ca)
        curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, hdr);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_getinfo(c, CURLINFO_HTTP_VERSION, version);
    curl_easy_cleanup(c);
    free(body.p);
    return rc;
}

static int has_header(const char *headers, const char *line)
{
    return headers && strcasestr(headers, line) != NULL;
}

/* The security headers every answer carries. */
static void security_headers(const char *what, const char *h)
{
    ck_assert_msg(has_header(h, "X-Content-Type-Options: nosniff"), "%s: %s", what, h);
    ck_assert_msg(has_header(h, "X-Frame-Options: DENY"), "%s: %s", what, h);
    ck_assert_msg(has_header(h, "frame-ancestors 'none'"), "%s: %s", what, h);
    ck_assert_msg(has_header(h, "Referrer-Policy: "), "%s: %s", what, h);
}

/* Listening state of 127.0.0.1/0.0.0.0:port from /proc/net/tcp: 1 loopback, 2 any, 3 another
 * address, 0 none. */
static int listens_now(int port)
{
    FILE *f = fopen("/proc/net/tcp", "r");
    char line[512];
    int found = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned addr, p, st;
        if (sscanf(line, " %*d: %8X:%4X %*8X:%*4X %2X", &addr, &p, &st) == 3 && st == 0x0A &&
            (int)p == port)
            found = addr == 0 ? 2 : addr == 0x0100007F ? 1 : 3;
    }
    if (f)
        fclose(f);
    return found;
}

static void msleep(int ms);

/* listens_now, given a restarting process up to 10 s to be back on its port */
static int listens_on(int port)
{
    int st = 0;
    for (int t = 0; t < 100 && !(st = listens_now(port)); t++)
        msleep(100);
    return st;
}

static long read_pid(const char *name)
{
    char path[256], buf[32] = "";
    snprintf(path, sizeof path, "%s/pids/%s.pid", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *got = fgets(buf, sizeof buf, f);
    fclose(f);
    return got ? strtol(buf, NULL, 10) : -1;
}

/* Real uid of a process, -1 when it is gone. */
static long uid_of(long pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    long uid = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "Uid:", 4) == 0)
            uid = strtol(line + 4, NULL, 10);
    if (f)
        fclose(f);
    return uid;
}

static long get_status(const char *url, const char *key)
{
    struct http_resp r;
    if (http_req("GET", url, key, NULL, NULL, 0, &r) != 0) {
        http_resp_free(&r); /* perform() fills r even on failure */
        return -1;
    }
    long s = r.status;
    http_resp_free(&r);
    return s;
}

static void msleep(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- tests ---- */

START_TEST(https_round_trip_with_the_generated_ca)
{
    NEED_RUN();
    char want[96];
    snprintf(want, sizeof want, "https://127.0.0.1:%d", https_port);
    ck_assert_str_eq(run.https, want);
    struct stat sb;
    ck_assert_msg(stat(run.ca, &sb) == 0, "CA file %s", run.ca);
    long status = 0, version = 0;
    struct buf hdr = {0};
    ck_assert_int_eq(https_get("/healthz", run.ca, &status, &version, &hdr), CURLE_OK);
    ck_assert_int_eq(status, 200);
    ck_assert_int_eq(version, CURL_HTTP_VERSION_2_0);
    ck_assert_msg(has_header(hdr.p, "strict-transport-security: max-age="), "%s", hdr.p);
    security_headers("https /healthz", hdr.p);
    free(hdr.p);
    /* an upload and its reading, over HTTPS with the key */
    char url[256], id[64] = "";
    const char *lines[] = {"Sent over TLS"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    snprintf(url, sizeof url, "%s/v1/documents", run.https);
    CURL *c = curl_easy_init();
    struct buf body = {0};
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", run.key);
    struct curl_slist *hl = curl_slist_append(NULL, auth);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CAINFO, run.ca);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, png);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    ck_assert_int_eq(status, 202);
    const char *p = strstr(body.p, "\"id\":\"");
    ck_assert_ptr_nonnull(p);
    sscanf(p + 6, "%63[^\"]", id);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    free(body.p);
    free(png);
    snprintf(url, sizeof url, "/v1/documents/%s", id);
    hdr = (struct buf){0};
    /* no key: the API's 401, through TLS, with the headers */
    ck_assert_int_eq(https_get(url, run.ca, &status, &version, &hdr), CURLE_OK);
    ck_assert_int_eq(status, 401);
    security_headers("https 401", hdr.p);
    free(hdr.p);
    /* a client that does not trust the run's CA refuses the server */
    hdr = (struct buf){0};
    CURLcode rc =
        https_get("/healthz", "/etc/ssl/certs/ca-certificates.crt", &status, &version, &hdr);
    ck_assert_msg(rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE,
                  "untrusted CA: %s", curl_easy_strerror(rc));
    free(hdr.p);
}
END_TEST

START_TEST(security_headers_on_dashboard_and_api)
{
    NEED_RUN();
    char url[256];
    struct http_resp r;
    const char *paths[] = {"/", "/app.js", "/healthz", "/v1/documents", "/v1/nothing-here"};
    const long want[] = {200, 200, 200, 200, 404};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        snprintf(url, sizeof url, "%s%s", run.url, paths[i]);
        ck_assert_int_eq(http_req("GET", url, run.key, NULL, NULL, 0, &r), 0);
        ck_assert_msg(r.status == want[i], "%s: %ld", paths[i], r.status);
        security_headers(paths[i], r.headers);
        /* HSTS only where it means something: on HTTPS */
        ck_assert_msg(!has_header(r.headers, "Strict-Transport-Security"), "%s", r.headers);
        http_resp_free(&r);
    }
}
END_TEST

START_TEST(apis_on_unix_sockets_redis_on_loopback_nginx_public)
{
    NEED_RUN();
    ck_assert_int_eq(listens_on(opts.http), 2); /* public_addr 0.0.0.0 */
    ck_assert_int_eq(listens_on(https_port), 2);
    ck_assert_int_eq(listens_on(opts.redis), 1); /* loopback, independently */
    /* The APIs on sockets in run/api/ (0700, sockets 0660), owned by the account they run as
     * (nginx's workers run as the same one); no TCP port of theirs */
    char path[256];
    struct stat sb;
    snprintf(path, sizeof path, "%s/api", dir);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0700);
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/api/api-%d.sock", dir, i);
        ck_assert_msg(stat(path, &sb) == 0 && S_ISSOCK(sb.st_mode), "no socket %s", path);
        ck_assert_int_eq(sb.st_mode & 0777, 0660);
        char name[16];
        snprintf(name, sizeof name, "api-%d", i);
        ck_assert_int_eq((long)sb.st_uid, uid_of(read_pid(name)));
        struct http_resp r;
        ck_assert_int_eq(http_req_unix(path, "GET", "/healthz", NULL, NULL, 0, &r), 0);
        ck_assert_int_eq(r.status, 200);
        http_resp_free(&r);
        ck_assert_int_eq(listens_now(opts.api + i), 0);
    }
}
END_TEST

START_TEST(privileges_dropped_and_run_files_private)
{
    NEED_RUN();
    const char *progs[] = {"redis", "api-0", "api-1", "worker"};
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        long pid = read_pid(progs[i]);
        ck_assert_msg(pid > 0, "no pid file for %s", progs[i]);
        long uid = uid_of(pid);
        if (getuid() == 0)
            ck_assert_msg(uid > 0, "%s runs as uid %ld", progs[i], uid);
        else
            ck_assert_int_eq(uid, getuid());
    }
    /* nginx: the master keeps root (ports, certificate key), its workers do not */
    long master = read_pid("nginx");
    ck_assert_int_gt(master, 0);
    int workers = 0;
    DIR *proc = opendir("/proc");
    ck_assert_ptr_nonnull(proc);
    struct dirent *de;
    while ((de = readdir(proc))) {
        char path[64], line[256];
        long pid = strtol(de->d_name, NULL, 10), ppid = -1;
        if (pid <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/status", pid);
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof line, f))
            if (strncmp(line, "PPid:", 5) == 0)
                ppid = strtol(line + 5, NULL, 10);
        if (f)
            fclose(f);
        if (ppid != master)
            continue;
        long uid = uid_of(pid);
        workers++;
        if (getuid() == 0)
            ck_assert_msg(uid > 0, "nginx worker %ld runs as uid %ld", pid, uid);
    }
    closedir(proc);
    ck_assert_int_gt(workers, 0);
    /* run/ is 0700, the key files 0600 */
    struct stat sb;
    char path[256];
    ck_assert_int_eq(stat(dir, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0700);
    const char *files[] = {"dev-api-key", "tls/server.key", "tls/ca.key", "logs/api-0.log"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        ck_assert_msg(stat(path, &sb) == 0, "%s missing", path);
        ck_assert_msg((sb.st_mode & 077) == 0, "%s has mode %o", path, sb.st_mode & 0777);
    }
}
END_TEST

START_TEST(idle_connections_lock_nobody_out)
{
    NEED_RUN();
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    ck_assert_msg(rl.rlim_max >= IDLE_CONNS + 200, "fd hard limit %llu too low for the test",
                  (unsigned long long)rl.rlim_max);
    rl.rlim_cur = rl.rlim_max;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    static int fds[IDLE_CONNS];
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opts.http)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const char partial[] = "GET / HTTP/1.1\r\nHost: x\r\n"; /* never finished */
    int open_n = 0;
    for (int i = 0; i < IDLE_CONNS; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        ck_assert_int_ge(fds[i], 0);
        ck_assert_msg(connect(fds[i], (struct sockaddr *)&sa, sizeof sa) == 0, "connect %d: %s", i,
                      strerror(errno));
        ck_assert_int_eq(send(fds[i], partial, sizeof partial - 1, MSG_NOSIGNAL),
                         (ssize_t)(sizeof partial - 1));
        open_n++;
    }
    /* a real client still gets through, twice */
    char url[256];
    snprintf(url, sizeof url, "%s/healthz", run.url);
    ck_assert_int_eq(get_status(url, NULL), 200);
    snprintf(url, sizeof url, "%s/v1/documents?limit=1", run.url);
    ck_assert_int_eq(get_status(url, run.key), 200);
    /* the idle ones are dropped after client_header_timeout_s (4 s here) */
    msleep(9000);
    int closed = 0;
    for (int i = 0; i < open_n; i += 100) {
        char c;
        struct timeval tv = {5, 0};
        setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ssize_t n = recv(fds[i], &c, 1, 0);
        closed += n == 0 || (n > 0) || (n < 0 && errno == ECONNRESET);
    }
    for (int i = 0; i < open_n; i++)
        close(fds[i]);
    ck_assert_int_eq(closed, (open_n + 99) / 100);
}
END_TEST

START_TEST(rate_limits_per_key_and_on_metrics)
{
    NEED_RUN();
    char url[256], out[128] = "";
    /* a second key of the same tenant: its own bucket */
    char cmd[600];
    snprintf(cmd, sizeof cmd,
             "DOCPROC_REDIS_PORT=%d DOCPROC_REDIS_USER=docproc-admin "
             "DOCPROC_REDIS_PASSWORD_FILE=%s/redis-auth/docproc-admin.pass "
             "%s/docproc-admin key create --tenant dev --name second",
             opts.redis, opts.dir, getenv("DOCPROC_BIN_DIR"));
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(fgets(out, sizeof out, p));
    pclose(p);
    out[strcspn(out, "\n")] = '\0';
    ck_assert(strncmp(out, "dpk_", 4) == 0);
    snprintf(url, sizeof url, "%s/v1/documents?limit=1", run.url);
    int limited = 0;
    for (int i = 0; i < 40; i++) {
        long s = get_status(url, run.key);
        ck_assert(s == 200 || s == 429);
        limited += s == 429;
    }
    ck_assert_msg(limited > 0, "40 quick requests at 5/s burst 10 were never limited");
    /* the other key is not held by the first one's limit */
    ck_assert_int_eq(get_status(url, out), 200);
    /* /metrics is limited per address; /healthz is not */
    snprintf(url, sizeof url, "%s/metrics", run.url);
    limited = 0;
    for (int i = 0; i < 20; i++) {
        long s = get_status(url, NULL);
        ck_assert(s == 200 || s == 429);
        limited += s == 429;
    }
    ck_assert_msg(limited > 0, "20 quick /metrics at 2/s burst 4 were never limited");
    snprintf(url, sizeof url, "%s/healthz", run.url);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(get_status(url, NULL), 200);
    msleep(2500); /* let the buckets refill for the tests after this one */
}
END_TEST

/* Waits until NAME has a new pid (not old) that is alive; the new pid or -1. */
static long comes_back(const char *name, long old, int timeout_ms)
{
    for (int t = 0; t < timeout_ms; t += 100) {
        long pid = read_pid(name);
        if (pid > 0 && pid != old && kill((pid_t)pid, 0) == 0)
            return pid;
        msleep(100);
    }
    return -1;
}

static int log_says(const char *what)
{
    char path[256], buf[8192];
    snprintf(path, sizeof path, "%s/logs/run.log", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, what) != NULL;
}

START_TEST(killed_processes_come_back)
{
    NEED_RUN();
    char url[256], api[128];
    /* the API process: its socket file outlives it and is replaced by the new one */
    long old = read_pid("api-0");
    ck_assert_int_gt(old, 0);
    ck_assert_int_eq(kill((pid_t)old, SIGKILL), 0);
    ck_assert_msg(comes_back("api-0", old, 20000) > 0, "api-0 did not come back");
    snprintf(api, sizeof api, "%s/api/api-0.sock", dir);
    int up = 0;
    for (int t = 0; t < 100 && !up; t++) {
        struct http_resp r;
        up = http_req_unix(api, "GET", "/healthz", NULL, NULL, 0, &r) == 0 && r.status == 200;
        http_resp_free(&r);
        if (!up)
            msleep(100);
    }
    ck_assert_msg(up, "the restarted API does not answer");
    ck_assert(log_says("api-0 exited (status 137)"));
    /* nginx (its orphaned workers must not keep the port) */
    old = read_pid("nginx");
    ck_assert_int_eq(kill((pid_t)old, SIGKILL), 0);
    ck_assert_msg(comes_back("nginx", old, 20000) > 0, "nginx did not come back");
    /* Redis, from its AOF: the dev key still works through the new nginx */
    old = read_pid("redis");
    ck_assert_int_eq(kill((pid_t)old, SIGKILL), 0);
    ck_assert_msg(comes_back("redis", old, 20000) > 0, "redis did not come back");
    snprintf(url, sizeof url, "%s/v1/documents?limit=1", run.url);
    long s = 0;
    for (int t = 0; t < 200 && s != 200; t++) {
        s = get_status(url, run.key);
        if (s != 200)
            msleep(100);
    }
    ck_assert_msg(s == 200, "after nginx and Redis restarts: %ld", s);
    ck_assert(log_says("nginx exited (status 137)"));
    ck_assert(log_says("redis exited (status 137)"));
}
END_TEST

Suite *e2e_front_suite(void)
{
    Suite *s = suite_create("e2e_front");
    TCase *tc = tcase_create("front");
    tcase_add_unchecked_fixture(tc, front_start, front_stop);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, https_round_trip_with_the_generated_ca);
    tcase_add_test(tc, security_headers_on_dashboard_and_api);
    tcase_add_test(tc, apis_on_unix_sockets_redis_on_loopback_nginx_public);
    tcase_add_test(tc, privileges_dropped_and_run_files_private);
    tcase_add_test(tc, idle_connections_lock_nobody_out);
    tcase_add_test(tc, rate_limits_per_key_and_on_metrics);
    tcase_add_test(tc, killed_processes_come_back);
    suite_add_tcase(s, tc);
    return s;
}
