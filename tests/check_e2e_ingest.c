/* check_e2e_ingest.c -- the upload path's plumbing against real processes: with redis_socket set
 * (as make run sets it) every program reaches Redis over its Unix socket, uploads are stored
 * and read back through nginx, and Redis lists no TCP client at all. */
#include <hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

Suite *e2e_ingest_suite(void)
{
    Suite *s = suite_create("e2e_ingest");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, programs_reach_redis_over_its_unix_socket);
    suite_add_tcase(s, tc);
    return s;
}
