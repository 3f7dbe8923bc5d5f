/* check_e2e_reviewdesk.c -- the dashboard's review desk and batch upload in Chromium
 * (tests/browser/review.test.js through playwright-core): drop generated invoices as one batch
 * (a progress bar per file, the batch followed until completed), review each on the desk by
 * clicking and dragging over word boxes to fill a custom field po_number, confirm with the
 * keyboard, train, and see a new upload's po_number filled by the model. Screenshots of the
 * desk go to <DOCPROC_BIN_DIR>/artefacts/. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "e2e_webhooks_util.h"
#include "fixtures.h"
#include "harness_browser.h"
#include "harness.h"
#include "testutil.h"

#define BROWSER_CAP_MS 330000 /* the Node script caps itself at 300 s; this is the backstop */
#define NTRAIN         6
#define NLINES         8

static struct stack st;

static void setup(void)
{
    struct stack_opts o = {.acl = 1, .n_api = 1, .workers = 1, .webhookd = 1};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

/* Writes a small invoice with order reference po to path. */
static void invoice_file(const char *path, int i, const char *po)
{
    char l[NLINES][80];
    snprintf(l[0], sizeof l[0], "NORDWIND SUPPLIES GMBH");
    snprintf(l[1], sizeof l[1], "Hafenstrasse %d, 20457 Hamburg", 10 + i);
    snprintf(l[2], sizeof l[2], "Invoice No INV-%04d", 3100 + 17 * i);
    snprintf(l[3], sizeof l[3], "Date %02d/03/2024", 1 + i);
    snprintf(l[4], sizeof l[4], "Customer C-%05d", 40000 + 311 * i);
    snprintf(l[5], sizeof l[5], "Order ref %s", po);
    snprintf(l[6], sizeof l[6], "Widgets %d x 3.00", 2 + i);
    snprintf(l[7], sizeof l[7], "Total %d.00 EUR", 3 * (2 + i));
    const char *lines[NLINES];
    for (int k = 0; k < NLINES; k++)
        lines[k] = l[k];
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, NLINES, &png, &len), DP_OK);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(png, 1, len, f), len);
    fclose(f);
    free(png);
}

/* Appends s to buf (comma-separated). */
static void join(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%s%s", n ? "," : "", s);
}

START_TEST(review_train_batch_in_chromium)
{
    ck_assert_msg(access(CHROMIUM, X_OK) == 0, "%s is missing: make deps installs chromium",
                  CHROMIUM);
    const char *src = getenv("DOCPROC_SRC_DIR");
    src = src && *src ? src : ".";
    ck_assert_msg(browser_setup(src, st.dir) == 0,
                  "npm ci in tests/browser failed: see %s/npm-setup.log", st.dir);

    char files[4096] = "", pos[512] = "", path[1024], po[16], fresh[512], art[600];
    for (int i = 0; i < NTRAIN; i++) {
        snprintf(po, sizeof po, "PO-%04d", 4471 + 523 * i);
        snprintf(path, sizeof path, "%s/invoice-%d.png", st.dir, i + 1);
        invoice_file(path, i, po);
        join(files, sizeof files, path);
        join(pos, sizeof pos, po);
    }
    snprintf(fresh, sizeof fresh, "%s/new-invoice.png", st.dir);
    invoice_file(fresh, 9, "PO-9876");
    /* a two-page PDF with a text layer: each page shown as its image under its word boxes */
    char pdf[512];
    static const char *const p1[] = {"Delivery note DN-1001", "Receiver Harbour Logistics"};
    static const char *const p2[] = {"Second page", "Signature Marlene Vogt"};
    const char *const *pages[] = {p1, p2};
    const size_t nl[] = {2, 2};
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_pdf_text(pages, nl, 2, &buf, &len), DP_OK);
    snprintf(pdf, sizeof pdf, "%s/delivery.pdf", st.dir);
    FILE *f = fopen(pdf, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
    fclose(f);
    free(buf);
    snprintf(art, sizeof art, "%s/artefacts", st.bin);
    ck_assert_msg(mkdir(art, 0755) == 0 || errno == EEXIST, "cannot make %s", art);

    char script[1024], log[512];
    snprintf(script, sizeof script, "%s/tests/browser/review.test.js", src);
    snprintf(log, sizeof log, "%s/browser-review.log", st.dir);
    char *argv[] = {"node",  script,  "--base", st.base,   "--key", st.key,       "--files",
                    files,   "--pos", pos,      "--fresh", fresh,   "--fresh-po", (char *)"PO-9876",
                    "--pdf", pdf,     "--out",  art,       NULL};
    pid_t pid = wht_spawn(argv, log);
    ck_assert_int_gt(pid, 0);
    int status = 0, waited = 0;
    pid_t got = 0;
    while ((got = waitpid(pid, &status, WNOHANG)) == 0 && waited < BROWSER_CAP_MS) {
        wht_sleep_ms(100);
        waited += 100;
    }
    if (got == 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    int ok = got == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok || getenv("DOCPROC_TEST_VERBOSE"))
        log_tail(log);
    ck_assert_msg(got == pid, "the browser test ran over %d ms", BROWSER_CAP_MS);
    ck_assert_msg(ok, "the browser test failed (exit %d): see %s and %s/review-*.png",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1, log, art);
    const char *shots[] = {"review-desk.png", "review-model.png", "review-batch.png",
                           "review-pdf.png"};
    for (size_t k = 0; k < sizeof shots / sizeof *shots; k++) {
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", art, shots[k]);
        ck_assert_msg(stat(path, &sb) == 0 && sb.st_size > 10000, "no screenshot at %s", path);
        fprintf(stderr, "review desk screenshot: %s\n", path);
    }
}
END_TEST

Suite *e2e_reviewdesk_suite(void)
{
    Suite *s = suite_create("e2e_reviewdesk");
    TCase *tc = tcase_create("stack");
    tcase_set_timeout(tc, 420);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, review_train_batch_in_chromium);
    suite_add_tcase(s, tc);
    return s;
}
