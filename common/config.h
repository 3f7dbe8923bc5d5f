/* config.h -- docproc's one table-driven configuration.
 * Every option has a name, bounds, a default and help text in one table (config.c); the same
 * table loads the defaults, a file (key = value), DOCPROC_<NAME> environment variables and
 * --name=value arguments (in that order, later wins), validates, and prints --help. */
#ifndef DP_CONFIG_H
#define DP_CONFIG_H
#include <stdio.h>
#include "err.h"

#define CONFIG_STR_MAX 256

struct dp_config {
    /* network */
    char listen_addr[CONFIG_STR_MAX]; /* address every server binds */
    long long http_port;              /* nginx (the public entry point) */
    long long api_port;               /* first API process; process i listens on api_port + i */
    char api_socket[CONFIG_STR_MAX];  /* Unix socket path of the API; "" = TCP (listen_addr) */
    long long api_processes;          /* API processes behind nginx (make run) */
    long long api_threads;            /* libmicrohttpd thread-pool size per API process */
    long long api_group_commit;       /* round trips uploads share, in flight at once; 0 = off */
    /* redis */
    char redis_host[CONFIG_STR_MAX];
    long long redis_port;
    char redis_socket[CONFIG_STR_MAX];      /* Unix socket of a local Redis; "" = redis_host:port */
    long long redis_timeout_ms;             /* connect and command timeout */
    char redis_appendfsync[CONFIG_STR_MAX]; /* everysec | always (make run's redis) */
    char sentinel_master[CONFIG_STR_MAX];   /* if set, resolve the master through sentinels */
    char sentinels[CONFIG_STR_MAX];         /* host:port,host:port of Redis Sentinels */
    char redis_user[CONFIG_STR_MAX];        /* ACL user ("" = AUTH with the password only) */
    char redis_password[CONFIG_STR_MAX];    /* "" = no AUTH (unless redis_password_file) */
    char redis_password_file[CONFIG_STR_MAX];    /* or a file holding it (first line), mode 0600 */
    char sentinel_password[CONFIG_STR_MAX];      /* AUTH towards the Sentinels ("" = none, unless */
    char sentinel_password_file[CONFIG_STR_MAX]; /* this file holding it, first line) */
    long long redis_wait_replicas;   /* >0: an upload's 2xx waits for this many replicas (WAIT) */
    long long redis_wait_timeout_ms; /* how long that WAIT may take */
    /* limits */
    long long auth_cache_ms;    /* trust in a looked-up API key, per API thread */
    long long max_upload_bytes; /* per document */
    long long max_batch_bytes;  /* per multipart batch upload */
    long long max_pages;        /* per document */
    long long max_page_pixels;  /* width*height, checked from the image header */
    long long max_queue;        /* jobs queued + running before uploads get 503 */
    long long max_wait_s;       /* longest `wait` an upload may ask for */

