/* admin_main.c -- docproc-admin: API keys, queue inspection, dead-letter requeue, config.
 *   docproc-admin [options] key create --tenant T [--scopes S] [--name N]
 *   docproc-admin [options] key store KEY --tenant T      (a chosen key, e.g. make run's)
 *   docproc-admin [options] key revoke KEY
 *   docproc-admin [options] queue [--json]
 *   docproc-admin [options] requeue <doc id | --all-dead>
 *   docproc-admin [options] tenant retention T [DAYS|default]  (documents' retention)
 *   docproc-admin [options] rekey                         (re-seal with the current key)
 *   docproc-admin [options] restarted PROGRAM             (a supervisor restarted PROGRAM)
 *   docproc-admin [options] config                        (effective configuration)
 * Options are the shared configuration options (--redis_port=..., see --help). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admin.h"
#include "apikey.h"
#include "log.h"
#include "audit.h"
#include "retention.h"
#include "seal.h"
#include "sealstore.h"
#include "stats.h"
#include "queue.h"
#include "rds.h"

/* Splits argv into configuration options (--x=y) and the command's words. */
static int split_args(int argc, char **argv, char **cfgv, int *cfgc, char **cmdv, int *cmdc)
{
    static const char *const cmd_flags[] = {"--tenant", "--scopes", "--name", "--all-dead",
                                            "--json"};
    *cfgc = 0;
    *cmdc = 0;
    cfgv[(*cfgc)++] = argv[0];
    for (int i = 1; i < argc; i++) {
        int is_cmd_flag = 0;
        for (size_t k = 0; k < sizeof cmd_flags / sizeof cmd_flags[0]; k++)
            if (strncmp(argv[i], cmd_flags[k], strlen(cmd_flags[k])) == 0)
                is_cmd_flag = 1;
        if (argv[i][0] == '-' && !is_cmd_flag) {
            cfgv[(*cfgc)++] = argv[i];
            if (!strchr(argv[i], '=') && strcmp(argv[i], "--help") != 0 &&
                strcmp(argv[i], "-h") != 0 && i + 1 < argc)
                cfgv[(*cfgc)++] = argv[++i];
        } else {
            cmdv[(*cmdc)++] = argv[i];
        }
    }
    return 0;
}

const char *admin_flag(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
        if (strcmp(argv[i], name) == 0)
            return i + 1 < argc && argv[i + 1][0] != '-' ? argv[i + 1] : "";
    }
    return NULL;
}

static int usage(void)
{
    fprintf(stderr, "usage: docproc-admin [options] key create --tenant T [--scopes S] "
                    "[--name N]\n"
                    "       docproc-admin [options] key store KEY --tenant T\n"
                    "       docproc-admin [options] key revoke KEY\n"
                    "       docproc-admin [options] queue [--json]\n"
                    "       docproc-admin [options] requeue <doc id | --all-dead>\n"
                    "       docproc-admin [options] tenant retention TENANT [DAYS|default]\n"
                    "       docproc-admin [options] rekey\n"
                    "       docproc-admin [options] restarted PROGRAM   (a supervisor counts "
                    "a restart)\n"
                    "       docproc-admin [options] config\n"
                    "       docproc-admin --help   (lists the options)\n");
    return 2;
}

/* Re-seals every stored content value with the current encryption key (sealstore.h). */
static int cmd_rekey(redisContext *c)
{
    struct sealstore_counts n;
    if (!seal_active()) {
        fprintf(stderr, "docproc-admin: rekey needs encryption_key (the new one) and "
                        "encryption_old_keys (those values were sealed with)\n");
        return 2;
    }
    dp_err rc = sealstore_rekey(c, seal_active(), &n);
    printf("resealed=%lld current=%lld failed=%lld raced=%lld\n", n.resealed, n.current, n.failed,
           n.raced);
    if (rc) {
        fprintf(stderr, "docproc-admin: rekey: %s\n", dp_strerror(rc));
        return 1;
    }
    return n.failed ? 1 : 0;
}

static int cmd_key(redisContext *c, int argc, char **argv)
{
    const char *tenant = admin_flag(argc, argv, "--tenant");
    const char *scopes = admin_flag(argc, argv, "--scopes");
    const char *name = admin_flag(argc, argv, "--name");
    if (argc >= 2 && strcmp(argv[1], "create") == 0) {
        char key[40];
        if (!tenant || !apikey_tenant_valid(tenant)) {
            fprintf(stderr, "key create: --tenant NAME is required ([A-Za-z0-9_.-]{1,63})\n");
            return 2;
        }
        dp_err rc = apikey_create(c, tenant, scopes, name, key);
        if (rc) {
            fprintf(stderr, "key create: %s%s%s\n", dp_strerror(rc), c->err ? ": " : "",
                    c->err ? c->errstr : "");
            return 1;
        }
        printf("%s\n", key);
        struct apikey_info info;
        if (apikey_lookup(c, key, &info) == DP_OK)
            audit_log(c, tenant, "admin", "api_key.created", info.key_id, info.scopes);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "store") == 0) {
        if (!tenant || !apikey_tenant_valid(tenant)) {
            fprintf(stderr, "key store: needs KEY and a valid --tenant\n");
            return 2;
        }
        dp_err rc = apikey_store(c, argv[2], tenant, scopes, name);
        if (rc) {
            /* Redis said why (e.g. still LOADING after the wait rds allows): show it. */
            fprintf(stderr, "key store: %s%s%s\n", dp_strerror(rc), c->err ? ": " : "",
                    c->err ? c->errstr : "");
            return 1;
        }
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "revoke") == 0) {
        struct apikey_info info;
        int known = apikey_lookup(c, argv[2], &info) == DP_OK;
        dp_err rc = apikey_revoke(c, argv[2]);
        if (rc) {
            fprintf(stderr, "key revoke: %s\n", dp_strerror(rc));
            return 1;
        }
        if (known)
            audit_log(c, info.tenant, "admin", "api_key.revoked", info.key_id, NULL);
        printf("revoked\n");
        return 0;
    }
    return usage();
}

