/* check_e2e_ingest.c -- the upload path's plumbing against real processes: with redis_socket set
 * (as make run sets it) every program reaches Redis over its Unix socket, uploads are stored
 * and read back through nginx, and Redis lists no TCP client at all; Redis runs with the
 * settings the upload path relies on (AOF everysec, noeviction, no LZF in AOF rewrites). With
 * api_socket (as make run sets it) the API processes listen on Unix sockets only, nginx reaches
 * them there, and a socket left by a killed process is replaced when it starts again while a
 * live one is not taken over. */
#include <dirent.h>
#include <hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fixtures.h"
#include "harness.h"
#include "testutil.h"

START_TEST(programs_reach_redis_over_its_unix_socket)
{
    struct stack s;
    struct stack_opts o = {.redis_socket = 1, .workers = 1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    const char *lines[] = {"INVOICE 4711", "Total 12.50 EUR"};
    unsigned char *png = NULL;
    size_t len = 0;
    ck_assert_int_eq(fixture_png(lines, 2, &png, &len), DP_OK);
    char id[64];
    ck_assert_int_eq(stack_upload(&s, s.key, png, len, "dedup=false", id), 202);
    cJSON *doc = stack_wait_doc(&s, s.key, id, 60000);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(json_str(doc, "status"), "done");
    cJSON_Delete(doc);
    /* Every client of Redis but this one came in over the socket: the API (its upload), the
     * worker (its job) and docproc-admin (the keys the stack made). */
    redisContext *c = redisConnect("127.0.0.1", s.redis_port);
    ck_assert(c && !c->err);
    redisReply *r = redisCommand(c, "CLIENT LIST");
    ck_assert(r && r->type == REDIS_REPLY_STRING);
    int unix_clients = 0, tcp_clients = 0;
    char sock[300];
    snprintf(sock, sizeof sock, "laddr=%s/redis/redis.sock", s.dir);
    for (char *line = r->str; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (strstr(line, sock))
            unix_clients++;
        else if (strstr(line, "laddr=127.0.0.1:"))
            tcp_clients++;
        line = nl ? nl + 1 : NULL;
    }
    freeReplyObject(r);
    redisFree(c);
    ck_assert_int_ge(unix_clients, 2); /* the API thread that stored it, the worker */
    ck_assert_int_eq(tcp_clients, 1);  /* this connection */
    free(png);
    stack_stop(&s);
}
END_TEST

/* The value of CONFIG GET name, into out. */
static void config_get(redisContext *c, const char *name, char *out, size_t outsz)
{
    redisReply *r = redisCommand(c, "CONFIG GET %s", name);
    ck_assert_msg(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2, "CONFIG GET %s", name);
    snprintf(out, outsz, "%s", r->element[1]->str);
    freeReplyObject(r);
}

/* Bytes of the AOF base file (appendonlydir/<name>.base.rdb) under dir, 0 if none. */
static long long aof_base_bytes(const char *dir)
{
    char path[400];
    snprintf(path, sizeof path, "%s/appendonlydir", dir);
    DIR *d = opendir(path);
    struct dirent *e;
    long long n = 0;
    while (d && (e = readdir(d)) != NULL) {
        if (!strstr(e->d_name, ".base.rdb"))
            continue;
        char f[700];
        snprintf(f, sizeof f, "%s/%s", path, e->d_name);
        FILE *fp = fopen(f, "rb");
        if (fp && fseek(fp, 0, SEEK_END) == 0)
            n = ftell(fp);
        if (fp)
            fclose(fp);
    }
    if (d)
        closedir(d);
    return n;
}

/* The stack's Redis is configured as make run's (config/run.sh): AOF on, everysec, never
 * evicting, and rewrites that write stored files as they are instead of LZF-compressing them
 * (uploads are PNG/JPEG/PDF bytes: the compression is CPU for nothing). Checked by effect too:
 * a highly compressible 200 kB value stays 200 kB in the rewritten base file. */
START_TEST(redis_runs_as_uploads_need)
{
    struct stack s;
    ck_assert_int_eq(stack_init(&s, NULL), 0);
    ck_assert_int_eq(stack_start_redis(&s), 0);
    redisContext *c = redisConnect("127.0.0.1", s.redis_port);
    ck_assert(c && !c->err);
    char v[64];
    config_get(c, "appendonly", v, sizeof v);
    ck_assert_str_eq(v, "yes");
    config_get(c, "appendfsync", v, sizeof v);
    ck_assert_str_eq(v, "everysec");
    config_get(c, "maxmemory-policy", v, sizeof v);
    ck_assert_str_eq(v, "noeviction");
    config_get(c, "rdbcompression", v, sizeof v);
    ck_assert_str_eq(v, "no");
    config_get(c, "rdbchecksum", v, sizeof v); /* a damaged base file is still detected */
    ck_assert_str_eq(v, "yes");
    size_t big = 200000;
    char *zeros = calloc(1, big);
    ck_assert_ptr_nonnull(zeros);
    redisReply *r = redisCommand(c, "SET compressible %b", zeros, big);
    ck_assert(r && r->type == REDIS_REPLY_STATUS);
    freeReplyObject(r);
    free(zeros);
    r = redisCommand(c, "BGREWRITEAOF");
    ck_assert(r && r->type != REDIS_REPLY_ERROR);
    freeReplyObject(r);
    int done = 0;
    for (int i = 0; i < 300 && !done; i++) {
        usleep(100000);
        r = redisCommand(c, "INFO persistence");
        ck_assert(r && r->type == REDIS_REPLY_STRING);
        done = strstr(r->str, "aof_rewrite_in_progress:0") &&
               strstr(r->str, "aof_rewrite_scheduled:0") &&
               strstr(r->str, "aof_last_bgrewrite_status:ok");
        freeReplyObject(r);
    }
    ck_assert_msg(done, "the AOF rewrite did not finish");
    char dir[300];
    snprintf(dir, sizeof dir, "%s/redis", s.dir);
    long long n = aof_base_bytes(dir);
    ck_assert_msg(n >= (long long)big, "base file %lld bytes: the value was compressed", n);
    redisFree(c);
    stack_stop(&s);
}
END_TEST

/* GET path over API process i's socket: the status, -1 when nothing answers. */
static long get_unix(const struct stack *s, int i, const char *path, const char *key, char *body,
                     size_t bodysz)
{
    char sock[200];
    struct http_resp r;
    stack_api_socket(s, i, sock, sizeof sock);
    long st = http_req_unix(sock, "GET", path, key, NULL, 0, &r) == 0 ? r.status : -1;
    if (body)
        snprintf(body, bodysz, "%s", r.body ? r.body : "");
    http_resp_free(&r);
    return st;
}

/* 1 when something accepts TCP connections on 127.0.0.1:port */
static int tcp_listens(int port)
{
    FILE *f = fopen("/proc/net/tcp", "r");
    char line[512];
    int found = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned p, st;
        if (sscanf(line, " %*d: %*8X:%4X %*8X:%*4X %2X", &p, &st) == 2 && st == 0x0A &&
            (int)p == port)
            found = 1;
    }
    if (f)
        fclose(f);
    return found;
}

