/* check_einvoice.c -- the CII/UBL reader on the sample invoices (and a ZUGFeRD 1 shaped one),
 * hostile XML (DTD, entities, junk), sniffing, and the XML a PDF carries (decode). */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "einvoice.h"
#include "fixtures_invoice.h"

static struct einvoice *parse_ok(const char *xml)
{
    struct einvoice *inv = NULL;
    ck_assert_int_eq(einvoice_parse(xml, strlen(xml), &inv), DP_OK);
    ck_assert_ptr_nonnull(inv);
    return inv;
}

/* Both syntaxes of the same invoice read to the same values. */
static void assert_sample(const struct einvoice *inv)
{
    ck_assert_str_eq(inv->number, "RE-2026-0815");
    ck_assert_str_eq(inv->issue_date, "2026-03-15");
    ck_assert_str_eq(inv->due_date, "2026-04-14");
    ck_assert_str_eq(inv->currency, "EUR");
    ck_assert_str_eq(inv->seller, "Muster Lieferant GmbH");
    ck_assert_str_eq(inv->seller_vat, "DE136695976");
    ck_assert_str_eq(inv->buyer, "Kunde AG");
    ck_assert_ptr_null(inv->buyer_vat);
    ck_assert_str_eq(inv->iban, "DE89370400440532013000");
    ck_assert_str_eq(inv->line_total, "175.00");
    ck_assert_str_eq(inv->tax_basis, "175.00");
    ck_assert_str_eq(inv->tax_total, "33.25");
    ck_assert_str_eq(inv->grand_total, "208.25");
    ck_assert_str_eq(inv->due_payable, "208.25");
    ck_assert_uint_eq(inv->nlines, 2);
    ck_assert_str_eq(inv->lines[0].description, "Widget A4");
    ck_assert_str_eq(inv->lines[0].quantity, "10");
    ck_assert_str_eq(inv->lines[0].unit, "H87");
    ck_assert_str_eq(inv->lines[0].unit_price, "9.50");
    ck_assert_str_eq(inv->lines[0].amount, "95.00");
    ck_assert_str_eq(inv->lines[0].tax_rate, "19");
    ck_assert_str_eq(inv->lines[1].description, "Service hour");
    ck_assert_str_eq(inv->lines[1].unit, "HUR");
    ck_assert_str_eq(inv->lines[1].amount, "80.00");
    ck_assert_uint_eq(inv->ntaxes, 1);
    ck_assert_str_eq(inv->taxes[0].rate, "19");
    ck_assert_str_eq(inv->taxes[0].basis, "175.00");
    ck_assert_str_eq(inv->taxes[0].amount, "33.25");
}

START_TEST(cii_sample)
{
    struct einvoice *inv = parse_ok(fixture_cii_xml());
    ck_assert_int_eq(inv->syntax, EINVOICE_CII);
    assert_sample(inv);
    ck_assert_ptr_null(inv->bic);
    einvoice_free(inv);
}
END_TEST

START_TEST(ubl_sample)
{
    struct einvoice *inv = parse_ok(fixture_ubl_xml());
    ck_assert_int_eq(inv->syntax, EINVOICE_UBL);
    assert_sample(inv);
    ck_assert_str_eq(inv->bic, "COBADEFFXXX");
    einvoice_free(inv);
}
END_TEST

