/* check_xmodel.c -- the tenant extractor's pieces on documents built in memory: candidate
 * generation, alignment by edit distance, features, vendor memory, training and applying,
 * and the stored model (round trip; every truncation and a flipped magic fail cleanly). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "align.h"
#include "cand.h"
#include "fixtures_xdoc.h"
#include "testutil.h"
#include "vendor.h"
#include "xfeat.h"
#include "xmodel.h"

static size_t find(const struct cand_set *s, const char *text)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->c[i].text, text) == 0)
            return i;
    return (size_t)-1;
}

START_TEST(candidates)
{
    static const char *const lines[] = {"ACME GMBH", "| Main Street 5 |", "Total 9.00 EUR"};
    struct dp_doc_text d;
    struct cand_set s;
    xdoc_make(&d, lines, 3);
    ck_assert_int_eq(cand_generate(&d, &s), DP_OK);
    ck_assert_int_eq(s.npages, 1);
    ck_assert_int_eq(s.pages[0].nlines, 3);
    size_t i = find(&s, "9.00");
    ck_assert(i != (size_t)-1);
    ck_assert_int_eq(s.c[i].kind, 0);
    ck_assert_int_eq(s.c[i].line0, 2);
    ck_assert_int_eq(s.c[i].x, 100 + 100 + 20);
    ck_assert(find(&s, "Total 9.00 EUR") != (size_t)-1);
    /* runs of lines, debris words left out of the text */
    i = find(&s, "ACME GMBH Main Street 5");
    ck_assert(i != (size_t)-1);
    ck_assert_int_eq(s.c[i].kind, 2);
    ck_assert_int_eq(s.c[i].line1, 1);
    ck_assert(find(&s, "ACME GMBH Main Street 5 Total 9.00 EUR") != (size_t)-1);
    ck_assert(find(&s, "|") == (size_t)-1);
    /* every candidate is non-empty and inside the page */
    for (size_t k = 0; k < s.n; k++) {
        ck_assert(s.c[k].text[0] != '\0');
        ck_assert(s.c[k].x >= 0 && s.c[k].x + s.c[k].w <= d.pages[0].width);
    }
    cand_set_cleanup(&s);
    doctext_cleanup(&d);
}
END_TEST

START_TEST(from_json)
{
    cJSON *r =
        cJSON_Parse("{\"pages\":[{\"number\":1,\"width\":800,\"height\":600,\"words\":["
                    "{\"text\":\"PO\",\"conf\":0.9,\"bbox\":[10,20,30,15],\"line\":0},"
                    "{\"text\":\"4471\",\"conf\":0.5,\"bbox\":[50,20,40,15],\"line\":0},"
                    "{\"text\":\"next\",\"conf\":0.8,\"bbox\":[10,50,40,15],\"line\":1}]}]}");
    struct dp_doc_text d;
    ck_assert_int_eq(cand_doc_from_json(r, &d), DP_OK);
    ck_assert_int_eq(d.npages, 1);
    ck_assert_int_eq(d.pages[0].nwords, 3);
    ck_assert_str_eq(d.pages[0].words[1].text, "4471");
    ck_assert_int_eq(d.pages[0].words[1].x, 50);
    ck_assert_int_eq(d.pages[0].words[2].line, 1);
    ck_assert(d.pages[0].words[1].conf > 49 && d.pages[0].words[1].conf < 51);
    struct cand_set s;
    ck_assert_int_eq(cand_generate(&d, &s), DP_OK);
    size_t i = find(&s, "PO 4471");
    ck_assert(i != (size_t)-1);
    ck_assert(s.c[i].conf > 0.69 && s.c[i].conf < 0.71);
    cand_set_cleanup(&s);
    doctext_cleanup(&d);
    cJSON_Delete(r);
    cJSON *bad = cJSON_Parse("{\"text\":\"x\"}");
    ck_assert_int_eq(cand_doc_from_json(bad, &d), DP_EPARSE);
    cJSON_Delete(bad);
}
END_TEST

