/* lineitems_int.h -- what the line parser (lineitems.c) and the table reader
 * (lineitems_table.c) share: printed numbers and the kinds of tokens on an item line
 * (lineitems_tok.c). Internal to common/. */
#ifndef DP_LINEITEMS_INT_H
#define DP_LINEITEMS_INT_H
#include <stddef.h>

/* Kinds of tokens on an item line. */
enum li_tok {
    LI_T_WORD = 0, /* anything else */
    LI_T_NUM,      /* a number ("1.234,56", "20", "2x", "€9.90") */
    LI_T_PCT,      /* a percentage ("19%", "19 %" as "%") */
    LI_T_TIMES,    /* "x", "×", "@", "*", "à" */
    LI_T_UNIT,     /* a unit of measure ("Stk", "h", "kg") */
    LI_T_CUR       /* a currency sign or code */
};

/* Normalises a printed number s[0..n) ("1.234,56", "20,0000", "-3.50", "€9.90", "198,00-")
 * into a plain decimal in out[outsz]; *dec receives the digits after the point. 0 on
 * success, -1 if it is not a number (grouping separators must group by three). Pure. */
int lineitems_number(const char *s, size_t n, char *out, size_t outsz, int *dec);

/* The kind of token s[0..n); for LI_T_NUM and LI_T_PCT (when digits are given) num[numsz]
 * and *dec receive the number as lineitems_number() writes it. Pure. */
enum li_tok lineitems_token(const char *s, size_t n, char *num, size_t numsz, int *dec);

/* Whether toks[0..n) name a total, subtotal, tax or payment: the end of a list of items (a
 * discount or its base alone, as printed under an item, is no item but does not end it). */
int lineitems_ends_list(const char *const *toks, size_t n);

#endif
