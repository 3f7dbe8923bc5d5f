/* audit.h -- the per-tenant audit log: who did what to the tenant's data, when; never any
 * document content.
 *
 * One Redis stream per tenant (keys_audit), capped at about AUDIT_MAX entries (XADD MAXLEN ~:
 * an audit log may lose its oldest entries, unlike the job stream). Entry fields: at (unix ms),
 * actor (an API key id "key_...", or "admin" for docproc-admin), action (api_key.created,
 * api_key.revoked, document.deleted, tenant.retention_changed, classifier.trained,
 * extractor.trained, webhook.created, webhook.deleted), target (the id acted on), detail (a
 * short plain value, e.g. the new retention in days; may be empty). */
#ifndef DP_AUDIT_H
#define DP_AUDIT_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include "err.h"

#define AUDIT_MAX       10000 /* entries kept per tenant (approximately) */
#define AUDIT_FIELD_MAX 200   /* longest actor/action/target/detail kept, bytes */
#define AUDIT_LIMIT_MAX 200   /* most entries per page */

/* Appends one entry (strings borrowed; detail may be NULL). */
dp_err audit_log(redisContext *c, const char *tenant, const char *actor, const char *action,
                 const char *target, const char *detail);

/* The tenant's entries newest first, limit per page, after cursor (NULL = newest; else the
 * next_cursor of an earlier page). *out = {"data":[{id,at,actor,action,target,detail}...],
 * "next_cursor": ...|null}, caller owns it. DP_EINVAL: a cursor that is not one. */
dp_err audit_list(redisContext *c, const char *tenant, const char *cursor, int limit, cJSON **out);

/* Whether s is a stream entry id "<ms>-<seq>" (pure). */
int audit_cursor_ok(const char *s);

#endif
