/* hocr.c -- hOCR from a page's words. */
#include "hocr.h"
#include <stdio.h>
#include <stdlib.h>

/* The box around words[from..to). */
static void bbox(const struct dp_word *w, size_t from, size_t to, int b[4])
{
    b[0] = w[from].x;
    b[1] = w[from].y;
    b[2] = w[from].x + w[from].w;
    b[3] = w[from].y + w[from].h;
    for (size_t i = from + 1; i < to; i++) {
        b[0] = w[i].x < b[0] ? w[i].x : b[0];
        b[1] = w[i].y < b[1] ? w[i].y : b[1];
        b[2] = w[i].x + w[i].w > b[2] ? w[i].x + w[i].w : b[2];
        b[3] = w[i].y + w[i].h > b[3] ? w[i].y + w[i].h : b[3];
    }
}

static void escaped(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

dp_err hocr_from_page(const struct dp_page *p, char **out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    *out = NULL;
    if (!f)
        return DP_ENOMEM;
    int n = p->number;
    fprintf(f, "  <div class='ocr_page' id='page_%d' title='bbox 0 0 %d %d; ppageno %d'>\n", n,
            p->width, p->height, n - 1);
    const struct dp_word *w = p->words;
    size_t i = 0, word = 0;
    while (i < p->nwords) {
        size_t bend = i;
        while (bend < p->nwords && w[bend].block == w[i].block)
            bend++;
        int b[4];
        bbox(w, i, bend, b);
        fprintf(f,
                "   <div class='ocr_carea' id='block_%d_%d' title='bbox %d %d %d %d'>\n"
                "    <p class='ocr_par' id='par_%d_%d' title='bbox %d %d %d %d'>\n",
                n, w[i].block + 1, b[0], b[1], b[2], b[3], n, w[i].block + 1, b[0], b[1], b[2],
                b[3]);
        while (i < bend) {
            size_t lend = i;
            while (lend < bend && w[lend].line == w[i].line)
                lend++;
            bbox(w, i, lend, b);
            fprintf(f, "     <span class='ocr_line' id='line_%d_%d' title='bbox %d %d %d %d'>", n,
                    w[i].line + 1, b[0], b[1], b[2], b[3]);
            for (; i < lend; i++) {
                fprintf(f,
                        "<span class='ocrx_word' id='word_%d_%zu' title='bbox %d %d %d %d; "
                        "x_wconf %d'>",
                        n, ++word, w[i].x, w[i].y, w[i].x + w[i].w, w[i].y + w[i].h,
                        (int)(w[i].conf + 0.5f));
                escaped(f, w[i].text);
                fputs(i + 1 < lend ? "</span> " : "</span>", f);
            }
            fputs("</span>\n", f);
        }
        fputs("    </p>\n   </div>\n", f);
    }
    fputs("  </div>\n", f);
    if (fclose(f) != 0 || !buf) {
        free(buf);
        return DP_ENOMEM;
    }
    *out = buf;
    return DP_OK;
}
