/* check_xcand.c -- the tenant extractor on multi-line values: an address learnt from ten
 * receipts is exactly its two or three lines on unseen ones, not with the registration number
 * above it or the phone line below it; a name or address an OCR error or two from one in the
 * vendor memory takes the remembered spelling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures_xdoc.h"
#include "altread.h"
#include "cand.h"
#include "review.h"
#include "testutil.h"
#include "xcand.h"
#include "xfeat.h"
#include "xmodel.h"

#define NTRAIN 10

static const char *const streets[] = {"NO 12, JALAN MERANTI 3,", "LOT 7, JALAN KENARI 5,",
                                      "NO 88, JALAN BUNGA RAYA,", "NO 3, JALAN PUDU 2,",
                                      "LOT 41, JALAN AMPANG,"};
static const char *const areas[] = {"TAMAN SRI MUDA,", "BANDAR PUCHONG JAYA,", "TAMAN MALURI,",
                                    "SEKSYEN 9,", "TAMAN SEGAR,"};
static const char *const towns[] = {"40400 SHAH ALAM", "47170 PUCHONG", "55100 KUALA LUMPUR",
                                    "43300 SERI KEMBANGAN", "56100 CHERAS"};

/* Receipt i: a name, a registration number, an address of two or three lines, a phone line,
 * items and a total. The address's lines into addr. Returns the number of lines. */
static size_t receipt(int i, char lines[][64], char *addr, size_t addrsz)
{
    size_t n = 0, three = i % 2 == 0;
    snprintf(lines[n++], 64, "KEDAI %c%c TRADING", 'A' + i % 26, 'K' + i % 13);
    snprintf(lines[n++], 64, "(%06d-%c)", 100000 + 7919 * i, 'A' + i % 20);
    const char *a1 = streets[i % 5], *a2 = areas[(i + 2) % 5], *a3 = towns[(i + 1) % 5];
    snprintf(lines[n++], 64, "%s", a1);
    if (three)
        snprintf(lines[n++], 64, "%s", a2);
    snprintf(lines[n++], 64, "%s", a3);
    snprintf(lines[n++], 64, "TEL: 03-%04d %04d", 5000 + 37 * i, 1000 + 91 * i);
    snprintf(lines[n++], 64, "PEN BLUE %d.50", 1 + i % 7);
    snprintf(lines[n++], 64, "TOTAL %d.50", 1 + i % 7);
    if (three)
        snprintf(addr, addrsz, "%s %s %s", a1, a2, a3);
    else
        snprintf(addr, addrsz, "%s %s", a1, a3);
    return n;
}

START_TEST(address_runs)
{
    struct dp_doc_text docs[NTRAIN];
    cJSON *conf[NTRAIN];
    struct xmodel_doc td[NTRAIN];
    char lines[12][64], addr[256];
    const char *lp[12];
    for (int i = 0; i < NTRAIN; i++) {
        size_t n = receipt(i, lines, addr, sizeof addr);
        for (size_t k = 0; k < n; k++)
            lp[k] = lines[k];
        xdoc_make(&docs[i], lp, n);
        conf[i] = cJSON_CreateObject();
        cJSON_AddStringToObject(cJSON_AddObjectToObject(conf[i], "address"), "value", addr);
        td[i] = (struct xmodel_doc){&docs[i], conf[i], NULL};
    }
    struct xmodel *m = NULL;
    ck_assert_int_eq(xmodel_train(td, NTRAIN, &m), DP_OK);
    ck_assert_int_eq(m->nf, 1);
    ck_assert_int_eq(m->f[0].aligned, NTRAIN);
    /* where the rules' address stands (no wins over them), the model still gives its span
     * of it: the lines joined as the confirmed values join them, not the rules' ", " */
    {
        struct xmodel_field keep = m->f[0];
        m->f[0].cv_wins = 0;
        size_t n = receipt(41, lines, addr, sizeof addr);
        for (size_t k = 0; k < n; k++)
            lp[k] = lines[k];
        struct dp_doc_text d;
        xdoc_make(&d, lp, n);
        char rules[720], rtext[300];
        snprintf(rtext, sizeof rtext, "%s, %s", lines[2], lines[3]); /* two lines, rules-joined */
        snprintf(rules, sizeof rules,
                 "[{\"name\":\"address\",\"value\":\"%s\",\"text\":\"%s\","
                 "\"source\":\"rules\"}]",
                 rtext, rtext);
        cJSON *fields = cJSON_Parse(rules);
        ck_assert_ptr_nonnull(fields);
        ck_assert_int_eq(xmodel_apply(m, &d, fields, NULL), DP_OK);
        const cJSON *f = cJSON_GetArrayItem(fields, 0);
        char want[300];
        snprintf(want, sizeof want, "%s %s", lines[2], lines[3]);
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")), want);
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "source")), "model");
        cJSON_Delete(fields);
        /* a rules value nothing on the page is like stays as it is */
        fields = cJSON_Parse("[{\"name\":\"address\",\"value\":\"PO BOX 77, IPOH\","
                             "\"text\":\"PO BOX 77, IPOH\",\"source\":\"rules\"}]");
        ck_assert_int_eq(xmodel_apply(m, &d, fields, NULL), DP_OK);
        f = cJSON_GetArrayItem(fields, 0);
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")), "PO BOX 77, IPOH");
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "source")), "rules");
        cJSON_Delete(fields);
        doctext_cleanup(&d);
        m->f[0] = keep;
    }
    /* unseen receipts, both lengths of address: exactly the address's lines */
    for (int i = NTRAIN; i < NTRAIN + 4; i++) {
        size_t n = receipt(i * 3 + 1, lines, addr, sizeof addr);
        for (size_t k = 0; k < n; k++)
            lp[k] = lines[k];
        struct dp_doc_text d;
        xdoc_make(&d, lp, n);
        cJSON *fields = cJSON_CreateArray();
        ck_assert_int_eq(xmodel_apply(m, &d, fields, NULL), DP_OK);
        const cJSON *f = cJSON_GetArrayItem(fields, 0);
        ck_assert_ptr_nonnull(f);
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "name")), "address");
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")), addr);
        cJSON_Delete(fields);
        doctext_cleanup(&d);
    }
    xmodel_free(m);
    for (int i = 0; i < NTRAIN; i++) {
        doctext_cleanup(&docs[i]);
        cJSON_Delete(conf[i]);
    }
}
END_TEST

