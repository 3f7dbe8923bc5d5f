/* check_markdown.c -- the Markdown renderer over a document's JSON: heading levels, paragraphs
 * (joined lines, hyphenation), bullet and numbered lists, a table as a pipe table, the page
 * rule, the fallback for pages without blocks, escaping and the size cap. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "markdown.h"

static char *render(const char *json)
{
    cJSON *doc = cJSON_Parse(json);
    ck_assert_ptr_nonnull(doc);
    char *md = NULL;
    size_t len = 0;
    ck_assert_int_eq(markdown_doc(doc, 0, &md, &len), DP_OK);
    ck_assert_uint_eq(len, strlen(md));
    cJSON_Delete(doc);
    return md;
}

#define L(t, h) "{\"text\":\"" t "\",\"bbox\":[0,0,100," #h "]}"

START_TEST(headings_paragraphs_lists_tables)
{
    char *md = render(
        "{\"pages\":[{\"blocks\":["
        "{\"kind\":\"heading\",\"lines\":[" L(
            "Annual Report",
            60) "]},"
                "{\"kind\":\"text\",\"lines\":[" L("The year went well for all of our cus-", 20) "," L(
                    "tomers and staff.",
                    20) "]},"
                        "{\"kind\":\"heading\",\"lines\":[" L(
                            "Highlights",
                            40) "]},"
                                "{\"kind\":\"text\",\"lines\":[" L("- more sales", 20) "," L(
                                    "\\u2022 fewer costs",
                                    20) "," L("than planned",
                                              20) "," L("1. first",
                                                        20) "," L("2) second",
                                                                  20) "]},"
                                                                      "{\"kind\":\"table\","
                                                                      "\"table\":0,\"lines\":[]}],"
                                                                      "\"tables\":[{\"rows\":2,"
                                                                      "\"cols\":2,\"cells\":["
                                                                      "{\"row\":0,\"col\":0,"
                                                                      "\"text\":\"Region\"},{"
                                                                      "\"row\":0,\"col\":1,"
                                                                      "\"text\":\"Sales\"},"
                                                                      "{\"row\":1,\"col\":0,"
                                                                      "\"text\":\"North|East\"},{"
                                                                      "\"row\":1,\"col\":1,"
                                                                      "\"text\":\"1200\"}]}]},"
                                                                      "{\"blocks\":[{\"kind\":"
                                                                      "\"text\",\"lines\":[" L(
                                                                          "# not a heading",
                                                                          20) "]}]}]}");
    ck_assert_str_eq(md, "# Annual Report\n\n"
                         "The year went well for all of our customers and staff.\n\n"
                         "## Highlights\n\n"
                         "- more sales\n"
                         "- fewer costs than planned\n"
                         "1. first\n"
                         "2) second\n\n"
                         "| Region | Sales |\n"
                         "| --- | --- |\n"
                         "| North\\|East | 1200 |\n\n"
                         "---\n\n"
                         "\\# not a heading\n\n");
    free(md);
}
END_TEST

START_TEST(pages_without_blocks)
{
    char *md = render("{\"pages\":[{\"text\":\"one\\ntwo\\n\\nthree\"},{\"text\":\"four\"}]}");
    ck_assert_str_eq(md, "one\ntwo\n\nthree\n\n---\n\nfour\n\n");
    free(md);
    md = render("{\"pages\":[]}");
    ck_assert_str_eq(md, "");
    free(md);
}
END_TEST

START_TEST(list_markers)
{
    int ord;
    ck_assert_uint_eq(markdown_list_marker("- item", &ord), 2);
    ck_assert_int_eq(ord, 0);
    ck_assert_uint_eq(markdown_list_marker("\xe2\x80\xa2 item", &ord), 4);
    ck_assert_uint_eq(markdown_list_marker("12. item", &ord), 4);
    ck_assert_int_eq(ord, 1);
    ck_assert_uint_eq(markdown_list_marker("3) item", &ord), 3);
    ck_assert_uint_eq(markdown_list_marker("-5.00 EUR", &ord), 0);
    ck_assert_uint_eq(markdown_list_marker("2019. was", &ord), 0); /* four digits: a year */
    ck_assert_uint_eq(markdown_list_marker("1.5 kg", &ord), 0);
    ck_assert_uint_eq(markdown_list_marker("- ", &ord), 0);
    ck_assert_uint_eq(markdown_list_marker("", &ord), 0);
}
END_TEST

START_TEST(cap)
{
    cJSON *doc = cJSON_Parse("{\"pages\":[{\"text\":\"a long enough line of text\"}]}");
    char *md = (char *)1;
    size_t len = 1;
    ck_assert_int_eq(markdown_doc(doc, 10, &md, &len), DP_ETOOBIG);
    ck_assert_ptr_null(md);
    cJSON_Delete(doc);
}
END_TEST

Suite *markdown_suite(void)
{
    Suite *s = suite_create("markdown");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, headings_paragraphs_lists_tables);
    tcase_add_test(tc, pages_without_blocks);
    tcase_add_test(tc, list_markers);
    tcase_add_test(tc, cap);
    suite_add_tcase(s, tc);
    return s;
}
