/* check_page.c -- the wire form of a read page (decode child -> worker): round trip, every
 * truncation, trailing bytes, lying counts and lengths. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "page.h"
#include "table.h"

static struct dp_word words[] = {
    {"Invoice", 95.5f, 10, 20, 80, 16, 0, 0},
    {"Total", 87.25f, 10, 60, 50, 16, 1, 0},
    {"12,50 \xe2\x82\xac", 90.0f, 70, 60, 40, 16, 1, 2},
};

static struct dp_barcode codes[] = {
    {"QR-Code", "BCD\n002\n1\nSCT", 1500, 1800, 222, 222},
};

static struct dp_page sample(void)
{
    return (struct dp_page){.number = 3,
                            .width = 2480,
                            .height = 3508,
                            .dpi = 300,
                            .rotation = 270,
                            .conf = 91.125f,
                            .source = DP_SRC_TEXT_LAYER,
                            .text = "Invoice\nTotal 12,50 \xe2\x82\xac",
                            .hocr = NULL,
                            .words = words,
                            .nwords = 3,
                            .barcodes = codes,
                            .nbarcodes = 1};
}

START_TEST(how_it_was_read_round_trips)
{
    int lines[] = {4, 9, 17};
    struct dp_page p = sample(), q;
    p.source = DP_SRC_OCR;
    p.psm = 6;
    p.scale = 1.75f;
    p.damaged = 1;
    p.conf_before = 61.5f;
    p.reread = lines;
    p.nreread = 3;
    p.nreplaced = 2;
    snprintf(p.lang, sizeof p.lang, "deu+eng");
    snprintf(p.lang_detected, sizeof p.lang_detected, "deu");
    snprintf(p.script, sizeof p.script, "Latin");
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(page_pack(&p, &buf, &len), DP_OK);
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_OK);
    ck_assert_int_eq(q.psm, 6);
    ck_assert(q.scale == 1.75f && q.conf_before == 61.5f);
    ck_assert_int_eq(q.damaged, 1);
    ck_assert_uint_eq(q.nreread, 3);
    ck_assert_int_eq(q.reread[2], 17);
    ck_assert_uint_eq(q.nreplaced, 2);
    ck_assert_str_eq(q.lang, "deu+eng");
    ck_assert_str_eq(q.lang_detected, "deu");
    ck_assert_str_eq(q.script, "Latin");
    ck_assert_uint_eq(q.nwords, 3);
    page_cleanup(&q);
    /* a damaged flag that is not 0 or 1 */
    buf[5 * 4 + 4 + 1 + 4 + 4] = 2;
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_EPARSE);
    free(buf);
}
END_TEST

START_TEST(alternates_round_trip)
{
    struct dp_word alt[] = {
        {"TOTAL", 80.0f, 10, 60, 50, 16, 1, 0},
        {"12,50", 70.5f, 70, 60, 40, 16, 1, 0},
        {"THANK YOU", 60.0f, 10, 90, 90, 16, -1, 1},
    };
    struct dp_page p = sample(), q;
    p.source = DP_SRC_OCR;
    p.alt = alt;
    p.nalt = 3;
    p.read_twice = 1;
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(page_pack(&p, &buf, &len), DP_OK);
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_OK);
    ck_assert_uint_eq(q.nalt, 3);
    ck_assert_int_eq(q.read_twice, 1);
    ck_assert_str_eq(q.alt[1].text, "12,50");
    ck_assert(q.alt[1].conf == 70.5f && q.alt[1].x == 70 && q.alt[1].line == 1);
    ck_assert_int_eq(q.alt[2].line, -1);
    ck_assert_int_eq(q.alt[2].block, 1);
    ck_assert_uint_eq(q.nwords, 3);
    page_cleanup(&q);
    ck_assert_ptr_null(q.alt);
    /* every cut inside the alternates is refused, and a flag that is not 0 or 1 */
    for (size_t cut = len - 1; cut > len - 40; cut--)
        ck_assert_int_eq(page_unpack(buf, cut, &q), DP_EPARSE);
    buf[len - 1] = 2;
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_EPARSE);
    free(buf);
}
END_TEST

