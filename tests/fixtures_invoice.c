/* fixtures_invoice.c -- sample CII/UBL invoices and a hand-written PDF that embeds one. */
#include "fixtures_invoice.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <leptonica/allheaders.h>
#include "fixtures.h"

extern char **environ;

const char *fixture_cii_xml(void)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<rsm:CrossIndustryInvoice "
           "xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\" "
           "xmlns:ram=\"urn:un:unece:uncefact:data:standard:"
           "ReusableAggregateBusinessInformationEntity:100\" "
           "xmlns:udt=\"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100\">\n"
           "<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>"
           "<ram:ID>urn:cen.eu:en16931:2017</ram:ID>"
           "</ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>\n"
           "<rsm:ExchangedDocument><ram:ID>RE-2026-0815</ram:ID><ram:TypeCode>380</ram:TypeCode>"
           "<ram:IssueDateTime><udt:DateTimeString format=\"102\">20260315</udt:DateTimeString>"
           "</ram:IssueDateTime></rsm:ExchangedDocument>\n"
           "<rsm:SupplyChainTradeTransaction>\n"
           "<ram:IncludedSupplyChainTradeLineItem>"
           "<ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID>"
           "</ram:AssociatedDocumentLineDocument>"
           "<ram:SpecifiedTradeProduct><ram:Name>Widget A4</ram:Name></ram:SpecifiedTradeProduct>"
           "<ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>"
           "<ram:ChargeAmount>9.50</ram:ChargeAmount></ram:NetPriceProductTradePrice>"
           "</ram:SpecifiedLineTradeAgreement>"
           "<ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"H87\">10"
           "</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>"
           "<ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT"
           "</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>19"
           "</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
           "<ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>95.00"
           "</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>"
           "</ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>\n"
           "<ram:IncludedSupplyChainTradeLineItem>"
           "<ram:AssociatedDocumentLineDocument><ram:LineID>2</ram:LineID>"
           "</ram:AssociatedDocumentLineDocument>"
           "<ram:SpecifiedTradeProduct><ram:Name>Service hour</ram:Name>"
           "</ram:SpecifiedTradeProduct>"
           "<ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>"
           "<ram:ChargeAmount>40.00</ram:ChargeAmount></ram:NetPriceProductTradePrice>"
           "</ram:SpecifiedLineTradeAgreement>"
           "<ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"HUR\">2"
           "</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>"
           "<ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT"
           "</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>19"
           "</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
           "<ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>80.00"
           "</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>"
           "</ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>\n"
           "<ram:ApplicableHeaderTradeAgreement>"
           "<ram:SellerTradeParty><ram:Name>Muster Lieferant GmbH</ram:Name>"
           "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"FC\">201/113/40209</ram:ID>"
           "</ram:SpecifiedTaxRegistration>"
           "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">DE136695976</ram:ID>"
           "</ram:SpecifiedTaxRegistration></ram:SellerTradeParty>"
           "<ram:BuyerTradeParty><ram:Name>Kunde AG</ram:Name></ram:BuyerTradeParty>"
           "</ram:ApplicableHeaderTradeAgreement>\n"
           "<ram:ApplicableHeaderTradeSettlement>"
           "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"
           "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>"
           "<ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE89370400440532013000"
           "</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>"
           "</ram:SpecifiedTradeSettlementPaymentMeans>"
           "<ram:ApplicableTradeTax><ram:CalculatedAmount>33.25</ram:CalculatedAmount>"
           "<ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>175.00</ram:BasisAmount>"
           "<ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>19"
           "</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
           "<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>"
           "<udt:DateTimeString format=\"102\">20260414</udt:DateTimeString>"
           "</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>"
           "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
           "<ram:LineTotalAmount>175.00</ram:LineTotalAmount>"
           "<ram:TaxBasisTotalAmount>175.00</ram:TaxBasisTotalAmount>"
           "<ram:TaxTotalAmount currencyID=\"EUR\">33.25</ram:TaxTotalAmount>"
           "<ram:GrandTotalAmount>208.25</ram:GrandTotalAmount>"
           "<ram:DuePayableAmount>208.25</ram:DuePayableAmount>"
           "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
           "</ram:ApplicableHeaderTradeSettlement>\n"
           "</rsm:SupplyChainTradeTransaction>\n"
           "</rsm:CrossIndustryInvoice>\n";
}

