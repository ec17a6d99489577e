/* Break-before-make checked from outside the p2m, at every hal_s2_* call: a valid descriptor may
 * only become invalid, and valid again only after a flush covering its range has been issued. */
#pragma once

#include "mm/p2m.h"

/* Watches @p2m from now on (through fake_s2_hook) until bbm_watch_stop or fake_reset. */
void bbm_watch_start(const struct p2m *p2m);
void bbm_watch_stop(void);

/* How many violations so far; the first one described. */
unsigned bbm_watch_violations(void);
const char *bbm_watch_error(void);
