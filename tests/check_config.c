/* check_config.c -- the option table: file parsing, name spelling, bounds, load precedence
 * (defaults < file < DOCPROC_* < argv), --help and usage text. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"

/* Every option of struct dp_config, as the table must list it. */
static const char *const all_names[] = {"listen_addr",
                                        "http_port",
                                        "api_port",
                                        "api_socket",
                                        "api_processes",
                                        "api_threads",
                                        "api_group_commit",
                                        "redis_host",
                                        "redis_port",
                                        "redis_socket",
                                        "redis_timeout_ms",
                                        "redis_appendfsync",
                                        "sentinel_master",
                                        "sentinels",
                                        "redis_user",
                                        "redis_password",
                                        "redis_password_file",
                                        "sentinel_password_file",
                                        "sentinel_password",
                                        "redis_wait_replicas",
                                        "redis_wait_timeout_ms",
                                        "auth_cache_ms",
                                        "max_upload_bytes",
                                        "max_batch_bytes",
                                        "max_pages",
                                        "max_page_pixels",
                                        "max_queue",
                                        "max_wait_s",
                                        "max_waiters_per_tenant",
                                        "workers",
                                        "worker_nice",
                                        "worker_sched_idle",
                                        "visibility_timeout_ms",
                                        "max_attempts",
                                        "job_timeout_ms",
                                        "page_timeout_ms",
                                        "decode_memory_limit_mb",
                                        "lang",
                                        "tessdata_dir",
                                        "kv_model_file",
                                        "lang_auto_lines",
                                        "second_reading",
                                        "line_look",
                                        "idempotency_ttl_s",
                                        "webhook_allow_private",
                                        "webhook_timeout_ms",
                                        "webhook_retry_schedule",
                                        "webhook_claim_idle_ms",
                                        "webhook_concurrency",
                                        "encryption_key",
                                        "encryption_key_file",
                                        "encryption_old_keys",
                                        "retention_days",
                                        "retention_day_s",
                                        "tenant_max_queued",
                                        "tenant_max_bytes",
                                        "tenant_uploads_per_minute",
                                        "redis_maxmemory_mb",
                                        "run_dir",
                                        "public_addr",
                                        "https_port",
                                        "redis_bind",
                                        "rate_limit_per_s",
                                        "conn_limit_per_addr",
                                        "metrics_rate_limit_per_s",
                                        "client_header_timeout_s",
                                        "client_body_timeout_s",
                                        "nginx_worker_connections",
                                        "run_user",
                                        "log_level",
                                        "debug_faults"};
#define NNAMES (sizeof all_names / sizeof all_names[0])

static dp_err parse(struct dp_config *c, const char *text, char *err, size_t errsz)
{
    return config_parse_buf(c, text, strlen(text), err, errsz);
}

/* ---- config_parse_buf ---- */

START_TEST(defaults)
{
    struct dp_config c;
    memset(&c, 0x5a, sizeof c);
    config_defaults(&c);
    ck_assert_str_eq(c.listen_addr, "127.0.0.1");
    ck_assert_int_eq(c.http_port, 8080);
    ck_assert_int_eq(c.redis_port, 6390);
    ck_assert_str_eq(c.redis_appendfsync, "everysec");
    ck_assert_int_eq(c.max_upload_bytes, 52428800);
    ck_assert_str_eq(c.sentinel_master, "");
    ck_assert_int_eq(c.redis_wait_replicas, 0); /* WAIT is opt-in */
    ck_assert_str_eq(c.tessdata_dir, "");
    ck_assert_int_eq(c.webhook_allow_private, 0);
    ck_assert_str_eq(c.webhook_retry_schedule, "0,5,300,1800,7200,18000,36000,36000");
}
END_TEST

