/* eval_sets.c -- reads the labelled layouts of ../shared/data (sroie, funsd, invoices, tess,
 * classes) into eval_set lists, truth normalised to docproc's field names (see eval.h). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "eval.h"

enum layout { L_NONE, L_SROIE, L_FUNSD, L_INVOICES, L_TESS, L_CLASSES, L_TABLES, L_EINVOICES };

/* ---- small file helpers ---- */

/* snprintf whose truncation is accepted: paths and names longer than their buffers are cut
 * (and then simply not found). Returns 0 if everything fit. */
__attribute__((format(printf, 3, 4))) static int fmt(char *out, size_t outsz, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(out, outsz, f, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < outsz ? 0 : -1;
}

struct eval_item *eval_set_add(struct eval_set *s)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct eval_item *v = realloc(s->items, cap * sizeof *v);
        if (!v)
            return NULL;
        s->items = v;
        s->cap = cap;
    }
    struct eval_item *it = &s->items[s->n++];
    memset(it, 0, sizeof *it);
    return it;
}

void eval_set_cleanup(struct eval_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].words);
        free(s->items[i].table_rels);
        free(s->items[i].kv_pairs);
        free(s->items[i].lines_json);
    }
    free(s->items);
    memset(s, 0, sizeof *s);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The whole file, NUL-terminated; caller frees. NULL if unreadable or over EVAL_MAX_FILE. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *nb = cap < EVAL_MAX_FILE ? realloc(buf, cap * 2 + 1) : NULL;
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

cJSON *eval_read_json_file(const char *path)
{
    char *s = slurp(path);
    cJSON *j = s ? cJSON_Parse(s) : NULL;
    free(s);
    return j;
}

