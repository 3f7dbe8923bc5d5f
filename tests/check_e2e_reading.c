/* check_e2e_reading.c -- how pages are read, through the real stack: a narrow receipt in one
 * block (and the psm option that overrides the choice), a blurred line read a second time, a
 * JPEG with a corrupt tail read as far as it goes, a German page detected and read with the
 * German pack (lang=auto), the tenant's next document read with that pack from the start (the
 * language hint), a Cyrillic page no installed pack reads told apart (OSD script), the words
 * of a low-resolution form in ruled cells read (the rules taken out first), check boxes read
 * apart from their labels, the rules of a crooked form taken out, a number printed up the
 * margin read turned. */
#include <ctype.h>
#include <hiredis.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "fixtures_layout.h"
#include "harness.h"
#include "keys.h"
#include "testutil.h"

#define TURN_DEG 2.0 /* a crooked scan: degrees */

static struct stack st;

static void setup(void)
{
    struct stack_opts o = {.acl = 1, .workers = 2};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static cJSON *read_doc_as(const char *key, const void *buf, size_t len, const char *query)
{
    char why[256];
    cJSON *d = stack_read_done(&st, key, buf, len, query, 120000, NULL, why, sizeof why);
    ck_assert_msg(d, "%s", why);
    return d;
}

static cJSON *read_doc(const void *buf, size_t len, const char *query)
{
    return read_doc_as(st.key, buf, len, query);
}

static const cJSON *page0(const cJSON *d)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(d, "pages"), 0);
}

/* PNG of pix (borrowed). */
static void encode_png(PIX *pix, unsigned char **buf, size_t *len)
{
    ck_assert_int_eq(fixture_encode(pix, IFF_PNG, buf, len), DP_OK);
}

START_TEST(narrow_receipt_is_one_block)
{
    static const char *const slip[] = {
        "CORNER SHOP SDN BHD", "12 JALAN BESAR",     "TEL 03-1234567",    "RECEIPT 0042",
        "MILK 1L      4.20",   "BREAD         3.10", "EGGS 10      5.90", "TOTAL       13.20",
        "CASH        20.00",   "CHANGE       6.80",  "THANK YOU",         "PLEASE COME AGAIN",
    };
    PIX *page = NULL;
    ck_assert_int_eq(fixture_render_page(slip, 12, 12, 300, &page), DP_OK);
    /* a receipt: the strip of paper the text is on, three times as tall as wide */
    BOX *box = boxCreate(200, 200, 900, 2700);
    PIX *strip = pixClipRectangle(page, box, NULL);
    unsigned char *png;
    size_t len;
    encode_png(strip, &png, &len);
    cJSON *d = read_doc(png, len, "pipeline=ocr");
    ck_assert_int_eq((int)json_num(page0(d), "psm"), 6);
    ck_assert(strstr(json_str(d, "text"), "TOTAL") != NULL);
    ck_assert(strstr(json_str(d, "text"), "13.20") != NULL);
    /* boxes in the pixels of the image as sent */
    ck_assert_int_eq((int)json_num(page0(d), "width"), 900);
    cJSON_Delete(d);
    /* the option overrides the page's choice */
    d = read_doc(png, len, "pipeline=ocr&psm=3");
    ck_assert_int_eq((int)json_num(page0(d), "psm"), 3);
    ck_assert_int_eq((int)json_num(d, "options.psm"), 3);
    cJSON_Delete(d);
    /* a mode that reads nothing is refused at upload */
    char id[64];
    ck_assert_int_eq(stack_upload(&st, st.key, png, len, "psm=2", id), 400);
    /* a full letter page with long lines: layout analysis */
    static const char *const letter[] = {
        "Dear customer, thank you for your letter of the fourth of March about the delivery.",
        "We have looked into the matter and found that the parcel left our warehouse late.",
        "Please accept our apologies; the next delivery will be free of charge for you."};
    PIX *lp = NULL;
    ck_assert_int_eq(fixture_render_page(letter, 3, 10, 300, &lp), DP_OK);
    free(png);
    encode_png(lp, &png, &len);
    d = read_doc(png, len, "pipeline=ocr");
    ck_assert_int_eq((int)json_num(page0(d), "psm"), 3);
    cJSON_Delete(d);
    free(png);
    pixDestroy(&lp);
    boxDestroy(&box);
    pixDestroy(&strip);
    pixDestroy(&page);
}
END_TEST

