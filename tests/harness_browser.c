/* harness_browser.c -- see harness_browser.h. */
#include "harness_browser.h"
#include <stdio.h>
#include <sys/wait.h>
#include "e2e_webhooks_util.h"

int browser_setup(const char *src, const char *dir)
{
    char setup_sh[1024], log[1024];
    snprintf(setup_sh, sizeof setup_sh, "%s/tests/browser/setup.sh", src);
    snprintf(log, sizeof log, "%s/npm-setup.log", dir);
    char *argv[] = {"sh", setup_sh, NULL};
    pid_t p = wht_spawn(argv, log);
    int status = 0;
    if (p < 0 || waitpid(p, &status, 0) != p || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return 0;
}

void log_tail(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char buf[6144];
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, sz > (long)sizeof buf - 1 ? sz - (long)sizeof buf + 1 : 0, SEEK_SET);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    fprintf(stderr, "---- %s ----\n%s\n----\n", path, buf);
}