/* ZUGFeRD 1.0: other element names, no prefix on the children, the date as element text. */
START_TEST(zugferd1_shape)
{
    const char *xml =
        "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n"
        "<rsm:Invoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CBFBUY:5\">"
        "<rsm:HeaderExchangedDocument><ID>RE-1/499</ID><TypeCode>380</TypeCode>"
        "<IssueDateTime format=\"102\">20140519</IssueDateTime></rsm:HeaderExchangedDocument>"
        "<rsm:SpecifiedSupplyChainTradeTransaction>"
        "<ApplicableSupplyChainTradeAgreement><SellerTradeParty><Name>usegroup</Name>"
        "<SpecifiedTaxRegistration><ID schemeID=\"VA\"></ID></SpecifiedTaxRegistration>"
        "</SellerTradeParty></ApplicableSupplyChainTradeAgreement>"
        "<ApplicableSupplyChainTradeSettlement><InvoiceCurrencyCode>EUR</InvoiceCurrencyCode>"
        "<SpecifiedTradeSettlementMonetarySummation><LineTotalAmount currencyID=\"EUR\">496.00"
        "</LineTotalAmount><TaxTotalAmount currencyID=\"USD\">1.00</TaxTotalAmount>"
        "<TaxTotalAmount currencyID=\"EUR\">63.84</TaxTotalAmount>"
        "<GrandTotalAmount currencyID=\"EUR\">559.84</GrandTotalAmount>"
        "</SpecifiedTradeSettlementMonetarySummation></ApplicableSupplyChainTradeSettlement>"
        "<IncludedSupplyChainTradeLineItem><SpecifiedSupplyChainTradeAgreement>"
        "<NetPriceProductTradePrice><ChargeAmount>0.79</ChargeAmount><BasisQuantity "
        "unitCode=\"C62\">1</BasisQuantity></NetPriceProductTradePrice>"
        "</SpecifiedSupplyChainTradeAgreement><SpecifiedSupplyChainTradeDelivery>"
        "<BilledQuantity unitCode=\"C62\">400</BilledQuantity>"
        "</SpecifiedSupplyChainTradeDelivery><SpecifiedSupplyChainTradeSettlement>"
        "<ApplicableTradeTax><ApplicablePercent>19.00</ApplicablePercent></ApplicableTradeTax>"
        "<SpecifiedTradeSettlementMonetarySummation><LineTotalAmount>316.00</LineTotalAmount>"
        "</SpecifiedTradeSettlementMonetarySummation></SpecifiedSupplyChainTradeSettlement>"
        "<SpecifiedTradeProduct><Name>Luftballon</Name></SpecifiedTradeProduct>"
        "</IncludedSupplyChainTradeLineItem>"
        "</rsm:SpecifiedSupplyChainTradeTransaction></rsm:Invoice>";
    ck_assert(einvoice_sniff(xml, strlen(xml)));
    struct einvoice *inv = parse_ok(xml);
    ck_assert_str_eq(inv->number, "RE-1/499");
    ck_assert_str_eq(inv->issue_date, "2014-05-19");
    ck_assert_str_eq(inv->seller, "usegroup");
    ck_assert_ptr_null(inv->seller_vat);       /* empty element: absent */
    ck_assert_str_eq(inv->tax_total, "63.84"); /* the one in the invoice currency */
    ck_assert_str_eq(inv->grand_total, "559.84");
    ck_assert_uint_eq(inv->nlines, 1);
    ck_assert_str_eq(inv->lines[0].description, "Luftballon");
    ck_assert_str_eq(inv->lines[0].quantity, "400");
    ck_assert_str_eq(inv->lines[0].unit_price, "0.79");
    ck_assert_str_eq(inv->lines[0].price_basis, "1");
    ck_assert_str_eq(inv->lines[0].tax_rate, "19.00");
    ck_assert_str_eq(inv->lines[0].amount, "316.00");
    einvoice_free(inv);
}
END_TEST

START_TEST(fields_and_items_json)
{
    struct einvoice *inv = parse_ok(fixture_cii_xml());
    cJSON *f = einvoice_fields(inv, "xml"), *it = einvoice_line_items(inv, "embedded_xml");
    const cJSON *x;
    int seen = 0;
    cJSON_ArrayForEach(x, f)
    {
        const char *name = cJSON_GetObjectItem(x, "name")->valuestring;
        ck_assert_str_eq(cJSON_GetObjectItem(x, "source")->valuestring, "xml");
        ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(x, "valid")));
        if (strcmp(name, "total") == 0) {
            const cJSON *v = cJSON_GetObjectItem(x, "value");
            ck_assert_str_eq(cJSON_GetObjectItem(v, "amount")->valuestring, "208.25");
            ck_assert_str_eq(cJSON_GetObjectItem(v, "currency")->valuestring, "EUR");
            seen |= 1;
        } else if (strcmp(name, "date") == 0) {
            ck_assert_str_eq(cJSON_GetObjectItem(x, "value")->valuestring, "2026-03-15");
            seen |= 2;
        } else if (strcmp(name, "iban") == 0) {
            seen |= 4;
        } else if (strcmp(name, "invoice_number") == 0) {
            ck_assert_str_eq(cJSON_GetObjectItem(x, "value")->valuestring, "RE-2026-0815");
            seen |= 8;
        }
    }
    ck_assert_int_eq(seen, 15);
    ck_assert_int_eq(cJSON_GetArraySize(it), 2);
    const cJSON *l1 = cJSON_GetArrayItem(it, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(l1, "description")->valuestring, "Service hour");
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(l1, "unit_price"), "amount")->valuestring, "40.00");
    ck_assert_str_eq(cJSON_GetObjectItem(l1, "source")->valuestring, "embedded_xml");
    cJSON_Delete(f);
    cJSON_Delete(it);
    einvoice_free(inv);
}
END_TEST

START_TEST(hostile_and_foreign_xml_refused)
{
    static const char *const bad[] = {
        /* a DTD (the billion-laughs route) is refused outright */
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
        "\"&a;&a;&a;&a;&a;&a;\">]><rsm:CrossIndustryInvoice "
        "xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\">"
        "<rsm:ExchangedDocument><ID>&b;</ID></rsm:ExchangedDocument></rsm:CrossIndustryInvoice>",
        /* external entity */
        "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://127.0.0.1:1/x.dtd\">"
        "<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:"
        "CrossIndustryInvoice:100\"/>",
        "<html><body>CrossIndustryInvoice</body></html>",
        "<Invoice xmlns=\"urn:example:other\"><ID>1</ID></Invoice>",
        "<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:"
        "CrossIndustryInvoice:100\"><unclosed>",
        "<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:"
        "CrossIndustryInvoice:100\"/>", /* nothing of an invoice in it */
        "",
        "not xml at all",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct einvoice *inv = (struct einvoice *)1;
        ck_assert_msg(einvoice_parse(bad[i], strlen(bad[i]), &inv) == DP_EPARSE, "case %zu", i);
        ck_assert_ptr_null(inv);
    }
    struct einvoice *inv;
    ck_assert_int_eq(einvoice_parse("<a/>", EINVOICE_MAX_BYTES + 1, &inv), DP_ETOOBIG);
    einvoice_free(NULL);
}
END_TEST

