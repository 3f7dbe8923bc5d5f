/* harness.h -- end-to-end test stack: a throwaway redis-server, nginx, docproc-api processes,
 * docproc-worker (and optionally docproc-webhookd) in a temp dir on free loopback ports, plus
 * libcurl helpers to drive them. Binaries come from $DOCPROC_BIN_DIR, sources (nginx/gen-conf.sh,
 * web/) from $DOCPROC_SRC_DIR. Every child gets PR_SET_PDEATHSIG so nothing outlives the test
 * runner. */
#ifndef DP_HARNESS_H
#define DP_HARNESS_H
#include <cjson/cJSON.h>
#include <stddef.h>
#include <sys/types.h>

#define STACK_MAX_API   4
#define STACK_MAX_EXTRA 8

struct stack;

struct stack_opts {
    int n_api;               /* API processes (default 1) */
    int workers;             /* worker processes under one supervisor (default 1; 0 = none) */
    const char *const *env;  /* extra "DOCPROC_X=v" for every program, NULL-terminated */
    const char *appendfsync; /* redis AOF policy (default "everysec") */
    int webhookd;            /* 1: also start docproc-webhookd (default 0: no webhook delivery) */
    int redis_socket;        /* 1: the programs reach Redis over its Unix socket (as make run) */
    int api_socket; /* 1: each API listens on <dir>/api/api-<i>.sock, nginx reaches it there
                       (as make run); 0: on 127.0.0.1:api_ports[i] */
    /* 1: Redis locked as make run locks it (config/redis-acl.sh): default user off, each
     * program logs in as its own ACL user, docproc-admin (stack_run) as docproc-admin. */
    int acl;
    /* Called once Redis is up, before the programs start (to add replicas, sentinels...);
     * nonzero fails stack_start. */
    int (*after_redis)(struct stack *s, void *arg);
    void *after_redis_arg;
};

struct stack {
    char dir[128];
    char bin[512], src[512];
    int redis_port, http_port, api_ports[STACK_MAX_API], n_api;
    pid_t redis, nginx, api[STACK_MAX_API], worker, webhookd; /* 0 = not running */
    char key[64];                                             /* tenant "alpha", all scopes */
    char key2[64];                                            /* tenant "beta" */
    char base[64];                                            /* http://127.0.0.1:<nginx port> */
    char appendfsync[16];
    pid_t pgid;    /* process group of everything this stack started */
    char *env[48]; /* environment of every child (owned) */
    int nenv;
    pid_t extra[STACK_MAX_EXTRA]; /* more servers (replicas, sentinels): stack_stop ends them */
    int n_extra;
    int acl;        /* stack_opts.acl: credentials in <dir>/redis-auth */
    int api_socket; /* stack_opts.api_socket (stack_api_socket names the paths) */
};

int harness_free_port(void);

/* Process groups this process started; whatever is still in them is SIGKILLed when this
 * process exits, so a test that fails half-way (a failed fixture skips its teardown) leaves
 * nothing running. A forked test child kills only the groups it registered itself. */
void harness_track_group(pid_t pgid);
void harness_untrack_group(pid_t pgid);

/* Clears s, makes its temp dir, picks its Redis port, takes the bin/src dirs from the
 * environment; starts nothing (then stack_start_redis... as a test needs). 0 on success, then
 * stack_stop is owed (it removes the dir). appendfsync NULL = "everysec". */
int stack_init(struct stack *s, const char *appendfsync);

/* With stack_opts.acl: a connection to the stack's Redis at port logged in as user
 * ("docproc-api", "docproc-worker", "docproc-webhookd", "docproc-admin"; NULL = no AUTH), or
 * NULL. Caller frees with redisFree. */
struct redisContext *stack_redis_as(const struct stack *s, int port, const char *user);

/* A reply as text for an assertion: an error, status or string reply's text, "(array N)",
 * an integer's digits, or "(nil)". */
struct redisReply;
void stack_reply_text(const struct redisReply *r, char *out, size_t outsz);

/* The options that make program ("api", "worker", "webhookd") log in as its own ACL user
 * (docproc-<program>, password file in <dir>/redis-auth), into argv[0..2] (bufs hold them);
 * returns how many: 3, or 0 without acl. */
int stack_creds_args(const struct stack *s, const char *program, char bufs[3][256], char **argv);

/* Starts everything and creates the two API keys; 0 on success (then stack_stop is owed). */
int stack_start(struct stack *s, const struct stack_opts *o);
void stack_stop(struct stack *s);

/* Pieces, for fault-injection tests that restart them. */
int stack_start_redis(struct stack *s);
/* For suites that need a Redis and nothing else: stack_init (everysec) + stack_start_redis;
 * 0 on success. stack_stop ends it. */
int stack_redis_only(struct stack *s);
/* A connection to that Redis (no AUTH), its data wiped first when flush (the Lua scripts stay
 * cached), or NULL. Caller frees with redisFree. */
