/* check_xcand.c -- the tenant extractor on multi-line values: an address learnt from ten
 * receipts is exactly its two or three lines on unseen ones, not with the registration number
 * above it or the phone line below it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures_xdoc.h"
#include "testutil.h"
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

Suite *xcand_suite(void)
{
    Suite *s = suite_create("xcand");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, address_runs);
    suite_add_tcase(s, tc);
    return s;
}
