/* probe_common.h -- what the in-process probes (docproc-probe, docproc-formprobe) share: the
 * process's CPU clock and a configuration given as "name=value,..." on their command line. */
#ifndef DP_PROBE_COMMON_H
#define DP_PROBE_COMMON_H
#include "config.h"

/* CPU seconds this process has used. */
double probe_cpu_s(void);

/* Applies spec ("name=value,...") to cfg, defaults first (set = 1), or undoes what outlives
 * cfg (set = 0): X_NAME entries become DOCPROC_X_NAME environment variables (set) or are unset;
 * png_fast sets the worker's PNG compression mode (reset to 1 on undo); other names are
 * config options. -1 with a message on stderr, prefixed by who, on a bad entry. */
int probe_apply(struct dp_config *cfg, const char *spec, int set, const char *who);

#endif
