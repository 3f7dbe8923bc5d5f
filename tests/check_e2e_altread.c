/* check_e2e_altread.c -- the second reading through the real stack: a faded, speckled receipt
 * with a smeared date and total is read twice and carries the lines where the readings differ
 * (pages[].alt_lines), and its date and total come out right, from the alternate where the
 * first reading broke them; a clean page is read once; a receipt photographed turned comes
 * out upright. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "fixtures_layout.h"
#include "harness.h"
#include "testutil.h"

static struct stack st;

static void setup(void)
{
    struct stack_opts o = {.acl = 1, .workers = 1};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static cJSON *read_doc(const unsigned char *buf, size_t len)
{
    char why[256];
    cJSON *d = stack_read_done(&st, st.key, buf, len, "pipeline=ocr,extract&dedup=false", 180000,
                               NULL, why, sizeof why);
    ck_assert_msg(d, "%s", why);
    return d;
}

#define RECEIPT_DPI 100
#define LINE_PT     16.0
#define TOP_PT      50.0

static const char *const receipt[] = {"KEDAI RUNCIT MAJU SDN BHD",
                                      "NO 12 JALAN BESAR",
                                      "81100 JOHOR BAHRU",
                                      "TEL 07-3507405",
                                      "RECEIPT NO 0042",
                                      "DATE: 25/12/2018  10:42",
                                      "MILK 1L            4.20",
                                      "BREAD              3.10",
                                      "EGGS 10            5.90",
                                      "TOTAL RM          13.20",
                                      "CASH              20.00",
                                      "CHANGE             6.80",
                                      "THANK YOU",
                                      "PLEASE COME AGAIN"};
#define NLINES     (sizeof receipt / sizeof *receipt)
#define DATE_LINE  5
#define TOTAL_LINE 9

/* A receipt as a cheap scanner sees it: a strip of a 100 dpi page, the print faded to 45 %,
 * speckled (+-45 grey levels, a fixed sequence), the date and total lines smeared (3x3). */
static void faded_receipt(unsigned char **png, size_t *len)
{
    struct fx_item it[NLINES];
    for (size_t i = 0; i < NLINES; i++)
        it[i] = (struct fx_item){FX_TEXT, 30, TOP_PT + LINE_PT * (double)i, 0, 0, 10, receipt[i]};
    PIX *page = NULL;
    ck_assert_int_eq(fixture_layout_pix(it, NLINES, RECEIPT_DPI, &page), DP_OK);
    BOX *box = boxCreate(20 * RECEIPT_DPI / 72, 30 * RECEIPT_DPI / 72, 200 * RECEIPT_DPI / 72,
                         270 * RECEIPT_DPI / 72);
    PIX *strip = pixClipRectangle(page, box, NULL);
    ck_assert_ptr_nonnull(strip);
    int w = (int)pixGetWidth(strip), h = (int)pixGetHeight(strip);
    unsigned long seed = 7;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            l_uint32 v;
            pixGetPixel(strip, x, y, &v);
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            int nv = 255 - (int)((255 - (int)v) * 0.45) + (int)((seed >> 33) % 91) - 45;
            pixSetPixel(strip, x, y, nv < 0 ? 0 : nv > 255 ? 255 : (l_uint32)nv);
        }
    for (int k = 0; k < 2; k++) {
        double base = TOP_PT + LINE_PT * (k ? TOTAL_LINE : DATE_LINE);
        int y0 = (int)((base - 30 - 10) * RECEIPT_DPI / 72), hh = (int)(14.0 * RECEIPT_DPI / 72);
        BOX *b = boxCreate(0, y0, w, hh);
        PIX *clip = pixClipRectangle(strip, b, NULL);
        PIX *smear = pixBlockconvGray(clip, NULL, 1, 1);
        ck_assert_ptr_nonnull(smear);
        pixRasterop(strip, 0, y0, w, hh, PIX_SRC, smear, 0, 0);
        pixDestroy(&clip);
        pixDestroy(&smear);
        boxDestroy(&b);
    }
    ck_assert_int_eq(fixture_encode(strip, IFF_PNG, png, len), DP_OK);
    pixDestroy(&strip);
    boxDestroy(&box);
    pixDestroy(&page);
}