START_TEST(alignment)
{
    char out[64];
    ck_assert_int_eq(align_norm("  acme \n gmbh ", out, sizeof out), 9);
    ck_assert_str_eq(out, "ACME GMBH");
    ck_assert_int_eq(align_distance("kitten", 6, "sitting", 7, 10), 3);
    ck_assert_int_eq(align_distance("kitten", 6, "sitting", 7, 2), 3); /* max + 1 */
    ck_assert_int_eq(align_distance("", 0, "abc", 3, 5), 3);
    ck_assert(align_similarity("company", "ACME GMBH", "acme gmbh", 0) == 1.0);
    double s = align_similarity("company", "ACME GMBH", "ACNE GMBH", 0);
    ck_assert(s > 0.88 && s < 0.89);
    /* typed: the same amount or date written differently */
    ck_assert(align_similarity("total", "9.00", "RM9.00", 0) == 1.0);
    ck_assert(align_similarity("date", "2018-12-25", "25/12/2018", 0) == 1.0);
    ck_assert(align_similarity("date", "2018-12-25", "26/12/2018", 0) < 0.5);
    /* labels: the closest span, only when close enough */
    static const char *const lines[] = {"Invoice INV-1", "Order ref PO-4471", "Total 9.00"};
    struct dp_doc_text d;
    struct cand_set cs;
    xdoc_make(&d, lines, 3);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    unsigned char *pos = calloc(cs.n, 1);
    double best;
    ck_assert_int_eq(align_label(&cs, "po_number", "PO-4471", pos, &best), 1);
    ck_assert(best == 1.0);
    ck_assert(pos[find(&cs, "PO-4471")]);
    /* an OCR error in the page: still the closest span */
    ck_assert_int_eq(align_label(&cs, "po_number", "PO-4477", pos, &best), 1);
    ck_assert(pos[find(&cs, "PO-4471")]);
    ck_assert(best > 0.85 && best < 0.86);
    /* nothing alike */
    ck_assert_int_eq(align_label(&cs, "po_number", "ZZZZZZZZZZZZ", pos, &best), 0);
    free(pos);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
}
END_TEST

START_TEST(features)
{
    char out[32];
    xfeat_word("(Total:", out, sizeof out);
    ck_assert_str_eq(out, "total");
    xfeat_word("PO-4471", out, sizeof out);
    ck_assert_str_eq(out, "po-0000");
    xfeat_word("|", out, sizeof out);
    ck_assert_str_eq(out, "");
    xfeat_shape("PO-4471", out, sizeof out);
    ck_assert_str_eq(out, "A-9");
    xfeat_shape("Total 9.00", out, sizeof out);
    ck_assert_str_eq(out, "Aa 9.9");
    static const char *const lines[] = {"ACME", "Total 9.00", "Cash 10.00"};
    struct dp_doc_text d;
    struct cand_set cs;
    struct xfeat_doc fx;
    xdoc_make(&d, lines, 3);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    cJSON *rules = cJSON_Parse("[{\"name\":\"total\",\"text\":\"9.00\",\"page\":1,"
                               "\"bbox\":[220,140,80,30],\"source\":\"rules\"}]");
    ck_assert_int_eq(xfeat_doc(&cs, rules, &fx), DP_OK);
    ck_assert_int_eq(fx.n, cs.n);
    for (size_t i = 0; i < fx.n; i++) { /* ascending, bias last, -1 ends */
        const struct feature_node *x = fx.x[i];
        size_t k = 0;
        for (; x[k + 1].index != -1; k++)
            ck_assert(x[k].index < x[k + 1].index);
        ck_assert_int_eq(x[k].index, XFEAT_DIM + 1);
        ck_assert(k + 2 <= XFEAT_MAX);
    }
    /* the two amounts differ by their context and rank, so their features differ */
    const struct feature_node *a = fx.x[find(&cs, "9.00")], *b = fx.x[find(&cs, "10.00")];
    int differ = 0;
    for (size_t k = 0; a[k].index != -1 && b[k].index != -1; k++)
        differ |= a[k].index != b[k].index;
    ck_assert(differ);
    ck_assert_uint_eq(fx.kind[find(&cs, "9.00")], XFEAT_KIND_AMOUNT);
    ck_assert_uint_eq(fx.kind[find(&cs, "Total 9.00")], 0); /* a label is no currency */
    ck_assert_uint_eq(fx.kind[find(&cs, "ACME")], 0);
    xfeat_doc_cleanup(&fx);
    cJSON_Delete(rules);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
}
END_TEST

