/* check_sandbox.c -- the decode child's pipe frames: whole, partial, back to back, refused. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "../workers/worker.h"

static size_t frame(unsigned char *out, int type, const void *body, uint32_t len)
{
    out[0] = (unsigned char)type;
    memcpy(out + 1, &len, 4);
    if (len)
        memcpy(out + SANDBOX_FRAME_HDR, body, len);
    return SANDBOX_FRAME_HDR + len;
}

START_TEST(frames)
{
    unsigned char buf[64];
    struct sandbox_frame f;
    size_t used = 0;
    uint32_t seven = 7;
    size_t a = frame(buf, SANDBOX_NPAGES, &seven, 4);
    size_t b = frame(buf + a, SANDBOX_FAIL, "\0\0\0\0too_large\0why\0", 18);
    /* every proper prefix of the first frame asks for more */
    for (size_t n = 0; n < a; n++)
        ck_assert_int_eq(sandbox_frame_next(buf, n, &f, &used), 0);
    ck_assert_int_eq(sandbox_frame_next(buf, a + b, &f, &used), 1);
    ck_assert_int_eq(f.type, SANDBOX_NPAGES);
    ck_assert_uint_eq(f.len, 4);
    ck_assert_uint_eq(used, a);
    ck_assert_ptr_eq(f.body, buf + SANDBOX_FRAME_HDR);
    ck_assert_int_eq(sandbox_frame_next(buf + used, b - 1, &f, &used), 0);
    ck_assert_int_eq(sandbox_frame_next(buf + a, b, &f, &used), 1);
    ck_assert_int_eq(f.type, SANDBOX_FAIL);
    ck_assert_uint_eq(f.len, 18);
    ck_assert_str_eq((const char *)f.body + 4, "too_large");
    ck_assert_uint_eq(used, b);
    /* an empty body is a whole frame */
    ck_assert_int_eq(sandbox_frame_next(buf, frame(buf, SANDBOX_END, NULL, 0), &f, &used), 1);
    ck_assert_uint_eq(f.len, 0);
}
END_TEST

START_TEST(refused)
{
    unsigned char buf[16];
    struct sandbox_frame f;
    size_t used = 0;
    frame(buf, 'X', NULL, 0);
    ck_assert_int_eq(sandbox_frame_next(buf, 1, &f, &used), -1); /* judged on its first byte */
    frame(buf, SANDBOX_PAGE, NULL, 0);
    uint32_t big = SANDBOX_FRAME_MAX + 1;
    memcpy(buf + 1, &big, 4);
    ck_assert_int_eq(sandbox_frame_next(buf, SANDBOX_FRAME_HDR, &f, &used), -1);
    big = SANDBOX_FRAME_MAX; /* the largest allowed body just needs more bytes */
    memcpy(buf + 1, &big, 4);
    ck_assert_int_eq(sandbox_frame_next(buf, SANDBOX_FRAME_HDR, &f, &used), 0);
}
END_TEST

Suite *sandbox_suite(void)
{
    Suite *s = suite_create("sandbox");
    TCase *tc = tcase_create("frames");
    tcase_add_test(tc, frames);
    tcase_add_test(tc, refused);
    suite_add_tcase(s, tc);
    return s;
}
