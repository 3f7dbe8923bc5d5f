/* api_tables.c -- the tables of a finished document:
 *   GET /v1/documents/{id}/tables          every table of every page, as one JSON array
 *   GET /v1/documents/{id}/tables/{n}.csv  table n (1-based, counted over the whole document
 *                                          in page order, then top to bottom) as RFC 4180 CSV
 * Scope documents:read (routed by api_routes.c). */
#include <stdlib.h>
#include <string.h>
#include "api.h"
#include "store.h"
#include "table.h"

#define TABLES_MAX_N 100000 /* largest table number accepted in a path */

/* The finished document's JSON, or a reply (404, 409 not_ready) already sent. */
static cJSON *done_doc(struct api_req *r, redisContext *c, const char *id, enum MHD_Result *ret)
{
    cJSON *doc = NULL;
    dp_err rc = store_doc_json(c, r->auth.tenant, id, &doc);
    if (rc) {
        *ret = api_reply_dp_err(r, rc, "document");
        return NULL;
    }
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "status"));
    if (!st || strcmp(st, "done") != 0) {
        *ret = api_reply_error(r, 409, "not_ready", "document is %s; no tables yet",
                               st ? st : "unknown");
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

/* "12.csv" -> 12; 0 when it is not a table number with the .csv suffix. */
static long csv_number(const char *seg)
{
    char *end;
    if (seg[0] < '1' || seg[0] > '9')
        return 0;
    long n = strtol(seg, &end, 10);
    return strcmp(end, ".csv") == 0 && n <= TABLES_MAX_N ? n : 0;
}

/* Every table (want == 0) as one JSON array, or table want as CSV. */
static enum MHD_Result tables_reply(struct api_req *r, redisContext *c, const char *id, long want,
                                    const char *which)
{
    enum MHD_Result ret = MHD_NO;
    cJSON *doc = done_doc(r, c, id, &ret);
    if (!doc)
        return ret;
    cJSON *all = want ? NULL : cJSON_CreateArray();
    const cJSON *page, *t;
    long n = 0;
    cJSON_ArrayForEach(page, cJSON_GetObjectItem(doc, "pages"))
    {
        const cJSON *num = cJSON_GetObjectItem(page, "number");
        cJSON_ArrayForEach(t, cJSON_GetObjectItem(page, "tables"))
        {
            n++;
            if (want && n == want) {
                char *csv = table_csv_json(t);
                cJSON_Delete(doc);
                if (!csv)
                    return api_reply_dp_err(r, DP_ENOMEM, "table");
                ret = api_reply_bytes(r, 200, "text/csv; charset=utf-8", csv, strlen(csv));
                free(csv);
                return ret;
            }
            if (all) {
                cJSON *o = cJSON_Duplicate(t, 1);
                if (o) {
                    cJSON_AddNumberToObject(o, "n", (double)n);
                    cJSON_AddNumberToObject(o, "page", cJSON_IsNumber(num) ? num->valuedouble : 0);
                    cJSON_AddItemToArray(all, o);
                }
            }
        }
    }
    cJSON_Delete(doc);
    if (want)
        return api_reply_error(r, 404, "not_found", "the document has %ld table%s, no %s", n,
                               n == 1 ? "" : "s", which);
    if (!all)
        return api_reply_dp_err(r, DP_ENOMEM, "tables");
    return api_reply_json(r, 200, all);
}

enum MHD_Result api_tables_list(struct api_req *r, redisContext *c, const char *const *param)
{
    return tables_reply(r, c, param[0], 0, NULL);
}

enum MHD_Result api_tables_csv(struct api_req *r, redisContext *c, const char *const *param)
{
    long want = csv_number(param[1]);
    if (!want)
        return api_reply_error(r, 404, "not_found",
                               "no table '%s': tables are named 1.csv, 2.csv, ... in page order",
                               param[1]);
    return tables_reply(r, c, param[0], want, param[1]);
}
