/* config.c -- the option table and its loaders (defaults, file, environment, argv). */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"

enum opt_type { OPT_INT, OPT_STR };

struct opt {
    const char *name;
    enum opt_type type;
    size_t offset;
    long long min, max; /* OPT_INT bounds */
    const char *def;    /* default, as text */
    const char *help;
};

#define INT(n, lo, hi, d, h)                                                                       \
    {                                                                                              \
#n, OPT_INT, offsetof(struct dp_config, n), lo, hi, d, h                                   \
    }
#define STR(n, d, h)                                                                               \
    {                                                                                              \
#n, OPT_STR, offsetof(struct dp_config, n), 0, 0, d, h                                     \
    }
#define MIB (1024LL * 1024)

static const struct opt options[] = {
    STR(listen_addr, "127.0.0.1", "address the API processes bind (make run: loopback unless set)"),
    INT(http_port, 1, 65535, "8080", "public port (nginx)"),
    INT(api_port, 0, 65535, "8081", "first API port; API process i uses api_port+i (0 = any)"),
    STR(api_socket, "",
        "Unix socket docproc-api listens on instead of listen_addr:api_port (nginx on the same "
        "host, no loopback TCP; mode 0660, a stale file is replaced); make run gives process i "
        "this path with {n} replaced by i, by default run_dir/api/api-{n}.sock; empty = TCP"),
    INT(api_processes, 1, 64, "2", "API processes behind nginx"),
    INT(api_threads, 1, 256, "4", "libmicrohttpd threads per API process"),
    INT(api_group_commit, 0, 64, "0",
        "N > 0: uploads ready at the same time in one API process share Redis round trips (one "
        "pipelined write, one WAIT each), at most N of them in flight at once (less Redis CPU "
        "per upload, not more uploads/s: docs/BENCH.md); 0: one round trip per upload, each on "
        "its own thread"),
    STR(redis_host, "127.0.0.1", "Redis host"),
    INT(redis_port, 1, 65535, "6390", "Redis port"),
    STR(redis_socket, "",
        "Unix socket of a Redis on this host, used instead of redis_host:redis_port (cheaper per "
        "command than loopback TCP; make run sets it); empty = TCP; not used with Sentinel"),
    INT(redis_timeout_ms, 10, 60000, "2000", "Redis connect/command timeout"),
    STR(redis_appendfsync, "everysec",
        "AOF fsync policy of the Redis make run starts: everysec|always"),
    STR(sentinel_master, "", "Sentinel master name; empty = connect to redis_host directly"),
    STR(sentinels, "", "comma-separated host:port list of Redis Sentinels"),
    STR(redis_user, "", "Redis ACL user every connection authenticates as (make run: per program)"),
    STR(redis_password, "", "Redis password (AUTH); empty = redis_password_file or no AUTH"),
    STR(redis_password_file, "", "file whose first line is the Redis password (mode 0600)"),
    STR(sentinel_password, "",
        "password sent to the Sentinels (AUTH); empty = sentinel_password_file or none"),
    STR(sentinel_password_file, "", "file whose first line is the Sentinels' password (0600)"),
    INT(redis_wait_replicas, 0, 16, "0",
        "replicas that must have an upload (WAIT) before its 202; 0 = don't wait"),
    INT(redis_wait_timeout_ms, 1, 60000, "1000", "longest WAIT for redis_wait_replicas, ms"),
    INT(auth_cache_ms, 0, 60000, "1000",
        "how long an API thread trusts an API key it looked up (a revoked key may work on "
        "for so long); 0 = look up every request"),
    INT(max_upload_bytes, 1, 4096 * MIB, "52428800", "largest accepted document, bytes"),
    INT(max_batch_bytes, 1, 4096 * MIB, "209715200",
        "largest multipart POST /v1/batches (every file together), bytes"),
    INT(max_pages, 1, 100000, "200", "most pages per document"),
    INT(max_page_pixels, 1, 1000000000, "100000000", "most pixels per page (from the header)"),
    INT(max_queue, 1, 100000000, "10000", "queued+running jobs before uploads get 503"),
    INT(max_wait_s, 0, 600, "60", "longest synchronous wait an upload may ask for"),
    INT(max_waiters_per_tenant, 0, 100000, "64",
        "uploads with wait= a tenant may hold open per API process; more get 202 at once"),
    INT(workers, 0, 1024, "0", "worker processes for docproc-worker (0 = one per core)"),
    INT(worker_nice, 0, 19, "10",
        "CPU priority the workers lower themselves to (nice), so uploads and reads stay fast"),
    INT(worker_sched_idle, 0, 1, "1",
        "1 = the workers run under SCHED_IDLE: only when no upload, read or Redis wants a core"),
    INT(visibility_timeout_ms, 100, 86400000, "60000", "idle time after which a job is reclaimed"),
    INT(max_attempts, 1, 100, "3", "job starts before it is dead-lettered"),
    INT(job_timeout_ms, 10, 86400000, "600000", "time budget of a whole job, ms"),
    INT(page_timeout_ms, 10, 3600000, "120000",
        "time budget per page (decoding and OCR), ms; the decode child is killed after it"),
    INT(decode_memory_limit_mb, 64, 1048576, "1024",
        "address space of the child process that decodes and reads a document, MB"),
    STR(lang, "auto",
        "default OCR languages (Tesseract codes joined by +; auto = read in English, detect "
        "the language from the words, re-read with its pack)"),
    STR(tessdata_dir, "", "Tesseract data directory (empty = built-in default)"),
    STR(kv_model_file, "",
        "key-value pairing model (make train-kv writes one); empty = the model built in; a "
        "file that cannot be read or parsed = the hand rules, with an error logged"),
    INT(lang_auto_lines, 0, 1, "1",
        "lang=auto, when the first page's English read tells another language: 1 = read again "
        "only its weakly read lines with that pack, 0 = the whole page"),
    INT(second_reading, 0, 1, "1",
        "read receipt-like and poorly read pages a second time with the other segmentation "
        "mode and keep the lines where it differs as pages[].alt_lines (0 = read once)"),
    INT(line_look, 0, 1, "1",
        "on a receipt read twice, read its top lines and date lines once more, each alone at "
        "another scale, and keep where they differ as pages[].alt_lines with reading 3"),
    INT(idempotency_ttl_s, 1, 30 * 86400, "86400", "how long an Idempotency-Key is remembered"),
    INT(webhook_allow_private, 0, 1, "0", "allow webhook receivers on private/loopback addresses"),
    INT(webhook_timeout_ms, 100, 300000, "15000", "webhook request timeout"),
    STR(webhook_retry_schedule, "0,5,300,1800,7200,18000,36000,36000",
        "webhook attempt delays, seconds (entry i: wait before attempt i+1)"),
    INT(webhook_claim_idle_ms, 100, 86400000, "60000",
        "events a stopped docproc-webhookd left pending are taken over after this long"),
    INT(webhook_concurrency, 1, 1024, "64", "webhook deliveries in flight per docproc-webhookd"),
    STR(encryption_key, "",
        "base64 of 32 random bytes: seal files, texts, results, examples and webhook payloads "
        "with AES-256-GCM before they reach Redis (empty = off)"),
    STR(encryption_key_file, "", "file whose first line is the encryption key"),
    STR(encryption_old_keys, "",
        "comma-separated older keys: values sealed with them still open (docproc-admin rekey)"),
    INT(retention_days, 0, 36500, "0",
        "days a finished document (file, record, results) is kept; 0 = keep; per tenant: "
        "PATCH /v1/tenant"),
    INT(retention_day_s, 1, 86400, "86400",
        "seconds in a retention day (tests only shorten it, to see documents expire)"),
    INT(tenant_max_queued, 0, 1000000000, "0",
        "documents one tenant may have queued or being read (429 quota_queued); 0 = no limit"),
    INT(tenant_max_bytes, 0, 1000000000000000LL, "0",
        "bytes of stored files per tenant (429 quota_bytes); 0 = no limit"),
    INT(tenant_uploads_per_minute, 0, 1000000000, "0",
        "uploads and reprocess requests per tenant and minute (429 rate_limited_tenant); 0 = no "
        "limit"),
    INT(redis_maxmemory_mb, 0, 1048576, "0",
        "maxmemory of the Redis make run starts (noeviction), MB; 0 = none. Uploads get 503 "
        "storage_full from 95 % of Redis's maxmemory on"),
    STR(run_dir, "run", "state directory of make run (redis data, logs, nginx config)"),
    /* make run's front (nginx/gen-conf.sh) and its processes: read by config/run.sh */
    STR(public_addr, "127.0.0.1",
        "address make run's nginx serves HTTP/HTTPS on (the APIs keep listen_addr)"),
    INT(https_port, 0, 65535, "8443",
        "make run's HTTPS port (certificate made at first start; 0 = off)"),
    STR(redis_bind, "127.0.0.1", "address make run's Redis listens on"),
    INT(rate_limit_per_s, 0, 1000000, "200",
        "API requests per second per API key (per address without one), burst 2x; 0 = off"),
    INT(conn_limit_per_addr, 0, 1000000, "256",
        "requests in progress per client address at nginx; 0 = off"),
    INT(metrics_rate_limit_per_s, 0, 1000000, "10",
        "/metrics, /healthz, /readyz requests per second per address, burst 2x; 0 = off"),
    INT(client_header_timeout_s, 1, 3600, "10", "nginx: time a client has to send its headers"),
    INT(client_body_timeout_s, 1, 3600, "30", "nginx: longest pause while a client sends a body"),
    INT(nginx_worker_connections, 64, 1000000, "16384", "nginx: connections per worker process"),
    STR(run_user, "docproc",
        "account make run's programs and nginx workers run as when started as root (created if "
        "missing; empty = stay root)"),
    STR(log_level, "info", "debug|info|warn|error"),
    INT(debug_faults, 0, 1, "0", "honour fault-injection hooks (tests only)"),
};
#define NOPTIONS (sizeof options / sizeof options[0])

