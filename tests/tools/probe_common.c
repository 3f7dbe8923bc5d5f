/* probe_common.c -- see probe_common.h. */
#include "probe_common.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../../workers/worker.h"

double probe_cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int probe_apply(struct dp_config *cfg, const char *spec, int set, const char *who)
{
    char buf[1024], err[256];
    if (set)
        config_defaults(cfg);
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *t = buf, *next = NULL; t && *t; t = next) {
        if ((next = strchr(t, ',')))
            *next++ = '\0';
        char *eq = strchr(t, '=');
        if (!eq) {
            fprintf(stderr, "%s: '%s' is not name=value\n", who, t);
            return -1;
        }
        *eq = '\0';
        if (strcmp(t, "png_fast") == 0) {
            worker_png_fast(set ? (int)strtol(eq + 1, NULL, 10) : 1);
        } else if (strncmp(t, "X_", 2) == 0) {
            char name[1040];
            snprintf(name, sizeof name, "DOCPROC_%s", t);
            if (set)
                setenv(name, eq + 1, 1);
            else
                unsetenv(name);
        } else if (set && config_set(cfg, t, eq + 1, err, sizeof err) != DP_OK) {
            fprintf(stderr, "%s: %s\n", who, err);
            return -1;
        }
    }
    return 0;
}