START_TEST(regno)
{
    ck_assert_int_eq(xfeat_regno("(532154-V)"), 1);
    ck_assert_int_eq(xfeat_regno("1234567-X:"), 1);
    ck_assert_int_eq(xfeat_regno("[002017394-P]"), 1);
    ck_assert_int_eq(xfeat_regno("(1234-A)."), 1);
    ck_assert_int_eq(xfeat_regno("123-A"), 0);           /* too few digits */
    ck_assert_int_eq(xfeat_regno("1234567890123-A"), 0); /* too many */
    ck_assert_int_eq(xfeat_regno("532154-v"), 0);        /* lower case */
    ck_assert_int_eq(xfeat_regno("532154V"), 0);         /* no dash */
    ck_assert_int_eq(xfeat_regno("532154-VX"), 0);
    ck_assert_int_eq(xfeat_regno("12-34567"), 0);
    ck_assert_int_eq(xfeat_regno("43000"), 0); /* a postcode */
    ck_assert_int_eq(xfeat_regno("(-X)"), 0);
    ck_assert_int_eq(xfeat_regno(""), 0);
}
END_TEST

START_TEST(value_kinds)
{
    ck_assert_uint_eq(xfeat_kind("25/12/2018"), XFEAT_KIND_DATE);
    ck_assert_uint_eq(xfeat_kind("2018-12-25"), XFEAT_KIND_DATE);
    ck_assert_uint_eq(xfeat_kind("9.00"), XFEAT_KIND_AMOUNT);
    ck_assert_uint_eq(xfeat_kind("RM 9.00"), XFEAT_KIND_AMOUNT);
    ck_assert_uint_eq(xfeat_kind("RM9.00"), XFEAT_KIND_AMOUNT);
    ck_assert_uint_eq(xfeat_kind("1,234.56"), XFEAT_KIND_AMOUNT);
    ck_assert_uint_eq(xfeat_kind("12,50"), XFEAT_KIND_AMOUNT);
    /* OCR debris around a number, a label, a bare integer, three decimals, an id */
    ck_assert_uint_eq(xfeat_kind("UNI 2.25)=RM"), 0);
    ck_assert_uint_eq(xfeat_kind("Tota! 70.75"), 0);
    ck_assert_uint_eq(xfeat_kind("9.00 RM"), 0);
    ck_assert_uint_eq(xfeat_kind("590"), 0);
    ck_assert_uint_eq(xfeat_kind("1.250"), 0);
    ck_assert_uint_eq(xfeat_kind("PO-4471"), 0);
    ck_assert_uint_eq(xfeat_kind("Date 25/12/2018"), 0);
    ck_assert_uint_eq(xfeat_kind(""), 0);
}
END_TEST

START_TEST(vendors)
{
    struct vendor_list l = {0};
    cJSON *c1 = cJSON_Parse("{\"company\":{\"value\":\"Nordwind Supplies GmbH\"},"
                            "\"address\":{\"value\":\"Hafenstrasse 12, Hamburg\"},"
                            "\"iban\":{\"value\":\"DE89 3704 0044 0532 0130 00\"}}");
    cJSON *c2 = cJSON_Parse("{\"company\":{\"value\":\"NORDWIND SUPPLIES GMBH\"}}");
    cJSON *c3 = cJSON_Parse("{\"total\":{\"value\":\"9.00\"}}");
    ck_assert_int_eq(vendor_add(&l, c1, NULL), DP_OK);
    ck_assert_int_eq(vendor_add(&l, c2, NULL), DP_OK); /* same name: replaces */
    ck_assert_int_eq(vendor_add(&l, c3, NULL), DP_OK); /* no company: nothing */
    ck_assert_int_eq(l.n, 1);
    ck_assert_str_eq(l.v[0].company, "NORDWIND SUPPLIES GMBH");
    static const char *const lines[] = {"NORDWlND SUPPL1ES GMBH", "Invoice 7"};
    struct dp_doc_text d;
    struct cand_set cs;
    xdoc_make(&d, lines, 2);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    size_t ci;
    double sim;
    ck_assert_int_eq(vendor_match(&l, &cs, &ci, &sim), 0);
    ck_assert_str_eq(cs.c[ci].text, "NORDWlND SUPPL1ES GMBH");
    ck_assert(sim > 0.9);
    cJSON *fields = cJSON_Parse("[{\"name\":\"company\",\"value\":\"NORDWlND\",\"source\":"
                                "\"rules\"}]");
    ck_assert_int_eq(vendor_apply(&l, &cs, fields), 1);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 1);
    cJSON *f = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")),
                     "NORDWIND SUPPLIES GMBH");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "source")), "memory");
    cJSON_Delete(fields);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    /* an unrelated name, and an IBAN alone identifies the vendor */
    vendor_add(&l, c1, NULL);
    static const char *const other[] = {"Blue Harbour Trading", "IBAN DE89 3704 0044 0532 0130 00"};
    xdoc_make(&d, other, 2);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    static const char *const none[] = {"Blue Harbour Trading"};
    struct dp_doc_text d2;
    struct cand_set cs2;
    xdoc_make(&d2, none, 1);
    ck_assert_int_eq(cand_generate(&d2, &cs2), DP_OK);
    ck_assert_int_eq(vendor_match(&l, &cs2, &ci, &sim), -1);
    ck_assert_int_eq(vendor_match(&l, &cs, &ci, &sim), 0);
    ck_assert(sim == 1.0);
    cand_set_cleanup(&cs2);
    doctext_cleanup(&d2);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    vendor_list_cleanup(&l);
    cJSON_Delete(c1);
    cJSON_Delete(c2);
    cJSON_Delete(c3);
}
END_TEST