static int name_eq(const char *a, const char *b, size_t blen)
{
    size_t i = 0;
    for (; a[i] && i < blen; i++) {
        char ca = a[i] == '-' ? '_' : (char)tolower((unsigned char)a[i]);
        char cb = b[i] == '-' ? '_' : (char)tolower((unsigned char)b[i]);
        if (ca != cb)
            return 0;
    }
    return a[i] == '\0' && i == blen;
}

static const struct opt *find_opt(const char *name, size_t len)
{
    for (size_t i = 0; i < NOPTIONS; i++)
        if (name_eq(options[i].name, name, len))
            return &options[i];
    return NULL;
}

static dp_err apply(struct dp_config *cfg, const struct opt *o, const char *value, char *err,
                    size_t errsz)
{
    char *field = (char *)cfg + o->offset;
    if (o->type == OPT_STR) {
        size_t n = strlen(value);
        if (n >= CONFIG_STR_MAX) {
            snprintf(err, errsz, "%s: value longer than %d bytes", o->name, CONFIG_STR_MAX - 1);
            return DP_EINVAL;
        }
        memcpy(field, value, n + 1);
        return DP_OK;
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (errno || end == value || *end != '\0') {
        snprintf(err, errsz, "%s: '%s' is not an integer", o->name, value);
        return DP_EINVAL;
    }
    if (v < o->min || v > o->max) {
        snprintf(err, errsz, "%s: %lld is outside %lld..%lld", o->name, v, o->min, o->max);
        return DP_EINVAL;
    }
    memcpy(field, &v, sizeof v);
    return DP_OK;
}

dp_err config_set(struct dp_config *cfg, const char *name, const char *value, char *err,
                  size_t errsz)
{
    const struct opt *o = find_opt(name, strlen(name));
    if (!o) {
        snprintf(err, errsz, "unknown option '%s' (see --help)", name);
        return DP_EINVAL;
    }
    return apply(cfg, o, value, err, errsz);
}

void config_defaults(struct dp_config *cfg)
{
    char err[128];
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < NOPTIONS; i++)
        (void)apply(cfg, &options[i], options[i].def, err, sizeof err);
}

