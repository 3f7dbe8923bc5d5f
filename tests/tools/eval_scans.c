/* eval_scans.c -- the e-invoice PDFs of ../shared/data/einvoices read as scans: page 1 rendered
 * with `pdftoppm -r 200 -gray` into a temporary folder, its text layer (`pdftotext`) as the
 * truth words. Measures OCR word recall on German and French pages (lang=auto vs eng). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "eval.h"

#define SCAN_TEXT_MAX (1u << 20)

/* Runs argv (no shell), stdout into out_path (NULL = /dev/null). 0 when it exited 0. */
static int run_tool(char *const argv[], const char *out_path)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int nul = open("/dev/null", O_WRONLY);
        if (fd < 0 || nul < 0)
            _exit(127);
        dup2(fd, 1);
        dup2(nul, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static char *slurp_capped(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(SCAN_TEXT_MAX + 1);
    size_t n = buf ? fread(buf, 1, SCAN_TEXT_MAX, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int eval_scans_load(const char *dir, struct eval_set *s, int limit)
{
    static char tmp[] = "/tmp/docproc-eval-scans-XXXXXX"; /* left behind for inspection */
    static int made;
    struct dirent **v;
    if (!made && !mkdtemp(tmp))
        return -1;
    made = 1;
    int n = scandir(dir, &v, NULL, by_name);
    if (n < 0)
        return -1;
    snprintf(s->name, sizeof s->name, "einvoices/scan");
    for (int i = 0; i < n; i++) {
        const char *name = v[i]->d_name;
        size_t len = strlen(name);
        char pdf[EVAL_PATH_MAX], truth[EVAL_PATH_MAX], stem[256], out[EVAL_PATH_MAX + 300];
        if (len < 5 || strcmp(name + len - 4, ".pdf") != 0 || (limit > 0 && (int)s->n >= limit))
            continue;
        snprintf(stem, sizeof stem, "%.*s", (int)(len - 4), name);
        snprintf(pdf, sizeof pdf, "%s/%s", dir, name);
        snprintf(truth, sizeof truth, "%s/%s.truth.json", dir, stem);
        if (access(truth, R_OK) != 0)
            continue;
        snprintf(out, sizeof out, "%s/%s", tmp, stem);
        char *render[] = {"pdftoppm", "-r", "200",         "-gray", "-png", "-f", "1",
                          "-l",       "1",  "-singlefile", pdf,     out,    NULL};
        char txt[EVAL_PATH_MAX + 300];
        snprintf(txt, sizeof txt, "%s/%s.txt", tmp, stem);
        char *text[] = {"pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", pdf, "-", NULL};
        if (run_tool(render, NULL) || run_tool(text, txt)) {
            fprintf(stderr, "eval: skipped %s (pdftoppm/pdftotext failed)\n", pdf);
            continue;
        }
        struct eval_item *it = eval_set_add(s);
        if (!it)
            break;
        if ((size_t)snprintf(it->path, sizeof it->path, "%.1000s.png", out) >= sizeof it->path) {
            s->n--;
            continue;
        }
        snprintf(it->name, sizeof it->name, "einvoices/%.100s.png", stem);
        it->words = slurp_capped(txt);
    }
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return 0;
}
