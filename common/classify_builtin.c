/* classify_builtin.c -- the cold-start model: short synthetic example texts (written for
 * docproc, not taken from any dataset) for receipt, invoice, form, letter and other,
 * trained when classifier_builtin() is called, so a new install classifies on day one.
 * "other" holds the common business documents that are none of the four (articles,
 * manuals, agreements, CVs, minutes, papers) so that they do not get forced into one. */
#include <string.h>
#include "classify_int.h"

struct builtin_example {
    const char *label;
    const char *text;
};

static const struct builtin_example builtin_examples[] = {
    /* ---- receipts: tills, shops, restaurants, fuel ---- */
    {"receipt", "FRESHWAY SUPERMARKET\nStore 112  Tel 555 0192\nCashier: ANNA  Till 3\n"
                "MILK 1L            1.29\nBREAD WHOLEMEAL    2.10\nBANANAS 0.85 kg    1.02\n"
                "EGGS 12 PACK       3.49\nSUBTOTAL           7.90\nTAX 6%             0.47\n"
                "TOTAL              8.37\nCASH              10.00\nCHANGE             1.63\n"
                "Items sold 4\nThank you for shopping with us\nPlease keep your receipt"},
    {"receipt", "Corner Cafe\n12 Market Street\nReceipt No 004512  Table 6\n"
                "2 x Cappuccino      7.00\n1 x Croissant       2.50\n1 x Orange juice    3.20\n"
                "Sub total          12.70\nService charge 10%  1.27\nTotal             13.97\n"
                "VISA ************4421 13.97\nAuth code 0AB12C\nThank you, please come again"},
    {"receipt", "QUICKFUEL STATION 0042\nDate 14/03/2023 Time 18:22\nPump 05 Unleaded 95\n"
                "Litres 32.10  Price/L 1.659\nFuel amount        53.25\nCar wash            6.00\n"
                "Total RM          59.25\nPaid by card      59.25\nGST included 6%    3.35\n"
                "Receipt 77821  Cashier 02\nThank you and drive safely"},
    {"receipt",
     "CITY PHARMACY SDN BHD\nGST Reg No 000123456789\nCASH BILL No CS00231\n"
     "Qty Description        Amount\n1   PARACETAMOL 500MG  4.90\n2   VITAMIN C TABS    15.80\n"
     "1   PLASTERS           3.50\nTotal Qty 4\nTotal Sales Incl GST  24.20\n"
     "Rounding Adj          0.00\nCash Tendered        50.00\nChange               25.80\n"
     "Goods sold are not returnable or exchangeable"},
    {"receipt", "GOLDEN DRAGON RESTAURANT\nOrder 118   Server Mike   Guests 3\n"
                "Fried rice          12.00\nSweet sour pork     18.50\nVegetables          9.00\n"
                "Tea x3               4.50\nSubtotal            44.00\nTax                  2.64\n"
                "Tip                  5.00\nTotal               51.64\nMastercard approved\n"
                "Customer copy  Thank you for dining with us"},
    {"receipt", "BUILDMART HARDWARE\nInvoice/Receipt  Cash Sale\nDoc No: CR-2291  Counter 1\n"
                "SCREWS 4X40 BOX     2  x 3.20    6.40\nPAINT WHITE 5L      1  x 29.90  29.90\n"
                "BRUSH SET           1  x 7.50    7.50\nTotal Items: 4\nNet Total           43.80\n"
                "Discount             0.00\nAmount Paid         50.00\nChange Due           6.20\n"
                "No refund without receipt. Thank you!"},
    {"receipt", "MINI MART 24H\n18-05-2022 07:41 PM  Receipt #5520\nCOFFEE CAN    2.40\n"
                "SANDWICH      3.90\nWATER 1.5L    1.10\nTOTAL         7.40\nDEBIT CARD    7.40\n"
                "YOU SAVED     0.60\nMember points earned 7\nEXCHANGE WITHIN 7 DAYS WITH RECEIPT"},

    /* ---- invoices: billing documents with terms and payment details ---- */
    {"invoice", "INVOICE\nInvoice Number: INV-2023-0412\nInvoice Date: 12 April 2023\n"
                "Due Date: 12 May 2023\nBill To: Harbor Logistics Ltd, 45 Quay Road, Leeds\n"
                "Description                 Qty  Unit Price   Amount\nConsulting services April  "
                "20   95.00      1900.00\nTravel expenses              1   240.00      240.00\n"
                "Subtotal 2140.00\nVAT 20% 428.00\nTotal Due 2568.00\nPayment terms: 30 days net\n"
                "Please pay by bank transfer to IBAN GB00 BANK 0000 0000 0000 00, quoting the "
                "invoice number."},
    {"invoice", "Northwind Software GmbH\nRechnung / Invoice No. 2023-118\nCustomer ID: C-0092\n"
                "Invoice date 03.02.2023  Delivery date 31.01.2023\nItem  Description  Quantity  "
                "Price  Total\n1  Annual licence, 10 seats  1  4500.00  4500.00\n2  Support plan  "
                "1  900.00  900.00\nNet amount 5400.00 EUR\nVAT 19% 1026.00 EUR\nInvoice total "
                "6426.00 EUR\nPayable within 14 days without deduction. VAT ID DE000000000"},
    {"invoice",
     "TAX INVOICE\nABC Printing Pty Ltd  ABN 00 000 000 000\nInvoice #: 10057\n"
     "Date: 2/6/2023   Terms: Net 30   PO Number: 7781\nSold to: Riverside School\n"
     "Ship to: Riverside School, Main Building\n500 brochures A4 colour   0.45   225.00\n"
     "Design work 3 hours   60.00   180.00\nDelivery   25.00\nSubtotal 430.00\n"
     "GST 43.00\nBalance due 473.00\nRemit payment to account 000-000 12345678"},
    {"invoice", "Invoice\nFrom: Maria Lopez, Freelance Translator\nTo: Globex Corporation, "
                "Accounts Payable\nInvoice no. 045   Issue date: 1 March 2024\nTranslation of "
                "user manual, 8400 words at 0.12 per word   1008.00\nProofreading   150.00\n"
                "Amount due 1158.00 USD\nDue by 31 March 2024\nBank: First National, account "
                "name M. Lopez, routing 000000000\nThank you for your business."},
    {"invoice", "BILLING STATEMENT / INVOICE\nAccount number 0045-221  Statement period "
                "01/09/2023 - 30/09/2023\nPrevious balance 120.00  Payments received -120.00\n"
                "Monthly service fee 49.99\nAdditional usage 12.30\nTaxes and fees 6.23\n"
                "Total amount due 68.52\nPayment due date 15/10/2023\nLate payment charge applies "
                "after the due date. Pay online or by direct debit."},
    {"invoice", "PROFORMA INVOICE\nSeller: Eastern Textiles Co.  Buyer: Bellwood Fashion Inc.\n"
                "Invoice No: PI-7731  Date: 2023-11-20  Currency: USD\nHS code  Goods  Qty  "
                "Unit price  Amount\n5208  Cotton fabric  1200 m  3.10  3720.00\nFreight  "
                "410.00\nInsurance  35.00\nTotal invoice value 4165.00\nTerms of payment: 30% "
                "deposit, balance against bill of lading\nBeneficiary bank SWIFT XXXXXX00"},
    {"invoice", "Invoice 2024/031\nCustomer: Green Leaf Cafe\nDate of invoice: 05/01/2024\n"
                "Order reference: SO-5512\n24 x Oat milk 1L @ 1.80 = 43.20\n10 x Coffee beans "
                "1kg @ 14.50 = 145.00\nShipping 8.00\nInvoice subtotal 196.20\nSales tax 8% "
                "15.70\nTotal payable 211.90\nPlease remit within 15 days. Overdue invoices "
                "incur interest."},

    /* ---- forms: fields to fill, boxes to tick, cover sheets ---- */
    {"form", "APPLICATION FORM\nPlease print in block capitals\nSurname: ________  First "
             "name: ________\nDate of birth: __/__/____\nAddress: ______________\nPostcode: "
             "______  Telephone: ________\nEmail: ______________\nAre you a current member? "
             "[ ] Yes [ ] No\nSignature: ____________  Date: ________\nFor office use only: "
             "Ref no. ____ Received by ____"},
    {"form", "FAX COVER SHEET\nTo: ____________  Fax number: ____________\nFrom: "
             "____________  Phone: ____________\nDate: ________  Number of pages including "
             "cover: ___\nRe: ____________\n[ ] Urgent [ ] For review [ ] Please comment "
             "[ ] Please reply\nComments:\nIf you do not receive all pages, please call the "
             "sender."},
    {"form", "REGISTRATION FORM\nParticipant details\nName:\nOrganisation:\nJob title:\n"
             "Phone:\nE-mail:\nSession (tick one): Morning / Afternoon\nDietary requirements:\n"
             "Payment method: Cheque / Card / Transfer\nI agree to the terms and conditions "
             "(tick box)\nSigned:\nDate:"},
    {"form", "CLAIM FORM  Section A: Claimant\nPolicy number:\nFull name:\nAddress:\n"
             "Section B: Details of loss\nDate of incident:  Time:\nPlace of incident:\n"
             "Description of what happened:\nWas the police informed? Yes / No\nSection C: "
             "Declaration\nI declare that the information given is true and complete.\n"
             "Signature of claimant:  Date:"},
    {"form", "REQUEST FOR CHANGE\nRequest No.:  Date submitted:\nRequested by:  "
             "Department:\nApproved by:  Date approved:\nPriority: High / Medium / Low\n"
             "Description of change:\nReason for change:\nEstimated cost:  Budget code:\n"
             "Distribution: file, originator, manager\nAuthorised signature:"},
    {"form", "EMPLOYEE DETAILS FORM\nEmployee ID:  Start date:\nLast name:  First name:\n"
             "Marital status: single / married / other\nEmergency contact name:\n"
             "Relationship:  Contact number:\nBank account for salary:\nTax code:\n"
             "Complete all fields and return to Human Resources.\nEmployee signature:  "
             "Manager signature:"},
    {"form", "MEMORANDUM / ROUTING SLIP\nTO:\nFROM:\nDATE:\nSUBJECT:\nCC:\nACTION "
             "REQUIRED: approve / sign / information only / return to sender\nDue date for "
             "response:\nFile reference:\nInitials:  Date:"},

    {"form", "PURCHASE REQUISITION\nRequisition no.:  Date:\nRequested by:  Phone ext.:\n"
             "Department:  Cost centre:\nSuggested supplier:\nItem  Description  Quantity  "
             "Estimated cost\nReason for purchase:\nDelivery required by (date):\n"
             "Approved: Supervisor / Manager / Finance\nSignature:  Date:"},
    {"form", "WORK ORDER / SERVICE REQUEST\nRequest number:  Date received:\nRequested by:\n"
             "Location / building:  Room:\nNature of work:\nTarget completion date:\n"
             "Assigned to:  Date completed:\nComments:\nTwo copies of this form to be sent "
             "to the service department; one completed copy is returned to the initiator."},
    {"form", "EVALUATION REPORT FORM\nProject name:  Project no.:\nSubject:\nPrepared by:  "
             "Reviewed by:\nPeriod covered: from  to\nRating (circle one): 1 2 3 4 5\n"
             "Strengths:\nWeaknesses:\nRecommendation: accept / revise / reject\n"
             "Reviewer signature:  Date:"},
    {"form", "INSPECTION CHECKLIST\nSite:  Inspector:  Date:\nItem checked  OK  Not OK  "
             "N/A\nFire exits clear  [ ]  [ ]  [ ]\nExtinguishers in date  [ ]  [ ]  [ ]\n"
             "First aid kit complete  [ ]  [ ]  [ ]\nRemarks:\nCorrective action required "
             "by:\nInspector signature:"},

    {"form", "CUSTOMER SURVEY\nPlease answer every question and return this form.\n1. How "
             "did you hear about us?  [ ] Internet  [ ] Friend  [ ] Other\n2. Overall "
             "satisfaction (1 = poor, 5 = excellent):  1  2  3  4  5\n3. Would you recommend "
             "us?  Yes / No\nComments:\nAge group:  Under 25 / 25-44 / 45-64 / 65+\n"
             "Optional: name and contact details"},
    {"form", "PRODUCT SPECIFICATION SHEET\nProduct:  Code:\nIssued by:  Issue date:  "
             "Revision:\nSupersedes:\nParameter  Target  Minimum  Maximum  Units\nLength\n"
             "Weight\nMoisture content\nPacking:\nApproved by (quality):  Date:\n"
             "Distribution list:"},
    {"form", "TRANSMITTAL / APPROVAL SHEET\nDocument title:\nDocument no.:  Version:\n"
             "Originator:  Ext.:\nReviewer 1:  Approve / Reject  Date:\nReviewer 2:  "
             "Approve / Reject  Date:\nRemarks:\nReturn completed sheet to:\nDate "
             "returned:"},

    /* ---- letters: correspondence with salutation and closing ---- */
    {"letter", "14 June 2023\nMr James Carter\n22 Elm Avenue\nBristol\nDear Mr Carter,\n"
               "Thank you for your letter of 2 June regarding the delay to your order. We are "
               "sorry for the inconvenience this has caused. Your order was dispatched today "
               "and should reach you within three working days.\nPlease do not hesitate to "
               "contact me if you have any further questions.\nYours sincerely,\nSarah Mills\n"
               "Customer Service Manager"},
    {"letter", "Dear Sir or Madam,\nI am writing to apply for the position of office "
               "assistant advertised on your website. I have three years of experience in "
               "administration and I would welcome the opportunity to discuss my application "
               "with you. I enclose my curriculum vitae for your consideration.\nI look "
               "forward to hearing from you.\nYours faithfully,\nPeter Novak"},
    {"letter", "Re: Your account and our new address\nDear Customer,\nWe would like to inform "
               "you that from 1 September our offices will move to a new address. Your "
               "account and services will not be affected. Please send all future "
               "correspondence to the address shown above.\nWe thank you for your continued "
               "support.\nKind regards,\nThe Management"},
    {"letter", "Dr. Helen Brooks\nDepartment of Chemistry\nMarch 3, 1998\nDear Dr. Brooks:\n"
               "It was a pleasure to meet you at the conference last week. As we discussed, I "
               "am enclosing a copy of our report and would be grateful for your comments. We "
               "hope that you will be able to join us for the meeting in April.\nWith best "
               "regards,\nSincerely yours,\nRobert Hill, Director"},
    {"letter", "Dear Anna,\nThank you so much for the lovely flowers and your kind words. It "
               "meant a great deal to all of us. We hope to see you and the children in the "
               "summer when things are quieter here.\nWith love and best wishes,\nMargaret"},
    {"letter", "Ref: HR/2023/118\nPrivate and confidential\nDear Ms Patel,\nFollowing your "
               "interview on 4 May, we are pleased to offer you the position of project "
               "coordinator. The enclosed contract sets out the terms of your employment. "
               "Please sign and return one copy by 20 May to confirm your acceptance.\nWe look "
               "forward to welcoming you to the team.\nYours sincerely,\nDavid Green, Head of "
               "People"},
    {"letter", "Dear valued member,\nWe are writing to let you know about changes to our "
               "opening hours. Thank you for your understanding and we apologise for any "
               "inconvenience. Should you have any questions, please write to us or call our "
               "helpline.\nBest regards,\nMember Services Team"},

    /* ---- other: documents that are none of the above ---- */
    {"other", "Local council approves new cycle lanes\nThe city council voted on Tuesday to "
              "build twelve kilometres of protected cycle lanes over the next two years. "
              "Supporters said the plan would make streets safer, while some shop owners "
              "worried about the loss of parking spaces. Work is expected to begin in the "
              "spring, the mayor said in a statement."},
    {"other", "Abstract. We study the effect of temperature on the growth rate of bacterial "
              "cultures. Experiments were performed at five temperatures and the results were "
              "compared with a simple kinetic model. Our analysis shows that the model "
              "explains most of the observed variation. 1 Introduction. Previous work has "
              "shown [3, 7] that growth depends on nutrient availability. Figure 2 shows the "
              "measured rates. References"},
    {"other", "This Agreement is entered into by and between the Company and the Consultant "
              "(together the Parties). 1. Term. This Agreement shall commence on the Effective "
              "Date and continue for twelve months. 2. Confidentiality. The Consultant shall "
              "not disclose any Confidential Information. 3. Governing law. This Agreement "
              "shall be governed by the laws of the State. IN WITNESS WHEREOF the parties "
              "have executed this Agreement."},
    {"other", "Curriculum Vitae\nProfile: experienced software engineer with a strong "
              "background in distributed systems.\nExperience: Senior Developer, 2018 - "
              "present. Led a team of five engineers. Developer, 2014 - 2018.\nEducation: "
              "BSc Computer Science, University of Manchester.\nSkills: Python, C, SQL, "
              "project management. Languages: English, Spanish.\nReferences available on "
              "request."},
    {"other", "Installation guide\n1. Unpack the device and check that all parts are "
              "included.\n2. Connect the power cable to the socket on the back panel.\n3. "
              "Press and hold the power button for three seconds until the light turns "
              "green.\nWarning: do not expose the device to water. Troubleshooting: if the "
              "light blinks red, restart the device and check the connection."},
    {"other", "Minutes of the team meeting\nPresent: J. Smith (chair), L. Wong, K. Adams\n"
              "Apologies: P. Brown\n1. The minutes of the previous meeting were approved.\n"
              "2. Project update: the pilot phase is on schedule.\n3. Any other business: "
              "none.\nAction: L. Wong to circulate the draft plan before the next meeting."},
    {"other", "Tomato soup recipe\nIngredients: six ripe tomatoes, one onion, two cloves of "
              "garlic, olive oil, salt and pepper.\nMethod: chop the onion and fry it gently "
              "in the oil. Add the tomatoes and simmer for twenty minutes. Blend until "
              "smooth and season to taste. Serve hot with fresh bread."},
    {"other", "Chapter 3\nThe rain had not stopped for three days when she finally decided "
              "to leave the village. Nobody saw her go. In the morning the house was empty, "
              "the fire was cold, and only the old dog was waiting by the door, as if he "
              "knew she would not come back."},
};

struct classifier *classifier_builtin(void)
{
    struct classifier *c = classifier_new();
    if (!c)
        return NULL;
    size_t n = sizeof(builtin_examples) / sizeof(builtin_examples[0]);
    for (size_t i = 0; i < n; i++) {
        const struct builtin_example *e = &builtin_examples[i];
        if (classifier_add_text(c, e->label, e->text, strlen(e->text)) != DP_OK)
            goto fail;
    }
    if (classifier_train(c, NULL) != DP_OK)
        goto fail;
    return c;
fail:
    classifier_free(c);
    return NULL;
}