static cJSON *read_json(const char *path)
{
    cJSON *j = eval_read_json_file(path);
    if (!j)
        fprintf(stderr, "eval: skipped %s (unreadable JSON)\n", path);
    return j;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int no_dots(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Sorted entries of dir; *out is freed with free_list. -1 if dir cannot be read. */
static int list_dir(const char *dir, struct dirent ***out)
{
    return scandir(dir, out, no_dots, name_cmp);
}

static void free_list(struct dirent **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static const char *ext_of(const char *name)
{
    const char *d = strrchr(name, '.');
    return d ? d + 1 : "";
}

static int is_image_ext(const char *ext)
{
    static const char *const ok[] = {"png", "jpg", "jpeg", "tif", "tiff", "webp", "pdf", NULL};
    for (int i = 0; ok[i]; i++)
        if (strcasecmp(ext, ok[i]) == 0)
            return 1;
    return 0;
}

static void add_field(struct eval_item *it, const char *name, const char *value)
{
    if (it->nfields == EVAL_MAX_FIELDS || !value || !*value)
        return;
    struct eval_truth_field *f = &it->fields[it->nfields++];
    fmt(f->name, sizeof f->name, "%s", name);
    fmt(f->value, sizeof f->value, "%s", value);
}

/* A truth value as text: strings as they are, numbers without a trailing ".0". */
static const char *json_text(const cJSON *v, char *buf, size_t bufsz)
{
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsNumber(v)) {
        if (v->valuedouble == (double)(long long)v->valuedouble)
            fmt(buf, bufsz, "%lld", (long long)v->valuedouble);
        else
            fmt(buf, bufsz, "%.2f", v->valuedouble);
        return buf;
    }
    return NULL;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
    return s ? s : "";
}

static void add_date(struct eval_item *it, const char *name, const char *printed)
{
    char iso[16];
    if (!printed)
        return;
    add_field(it, name, eval_truth_date(printed, iso, sizeof iso) == 0 ? iso : printed);
}

static void add_amount(struct eval_item *it, const char *name, const cJSON *v)
{
    char raw[64], dec[64];
    const char *s = json_text(v, raw, sizeof raw);
    if (s)
        add_field(it, name, eval_truth_amount(s, dec, sizeof dec) == 0 ? dec : s);
}

/* ---- layouts ---- */

static int sroie_words(struct eval_item *it, const char *csv_path)
{
    char *csv = slurp(csv_path);
    if (!csv)
        return -1;
    size_t len = strlen(csv), k = 0;
    char *w = malloc(len + 1);
    if (!w) {
        free(csv);
        return -1;
    }
    for (char *line = csv; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *p = line;
        for (int commas = 0; p && commas < 8; commas++) /* x1,y1,...,y4, then the transcript */
            p = (p = strchr(p, ',')) ? p + 1 : NULL;
        if (p) {
            size_t n = strcspn(p, "\r");
            memcpy(w + k, p, n);
            k += n;
            w[k++] = ' ';
        }
        line = nl ? nl + 1 : NULL;
    }
    w[k ? k - 1 : 0] = '\0';
    free(csv);
    it->words = w;
    return 0;
}

static int load_sroie(const char *dir, struct eval_set *s, int limit)
{
    char kdir[EVAL_PATH_MAX], path[EVAL_PATH_MAX * 2];
    struct dirent **v;
    fmt(kdir, sizeof kdir, "%s/key", dir);
    int n = list_dir(kdir, &v);
    fmt(s->name, sizeof s->name, "sroie");
    for (int i = 0; i < n && (limit <= 0 || (int)s->n < limit); i++) {
        char stem[256];
        if (strcmp(ext_of(v[i]->d_name), "json") != 0)
            continue;
        fmt(stem, sizeof stem, "%.*s", (int)(strlen(v[i]->d_name) - 5), v[i]->d_name);
        fmt(path, sizeof path, "%s/%s", kdir, v[i]->d_name);
        cJSON *k = read_json(path);
        if (!k)
            continue;
        struct eval_item *it = eval_set_add(s);
        if (!it) {
            cJSON_Delete(k);
            break;
        }
        fmt(it->path, sizeof it->path, "%s/img/%s.jpg", dir, stem);
        fmt(it->name, sizeof it->name, "sroie/%s", stem);
        char norm[EVAL_VALUE_MAX], raw[64];
        static const char *const printed[] = {"company", "address", "date", "total"};
        for (size_t f = 0; f < 4; f++) {
            const char *pv = json_text(cJSON_GetObjectItem(k, printed[f]), raw, sizeof raw);
            if (pv && *pv && it->nprinted < EVAL_MAX_PRINTED) {
                struct eval_truth_field *pf = &it->printed[it->nprinted++];
                fmt(pf->name, sizeof pf->name, "%s", printed[f]);
                fmt(pf->value, sizeof pf->value, "%s", pv);
            }
        }
        eval_norm_text(str_of(k, "company"), norm, sizeof norm);
        add_field(it, "company", norm);
        eval_norm_text(str_of(k, "address"), norm, sizeof norm);
        add_field(it, "address", norm);
        add_date(it, "date", cJSON_GetStringValue(cJSON_GetObjectItem(k, "date")));
        add_amount(it, "total", cJSON_GetObjectItem(k, "total"));
        cJSON_Delete(k);
        fmt(path, sizeof path, "%s/box/%s.csv", dir, stem);
        sroie_words(it, path);
        if (!is_file(it->path)) {
            fprintf(stderr, "eval: skipped %s (missing)\n", it->path);
            free(it->words);
            s->n--;
        }
    }
    free_list(v, n);
    return 0;
}

static int load_funsd(const char *dir, struct eval_set *s, int limit)
{
    char adir[EVAL_PATH_MAX], path[EVAL_PATH_MAX * 2];
    struct dirent **v;
    fmt(adir, sizeof adir, "%s/annotations", dir);
    int n = list_dir(adir, &v);
    fmt(s->name, sizeof s->name, "funsd");
    for (int i = 0; i < n && (limit <= 0 || (int)s->n < limit); i++) {
        char stem[256];
        if (strcmp(ext_of(v[i]->d_name), "json") != 0)
            continue;
        fmt(stem, sizeof stem, "%.*s", (int)(strlen(v[i]->d_name) - 5), v[i]->d_name);
        fmt(path, sizeof path, "%s/%s", adir, v[i]->d_name);
        cJSON *a = read_json(path);
        fmt(path, sizeof path, "%s/images/%s.png", dir, stem);
        char *pairs = NULL;
        if (!a || !is_file(path) || eval_kv_truth(a, &pairs)) {
            cJSON_Delete(a);
            free(pairs);
            continue;
        }
        size_t cap = 4096, k = 0;
        char *w = malloc(cap);
        const cJSON *ent, *word;
        cJSON_ArrayForEach(ent, cJSON_GetObjectItem(a, "form"))
        {
            cJSON_ArrayForEach(word, cJSON_GetObjectItem(ent, "words"))
            {
                const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(word, "text"));
                size_t tl = t ? strlen(t) : 0;
                if (!w || !tl)
                    continue;
                if (k + tl + 2 > cap) {
                    char *nw = realloc(w, (cap + tl) * 2);
                    if (!nw)
                        continue;
                    w = nw;
                    cap = (cap + tl) * 2;
                }
                memcpy(w + k, t, tl);
                k += tl;
                w[k++] = ' ';
            }
        }
        cJSON_Delete(a);
        struct eval_item *it = w ? eval_set_add(s) : NULL;
        if (!it) {
            free(w);
            free(pairs);
            break;
        }
        w[k] = '\0';
        it->words = w;
        it->kv_pairs = pairs;
        fmt(it->path, sizeof it->path, "%s", path);
        fmt(it->name, sizeof it->name, "funsd/%s", stem);
    }
    free_list(v, n);
    return 0;
}

#define TABLES_CACHE "build/eval-tables" /* scans made once, reused by later runs */

/* The scan of pdf at dpi: build/eval-tables/STEM-DPI.tif, rendered when missing (a folder
 * that cannot be made: a temporary one, as before). */
static int tables_scan(const char *pdf, const char *stem, int dpi, char *out, size_t outsz)
{
    char cached[512], tmp[EVAL_PATH_MAX];
    fmt(cached, sizeof cached, "%s/%s-%d.tif", TABLES_CACHE, stem, dpi);
    if (is_file(cached)) {
        fmt(out, outsz, "%s", cached);
        return 0;
    }
    if (eval_tables_render(pdf, dpi, tmp, sizeof tmp))
        return -1;
    if ((mkdir("build", 0755) == 0 || errno == EEXIST) &&
        (mkdir(TABLES_CACHE, 0755) == 0 || errno == EEXIST) && rename(tmp, cached) == 0) {
        char *slash = strrchr(tmp, '/');
        if (slash) {
            *slash = '\0';
            rmdir(tmp); /* the empty temporary folder */
        }
        fmt(out, outsz, "%s", cached);
        return 0;
    }
    fmt(out, outsz, "%s", tmp);
    return 0;
}

/* ICDAR 2013 tables: NAME.pdf with NAME-str.xml (eu-009a.pdf has eu-009a-str.xml; the "b"
 * alternative truths without their own PDF are skipped).  With DOCPROC_EVAL_TABLES_DPI set, a
 * second set "tables/ocr" holds the same documents rendered as grey TIFF scans at that DPI (no
 * text layer: read by OCR). */
static int load_tables(const char *dir, struct eval_set *sets, int max, int limit)
{
    struct dirent **v;
    int n = list_dir(dir, &v), dpi = 0;
    const char *env = getenv("DOCPROC_EVAL_TABLES_DPI");
    if (env && *env) {
        char *end;
        long d = strtol(env, &end, 10);
        dpi = *end || d < 50 || d > 600 ? 0 : (int)d;
        if (!dpi)
            fprintf(stderr, "eval: DOCPROC_EVAL_TABLES_DPI must be 50..600; no scan set\n");
    }
    int nsets = dpi && max >= 2 ? 2 : 1;
    struct eval_set *s = &sets[0], *scans = nsets == 2 ? &sets[1] : NULL;
    memset(sets, 0, (size_t)nsets * sizeof *sets);
    fmt(s->name, sizeof s->name, "tables");
    if (scans)
        fmt(scans->name, sizeof scans->name, "tables/ocr-%ddpi", dpi);
    for (int i = 0; i < n && (limit <= 0 || (int)s->n < limit); i++) {
        char stem[256], truth[EVAL_PATH_MAX * 2];
        if (strcmp(ext_of(v[i]->d_name), "pdf") != 0)
            continue;
        fmt(stem, sizeof stem, "%.*s", (int)(strlen(v[i]->d_name) - 4), v[i]->d_name);
        fmt(truth, sizeof truth, "%s/%s-str.xml", dir, stem);
        char *rels = NULL;
        if (!is_file(truth) || eval_tables_truth(truth, &rels)) {
            fprintf(stderr, "eval: %s: no readable structure truth, skipped\n", v[i]->d_name);
            continue;
        }
        struct eval_item *it = eval_set_add(s);
        if (!it) {
            free(rels);
            break;
        }
        it->table_rels = rels;
        fmt(it->path, sizeof it->path, "%s/%s", dir, v[i]->d_name);
        fmt(it->name, sizeof it->name, "tables/%s", v[i]->d_name);
        struct eval_item *sc = scans ? eval_set_add(scans) : NULL;
        if (sc && tables_scan(it->path, stem, dpi, sc->path, sizeof sc->path) == 0 &&
            (sc->table_rels = strdup(rels)) != NULL)
            fmt(sc->name, sizeof sc->name, "tables/ocr/%s", stem);
        else if (sc)
            scans->n--; /* not rendered: left out of the scan set */
    }
    free_list(v, n);
    return nsets;
}

/* invoice2data truth -> docproc fields. */
static void invoice_fields(struct eval_item *it, const cJSON *t)
{
    char raw[128];
    const char *s;
    if ((s = json_text(cJSON_GetObjectItem(t, "issuer"), raw, sizeof raw)) != NULL)
        add_field(it, "company", s);
    add_amount(it, "total", cJSON_GetObjectItem(t, "amount"));
    add_amount(it, "subtotal", cJSON_GetObjectItem(t, "amount_untaxed"));
    add_date(it, "date", cJSON_GetStringValue(cJSON_GetObjectItem(t, "date")));
    add_date(it, "due_date", cJSON_GetStringValue(cJSON_GetObjectItem(t, "date_due")));
    if ((s = json_text(cJSON_GetObjectItem(t, "invoice_number"), raw, sizeof raw)) != NULL)
        add_field(it, "invoice_number", s);
    if ((s = json_text(cJSON_GetObjectItem(t, "currency"), raw, sizeof raw)) != NULL)
        add_field(it, "currency", s);
    if ((s = json_text(cJSON_GetObjectItem(t, "vat"), raw, sizeof raw)) != NULL)
        add_field(it, "vat_id", s);
    if ((s = json_text(cJSON_GetObjectItem(t, "iban"), raw, sizeof raw)) != NULL)
        add_field(it, "iban", s);
}

/* NAME.<image> + NAME.json (invoices) or NAME.txt (tess): one set per image type. */
static int load_pairs(const char *dir, enum layout kind, struct eval_set *sets, int max, int limit)
{
    struct dirent **v;
    int n = list_dir(dir, &v), nsets = 0;
    const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    for (int i = 0; i < n; i++) {
        const char *ext = ext_of(v[i]->d_name);
        char stem[256], truth[EVAL_PATH_MAX * 2], setname[64];
        if (!is_image_ext(ext))
            continue;
        fmt(stem, sizeof stem, "%.*s", (int)(strlen(v[i]->d_name) - strlen(ext) - 1), v[i]->d_name);
        fmt(truth, sizeof truth, "%s/%s.%s", dir, stem, kind == L_TESS ? "txt" : "json");
        if (!is_file(truth))
            continue;
        if (kind == L_TESS)
            fmt(setname, sizeof setname, "%s", *base ? base : "tess");
        else
            fmt(setname, sizeof setname, "%s/%s", *base ? base : "invoices", ext);
        struct eval_set *s = NULL;
        for (int k = 0; k < nsets; k++)
            if (strcmp(sets[k].name, setname) == 0)
                s = &sets[k];
        if (!s && nsets < max) {
            s = &sets[nsets++];
            memset(s, 0, sizeof *s);
            fmt(s->name, sizeof s->name, "%s", setname);
        }
        if (!s || (limit > 0 && (int)s->n >= limit))
            continue;
        struct eval_item *it = eval_set_add(s);
        if (!it)
            break;
        fmt(it->path, sizeof it->path, "%s/%s", dir, v[i]->d_name);
        fmt(it->name, sizeof it->name, "%s/%s", base, v[i]->d_name);
        if (kind == L_TESS) {
            it->words = slurp(truth);
        } else {
            cJSON *t = read_json(truth);
            invoice_fields(it, cJSON_IsArray(t) ? cJSON_GetArrayItem(t, 0) : t);
            cJSON_Delete(t);
        }
    }
    free_list(v, n);
    return nsets;
}

/* labels.csv "path,label": paths relative to the folder above classes/ (as written), else to
 * classes/ itself. With a limit, at most ceil(limit / labels) documents of each label. */
static int load_classes(const char *dir, struct eval_set *s, int limit)
{
    char csvp[EVAL_PATH_MAX + 16], up[EVAL_PATH_MAX];
    fmt(csvp, sizeof csvp, "%s/labels.csv", dir);
    fmt(up, sizeof up, "%s/..", dir);
    char *csv = slurp(csvp);
    char labels[EVAL_MAX_LABELS][EVAL_LABEL_MAX];
    size_t count[EVAL_MAX_LABELS] = {0}, nl = 0;
    fmt(s->name, sizeof s->name, "classes");
    if (!csv)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        size_t per = nl ? ((size_t)limit + nl - 1) / nl : 0;
        int lineno = 0;
        for (char *line = csv; line && *line; lineno++) {
            char *nl_ = strchr(line, '\n');
            size_t ll = nl_ ? (size_t)(nl_ - line) : strlen(line);
            char row[EVAL_PATH_MAX];
            fmt(row, sizeof row, "%.*s", (int)ll, line);
            line = nl_ ? nl_ + 1 : NULL;
            row[strcspn(row, "\r")] = '\0';
            char *comma = strrchr(row, ',');
            if (lineno == 0 || !comma)
                continue; /* header */
            *comma = '\0';
            const char *label = comma + 1;
            size_t li = 0;
            while (li < nl && strcmp(labels[li], label) != 0)
                li++;
            if (pass == 0) {
                if (li == nl && nl < EVAL_MAX_LABELS)
                    fmt(labels[nl++], EVAL_LABEL_MAX, "%s", label);
                continue;
            }
            if (li == nl || (limit > 0 && count[li] >= per))
                continue;
            struct eval_item *it = eval_set_add(s);
            if (!it)
                break;
            fmt(it->path, sizeof it->path, "%s/%s", up, row);
            if (!is_file(it->path))
                fmt(it->path, sizeof it->path, "%s/%s", dir, row);
            if (!is_file(it->path)) {
                fprintf(stderr, "eval: skipped %s (missing)\n", row);
                s->n--;
                continue;
            }
            count[li]++;
            fmt(it->name, sizeof it->name, "%s", row);
            fmt(it->label, sizeof it->label, "%s", label);
        }
    }
    free(csv);
    return 0;
}

