/* check_units.c -- the systemd units in config/systemd/: systemd-analyze accepts them, and each
 * service restarts, runs as the unprivileged docproc user and carries the hardening DEPLOY.md
 * promises. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

static const char *const services[] = {"docproc-api@.service", "docproc-worker.service",
                                       "docproc-webhookd.service"};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 65536);
    size_t n = buf ? fread(buf, 1, 65535, f) : 0;
    (void)n;
    fclose(f);
    return buf;
}

static const char *src_dir(void)
{
    const char *s = getenv("DOCPROC_SRC_DIR");
    return s ? s : ".";
}

START_TEST(services_are_hardened_and_restart)
{
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/config/systemd/%s", src_dir(), services[i]);
        char *u = slurp(path);
        ck_assert_msg(u != NULL, "missing %s", path);
        const char *need[] = {"\nRestart=always\n",         "\nUser=docproc\n",
                              "\nNoNewPrivileges=yes\n",    "\nProtectSystem=strict\n",
                              "\nProtectHome=yes\n",        "\nPrivateTmp=yes\n",
                              "\nCapabilityBoundingSet=\n", "\nExecStart=/usr/local/bin/docproc-"};
        for (size_t k = 0; k < sizeof need / sizeof need[0]; k++)
            ck_assert_msg(strstr(u, need[k]) != NULL, "%s lacks %s", services[i], need[k] + 1);
        free(u);
    }
}
END_TEST

/* systemd-analyze verify, with ExecStart pointed at this build's programs (it checks they
 * exist). Any complaint fails. */
START_TEST(systemd_analyze_accepts_units)
{
    const char *bin = getenv("DOCPROC_BIN_DIR");
    char dir[] = "/tmp/docproc-units-XXXXXX", cmd[2048];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "for f in %s/config/systemd/*.service %s/config/systemd/*.target; do "
             "sed 's|/usr/local/bin/|%s/|' \"$f\" > %s/$(basename \"$f\"); done && "
             "mv %s/docproc-api@.service %s/docproc-api@8081.service && cd %s && "
             "out=$(systemd-analyze verify ./docproc-api@8081.service ./docproc-worker.service "
             "./docproc-webhookd.service ./docproc.target 2>&1); rc=$?; rm -rf %s; "
             "[ $rc = 0 ] && [ -z \"$out\" ] || { echo \"$out\" >&2; exit 1; }",
             src_dir(), src_dir(), bin ? bin : "build", dir, dir, dir, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *units_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("units");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, services_are_hardened_and_restart);
    tcase_add_test(tc, systemd_analyze_accepts_units);
    suite_add_tcase(s, tc);
    return s;
}
