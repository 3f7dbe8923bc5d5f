/* webhookd_main.c -- docproc-webhookd: config -> state -> delivery loop -> drain -> exit. */
#include "webhookd.h"
#include "seal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one datum a signal handler may touch (STYLE rule 6): set on SIGTERM/SIGINT. */
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

int main(int argc, char **argv)
{
    char err[512];
    int help = 0, rc = 1;
    struct webhookd *w = calloc(1, sizeof *w); /* ~2 kB of config: on the heap */
    if (!w)
        return 1;
    w->stop = &stop_flag;
    if (config_load(&w->cfg, argc, argv, &help, err, sizeof err) != DP_OK ||
        seal_setup(&w->cfg, err, sizeof err) != DP_OK ||
        (!help && webhookd_configure(w, err, sizeof err) != DP_OK)) {
        fprintf(stderr, "docproc-webhookd: %s\n", err);
        rc = 2;
        goto out;
    }
    if (help) {
        printf("docproc-webhookd delivers webhook events; it reads redis_* and webhook_* below.\n");
        config_usage(stdout, "docproc-webhookd");
        rc = 0;
        goto out;
    }
    log_init("docproc-webhookd", w->cfg.log_level);
    util_on_stop_signals(on_signal);
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        goto out;
    if ((w->multi = curl_multi_init())) {
        curl_multi_setopt(w->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                          (long)w->cfg.webhook_concurrency);
        if (webhookd_run(w) == DP_OK)
            rc = 0;
        curl_multi_cleanup(w->multi);
    }
    curl_global_cleanup();
out:
    if (w->rc)
        redisFree(w->rc);
    free(w);
    return rc;
}
