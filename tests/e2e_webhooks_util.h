/* e2e_webhooks_util.h -- processes and files for the webhook e2e suite: redis, receiver, daemon. */
#ifndef DP_E2E_WEBHOOKS_UTIL_H
#define DP_E2E_WEBHOOKS_UTIL_H

#include <stddef.h>
#include <sys/types.h>
#include <cJSON.h>

/* A free TCP port on 127.0.0.1 (bound to 0, read back, closed), or -1. */
int wht_free_port(void);

/* Milliseconds since the epoch (CLOCK_REALTIME, comparable with Node's Date.now()). */
long long wht_now_ms(void);

/* Sleep ms milliseconds. */
void wht_sleep_ms(long ms);

/* fork + execvp argv with stdout and stderr appended to log; the child gets its own process
 * group. Returns the pid, or -1. */
pid_t wht_spawn(char *const argv[], const char *log);

/* SIGTERM pid, wait up to wait_ms, then SIGKILL; returns the exit status as waitpid gives it
 * (-1 when it had to be killed or was not ours). */
int wht_stop(pid_t pid, long wait_ms);

/* Start a throwaway redis-server in dir on a free port: *port set, pid returned (-1 on failure,
 * after waiting up to 5 s for PING). */
pid_t wht_redis_start(const char *dir, int *port);

/* Start the Node receiver (tests/webhook-receiver/receiver.js, installing its npm modules once
 * with setup.sh) listening on port (0 = any) and logging to log; *port_out = the real port. */
pid_t wht_receiver_start(const char *dir, int port, const char *secrets, const char *log,
                         int *port_out);

/* Start $DOCPROC_BIN_DIR/docproc-webhookd against redis_port; stderr to dir/webhookd.log. */
pid_t wht_webhookd_start(const char *dir, int redis_port, int allow_private);

/* Every JSON line of the receiver log whose "name" is name, as a new array (caller deletes). */
cJSON *wht_lines(const char *log, const char *name);

/* Poll wht_lines until at least count lines for name or timeout_ms passes; array returned. */
cJSON *wht_wait_lines(const char *log, const char *name, int count, long timeout_ms);

/* Write secrets (object name -> "whsec_...") to path atomically. 0 on success. */
int wht_write_secrets(const char *path, const cJSON *secrets);

/* Remove a directory tree (rm -rf); best effort. */
void wht_rmtree(const char *dir);

#endif