/* Blurs the rows of pix's text line `which` (0-based, found from the ink) hard, then darkens
 * it again: a smeared line Tesseract reads, badly. Returns the line's middle row. */
static int blur_line(PIX *pix, int which)
{
    PIX *bin = pixConvertTo1(pix, 128);
    NUMA *rows = pixCountPixelsByRow(bin, NULL);
    int y0 = -1, y1 = -1, line = -1, in = 0;
    for (int y = 0; y < (int)pixGetHeight(pix) && y1 < 0; y++) {
        l_float32 v = 0;
        numaGetFValue(rows, y, &v);
        if (v > 0 && !in) {
            in = 1;
            if (++line == which)
                y0 = y;
        } else if (v == 0 && in) {
            in = 0;
            if (line == which)
                y1 = y;
        }
    }
    numaDestroy(&rows);
    pixDestroy(&bin);
    ck_assert_int_ge(y0, 0);
    ck_assert_int_gt(y1, y0);
    BOX *box = boxCreate(0, y0 - 12, (int)pixGetWidth(pix), y1 - y0 + 24);
    PIX *clip = pixClipRectangle(pix, box, NULL);
    PIX *blur = pixBlockconvGray(clip, NULL, 7, 7);
    for (int y = 0; y < (int)pixGetHeight(blur); y++)
        for (int x = 0; x < (int)pixGetWidth(blur); x++) {
            l_uint32 v;
            pixGetPixel(blur, x, y, &v);
            double dark = (255.0 - v) * 1.5;
            pixSetPixel(blur, x, y, dark > 255 ? 0 : 255 - (l_uint32)dark);
        }
    pixRasterop(pix, 0, y0 - 12, (int)pixGetWidth(blur), (int)pixGetHeight(blur), PIX_SRC, blur, 0,
                0);
    boxDestroy(&box);
    pixDestroy(&clip);
    pixDestroy(&blur);
    return (y0 + y1) / 2;
}

START_TEST(blurred_line_is_reread)
{
    static const char *const lines[] = {
        "Delivery note 2231 for the north warehouse",
        "Twelve boxes of paper were received in good order",
        "The driver arrived at nine and left at ten",
        "Signed by the clerk on duty that morning",
        "Please keep this note with the invoice",
    };
    PIX *pix = NULL;
    ck_assert_int_eq(fixture_render_page(lines, 5, 12, 300, &pix), DP_OK);
    int mid = blur_line(pix, 2);
    unsigned char *png;
    size_t len;
    encode_png(pix, &png, &len);
    cJSON *d = read_doc(png, len, "pipeline=ocr");
    const cJSON *p = page0(d), *w;
    /* the line the blurred row belongs to */
    int blurred = -1;
    cJSON_ArrayForEach(w, cJSON_GetObjectItem(p, "words"))
    {
        const cJSON *b = cJSON_GetObjectItem(w, "bbox");
        int y = cJSON_GetArrayItem(b, 1)->valueint, h = cJSON_GetArrayItem(b, 3)->valueint;
        if (y <= mid && mid <= y + h)
            blurred = (int)json_num(w, "line");
    }
    ck_assert_int_ge(blurred, 0);
    const cJSON *re = cJSON_GetObjectItem(cJSON_GetObjectItem(p, "quality"), "reread_lines");
    ck_assert(cJSON_IsArray(re));
    int found = 0, n = cJSON_GetArraySize(re);
    cJSON_ArrayForEach(w, re)
    {
        found |= w->valueint == blurred;
    }
    ck_assert_msg(found, "line %d (blurred) is not among the %d re-read lines", blurred, n);
    /* the clean lines were left alone, and read */
    ck_assert_int_lt(n, 3);
    ck_assert(strstr(json_str(d, "text"), "Twelve boxes of paper") != NULL);
    ck_assert(strstr(json_str(d, "text"), "Signed by the clerk") != NULL);
    ck_assert(json_num(p, "quality.mean_confidence_before") > 0);
    cJSON_Delete(d);
    /* a clean page re-reads nothing */
    PIX *clean = NULL;
    ck_assert_int_eq(fixture_render_page(lines, 5, 12, 300, &clean), DP_OK);
    free(png);
    encode_png(clean, &png, &len);
    d = read_doc(png, len, "pipeline=ocr");
    re = cJSON_GetObjectItem(cJSON_GetObjectItem(page0(d), "quality"), "reread_lines");
    ck_assert_int_eq(cJSON_GetArraySize(re), 0);
    cJSON_Delete(d);
    free(png);
    pixDestroy(&clean);
    pixDestroy(&pix);
}
END_TEST