START_TEST(vendor_numbers)
{
    static const char *const page1[] = {
        "POPULAR BOOK CO. (M) SDN BHD",    "(Co. No. 113825-W)",
        "(GST Reg No. 001492992000)",      "Tel : 03-9201 6281/6920",
        "9556930040116 KF MODELLING 9.00", "Invoice No: 201802095132"};
    struct dp_doc_text d;
    struct cand_set cs;
    char ids[8][VENDOR_ID_MAX];
    xdoc_make(&d, page1, 6);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    /* the labelled numbers only: not the short company number, the extension, the item's
     * barcode or the invoice number */
    ck_assert_uint_eq(vendor_page_ids(&cs, ids, 8), 2);
    ck_assert_str_eq(ids[0], "001492992000");
    ck_assert_str_eq(ids[1], "0392016281");
    struct vendor_list l = {0};
    cJSON *c1 = cJSON_Parse("{\"company\":\"POPULAR BOOK CO. (M) SDN BHD\","
                            "\"address\":\"NO 8, JALAN 7/118B, DESA TUN RAZAK\"}");
    cJSON *c2 = cJSON_Parse("{\"company\":\"BOOK CITY SDN BHD\"}");
    ck_assert_int_eq(vendor_add(&l, c1, &cs), DP_OK);
    static const char *const other[] = {"BOOK CITY SDN BHD", "GST ID: 000111222333"};
    struct dp_doc_text d2;
    struct cand_set cs2;
    xdoc_make(&d2, other, 2);
    ck_assert_int_eq(cand_generate(&d2, &cs2), DP_OK);
    ck_assert_int_eq(vendor_add(&l, c2, &cs2), DP_OK);
    ck_assert_str_eq(l.v[0].ids[0], "001492992000");
    ck_assert_str_eq(l.v[1].ids[0], "000111222333");
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    cand_set_cleanup(&cs2);
    doctext_cleanup(&d2);
    /* a later receipt whose name is a logo: its GST number (one digit misread) names it */
    static const char *const page2[] = {"~~ ae", "(GST Rew No. 001492992900)",
                                        "No 8, Jalan 7/118B, Desa Tun Razak", "Total 9.65"};
    xdoc_make(&d, page2, 4);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    size_t ci;
    double sim;
    ck_assert_int_eq(vendor_match(&l, &cs, &ci, &sim), 0);
    ck_assert_uint_eq(ci, (size_t)-1);
    ck_assert(sim == 1.0);
    cJSON *fields = cJSON_CreateArray();
    ck_assert_int_eq(vendor_apply(&l, &cs, fields), 1);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 2);
    cJSON *f = cJSON_GetArrayItem(fields, 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")),
                     "POPULAR BOOK CO. (M) SDN BHD");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(f, "bbox")));
    f = cJSON_GetArrayItem(fields, 1);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "name")), "address");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")),
                     "NO 8, JALAN 7/118B, DESA TUN RAZAK");
    cJSON_Delete(fields);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    /* the same vendor's other branch: its name, not the remembered address */
    static const char *const branch[] = {"(GST Reg No. 001492992000)",
                                         "Lot 12, Jalan Kenari 5, Puchong", "Total 9.65"};
    xdoc_make(&d, branch, 3);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(vendor_apply(&l, &cs, fields), 1);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 1);
    cJSON_Delete(fields);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    /* two digits off, or a short number: no match; the other vendor by its name */
    static const char *const page3[] = {"(GST No. 001492990900)", "B00K CITY SDN BHD"};
    xdoc_make(&d, page3, 2);
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    ck_assert_int_eq(vendor_match(&l, &cs, &ci, &sim), 1);
    ck_assert_str_eq(cs.c[ci].text, "B00K CITY SDN BHD");
    ck_assert(sim < 1.0 && sim >= VENDOR_MIN_SIM);
    cand_set_cleanup(&cs);
    doctext_cleanup(&d);
    vendor_list_cleanup(&l);
    cJSON_Delete(c1);
    cJSON_Delete(c2);
}
END_TEST

