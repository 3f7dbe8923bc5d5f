/* reqopts.c -- validation of upload options. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "reqopts.h"
#include "util.h"

static const char *const known[] = {"lang", "pipeline", "callback_url", "metadata",
                                    "wait", "filename", "dedup",        "psm"};

void reqopts_init(struct reqopts *o)
{
    memset(o, 0, sizeof *o);
    o->wait_s = -1;
    o->dedup = 1;
}

void reqopts_fingerprint(const struct reqopts *o, const char *def_lang, char out[REQOPTS_FP_HEX])
{
    char buf[REQOPTS_LANG_MAX + REQOPTS_PIPELINE_MAX + 64], hex[UTIL_SHA256_HEX];
    /* psm only when given, so fingerprints of uploads without it stay as they were */
    char psm[16] = "";
    if (o->psm)
        snprintf(psm, sizeof psm, "psm=%d\n", o->psm);
    int n = snprintf(buf, sizeof buf, "v1\nlang=%s\npipeline=%s\n%s",
                     o->lang[0] ? o->lang : (def_lang ? def_lang : ""),
                     o->pipeline[0] ? o->pipeline : "ocr,classify,extract", psm);
    util_sha256_hex(buf, n > 0 && (size_t)n < sizeof buf ? (size_t)n : 0, hex);
    memcpy(out, hex, REQOPTS_FP_HEX - 1);
    out[REQOPTS_FP_HEX - 1] = '\0';
}

int reqopts_psm_valid(long psm)
{
    return psm == 1 || (psm >= 3 && psm <= 13);
}

int reqopts_known(const char *name)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(name, known[i]) == 0)
            return 1;
    return 0;
}

static dp_err copy(char *dst, size_t dstsz, const char *v, size_t len, const char *name, char *err,
                   size_t errsz)
{
    if (len >= dstsz) {
        snprintf(err, errsz, "%s is longer than %zu bytes", name, dstsz - 1);
        return DP_EINVAL;
    }
    if (memchr(v, '\0', len)) {
        snprintf(err, errsz, "%s contains a NUL byte", name);
        return DP_EINVAL;
    }
    memcpy(dst, v, len);
    dst[len] = '\0';
    return DP_OK;
}

static dp_err check_lang(const char *v, char *err, size_t errsz)
{
    /* Tesseract language codes: eng, deu, chi_sim, script/Latin ...; joined by '+'. */
    size_t seg = 0;
    for (const char *p = v;; p++) {
        if (*p == '+' || *p == '\0') {
            if (seg == 0 || seg > 32)
                goto bad;
            seg = 0;
            if (*p == '\0')
                return DP_OK;
            continue;
        }
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
              (*p == '/' && seg > 0)))
            goto bad;
        seg++;
    }
bad:
    snprintf(err, errsz, "lang must be Tesseract language codes joined by '+', e.g. eng+deu");
    return DP_EINVAL;
}