START_TEST(parse_comments_blanks_spaces)
{
    struct dp_config c;
    char err[256] = "";
    config_defaults(&c);
    const char *text = "# a comment line\n"
                       "\n"
                       "   \t  \n"
                       "redis_port=7001\n"
                       "  lang   =   eng+deu   # trailing comment\n"
                       "\tlog_level\t=\tdebug\r\n"
                       "   # indented comment = with an equals sign\n"
                       "api_threads = 8"; /* no final newline */
    ck_assert_int_eq(parse(&c, text, err, sizeof err), DP_OK);
    ck_assert_int_eq(c.redis_port, 7001);
    ck_assert_str_eq(c.lang, "eng+deu");
    ck_assert_str_eq(c.log_level, "debug");
    ck_assert_int_eq(c.api_threads, 8);
    /* untouched options keep their defaults */
    ck_assert_int_eq(c.http_port, 8080);
    /* an empty value is allowed for strings (clears them) */
    ck_assert_int_eq(parse(&c, "lang =\n", err, sizeof err), DP_OK);
    ck_assert_str_eq(c.lang, "");
    /* an empty buffer is fine */
    ck_assert_int_eq(config_parse_buf(&c, "", 0, err, sizeof err), DP_OK);
    /* only len bytes are read: the rest of the buffer is ignored */
    ck_assert_int_eq(config_parse_buf(&c, "redis_port = 7002\nredis_port = 9", 17, err, sizeof err),
                     DP_OK);
    ck_assert_int_eq(c.redis_port, 7002);
}
END_TEST

START_TEST(parse_errors_name_line)
{
    struct dp_config c;
    char err[256];
    config_defaults(&c);
    err[0] = '\0';
    ck_assert_int_eq(parse(&c, "redis_port = 7001\nno_such_option = 1\n", err, sizeof err),
                     DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "line 2"));
    ck_assert_ptr_nonnull(strstr(err, "no_such_option"));
    ck_assert_int_eq(c.redis_port, 7001); /* lines before the error were applied */

    err[0] = '\0';
    ck_assert_int_eq(parse(&c, "\n\njust words\n", err, sizeof err), DP_EPARSE);
    ck_assert_ptr_nonnull(strstr(err, "line 3"));

    /* a NUL byte would silently cut the line: refused */
    err[0] = '\0';
    ck_assert_int_eq(config_parse_buf(&c, "lang = eng\0deu\n", 15, err, sizeof err), DP_EPARSE);
    ck_assert_ptr_nonnull(strstr(err, "NUL"));
    ck_assert_int_eq(config_parse_buf(&c, "# x\0y\nlang = fra\n", 17, err, sizeof err), DP_EPARSE);

    err[0] = '\0';
    ck_assert_int_eq(parse(&c, "= 5\n", err, sizeof err), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "unknown option"));
}
END_TEST

START_TEST(parse_bad_integers)
{
    static const char *const bad[] = {
        "redis_port = abc\n",
        "redis_port = 12x\n",
        "redis_port =\n",
        "redis_port = 0x10\n",
        "redis_port = 1.5\n",
        "redis_port = 1 2\n",
        "redis_port = 99999999999999999999999\n",
        "redis_port = -99999999999999999999\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct dp_config c;
        char err[256] = "";
        config_defaults(&c);
        ck_assert_msg(parse(&c, bad[i], err, sizeof err) == DP_EINVAL, "accepted: %s", bad[i]);
        ck_assert_msg(strstr(err, "redis_port") != NULL, "message names the option: %s", err);
        ck_assert_int_eq(c.redis_port, 6390);
    }
}
END_TEST

START_TEST(parse_bounds)
{
    struct dp_config c;
    char err[256] = "";
    config_defaults(&c);
    /* the bounds themselves are inside */
    ck_assert_int_eq(parse(&c, "http_port = 1\napi_port = 0\nmax_wait_s = 600\n", err, sizeof err),
                     DP_OK);
    ck_assert_int_eq(c.http_port, 1);
    ck_assert_int_eq(c.api_port, 0);
    ck_assert_int_eq(c.max_wait_s, 600);
    ck_assert_int_eq(parse(&c, "max_upload_bytes = 4294967296\n", err, sizeof err), DP_OK);
    ck_assert_int_eq(c.max_upload_bytes, 4294967296LL);
    /* one past either end is not */
    static const char *const out[] = {"http_port = 0\n",
                                      "http_port = 65536\n",
                                      "api_port = -1\n",
                                      "max_wait_s = 601\n",
                                      "webhook_allow_private = 2\n",
                                      "max_attempts = 0\n",
                                      "max_upload_bytes = 4294967297\n"};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        err[0] = '\0';
        ck_assert_msg(parse(&c, out[i], err, sizeof err) == DP_EINVAL, "accepted: %s", out[i]);
        ck_assert_msg(strstr(err, "outside") != NULL, "%s -> %s", out[i], err);
    }
    ck_assert_int_eq(c.http_port, 1);
}
END_TEST