/* A name or address read an OCR error or two from a remembered one gets its spelling; one as
 * like two different spellings, or less alike than the threshold, gets none. */
START_TEST(snap_to_memory)
{
    struct vendor_list l = {0};
    static const char *const js[] = {
        "{\"company\":\"MR. D.I.Y. SDN BHD\",\"address\":\"LOT 1851-A & 1851-B, JALAN KPB 6, "
        "KAWASAN PERINDUSTRIAN BALAKONG, 43300 SERI KEMBANGAN, SELANGOR\"}",
        "{\"company\":\"LIAN HING STATIONERY SDN BHD\",\"address\":\"NO.32 & 33, JALAN SR 1/9, "
        "SEKSYEN 9, TAMAN SERDANG RAYA, 43300 SERI KEMBANGAN\"}",
        "{\"company\":\"KEDAI ABC\",\"address\":\"NO 1, JALAN A\"}",
        "{\"company\":\"KEDAI ABD\",\"address\":\"NO 1, JALAN B\"}"};
    for (size_t i = 0; i < sizeof js / sizeof js[0]; i++) {
        cJSON *c = cJSON_Parse(js[i]);
        ck_assert_int_eq(vendor_add(&l, c, NULL), DP_OK);
        cJSON_Delete(c);
    }
    char out[VENDOR_TEXT_MAX] = "";
    /* a digit misread in a long address, and a comma read as a full stop */
    double s = vendor_snap(&l, 1,
                           "LOT 1651-A & 1851-B, JALAN KPB 6, KAWASAN PERINDUSTRIAN BALAKONG. "
                           "43300 SERI KEMBANGAN, SELANGOR",
                           VENDOR_SNAP_SIM, out, sizeof out);
    ck_assert(s >= VENDOR_SNAP_SIM && s < 1);
    ck_assert_str_eq(out, "LOT 1851-A & 1851-B, JALAN KPB 6, KAWASAN PERINDUSTRIAN BALAKONG, "
                          "43300 SERI KEMBANGAN, SELANGOR");
    ck_assert(vendor_snap(&l, 0, "LIAN HING STATI0NERY SDN BHD", VENDOR_SNAP_SIM, out, sizeof out) >
              0);
    ck_assert_str_eq(out, "LIAN HING STATIONERY SDN BHD");
    /* names are not addresses */
    ck_assert(
        vendor_snap(&l, 1, "LIAN HING STATI0NERY SDN BHD", VENDOR_SNAP_SIM, out, sizeof out) == 0);
    /* another shop in the same street is more than an error or two away */
    snprintf(out, sizeof out, "untouched");
    ck_assert(vendor_snap(&l, 1, "NO.14 & 16, JALAN SR 1/7, SEKSYEN 9, TAMAN SERDANG RAYA",
                          VENDOR_SNAP_SIM, out, sizeof out) == 0);
    ck_assert_str_eq(out, "untouched");
    /* as like two spellings: neither */
    ck_assert(vendor_snap(&l, 0, "KEDAI ABE", 0.85, out, sizeof out) == 0);
    ck_assert(vendor_snap(&l, 0, "KEDAI ABC", 0.85, out, sizeof out) == 1.0);
    ck_assert_str_eq(out, "KEDAI ABC");
    ck_assert(vendor_snap(&l, 0, NULL, 0.85, out, sizeof out) == 0);
    vendor_list_cleanup(&l);
}
END_TEST

static size_t find_cand(const struct cand_set *s, const char *text, int alt)
{
    size_t hits = 0;
    for (size_t i = 0; i < s->n; i++)
        hits += strcmp(s->c[i].text, text) == 0 && s->c[i].alt == alt;
    return hits;
}

/* A page read twice: the second reading's lines make candidates of their own (spans, and runs
 * with the first reading's lines around them), a line only it has takes its place from top to
 * bottom, and nothing of the first reading is repeated. */
