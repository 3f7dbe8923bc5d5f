/* check_langdetect.c -- langdetect: the language of a text from its function words. */
#include "testutil.h"
#include <string.h>
#include "langdetect.h"

static const char *guess(const char *t)
{
    return langdetect_guess(t, strlen(t), NULL);
}

START_TEST(languages_of_invoice_texts)
{
    ck_assert_str_eq(guess("Thank you for your order. The amount is due within 30 days of the "
                           "invoice date. Please pay to the account below."),
                     "eng");
    ck_assert_str_eq(guess("Rechnung Nr. 471102\nVielen Dank für Ihren Auftrag. Bitte überweisen "
                           "Sie den Betrag innerhalb von 14 Tagen auf das unten genannte Konto. "
                           "Gesamtbetrag netto 529,87 EUR"),
                     "deu");
    ck_assert_str_eq(guess("FACTURE N° 2024-118\nMerci pour votre commande. Le montant est à "
                           "régler dans les 30 jours par virement sur le compte ci-dessous. "
                           "Total hors TVA"),
                     "fra");
    ck_assert_str_eq(guess("Factuur 2024-03\nWij danken u voor uw bestelling. Het bedrag dient "
                           "binnen 14 dagen te worden voldaan op het rekeningnummer van de "
                           "leverancier. Totaal incl. btw"),
                     "nld");
    ck_assert_str_eq(guess("Factura 118\nGracias por su pedido. El importe debe pagarse en los "
                           "próximos 30 días por transferencia a la cuenta que se indica."),
                     "spa");
    ck_assert_str_eq(guess("Fattura n. 118\nGrazie per il vostro ordine. L'importo della fattura "
                           "è da pagare entro 30 giorni con bonifico sul conto indicato."),
                     "ita");
    ck_assert_str_eq(guess("Fatura 118\nObrigado pela sua encomenda. O valor da fatura deve ser "
                           "pago em 30 dias por transferência para a conta indicada."),
                     "por");
}
END_TEST

START_TEST(ocr_noise_and_case)
{
    /* upper case, line breaks, OCR junk between the words */
    ck_assert_str_eq(guess("RECHNUNG | DATUM 05.03.2018 ~ ~\nDIE MENGE UND DER PREIS "
                           "SIND NETTO ;; == BETRAG 198,00"),
                     "deu");
    struct langdetect_scores sc;
    ck_assert_str_eq(langdetect_guess("the the the the of", 18, &sc), "eng");
    ck_assert_uint_eq(sc.hits[0], 5);
    ck_assert_uint_eq(sc.words, 5);
}
END_TEST

START_TEST(no_verdict_without_evidence)
{
    /* a receipt of numbers and names: too few function words */
    ck_assert_ptr_null(guess("MR D.I.Y. (JOHOR) SDN BHD\n25/12/2018 TOTAL 9.00 RM\nQTY 2"));
    ck_assert_ptr_null(guess(""));
    ck_assert_ptr_null(langdetect_guess(NULL, 0, NULL));
    /* two languages with as many function words each: no verdict */
    ck_assert_ptr_null(guess("the and of to und der die das"));
    /* only len bytes count */
    ck_assert_ptr_null(langdetect_guess("the and of to in is", 6, NULL));
}
END_TEST

Suite *langdetect_suite(void)
{
    Suite *s = suite_create("langdetect");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, languages_of_invoice_texts);
    tcase_add_test(tc, ocr_noise_and_case);
    tcase_add_test(tc, no_verdict_without_evidence);
    suite_add_tcase(s, tc);
    return s;
}