START_TEST(parse_long_values_and_lines)
{
    struct dp_config c;
    char err[256] = "";
    char text[2048];
    config_defaults(&c);
    /* CONFIG_STR_MAX - 1 bytes fit, CONFIG_STR_MAX do not */
    int n = snprintf(text, sizeof text, "run_dir = %0*d\n", CONFIG_STR_MAX - 1, 7);
    ck_assert_int_lt(n, (int)sizeof text);
    ck_assert_int_eq(parse(&c, text, err, sizeof err), DP_OK);
    ck_assert_uint_eq(strlen(c.run_dir), CONFIG_STR_MAX - 1);
    snprintf(text, sizeof text, "run_dir = %0*d\n", CONFIG_STR_MAX, 7);
    ck_assert_int_eq(parse(&c, text, err, sizeof err), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "longer"));
    ck_assert_uint_eq(strlen(c.run_dir), CONFIG_STR_MAX - 1); /* unchanged */

    /* a line of 1023 bytes is read (comment), a line of 1024 is refused */
    memset(text, ' ', sizeof text);
    text[0] = '#';
    text[1023] = '\n';
    ck_assert_int_eq(config_parse_buf(&c, text, 1024, err, sizeof err), DP_OK);
    text[1023] = ' ';
    text[1024] = '\n';
    ck_assert_int_eq(config_parse_buf(&c, text, 1025, err, sizeof err), DP_EPARSE);
    ck_assert_ptr_nonnull(strstr(err, "line 1"));
    /* the same without a final newline */
    ck_assert_int_eq(config_parse_buf(&c, text, 1024, err, sizeof err), DP_EPARSE);
}
END_TEST

/* ---- config_set ---- */

START_TEST(set_dash_underscore_case)
{
    struct dp_config c;
    char err[256] = "";
    config_defaults(&c);
    ck_assert_int_eq(config_set(&c, "redis-port", "7003", err, sizeof err), DP_OK);
    ck_assert_int_eq(c.redis_port, 7003);
    ck_assert_int_eq(config_set(&c, "redis_port", "7004", err, sizeof err), DP_OK);
    ck_assert_int_eq(c.redis_port, 7004);
    ck_assert_int_eq(config_set(&c, "Webhook-Allow_Private", "1", err, sizeof err), DP_OK);
    ck_assert_int_eq(c.webhook_allow_private, 1);
    /* a prefix or an extension of a name is not the name */
    ck_assert_int_eq(config_set(&c, "redis_por", "1", err, sizeof err), DP_EINVAL);
    ck_assert_int_eq(config_set(&c, "redis_portx", "1", err, sizeof err), DP_EINVAL);
    ck_assert_int_eq(config_set(&c, "", "1", err, sizeof err), DP_EINVAL);
    ck_assert_int_eq(config_set(&c, "redis port", "1", err, sizeof err), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "unknown option"));
    ck_assert_int_eq(c.redis_port, 7004);
    /* a small error buffer truncates, never overflows */
    char tiny[8];
    memset(tiny, 'x', sizeof tiny);
    ck_assert_int_eq(config_set(&c, "nope", "1", tiny, sizeof tiny), DP_EINVAL);
    ck_assert_uint_eq(strlen(tiny), sizeof tiny - 1);
}
END_TEST

/* ---- config_load ---- */

