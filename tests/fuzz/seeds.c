/* seeds.c -- writes the starting corpus of every fuzz harness into DIR/<harness>/ (make fuzz):
 * valid inputs the mutations start from, e.g. a small trained model for classifier_load. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <leptonica/allheaders.h>
#include "classify.h"
#include "seal.h"
#include "page.h"

static int put(const char *dir, const char *harness, const char *name, const void *buf, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, harness);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return -1;
    snprintf(path, sizeof path, "%s/%s/%s", dir, harness, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(buf, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

#define PUTS(h, n, s) (rc |= put(dir, h, n, s, sizeof s - 1))

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    int rc = mkdir(dir, 0755) != 0 && errno != EEXIST;
    PUTS("config", "basic",
         "# docproc\nredis_port = 7001\nlang = eng+deu\n\n"
         "webhook-allow-private=1\r\nrun_dir = /tmp/x # note\n");
    PUTS("reqopts", "lang",
         "\x00\x3c"
         "eng+deu");
    PUTS("reqopts", "pipeline",
         "\x01\x3c"
         "extract,ocr");
    PUTS("reqopts", "url",
         "\x02\x3c"
         "https://user@example.com:8443/hook?a=1");
    PUTS("reqopts", "metadata",
         "\x03\x3c"
         "{\"order\":\"A-17\",\"n\":[1,2.5,null]}");
    PUTS("reqopts", "wait",
         "\x05\x3c"
         "30");
    PUTS("decode_sniff", "png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    PUTS("decode_sniff", "jpeg", "\xff\xd8\xff\xe0\0\x10JFIF");
    PUTS("decode_sniff", "tiff", "II*\0\x08\0\0\0");
    PUTS("decode_sniff", "webp", "RIFF\x24\0\0\0WEBPVP8 ");
    PUTS("decode_sniff", "pdf", "\n\n%PDF-1.7\n%\xe2\xe3\n");
    PUTS("einvoice", "cii",
         "<?xml version=\"1.0\"?><rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:"
         "data:standard:CrossIndustryInvoice:100\" xmlns:ram=\"urn:un:unece:uncefact:data:"
         "standard:ReusableAggregateBusinessInformationEntity:100\"><rsm:ExchangedDocument><ram:ID>"
         "RE-1</ram:ID><ram:IssueDateTime>20260315</ram:IssueDateTime></rsm:ExchangedDocument>"
         "<rsm:SupplyChainTradeTransaction><ram:IncludedSupplyChainTradeLineItem>"
         "<ram:SpecifiedTradeProduct><ram:Name>Widget</ram:Name></ram:SpecifiedTradeProduct>"
         "<ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"H87\">2"
         "</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery></"
         "ram:IncludedSupplyChainTradeLineItem>"
         "<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</"
         "ram:InvoiceCurrencyCode>"
         "<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:GrandTotalAmount>1234.56"
         "</ram:GrandTotalAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
         "</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>"
         "</rsm:CrossIndustryInvoice>");
    PUTS(
        "einvoice", "ubl",
        "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" xmlns:cbc=\"c\" "
        "xmlns:cac=\"a\"><cbc:ID>RE-1</cbc:ID><cbc:IssueDate>2026-03-15</cbc:IssueDate>"
        "<cac:LegalMonetaryTotal><cbc:PayableAmount>1.00</cbc:PayableAmount></"
        "cac:LegalMonetaryTotal>"
        "<cac:InvoiceLine><cbc:InvoicedQuantity>1</cbc:InvoicedQuantity><cac:Item><cbc:Name>x"
        "</cbc:Name></cac:Item></cac:InvoiceLine></Invoice>");
    PUTS("paycode", "epc",
         "BCD\n002\n1\nSCT\nCOBADEFFXXX\nMuster GmbH\nDE89370400440532013000\nEUR208.25\n\n\nRE-1");
    PUTS("paycode", "spc",
         "SPC\n0200\n1\nCH4431999123000889012\nS\nRobert AG\nRue\n1\n2501\nBiel\nCH\n\n\n\n\n"
         "\n\n\n1949.75\nCHF\nS\nPia\nGasse\n28\n9400\nRorschach\nCH\nNON\n\nAuftrag\nEPD");
    PUTS("paycode", "line", "1 Widget A4 10 Stk 9,50 19 % 95,00");
    PUTS("kv_model", "head",
         "docproc-kv-model 1\nfeatures 532\nbias -1\nthreshold 0.4\n"
         "multi 0.4\nw 0.5\nw -0.25\n");
    PUTS("whsig", "spec",
         "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\nmsg_p5jXN8AQM9LWM0D4loKWxJek\n"
         "1614265330\nv1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\n"
         "{\"test\": 2432232314}");
    PUTS("extract", "invoice",
         "ACME GmbH\nMusterstr. 1, 10115 Berlin\nInvoice No: RE-2024-0042\n"
         "Date: 03.04.2024  Due: 2024-05-03\nSubtotal 1.000,00 EUR\nVAT 19% 190,00\n"
         "Total EUR 1.190,00\nIBAN DE89 3704 0044 0532 0130 00\nUSt-IdNr. DE123456789\n"
         "info@acme.example  +49 (0)30 1234-567  https://acme.example\n");

    PUTS("table", "grid",
         "Quarterly figures are listed below for every region.\n"
         "Region        Sales       Growth\nNorth         1200        4.5%\n"
         "South         980         2.1%\nChlorine and inorganic\n              10 000      5\n"
         "(as HCl)\nName: John Smith   Date:\n12/03/2024\nSubscribe:   Yes\n");

    /* a value sealed with the harness's key (fuzz_seal) */
    static const char seal_key[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    struct seal_keyring kr;
    char *sealed = NULL;
    size_t slen = 0;
    memset(&kr, 0, sizeof kr);
    if (seal_keyring_add_b64(&kr, seal_key, strlen(seal_key)) != DP_OK ||
        seal_seal(&kr, "doc_x/text", "Total EUR 12.00", 15, &sealed, &slen) != DP_OK)
        rc = 1;
    else
        rc |= put(dir, "seal", "sealed", sealed, slen);
    free(sealed);
    /* a read page in its wire form */
    struct dp_word words[] = {{"Total", 91.5f, 10, 20, 50, 16, 0, 0},
                              {"12,50", 88.0f, 70, 20, 40, 16, 0, 0}};
    struct dp_page pg = {.number = 1,
                         .width = 2550,
                         .height = 3300,
                         .dpi = 300,
                         .conf = 89.75f,
                         .text = "Total 12,50",
                         .hocr = "<div class='ocr_page'></div>",
                         .words = words,
                         .nwords = 2};
    unsigned char *packed = NULL;
    size_t plen = 0;
    rc |= page_pack(&pg, &packed, &plen) != DP_OK ||
          put(dir, "page_unpack", "page", packed, plen) != 0;
    free(packed);

    /* a small trained model, without its CRC (the harness appends one) */
    struct classify_opts o = classify_opts_default();
    o.hash_bits = 10;
    struct classifier *c = classifier_new_opts(&o);
    static const char *const ex[][2] = {
        {"invoice", "invoice number total due vat iban"}, {"invoice", "invoice total amount due"},
        {"receipt", "receipt cash change thank you"},     {"receipt", "receipt card total thank"},
        {"letter", "dear sir yours sincerely regards"},   {"letter", "dear madam kind regards"}};
    char *model = NULL;
    size_t len = 0;
    for (size_t i = 0; c && i < sizeof ex / sizeof ex[0]; i++)
        rc |= classifier_add_text(c, ex[i][0], ex[i][1], strlen(ex[i][1])) != DP_OK;
    if (!c || classifier_train(c, NULL) != DP_OK || classifier_save(c, &model, &len) != DP_OK ||
        len < 4)
        rc = 1;
    else
        rc |= put(dir, "classifier_load", "small", model, len - 4);
    free(model);
    classifier_free(c);
    if (rc)
        fprintf(stderr, "seeds: could not write every seed into %s\n", dir);
    /* decode_stream: a small RGBA PNG and a striped grey TIFF, behind the selector byte */
    PIX *pix = pixCreate(24, 16, 32);
    if (pix) {
        pixSetSpp(pix, 4);
        pixSetAllArbitrary(pix, 0x80402080);
        const int kinds[2] = {IFF_PNG, IFF_TIFF_ZIP};
        for (int k = 0; k < 2; k++) {
            l_uint8 *enc = NULL;
            size_t n = 0;
            PIX *src = k ? pixConvertTo8(pix, 0) : pixClone(pix);
            if (src && pixWriteMem(&enc, &n, src, kinds[k]) == 0) {
                unsigned char *seed = malloc(n + 1);
                if (seed) {
                    seed[0] = (unsigned char)(k | 2); /* reduction 2 */
                    memcpy(seed + 1, enc, n);
                    rc |= put(dir, "decode_stream", k ? "tiff" : "png", seed, n + 1);
                    free(seed);
                }
            }
            lept_free(enc);
            pixDestroy(&src);
        }
        pixDestroy(&pix);
    }
    return rc ? 1 : 0;
}
