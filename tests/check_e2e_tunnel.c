/* check_e2e_tunnel.c -- Redis traffic over TLS between hosts (config/redis-tunnel.sh, stunnel4):
 * Redis on loopback, a stunnel server in front of it with a certificate made by openssl now, a
 * stunnel client, and an API and a worker whose redis_host/redis_port name the client end; with
 * Redis locked (ACL users), a document goes through. The server end speaks only TLS (a plain
 * RESP client gets no answer), and a client that does not trust the certificate gets nothing. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "fixtures.h"
#include "harness.h"
#include "testutil.h"

#define TUNNEL_NAME "redis.docproc.test"

struct tunnel {
    int server_port, client_port;
    char dir[160];
};

/* Starts "redis-tunnel.sh MODE DIR ACCEPT CONNECT [NAME]" in the stack; 0 once it listens. */
static int tunnel_spawn(struct stack *s, const char *mode, const char *dir, int accept_port,
                        int connect_port, const char *name)
{
    char script[600], acc[32], con[32], log[32];
    snprintf(script, sizeof script, "%s/config/redis-tunnel.sh", s->src);
    snprintf(acc, sizeof acc, "127.0.0.1:%d", accept_port);
    snprintf(con, sizeof con, "127.0.0.1:%d", connect_port);
    snprintf(log, sizeof log, "stunnel-%s.log", mode);
    char *argv[] = {"/bin/sh", script, (char *)mode, (char *)dir, acc, con, (char *)name, NULL};
    pid_t pid = stack_spawn(s, log, argv);
    if (pid <= 0 || s->n_extra >= STACK_MAX_EXTRA)
        return -1;
    s->extra[s->n_extra++] = pid;
    return harness_wait_port(accept_port, 10000);
}

/* after_redis: certificate, server end in front of Redis, client end for the programs. */
static int start_tunnel(struct stack *s, void *arg)
{
    struct tunnel *t = arg;
    char cmd[1024];
    snprintf(t->dir, sizeof t->dir, "%s/tunnel", s->dir);
    snprintf(cmd, sizeof cmd, "%s/config/redis-tunnel.sh cert %s %s", s->src, t->dir, TUNNEL_NAME);
    if (system(cmd) != 0)
        return -1;
    if (tunnel_spawn(s, "server", t->dir, t->server_port, s->redis_port, NULL) != 0)
        return -1;
    return tunnel_spawn(s, "client", t->dir, t->client_port, t->server_port, TUNNEL_NAME);
}

/* What a plain TCP client gets for "PING" at port within 2 s (NUL-terminated, may be ""). */
static size_t plain_ping(int port, char *out, size_t outsz)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    size_t got = 0;
    out[0] = '\0';
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && write(fd, "PING\r\n", 6) == 6) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        while (got + 1 < outsz && poll(&p, 1, 2000) == 1) {
            ssize_t n = read(fd, out + got, outsz - 1 - got);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        out[got] = '\0';
    }
    close(fd);
    return got;
}

START_TEST(document_goes_through_the_tls_tunnel)
{
    struct tunnel t = {.server_port = harness_free_port(), .client_port = harness_free_port()};
    char port_env[48];
    snprintf(port_env, sizeof port_env, "DOCPROC_REDIS_PORT=%d", t.client_port);
    const char *const env[] = {port_env, NULL};
    struct stack s;
    struct stack_opts o = {
        .workers = 1, .acl = 1, .env = env, .after_redis = start_tunnel, .after_redis_arg = &t};
    ck_assert_int_eq(stack_start(&s, &o), 0);

    const char *lines[] = {"Through the tunnel"};
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&s, s.key, png, len, NULL, id), 202);
    free(png);
    cJSON *d = stack_wait_doc(&s, s.key, id, 120000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    ck_assert_msg(strstr(json_str(d, "text"), "tunnel") != NULL, "text: %s", json_str(d, "text"));
    cJSON_Delete(d);

    /* the client end speaks RESP (and Redis still wants a password through it) */
    char buf[512];
    plain_ping(t.client_port, buf, sizeof buf);
    ck_assert_msg(strncmp(buf, "-NOAUTH", 7) == 0, "client end: '%s'", buf);
    /* the server end, what crosses the network, answers no plain RESP */
    plain_ping(t.server_port, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "NOAUTH") == NULL && strstr(buf, "PONG") == NULL,
                  "server end answered plain text: '%s'", buf);
    /* a TLS client that does not trust the certificate is refused; one that does gets in */
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "openssl s_client -connect 127.0.0.1:%d -verify_return_error -verify_hostname %s "
             "-CAfile /etc/ssl/certs/ca-certificates.crt </dev/null >/dev/null 2>&1",
             t.server_port, TUNNEL_NAME);
    ck_assert_int_ne(system(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "openssl s_client -connect 127.0.0.1:%d -verify_return_error -verify_hostname %s "
             "-CAfile %s/tunnel.pem </dev/null >/dev/null 2>&1",
             t.server_port, TUNNEL_NAME, t.dir);
    ck_assert_int_eq(system(cmd), 0);

    /* the programs really use the tunnel: without its client end the API is not ready */
    stack_kill(&s.extra[1], SIGTERM);
    char url[128];
    snprintf(url, sizeof url, "%s/readyz", s.base);
    struct http_resp r;
    long status = 200;
    for (int i = 0; i < 100 && status == 200; i++) {
        ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0);
        status = r.status;
        http_resp_free(&r);
        if (status == 200)
            usleep(100000);
    }
    ck_assert_int_ne(status, 200);
    stack_stop(&s);
}
END_TEST

Suite *e2e_tunnel_suite(void)
{
    Suite *s = suite_create("e2e_tunnel");
    TCase *tc = tcase_create("tunnel");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, document_goes_through_the_tls_tunnel);
    suite_add_tcase(s, tc);
    return s;
}
