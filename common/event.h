/* event.h -- the data of a document.completed / document.failed event, written in one place:
 * by the worker when it finishes a document, and by the upload path for a duplicate (a done
 * copy of an earlier document, which never meets a worker).  With an encryption key the data is
 * sealed like every other content value ("<event id>/data", seal.h). */
#ifndef DP_EVENT_H
#define DP_EVENT_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include <stddef.h>
#include "err.h"

/* Events carry the result inline below this size (its JSON text, bytes), else a link. */
#define EVENT_RESULT_INLINE_MAX (20 * 1024)

/* A new object (caller frees): id, status, duplicate_of (when not NULL), error (when
 * error_code is set), class and fields of result (may be NULL), and result itself when
 * result_len < EVENT_RESULT_INLINE_MAX, else result_url.  result is borrowed.  NULL when out of
 * memory. */
cJSON *event_data(const char *doc, const char *status, const char *duplicate_of,
                  const cJSON *result, size_t result_len, const char *error_code,
                  const char *error_message);

/* The data of duplicate id's document.completed event (event evid), from the result of the
 * earlier document whose record is the key kearlier: JSON text, sealed with "<evid>/data" when
 * encryption is on.  *data (caller frees) and *len.  An earlier record without a readable
 * result gives the event without one.  DP_EREDIS, DP_ENOMEM, DP_EIO (a sealed result that does
 * not open with this process's keys). */
dp_err event_duplicate_data(redisContext *c, const char *kearlier, const char *earlier,
                            const char *id, const char *evid, char **data, size_t *len);

#endif