static const char *trim(char *s, char **endp)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    *e = '\0';
    if (endp)
        *endp = e;
    return s;
}

dp_err config_parse_buf(struct dp_config *cfg, const char *buf, size_t len, char *err, size_t errsz)
{
    char line[1024];
    size_t pos = 0;
    int lineno = 0;
    while (pos < len) {
        size_t start = pos;
        while (pos < len && buf[pos] != '\n')
            pos++;
        size_t n = pos - start;
        pos++; /* skip '\n' */
        lineno++;
        if (n >= sizeof line) {
            snprintf(err, errsz, "line %d: longer than %zu bytes", lineno, sizeof line - 1);
            return DP_EPARSE;
        }
        if (memchr(buf + start, '\0', n)) {
            snprintf(err, errsz, "line %d: contains a NUL byte", lineno);
            return DP_EPARSE;
        }
        memcpy(line, buf + start, n);
        line[n] = '\0';
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        const char *l = trim(line, NULL);
        if (!*l)
            continue;
        char *eq = strchr(line, '=');
        if (!eq) {
            snprintf(err, errsz, "line %d: expected 'name = value'", lineno);
            return DP_EPARSE;
        }
        *eq = '\0';
        const char *key = trim((char *)l, NULL);
        const char *val = trim(eq + 1, NULL);
        char sub[256];
        dp_err rc = config_set(cfg, key, val, sub, sizeof sub);
        if (rc) {
            snprintf(err, errsz, "line %d: %s", lineno, sub);
            return rc;
        }
    }
    return DP_OK;
}

