/* check_paycode.c -- EPC (GiroCode) and Swiss QR-bill payloads: the fields they carry, and the
 * malformed ones refused; the result fields they become. */
#include "testutil.h"
#include <stdio.h>
#include <string.h>
#include "paycode.h"

START_TEST(epc_payloads)
{
    struct paycode pc;
    const char *v2 = "BCD\n002\n1\nSCT\nCOBADEFFXXX\nMuster Lieferant GmbH\n"
                     "DE89 3704 0044 0532 0130 00\nEUR208.25\n\n\nRE-2026-0815";
    ck_assert_int_eq(paycode_parse(v2, strlen(v2), &pc), DP_OK);
    ck_assert_int_eq(pc.kind, PAYCODE_EPC);
    ck_assert_str_eq(pc.iban, "DE89370400440532013000");
    ck_assert_str_eq(pc.bic, "COBADEFFXXX");
    ck_assert_str_eq(pc.name, "Muster Lieferant GmbH");
    ck_assert_str_eq(pc.amount, "208.25");
    ck_assert_str_eq(pc.currency, "EUR");
    ck_assert_str_eq(pc.reference, "");
    ck_assert_str_eq(pc.text, "RE-2026-0815");
    /* CRLF, no BIC (allowed in 002), whole euros, a structured reference, trailing newline */
    const char *crlf = "BCD\r\n002\r\n1\r\nSCT\r\n\r\nRed Cross\r\nBE72000000001616\r\n"
                       "EUR12\r\nCHAR\r\nRF18539007547034\r\n\r\n";
    ck_assert_int_eq(paycode_parse(crlf, strlen(crlf), &pc), DP_OK);
    ck_assert_str_eq(pc.bic, "");
    ck_assert_str_eq(pc.amount, "12.00");
    ck_assert_str_eq(pc.purpose, "CHAR");
    ck_assert_str_eq(pc.reference, "RF18539007547034");
    /* no amount: left to the payer */
    const char *open = "BCD\n001\n1\nSCT\nGENODEF1XXX\nVerein e.V.\nDE02120300000000202051";
    ck_assert_int_eq(paycode_parse(open, strlen(open), &pc), DP_OK);
    ck_assert_str_eq(pc.amount, "");
}
END_TEST

START_TEST(epc_malformed)
{
    static const char *const bad[] = {
        "BCD\n003\n1\nSCT\nCOBADEFFXXX\nName\nDE89370400440532013000",       /* version */
        "BCD\n002\n9\nSCT\nCOBADEFFXXX\nName\nDE89370400440532013000",       /* charset */
        "BCD\n002\n1\nXYZ\nCOBADEFFXXX\nName\nDE89370400440532013000",       /* identification */
        "BCD\n001\n1\nSCT\n\nName\nDE89370400440532013000",                  /* 001 needs a BIC */
        "BCD\n002\n1\nSCT\nCOBADEFFXXX\n\nDE89370400440532013000",           /* no name */
        "BCD\n002\n1\nSCT\nCOBADEFFXXX\nName\nDE89-3704",                    /* IBAN */
        "BCD\n002\n1\nSCT\nCOBADEFFXXX\nName\nDE89370400440532013000\nUSD5", /* currency */
        "BCD\n002\n1\nSCT\nCOBADEFFXXX\nName\nDE89370400440532013000\nEUR1,50",
        "BCD\n002\n1\nSCT\nCOBADEFFXXX\nName\nDE89370400440532013000\nEUR0.00",
        "BCD\n002\n1\nSCT\nCOBADEFFXXX\nName\nDE89370400440532013000\nEUR1.505",
        "BCD\n002\n1\nSCT\nCOBADEFFXXX\nName\nDE89370400440532013000\nEUR1\n\nRF18\ntext",
        "BCD\n002\n1\nSCT\nCOBADEFFXXX", /* too short */
        "BCD\n002\n1\nSCT\nCOBADEFFXXX\nA name that is far too long for the seventy characters "
        "the standard allows\nDE89370400440532013000",
        "https://example.com/pay",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct paycode pc;
        ck_assert_msg(paycode_parse(bad[i], strlen(bad[i]), &pc) == DP_EPARSE, "case %zu", i);
        ck_assert_int_eq(pc.kind, 0);
    }
    struct paycode pc;
    char big[PAYCODE_MAX_BYTES + 8];
    memset(big, 'a', sizeof big);
    ck_assert_int_eq(paycode_parse(big, sizeof big, &pc), DP_ETOOBIG);
}
END_TEST

