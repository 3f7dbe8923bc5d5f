/* check_webhookd.c -- docproc-webhookd pure logic: configuration, retry policy, Retry-After, body.
 */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "../workers/webhookd.h"

START_TEST(schedule_parse)
{
    long s[WEBHOOKD_SCHEDULE_MAX];
    size_t n = 0;
    ck_assert_int_eq(webhookd_schedule_parse(WEBHOOKD_DEFAULT_SCHEDULE, s, 16, &n), DP_OK);
    ck_assert_uint_eq(n, 8);
    ck_assert_int_eq(s[0], 0);
    ck_assert_int_eq(s[2], 300);
    ck_assert_int_eq(s[7], 36000);
    ck_assert_int_eq(webhookd_schedule_parse("0,1,2", s, 16, &n), DP_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(webhookd_schedule_parse("0,,2", s, 16, &n), DP_EINVAL);
    ck_assert_int_eq(webhookd_schedule_parse("0,1,", s, 16, &n), DP_EINVAL);
    ck_assert_int_eq(webhookd_schedule_parse("-1", s, 16, &n), DP_EINVAL);
    ck_assert_int_eq(webhookd_schedule_parse("5s", s, 16, &n), DP_EINVAL);
    ck_assert_int_eq(webhookd_schedule_parse("", s, 16, &n), DP_EINVAL);
    ck_assert_int_eq(webhookd_schedule_parse("1,2,3", s, 2, &n), DP_EINVAL);
}
END_TEST

/* The daemon's options live in the shared config table: env, then argv, then derived values. */
START_TEST(config_argv_over_env)
{
    static struct webhookd w;
    char err[256];
    int help = 0;
    setenv("DOCPROC_REDIS_PORT", "7000", 1);
    setenv("DOCPROC_WEBHOOK_TIMEOUT_MS", "2500", 1);
    setenv("DOCPROC_WEBHOOK_CLAIM_IDLE_MS", "1500", 1);
    unsetenv("DOCPROC_WEBHOOK_ALLOW_PRIVATE");
    unsetenv("DOCPROC_WEBHOOK_RETRY_SCHEDULE");
    unsetenv("DOCPROC_CONFIG");
    char *argv1[] = {"webhookd", "--redis-port", "7001", "--webhook-retry-schedule", "0,1,2", NULL};
    ck_assert_int_eq(config_load(&w.cfg, 5, argv1, &help, err, sizeof err), DP_OK);
    ck_assert_int_eq(webhookd_configure(&w, err, sizeof err), DP_OK);
    ck_assert_int_eq(w.cfg.redis_port, 7001);
    ck_assert_int_eq(w.cfg.webhook_timeout_ms, 2500);
    ck_assert_int_eq(w.cfg.webhook_claim_idle_ms, 1500);
    ck_assert_int_eq(w.cfg.webhook_allow_private, 0);
    ck_assert_int_eq(w.cfg.webhook_concurrency, 64);
    ck_assert_uint_eq(w.nschedule, 3);
    ck_assert_int_eq(w.schedule[2], 2);
    setenv("DOCPROC_WEBHOOK_ALLOW_PRIVATE", "1", 1);
    char *argv2[] = {"webhookd", "--webhook_concurrency=8", NULL};
    ck_assert_int_eq(config_load(&w.cfg, 2, argv2, &help, err, sizeof err), DP_OK);
    ck_assert_int_eq(webhookd_configure(&w, err, sizeof err), DP_OK);
    ck_assert_int_eq(w.cfg.webhook_allow_private, 1);
    ck_assert_int_eq(w.cfg.redis_port, 7000);
    ck_assert_int_eq(w.cfg.webhook_concurrency, 8);
    ck_assert_uint_eq(w.nschedule, 8);
    ck_assert_int_eq(w.schedule[1], 5);
    char *argv3[] = {"webhookd", "--webhook-timeout-ms", "abc", NULL};
    ck_assert_int_eq(config_load(&w.cfg, 3, argv3, &help, err, sizeof err), DP_EINVAL);
    char *argv4[] = {"webhookd", "--bogus", "1", NULL};
    ck_assert_int_eq(config_load(&w.cfg, 3, argv4, &help, err, sizeof err), DP_EINVAL);
    char *argv5[] = {"webhookd", "--webhook-retry-schedule=0,,5", NULL};
    ck_assert_int_eq(config_load(&w.cfg, 2, argv5, &help, err, sizeof err), DP_OK);
    ck_assert_int_eq(webhookd_configure(&w, err, sizeof err), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "webhook_retry_schedule"));
    unsetenv("DOCPROC_REDIS_PORT");
    unsetenv("DOCPROC_WEBHOOK_TIMEOUT_MS");
    unsetenv("DOCPROC_WEBHOOK_CLAIM_IDLE_MS");
    unsetenv("DOCPROC_WEBHOOK_ALLOW_PRIVATE");
}
END_TEST