static char tmpdir[64];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void env_setup(void)
{
    /* The runner may run without fork (valgrind): start from a clean environment each time. */
    for (size_t i = 0; i < NNAMES; i++) {
        char var[64];
        size_t k = (size_t)snprintf(var, sizeof var, "DOCPROC_");
        for (const char *p = all_names[i]; *p && k + 1 < sizeof var; p++)
            var[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        var[k] = '\0';
        unsetenv(var);
    }
    unsetenv("DOCPROC_CONFIG");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dp-config-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void env_teardown(void)
{
    char path[128];
    unsetenv("DOCPROC_CONFIG");
    unsetenv("DOCPROC_REDIS_PORT");
    unsetenv("DOCPROC_LANG");
    unsetenv("DOCPROC_API_THREADS");
    unsetenv("DOCPROC_REDIS_APPENDFSYNC");
    snprintf(path, sizeof path, "%s/a.conf", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/b.conf", tmpdir);
    unlink(path);
    rmdir(tmpdir);
}

static dp_err load(struct dp_config *c, int *help, char *err, size_t errsz, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return config_load(c, argc, argv, help, err, errsz);
}

START_TEST(load_precedence)
{
    struct dp_config c;
    char err[256] = "", a[128], b[128];
    int help = -1;
    snprintf(a, sizeof a, "%s/a.conf", tmpdir);
    snprintf(b, sizeof b, "%s/b.conf", tmpdir);
    write_file(a, "redis_port = 7001\nlang = fra\napi_threads = 9\nmax_pages = 17\n");
    write_file(b, "redis_port = 7101\nmax_pages = 18\n");

    /* defaults only */
    char *argv0[] = {"prog", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, argv0), DP_OK);
    ck_assert_int_eq(help, 0);
    ck_assert_int_eq(c.redis_port, 6390);

    /* file from DOCPROC_CONFIG beats defaults */
    setenv("DOCPROC_CONFIG", a, 1);
    ck_assert_int_eq(load(&c, &help, err, sizeof err, argv0), DP_OK);
    ck_assert_int_eq(c.redis_port, 7001);
    ck_assert_str_eq(c.lang, "fra");
    ck_assert_int_eq(c.max_pages, 17);

    /* --config beats DOCPROC_CONFIG (in both spellings) */
    char *argv1[] = {"prog", "--config", b, NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, argv1), DP_OK);
    ck_assert_int_eq(c.redis_port, 7101);
    ck_assert_str_eq(c.lang, "auto"); /* the default: a.conf not read at all */
    char cfgeq[160];
    snprintf(cfgeq, sizeof cfgeq, "--config=%s", b);
    char *argv2[] = {"prog", cfgeq, NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, argv2), DP_OK);
    ck_assert_int_eq(c.max_pages, 18);

    /* environment beats the file */
    setenv("DOCPROC_REDIS_PORT", "7201", 1);
    setenv("DOCPROC_LANG", "deu", 1);
    ck_assert_int_eq(load(&c, &help, err, sizeof err, argv0), DP_OK);
    ck_assert_int_eq(c.redis_port, 7201);
    ck_assert_str_eq(c.lang, "deu");
    ck_assert_int_eq(c.api_threads, 9); /* still from the file */

    /* argv beats the environment, as --name=value and --name value, '-' or '_' */
    char *argv3[] = {"prog", "--redis-port=7301", "--lang", "ita", "--api_threads", "3", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, argv3), DP_OK);
    ck_assert_int_eq(c.redis_port, 7301);
    ck_assert_str_eq(c.lang, "ita");
    ck_assert_int_eq(c.api_threads, 3);
    ck_assert_int_eq(c.max_pages, 17);
    /* later arguments win over earlier ones; "=" in a value is kept */
    char *argv4[] = {"prog", "--lang=a", "--lang=b", "--run_dir=x=y", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, argv4), DP_OK);
    ck_assert_str_eq(c.lang, "b");
    ck_assert_str_eq(c.run_dir, "x=y");
}
END_TEST

START_TEST(load_errors)
{
    struct dp_config c;
    char err[256] = "", a[128];
    int help = 0;
    snprintf(a, sizeof a, "%s/a.conf", tmpdir);

    char *missing[] = {"prog", "--config", "/nonexistent/dir/docproc.conf", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, missing), DP_EIO);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir/docproc.conf"));

    write_file(a, "redis_port = 7001\nredis_port = nope\n");
    char *badfile[] = {"prog", "--config", a, NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, badfile), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, a));
    ck_assert_ptr_nonnull(strstr(err, "line 2"));

    setenv("DOCPROC_API_THREADS", "0", 1);
    char *plain[] = {"prog", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, plain), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "DOCPROC_API_THREADS"));
    unsetenv("DOCPROC_API_THREADS");

    char *unknown[] = {"prog", "--no-such=1", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, unknown), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "--no-such"));
    char *novalue[] = {"prog", "--redis_port", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, novalue), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "needs a value"));
    char *positional[] = {"prog", "stray", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, positional), DP_EINVAL);
    char *single_dash[] = {"prog", "-redis_port=1", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, single_dash), DP_EINVAL);
    /* only --config and --config=PATH name the file; other spellings are unknown options */
    char *cfgx[] = {"prog", "--config-file=/x", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, cfgx), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "--config-file"));
    char *cfgnone[] = {"prog", "--config", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, cfgnone), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "--config"));
    char *range[] = {"prog", "--redis_port=70000", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, range), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "outside"));
}
END_TEST

