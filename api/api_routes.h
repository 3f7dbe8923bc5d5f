/* api_routes.h -- the API's one route table: method, path template, scope, handler. It drives the
 * dispatch (api_server.c), the route labels of /metrics (api_metrics.c) and the tests that hold
 * api/openapi.json to it (check_api_meta, check_e2e_openapi): a new route is one row here, one
 * handler, and its operation in the OpenAPI file. */
#ifndef DP_API_ROUTES_H
#define DP_API_ROUTES_H
#include <stddef.h>
#include <hiredis.h>
#include <microhttpd.h>

struct api_req;

#define API_ROUTES_N     39 /* rows of api_routes (checked at compile time) */
#define API_ROUTE_PARAMS 2  /* most {params} in one template */
#define API_ROUTE_SEGS   8  /* most path segments looked at */

/* A route's handler. r is authenticated with the route's scope when it has one (else r->auth is
 * empty) and c is then this thread's Redis connection (NULL for routes without a scope); param[]
 * holds the template's {params} in order (NUL-terminated, valid during the call). Replies once. */
typedef enum MHD_Result (*api_handler)(struct api_req *r, redisContext *c,
                                       const char *const *param);

/* flags */
#define API_ROUTE_STREAM                                                                           \
    1u /* the handler runs at the headers, before the body, and checks the                         \
        * key itself; the body then streams to api_upload (POST /v1/documents) */

struct api_route {
    const char *method;  /* "GET" (HEAD is served wherever GET is), "POST", "PUT", "PATCH" or
                          * "DELETE" */
    const char *tmpl;    /* "/v1/documents/{id}": literal and {name} segments, as in the OpenAPI */
    const char *scope;   /* the API key scope the route needs (admin implies all); NULL = no key */
    api_handler handler; /* the serving module's function, declared in api.h */
    unsigned flags;      /* API_ROUTE_* */
};

/* The table, in matching order: a path takes the first template whose shape it has, so literal
 * segments come before a {param} in the same place. Rows of one template are adjacent. */
extern const struct api_route api_routes[API_ROUTES_N];

/* The row index of the first route whose template has the shape of path (no query string;
 * empty segments are skipped), or -1 when no template fits. Pure; the /metrics route label. */
int api_route_template(const char *path);

#define API_ROUTE_NONE   (-1) /* no template fits the path: 404 */
#define API_ROUTE_METHOD (-2) /* a template fits, but not with this method: 405 */
/* The row serving method on path, >= 0, with param[] pointing into buf (a copy of the path cut
 * into segments; bufsz >= strlen(path) + 1); or API_ROUTE_NONE / API_ROUTE_METHOD. Pure. */
int api_route_find(const char *method, const char *path, char *buf, size_t bufsz,
                   const char **param);

#endif