/* A Swiss QR-bill: 31 lines up to the EPD trailer, then bill information. */
static const char *spc(const char *iban, const char *amount, const char *reftype, const char *ref)
{
    static char buf[1024];
    snprintf(buf, sizeof buf,
             "SPC\n0200\n1\n%s\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n"
             "\n\n\n\n\n\n\n%s\nCHF\nS\nPia-Maria Rutschmann-Schnyder\nGrosse Marktgasse\n28\n"
             "9400\nRorschach\nCH\n%s\n%s\nAuftrag vom 15.06.2020\nEPD\n//S1/10/10201409",
             iban, amount, reftype, ref);
    return buf;
}

START_TEST(swiss_qr_bill)
{
    struct paycode pc;
    const char *s = spc("CH4431999123000889012", "1949.75", "QRR", "210000000003139471430009017");
    ck_assert_int_eq(paycode_parse(s, strlen(s), &pc), DP_OK);
    ck_assert_int_eq(pc.kind, PAYCODE_SPC);
    ck_assert_str_eq(pc.iban, "CH4431999123000889012");
    ck_assert_str_eq(pc.name, "Robert Schneider AG");
    ck_assert_str_eq(pc.amount, "1949.75");
    ck_assert_str_eq(pc.currency, "CHF");
    ck_assert_str_eq(pc.reference, "210000000003139471430009017");
    ck_assert_str_eq(pc.text, "Auftrag vom 15.06.2020");
    s = spc("CH5800791123000889012", "", "NON", "");
    ck_assert_int_eq(paycode_parse(s, strlen(s), &pc), DP_OK);
    ck_assert_str_eq(pc.amount, "");
    /* malformed: foreign IBAN, reference type without reference, reference with NON, amount */
    static const char *const bad[][4] = {
        {"DE89370400440532013000", "10.00", "NON", ""},
        {"CH4431999123000889012", "10.00", "QRR", ""},
        {"CH4431999123000889012", "10.00", "NON", "12345"},
        {"CH4431999123000889012", "10,00", "NON", ""},
        {"CH4431999123000889012", "10.00", "XYZ", ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        s = spc(bad[i][0], bad[i][1], bad[i][2], bad[i][3]);
        ck_assert_msg(paycode_parse(s, strlen(s), &pc) == DP_EPARSE, "case %zu", i);
    }
}
END_TEST

START_TEST(fields_from_a_code)
{
    struct paycode pc;
    const char *v2 = "BCD\n002\n1\nSCT\nCOBADEFFXXX\nMuster Lieferant GmbH\n"
                     "DE89370400440532013000\nEUR208.25\n\nRF18539007547034";
    ck_assert_int_eq(paycode_parse(v2, strlen(v2), &pc), DP_OK);
    cJSON *arr = cJSON_CreateArray();
    int box[4] = {1, 2, 30, 40};
    paycode_fields(&pc, 3, box, arr);
    ck_assert_int_eq(cJSON_GetArraySize(arr), 5); /* iban bic payee amount_due reference */
    const cJSON *f;
    int seen = 0;
    cJSON_ArrayForEach(f, arr)
    {
        ck_assert_str_eq(cJSON_GetObjectItem(f, "source")->valuestring, "qr");
        ck_assert_int_eq(cJSON_GetObjectItem(f, "page")->valueint, 3);
        const char *n = cJSON_GetObjectItem(f, "name")->valuestring;
        if (strcmp(n, "iban") == 0) {
            ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(f, "valid")));
            seen |= 1;
        } else if (strcmp(n, "amount_due") == 0) {
            const cJSON *v = cJSON_GetObjectItem(f, "value");
            ck_assert_str_eq(cJSON_GetObjectItem(v, "amount")->valuestring, "208.25");
            ck_assert_str_eq(cJSON_GetObjectItem(v, "currency")->valuestring, "EUR");
            seen |= 2;
        } else if (strcmp(n, "payment_reference") == 0) {
            ck_assert_str_eq(cJSON_GetObjectItem(f, "value")->valuestring, "RF18539007547034");
            seen |= 4;
        }
    }
    ck_assert_int_eq(seen, 7);
    cJSON_Delete(arr);
}
END_TEST

Suite *paycode_suite(void)
{
    Suite *s = suite_create("paycode");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, epc_payloads);
    tcase_add_test(tc, epc_malformed);
    tcase_add_test(tc, swiss_qr_bill);
    tcase_add_test(tc, fields_from_a_code);
    suite_add_tcase(s, tc);
    return s;
}