/* tenant retention TENANT DAYS|default */
static int cmd_tenant(redisContext *c, const struct dp_config *cfg, int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "retention") != 0 || !apikey_tenant_valid(argv[2]))
        return usage();
    struct retention_cfg rc = {cfg->retention_days, cfg->retention_day_s};
    long long days;
    int own;
    if (argc >= 4) {
        char *end;
        days = strcmp(argv[3], "default") == 0 ? -1 : strtoll(argv[3], &end, 10);
        if ((days != -1 && (end == argv[3] || *end)) || days < -1 || days > RETENTION_DAYS_MAX) {
            fprintf(stderr, "tenant retention: DAYS is 0..%d (0 = keep) or 'default'\n",
                    RETENTION_DAYS_MAX);
            return 2;
        }
        if (retention_set(c, argv[2], days) != DP_OK) {
            fprintf(stderr, "tenant retention: redis failed\n");
            return 1;
        }
        audit_log(c, argv[2], "admin", "tenant.retention_changed", argv[2],
                  days < 0 ? "default" : argv[3]);
    }
    if (retention_get(c, &rc, argv[2], &days, &own) != DP_OK)
        return 1;
    printf("retention_days=%lld (%s)\n", days, own ? "tenant" : "default");
    return 0;
}

static int cmd_requeue(redisContext *c, int argc, char **argv)
{
    int moved = 0;
    int all = admin_flag(argc, argv, "--all-dead") != NULL;
    if (!all && argc < 2)
        return usage();
    dp_err rc = queue_requeue_dead(c, all ? NULL : argv[1], &moved);
    if (rc) {
        fprintf(stderr, "requeue: %s\n", dp_strerror(rc));
        return 1;
    }
    printf("requeued %d\n", moved);
    return moved == 0 && !all ? 1 : 0;
}

/* `restarted PROGRAM`: config/run.sh's supervisor counts a restart (docproc_process_restarts_total
 * in /metrics). */
static int cmd_restarted(redisContext *c, int argc, char **argv)
{
    if (argc != 2)
        return usage();
    dp_err rc = stats_restart_count(c, argv[1]);
    if (rc) {
        fprintf(stderr, "restarted: %s\n",
                rc == DP_EINVAL ? "not a program name" : dp_strerror(rc));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct dp_config cfg;
    char err[512];
    int help = 0, cfgc, cmdc, status = 1;
    char **cfgv = calloc((size_t)argc + 1, sizeof *cfgv);
    char **cmdv = calloc((size_t)argc + 1, sizeof *cmdv);
    redisContext *c = NULL;
    if (!cfgv || !cmdv)
        goto out;
    split_args(argc, argv, cfgv, &cfgc, cmdv, &cmdc);
    if (config_load(&cfg, cfgc, cfgv, &help, err, sizeof err) ||
        seal_setup(&cfg, err, sizeof err)) {
        fprintf(stderr, "docproc-admin: %s\n", err);
        status = 2;
        goto out;
    }
    if (help) {
        usage();
        config_usage(stdout, "docproc-admin");
        status = 0;
        goto out;
    }
    log_init("docproc-admin", cfg.log_level);
    if (cmdc == 0) {
        status = usage();
        goto out;
    }
    if (strcmp(cmdv[0], "config") == 0) {
        config_print(stdout, &cfg);
        status = 0;
        goto out;
    }
    c = rds_connect(&cfg, err, sizeof err);
    if (!c) {
        fprintf(stderr, "docproc-admin: %s\n", err);
        goto out;
    }
    if (strcmp(cmdv[0], "key") == 0)
        status = cmd_key(c, cmdc, cmdv);
    else if (strcmp(cmdv[0], "queue") == 0)
        status = admin_queue(c, &cfg, admin_flag(cmdc, cmdv, "--json") != NULL);
    else if (strcmp(cmdv[0], "requeue") == 0)
        status = cmd_requeue(c, cmdc, cmdv);
    else if (strcmp(cmdv[0], "tenant") == 0)
        status = cmd_tenant(c, &cfg, cmdc, cmdv);
    else if (strcmp(cmdv[0], "rekey") == 0)
        status = cmd_rekey(c);
    else if (strcmp(cmdv[0], "restarted") == 0)
        status = cmd_restarted(c, cmdc, cmdv);
    else
        status = usage();
out:
    redisFree(c);
    free(cfgv);
    free(cmdv);
    return status;
}