static enum layout detect(const char *dir)
{
    char p[EVAL_PATH_MAX + 32], q[EVAL_PATH_MAX + 32];
    fmt(p, sizeof p, "%s/key", dir);
    fmt(q, sizeof q, "%s/img", dir);
    if (is_dir(p) && is_dir(q))
        return L_SROIE;
    fmt(p, sizeof p, "%s/annotations", dir);
    fmt(q, sizeof q, "%s/images", dir);
    if (is_dir(p) && is_dir(q))
        return L_FUNSD;
    fmt(p, sizeof p, "%s/labels.csv", dir);
    if (is_file(p))
        return L_CLASSES;
    if (eval_einv_detect(dir))
        return L_EINVOICES;
    /* image + same-named .json or .txt */
    struct dirent **v;
    int n = list_dir(dir, &v);
    enum layout l = L_NONE;
    for (int i = 0; i < n && l == L_NONE; i++) {
        const char *ext = ext_of(v[i]->d_name);
        size_t nl = strlen(v[i]->d_name);
        if (nl > 8 && strcmp(v[i]->d_name + nl - 8, "-str.xml") == 0) {
            l = L_TABLES;
            break;
        }
        if (!is_image_ext(ext))
            continue;
        int stem = (int)(strlen(v[i]->d_name) - strlen(ext) - 1);
        fmt(p, sizeof p, "%s/%.*s.json", dir, stem, v[i]->d_name);
        fmt(q, sizeof q, "%s/%.*s.txt", dir, stem, v[i]->d_name);
        fmt(p, sizeof p, "%s/%.*s.truth.json", dir, stem, v[i]->d_name);
        if (is_file(p)) {
            l = L_EINVOICES;
            break;
        }
        fmt(p, sizeof p, "%s/%.*s.json", dir, stem, v[i]->d_name);
        l = is_file(p) ? L_INVOICES : is_file(q) ? L_TESS : L_NONE;
    }
    if (n > 0)
        free_list(v, n);
    return l;
}