START_TEST(second_reading)
{
    static const char *const lines[] = {"KEDAI AB TRADING", "NO 12, JALAN MERANT1 3,",
                                        "TAMAN SRI MUDA,", "TOTAL 9.50"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 4);
    xdoc_add_alt(&d, "NO 12, JALAN MERANTI 3,", 1, 140, 0);
    xdoc_add_alt(&d, "40400 SHAH ALAM", -1, 200, 1); /* between lines 2 (y 180) and 3 (y 220) */
    struct cand_set cs;
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    ck_assert_uint_eq(cs.ndoc, 1);
    ck_assert_uint_eq(cs.npages, 2);
    ck_assert_uint_eq(find_cand(&cs, "NO 12, JALAN MERANT1 3,", 0), 1);
    ck_assert_uint_eq(find_cand(&cs, "NO 12, JALAN MERANTI 3,", ALTREAD_SECOND), 1);
    ck_assert_uint_eq(find_cand(&cs, "MERANTI", ALTREAD_SECOND), 1);
    ck_assert_uint_eq(find_cand(&cs, "NO 12, JALAN MERANTI 3, TAMAN SRI MUDA,", ALTREAD_SECOND), 1);
    ck_assert_uint_eq(
        find_cand(&cs, "NO 12, JALAN MERANTI 3, TAMAN SRI MUDA, 40400 SHAH ALAM", ALTREAD_SECOND),
        1);
    ck_assert_uint_eq(find_cand(&cs, "TAMAN SRI MUDA, 40400 SHAH ALAM TOTAL 9.50", ALTREAD_SECOND),
                      1);
    /* the first reading's lines alone are not repeated by the second reading's page */
    ck_assert_uint_eq(find_cand(&cs, "TAMAN SRI MUDA,", ALTREAD_SECOND), 0);
    ck_assert_uint_eq(find_cand(&cs, "TAMAN SRI MUDA, TOTAL 9.50", ALTREAD_SECOND), 0);
    ck_assert_uint_eq(find_cand(&cs, "TAMAN SRI MUDA, TOTAL 9.50", 0), 1);
    for (size_t i = 0; i < cs.n; i++) {
        ck_assert_uint_eq(cs.c[i].page, 0);
        ck_assert_uint_eq(cs.c[i].cpage, cs.c[i].alt ? 1 : 0);
    }
    /* the features see both */
    struct xfeat_doc fx;
    ck_assert_int_eq(xfeat_doc(&cs, NULL, &fx), DP_OK);
    ck_assert_uint_eq(fx.n, cs.n);
    xfeat_doc_cleanup(&fx);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
}
END_TEST

/* A stored result's alternate lines come back as words sharing the line's box by length. */
START_TEST(second_reading_json)
{
    cJSON *r = cJSON_Parse(
        "{\"pages\":[{\"number\":1,\"width\":800,\"height\":600,\"words\":["
        "{\"text\":\"JALAN\",\"conf\":0.9,\"bbox\":[10,10,50,20],\"line\":0},"
        "{\"text\":\"MERANT1\",\"conf\":0.5,\"bbox\":[70,10,70,20],\"line\":0}],"
        "\"alt_lines\":[{\"text\":\"JALAN MERANTI\",\"conf\":0.8,\"bbox\":[10,10,130,20],"
        "\"line\":0},{\"text\":\"  \",\"conf\":0.8,\"bbox\":[1,1,1,1],\"line\":-1}]}]}");
    struct dp_doc_text d;
    ck_assert_int_eq(cand_doc_from_json(r, &d), DP_OK);
    ck_assert_uint_eq(d.pages[0].nwords, 2);
    ck_assert_uint_eq(d.pages[0].nalt, 2);
    const struct dp_word *a = d.pages[0].alt;
    ck_assert_str_eq(a[0].text, "JALAN");
    ck_assert_str_eq(a[1].text, "MERANTI");
    ck_assert_int_eq(a[0].x, 10);
    ck_assert_int_eq(a[0].w, 50); /* 5 of 13 characters of 130 px */
    ck_assert_int_eq(a[1].x, 70);
    ck_assert_int_eq(a[1].line, 0);
    ck_assert_int_eq(a[1].block, 0);
    ck_assert_int_eq(altread_reading(&a[1]), ALTREAD_SECOND);
    ck_assert(a[1].conf > 79 && a[1].conf < 81);
    struct cand_set cs;
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    ck_assert_uint_eq(find_cand(&cs, "JALAN MERANTI", ALTREAD_SECOND), 1);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    cJSON_Delete(r);
}
END_TEST

/* The line look's alternates (reading 3) make a page of their own: its lines in place of the
 * first reading's, never mixed with the second reading's alternates of other lines; a line
 * both readings read again gives a candidate of each. From a stored result the look's lines
 * are numbered as the worker numbers them. */