/* ---- training, applying, storing ---- */

#define NDOCS 8

/* NDOCS order pages of one vendor, each with nfill lines of words below (more candidates than
 * training keeps per page when nfill is large), and their confirmed fields. */
static void po_docs(struct dp_doc_text *docs, cJSON **conf, struct xmodel_doc *td, int nfill)
{
    static const char *const words[] = {"alpha",   "bravo", "charlie", "delta", "echo",
                                        "foxtrot", "golf",  "hotel",   "india", "juliet"};
    for (int i = 0; i < NDOCS; i++) {
        char l0[64], l1[64], l2[64], l3[64], po[16], fill[64][48];
        const char *lines[5 + 64];
        snprintf(l0, sizeof l0, "Harbor Tools Ltd");
        snprintf(l1, sizeof l1, "Customer C-%05d", 10000 + 77 * i);
        snprintf(po, sizeof po, "PO-%04d", 1000 + 37 * i);
        snprintf(l2, sizeof l2, "Order ref %s", po);
        snprintf(l3, sizeof l3, "Total %d.00", 10 + i);
        lines[0] = l0;
        lines[1] = "Tel 040-555 1234";
        lines[2] = l1;
        lines[3] = l2;
        lines[4] = l3;
        for (int k = 0; k < nfill && k < 64; k++) {
            snprintf(fill[k], sizeof fill[k], "%s %s %s", words[(k + i) % 10],
                     words[(3 * k + 1) % 10], words[(7 * k + i + 2) % 10]);
            lines[5 + k] = fill[k];
        }
        xdoc_make(&docs[i], lines, 5 + (size_t)(nfill < 64 ? nfill : 64));
        char js[160];
        snprintf(js, sizeof js,
                 "{\"po_number\":{\"value\":\"%s\"},\"company\":\"Harbor Tools Ltd\","
                 "\"total\":\"%d.00\"}",
                 po, 10 + i);
        conf[i] = cJSON_Parse(js);
        td[i] = (struct xmodel_doc){&docs[i], conf[i], NULL};
    }
}

static struct xmodel *train_po(struct dp_doc_text *docs, cJSON **conf)
{
    struct xmodel_doc td[NDOCS];
    po_docs(docs, conf, td, 0);
    struct xmodel *m = NULL;
    ck_assert_int_eq(xmodel_train(td, NDOCS, &m), DP_OK);
    return m;
}

/* Another draw of the negatives: sample 0 is xmodel_train's own model; where a page holds more
 * candidates than training keeps, sample 1 keeps others, and its model still reads the field. */
START_TEST(train_sample)
{
    struct dp_doc_text docs[NDOCS];
    cJSON *conf[NDOCS];
    struct xmodel_doc td[NDOCS];
    po_docs(docs, conf, td, 60);
    struct xmodel *m0 = NULL, *s0 = NULL, *s1 = NULL;
    ck_assert_int_eq(xmodel_train(td, NDOCS, &m0), DP_OK);
    ck_assert_int_eq(xmodel_train_sample(td, NDOCS, 0, &s0), DP_OK);
    ck_assert_int_eq(xmodel_train_sample(td, NDOCS, 1, &s1), DP_OK);
    ck_assert_uint_eq(m0->nf, s0->nf);
    ck_assert_uint_eq(m0->nf, s1->nf);
    int differ = 0;
    for (size_t f = 0; f < m0->nf; f++) {
        ck_assert_str_eq(m0->f[f].name, s1->f[f].name);
        ck_assert_int_eq(memcmp(m0->f[f].w, s0->f[f].w, (XFEAT_DIM + 1) * sizeof(float)), 0);
        differ |= memcmp(m0->f[f].w, s1->f[f].w, (XFEAT_DIM + 1) * sizeof(float)) != 0;
    }
    ck_assert_msg(differ, "sample 1 kept the same negatives as sample 0");
    static const char *const lines[] = {"Harbor Tools Ltd", "Customer C-55555", "Order ref PO-9876",
                                        "Total 99.00", "golf hotel india"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 5);
    cJSON *fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(s1, &d, fields, NULL), DP_OK);
    const cJSON *f;
    int found = 0;
    cJSON_ArrayForEach(f, fields)
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "name")), "po_number") == 0)
            found = strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")), "PO-9876") == 0;
    }
    ck_assert(found);
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    xmodel_free(m0);
    xmodel_free(s0);
    xmodel_free(s1);
    for (int i = 0; i < NDOCS; i++) {
        doctext_cleanup(&docs[i]);
        cJSON_Delete(conf[i]);
    }
}
END_TEST