START_TEST(sniffing)
{
    const char *cii = fixture_cii_xml(), *ubl = fixture_ubl_xml();
    ck_assert(einvoice_sniff(cii, strlen(cii)));
    ck_assert(einvoice_sniff(ubl, strlen(ubl)));
    ck_assert(!einvoice_sniff("<html>hello</html>", 18));
    ck_assert(!einvoice_sniff("CrossIndustryInvoice", 20)); /* not markup */
    ck_assert(!einvoice_sniff(NULL, 0));
    /* another XML that merely names the CII namespace (ZUGFeRD's additional data) */
    const char *add = "<adt:additionalOrAlternateData xmlns:adt=\"http://4s4u.de/x\"><adt:ref>"
                      "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusiness"
                      "InformationEntity:12}IncludedSupplyChainTradeLineItem</adt:ref>"
                      "</adt:additionalOrAlternateData>";
    ck_assert(!einvoice_sniff(add, strlen(add)));
    /* the root is found past the declaration and comments */
    const char *commented = "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- licence -->\n<!-- more -->"
                            "<rsm:CrossIndustryInvoice xmlns:rsm=\"x\"/>";
    ck_assert(einvoice_sniff(commented, strlen(commented)));
    ck_assert(!einvoice_sniff("<!-- never closed", 17));
    ck_assert(!einvoice_sniff("<Invoice xmlns=\"urn:example\"/>", 31));
    const char *mime = NULL;
    ck_assert_int_eq(decode_sniff((const unsigned char *)cii, strlen(cii), &mime), DP_OK);
    ck_assert_str_eq(mime, DECODE_MIME_XML);
    ck_assert_int_eq(decode_sniff((const unsigned char *)"<?xml version=\"1.0\"?><a/>", 25, &mime),
                     DP_EUNSUPP);
}
END_TEST

/* decode hands out the XML of an upload and of a PDF's attachment, and nothing for a PDF
 * without one. */
START_TEST(decode_finds_the_xml)
{
    const char *cii = fixture_cii_xml();
    struct decoded *d = NULL;
    char *xml;
    size_t len;
    const char *src;
    ck_assert_int_eq(decode_open((const unsigned char *)cii, strlen(cii), NULL, &d), DP_OK);
    ck_assert_uint_eq(decode_npages(d), 0);
    ck_assert_int_eq(decode_embedded_xml(d, &xml, &len, &src), DP_OK);
    ck_assert_str_eq(src, "xml");
    ck_assert_uint_eq(len, strlen(cii));
    free(xml);
    decode_close(d);

    const char *const lines[] = {"Rechnung RE-2026-0815", "Gesamtbetrag 208,25 EUR"};
    unsigned char *pdf;
    size_t plen;
    ck_assert_int_eq(fixture_zugferd_pdf(lines, 2, cii, strlen(cii), "factur-x.xml", &pdf, &plen),
                     DP_OK);
    ck_assert_int_eq(decode_open(pdf, plen, NULL, &d), DP_OK);
    ck_assert_uint_eq(decode_npages(d), 1);
    ck_assert_int_eq(decode_embedded_xml(d, &xml, &len, &src), DP_OK);
    ck_assert_str_eq(src, "embedded_xml");
    ck_assert_uint_eq(len, strlen(cii));
    ck_assert(memcmp(xml, cii, len) == 0);
    free(xml);
    struct decode_page pg;
    ck_assert_int_eq(decode_page(d, 0, &pg), DP_OK);
    ck_assert_int_eq(pg.kind, DECODE_TEXT);
    ck_assert(strstr(pg.text.text, "208,25") != NULL);
    decode_page_cleanup(&pg);
    decode_close(d);
    free(pdf);

    /* an attachment that is not an invoice is not taken */
    ck_assert_int_eq(fixture_zugferd_pdf(lines, 2, "hello", 5, "notes.txt", &pdf, &plen), DP_OK);
    ck_assert_int_eq(decode_open(pdf, plen, NULL, &d), DP_OK);
    ck_assert_int_eq(decode_embedded_xml(d, &xml, &len, &src), DP_ENOTFOUND);
    ck_assert_ptr_null(xml);
    decode_close(d);
    free(pdf);
}
END_TEST

Suite *einvoice_suite(void)
{
    Suite *s = suite_create("einvoice");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, cii_sample);
    tcase_add_test(tc, ubl_sample);
    tcase_add_test(tc, zugferd1_shape);
    tcase_add_test(tc, fields_and_items_json);
    tcase_add_test(tc, hostile_and_foreign_xml_refused);
    tcase_add_test(tc, sniffing);
    tcase_add_test(tc, decode_finds_the_xml);
    suite_add_tcase(s, tc);
    return s;
}