START_TEST(round_trip)
{
    struct dp_page p = sample(), q;
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(page_pack(&p, &buf, &len), DP_OK);
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_OK);
    ck_assert_int_eq(q.number, 3);
    ck_assert_int_eq(q.width, 2480);
    ck_assert_int_eq(q.height, 3508);
    ck_assert_int_eq(q.dpi, 300);
    ck_assert_int_eq(q.rotation, 270);
    ck_assert(q.conf == 91.125f);
    ck_assert_int_eq(q.source, DP_SRC_TEXT_LAYER);
    ck_assert_str_eq(q.text, p.text);
    ck_assert_ptr_null(q.hocr);
    ck_assert_uint_eq(q.nwords, 3);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_str_eq(q.words[i].text, words[i].text);
        ck_assert(q.words[i].conf == words[i].conf);
        ck_assert_int_eq(q.words[i].x, words[i].x);
        ck_assert_int_eq(q.words[i].y, words[i].y);
        ck_assert_int_eq(q.words[i].w, words[i].w);
        ck_assert_int_eq(q.words[i].h, words[i].h);
        ck_assert_int_eq(q.words[i].line, words[i].line);
        ck_assert_int_eq(q.words[i].block, words[i].block);
    }
    ck_assert_uint_eq(q.nbarcodes, 1);
    ck_assert_str_eq(q.barcodes[0].type, "QR-Code");
    ck_assert_str_eq(q.barcodes[0].text, codes[0].text);
    ck_assert_int_eq(q.barcodes[0].x, 1500);
    ck_assert_int_eq(q.barcodes[0].h, 222);
    page_cleanup(&q);
    free(buf);

    /* an empty OCR page with hOCR and no words */
    struct dp_page e = {.number = 1, .source = DP_SRC_OCR, .text = "", .hocr = "<div/>"};
    ck_assert_int_eq(page_pack(&e, &buf, &len), DP_OK);
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_OK);
    ck_assert_str_eq(q.text, "");
    ck_assert_str_eq(q.hocr, "<div/>");
    ck_assert_uint_eq(q.nwords, 0);
    ck_assert_uint_eq(q.nbarcodes, 0);
    ck_assert_int_eq(q.source, DP_SRC_OCR);
    page_cleanup(&q);
    free(buf);
}
END_TEST

START_TEST(truncated_and_padded)
{
    struct dp_page p = sample(), q;
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(page_pack(&p, &buf, &len), DP_OK);
    for (size_t n = 0; n < len; n++) {
        ck_assert_msg(page_unpack(buf, n, &q) == DP_EPARSE, "prefix of %zu bytes accepted", n);
        ck_assert_ptr_null(q.text);
        ck_assert_ptr_null(q.words);
        ck_assert_uint_eq(q.nwords, 0);
        ck_assert_ptr_null(q.barcodes);
    }
    unsigned char *more = malloc(len + 1);
    memcpy(more, buf, len);
    more[len] = 0;
    ck_assert_int_eq(page_unpack(more, len + 1, &q), DP_EPARSE);
    free(more);
    free(buf);
}
END_TEST

/* Offset of the text: 5 ints, conf, source, how it was read (psm, scale, damaged,
 * conf_before, nreplaced, nreread + lines, lang, lang_detected and script strings). */
static size_t text_offset(const unsigned char *buf)
{
    uint32_t n;
    size_t off = 5 * 4 + 4 + 1 + 4 + 4 + 1 + 4 + 4;
    memcpy(&n, buf + off, 4); /* re-read lines */
    off += 4 + 4 * (size_t)n;
    memcpy(&n, buf + off, 4); /* lang */
    off += 4 + (n == 0xffffffffu ? 0 : n);
    memcpy(&n, buf + off, 4); /* lang_detected */
    off += 4 + (n == 0xffffffffu ? 0 : n);
    memcpy(&n, buf + off, 4); /* script */
    off += 4 + (n == 0xffffffffu ? 0 : n);
    return off;
}

