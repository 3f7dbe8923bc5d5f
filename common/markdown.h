/* markdown.h -- a finished document as Markdown, the form people feed to search and language
 * models: per page, its blocks (layout.h) in reading order -- headings as `#` (the document's
 * largest) or `##`, paragraphs as text (lines joined, words hyphenated at a line end joined),
 * lines starting with a bullet or a number as list items (`- `, `1. `), tables as pipe tables
 * from pages[].tables[] -- with pages separated by a `---` rule.  A page stored without blocks
 * (an older result) gives its text, paragraph by paragraph.  Pure over the document's JSON. */
#ifndef DP_MARKDOWN_H
#define DP_MARKDOWN_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "err.h"

#define MARKDOWN_MAX_BYTES ((size_t)64 << 20) /* default cap on the output */

/* The Markdown of doc (the public document JSON, with pages[]): *out (NUL-terminated, caller
 * frees) of *len bytes, at most cap bytes (0 = MARKDOWN_MAX_BYTES). DP_ETOOBIG over the cap,
 * DP_ENOMEM. */
dp_err markdown_doc(const cJSON *doc, size_t cap, char **out, size_t *len);

/* Length of the list marker at the start of line s ("- ", "* ", "• ", "1. ", "2) "...), 0 when
 * it is not a list item; *ordered says a number. Exposed for tests. Pure. */
size_t markdown_list_marker(const char *s, int *ordered);

#endif
