/* fixtures_invoice.h -- e-invoice test documents made here: a small CII and UBL invoice (XML
 * text), and a ZUGFeRD-style PDF (a text page plus the XML as an embedded file), written as a
 * minimal PDF by hand because cairo cannot attach files.
 *
 * The sample invoice: RE-2026-0815 of 2026-03-15, seller "Muster Lieferant GmbH"
 * (DE136695976, IBAN DE89370400440532013000), buyer "Kunde AG"; lines "Widget A4" 10 H87 x 9.50
 * = 95.00 and "Service hour" 2 HUR x 40.00 = 80.00, both 19 %; line total and tax basis
 * 175.00, tax 33.25, total and due 208.25 EUR. */
#ifndef DP_FIXTURES_INVOICE_H
#define DP_FIXTURES_INVOICE_H
#include <stddef.h>
#include "err.h"

/* The sample as CII (Factur-X / ZUGFeRD 2 / XRechnung CII) and as UBL. Static strings. */
const char *fixture_cii_xml(void);
const char *fixture_ubl_xml(void);

/* A one-page PDF whose text layer shows lines (ASCII, Helvetica 11 pt) and which embeds
 * xml[0..xml_len) as the file name (e.g. "factur-x.xml") in its EmbeddedFiles name tree.
 * xml NULL: no attachment. *buf is the caller's (free). DP_EINVAL, DP_ENOMEM. */
dp_err fixture_zugferd_pdf(const char *const *lines, size_t n, const char *xml, size_t xml_len,
                           const char *name, unsigned char **buf, size_t *len);

/* A PNG letter page (12 pt text lines, 300 DPI) with a QR code of payload pasted at
 * (x, y) pixels, made by running `qrencode` (module size 6 px). DP_EIO when qrencode is
 * missing or fails. *buf is the caller's (free). */
dp_err fixture_qr_page(const char *const *lines, size_t n, const char *payload, int x, int y,
                       unsigned char **buf, size_t *len);

/* A one-page letter PDF whose text layer shows lines (DejaVu Sans 12 pt, laid out as
 * fixture_pdf_text does) and which shows a QR code of payload (`qrencode`, level M, 2-module
 * quiet zone) at (x, y) points from the top-left corner, size points a side: painted as an
 * image (vector = 0) or drawn as filled squares (vector = 1). DP_EIO when qrencode is missing
 * or fails. *buf is the caller's (free). */
dp_err fixture_qr_pdf(const char *const *lines, size_t n, const char *payload, double x, double y,
                      double size, int vector, unsigned char **buf, size_t *len);

#endif