START_TEST(train_apply)
{
    struct dp_doc_text docs[NDOCS];
    cJSON *conf[NDOCS];
    struct xmodel *m = train_po(docs, conf);
    ck_assert_int_eq(m->nf, 3);
    ck_assert_str_eq(m->f[0].name, "po_number");
    ck_assert_uint_eq(m->f[0].kind, 0);
    ck_assert_str_eq(m->f[2].name, "total"); /* every confirmed total an amount: only amounts */
    ck_assert_uint_eq(m->f[2].kind, XFEAT_KIND_AMOUNT);
    ck_assert_int_eq(m->f[2].cv_correct, NDOCS);
    /* no rules values: every held-out answer is a win, so the model replaces from its lowest
     * held-out probability on */
    ck_assert_int_eq(m->f[0].cv_wins, NDOCS);
    ck_assert_int_eq(m->f[0].cv_losses, 0);
    ck_assert(xmodel_replaces_rules(&m->f[0]));
    ck_assert(m->f[0].replace_above > 0 && m->f[0].replace_above <= 1);
    ck_assert_int_eq(m->f[0].examples, NDOCS);
    ck_assert_int_eq(m->f[0].aligned, NDOCS);
    ck_assert_int_eq(m->f[0].cv_docs, NDOCS);
    ck_assert_int_eq(m->f[0].cv_correct, NDOCS);
    ck_assert_int_eq(m->vendors.n, 1);
    /* a new document with the order reference lower down */
    static const char *const lines[] = {"Harbor Tools Ltd", "Customer C-55555", "Note: urgent",
                                        "Order ref PO-9876", "Total 99.00"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 5);
    cJSON *fields = cJSON_CreateArray(), *missing = NULL;
    ck_assert_int_eq(xmodel_apply(m, &d, fields, &missing), DP_OK);
    ck_assert_ptr_null(missing);
    int found = 0;
    cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "name")), "po_number") == 0) {
            found = 1;
            ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")), "PO-9876");
            ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "source")), "model");
        }
    }
    ck_assert(found);
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    /* no order reference on the page: the model does not answer with confidence */
    static const char *const bare[] = {"Harbor Tools Ltd", "Total 5.00"};
    xdoc_make(&d, bare, 2);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(m, &d, fields, &missing), DP_OK);
    int unsure = missing && cJSON_GetArraySize(missing) > 0;
    cJSON_ArrayForEach(f, fields)
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "name")), "po_number") == 0)
            unsure |= cJSON_IsTrue(cJSON_GetObjectItem(f, "needs_review"));
    }
    ck_assert_msg(unsure, "a po_number without review on a page that has none");
    cJSON_Delete(missing);
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    /* nothing to learn from: no field confirmed twice */
    struct xmodel_doc one = {&docs[0], conf[0], NULL};
    struct xmodel *none = NULL;
    ck_assert_int_eq(xmodel_train(&one, 1, &none), DP_EINVAL);
    ck_assert_ptr_null(none);
    xmodel_free(m);
    for (int i = 0; i < NDOCS; i++) {
        doctext_cleanup(&docs[i]);
        cJSON_Delete(conf[i]);
    }
}
END_TEST

/* Whether fields hold a field name, and its value's amount or string in *v. */
static int field_of(const cJSON *fields, const char *name, const char **v)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "name")), name) != 0)
            continue;
        const cJSON *val = cJSON_GetObjectItem(f, "value");
        *v = cJSON_IsObject(val) ? cJSON_GetStringValue(cJSON_GetObjectItem(val, "amount"))
                                 : cJSON_GetStringValue(val);
        return 1;
    }
    return 0;
}