static int load_one(const char *dir, enum layout l, struct eval_set *sets, int max, int limit)
{
    if (max <= 0)
        return 0;
    switch (l) {
    case L_SROIE:
        memset(sets, 0, sizeof *sets);
        return load_sroie(dir, sets, limit) == 0 ? 1 : 0;
    case L_FUNSD:
        memset(sets, 0, sizeof *sets);
        return load_funsd(dir, sets, limit) == 0 ? 1 : 0;
    case L_CLASSES:
        memset(sets, 0, sizeof *sets);
        return load_classes(dir, sets, limit) == 0 ? 1 : 0;
    case L_EINVOICES: {
        /* fields and line items three ways (eval_einv.c), then page 1 as a scan for OCR words
         * (eval_scans.c) */
        /* DOCPROC_EVAL_EINVOICES=pdf|text-layer|ocr|scan: that set only */
        const char *only = getenv("DOCPROC_EVAL_EINVOICES");
        int k = only && strcmp(only, "scan") == 0 ? 0 : eval_einv_load(dir, sets, max, limit);
        if (k < max && (!only || strcmp(only, "scan") == 0)) {
            memset(&sets[k], 0, sizeof sets[k]);
            k += eval_scans_load(dir, &sets[k], limit) == 0 && sets[k].n ? 1 : 0;
        }
        int kept = 0;
        for (int i = 0; i < k; i++) {
            if (only && strcmp(sets[i].name + strlen("einvoices/"), only) != 0) {
                eval_set_cleanup(&sets[i]);
                continue;
            }
            if (kept != i)
                sets[kept] = sets[i];
            kept++;
        }
        return kept;
    }
    case L_TABLES:
        return load_tables(dir, sets, max, limit);
    case L_INVOICES:
    case L_TESS:
        return load_pairs(dir, l, sets, max, limit);
    case L_NONE:
        break;
    }
    return 0;
}

int eval_sets_load(const char *dir, struct eval_set *sets, int max, int limit)
{
    enum layout l = detect(dir);
    if (l != L_NONE)
        return load_one(dir, l, sets, max, limit);
    /* A folder of subsets: the cheap ones first, classes last so it can reuse labels. */
    static const enum layout order[] = {L_TESS,  L_INVOICES, L_EINVOICES, L_TABLES,
                                        L_SROIE, L_FUNSD,    L_CLASSES};
    struct dirent **v;
    int n = list_dir(dir, &v), total = 0;
    for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
        for (int i = 0; i < n; i++) {
            char sub[EVAL_PATH_MAX];
            fmt(sub, sizeof sub, "%s/%s", dir, v[i]->d_name);
            if (is_dir(sub) && detect(sub) == order[o])
                total += load_one(sub, order[o], sets + total, max - total, limit);
        }
    }
    if (n > 0)
        free_list(v, n);
    return total > 0 ? total : -1;
}