START_TEST(look_reading)
{
    static const char *const lines[] = {"INDAH GIFT & HOME BECO", "NO 12, JALAN MERANT1 3,",
                                        "TAMAN SRI MUDA,", "TOTAL 9.50"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 4);
    xdoc_add_alt(&d, "INDAH G1FT & HOME BECO", 0, 100, 0);
    xdoc_add_alt(&d, "NO 12, JALAN MERANTI 3,", 1, 140, 1);
    xdoc_add_alt(&d, "INDAH GIFT & HOME DECO", 0, 100, ALTREAD_LOOK_BLOCK);
    struct cand_set cs;
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    ck_assert_uint_eq(cs.npages, 3);
    ck_assert_int_eq(cs.pages[1].reading, ALTREAD_SECOND);
    ck_assert_int_eq(cs.pages[2].reading, ALTREAD_LOOK);
    ck_assert_uint_eq(find_cand(&cs, "INDAH GIFT & HOME DECO", ALTREAD_LOOK), 1);
    ck_assert_uint_eq(find_cand(&cs, "INDAH G1FT & HOME BECO", ALTREAD_SECOND), 1);
    ck_assert_uint_eq(find_cand(&cs, "INDAH GIFT & HOME BECO", 0), 1);
    /* runs: the look's line with the first reading's lines below it */
    ck_assert_uint_eq(
        find_cand(&cs, "INDAH GIFT & HOME DECO NO 12, JALAN MERANT1 3,", ALTREAD_LOOK), 1);
    ck_assert_uint_eq(find_cand(&cs, "INDAH GIFT & HOME DECO NO 12, JALAN MERANTI 3,", 0), 0);
    ck_assert_uint_eq(
        find_cand(&cs, "INDAH GIFT & HOME DECO NO 12, JALAN MERANTI 3,", ALTREAD_LOOK), 0);
    ck_assert_uint_eq(
        find_cand(&cs, "INDAH G1FT & HOME BECO NO 12, JALAN MERANTI 3,", ALTREAD_SECOND), 1);
    /* the look's page adds nothing of the lines it did not read */
    ck_assert_uint_eq(find_cand(&cs, "NO 12, JALAN MERANT1 3,", ALTREAD_LOOK), 0);
    for (size_t i = 0; i < cs.n; i++)
        ck_assert_uint_eq(cs.c[i].cpage, cs.c[i].alt == ALTREAD_LOOK     ? 2
                                         : cs.c[i].alt == ALTREAD_SECOND ? 1
                                                                         : 0);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    /* a page with only the look's alternates has one more page, the look's */
    xdoc_make(&d, lines, 4);
    xdoc_add_alt(&d, "INDAH GIFT & HOME DECO", 0, 100, ALTREAD_LOOK_BLOCK + 3);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    ck_assert_uint_eq(cs.npages, 2);
    ck_assert_int_eq(cs.pages[1].reading, ALTREAD_LOOK);
    ck_assert_uint_eq(find_cand(&cs, "HOME DECO", ALTREAD_LOOK), 1);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    /* from a stored result: "reading": 3 is the look's */
    cJSON *r =
        cJSON_Parse("{\"pages\":[{\"number\":1,\"width\":800,\"height\":600,\"words\":["
                    "{\"text\":\"HOME\",\"conf\":0.9,\"bbox\":[10,10,50,20],\"line\":0},"
                    "{\"text\":\"BECO\",\"conf\":0.5,\"bbox\":[70,10,50,20],\"line\":0}],"
                    "\"alt_lines\":[{\"text\":\"HOME 8ECO\",\"conf\":0.8,\"bbox\":[10,10,110,20],"
                    "\"line\":0,\"reading\":2},{\"text\":\"HOME DECO\",\"conf\":0.8,"
                    "\"bbox\":[10,10,110,20],\"line\":0,\"reading\":3}]}]}");
    ck_assert_int_eq(cand_doc_from_json(r, &d), DP_OK);
    ck_assert_uint_eq(d.pages[0].nalt, 4);
    ck_assert_int_eq(altread_reading(&d.pages[0].alt[1]), ALTREAD_SECOND);
    ck_assert_int_eq(altread_reading(&d.pages[0].alt[2]), ALTREAD_LOOK);
    ck_assert_int_eq(d.pages[0].alt[3].block, d.pages[0].alt[2].block);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    ck_assert_uint_eq(find_cand(&cs, "HOME 8ECO", ALTREAD_SECOND), 1);
    ck_assert_uint_eq(find_cand(&cs, "HOME DECO", ALTREAD_LOOK), 1);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    cJSON_Delete(r);
}
END_TEST

/* A name over two lines whose upper line ends in a reading's speck ("POPULAR BOOK." over
 * "CO. (M) SDN BHD") is a candidate without it; an abbreviation's mark stays. */
START_TEST(speck_runs)
{
    static const char *const lines[] = {"POPULAR BOOK.", "CO. (M) SDN BHD", "MR. D.I.Y. SDN BHD"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 3);
    struct cand_set cs;
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    ck_assert_uint_eq(find_cand(&cs, "POPULAR BOOK CO. (M) SDN BHD", 0), 1);
    ck_assert_uint_eq(find_cand(&cs, "POPULAR BOOK. CO. (M) SDN BHD", 0), 0);
    ck_assert_uint_eq(find_cand(&cs, "POPULAR BOOK.", 0), 1); /* nothing beside it */
    ck_assert_uint_eq(find_cand(&cs, "MR. D.I.Y. SDN BHD", 0), 1);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
}
END_TEST

/* The mark a tenant writes after a whole word inside its addresses is learnt from them; a
 * value with the other one after a whole word takes it, abbreviations and numbers keep
 * theirs, a tenant without a habit keeps every value as read. */
