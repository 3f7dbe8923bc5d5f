/* check_e2e_seal.c -- encryption at rest against real processes: with an encryption key, a
 * document's file, text, hOCR, result and metadata read back through the API unchanged, while
 * neither the file's bytes, the OCR text, the metadata nor a duplicate's own event appear
 * anywhere in Redis's AOF; docproc-admin rekey re-seals
 * everything with a new key, which alone then still reads it all. */
#include <dirent.h>
#include <signal.h>
#include <hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fixtures.h"
#include "harness.h"
#include "keys.h"
#include "rds.h"
#include "seal.h"
#include "testutil.h"

#define KEY_OLD "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY_NEW "H+Hw3ezC9DCFEPtOeK4ve09h3yWqnQahuR3s3HpjQfE="

/* 1 when needle[nlen] occurs in any file under dir (recursively). */
static int dir_contains(const char *dir, const void *needle, size_t nlen)
{
    DIR *d = opendir(dir);
    int found = 0;
    struct dirent *e;
    while (d && !found && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        DIR *sub = opendir(path);
        if (sub) {
            closedir(sub);
            found = dir_contains(path, needle, nlen);
            continue;
        }
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = n > 0 ? malloc((size_t)n) : NULL;
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
            found = memmem(buf, (size_t)n, needle, nlen) != NULL;
        free(buf);
        fclose(f);
    }
    if (d)
        closedir(d);
    return found;
}

/* GET base/v1/documents/id/part (part "" = the JSON) into *out (caller frees); the status. */
static long get_part(struct stack *s, const char *id, const char *part, struct http_resp *out)
{
    char url[256];
    snprintf(url, sizeof url, "%s/v1/documents/%s%s%s", s->base, id, part[0] ? "/" : "", part);
    ck_assert_int_eq(http_req("GET", url, s->key, NULL, NULL, 0, out), 0);
    return out->status;
}

/* Everything of document id reads back: the file equals png, the text holds want. */
static void reads_back(struct stack *s, const char *id, const unsigned char *png, size_t len,
                       const char *want)
{
    struct http_resp r;
    ck_assert_int_eq(get_part(s, id, "file", &r), 200);
    ck_assert_uint_eq(r.len, len);
    ck_assert_int_eq(memcmp(r.body, png, len), 0);
    http_resp_free(&r);
    ck_assert_int_eq(get_part(s, id, "text", &r), 200);
    ck_assert_ptr_nonnull(memmem(r.body, r.len, want, strlen(want)));
    http_resp_free(&r);
    ck_assert_int_eq(get_part(s, id, "hocr", &r), 200);
    ck_assert_ptr_nonnull(memmem(r.body, r.len, "ocr_page", 8));
    http_resp_free(&r);
    ck_assert_int_eq(get_part(s, id, "", &r), 200);
    cJSON *j = http_json(&r);
    ck_assert_str_eq(json_str(j, "status"), "done");
    ck_assert_ptr_nonnull(strstr(json_str(j, "text"), want));
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(j, "pages"));
    cJSON_Delete(j);
    http_resp_free(&r);
}

/* The sealed header of a raw value in Redis. */
static void raw_is_sealed(redisContext *rc, const char *cmd, const char *key, const char *field)
{
    redisReply *x =
        field ? redisCommand(rc, "%s %s %s", cmd, key, field) : redisCommand(rc, "%s %s", cmd, key);
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->type, REDIS_REPLY_STRING);
    ck_assert_msg(x->len > 16 && memcmp(x->str, "dpenc1:", 7) == 0, "%s %s not sealed", key,
                  field ? field : "");
    freeReplyObject(x);
}

#define META_MARKER "MetaMarker7731"

/* The document's metadata reads back through the API as the client sent it. */
static void metadata_reads_back(struct stack *s, const char *id)
{
    struct http_resp r;
    ck_assert_int_eq(get_part(s, id, "", &r), 200);
    cJSON *j = http_json(&r);
    ck_assert_str_eq(json_str(j, "metadata.marker"), META_MARKER);
    cJSON_Delete(j);
    http_resp_free(&r);
}

/* Uploads a second page with metadata, waits for it, uploads the same bytes again (a duplicate,
 * done at once) and checks the duplicate's event is sealed and opens to its class, fields and
 * result. The duplicate's id into dup; returns the first one's (static). */
static const char *duplicate_sealed(struct stack *s, redisContext *rc, char dup[64])
{
    static char first[64];
    const char *lines[] = {"Invoice number KX-40417", "Supplier Juniper Holdings", "Total 17.25"};
    const char *meta = "metadata=%7B%22marker%22%3A%22" META_MARKER "%22%7D";
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 3, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(s, s->key, png, len, meta, first), 202);
    cJSON *d = stack_wait_doc(s, s->key, first, 90000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    cJSON_Delete(d);
    ck_assert_int_eq(stack_upload(s, s->key, png, len, meta, dup), 200);
    metadata_reads_back(s, first);
    metadata_reads_back(s, dup);
    char kdoc[KEYS_MAX], kdevt[KEYS_MAX];
    keys_doc(kdoc, dup);
    raw_is_sealed(rc, "HGET", kdoc, "metadata");
    /* the duplicate's event: its stream entry, named by the document's event index */
    keys_doc_events(kdevt, dup);
    redisReply *ix = redisCommand(rc, "HGETALL %s", kdevt);
    ck_assert(ix && ix->type == REDIS_REPLY_ARRAY && ix->elements == 2);
    redisReply *e =
        redisCommand(rc, "XRANGE %s %s %s", KEYS_EVENTS, ix->element[1]->str, ix->element[1]->str);
    ck_assert(e && e->type == REDIS_REPLY_ARRAY && e->elements == 1);
    const redisReply *data = rds_field(e->element[0]->element[1], "data");
    ck_assert(data && data->len > 16 && memcmp(data->str, "dpenc1:", 7) == 0);
    struct seal_keyring kr = {0};
    ck_assert_int_eq(seal_keyring_add_b64(&kr, KEY_OLD, strlen(KEY_OLD)), DP_OK);
    char aad[SEAL_AAD_MAX], *plain = NULL;
    size_t plen = 0;
    snprintf(aad, sizeof aad, "%s/data", ix->element[0]->str);
    ck_assert_int_eq(seal_open(&kr, aad, data->str, data->len, &plain, &plen), DP_OK);
    cJSON *ev = cJSON_ParseWithLength(plain, plen);
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(json_str(ev, "id"), dup);
    ck_assert_str_eq(json_str(ev, "duplicate_of"), first);
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(ev, "fields"));
    ck_assert_ptr_nonnull(strstr(json_str(ev, "result.text"), "Juniper"));
    cJSON_Delete(ev);
    free(plain);
    seal_keyring_clear(&kr);
    freeReplyObject(e);
    freeReplyObject(ix);
    free(png);
    return first;
}