static dp_err load_file(struct dp_config *cfg, const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsz, "config file %s: %s", path, strerror(errno));
        return DP_EIO;
    }
    char buf[64 * 1024];
    size_t n = fread(buf, 1, sizeof buf, f);
    int toolong = n == sizeof buf;
    fclose(f);
    if (toolong) {
        snprintf(err, errsz, "config file %s: larger than %zu bytes", path, sizeof buf - 1);
        return DP_ETOOBIG;
    }
    char sub[256];
    dp_err rc = config_parse_buf(cfg, buf, n, sub, sizeof sub);
    if (rc)
        snprintf(err, errsz, "%s: %s", path, sub);
    return rc;
}

static dp_err load_env(struct dp_config *cfg, char *err, size_t errsz)
{
    char var[128];
    for (size_t i = 0; i < NOPTIONS; i++) {
        size_t k = (size_t)snprintf(var, sizeof var, "DOCPROC_");
        for (const char *p = options[i].name; *p && k + 1 < sizeof var; p++)
            var[k++] = (char)toupper((unsigned char)*p);
        var[k] = '\0';
        const char *v = getenv(var);
        if (!v)
            continue;
        char sub[256];
        dp_err rc = apply(cfg, &options[i], v, sub, sizeof sub);
        if (rc) {
            snprintf(err, errsz, "%s: %s", var, sub);
            return rc;
        }
    }
    return DP_OK;
}

dp_err config_load(struct dp_config *cfg, int argc, char **argv, int *want_help, char *err,
                   size_t errsz)
{
    const char *file = getenv("DOCPROC_CONFIG");
    *want_help = 0;
    config_defaults(cfg);
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--config=", 9) == 0)
            file = argv[i] + 9;
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            file = argv[++i];
    }
    dp_err rc;
    if (file && *file && (rc = load_file(cfg, file, err, errsz)))
        return rc;
    if ((rc = load_env(cfg, err, errsz)))
        return rc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            *want_help = 1;
            continue;
        }
        if (strncmp(a, "--config=", 9) == 0)
            continue;
        if (strcmp(a, "--config") == 0) {
            if (++i >= argc) {
                snprintf(err, errsz, "option --config needs a value");
                return DP_EINVAL;
            }
            continue;
        }
        if (strncmp(a, "--", 2) != 0) {
            snprintf(err, errsz, "unexpected argument '%s' (see --help)", a);
            return DP_EINVAL;
        }
        a += 2;
        const char *eq = strchr(a, '=');
        const char *val;
        size_t nlen;
        if (eq) {
            nlen = (size_t)(eq - a);
            val = eq + 1;
        } else if (i + 1 < argc) {
            nlen = strlen(a);
            val = argv[++i];
        } else {
            snprintf(err, errsz, "option --%s needs a value", a);
            return DP_EINVAL;
        }
        const struct opt *o = find_opt(a, nlen);
        if (!o) {
            snprintf(err, errsz, "unknown option '--%.*s' (see --help)", (int)nlen, a);
            return DP_EINVAL;
        }
        if ((rc = apply(cfg, o, val, err, errsz)))
            return rc;
    }
    if (strcmp(cfg->redis_appendfsync, "everysec") != 0 &&
        strcmp(cfg->redis_appendfsync, "always") != 0) {
        snprintf(err, errsz, "redis_appendfsync: must be everysec or always");
        return DP_EINVAL;
    }
    return DP_OK;
}

void config_usage(FILE *out, const char *prog)
{
    fprintf(out,
            "usage: %s [--config FILE] [--name=value ...]\n"
            "Every option can also be set as DOCPROC_<NAME> in the environment or as\n"
            "'name = value' in the config file. Options (default, bounds):\n",
            prog);
    for (size_t i = 0; i < NOPTIONS; i++) {
        const struct opt *o = &options[i];
        if (o->type == OPT_INT)
            fprintf(out, "  --%-24s %s (default %s, %lld..%lld)\n", o->name, o->help, o->def,
                    o->min, o->max);
        else
            fprintf(out, "  --%-24s %s (default '%s')\n", o->name, o->help, o->def);
    }
}

void config_print(FILE *out, const struct dp_config *cfg)
{
    for (size_t i = 0; i < NOPTIONS; i++) {
        const struct opt *o = &options[i];
        const char *field = (const char *)cfg + o->offset;
        if (o->type == OPT_INT) {
            long long v;
            memcpy(&v, field, sizeof v);
            fprintf(out, "%s=%lld\n", o->name, v);
        } else {
            /* Keys are never printed, only whether one is set. */
            int secret = strcmp(o->name, "encryption_key") == 0 ||
                         strcmp(o->name, "encryption_old_keys") == 0 ||
                         strcmp(o->name, "redis_password") == 0 ||
                         strcmp(o->name, "sentinel_password") == 0;
            fprintf(out, "%s='%s'\n", o->name, secret && *field ? "(set)" : field);
        }
    }
}
