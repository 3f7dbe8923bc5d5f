/* admin_queue.c -- `docproc-admin queue`: the operator's view of the job stream. */
#include <stdio.h>
#include <stdlib.h>
#include "admin.h"
#include "stats.h"

static double num(const cJSON *o, const char *k)
{
    return cJSON_GetNumberValue(cJSON_GetObjectItem(o, k));
}

int admin_queue(redisContext *c, const struct dp_config *cfg, int json)
{
    cJSON *s = NULL;
    if (stats_queue(c, &s)) {
        fprintf(stderr, "queue: redis error\n");
        return 1;
    }
    if (json) {
        char *t = cJSON_Print(s);
        printf("%s\n", t);
        free(t);
        cJSON_Delete(s);
        return 0;
    }
    const cJSON *tot = cJSON_GetObjectItem(s, "totals");
    printf("stream length     %.0f\n", num(s, "stream_length"));
    printf("queued (unread)   %.0f\n", num(s, "queued"));
    printf("pending (claimed) %.0f  oldest %.1f s  (reclaimed after %lld ms idle)\n",
           num(s, "pending"), num(s, "oldest_pending_age_s"), cfg->visibility_timeout_ms);
    printf("dead letters      %.0f\n", num(s, "dead"));
    printf("totals            accepted %.0f  done %.0f  failed %.0f  dead-lettered %.0f\n",
           num(tot, "accepted"), num(tot, "done"), num(tot, "failed"), num(tot, "dead_lettered"));
    printf("consumers:\n");
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(s, "consumers"))
    {
        printf("  %-40s pending %-4.0f idle %.1f s\n",
               cJSON_GetStringValue(cJSON_GetObjectItem(it, "name")), num(it, "pending"),
               num(it, "idle_ms") / 1000.0);
    }
    cJSON_Delete(s);
    return 0;
}