START_TEST(corrupt_tail_jpeg_is_read)
{
    const char *const lines[] = {"Receipt from the corner shop", "Total due 13.20",
                                 "Thank you for shopping with us"};
    unsigned char *jpg;
    size_t len;
    ck_assert_int_eq(fixture_jpeg(lines, 3, &jpg, &len), DP_OK);
    /* the tail is lost: cut at 60% and closed with an end-of-image marker */
    size_t cut = len * 6 / 10;
    unsigned char *bad = malloc(cut + 2);
    ck_assert_ptr_nonnull(bad);
    memcpy(bad, jpg, cut);
    bad[cut] = 0xff;
    bad[cut + 1] = 0xd9;
    cJSON *d = read_doc(bad, cut + 2, "pipeline=ocr");
    free(bad);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(page0(d), "damaged")));
    ck_assert(strstr(json_str(d, "text"), "corner shop") != NULL);
    cJSON_Delete(d);
    /* the whole file is not damaged */
    d = read_doc(jpg, len, "pipeline=ocr");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(page0(d), "damaged")));
    cJSON_Delete(d);
    free(jpg);
}
END_TEST

START_TEST(language_is_detected)
{
    /* German without umlauts (the bitmap font is ASCII) */
    const char *const de[] = {"Rechnung Nr. 4711 vom 5. Maerz 2024",
                              "Vielen Dank fuer Ihren Auftrag. Wir berechnen die Lieferung",
                              "der Ware wie folgt. Bitte zahlen Sie den Betrag innerhalb",
                              "von 14 Tagen auf das unten genannte Konto. Die Preise sind",
                              "netto und verstehen sich zuzueglich der gesetzlichen Steuer."};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(de, 5, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len, "pipeline=ocr");
    ck_assert_str_eq(json_str(d, "language"), "deu");
    ck_assert_str_eq(json_str(page0(d), "lang"), "deu+eng");
    ck_assert(strstr(json_str(d, "text"), "Rechnung") != NULL);
    cJSON_Delete(d);
    /* an explicit lang is used as given, nothing detected */
    d = read_doc(png, len, "pipeline=ocr&lang=eng");
    ck_assert_str_eq(json_str(page0(d), "lang"), "eng");
    ck_assert_ptr_null(cJSON_GetObjectItem(d, "language"));
    cJSON_Delete(d);
    free(png);
    /* English stays English, read once (by the other tenant: this one's documents were German,
     * tenant_language_is_remembered) */
    const char *const en[] = {"Thank you for your order. The amount is due within thirty",
                              "days of the invoice date. Please pay to the account below."};
    ck_assert_int_eq(fixture_png(en, 2, &png, &len), DP_OK);
    d = read_doc_as(st.key2, png, len, "pipeline=ocr");
    ck_assert_str_eq(json_str(d, "language"), "eng");
    ck_assert_str_eq(json_str(page0(d), "lang"), "eng");
    cJSON_Delete(d);
    free(png);
}
END_TEST