    long long max_waiters_per_tenant; /* wait= uploads one tenant holds open per API process */
    /* jobs */
    long long workers;                 /* worker processes (0 = one per core) */
    long long worker_nice;             /* nice value of docproc-worker and its children */
    long long worker_sched_idle;       /* 1 = docproc-worker and its children run SCHED_IDLE */
    long long visibility_timeout_ms;   /* a claimed job idle this long is taken over */
    long long max_attempts;            /* starts of a job before it is dead-lettered */
    long long job_timeout_ms;          /* whole-job budget */
    long long page_timeout_ms;         /* budget per page: decoding and OCR */
    long long decode_memory_limit_mb;  /* RLIMIT_AS of the decode child, MiB */
    char lang[CONFIG_STR_MAX];         /* default Tesseract languages, e.g. eng+deu */
    char tessdata_dir[CONFIG_STR_MAX]; /* empty = Tesseract's default */
    long long lang_auto_lines;         /* lang=auto, first page in another language: 1 = re-read its
                                          weak lines with that pack, 0 = the whole page */
    char kv_model_file[CONFIG_STR_MAX]; /* key-value pairing model; empty = the built-in one */
    long long second_reading;           /* 1 = second reading kept as alternates (altread.h) */
    long long line_look;                /* 1 = a receipt's top and date lines read once more */
    long long idempotency_ttl_s;
    /* webhooks (docproc-webhookd; the API checks endpoint URLs with webhook_allow_private) */
    long long webhook_allow_private; /* 1 = allow private/loopback receivers (tests, trusted) */
    long long webhook_timeout_ms;    /* per attempt: connect + response */
    long long webhook_claim_idle_ms; /* events a stopped daemon left pending: taken over after */
    long long webhook_concurrency;   /* deliveries in flight per docproc-webhookd */
    char webhook_retry_schedule[CONFIG_STR_MAX]; /* delay before attempt i, seconds, comma list */
    /* data safety (seal.h) */
    char encryption_key[CONFIG_STR_MAX];      /* base64 of 32 bytes: seals stored values */
    char encryption_key_file[CONFIG_STR_MAX]; /* or a file holding it (first line) */
    char encryption_old_keys[CONFIG_STR_MAX]; /* comma list of older keys that still open */
    long long retention_days;                 /* finished documents expire after (0 = keep) */
    long long retention_day_s;                /* seconds in a retention "day" (tests shorten) */
    long long tenant_max_queued;              /* per tenant: queued documents (0 = no limit) */
    long long tenant_max_bytes;               /* per tenant: bytes of stored files (0 = no limit) */
    long long tenant_uploads_per_minute;      /* per tenant (0 = no limit) */
    long long redis_maxmemory_mb; /* make run's Redis maxmemory (noeviction); 0 = none */
    /* misc */
    char run_dir[CONFIG_STR_MAX]; /* make run's state: redis data, logs, nginx conf */
    /* make run only (config/run.sh, nginx/gen-conf.sh) */
    char public_addr[CONFIG_STR_MAX];   /* nginx's HTTP/HTTPS address; APIs keep listen_addr */
    long long https_port;               /* 0 = no HTTPS */
    char redis_bind[CONFIG_STR_MAX];    /* make run's Redis address */
    long long rate_limit_per_s;         /* per API key (address without one); 0 = off */
    long long conn_limit_per_addr;      /* requests in progress per address; 0 = off */
    long long metrics_rate_limit_per_s; /* /metrics and health per address; 0 = off */
    long long client_header_timeout_s;
    long long client_body_timeout_s;
    long long nginx_worker_connections;
    char run_user[CONFIG_STR_MAX];  /* drop to this account when root; "" = stay root */
    char log_level[CONFIG_STR_MAX]; /* debug | info | warn | error */
    long long debug_faults;         /* 1 = honour fault-injection hooks (tests only) */
};

/* Fills *cfg with the built-in defaults. */
void config_defaults(struct dp_config *cfg);

/* Defaults, then the file named by DOCPROC_CONFIG or --config=PATH (if any), then DOCPROC_*
 * variables, then argv (--name=value or --name value; argv[0] skipped). On error writes a
 * message into err. Sets *want_help when --help/-h was given. */
dp_err config_load(struct dp_config *cfg, int argc, char **argv, int *want_help, char *err,
                   size_t errsz);

/* Applies one option by name (as in the table, '-' and '_' alike). */
dp_err config_set(struct dp_config *cfg, const char *name, const char *value, char *err,
                  size_t errsz);

/* Parses "key = value" lines (# comments) from a buffer. Pure. */
dp_err config_parse_buf(struct dp_config *cfg, const char *buf, size_t len, char *err,
                        size_t errsz);

/* Prints every option with its default, bounds and help. */
void config_usage(FILE *out, const char *prog);

/* Prints the effective configuration as KEY=value lines (shell-sourceable). */
void config_print(FILE *out, const struct dp_config *cfg);

#endif
