/* webhookd_main.c -- docproc-webhookd: options -> state -> delivery loop -> drain -> exit. */
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
    struct webhookd w;
    int rc = 1;
    memset(&w, 0, sizeof w);
    w.stop = &stop_flag;
    if (webhookd_opts_parse(&w.opts, argc, argv) != DP_OK)
        return 2;
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
    curl_multi_setopt(w.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)WEBHOOKD_INFLIGHT_MAX);
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