START_TEST(api_answers_over_its_unix_socket)
{
    struct stack s;
    struct stack_opts o = {.redis_socket = 1, .api_socket = 1, .n_api = 2, .workers = 0};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    char sock[200], dir[200], body[4096];
    struct stat sb;
    snprintf(dir, sizeof dir, "%s/api", s.dir);
    ck_assert_int_eq(stat(dir, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0700); /* made by the API: it was missing */
    for (int i = 0; i < 2; i++) {
        stack_api_socket(&s, i, sock, sizeof sock);
        ck_assert_int_eq(stat(sock, &sb), 0);
        ck_assert(S_ISSOCK(sb.st_mode));
        ck_assert_int_eq(sb.st_mode & 0777, 0660);
        ck_assert_int_eq(get_unix(&s, i, "/healthz", NULL, body, sizeof body), 200);
        ck_assert_ptr_nonnull(strstr(body, "\"ok\""));
        ck_assert_int_eq(get_unix(&s, i, "/readyz", NULL, NULL, 0), 200);
        ck_assert_int_eq(tcp_listens(s.api_ports[i]), 0); /* no TCP port besides */
    }
    /* Through nginx, which reaches the APIs only over their sockets; the document is then read
     * straight from each API's socket (authenticated route) */
    const char *lines[] = {"SOCKET 42"};
    unsigned char *png = NULL;
    size_t len = 0;
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    char id[64], path[128];
    for (int k = 0; k < 4; k++)
        ck_assert_int_eq(stack_upload(&s, s.key, png, len, "dedup=false", id), 202);
    snprintf(path, sizeof path, "/v1/documents/%s", id);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(get_unix(&s, i, path, s.key, body, sizeof body), 200);
        ck_assert_ptr_nonnull(strstr(body, id));
        ck_assert_int_eq(get_unix(&s, i, path, NULL, NULL, 0), 401);
    }
    /* A second API on a live socket does not take it over: it exits, the first answers on */
    char bin[600], arg[260];
    snprintf(bin, sizeof bin, "%s/docproc-api", s.bin);
    stack_api_socket(&s, 0, sock, sizeof sock);
    snprintf(arg, sizeof arg, "--api_socket=%s", sock);
    char *argv[] = {bin, arg, NULL};
    pid_t dup = stack_spawn(&s, "api-dup.log", argv);
    ck_assert_int_gt(dup, 0);
    int st = 0;
    ck_assert_int_eq(waitpid(dup, &st, 0), dup);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0);
    ck_assert_int_eq(get_unix(&s, 0, "/healthz", NULL, NULL, 0), 200);
    /* SIGKILL leaves the socket file behind; the next start replaces it */
    stack_kill(&s.api[0], SIGKILL);
    ck_assert_int_eq(stat(sock, &sb), 0);
    ck_assert_int_eq(get_unix(&s, 0, "/healthz", NULL, NULL, 0), -1);
    ck_assert_int_eq(stack_start_api(&s, 0), 0);
    ck_assert_int_eq(get_unix(&s, 0, "/healthz", NULL, NULL, 0), 200);
    for (int k = 0; k < 4; k++) /* nginx reaches the new process too (round robin) */
        ck_assert_int_eq(stack_upload(&s, s.key, png, len, "dedup=false", id), 202);
    /* SIGTERM: the process removes its socket file */
    char sock1[200];
    stack_api_socket(&s, 1, sock1, sizeof sock1);
    stack_kill(&s.api[1], SIGTERM);
    ck_assert_int_ne(stat(sock1, &sb), 0);
    ck_assert_int_eq(stat(sock, &sb), 0);
    free(png);
    stack_stop(&s);
}
END_TEST

Suite *e2e_ingest_suite(void)
{
    Suite *s = suite_create("e2e_ingest");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, programs_reach_redis_over_its_unix_socket);
    tcase_add_test(tc, redis_runs_as_uploads_need);
    tcase_add_test(tc, api_answers_over_its_unix_socket);
    suite_add_tcase(s, tc);
    return s;
}
