/* check_form_split.c -- a label and its answer read as one phrase (form_split.c): where the
 * phrase is cut (a label head ending in a word that ends labels, a value-shaped tail), where
 * it is not (prose, a date, a written label, no value after the head), leaders, and the
 * entities of a page cut so that the pair is found. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "form_int.h"

#include "fixtures_wset.h"

/* The cut of a made-up phrase (words split at spaces, at most 16). */
static size_t cut_of(const char *phrase)
{
    char buf[256];
    const char *t[16];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", phrase);
    for (char *p = buf; *p && n < 16;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        t[n++] = p;
        p += strcspn(p, " ");
    }
    return form_label_cut(t, n);
}

START_TEST(label_heads_cut_from_their_values)
{
    ck_assert_uint_eq(cut_of("Date Sent 4/19/74"), 0); /* "Sent" ends no label */
    ck_assert_uint_eq(cut_of("Initiation Date 8/3/87"), 2);
    ck_assert_uint_eq(cut_of("DATE April 30, 1985"), 1);      /* a date in words */
    ck_assert_uint_eq(cut_of("Project No. 1987-113"), 2);     /* "No." ends labels */
    ck_assert_uint_eq(cut_of("PROJECT # 1982.102KL"), 2);     /* so does '#' */
    ck_assert_uint_eq(cut_of("Account Name BARCLAY"), 2);     /* mixed case, then capitals */
    ck_assert_uint_eq(cut_of("NAME Jimmy Bell"), 1);          /* capitals, then a name */
    ck_assert_uint_eq(cut_of("Authorized by Dr. Connie"), 2); /* a name after "by" */
    ck_assert_uint_eq(cut_of("Written By W. Barnes"), 2);     /* ... an initial */
    ck_assert_uint_eq(cut_of("Total Amount $ 40.00"), 0);     /* "$" alone is no number */
    ck_assert_uint_eq(cut_of("Total Amount $40.00"), 2);
    ck_assert_uint_eq(cut_of("Original - Project File"), 2);     /* a dash after a label word */
    ck_assert_uint_eq(cut_of("Trade Register; Cologne HRB"), 2); /* OCR's ';' for ':' */
    ck_assert_uint_eq(cut_of("CABLE; COVLING"), 1);
}
END_TEST

START_TEST(phrases_left_whole)
{
    ck_assert_uint_eq(cut_of("Brown on yellow"), 0);
    ck_assert_uint_eq(cut_of("considered by Contributions Committee"), 0); /* prose: lower case */
    ck_assert_uint_eq(cut_of("COMMENTS BY MANAGER OR DIRECTOR"), 0);       /* capitals after "BY" */
    ck_assert_uint_eq(cut_of("Dec 1985"), 0);                              /* a month is no label */
    ck_assert_uint_eq(cut_of("Lot 12 Date 3/4/85"), 0);                    /* digits in the head */
    ck_assert_uint_eq(cut_of("Date"), 0);                                  /* nothing after it */
    ck_assert_uint_eq(cut_of("Sample Date Received"), 0);                  /* no value after it */
    ck_assert_uint_eq(cut_of("Tobacco Blend Type Size Color Date 1985"), 0); /* head too long */
    ck_assert_uint_eq(cut_of("(Sales) 312/426-8000"), 0);
    ck_assert_uint_eq(cut_of("ADWEEK - Midwest"), 0); /* a dash inside a name */
    ck_assert_uint_eq(cut_of("Original -"), 0);       /* nothing after the dash */
    ck_assert_uint_eq(cut_of("Lot 12; Batch 4"), 0);  /* digits in the head */
    ck_assert_uint_eq(cut_of("see note; then"), 0);   /* prose: lower case */
    ck_assert_uint_eq(cut_of("Remarks;"), 0);         /* nothing after it */
    ck_assert(form_leader("-----"));
    ck_assert(form_leader(".."));
    ck_assert(form_leader("--~"));
    ck_assert(!form_leader("-"));
    ck_assert(!form_leader("--5"));
    ck_assert(!form_leader(""));
}
END_TEST

static void ent_text(const struct tl_layout *L, const struct form_ent *e, char *out, size_t sz)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < e->nw; i++)
        k += (size_t)snprintf(out + k, sz - k, "%s%s", i ? " " : "",
                              L->words[L->ord[e->w0 + i]].text);
}

START_TEST(entities_cut_at_labels_and_leaders)
{
    struct wset s = {0};
    put(&s, 100, 100, "Initiation Date 8/3/87");
    put(&s, 100, 200, "Length ------ 85 mm");
    put(&s, 100, 300, "Date: 5/2/88"); /* a written label: cut after its colon as before */
    put(&s, 100, 400, "Brown on yellow");
    struct tl_layout L;
    ck_assert_int_eq(tl_build(&L, s.w, s.n, NULL, 0.8), DP_OK);
    struct form_ent *e = NULL;
    size_t n = 0;
    ck_assert_int_eq(form_entities(&L, &e, &n), DP_OK);
    static const char *const want[] = {"Initiation Date", "8/3/87", "Length", "------",
                                       "85 mm",           "Date:",  "5/2/88", "Brown on yellow"};
    ck_assert_uint_eq(n, 8);
    for (size_t i = 0; i < n; i++) {
        char t[128];
        ent_text(&L, &e[i], t, sizeof t);
        ck_assert_str_eq(t, want[i]);
    }
    ck_assert(e[3].noise);   /* the leader is noise: no label, no answer */
    ck_assert(e[1].numeric); /* the cut parts have their own shapes */
    ck_assert_int_eq(e[0].x1, 100 + 15 * CW);
    free(e);
    tl_cleanup(&L);

    /* and the pairing finds the label with its answer */
    struct form_kv *kv = NULL;
    size_t nkv = 0;
    ck_assert_int_eq(form_pairs_model(form_model_builtin(), s.w, s.n, NULL, 0, &kv, &nkv), DP_OK);
    int found = 0;
    for (size_t i = 0; i < nkv; i++)
        found += kv[i].has_value && !strcmp(kv[i].key.text, "Initiation Date") &&
                 !strcmp(kv[i].value.text, "8/3/87");
    ck_assert_int_eq(found, 1);
    form_kv_list_free(kv, nkv);
    wset_free(&s);
}
END_TEST

Suite *form_split_suite(void)
{
    Suite *s = suite_create("form_split");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, label_heads_cut_from_their_values);
    tcase_add_test(tc, phrases_left_whole);
    tcase_add_test(tc, entities_cut_at_labels_and_leaders);
    suite_add_tcase(s, tc);
    return s;
}
