/* check_subproc.c -- bounded children (subproc.c) against real programs: stdin fed and stdout
 * kept, exit codes, the deadline, the output cap, cancellation; and the request the API sends
 * its searchable-PDF child (api_pdfchild.c), packed and parsed back, damage refused. */
#include "testutil.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "../api/api.h"
#include "subproc.h"

static const char *const cat_argv[] = {"/bin/cat", NULL};

START_TEST(feeds_stdin_and_keeps_stdout)
{
    /* more than a pipe holds both ways: the parent writes and reads at once */
    size_t n = 3u << 20;
    char *in = malloc(n);
    ck_assert_ptr_nonnull(in);
    for (size_t i = 0; i < n; i++)
        in[i] = (char)('a' + i % 26);
    struct subproc_limits lim = {.deadline_ms = 60000, .memory_bytes = 256u << 20, .cpu_s = 30};
    struct subproc_result res;
    ck_assert_int_eq(subproc_run(cat_argv, in, n, &lim, &res), DP_OK);
    ck_assert_int_eq(res.end, SUBPROC_EXITED);
    ck_assert_int_eq(res.status, 0);
    ck_assert_uint_eq(res.out_len, n);
    ck_assert_int_eq(memcmp(res.out, in, n), 0);
    ck_assert_int_gt(res.peak_rss_kb, 0);
    free(res.out);
    free(in);

    const char *const fail_argv[] = {"/bin/sh", "-c", "echo -n half; exit 3", NULL};
    ck_assert_int_eq(subproc_run(fail_argv, NULL, 0, &lim, &res), DP_OK);
    ck_assert_int_eq(res.end, SUBPROC_EXITED);
    ck_assert_int_eq(res.status, 3);
    ck_assert_str_eq(res.out, "half");
    free(res.out);

    const char *const none[] = {"/nonexistent/program", NULL};
    ck_assert_int_eq(subproc_run(none, NULL, 0, &lim, &res), DP_OK);
    ck_assert_int_eq(res.end, SUBPROC_EXITED);
    ck_assert_int_eq(res.status, 127);
    free(res.out);
}
END_TEST

START_TEST(deadline_output_cap_and_cancel)
{
    /* a child that never ends, even after closing its stdout */
    const char *const hang[] = {"/bin/sh", "-c", "exec >&-; sleep 30", NULL};
    struct subproc_limits lim = {.deadline_ms = 300};
    struct subproc_result res;
    ck_assert_int_eq(subproc_run(hang, NULL, 0, &lim, &res), DP_OK);
    ck_assert_int_eq(res.end, SUBPROC_TIMEOUT);
    ck_assert_int_eq(res.status, SIGKILL);
    ck_assert_int_ge(res.wall_ms, 300);
    ck_assert_int_lt(res.wall_ms, 10000);
    free(res.out);

    const char *const yes[] = {"/usr/bin/yes", NULL};
    lim = (struct subproc_limits){.deadline_ms = 20000, .out_max = 100000};
    ck_assert_int_eq(subproc_run(yes, NULL, 0, &lim, &res), DP_OK);
    ck_assert_int_eq(res.end, SUBPROC_OUTPUT);
    ck_assert_uint_gt(res.out_len, 100000);
    ck_assert_uint_lt(res.out_len, 100000 + 70000);
    free(res.out);

    atomic_int stop = 1;
    const char *const sleepy[] = {"/bin/sleep", "30", NULL};
    lim = (struct subproc_limits){.deadline_ms = 20000, .cancel = &stop};
    ck_assert_int_eq(subproc_run(sleepy, NULL, 0, &lim, &res), DP_OK);
    ck_assert_int_eq(res.end, SUBPROC_CANCELLED);
    ck_assert_int_lt(res.wall_ms, 5000);
    free(res.out);

    /* the CPU cap is the kernel's: a busy loop gets SIGXCPU (or SIGKILL at the hard cap) */
    const char *const busy[] = {"/bin/sh", "-c", "while :; do :; done", NULL};
    lim = (struct subproc_limits){.deadline_ms = 30000, .cpu_s = 1};
    ck_assert_int_eq(subproc_run(busy, NULL, 0, &lim, &res), DP_OK);
    ck_assert_int_eq(res.end, SUBPROC_SIGNALED);
    ck_assert(res.status == SIGXCPU || res.status == SIGKILL);
    free(res.out);
}
END_TEST

START_TEST(pdfchild_request_round_trip)
{
    static const unsigned char file[] = "%PDF-1.4 not really";
    static const char pages[] = "[{\"words\":[]}]";
    struct api_pdfchild_req q = {.max_pages = 7,
                                 .page = 3,
                                 .max_page_pixels = 123456789,
                                 .memory_bytes = 1u << 30,
                                 .file = file,
                                 .file_len = sizeof file - 1,
                                 .pages = pages,
                                 .pages_len = sizeof pages - 1},
                            back;
    char *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(api_pdfchild_pack(&q, &buf, &len), DP_OK);
    ck_assert_int_eq(api_pdfchild_parse(buf, len, &back), DP_OK);
    ck_assert_uint_eq(back.max_pages, 7);
    ck_assert_uint_eq(back.page, 3);
    ck_assert_uint_eq(back.max_page_pixels, 123456789);
    ck_assert_uint_eq(back.memory_bytes, 1u << 30);
    ck_assert_uint_eq(back.file_len, q.file_len);
    ck_assert_int_eq(memcmp(back.file, file, q.file_len), 0);
    ck_assert_uint_eq(back.pages_len, q.pages_len);
    ck_assert_int_eq(memcmp(back.pages, pages, q.pages_len), 0);
    /* cut anywhere, one byte more, another magic: refused */
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_int_eq(api_pdfchild_parse(buf, cut, &back), DP_EPARSE);
    char *more = malloc(len + 1);
    memcpy(more, buf, len);
    more[len] = 'x';
    ck_assert_int_eq(api_pdfchild_parse(more, len + 1, &back), DP_EPARSE);
    more[0] = 'X';
    ck_assert_int_eq(api_pdfchild_parse(more, len, &back), DP_EPARSE);
    /* lengths that overflow */
    memcpy(more, buf, len);
    uint64_t huge = UINT64_MAX - 3;
    memcpy(more + 40, &huge, 8);
    ck_assert_int_eq(api_pdfchild_parse(more, len, &back), DP_EPARSE);
    free(more);
    free(buf);
}
END_TEST

Suite *subproc_suite(void)
{
    Suite *s = suite_create("subproc");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, feeds_stdin_and_keeps_stdout);
    tcase_add_test(tc, deadline_output_cap_and_cancel);
    tcase_add_test(tc, pdfchild_request_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
