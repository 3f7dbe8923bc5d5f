/* harness_browser.h -- what the suites that drive Node tools share: the npm modules of
 * tests/browser (playwright-core), and the end of a log for a failing run. */
#ifndef DP_HARNESS_BROWSER_H
#define DP_HARNESS_BROWSER_H

#define CHROMIUM "/usr/bin/chromium"

/* Runs src/tests/browser/setup.sh (returns at once when the locked modules are in place,
 * reinstalls when the pin changed), its output in dir/npm-setup.log. 0 on success. */
int browser_setup(const char *src, const char *dir);

/* Prints the last 6 KiB of the file at path to stderr, between two marker lines; nothing when
 * it cannot be opened. */
void log_tail(const char *path);

#endif
