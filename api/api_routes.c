/* api_routes.c -- the route table (see api_routes.h) and the pure path matching over it. */
#include <string.h>
#include "api.h"

#define R  "documents:read"
#define W  "documents:write"
#define A  "admin"
#define NO NULL /* no key: probes, metrics and the OpenAPI file */

const struct api_route api_routes[API_ROUTES_N] = {
    {"GET", "/healthz", NO, api_healthz, 0},
    {"GET", "/readyz", NO, api_readyz, 0},
    {"GET", "/metrics", NO, api_metrics_reply, 0},
    {"GET", "/v1/openapi.json", NO, api_openapi_reply, 0},
    {"GET", "/v1/stats", R, api_stats_route, 0},
    {"POST", "/v1/documents", W, api_upload_begin, API_ROUTE_STREAM},
    {"GET", "/v1/documents", R, api_docs_list, 0},
    {"GET", "/v1/documents/{id}", R, api_docs_get, 0},
    {"DELETE", "/v1/documents/{id}", W, api_docs_delete, 0},
    {"GET", "/v1/documents/{id}/text", R, api_docs_text, 0},
    {"GET", "/v1/documents/{id}/hocr", R, api_docs_hocr, 0},
    {"GET", "/v1/documents/{id}/file", R, api_docs_file, 0},
    {"GET", "/v1/documents/{id}/pdf", R, api_export_pdf, 0},
    {"GET", "/v1/documents/{id}/markdown", R, api_export_markdown, 0},
    {"GET", "/v1/documents/{id}/pages/{n}.jpg", R, api_export_page, 0},
    {"POST", "/v1/documents/{id}/reprocess", W, api_docs_reprocess, 0},
    {"POST", "/v1/documents/{id}/label", W, api_label, 0},
    {"DELETE", "/v1/documents/{id}/label", W, api_label, 0},
    {"PUT", "/v1/documents/{id}/fields", W, api_fields_put, 0},
    {"GET", "/v1/extractor", R, api_extractor_info, 0},
    {"POST", "/v1/extractor/train", W, api_extractor_train, 0},
    {"GET", "/v1/documents/{id}/tables", R, api_tables_list, 0},
    {"GET", "/v1/documents/{id}/tables/{n}.csv", R, api_tables_csv, 0},
    {"POST", "/v1/batches", W, api_batches_begin, API_ROUTE_STREAM},
    {"GET", "/v1/batches/{id}", R, api_batches_get, 0},
    {"GET", "/v1/classifier", R, api_classifier_info, 0},
    {"POST", "/v1/classifier/train", W, api_classifier_train, 0},
    {"POST", "/v1/webhooks", W, api_webhooks_create, 0},
    {"GET", "/v1/webhooks", R, api_webhooks_list, 0},
    /* the signing secret is write-scoped even to read: it lets its holder forge events */
    {"GET", "/v1/webhooks/secret", W, api_webhooks_secret, 0},
    {"GET", "/v1/webhooks/{id}", R, api_webhooks_get, 0},
    {"DELETE", "/v1/webhooks/{id}", W, api_webhooks_delete, 0},
    {"POST", "/v1/webhooks/{id}/rotate-secret", W, api_webhooks_rotate, 0},
    {"GET", "/v1/webhooks/{id}/deliveries", R, api_webhooks_deliveries, 0},
    {"GET", "/v1/webhooks/{id}/deliveries/{delivery}", R, api_webhooks_delivery, 0},
    {"POST", "/v1/webhooks/{id}/deliveries/{delivery}/retry", W, api_webhooks_retry, 0},
    {"GET", "/v1/tenant", A, api_tenant_get, 0},
    {"PATCH", "/v1/tenant", A, api_tenant_patch, 0},
    {"GET", "/v1/audit", A, api_audit_list, 0},
};
_Static_assert(sizeof api_routes / sizeof api_routes[0] == API_ROUTES_N,
               "API_ROUTES_N must count the rows of api_routes");

/* ---- matching ---- */

/* Next non-empty '/'-separated segment at *p: its start and length; 0 at the end. */
static size_t next_seg(const char **p, const char **seg)
{
    while (**p == '/')
        (*p)++;
    *seg = *p;
    while (**p && **p != '/')
        (*p)++;
    return (size_t)(*p - *seg);
}

static int shape_matches(const char *path, const char *tmpl)
{
    const char *ps, *ts;
    for (;;) {
        size_t pn = next_seg(&path, &ps), tn = next_seg(&tmpl, &ts);
        if (!pn || !tn)
            return pn == tn;
        if (ts[0] != '{' && (pn != tn || memcmp(ps, ts, pn) != 0))
            return 0;
    }
}

int api_route_template(const char *path)
{
    for (int i = 0; i < API_ROUTES_N; i++)
        if (shape_matches(path, api_routes[i].tmpl))
            return i;
    return -1;
}

static int method_fits(const char *want, const char *have)
{
    return strcmp(want, have) == 0 || (strcmp(have, "HEAD") == 0 && strcmp(want, "GET") == 0);
}

int api_route_find(const char *method, const char *path, char *buf, size_t bufsz,
                   const char **param)
{
    int t = api_route_template(path);
    if (t < 0)
        return API_ROUTE_NONE;
    int row = API_ROUTE_METHOD;
    for (int i = t; i < API_ROUTES_N && !strcmp(api_routes[i].tmpl, api_routes[t].tmpl); i++)
        if (method_fits(api_routes[i].method, method)) {
            row = i;
            break;
        }
    if (row < 0)
        return row;
    /* Cut a copy of the path into NUL-terminated segments; the {params} are the segments where
     * the template has one (the shapes matched, so the counts agree). */
    size_t len = strlen(path);
    if (len + 1 > bufsz)
        return API_ROUTE_NONE;
    memcpy(buf, path, len + 1);
    const char *tmpl = api_routes[row].tmpl, *ts, *ps;
    char *p = buf;
    int np = 0;
    for (;;) {
        const char *cp = p;
        size_t pn = next_seg(&cp, &ps), tn = next_seg(&tmpl, &ts);
        if (!pn || !tn)
            break;
        p = (char *)cp;
        if (*p)
            *p++ = '\0';
        if (ts[0] == '{' && np < API_ROUTE_PARAMS)
            param[np++] = ps;
    }
    for (int i = np; i < API_ROUTE_PARAMS; i++)
        param[i] = NULL;
    return row;
}