/* The field named name of d, or NULL. */
static const cJSON *field(const cJSON *d, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(d, "fields"))
    {
        if (strcmp(json_str(f, "name"), name) == 0)
            return f;
    }
    return NULL;
}

START_TEST(receipt_keeps_its_second_reading)
{
    unsigned char *png;
    size_t len;
    faded_receipt(&png, &len);
    cJSON *d = read_doc(png, len);
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0), *a, *wd;
    ck_assert_int_eq((int)json_num(p, "psm"), 6);
    ck_assert(
        cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "quality"), "second_reading")));
    /* the alternates: lines of the page (or -1), inside it, and the total among them */
    int maxline = -1, total_alt = 0;
    cJSON_ArrayForEach(wd, cJSON_GetObjectItem(p, "words"))
    {
        maxline = (int)json_num(wd, "line") > maxline ? (int)json_num(wd, "line") : maxline;
    }
    const cJSON *alts = cJSON_GetObjectItem(p, "alt_lines");
    ck_assert_int_gt(cJSON_GetArraySize(alts), 0);
    cJSON_ArrayForEach(a, alts)
    {
        int line = (int)json_num(a, "line");
        const cJSON *b = cJSON_GetObjectItem(a, "bbox");
        ck_assert(line >= -1 && line <= maxline);
        ck_assert_int_ge(cJSON_GetArrayItem(b, 0)->valueint, 0);
        ck_assert_int_le(cJSON_GetArrayItem(b, 1)->valueint + cJSON_GetArrayItem(b, 3)->valueint,
                         (int)json_num(p, "height") + 2);
        ck_assert(json_num(a, "conf") >= 0 && json_num(a, "conf") <= 1);
        total_alt |= strstr(json_str(a, "text"), "13.20") != NULL;
        /* the second reading's lines (2), or the line look's (3): a top line (the company's)
         * or the date line, each a line of the first reading */
        int reading = (int)json_num(a, "reading");
        ck_assert_msg(reading == 2 || reading == 3, "alt_lines[].reading %d", reading);
        if (reading == 3) {
            char lt[512] = "";
            size_t k = 0;
            cJSON_ArrayForEach(wd, cJSON_GetObjectItem(p, "words"))
            {
                if ((int)json_num(wd, "line") == line && k < sizeof lt)
                    k += (size_t)snprintf(lt + k, sizeof lt - k, "%s ", json_str(wd, "text"));
            }
            ck_assert_msg(line >= 0 && (line < 3 || strstr(lt, "/12/") || strstr(lt, "2018")),
                          "line look on line %d (%s): %s", line, lt, json_str(a, "text"));
        }
    }
    const char *text = json_str(d, "text");
    /* the smeared total is read right in one of the two readings, and extracted */
    ck_assert_msg(total_alt || strstr(text, "13.20"), "13.20 in neither reading:\n%s", text);
    const cJSON *total = field(d, "total"), *date = field(d, "date");
    ck_assert_ptr_nonnull(total);
    char *alt = cJSON_PrintUnformatted(alts);
    ck_assert_msg(strcmp(json_str(total, "value.amount"), "13.20") == 0,
                  "total %s from \"%s\"; text:\n%s\nalternates: %s",
                  json_str(total, "value.amount"), json_str(total, "text"), text, alt);
    free(alt);
    /* where the first reading broke it, the field says it came from the alternate */
    if (!strstr(text, "13.20"))
        ck_assert_str_eq(json_str(total, "reading"), "alternate");
    ck_assert_ptr_nonnull(date);
    ck_assert_str_eq(json_str(date, "value"), "2018-12-25");
    cJSON_Delete(d);
    free(png);
}
END_TEST