START_TEST(sealed_at_rest_and_rekeyed)
{
    struct stack s;
    const char *env[] = {"DOCPROC_ENCRYPTION_KEY=" KEY_OLD, NULL};
    struct stack_opts o = {.workers = 1, .env = env, .appendfsync = "always"};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    redisContext *rc = redisConnect("127.0.0.1", s.redis_port);
    ck_assert(rc && !rc->err);
    const char *lines[] = {"Invoice number QZ-58213", "Customer Marigold Trading", "Total 93.40"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 3, &png, &len), DP_OK);
    char id[64];
    ck_assert_int_eq(stack_upload(&s, s.key, png, len, "dedup=false", id), 202);
    cJSON *d = stack_wait_doc(&s, s.key, id, 90000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    cJSON_Delete(d);
    reads_back(&s, id, png, len, "Marigold");

    /* in Redis: every content value sealed; the AOF holds neither the text nor the bytes */
    char kdoc[KEYS_MAX], kblob[KEYS_MAX], redisdir[256];
    keys_doc(kdoc, id);
    keys_blob(kblob, id);
    raw_is_sealed(rc, "GET", kblob, NULL);
    raw_is_sealed(rc, "HGET", kdoc, "text");
    raw_is_sealed(rc, "HGET", kdoc, "hocr");
    raw_is_sealed(rc, "HGET", kdoc, "result");
    snprintf(redisdir, sizeof redisdir, "%s/redis", s.dir);
    ck_assert(dir_contains(redisdir, id, strlen(id))); /* the AOF is there and was searched */
    ck_assert(!dir_contains(redisdir, "Marigold", 8));
    ck_assert(!dir_contains(redisdir, "QZ-58213", 8));
    ck_assert(!dir_contains(redisdir, png + len / 2, 48));
    ck_assert(!dir_contains(redisdir, png, 16)); /* the PNG signature and header */

    /* the client's metadata, and a duplicate's own document.completed event (written at
     * upload, not by a worker), are sealed too */
    char dup[64];
    const char *second = duplicate_sealed(&s, rc, dup);
    ck_assert(!dir_contains(redisdir, META_MARKER, strlen(META_MARKER)));
    ck_assert(!dir_contains(redisdir, "Juniper", 7));
    ck_assert(!dir_contains(redisdir, "KX-40417", 8));

    /* rekey: the admin re-seals with a new key (the old one still opens); then an API with the
     * new key alone reads everything */
    char out[256] = "";
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "--encryption_key=" KEY_NEW,
                               "--encryption_old_keys=" KEY_OLD, "rekey", NULL),
                     0);
    ck_assert_msg(strstr(out, "failed=0") && !strstr(out, "resealed=0 "), "rekey: %s", out);
    for (int i = 0; i < s.nenv; i++)
        if (strncmp(s.env[i], "DOCPROC_ENCRYPTION_KEY=", 23) == 0) {
            free(s.env[i]);
            s.env[i] = strdup("DOCPROC_ENCRYPTION_KEY=" KEY_NEW);
        }
    stack_kill(&s.api[0], SIGTERM);
    ck_assert_int_eq(stack_start_api(&s, 0), 0);
    reads_back(&s, id, png, len, "Marigold");
    metadata_reads_back(&s, second);
    metadata_reads_back(&s, dup);
    /* a second rekey finds nothing left to do */
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "rekey", NULL), 0);
    ck_assert_msg(strstr(out, "resealed=0 "), "second rekey: %s", out);
    /* an API without the right key answers an error, never the ciphertext */
    for (int i = 0; i < s.nenv; i++)
        if (strncmp(s.env[i], "DOCPROC_ENCRYPTION_KEY=", 23) == 0) {
            free(s.env[i]);
            s.env[i] = strdup("DOCPROC_ENCRYPTION_KEY=" KEY_OLD);
        }
    stack_kill(&s.api[0], SIGTERM);
    ck_assert_int_eq(stack_start_api(&s, 0), 0);
    struct http_resp r;
    long st = get_part(&s, id, "text", &r);
    ck_assert_msg(st >= 500 && !memmem(r.body, r.len, "dpenc1:", 7), "status %ld", st);
    http_resp_free(&r);
    free(png);
    redisFree(rc);
    stack_stop(&s);
}
END_TEST

Suite *e2e_seal_suite(void)
{
    Suite *s = suite_create("e2e_seal");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, sealed_at_rest_and_rekeyed);
    suite_add_tcase(s, tc);
    return s;
}