/* How many of the four words with umlauts of the page below text holds. */
static int umlaut_words(const char *text)
{
    return (strstr(text, "für") != NULL) + (strstr(text, "München") != NULL) +
           (strstr(text, "März") != NULL) + (strstr(text, "zuzüglich") != NULL);
}

/* A 300 dpi page of German with umlauts (für, München, März, zuzüglich), PNG (caller frees). */
static void german_page(unsigned char **png, size_t *len)
{
    static const char *const de[] = {"Rechnung Nr. 4711 vom 5. März 2024",
                                     "Vielen Dank für Ihren Auftrag und die gute",
                                     "Zusammenarbeit. Wir berechnen die Lieferung",
                                     "der Ware nach München wie folgt:",
                                     "Bitte zahlen Sie den Betrag innerhalb von",
                                     "14 Tagen auf das unten genannte Konto.",
                                     "Die Preise verstehen sich zuzüglich der",
                                     "gesetzlichen Umsatzsteuer. Gesamtbetrag 119,00"};
    struct fx_item items[8];
    for (size_t i = 0; i < 8; i++)
        items[i] = (struct fx_item){FX_TEXT, 72, 100 + 22.0 * (double)i, 0, 0, 13, de[i]};
    ck_assert_int_eq(fixture_layout_png(items, 8, 300, png, len), DP_OK);
}

START_TEST(german_letters_are_read)
{
    unsigned char *png;
    size_t len;
    german_page(&png, &len);
    /* the German pack reads the letters the English model lacks */
    cJSON *d = read_doc(png, len, "pipeline=ocr&lang=deu%2Beng");
    ck_assert_msg(umlaut_words(json_str(d, "text")) >= 3, "%s", json_str(d, "text"));
    cJSON_Delete(d);
    d = read_doc(png, len, "pipeline=ocr&lang=eng");
    int eng = umlaut_words(json_str(d, "text"));
    ck_assert_int_eq(eng, 0);
    cJSON_Delete(d);
    /* lang=auto: German told from the English read; the lines it read weakly are read again
     * with the German pack (on this clean page the English read is sure of "fur" and
     * "Munchen": line mode keeps them, see README) */
    d = read_doc(png, len, "pipeline=ocr");
    ck_assert_str_eq(json_str(d, "language"), "deu");
    ck_assert_str_eq(json_str(page0(d), "lang"), "deu+eng");
    ck_assert(strstr(json_str(d, "text"), "Gesamtbetrag 119,00") != NULL);
    cJSON_Delete(d);
    free(png);
}
END_TEST

/* The tenant's language hint (dp:langhint:<t>) as the worker's user reads it, "(nil)" if none. */
static void hint_of(const char *tenant, char *out, size_t outsz)
{
    char k[KEYS_MAX];
    ck_assert_int_eq(keys_langhint(k, tenant), DP_OK);
    redisContext *c = stack_redis_as(&st, st.redis_port, "docproc-worker");
    ck_assert_ptr_nonnull(c);
    redisReply *r = redisCommand(c, "GET %s", k);
    ck_assert_ptr_nonnull(r);
    snprintf(out, outsz, "%s", r->type == REDIS_REPLY_STRING ? r->str : "(nil)");
    freeReplyObject(r);
    redisFree(c);
}