const char *fixture_ubl_xml(void)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" "
           "xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:"
           "CommonAggregateComponents-2\" "
           "xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:"
           "CommonBasicComponents-2\">\n"
           "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:"
           "xrechnung_3.0</cbc:CustomizationID>\n"
           "<cbc:ID>RE-2026-0815</cbc:ID><cbc:IssueDate>2026-03-15</cbc:IssueDate>"
           "<cbc:DueDate>2026-04-14</cbc:DueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
           "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>\n"
           "<cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Muster"
           "</cbc:Name></cac:PartyName><cac:PartyTaxScheme><cbc:CompanyID>DE136695976"
           "</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
           "</cac:PartyTaxScheme><cac:PartyLegalEntity><cbc:RegistrationName>"
           "Muster Lieferant GmbH</cbc:RegistrationName></cac:PartyLegalEntity>"
           "</cac:Party></cac:AccountingSupplierParty>\n"
           "<cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity>"
           "<cbc:RegistrationName>Kunde AG</cbc:RegistrationName></cac:PartyLegalEntity>"
           "</cac:Party></cac:AccountingCustomerParty>\n"
           "<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>"
           "<cac:PayeeFinancialAccount><cbc:ID>DE89370400440532013000</cbc:ID>"
           "<cac:FinancialInstitutionBranch><cbc:ID>COBADEFFXXX</cbc:ID>"
           "</cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount></cac:PaymentMeans>\n"
           "<cac:TaxTotal><cbc:TaxAmount currencyID=\"EUR\">33.25</cbc:TaxAmount>"
           "<cac:TaxSubtotal><cbc:TaxableAmount currencyID=\"EUR\">175.00</cbc:TaxableAmount>"
           "<cbc:TaxAmount currencyID=\"EUR\">33.25</cbc:TaxAmount><cac:TaxCategory>"
           "<cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent></cac:TaxCategory>"
           "</cac:TaxSubtotal></cac:TaxTotal>\n"
           "<cac:LegalMonetaryTotal>"
           "<cbc:LineExtensionAmount currencyID=\"EUR\">175.00</cbc:LineExtensionAmount>"
           "<cbc:TaxExclusiveAmount currencyID=\"EUR\">175.00</cbc:TaxExclusiveAmount>"
           "<cbc:TaxInclusiveAmount currencyID=\"EUR\">208.25</cbc:TaxInclusiveAmount>"
           "<cbc:PayableAmount currencyID=\"EUR\">208.25</cbc:PayableAmount>"
           "</cac:LegalMonetaryTotal>\n"
           "<cac:InvoiceLine><cbc:ID>1</cbc:ID>"
           "<cbc:InvoicedQuantity unitCode=\"H87\">10</cbc:InvoicedQuantity>"
           "<cbc:LineExtensionAmount currencyID=\"EUR\">95.00</cbc:LineExtensionAmount>"
           "<cac:Item><cbc:Name>Widget A4</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S"
           "</cbc:ID><cbc:Percent>19</cbc:Percent></cac:ClassifiedTaxCategory></cac:Item>"
           "<cac:Price><cbc:PriceAmount currencyID=\"EUR\">9.50</cbc:PriceAmount></cac:Price>"
           "</cac:InvoiceLine>\n"
           "<cac:InvoiceLine><cbc:ID>2</cbc:ID>"
           "<cbc:InvoicedQuantity unitCode=\"HUR\">2</cbc:InvoicedQuantity>"
           "<cbc:LineExtensionAmount currencyID=\"EUR\">80.00</cbc:LineExtensionAmount>"
           "<cac:Item><cbc:Name>Service hour</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S"
           "</cbc:ID><cbc:Percent>19</cbc:Percent></cac:ClassifiedTaxCategory></cac:Item>"
           "<cac:Price><cbc:PriceAmount currencyID=\"EUR\">40.00</cbc:PriceAmount></cac:Price>"
           "</cac:InvoiceLine>\n"
           "</Invoice>\n";
}