/* The model meets the rules: replaces them only when sure, and with the gate not when it is as
 * sure of the rules' value; a typed value the rules missed is filled in only when sure. */
START_TEST(rules_gate)
{
    struct xmodel_field f = {.cv_wins = 10, .cv_losses = 0, .replace_above = 0.8};
    ck_assert(xmodel_replaces(&f, 0.9, 0.85));
    ck_assert(!xmodel_replaces(&f, 0.7, -1));
    f.flags = XMODEL_GATE;
    ck_assert(!xmodel_replaces(&f, 0.9, 0.85)); /* as sure of the rules' value: rules win */
    ck_assert(xmodel_replaces(&f, 0.9, 0.5));
    ck_assert(xmodel_replaces(&f, 0.9, -1)); /* the rules' value is no candidate */
    f.cv_losses = 8;                         /* the sign test fails: never */
    ck_assert(!xmodel_replaces(&f, 0.99, -1));

    struct dp_doc_text docs[NDOCS];
    cJSON *conf[NDOCS];
    struct xmodel *m = train_po(docs, conf);
    struct xmodel_field *total = &m->f[2];
    ck_assert_str_eq(total->name, "total");
    ck_assert_uint_eq(total->flags & XMODEL_SURE_FILL, XMODEL_SURE_FILL); /* typed: amounts */
    ck_assert_uint_eq(m->f[0].flags & XMODEL_SURE_FILL, 0);
    static const char *const lines[] = {"Harbor Tools Ltd", "Order ref PO-4444", "Total 42.00",
                                        "Cash 50.00"};
    struct dp_doc_text d;
    xdoc_make(&d, lines, 4);
    struct cand_set cs;
    struct xfeat_doc fx;
    ck_assert_int_eq(cand_generate(&d, &cs), DP_OK);
    ck_assert_int_eq(xfeat_doc(&cs, NULL, &fx), DP_OK);
    double p42 = xmodel_value_prob(total, &cs, &fx, "42.00");
    ck_assert(p42 > 0 && p42 <= 1);
    ck_assert(xmodel_value_prob(total, &cs, &fx, "RM 42,00") == p42); /* the same amount */
    ck_assert(xmodel_value_prob(total, &cs, &fx, "43.00") == -1);     /* not on the page */
    ck_assert(xmodel_value_prob(total, &cs, &fx, NULL) == -1);
    xfeat_doc_cleanup(&fx);
    cand_set_cleanup(&cs);
    /* the rules found no total: filled in when sure, else left missing */
    const char *v = NULL;
    total->review_below = 0;
    cJSON *fields = cJSON_CreateArray(), *missing = NULL;
    ck_assert_int_eq(xmodel_apply(m, &d, fields, &missing), DP_OK);
    ck_assert(field_of(fields, "total", &v));
    ck_assert_str_eq(v, "42.00");
    cJSON_Delete(fields);
    cJSON_Delete(missing);
    total->review_below = 1.01; /* never sure: filled in only as the page's largest amount on
                                   no payment line (the cash is on one), for review */
    fields = cJSON_CreateArray();
    missing = NULL;
    ck_assert_int_eq(xmodel_apply(m, &d, fields, &missing), DP_OK);
    ck_assert(field_of(fields, "total", &v));
    ck_assert_str_eq(v, "42.00");
    ck_assert_ptr_null(missing);
    cJSON_Delete(fields);
    static const char *const more[] = {"Harbor Tools Ltd", "Order ref PO-4444", "Total 42.00",
                                       "Deposit 50.00"};
    struct dp_doc_text d2;
    xdoc_make(&d2, more, 4);
    fields = cJSON_CreateArray();
    ck_assert_int_eq(xmodel_apply(m, &d2, fields, &missing), DP_OK);
    ck_assert(!field_of(fields, "total", &v) || strcmp(v, "50.00") == 0);
    cJSON_Delete(fields);
    cJSON_Delete(missing);
    doctext_cleanup(&d2);
    /* the rules read the cash as the total: the model is sure of 42.00 and replaces it unless
     * gated while as sure of 50.00 */
    static const char *const rules_cash =
        "[{\"name\":\"total\",\"value\":{\"amount\":\"50.00\"},\"text\":\"50.00\","
        "\"source\":\"rules\"}]";
    total->cv_wins = 10;
    total->cv_losses = 0;
    total->replace_above = 0;
    total->flags = 0;
    fields = cJSON_Parse(rules_cash);
    ck_assert_int_eq(xmodel_apply(m, &d, fields, NULL), DP_OK);
    ck_assert(field_of(fields, "total", &v));
    ck_assert_str_eq(v, "42.00");
    cJSON_Delete(fields);
    total->flags = XMODEL_GATE; /* every probability is >= 0: as sure of the cash */
    fields = cJSON_Parse(rules_cash);
    ck_assert_int_eq(xmodel_apply(m, &d, fields, NULL), DP_OK);
    ck_assert(field_of(fields, "total", &v));
    ck_assert_str_eq(v, "50.00");
    cJSON_Delete(fields);
    doctext_cleanup(&d);
    xmodel_free(m);
    for (int i = 0; i < NDOCS; i++) {
        doctext_cleanup(&docs[i]);
        cJSON_Delete(conf[i]);
    }
}
END_TEST

