/* webhookd_http.c -- one delivery attempt as a curl multi transfer: sign, guard, send, record. */
#include "webhookd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "ssrf.h"
#include "whsig.h"

/* One in-flight attempt; owned by its easy handle (CURLOPT_PRIVATE). */
struct xfer {
    CURL *easy;
    struct curl_slist *hdrs;
    char *body; /* the exact bytes signed and sent; malloc'd */
    size_t body_len;
    char dlv[WHSTORE_ID_MAX];
    char evt[WHSTORE_ID_MAX];
    char endpoint[WHSTORE_ID_MAX];
    char url[WHSTORE_URL_MAX];
    int attempt;         /* 1-based number of this attempt */
    long long started_s; /* unix seconds */
    int allow_private;
    size_t resp_bytes;          /* response bytes seen (kept: none; counted up to the cap) */
    long retry_after_s;         /* -1 = none */
    char refused[SSRF_WHY_MAX]; /* set by the SSRF guard */
    char errbuf[CURL_ERROR_SIZE];
};

static void xfer_free(struct xfer *x)
{
    if (!x)
        return;
    if (x->easy)
        curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->hdrs);
    free(x->body);
    free(x);
}

/* ---- curl callbacks ---- */

static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct xfer *x = clientp;
    (void)purpose;
    if (!x->allow_private && !ssrf_addr_allowed(&a->addr, a->addrlen)) {
        char addr[SSRF_ADDR_MAX];
        ssrf_addr_str(&a->addr, a->addrlen, addr, sizeof addr);
        snprintf(x->refused, sizeof x->refused, "destination address %s is private", addr);
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct xfer *x = userdata;
    (void)ptr;
    size_t n = size * nmemb;
    /* Best effort: the response is not needed; count it and discard, never buffer. */
    if (x->resp_bytes < WEBHOOKD_RESPONSE_MAX)
        x->resp_bytes += n;
    return n;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *userdata)
{
    struct xfer *x = userdata;
    size_t n = size * nitems;
    static const char name[] = "retry-after:";
    if (n > sizeof name - 1 && strncasecmp(buf, name, sizeof name - 1) == 0)
        x->retry_after_s = webhookd_retry_after(buf + sizeof name - 1, n - (sizeof name - 1),
                                                util_now_ms() / 1000);
    return n;
}

/* ---- start ---- */

static void record_now(struct webhookd *w, const struct whstore_delivery *d, const char *error)
{
    struct whstore_attempt a = {util_now_ms() / 1000, 0, 0, error};
    char n[16];
    snprintf(n, sizeof n, "%d", d->attempts + 1);
    if (whstore_attempt_record(w->rc, d->id, &a, "failed", 0) != DP_OK)
        log_kv(LOG_ERROR, "redis.error", "delivery", d->id, NULL);
    log_kv(LOG_WARN, "webhook.failed", "delivery", d->id, "event", d->event, "endpoint",
           d->endpoint, "url", d->url, "attempt", n, "error", error, NULL);
}

static dp_err add_header(struct curl_slist **list, const char *name, const char *value)
{
    char line[WHSIG_SECRETS_MAX * WHSIG_SIG_MAX + 64];
    snprintf(line, sizeof line, "%s: %s", name, value);
    struct curl_slist *l = curl_slist_append(*list, line);
    if (!l)
        return DP_ENOMEM;
    *list = l;
    return DP_OK;
}

/* Build the easy handle for x: method, headers, body, limits and the SSRF guard. */
static dp_err xfer_setup(struct webhookd *w, struct xfer *x, const char *secrets)
{
    char ts[24], sig[WHSIG_SECRETS_MAX * WHSIG_SIG_MAX];
    snprintf(ts, sizeof ts, "%lld", x->started_s);
    dp_err err = whsig_sign(secrets, x->evt, x->started_s, x->body, x->body_len, sig, sizeof sig);
    if (err != DP_OK)
        return err;
    if ((err = add_header(&x->hdrs, "content-type", "application/json")) != DP_OK ||
        (err = add_header(&x->hdrs, "webhook-id", x->evt)) != DP_OK ||
        (err = add_header(&x->hdrs, "webhook-timestamp", ts)) != DP_OK ||
        (err = add_header(&x->hdrs, "webhook-signature", sig)) != DP_OK ||
        !(x->hdrs = curl_slist_append(x->hdrs, "Expect:")))
        return err ? err : DP_ENOMEM;
    CURL *e = x->easy = curl_easy_init();
    if (!e)
        return DP_ENOMEM;
    long timeout_ms = (long)w->cfg.webhook_timeout_ms;
    long connect_ms = timeout_ms < 10000 ? timeout_ms : 10000;
    if (curl_easy_setopt(e, CURLOPT_URL, x->url) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_PROXY, "") != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_NOPROXY, "*") != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_POST, 1L) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body_len) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_USERAGENT, "docproc-webhookd/1") != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_WRITEDATA, x) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_HEADERDATA, x) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_PRIVATE, x) != CURLE_OK)
        return DP_EIO;
    return DP_OK;
}