/* Offset of the word count: after the text and hOCR strings. */
static size_t count_offset(const unsigned char *buf)
{
    uint32_t n;
    size_t off = text_offset(buf);
    memcpy(&n, buf + off, 4); /* text */
    off += 4 + n;
    memcpy(&n, buf + off, 4); /* hOCR: NULL marker in the sample */
    off += 4 + (n == 0xffffffffu ? 0 : n);
    return off;
}

START_TEST(lying_fields)
{
    struct dp_page p = sample(), q;
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(page_pack(&p, &buf, &len), DP_OK);
    size_t off = count_offset(buf);
    uint32_t n;
    memcpy(&n, buf + off, 4);
    ck_assert_uint_eq(n, 3);
    n = 0x7fffffffu; /* a count the bytes cannot hold */
    memcpy(buf + off, &n, 4);
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_EPARSE);
    n = 2; /* one word fewer: bytes left over */
    memcpy(buf + off, &n, 4);
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_EPARSE);
    n = 3;
    memcpy(buf + off, &n, 4);
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_OK);
    page_cleanup(&q);
    /* a text length running past the end */
    n = (uint32_t)len;
    memcpy(buf + text_offset(buf), &n, 4);
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_EPARSE);
    /* an unknown source */
    free(buf);
    ck_assert_int_eq(page_pack(&p, &buf, &len), DP_OK);
    buf[24] = 7;
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_EPARSE);
    free(buf);
}
END_TEST

/* Ruling lines and selection marks found in the child travel with the page. */
START_TEST(structure_round_trip)
{
    struct table_rule rules[] = {{10, 20, 300, 20, 3}, {10, 20, 10, 200, 2}};
    struct form_mark marks[] = {{{40, 50, 12, 12}, FORM_SELECTED, 0, "Yes"},
                                {{80, 50, 12, 12}, FORM_UNSELECTED, 1, ""}};
    struct dp_page p = sample(), q;
    p.rules = rules;
    p.nrules = 2;
    p.marks = marks;
    p.nmarks = 2;
    p.barcodes = NULL; /* the barcode count (0) is then the last 4 bytes */
    p.nbarcodes = 0;
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(page_pack(&p, &buf, &len), DP_OK);
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_OK);
    ck_assert_uint_eq(q.nrules, 2);
    ck_assert_int_eq(q.rules[0].x2, 300);
    ck_assert_int_eq(q.rules[1].y2, 200);
    ck_assert_int_eq(q.rules[0].thick, 3);
    ck_assert_uint_eq(q.nmarks, 2);
    ck_assert_int_eq(q.marks[0].state, FORM_SELECTED);
    ck_assert_str_eq(q.marks[0].label, "Yes");
    ck_assert_int_eq(q.marks[1].round, 1);
    ck_assert_int_eq(q.marks[1].bbox.x, 80);
    ck_assert_str_eq(q.marks[1].label, "");
    page_cleanup(&q);
    /* every truncation fails cleanly; a state byte other than 0/1 is refused */
    for (size_t cut = len - 40; cut < len; cut++)
        ck_assert_int_eq(page_unpack(buf, cut, &q), DP_EPARSE);
    buf[len - 4 - 4 - 1 - 1] = 2; /* the second mark's state (then round, empty label, and
                                     the barcode count) */
    ck_assert_int_eq(page_unpack(buf, len, &q), DP_EPARSE);
    free(buf);
}
END_TEST

Suite *page_suite(void)
{
    Suite *s = suite_create("page");
    TCase *tc = tcase_create("wire");
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, alternates_round_trip);
    tcase_add_test(tc, how_it_was_read_round_trips);
    tcase_add_test(tc, structure_round_trip);
    tcase_add_test(tc, truncated_and_padded);
    tcase_add_test(tc, lying_fields);
    suite_add_tcase(s, tc);
    return s;
}