START_TEST(save_load)
{
    struct dp_doc_text docs[NDOCS];
    cJSON *conf[NDOCS];
    struct xmodel *m = train_po(docs, conf);
    m->version = 7;
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(xmodel_save(m, &buf, &len), DP_OK);
    struct xmodel *back = NULL;
    ck_assert_int_eq(xmodel_load(buf, len, &back), DP_OK);
    ck_assert_int_eq(back->version, 7);
    ck_assert_int_eq(back->nf, m->nf);
    for (size_t i = 0; i < m->nf; i++) {
        ck_assert_str_eq(back->f[i].name, m->f[i].name);
        ck_assert_int_eq(back->f[i].cv_correct, m->f[i].cv_correct);
        ck_assert_uint_eq(back->f[i].kind, m->f[i].kind);
        ck_assert(back->f[i].replace_above == m->f[i].replace_above);
        ck_assert_uint_eq(back->f[i].flags, m->f[i].flags);
        ck_assert(memcmp(back->f[i].w, m->f[i].w, (XFEAT_DIM + 1) * sizeof(float)) == 0);
    }
    ck_assert_int_eq(back->vendors.n, 1);
    ck_assert_str_eq(back->vendors.v[0].company, "Harbor Tools Ltd");
    ck_assert_str_eq(back->vendors.v[0].ids[0], "0405551234");
    ck_assert_str_eq(back->vendors.v[0].ids[1], "");
    xmodel_free(back);
    /* every truncation fails cleanly */
    for (size_t cut = 0; cut < len; cut++) {
        back = NULL;
        ck_assert_msg(xmodel_load(buf, cut, &back) == DP_EPARSE, "cut at %zu of %zu loaded", cut,
                      len);
        ck_assert_ptr_null(back);
    }
    /* and trailing bytes, a wrong magic, a field count past the cap */
    unsigned char *more = malloc(len + 1);
    memcpy(more, buf, len);
    more[len] = 0;
    ck_assert_int_eq(xmodel_load(more, len + 1, &back), DP_EPARSE);
    more[0] = 'X';
    ck_assert_int_eq(xmodel_load(more, len, &back), DP_EPARSE);
    memcpy(more, buf, len);
    more[28] = 0xff; /* nf, after magic, format, version, trained_ms, train_s */
    ck_assert_int_eq(xmodel_load(more, len, &back), DP_EPARSE);
    free(more);
    free(buf);
    xmodel_free(m);
    for (int i = 0; i < NDOCS; i++) {
        doctext_cleanup(&docs[i]);
        cJSON_Delete(conf[i]);
    }
}
END_TEST

Suite *xmodel_suite(void)
{
    Suite *s = suite_create("xmodel");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, candidates);
    tcase_add_test(tc, from_json);
    tcase_add_test(tc, regno);
    tcase_add_test(tc, alignment);
    tcase_add_test(tc, features);
    tcase_add_test(tc, value_kinds);
    tcase_add_test(tc, vendors);
    tcase_add_test(tc, vendor_numbers);
    tcase_add_test(tc, train_apply);
    tcase_add_test(tc, train_sample);
    tcase_add_test(tc, rules_gate);
    tcase_add_test(tc, save_load);
    suite_add_tcase(s, tc);
    return s;
}