void webhookd_attempt_start(struct webhookd *w, const char *id)
{
    struct whstore_delivery d;
    struct whstore_event ev;
    struct whstore_endpoint *ep = NULL;
    struct xfer *x = NULL;
    char secret[WHSIG_SECRET_MAX], why[SSRF_WHY_MAX];
    const char *secrets = secret;
    memset(&ev, 0, sizeof ev);

    dp_err err = whstore_delivery_load(w->rc, id, &d);
    if (err == DP_ENOTFOUND || (err == DP_OK && strcmp(d.status, "pending") != 0)) {
        whstore_due_drop(w->rc, id); /* expired, or finished while queued */
        return;
    }
    if (err != DP_OK)
        goto redis_error; /* lease expires: a later pass tries again */
    if ((err = whstore_event_load(w->rc, d.event, &ev)) == DP_ENOTFOUND) {
        record_now(w, &d, "event expired");
        return;
    }
    if (err != DP_OK)
        goto redis_error;
    if (strcmp(d.endpoint, WHSTORE_CALLBACK) == 0) {
        if ((err = whstore_tenant_secret(w->rc, d.tenant, secret, sizeof secret)) != DP_OK)
            goto redis_error;
    } else {
        if (!(ep = malloc(sizeof *ep)))
            goto out;
        err = whstore_endpoint_load(w->rc, d.endpoint, ep);
        if (err == DP_ENOTFOUND || (err == DP_OK && !ep->enabled)) {
            record_now(w, &d, err == DP_OK ? "endpoint disabled" : "endpoint deleted");
            goto out;
        }
        if (err != DP_OK)
            goto redis_error;
        snprintf(d.url, sizeof d.url, "%s", ep->url);
        secrets = ep->secrets;
    }
    if (ssrf_url_check(d.url, (int)w->cfg.webhook_allow_private, why, sizeof why) != DP_OK) {
        record_now(w, &d, why);
        goto out;
    }
    if (!(x = calloc(1, sizeof *x)))
        goto out;
    snprintf(x->dlv, sizeof x->dlv, "%s", d.id);
    snprintf(x->evt, sizeof x->evt, "%s", d.event);
    snprintf(x->endpoint, sizeof x->endpoint, "%s", d.endpoint);
    snprintf(x->url, sizeof x->url, "%s", d.url);
    x->attempt = d.attempts + 1;
    x->started_s = util_now_ms() / 1000;
    x->allow_private = (int)w->cfg.webhook_allow_private;
    x->retry_after_s = -1;
    if ((err = webhookd_body(&ev, &x->body, &x->body_len)) != DP_OK) {
        record_now(w, &d, "event data is not a JSON object");
        goto out;
    }
    if ((err = xfer_setup(w, x, secrets)) != DP_OK) {
        record_now(w, &d, err == DP_EINVAL ? "no usable signing secret" : dp_strerror(err));
        goto out;
    }
    if (curl_multi_add_handle(w->multi, x->easy) != CURLM_OK)
        goto out;
    w->inflight++;
    x = NULL; /* owned by the multi handle now */
    goto out;
redis_error:
    log_kv(LOG_ERROR, "redis.error", "delivery", id, "error", dp_strerror(err), NULL);
out:
    xfer_free(x);
    free(ep);
    free(ev.data);
}

/* ---- finish ---- */

static void attempt_done(struct webhookd *w, struct xfer *x, CURLcode res)
{
    long code = 0;
    curl_off_t us = 0;
    char error[WHSTORE_ERROR_MAX] = "", codes[16], lat[24], att[16], next[24];
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &us);
    int refused = x->refused[0] != '\0' && res != CURLE_OK;
    if (refused)
        snprintf(error, sizeof error, "%s", x->refused);
    else if (res != CURLE_OK)
        snprintf(error, sizeof error, "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(res));
    else if (code < 200 || code >= 300)
        snprintf(error, sizeof error, "HTTP %ld", code);
    if (res != CURLE_OK)
        code = 0;
    struct webhookd_verdict v = webhookd_decide((int)code, refused, x->attempt, w->schedule,
                                                w->nschedule, x->retry_after_s, util_now_ms());
    struct whstore_attempt a = {x->started_s, (int)code, (long)(us / 1000), error};
    if (whstore_attempt_record(w->rc, x->dlv, &a, v.status, v.next_due_ms) != DP_OK)
        log_kv(LOG_ERROR, "redis.error", "delivery", x->dlv, NULL);
    if (v.disable && strcmp(x->endpoint, WHSTORE_CALLBACK) != 0 &&
        whstore_endpoint_disable(w->rc, x->endpoint, "receiver answered 410 Gone") == DP_OK)
        log_kv(LOG_WARN, "webhook.endpoint_disabled", "endpoint", x->endpoint, "url", x->url, NULL);
    snprintf(codes, sizeof codes, "%ld", code);
    snprintf(lat, sizeof lat, "%ld", (long)(us / 1000));
    snprintf(att, sizeof att, "%d", x->attempt);
    snprintf(next, sizeof next, "%lld", v.next_due_ms / 1000);
    log_kv(strcmp(v.status, "delivered") == 0 ? LOG_INFO : LOG_WARN, "webhook.attempt", "delivery",
           x->dlv, "event", x->evt, "endpoint", x->endpoint, "url", x->url, "attempt", att,
           "status_code", codes, "latency_ms", lat, "outcome", v.status, "error", error,
           "next_attempt", v.next_due_ms ? next : "", NULL);
    if (strcmp(v.status, "exhausted") == 0)
        log_kv(LOG_ERROR, "webhook.exhausted", "delivery", x->dlv, "event", x->evt, "endpoint",
               x->endpoint, "url", x->url, "attempts", att, NULL);
}

void webhookd_attempts_finish(struct webhookd *w)
{
    CURLMsg *m;
    int left = 0;
    while ((m = curl_multi_info_read(w->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct xfer *x = NULL;
        CURL *e = m->easy_handle;
        CURLcode res = m->data.result; /* read before removing: m is invalid afterwards */
        curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
        curl_multi_remove_handle(w->multi, e);
        w->inflight--;
        if (x) {
            attempt_done(w, x, res);
            xfer_free(x);
        }
    }
}
