/* promtext.h -- a strict reader of Prometheus text format 0.0.4 for tests: checks the grammar
 * of every line and that each sample belongs to a family declared by a preceding # TYPE. */
#ifndef DP_PROMTEXT_H
#define DP_PROMTEXT_H
#include <stddef.h>

/* 0 when buf[0..len) is well-formed; else -1 with the first bad line described in why. */
int promtext_check(const char *buf, size_t len, char *why, size_t whysz);

/* Value of the sample whose name+labels are exactly series (e.g. "x_total{a=\"b\"}"), or -1 when
 * there is none. */
double promtext_value(const char *buf, const char *series);

/* Sum of the values of every sample line starting with prefix; 0 when none. */
double promtext_sum(const char *buf, const char *prefix);

#endif
