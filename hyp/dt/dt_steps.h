/* The steps of dt_platform_parse, one subject each: every step fills its part of struct platform
 * and returns 0, or a negative Xen errno with @err naming the node at fault. */
#pragma once

#include "dt/dt.h"

/* dt_console.c: /chosen bootargs, then the console UART (dtuart= in them, else stdout-path). */
int dt_parse_bootargs(const void *fdt, struct platform *plat, struct dt_error *err);
int dt_parse_console(const void *fdt, struct platform *plat, struct dt_error *err);

/* dt.c */
int dt_parse_memory(const void *fdt, struct platform *plat, struct dt_error *err);
int dt_parse_cpus(const void *fdt, struct platform *plat, struct dt_error *err);

/* dt_gic.c: the interrupt controller, the generic timer and the PSCI conduit. */
int dt_parse_gic(const void *fdt, struct platform *plat, struct dt_error *err);
int dt_parse_timer(const void *fdt, struct platform *plat, struct dt_error *err);
int dt_parse_psci(const void *fdt, struct platform *plat, struct dt_error *err);
