/* webhookd_main.c -- docproc-webhookd: config -> state -> delivery loop -> drain -> exit. */
#include "webhookd.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

int main(int argc, char **argv)
{
    static struct webhookd w; /* ~2 kB of config: static, not on the stack */
    char err[512];
    int help = 0, rc = 1;
    w.stop = &stop_flag;
    if (config_load(&w.cfg, argc, argv, &help, err, sizeof err) != DP_OK ||
        (!help && webhookd_configure(&w, err, sizeof err) != DP_OK)) {
        fprintf(stderr, "docproc-webhookd: %s\n", err);
        return 2;
    }
    if (help) {
        printf("docproc-webhookd delivers webhook events; it reads redis_* and webhook_* below.\n");
        config_usage(stdout, "docproc-webhookd");
        return 0;
    }
    log_init("docproc-webhookd", w.cfg.log_level);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    if (!(w.multi = curl_multi_init()))
        goto out;
    curl_multi_setopt(w.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)w.cfg.webhook_concurrency);
    if (webhookd_run(&w) == DP_OK)
        rc = 0;
out:
    if (w.multi)
        curl_multi_cleanup(w.multi);
    if (w.rc)
        redisFree(w.rc);
    curl_global_cleanup();
    return rc;
}