START_TEST(decide_policy)
{
    const long sched[] = {0, 5, 300};
    long long now = 1000000;
    struct webhookd_verdict v = webhookd_decide(204, 0, 1, sched, 3, -1, now);
    ck_assert_str_eq(v.status, "delivered");
    v = webhookd_decide(500, 0, 1, sched, 3, -1, now);
    ck_assert_str_eq(v.status, "pending");
    ck_assert_int_eq(v.next_due_ms, now + 5000);
    v = webhookd_decide(0, 0, 2, sched, 3, -1, now); /* timeout / connection refused */
    ck_assert_str_eq(v.status, "pending");
    ck_assert_int_eq(v.next_due_ms, now + 300000);
    v = webhookd_decide(500, 0, 3, sched, 3, -1, now);
    ck_assert_str_eq(v.status, "exhausted");
    ck_assert_int_eq(v.next_due_ms, 0);
    v = webhookd_decide(302, 0, 1, sched, 3, -1, now);
    ck_assert_str_eq(v.status, "pending"); /* 3xx is a failure, not followed */
    v = webhookd_decide(410, 0, 1, sched, 3, -1, now);
    ck_assert_str_eq(v.status, "failed");
    ck_assert_int_eq(v.disable, 1);
    v = webhookd_decide(0, 1, 1, sched, 3, -1, now);
    ck_assert_str_eq(v.status, "failed");
    ck_assert_int_eq(v.disable, 0);
    /* Retry-After longer than the schedule wins for 429/503, not for 500 */
    v = webhookd_decide(429, 0, 1, sched, 3, 60, now);
    ck_assert_int_eq(v.next_due_ms, now + 60000);
    v = webhookd_decide(503, 0, 1, sched, 3, 2, now);
    ck_assert_int_eq(v.next_due_ms, now + 5000);
    v = webhookd_decide(500, 0, 1, sched, 3, 60, now);
    ck_assert_int_eq(v.next_due_ms, now + 5000);
    v = webhookd_decide(503, 0, 1, sched, 3, 10L * 24 * 3600, now);
    ck_assert_int_eq(v.next_due_ms, now + (long long)WEBHOOKD_RETRY_AFTER_MAX * 1000);
}
END_TEST

START_TEST(retry_after)
{
    ck_assert_int_eq(webhookd_retry_after(" 120\r\n", 6, 0), 120);
    ck_assert_int_eq(webhookd_retry_after("0", 1, 0), 0);
    ck_assert_int_eq(webhookd_retry_after("abc", 3, 0), -1);
    ck_assert_int_eq(webhookd_retry_after("12x", 3, 0), -1);
    ck_assert_int_eq(webhookd_retry_after("", 0, 0), -1);
    const char *d = "Wed, 21 Oct 2015 07:28:00 GMT";
    ck_assert_int_eq(webhookd_retry_after(d, strlen(d), 1445412480LL - 30), 30);
    ck_assert_int_eq(webhookd_retry_after(d, strlen(d), 1445412480LL + 30), 0);
}
END_TEST

START_TEST(body_shape)
{
    struct whstore_event ev;
    char data[] = "{\"document_id\":\"doc_1\",\"status\":\"done\"}";
    char *body = NULL;
    size_t len = 0;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.type, sizeof ev.type, "document.completed");
    ev.created = 1614265330;
    ev.data = data;
    ev.data_len = strlen(data);
    ck_assert_int_eq(webhookd_body(&ev, &body, &len), DP_OK);
    ck_assert_uint_eq(len, strlen(body));
    cJSON *o = cJSON_Parse(body);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(cJSON_GetObjectItem(o, "type")->valuestring, "document.completed");
    ck_assert_str_eq(cJSON_GetObjectItem(o, "timestamp")->valuestring, "2021-02-25T15:02:10Z");
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(o, "data"), "document_id")->valuestring, "doc_1");
    cJSON_Delete(o);
    free(body);
    ev.data = "[1,2]";
    ev.data_len = 5;
    ck_assert_int_eq(webhookd_body(&ev, &body, &len), DP_EPARSE);
    ck_assert_ptr_null(body);
    ev.data = "{\"a\":";
    ev.data_len = 5;
    ck_assert_int_eq(webhookd_body(&ev, &body, &len), DP_EPARSE);
}
END_TEST

START_TEST(events_filter)
{
    ck_assert_int_eq(whstore_events_match("", "document.completed"), 1);
    ck_assert_int_eq(whstore_events_match("*", "document.failed"), 1);
    ck_assert_int_eq(whstore_events_match("document.completed", "document.completed"), 1);
    ck_assert_int_eq(whstore_events_match("document.completed", "document.failed"), 0);
    ck_assert_int_eq(
        whstore_events_match("document.failed,document.completed", "document.completed"), 1);
    ck_assert_int_eq(whstore_events_match("document.complete", "document.completed"), 0);
}
END_TEST

Suite *webhookd_suite(void)
{
    Suite *s = suite_create("webhookd");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, schedule_parse);
    tcase_add_test(tc, config_argv_over_env);
    tcase_add_test(tc, decide_policy);
    tcase_add_test(tc, retry_after);
    tcase_add_test(tc, body_shape);
    tcase_add_test(tc, events_filter);
    suite_add_tcase(s, tc);
    return s;
}