START_TEST(mark_habit)
{
    static const char *const commas[] = {"NO 4, JALAN PERJIRANAN 10, TAMAN AIR BIRU, 81700 JOHOR",
                                         "LOT 7, JALAN KENARI 5, BANDAR PUCHONG JAYA, 47170",
                                         "NO 3, JALAN DESA, TAMAN HARMONI. 81100 JOHOR BAHRU",
                                         "12, JALAN TAMPOI 7/4,KAWASAN PERINDUSTRIAN TAMPOI"};
    /* commas after BIRU, JAYA, DESA (none after numbers, none glued: KAWASAN); a stop after
     * HARMONI: not ten times as many */
    ck_assert_int_eq(xcand_mark_habit(commas, 4), 0);
    static const char *const more[] = {"NO 4, JALAN PERJIRANAN 10, TAMAN AIR BIRU, 81700 JOHOR",
                                       "LOT 7, JALAN KENARI 5, BANDAR PUCHONG JAYA, 47170",
                                       "NO 3, JALAN DESA, TAMAN HARMONI, 81100 JOHOR BAHRU.",
                                       "MR. D.I.Y. SDN. BHD. NO. 5, JALAN BESAR."};
    ck_assert_int_eq(xcand_mark_habit(more, 4), ','); /* a final stop, NO. and BHD. are none */
    ck_assert_int_eq(xcand_mark_habit(more, 2), 0);   /* two commas only */
    static const char *const stops[] = {"RUE DES LILAS. LYON", "CHEMIN DES ROSES. PARIS",
                                        "AVENUE MOZART. NICE"};
    ck_assert_int_eq(xcand_mark_habit(stops, 3), '.');
    ck_assert_int_eq(xcand_mark_habit(NULL, 0), 0);
    char out[128] = "untouched";
    ck_assert_uint_eq(xcand_marks("NO 4,JALAN PERJIRANAN 10, TAMAN AIR BIRU. 81700 PASIR GUDANG, "
                                  "JOHOR.",
                                  ',', out, sizeof out),
                      1);
    ck_assert_str_eq(out, "NO 4,JALAN PERJIRANAN 10, TAMAN AIR BIRU, 81700 PASIR GUDANG, JOHOR.");
    ck_assert_uint_eq(xcand_marks("KAWASAN. PERINDUSTRIAN BALAKONG. 43300", ',', out, sizeof out),
                      2);
    ck_assert_str_eq(out, "KAWASAN, PERINDUSTRIAN BALAKONG, 43300");
    /* abbreviations, numbers, a final stop, the habit's own mark: as they are */
    snprintf(out, sizeof out, "untouched");
    ck_assert_uint_eq(
        xcand_marks("NO. 53, JALAN SR 1.9. SDN. BHD. TAMAN SEA.", ',', out, sizeof out), 0);
    ck_assert_uint_eq(xcand_marks("TAMAN AIR BIRU. 81700", 0, out, sizeof out), 0);
    ck_assert_uint_eq(xcand_marks(NULL, ',', out, sizeof out), 0);
    ck_assert_str_eq(out, "untouched");
    ck_assert_uint_eq(xcand_marks("RUE DES LILAS, ZONE NORD", '.', out, sizeof out), 1);
    ck_assert_str_eq(out, "RUE DES LILAS. ZONE NORD");
    /* cut to the output's size */
    char small[8];
    ck_assert_uint_eq(xcand_marks("TAMAN BIRU. 81700", ',', small, sizeof small), 1);
    ck_assert_str_eq(small, "TAMAN B");
}
END_TEST

/* The page's own spelling of a remembered vendor stands where it is another real spelling
 * (a shop of the chain, punctuation as printed), not where it is a misreading. */
START_TEST(vendor_spellings)
{
    ck_assert(vendor_own_spelling("MR. D.I.Y. SDN BHD", "MR. D.I.Y. (M) SDN BHD"));
    ck_assert(vendor_own_spelling("MR. D.I.Y. (KUCHAI) SDN BHD", "MR. D.I.Y. SDN BHD"));
    ck_assert(vendor_own_spelling("MR.D.I.Y(M)SDN BHD", "MR. D.I.Y. (M) SDN BHD"));
    ck_assert(vendor_own_spelling("AEON CO. (M) BHD.", "AEON CO. (M) BHD"));
    /* the same spelling (case and spaces aside) is not another one */
    ck_assert(!vendor_own_spelling("aeon co. (m)  bhd", "AEON CO. (M) BHD"));
    /* misreadings */
    ck_assert(!vendor_own_spelling("MR D.I.¥. (M) SON BHD", "MR. D.I.Y. (M) SDN BHD"));
    ck_assert(!vendor_own_spelling("UAN HING STATIONERY SDN BHD", "LIAN HING STATIONERY SDN BHD"));
    ck_assert(!vendor_own_spelling("HOME MASTER HARDWARE &", "HOME MASTER HARDWARE & ELECTRICAL"));
    ck_assert(
        !vendor_own_spelling("MASTER HARDWARE & ELECTRICAL", "HOME MASTER HARDWARE & ELECTRICAL"));
    ck_assert(
        !vendor_own_spelling("MR. D.I.Y. I SDN BHD", "MR. D.I.Y. SDN BHD")); /* a stray mark */
    ck_assert(!vendor_own_spelling("ABC", "ABC TRADING"));
    ck_assert(!vendor_own_spelling(NULL, "ABC TRADING"));
    /* vendor_apply leaves the page's spelling, vendor_snap does not snap it */
    struct vendor_list l = {0};
    cJSON *c1 = cJSON_Parse("{\"company\":{\"value\":\"MR. D.I.Y. (M) SDN BHD\"}}");
    ck_assert_int_eq(vendor_add(&l, c1, NULL), DP_OK);
    char out[128] = "";
    ck_assert(vendor_snap(&l, 0, "MR. D.I.Y. SDN BHD", 0.8, out, sizeof out) == 0);
    ck_assert(vendor_snap(&l, 0, "MR. D.I.Y. (M) SDN 8HD", 0.8, out, sizeof out) > 0.9);
    ck_assert_str_eq(out, "MR. D.I.Y. (M) SDN BHD");
    static const char *const lines[] = {"MR. D.I.Y. SDN BHD", "Receipt 7"};
    struct dp_doc_text d;
    struct cand_set cs;
    xdoc_make(&d, lines, 2);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    cJSON *fields = cJSON_Parse("[{\"name\":\"company\",\"value\":\"MR. D.I.Y. SDN BHD\","
                                "\"source\":\"model\"}]");
    ck_assert_int_eq(vendor_apply(&l, &cs, fields), 1);
    cJSON *f = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")), "MR. D.I.Y. SDN BHD");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "source")), "model");
    cJSON_Delete(fields);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    vendor_list_cleanup(&l);
    cJSON_Delete(c1);
}
END_TEST