START_TEST(load_help)
{
    struct dp_config c;
    char err[256] = "";
    int help = 0;
    char *h1[] = {"prog", "--help", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, h1), DP_OK);
    ck_assert_int_eq(help, 1);
    char *h2[] = {"prog", "--lang=deu", "-h", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, h2), DP_OK);
    ck_assert_int_eq(help, 1);
    ck_assert_str_eq(c.lang, "deu");
    /* want_help is reset by each load */
    char *h3[] = {"prog", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, h3), DP_OK);
    ck_assert_int_eq(help, 0);
}
END_TEST

START_TEST(load_appendfsync)
{
    struct dp_config c;
    char err[256] = "", a[128];
    int help = 0;
    char *ok1[] = {"prog", "--redis_appendfsync=always", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, ok1), DP_OK);
    ck_assert_str_eq(c.redis_appendfsync, "always");
    char *bad1[] = {"prog", "--redis_appendfsync=no", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, bad1), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "redis_appendfsync"));
    char *bad2[] = {"prog", "--redis_appendfsync=", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, bad2), DP_EINVAL);
    /* checked whatever the source */
    snprintf(a, sizeof a, "%s/a.conf", tmpdir);
    write_file(a, "redis_appendfsync = EverySec\n");
    char *file[] = {"prog", "--config", a, NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, file), DP_EINVAL);
    setenv("DOCPROC_REDIS_APPENDFSYNC", "never", 1);
    char *plain[] = {"prog", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, plain), DP_EINVAL);
    /* argv can repair what the environment set */
    char *fix[] = {"prog", "--redis-appendfsync", "everysec", NULL};
    ck_assert_int_eq(load(&c, &help, err, sizeof err, fix), DP_OK);
}
END_TEST

/* ---- usage and print ---- */

static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    fn(f, arg);
    fclose(f);
    return buf;
}

static void do_usage(FILE *f, const void *arg)
{
    config_usage(f, arg);
}

static void do_print(FILE *f, const void *arg)
{
    config_print(f, arg);
}

START_TEST(usage_lists_every_option)
{
    char *u = capture(do_usage, "docproc-test");
    ck_assert_ptr_nonnull(strstr(u, "usage: docproc-test"));
    for (size_t i = 0; i < NNAMES; i++) {
        char want[80];
        snprintf(want, sizeof want, "  --%s ", all_names[i]);
        ck_assert_msg(strstr(u, want) != NULL, "usage lacks %s", all_names[i]);
    }
    /* defaults and bounds are shown */
    ck_assert_ptr_nonnull(strstr(u, "(default 6390, 1..65535)"));
    ck_assert_ptr_nonnull(strstr(u, "(default 'everysec')"));
    /* one line per option plus three of header */
    size_t lines = 0;
    for (const char *p = u; *p; p++)
        lines += *p == '\n';
    ck_assert_uint_eq(lines, NNAMES + 3);
    free(u);
}
END_TEST

START_TEST(print_every_option)
{
    struct dp_config c;
    char err[256];
    config_defaults(&c);
    ck_assert_int_eq(config_set(&c, "redis_port", "7777", err, sizeof err), DP_OK);
    ck_assert_int_eq(config_set(&c, "lang", "eng+fra", err, sizeof err), DP_OK);
    char *p = capture(do_print, &c);
    for (size_t i = 0; i < NNAMES; i++) {
        char want[80];
        snprintf(want, sizeof want, "%s%s=", i ? "\n" : "", all_names[i]);
        ck_assert_msg(strstr(p, want) != NULL, "print lacks %s", all_names[i]);
    }
    ck_assert_ptr_nonnull(strstr(p, "\nredis_port=7777\n"));
    ck_assert_ptr_nonnull(strstr(p, "\nlang='eng+fra'\n"));
    free(p);
}
END_TEST

Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, parse_comments_blanks_spaces);
    tcase_add_test(tc, parse_errors_name_line);
    tcase_add_test(tc, parse_bad_integers);
    tcase_add_test(tc, parse_bounds);
    tcase_add_test(tc, parse_long_values_and_lines);
    tcase_add_test(tc, set_dash_underscore_case);
    tcase_add_test(tc, usage_lists_every_option);
    tcase_add_test(tc, print_every_option);
    suite_add_tcase(s, tc);
    TCase *tl = tcase_create("load");
    tcase_add_checked_fixture(tl, env_setup, env_teardown);
    tcase_add_test(tl, load_precedence);
    tcase_add_test(tl, load_errors);
    tcase_add_test(tl, load_help);
    tcase_add_test(tl, load_appendfsync);
    suite_add_tcase(s, tl);
    return s;
}
