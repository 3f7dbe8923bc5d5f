/* api_main.c -- docproc-api: args -> config -> server -> wait for SIGINT/SIGTERM -> stop. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api.h"
#include "log.h"
#include "seal.h"

int main(int argc, char **argv)
{
    struct api_server srv = {0};
    char err[512];
    int help = 0, status = 1;
    sigset_t set;
    if (argc == 2 && strcmp(argv[1], API_PDFCHILD_ARG) == 0)
        return api_pdfchild_main(); /* exec'd by api_export.c: no config, no server */
    if (config_load(&srv.cfg, argc, argv, &help, err, sizeof err) ||
        seal_setup(&srv.cfg, err, sizeof err)) {
        fprintf(stderr, "docproc-api: %s\n", err);
        return 2;
    }
    if (help) {
        config_usage(stdout, "docproc-api");
        return 0;
    }
    log_init("docproc-api", srv.cfg.log_level);
    /* Block the stop signals in every thread; main waits for them with sigwait. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (api_server_start(&srv))
        goto out;
    char port[16];
    snprintf(port, sizeof port, "%u", srv.port);
    if (srv.listen_path[0])
        log_kv(LOG_INFO, "listening", "socket", srv.listen_path, NULL);
    else
        log_kv(LOG_INFO, "listening", "addr", srv.cfg.listen_addr, "port", port, NULL);
    int sig = 0;
    sigwait(&set, &sig);
    log_kv(LOG_INFO, "stopping", NULL);
    status = 0;
out:
    api_server_stop(&srv);
    return status;
}