START_TEST(tenant_language_is_remembered)
{
    /* lang=auto remembers the language of the tenant's last document: after a German one, the
     * next is read with the German pack from the start, and reads its umlauts as lang=deu+eng
     * does (an English first read is sure of "fur" and "Munchen": re-reading its weak lines
     * cannot mend them); an English document turns the hint back. Tenant beta: its documents
     * so far were English. */
    char hint[64];
    unsigned char *png, *enpng;
    size_t len, enlen;
    german_page(&png, &len);
    cJSON *d = read_doc_as(st.key2, png, len, "pipeline=ocr&dedup=false");
    ck_assert_str_eq(json_str(d, "language"), "deu");
    cJSON_Delete(d);
    hint_of("beta", hint, sizeof hint);
    ck_assert_str_eq(hint, "deu");
    d = read_doc_as(st.key2, png, len, "pipeline=ocr&dedup=false");
    ck_assert_str_eq(json_str(d, "language"), "deu");
    ck_assert_str_eq(json_str(page0(d), "lang"), "deu+eng");
    ck_assert_msg(umlaut_words(json_str(d, "text")) >= 3, "%s", json_str(d, "text"));
    cJSON_Delete(d);
    /* an English document of the same tenant: read with the German pack first, found English,
     * and its weak lines read again in English; the hint follows */
    const char *const en[] = {"Thank you for your order. The amount is due within thirty",
                              "days of the invoice date. Please pay to the account below."};
    ck_assert_int_eq(fixture_png(en, 2, &enpng, &enlen), DP_OK);
    d = read_doc_as(st.key2, enpng, enlen, "pipeline=ocr&dedup=false");
    ck_assert_str_eq(json_str(d, "language"), "eng");
    ck_assert_msg(strstr(json_str(d, "text"), "invoice date") != NULL, "%s", json_str(d, "text"));
    cJSON_Delete(d);
    hint_of("beta", hint, sizeof hint);
    ck_assert_str_eq(hint, "eng");
    /* an explicit lang neither uses nor changes it */
    d = read_doc_as(st.key2, png, len, "pipeline=ocr&lang=deu%2Beng&dedup=false");
    cJSON_Delete(d);
    hint_of("beta", hint, sizeof hint);
    ck_assert_str_eq(hint, "eng");
    free(enpng);
    free(png);
}
END_TEST

START_TEST(unknown_script_is_reported)
{
    /* Russian: docproc installs no Cyrillic pack. The English read of it is letters that mean
     * nothing; OSD names the script, and the result says the language is unknown. */
    static const char *const ru[] = {"Счёт-фактура № 1234 от 5 марта 2024 года",
                                     "Продавец: ООО Ромашка, г. Москва",
                                     "Покупатель: ИП Иванов Иван Иванович",
                                     "Наименование товара: бумага офисная",
                                     "Итого к оплате: 1 234,56 руб.",
                                     "Благодарим вас за своевременную оплату",
                                     "Покупатель обязуется оплатить товар в течение пяти дней"};
    struct fx_item items[7];
    for (size_t i = 0; i < 7; i++)
        items[i] = (struct fx_item){FX_TEXT, 72, 100 + 24.0 * (double)i, 0, 0, 14, ru[i]};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_layout_png(items, 7, 300, &png, &len), DP_OK);
    /* tenant beta, whose last document was English (tenant_language_is_remembered): the first
     * read is in English */
    cJSON *d = read_doc_as(st.key2, png, len, "pipeline=ocr");
    int has_rus = strstr(json_str(page0(d), "lang"), "rus") != NULL;
    ck_assert_msg(strcmp(json_str(page0(d), "script"), "Cyrillic") == 0,
                  "script %s, language %s, confidence %.1f, text: %s", json_str(page0(d), "script"),
                  json_str(d, "language"), json_num(page0(d), "confidence"), json_str(d, "text"));
    if (has_rus) { /* a Cyrillic pack was installed after all: it was used */
        ck_assert_str_eq(json_str(d, "language"), "rus");
    } else {
        ck_assert_str_eq(json_str(d, "language"), "unknown");
        ck_assert_str_eq(json_str(page0(d), "lang"), "eng");
        const cJSON *warn = cJSON_GetObjectItem(d, "warnings");
        ck_assert_int_eq(cJSON_GetArraySize(warn), 1);
        ck_assert(strstr(cJSON_GetArrayItem(warn, 0)->valuestring, "Cyrillic") != NULL);
    }
    cJSON_Delete(d);
    free(png);
    /* a Latin page with few words of any language: no OSD asked, no script, no warning */
    const char *const slip[] = {"ACME GMBH", "Artikel 4711", "Summe 12,50 EUR", "Kasse 3"};
    ck_assert_int_eq(fixture_png(slip, 4, &png, &len), DP_OK);
    d = read_doc(png, len, "pipeline=ocr");
    ck_assert_ptr_null(cJSON_GetObjectItem(page0(d), "script"));
    ck_assert_ptr_null(cJSON_GetObjectItem(d, "warnings"));
    cJSON_Delete(d);
    free(png);
}
END_TEST

