/* log.c -- JSON-lines logger. Best effort: a log line that cannot be built is dropped. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "log.h"

/* Process-wide sink settings, written once by log_init before threads start. */
static struct {
    char prog[32];
    enum log_level min;
} logger = {"docproc", LOG_INFO};

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_init(const char *prog, const char *level)
{
    snprintf(logger.prog, sizeof logger.prog, "%s", prog);
    for (int i = 0; i < 4; i++)
        if (level && strcmp(level, level_names[i]) == 0)
            logger.min = (enum log_level)i;
}

int log_enabled(enum log_level level)
{
    return level >= logger.min;
}

void log_obj(enum log_level level, cJSON *obj)
{
    if (!obj)
        return;
    if (!log_enabled(level)) {
        cJSON_Delete(obj);
        return;
    }
    struct timeval tv;
    struct tm tm;
    char ts[40];
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts + n, sizeof ts - n, ".%03dZ", (int)(tv.tv_usec / 1000));
    /* Put the standard keys first for readability. */
    cJSON *line = cJSON_CreateObject();
    if (!line) {
        cJSON_Delete(obj);
        return;
    }
    cJSON_AddStringToObject(line, "ts", ts);
    cJSON_AddStringToObject(line, "level", level_names[level]);
    cJSON_AddStringToObject(line, "prog", logger.prog);
    cJSON_AddNumberToObject(line, "pid", (double)getpid());
    cJSON *it = obj->child;
    obj->child = NULL;
    while (it) {
        cJSON *next = it->next;
        it->next = it->prev = NULL;
        cJSON_AddItemToObject(line, it->string, it);
        /* cJSON_AddItemToObject copies the key; release the old one. */
        it = next;
    }
    cJSON_Delete(obj);
    char *text = cJSON_PrintUnformatted(line);
    cJSON_Delete(line);
    if (!text)
        return;
    size_t len = strlen(text);
    text[len] = '\n'; /* overwrite the NUL: one write(2) keeps lines whole across processes */
    ssize_t w = write(STDERR_FILENO, text, len + 1);
    (void)w;
    free(text);
}

void log_kv(enum log_level level, const char *msg, ...)
{
    if (!log_enabled(level))
        return;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return;
    cJSON_AddStringToObject(o, "msg", msg);
    va_list ap;
    va_start(ap, msg);
    const char *k;
    while ((k = va_arg(ap, const char *)) != NULL) {
        const char *v = va_arg(ap, const char *);
        cJSON_AddStringToObject(o, k, v ? v : "");
    }
    va_end(ap);
    log_obj(level, o);
}
