/* Host device-tree discovery: turns a flattened tree into struct platform.
 * Pure libfdt code, the same in both worlds; it never prints (the console may not exist yet). */
#pragma once

#include "hal/platform.h"

struct dt_error {
	char msg[160];
};

/* Fills @plat from @fdt. Returns 0, or a negative Xen errno with @err saying which node and what
 * is wrong. @plat holds whatever was found even on error, so the console can still come up.
 * Optional parts left zero when absent: the console (no dtuart= and no stdout-path), its
 * interrupt (a polled UART: intid 0) and PSCI (PLAT_PSCI_NONE). */
int dt_platform_parse(const void *fdt, struct platform *plat, struct dt_error *err);