/* A vendor's remembered address is the spelling its confirmations give most often, not the
 * last one (a reviewer's typo); a tie goes to the later one. */
START_TEST(vendor_votes)
{
    static const char *const js[] = {
        "{\"company\":\"UNIHAKKA SDN BHD\",\"address\":\"12, JALAN TAMPOI, PERINDUSTRIAN\"}",
        "{\"company\":\"Unihakka  SDN BHD\",\"address\":\"12, JALAN TAMPOI,  PERINDUSTRIAN\"}",
        "{\"company\":\"UNIHAKKA SDN BHD\",\"address\":\"12, JALAN TAMPOI, PARINDUSTRIAN\"}",
        "{\"company\":\"KEDAI ABC\",\"address\":\"1 JALAN A\"}",
        "{\"company\":\"KEDAI ABC\",\"address\":\"1 JALAN B\"}",
        "{\"company\":\"KEDAI ABC\"}",
        "{\"total\":\"9.00\"}"};
    size_t n = sizeof js / sizeof js[0];
    const cJSON *conf[7];
    struct vendor_list l = {0};
    for (size_t i = 0; i < n; i++) {
        conf[i] = cJSON_Parse(js[i]);
        ck_assert_ptr_nonnull(conf[i]);
        ck_assert_int_eq(vendor_add(&l, conf[i], NULL), DP_OK);
    }
    ck_assert_uint_eq(l.n, 2);
    ck_assert_str_eq(l.v[0].address, "12, JALAN TAMPOI, PARINDUSTRIAN"); /* the last one */
    ck_assert_str_eq(l.v[1].address, "");                                /* no address last */
    ck_assert_int_eq(vendor_vote(&l, conf, n), DP_OK);
    ck_assert_str_eq(l.v[0].address, "12, JALAN TAMPOI,  PERINDUSTRIAN"); /* two of three */
    ck_assert_str_eq(l.v[1].address, "1 JALAN B");                        /* a tie: the later */
    ck_assert_str_eq(l.v[1].company, "KEDAI ABC");
    for (size_t i = 0; i < n; i++)
        cJSON_Delete((cJSON *)conf[i]);
    vendor_list_cleanup(&l);
}
END_TEST