struct redisContext *stack_redis_plain(const struct stack *s, int flush);
/* With acl: writes dir/redis.conf (mode 0600) including <s->dir>/redis-auth/redis-auth.conf
 * (config/redis-acl.sh: aclfile, masteruser, masterauth), to be a server's config file (its
 * first argument); its path into path. 0 on success. */
int stack_redis_conf(const struct stack *s, const char *dir, char *path, size_t pathsz);
/* A redis-server on port with the stack's AOF settings, data in <dir>/dirname, plus extra
 * arguments (NULL-terminated, may be NULL). With acl it is locked (stack_redis_conf): the
 * users of config/redis-acl.sh, and as a replica it logs in to its primary as docproc-replica. */
pid_t stack_spawn_redis(struct stack *s, int port, const char *dirname, const char *logname,
                        const char *const *extra); /* same port and dir: the AOF is replayed */
int stack_start_api(struct stack *s, int i);
int stack_start_worker(struct stack *s, int n, const char *const *extra_args);
/* docproc-webhookd with the stack's environment (DOCPROC_WEBHOOK_* from stack_opts.env). */
int stack_start_webhookd(struct stack *s);
/* fork+exec of argv[0] (PATH search) with the stack's environment, PR_SET_PDEATHSIG, stdout and
 * stderr appended to dir/logname. Returns the pid (caller reaps, e.g. with stack_kill). */
pid_t stack_spawn(struct stack *s, const char *logname, char *const argv[]);
/* 0 once something accepts TCP connections on 127.0.0.1:port, -1 after timeout_ms. */
int harness_wait_port(int port, int timeout_ms);
/* 0 once something accepts connections on the Unix socket path, -1 after timeout_ms. */
int harness_wait_unix(const char *path, int timeout_ms);
/* The Unix socket API process i listens on with stack_opts.api_socket, into buf. */
void stack_api_socket(const struct stack *s, int i, char *buf, size_t bufsz);
/* Sends sig to *pid and reaps it; *pid = 0. */
void stack_kill(pid_t *pid, int sig);
/* Runs a program from the bin dir with the stack's environment, stdout into out. Exit status. */
int stack_run(struct stack *s, char *out, size_t outsz, const char *prog, ...);
/* Reads /proc/PID/stat into buf and returns the fields after the command name (state first),
 * or NULL when the process is gone. */
const char *harness_proc_stat(pid_t pid, char *buf, size_t bufsz);
/* CPU seconds (user + system) a process and the children it has reaped (a worker's decode
 * children) have used so far; 0 when it is gone. */
double harness_proc_cpu_s(pid_t pid);
/* CPU seconds of pid itself (own = 1) or of the children it has reaped (own = 0); 0 if gone. */
double harness_proc_cpu_part_s(pid_t pid, int own);
/* Children of the worker supervisor (for SIGKILLing one). Returns how many were found. */
int stack_worker_children(const struct stack *s, pid_t *out, int max);

/* ---- HTTP ---- */
struct http_resp {
    long status;
    char *body;
    size_t len;
    char *headers;
    int curl_rc; /* CURLcode of the transfer: 0, or why no response came */
};
/* One request. headers: NULL-terminated "Name: value" list or NULL. 0 when a response came. */
int http_req(const char *method, const char *url, const char *key, const char *const *headers,
             const void *body, size_t len, struct http_resp *out);
/* The same over a Unix socket (an API's api_socket): path is the request target ("/healthz"). */
int http_req_unix(const char *sock, const char *method, const char *path, const char *key,
                  const void *body, size_t len, struct http_resp *out);
/* multipart/form-data upload: file under field "file", then NULL-terminated name,value pairs. */
int http_multipart(const char *url, const char *key, const void *file, size_t len,
                   const char *filename, const char *const *fields, struct http_resp *out);
void http_resp_free(struct http_resp *r);
/* Header value (case-insensitive name) copied into buf, or NULL. */
const char *http_header(const struct http_resp *r, const char *name, char *buf, size_t bufsz);
/* Parsed body (caller frees) or NULL. */
cJSON *http_json(const struct http_resp *r);

/* Uploads bytes through nginx as a raw body; returns the new id in id (64 bytes) and the status. */
long stack_upload(struct stack *s, const char *key, const void *buf, size_t len, const char *query,
                  char *id);
/* Polls the document until done/failed or timeout_ms; returns its JSON (caller frees) or NULL. */
cJSON *stack_wait_doc(struct stack *s, const char *key, const char *id, int timeout_ms);
/* Uploads buf (query as in stack_upload) and waits up to timeout_ms for it to end `done`: its JSON
 * (caller frees), its id in id_out (64 bytes; may be NULL). NULL with the reason in why when the
 * upload was not a 202 or the document did not end done in time. */
cJSON *stack_read_done(struct stack *s, const char *key, const void *buf, size_t len,
                       const char *query, int timeout_ms, char *id_out, char *why, size_t whysz);
/* Reads a string at path "a.b" of a JSON object ("" if absent). */
const char *json_str(const cJSON *o, const char *path);
double json_num(const cJSON *o, const char *path);

#endif
