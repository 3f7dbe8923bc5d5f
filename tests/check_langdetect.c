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

START_TEST(other_scripts_read_as_latin)
{
    /* what eng reads from a Cyrillic invoice (Tesseract 5, DejaVu Sans at 300 dpi) */
    const char *cyr =
        "CueT-chakTypa Ne 1234 oT 5 Mapta 2024 roga\nNpoaBey: OOO PomalwKa, r. MockBa\n"
        "UToro K onnaTe: 1 234,56 py6.\nBnarogapum Bac 3a cBOeBpeMeHHyto onnaTy cyéTa\n"
        "Nokynatenb O6A3yeTCA ONNATUTb TOBap B TeYeHUe";
    ck_assert(langdetect_odd_words(cyr, strlen(cyr)) >= 0.2);
    /* Latin pages, receipts in capitals and invoices with codes, are not */
    const char *const latin[] = {
        "Thank you for your order. The amount is due within 30 days of the invoice date.",
        "SANYU STATIONERY SHOP\nNO. 31G&33G, JALAN SETIA INDAH X ,U13/X\nCASH SALES "
        "INVOICE NO: CS-SA-0076015\nTOTAL RM 2.00\nGST SUMMARY AMOUNT TAX\nTHANK YOU",
        "Rechnung Nr. RE-2024-17 vom 05.03.2024\nIBAN DE89370400440532013000 BIC COBADEFFXXX\n"
        "Bestellnummer 4711 Kundennummer K-123 Gesamtbetrag 529,87 EUR"};
    for (size_t i = 0; i < sizeof latin / sizeof latin[0]; i++)
        ck_assert_msg(langdetect_odd_words(latin[i], strlen(latin[i])) < 0.2, "%s", latin[i]);
    ck_assert(langdetect_odd_words("TeYeHUe", 7) == 0.0); /* too few words to judge */
    /* letters split by digits are not the Portuguese words "o", "a", "e" */
    ck_assert_ptr_null(langdetect_guess("o6a3yeTca 3a py6 o1a 2e 4o a5 e7 Ne oT", 38, NULL));
    ck_assert(langdetect_odd_words(NULL, 0) == 0.0);
}
END_TEST

START_TEST(packs_of_scripts)
{
    const char *const *p = langdetect_script_packs("Cyrillic");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p[0], "rus");
    ck_assert_str_eq(langdetect_script_packs("Greek")[0], "ell");
    ck_assert_str_eq(langdetect_script_packs("Han")[0], "chi_sim");
    ck_assert_ptr_null(langdetect_script_packs("Latin"));
    ck_assert_ptr_null(langdetect_script_packs(NULL));
    ck_assert_ptr_nonnull(langdetect_script_packs("Klingon"));
    ck_assert_ptr_null(langdetect_script_packs("Klingon")[0]); /* no pack known */
}
END_TEST

Suite *langdetect_suite(void)
{
    Suite *s = suite_create("langdetect");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, languages_of_invoice_texts);
    tcase_add_test(tc, ocr_noise_and_case);
    tcase_add_test(tc, no_verdict_without_evidence);
    tcase_add_test(tc, other_scripts_read_as_latin);
    tcase_add_test(tc, packs_of_scripts);
    suite_add_tcase(s, tc);
    return s;
}