/* A form scanned at 100 dpi whose words sit in ruled cells, the rules touching the letters:
 * Tesseract's layout analysis takes such a word and its rules for a picture (main read
 * "arrington", "emberton", "cat" for Forecast, or nothing). The rules are taken out before
 * the page is read (common/unline.h), the letters kept: every word is read. */
START_TEST(words_in_ruled_cells_are_read)
{
    static const char *const w[] = {"Harrington", "Wellesley", "Procurement", "Pemberton",
                                    "Lexington",  "Thornbury", "Quarterly",   "Forecast"};
    for (int gap = 0; gap < 2; gap++) { /* rules on the letters, half a point from them */
        struct fx_item it[1 + 8 * 4];
        size_t n = 0;
        it[n++] = (struct fx_item){FX_TEXT, 200, 60, 0, 0, 14, "REQUEST FORM"};
        for (int i = 0; i < 8; i++) {
            double x = 60 + (i % 2) * 250, y = 120 + (i / 2) * 50, g = 0.5 * gap;
            double x0 = x - g, y0 = y - 8 - g, y1 = y + 2.5 + g;
            it[n++] = (struct fx_item){FX_TEXT, x, y, 0, 0, 10, w[i]};
            it[n++] = (struct fx_item){FX_LINE, x0 - 20, y0, x + 160 + g, y0, 0, NULL};
            it[n++] = (struct fx_item){FX_LINE, x0 - 20, y1, x + 160 + g, y1, 0, NULL};
            it[n++] = (struct fx_item){FX_LINE, x0, y0 - 10, x0, y1 + 10, 0, NULL};
        }
        unsigned char *png;
        size_t len;
        ck_assert_int_eq(fixture_layout_png(it, n, 100, &png, &len), DP_OK);
        cJSON *d = read_doc(png, len, "pipeline=ocr&lang=eng");
        const char *text = json_str(d, "text");
        for (int i = 0; i < 8; i++)
            ck_assert_msg(strstr(text, w[i]) != NULL, "gap %d: %s not read in: %s", gap, w[i],
                          text);
        cJSON_Delete(d);
        free(png);
    }
}
END_TEST

/* Whether text holds word as a whole token (anything but letters and digits around it):
 * "ODApproved" or "Oyes" read for a check box glued to its label does not hold "Approved",
 * "Yes". */
static int has_token(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = text; (p = strstr(p, word)) != NULL; p++) {
        int before = p == text || !isalnum((unsigned char)p[-1]);
        int after = !isalnum((unsigned char)p[n]);
        if (before && after)
            return 1;
    }
    return 0;
}

/* A form scanned at 100 dpi with empty check boxes printed a point before their labels: main
 * read each box glued to its word ("ODApproved", "Oyes", "ONo"). The boxes are whitened out of
 * the image read (common/unline.h), every label is read as itself, and the selection marks
 * are still found (on the page as decoded) with those labels. */