/* The receipt as a phone photographs it, turned by quads quarter turns clockwise: 150 dpi,
 * the print at 70 %, lightly speckled (+-20). Turned, one block reads it as garbage. */
static void turned_receipt(int quads, unsigned char **png, size_t *len)
{
    struct fx_item it[NLINES];
    for (size_t i = 0; i < NLINES; i++)
        it[i] = (struct fx_item){FX_TEXT, 30, TOP_PT + LINE_PT * (double)i, 0, 0, 10, receipt[i]};
    PIX *page = NULL;
    ck_assert_int_eq(fixture_layout_pix(it, NLINES, 150, &page), DP_OK);
    BOX *box = boxCreate(20 * 150 / 72, 30 * 150 / 72, 200 * 150 / 72, 270 * 150 / 72);
    PIX *strip = pixClipRectangle(page, box, NULL);
    ck_assert_ptr_nonnull(strip);
    int w = (int)pixGetWidth(strip), h = (int)pixGetHeight(strip);
    unsigned long seed = 11;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            l_uint32 v;
            pixGetPixel(strip, x, y, &v);
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            int nv = 255 - (int)((255 - (int)v) * 0.7) + (int)((seed >> 33) % 41) - 20;
            pixSetPixel(strip, x, y, nv < 0 ? 0 : nv > 255 ? 255 : (l_uint32)nv);
        }
    PIX *turned = pixRotateOrth(strip, quads);
    ck_assert_ptr_nonnull(turned);
    ck_assert_int_eq(fixture_encode(turned, IFF_PNG, png, len), DP_OK);
    pixDestroy(&turned);
    pixDestroy(&strip);
    boxDestroy(&box);
    pixDestroy(&page);
}

/* A receipt photographed upside down or sideways comes out upright: the first reading is
 * garbage, a strip read turned says which way (common/turn.h), the page is read again turned. */
START_TEST(turned_receipt_is_read_upright)
{
    static const int quads[] = {2, 1, 3}, rotation[] = {180, 270, 90};
    for (size_t i = 0; i < sizeof quads / sizeof *quads; i++) {
        unsigned char *png;
        size_t len;
        turned_receipt(quads[i], &png, &len);
        cJSON *d = read_doc(png, len);
        const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0);
        const char *text = json_str(d, "text");
        ck_assert_msg((int)json_num(p, "rotation") == rotation[i], "turned %d: rotation %d:\n%s",
                      90 * quads[i], (int)json_num(p, "rotation"), text);
        ck_assert_msg(strstr(text, "JOHOR BAHRU") && strstr(text, "TOTAL"), "turned %d:\n%s",
                      90 * quads[i], text);
        cJSON_Delete(d);
        free(png);
    }
}
END_TEST

START_TEST(clean_page_is_read_once)
{
    static const char *const letter[] = {
        "Dear customer, thank you for your letter of the fourth of March about the delivery.",
        "We have looked into the matter and found that the parcel left our warehouse late.",
        "Please accept our apologies; the next delivery will be free of charge for you."};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(letter, 3, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len);
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0);
    ck_assert(
        cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "quality"), "second_reading")));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(p, "alt_lines")), 0);
    ck_assert(strstr(json_str(d, "text"), "parcel left our warehouse") != NULL);
    cJSON_Delete(d);
    free(png);
}
END_TEST

Suite *e2e_altread_suite(void)
{
    Suite *s = suite_create("e2e_altread");
    TCase *tc = tcase_create("altread");
    tcase_set_timeout(tc, 400);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, receipt_keeps_its_second_reading);
    tcase_add_test(tc, clean_page_is_read_once);
    tcase_add_test(tc, turned_receipt_is_read_upright);
    suite_add_tcase(s, tc);
    return s;
}
