/* testutil.h -- what every Check suite file includes: Check itself and the suite prototypes. */
#ifndef DP_TESTUTIL_H
#define DP_TESTUTIL_H
#include <check.h>

#define SUITE(name, e2e) Suite *name##_suite(void);
#include "suites.inc"
#undef SUITE

#endif