static dp_err check_pipeline(char *v, char *err, size_t errsz)
{
    static const char *const steps[] = {"ocr", "classify", "extract"};
    int have[3] = {0, 0, 0};
    const char *p = v;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int found = 0;
        for (int i = 0; i < 3; i++)
            if (n == strlen(steps[i]) && strncmp(p, steps[i], n) == 0)
                have[i] = found = 1;
        if (!found) {
            snprintf(err, errsz, "pipeline steps are ocr, classify and extract, comma-separated");
            return DP_EINVAL;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (!have[0]) {
        snprintf(err, errsz, "pipeline must include ocr (every other step reads its text)");
        return DP_EINVAL;
    }
    size_t k = 0;
    for (int i = 0; i < 3; i++)
        if (have[i])
            k += (size_t)snprintf(v + k, REQOPTS_PIPELINE_MAX - k, "%s%s", k ? "," : "", steps[i]);
    return DP_OK;
}

static dp_err check_url(const char *v, char *err, size_t errsz)
{
    if (strncasecmp(v, "http://", 7) != 0 && strncasecmp(v, "https://", 8) != 0) {
        snprintf(err, errsz, "callback_url must be an http:// or https:// URL");
        return DP_EINVAL;
    }
    /* authority = [userinfo@]host[:port], up to the path, query or fragment */
    const char *host = strstr(v, "://") + 3;
    size_t alen = strcspn(host, "/?#");
    const char *at = memrchr(host, '@', alen);
    if (at) {
        alen -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    if (alen == 0 || *host == ':') {
        snprintf(err, errsz, "callback_url has no host");
        return DP_EINVAL;
    }
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127) {
            snprintf(err, errsz, "callback_url contains spaces or non-ASCII characters");
            return DP_EINVAL;
        }
    return DP_OK;
}

dp_err reqopts_set(struct reqopts *o, const char *name, const char *value, size_t len, int max_wait,
                   char *err, size_t errsz)
{
    dp_err rc;
    if (strcmp(name, "lang") == 0) {
        if ((rc = copy(o->lang, sizeof o->lang, value, len, name, err, errsz)))
            return rc;
        return check_lang(o->lang, err, errsz);
    }
    if (strcmp(name, "pipeline") == 0) {
        if ((rc = copy(o->pipeline, sizeof o->pipeline, value, len, name, err, errsz)))
            return rc;
        return check_pipeline(o->pipeline, err, errsz);
    }
    if (strcmp(name, "callback_url") == 0) {
        if ((rc = copy(o->callback_url, sizeof o->callback_url, value, len, name, err, errsz)))
            return rc;
        return check_url(o->callback_url, err, errsz);
    }
    if (strcmp(name, "metadata") == 0) {
        if ((rc = copy(o->metadata, sizeof o->metadata, value, len, name, err, errsz)))
            return rc;
        /* exactly one object: cJSON stops after the first value, so check what follows */
        const char *end = NULL;
        cJSON *j = cJSON_ParseWithLengthOpts(o->metadata, len, &end, 0);
        int ok = j && cJSON_IsObject(j);
        while (ok && end < o->metadata + len && strchr(" \t\r\n", *end))
            end++;
        ok = ok && end == o->metadata + len;
        cJSON_Delete(j);
        if (!ok) {
            snprintf(err, errsz, "metadata must be a JSON object");
            return DP_EINVAL;
        }
        return DP_OK;
    }
    if (strcmp(name, "filename") == 0)
        return copy(o->filename, sizeof o->filename, value, len, name, err, errsz);
    if (strcmp(name, "psm") == 0) {
        char buf[8], *end;
        if ((rc = copy(buf, sizeof buf, value, len, name, err, errsz)))
            return rc;
        long v = strtol(buf, &end, 10);
        if (end == buf || *end || buf[0] == '+' || buf[0] == '-' || !reqopts_psm_valid(v)) {
            snprintf(err, errsz,
                     "psm must be a Tesseract page segmentation mode that reads text: "
                     "1 or 3..13 (3 layout analysis, 6 one block, 7 one line)");
            return DP_EINVAL;
        }
        o->psm = (int)v;
        return DP_OK;
    }
    if (strcmp(name, "wait") == 0) {
        char buf[16], *end;
        if ((rc = copy(buf, sizeof buf, value, len, name, err, errsz)))
            return rc;
        long v = strtol(buf, &end, 10);
        if (end == buf || *end || v < 0 || v > max_wait) {
            snprintf(err, errsz, "wait must be a whole number of seconds from 0 to %d", max_wait);
            return DP_EINVAL;
        }
        o->wait_s = (int)v;
        return DP_OK;
    }
    if (strcmp(name, "dedup") == 0) {
        char buf[8];
        if ((rc = copy(buf, sizeof buf, value, len, name, err, errsz)))
            return rc;
        if (strcmp(buf, "true") == 0 || strcmp(buf, "1") == 0)
            o->dedup = 1;
        else if (strcmp(buf, "false") == 0 || strcmp(buf, "0") == 0)
            o->dedup = 0;
        else {
            snprintf(err, errsz, "dedup must be true or false");
            return DP_EINVAL;
        }
        return DP_OK;
    }
    snprintf(err, errsz, "unknown option '%.64s'", name);
    return DP_EINVAL;
}

int reqopts_lang_installed(const char *tessdata_dir, const char *lang, char *missing,
                           size_t missingsz)
{
    char list[REQOPTS_LANG_MAX], dir[512];
    char *save = NULL;
    const char *env = getenv("TESSDATA_PREFIX");
    snprintf(dir, sizeof dir, "%s",
             tessdata_dir && *tessdata_dir ? tessdata_dir
             : env                         ? env
                                           : "/usr/share/tesseract-ocr/5/tessdata");
    if (strcmp(lang, "auto") == 0)
        return 1; /* read in English first, then with the pack of the language found */
    snprintf(list, sizeof list, "%s", lang);
    for (char *l = strtok_r(list, "+", &save); l; l = strtok_r(NULL, "+", &save)) {
        char path[700];
        snprintf(path, sizeof path, "%s/%s.traineddata", dir, l);
        if (access(path, R_OK) != 0) {
            snprintf(missing, missingsz, "%s", l);
            return 0;
        }
    }
    return 1;
}
