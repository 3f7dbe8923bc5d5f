/* admin.h -- docproc-admin's subcommands. */
#ifndef DP_ADMIN_H
#define DP_ADMIN_H
#include <hiredis.h>
#include "config.h"

/* The value of --name=value or --name value in argv, "" for a bare flag, NULL if absent. */
const char *admin_flag(int argc, char **argv, const char *name);

/* `queue`: stream length, pending, oldest pending age, dead letters, consumers. */
int admin_queue(redisContext *c, const struct dp_config *cfg, int json);

#endif