/* Appends a PDF string literal with ( ) \ escaped. */
static void pdf_string(FILE *f, const char *s)
{
    fputc('(', f);
    for (; *s; s++) {
        if (*s == '(' || *s == ')' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc(')', f);
}

dp_err fixture_zugferd_pdf(const char *const *lines, size_t n, const char *xml, size_t xml_len,
                           const char *name, unsigned char **buf, size_t *len)
{
    char *content = NULL, *out = NULL;
    size_t clen = 0, olen = 0;
    long off[8];
    *buf = NULL;
    *len = 0;
    if (!lines || !name || strpbrk(name, "()\\"))
        return DP_EINVAL;
    FILE *c = open_memstream(&content, &clen);
    if (!c)
        return DP_ENOMEM;
    fputs("BT /F1 11 Tf 14 TL 60 790 Td\n", c);
    for (size_t i = 0; i < n; i++) {
        pdf_string(c, lines[i]);
        fputs(" Tj T*\n", c);
    }
    fputs("ET\n", c);
    fclose(c);

    FILE *f = open_memstream(&out, &olen);
    if (!f) {
        free(content);
        return DP_ENOMEM;
    }
    int objs = xml ? 7 : 5;
    fputs("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", f);
    off[1] = ftell(f);
    fputs("1 0 obj\n<< /Type /Catalog /Pages 2 0 R", f);
    if (xml) {
        fputs(" /Names << /EmbeddedFiles << /Names [", f);
        pdf_string(f, name);
        fputs(" 6 0 R] >> >> /AF [6 0 R]", f);
    }
    fputs(" >>\nendobj\n", f);
    off[2] = ftell(f);
    fputs("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n", f);
    off[3] = ftell(f);
    fputs("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
          "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n",
          f);
    off[4] = ftell(f);
    fputs("4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
          "/Encoding /WinAnsiEncoding >>\nendobj\n",
          f);
    off[5] = ftell(f);
    fprintf(f, "5 0 obj\n<< /Length %zu >>\nstream\n", clen);
    fwrite(content, 1, clen, f);
    fputs("\nendstream\nendobj\n", f);
    if (xml) {
        off[6] = ftell(f);
        fputs("6 0 obj\n<< /Type /Filespec /F ", f);
        pdf_string(f, name);
        fputs(" /UF ", f);
        pdf_string(f, name);
        fputs(" /AFRelationship /Alternative /EF << /F 7 0 R >> >>\nendobj\n", f);
        off[7] = ftell(f);
        fprintf(f, "7 0 obj\n<< /Type /EmbeddedFile /Subtype /text#2Fxml /Length %zu >>\nstream\n",
                xml_len);
        fwrite(xml, 1, xml_len, f);
        fputs("\nendstream\nendobj\n", f);
    }
    long xref = ftell(f);
    fprintf(f, "xref\n0 %d\n0000000000 65535 f \n", objs + 1);
    for (int i = 1; i <= objs; i++)
        fprintf(f, "%010ld 00000 n \n", off[i]);
    fprintf(f, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", objs + 1, xref);
    fclose(f);
    free(content);
    if (!out)
        return DP_ENOMEM;
    *buf = (unsigned char *)out;
    *len = olen;
    return DP_OK;
}

dp_err fixture_qr_page(const char *const *lines, size_t n, const char *payload, int x, int y,
                       unsigned char **buf, size_t *len)
{
    char path[] = "/tmp/dp-qr-XXXXXX";
    dp_err rc = DP_EIO;
    PIX *page = NULL, *qr = NULL, *qr8 = NULL;
    pid_t pid;
    int status = 0;
    *buf = NULL;
    *len = 0;
    int fd = mkstemp(path);
    if (fd < 0)
        return DP_EIO;
    close(fd);
    char *argv[] = {"qrencode", "-s", "6", "-m", "2", "-l", "M", "-o", path, (char *)payload, NULL};
    if (posix_spawnp(&pid, "qrencode", NULL, NULL, argv, environ) != 0 ||
        waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        goto out;
    if (!(qr = pixRead(path)) || !(qr8 = pixConvertTo8(qr, 0)))
        goto out;
    if ((rc = fixture_render_page(lines, n, FIXTURE_FONTSIZE, FIXTURE_DPI, &page)))
        goto out;
    pixRasterop(page, x, y, pixGetWidth(qr8), pixGetHeight(qr8), PIX_SRC, qr8, 0, 0);
    rc = fixture_encode(page, IFF_PNG, buf, len);
out:
    unlink(path);
    pixDestroy(&page);
    pixDestroy(&qr);
    pixDestroy(&qr8);
    return rc;
}

/* qrencode's PNG of payload (module px pixels per module, 2-module margin) as a 1-bit PIX. */
static PIX *qr_pix(const char *payload, int px)
{
    char path[] = "/tmp/dp-qr-XXXXXX", size[16];
    pid_t pid;
    int status = 0;
    PIX *qr = NULL, *bin = NULL;
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    close(fd);
    snprintf(size, sizeof size, "%d", px);
    char *argv[] = {"qrencode",      "-s", size, "-m", "2", "-l", "M", "-o", path,
                    (char *)payload, NULL};
    if (posix_spawnp(&pid, "qrencode", NULL, NULL, argv, environ) == 0 &&
        waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
        (qr = pixRead(path)) != NULL)
        bin = pixConvertTo1(qr, 128);
    unlink(path);
    pixDestroy(&qr);
    return bin;
}

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

/* Paints qr (1-bit, ink = 1) into the w x h points box at (x, y): as an image, or as one filled
 * square per dark module of mod pixels. */
static void paint_qr(cairo_t *cr, PIX *qr, int mod, double x, double y, double size, int vector)
{
    int w = pixGetWidth(qr), h = pixGetHeight(qr);
    if (vector) {
        double k = size / ((double)w / mod);
        for (int my = 0; my < h / mod; my++)
            for (int mx = 0; mx < w / mod; mx++) {
                l_uint32 v = 0;
                pixGetPixel(qr, mx * mod + mod / 2, my * mod + mod / 2, &v);
                if (v)
                    cairo_rectangle(cr, x + mx * k, y + my * k, k, k);
            }
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_fill(cr);
        return;
    }
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    cairo_surface_flush(img);
    for (int py = 0; py < h; py++)
        for (int px = 0; px < w; px++) {
            l_uint32 v = 0;
            pixGetPixel(qr, px, py, &v);
            ((uint32_t *)(void *)(data + (size_t)py * (size_t)stride))[px] =
                v ? 0x000000u : 0xFFFFFFu;
        }
    cairo_surface_mark_dirty(img);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, size / w, size / h);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
}

dp_err fixture_qr_pdf(const char *const *lines, size_t n, const char *payload, double x, double y,
                      double size, int vector, unsigned char **buf, size_t *len)
{
    char *out = NULL;
    size_t olen = 0;
    const int mod = 6;
    *buf = NULL;
    *len = 0;
    PIX *qr = qr_pix(payload, mod);
    if (!qr)
        return DP_EIO;
    FILE *f = open_memstream(&out, &olen);
    if (!f) {
        pixDestroy(&qr);
        return DP_ENOMEM;
    }
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(mem_write, f, 612, 792);
    cairo_t *cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, FIXTURE_PDF_FONT_PT);
    for (size_t i = 0; i < n; i++) {
        cairo_move_to(cr, FIXTURE_PDF_LEFT_PT,
                      FIXTURE_PDF_TOP_PT + (double)i * FIXTURE_PDF_LEADING_PT);
        cairo_show_text(cr, lines[i]);
    }
    paint_qr(cr, qr, mod, x, y, size, vector);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    dp_err rc = cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS ? DP_OK : DP_EIO;
    cairo_surface_destroy(surf);
    fclose(f);
    pixDestroy(&qr);
    if (rc) {
        free(out);
        return rc;
    }
    *buf = (unsigned char *)out;
    *len = olen;
    return DP_OK;
}
