/* harness_http.c -- libcurl helpers of the e2e harness: requests, multipart uploads, headers,
 * JSON bodies, upload-and-wait (see harness.h). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "harness.h"

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- HTTP ---- */

struct buf {
    char *p;
    size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct buf *b = ud;
    size_t n = size * nmemb;
    char *np = realloc(b->p, b->len + n + 1);
    if (!np)
        return 0;
    memcpy(np + b->len, ptr, n);
    b->p = np;
    b->len += n;
    b->p[b->len] = '\0';
    return n;
}

static int perform(CURL *c, const char *key, const char *const *headers, struct http_resp *out)
{
    struct buf body = {0}, hdr = {0};
    struct curl_slist *hl = NULL;
    char auth[128];
    if (key) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
        hl = curl_slist_append(hl, auth);
    }
    for (int i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    hl = curl_slist_append(hl, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hdr);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    CURLcode rc = curl_easy_perform(c);
    memset(out, 0, sizeof *out);
    out->curl_rc = (int)rc;
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    out->body = body.p ? body.p : strdup("");
    out->len = body.len;
    out->headers = hdr.p ? hdr.p : strdup("");
    curl_slist_free_all(hl);
    return rc == CURLE_OK ? 0 : -1;
}

int http_req(const char *method, const char *url, const char *key, const char *const *headers,
             const void *body, size_t len, struct http_resp *out)
{
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    int rc = perform(c, key, headers, out);
    curl_easy_cleanup(c);
    return rc;
}

int http_req_unix(const char *sock, const char *method, const char *path, const char *key,
                  const void *body, size_t len, struct http_resp *out)
{
    char url[600];
    snprintf(url, sizeof url, "http://localhost%s", path);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    int rc = perform(c, key, NULL, out);
    curl_easy_cleanup(c);
    return rc;
}

int http_multipart(const char *url, const char *key, const void *file, size_t len,
                   const char *filename, const char *const *fields, struct http_resp *out)
{
    CURL *c = curl_easy_init();
    curl_mime *m = curl_mime_init(c);
    curl_mimepart *p = curl_mime_addpart(m);
    curl_mime_name(p, "file");
    curl_mime_data(p, file, len);
    curl_mime_filename(p, filename);
    curl_mime_type(p, "application/octet-stream");
    for (int i = 0; fields && fields[i] && fields[i + 1]; i += 2) {
        p = curl_mime_addpart(m);
        curl_mime_name(p, fields[i]);
        curl_mime_data(p, fields[i + 1], CURL_ZERO_TERMINATED);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, m);
    int rc = perform(c, key, NULL, out);
    curl_mime_free(m);
    curl_easy_cleanup(c);
    return rc;
}

void http_resp_free(struct http_resp *r)
{
    free(r->body);
    free(r->headers);
    memset(r, 0, sizeof *r);
}

const char *http_header(const struct http_resp *r, const char *name, char *buf, size_t bufsz)
{
    size_t n = strlen(name);
    for (const char *l = r->headers; l && *l;) {
        const char *e = strchr(l, '\n');
        size_t ll = e ? (size_t)(e - l) : strlen(l);
        if (ll > n && strncasecmp(l, name, n) == 0 && l[n] == ':') {
            const char *v = l + n + 1;
            while (*v == ' ')
                v++;
            size_t vl = (size_t)(l + ll - v);
            while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
                vl--;
            snprintf(buf, bufsz, "%.*s", (int)vl, v);
            return buf;
        }
        l = e ? e + 1 : l + ll;
    }
    return NULL;
}

cJSON *http_json(const struct http_resp *r)
{
    return r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
}

long stack_upload(struct stack *s, const char *key, const void *buf, size_t len, const char *query,
                  char *id)
{
    char url[512];
    struct http_resp r;
    snprintf(url, sizeof url, "%s/v1/documents%s%s", s->base, query ? "?" : "", query ? query : "");
    const char *hdr[] = {"Content-Type: application/octet-stream", NULL};
    if (http_req("POST", url, key, hdr, buf, len, &r) != 0) {
        http_resp_free(&r); /* perform() fills r even on failure */
        return -1;
    }
    cJSON *j = http_json(&r);
    snprintf(id, 64, "%s", json_str(j, "id"));
    cJSON_Delete(j);
    long st = r.status;
    http_resp_free(&r);
    return st;
}

cJSON *stack_wait_doc(struct stack *s, const char *key, const char *id, int timeout_ms)
{
    char url[256];
    snprintf(url, sizeof url, "%s/v1/documents/%s", s->base, id);
    for (int t = 0; t <= timeout_ms; t += 100) {
        struct http_resp r;
        if (http_req("GET", url, key, NULL, NULL, 0, &r) == 0 && r.status == 200) {
            cJSON *j = http_json(&r);
            const char *st = json_str(j, "status");
            if (strcmp(st, "done") == 0 || strcmp(st, "failed") == 0) {
                http_resp_free(&r);
                return j;
            }
            cJSON_Delete(j);
        }
        http_resp_free(&r);
        msleep(100);
    }
    return NULL;
}

cJSON *stack_read_done(struct stack *s, const char *key, const void *buf, size_t len,
                       const char *query, int timeout_ms, char *id_out, char *why, size_t whysz)
{
    char id[64];
    long st = stack_upload(s, key, buf, len, query, id);
    if (st != 202) {
        snprintf(why, whysz, "upload answered %ld", st);
        return NULL;
    }
    if (id_out)
        memcpy(id_out, id, sizeof id);
    cJSON *d = stack_wait_doc(s, key, id, timeout_ms);
    if (!d) {
        snprintf(why, whysz, "document %s did not end within %d ms", id, timeout_ms);
        return NULL;
    }
    if (strcmp(json_str(d, "status"), "done") != 0) {
        snprintf(why, whysz, "status %s: %s", json_str(d, "status"), json_str(d, "error.message"));
        cJSON_Delete(d);
        return NULL;
    }
    return d;
}

static const cJSON *json_at(const cJSON *o, const char *path)
{
    char part[64];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        snprintf(part, sizeof part, "%.*s", (int)n, path);
        o = cJSON_GetObjectItem(o, part);
        path += n;
        if (*path == '.')
            path++;
    }
    return o;
}

const char *json_str(const cJSON *o, const char *path)
{
    const char *v = cJSON_GetStringValue(json_at(o, path));
    return v ? v : "";
}

double json_num(const cJSON *o, const char *path)
{
    const cJSON *v = json_at(o, path);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}