/* The day/month order a page prints a confirmed date in, and reading a date in an order. */
START_TEST(date_orders)
{
    char iso[16];
    ck_assert_uint_eq(xmodel_date_order("2018-03-06", "06/03/2018"), XMODEL_DAY_FIRST);
    ck_assert_uint_eq(xmodel_date_order("2018-03-06", "03/06/2018"), XMODEL_MONTH_FIRST);
    ck_assert_uint_eq(xmodel_date_order("2018-12-05", "12/05/18"), XMODEL_MONTH_FIRST);
    /* a page date that reads the same in both orders tells nothing */
    ck_assert_uint_eq(xmodel_date_order("25/12/2018", "25/12/18"), 0);
    ck_assert_uint_eq(xmodel_date_order("2018-12-25", "12/25/2018"), 0);
    /* no evidence: an ambiguous confirmed value, a page date that reads the same either way or
     * is another date, no date */
    ck_assert_uint_eq(xmodel_date_order("06/03/2018", "06/03/2018"), 0);
    ck_assert_uint_eq(xmodel_date_order("2018-03-03", "03/03/2018"), 0);
    ck_assert_uint_eq(xmodel_date_order("2018-03-06", "07/03/2018"), 0);
    ck_assert_uint_eq(xmodel_date_order("2018-03-06", "29 Mar 2018"), 0);
    ck_assert_uint_eq(xmodel_date_order("total", "06/03/2018"), 0);
    ck_assert_uint_eq(xmodel_date_order(NULL, "06/03/2018"), 0);
    ck_assert(xmodel_date_in_order("06/03/2018", XMODEL_DAY_FIRST, iso, sizeof iso));
    ck_assert_str_eq(iso, "2018-03-06");
    ck_assert(xmodel_date_in_order("06/03/2018", XMODEL_MONTH_FIRST, iso, sizeof iso));
    ck_assert_str_eq(iso, "2018-06-03");
    ck_assert(xmodel_date_in_order("25/12/2018", XMODEL_MONTH_FIRST, iso, sizeof iso));
    ck_assert_str_eq(iso, "2018-12-25"); /* no month 25: read the one way it reads */
    ck_assert(!xmodel_date_in_order("total", XMODEL_DAY_FIRST, iso, sizeof iso));
    ck_assert(!xmodel_date_in_order(NULL, XMODEL_DAY_FIRST, iso, sizeof iso));
    /* applying: the rules' month-first reading of an ambiguous date is read day-first for a
     * day-first tenant; a confirmed value and another field are left alone */
    struct xmodel m = {0};
    struct xmodel_field f = {.name = "date", .kind = XFEAT_KIND_DATE, .replace_above = 2};
    f.flags = XMODEL_SURE_FILL | XMODEL_DAY_FIRST;
    f.w = calloc(XFEAT_DIM + 1, sizeof *f.w);
    ck_assert_ptr_nonnull(f.w);
    m.f = &f;
    m.nf = 1;
    static const char *const lines[] = {"Date: 06/03/2018", "TOTAL 9.00"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 2);
    cJSON *fields = cJSON_Parse("[{\"name\":\"date\",\"value\":\"2018-06-03\",\"text\":"
                                "\"06/03/2018\",\"source\":\"rules\"},{\"name\":\"due_date\","
                                "\"value\":\"2018-06-03\",\"text\":\"06/03/2018\",\"source\":"
                                "\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 0), "value")),
        "2018-03-06");
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 1), "value")),
        "2018-06-03");
    cJSON_Delete(fields);
    f.flags = XMODEL_SURE_FILL | XMODEL_MONTH_FIRST; /* a month-first tenant keeps it */
    fields = cJSON_Parse("[{\"name\":\"date\",\"value\":\"2018-06-03\",\"text\":"
                         "\"06/03/2018\",\"source\":\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 0), "value")),
        "2018-06-03");
    cJSON_Delete(fields);
    f.flags = XMODEL_SURE_FILL | XMODEL_DAY_FIRST;
    fields = cJSON_Parse("[{\"name\":\"date\",\"value\":\"2018-06-03\",\"text\":"
                         "\"06/03/2018\",\"source\":\"confirmed\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 0), "value")),
        "2018-06-03");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    free(f.w);
}
END_TEST

/* A rules value that stands though the model scores another candidate higher is marked for
 * review, and review_mark_fields keeps the mark. */
START_TEST(model_disagrees)
{
    static const char *const lines[] = {"Date: 06/03/2018", "Printed 07/03/2018"};
    struct dp_doc_text d;
    struct cand_set cs;
    struct xfeat_doc fx;
    xdoc_make(&d, lines, 2);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    ck_assert_int_eq(xfeat_doc(&cs, NULL, &fx), DP_OK);
    struct xmodel m = {0};
    struct xmodel_field f = {.name = "date", .kind = XFEAT_KIND_DATE, .replace_above = 2};
    f.w = calloc(XFEAT_DIM + 1, sizeof *f.w);
    ck_assert_ptr_nonnull(f.w);
    size_t hits = 0;
    for (size_t i = 0; i < cs.n; i++) /* the model likes what "07/03/2018" looks like */
        if (strcmp(cs.c[i].text, "07/03/2018") == 0) {
            for (const struct feature_node *x = fx.x[i]; x->index != -1; x++)
                if (x->index <= XFEAT_DIM)
                    f.w[x->index - 1] += 1.0f;
            hits++;
        }
    ck_assert_uint_eq(hits, 1);
    m.f = &f;
    m.nf = 1;
    cJSON *fields = cJSON_Parse("[{\"name\":\"date\",\"value\":\"2018-03-06\",\"text\":"
                                "\"06/03/2018\",\"confidence\":0.9,\"source\":\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    cJSON *r = cJSON_GetArrayItem(fields, 0);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 1);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(r, "value")), "2018-03-06");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "model_disagrees")));
    ck_assert_int_eq(review_mark_fields(fields, 0.5), 1);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "needs_review")));
    cJSON_Delete(fields);
    /* the model prefers the rules' own value: no mark */
    fields = cJSON_Parse("[{\"name\":\"date\",\"value\":\"2018-03-07\",\"text\":"
                         "\"07/03/2018\",\"confidence\":0.9,\"source\":\"rules\"}]");
    ck_assert_int_eq(xmodel_apply(&m, &d, fields, NULL), DP_OK);
    r = cJSON_GetArrayItem(fields, 0);
    ck_assert_ptr_null(cJSON_GetObjectItem(r, "model_disagrees"));
    ck_assert_int_eq(review_mark_fields(fields, 0.5), 0);
    cJSON_Delete(fields);
    free(f.w);
    xfeat_doc_cleanup(&fx);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
}
END_TEST

/* One text is not two fields' value: where a field's best candidate overlaps a surer
 * field's choice, it takes its best candidate elsewhere. */
