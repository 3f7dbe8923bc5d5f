/* runner.c -- the one Check runner: `check_docproc [all|unit|e2e] [SUITE...]`. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct suite_entry {
    const char *name;
    int e2e;
    Suite *(*make)(void);
};

static const struct suite_entry suites[] = {
#define SUITE(name, e2e) {#name, e2e, name##_suite},
#include "suites.inc"
#undef SUITE
};

static int wanted(const struct suite_entry *s, const char *kind, int argc, char **argv)
{
    if (argc > 2) {
        for (int i = 2; i < argc; i++)
            if (strcmp(argv[i], s->name) == 0)
                return 1;
        return 0;
    }
    if (strcmp(kind, "unit") == 0)
        return !s->e2e;
    if (strcmp(kind, "e2e") == 0)
        return s->e2e;
    return 1;
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "all";
    SRunner *sr = NULL;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        if (!wanted(&suites[i], kind, argc, argv))
            continue;
        if (!sr)
            sr = srunner_create(suites[i].make());
        else
            srunner_add_suite(sr, suites[i].make());
    }
    if (!sr) {
        fprintf(stderr, "runner: no suite selected\n");
        return 2;
    }
    /* Servers started by end-to-end suites write sanitizer reports to their logs; the harness
     * gathers them here (see harness.c), and any makes the run fail. */
    char report[128];
    snprintf(report, sizeof report, "/tmp/docproc-san-report-%d.log", (int)getpid());
    if (!getenv("DOCPROC_SAN_REPORT"))
        setenv("DOCPROC_SAN_REPORT", report, 1);
    const char *rp = getenv("DOCPROC_SAN_REPORT");
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    struct stat stt;
    if (stat(rp, &stt) == 0 && stt.st_size > 0) {
        fprintf(stderr, "runner: servers reported sanitizer errors or leaks, see %s\n", rp);
        return 1;
    }
    unlink(rp);
    return failed == 0 ? 0 : 1;
}