START_TEST(check_boxes_are_read_apart_from_their_labels)
{
    static const char *const w[] = {"Approved", "Rejected", "Pending",  "Deferred",
                                    "Yes",      "No",       "Domestic", "Export",
                                    "Monthly",  "Weekly",   "Sample",   "Retail"};
    struct fx_item it[1 + 2 * 12];
    size_t n = 0;
    it[n++] = (struct fx_item){FX_TEXT, 200, 60, 0, 0, 14, "REQUEST FORM"};
    for (int i = 0; i < 12; i++) {
        double x = 60 + (i % 3) * 170, y = 130 + (i / 3) * 60;
        it[n++] = (struct fx_item){FX_BOX, x, y - 8, 0, 0, 8, NULL};
        it[n++] = (struct fx_item){FX_TEXT, x + 9, y, 0, 0, 10, w[i]};
    }
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_layout_png(it, n, 100, &png, &len), DP_OK);
    cJSON *d = read_doc(png, len, "pipeline=ocr,classify,extract&lang=eng");
    const char *text = json_str(d, "text");
    for (int i = 0; i < 12; i++)
        ck_assert_msg(has_token(text, w[i]), "%s not read apart in: %s", w[i], text);
    const cJSON *marks = cJSON_GetObjectItem(page0(d), "selection_marks"), *m;
    ck_assert_int_eq(cJSON_GetArraySize(marks), 12);
    int labelled = 0;
    cJSON_ArrayForEach(m, marks)
    {
        ck_assert_str_eq(json_str(m, "state"), "unselected");
        for (int i = 0; i < 12; i++)
            labelled += strcmp(json_str(m, "label"), w[i]) == 0;
    }
    ck_assert_int_eq(labelled, 12);
    cJSON_Delete(d);
    free(png);
}
END_TEST

/* The form of words_in_ruled_cells_are_read fed through the scanner 2 degrees crooked: its
 * rules step by a pixel every few dozen, main found no straight run long enough, left them
 * and lost the first letters of most words ("arrington", "rocurement", "orecast"). The rules
 * are found on a copy set straight and whitened where they are (common/deskew.h, unline.h):
 * every word is read, on the page as sent. */
START_TEST(crooked_form_rules_are_taken_out)
{
    static const char *const w[] = {"Harrington", "Wellesley", "Procurement", "Pemberton",
                                    "Lexington",  "Thornbury", "Quarterly",   "Forecast"};
    struct fx_item it[1 + 8 * 4];
    size_t n = 0;
    it[n++] = (struct fx_item){FX_TEXT, 200, 60, 0, 0, 14, "REQUEST FORM"};
    for (int i = 0; i < 8; i++) {
        double x = 60 + (i % 2) * 250, y = 120 + (i / 2) * 50;
        it[n++] = (struct fx_item){FX_TEXT, x, y, 0, 0, 10, w[i]};
        it[n++] = (struct fx_item){FX_LINE, x - 20, y - 8, x + 160, y - 8, 0, NULL};
        it[n++] = (struct fx_item){FX_LINE, x - 20, y + 2.5, x + 160, y + 2.5, 0, NULL};
        it[n++] = (struct fx_item){FX_LINE, x, y - 18, x, y + 12.5, 0, NULL};
    }
    PIX *page = NULL;
    ck_assert_int_eq(fixture_layout_pix(it, n, 100, &page), DP_OK);
    /* turned as a scanner turns it (grey edges), about the page's centre, same size */
    PIX *crooked = pixRotate(page, (l_float32)(TURN_DEG * 3.14159265 / 180.0), L_ROTATE_AREA_MAP,
                             L_BRING_IN_WHITE, 0, 0);
    ck_assert_ptr_nonnull(crooked);
    pixSetResolution(crooked, 100, 100);
    unsigned char *png;
    size_t len;
    encode_png(crooked, &png, &len);
    cJSON *d = read_doc(png, len, "pipeline=ocr&lang=eng");
    const char *text = json_str(d, "text");
    for (int i = 0; i < 8; i++)
        ck_assert_msg(has_token(text, w[i]), "%s not read in: %s", w[i], text);
    cJSON_Delete(d);
    free(png);
    pixDestroy(&crooked);
    pixDestroy(&page);
}
END_TEST