START_TEST(joint_choice)
{
    ck_assert(xmodel_boxes_overlap(0, 0, 100, 40, 10, 10, 50, 20));  /* inside */
    ck_assert(xmodel_boxes_overlap(0, 0, 100, 40, 50, 0, 100, 40));  /* half */
    ck_assert(!xmodel_boxes_overlap(0, 0, 100, 40, 80, 0, 100, 40)); /* a fifth */
    ck_assert(!xmodel_boxes_overlap(0, 0, 100, 40, 0, 40, 100, 40)); /* the line below */
    ck_assert(!xmodel_boxes_overlap(0, 0, 0, 0, 0, 0, 0, 0));        /* empty */
    /* candidates: 0 a name line, 1 a two-line address run, 2 its second line, 3 the same
     * box on page 2 */
    static const struct xmodel_box box[] = {{0, 100, 100, 400, 40},
                                            {0, 100, 140, 600, 80},
                                            {0, 100, 180, 300, 40},
                                            {1, 100, 180, 300, 40}};
    double address[] = {0.05, 0.9, 0.3, 0.1}, company[] = {0.4, 0.2, 0.6, -1};
    const double *q[] = {address, company};
    long best[2];
    double prob[2];
    xmodel_joint(q, 2, box, 4, best, prob);
    ck_assert_int_eq(best[0], 1);
    ck_assert_double_eq(prob[0], 0.9);
    ck_assert_int_eq(best[1], 0); /* not the address's second line */
    ck_assert_double_eq(prob[1], 0.4);
    /* the company surer: it keeps the line, the address takes a candidate apart from it */
    company[2] = 0.95;
    xmodel_joint(q, 2, box, 4, best, prob);
    ck_assert_int_eq(best[1], 2);
    ck_assert_int_eq(best[0], 3); /* 0.1 on page 2 before 0.05 */
    /* the same box on another page is another text; not allowed (-1) is never taken */
    company[2] = 0.6;
    company[0] = -1;
    company[3] = 0.5;
    xmodel_joint(q, 2, box, 4, best, prob);
    ck_assert_int_eq(best[0], 1);
    ck_assert_int_eq(best[1], 3);
    /* no candidate left: none */
    company[3] = -1;
    xmodel_joint(q, 2, box, 4, best, prob);
    ck_assert_int_eq(best[1], -1);
    ck_assert_double_eq(prob[1], 0);
    /* alone, a field takes its best */
    company[3] = 0.5;
    xmodel_joint(q + 1, 1, box, 4, best, prob);
    ck_assert_int_eq(best[0], 2);
}
END_TEST

/* Registration numbers printed beside a name in parentheses are cut off company names and
 * addresses; brackets that are part of the name stay. */
START_TEST(strip_ids)
{
    char out[128] = "untouched";
    ck_assert(xmodel_strip_id("AEON CO. (M) BHD (126928-H)", 0, out, sizeof out));
    ck_assert_str_eq(out, "AEON CO. (M) BHD");
    ck_assert(xmodel_strip_id("TRI SHAAS SDN BHD (728515-M) ", 0, out, sizeof out));
    ck_assert_str_eq(out, "TRI SHAAS SDN BHD");
    ck_assert(xmodel_strip_id("(867388-U) 12, Jalan Tampoi 7/4", 1, out, sizeof out));
    ck_assert_str_eq(out, "12, Jalan Tampoi 7/4");
    ck_assert(xmodel_strip_id("(Co. No. 113825-W) No 8, Jalan 7/118B", 1, out, sizeof out));
    ck_assert_str_eq(out, "No 8, Jalan 7/118B");
    snprintf(out, sizeof out, "untouched");
    ck_assert(!xmodel_strip_id("MR. D.I.Y. (M) SDN BHD", 0, out, sizeof out));
    ck_assert(!xmodel_strip_id("MR D.I.Y. (JOHOR) SDN BHD", 0, out, sizeof out));
    ck_assert(!xmodel_strip_id("(126928-H)", 0, out, sizeof out));              /* nothing left */
    ck_assert(!xmodel_strip_id("ACME (126928-H)", 0, out, sizeof out));         /* one word left */
    ck_assert(!xmodel_strip_id("ACME SDN BHD (NO 12)", 0, out, sizeof out));    /* two digits */
    ck_assert(!xmodel_strip_id("ACME SDN BHD (126928-H)", 1, out, sizeof out)); /* address: start */
    ck_assert(!xmodel_strip_id("(123456) ACME SDN BHD", 0, out, sizeof out));   /* company: end */
    ck_assert(!xmodel_strip_id("(BLOCK A) 12, JALAN 7/4", 1, out, sizeof out));
    ck_assert(!xmodel_strip_id(NULL, 0, out, sizeof out));
    ck_assert_str_eq(out, "untouched");
}
END_TEST

Suite *xcand_suite(void)
{
    Suite *s = suite_create("xcand");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, address_runs);
    tcase_add_test(tc, snap_to_memory);
    tcase_add_test(tc, vendor_spellings);
    tcase_add_test(tc, vendor_votes);
    tcase_add_test(tc, date_orders);
    tcase_add_test(tc, model_disagrees);
    tcase_add_test(tc, strip_ids);
    tcase_add_test(tc, joint_choice);
    tcase_add_test(tc, second_reading);
    tcase_add_test(tc, second_reading_json);
    tcase_add_test(tc, look_reading);
    tcase_add_test(tc, speck_runs);
    tcase_add_test(tc, mark_habit);
    suite_add_tcase(s, tc);
    return s;
}
