/* log.h -- JSON-lines logging to stderr: one object per line, with time, level and program. */
#ifndef DP_LOG_H
#define DP_LOG_H
#include <cjson/cJSON.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Sets the program name and minimum level ("debug".."error") for this process. */
void log_init(const char *prog, const char *level);

/* Writes obj (adding "ts", "level", "prog", "pid") as one line, then frees obj.
 * Takes ownership of obj. */
void log_obj(enum log_level level, cJSON *obj);

/* Convenience: a message plus string key/value pairs ending with NULL:
 *   log_kv(LOG_INFO, "job done", "doc", id, "status", "done", NULL); */
void log_kv(enum log_level level, const char *msg, ...);

/* Whether a message of this level would be written. */
int log_enabled(enum log_level level);

#endif