/* A form scanned at 100 dpi with its document number printed down the right margin (as filing
 * stamps print it): layout analysis read the number as one tall word, its digits the wrong way
 * up, or as a stack of letters. The group is read again turned a quarter each way and the
 * better reading kept (common/vtext.h, worker_reread.c): the number is in the text, and the
 * form's own words as before. */
START_TEST(margin_number_is_read_turned)
{
    static const char *const w[] = {"Harrington", "Wellesley", "Procurement", "Pemberton",
                                    "Lexington",  "Thornbury", "Quarterly",   "Forecast"};
    struct fx_item it[1 + 8 * 2];
    size_t n = 0;
    it[n++] = (struct fx_item){FX_TEXT, 200, 60, 0, 0, 14, "REQUEST FORM"};
    for (int i = 0; i < 8; i++) {
        double x = 60 + (i % 2) * 250, y = 120 + (i / 2) * 50;
        it[n++] = (struct fx_item){FX_TEXT, x, y, 0, 0, 10, w[i]};
        it[n++] = (struct fx_item){FX_LINE, x - 20, y + 2.5, x + 160, y + 2.5, 0, NULL};
    }
    struct fx_item num = {FX_TEXT, 20, 40, 0, 0, 12, "80728670"};
    PIX *page = NULL, *label = NULL;
    ck_assert_int_eq(fixture_layout_pix(it, n, 100, &page), DP_OK);
    ck_assert_int_eq(fixture_layout_pix(&num, 1, 100, &label), DP_OK);
    /* the number cut out and turned to run top to bottom, pasted along the right margin (read
     * "O0L98ZL08" before; Tesseract reads it turned the other way itself) */
    BOX *ink = NULL;
    PIX *bin = pixThresholdToBinary(label, 128);
    ck_assert_ptr_nonnull(bin);
    ck_assert_int_eq(pixClipToForeground(bin, NULL, &ink), 0);
    PIX *cut = pixClipRectangle(label, ink, NULL);
    PIX *up = cut ? pixRotateOrth(cut, 1) : NULL;
    ck_assert_ptr_nonnull(up);
    int uw = (int)pixGetWidth(up), uh = (int)pixGetHeight(up);
    ck_assert_int_eq(pixRasterop(page, 760, 500, uw, uh, PIX_SRC, up, 0, 0), 0);
    pixSetResolution(page, 100, 100);
    unsigned char *png;
    size_t len;
    encode_png(page, &png, &len);
    cJSON *d = read_doc(png, len, "pipeline=ocr&lang=eng");
    const char *text = json_str(d, "text");
    ck_assert_msg(has_token(text, "80728670"), "the margin's number not read in: %s", text);
    for (int i = 0; i < 8; i++)
        ck_assert_msg(has_token(text, w[i]), "%s not read in: %s", w[i], text);
    cJSON_Delete(d);
    free(png);
    pixDestroy(&up);
    pixDestroy(&cut);
    pixDestroy(&bin);
    boxDestroy(&ink);
    pixDestroy(&label);
    pixDestroy(&page);
}
END_TEST

Suite *e2e_reading_suite(void)
{
    Suite *s = suite_create("e2e_reading");
    TCase *tc = tcase_create("reading");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, narrow_receipt_is_one_block);
    tcase_add_test(tc, blurred_line_is_reread);
    tcase_add_test(tc, corrupt_tail_jpeg_is_read);
    tcase_add_test(tc, language_is_detected);
    tcase_add_test(tc, german_letters_are_read);
    tcase_add_test(tc, tenant_language_is_remembered);
    tcase_add_test(tc, unknown_script_is_reported);
    tcase_add_test(tc, words_in_ruled_cells_are_read);
    tcase_add_test(tc, check_boxes_are_read_apart_from_their_labels);
    tcase_add_test(tc, crooked_form_rules_are_taken_out);
    tcase_add_test(tc, margin_number_is_read_turned);
    suite_add_tcase(s, tc);
    return s;
}
