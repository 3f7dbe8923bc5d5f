/* check_e2e_badinputs.c -- a corpus of broken files, made here from good ones (every format,
 * cut at several lengths, bytes flipped, headers lying about sizes, empty and foreign files):
 * each upload is either refused with a 4xx and a JSON error, or accepted and then ends `failed`
 * with a reason or `done` -- never lost, never stuck -- and the worker still reads a good page
 * afterwards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "harness.h"
#include "testutil.h"

#define MAX_FILES 96

struct file {
    unsigned char *buf;
    size_t len;
    char what[48];
};

static void add(struct file *f, int *n, const unsigned char *buf, size_t len, const char *what)
{
    if (*n >= MAX_FILES)
        return;
    f[*n].buf = malloc(len ? len : 1);
    memcpy(f[*n].buf, buf, len);
    f[*n].len = len;
    snprintf(f[*n].what, sizeof f[*n].what, "%s", what);
    (*n)++;
}

/* Variants of one good file: cut at 1/8 .. 7/8 of its length, and bytes flipped at spread
 * positions (past the first 16, so the type is still recognised). */
static void variants(struct file *f, int *n, const unsigned char *good, size_t len,
                     const char *name)
{
    char what[48];
    for (int k = 1; k <= 7; k += 2) {
        snprintf(what, sizeof what, "%s cut at %d/8", name, k);
        add(f, n, good, len * (size_t)k / 8, what);
    }
    unsigned char *x = malloc(len);
    for (int k = 0; k < 4; k++) {
        memcpy(x, good, len);
        for (size_t i = 16 + (size_t)k * 7; i < len; i += len / 29 + 1)
            x[i] ^= (unsigned char)(0x5a + k);
        snprintf(what, sizeof what, "%s flipped %d", name, k);
        add(f, n, x, len, what);
    }
    free(x);
}

START_TEST(every_bad_file_is_refused_or_ends_with_a_reason)
{
    struct stack s;
    static const char *const env[] = {"DOCPROC_PAGE_TIMEOUT_MS=20000", NULL};
    struct stack_opts o = {.workers = 1, .env = env};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    static struct file f[MAX_FILES];
    int n = 0;
    const char *lines[] = {"Broken on purpose", "Total 12.00 EUR"};
    const char *const *pages[] = {lines};
    const size_t nl[] = {2};
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 2, &buf, &len), DP_OK);
    variants(f, &n, buf, len, "png");
    /* a PNG header claiming 100000 x 100000 pixels */
    if (len > 24) {
        buf[16] = 0, buf[17] = 1, buf[18] = 0x86, buf[19] = 0xa0;
        buf[20] = 0, buf[21] = 1, buf[22] = 0x86, buf[23] = 0xa0;
        add(f, &n, buf, len, "png huge header");
    }
    free(buf);
    ck_assert_int_eq(fixture_jpeg(lines, 2, &buf, &len), DP_OK);
    variants(f, &n, buf, len, "jpeg");
    free(buf);
    ck_assert_int_eq(fixture_tiff(lines, 2, &buf, &len), DP_OK);
    variants(f, &n, buf, len, "tiff");
    free(buf);
    ck_assert_int_eq(fixture_pdf_text(pages, nl, 1, &buf, &len), DP_OK);
    variants(f, &n, buf, len, "pdf");
    free(buf);
    ck_assert_int_eq(fixture_pdf_scanned(pages, nl, 1, &buf, &len), DP_OK);
    variants(f, &n, buf, len, "scanned pdf");
    free(buf);
    static const unsigned char png_magic[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    add(f, &n, png_magic, sizeof png_magic, "png magic only");
    add(f, &n, (const unsigned char *)"%PDF-1.7\n%%EOF\n", 15, "pdf with nothing");
    add(f, &n, (const unsigned char *)"hello, not a document", 21, "text");
    add(f, &n, (const unsigned char *)"<?xml version=\"1.0\"?><a/>", 25, "foreign xml");
    add(f, &n, (const unsigned char *)"", 0, "empty");

    static char ids[MAX_FILES][64];
    int refused = 0, accepted = 0, failed = 0, done = 0;
    for (int i = 0; i < n; i++) {
        char url[256];
        snprintf(url, sizeof url, "%s/v1/documents?dedup=false", s.base);
        const char *hdr[] = {"Content-Type: application/octet-stream", NULL};
        struct http_resp r;
        ck_assert_int_eq(http_req("POST", url, s.key, hdr, f[i].buf, f[i].len, &r), 0);
        cJSON *j = http_json(&r);
        ids[i][0] = '\0';
        if (r.status == 202 || r.status == 200) {
            snprintf(ids[i], 64, "%s", json_str(j, "id"));
            accepted++;
        } else {
            ck_assert_msg(r.status >= 400 && r.status < 500, "%s: HTTP %ld", f[i].what, r.status);
            ck_assert_msg(*json_str(j, "error.code"), "%s: %ld without an error code", f[i].what,
                          r.status);
            refused++;
        }
        cJSON_Delete(j);
        http_resp_free(&r);
    }
    for (int i = 0; i < n; i++) {
        if (!ids[i][0])
            continue;
        cJSON *d = stack_wait_doc(&s, s.key, ids[i], 120000);
        ck_assert_msg(d != NULL, "%s (%s) never ended", f[i].what, ids[i]);
        const char *st = json_str(d, "status");
        if (strcmp(st, "failed") == 0) {
            ck_assert_msg(*json_str(d, "error.code"), "%s failed without a reason", f[i].what);
            failed++;
        } else {
            ck_assert_msg(strcmp(st, "done") == 0, "%s: %s", f[i].what, st);
            done++;
        }
        cJSON_Delete(d);
    }
    /* and the worker still reads */
    char id[64];
    ck_assert_int_eq(fixture_png(lines, 2, &buf, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&s, s.key, buf, len, "dedup=false", id), 202);
    cJSON *d = stack_wait_doc(&s, s.key, id, 120000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    cJSON_Delete(d);
    free(buf);
    fprintf(stderr,
            "badinputs: %d files: %d refused (4xx), %d accepted: %d failed with a reason, %d "
            "done (read what was there)\n",
            n, refused, accepted, failed, done);
    ck_assert_int_eq(refused + failed + done, n);
    for (int i = 0; i < n; i++)
        free(f[i].buf);
    stack_stop(&s);
}
END_TEST

Suite *e2e_badinputs_suite(void)
{
    Suite *s = suite_create("e2e_badinputs");
    TCase *tc = tcase_create("badinputs");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, every_bad_file_is_refused_or_ends_with_a_reason);
    suite_add_tcase(s, tc);
    return s;
}
