/* check_e2e_sched.c -- the workers' CPU priority against a real docproc-worker: by default
 * (worker_sched_idle = 1) the supervisor and every worker it forks run under SCHED_IDLE at
 * worker_nice; with worker_sched_idle = 0 they keep the normal policy and only lower their nice
 * value. Read from /proc/PID/stat (policy, nice), as the kernel applies them. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "harness.h"
#include "testutil.h"

/* Field number (1-based, as proc(5) counts) of /proc/PID/stat into *out; 0 when read. */
static int stat_field(pid_t pid, int field, long *out)
{
    char buf[2048];
    const char *p = harness_proc_stat(pid, buf, sizeof buf); /* field 3 onwards */
    for (int f = 3; p && *p; f++) {
        if (f == field) {
            char *end;
            *out = strtol(p, &end, 10);
            return end != p ? 0 : -1;
        }
        p = strchr(p, ' ');
        p = p ? p + 1 : NULL;
    }
    return -1;
}

/* Starts Redis and docproc-worker -j 2 with extra (may be NULL) and checks the policy and nice
 * value of the supervisor and of both workers. The workers only ever lower their priority, so
 * under a runner niced further than want_nice they keep the runner's. */
static void check_workers(const char *const *extra, long want_policy, long want_nice)
{
    long own_nice = getpriority(PRIO_PROCESS, 0);
    if (own_nice > want_nice)
        want_nice = own_nice;
    struct stack s;
    ck_assert_int_eq(stack_init(&s, NULL), 0);
    ck_assert_int_eq(stack_start_redis(&s), 0);
    ck_assert_int_eq(stack_start_worker(&s, 2, extra), 0);
    pid_t kids[4];
    int n = 0;
    for (int i = 0; i < 200 && (n = stack_worker_children(&s, kids, 4)) < 2; i++) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    ck_assert_int_eq(n, 2);
    pid_t all[3] = {s.worker, kids[0], kids[1]};
    for (int i = 0; i < 3; i++) {
        long policy = -1, nice = -100;
        ck_assert_int_eq(stat_field(all[i], 41, &policy), 0);
        ck_assert_int_eq(stat_field(all[i], 19, &nice), 0);
        ck_assert_msg(policy == want_policy, "process %d: policy %ld, want %ld", (int)all[i],
                      policy, want_policy);
        ck_assert_msg(nice == want_nice, "process %d: nice %ld, want %ld", (int)all[i], nice,
                      want_nice);
    }
    stack_stop(&s);
}

START_TEST(workers_run_sched_idle_by_default)
{
    check_workers(NULL, SCHED_IDLE, 10);
}
END_TEST

START_TEST(workers_keep_normal_policy_when_off)
{
    const char *const extra[] = {"--worker_sched_idle=0", "--worker_nice=5", NULL};
    int own = sched_getscheduler(0); /* inherited as it is: a runner under SCHED_IDLE stays so */
    check_workers(extra, own == SCHED_IDLE ? SCHED_IDLE : SCHED_OTHER, 5);
}
END_TEST

Suite *e2e_sched_suite(void)
{
    Suite *s = suite_create("e2e_sched");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, workers_run_sched_idle_by_default);
    tcase_add_test(tc, workers_keep_normal_policy_when_off);
    suite_add_tcase(s, tc);
    return s;
}
