/* worker_main.c -- docproc-worker [-j N] [--option=value ...]: config, then the supervisor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "log.h"
#include "seal.h"
#include "worker.h"

int main(int argc, char **argv)
{
    /* Tesseract's OpenMP threads make OCR 3-8x slower on small machines: scale with processes.
     * libgomp reads OMP_THREAD_LIMIT when it is loaded, before main, so set it and re-exec. */
    const char *omp = getenv("OMP_THREAD_LIMIT");
    if (!omp || strcmp(omp, "1") != 0) {
        setenv("OMP_THREAD_LIMIT", "1", 1);
        execv("/proc/self/exe", argv);
        /* Best effort: if re-exec fails, run with what we have. */
    }
    struct dp_config cfg;
    char err[512];
    int help = 0;
    /* -j N is the customary spelling of --workers=N. */
    char jopt[32];
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "-j") == 0) {
            snprintf(jopt, sizeof jopt, "--workers=%s", argv[i + 1]);
            argv[i] = jopt;
            memmove(&argv[i + 1], &argv[i + 2], (size_t)(argc - i - 2) * sizeof *argv);
            argc--;
            break;
        }
    }
    if (config_load(&cfg, argc, argv, &help, err, sizeof err) ||
        seal_setup(&cfg, err, sizeof err)) {
        fprintf(stderr, "docproc-worker: %s\n", err);
        return 2;
    }
    if (help) {
        printf("usage: docproc-worker [-j N] [options]\n");
        config_usage(stdout, "docproc-worker");
        return 0;
    }
    log_init("docproc-worker", cfg.log_level);
    int n = (int)cfg.workers;
    if (n <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = cores > 0 ? (int)cores : 1;
    }
    return worker_supervise(&cfg, n);
}
